"""The rules of ``mkldoctor python`` (and check, on the project's Python environment; diagnose/python.py, pyloaded.py):
(id, short, full, help) entries that :mod:`mkldoctor.knowledge.rule_catalogue`, their one home, holds with the others.
"""

from __future__ import annotations


def _r(id: str, short: str, full: str, help: str) -> tuple[str, str, str, str]:
    return (id, short, full, help)


PYTHON = (
    _r("python-openmp-clash", "Two copies of Intel's OpenMP runtime can meet in one Python process",
       "Intel's OpenMP runtime (and LLVM's libomp) registers itself once per process: a second copy initialised "
       "aborts it with `OMP: Error #15`.",
       "Keep one libiomp5: install the packages from one source, or remove the vendored copy."),
    _r("python-openmp-clash-hidden", "Two copies of Intel's OpenMP runtime, hidden by KMP_DUPLICATE_LIB_OK=TRUE",
       "The variable lets the process go on with two runtimes, which may crash or give wrong results.",
       "Keep one libiomp5 and unset KMP_DUPLICATE_LIB_OK."),
    _r("python-kmp-duplicate-ok", "KMP_DUPLICATE_LIB_OK=TRUE is set with no second OpenMP runtime to hide",
       "It would let the next clash run instead of stopping on it.", "Unset KMP_DUPLICATE_LIB_OK."),
    _r("python-openmp-several", "Several OpenMP runtimes can share one Python process",
       "Each runtime (each copy of one) keeps its own thread pool, one thread per core: together they oversubscribe.",
       "Size the pools (OMP_NUM_THREADS), or limit the inner one where they nest (threadpoolctl)."),
    _r("python-thread-pools", "Several thread pools in one Python process, none sized",
       "OpenBLAS, OpenMP and MKL each start one thread per core when nothing says otherwise.",
       "Set OMP_NUM_THREADS (and OPENBLAS_NUM_THREADS, MKL_NUM_THREADS where they differ)."),
    _r("python-mkl-layer-order", "The import order decides MKL's threading layer",
       "libmkl_rt takes the GNU layer when a libgomp.so.1 is already in the process at its first call, INTEL "
       "(with libiomp5 beside that libgomp) otherwise.",
       "Set MKL_THREADING_LAYER=GNU: one OpenMP runtime whatever is imported first."),
    _r("python-mkl-threading-unknown", "MKL_THREADING_LAYER names no layer MKL knows",
       "libmkl_rt accepts INTEL, SEQUENTIAL, GNU, TBB and PGI.", "Set one of them, or unset the variable."),
    _r("python-mkl-threading-unused", "MKL_THREADING_LAYER is set where no package loads libmkl_rt",
       "MKL linked into a library (torch) has its layer fixed at its build: the variable changes nothing.",
       "Unset it, or know that it does nothing here."),
    _r("python-mkl-threading-ignored", "MKL_THREADING_LAYER=INTEL beside a libgomp.so.1",
       "libmkl_rt takes the GNU layer anyway when libgomp.so.1 is loaded first; mkl-service stops the import.",
       "Set MKL_THREADING_LAYER=GNU."),
    _r("python-mkl-layer-unloadable", "The threading layer MKL_THREADING_LAYER names cannot load here",
       "MKL opens the layer by its path; the loader must find the layer's own libraries (libtbb.so.12 for TBB).",
       "Put their folder on LD_LIBRARY_PATH, or choose another layer."),
    _r("python-mkl-unused", "An MKL package is installed and no package loads it",
       "numpy, scipy and torch from PyPI bring their own BLAS; the mkl wheel is a library only a module linked "
       "against libmkl_rt (or mkl-service) loads.",
       "Remove it (and its companions) if nothing needs it."),
    _r("python-blas-integer-mix", "LP64 and ILP64 BLAS libraries export the same names into one process",
       "The first one opened with RTLD_GLOBAL serves every later lookup of dgemm_, other libraries' calls included: "
       "32-bit integers read as 64-bit ones.",
       "Keep one integer size in a process, or keep the ILP64 library out of it."),
    _r("python-import-died", "Importing the modules ended the process",
       "The probe's process was killed (OMP: Error #15 aborts) or exited while importing or at MKL's first call.",
       "Read the lines it said; the finding names the cause it recognised."),
    _r("python-import-failed", "A module raised while being imported", "The import raised an exception.",
       "Fix that import first."),
    _r("python-openmp-loaded", "A real process of the environment loaded several OpenMP runtimes",
       "Seen in /proc/self/maps after the imports: each runtime keeps its own threads.",
       "Size the pools, or keep MKL on the libgomp already there (MKL_THREADING_LAYER=GNU)."),
    _r("python-mkl-layer-overridden", "MKL took another threading layer than MKL_THREADING_LAYER says",
       "libmkl_rt takes the GNU layer at its first call when a libgomp.so.1 is already in the process.",
       "Set MKL_THREADING_LAYER=GNU, or call MKL before importing the package that brings libgomp."),
    _r("python-blas-interposed", "A library's own BLAS calls bind to another library in the process",
       "ELF interposition: PLT calls take the first definition in the global scope, another library's when one was "
       "opened RTLD_GLOBAL (mkl-service opens libmkl_rt so).",
       "Keep that loader out of the process, or know that its BLAS serves those calls."),
)
