"""Forms a log takes on its way to a report, measured over the whole corpus (every log explained as printed and in each
form, 2026-12-07): Markdown's escapes of a page converted to Markdown changed the findings of 648 of 1768 logs, cat -n's
numbers over a wrapped line 6. Each is tested here on a failure produced with the real tool and on a public log."""

from __future__ import annotations

import subprocess

from tests import blindset
from tests.test_explain_families import flat, only_error


def undefined_mkl_name(tmp_path) -> str:
    (tmp_path / "m.c").write_text("void mkl_blas_dgemm(void);\nint main(void) { mkl_blas_dgemm(); return 0; }\n")
    linked = subprocess.run(["gcc", "m.c", "-o", "m"], cwd=tmp_path, capture_output=True, text=True)
    assert linked.returncode != 0 and "undefined reference to `mkl_blas_dgemm'" in linked.stderr, linked.stderr
    return linked.stderr


def test_markdowns_escaped_underscores(tmp_path):
    log = undefined_mkl_name(tmp_path)
    escaped = log.replace("\\", "\\\\").replace("_", "\\_")  # as a converter to Markdown writes text outside code
    assert escaped != log and only_error(escaped).title == only_error(log).title, flat(only_error(escaped))
    # a Windows path as typed keeps its backslashes, and a name after one is not unescaped into another
    said = only_error("LINK : fatal error LNK1181: cannot open input file 'C:\\oneAPI\\mkl\\_deps\\mkl_core.lib'\n")
    assert "\\_deps" in flat(said), flat(said)
    # a converter's escaped Windows path: both escapes taken off
    both = only_error("LINK : fatal error LNK1181: cannot open input file 'C:\\\\oneAPI\\\\mkl\\_core.lib'\n")
    assert both.title.startswith("link.exe cannot open C:\\oneAPI\\mkl_core.lib:"), flat(both)


def test_cat_n_numbers_over_a_wrapped_line():
    """blind set 131's r-devel post: ld's undefined reference wrapped after 'to', its rest on the next line. Numbered as
    cat -n numbers it, the rest started with its own number, and the two were joined with it: unrecognised."""
    log = blindset.log_of(blindset.entries(131), "pthread_atfork")
    numbered = "".join(f"{i:6d}\t{line}\n" for i, line in enumerate(log.splitlines(), 1))
    assert only_error(numbered).id == only_error(log).id == "system-libraries-missing"


def wrapped_at(log: str, width: int) -> str:
    out = []
    for line in log.splitlines():
        while len(line) > width:
            out.append(line[:width])
            line = line[width:]
        out.append(line)
    return "\n".join(out) + "\n"


def test_a_terminals_cut_inside_a_message_that_can_go_on_below():
    """link.exe's LNK1104 ("cannot open file '...'") may go on, indented, on the next line; a terminal of 80 columns that
    cut inside its path left the rest unindented: it was read as a line of its own (blind set 129, heldback's fds#14603).
    A message whose rest its writer indents below keeps that reading (blind set 132's CLUSTER_SOLVER error number)."""
    for n, fragment, finding in ((129, "vcpkg-38081", "msvc-library-not-found"),
                                 (175, "onedal-core-static-debug", "msvc-runtime-mismatch"),
                                 (132, "fds-11609", "mkl-pardiso-error")):
        log = blindset.log_of(blindset.entries(n), fragment)
        assert wrapped_at(log, 80) != log
        assert [f.id for f in blindset.findings(wrapped_at(log, 80)) if f.severity == "error"] == [finding], fragment
