"""The seventy-eighth blind set (tests/data/explain_corpus/blind78.json): an r-devel message of 2019 (R on MKL's single
dynamic library, linear algebra 'corrupted'), which the reporter's prose says, across the mail's line breaks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_explain_families import errors_of, flat, only_error

[ENTRY] = json.loads((Path(__file__).parent / "data/explain_corpus/blind78.json").read_text())["entries"]


def test_r_on_mkl_with_values_the_reporter_calls_corrupted():
    finding = only_error(ENTRY["log"])
    assert finding.id == "results-wrong-with-mkl", flat(finding)
    assert finding.fix[0].startswith("1. in R on MKL's single dynamic library") and "MKL_INTERFACE_LAYER=GNU,LP64" in finding.fix[0]


def test_prose_about_values_needs_mkl_in_the_log_and_r_for_rs_line():
    # the same words in a log that names no MKL: not recognised, no MKL advice
    assert [f.id for f in errors_of("the results are wrong after the upgrade\n")] == ["unrecognised-failure"]
    # MKL named, no R session: the generic runs, without R's line
    finding = only_error("numpy on MKL: the eigenvalues are wrong on this machine\n")
    assert finding.id == "results-wrong-with-mkl" and not any("in R on MKL" in line for line in finding.fix)
    # words that say nothing is wrong are no claim
    assert not errors_of("MKL is installed; the results are correct now\n")


def test_the_openmp_runtimes_nested_notice_of_2026s_libiomp5(mkl, tmp_path):
    """A program that calls omp_set_nested, run on the pinned wheel's libiomp5 (2026.2 numbers the notice #277, older
    releases #273 to #276): a notice, and KMP_WARNINGS=0, the fix it names, quiets it."""
    import os
    import subprocess

    (tmp_path / "nest.c").write_text('#include <stdio.h>\nvoid omp_set_nested(int);\nint main(void) { omp_set_nested(1); '
                                     'puts("ok"); return 0; }\n')
    subprocess.run(["gcc", str(tmp_path / "nest.c"), "-o", str(tmp_path / "nest"), f"-L{mkl.pip_lib}", "-l:libiomp5.so",
                    f"-Wl,-rpath,{mkl.pip_lib}"], check=True, capture_output=True)
    said = subprocess.run([str(tmp_path / "nest")], capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    assert "omp_set_nested routine deprecated" in said.stderr, said.stderr
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain
    [finding] = explain(logparse.parse_bytes(said.stderr.encode()), [])
    assert finding.id == "openmp-nested-deprecated" and finding.severity == "warning"
    assert finding.fix[-1] == "or quiet the runtime's notices: export KMP_WARNINGS=0"
    quiet = subprocess.run([str(tmp_path / "nest")], capture_output=True, text=True, env={**os.environ, "KMP_WARNINGS": "0"})
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_a_traceback_cut_in_the_import_of_a_package_that_opens_mkl_rt_by_name():
    """brightway2-calc#36 (blind3): IPython's traceback stops at 'from pypardiso import ...', its FileNotFoundError cut;
    pypardiso opened mkl_rt.dll by name, which MKL 2021 and newer do not have on Windows."""
    entries = json.loads((Path(__file__).parent / "data/explain_corpus/blind3.json").read_text())["entries"]
    [entry] = [e for e in entries if "pypardiso-mkl2021.2" in e["id"]]
    finding = only_error(entry["log"])
    assert finding.id == "mkl-rt-name-not-found" and "import of pypardiso" in finding.evidence[0], flat(finding)
    # the same frames with the error line the package printed: that line's finding, not the fallback's words
    said = only_error(entry["log"] + "\nFileNotFoundError: Could not find module 'mkl_rt.dll' (or one of its dependencies).\n")
    assert "import of pypardiso" not in said.evidence[0]
