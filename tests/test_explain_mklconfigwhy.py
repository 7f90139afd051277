"""Intel's MKLConfig.cmake (the pinned wheel's) and the reasons it gives for MKL_FOUND = FALSE that are no value the user
chose, each produced with real CMake, and each fix configured: the TBB layer without oneTBB's CMake package, an MKLROOT of
another release (its mkl_version.h taken from the pinned mkl-include 2023.2 wheel), an MKLROOT without MKL's headers. And
CMake's own FindBLAS at the wheel's prefix, whose versioned files it does not take."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from tests.test_explain_families import clean_env, errors_of, flat, run

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
PROJECT = "cmake_minimum_required(VERSION 3.16)\nproject(p C)\nfind_package(MKL CONFIG REQUIRED)\n"


def _configure(tmp_path, mkl, *options: str, **env: str) -> tuple[int, str]:
    (tmp_path / "CMakeLists.txt").write_text(PROJECT)
    shutil.rmtree(tmp_path / "b", ignore_errors=True)
    return run(["cmake", "-S", ".", "-B", "b", f"-DMKL_DIR={mkl.pip}/lib/cmake/mkl", *options], tmp_path, clean_env(**env))


def test_the_tbb_layer_without_onetbbs_package(tmp_path, mkl):
    code, log = _configure(tmp_path, mkl, "-DMKL_THREADING=tbb_thread")
    assert code != 0 and "TBB not found" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mklconfig-tbb-not-found" and "TBB_DIR" in finding.fix[0], flat(finding)
    assert _configure(tmp_path, mkl, "-DMKL_THREADING=sequential")[0] == 0  # the other layer the fix names


def test_an_mklroot_of_another_release(tmp_path, mkl):
    root = tmp_path / "mkl2023"
    (root / "include").mkdir(parents=True)
    wheel = next(mkl.root.glob("mkl-include/mkl_include-2023.2.0-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith("include/mkl_version.h"))
        (root / "include" / "mkl_version.h").write_bytes(z.read(name))
    code, log = _configure(tmp_path, mkl, MKLROOT=str(root))
    assert code != 0 and "mismatches" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mklconfig-mklroot-mismatch" and "2023.2" in finding.title, flat(finding)
    assert finding.fix[0].startswith("make the two one install: unset MKLROOT")
    assert _configure(tmp_path, mkl)[0] == 0  # MKLROOT unset


def test_an_mklroot_without_headers(tmp_path, mkl):
    empty = tmp_path / "noheaders"
    (empty / "lib").mkdir(parents=True)
    code, log = _configure(tmp_path, mkl, MKLROOT=str(empty))
    assert code != 0 and "MKL_VERSION_H" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mklconfig-headers-missing", flat(finding)
    assert not any(f.id == "mklconfig-rejected-value" for f in errors_of(log))


def test_findblas_and_the_wheels_versioned_files(tmp_path, mkl):
    """CMake's FindBLAS with MKLROOT at the pinned wheel's prefix finds no libmkl_rt.so (the wheel has libmkl_rt.so.N only);
    the link the fix names makes it find MKL."""
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(p C)\n"
                                             "set(BLA_VENDOR Intel10_64_dyn)\nfind_package(BLAS REQUIRED)\n")
    code, log = run(["cmake", "-S", ".", "-B", "b"], tmp_path, clean_env(MKLROOT=str(mkl.pip)))
    assert code != 0 and "Could NOT find BLAS" in log, log
    [finding] = errors_of(log)
    assert finding.id == "cmake-blas-not-found" and any("versioned files only" in line for line in finding.fix), flat(finding)
    root = tmp_path / "links"
    (root / "lib").mkdir(parents=True)
    rt = next(mkl.pip_lib.glob("libmkl_rt.so.*"))
    (root / "lib" / "libmkl_rt.so").symlink_to(rt)
    shutil.rmtree(tmp_path / "b")
    code, log = run(["cmake", "-S", ".", "-B", "b"], tmp_path, clean_env(MKLROOT=str(root)))
    assert code == 0 and "Found BLAS" in log, log


def _prefix(tmp_path, mkl, drop: str = "", include: bool = True):
    """The pinned wheels' prefix as a package manager could leave it: its files linked one by one, those whose names hold
    ``drop`` left out, MKLConfig.cmake copied (it takes MKL's root from its own folder), the headers when ``include``."""
    prefix = tmp_path / f"prefix-{drop or 'all'}-{include}"
    (prefix / "lib").mkdir(parents=True)
    for f in mkl.pip_lib.iterdir():
        if f.is_file() and not (drop and drop in f.name):
            (prefix / "lib" / f.name).symlink_to(f)
    shutil.copytree(mkl.pip_lib / "cmake", prefix / "lib/cmake")
    if include:
        (prefix / "include").symlink_to(mkl.pip / "include")
    return prefix


def _configure_at(tmp_path, prefix, *options: str) -> tuple[int, str]:
    (tmp_path / "CMakeLists.txt").write_text(PROJECT)
    shutil.rmtree(tmp_path / "b", ignore_errors=True)
    return run(["cmake", "-S", ".", "-B", "b", f"-DMKL_DIR={prefix}/lib/cmake/mkl", *options], tmp_path, clean_env())


def test_a_prefix_without_mkl_h(tmp_path, mkl):
    """MKL's libraries without mkl-include: 2026's MKLConfig.cmake says MKL_INCLUDE-NOTFOUND (CMake wraps the value onto a
    line of its own, no finder's words); 2023's says it through find_package_handle_standard_args. Headers added: it configures."""
    prefix = _prefix(tmp_path, mkl, include=False)
    code, log = _configure_at(tmp_path, prefix)
    assert code != 0 and "MKL_INCLUDE-NOTFOUND" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mklconfig-headers-missing" and "include/mkl.h" in finding.title and str(prefix) in finding.title, flat(finding)
    assert "mkl-include" in finding.fix[0]
    (prefix / "include").symlink_to(mkl.pip / "include")  # what the fix installs
    assert _configure_at(tmp_path, prefix)[0] == 0
    old = tmp_path / "devel2023"
    shutil.copytree(mkl.devel_2023, old, symlinks=True)
    code, log = _configure_at(tmp_path, old)
    assert code != 0 and "missing: MKL_INCLUDE" in log and "MKLConfig.cmake:" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mklconfig-headers-missing" and str(old) in finding.title, flat(finding)


def test_a_prefix_without_intel_openmp(tmp_path, mkl):
    prefix = _prefix(tmp_path, mkl, drop="libiomp5")
    code, log = _configure_at(tmp_path, prefix)
    assert code != 0 and "OMP_LIBRARY-NOTFOUND" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mklconfig-openmp-missing" and "intel-openmp" in finding.fix[0], flat(finding)
    assert any("-DMKL_THREADING=sequential" in line for line in finding.fix)
    assert _configure_at(tmp_path, prefix, "-DMKL_THREADING=sequential")[0] == 0
    assert _configure_at(tmp_path, prefix, "-DMKL_THREADING=gnu_thread")[0] == 0


def test_a_static_link_without_the_archives(tmp_path, mkl):
    prefix = _prefix(tmp_path, mkl, drop=".a")
    code, log = _configure_at(tmp_path, prefix, "-DMKL_LINK=static")
    assert code != 0 and "_file-NOTFOUND" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mklconfig-library-missing" and "MKL_LINK=static" in finding.title, flat(finding)
    assert "mkl-static" in finding.fix[0] and finding.fix[1].endswith("-DMKL_LINK=dynamic"), flat(finding)
    assert _configure_at(tmp_path, prefix, "-DMKL_LINK=dynamic")[0] == 0


def test_a_prefix_without_the_shared_core_links_mkl_half_static(tmp_path, mkl):
    """The wheels' prefix without libmkl_core.so.3: MKLConfig.cmake takes libmkl_core.a beside the shared layers and
    configures; the link fails both ways (the shared layer's mkl_serv_ names, the archive's MPI wrappers). One finding
    that says the kinds are mixed; MKL_LINK=static, one of the fix's two ways, builds and runs."""
    prefix = _prefix(tmp_path, mkl, drop="libmkl_core.so")
    (tmp_path / "t.c").write_text("extern void dgemm_(const char*, const char*, const int*, const int*, const int*, "
                                  "const double*, const double*, const int*, const double*, const int*, const double*, "
                                  "double*, const int*);\nint main(void) { int n = 1; double a = 2, b = 3, c = 0, one = 1, "
                                  "zero = 0; dgemm_(\"N\", \"N\", &n, &n, &n, &one, &a, &n, &b, &n, &zero, &c, &n); "
                                  "return c == 6 ? 0 : 1; }\n")
    (tmp_path / "CMakeLists.txt").write_text(PROJECT + "add_executable(t t.c)\ntarget_link_libraries(t PUBLIC MKL::MKL)\n")

    def build(*options: str) -> tuple[int, str]:
        shutil.rmtree(tmp_path / "b", ignore_errors=True)
        code, log = run(["cmake", "-S", ".", "-B", "b", f"-DMKL_DIR={prefix}/lib/cmake/mkl", "-DMKL_INTERFACE=lp64",
                         *options], tmp_path, clean_env())
        assert code == 0, log
        code, out = run(["cmake", "--build", "b"], tmp_path, clean_env())
        return code, log + out

    code, log = build()
    assert code != 0 and "libmkl_core.a" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-kinds-mixed" and "libmkl_core.a" in finding.title, flat(finding)
    assert [f.id for f in explain(logparse.parse_bytes(log.encode()), [])] == ["mkl-kinds-mixed"]  # the configure's joins it
    configure = log[:log.index("Build files have been written")]  # the configure alone: the failure it leads to, foretold
    [warning] = explain(logparse.parse_bytes(configure.encode()), [])
    assert warning.id == "mklconfig-kinds-mixed" and warning.severity == "warning", flat(warning)
    assert "libmkl_core.a" in warning.title and "MKL_LINK=dynamic" in warning.title, flat(warning)
    assert "mkl==2026.2" in warning.fix[0] and warning.fix[1].startswith("or link MKL statically: -DMKL_LINK=static")
    code, log = build("-DMKL_LINK=static")
    assert code == 0, log
    assert run([str(tmp_path / "b" / "t")], tmp_path, clean_env())[0] == 0


def test_mklconfigs_default_ilp64_under_code_that_passes_int(tmp_path, mkl):
    """MKLConfig.cmake links the ILP64 interface when no MKL_INTERFACE is given; a program that declares dgemm_ with int
    sizes gets MKL's refusal of M. The configure's own line is the evidence, the integer width the first fix, and no other
    build's advice (intel-mkl-src's features) is offered; -DMKL_INTERFACE=lp64, the fix, computes the product."""
    (tmp_path / "t.c").write_text(
        "#include <stdio.h>\nextern void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, "
        "const double*, const int*, const double*, const int*, const double*, double*, const int*);\nint main(void) { int "
        "d[8] = {2, -1, 2, -1, 2, -1, 2, -1}; double a[4] = {1, 2, 3, 4}, c[4] = {0}, one = 1, zero = 0; dgemm_(\"N\", \"N\", "
        "&d[0], &d[2], &d[4], &one, a, &d[6], a, &d[6], &zero, c, &d[6]); printf(\"%g %g %g %g\\n\", c[0], c[1], c[2], "
        "c[3]); return 0; }\n")
    (tmp_path / "CMakeLists.txt").write_text(PROJECT + "add_executable(t t.c)\ntarget_link_libraries(t PUBLIC MKL::MKL)\n")

    def build_and_run(*options: str) -> str:
        shutil.rmtree(tmp_path / "b", ignore_errors=True)
        code, log = run(["cmake", "-S", ".", "-B", "b", f"-DMKL_DIR={mkl.pip}/lib/cmake/mkl", *options], tmp_path, clean_env())
        assert code == 0, log
        code, out = run(["cmake", "--build", "b"], tmp_path, clean_env())
        assert code == 0, out
        return log + out + run([str(tmp_path / "b" / "t")], tmp_path, clean_env(LD_LIBRARY_PATH=str(mkl.pip_lib)))[1]

    log = build_and_run()
    assert "Parameter 3 was incorrect on entry to DGEMM" in log and "set to ` intel_ilp64` by default" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-parameter-error", flat(finding)
    assert any(e.startswith("MKLConfig.cmake: MKL_INTERFACE_FULL intel_ilp64 by its default") for e in finding.evidence)
    assert finding.fix[0].startswith("the integer size") and "MKL_INTERFACE lp64" in finding.fix[0], flat(finding)
    assert not any("intel-mkl-src" in line for line in finding.fix)
    assert "7 10 15 22" in build_and_run("-DMKL_INTERFACE=lp64")


def test_a_hostile_mkl_version_is_not_put_into_a_command():
    """MKLConfig.cmake's status lines as a hostile log could write them: the 'release' is no release, and the install
    command names the package alone (the version goes into a command only as digits and dots)."""
    log = ("-- MKL_LINK: dynamic\n-- MKL_VERSION: $(touch /tmp/x)\n-- Found /opt/m/lib/libmkl_intel_lp64.so.3\n"
           "-- Found /opt/m/lib/libmkl_core.a\n")
    [warning] = explain(logparse.parse_bytes(log.encode()), [])
    assert warning.id == "mklconfig-kinds-mixed" and "$(" not in warning.fix[0], warning.fix
    assert "mkl==2026.2.0" in explain(logparse.parse_bytes(log.replace("$(touch /tmp/x)", "2026.2.0").encode()), [])[0].fix[0]


def test_a_cmake_older_than_mklconfig_takes(mkl):
    """MKLConfig.cmake's first check (the pinned 2026.2 file's own words, its version filled in as CMake does): MKL is
    "not found" on a CMake older than it supports, whatever is installed."""
    import re

    config = (mkl.pip_lib / "cmake" / "mkl" / "MKLConfig.cmake").read_text()
    said = re.search(r'mkl_not_found_and_return\("(The minimum supported CMake version is [^"]+)"\)', config).group(1)
    reason = said.replace("${CMAKE_VERSION}", "3.10.2")
    log = ("CMake Warning at CMakeLists.txt:5 (find_package):\n  Found package configuration file:\n\n"
           "    /opt/intel/oneapi/mkl/2025.0/lib/cmake/mkl/MKLConfig.cmake\n\n  but it set MKL_FOUND to FALSE so package "
           "\"MKL\" is considered to be NOT\n  FOUND.  Reason given by package:\n\n  " + reason + "\n")
    [finding] = errors_of(log)
    assert finding.id == "mklconfig-cmake-too-old" and "the CMake that ran is 3.10.2" in finding.title, flat(finding)
    assert "pip install 'cmake>=" in finding.fix[0], finding.fix


def test_mklconfigs_reason_that_no_reader_knows_is_said_with_its_words():
    """CMake's "but it set MKL_FOUND to FALSE ... Reason given by package:" under a warning (the configure goes on without
    MKL) was "no problem found" for a reason no reader knows; a reason a reader knows keeps that reader's one finding."""
    head = ("CMake Warning at CMakeLists.txt:5 (find_package):\n  Found package configuration file:\n\n"
            "    /opt/intel/oneapi/mkl/2025.0/lib/cmake/mkl/MKLConfig.cmake\n\n  but it set MKL_FOUND to FALSE so package "
            "\"MKL\" is considered to be NOT\n  FOUND.  Reason given by package:\n\n")
    [finding] = errors_of(head + "  Some check of a later release.\n\n-- Configuring done\n")
    assert finding.id == "mklconfig-refused" and finding.title.endswith("Some check of a later release."), flat(finding)
    [known] = errors_of(head + "  TBB not found on the filesystem.\n")
    assert known.id == "mklconfig-tbb-not-found", flat(known)
