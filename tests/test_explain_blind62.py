"""The sixty-second blind set (tests/data/explain_corpus/blind62.json): texts the rules made after it answer."""

from __future__ import annotations

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = blindset.entries(62)


def test_rs_summary_of_a_linear_model_is_no_error():
    """r-help 2021-12 and 2019-05: summary(lm(...)) prints 'Residual standard error: 1.914 on 9998 degrees of freedom'."""
    for entry in ("mkl-runtime-distro-mkl-rt-lm-wrong-results-n4096-r-help-2021-12-thread-3fce29df4b70",
                  "mkl-runtime-lm-wrong-coefficients-large-n-kubuntu-mkl-r-help-2019-05-thread-ba0bc8a650f9"):
        findings = explain(logparse.parse_bytes(ENTRIES[entry]["log"].encode()), [])
        assert not any("Residual standard error" in f.title for f in findings), [(f.id, f.title) for f in findings]
    # an R error that mentions it is still an error
    [said] = errors_of("Error: Residual standard error: not computed\n")
    assert said.id == "unrecognised-failure", flat(said)


def test_a_comment_that_marks_the_machines_with_the_problem():
    """r-help 2021-12: '> sessionInfo() #for two Linux machines having problem' above R's BLAS line naming Ubuntu's
    libmkl_rt: the reporter's word that the output is wrong, with R's runs on MKL's GNU layers first; the same comment for
    the machine without it is no claim."""
    finding = only_error(ENTRIES["mkl-runtime-distro-mkl-rt-lm-wrong-results-n4096-r-help-2021-12-thread-3fce29df4b70"]["log"])
    assert finding.id == "results-wrong-with-mkl" and "having problem" in finding.evidence[0], flat(finding)
    assert finding.fix[0].startswith("1. in R on MKL's single dynamic library") and "MKL_THREADING_LAYER=GNU" in finding.fix[0]
    clean = ("> sessionInfo() # for a third Linux machine not having the problem\n"
             "BLAS/LAPACK: /opt/intel/mkl/lib/intel64_lin/libmkl_rt.so\n")
    assert not [f for f in explain(logparse.parse_bytes(clean.encode()), []) if f.severity == "error"]


def test_rs_configure_rejecting_mkl_for_double_complex():
    """r-devel 2008-11: config.log's 'checking whether double complex BLAS can be used', its 'result: no' lines later,
    with MKL found for dgemm_; configure's own line says the same; a 'yes' is no finding."""
    [finding] = explain(logparse.parse_bytes(ENTRIES["linux-link-mkl10-em64t-zdotu-double-complex-blas-test-fails-r-configure-r-devel-2008-11-thread-b83a8aa3a9b9"]["log"].encode()), [])
    assert finding.id == "r-complex-blas-rejected" and "-lmkl_gf_lp64 -lmkl_sequential -lmkl_core" in finding.fix[0], flat(finding)
    said = "checking whether double complex BLAS can be used... {}\nBLAS_LIBS = -lmkl_rt\n"
    assert [f.id for f in explain(logparse.parse_bytes(said.format("no").encode()), [])] == ["r-complex-blas-rejected"]
    assert not explain(logparse.parse_bytes(said.format("yes").encode()), [])


def test_ldd_r_lists_a_blas_name_and_the_hosts_own(tmp_path):
    """ldd -r on a library that calls dgemm_ and R's Rf_error, linked with neither (produced with gcc and ldd): the BLAS
    name is a lookup the loader will fail, R's own is R's to give; r-help 2002-01's lapack.so (lsame_ beside R's
    R_NamesSymbol, and R's own message of the same name) is one finding."""
    import subprocess

    (tmp_path / "u.c").write_text("extern void dgemm_(void); extern void Rf_error(const char *, ...);\n"
                                  "void f(void) { dgemm_(); Rf_error(\"x\"); }\n")
    assert subprocess.run(["gcc", "-shared", "-fPIC", "u.c", "-o", "libu.so"], cwd=tmp_path).returncode == 0
    ldd = subprocess.run(["ldd", "-r", "./libu.so"], cwd=tmp_path, capture_output=True, text=True)
    log = ldd.stdout + ldd.stderr
    assert "undefined symbol: dgemm_" in log and "undefined symbol: Rf_error" in log, log
    [finding] = errors_of(log)
    assert finding.id == "blas-not-loaded" and "dgemm_" in finding.title, flat(finding)
    [finding] = errors_of(ENTRIES["linux-loader-r-lapack-so-undefined-symbol-lsame-mkl51-blas-incomplete-r-help-2002-01-msg-ef86a75bbd28"]["log"])
    assert finding.id == "runtime-mkl-not-linked" and finding.fix[0].startswith("link lapack.so against MKL"), flat(finding)


def test_a_build_without_onemkl():
    finding = only_error(ENTRIES["python-runtime-xpu-complex-matmul-built-without-onemkl-torch-xpu-ops-pr2786"]["log"])
    assert finding.id == "built-without-onemkl" and finding.fix[0].startswith("build with oneMKL: USE_ONEMKL_XPU=1"), flat(finding)


def test_a_paste_indented_as_a_block_with_an_indented_ldd_listing():
    """r-help 2023-02's paste set as a Markdown block (four spaces, or a tab, before every line): its ldd listing is most of
    the lines and indented further; the block's indent still comes off, and R's message over several lines is one failure."""
    log = ENTRIES["linux-loader-libtorch-needs-libmkl-intel-lp64-so2-dyn-load-now-false-r-help-2023-02-thread-7a4c8f8d1c8f"]["log"]
    plain = [f.id for f in errors_of(log)]
    for indent in ("    ", "\t"):
        assert [f.id for f in errors_of("\n".join(indent + line for line in log.split("\n")))] == plain == ["loader-cannot-find"]
