"""Where a log's evidence comes from (issue 21, item 1): this machine, or another one.

A failure produced here (a real gcc/ld run in the test's folder) is this machine's, and is explained with
this machine's files and copies; a public log from someone else's machine (the development corpus,
tests/data/explain_corpus/dev.json, each entry with its thread's link) is explained from the log and
mkldoctor's knowledge: this machine's loader cache, compiler folders and copies are never its cause,
never listed as searched, and what only that machine can tell is asked for with a command to run there.
"""

from __future__ import annotations

import getpass
import json
import socket
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from mkldoctor.explain import logparse
from mkldoctor.explain.origin import ELSEWHERE, HERE, UNKNOWN, decide

CORPUS = {e["id"]: e for e in json.loads((Path(__file__).parent / "data" / "explain_corpus" / "dev.json").read_text())["entries"]}
MAIN = "extern void hgemm_(void);\nint main(void) { hgemm_(); return 0; }\n"
THIS_MACHINE = ("compiler default", "ld default", "ld.so.cache", "ldconfig -p)", "searched here")


def explain_json(log: Path, *args: str) -> dict:
    result = CliRunner().invoke(app, ["explain", "--format", "json", *args, str(log)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def corpus_log(tmp_path: Path, entry_id: str) -> Path:
    entry = CORPUS[entry_id]
    assert entry["source"].startswith("https://github.com/")  # a public thread, named
    log = tmp_path / f"{entry_id}.log"
    log.write_text(entry["log"])
    return log


def text_of(document: dict) -> str:
    return "\n".join(line for f in document["findings"] for key in ("title", "evidence", "fix", "confirm")
                     for line in ([f[key]] if isinstance(f[key], str) else f[key]))


def test_a_link_failure_made_here_is_this_machines(mkl, tmp_path):
    (tmp_path / "m.c").write_text(MAIN)
    debian = mkl.debian_lib(mkl.debian_shared)
    args = ["gcc", "m.c", "-o", "m", f"-L{debian}", "-lmkl_rt"]
    failed = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "hgemm_" in failed.stderr
    log = tmp_path / "build.log"
    log.write_text(" ".join(args) + "\n" + failed.stderr)
    document = explain_json(log, "--no-scan")
    assert document["origin"]["verdict"] == HERE and not document["origin"]["forced"]
    assert any(str(debian) in reason for reason in document["origin"]["reasons"])
    (finding,) = [f for f in document["findings"] if f["id"] == "missing-symbol"]
    assert any(f"-lmkl_rt (-Bdynamic)" in line for line in finding["evidence"])  # ld's search, replayed here


def test_a_command_run_here_is_this_machines(tmp_path):
    result = CliRunner().invoke(app, ["explain", "--no-scan", "--format", "json", "--", "gcc", str(tmp_path / "none.o")])
    assert json.loads(result.stdout)["origin"] == {"verdict": HERE, "reasons": ["the command was run here (explain -- COMMAND)"],
                                                    "forced": False}


def test_another_users_link_log_is_not_explained_with_this_machines_folders(tmp_path):
    # gcc in a container whose R was configured with oneAPI 2025.3's lib/intel64, a folder 2024+ does not have
    log = corpus_log(tmp_path, "r-hub-mkl-container-lib-intel64-path-mismatch-106")
    document = explain_json(log)
    assert document["origin"]["verdict"] == ELSEWHERE
    assert any("/opt/R/devel-mkl/lib/R/lib is not on this machine" in r for r in document["origin"]["reasons"])
    (finding,) = [f for f in document["findings"] if f["severity"] == "error"]
    text = text_of(document)
    assert not any(word in text for word in THIS_MACHINE), text
    assert "install MKL" not in text and not finding["recipes"]  # the log shows an installed MKL, in the wrong folder
    assert finding["fix"][0].startswith("-L/opt/intel/oneapi/mkl/2025.3/lib in place of -L/opt/intel/oneapi/mkl/2025.3/lib/intel64/")
    # the same log, said to be this machine's: the search is replayed in this machine's folders
    forced = explain_json(log, "--origin", "here", "--no-scan")
    assert forced["origin"] == {"verdict": HERE, "reasons": ["--origin here was given"], "forced": True}
    assert "ld default" in text_of(forced)


def test_a_copy_the_log_shows_outside_the_environment_is_the_fix(tmp_path):
    # dlib built against Anaconda's libmkl_rt.so, run in an env whose lib lacks it; `locate` in the log shows the copy
    document = explain_json(corpus_log(tmp_path, "py-dlib-libmkl-rt-base-anaconda-lib-not-on-loader-path-dlib-587"))
    assert document["origin"]["verdict"] == ELSEWHERE
    assert any("dhankar@dhankar-VPCEB44EN" in r for r in document["origin"]["reasons"])  # the prompt's host is not this one
    (finding,) = document["findings"]
    assert finding["fix"][0].startswith("export LD_LIBRARY_PATH=/home/dhankar/anaconda2/lib${LD_LIBRARY_PATH:+")
    assert any("outside that environment" in e for e in finding["evidence"])
    assert not any(word in text_of(document) for word in THIS_MACHINE)


def test_a_bare_loader_line_asks_that_machine_and_installs_the_release_of_its_soname(tmp_path):
    # `ImportError: libmkl_intel_lp64.so.1: cannot open ...`: nothing to compare, so nothing of this machine's is used
    document = explain_json(corpus_log(tmp_path, "py-tmvec-needs-mkl-2021-soname-so1-conda-28"))
    assert document["origin"]["verdict"] == UNKNOWN
    (finding,) = document["findings"]
    assert any(line.startswith("on the log's machine: ldconfig -p | grep libmkl_intel_lp64") for line in finding["fix"])
    assert any("conda install mkl=2021" in line and "mkl==2021.4.0" in line for line in finding["fix"])
    assert not any(word in text_of(document) for word in THIS_MACHINE)


def test_a_link_line_with_no_folder_asks_where_mkl_is_before_installing_it(tmp_path):
    document = explain_json(corpus_log(tmp_path, "linux-torchaudio-caffe2-mkl-no-L-conda-lib-audio-2784"))
    assert document["origin"]["verdict"] == ELSEWHERE  # ld under /private/home/ezyang
    (finding,) = [f for f in document["findings"] if f["severity"] == "error"]
    # torch's CMake config gave these names (the thread's cause) first, then where MKL is before installing it
    assert finding["fix"][0].startswith("a project that links libtorch") and "pytorch#89359" in finding["fix"][0]
    assert finding["fix"][1].startswith("on the log's machine: find / -name 'libmkl_intel_ilp64.so*'")
    assert "-L<that folder>" in finding["fix"][2] and "install" in finding["fix"][3]
    assert not any(word in text_of(document) for word in THIS_MACHINE)


def test_an_older_mkl_on_the_path_is_told_as_older_than_the_table(tmp_path):
    document = explain_json(corpus_log(tmp_path, "py-old-mkl-2015-on-ld-path-torch-5099"))
    (finding,) = document["findings"]
    text = text_of(document)
    assert "2015" in finding["title"] and "older MKL" in finding["title"] and "not MKL's version" not in text
    assert "older than every release of mkldoctor's table (2019.0 to" in text
    assert "LD_LIBRARY_PATH" in finding["fix"][0]


def test_this_hosts_prompt_and_a_windows_path_decide_it():
    here = f"{getpass.getuser()}@{socket.gethostname()}:~$ ./app\n./app: error while loading shared libraries: libmkl_rt.so.2: " \
           "cannot open shared object file: No such file or directory\n"
    assert decide(logparse.parse_bytes(here.encode())).verdict == HERE
    windows = CORPUS["win-scipy-ufuncs-dll-conda-mkl-2017-0-4-numpy-9933"]["log"]
    origin = decide(logparse.parse_bytes(windows.encode()))
    assert origin.verdict == ELSEWHERE and "Windows" in origin.reasons[0]


def test_a_drives_path_with_forward_slashes_is_a_windows_place():
    """MinGW's and MSYS2's linker print C:/msys64/...: the place is Windows' whole, not the POSIX /msys64/... after the
    drive's colon; a program's own "name:/path" (ld:/usr/lib/...) stays a POSIX path."""
    log = ("C:/msys64/mingw64/bin/../lib/gcc/x86_64-w64-mingw32/13.2.0/../../../../x86_64-w64-mingw32/bin/ld.exe: "
           "cannot find -lmkl_rt: No such file or directory\ncollect2.exe: error: ld returned 1 exit status\n")
    parsed = logparse.parse_bytes(log.encode())
    assert [p for kind, p in parsed.places if kind == "path"] == [], parsed.places
    assert ("windows", "C:/msys64/mingw64/bin/../lib/gcc/x86_64-w64-mingw32/13.2.0/../../../../x86_64-w64-mingw32/bin/ld.exe") \
        in parsed.places, parsed.places  # on a line with no backslash too (opencv#9954's "at: I:/opencv-master/...")
    assert not [p for kind, p in logparse.parse_bytes(b"see https://example.org/x and git://h/y\n").places if kind == "windows"]
    prompt = logparse.parse_bytes(b"c:\\Users\\david\\code>C:/Users/david/Anaconda3/Scripts/activate\nDLL load failed\n")
    assert ("windows", "C:/Users/david/Anaconda3/Scripts/activate") in prompt.places, prompt.places
    origin = decide(parsed)
    assert origin.verdict == ELSEWHERE and not any("/msys64" in r and "is not on this machine" in r for r in origin.reasons)
    posix = logparse.parse_bytes(b"ld:/usr/lib/x86_64-linux-gnu/libmkl_rt.so: file not recognized\n")
    assert ("path", "/usr/lib/x86_64-linux-gnu/libmkl_rt.so") in posix.places, posix.places


@pytest.mark.parametrize("value", ["somewhere", ""])
def test_a_bad_origin_is_a_usage_error(tmp_path, value):
    log = tmp_path / "x.log"
    log.write_text("x\n")
    result = CliRunner().invoke(app, ["explain", "--origin", value, str(log)])
    assert result.exit_code == 2 and "--origin" in result.output and "Traceback" not in result.output


def test_the_text_report_says_where_the_log_comes_from(tmp_path):
    log = corpus_log(tmp_path, "r-hub-mkl-container-lib-intel64-path-mismatch-106")
    result = CliRunner().invoke(app, ["explain", str(log)])
    assert "the log comes from: another machine" in result.stdout
    assert "--origin here to use them" in result.stdout


def test_a_32_bit_folder_in_a_64_bit_link_is_named_here_and_elsewhere(tmp_path):
    """ld's `skipping incompatible .../lib/ia32/libmkl_rt.so`: produced here with a real 32-bit library (as --32, ld -m
    elf_i386), and in ArrayFire's public log; both get the 64-bit folder of the same layout."""
    ia32 = tmp_path / "opt/intel/mkl/lib/ia32"
    ia32.mkdir(parents=True)
    (tmp_path / "e.s").write_text("\n")
    subprocess.run(["as", "--32", "e.s", "-o", "e.o"], cwd=tmp_path, check=True)
    subprocess.run(["ld", "-m", "elf_i386", "-shared", "-o", str(ia32 / "libmkl_rt.so"), "e.o"], cwd=tmp_path, check=True)
    (tmp_path / "m.c").write_text(MAIN)
    args = ["gcc", "m.c", "-o", "m", f"-L{ia32}", "-lmkl_rt"]
    failed = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True)
    assert "skipping incompatible" in failed.stderr and "cannot find -lmkl_rt" in failed.stderr
    log = tmp_path / "build.log"
    log.write_text(" ".join(args) + "\n" + failed.stderr)
    for document in (explain_json(log, "--no-scan"),
                     explain_json(corpus_log(tmp_path, "cmake-findcblas-ia32-dir-skipping-incompatible-arrayfire-1500"))):
        (finding,) = [f for f in document["findings"] if f["severity"] == "error"]
        folder = "/opt/intel/mkl/lib/intel64 in place of -L" if document["origin"]["verdict"] != HERE else f"{tmp_path}/opt/intel/mkl/lib/intel64"
        assert finding["fix"][0].startswith("-L") and folder in finding["fix"][0], finding["fix"]
        assert not any(line.strip().startswith("1. -L") and "found" in line and "skips" not in line for line in finding["evidence"])


def test_a_conda_environments_mkl_too_new_is_pinned_in_that_environment(tmp_path):
    # torch built against MKL <= 2024.0 in a conda env whose solver took mkl 2024.1: iJIT_NotifyEvent is gone
    document = explain_json(corpus_log(tmp_path, "py-torch-ijit-notifyevent-mkl-2024-1-mmpretrain-1900"))
    (finding,) = document["findings"]
    assert "gone since 2024.1.0" in finding["title"]
    assert finding["fix"][0].startswith("in the log's conda environment: conda install mkl=2024.0 -p /home/liut61/miniforge3/envs/open-mmlab")
    assert all(line.startswith("or ") for line in finding["fix"][1:])


def test_an_interpreter_outside_the_activated_environment_is_named(tmp_path):
    """A real traceback of a Python from one environment (a venv made here, its package opening libmkl_rt.so.2 with
    ctypes), under a shell prompt that shows another environment activated: the interpreter is the cause to check."""
    import sys

    env = tmp_path / "oldenv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    site = next(env.glob("lib/python*/site-packages"))
    (site / "mklext").mkdir()
    (site / "mklext" / "__init__.py").write_text("import ctypes\nctypes.CDLL('libmkl_rt.so.2')\n")
    clean = {k: v for k, v in __import__("os").environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH")}
    ran = subprocess.run([str(env / "bin" / "python"), "-c", "import mklext"], capture_output=True, text=True, env=clean)
    assert ran.returncode != 0 and "libmkl_rt.so.2: cannot open shared object file" in ran.stderr
    log = tmp_path / "session.log"  # the shell transcript: the prompt shows (mklenv) activated
    log.write_text(f"(mklenv) {getpass.getuser()}@{socket.gethostname()}:~$ python -c 'import mklext'\n" + ran.stderr)
    document = explain_json(log, "--no-scan")
    assert document["origin"]["verdict"] == HERE
    (finding,) = document["findings"]
    assert any(f"the shell had the environment (mklenv) activated, but the Python that ran is {env}'s" in e
               for e in finding["evidence"]), finding["evidence"]
    assert finding["fix"][0].startswith("run the activated environment's own interpreter")
    assert "import sys; print(sys.executable)" in finding["fix"][1]


def test_an_mkl_the_log_names_but_the_line_does_not_is_the_fix_not_an_install(mkl, tmp_path):
    """A real `cannot find -lmkl_rt` (no -L on the line) after a line that names the copy (as CMake's `Found MKL:` does):
    said to be another machine's, the finding points the line at that copy, by the file the log shows, and installs nothing."""
    (tmp_path / "m.c").write_text(MAIN)
    args = ["gcc", "m.c", "-o", "m", "-lmkl_rt"]
    failed = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True)
    assert "cannot find -lmkl_rt" in failed.stderr
    log = tmp_path / "build.log"
    log.write_text(f"-- Found MKL: {mkl.pip_lib}/libmkl_rt.so.3\n" + " ".join(args) + "\n" + failed.stderr)
    document = explain_json(log, "--origin", "elsewhere")
    (finding,) = [f for f in document["findings"] if f["severity"] == "error"]
    assert any(f"the log shows MKL's libraries in {mkl.pip_lib}" in e for e in finding["evidence"])
    assert finding["fix"][0].startswith(f"-L{mkl.pip_lib} -l:libmkl_rt.so.3 in place of -lmkl_rt")
    assert not finding["recipes"] and "install" not in " ".join(finding["fix"])
    # and the line so changed links, with the real gcc
    fixed = subprocess.run(["gcc", "m.c", "-o", "m", f"-L{mkl.pip_lib}", "-l:libmkl_rt.so.3"], cwd=tmp_path, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr


def test_a_name_python_opens_itself_is_answered_by_installing_mkl_there(tmp_path):
    # ipyrad's OSError(libmkl_rt.so: cannot open ...): a conda env without mkl; ctypes opens the unversioned name
    document = explain_json(corpus_log(tmp_path, "py-tetrad-libmkl-rt-missing-conda-ipyrad-360"))
    (finding,) = [f for f in document["findings"] if f["severity"] == "error"]
    assert finding["fix"][0].startswith("on the log's machine: ldconfig -p | grep libmkl_rt")
    assert finding["fix"][-1].startswith("if it is not installed: conda install mkl, or any MKL with its development links")
    assert not any("mkl==2019.0" in line for line in finding["fix"])  # an old release is not needed for a name opened by name
    assert not any(word in text_of(document) for word in THIS_MACHINE)


def test_a_host_that_says_no_reason_is_asked_there(tmp_path):
    reports = json.loads((Path(__file__).parent / "data" / "explain_reports.json").read_text())["reports"]
    report = next(r for r in reports if r["log"].startswith('ERROR: could not load library "libmkl_rt"'))
    log = tmp_path / "julia.log"  # Julia's message, the log cut before the loader's reason
    log.write_text(report["log"].splitlines()[0] + "\n")
    document = explain_json(log)
    (finding,) = document["findings"]
    assert finding["id"] == "host-cannot-load" and finding["fix"][0].startswith("on the log's machine: ldconfig -p | grep libmkl_rt")
