"""Blind set 189's partly right answer (tests/data/explain_corpus/blind189.json, scored with the other sets in
test_explain_blind173): QUICK's known issues, a BLAS name undefined in a CUDA build that needs no BLAS, because objects of
a CPU build were left in the tree; the log names no MKL."""

from __future__ import annotations

import subprocess

from tests import blindset
from tests.test_explain_families import only_error


def test_a_blas_name_in_a_log_that_names_no_mkl_says_objects_left_from_another_build(tmp_path):
    said = only_error(blindset.log_of(blindset.entries(189), "quick-cuda"))
    assert said.id == "mkl-symbol-unresolved" and any("make clean" in line for line in said.fix), said.fix
    # produced: an object left from a build that called dgemm_, linked into one that has no BLAS
    (tmp_path / "scf.c").write_text("void dgemm_(void);\nvoid electdiis_(void) { dgemm_(); }\n"
                                    "int main(void) { electdiis_(); return 0; }\n")
    linked = subprocess.run(["gcc", "scf.c", "-o", "scf"], cwd=tmp_path, capture_output=True, text=True)
    assert linked.returncode != 0 and "undefined reference to `dgemm_'" in linked.stderr, linked.stderr
    assert any("make clean" in line for line in only_error(linked.stderr).fix)
    # a log that names MKL keeps MKL's fixes alone
    named = only_error(linked.stderr + "gcc scf.c -L/opt/intel/oneapi/mkl/latest/lib -lmkl_rt\n")
    assert not any("make clean" in line for line in named.fix), named.fix
