"""MKL PARDISO's own words with msglvl = 1, produced with the pinned MKL: its matrix checker's error and the entries it
names (a row's columns out of order, row pointers past the end); each fix run: the sorted matrix passes the checker."""

from __future__ import annotations

import subprocess
import textwrap

import pytest

from tests.test_explain_families import clean_env, errors_of, flat, run

PROGRAM = textwrap.dedent("""\
    #include <stdio.h>
    #include <stdlib.h>
    #include <mkl.h>
    int main(int argc, char **argv) {
        MKL_INT n = 3, mtype = 11, nrhs = 1, maxfct = 1, mnum = 1, phase = 13, error = 0, msglvl = 1;
        MKL_INT ia[4] = {1, 3, 4, 6}, ja[5] = {COLUMNS};
        double a[5] = {4, 1, 3, 1, 5}, b[3] = {1, 1, 1}, x[3];
        void *pt[64] = {0}; MKL_INT iparm[64] = {0}; MKL_INT perm[3];
        if (argc > 1) ia[1] = 7;  /* a row pointer past the end */
        iparm[0] = 1; iparm[1] = 2; iparm[26] = 1;  /* MKL's matrix checker on */
        pardiso(pt, &maxfct, &mnum, &mtype, &phase, &n, a, ia, ja, perm, &nrhs, iparm, &msglvl, b, x, &error);
        phase = -1;
        pardiso(pt, &maxfct, &mnum, &mtype, &phase, &n, a, ia, ja, perm, &nrhs, iparm, &msglvl, b, x, &error);
        printf("error = %lld\\n", (long long)error);
        return 0;
    }
""")


def _built(tmp_path, mkl, columns: str):
    (tmp_path / "p.c").write_text(PROGRAM.replace("COLUMNS", columns))
    # Intel's link line for gcc: without --no-as-needed, Debian's gcc drops -lm, which MKL's threading layer needs
    subprocess.run(["gcc", "p.c", "-o", "p", f"-I{mkl.pip}/include", str(mkl.pip_lib / "libmkl_rt.so.3"),
                    f"-Wl,-rpath,{mkl.pip_lib}", "-Wl,--no-as-needed", "-lpthread", "-lm", "-ldl"], cwd=tmp_path, check=True)
    return tmp_path / "p"


@pytest.mark.parametrize("argument, said, fixed", [
    ("", "columns", "sort each row's column indices"),
    ("x", "row pointers", "check ia"),
])
def test_pardisos_matrix_checker(tmp_path, mkl, argument, said, fixed):
    program = _built(tmp_path, mkl, "2, 1, 2, 1, 3" if not argument else "1, 2, 2, 1, 3")
    _, log = run([str(program), *([argument] if argument else [])], tmp_path, clean_env())
    assert "*** Error in PARDISO" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-pardiso-error" and "error -1" in finding.title, flat(finding)
    assert said in finding.evidence[1] and finding.fix[0].startswith(fixed), flat(finding)
    if not argument:  # the fix: each row's columns in order
        _, passed = run([str(_built(tmp_path, mkl, "1, 2, 2, 1, 3"))], tmp_path, clean_env())
        assert "*** Error" not in passed and "error = 0" in passed, passed


def test_libm_dropped_by_as_needed_and_the_fix_that_keeps_it(tmp_path, mkl):
    """The same program linked with -lm but without --no-as-needed: Debian's gcc drops libm, and MKL's threading layer,
    which libmkl_rt opens at the factorization, cannot find log; the finding's link line (Intel's for gcc) runs."""
    (tmp_path / "p.c").write_text(PROGRAM.replace("COLUMNS", "1, 2, 2, 1, 3"))
    base = ["gcc", "p.c", "-o", "p", f"-I{mkl.pip}/include", str(mkl.pip_lib / "libmkl_rt.so.3"), f"-Wl,-rpath,{mkl.pip_lib}"]
    subprocess.run(base + ["-lpthread", "-lm", "-ldl"], cwd=tmp_path, check=True)
    _, log = run(["./p"], tmp_path, clean_env())
    if "undefined symbol" not in log:
        pytest.skip("this gcc keeps -lm without --no-as-needed")
    [finding] = errors_of(log)
    assert finding.id == "mkl-system-library-missing" and "-Wl,--no-as-needed" in finding.fix[0], flat(finding)
    flags = finding.fix[0].split("-Wl,--no-as-needed", 1)[1].split("(", 1)[0].split()
    subprocess.run(base[:-2] + ["-Wl,--no-as-needed", *[f for f in flags if f != "-lmkl_rt"], str(mkl.pip_lib / "libmkl_rt.so.3"),
                                f"-Wl,-rpath,{mkl.pip_lib}"], cwd=tmp_path, check=True)
    _, fixed = run(["./p"], tmp_path, clean_env())
    assert "error = 0" in fixed, fixed
