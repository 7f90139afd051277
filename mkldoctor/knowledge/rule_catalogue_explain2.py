"""explain's rules for the classes the later blind sets of public logs showed (issue 21: blind7 to blind10): crashes,
MKL's run-time checks (PARDISO, DFTI, OpenMP's assertion, the CPU), MKL's Python module, configure scripts' library
lists, build tools' own MKL code. (id, short, full, help) entries that :mod:`mkldoctor.knowledge.rule_catalogue`, their
one home, holds with the others.
"""

from __future__ import annotations


def _r(id: str, short: str, full: str, help: str) -> tuple[str, str, str, str]:
    return (id, short, full, help)


EXPLAIN = (
    _r("tool-mkl-code-crashed", "A build tool's own MKL code raised a programming error",
       "Meson's, Spack's or another tool's code for MKL raised a TypeError or KeyError: the tool's bug in this setup.",
       "Update the tool, or give it the setup its code expects (MKLROOT set, no variant that needs a missing node)."),
    _r("libc-library-not-found", "The linker cannot find the C library's -lm, -lpthread or -ldl",
       "MKL's link line ends with the C library's names; with -static their .a files (glibc-static) are often not installed.",
       "Install the C library's static (or development) package, or link without -static."),
    _r("linker-option-to-driver", "The compiler driver was given a linker option without -Wl,",
       "gcc, clang or ifort refused --no-as-needed or --start-group: MKL's link options reach the linker only as -Wl,<option>.",
       "Write the option as -Wl,<option> where the link line is put together."),
    _r("openmp-assertion", "Intel's OpenMP runtime stopped on its own assertion (OMP: Error #13)",
       "libiomp5's own check failed; at z_Linux_util.cpp most often a process forked after OpenMP started its threads.",
       "KMP_INIT_AT_FORK=FALSE, spawn rather than fork, or another runtime release (conda's intel-openmp 2019.5 asserts)."),
    _r("mkl-blacs-mpi-mismatch", "The program crashed in MKL's BLACS layer of another MPI",
       "MKL's BLACS layer is built for one MPI (intelmpi: Intel MPI, MPICH; openmpi: Open MPI); with the other it crashes.",
       "Link the BLACS layer of the MPI the program uses (or none, for a serial build)."),
    _r("mkl-crash", "The program crashed inside MKL",
       "A segmentation fault with MKL's frames: arguments of another width or convention (gfortran's complex returns), "
       "or another release.",
       "Match the interface to the caller (mkl_gf_* for gfortran, ILP64 with -DMKL_ILP64), and keep one MKL."),
    _r("program-crashed", "The program crashed, and its frames name no MKL library",
       "A segmentation fault whose printed lines do not show MKL: mkldoctor cannot tell whether MKL is involved.",
       "Get a backtrace (gdb, catchsegv) and explain that."),
    _r("mkl-pardiso-error", "MKL PARDISO returned an error code",
       "PARDISO's negative codes each name a kind of failure; reordering and internal errors point at the libraries.",
       "Read the code's meaning; keep MKL and Intel's OpenMP of one release; check the matrix for the others."),
    _r("mkl-path-missing", "The compiler was given an MKL path that does not exist",
       "A build's MKL variable was empty or wrong: the compiler took the path for an input file.",
       "Set the build's MKL variable to the folder with MKL's include and lib."),
    _r("cmake-mkl-target-twice", "CMake: an MKL:: imported target was created twice",
       "A project's FindMKL.cmake ran a second time and made its imported targets again without checking.",
       "Guard the targets with if(NOT TARGET ...), or find MKL once at the top."),
    _r("mkl-dfti-error", "MKL's FFT (DFTI) refused a descriptor",
       "DFTI said the configuration is inconsistent or invalid: a program's FFT settings that this MKL release rejects.",
       "Update the package that configures the FFT, or pin the MKL release it was tested with."),
    _r("mkl-cluster-needs-mpi", "MKL's BLACS layer is linked without an MPI library",
       "A link names MKL's BLACS or ScaLAPACK (for MPI programs) and no MPI: MPI's functions stay undefined.",
       "A serial build drops ScaLAPACK and BLACS; an MPI build links the MPI with the BLACS layer of that MPI."),
    _r("mkl-illegal-instruction", "The program stopped on an instruction the CPU does not have",
       "An illegal instruction: a setting (MKL_CBWR, MKL_ENABLE_INSTRUCTIONS), an MKL older than the CPU, or a build for another CPU.",
       "Unset the setting or use MKL_CBWR=COMPATIBLE; a newer MKL; rebuild without -march=native."),
    _r("mkl-service-missing", "Python has no module 'mkl': mkl-service is not installed",
       "The 'mkl' Python module is mkl-service's; the mkl package ships only MKL's libraries.",
       "Install mkl-service (or a release of the package that declares it)."),
    _r("mkl-service-failed", "numpy could not import mkl-service",
       "Its extension's DLLs were not found: on Windows most often a conda environment that was not activated.",
       "Start Python from the activated environment (or pick its interpreter in the editor)."),
    _r("mkl-cpu-deprecated", "MKL runs on a processor without AVX (SSE4.2 path deprecated)",
       "The CPU MKL sees has no AVX: on a Mac, an x86-64 environment under Rosetta 2.",
       "Use a native arm64 environment on Apple silicon; a VM with the host's CPU model."),
    _r("mkl-library-list-incomplete", "A configure script was given an MKL library list that cannot link",
       "The list lacks a layer, or the threading layer's runtime (libiomp5 for mkl_intel_thread): the link test fails.",
       "Give the three layers and the threading layer's runtime (or mkl_sequential)."),
    _r("configure-blas-rejected", "A configure script's link test rejected the MKL libraries it was given",
       "The list has MKL's layers, and the configure's own log holds the linker's reason.",
       "Read the link test in the configure's log."),
)
