"""Blind set 190's unrecognised answer (tests/data/explain_corpus/blind190.json, scored with the other sets in
test_explain_blind173): larql's troubleshooting, rustc asked for Apple's Accelerate framework on Windows because the crate
graph's BLAS feature was macOS's everywhere. Produced here with rustc, both of its words for it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests import blindset
from tests.test_explain_families import flat, only_error


def test_apples_framework_asked_for_on_another_target(tmp_path):
    said = only_error(blindset.log_of(blindset.entries(190), "larql"))
    assert said.id == "apple-framework-off-apple" and "intel-mkl-src" in said.fix[0], flat(said)
    rustc = shutil.which("rustc")
    if not rustc:
        pytest.skip("rustc missing")
    (tmp_path / "flag.rs").write_text("fn main() {}\n")  # a build script's cargo:rustc-link-lib=framework=Accelerate
    (tmp_path / "attr.rs").write_text('#[link(name = "Accelerate", kind = "framework")]\nextern "C" {}\nfn main() {}\n')
    for args in (["flag.rs", "-l", "framework=Accelerate"], ["attr.rs"]):
        ran = subprocess.run([rustc, *args, "--out-dir", str(tmp_path / "out")], cwd=tmp_path, capture_output=True,
                             text=True)
        assert ran.returncode != 0 and "only supported on Apple targets" in ran.stderr, ran.stderr
        assert only_error(ran.stderr).id == "apple-framework-off-apple", ran.stderr


def test_standard_blas_names_unresolved_where_the_log_names_no_mkl(tmp_path):
    """pogs's Windows notes (wrong as scored: "no MKL library took part in the link"): scipy-openblas32 was found and
    passed, and exports its names prefixed (scipy_cblas_sdot). Produced here with gcc: a BLAS built with that prefix."""
    said = only_error(blindset.log_of(blindset.entries(190), "pogs"))
    assert any("scipy_cblas_sdot" in line for line in said.fix) and "dumpbin /exports" in said.confirm[-1], flat(said)
    gcc = shutil.which("gcc")
    if not gcc:
        pytest.skip("gcc missing")
    (tmp_path / "blas.c").write_text("float scipy_cblas_sdot(int n, const float *x, int i, const float *y, int j)"
                                     " { float s = 0; for (int k = 0; k < n; k++) s += x[k * i] * y[k * j]; return s; }\n")
    (tmp_path / "pogs.c").write_text("float cblas_sdot(int, const float *, int, const float *, int);\n"
                                     "int main(void) { float a[2] = {1, 2}; return (int)cblas_sdot(2, a, 1, a, 1); }\n")
    built = subprocess.run([gcc, "-shared", "-fPIC", "-o", "libscipy_openblas.so", "blas.c"], cwd=tmp_path)
    assert built.returncode == 0
    ran = subprocess.run([gcc, "pogs.c", "-L.", "-lscipy_openblas", "-o", "pogs"], cwd=tmp_path, capture_output=True,
                         text=True)
    assert ran.returncode != 0 and "cblas_sdot" in ran.stderr, ran.stderr
    said = only_error(ran.stderr)
    assert any("scipy_cblas_sdot" in line for line in said.fix), flat(said)
    probe = said.confirm[-1].split("#")[0].replace("<the BLAS's .so>", str(tmp_path / "libscipy_openblas.so"))
    shown = subprocess.run(probe, shell=True, capture_output=True, text=True)  # the probe finds the prefixed name
    assert "scipy_cblas_sdot" in shown.stdout, (probe, shown)
