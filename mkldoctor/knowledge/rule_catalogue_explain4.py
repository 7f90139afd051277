"""explain's rules of stop 62 (issue 21): fully static links, MKL's and LAPACKE's other error-handler messages, EasyBuild's
FFTW check, JavaCPP's probes. (id, short, full, help) entries that :mod:`mkldoctor.knowledge.rule_catalogue`, their one
home, holds with the others; rule_catalogue_explain3.py reached the module size limit.
"""

from __future__ import annotations

from mkldoctor.knowledge.rule_catalogue_explain2 import _r

EXPLAIN = (
    _r("static-link-of-shared", "A fully static link (-static) was given a shared library (MKL's .so)",
       "No shared library goes into a static executable; libmkl_rt, the single dynamic library, has no archive at all.",
       "Link MKL's three archives of one folder as a group in its place, or drop -static."),
    _r("mkl-optional-arguments", "MKL refused a combination of optional arguments (xerbla's INFO 1001)",
       "The Fortran 95 interfaces' optional arguments must agree with each other and with the matrices' shapes.",
       "Check the call's optional arguments against the transpositions and shapes."),
    _r("mkl-workspace-insufficient", "MKL could not get a routine's workspace (xerbla's INFO 1000 or 1089)",
       "The caller's LWORK is short for this release, or memory ran out for MKL's own buffer.",
       "Query the workspace with LWORK = -1; where it is right, look at memory limits."),
    _r("lapacke-out-of-memory", "LAPACKE could not allocate its work array or a row-major matrix's copy",
       "The C interface allocates workspace and transposed copies itself; the allocation failed.",
       "More memory or a smaller problem; column-major matrices and _work functions allocate nothing."),
    _r("mkl-internal-condition", "MKL's internal check failed while a routine ran (xerbla with a negative INFO)",
       "Not an argument on entry: in LAPACK's eigenvalue and SVD kernels most often NaN or Inf in the input.",
       "Check the input for NaN or Inf; then one thread, MKL_CBWR, another driver or release."),
    _r("easybuild-dry-run-artefact", "EasyBuild's extended dry run looked for imkl's files under a simulated module",
       "In eb -x a module not installed is simulated and its $EBROOT* is a dummy: every file check there fails.",
       "Nothing to fix in MKL: the real build sets $FFT_LIB."),
    _r("easybuild-fftw-interfaces-missing", "EasyBuild did not find imkl's FFTW interface libraries ($FFT_LIB unset)",
       "The imkl installation the module points at lacks libfftw3xc_intel or MKL's layers in the folders it checks.",
       "Look in those folders; rebuild the imkl module, whose easyblock builds the FFTW interfaces."),
    _r("javacpp-probes", "JavaCPP's loader tried libraries it may do without (its debug log's 'Failed to load for')",
       "Optional preloads (MKL's iomp5 and kernels under openblas' preset) and other platforms' names are tried and skipped.",
       "No failure by themselves: the program's failure, if any, is the log's last exception."),
    _r("gomp-too-old", "A library needs libgomp names of a newer GCC than the libgomp the link finds",
       "Its undefined GOMP_* names carry libgomp's symbol version (GOMP_5.0: GCC 9): it was built by a newer GCC.",
       "Link with the GCC that built it, or rebuild the library with this link's GCC."),
    _r("gfortran-argument-mismatch", "gfortran 10 and newer refused calls of one procedure with mismatched arguments",
       "Without an explicit interface gfortran compares the calls with each other; GCC 10 made a mismatch an error.",
       "USE the module that declares it (MKL's DFTI: MKL_DFTI), or -fallow-argument-mismatch."),
    _r("mkl-out-of-memory", "MKL's allocator (mkl_malloc) could not allocate: out of memory",
       "mkl_malloc returned no memory; the program reports it in its own words.",
       "A smaller problem or model, more memory, or a raised limit; check the integer width."),
    _r("library-map-failed", "The loader found a library and could not map it into memory",
       "glibc's 'failed to map segment from shared object': a virtual-memory limit, memory used up, or a noexec mount.",
       "Raise ulimit -v or the job's or container's memory limit; keep libraries off noexec mounts."),
    _r("dyld-system-library-shadowed", "A macOS system library took a same-named library from another folder (libBLAS.dylib)",
       "DYLD_LIBRARY_PATH is searched before every install name's folder, the system's: a conda lib there replaces Accelerate's.",
       "Unset DYLD_LIBRARY_PATH; give the program its folder by rpath or DYLD_FALLBACK_LIBRARY_PATH."),
    _r("spack-mkl-libraries-not-found", "Spack's Intel package found no MKL (or ScaLAPACK/BLACS) libraries in its prefix",
       "An external intel-parallel-studio or intel-mkl given by modules alone, or by a prefix that is not the suite's root.",
       "Give the external its prefix in packages.yaml, or use intel-oneapi-mkl as the provider."),
    _r("mkl-f95-wrapper-as-library", "A BLAS or LAPACK variable names only MKL's Fortran 95 wrapper library (libmkl_lapack95_lp64)",
       "The wrappers hold generic Fortran 95 names over MKL's routines, not the routines: a LAPACK check finds none.",
       "Give the variable MKL's interface, threading and core libraries (or libmkl_rt), the wrappers only before them."),
    _r("mkl-pkgconfig-windows-paths", "CMake's pkg_check_modules could not parse MKL's .pc paths on Windows (Invalid character escape)",
       "oneAPI's .pc files give paths with backslashes and blanks, which FindPkgConfig splits and reads as CMake code.",
       "Give the project MKL by find_package(MKL CONFIG) or FindBLAS on Windows, without pkg-config."),
)
