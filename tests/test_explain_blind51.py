"""The classes of the fifty-first blind set (tests/data/explain_corpus/blind51.json), each produced here with the real
tool: make's lines in its own language after ExternalProject's download step of an MKL package (PaddlePaddle's FAQ
quoted only those, in Chinese: the log had been said to have no problem)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from tests.test_explain_families import clean_env, errors_of, failed, flat, run

MAKE = pytest.mark.skipif(shutil.which("cmake") is None or shutil.which("make") is None, reason="needs cmake and make")

EXTERNAL_PROJECT = textwrap.dedent("""\
    cmake_minimum_required(VERSION 3.13)
    project(ep NONE)
    include(ExternalProject)
    ExternalProject_Add(extern_mklml
      PREFIX ${CMAKE_BINARY_DIR}/third_party/mklml
      URL file:///nonexistent/mklml_lnx_2018.0.1.20171007.tgz
      CONFIGURE_COMMAND "" BUILD_COMMAND "" INSTALL_COMMAND "")
""")  # a file that is not there: the step fails at once (an address that refuses is tried six times over 85 seconds)


@pytest.fixture(scope="module")
def download_step(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("ep")
    (source / "CMakeLists.txt").write_text(EXTERNAL_PROJECT)
    code, out = run(["cmake", "-S", str(source), "-B", str(source / "b"), "-G", "Unix Makefiles", "-Wno-dev"], source, clean_env())
    assert code == 0, out
    return source / "b"


# make's message catalogues that translate its error line (GNU make 4.3's: Debian's make ships them)
@MAKE
@pytest.mark.parametrize("language, word", [("zh_CN", "错误"), ("de", "Fehler"), ("ja", "エラー"), ("ru", "Ошибка"), ("C", "Error")])
def test_makes_lines_alone_after_an_mkl_download_step_say_which_download_failed(download_step, language, word):
    out = failed(["make"], download_step, clean_env(LANGUAGE=language, LANG="C.UTF-8", LC_ALL="C.UTF-8"))
    make_lines = [line for line in out.splitlines() if line.startswith("make")]
    assert any(word in line for line in make_lines), make_lines  # the machine's make speaks that language
    # the FAQ's quote: make's lines alone, the step's own words cut
    findings = errors_of("\n".join(make_lines))
    assert [f.id for f in findings] == ["mkl-download-failed"], [(f.id, f.title) for f in findings]
    assert "extern_mklml" in findings[0].title and "download-extern_mklml.cmake" in flat(findings[0])
    # the whole output: CMake's own words for the step and make's lines, one failure
    whole = errors_of(out)
    assert [f.id for f in whole] == ["mkl-download-failed"], [(f.id, f.title) for f in whole]


@MAKE
def test_makes_own_language_is_a_failure_where_no_rule_reads_the_step(tmp_path):
    (tmp_path / "Makefile").write_text("all:\n\tfalse\n")
    out = failed(["make"], tmp_path, clean_env(LANGUAGE="zh_CN", LANG="C.UTF-8", LC_ALL="C.UTF-8"))
    assert "错误" in out
    findings = errors_of(out)
    assert findings and findings[0].id == "unrecognised-failure", [(f.id, f.title) for f in findings]

