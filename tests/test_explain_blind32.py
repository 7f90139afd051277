"""The classes of the thirty-second blind set (tests/data/explain_corpus/blind32.json: scientific applications' and
packagers' pages), produced here where they can run: libmkl_core.a's MPI-wrapper object taken in whole with no BLACS
archive (ipopt-sys' note; produced with the pinned static archives, linked as an ordinary archive it links); the rest in
MKL's, libiomp5's, the loader's and Windows' words as the pages quote them, checked against the real strings where MKL
and its runtime hold them."""

from __future__ import annotations

import subprocess

import pytest

from tests.test_explain_families import errors_of, flat


@pytest.mark.mkl
def test_the_static_cores_mpi_wrappers_taken_whole_without_blacs(mkl, tmp_path):
    (tmp_path / "w.c").write_text("int main(void) { return 0; }\n")
    lib = mkl.pip_lib

    def link(core: list[str]):
        return subprocess.run(["gcc", "w.c", "-Wl,--start-group", str(lib / "libmkl_intel_lp64.a"), str(lib / "libmkl_sequential.a"),
                               *core, "-Wl,--end-group", "-lpthread", "-lm", "-ldl", "-o", "w"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=600)

    failed = link(["-Wl,--whole-archive", str(lib / "libmkl_core.a"), "-Wl,--no-whole-archive"])
    assert failed.returncode != 0 and "undefined reference to `MKLMPI_Get_wrappers'" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-layer-missing" and "MKLMPI_Get_wrappers" in finding.title, flat(finding)
    assert "mkl_get_mpi_wrappers_static.o" in finding.evidence[0] and "not whole" in finding.fix[1]
    assert link([str(lib / "libmkl_core.a")]).returncode == 0  # the fix for a program without cluster functions


def test_the_pages_words(mkl):
    """MKL's 'Cannot load symbol MKLMPI_Get_wrappers.' (its 'Cannot load %s.' with the name, as libmkl_core's strings hold
    it; firedrake's notes), libiomp5's Error #18 (its strings), a symbol lookup error ended by a full stop (TEASER++'s
    page), MKL's message with no space after its colon (DL4J's page), a paste's elision before a kernel's name, an
    import whose undefined name is a kernel's beside MKL's own Cannot load (GTSAM's notes), and Windows' 'Entry point ...
    not found in' dialog (a system oneAPI's DLL first)."""
    core = (mkl.pip_lib / "libmkl_core.so.3").read_bytes()
    assert b"symbol MKLMPI_Get_wrappers" in core and b"Cannot load %s." in core
    runtime = (mkl.pip_lib / "libiomp5.so").read_bytes()
    assert b'Setting environment variable "%1$s" failed:' in runtime and b"__KMP_REGISTERED_LIB_" in runtime

    [blacs] = errors_of("$ python test_mat_ksp.py -pc_factor_mat_solver_type mkl_cpardiso\n"
                        "Intel MKL FATAL ERROR: Cannot load symbol MKLMPI_Get_wrappers.\n")
    assert blacs.id == "mkl-layer-not-loaded" and "-lmkl_blacs_intelmpi_lp64" in blacs.fix[0], flat(blacs)
    [omp] = errors_of('OMP: Error #18: Setting environment variable "__KMP_REGISTERED_LIB_12973" failed:\n'
                      "OMP: Hint: Seems application required too much memory.\n")
    assert omp.id == "openmp-registration-failed"
    [matlab] = errors_of("/usr/local/MATLAB/R2019a/bin/glnxa64/MATLAB: symbol lookup error: /opt/intel/compilers_and_"
                         "libraries_2019.4.243/linux/mkl/lib/intel64_lin/libmkl_vml_avx2.so: undefined symbol: mkl_serv_getenv.\n")
    assert matlab.id == "mkl-core-not-visible" and "mkl_serv_getenv:" in matlab.title, flat(matlab)
    [dl4j] = errors_of("Intel MKL FATAL ERROR:Cannot load mkl_intel_thread.dll\n")
    assert dl4j.id == "windows-library-not-loaded" and any("the message is MKL's own" in e for e in dl4j.evidence)
    assert not any(f.startswith("open it by the name") for f in dl4j.fix)
    [cut] = errors_of("INTEL MKL ERROR: ...libmkl_vml_avx2.so.2: undefined symbol: mkl_blas4vml_dptrmm.\n")
    assert cut.id == "mkl-core-not-visible", flat(cut)
    gtsam = errors_of("ImportError: /opt/intel/mkl/lib/intel64/libmkl_vml_avx2.so: undefined symbol: mkl_serv_getenv\n"
                      "Intel MKL FATAL ERROR: Cannot load libmkl_avx2.so or libmkl_def.so.\n")
    assert [f.id for f in gtsam] == ["mkl-core-not-visible"], [(f.id, f.title) for f in gtsam]
    [entry] = errors_of("Entry point '?setNDRangeDescriptor@handler@_V1@sycl@@AEAAXV?$range@$02@2@W4mode@2@' not found in "
                        "mkl_sycl_blas.5.dll\n")
    assert entry.id == "windows-entry-point-missing" and "mkl_sycl_blas.5.dll" in entry.title


def test_a_compiler_option_given_as_a_library_to_search_for():
    """The Einstein Toolkit's PETSc thorn (et2#986) searched for a library named -mkl: Intel's compiler option."""
    from tests.test_explain_blind29 import explain_all

    [said] = explain_all("PETSc: Configuring... PETSc: Could not find BLAS library -mkl PETSc: Could not find LAPACK library -mkl\n")
    assert said.id == "mkl-finder-failed" and "Intel's compiler option -mkl" in said.fix[0], flat(said)
