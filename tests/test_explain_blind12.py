"""The classes of the twelfth blind set (tests/data/explain_corpus/blind12.json), produced here where they can run.

- a library linked against a versioned symbol, run with another build of its dependency under the same soname that
  does not define that version (Paddle#12134: libmklml_intel.so and a libiomp5.so without ``VERSION``): the loader's
  real message, and the matching copy first on LD_LIBRARY_PATH runs;
- a project's FindMKL.cmake that expands an unset variable into ``IF(UNIX AND ${USE_STATIC_MKL})`` (pytorch#143980):
  cmake's real ``Unknown arguments specified``, and the variable defined configures.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.test_explain_families import clean_env, errors_of, flat


def _sh(cmd: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=clean_env(**env), capture_output=True, text=True)


def test_a_dependency_of_another_build_without_the_symbol_version(tmp_path):
    good, other = tmp_path / "good", tmp_path / "other"
    good.mkdir(), other.mkdir()
    (tmp_path / "rt.c").write_text("int __kmpc_task_like(void) { return 7; }\nint __kmpc_other(void) { return 0; }\n")
    (tmp_path / "rt.map").write_text("VERSION { global: __kmpc_task_like; local: *; };\n")
    # the same version node, without the symbol in it (the symbol under another node)
    (tmp_path / "other.map").write_text("VERSION { global: __kmpc_other; local: *; };\nOTHER_5.0 { global: __kmpc_task_like; } VERSION;\n")
    (tmp_path / "bare.map").write_text("OTHER_5.0 { global: __kmpc_task_like; __kmpc_other; local: *; };\n")
    (tmp_path / "user.c").write_text("int __kmpc_task_like(void);\nint use(void) { return __kmpc_task_like(); }\n")
    (tmp_path / "main.c").write_text("int use(void);\nint main(void) { return use() == 7 ? 0 : 1; }\n")
    steps = [["gcc", "-shared", "-fPIC", "rt.c", "-Wl,--version-script=rt.map", "-Wl,-soname,libiomp5.so", "-o", "good/libiomp5.so"],
             # another build: its symbols under another version node (as another release's or vendor's runtime has)
             ["gcc", "-shared", "-fPIC", "rt.c", "-Wl,--version-script=other.map", "-Wl,-soname,libiomp5.so", "-o", "other/libiomp5.so"],
             ["gcc", "-shared", "-fPIC", "user.c", "-Lgood", "-liomp5", "-o", "libuser.so"],
             ["gcc", "main.c", "-L.", "-luser", "-Wl,-rpath-link,good", "-Wl,-rpath,$ORIGIN", "-o", "main"]]
    for step in steps:
        done = _sh(step, tmp_path)
        assert done.returncode == 0, done.stderr
    failed = _sh(["./main"], tmp_path, LD_LIBRARY_PATH=str(other))
    # glibc 2.36's words ("undefined symbol: X, version V"); older glibc said "symbol X, version V not defined in file
    # libiomp5.so with link time reference" (the public log), and a copy without the node at all gives "version `V' not found"
    assert failed.returncode != 0 and "undefined symbol: __kmpc_task_like, version VERSION" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "loader-symbol-version-missing" and "__kmpc_task_like@VERSION" in finding.title, flat(finding)
    assert "LD_LIBRARY_PATH=" in finding.fix[0]
    assert _sh(["./main"], tmp_path, LD_LIBRARY_PATH=str(good)).returncode == 0  # the copy it was linked against
    (other / "libiomp5.so").unlink()  # a build with no node VERSION at all
    assert _sh(["gcc", "-shared", "-fPIC", "rt.c", "-Wl,--version-script=bare.map",
                "-Wl,-soname,libiomp5.so", "-o", "other/libiomp5.so"], tmp_path).returncode == 0
    failed = _sh(["./main"], tmp_path, LD_LIBRARY_PATH=str(other))
    assert "version `VERSION' not found" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "loader-symbol-version-missing" and "libiomp5.so" in finding.title, flat(finding)


FINDER = """
macro(GET_MKL_LIB_NAMES)
  IF(UNIX AND ${USE_STATIC_MKL})
    set(MKL_KIND static)
  ENDIF()
endmacro()
GET_MKL_LIB_NAMES()
set(MKL_FOUND FALSE)
"""


def test_a_finders_own_cmake_error_and_the_variable_it_expands_unquoted(tmp_path):
    (tmp_path / "cmake").mkdir()
    (tmp_path / "cmake/FindMKL.cmake").write_text(FINDER)
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.13)\nproject(p NONE)\n"
                                             "list(APPEND CMAKE_MODULE_PATH ${CMAKE_SOURCE_DIR}/cmake)\nfind_package(MKL)\n")
    failed = _sh(["cmake", "-S", ".", "-B", "build"], tmp_path)
    assert failed.returncode != 0 and "Unknown arguments specified" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "tool-mkl-code-crashed" and "FindMKL.cmake" in finding.title, flat(finding)
    assert "-D<it>=ON or OFF" in finding.fix[0]
    fixed = _sh(["cmake", "-S", ".", "-B", "build2", "-DUSE_STATIC_MKL=OFF"], tmp_path)
    assert fixed.returncode == 0, fixed.stderr


def test_a_projects_own_words_with_mkl_last_and_cmakes_head_over_them(tmp_path):
    """MegEngine's cmake/mkl.cmake says ``Can not find MKL`` when MKL's headers are not where it looks (#479: the
    mkl-include package was not unpacked): the project's finder, the name last in its words, read with CMake's head
    of the message (the public log, cut, had that head after the words: tests/data/explain_corpus/blind12.json)."""
    (tmp_path / "cmake").mkdir()
    (tmp_path / "cmake/mkl.cmake").write_text('find_path(MKL_INCLUDE_DIR mkl_cblas.h PATHS ${MKL_ROOT}/include NO_DEFAULT_PATH)\n'
                                              'if(NOT MKL_INCLUDE_DIR)\n  message(FATAL_ERROR "Can not find MKL")\nendif()\n')
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.13)\nproject(p NONE)\ninclude(cmake/mkl.cmake)\n")
    failed = _sh(["cmake", "-S", ".", "-B", "build", f"-DMKL_ROOT={tmp_path / 'none'}"], tmp_path)
    assert failed.returncode != 0 and "Can not find MKL" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-finder-failed" and "Can not find MKL" in finding.title, flat(finding)
    assert "cmake/mkl.cmake:3" in finding.title, flat(finding)
    assert any("MKL_ROOT" in line for line in finding.fix)
    (tmp_path / "mkl/include").mkdir(parents=True)
    (tmp_path / "mkl/include/mkl_cblas.h").write_text("")
    fixed = _sh(["cmake", "-S", ".", "-B", "build2", f"-DMKL_ROOT={tmp_path / 'mkl'}"], tmp_path)
    assert fixed.returncode == 0, fixed.stderr


def test_a_program_built_without_mkl_and_a_build_that_only_says_so():
    [finding] = errors_of("Error: MKL Library compile flag was not defined for ULMAT as pressure solver.\n")
    assert finding.id == "program-built-without-mkl" and "rebuild" in finding.fix[0]
    status = [f for f in errors_of("-- MKL support not enabled in this build (compiled without MKL)\n")]
    assert status == []  # a configure step's status line: no failure


CONDA_CLOBBER = """ClobberWarning: This transaction has incompatible packages due to a shared path.
  packages: conda-forge/win-64::intel-openmp-2023.1.0-h57928b3_46319, conda-forge/win-64::llvm-openmp-16.0.6-h2621725_0
  path: 'Library/bin/libiomp5md.dll'
"""


def test_condas_shared_path_of_intel_and_llvm_openmp_is_said_and_a_shared_path_of_other_files_is_not():
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    [finding] = explain(logparse.parse_bytes(CONDA_CLOBBER.encode()), [])
    assert finding.id == "package-file-conflict" and finding.severity == "warning"  # conda went on: a warning
    assert "llvm-openmp" in flat(finding) and "intel-openmp" in finding.fix[0]
    other = CONDA_CLOBBER.replace("libiomp5md.dll", "zlib.dll").replace("intel-openmp", "zlib").replace("llvm-openmp", "libzlib")
    assert [f.id for f in explain(logparse.parse_bytes(other.encode()), [])] == []


def test_gold_lines_of_a_wrap_width_stay_one_message_each():
    """gold says 'undefined reference' once per name on lines that start alike; one of exactly a terminal's width (140
    here, as a pytest folder's number made it) is no wrapped line when the next starts as it does."""
    from mkldoctor.explain import logparse

    names = ["DftiCreateDescriptor_d_1d", "DftiCommitDescriptor", "DftiComputeForward", "DftiFreeDescriptor"]
    head = "/tmp/pytest-of-root/pytest-105/undef-order0/libuser.a(user.o):user.c:function user_fft: error: undefined reference to "
    lines = [f"{head}'{name}'" for name in names]
    assert len(lines[1]) == 140  # the width of the line before the one that was lost
    parsed = logparse.parse_bytes(("\n".join(lines) + "\n").encode())
    assert sorted({e.symbol for e in parsed.events if hasattr(e, "symbol")}) == sorted(names)


def test_a_wrappers_line_that_only_says_it_failed_joins_the_failure_it_follows(tmp_path):
    """One finding per failure: after a failure explained, a test runner's or a tool's own line that names nothing of a
    cause (``The meson log shows the following error:`` of xtb#402, over the lines it quotes) is that failure's
    consequence, said in its evidence; a line with a cause's words stays a failure of its own, and a
    log whose failure nothing explains still says the line."""
    (tmp_path / "dep.c").write_text("int dep(void) { return 0; }\n")
    (tmp_path / "main.c").write_text("int dep(void);\nint main(void) { return dep(); }\n")
    for step in (["gcc", "-shared", "-fPIC", "dep.c", "-o", "libmkl_fake.so"], ["gcc", "main.c", "-L.", "-lmkl_fake", "-o", "main"]):
        assert _sh(step, tmp_path).returncode == 0
    (tmp_path / "libmkl_fake.so").unlink()
    ran = _sh(["./main"], tmp_path)
    assert ran.returncode != 0 and "cannot open shared object file" in ran.stderr
    wrapper = "The meson log shows the following error:\n"
    [finding] = errors_of(wrapper + ran.stderr)
    assert finding.id == "loader-cannot-find"
    assert any("consequence" in line and "shows the following error" in line for line in finding.evidence)
    # a line that says a cause of its own is no consequence
    cause = "ERROR: the frobnicator could not start\n"
    assert sorted(f.id for f in errors_of(ran.stderr + cause)) == ["loader-cannot-find", "unrecognised-failure"]
    # alone, the wrapper's line is still a failure nobody explained: never silent
    [alone] = errors_of(wrapper)
    assert alone.id == "unrecognised-failure" and "shows the following error" in alone.title
