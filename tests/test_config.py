"""A project's config (``mkldoctor.toml``, ``[tool.mkldoctor]``) checked against its schema, ``--ignore``, and
``-s/--search`` checked alike on every command: each usage error is one exact line and exit status 2.

Through ``mkldoctor.cli.app`` (CliRunner), and one real process per command family at the end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from mkldoctor.diagnose.options import CheckOptions
from mkldoctor.knowledge.rule_catalogue import RULES
from test_list import link_tree

runner = CliRunner()


def usage_error(args: list[str], line: str, cwd: Path | None = None, env: dict | None = None) -> None:
    """``args`` stop before any work: exactly ``line`` on stderr, nothing on stdout, exit status 2."""
    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        result = runner.invoke(app, args, env=env)
    finally:
        os.chdir(old)
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", [line]), result.output


def pyproject(folder: Path, body: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text('[project]\nname = "app"\nversion = "1"\n\n[tool.mkldoctor]\n' + body)
    return path


# -- the schema: keys, their values, their lines -------------------------------------------------------


def test_an_unknown_key_names_its_file_line_and_the_key_meant(tmp_path):
    path = pyproject(tmp_path, 'link = "static"\nrequires-symbol = ["hgemm_"]\n')
    usage_error(["check", str(tmp_path)], f"mkldoctor: {path}:7: requires-symbol: unknown key; did you mean require-symbol?")
    usage_error(["check"], "mkldoctor: pyproject.toml:7: requires-symbol: unknown key; did you mean require-symbol?", cwd=tmp_path)
    # mkldoctor.toml: the keys at its top level; nothing close: the keys are listed
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "mkldoctor.toml").write_text('# the MKL this project needs\n\nfoo = 1\n')
    keys = ", ".join(CheckOptions.keys())
    usage_error(["check", str(tmp_path)], f"mkldoctor: {tmp_path / 'mkldoctor.toml'}:3: foo: unknown key (keys: {keys})")


@pytest.mark.parametrize("body, line, said", [
    ('[tool]\nmkldoctor.lnk = "static"\n', 2, "lnk: unknown key; did you mean link?"),  # a dotted key under [tool]
    ('[tool.mkldoctor.interface]\nx = 1\n', 1, "interface: must be one of lp64, ilp64, not a dict"),  # a sub-table
    ("[tool.mkldoctor]\n'min_version' = '2021'\nthreading = 'intel_thread'\n", 3,
     "threading: must be one of sequential, intel, gnu, tbb, not 'intel_thread'"),
])
def test_keys_are_found_on_the_line_toml_writes_them(tmp_path, body, line, said):
    (tmp_path / "pyproject.toml").write_text(body)
    usage_error(["check", str(tmp_path)], f"mkldoctor: {tmp_path / 'pyproject.toml'}:{line}: {said}")


@pytest.mark.parametrize("body, said", [
    ('require-symbol = "hgemm_"', 'require-symbol: must be a list of strings, such as ["hgemm_"]'),
    ("require-symbol = [1]", 'require-symbol: must be a list of strings, such as ["hgemm_"]'),
    ('link = "statik"', "link: must be one of static, dynamic, sdl, not 'statik'; did you mean static?"),
    ("interface = 64", "interface: must be one of lp64, ilp64, not a int"),
    ("min-version = 2021.10", 'min-version: must be a string such as "2021.4", not the float 2021.1 '
                              "(a TOML number drops digits: 2021.10 reads as 2021.1)"),
    ('min-version = "newest"', "min-version: 'newest' is no MKL version (such as \"2021.4\")"),
    ('ignore = ["several-version"]', "ignore: several-version: unknown rule; did you mean several-versions?"),
    ('search = ["$MKLDOCTOR_NOT_SET/lib"]', "search: $MKLDOCTOR_NOT_SET/lib: $MKLDOCTOR_NOT_SET is not set"),
    ('search = ["vendor/mkl"]', "search: vendor/mkl: no such folder"),
])
def test_values_are_checked(tmp_path, body, said):
    path = pyproject(tmp_path, body + "\n")
    usage_error(["check", str(tmp_path)], f"mkldoctor: {path}:6: {said}", env={"MKLDOCTOR_NOT_SET": None})


# -- search: ~, variables and relative paths, each checked ---------------------------------------------


@pytest.mark.mkl
@pytest.mark.parametrize("written", ["vendor/mkl", "~/mkl", "$MKL_HERE", "${MKL_HERE}/"])
def test_search_folders_are_expanded_from_the_config_files_folder(mkl, tmp_path, written):
    """The same folder four ways: relative to the config file (not the folder check runs in), ``~``, ``$VAR``,
    ``${VAR}``; the copy in it is the one the build will use."""
    project = tmp_path / "project"
    copy = project / "vendor/mkl" if written.startswith("vendor") else tmp_path / "mkl"
    link_tree([mkl.pip_lib / n for n in ("libmkl_core.so.3", "libmkl_rt.so.3", "libmkl_intel_lp64.so.3",
                                         "libmkl_sequential.so.3")], copy / "lib")
    project.mkdir(exist_ok=True)
    (project / "mkldoctor.toml").write_text(f'search = ["{written}"]\nrequire-symbol = ["hgemm_"]\nlink = "dynamic"\n')
    env = {"HOME": str(tmp_path), "MKL_HERE": str(tmp_path / "mkl"), "MKLROOT": None, "PKG_CONFIG_PATH": None,
           "LD_LIBRARY_PATH": None, "XDG_DATA_HOME": str(tmp_path / "data")}
    old = os.getcwd()
    os.chdir(tmp_path)  # not the project's folder: a relative path is the config file's
    try:
        result = runner.invoke(app, ["check", "project", "--format", "json"], env=env)
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    assert document["picked"]["lib_dir"] == str(copy / "lib")
    (picked,) = [f for f in document["findings"] if f["id"] == "picked"]
    assert "symbols needed: hgemm_" in picked["evidence"]


# -- --ignore and the config's ignore --------------------------------------------------------------------


@pytest.mark.mkl
def test_ignored_findings_are_not_shown_nor_counted(mkl, tmp_path):
    args = ["check", str(tmp_path), "--root", str(mkl.debian_shared), "--link", "static"]
    full = runner.invoke(app, [*args, "--format", "json"])
    document = json.loads(full.stdout)
    errors = sorted({f["id"] for f in document["findings"] if f["severity"] == "error"})
    assert full.exit_code == 1 and errors == ["runtime-without-devel"]
    warnings = [f for f in document["findings"] if f["severity"] == "warning"]
    # the flag: the error goes, and with it the failing exit status
    text = runner.invoke(app, [*args, "--ignore", "runtime-without-devel"], env={"NO_COLOR": "1"})
    assert text.exit_code == 0, text.output
    assert "[runtime-without-devel]" not in text.stdout
    assert text.stdout.splitlines()[-1] == f"0 error(s), {len(warnings)} warning(s), 1 note(s), 1 ignored (runtime-without-devel)"
    # the config's ignore adds to it; JSON counts them by rule
    (tmp_path / "mkldoctor.toml").write_text('ignore = ["pkgconfig-missing-files"]\n')
    ignored = runner.invoke(app, [*args, "--ignore", "runtime-without-devel", "--format", "json"])
    document = json.loads(ignored.stdout)
    assert ignored.exit_code == 0
    assert document["ignored"] == {"count": 2, "rules": {"runtime-without-devel": 1, "pkgconfig-missing-files": 1}}
    assert not {f["id"] for f in document["findings"]} & {"runtime-without-devel", "pkgconfig-missing-files"}
    assert document["summary"] == {"error": 0, "warning": len(warnings) - 1, "info": 1}
    # --strict counts what is shown only
    assert runner.invoke(app, [*args, "--ignore", "runtime-without-devel", "--strict"]).exit_code == (1 if len(warnings) > 1 else 0)


@pytest.mark.parametrize("command", [["check"], ["explain", "-"], ["python", sys.executable]])
def test_an_unknown_rule_is_a_usage_error_naming_the_closest(command):
    usage_error([command[0], "--ignore", "missing-symbols", *command[1:]],
                "mkldoctor: --ignore missing-symbols: unknown rule; did you mean missing-symbol?")
    usage_error([command[0], "--ignore", "zzz", *command[1:]],
                "mkldoctor: --ignore zzz: unknown rule (a finding's id, the word in brackets: several-versions, "
                "missing-symbol, ...)")


def test_every_finding_id_can_be_ignored():
    """--ignore takes the rule catalogue's ids: each one is known (the catalogue's own test holds it to the code)."""
    from mkldoctor.knowledge.rule_catalogue import unknown_rule

    assert RULES and all(unknown_rule(id) is None for id in RULES)


def test_explain_ignores_and_counts(tmp_path):
    log = tmp_path / "build.log"
    log.write_text("/usr/bin/ld: main.o: in function `main':\nmain.c:(.text+0x1d): undefined reference to `hgemm_'\n"
                   "collect2: error: ld returned 1 exit status\n")
    full = runner.invoke(app, ["explain", "--no-scan", str(log), "--format", "json"])
    findings = json.loads(full.stdout)["findings"]
    ids = {f["id"] for f in findings}
    assert full.exit_code == 1 and "missing-symbol" in ids
    quiet = runner.invoke(app, ["explain", "--no-scan", str(log), "--format", "json", *[a for i in ids for a in ("--ignore", i)]])
    document = json.loads(quiet.stdout)
    assert quiet.exit_code == 0 and document["findings"] == [] and document["ignored"]["count"] == len(findings)


# -- -s/--search: one behaviour on every command ------------------------------------------------------


@pytest.mark.parametrize("args", [["check"], ["list"], ["deps", "/bin/sh"], ["explain", "-"], ["link"], ["bench"]])
def test_a_search_folder_that_is_not_there_stops_every_command(tmp_path, args):
    missing = tmp_path / "nowhere"
    usage_error([args[0], "-s", str(missing), *args[1:]], f"mkldoctor: --search {missing}: no such folder")
    (tmp_path / "file").write_text("")
    usage_error([args[0], "--search", str(tmp_path / "file"), *args[1:]], f"mkldoctor: --search {tmp_path / 'file'}: not a folder")


def test_a_search_folder_under_root_is_looked_up_inside_it(tmp_path):
    (tmp_path / "opt").mkdir()
    (tmp_path / "opt/escape").symlink_to("/usr")  # an absolute link means a folder inside the root: none here
    for command in (["check"], ["list"]):
        usage_error([*command, "--root", str(tmp_path), "-s", "/usr"], f"mkldoctor: --search /usr: no such folder inside {tmp_path}")
    # a link there by name that leads nowhere inside the root: read through nowhere, said as the scan's warning
    result = runner.invoke(app, ["list", "--root", str(tmp_path), "-s", "/opt/escape", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["installs"] == []
    assert ("--search /opt/escape: link /opt/escape -> /usr dangles inside the root; nothing outside the root is read in "
            "its place") in json.loads(result.stdout)["warnings"]


def test_install_is_checked_as_explain_and_link_check_it(tmp_path):
    for command in (["check"], ["list"], ["deps", "/bin/sh"]):
        usage_error([command[0], "--install", str(tmp_path), *command[1:]],
                    f"mkldoctor: --install {tmp_path}: no MKL library (libmkl_*.a or .so) in it, its lib/ or its usr/lib/x86_64-linux-gnu/")


# -- one real process per command family -----------------------------------------------------------


def real(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkldoctor", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_real_processes_say_one_line_and_exit_2(tmp_path):
    path = pyproject(tmp_path, 'requires-symbol = ["hgemm_"]\n')
    cases = [
        (["check", str(tmp_path)], f"mkldoctor: {path}:6: requires-symbol: unknown key; did you mean require-symbol?"),
        (["list", "-s", str(tmp_path / "no")], f"mkldoctor: --search {tmp_path / 'no'}: no such folder"),
        (["deps", "/bin/sh", "-s", str(tmp_path / "no")], f"mkldoctor: --search {tmp_path / 'no'}: no such folder"),
        (["explain", "--ignore", "several-version", "-"], "mkldoctor: --ignore several-version: unknown rule; did you mean several-versions?"),
        (["link", "--search", str(tmp_path / "no")], f"mkldoctor: --search {tmp_path / 'no'}: no such folder"),
        (["python", "--ignore", "python-openmp", sys.executable], "mkldoctor: --ignore python-openmp: unknown rule; did you mean python-openmp-clash?"),
        (["bench", "-s", str(tmp_path / "no")], f"mkldoctor: --search {tmp_path / 'no'}: no such folder"),
        (["symbols", "--table", "dynamic", "/bin/sh"], "mkldoctor: Invalid value for '--table': 'dynamic' is not one of "
                                                       "'auto', 'dynsym', 'symtab' (see python -m mkldoctor symbols -h)"),
    ]
    for args, line in cases:
        done = real(*args)
        assert (done.returncode, done.stdout, done.stderr.splitlines()) == (2, "", [line]), args
