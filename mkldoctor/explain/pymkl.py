"""MKL's Python module and MKL's own warnings as Python programs print them.

``ModuleNotFoundError: No module named 'mkl'``: the Python module ``mkl`` is mkl-service's (IntelPython/mkl-service),
not the ``mkl`` package's, which ships only the libraries (IntelPython/mkl_fft#152: mkl_fft imported it without
declaring the dependency). numpy's ``UserWarning: mkl-service package failed to import``: the mkl-service extension
did not load, on Windows most often because the conda environment was not activated, so its DLL folder is not on
PATH (numpy#15588). ``Intel MKL WARNING: Support of ... SSE4.2 ... enabled only processors has been deprecated``:
the processor MKL runs on reports no AVX; on a Mac, an x86-64 environment under Rosetta 2 (ContinuumIO/anaconda-issues#13236).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes
from mkldoctor.knowledge.distribution import conda_blas


# mkl-service's module, as ``dir(mkl)`` lists it (mkl-service 2.8.0, the pinned pywheels): what a script may call
SERVICE_API = ("cbwr_get", "cbwr_get_auto_branch", "cbwr_set", "disable_fast_mm", "domain_get_max_threads",
               "domain_set_num_threads", "dsecnd", "enable_instructions", "free_buffers", "get_clocks_frequency",
               "get_cpu_clocks", "get_cpu_frequency", "get_dynamic", "get_env_mode", "get_max_cpu_frequency", "get_max_threads",
               "get_num_stripes", "get_version", "get_version_string", "mem_stat", "peak_mem_usage", "second", "set_dynamic",
               "set_env_mode", "set_memory_limit", "set_mpi", "set_num_stripes", "set_num_threads", "set_num_threads_local",
               "thread_free_buffers", "verbose", "vml_clear_err_status", "vml_get_err_status", "vml_get_mode",
               "vml_set_err_status", "vml_set_mode")
_RUNTIMES = {"libiomp": "Intel's libiomp (MKL's threading layer's, from intel-openmp or MKL's own wheels)",
             "libgomp": "GNU's libgomp (a package built with gcc; PyTorch's wheels carry a copy)",
             "libomp": "LLVM's libomp (a package built with clang: PyTorch's on macOS, conda-forge's llvm-openmp)",
             "vcomp": "Microsoft's vcomp (a package built with MSVC: scikit-learn's on Windows)"}
_NO_ATTRIBUTE = re.compile(r"AttributeError: module 'mkl' has no attribute '(?P<name>\w+)'")


@dataclass(frozen=True, slots=True)
class PyMklSaid:
    kind: str  # "module", "service", "sse42"
    line: str
    name: str = ""


SIGNATURES = (
    Signature("python-no-module-mkl", "pymkl", "No module named",
              re.compile(r"No module named (?P<q>'?)(?P<name>mkl(?:\._\w+)?)(?P=q)(?![\w.])"),  # Python 2's without quotes
              lambda m, _: PyMklSaid("module", m.string.strip(), m.group("name"))),
    Signature("numpy-mkl-service-failed", "pymkl", "ailed",
              re.compile(r"mkl-service package failed to import"), lambda m, _: PyMklSaid("service", m.string.strip())),
    # Python's import of a module named mkl that imports itself: "cannot import name '_mklinit' from partially initialized
    # module 'mkl' (most likely due to a circular import) (/home/u/mkl.py)": the user's own mkl.py, not mkl-service
    Signature("python-mkl-partially-initialized", "pymkl", "annot import name",
              re.compile(r"cannot import name '(?P<name>\w+)' from partially initialized module 'mkl' \(most likely due to a "
                         r"circular import\)(?: \((?P<file>.*)\))?\s*$"),  # the file's path may hold a parenthesis
              lambda m, _: PyMklSaid("shadowed", m.string.strip()[:300], m.group("file") or "")),
    # sparse_dot_mkl's check before it calls MKL (flatironinstitute/sparse_dot#6): MKL_INT is 32-bit under MKL's LP64 layer
    Signature("sparse-dot-mkl-int32", "pymkl", "annot hold",
              re.compile(r"MKL interface is <class 'numpy\.int32'> and cannot hold (?:matrix|the)"),
              lambda m, _: PyMklSaid("lp64", m.string.strip())),
    # threadpoolctl's warning (scikit-learn, numpy users): "Found Intel OpenMP ('libiomp') and LLVM OpenMP ('libomp') loaded at"
    Signature("threadpoolctl-mixed-openmp", "pymkl", "OpenMP (",
              re.compile(r"Found (?:Intel|LLVM|GNU) OpenMP \('(?P<a>\w+)'\) and (?:Intel|LLVM|GNU) OpenMP \('(?P<b>\w+)'\)"),
              lambda m, _: PyMklSaid("mixed", m.string.strip(), f"{m.group('a')}, {m.group('b')}")),
    # threadpoolctl's report of the runtimes a process loaded (python -m threadpoolctl -i, its JSON; sklearn.show_versions()'s
    # "threadpoolctl info:" block): one line per library, its prefix a runtime's (libiomp, libgomp, libomp, vcomp)
    *(Signature(f"threadpoolctl-openmp-prefix-{i}", "pymkl", needle,
                re.compile(r"^\s*\"?prefix\"?:\s*\"?(?P<name>libiomp|libgomp|libomp|vcomp)\b"),
                lambda m, _: PyMklSaid("prefix", m.string.strip(), m.group("name")))
      for i, needle in enumerate(('"prefix": "', "prefix: "))),
    # scikit-learn's own warning (ReEDS PR #100), which a logger may print at ERROR level
    Signature("sklearn-kmeans-mkl-leak", "pymkl", "memory leak",
              re.compile(r"KMeans is known to have a memory leak on Windows with MKL"), lambda m, _: PyMklSaid("kmeans", m.string.strip())),
    # MKL's notices for old instruction sets (libmkl_core's strings): SSE4.2-only processors, AVX-only ones (MKL 2023,
    # cmake's FindPython commit df551ee5: printed on stdout, it broke the NumPy probe), SSE4.2 code to be replaced by SSE2
    Signature("mkl-isa-deprecated", "pymkl", "MKL WARNING",
              re.compile(r"MKL WARNING: (?:Support of Intel\(R\) (?P<isa>Streaming SIMD Extensions 4\.2|Advanced Vector)|"
                         r"Intel\(R\) Streaming SIMD Extensions 4\.2 \(Intel\(R\) SSE4\.2\) instructions has been deprecated|"
                         r".{0,80}?SSE4\.2.{0,80}?deprecated)"),  # a page's cut of either ("... SSE4.2 ... deprecated")
              lambda m, _: PyMklSaid("avx" if m["isa"] == "Advanced Vector" else "sse42", m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    said = {e.kind: e for e in events.of(PyMklSaid)}
    runtimes = list(dict.fromkeys(e.name for e in events.of(PyMklSaid) if e.kind == "prefix"))
    if len(runtimes) > 1 and "mixed" not in said:  # threadpoolctl's list of loaded libraries names two OpenMP runtimes
        said["mixed"] = PyMklSaid("mixed", f"threadpoolctl lists OpenMP runtimes with the prefixes {', '.join(runtimes)}",
                                  ", ".join(runtimes))
    if "module" in said:
        e = said["module"]
        out.append(Finding(
            "mkl-service-missing", "error", f"Python has no module '{e.name}': it is mkl-service's, which is not installed",
            (e.line, "the Python module 'mkl' (mkl.get_max_threads, mkl.set_num_threads) comes with the mkl-service package; "
                     "the 'mkl' package on PyPI and conda ships MKL's libraries only, no Python module"),
            (f"install it: {recipes.pip_install('mkl-service')} (conda: {recipes.conda_install('mkl-service')})",
             "a package that imports mkl without declaring mkl-service (mkl_fft before 1.3.14): upgrade it, or install "
             "mkl-service beside it"),
            "MKL's Python packages are split: mkl (the libraries), mkl-service (the 'mkl' module that sets MKL's threads and "
            "layers at run time), mkl_fft, mkl_random.",
        ))
    if "service" in said:
        e = said["service"]
        windows = "\\" in e.line
        out.append(Finding(
            "mkl-service-failed", "error" if windows else "warning",
            "numpy could not import mkl-service: its extension did not load" + (
                " (on Windows most often a conda environment that was not activated)" if windows else ""),
            (e.line[:300], "numpy's MKL build imports mkl-service first to set MKL's threading layer; its failure means the "
                           "extension's DLLs (MKL's, in the environment's Library\\bin) were not found"),
            ("activate the environment before starting Python: conda activate <env> (an editor's runner that starts "
             "python.exe directly, VS Code's Code Runner among them, skips it: pick the environment's interpreter in the "
             "editor, or run from an activated terminal)",
             "or CONDA_DLL_SEARCH_MODIFICATION_ENABLE=1 for conda's Python to find the environment's DLLs unactivated",
             "check: python -c \"import mkl; print(mkl.get_version_string())\" in the same way the program is started"),
            "conda's Python on Windows finds an environment's DLLs through the PATH its activation sets.",
        ))
    if "attribute" in said:
        out.append(_no_attribute(said["attribute"]))
    if "shadowed" in said:  # the file Python took: the error's own, or a traceback's frame of a file named mkl.py
        e = said["shadowed"]
        frame = next((p for p in ctx.places if re.search(r"(?:^|[/\\])mkl\.py$", p)), "") if not e.name else e.name
        out.append(_shadowed(replace(e, name=frame)))
    if "lp64" in said:
        e = said["lp64"]
        out.append(Finding(
            "mkl-lp64-too-small", "error",
            "sparse_dot_mkl refuses the matrix: MKL runs its LP64 interface, whose 32-bit integers cannot index that many "
            "stored elements (more than 2**31 - 1)",
            (e.line[:300], "sparse_dot_mkl asks libmkl_rt which interface it runs and passes MKL_INT of that width; LP64 (the "
                           "default) is 32-bit, ILP64 64-bit"),
            ("export MKL_INTERFACE_LAYER=ILP64 before Python starts (sparse_dot_mkl then passes 64-bit indices); only where "
             "nothing else in the process calls the same libmkl_rt with 32-bit integers (numpy and SciPy on conda's MKL do: "
             "their LAPACK calls then fail with 'Parameter N was incorrect')",
             "or split the product into blocks of rows, each with fewer than 2**31 - 1 stored elements"),
            "MKL's LP64 and ILP64 interfaces differ in the width of every integer argument; libmkl_rt picks one per process "
            "(MKL_INTERFACE_LAYER or mkl_set_interface_layer).",
        ))
    if "mixed" in said:
        e = said["mixed"]
        gnu = "libiomp" in e.name and "libgomp" in e.name
        out.append(Finding(
            "openmp-runtimes-mixed", "warning",
            f"two OpenMP runtimes are loaded in one Python process ({e.name}): "
            + ("each starts its own threads (too many for the cores), and MKL's Intel layer beside GNU's runtime is the "
               "pair mkl-service refuses" if gnu else "known to crash or deadlock on Linux"),
            (e.line[:300], "threadpoolctl found " + " and ".join(_RUNTIMES.get(n, n) for n in e.name.split(", "))
             + " loaded side by side; each keeps its own thread pool"),
            (*(("MKL on GNU's runtime, one pool: MKL_THREADING_LAYER=GNU before Python starts (MKL's libmkl_rt then loads "
                "its gnu_thread layer on libgomp)",) if gnu else ()),
             "see which package brought each: python -m threadpoolctl -i numpy scipy sklearn (prints every runtime with its "
             "file), or threadpoolctl.threadpool_info() in the program",
             "keep one runtime: take the packages from one source (one conda channel; conda-forge's llvm-openmp also stands "
             "in for libiomp5, so its MKL runs on it), or run MKL on no OpenMP: MKL_THREADING_LAYER=SEQUENTIAL",
             f"a conda environment whose BLAS resolved to MKL ({conda_blas('mkl')}, which brings intel-openmp): switch its BLAS to "
             f"OpenBLAS, {recipes.conda_install(recipes.q(conda_blas('openblas')))}, and pin it (an installer's "
             "conda-meta/pinned: mne-installers#201)"),
            "OpenMP runtimes export the same omp_* names (Intel's and LLVM's export GNU's GOMP_* ones too); two in one process "
            "each start their own threads, and code built for one may call the other.",
        ))
    if "kmeans" in said:
        e = said["kmeans"]
        out.append(Finding(
            "sklearn-kmeans-mkl-leak", "warning",
            "scikit-learn's KMeans warns of its memory leak on Windows with MKL: a warning, not a failure",
            (e.line[:300], "scikit-learn checks its own OpenMP (Microsoft's vcomp) beside an MKL BLAS on Windows and warns "
                           "that KMeans then leaks memory when it has fewer chunks of work than threads"),
            ("set OMP_NUM_THREADS=1 before the program starts (or threadpoolctl's threadpool_limits(1) around the call), as "
             "the warning says, or take NumPy and SciPy on OpenBLAS "
             f"({recipes.conda_install(recipes.q(conda_blas('openblas')))}) where the leak matters",
             "where the run is short and memory is not an issue, silence it: warnings.filterwarnings('ignore', "
             "message='KMeans is known to have a memory leak')"),
            "Two OpenMP runtimes (scikit-learn's vcomp, MKL's libiomp5md) in one process on Windows make KMeans' workers "
            "keep memory; scikit-learn says so once per run.",
        ))
    quiet = ("a tool that reads the program's output breaks on the notice, which MKL prints on stdout (CMake's FindPython "
             "probe of NumPy until its fix): MKL_ENABLE_INSTRUCTIONS=SSE4_2 for that run keeps MKL quiet (CMake sets it so)")
    if "sse42" in said:
        e = said["sse42"]
        out.append(Finding(
            "mkl-cpu-deprecated", "warning", "MKL runs on a processor without AVX: its SSE4.2 code path is deprecated",
            (e.line[:300], "the processor MKL sees reports no AVX; on a Mac that is an x86-64 (osx-64) environment running "
                           "under Rosetta 2, which emulates no AVX before macOS 15; MKL 2025.0 and newer stop there"),
            ("Apple silicon: use a native arm64 environment (conda's osx-arm64 packages, no MKL: Accelerate or OpenBLAS), "
             "not CONDA_SUBDIR=osx-64 or an x86-64 installer",
             "a virtual machine: give it the host's CPU model (-cpu host), which has AVX",
             "an old CPU: pin MKL before 2025.0, or another BLAS", quiet),
            "MKL warns that its SSE4.2-only path is deprecated when the CPU it sees lacks AVX.",
        ))
    if "avx" in said:
        e = said["avx"]
        out.append(Finding(
            "mkl-cpu-deprecated", "warning", "MKL runs on a processor with AVX but no AVX2: it uses its SSE4.2 code instead",
            (e.line[:300], "the processor MKL sees reports AVX and not AVX2 (Sandy Bridge and Ivy Bridge, a virtual machine's "
                           "or Rosetta 2's CPU model); MKL announces that it no longer runs AVX-only code"),
            (quiet, "a virtual machine: give it the host's CPU model (-cpu host), which may have AVX2",
             "results are right either way: the notice only says which code path runs"),
            "MKL warns when it falls back from a deprecated instruction set; the warning is not an error.",
        ))
    return out


def no_attribute(m: re.Match) -> PyMklSaid | None:
    """``AttributeError: module 'mkl' has no attribute 'set_num_threads'`` (toolcrash hands it here), else None; the same
    of a module 'mkl' partially initialized: a script named mkl.py that imports mkl, itself."""
    if "partially initialized module 'mkl'" in m.string and "circular import" in m.string:
        return PyMklSaid("shadowed", m.string.strip()[:300])
    found = _NO_ATTRIBUTE.search(m.string)
    return PyMklSaid("attribute", m.string.strip()[:300], found["name"]) if found else None


def _shadowed(e: PyMklSaid) -> Finding:
    """Python took a module named mkl that imports itself: a script or file of the user's own, named mkl.py."""
    own = not e.name or not re.search(r"[/\\]site-packages[/\\]|[/\\]dist-packages[/\\]", e.name)
    mine = e.name or "a file named mkl.py"
    return Finding(
        "mkl-module-not-mkl-service", "error",
        f"Python imported {mine if own else e.name} as 'mkl', and it imports itself: "
        + ("a file of your own named mkl, not mkl-service" if own else "mkl-service's own import failed part way"),
        (e.line, f"the module 'mkl' Python found first is {mine}, which is not mkl-service's package (site-packages/mkl/): "
                 "a script named mkl.py, or one in the folder Python runs in, is imported by 'import mkl' (its own, or a "
                 "library's such as numpy's check for mkl-service), and imports itself" if own else
         "mkl-service's package imported part of itself before it was whole: an installation of it that is incomplete or "
         "mixed between two releases"),
        ((f"rename {mine} (and delete the __pycache__ beside it): a script must not share a package's name; the check "
          "below prints the file Python takes",) if own else
         (f"reinstall mkl-service: {recipes.pip_install('mkl-service')} --force-reinstall (conda: conda install "
          "--force-reinstall mkl-service)",)),
        "Python imports the first 'mkl' on sys.path, whose first entry is the script's own folder; a file named mkl.py there "
        "stands in for mkl-service.",
        ("python -c \"import mkl; print(mkl.__file__)\"   # from the folder the program runs in",),
    )


def _no_attribute(e: PyMklSaid) -> Finding:
    check = ("python -c \"import mkl; print(getattr(mkl, '__file__', None), list(getattr(mkl, '__path__', [])))\"   # "
             "the module Python took: mkl-service's file, or a folder")
    if e.name in SERVICE_API:  # mkl-service has it: the module imported is not mkl-service's
        return Finding(
            "mkl-module-not-mkl-service", "error",
            f"the module 'mkl' Python imported has no {e.name}: it is not mkl-service's, which has it",
            (e.line, "a folder named mkl on sys.path (the folder Python runs in, such as oneAPI's /opt/intel/oneapi, which "
                     "holds mkl/; a project's own mkl folder) imports as an empty namespace package, before or instead of "
                     "mkl-service; or mkl-service is not installed and such a folder is all there is"),
            ("run from another folder, or rename the folder named mkl that Python took (the check below prints it)",
             f"and install mkl-service where it is missing: {recipes.pip_install('mkl-service')} (conda: "
             f"{recipes.conda_install('mkl-service')})"),
            "Python imports the first 'mkl' on sys.path; a folder without __init__.py becomes a namespace package with no "
            "functions, and mkl-service's module is never reached.",
            (check,),
        )
    hint = ("MKL's threading layer and interface are chosen by MKL_THREADING_LAYER and MKL_INTERFACE_LAYER in the "
            "environment before the process first calls MKL (mkl-service reads them at import), not by a function"
            if re.search(r"layer|interface", e.name) else f"mkl-service's functions: {', '.join(SERVICE_API[:12])}, ...")
    return Finding(
        "mkl-service-no-such-function", "error", f"mkl-service has no function {e.name}",
        (e.line, hint),
        ("call one that mkl-service has (python -c \"import mkl; print(dir(mkl))\" lists them): set_num_threads, "
         "domain_set_num_threads, get_version_string, ...",
         "a threading layer or interface: export MKL_THREADING_LAYER=<INTEL|GNU|TBB|SEQUENTIAL> (and MKL_INTERFACE_LAYER) "
         "before Python starts"),
        "mkl-service exposes MKL's service functions (threads, memory, CNR, VML modes); what MKL decides at load time is "
        "set in the environment.",
        (check,),
    )
