"""A log as people paste it: what a CI, a logger, a quote or a code block puts before every line is read through, and
the tool's own lines under it read as the tool said them (and a line set in Markdown or taken from a page's HTML
source as it was) (real failures produced here by gcc, g++, ld.lld and pytest)."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
import sys

import pytest

from mkldoctor.explain.lines import logical_lines
from mkldoctor.explain.rawlines import _unescaped
from tests.test_explain_blind11 import GETRS
from tests.test_explain_families import errors_of

# each the mark some public log has before every line (its source in the comment)
PASTES = {
    "markdown quote": lambda line: "> " + line,  # an issue that quotes the error
    "nested quote": lambda line: "> > " + line,  # a reply quoting that quote
    "markdown code block": lambda line: "    " + line,  # four spaces instead of a fence
    "tab": lambda line: "\t" + line,
    "jenkins": lambda line: "[2024-03-05T12:34:56.123Z] " + line,
    "gitlab": lambda line: "2024-03-05T12:34:56.123456Z 01O " + line,  # GitLab's timestamps with the stream
    "python logging": lambda line: "2024-03-05 12:34:56,123 ERROR " + line,
    "kubernetes": lambda line: "2024-03-05T12:34:56.123456789+00:00 " + line,
    "bazel": lambda line: "(12:34:56) " + line,
    "docker compose": lambda line: "worker-1  | " + line,
    "pytest": lambda line: "E       " + line,
    "pytest in a clock": lambda line: "[2024-03-05T12:34:56.123Z] E       " + line,  # a CI's log of a pytest run
    # a log copied from a rendered page: HTML's &nbsp; (a forum's code), narrow and thin spaces, a zero-width one
    "web page spaces": lambda line: line.replace("  ", "\xa0 ").replace(": ", ":\u202f").replace("(", "\u200b("),
    "inline code": lambda line: f"`{line}`" if line.strip() else line,  # an issue's text that sets each line as code
    "bold": lambda line: f"**{line}**" if line.strip() else line,
    # one mark inside another (cvxopt#119's), on lines that start with a word (emphasis cannot open before a blank)
    "bold italic": lambda line: f"**_{line}_**" if line.strip() and not line[:1].isspace() else line,
    "html source": html.escape,  # a log taken from a web page's source: &lt;, &gt;, &#x27;, &quot;
    "grep -n": lambda line: "123:" + line,  # a log cut with grep -n
    "clock": lambda line: "12:34:56.789 " + line,
    "azure annotation": lambda line: "##[error]" + line if "rror" in line else line,  # Azure's and GitHub's annotations
    "trailing blanks": lambda line: line + "   ",  # Windows' console pads each line to its width; an editor's paste
    # a CI's clock around a tool's own prefix (Yggdrasil's BinaryBuilder: "[22:54:01] ", Ant's "[exec] ")
    "clock in a clock": lambda line: "[2024-03-05T12:34:56.123Z] [22:54:01] " + line,
    # MSBuild's node before each line and its project after an error's (a Visual Studio generator's build of CMake's)
    "journal": lambda line: "Dec 05 12:34:56 myhost python3[1234]: " + line,  # journalctl's (syslog's) host and program
    # a Java build's levels: Maven's (javacpp's native build, its stderr lines as errors) and sbt's stream name
    "maven": lambda line: ("[ERROR] " if "error" in line.lower() else "[INFO] ") + line,
    "sbt": lambda line: "[error] " + line,
    "julia log box": lambda line: "│ " + line,  # Julia's @error around a multi-line message (a package's build log)
    "msbuild": lambda line: "     1>" + line + (r" [C:\src\build\app.vcxproj]" if "error" in line.lower() else ""),
    # a forum's or a word processor's typeset quotes for a straight one: 'x' as ‘x’, an apostrophe as ’
    "typeset quotes": lambda line: re.sub(r"(?<![\w`])'(?=\S)", "\u2018", line).replace("'", "\u2019"),
}
# a program's output kept as a string by the program that ran it: Python's repr of its bytes (gcc's quotes as \xe2\x80\x98)
# and of its text, and a JSON document's string (a CI's or a tool's report)
STRINGS = {
    "bytes repr": lambda log: f"subprocess failed: stderr={log.encode()!r}",
    "text repr": lambda log: f"RuntimeError: build failed: {log!r}",
    "json": lambda log: json.dumps({"step": "link", "stderr": log}),
}


def _run(args: list[str], cwd) -> str:
    done = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    assert done.returncode != 0, done.stdout
    return done.stdout


def _ids(log: str) -> list[tuple[str, str]]:
    return [(f.id, f.title) for f in errors_of(log)]


def _pasted(log: str, paste) -> str:
    return "".join(paste(line) + "\n" for line in log.splitlines())


@pytest.fixture(scope="module")
def produced(tmp_path_factory, mkl) -> dict[str, str]:
    """Real failures whose signatures read the tool's line from its start: g++ against MKL's headers, ld and lld, and
    CMake's message over indented and blank lines."""
    where = tmp_path_factory.mktemp("pastes")
    (where / "solve.cpp").write_text(GETRS)
    (where / "call.c").write_text("extern void hgemm_(void);\nint main(void) { hgemm_(); return 0; }\n")
    # CMake's message over indented lines and blank ones: an imported target naming MKL_INCLUDE_DIR-NOTFOUND (libtorch's)
    (where / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.16)\nproject(p C)\nadd_library(torch INTERFACE IMPORTED)\n"
        "set_target_properties(torch PROPERTIES INTERFACE_INCLUDE_DIRECTORIES \"${CMAKE_SOURCE_DIR};MKL_INCLUDE_DIR-NOTFOUND\")\n"
        "add_executable(app call.c)\ntarget_link_libraries(app torch)\n")
    # a project's FindMKL.cmake that fails on its own code: CMake's "if given arguments:" over blank and indented lines
    finder = tmp_path_factory.mktemp("finder")
    (finder / "cmake").mkdir()
    (finder / "cmake" / "FindMKL.cmake").write_text("if(UNIX AND ${MKL_USE_STATIC})\nendif()\n")  # PyTorch's, unset
    (finder / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(p C)\n"
                                           "list(APPEND CMAKE_MODULE_PATH ${CMAKE_SOURCE_DIR}/cmake)\nfind_package(MKL)\n")
    return {
        "cmake": _run(["cmake", "-S", ".", "-B", "build"], where),
        "cmake finder": _run(["cmake", "-S", ".", "-B", "build"], finder),
        "g++": _run(["g++", "-fsyntax-only", f"-I{mkl.pip / 'include'}", "solve.cpp"], where),
        "ld": _run(["gcc", "call.c", "-lmkl_intel_lp64", "-lmkl_sequential", "-lmkl_core", "-o", "call"], where),
        "lld": _run(["gcc", "-fuse-ld=lld", "call.c", "-o", "call"], where),
    }


@pytest.mark.mkl
@pytest.mark.parametrize("paste", sorted(PASTES))
@pytest.mark.parametrize("tool", ["cmake", "cmake finder", "g++", "ld", "lld"])
def test_a_pasted_log_reads_as_the_tools_own(produced, tool, paste):
    plain = _ids(produced[tool])
    assert plain and all(finding != "unrecognised-failure" for finding, _ in plain), plain
    assert _ids(_pasted(produced[tool], PASTES[paste])) == plain


def test_pythons_words_with_typeset_quotes_read_as_its_own(tmp_path):
    """Python's "No module named 'mkl'" (produced here, without site-packages) as a forum or a word processor sets it."""
    said = _run([sys.executable, "-I", "-S", "-c", "import mkl"], tmp_path)
    assert "No module named 'mkl'" in said, said
    plain = _ids(said)
    assert plain and plain[0][0] == "mkl-service-missing", plain
    for typeset in (said.replace("'mkl'", "\u2018mkl\u2019"), said.replace("'", "\u2019")):
        assert _ids(typeset) == plain, typeset


@pytest.mark.parametrize("n, fragment", [(51, "mkl-types-h-not-found"), (81, "sycl-hpp-not-found"), (89, "mkl-vsl-h-not-found")])
def test_clangs_missing_header_with_typeset_quotes_reads_as_its_own(n, fragment):
    """clang's "fatal error: 'mkl_types.h' file not found" (public pastes: macOS, oneMKL's SYCL headers, FreeBSD) as a
    forum sets it, its quotes typeset where a compiler's own line keeps them."""
    from tests import blindset

    log = blindset.log_of(blindset.entries(n), fragment)
    assert "' file not found" in log
    assert _ids(_pasted(log, PASTES["typeset quotes"])) == _ids(log)


@pytest.mark.mkl
@pytest.mark.parametrize("form", sorted(STRINGS))
@pytest.mark.parametrize("tool", ["cmake", "cmake finder", "g++", "ld", "lld"])
def test_a_log_kept_as_a_string_reads_as_the_tools_own(produced, tool, form):
    kept = STRINGS[form](produced[tool])
    assert "\n" not in kept.strip() and "\\n" in kept  # one line, its newlines escaped
    assert _ids(kept) == _ids(produced[tool])


# a whole paste set inside an issue's HTML (GitHub's collapsed <details> around a fenced block), and PowerShell 5's record
# of a native program's error output (the program's name before its first line, PowerShell's own lines after its last)
AROUND = {
    "details": lambda log: f"<details>\n<summary>Full log</summary>\n\n```\n{log}```\n</details>\n",
    # Spack's excerpt of a failed build's log: each line with its number in a column of 7, the error's marked with >>
    "spack listing": lambda log: "==> Error: ProcessError: Command exited with status 1:\n\n1 error found in build log:\n" + "".join(
        f"  {'>>' if 'rror' in line and not line.startswith(' ') else '  '} {n:<7}{line}\n"
        for n, line in enumerate(log.splitlines(), 140)),
    "powershell": lambda log: ("gcc.exe : " + log + "At line:1 char:1\n+ gcc call.c\n+ ~~~~~~~~~~\n    + CategoryInfo          : "
                               "NotSpecified: (:String) [], RemoteException\n    + FullyQualifiedErrorId : NativeCommandError\n"),
}


@pytest.mark.mkl
@pytest.mark.parametrize("around", sorted(AROUND))
@pytest.mark.parametrize("tool", ["cmake", "cmake finder", "g++", "ld", "lld"])
def test_a_log_inside_a_wrappers_words_reads_as_the_tools_own(produced, tool, around):
    assert _ids(AROUND[around](produced[tool])) == _ids(produced[tool])


def test_a_triple_quote_is_no_quoted_argument_left_open():
    """Julia's py\"\"\" ... \"\"\" (PyCall) before MKL's and dyld's lines: each line stays its own (they were joined into one)."""
    log = ('py"""\nimport scipy\n"""\nINTEL MKL ERROR: dlopen(/Users/u/.julia/conda/3/lib/libmkl_intel_thread.1.dylib, 9): '
           "Library not loaded: @rpath/libiomp5.dylib\n  Referenced from: /Users/u/.julia/conda/3/lib/libmkl_intel_thread.1.dylib\n"
           "  Reason: image not found.\nIntel MKL FATAL ERROR: Cannot load libmkl_intel_thread.1.dylib.\n")
    assert _ids(log) == _ids(log.split('"""\n', 2)[2])


def test_control_bytes_a_repr_spells_are_made_inert():
    """A repr's escapes may spell ESC, BEL and NUL (a coloured tool's output kept as bytes): none reaches a line."""
    kept = "stderr=%r\n" % b"\x1b[31m/usr/bin/ld: cannot find -lmkl_rt\x1b[0m\x07\x00\ncollect2: error: ld returned 1 exit status\n"
    [finding] = errors_of(kept)
    assert finding.id == "library-not-found", finding.title
    lines = list(logical_lines(io.BytesIO(kept.encode())))
    assert "collect2: error: ld returned 1 exit status" in lines
    assert not any(c in line for line in lines for c in "\x1b\x07\x00"), lines


def test_a_windows_folder_and_one_escaped_newline_are_no_strings():
    """A Windows path written as it is (C:\\new\\nvidia) is not split at its folders' n, nor a line with one \\n out of quotes."""
    windows = "LINK : fatal error LNK1181: cannot open input file 'C:\\new\\nvidia\\numbers\\mkl_core.lib'"
    assert [f.id for f in errors_of(windows)] == ["msvc-library-not-found"]
    assert _unescaped(windows) == [windows]
    assert _unescaped("printf(\"%d\\n\", n); error here") == ["printf(\"%d\\n\", n); error here"]


def test_lds_function_and_its_reference_on_one_line_read_as_two(tmp_path):
    """ld's "in function `main':" and the reference under it, joined by a paste that lost the line break (or said on one
    line by an IDE): the reference is read with its function, never taken for a function's name (which said nothing)."""
    (tmp_path / "call.c").write_text("extern void hgemm_(void);\nint main(void) { hgemm_(); return 0; }\n")
    log = _run(["gcc", "call.c", "-o", "call"], tmp_path)
    assert "in function `main':\n" in log or "in function \u2018main\u2019:\n" in log, log
    joined = re.sub(r"(in function \S+:)\n", r"\1 ", log)
    assert joined.count("\n") == log.count("\n") - 1
    assert _ids(joined) == _ids(log) and _ids(log)[0][0] == "missing-symbol"
    assert "needed by main" in str([f.evidence for f in errors_of(joined)])


def test_pytest_failure_lines_read_as_pythons_own(tmp_path):
    """pytest puts "E   " before the exception a test raised: the error under it is MKL's library not found."""
    (tmp_path / "test_load.py").write_text("import ctypes\n\ndef test_load():\n    ctypes.CDLL('libmkl_gf_lp64.so.2')\n"
                                           "\ndef test_import():\n    raise ImportError('libmkl_rt.so.2: cannot open shared object file: "
                                           "No such file or directory')\n")
    log = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_load.py"], tmp_path)
    assert "E           OSError: libmkl_gf_lp64.so.2" in log and "E       ImportError: libmkl_rt.so.2" in log, log
    findings = errors_of(log)
    assert sorted(f.title for f in findings if f.id == "loader-cannot-find") == [
        "the loader cannot find libmkl_gf_lp64.so.2", "the loader cannot find libmkl_rt.so.2"], [(f.id, f.title) for f in findings]


@pytest.mark.skipif(shutil.which("ldd") is None or shutil.which("gcc") is None, reason="needs gcc and ldd")
def test_pytests_mark_before_a_tab_indented_line(tmp_path):
    """pytest's "E         " before a message's own tab-indented line (ldd's "\tlibmissing.so => not found" in an
    assertion's message) is taken off as before any other line: the library is read whole, not the excerpt pytest adds
    under it ("ing.so => not found"). Produced with gcc, ldd and pytest."""
    (tmp_path / "m.c").write_text("int m(void) { return 1; }\n")
    (tmp_path / "f.c").write_text("int m(void);\nint f(void) { return m(); }\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", "libmissing.so", "m.c"], cwd=tmp_path, check=True)
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", "libf.so", "f.c", "-L.", "-lmissing"], cwd=tmp_path, check=True)
    (tmp_path / "libmissing.so").unlink()
    (tmp_path / "test_ldd.py").write_text(f"import subprocess\n\ndef test_libf_loads():\n    out = subprocess.run(['ldd', "
                                          f"'{tmp_path / 'libf.so'}'], capture_output=True, text=True).stdout\n"
                                          "    assert 'not found' not in out, out\n")
    log = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_ldd.py"], tmp_path)
    assert "E         \tlibmissing.so => not found" in log, log
    titles = [f.title for f in errors_of(log) if f.id == "loader-cannot-find"]
    assert titles == ["the loader cannot find libmissing.so"], titles


def test_a_quote_keeps_lld_and_pythons_own_angle_marks():
    """Markdown's "> " goes, lld's ">>> referenced by" and Python's ">>> import" under it stay what they were."""
    from mkldoctor.explain.lines import logical_lines
    import io

    text = b"> ld.lld: error: undefined symbol: hgemm_\n> >>> referenced by call.c\n>\n> >>> import numpy\n"
    assert list(logical_lines(io.BytesIO(text))) == ["ld.lld: error: undefined symbol: hgemm_", ">>> referenced by call.c", "",
                                                      ">>> import numpy"]


def test_ipythons_header_alone_is_an_error_said_and_beside_its_own_line_is_none():
    """A traceback cut after IPython's header (brightway2-calc#36's paste) still says an exception was raised: never
    "no problem found"; with the exception's own line, that line's finding is the only one."""
    header = "FileNotFoundError                         Traceback (most recent call last)\n"
    cut = header + "<ipython-input-1-a3ddbb8a34e8> in <module>\n----> 1 import brightway2 as bw\n"
    [finding] = errors_of(cut)
    assert finding.id == "unrecognised-failure" and "FileNotFoundError" in finding.title
    assert [f.id for f in errors_of(" " + cut)] == ["unrecognised-failure"]  # as pasted, one space before each line
    whole = cut + ("FileNotFoundError: Could not find module 'mkl_rt.dll' (or one of its "
                                                     "dependencies). Try using the full path with constructor syntax.\n")
    assert [f.id for f in errors_of(whole)] != ["unrecognised-failure"]
    assert not any("Traceback" in f.title for f in errors_of(whole))


@pytest.mark.parametrize("rich_box", [False, True])
def test_a_traceback_cut_before_its_error_is_never_no_problem_found(tmp_path, rich_box):
    """sdnext#1955's paste: rich's boxed traceback (as SD.Next prints it) cut before its last line. Produced with the real
    interpreter and rich: cut, it is an error said; whole, its last line is the finding and the header none."""
    program = "import importlib\nimportlib.import_module('intel_extension_for_pytorch_not_here')\n"
    if rich_box:
        program = "from rich.traceback import install\ninstall(width=120)\n" + program
    (tmp_path / "launch.py").write_text(program)
    done = subprocess.run([sys.executable, "launch.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": "120"})
    lines = done.stderr.splitlines()
    assert done.returncode == 1 and "Traceback (most recent call last)" in lines[0], done.stderr
    assert lines[-1].startswith("ModuleNotFoundError: No module named"), lines[-1]
    [cut] = errors_of("\n".join(lines[:-1]) + "\n")
    assert cut.id == "unrecognised-failure" and "Traceback (most recent call last)" in cut.title, (cut.id, cut.title)
    whole = errors_of(done.stderr)
    assert not any("Traceback" in f.title for f in whole), [(f.id, f.title) for f in whole]


def test_a_tools_own_stars_and_backticks_stay():
    """glibc's "*** Error in `x': ... ***" and configure's "***configure failed: ... ***" are the tools' own words, not
    Markdown's bold; a code fence is not inline code."""
    import io

    from mkldoctor.explain.lines import logical_lines

    text = ("*** Error in `/u/bin/xvmec2000': malloc(): memory corruption: 0x0000000004c0b160 ***\n"
            "***configure failed: Cannot validate the MKL switches ***\n```\n`ld: cannot find -lmkl_core`\n")
    assert list(logical_lines(io.BytesIO(text.encode()))) == [
        "*** Error in `/u/bin/xvmec2000': malloc(): memory corruption: 0x0000000004c0b160 ***",
        "***configure failed: Cannot validate the MKL switches ***", "```", "ld: cannot find -lmkl_core"]


@pytest.mark.mkl
@pytest.mark.parametrize("tool", ["g++", "ld", "lld"])
def test_a_log_with_a_viewers_line_numbers_reads_as_the_tools_own(produced, tool, tmp_path):
    """Line numbers before every line, counting up from where the selection began: cat -n's (run here on the log) and a
    log viewer's ("  57  ..."); a line's own indent after the number stays."""
    plain = _ids(produced[tool])
    (tmp_path / "log.txt").write_text(produced[tool])
    cat_n = subprocess.run(["cat", "-n", str(tmp_path / "log.txt")], capture_output=True, text=True, check=True).stdout
    viewer = "".join(f"  {57 + i}  {line}\n" for i, line in enumerate(produced[tool].splitlines()))
    assert _ids(cat_n) == plain and _ids(viewer) == plain
    # a first line that only starts with a number keeps the rest; the lines after it are no numbered paste
    assert _ids("  3  packages\n" + produced[tool]) == plain


# first lines as public logs quote them (blind sets 5, 39, 42, 43, 44), whose paste may start a few characters in
FIRST_LINES = (
    "ld: cannot find -lmkl_intel_lp64\n",
    "ld: unknown option: --start-group\n",
    "Parameter 9 was incorrect on entry to cblas_dgemm\n",
    "libmkl_def.so.2: undefined symbol: mkl_sparse_optimize_bsr_trsm_i8\n",
    "MKL FATAL ERROR: Cannot load libmkl_avx512.so or libmkl_def.so.\n",
    "INTEL oneMKL ERROR: /x/lib/libmkl_avx2.so.2: cannot open shared object file: No such file or directory\n",
    'Imported target "torch" includes non-existent path\n',
    "LNK1104: cannot open file 'mkl_intel_lp64.lib'\n",
)


@pytest.mark.parametrize("cut", [1, 2, 3])
@pytest.mark.parametrize("line", FIRST_LINES)
def test_a_first_line_pasted_a_few_characters_in_reads_as_the_whole(line, cut):
    whole = _ids(line)
    assert whole and all(finding != "unrecognised-failure" for finding, _ in whole), whole
    assert [finding for finding, _ in _ids(line[cut:])] == [finding for finding, _ in whole]


def test_mavens_error_mark_keeps_its_sense():
    """Maven's "[ERROR] " before words with no error of their own is still a failure said (never dropped with its mark);
    sbt's lower-case "[error] " names a stream, not a failure."""
    assert [f.id for f in errors_of("[ERROR] Failed to execute goal org.bytedeco:javacpp:1.5.9:build (javacpp-parser)\n")] == \
        ["unrecognised-failure"]
    assert not errors_of("[error] Compiling 3 Scala sources to /src/target/scala-2.13/classes ...\n")


def test_a_quote_left_open_does_not_swallow_the_lines_after_it():
    """A reporter's quote closed by a curly quote ("... (core dumped)”), or never closed before a paste's cut or a blank
    line: the lines after it are read as lines of their own (it had joined up to 256 of them, and their errors with it)."""
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    after = "/usr/bin/ld: cannot find -lmkl_core: No such file or directory\n"
    for head in ('"import failure : Illegal instruction (core dumped)”\n',
                 '    "OMP: Error #15: Initializing libiomp5.dylib, but found libiomp5.dylib already initialized.\n[...]\n',
                 '"the reporter said\n\n'):
        ids = [f.id for f in explain(logparse.parse_bytes((head + after).encode()), [])]
        assert "library-not-found" in ids, (head, ids)


def test_a_whole_message_of_a_wrap_width_is_not_joined_with_the_next_line():
    """The loader's line of exactly 132 characters, ending 'No such file or directory', then a link command: two lines."""
    from mkldoctor.explain import logparse

    loader = "./nwchem: error while loading shared libraries: libmkl_scalapack_ilp64.so: cannot open shared object file: No such file or directory"
    assert len(loader) == 132
    parsed = logparse.parse_bytes(f"{loader}\nifort -i8 -o nwchem nwchem.o -L/opt/mkl/lib -lmkl_scalapack_ilp64 -lmkl_core\n".encode())
    [command] = parsed.of(logparse.LinkCommand)
    assert command.tool == "ifort" and [lib.name for lib in command.libs] == ["mkl_scalapack_ilp64", "mkl_core"], command


def test_an_escaped_lines_width_is_not_a_terminals():
    """A page's source spells each quote as &#x27; (5 characters): a line whose escaped form happens to be a terminal's
    wrap width (here 120) is no wrapped line, and the next one is not joined to it (AMICI#2441's, so escaped)."""
    head = "/usr/bin/ld: /build/libamici.a(cblas.cpp.o): in function `amici::amici_dgemm(int, double const*)':"
    head = head.replace("int, double", "int, " + "x" * (120 - len(html.escape(head))) + "double")
    assert len(html.escape(head)) == 120
    log = html.escape(head) + "\n" + html.escape("/src/cblas.cpp:27:(.text+0x5): undefined reference to `cblas_dgemm'") + "\n"
    assert len(list(logical_lines(io.BytesIO(log.encode())))) == 2
    assert [finding for finding, _ in _ids(log)] == ["mkl-symbol-unresolved"]


def test_ld_context_and_reference_joined_without_a_space():
    """A wrap or a paste that joined ld's "in function `f':" to the reference after it with no blank between them: the
    reference is still read (it was taken for part of the function's name, and the log called clean)."""
    log = ("/usr/bin/ld: /build/libamici.a(cblas.cpp.o): in function `amici::amici_dgemm(int)':"
           "/src/cblas.cpp:27:(.text+0x5): undefined reference to `cblas_dgemm'\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-symbol-unresolved" and "amici::amici_dgemm(int)" in finding.evidence[0], finding


def test_a_wrap_inside_a_java_exceptions_name():
    """A terminal of 80 columns that cut "java.lang.UnsatisfiedLinkError)" before its "Error)" (polynote#998's line): the
    rest is no fresh error line of its own, and the two are one line again."""
    line = "Uncaught exception: no jnimkl_rt in java.library.path (java.lang.UnsatisfiedLinkError)"
    log = line[:80] + "\n" + line[80:] + "\njava.lang.ClassLoader.loadLibrary(ClassLoader.java:1860)\n"
    assert list(logical_lines(io.BytesIO(log.encode())))[0] == line
    assert [finding for finding, _ in _ids(log)] == [finding for finding, _ in _ids(line + "\n")] != ["unrecognised-failure"]


def test_a_one_line_paste_set_as_a_block():
    """A paste of one line, indented as Markdown's code block (dentist#2's 'Illegal instruction (core dumped)'): its indent
    is the paste's, read as the same line unindented."""
    line = "Illegal instruction (core dumped)\n"
    assert _ids("    " + line) == _ids(line) and _ids(line)[0][0] == "mkl-illegal-instruction"
    assert list(logical_lines(io.BytesIO(b"    " + line.encode()))) == [line.strip()]


def test_a_crash_in_a_fenced_paste_ends_at_the_fence():
    """scipy#3193's session set in a Markdown fence: the fence after "Segmentation fault" is where the paste ends, no
    backtrace, so the complex-returning call just before the crash is still the one that crashed."""
    log = "from scipy.linalg.fblas import cdotu\ncdotu([1],[1])\nSegmentation fault\n"
    assert _ids("```\n" + log + "```\n") == _ids(log) and _ids(log)[0][0] == "mkl-crash"


def _refilled(log: str, width: int, quote: str = "") -> str:
    """The log as a mail archive or a forum shows it: each long line filled at word boundaries (a path stays whole)."""
    import textwrap

    filled = []
    for line in log.splitlines():
        pieces = textwrap.wrap(line, width - len(quote), break_long_words=False, break_on_hyphens=False) or [line]
        filled += pieces if len(line) > width - len(quote) else [line]
    return "".join(quote + piece + "\n" for piece in filled)


@pytest.mark.mkl
@pytest.mark.parametrize("fill", [(72, ""), (100, ""), (76, "> ")])
@pytest.mark.parametrize("tool", ["cmake", "cmake finder", "g++", "ld", "lld"])
def test_a_log_refilled_at_word_boundaries_reads_as_the_tools_own(produced, tool, fill):
    """A mail archive's 72 columns, a forum's 100, a quoted reply's 76: the words a fill moved to the next line are
    joined back (reflow), and the findings are the tool's own."""
    width, quote = fill
    refilled = _refilled(produced[tool], width, quote)
    assert refilled != produced[tool] or all(len(line) <= width for line in produced[tool].splitlines())
    assert _ids(refilled) == _ids(produced[tool])


def test_a_refilled_loader_line_and_a_natural_log_beside_it():
    """r-help's 'libiomp5.so: undefined reference to' / '`pthread_atfork'' and a loader's line cut after its colon are
    joined; a log's own short lines that start a message (a tool's name and a colon, a container's prefix, a sentence
    after a full stop) are not."""
    for line in ("./solver: error while loading shared libraries: libmkl_rt.so.2: cannot open shared object file: No "
                 "such file or directory", "/usr/lib64/Revo-5.0/R-2.13.2/lib64/R/lib/libiomp5.so: undefined reference to "
                 "`pthread_atfork'"):
        refilled = _refilled(line, 72)
        assert refilled.count("\n") > 1 and list(logical_lines(io.BytesIO(refilled.encode()))) == [line]
    natural = ("Intel MKL ERROR: Parameter 12 was incorrect on entry to DGELSD.\ninit_dgelsd failed init\n"
               "configure:37408: checking whether double complex BLAS can be used\nconfigure:37481: result: no\n"
               # a builder's own short line, then MSVC's message, which starts at its file's (line,column): no fill's
               " ---> Running in 3f2a\nC:\\Users\\adeet\\git-desktop\\incubator-mxnet\\3rdparty\\mshadow\\mshadow\\"
               "./base.h(173,12): "
               "fatal error C1083: Cannot open include file: 'mkl_blas.h': No such file or directory\n")
    assert list(logical_lines(io.BytesIO(natural.encode()))) == natural.splitlines()


def test_a_fill_that_never_ends_is_joined_in_bounded_pieces():
    """A hostile (or endless) text whose every line a fill could have broken: joined at most reflow.MAX_PIECES lines at a
    time, so a log of such lines is read in time linear in its length (60,000 of them took 45 s when the joins went on)."""
    from mkldoctor.explain import reflow

    words = ("omicron", "epsilon", "lambdas", "kappaaa")
    log = "".join((words[i % 4] + " " + "ab " * 30)[:69].rstrip() + "x\n" for i in range(2000))
    read = list(logical_lines(io.BytesIO(log.encode())))
    assert len(read) >= 2000 // reflow.MAX_PIECES and max(len(line) for line in read) <= reflow.MAX_PIECES * 71
    assert " ".join(read).split() == log.split()  # every word kept, in order


def _cut(log: str, width: int) -> str:
    """A terminal's wrap: each line longer than the width cut at it, inside words."""
    return "\n".join("\n".join(line[i:i + width] for i in range(0, len(line), width)) or line for line in log.split("\n"))


def _of_width(head: str, tail: str, width: int = 80) -> str:
    """head, a folder whose name fills the line, and tail: a line of exactly the width."""
    line = f"{head}{'d' * (width - len(head) - len(tail))}{tail}"
    assert len(line) == width
    return line


def test_a_terminals_cut_inside_a_path_is_joined():
    """The heldback anaconda-11389 log cut at 80 columns: MKL's loader line breaks after '.../python3.7' and the next piece
    starts '/site-packages/...so: undefined symbol', which reads as a message of its own; it is the same line. A line of
    that width that ends at a file, or is followed by a shell's or a linker's own words, stays whole."""
    from tests.blindset import CORPUS

    [log] = [e["log"] for e in json.loads((CORPUS / "heldback.json").read_text())["entries"] if "anaconda-11389" in e["id"]]
    cut = _cut(log, 80)
    assert cut.count("\n") > log.count("\n")
    assert [f.id for f in errors_of(cut)] == [f.id for f in errors_of(log)] == ["tbb-runtime-missing"]
    for line, after in ((_of_width("/bin/sh: line 1: 23346 Segmentation fault      /opt/intel/", "/libmkl_core.so"),
                         "/bin/sh: line 1: 23347 Segmentation fault      /usr/lib64/libm.so"),
                        (_of_width("gcc -o app app.o -L/opt/intel/", "/lib/intel64"), "/usr/bin/ld: cannot find -lmkl_core"),
                        (_of_width("export LD_LIBRARY_PATH=/opt/intel/", "/lib"), "/bin/sh: 1: source: not found"),
                        # ld's "In function" line, its message on the next (nwchem forum 1614: 80 characters by chance)
                        (_of_width("/tmp/iforth72lEOMIC.a(util_mic_support.o): In function `util_mic_", "':"),
                         "/home/u/src/util/util_mic_support.c:176: multiple definition of `util_mic_set_affinity_'")):
        text = f"{line}\n{after}\n"
        assert list(logical_lines(io.BytesIO(text.encode()))) == [line, after], line
