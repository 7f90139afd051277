"""A link line given to CMake as one string (STRUMPACK#20: ScaLAPACKLIBS with spaces, not a list): CMake makes one item of
it, a "file" that begins with MKL's first archive, and make or ninja finds no rule for it. Produced with real CMake, both
generators, against the pinned wheel's static archives; the list the fix names builds."""

from __future__ import annotations

import shutil

import pytest

from tests.test_explain_families import clean_env, errors_of, flat, run

pytestmark = [pytest.mark.mkl, pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")]
PROJECT = ("cmake_minimum_required(VERSION 3.16)\nproject(p C)\nadd_executable(t t.c)\n"
           "target_link_libraries(t PRIVATE \"${SCALAPACK_LIBRARIES}\")\n")


@pytest.mark.parametrize("generator", ["Unix Makefiles", "Ninja"])
def test_a_link_line_given_as_one_string(tmp_path, mkl, generator):
    (tmp_path / "CMakeLists.txt").write_text(PROJECT)
    (tmp_path / "t.c").write_text("extern void dgemm_(void);\nint main(void) { return 0; }\n")
    lib = mkl.pip_lib
    items = [f"{lib}/libmkl_scalapack_lp64.a", "-Wl,--start-group", *(f"{lib}/libmkl_{n}.a" for n in
             ("intel_lp64", "sequential", "core")), "-Wl,--end-group", "-lpthread", "-lm", "-ldl"]

    def build(value: str) -> tuple[int, str]:
        shutil.rmtree(tmp_path / "b", ignore_errors=True)
        code, log = run(["cmake", "-S", ".", "-B", "b", "-G", generator, f"-DSCALAPACK_LIBRARIES={value}"], tmp_path, clean_env())
        assert code == 0, log
        return run(["cmake", "--build", "b"], tmp_path, clean_env())

    code, log = build(" ".join(items))
    assert code != 0 and ("No rule to make target" in log or "missing and no known rule" in log), log
    [finding] = errors_of(log)
    assert finding.id == "link-list-one-string", flat(finding)
    assert "libmkl_scalapack_lp64.a" in finding.evidence[1] and finding.fix[0].startswith("give it a CMake list")
    code, log = build(";".join(items))  # the fix: the same items as a list
    assert code == 0, log
