"""The sixty-third blind set (tests/data/explain_corpus/blind63.json): texts the rules made after it answer."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = {e["id"]: e for e in json.loads((Path(__file__).parent / "data/explain_corpus/blind63.json").read_text())["entries"]}


def test_a_panic_whose_quoted_message_a_paste_wrapped():
    """r-package-devel 2023-07: libR-sys's build script panicked (before Rust 1.73's format), its message over three lines
    and its place after them: never 'no problem found', and the place and message are said."""
    finding = only_error(ENTRIES["rust-build-librsys-rhome-lib-missing-cran-mkl-string2path-rpkgdevel-2023-07"]["log"])
    assert finding.id == "unrecognised-failure", flat(finding)
    assert "libR-sys/build.rs:637:40" in finding.title and "NotFound" in flat(finding), flat(finding)
