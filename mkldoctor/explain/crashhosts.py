"""A crash as each host reports it, read for its cause: MKL's threading control called in the other language's convention
(MKL.jl#67), a Julia session with MKL and Python's numpy (MKL.jl#97, PyPlot.jl#280), R's own crash report (RRO#218),
Python's faulthandler in numpy's or scipy's linear algebra (scipy#11770). :mod:`mkldoctor.explain.crash` reads the
crash and its frames, and asks these for the finding.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mkldoctor.findings import Finding
from mkldoctor.knowledge.distribution import conda_blas

if TYPE_CHECKING:
    from mkldoctor.explain.crash import Crash


# MKL's threading controls in their Fortran spellings, which take their argument by reference: upper case, and lower case
# with or without the underscore (libmkl_rt exports mkl_set_num_threads at MKL_SET_NUM_THREADS's address; C's is
# MKL_Set_Num_Threads, which mkl.h's mkl_set_num_threads macro names): a count passed by value is read as an address
# (MKL.jl#67, libblastrampoline#32)
FORTRAN_SERVICE = re.compile(r"\b(?:MKL_(?:SET_NUM_THREADS(?:_LOCAL)?|DOMAIN_SET_NUM_THREADS|SET_DYNAMIC|GET_MAX_THREADS|"
                              r"SET_THREADING_LAYER|SET_INTERFACE_LAYER)|mkl_(?:set_num_threads(?:_local)?|domain_set_num_threads|"
                              r"set_dynamic|set_threading_layer|set_interface_layer)_?)\b")


# the environment variable that sets what each threading control sets
_SETTING = {"SET_NUM_THREADS": "MKL_NUM_THREADS=<n> (OMP_NUM_THREADS for the OpenMP layers)", "SET_DYNAMIC": "MKL_DYNAMIC=FALSE",
            "DOMAIN_SET_NUM_THREADS": "MKL_DOMAIN_NUM_THREADS=\"MKL_DOMAIN_BLAS=<n>\"", "SET_THREADING_LAYER":
            "MKL_THREADING_LAYER=<INTEL|GNU|TBB|SEQUENTIAL>", "SET_INTERFACE_LAYER": "MKL_INTERFACE_LAYER=<LP64|ILP64>"}


def service_by_value(crash: Crash, name: str, frames: list[str]) -> Finding:
    word = name.upper().removeprefix("MKL_").rstrip("_")  # SET_DYNAMIC
    c_name = "MKL_" + "_".join(part.capitalize() for part in word.split("_"))  # MKL_Set_Dynamic, as libmkl_rt exports it
    return Finding(
        "mkl-crash", "error",
        f"the program crashed in MKL's {name}: the Fortran spelling of MKL's threading control, which takes its argument "
        "by reference, called with the value itself",
        (crash.line, *frames,
         f"{name} is the Fortran interface (upper case, or lower case with or without a trailing underscore: the library "
         "exports the plain lower-case symbol at the Fortran entry's address): it reads its argument through a pointer. C's "
         f"is {c_name}, by value, which mkl.h's {c_name.lower()} macro names; a caller that binds the "
         "symbol by name (dlsym, ccall, a trampoline) and passes n makes MKL read address n (libblastrampoline before #32: "
         "Julia's BLAS.set_num_threads with MKL.jl, MKL.jl#67)"),
        (f"call the C spelling, {c_name}, or pass a pointer to the Fortran one: your own binding (ccall, ctypes, dlsym) "
         "looks that name up; Julia's BLAS.set_num_threads with MKL.jl needs a libblastrampoline that calls "
         "MKL_Set_Num_Threads (libblastrampoline#32, Julia 1.7)",
         *((f"meanwhile set it before the program starts: {_SETTING[word]}",) if word in _SETTING else ())),
        "MKL exports each service function in C's and Fortran's conventions under different spellings; binding one "
        "spelling with the other's arguments crashes at the first call.",
        ("nm -D <MKL's lib folder>/libmkl_rt.so* | grep -i ' mkl_set_num_threads'   # the spellings, and which share an address",),
    )



def julia_python(crash: Crash, python: list[str], built: bool = False) -> Finding:
    if built:  # Julia's own build is on MKL: no MKL.jl to update or load later
        said = (f"the session loaded {', '.join(python)}, which brings Python, numpy and numpy's BLAS into the process, and the "
                "crash's frames are in MKL's libraries with no `using MKL`: Julia's own BLAS is MKL (a Julia built from "
                "source with USE_INTEL_MKL=1), whose interface has 64-bit integers (ILP64) under the plain names (dgemm_, ...)",
                "numpy's BLAS passes 32-bit integers, and a call that reaches Julia's MKL reads half-integers: a crash or "
                "garbage (JuliaPy/PyPlot.jl#280)")
        fixes = ("use a Julia built with its default OpenBLAS (the official binaries), or Julia 1.7 or newer with MKL.jl, whose "
                 "libblastrampoline keeps Julia's ILP64 BLAS under 64_-suffixed names apart from numpy's",
                 "or give PyCall a Python whose numpy does not use the plain BLAS names Julia's MKL exports (rebuild PyCall with "
                 "ENV[\"PYTHON\"]=<it>), or run the Python part in its own process")
        title = (f"the Julia session crashed in MKL with {python[0]} loaded: Julia's own MKL (64-bit integers) and numpy's "
                 "32-bit BLAS share BLAS's names in one process")
    else:
        said = (f"the session loaded MKL (MKL.jl) and {', '.join(python)}, which brings Python, numpy and numpy's BLAS into the process",
                "MKL.jl before libblastrampoline 5 makes MKL's ILP64 interface (64-bit integers) Julia's BLAS under the plain "
                "names (dgemm_, ...); numpy's MKL or OpenBLAS passes 32-bit integers, and a call that reaches the other copy "
                "reads half-integers: a crash or garbage (JuliaLinearAlgebra/MKL.jl#97)")
        fixes = ("update MKL.jl and Julia (1.8 or newer): MKL.jl then forwards Julia's BLAS to MKL's 64_-suffixed ILP64 names "
                 "through libblastrampoline, and the plain names stay LP64 for Python",
                 f"or load {python[0]} before `using MKL` in the session (the plain names are bound to Python's BLAS first)",
                 "or leave MKL.jl out of sessions that use Python")
        title = (f"the Julia session crashed after using MKL and {python[0]}: MKL.jl's 64-bit-integer BLAS and Python's 32-bit "
                 "one share BLAS's names in one process")
    return Finding(
        "mkl-crash", "error", title, (crash.line, *said), fixes,
        "Julia's BLAS is ILP64 and Python's is LP64; the two can share a process only where their symbols differ.",
        ("julia -e 'using LinearAlgebra; BLAS.get_config()'   # which BLAS and interface Julia forwards to",),
    )


def julia_python_unseen(crash: Crash, python: list[str]) -> Finding:
    """A Julia session that loaded Python (PyPlot, PyCall) crashed with no frames printed (PyPlot.jl#385): Julia's BLAS
    and numpy's in one process is the cause its threads found, when Julia's own BLAS is MKL."""
    return Finding(
        "program-crashed", "error",
        f"the Julia session crashed after loading {python[0]}, with no frames: Julia's BLAS and Python's numpy BLAS in one "
        "process is the first suspect",
        (crash.line,
         f"{python[0]} brings Python, numpy and numpy's BLAS into Julia's process; where Julia's own BLAS exports the same "
         "plain names with 64-bit integers (a Julia built from source with USE_INTEL_MKL=1 or USE_BLAS64, MKL.jl before "
         "Julia 1.7), numpy's calls reach it with 32-bit integers and crash (PyPlot.jl#385 and #280)"),
        ("see Julia's BLAS: julia -e 'using LinearAlgebra; BLAS.get_config()' (versioninfo() on Julia 1.6 and older): "
         "MKL or an ILP64 library without 64_-suffixed names is this cause",
         "then use the official Julia binaries (OpenBLAS with 64_-suffixed names), or a Julia 1.7+ with MKL.jl, or give "
         "PyCall a Python whose numpy uses another BLAS",
         "a backtrace names the library: gdb -batch -ex run -ex bt --args julia <the script>, then mkldoctor explain it"),
        "Julia's BLAS is ILP64 and Python's is LP64; the two can share a process only where their symbols differ.",
        ("julia -e 'using LinearAlgebra; BLAS.get_config()'   # which BLAS and interface Julia forwards to",),
    )


# R's traceback's native call: 1: .C("lpslink", ...), .Call(C_foo, ...), .Fortran("dqrdc2", ...)
_R_NATIVE = re.compile(r"^\s*\d+: \.(?:C|Call|Fortran|External)\(\"?(?P<routine>[\w.]+)")


# Python's frames (faulthandler's "File ..., line N in f", a traceback's) in numpy's or scipy's linear algebra, or a test of it
PYTHON_LINALG = re.compile(r"\b(?:scipy|numpy)[/\\.](?:linalg|sparse[/\\.]linalg)\b[^\n]{0,120}")


def python_linalg(crash: Crash, frame: str) -> Finding:
    """A Python process that crashed in numpy's or scipy's linear algebra (scipy#11770: MKL's ?heevr under eigh's subset
    test): the BLAS and LAPACK those packages run is the first suspect; faulthandler shows no native frame."""
    return Finding(
        "program-crashed", "error",
        f"Python crashed ({crash.line[:80]}) in numpy's or scipy's linear algebra: the LAPACK or BLAS library they run is "
        "the first suspect (MKL in Anaconda's and Intel's builds)",
        (crash.line, f"the Python frames are in {frame.strip()[:120]}",
         "Python's faulthandler lists Python's frames only: the LAPACK routine that crashed (and whether it is MKL's) is in "
         "a native frame it does not show"),
        ("see which BLAS and LAPACK the process runs: python -m threadpoolctl -i numpy scipy (or numpy.show_config())",
         f"run the same code with another BLAS: an environment with conda install '{conda_blas('openblas')}' (or pip's numpy and "
         "scipy wheels, which bundle OpenBLAS): if it passes there, the crash is the LAPACK library's; with MKL, update "
         "it (conda update mkl), since MKL's own bugs in a routine are fixed in later releases",
         "the native frame: gdb -batch -ex run -ex bt --args python <the script> (a frame in libmkl_* names the routine), "
         "then mkldoctor explain that backtrace"),
        "A LAPACK routine that writes past an array it was given (an array sized by one reading of the specification) "
        "corrupts memory and aborts later; the library, not the Python code, decides.",
        ("MKL_VERBOSE=1 python <the script>   # MKL's last call before the crash, if MKL is the library",),
    )


def r_native(crash: Crash, blas: tuple[str, str] | None = None) -> Finding:
    """R's "*** caught segfault ***": the crash is in a package's compiled code; whether MKL is in it is R's BLAS's question,
    which ``blas`` answers where the log's sessionInfo() names MKL as R's BLAS or LAPACK (its line's kind and path)."""
    routine = next((m.group("routine")[:80] for line in crash.frames if (m := _R_NATIVE.match(line))), None)
    loading = any("tryLoadMKL(" in line for line in crash.frames)
    return Finding(
        "program-crashed", "error",
        f"R crashed in compiled code{f' ({routine})' if routine else ''}: "
        + ("in loading MKL as it started (Microsoft R Open's tryLoadMKL)" if loading
           else f"R's BLAS and LAPACK are MKL ({blas[1].rsplit('/', 1)[-1]}), which runs every BLAS call of that code" if blas
           else "the log does not name MKL; R's BLAS decides whether MKL runs in that call"),
        (crash.line,
         *((f"R's sessionInfo() says {blas[0]}: {blas[1]}",) if blas else ()),
         *((f"R's traceback names the native routine: {routine}, a package's C or Fortran code",) if routine else ()),
         *(("R's traceback is in tryLoadMKL's dyn.load: Microsoft R Open's RevoUtilsMath loading MKL's libraries as R starts, "
            "so the crash is in loading MKL (its libraries, or a library they need, of another build than that R's)",)
           if loading else ()),
         "an R whose BLAS and LAPACK are MKL (Microsoft R Open and Revolution R, or an R linked against MKL) runs every BLAS "
         "call of that code in MKL: a package that calls BLAS with arguments the reference BLAS forgives crashes there"),
        ("see which BLAS the R session runs: sessionInfo() (its 'Matrix products' and 'BLAS:' lines) or La_library()",
         "run the same call with R's reference BLAS (put R's own libRblas.so and libRlapack.so back in R_HOME/lib, or a CRAN "
         "R): if the crash goes away, report it to the package with that finding, and keep the reference BLAS for it until "
         "it is fixed",
         "a backtrace of the native frames: R -d gdb, then run, then bt after the crash: a frame in libmkl_* points at MKL"),
        "R catches a segmentation fault in compiled code and prints its own traceback of R calls; the native frames, and so "
        "the library, are not in it.",
        ("Rscript -e 'sessionInfo()' | grep -iE 'blas|lapack|mkl'   # the BLAS and LAPACK R runs",),
    )


# glibc's allocator stopping on a heap it found damaged: its words (crash._CRASH reads them as the crash), or gdb's frame 0 in
# its internals with no signal line (intel/caffe#280: "#0  _int_malloc (av=...)" under mkl_serv_malloc in MKL-ML)
HEAP_FRAME = r"^#0\s+(?:0x[0-9a-f]+ in )?(?:_int_(?:malloc|free|realloc)|malloc_consolidate|unlink_chunk|malloc_printerr) \("
# glibc's own words for it (crash._CRASH reads a line that starts with them as the crash)
HEAP_WORDS = (r"(?:double free or corruption|free\(\): (?:invalid|double free)|munmap_chunk\(\): invalid|"
              r"corrupted size vs\. prev_size|malloc\(\): (?:memory corruption|corrupted))")
HEAP = re.compile(rf"(?m){HEAP_FRAME}|{HEAP_WORDS}")


def heap_damaged(crash: Crash, frames: list[str]) -> Finding:
    """glibc's allocator found its heap damaged while MKL allocated or freed: MKL's call is where it was noticed."""
    allocator = any(re.search(r"\bmkl_serv_\w*(?:alloc|free)\w*|\bmkl_(?:malloc|calloc|realloc|free)\b", f) for f in frames)
    return Finding(
        "heap-damaged-in-mkl-call", "error",
        "the heap was found damaged during MKL's " + ("allocation or release of memory" if allocator else "call") + ": glibc's "
        "allocator stopped on memory written out of bounds earlier, or freed twice; MKL is where it was noticed",
        (crash.line, *frames,
         "glibc checks its heap's bookkeeping when memory is allocated or freed: a write past the end of a buffer (an array "
         "smaller than the sizes and leading dimensions MKL was given, a workspace shorter than lwork says) or a double "
         "free damages it, and the next allocation, often MKL's own, is where it stops"),
        ("find the first bad write: valgrind --tool=memcheck <the program> (or build with -fsanitize=address), with "
         "MKL_DISABLE_FAST_MM=1 so that MKL allocates and frees each buffer itself, not from its own pool",
         "check each array handed to MKL against the sizes the call is told (m, n, lda, ldb, lwork; 64-bit sizes with an "
         "ILP64 interface), and that memory from mkl_malloc is released with mkl_free and malloc's with free",
         "for one run: MALLOC_CHECK_=3 <the program>   # glibc stops at the first damaged block it meets"),
        "A damaged heap is found only by the next call that allocates or frees; that call's library, MKL here, is seldom the "
        "one that damaged it.",
        ("MKL_DISABLE_FAST_MM=1 valgrind <the program> 2>&1 | grep -m5 -A12 'Invalid write'   # where the heap was damaged",),
    )
