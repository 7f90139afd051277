"""The classes of the twenty-seventh blind set (tests/data/explain_corpus/blind27.json), produced here where they can run.

- a program built for 32-bit integers on MKL's ILP64 interface (abacus-develop#4655: MKLConfig.cmake's default): the
  real MKL rejects DGTSV's seventh argument and its 8-byte INFO overwrites the stack protector's canary, the two lines
  of the thread; linked with the LP64 interface the program solves the system;
- Eigen's LAPACKE backend compiled against MKL's headers with MKL_ILP64 (votca#1053): the real g++ error with Debian's
  Eigen 3.4.0 and the pinned wheel's headers; the same source compiles without MKL_ILP64, and with EIGEN_USE_BLAS;
  clang's words for it are the thread's public text (no clang here);
- a header error broken over two lines by a paste (caffe#6033: "cblas.h: No //"), whose including file is Caffe's
  installed header;
- bash's "(core dumped)" in every language its own catalogue on this machine has.
"""

from __future__ import annotations

import glob
import gettext
import os
import subprocess

import pytest

from mkldoctor.explain.translated import CORE_DUMPED
from tests.test_explain_families import errors_of, flat

# An LP64 caller: its integers are 4 bytes, side by side on its stack, INFO last before the stack protector's canary.
DGTSV = """#include <stdio.h>
void dgtsv_(const int *n, const int *nrhs, double *dl, double *d, double *du, double *b, const int *ldb, int *info);
static int solve(int rows, double *dl, double *d, double *du, double *b) {
  int n = rows, nrhs = 1, ldb = rows, info = 0;
  dgtsv_(&n, &nrhs, dl, d, du, b, &ldb, &info);
  return info;
}
int main(void) {
  double dl[2] = {1, 1}, d[3] = {4, 4, 4}, du[2] = {1, 1}, b[3] = {5, 6, 5};
  int info = solve(3, dl, d, du, b);
  printf("info %d x %g %g %g\\n", info, b[0], b[1], b[2]);
  return info;
}
"""


def _linked(tmp_path, lib, interface: str) -> subprocess.CompletedProcess:
    exe = f"dgtsv_{interface}"
    built = subprocess.run(["gcc", "-O0", "-fstack-protector-strong", "dgtsv.c", "-o", exe, f"-L{lib}", f"-Wl,-rpath,{lib}",
                            "-Wl,--no-as-needed", f"-l:libmkl_intel_{interface}.so.3", "-l:libmkl_sequential.so.3",
                            "-l:libmkl_core.so.3", "-lpthread", "-lm", "-ldl"], cwd=tmp_path, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    # glibc writes its fatal messages to the terminal unless told: the log a user pastes is the terminal's
    return subprocess.run([f"./{exe}"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "LIBC_FATAL_STDERR_": "1"})


@pytest.mark.mkl
def test_32_bit_integers_on_the_ilp64_interface_smash_the_stack(mkl, tmp_path):
    (tmp_path / "dgtsv.c").write_text(DGTSV)
    ran = _linked(tmp_path, mkl.pip_lib, "ilp64")
    log = ran.stdout + ran.stderr
    assert ran.returncode != 0 and "Parameter 7 was incorrect on entry to DGTSV" in log, log
    assert "*** stack smashing detected ***" in log, log  # Debian 12's gcc puts INFO next to the canary at -O0
    [finding] = errors_of(log)
    assert finding.id == "mkl-parameter-error", flat(finding)
    assert "8 bytes wide" in finding.evidence[1] and "stack smashing" in finding.evidence[1], finding.evidence
    # the stack protector's word decides: the integer width is the first cause and the first fix, MKLConfig's default named
    assert finding.evidence[2].startswith("possible cause: an integer read with the wrong size"), finding.evidence
    assert finding.fix[0].startswith("the integer size") and "set(MKL_INTERFACE lp64)" in finding.fix[0], finding.fix
    # MKL's line alone: the value is checked first, as before
    [alone] = errors_of(next(line for line in log.splitlines() if "Parameter 7" in line) + "\n")
    assert alone.fix[0].startswith("check the value: LDB"), alone.fix
    # the stack protector's line alone is a crash, and says what writes past an int where MKL is called
    [crashed] = errors_of(next(line for line in log.splitlines() if "stack smashing" in line) + "\n")
    assert crashed.id == "program-crashed" and "ILP64" in crashed.evidence[1], flat(crashed)
    # the fix: the same program on the LP64 interface solves the system (x = 1, 1, 1)
    fixed = _linked(tmp_path, mkl.pip_lib, "lp64")
    assert fixed.returncode == 0 and fixed.stdout.split() == ["info", "0", "x", "1", "1", "1"], fixed.stdout + fixed.stderr


EIGEN_QR = """#define EIGEN_USE_MKL_ALL
#include <Eigen/Dense>
int main() {
  Eigen::MatrixXd a = Eigen::MatrixXd::Random(4, 4);
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(4, 4);
  qr.compute(a);
  return qr.rank() == 4 ? 0 : 1;
}
"""


@pytest.mark.mkl
def test_eigens_lapacke_backend_with_mkl_ilp64(mkl, tmp_path):
    (tmp_path / "qr.cpp").write_text(EIGEN_QR)
    include = ["-I/usr/include/eigen3", f"-I{mkl.pip / 'include'}"]
    failed = subprocess.run(["g++", "-c", "qr.cpp", *include, "-DMKL_ILP64"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "ColPivHouseholderQR_LAPACKE.h" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-ilp64-compile-mismatch", flat(finding)
    assert "(ColPivHouseholderQR_LAPACKE.h)" in finding.title and "lapack_int is long long" in finding.title, finding.title
    assert "set(MKL_INTERFACE lp64)" in finding.fix[0] and "EIGEN_USE_BLAS" in finding.fix[1], finding.fix
    # both fixes compile: LP64 (and then link and run on the LP64 interface), or ILP64 without the LAPACKE backend
    lib = mkl.pip_lib
    lp64 = subprocess.run(["g++", "qr.cpp", *include, "-o", "qr", f"-L{lib}", f"-Wl,-rpath,{lib}", "-Wl,--no-as-needed",
                           "-l:libmkl_intel_lp64.so.3", "-l:libmkl_sequential.so.3", "-l:libmkl_core.so.3", "-lpthread",
                           "-lm", "-ldl"], cwd=tmp_path, capture_output=True, text=True)
    assert lp64.returncode == 0, lp64.stderr
    assert subprocess.run(["./qr"], cwd=tmp_path).returncode == 0
    (tmp_path / "blas.cpp").write_text(EIGEN_QR.replace("#define EIGEN_USE_MKL_ALL", "#define EIGEN_USE_BLAS\n#define EIGEN_USE_MKL_VML"))
    blas = subprocess.run(["g++", "-c", "blas.cpp", *include, "-DMKL_ILP64"], cwd=tmp_path, capture_output=True, text=True)
    assert blas.returncode == 0, blas.stderr
    # clang's words (votca#1053), its note's lines numbered by the paste
    clang = ("/usr/include/eigen3/Eigen/src/QR/ColPivHouseholderQR_LAPACKE.h:85:1: error: cannot initialize a variable of "
             "type 'long long *' with an rvalue of type 'Eigen::PlainObjectBase<Eigen::Matrix<int, -1, 1, 0>>::Scalar *' "
             "(aka 'int *')\n24\nEIGEN_LAPACKE_QR_COLPIV(double,   double,        d, ColMajor, LAPACK_COL_MAJOR)\n25\n^~~~\n"
             "26\n/usr/include/eigen3/Eigen/src/QR/ColPivHouseholderQR_LAPACKE.h:74:15: note: expanded from macro "
             "'EIGEN_LAPACKE_QR_COLPIV'\n27\n  lapack_int *perm = m_colsPermutation.indices().data(); \\\n")
    [said] = errors_of(clang)
    assert said.id == "mkl-ilp64-compile-mismatch" and "(ColPivHouseholderQR_LAPACKE.h)" in said.title, flat(said)
    # a long (int64_t) pointer is not this: the other signatures read it, or nothing claims it as MKL's
    other = errors_of(failed.stderr.replace("{aka ‘int*’}", "{aka ‘long int*’}"))
    assert all("(ColPivHouseholderQR_LAPACKE.h)" not in f.title for f in other), [flat(f) for f in other]


def test_a_header_error_broken_by_a_paste_and_caffes_installed_header():
    log = ("In file included from /usr/local/include/caffe/util/math_functions.hpp:11:0,\n"
           "                 from example.cxx:4:\n"
           "/usr/local/include/caffe/util/mkl_alternate.hpp:14:19: fatal error: cblas.h: No //\nsuch file or directory\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-header-not-found" and "cblas.h" in finding.title, flat(finding)
    assert "Caffe's installed header" in finding.fix[0] and finding.fix[0].endswith("-DUSE_MKL"), finding.fix
    # another project's installed header: its own definitions, not a guess at a macro
    [other] = errors_of(log.replace("caffe/util/mkl_alternate.hpp", "dlib/matrix/cblas.hpp"))
    assert "installed header of dlib" in other.fix[0] and "-D" not in other.fix[0], other.fix
    # the program's own file: the include is its to change
    [own] = errors_of("src/gemm.c:3:10: fatal error: cblas.h: No such file or directory\n")
    assert own.fix[0].startswith("with MKL, include MKL's header"), own.fix


def test_bashs_core_dumped_in_every_language_it_has():
    """bash's own catalogue (installed with bash): each language's "(core dumped)" after a signal's name is a crash, and
    after MKL's refusal the consequence of it."""
    tried = []
    for mo in sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES/bash.mo")):
        said = gettext.GNUTranslations(open(mo, "rb")).gettext("(core dumped) ").strip()
        inner = said[1:-1]
        assert inner.startswith(CORE_DUMPED), (mo, said)  # the tuple spells every language bash has (long ones cut)
        log = f"running\nSIGNAL {said}\n"
        [finding] = errors_of(log)
        assert finding.id == "program-crashed", (mo, flat(finding))
        [joined] = errors_of("Intel oneMKL ERROR: Parameter 7 was incorrect on entry to DGTSV .\n" + log)
        assert joined.id == "mkl-parameter-error", (mo, flat(joined))
        tried.append(mo)
    assert len(tried) >= 30, tried  # Debian 12's bash 5.2: 39 catalogues
    # abacus-develop#4655's Chinese line, in ASCII parentheses
    [finding] = errors_of("已放弃 (核心已转储)\n")
    assert finding.id == "program-crashed", flat(finding)
