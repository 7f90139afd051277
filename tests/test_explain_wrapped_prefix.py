"""A terminal wraps a line at its width with the line's prefix counted in it: docker compose's "service  | ", a quote's
"> ", Markdown's bold. The parser takes the prefix off first, so the width it sees is short of the terminal's; the
continuation has no prefix of its own, which tells it from the next prefixed line (a viewer's numbered lines keep theirs).
Public logs of the corpus, wrapped at 80 columns as a terminal does, say what they say unwrapped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_explain_families import errors_of

CORPUS = Path(__file__).parent / "data/explain_corpus"


def _log(name: str, key: str) -> str:
    [entry] = [e for e in json.loads((CORPUS / name).read_text())["entries"] if e["id"] == key]
    return entry["log"]


def _wrapped(text: str, width: int = 80) -> str:
    return "\n".join(line[i:i + width] for line in text.split("\n") for i in (range(0, len(line), width) if line else [0]))


@pytest.mark.parametrize("name, key, finding", [
    ("blind20.json", "runtime-tei-cpu-image-sgemm-parameter-13-645", "mkl-parameter-error"),  # docker compose's prefix
    ("blind65.json", "macos-omp15-libiomp5-twice-conda-mkl-tensorflow-nomkl-spinningup-16", "openmp-duplicate"),  # "> **"
    ("blind29.json", "macos-omp15-libomp-vs-libiomp5-ChatTTS-ui-22", "openmp-duplicate"),  # the first line's head cut
    ("blind9.json", "py-torchvision-ci-subprocess-inherits-mkl-threading-layer-intel-7372", "threading-layer-conflict"),
])
def test_a_terminals_wrap_with_the_prefix_counted(name, key, finding):
    log = _log(name, key)
    assert [f.id for f in errors_of(log)][:1] == [finding]
    assert [f.id for f in errors_of(_wrapped(log))][:1] == [finding]


def test_a_localized_error_list_row_with_its_tabs_as_spaces():
    """paddle#24610's Chinese Visual Studio row ('错误<TAB>LNK1181<TAB>无法打开输入文件“...libmklml_intel.dll”') pasted
    with runs of spaces for its tabs: the same finding, never silent."""
    log = _log("blind23.json", "windows-lnk1181-libmklml_intel-dll-linux-cmake-paddle-24610")
    assert "\t" in log
    assert [f.id for f in errors_of(log)] == [f.id for f in errors_of(log.replace("\t", "    "))] == ["msvc-library-not-found"]
