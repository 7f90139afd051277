"""The sixty-third blind set (tests/data/explain_corpus/blind63.json): texts the rules made after it answer."""

from __future__ import annotations

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = blindset.entries(63)


def test_a_panic_whose_quoted_message_a_paste_wrapped():
    """r-package-devel 2023-07: libR-sys's build script panicked (before Rust 1.73's format), its message over three lines
    and its place after them: never 'no problem found', and the place and message are said."""
    finding = only_error(ENTRIES["rust-build-librsys-rhome-lib-missing-cran-mkl-string2path-rpkgdevel-2023-07"]["log"])
    assert finding.id == "unrecognised-failure", flat(finding)
    assert "libR-sys/build.rs:637:40" in finding.title and "NotFound" in flat(finding), flat(finding)


def test_rs_configure_with_a_shared_blas_drops_the_lapack():
    """r-devel 2008-07: --enable-BLAS-shlib makes configure's LAPACK checks link -lRblas, R's own library, not yet built:
    one warning in place of 'cannot find -lRblas'; the same -lRblas without that option stays ld's failure."""
    log = ENTRIES["linux-link-configure-enable-blas-shlib-ignores-mkl-lapack64-zgeev-cannot-find-lrblas-r-devel-2008-07-thread-3601defac178"]["log"]
    [said] = explain(logparse.parse_bytes(log.encode()), [])
    assert said.id == "r-blas-shlib-lapack-dropped" and said.fix[0].startswith("configure without --enable-BLAS-shlib"), flat(said)
    without = log.replace("--enable-BLAS-shlib", "")
    assert [f.id for f in errors_of(without)] == ["library-not-found"]


def test_rs_own_shared_blas_that_ldd_of_rs_binary_does_not_find():
    """r-devel 2015-09: 'ldd bin/exec/R' says libRblas.so => not found; it is R's own, found through R's start script."""
    finding = only_error(ENTRIES["linux-loader-ldd-r-binary-no-mkl-libs-librblas-not-found-enable-blas-shlib-icc-mkl-r-devel-2015-09-thread-432c4cd7228c"]["log"])
    assert finding.id == "loader-cannot-find" and finding.fix[0].startswith("libRblas.so is R's own library"), flat(finding)
