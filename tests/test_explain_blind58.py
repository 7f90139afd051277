"""The classes of the fifty-eighth blind set (tests/data/explain_corpus/blind58.json): R's own LAPACK module against a
system LAPACK that lacks a routine (r-sig-debian 2012's revolution-mkl; produced here with R and the reference BLAS put
where liblapack.so.3 is looked for), MKLConfig.cmake's missing SYCL library (abacus-develop#6676), and Bazel's word for a
failed link action, which had been read as a link.exe command line and left the log silent (tensorflow#23420)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, flat, only_error as _only, run

ENTRIES = blindset.entries(58)


def test_the_public_report_of_rs_lapack_module():
    finding = _only(ENTRIES["linux-loader-revolution-mkl-lapack-undefined-dpstrf-rsigdebian-2012-thread-fcd9ad93d1e6"]["log"])
    assert finding.id == "r-system-lapack-incomplete" and "dpstrf_" in finding.title, flat(finding)
    assert "update-alternatives --config liblapack.so.3" in finding.fix[0]


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="needs R")
def test_rs_lapack_module_against_a_blas_only_liblapack(tmp_path):
    """The reference BLAS registered as liblapack.so.3 (what an alternative that is no LAPACK leaves): R's lapack.so cannot
    load; the system's own LAPACK, which the fix chooses, serves the same call."""
    home = subprocess.run(["Rscript", "-e", "cat(R.home())"], capture_output=True, text=True, check=True).stdout.strip()
    module = Path(home) / "modules/lapack.so"
    linked = subprocess.run(["ldd", str(module)], capture_output=True, text=True, check=True).stdout
    blas = re.search(r"libblas\.so\.3 => (\S+)", linked).group(1)
    (tmp_path / "liblapack.so.3").symlink_to(Path(blas).resolve())
    call = ["Rscript", "-e", "chol2inv(matrix(c(2, 0, 0, 2), 2))"]
    code, log = run(call, tmp_path, clean_env(R_LD_LIBRARY_PATH=f"{home}/lib:{tmp_path}"))
    assert code != 0 and "lapack.so: undefined symbol" in log, log
    finding = _only(log)
    assert finding.id == "r-system-lapack-incomplete", flat(finding)
    code, log = run(call, tmp_path, clean_env())  # the system's own liblapack.so.3
    assert code == 0 and "0.25" in log, log


def test_mklconfigs_sycl_library_missing():
    finding = _only(ENTRIES["cmake-mklconfig-2025.3-sycl-distributed-dft-notfound-abacus-6676"]["log"])
    assert finding.id == "mklconfig-library-missing" and "SYCL libraries" in finding.title, flat(finding)
    assert finding.fix[0].endswith("-DENABLE_SYCL_COMPILER=OFF (MKL::MKL without SYCL)")


def test_bazels_failed_link_action_is_not_silent():
    findings = errors_of(ENTRIES["windows-bazel-tf-config-mkl-link-exe-exit1000-mklml-old-msvc-tensorflow-23420"]["log"])
    assert [f.id for f in findings] == ["unrecognised-failure"], [(f.id, f.title) for f in findings]
    assert "the build failed, but not why" in findings[0].title
