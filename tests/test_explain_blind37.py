"""The classes of the thirty-seventh blind set (tests/data/explain_corpus/blind37.json): ld's warning that a library of the
link needs another version of one it has (rokko#306: the distribution's BLACS for Open MPI beside Intel MPI; produced here
with real ld), an MKL layer of a release whose core has a name only some releases export, given another release's core
(dpnp#132: numpy imported first), and MKL refusing the processor (pytorch#31106: MKL for macOS on an AMD processor)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.test_explain_blind29 import explain_all
from tests.test_explain_families import errors_of, flat


def _gcc(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(["gcc", *args], cwd=cwd, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is needed to link")
def test_lds_warning_of_two_versions_of_one_library_is_two_mpis(tmp_path):
    """Two builds of a library named as MPI's (sonames libmpi.so.1 and libmpi.so.12, as Open MPI 1.x and Intel MPI name
    theirs), a BLACS library built against the first, a program linked against the second: ld links it, and warns."""
    (tmp_path / "mpi.c").write_text("int MPI_Init(int *c, char ***v) { return 0; }\n")
    for soname in ("libmpi.so.1", "libmpi.so.12"):
        assert _gcc("-shared", "-fPIC", "-o", soname, f"-Wl,-soname,{soname}", "mpi.c", cwd=tmp_path).returncode == 0
    (tmp_path / "libmpi.so").symlink_to("libmpi.so.12")
    (tmp_path / "blacs.c").write_text("int MPI_Init(int *, char ***); int Cblacs_pinfo(void) { return MPI_Init(0, 0); }\n")
    blacs = "libblacsCinit-openmpi.so.1"
    assert _gcc("-shared", "-fPIC", "-o", blacs, f"-Wl,-soname,{blacs}", "blacs.c", "./libmpi.so.1", cwd=tmp_path).returncode == 0
    (tmp_path / "main.c").write_text("int Cblacs_pinfo(void); int main(void) { return Cblacs_pinfo(); }\n")
    linked = _gcc("main.c", "-o", "main", f"./{blacs}", "-L.", "-lmpi", "-Wl,-rpath-link,.", cwd=tmp_path)
    assert linked.returncode == 0 and "may conflict with libmpi.so.12" in linked.stderr, linked.stderr
    [finding] = explain_all(linked.stderr)
    assert finding.id == "library-versions-conflict" and finding.severity == "warning", flat(finding)
    assert finding.title.startswith("two MPIs in one link") and "Open MPI's" in finding.title
    assert "ldd" in finding.fix[0] and "libmkl_blacs_intelmpi_lp64" in finding.fix[1]
    # the same warning of MKL's own layers is two MKL releases; of any other library, two versions of it
    [mkl] = explain_all("/usr/bin/ld: warning: libmkl_core.so.1, needed by /opt/x/libmkl_sequential.so.1, may conflict with "
                        "libmkl_core.so.2\n")
    assert mkl.title.startswith("two MKL releases in one link"), flat(mkl)
    [other] = explain_all("/usr/bin/ld: warning: libgfortran.so.3, needed by /usr/lib/libarpack.so.2, may conflict with "
                          "libgfortran.so.5\n")
    assert other.title.startswith("two versions of libgfortran in one link"), flat(other)


def test_an_mkl_layer_given_another_releases_core():
    """oneAPI 2021.1's libmkl_sequential needs a name MKL's core exports from 2020.4 to 2023.2 only: the core that
    answered is another release's (numpy's, imported first); a Python import puts the import order first."""
    log = ("ImportError: /opt/intel/oneapi/mkl/2021.1-beta09/lib/intel64/libmkl_sequential.so: undefined symbol: "
           "mkl_graph_mxm_gus_phase2_plus_second_fp32_def_i64_i32_fp32\n")
    [finding] = errors_of(log)
    assert finding.id == "runtime-symbol-missing" and finding.title.startswith("two MKLs mixed"), flat(finding)
    assert "another release's (older than" in finding.title and "from MKL 2021.1, by its folder's name" in flat(finding)
    assert "import the module that needs libmkl_sequential.so before the others" in finding.fix[0]
    # a kernel needing a name only the oldest release of the table has: a newer MKL's core answered (block2's hints: MKL
    # 2019's unnumbered libraries beside 2021's)
    [kernel] = errors_of("OSError: /opt/x/libmkl_avx2.so: undefined symbol: mkl__blas_write_lock_dgemm_hashtable\n")
    assert "a newer MKL's (2020.4.304 or newer) libmkl_core was loaded" in kernel.title, flat(kernel)
    # a program's own library needing such a name is not MKL's layer: the program needs the release it was built with
    [program] = errors_of("OSError: /opt/app/libsolver.so: undefined symbol: mkl_graph_mxm_gus_phase2_plus_second_fp32_def_i64_i32_fp32\n")
    assert not program.title.startswith("two MKLs mixed"), flat(program)


def test_mkl_refusing_the_processor():
    log = ('>>> net(input)\n  File "/Users/u/anaconda3/lib/python3.7/site-packages/torch/nn/modules/module.py", line 541, in '
           "__call__\nIntel MKL ERROR: CPU 0 is not supported.\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-cpu-unsupported" and "MKL for macOS runs on Intel processors only" in finding.title, flat(finding)
    assert "nomkl" in finding.fix[0] and "machdep.cpu.vendor" in finding.confirm[0]
    [bare] = errors_of("Intel MKL ERROR: CPU 0 is not supported.\n")
    assert bare.id == "mkl-cpu-unsupported" and "macOS runs" not in bare.title and "/proc/cpuinfo" in bare.confirm[0]


def test_a_persons_bare_undefined_symbol_is_the_loaders_words():
    """"undefined symbol: NAME" with no linker's name and no link around it is the loader's wording (pyatb's install
    page: Anaconda's MKL beside the oneAPI one its extension was built with); lld's comes with its name or "error:"."""
    [internal] = errors_of("undefined symbol: mkl_sparse_optimize_bsr_trsm_i8\n")
    assert internal.id == "mkl-core-not-visible" and "the log names none" in internal.title, flat(internal)
    assert any(line.startswith("for one run, any host: LD_PRELOAD=") for line in internal.fix)
    assert "the log does not name" not in internal.confirm[0]
    [omp] = errors_of("undefined symbol: omp_get_num_procs\n")
    # a name both runtimes define, its library cut: Intel's layer without libiomp5 or the GNU layer without libgomp
    # (blind44's block2 and z4c-CMM scripts were the GNU layer's)
    assert omp.id == "openmp-runtime-missing" and "libiomp5 for mkl_intel_thread" in omp.title, flat(omp)
    assert "libgomp for mkl_gnu_thread" in omp.title and "-liomp5" in omp.fix[1] and "LD_PRELOAD=libgomp.so.1" in omp.fix[2]
    [gone] = errors_of("undefined symbol: iJIT_NotifyEvent\n")
    assert gone.id == "runtime-symbol-missing" and "is gone since 2024.1.0" in gone.title, flat(gone)
    # with the link around it, the same words are the link's
    [linked] = errors_of("gcc -o app app.o -lmkl_intel_lp64 -lmkl_sequential\nlinking failed: undefined symbol: mkl_serv_getenv\n")
    assert linked.id != "mkl-core-not-visible" and "link" in flat(linked), flat(linked)
