"""The third round of raw public pastes (issue threads read without their causes): Intel Fortran's optimizer's link
messages, MATLAB's crash report, a PARDISO call's integers, macOS's own library bound to a conda one, Spack's Intel
package, MKL's Fortran 95 wrappers given as LAPACK, and Intel Fortran's argument check at an MKL interface."""

from __future__ import annotations

import subprocess

import pytest

from tests.test_explain_families import flat, only_error


def _explained(log: str):
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    return explain(logparse.parse_bytes(log.encode()), [])


# dealii#9462 (a NERSC user's cmake line): deal.II's LAPACK check failed with MKL's wrappers as its LAPACK
DEALII = """`cmake -DCMAKE_INSTALL_PREFIX=/path/to/my/install -DDEAL_II_WITH_LAPACK=ON -DLAPACK_DIR=$MKLROOT/lib/intel64/ \
-DLAPACK_LIBRARIES=$MKLROOT/lib/intel64_lin/libmkl_lapack95_lp64.a  -DDEAL_II_LAPACK_WITH_MKL=ON ..`
[...]
> -- Performing Test LAPACK_SYMBOL_CHECK
> -- Performing Test LAPACK_SYMBOL_CHECK - Failed
> -- Could not find a sufficient BLAS/LAPACK installation: BLAS/LAPACK symbol check failed! Consult CMakeFiles/CMakeError.log for further information.
> CMake Error at cmake/macros/macro_configure_feature.cmake:112 (MESSAGE):
> 
> 
>   Could not find the lapack library!
"""


@pytest.mark.parametrize("release", ["pip", "debian_static"])
def test_mkls_fortran_95_wrappers_given_as_lapack(release, mkl):
    """The claim first, on both pinned releases' archives (nm): the wrapper library defines no LAPACK routine and calls
    MKL's; then deal.II's log is that finding, its CMake error the consequence."""
    root = mkl.pip_lib if release == "pip" else mkl.debian_lib(mkl.debian_static)
    archive = root / "libmkl_lapack95_lp64.a"
    defined = subprocess.run(["nm", "-g", "--defined-only", str(archive)], capture_output=True, text=True, check=True).stdout
    undefined = subprocess.run(["nm", "-u", str(archive)], capture_output=True, text=True, check=True).stdout
    assert " T dgesv_\n" not in defined and "dgesv_" in undefined.split(), "the wrappers define dgesv_"
    said = only_error(DEALII)
    assert said.id == "mkl-f95-wrapper-as-library" and "libmkl_lapack95_lp64.a" in said.title, flat(said)
    assert any("CMake Error" in e and "consequence" in e for e in said.evidence), flat(said)


CASES = [
    # OpenFAST#328: Visual Studio's Intel Fortran, its optimizer's link: MKL's libraries not found, its names unresolved
    ("2>Linking...\n2>ipo: error #11018: Cannot open mkl_intel_lp64\n2>ipo: error #11018: Cannot open mkl_sequential\n"
     "2>ipo: error #11018: Cannot open mkl_core\n2>ipo: warning #11021: unresolved DGBSV\n2>        Referenced in "
     "FASTlib_x64.lib(NWTC_LAPACK.obj)\n2>ipo: warning #11021: unresolved DGEMM\n", "msvc-library-not-found",
     "DGBSV, DGEMM unresolved: MKL's names, the consequence"),
    # fds#6812: the optimizer's unresolved MKL name, its error #11023 the consequence
    ("ipo: warning #11021: unresolved CLUSTER_SPARSE_SOLVER_D\n        Referenced in C:\\Users\\asus\\AppData\\Local\\Temp\\"
     "ipo_40684.obj\nipo: error #11023: Not all components required for linking are present on command line\n",
     "msvc-unresolved-mkl", "CLUSTER_SPARSE_SOLVER_D"),
    # rcnn#10: MATLAB's crash report, its last frame in Intel's OpenMP runtime (MATLAB ships its own)
    ("Stack Trace (from fault):\n[  9] 0x00007f5e11ed1cb0              /lib/x86_64-linux-gnu/libpthread.so.0+00064688\n"
     "[ 10] 0x00007f5e11b38425                    /lib/x86_64-linux-gnu/libc.so.6+00222245 gsignal+000053\n"
     "[ 11] 0x00007f5e11b3bb8b                    /lib/x86_64-linux-gnu/libc.so.6+00236427 abort+000379\n"
     "[ 12] 0x00007f5d50db11b3 /opt/intel/mkl/lib/intel64/../../../compiler/lib/intel64/libiomp5.so+00446899\n",
     "openmp-runtime-crashed", "libiomp5"),
    # TBFIT#3: Intel Fortran's check of an argument against MKL's interface module, the call on the line under it
    ("> mpiifort -fpp -DMPI -DF08 -DSPGLIB -DMKL_SPARSE -DSCALAPACK -O3 -ipo -axCORE-AVX2 -xSSE4.2 -heap-arrays "
     "-nogen-interfaces -c sparse_tool.f90\n> sparse_tool.f90(76): error #6633: The type of the actual argument differs "
     "from the type of the dummy argument.   [CPTRB]\n    istat = MKL_SPARSE_Z_EXPORT_CSR(SS,indx,m,m,    cptrB,    "
     "cptrE,    cptrJ,    cptrH)\n> ----------------------------------------------------^\n", "mkl-api-changed",
     "MKL_SPARSE_Z_EXPORT_CSR"),
    # asset_asrl#54: clang on Windows, a PARDISO call of int variables where MKL_ILP64 makes its integers long long
    ("src\\Solvers\\PardisoInterface.h:40:17: error: cannot initialize a parameter of type 'const long long *' with an "
     "rvalue of type 'int *'\n[build]    40 |             pt, &maxfct, &mnum, &type, &phase, &n, a, ia, ja, perm, &nrhs, "
     "iparm, &msglvl, b, x, &error);\n[build]       |                 ^~~~~~~\n", "mkl-ilp64-compile-mismatch", "pardiso"),
    # NNPOps PR #63: DYLD_LIBRARY_PATH set to a conda environment's lib: Accelerate took its libBLAS.dylib
    ("dyld: Symbol not found: _catlas_dset\n  Referenced from: /System/Library/Frameworks/Accelerate.framework/Versions/A/"
     "Frameworks/vecLib.framework/Versions/A/libLinearAlgebra.dylib\n  Expected in: /Users/runner/miniconda3/envs/nnpops/"
     "lib/libBLAS.dylib\n", "dyld-system-library-shadowed", "DYLD_LIBRARY_PATH"),
    # spack#12752: Spack's Intel package on an external given by a module
    ("==> No binary for py-numpy found: installing from source\n==> Error: InstallError: Cannot locate core MKL libraries:\n"
     "\t['libmkl_intel_lp64', 'libmkl_sequential', 'libmkl_core']\n", "spack-mkl-libraries-not-found", "prefix"),
    # spack#11086: spack -d's search under the prefix it could not read
    ("==> [2019-04-02-17:08:42.003314] blas_libs.component_lib_dir:   None/compilers_and_libraries/linux/mkl/lib/intel64\n"
     "==> [2019-04-02-17:08:42.036334] Error: InstallError: Cannot locate core MKL libraries:\n", "spack-mkl-libraries-not-found",
     "the external's prefix Spack could not read"),
    # spack#49994: Spack's solver's own reason for refusing an MKL spec
    ("$ spack spec intel-oneapi-mkl threads=openmp\n==> Error: failed to concretize `intel-oneapi-mkl threads=openmp` for the "
     "following reasons:\n     1. intel-oneapi-mkl: MKL with OpenMP threading requires GCC, clang, or Intel compilers\n",
     "spack-mkl-concretize-failed", "requires GCC, clang, or Intel compilers"),
    # fds#1003: Intel OpenMP's Windows words for a thread it could not create, Windows' errno 8 under it (a 32-bit build)
    ("D:\\Run\\Test\\32_Bit>fds5_openmp fds5test.fds\nOMP: Error #136: Cannot create thread.\nOMP: System error #8: Not "
     "enough storage is available to process this \ncommand.\n", "blas-threads-refused", "32-bit program"),
    # ArchR#418: R's fork refused by the same limit after Intel OpenMP's Error #34: one finding
    ("OMP: Error #34: System unable to allocate necessary resources for OMP thread:\nOMP: System error #11: Resource "
     "temporarily unavailable\nOMP: Hint Try decreasing the value of OMP_NUM_THREADS.\n\n<simpleError in mcfork(detached): "
     "unable to fork, possible reason: Resource temporarily unavailable>\n", "blas-threads-refused", "mcfork"),
    # microsoft-r-open#30: R's segfault line whose stars the paste took off: R's own finding, not a generic crash
    ("caught segfault ***\naddress 0x7f, cause 'memory not mapped'\nTraceback:\n 1: La.svd(x, nu, nv)\n", "program-crashed",
     "R crashed in compiled code"),
    # microsoft-r-open#34: R's traceback of a crash, its first line not pasted, in Microsoft R Open's loading of MKL
    ("Traceback:\n 1: dyn.load(libPath)\n 2: doTryCatch(return(expr), name, parentenv, handler)\n[...]\n 6: try(dyn.load("
     "libPath), silent = TRUE)\n 7: tryLoadMKL(full_path, mklSymbol)\n 8: fun(libname, pkgname)\n", "program-crashed",
     "in loading MKL"),
    # deeprank-gnn-esm#19: libmamba's items for an environment file of Linux builds on osx-arm64: MKL's finding, the
    # other packages' items beside it
    ("Platform: osx-arm64\nCollecting package metadata (repodata.json): done\nSolving environment: failed\n\n"
     "LibMambaUnsatisfiableError: Encountered problems while solving:\n  - nothing provides requested pytorch-sparse "
     "0.6.17**\n  - nothing provides requested pyg 2.3.0**\n  - nothing provides requested mkl_fft 1.3.6**\n  - nothing "
     "provides requested mkl 2023.1.0**\n  - nothing provides requested libxkbcommon 1.0.1**\n  - nothing provides "
     "requested libgcc-ng 11.2.0**\n  - nothing provides requested intel-openmp 2023.1.0**\n", "mkl-not-for-this-platform",
     "pytorch-sparse"),
    # llama.cpp#7937: CMake's FindPkgConfig on oneAPI's mkl-sdl.pc under Windows
    ("-- Checking for module 'mkl-sdl'\n--   Found mkl-sdl, version 2024.1\nCMake Error at C:/Program Files/CMake/share/"
     "cmake-3.30/Modules/FindPkgConfig.cmake:138 (set):\n  Syntax error in cmake code at\n\n    C:/Program Files/CMake/share/"
     "cmake-3.30/Modules/FindPkgConfig.cmake:138\n\n  when parsing string\n\n    C:\\Program;Files;(x86)\\Intel\\oneAPI\\mkl\\"
     "latest/lib/mkl_rt.lib\n\n  Invalid character escape '\\P'.\n", "mkl-pkgconfig-windows-paths", "find_package(MKL CONFIG)"),
    # conda/constructor#92: an installer's unpacker on its copy of mkl's package
    ("Extract: mkl-2017.0.3-0.tar.bz2\nuntgz::extract -d 'C:\\Users\\thlec\\Desktop\\obspy27w64' -zbz2 'C:\\Users\\thlec\\"
     "Desktop\\obspy27w64\\pkgs\\mkl-2017.0.3-0.tar.bz2' \ntgz_extract: bad header checksum\nError: Failure reading from "
     "tarball.\n", "conda-package-cache-corrupted", "does not unpack"),
    # Pardiso.jl#28: PARDISO's "not enough memory" after macOS's malloc refused a negative size read as unsigned
    ("julia> solve!(ps, X, A, B)\njulia(17480,0x7fff8c442340) malloc: *** mach_vm_map(size=18446744059401457664) failed "
     "(error code=3)\n*** error: can't allocate region\n*** set a breakpoint in malloc_error_break to debug\nERROR: Not enough "
     "memory.\nStacktrace:\n [1] check_error(::Pardiso.MKLPardisoSolver, ::Int32) at /Users/kristoffer/.julia/v0.6/Pardiso/"
     "src/mkl_pardiso.jl:92\n", "mkl-pardiso-error", "a negative size read as unsigned"),
]


@pytest.mark.parametrize("log, finding, word", CASES, ids=[c[1] + "-" + str(i) for i, c in enumerate(CASES)])
def test_a_raw_paste(log, finding, word):
    said = only_error(log)
    assert said.id == finding and word in flat(said), flat(said)


def test_gccs_openmp_runtime_by_its_unversioned_name(tmp_path):
    """Pardiso.jl#83 opened "libgomp.so" (MKLROOT set): produced here, the loader finds no such name beside GCC's runtime
    (libgomp.so.1 loads), and the finding says why a runtime package does not help; its echo joins it. Read as this
    machine's log (its search replayed) and as another's alike: neither tells to install MKL for GCC's library (a
    traceback under a Python prefix in a home folder made CI's run of it this machine's)."""
    import sys

    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain
    from mkldoctor.explain.origin import ELSEWHERE, HERE, Origin

    opened = subprocess.run([sys.executable, "-c", "import ctypes; ctypes.CDLL('libgomp.so.1'); ctypes.CDLL('libgomp.so')"],
                            capture_output=True, text=True)
    assert opened.returncode != 0 and "libgomp.so: cannot open shared object file" in opened.stderr, opened.stderr
    log = opened.stderr + "ERROR: mkl library was not loaded, unable to create solver\n"
    for verdict in (HERE, ELSEWHERE):
        found = explain(logparse.parse_bytes(log.encode()), [], origin=Origin(verdict, forced=True))
        [said] = [f for f in found if f.severity == "error"]
        assert said.id == "loader-cannot-find" and "development link" in flat(said), (verdict, flat(said))
        assert not any("install MKL" in line for line in said.fix), (verdict, said.fix)
        assert any("unable to create solver" in e and "consequence" in e for e in said.evidence), flat(said)
