"""A compile that stops at another package's header that MKL's users meet beside it (mkldoctor/explain/otherheaders.py),
produced with this machine's gcc: Level Zero's (oneDAL's Known Issues, blind set 175), OpenCL's, CUDA's. The finding
names the package, not MKL, and its -I fix compiles once the header is where it points; a header no table knows (the
project's own, a generated one) stays a failure of its own."""

from __future__ import annotations

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, flat, run


@pytest.mark.parametrize("header, package", [
    ("level_zero/ze_api.h", "oneAPI Level Zero"),
    ("CL/cl.h", "OpenCL"),
    ("cublas_v2.h", "NVIDIA's CUDA toolkit"),
])
def test_another_packages_header_is_named_with_its_package_and_the_include_fix_compiles(tmp_path, header, package):
    (tmp_path / "gpu.c").write_text(f"#include <{header}>\nint main(void) {{ return 0; }}\n")
    code, log = run(["gcc", "-c", "gpu.c", "-o", "gpu.o"], tmp_path, clean_env())
    assert code != 0 and header in log, log
    [finding] = errors_of(log)
    assert finding.id == "header-of-another-package" and f"a header of {package}" in finding.title, flat(finding)
    assert finding.fix[0].startswith("install it: ") and "-I<the folder above" in finding.fix[1], finding.fix
    assert "MKLROOT" not in flat(finding) and "mkl" not in finding.title.replace("MKL's", "")
    # the -I fix: the header where the compile line now points
    (tmp_path / "inc" / header).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "inc" / header).write_text("/* the package's header */\n")
    assert run(["gcc", "-c", "gpu.c", "-o", "gpu.o", "-Iinc"], tmp_path, clean_env())[0] == 0


def test_oneDALs_level_zero_line_alone_and_a_projects_own_header():
    log = blindset.log_of(blindset.entries(175), "level-zero-header-missing-onedal")
    assert [f.id for f in errors_of(log)] == ["header-of-another-package"]
    # a header no package gives (the project's own, generated at configure): not said to be a package's
    [said] = errors_of("src/solver.c:3:10: fatal error: solver_config.h: No such file or directory\n")
    assert said.id == "unrecognised-failure", flat(said)


def test_apple_clangs_refusal_of_fopenmp():
    """Xcode's clang ships no OpenMP: "clang: error: unsupported option '-fopenmp'" (no Mac here: its words as printed),
    a make's echo after it joined; another compiler's refusal of another option is not this finding."""
    [finding] = errors_of("clang: error: unsupported option '-fopenmp'\nmake: *** [Makefile:12: main.o] Error 1\n")
    assert finding.id == "apple-clang-no-openmp" and "brew install libomp" in finding.fix[0], flat(finding)
    assert any("Makefile:12" in e and "consequence" in e for e in finding.evidence), finding.evidence
    assert [f.id for f in errors_of("clang: error: unsupported option '-fsycl'\n")] != ["apple-clang-no-openmp"]
