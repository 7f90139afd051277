"""OMP: Error #15's advice: which runtime to keep, as each platform's packages lay them out (:mod:`runtime` reads the
line and makes the finding).

Two OpenMP runtimes in one process (Intel's libiomp5, LLVM's libomp, a second copy of either) each keep their own
threads, so the second one to start stops the process. The two are one ABI, so one can serve both: a package's own copy
replaced by a link to the other, a build pointed at the runtime MKL brings, or packages built on one runtime.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mkldoctor.explain.context import Context
from mkldoctor.knowledge import broken, recipes
from mkldoctor.knowledge.distribution import conda_blas

if TYPE_CHECKING:
    from mkldoctor.explain.runtime import OmpDuplicate


def in_matlab(event: OmpDuplicate, ctx: Context) -> tuple[str, ...]:
    """MATLAB loads Intel's runtime for its own MKL before any MEX or binding: the other runtime is the one to drop
    (robotology/idyntree#1109: conda's OpenMP-threaded OpenBLAS brought LLVM's libomp into MATLAB)."""
    intel = next((n for n in (event.already, event.library) if "iomp5" in n), None)
    if intel is None or event.library == event.already or not any("matlab" in p.lower() for p in ctx.places):
        return ()
    other = event.library if intel == event.already else event.already
    return (f"the process is MATLAB's, which loads Intel's runtime ({intel}) for its own MKL first: keep that one and drop "
            f"{other} from what the MEX file or binding brings: a BLAS built without OpenMP for it (conda: "
            f"{recipes.conda_install(recipes.q(conda_blas('netlib')))}) or one on Intel's runtime ({conda_blas('mkl')})",)


_WHEEL_COPY = re.compile(r"/site-packages/(?P<package>[^/]+?)(?:\.libs)?/(?:[^/]+/)*(?:libiomp5|libomp|libgomp)[\w.-]*\.(?:dylib|so[.\d]*)$")


def vendored(ctx: Context) -> tuple[str, ...]:
    """The log lists each wheel's own copy of the runtime (faster-whisper#541: torch/.dylibs and ctranslate2/.dylibs):
    pip wheels that each bundle one, which conda's advice does not reach; a link makes one copy serve both."""
    copies: dict[str, str] = {}
    for path in ctx.places:
        found = _WHEEL_COPY.search(path)
        if found and found["package"] not in copies:
            copies[found["package"]] = path
    if len(copies) < 2:
        return ()
    (first, kept), *others = copies.items()
    return (f"the pip wheels of {', '.join(copies)} each bundle their own copy of the runtime: make the copy of {first} "
            f"serve all (faster-whisper#541): "
            + "; ".join(f"ln -sf {recipes.q(kept)} {recipes.q(path)}" for _, path in others)
            + " (again after each upgrade of those packages), or import only one of them in a process",)


# MKL in a plugin of a host that loads its own copy of Intel's runtime (TD_Custom_FFT's notes: TouchDesigner's libiomp5md.dll)
SEQUENTIAL = ("MKL in a plugin or library of a program that brings its own copy of the runtime: let MKL load none, with its "
              "sequential layer: mkl_set_threading_layer(MKL_THREADING_SEQUENTIAL) (MKL_Set_Threading_Layer) before MKL's first "
              "call, or MKL_THREADING_LAYER=SEQUENTIAL in the program's environment (libmkl_rt), or link mkl_sequential; and "
              "ship no copy of the runtime beside the plugin")


def _either(event: OmpDuplicate, test) -> str | None:
    """The one of the two runtimes the message names that passes ``test``, or None."""
    return next((n for n in (event.library, event.already) if test(n)), None)


FRAMES_SAID = "(a crash report's frames)"  # OmpDuplicate's library where only the frames of the runtime's check said it


def said(event: OmpDuplicate) -> tuple[str, tuple[str, ...]]:
    """The finding's title and its first evidence: OMP Error #15's words, or a crash report's frames of its check."""
    if event.library == FRAMES_SAID:  # AMICI#1270: macOS's crash report
        return ("an OpenMP runtime stopped at its start, having found another copy of itself in the process (the check of "
                "OMP Error #15)",
                ("the crash report's frames: __kmp_fatal under __kmp_register_library_startup, the runtime's check at its "
                 "start that stops at a second copy registered in the process (OMP Error #15, whose message the report does "
                 "not show)",))
    static = _either(event, lambda n: n.endswith(".a"))
    return ((f"two copies of {event.library} in one process" if event.library == event.already else
             f"two OpenMP runtimes in one process: {event.library} and {event.already}"),
            (f"OMP: Error #15: {event.library} initialised while {event.already} already was",
             *((f"{static} is the runtime's static archive: a library of the process (a MEX file, an extension, a plugin) "
                "was linked with its own copy inside, which starts beside the shared runtime the host loaded",) if static else ())))


def _static(event: OmpDuplicate) -> tuple[str, ...]:
    """A copy linked statically into a module (mmc#89: MMCLAB's MEX with libomp.a, in MATLAB with its libomp.dylib)."""
    static = _either(event, lambda n: n.endswith(".a"))
    if static is None:
        return ()
    shared = event.already if static == event.library else event.library
    return (f"link the module that carries {static} against the shared runtime instead ({shared}: -fopenmp without the "
            "static archive, or -lomp / -liomp5 from the host's own folder), or take a build of it made so; the host then "
            "serves both (mmc#89: a MEX on Apple silicon's MATLAB)",)


def fixes(event: OmpDuplicate) -> tuple[str, ...]:
    """Keeping one OpenMP runtime, as each platform's packages lay them out."""
    if static := _static(event):
        return static
    two = event.library != event.already
    llvm = _either(event, lambda n: n.lower().startswith("libomp1") and n.lower().endswith(".dll"))
    if llvm:  # Visual C++'s LLVM runtime beside the environment's (faiss-cpu < 1.12, scio PR #20; clang-cl, pinocchio#2440)
        other = event.already if llvm == event.library else event.library
        return (f"{llvm} is LLVM's OpenMP runtime as Visual Studio ships it (/openmp:llvm, clang-cl's -fopenmp): a wheel "
                "built with it carries its own copy (faiss-cpu's Windows wheels before 1.12: faiss-wheels#73), and a build "
                "with clang-cl links Visual Studio's libomp.lib; the environment brings " + other + " (MKL's or torch's): "
                f"find what loads {llvm} (where /r <the environment's folder> {llvm}) and upgrade that package to a release "
                "without it (python -m pip install \"faiss-cpu>=1.12\"), or build against the environment's OpenMP "
                "(CMake: OpenMP_ROOT=<env>\\Library) instead of Visual Studio's",
                f"or the other side: find the copies of {other} (where /r <the environment's folder> {other}); one that a "
                "package or a portable bundle carries for itself, with no MKL beside it to need it, can be renamed away "
                "(JamePeng/llama-cpp-python#163: ComfyUI's extra libiomp5md.dll)",
                "or keep the two apart: import only one of the packages in a process (a separate worker), or choose "
                "another backend of the package that brings it")
    if two and _either(event, lambda n: n.lower() == "libomp.dll"):  # conda's llvm-openmp beside Intel's (psi4's CI notes)
        return ("libomp.dll is LLVM's OpenMP runtime as conda's llvm-openmp package ships it: the program or a package was "
                "linked against it (CMake's FindOpenMP took LLVM's libomp.lib) while MKL's threading layer loads Intel's "
                "libiomp5md.dll: link the program's OpenMP to Intel's runtime (CMake: -DOpenMP_CXX_LIB_NAMES=libiomp5md "
                "-DOpenMP_libiomp5md_LIBRARY=<the folder of libiomp5md.lib>\\libiomp5md.lib, or OpenMP_LIBRARY_DIRS), the "
                "two are one ABI",
                "or keep llvm-openmp out of the environment (conda list llvm-openmp shows it: the package that depends on it, or "
                "its variant built on intel-openmp); a wheel may bring its own libiomp5md.dll as well (ctranslate2's): where /r "
                "<the environment's folder> libiomp5md.dll lists every copy",
                "or a threading layer of MKL that loads no OpenMP runtime, with mkl_rt: MKL_THREADING_LAYER=TBB (oneTBB's "
                "tbb12.dll beside MKL's DLLs; winOCR's notes) or SEQUENTIAL, set before the first import that loads MKL")
    if two and _either(event, lambda n: n.startswith("libomp.so")):  # mxnet#17641: its own libomp, libmkl_rt's libiomp5
        return ("libomp.so is LLVM's OpenMP runtime (clang's -fopenmp, a project's own copy built from its 3rdparty/openmp, "
                "conda's llvm-openmp) and libiomp5.so Intel's, which MKL's intel_thread layer loads (libmkl_rt's default): "
                "the two are one ABI, so link the program's OpenMP to Intel's, -liomp5 in place of -lomp (CMake: "
                "-DOpenMP_CXX_LIB_NAMES=iomp5 -DOpenMP_iomp5_LIBRARY=<MKL's lib>/libiomp5.so), or build without the "
                "bundled copy (mxnet#17641: its 3rdparty/openmp left out)",
                "or keep Intel's runtime out: MKL_THREADING_LAYER=SEQUENTIAL (libmkl_rt), or MKL linked with mkl_sequential")
    if event.library.endswith(".dll"):
        return ("find every copy the process can load: where /r <the environment's folder> libiomp5md.dll (conda: "
                "<env>\\Library\\bin; pip wheels: a package's own folder, such as site-packages\\torch\\lib)",
                *(r.advice for r in broken.known("openmp-duplicate", "windows")),
                "keep one: remove or rename the copy a package ships for itself, so that the environment's serves all, or do not "
                "mix pip wheels that bundle their own runtime with conda's intel-openmp",
                "a conda environment's program started without conda activate (a shortcut, a .bat, an editor's runner): "
                "Windows then finds libiomp5md.dll on PATH (another install's copy) beside the one the environment's "
                "packages load: start it from the activated environment (deforum-art/stable-diffusion#128)", SEQUENTIAL,
                "a conda-forge environment's libraries loaded into a program with its own runtime (MATLAB's MEX files): give "
                "the environment a BLAS without MKL, so that no libiomp5md.dll comes with it: conda install "
                "\"libblas=*=*openblas\" (or *netlib: robotology-superbuild's FAQ)")
    if event.library.endswith(".dylib") or event.already.endswith(".dylib"):
        return (f"two copies of {event.library}: conda's intel-openmp (under MKL's numpy, scipy, scikit-learn) and a copy "
                "another package ships for itself (TensorFlow's, xgboost's, a pip wheel's in its own folder): conda install "
                "nomkl (conda's builds without MKL, which load no Intel runtime), or take the packages from one source, "
                "conda's alone or pip's wheels alone (pip uninstall the ones that came from the other, conda clean -p, and "
                "install again)"
                if event.library == event.already and event.library.startswith("libiomp5") else
                "Intel's runtime (conda's intel-openmp, under MKL) and LLVM's libomp (PyTorch's, Homebrew's) are both loaded: "
                "use packages built on one runtime (conda's nomkl variants with libomp, or an environment without conda's MKL)",
                "find which packages bring each: DYLD_PRINT_LIBRARIES=1 python -c 'import numpy, torch' 2>&1 | grep omp",
                "a package that ships its own copy beside a host's runtime (R's torch package and its libiomp5.dylib beside "
                "the libomp.dylib of R 4.4's own lib folder, r-sig-mac 2024-11): the two are one ABI, so let the one already "
                "loaded serve both: ln -sfn <the libomp.dylib loaded first> <the package's libiomp5.dylib>",
                "a program or extension you build: CMake's FindOpenMP takes Homebrew's libomp while MKL brings libiomp5: point "
                "the build's OpenMP at MKL's runtime (-DOpenMP_libomp_LIBRARY=<MKL's lib folder>/libiomp5.dylib, as "
                "intel-extension-for-pytorch's FindOMP does), so one runtime is linked",
                *(r.advice for r in broken.known("openmp-duplicate", "macos")))
    copies = (("two packages each bring a copy (a wheel's own folder: TensorFlow's _solib_local, torch/lib, a <package>.libs; "
               "the environment's lib; the system's): list them: LD_DEBUG=files python -c 'import <the imports that abort>' "
               f"2>&1 | grep {event.library.split('.')[0]}",
               "keep one: replace the copy a package ships for itself with a link to the other (ln -sf <the other copy> <the "
               "package's copy>), or take the packages from one source (one conda channel, or pip wheels only)")
              if event.library == event.already else ())
    return (*copies, *((SEQUENTIAL,) if copies else ()),
            "link exactly one OpenMP runtime: with MKL's intel_thread only libiomp5 (drop -lgomp/-fopenmp), with gnu_thread only libgomp",
            "with libmkl_rt: export MKL_THREADING_LAYER=GNU when the program already uses libgomp")


# the copies a process loaded, with their folders: the clash let through for this one listing only
WINDOWS_COPIES = ("set KMP_DUPLICATE_LIB_OK=TRUE && python -c \"import <the imports that abort>, psutil; print([m.path for m in "
                   "psutil.Process().memory_maps() if 'iomp' in m.path.lower()])\"   # every libiomp5md.dll loaded, with its folder")
