"""The classes of the twenty-eighth blind set (tests/data/explain_corpus/blind28.json), produced here where they can run.

- MKL's direct sparse solver printing its own failure (MKLSparse.jl#8's ``MKL-DSS-DSS-Error, Zero pivot detected``):
  a symmetric matrix that is not positive definite, factored as positive definite by the pinned libmkl_rt; factored as
  indefinite it solves, and MKL_DSS_MSG_LVL_FATAL keeps the line quiet;
- coreutils' ``install: missing file operand`` after lines that show MKL's .pc files elsewhere (nixpkgs#227267): a copy
  whose pattern over another layout's folder matched nothing, with the pinned wheel's lib/pkgconfig;
- public text (no MSVC here): link.exe's LNK2001 in Japanese for ``_idamax_``, a BLAS name MKL exports under 32-bit x86's
  decoration, with no BLAS on the link (MSI's NUOPT manual).
"""

from __future__ import annotations

import os
import subprocess

import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from tests.test_explain_families import errors_of, flat

DSS = """#include <stdio.h>
#include "mkl_dss.h"
int main(void) {
  /* the upper triangle of [[1, 2], [2, 1]]: symmetric, not positive definite */
  MKL_INT rows[] = {1, 3, 4}, cols[] = {1, 2, 2}, n = 2, nnz = 3, one = 1;
  double values[] = {1, 2, 1}, rhs[] = {3, 3}, x[2];
  _MKL_DSS_HANDLE_t handle;
  MKL_INT opt = MKL_DSS_DEFAULTS, created = CREATE, sym = MKL_DSS_SYMMETRIC, type = TYPE;
  MKL_INT err = dss_create(handle, created);
  if (err == MKL_DSS_SUCCESS) err = dss_define_structure(handle, sym, rows, n, n, cols, nnz);
  if (err == MKL_DSS_SUCCESS) err = dss_reorder(handle, opt, 0);
  if (err == MKL_DSS_SUCCESS) err = dss_factor_real(handle, type, values);
  if (err == MKL_DSS_SUCCESS) err = dss_solve_real(handle, opt, rhs, one, x);
  if (err == MKL_DSS_SUCCESS) printf("x %g %g\\n", x[0], x[1]);
  dss_delete(handle, opt);
  return err != MKL_DSS_SUCCESS;
}
"""


def _dss(tmp_path, mkl, create: str, factor: str) -> subprocess.CompletedProcess:
    (tmp_path / "dss.c").write_text(DSS.replace("CREATE", create).replace("TYPE", factor))
    lib = mkl.pip_lib
    built = subprocess.run(["gcc", "dss.c", f"-I{mkl.pip / 'include'}", "-o", "dss", f"-L{lib}", f"-Wl,-rpath,{lib}",
                            "-Wl,--no-as-needed", "-l:libmkl_rt.so.3", "-lm"], cwd=tmp_path, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    return subprocess.run(["./dss"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "MKL_THREADING_LAYER": "SEQUENTIAL"})


@pytest.mark.mkl
def test_dss_prints_its_own_zero_pivot(mkl, tmp_path):
    ran = _dss(tmp_path, mkl, "MKL_DSS_DEFAULTS", "MKL_DSS_POSITIVE_DEFINITE")
    assert ran.returncode == 1 and "MKL-DSS-DSS-Error, Zero pivot detected" in ran.stdout, ran.stdout + ran.stderr
    [finding] = errors_of(ran.stdout)
    assert finding.id == "mkl-dss-error" and "Zero pivot detected" in finding.title, flat(finding)
    assert "MKL_DSS_INDEFINITE" in finding.fix[0] and "MKL_DSS_MSG_LVL_FATAL" in finding.fix[1], finding.fix
    # the fix: factored as indefinite, the system is solved (x = 1, 1)
    solved = _dss(tmp_path, mkl, "MKL_DSS_DEFAULTS", "MKL_DSS_INDEFINITE")
    assert solved.returncode == 0 and solved.stdout.split() == ["x", "1", "1"], solved.stdout
    # and a test that means it: the message level the fix names keeps MKL quiet, the code still says it failed
    quiet = _dss(tmp_path, mkl, "MKL_DSS_MSG_LVL_FATAL + MKL_DSS_TERM_LVL_ERROR", "MKL_DSS_POSITIVE_DEFINITE")
    assert quiet.returncode == 1 and "MKL-DSS" not in quiet.stdout + quiet.stderr
    # a warning of DSS's is a note, not a failure
    assert errors_of("MKL-DSS-DSS-Warning, Invalid option\n") == []
    [note] = explain(logparse.parse_bytes(b"MKL-DSS-DSS-Warning, Invalid option\n"), [])
    assert note.id == "mkl-dss-error" and note.severity == "info", flat(note)


@pytest.mark.mkl
def test_an_install_step_whose_pattern_matched_nothing(mkl, tmp_path):
    pkgconfig = mkl.pip / "lib/pkgconfig"
    script = (f"shopt -s nullglob; for f in {pkgconfig}/mkl-static-lp64-*.pc; do echo \"patching $f\"; done; "
              f"mkdir -p out; install -m644 {mkl.pip}/tools/pkgconfig/mkl-static-*.pc out")
    ran = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    log = ran.stdout + ran.stderr
    assert ran.returncode != 0 and "install: missing destination file operand" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-file-missing" and "got no file to copy" in finding.title, flat(finding)
    assert f"point the step at {pkgconfig}" in finding.fix[0], finding.fix
    # the folder the fix names holds the files the step meant
    assert list(pkgconfig.glob("mkl-static-*.pc"))
    # the same words with no MKL file before them: an error no signature explains, said as such
    [alone] = errors_of("install: missing file operand\nTry 'install --help' for more information.\n")
    assert alone.id == "unrecognised-failure", flat(alone)


def test_an_x86_blas_name_unresolved_with_no_blas_on_the_link():
    log = ("4>リンクしています...\n"
           "3>libnuopt_MT_nolapack.lib(Vt.obj) : error LNK2001: 外部シンボル\"_idamax_\"は未解決です。\n"
           "3>libnuopt_MT_nolapack.lib(rhoupdsdp.obj) : error LNK2001: 外部シンボル\"_idamax_\"は未解決です。\n")
    [finding] = errors_of(log)
    # idamax_ is in MKL's export table (no shape of MKL's names says so): MKL's name, and no MKL on the link
    assert finding.id == "msvc-unresolved-mkl" and "idamax_" in finding.title, flat(finding)
    assert "for a 32-bit build (x86 names): no MKL library for 32-bit Windows on the link" in finding.title, finding.title
    assert "mkl_intel_c.lib" in finding.fix[0], finding.fix
    # a name no MKL release exports stays the project's own
    [other] = errors_of(log.replace("_idamax_", "_nuopt_private_"))
    assert other.id == "undefined-symbol" and "not MKL's names" in other.title, flat(other)
