"""Never silent, line by line: each error-looking line of explain's corpus, pasted alone, gets a finding.

A user often pastes one line (the last red one). The never-silent net (an error-looking line no finding explains is said as
unrecognised) must hold for each line of every log we hold, not only for the logs whole: a signature that claims a line and
keeps nothing of it (a header whose reason follows, an echo) would otherwise make that line alone "no problem found".
"""

from __future__ import annotations

import io
import json
import re

from mkldoctor.explain import catalogue, logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.explain.lines import logical_lines
from tests.blindset import CORPUS


def _error_lines() -> list[str]:
    """Each distinct line of the corpus' logs that the net calls error-looking, as the parser sees it."""
    seen: dict[str, None] = {}
    for path in sorted(CORPUS.glob("*.json")):
        doc = json.loads(path.read_text())
        for entry in doc.get("entries", []) if isinstance(doc, dict) else []:
            for line in logical_lines(io.BytesIO(entry["log"].encode())):
                if catalogue.ERRORISH.search(line) and not catalogue.NOT_A_FAILURE.search(line):
                    seen.setdefault(line)
    return list(seen)


def test_the_corpus_has_error_lines_to_check():
    assert len(_error_lines()) > 1000


# error-looking lines that are no failure, each with the test that says so: LD_DEBUG's record of a dlsym probe for a name
# MKL looks up as optional (tests/test_explain_blind24.py), ldd -r's name the host program gives (R's R_*: hosts.py)
NO_FAILURE = re.compile(r"symbol lookup error: undefined symbol: scalable_malloc \(fatal\)|undefined symbol: R_\w+ \(")


def test_every_error_line_of_the_corpus_alone_gets_an_error_or_a_warning():
    silent = []
    for line in (line for line in _error_lines() if not NO_FAILURE.search(line)):
        found = explain(logparse.parse_bytes((line + "\n").encode()), [])
        if not any(f.severity in ("error", "warning") for f in found):
            silent.append(line[:200])
    assert silent == []


def test_a_reference_and_the_next_blocks_function_on_one_line_is_the_reference():
    # a wrapped paste of a spack build (blind set 9): ld's reference, then the next block's archive and function
    line = ("dlaed3_omp_gen.f:(.text+0x3): undefined reference to `mkl_lapack_xdlaed3' /opt/spack/intel-mkl-2019.1.144/"
            "compilers_and_libraries_2019.1.144/linux/mkl/lib/intel64/libmkl_sequential.a(dlaed2_seq.o): "
            "In function `mkl_lapack_dlaed2':\n"
            "dlaed2_omp_gen.f:(.text+0x3): undefined reference to `mkl_lapack_xdlaed2'\n")
    undefined = [e for e in logparse.parse_bytes(line.encode()).events if isinstance(e, logparse.UndefinedSymbol)]
    assert [e.symbol for e in undefined] == ["mkl_lapack_xdlaed3", "mkl_lapack_xdlaed2"]
    assert undefined[1].member == "dlaed2_seq.o" and undefined[1].function == "mkl_lapack_dlaed2"


def test_an_r_header_alone_is_unrecognised_not_clean():
    found = explain(logparse.parse_bytes("Error: package or namespace load failed for ‘RevoUtilsMath’\n".encode()), [])
    assert [f.id for f in found] == ["unrecognised-failure"]


def test_rs_dyn_load_header_alone_says_its_reason_was_not_pasted():
    found = explain(logparse.parse_bytes(b'Error in dyn.load("/opt/x/libtorch_cpu.so", :\n'), [])
    assert [f.id for f in found] == ["unrecognised-failure"] and "dyn.load" in found[0].evidence[0]
