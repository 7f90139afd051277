"""The seventy-first blind set (tests/data/explain_corpus/blind71.json): texts the rules made after it answer. The missing
mkl.h of an include folder made from the library folder is produced here (gcc with the pinned wheel's prefix); the
others are read from the public reports."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = blindset.entries(71)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


@pytest.mark.mkl
def test_an_include_folder_made_from_the_library_folder(tmp_path, mkl):
    """pawpyseed#17: -I<prefix>/lib/include where pip put mkl.h in <prefix>/include. Produced with the wheel's prefix: gcc
    fails, explain names <prefix>/include, and the same compile with that folder passes."""
    (tmp_path / "m.c").write_text("#include <mkl.h>\nint main(void) { MKL_INT n = 1; return (int)n - 1; }\n")
    prefix = str(mkl.pip)
    cmd = ["gcc", "-c", "m.c", "-o", "m.o"]
    done = subprocess.run([*cmd, f"-I{prefix}/lib/include"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "LC_ALL": "C"})
    assert done.returncode != 0 and "mkl.h: No such file or directory" in done.stderr, done.stderr
    finding = only_error(" ".join([*cmd, f"-I{prefix}/lib/include"]) + "\n" + done.stderr)
    assert finding.id == "mkl-header-not-found" and finding.fix[0].endswith(f"so give -I{prefix}/include"), flat(finding)
    assert subprocess.run([*cmd, f"-I{prefix}/include"], cwd=tmp_path, capture_output=True).returncode == 0
    assert "give -I~/.local/include" in only_error(_log("pawpyseed-17")).fix[0]


def test_mkls_kernel_message_wrapped_after_cannot_load():
    """photometrypipeline's FAQ: 'Cannot load' at a line's end, the kernels' names on the next: read as MKL's own line,
    each name up to its end (the question's words after it are not part of it)."""
    finding = only_error(_log("photometrypipeline"))
    assert finding.id == "mkl-core-not-visible" and "libmkl_avx2.so or libmkl_def.so:" in finding.title, flat(finding)


def test_nwchems_global_arrays_refusing_a_dimension():
    """NWChem's forum 771: GA's 'wrong dimension specified' with an ILP64 ScaLAPACK line and the ranks killed by signal 9
    after it (MPICH's launcher): the integer sizes, and the kill as its consequence."""
    finding = only_error(_log("nwchem-forum-771"))
    assert finding.id == "nwchem-integer-size-mismatch" and "Global Arrays" in finding.title, flat(finding)
    assert any("killed by signal 9" in line and "consequence" in line for line in finding.evidence)
    assert only_error("  exit status of rank 3: killed by signal 9\n").id == "process-killed"


def test_onemaths_reference_cblas_as_its_faq_spells_it():
    finding = only_error(_log("onemath-build-faq"))
    assert finding.id == "dependency-not-mkl" and "REF_BLAS_ROOT" in finding.fix[0], flat(finding)


def test_hips_builtins_asked_of_a_sycl_compiler():
    """oneMath#336 (hip-config.cmake's message) and #532 (ninja's missing libclang_rt.builtins.a of icpx)."""
    for key in ("onemkl-336", "rocsparse-pr532"):
        finding = only_error(_log(key))
        assert finding.id == "hip-builtins-from-sycl-compiler" and "oneMath's AMD backends" in finding.title, flat(finding)
        assert any("-DHIP_CXX_COMPILER=" in line for line in finding.fix)


def test_a_onemkl_call_that_threw_in_llamacpps_sycl_backend():
    finding = only_error(_log("ipex-llm-11425"))
    assert finding.id == "onemkl-sycl-call-failed" and "gemm_batch" in finding.title, flat(finding)
    assert "conda deactivate" in finding.fix[0]


def test_a_version_banner_of_cmakes_notfound_is_no_error():
    """OpenFAST#531's banner 'OpenFAST--128-NOTFOUND' beside MKL's parameter errors: one finding, MKL's."""
    assert [f.id for f in errors_of(_log("openfast-sfunc-531"))] == ["mkl-parameter-error"]
    assert not errors_of(" OpenFAST--128-NOTFOUND\n")
    assert only_error("MKL_LIBRARY-NOTFOUND\n").id == "mkl-finder-failed"  # CMake's value of a variable still is one


def test_makes_missing_clang_rt_builtins_for_a_onemath_backend():
    log = ("make[2]: *** No rule to make target '/opt/intel/oneapi/compiler/2024.2/lib/clang/19/lib/x86_64-unknown-linux-gnu/"
           "libclang_rt.builtins.a', needed by 'lib/libonemkl_blas_rocblas.so.0'.  Stop.\n")
    finding = only_error(log)
    assert finding.id == "hip-builtins-from-sycl-compiler" and "oneMath's AMD backends" in finding.title, flat(finding)
