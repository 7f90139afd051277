"""The blind sets 85 to 88 (tests/data/explain_corpus/blind85.json ... blind88.json), gathered and scored on 2026-12-06:
what the rules made after them answer, and that none of their logs is silent or loses what was right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from tests.test_explain_families import flat, only_error

CORPUS = Path(__file__).parent / "data/explain_corpus"
SETS = {n: json.loads((CORPUS / f"blind{n}.json").read_text()) for n in (85, 86, 87, 88)}
ENTRIES = {e["id"]: e for doc in SETS.values() for e in doc["entries"]}


def _log(fragment: str) -> str:
    [entry] = [e for key, e in ENTRIES.items() if fragment in key]
    return entry["log"]


def _findings(log: str):
    return explain(logparse.parse_bytes(log.encode()), [])


@pytest.mark.parametrize("n, entry", [(n, e) for n, doc in SETS.items() for e in doc["entries"]],
                         ids=lambda v: v if isinstance(v, str) else str(v) if isinstance(v, int) else v["id"])
def test_never_silent_and_right_stays_right(n, entry):
    findings = _findings(entry["log"])
    assert any(f.severity == "error" for f in findings), [(f.id, f.title) for f in findings]
    verdict = SETS[n]["scored"]["verdicts"][entry["id"]]
    if verdict["verdict"] == "right":
        assert verdict["finding"] in {f.id for f in findings}, [(f.id, f.title) for f in findings]


def test_a_programs_own_words_for_a_library_of_mkls():
    """'Could not load libmkl_rt.so', 'Failed to load <path>/libiomp5.so', 'unable to find libmkl_core.so.2': a program's
    own words for a dlopen that failed were read as nothing at all; a file of MKL's or Intel's runtimes is the loader's
    failure, another file's an unrecognised error, and words typed without their apostrophe (BIDMach#75) an error too."""
    for line, soname in (("Could not load libmkl_rt.so", "libmkl_rt.so"),
                         ("Failed to load /opt/intel/mkl/lib/intel64/libmkl_rt.so", "libmkl_rt.so"),
                         ("unable to find libmkl_core.so.2", "libmkl_core.so.2"),
                         ("Couldn't open the shared library libiomp5.so: giving up", "libiomp5.so")):
        finding = only_error(line + "\n")
        assert finding.id == "loader-cannot-find" and finding.title.endswith(soname), flat(finding)
    assert only_error("Couldn't open libiomp5.dylib\n").id == "macos-library-not-loaded"
    for line in ("Failed to load libfoo.so", "Cant find native CPU libraries"):
        assert only_error(line + "\n").id == "unrecognised-failure"
    for line in ("Couldn't find MKL", "Intel MKL not installed on this machine."):  # a project's own search (saf#63)
        assert only_error(line + "\n").id == "mkl-finder-failed"
    # a status line that says what it did not find, no file named: not a failure
    assert not _findings("-- Could not find hardware support for NEON on this machine.\n")


def test_mlnets_mkl_library_and_symsgd():
    """dotnet/machinelearning#241: ML.NET's own 'The MKL library (...) or one of its dependencies is missing.'; #6603: .NET's
    'Unable to load shared library 'SymSgdNative' ...' given as a title, without the loader's tail. Both were silent."""
    imports = only_error(_log("mlnet-241"))
    assert imports.id == "mlnet-mkl-library-missing" and "Microsoft.ML.MklImports.dll" in imports.title, flat(imports)
    assert imports.fix[0].startswith("reference the package in the project that runs: dotnet add package Microsoft.ML.Mkl.Components")
    symsgd = only_error(_log("mlnet-6603"))
    assert symsgd.id == "host-cannot-load" and "Microsoft.ML.Mkl.Components" in symsgd.fix[0], flat(symsgd)
    assert "patchelf --remove-needed libomp.so" in symsgd.fix[1]
    # macOS's words (dlopen, .dylib) stay the platform's
    mac = only_error("System.DllNotFoundException: Unable to load shared library 'MklImports' or one of its dependencies. "
                     "dlopen(libMklImports.dylib, 1): image not found\n")
    assert mac.id == "macos-library-not-loaded", flat(mac)
