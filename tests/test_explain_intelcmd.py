"""An Intel command the build does not know, produced with the real tools: bash, dash and make running icpx (or the
removed icpc), CMake given icpx by CXX and by CMAKE_CXX_COMPILER; cmd's words stay envscripts' (from one table of
Intel's commands, knowledge/intel_tools.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mkldoctor.knowledge import intel_tools
from tests.test_explain_families import errors_of, failed, flat

PATH = "/usr/bin:/bin"  # a shell without oneAPI's environment


def _failed(args: list[str], cwd: Path, env: dict | None = None) -> str:
    return failed(args, cwd, {"PATH": PATH, "HOME": str(cwd), **(env or {})})


@pytest.mark.parametrize("shell", ["bash", "sh"])
def test_a_shell_that_does_not_know_intels_compiler(tmp_path, shell):
    log = _failed([shell, "-c", "icpx -O2 -c x.cpp"], tmp_path)
    [finding] = errors_of(log)
    assert finding.id == "intel-command-not-found" and "icpx" in finding.title, flat(finding)
    assert any("setvars.sh" in line for line in finding.fix)


def test_a_removed_classic_compiler_is_said_so(tmp_path):
    (tmp_path / "Makefile").write_text("x.o:\n\ticpc -c x.cpp\n")
    log = _failed(["make"], tmp_path)
    [finding] = errors_of(log)
    assert finding.id == "intel-command-not-found" and "gone since oneAPI 2024.0" in finding.title, flat(finding)
    assert finding.fix[0].startswith("use icpx")


@pytest.mark.parametrize("flags, script, full", [
    ("-I/opt/intel/compilers_and_libraries_2016.0.109/linux/mkl/include",
     "/opt/intel/compilers_and_libraries_2016.0.109/linux/bin/compilervars.sh",
     "/opt/intel/compilers_and_libraries_2016.0.109/linux/bin/intel64/icc"),
    ("-I/opt/intel/composer_xe_2013_sp1.3.174/mkl/include", "/opt/intel/composer_xe_2013_sp1.3.174/bin/compilervars.sh",
     "/opt/intel/composer_xe_2013_sp1.3.174/bin/intel64/icc"),
    ("-I/opt/intel/mkl/include -L/opt/intel/mkl/lib/intel64", "/opt/intel/bin/compilervars.sh", "/opt/intel/bin/icc")])
def test_a_parallel_studio_build_gets_its_own_environment_script(tmp_path, flags, script, full):
    """make 3.8x's words with the log's -I of a Parallel Studio install (r-sig-fedora's R build with icc 16, blind set
    52): its compilervars.sh and its own icc, not oneAPI's setvars.sh; oneAPI's removal of icc comes last."""
    (tmp_path / "Makefile").write_text(f"x.o:\n\ticc -std=c99 {flags} -c x.c\n")
    log = _failed(["make"], tmp_path)
    [finding] = errors_of(log)
    assert finding.id == "intel-command-not-found" and "Parallel Studio's environment" in finding.title, flat(finding)
    assert finding.fix[0].startswith(f"source {script} intel64") and full in finding.fix[1], flat(finding)
    assert not any("setvars.sh" in line for line in finding.fix) and finding.fix[-1].startswith("use icx"), flat(finding)


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
@pytest.mark.parametrize("how", ["environment", "cache"])
def test_cmake_given_an_intel_compiler_it_cannot_find(tmp_path, how):
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(p CXX)\n")
    args = ["cmake", "-S", ".", "-B", "b"] + (["-DCMAKE_CXX_COMPILER=icpx"] if how == "cache" else [])
    log = _failed(args, tmp_path, {"CXX": "icpx"} if how == "environment" else None)
    [finding] = errors_of(log)
    assert finding.id == "intel-command-not-found" and "icpx" in finding.title, flat(finding)


def test_the_table_reads_intels_commands_in_any_spelling():
    assert intel_tools.command("C:\\Program Files (x86)\\Intel\\oneAPI\\setvars.bat") == "script"
    assert intel_tools.command("ifx.exe") == "compiler" and intel_tools.command("mpiifort") == "MPI wrapper"
    assert intel_tools.command("gcc") is None and intel_tools.command("setvars") is None
    assert intel_tools.removed("ifort") == ("ifx", "2025.0") and intel_tools.removed("icx") is None
    assert [f.id for f in errors_of("'ifx' is not recognized as an internal or external command,\n")] == \
        ["windows-intel-command-not-found"]
    assert not errors_of("bash: foo: command not found\n") or errors_of("bash: foo: command not found\n")[0].id != \
        "intel-command-not-found"


def test_cmds_line_too_long_after_setvars():
    """cmd's limit of 8,191 characters, passed by PATH after setvars.bat ran twice in one console (cmd's own words)."""
    log = ('C:\\work> call "C:\\Program Files (x86)\\Intel\\oneAPI\\setvars.bat"\nThe input line is too long.\n'
           "The syntax of the command is incorrect.\n")
    [finding] = errors_of(log)
    assert finding.id == "windows-command-line-too-long" and "setvars.bat" in finding.title, flat(finding)
    [alone] = errors_of("The input line is too long.\n")
    assert alone.id == "windows-command-line-too-long" and "setvars" not in alone.title


@pytest.mark.skipif(shutil.which("pkg-config") is None, reason="needs pkg-config")
@pytest.mark.parametrize("name, title", [("mkl-dynamic-lp64-iomp", "no folder on PKG_CONFIG_PATH holds"),
                                         ("mkl_rt", "no MKL .pc file has that name")])
def test_pkg_configs_own_words_for_an_mkl_name(tmp_path, name, title):
    """A user try: pkg-config asked for MKL by hand or by a script, its own words read as pkg-config's (they had been
    read as a project's CMake finder)."""
    log = _failed(["pkg-config", "--libs", name], tmp_path, {"PKG_CONFIG_PATH": str(tmp_path)})
    [finding] = errors_of(log)
    assert finding.id == "mkl-pc-not-found" and title in finding.title, flat(finding)
    assert any("PKG_CONFIG_PATH" in line for line in finding.fix)


@pytest.mark.parametrize("shell, script", [
    ("bash", "source /nonexistent/intel/oneapi/setvars.sh"),
    ("sh", ". /nonexistent/intel/oneapi/setvars.sh"),
    ("bash", ". /nonexistent/intel/compilers_and_libraries_2020/linux/bin/compilervars.sh intel64"),
])
def test_an_environment_script_that_is_not_there(tmp_path, shell, script):
    """bash's and dash's own words for a script they could not source (an Open MPI users' thread, blind set 54: a PBS job
    on compute nodes without the login node's /opt/intel), and a job script's bare line: the install is not there."""
    log = _failed([shell, "-c", script + " && ./prog"], tmp_path)
    [finding] = errors_of(log)
    assert finding.id == "mkl-env-script-missing" and folders_name(script) in finding.title, flat(finding)
    assert any("module load" in line for line in finding.fix)
    assert any("setvars.sh at its root" in line for line in finding.fix) == ("compilervars" in script)
    # another script that is not there is not MKL's
    other = errors_of(failed([shell, "-c", ". /nonexistent/other/env.sh"], tmp_path, {"PATH": PATH}))
    assert all(f.id != "mkl-env-script-missing" for f in other)


def folders_name(script: str) -> str:
    return script.split()[1].rsplit("/", 1)[-1]


def test_a_job_scripts_bare_line_before_the_loaders_failures():
    log = ("/opt/intel/mkl/bin/mklvars.sh: No such file or directory\n"
           "/home/u/bin/kkrscf: error while loading shared libraries: libmkl_intel_lp64.so: cannot open shared object file: "
           "No such file or directory\n")
    findings = errors_of(log)
    script = [f for f in findings if f.id == "mkl-env-script-missing"]
    assert script and any("follow from it" in line for line in script[0].evidence), [(f.id, f.title) for f in findings]
