"""The classes of the fortieth blind set (tests/data/explain_corpus/blind40.json): an error's head with its reason on the
next line (the ArchWiki's MATLAB page: "BLAS loading error:" then dlopen's static TLS line), and MKL's library not found
for Python run where its environment is not active (torchbench's R job through reticulate)."""

from __future__ import annotations

from tests.test_explain_families import errors_of, flat


def test_an_errors_head_with_its_reason_on_the_next_line_is_one_failure():
    log = (">> doc('help');\n>> ones(10)*randn(10);\nError using  * \nBLAS loading error:\n"
           "dlopen: cannot load any more object with static TLS\n")
    assert [f.id for f in errors_of(log)] == ["static-tls-exhausted"]


def test_mkl_not_found_for_python_points_at_its_environment():
    [finding] = errors_of("OSError: libmkl_intel_lp64.so.2: cannot open shared object file: \n")
    assert finding.id == "loader-cannot-find", flat(finding)
    assert any("use_condaenv" in line and "conda activate <env>" in line for line in finding.fix), flat(finding)
    # a program's own library (not Python's) is not sent to a Python environment
    [program] = errors_of("./xhpcg_avx2: error while loading shared libraries: libiomp5.so: cannot open shared object file: "
                          "No such file or directory\n")
    assert not any("use_condaenv" in line for line in program.fix), flat(program)
