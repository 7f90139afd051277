"""What ``explain`` reads: a real link failure saved as PowerShell saves it (UTF-16 with a BOM) or in UTF-32
says what the UTF-8 log says, and a log file with its execute bit set is read, never run."""

from __future__ import annotations

import codecs
import json

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from tests.conftest import run


@pytest.fixture(scope="module")
def link_failure(tmp_path_factory) -> bytes:
    """gcc and ld's own output for a call to hgemm_ that nothing defines (LC_ALL=C, as users paste it)."""
    d = tmp_path_factory.mktemp("utf16")
    (d / "main.c").write_text("void hgemm_(void);\nint main(void) { hgemm_(); return 0; }\n")
    done = run(["gcc", "main.c", "-o", "main"], cwd=d, check=False, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
    assert done.returncode != 0 and "undefined reference to `hgemm_'" in done.stderr
    return done.stderr.encode()


def explain(path) -> dict:
    result = CliRunner().invoke(app, ["explain", str(path), "--no-scan", "--format", "json"])
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("encoding, bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                           ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE),
                                           ("utf-8", codecs.BOM_UTF8)])
def test_a_log_with_a_byte_order_mark_says_what_the_utf8_log_says(link_failure, tmp_path, encoding, bom):
    plain = tmp_path / "build.log"
    plain.write_bytes(link_failure)
    encoded = tmp_path / f"build-{encoding}.log"
    encoded.write_bytes(bom + link_failure.decode().replace("\n", "\r\n").encode(encoding))  # as Windows writes it
    reference, document = explain(plain), explain(encoded)
    assert [f["id"] for f in document["findings"]] == [f["id"] for f in reference["findings"]] == ["missing-symbol"]
    assert document["findings"][0]["title"] == reference["findings"][0]["title"]
    assert "hgemm_" in document["findings"][0]["title"]


def test_an_executable_log_is_read_not_run(link_failure, tmp_path):
    log = tmp_path / "build.log"
    log.write_bytes(link_failure)
    log.chmod(0o755)  # as every file on a vfat or NTFS mount is
    marker = tmp_path / "ran"
    script = tmp_path / "build.sh"  # a program is run only when named after --: explain -- ./build.sh
    script.write_text(f"#!/bin/sh\ntouch {marker}\ncat {log}\nexit 1\n")
    script.chmod(0o755)
    assert explain(log)["findings"][0]["id"] == "missing-symbol" and not marker.exists()
    result = CliRunner().invoke(app, ["explain", "--no-scan", "--format", "json", str(script)])
    assert result.exit_code == 2 and not marker.exists() and result.stdout == ""
    assert result.stderr.count("\n") == 1 and f"a program, not a log: mkldoctor runs a command only after --" in result.stderr
    result = CliRunner().invoke(app, ["explain", "--no-scan", "--format", "json", "--", str(script)])
    assert result.exit_code == 1 and marker.exists()


def test_a_command_is_run_only_after_dashdash(link_failure, tmp_path):
    """Without --, several arguments or a command's name are no log: one line says how to run it, and nothing runs; a
    LOG and a -- COMMAND together are refused too (which of them would be explained?)."""
    marker = tmp_path / "ran"
    log = tmp_path / "build.log"
    log.write_bytes(link_failure)
    said = {("touch", str(marker)): f"one LOG file at a time; to run a command, put -- before it: "
                                    f"mkldoctor explain -- touch {marker}",
            ("sh",): "sh: no such log file; to run the command, put -- before it: mkldoctor explain -- sh",
            (str(log), "--", "sh", "-c", f"touch {marker}"): "give a LOG file, or -- COMMAND ARGS..., not both",
            ("--", "mkldoctor-no-such-program"): "mkldoctor-no-such-program: no such command"}
    for args, line in said.items():
        result = CliRunner().invoke(app, ["explain", "--no-scan", *args])
        assert result.exit_code == 2 and result.stdout == "" and not marker.exists(), (args, result.output)
        assert result.stderr.strip() == f"mkldoctor: {line}", (args, result.stderr)


def _said(document: dict) -> list:
    """A report's findings without the places in the file read (its name differs)."""
    return [{k: v for k, v in f.items() if k != "locations"} for f in document["findings"]]


@pytest.fixture(scope="module")
def make_in_chinese(tmp_path_factory) -> bytes:
    """make's build of the same call in Simplified Chinese (GNU make's own catalogue: "make: *** [Makefile:2：all] 错误 1")
    around ld's lines (binutils has no Chinese for them)."""
    d = tmp_path_factory.mktemp("gbk")
    (d / "main.c").write_text("void hgemm_(void);\nint main(void) { hgemm_(); return 0; }\n")
    (d / "Makefile").write_text("all:\n\tgcc main.c -o main\n")
    done = run(["make"], cwd=d, check=False, env={"LANGUAGE": "zh_CN", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    out = done.stdout + done.stderr
    assert done.returncode != 0 and "错误" in out and "hgemm_" in out, out
    return out.encode()


@pytest.mark.parametrize("code_page", ["gbk", "gb18030"])
def test_a_log_in_a_chinese_consoles_code_page_says_what_the_utf8_log_says(make_in_chinese, tmp_path, code_page):
    """A Chinese Windows console (code page 936) or an editor there saves the log in GBK, no byte order mark: read in it,
    not as UTF-8 with its characters replaced."""
    plain, encoded = tmp_path / "build.log", tmp_path / "build-936.log"
    plain.write_bytes(make_in_chinese)
    encoded.write_bytes(make_in_chinese.decode().replace("\n", "\r\n").encode(code_page))
    reference, document = explain(plain), explain(encoded)
    assert [f["id"] for f in document["findings"]] == [f["id"] for f in reference["findings"]] == ["missing-symbol"]
    assert _said(document) == _said(reference)


def test_french_ld_in_windows_western_code_page(tmp_path):
    """ld's French words ("référence indéfinie vers « hgemm_ »", binutils' catalogue) saved in code page 1252: the
    finding of the UTF-8 log, the accents read as accents."""
    (tmp_path / "main.c").write_text("void hgemm_(void);\nint main(void) { hgemm_(); return 0; }\n")
    done = run(["gcc", "main.c", "-o", "main"], cwd=tmp_path, check=False,
               env={"LANGUAGE": "fr", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    assert "référence indéfinie" in done.stderr, done.stderr
    plain, encoded = tmp_path / "build.log", tmp_path / "build-1252.log"
    plain.write_bytes(done.stderr.encode())
    encoded.write_bytes(done.stderr.encode("cp1252"))
    reference, document = explain(plain), explain(encoded)
    assert [f["id"] for f in document["findings"]] == [f["id"] for f in reference["findings"]] == ["missing-symbol"]
    assert _said(document) == _said(reference)


def test_a_log_in_other_code_pages_and_random_bytes(tmp_path):
    """Visual Studio's Chinese words around an MKL header in GBK; a Western path in Windows' 1252 (its accents kept, not
    read as ideographs); random bytes, which GB18030 reads as ideographs, still no log."""
    import random

    msvc = tmp_path / "msvc.log"
    msvc.write_bytes("main.cpp(1): fatal error C1083: 无法打开包括文件: “mkl.h”: No such file or directory\r\n"
                     "生成失败。\r\n".encode("gbk"))
    assert [f["id"] for f in explain(msvc)["findings"]] == ["mkl-header-not-found"]
    western = tmp_path / "western.log"
    western.write_bytes("C:\\Users\\Gérard Dépardieu\\app.exe: error while loading shared libraries: libmkl_rt.so.2: "
                        "cannot open shared object file: No such file or directory\n".encode("cp1252"))
    document = explain(western)
    assert document["findings"][0]["id"] == "loader-cannot-find" and "Gérard" in json.dumps(document, ensure_ascii=False)
    for seed in range(8):
        noise = tmp_path / f"noise{seed}.bin"
        noise.write_bytes(random.Random(seed).randbytes(4096))
        result = CliRunner().invoke(app, ["explain", str(noise), "--no-scan"])
        assert result.exit_code == 2 and "not a text log" in result.output, result.output
