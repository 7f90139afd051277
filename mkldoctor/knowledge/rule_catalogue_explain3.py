"""explain's rules for the classes blind sets 54 and later showed (issue 21): how a build passes MKL's link flags, a frozen
program's compiled core. (id, short, full, help) entries that :mod:`mkldoctor.knowledge.rule_catalogue`, their one home,
holds with the others; rule_catalogue_explain2.py reached the module size limit.
"""

from __future__ import annotations

from mkldoctor.knowledge.rule_catalogue_explain2 import _r

EXPLAIN = (
    _r("mkl-pc-requires-missing", "pkg-config cannot find a package MKL's .pc file requires (tbb, openmp)",
       "MKL's .pc files name their threading runtime's .pc; pkg-config gives no MKL flags when it is missing.",
       "Install that runtime's development files (tbb-devel, intel-openmp) on PKG_CONFIG_PATH, or ask for the -seq configuration."),
    _r("mkl-cxx-linkage", "MKL's C name referenced with C++ linkage",
       "A C++ file declares an MKL routine itself without extern \"C\": it references a C++ symbol MKL does not export.",
       "Include MKL's header (its declarations are extern \"C\"), or wrap the own declaration in extern \"C\"."),
    _r("mkl-value-for-address", "The code passes values to a BLAS or LAPACK routine that takes every argument by address",
       "MKL's Fortran-style routines (dgemm, dgetrf) take pointers, as Fortran passes arguments; the C interfaces take values.",
       "Pass each argument's address, or call cblas_* or LAPACKE_* instead."),
    _r("mkl-complex-type", "The code passes its own complex type where MKL's headers take MKL_Complex16 or MKL_Complex8",
       "MKL's complex types are its own structs unless the code defines them before including MKL's headers.",
       "#define MKL_Complex16 std::complex<double> (MKL_Complex8 likewise) before the first MKL header, or cast at the call."),
    _r("mklconfig-tbb-not-found", "MKLConfig.cmake found no oneTBB for MKL's TBB threading layer",
       "find_package(TBB CONFIG) inside MKLConfig.cmake found no TBBConfig.cmake (the tbb runtime packages have none).",
       "Give CMake oneTBB's package (TBB_DIR, tbb-devel, setvars.sh), or choose another MKL_THREADING."),
    _r("mklconfig-mklroot-mismatch", "MKLROOT names another oneMKL release than the MKLConfig.cmake CMake found",
       "MKLConfig.cmake reads MKLROOT first and refuses a root whose mkl_version.h is of another release.",
       "Unset MKLROOT for the configure, or source the setvars.sh of the install whose MKLConfig.cmake is used."),
    _r("mklconfig-headers-missing", "MKLConfig.cmake found no mkl_version.h in the MKL root it uses",
       "MKL's headers (mkl-include) are not installed in that prefix, or MKLROOT names a folder without them.",
       "Install mkl-include into the same prefix, or unset an MKLROOT that names another folder."),
    _r("numpy-distutils-blas-not-found", "numpy.distutils found no BLAS or LAPACK to build numpy or SciPy against",
       "pip built numpy or SciPy from source (no wheel for this Python or platform) and no BLAS was where it looked.",
       "Install a binary wheel, or give site.cfg MKL's folders (mkl_libs = mkl_rt), or install a system BLAS."),
    _r("mkl-preload-ignored", "ld.so ignored a preload of MKL's libraries",
       "The path in LD_PRELOAD names no file ld.so can open (a versioned name, ~ unexpanded, another word size).",
       "Preload the files that exist, by full path, in the process's own environment."),
    _r("mkl-package-not-in-sources", "apt or dnf does not know an MKL package",
       "Intel's oneAPI packages are in Intel's own repository, Debian's libmkl-* in its non-free component: not in default sources.",
       "Add Intel's repository (or enable non-free), update the package lists, then install; or install MKL from pip or conda."),
    _r("mkl-env-script-missing", "The shell could not source MKL's environment script: it is not at that path",
       "No MKL install at the path the script names on the machine that ran it (a compute node, a container, another release).",
       "Source the script of the install that is there (oneAPI: setvars.sh), or load the cluster's MKL module."),
    _r("link-flags-one-argument", "A build passed its link flags as one argument",
       "A string of options quoted whole, or beginning with a blank, reached the compiler or ld as one file name.",
       "Pass each flag as its own argument: a list, unquoted, with no leading blank."),
    _r("frozen-extension-missing", "A frozen program cannot import a package's compiled core",
       "PyInstaller or cx_Freeze left the extension module, or the MKL and OpenMP DLLs it loads, out of the bundle.",
       "Update the bundler and its hooks and freeze again, or add the DLLs with --add-binary."),
)
