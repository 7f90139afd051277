"""Symbol lookup errors at run time (``FILE: undefined symbol: S``, as the loader or a host prints them): which
library lacks the name, and why: an OpenMP runtime not loaded, a BLAS routine no library of the process defines
(:mod:`blasnames`), one of MKL's internal names or oneMKL's C++ names (:mod:`prebuilt`, :mod:`syclnames`), a release
older than the export table or one that dropped the name, a conda base environment's MKL first. :mod:`hosts` reads
the lines; this module explains them."""

from __future__ import annotations

import os
import re

from mkldoctor.findings import Finding
from mkldoctor.binary.dynamic import read_dynamic
from mkldoctor.explain.events import UNNAMED, Parsed
from mkldoctor.explain.wording import MAX_LISTED, q
from mkldoctor.inventory.install import label
from mkldoctor.knowledge import facts as knowledge
from mkldoctor.knowledge import blacs, exports, folders, layout, recipes
from mkldoctor.knowledge.places import conda_env_of, is_conda, package_of, python_prefix, release_in
from mkldoctor.verdicts import missing_symbol
from mkldoctor.explain.context import Context
from mkldoctor.explain.origin import there
from mkldoctor.explain import abinames, blasnames, cxxruntime, intelrt, prebuilt, syclnames
from mkldoctor.explain.gomp import gnu_entry_missing, gnu_mutex
from mkldoctor.explain.hosts import SymbolLookupError, ldd_target
from mkldoctor.explain.scope import claimed_lookups
from mkldoctor.explain.linker import system_library
from mkldoctor.explain.mpilink import MPI_NAME
from mkldoctor.explain.pkgstate import CondaUsed


def lookup_errors(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    claimed = claimed_lookups(events)  # an MKL layer that sees no other: scope's
    errors = [e for e in events.of(SymbolLookupError) if (e.library, e.symbol) not in claimed]
    omp = [e for e in errors if knowledge.is_openmp_symbol(e.symbol)]
    # one library's name said twice (R's "unable to load shared library ...: undefined symbol: lsame_" and ldd -r's line)
    first_said: dict[tuple[str, str], SymbolLookupError] = {}
    for event in errors:
        if event not in omp:
            first_said.setdefault((os.path.basename(event.library), event.symbol), event)
    other = list(first_said.values())
    if omp:
        out.append(_openmp_not_loaded(omp, ctx, events))
    for event in other:
        hits = ctx.hits([event.symbol])[event.symbol]
        told = (blasnames.missing(event, ctx) if not hits and blasnames.is_blas_name(event.symbol)  # no BLAS in the process
                else gnu_entry_missing(event) if event.symbol.startswith("GOMP_") and not _is_mkl_library(event.library)
                else _blacs_without_mpi(event) if MPI_NAME.match(event.symbol)
                else _c_library_not_loaded(event) if system_library(event.symbol)
                else prebuilt.at_run_time(event, ctx) or syclnames.at_run_time(event)  # MKL's internals; oneMKL's C++
                or syclnames.runtime_at_run_time(event)  # the SYCL runtime's own names
                or cxxruntime.at_run_time(event) or intelrt.at_run_time(event)  # libstdc++'s; Intel's runtime's (__svml_*)
                or abinames.at_run_time(event))  # torch's C++ API, a build tree's own names
        if told is not None:
            out.append(told)
            continue
        evidence = [f"{event.binary}: {event.library} needs {event.symbol}" if event.library else f"{event.binary} needs {event.symbol}"]
        evidence += [f"defined by {label(h.install)}: {h.where}" for h in hits[:MAX_LISTED]]
        lib_install = ctx.install_of(event.library)
        if lib_install is not None:
            evidence.append(f"{event.library} is part of {label(lib_install)}")
        release = release_in(event.library) if lib_install is None else None
        if release and missing_symbol.before_table(release):
            out.append(_older_release(event, release, evidence))
            continue
        unlinked = _not_linked(event) if not hits else None
        if unlinked is not None:
            out.append(unlinked)
            continue
        shadowing = _base_for_env(event.library, ctx.environments())
        if shadowing is not None and lib_install is None:
            out.append(_base_environment(event, *shadowing, evidence))
            continue
        title = f"symbol lookup error: {event.symbol} is not in the libraries that were loaded"
        ours = _is_mkl_library(event.library) or knowledge.MKL_SYMBOL.match(event.symbol) is not None
        fix = ["load the libraries of one MKL copy only: check LD_LIBRARY_PATH and ldd for a mix of versions" if ours else
               "load one copy of each library: a library of another release found first (LD_LIBRARY_PATH, the loader's "
               "cache, a second environment's lib folder) lacks the name; ldd shows which copy of each is found",
               f"ldd {q(ldd_target(event.binary, event.library))}" + (" | grep -E 'mkl|iomp'" if ours else "")]
        why = ("The program was linked against one copy of a library, and at run time the loader found another that lacks the symbol "
               + ("(mixed MKL versions, or a layer loaded without the library it calls)." if ours else
                  "(two releases of one library on the loader's path, the older one first)."))
        if re.match(r"(?:mkldnn|dnnl)_", event.symbol):  # MKL-DNN's (oneDNN's) own name: a libmkldnn of another build first
            package = re.search(r"site-packages/(?P<p>[\w.-]+)/", event.library or "")
            fix.insert(0, f"{event.symbol} is MKL-DNN's (oneDNN's): the libmkldnn (libdnnl) the loader found first is another "
                          "build's, from a folder on LD_LIBRARY_PATH; put the one the package ships first ("
                          + (f"{package['p']}'s own: site-packages/{package['p']}/libs" if package else "the package's own lib folder")
                          + "), or take the other folder off LD_LIBRARY_PATH (Paddle#17045)")
        stopped = missing_symbol.gone(event.symbol)
        newer = [i for i in ctx.installs if stopped and stopped.covers(i.version) and all(h.install is not i for h in hits)]
        if stopped is not None and (newer or not ctx.installs) and lib_install is None:
            built = _built_against(event.library) if ctx.local else []
            evidence.append(f"{stopped.sentence()} (mkldoctor's table of every release's exports, {missing_symbol.span_of_releases()})")
            evidence += built
            evidence += [f"this machine has {label(i)}: a release without {event.symbol}" for i in newer[:MAX_LISTED]]
            title = (f"{event.symbol} was exported up to MKL {stopped.last} and is gone since {stopped.gone_since}"
                     + (f"; this machine has {newer[0].version}" if newer else "") + ": the program needs an older MKL")
            # MKL-DNN 0.x (2016-2019) called MKL's packed GEMM (cblas_sgemm_alloc): a libmkldnn of those years on an MKL older
            # than the table lacks the name as well, which the table cannot tell (mdr#19, PyTorch 1.0.0's: 1.0.1 fixed it)
            if stopped.first == exports.releases()[0].name and not newer and "mkldnn" in os.path.basename(event.library or ""):
                evidence.append(f"{event.symbol} is in the table's first release already ({stopped.first}), and "
                                f"{os.path.basename(event.library)} is MKL-DNN's of 2016-2019: an MKL older than the table lacks "
                                "the name as well, and then the library was built against a newer MKL than the one it loaded")
                title += f" (or, where the loaded MKL is older than {stopped.first}, a newer one or a build made for it)"
            why = (f"The program was built against an MKL that exported {event.symbol}; the MKL the loader found is "
                   f"{stopped.gone_since} or newer, which no longer exports it, so the first call to it fails.")
            older = [h.install for h in hits if h.install.lib_dirs]
            owner = _prebuilt_owner(event.library or "")
            if older:
                best = missing_symbol.newest_first([missing_symbol.Holder(i, (), label(i)) for i in older])[0].install
                fix = [f"run it with {label(best)}, which still exports {event.symbol}: "
                       f"export LD_LIBRARY_PATH={q(best.lib_dirs[0])}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}"]
                fix += [line if line.startswith("or ") else "or " + line
                        for line in missing_symbol.gone_fix(stopped, static=False, owner=owner)]
            else:
                fix = missing_symbol.gone_fix(stopped, static=False, owner=owner)
            # the environment of the library itself too: its path in the loader's line, where the log's own are anonymised
            conda = [env for env in (*ctx.environments(), python_prefix(event.library or "")) if env and is_conda(env)]
            if (conda or events.of(CondaUsed)) and not older:  # the log's program runs in a conda environment: pin its mkl there
                version = exports.release(stopped.last).mkl if exports.release(stopped.last) else stopped.last
                where = f" -p {q(conda[0])}" if conda else ""  # conda's commands alone name no prefix
                fix = [f"in the log's conda environment: {recipes.conda_install(q(f'mkl={version}'))}{where}"
                       f"   # the last release that exports {event.symbol}; conda's solver took a newer one"]
                fix += [line if line.startswith("or ") else "or " + line
                        for line in missing_symbol.gone_fix(stopped, static=False, owner=owner)]
            elif not older and event.symbol == "iJIT_NotifyEvent" and not python_prefix(event.library or ""):
                # PyTorch's builds that call MKL's JIT profiling hook, where the log shows no environment: each kind's pin
                version = exports.release(stopped.last).mkl if exports.release(stopped.last) else stopped.last
                fix = [f"a conda environment (PyTorch's conda packages load the environment's MKL, pytorch#123097): "
                       f"{recipes.conda_install(q(f'mkl={version}'))}   # the last release that exports it",
                       f"a pip environment: {recipes.pip_install(f'mkl=={stopped.last}')}",
                       f"oneAPI: the {version} release's own environment, not latest's: source /opt/intel/oneapi/mkl/{version}/"
                       f"env/vars.sh (and compiler/{version}/env/vars.sh), as builds made for it need (ipex-llm#10541)"]
            if "/torch/lib/libtorch" in (event.library or "").replace("\\", "/") and conda:
                fix.insert(1, "or PyTorch's own wheel in that environment: pip install torch (the release the project pins): "
                              "its libtorch_cpu carries MKL linked in, whatever MKL the environment has; the conda packages of "
                              "PyTorch's channel load the environment's MKL (that channel's last release was 2.5)")
        elif lib_install is not None and missing_symbol.before_table(lib_install.version):
            evidence.append(missing_symbol.before_table_sentence(lib_install.version, event.symbol))
        elif stopped is None and missing_symbol.ever_exported(event.symbol) is False and not hits and event.symbol.lower().startswith("mkl_"):
            older = _older_layer(event)
            if older is not None:
                out.append(older)
                continue
            evidence.append(f"no MKL release from {missing_symbol.span_of_releases()} exports {event.symbol} "
                            "(mkldoctor's table of every release's exports): an MKL older than the table may have had it, "
                            "a newer one does not")
        out.append(Finding("runtime-symbol-missing", "error", title, tuple(evidence), tuple(fix), why))
    return out




def _prebuilt_owner(library: str) -> str:
    """The package whose prebuilt library is ``library`` (a wheel's, a conda package's, the system's), or "" for a
    program built here, whose code is the user's."""
    package = package_of(library)
    if package:
        return package
    return os.path.basename(library) if conda_env_of(library) or re.match(r"/(?:usr|opt)/", library) else ""


def _c_library_not_loaded(event: SymbolLookupError) -> Finding | None:
    """MKL's layer that libmkl_rt opened needing the C library's math, threads or dl names at run time
    (``libmkl_core.so: undefined symbol: log10``): the program linked libmkl_rt alone (newVM's Free Pascal unit)."""
    base = os.path.basename(event.library or "")
    if not base.startswith("libmkl_"):
        return None
    part = system_library(event.symbol)
    return Finding(
        "mkl-system-library-missing", "error",
        f"{base} needs {event.symbol} from lib{part} and the process has not loaded lib{part}: link the program with -l{part}",
        (f"{event.binary}: {event.library} needs {event.symbol}",
         f"{event.symbol} is the C library's (lib{part}); MKL's layers, which libmkl_rt opens at its first call, take it from "
         "the program's own libraries and do not all list it: a program linked with MKL alone (a language other than C, "
         "whose compiler adds no -lm) has none"),
        (f"link the program with MKL's system libraries after MKL, kept by the linker: -Wl,--no-as-needed -lmkl_rt -lpthread "
         "-lm -ldl (Intel's link line for gcc; Debian's and Ubuntu's gcc link --as-needed, which drops -lm when the program "
         "itself calls nothing in it: measured with the pinned MKL's PARDISO; Free Pascal: {$Linklib 'pthread'} "
         "{$Linklib 'm'} {$Linklib 'dl'} beside mkl_rt)",
         f"for one run: LD_PRELOAD={knowledge.C_SONAMES[part]} <the program>"),
        "The C library's math, thread and dl parts are separate libraries on Linux (glibc before 2.34 for threads and dl); a "
        "C compiler adds -lm only when asked, and other languages' linkers add none.",
        (f"ldd <the program> | grep -E 'lib{part}\\.so'   # nothing: not loaded",),
    )


def _blacs_without_mpi(event: SymbolLookupError) -> Finding | None:
    """MKL's BLACS layer needing MPI at run time (``libmkl_blacs_intelmpi_lp64.so: undefined symbol 'MPI_Finalize'``): the
    module was linked by a compiler that is not the MPI's wrapper (GPAW's customize.py with icc for mpiicc)."""
    base = os.path.basename(event.library or "")
    if not base.startswith("libmkl_blacs_"):
        return None
    mpi = blacs.serves(base)
    return Finding(
        "mkl-cluster-needs-mpi", "error",
        f"{base} needs MPI ({event.symbol}) and no MPI library was loaded: the program or module was linked without {mpi}",
        (f"{event.binary}: {event.library} needs {event.symbol}",
         f"{base} is MKL's BLACS layer for {mpi}: it calls that MPI's library, which it does not name as a dependency; only "
         "a link with the MPI (its compiler wrapper, or -lmpi) puts it in the process"),
        (f"link the program or module with {mpi}'s compiler wrapper (mpiicc, mpicc, mpif90: a build set to a plain compiler, "
         "such as icc in place of mpiicc, links no MPI), or add its library to the link (-lmpi; Intel MPI's Fortran: -lmpifort)",
         f"for one run: LD_PRELOAD=<{mpi}'s lib folder>/libmpi.so.12 <the program> (Open MPI: libmpi.so.40)",
         "a program that needs no MPI: take MKL's ScaLAPACK and BLACS off its link (-lmkl_scalapack_*, -lmkl_blacs_*)"),
        "MKL's cluster libraries sit on top of an MPI; a module linked without it loads, and fails at its first MPI call.",
        (f"ldd {q(ldd_target(event.binary, event.library))} | grep -E 'libmpi|blacs'   # no libmpi: the MPI was not linked",),
    )


def _older_release(event: SymbolLookupError, release: str, evidence: list[str]) -> Finding:
    """A library of an MKL older than the export table (its folder says so) lacks a name the program needs: an old MKL
    came first on the loader's path."""
    folder = os.path.dirname(event.library)
    evidence = evidence + [f"{os.path.basename(event.library)} is from MKL {release}, by its folder's name ({folder})"]
    found = exports.history(event.symbol)
    if found is not None:
        evidence.append(f"{event.symbol} is exported by MKL {found.overall.first} to {found.overall.last} "
                        f"(mkldoctor's table of every release's exports, {missing_symbol.span_of_releases()})")
    evidence.append(missing_symbol.before_table_sentence(release, event.symbol) + "; the log says it does not")
    return Finding(
        "runtime-symbol-missing", "error",
        f"{os.path.basename(event.library)} is from MKL {release}, older than the MKL the program was built for: it lacks {event.symbol}",
        tuple(evidence),
        (f"load the program's own MKL, not the one in {folder}: take that folder off LD_LIBRARY_PATH, or put the program's MKL "
         "(its environment's lib folder) before it; on a cluster, unload the module that sets it",
         there("echo $LD_LIBRARY_PATH | tr : '\\n'", "the folders the loader tries first, in order"),
         f"ldd {q(ldd_target(event.binary, event.library))} | grep -E 'mkl|iomp'   # where the program runs: every MKL library from one folder"),
        "The program, or a library it loads, was built against a newer MKL than this one; the loader took this older MKL's "
        "library because its folder came first (LD_LIBRARY_PATH set by a module or a system install), and an older release "
        "lacks names that newer ones have.",
    )


def _base_for_env(library: str, environments: list[str]) -> tuple[str, str] | None:
    """(base, env) when ``library`` is in a conda installation's own ``lib`` (its base environment) while the log's
    program runs in one of that installation's environments (``<base>/envs/<name>``): the base's copy was loaded."""
    folder = os.path.dirname(library)
    base = os.path.dirname(folder)
    if os.path.basename(folder) != "lib" or not is_conda(base):
        return None
    env = next((e for e in environments if os.path.dirname(e) == os.path.join(base, "envs")), None)
    return (base, env) if env else None


def _base_environment(event: SymbolLookupError, base: str, env: str, evidence: list[str]) -> Finding:
    """A module of a conda environment that loaded the base environment's MKL (its ``lib`` earlier on the loader's path):
    the base's release is not the one the environment's packages were built against."""
    name = os.path.basename(event.library)
    evidence = evidence + [f"the program runs in the conda environment {env}, and {name} was loaded from {base}/lib: the base "
                           "environment's MKL, not the environment's own"]
    return Finding(
        "runtime-symbol-missing", "error",
        f"the conda base environment's {name} ({base}/lib) was loaded for the environment {os.path.basename(env)}: "
        f"it lacks {event.symbol}",
        tuple(evidence),
        (f"take {base}/lib off LD_LIBRARY_PATH (a login script or an old installer's line puts it there), so that "
         f"{env}/lib's MKL, the one its packages were built against, is loaded",
         f"or bring the base environment's mkl to the environment's release: conda list -p {q(env)} mkl, then "
         "conda install -n base mkl=<that release>",
         there("echo $LD_LIBRARY_PATH | tr : '\\n'", "the folders the loader tries first, in order")),
        "The loader takes LD_LIBRARY_PATH's folders before a module's run path: a conda installation's own lib on it serves "
        "every environment of that installation with the base environment's libraries, whose MKL release may lack names "
        "the environment's packages call.",
        (f"conda list -n base mkl; conda list -p {q(env)} mkl   # the two releases",),
    )


def _openmp_not_loaded(omp: list[SymbolLookupError], ctx: Context, events: Parsed) -> Finding:
    """OpenMP symbols the loader could not resolve: a threading layer loaded without Intel's OpenMP runtime."""
    event = omp[0]
    if not event.library:  # the loader's line with the names cut away ("symbol lookup error:: undefined symbol: ...")
        event = SymbolLookupError(event.binary, UNNAMED, event.symbol)
        omp = [event, *omp[1:]]
    gnu = [p for p in ctx.places if "mkl_gnu_thread" in p]
    if os.path.basename(event.library).startswith("libmkl_gnu_thread") or (event.library == UNNAMED and gnu):
        from mkldoctor.explain.gomp import gnu_layer_without_libgomp  # GCC's runtime, not Intel's
        return gnu_layer_without_libgomp(omp, f"ldd {q(ldd_target(event.binary, event.library))} | grep -E 'gomp|mkl'")
    if event.library == UNNAMED and all(e.symbol.startswith("omp_") for e in omp):
        from mkldoctor.explain.gomp import layer_without_runtime  # a name both runtimes define, its library cut
        return layer_without_runtime(omp)
    places = ctx.iomp5_places()
    evidence = [f"{event.binary}: {e.library} needs {e.symbol}" for e in omp[:MAX_LISTED]]
    info = read_dynamic(event.library) if ctx.local and os.path.isfile(event.library) else None
    if info is not None:
        evidence.append(f"{os.path.basename(event.library)} needs (DT_NEEDED): {', '.join(info.needed) or 'nothing'}: no OpenMP runtime among them")
    evidence += [f"libiomp5 is in {p}" for p in places]
    fix = []
    if places:
        fix.append(f"link it: -L{q(places[0])} -liomp5, and at run time: export LD_LIBRARY_PATH={q(places[0])}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
        fix.append(f"or for this run only: LD_PRELOAD={q(os.path.join(places[0], 'libiomp5.so'))}")
    else:
        conda = conda_env_of(event.library)
        if conda:  # mkl's own OpenMP package is missing from the environment, or is of another release after a partial update
            fix.append(f"in the log's conda environment: {recipes.conda_install('intel-openmp')} -p {q(conda)}   # mkl's OpenMP "
                       f"runtime; a partial update can leave mkl without a matching one: conda update --all -p {q(conda)} (or "
                       "mamba) brings every package to one consistent solve; an LD_LIBRARY_PATH that names another MKL "
                       "(a oneAPI setvars.sh sourced in the same shell) loads that MKL's layers first: unset it")
        program = os.path.basename(event.binary or "")
        if (not conda and re.fullmatch(r"[\w.+-]{1,200}", program)  # a program's file name, not an interpreter or a description
                and not re.match(r"(?:python|java|R|Rscript|julia|matlab|octave)[\d.]*$", program)):
            fix.append(f"link {program} with Intel's OpenMP runtime too: -Wl,--no-as-needed -liomp5 after MKL's libraries "
                       "(-lmkl_rt picks mkl_intel_thread at run time, which names no runtime of its own, and nothing of the "
                       "program calls the runtime, so --as-needed would drop it); it is in the compiler's lib folder of the "
                       "same oneAPI or the intel-openmp package's lib, often installed already (mlip-2#43); or for one run: "
                       "LD_PRELOAD=<that folder>/libiomp5.so")
        fix.append(("or " if conda else "") + f"install Intel's OpenMP runtime: {ctx.recipe_ref('openmp')}")
        if not conda and event.binary.startswith("a program"):  # the log names no program: it may be one built here
            fix.append("or, a program you link (C, C++, Fortran, Rust): name Intel's OpenMP runtime on its link after MKL's "
                       "libraries, -Wl,--no-as-needed -liomp5 (--as-needed, and mold in any case, drop a library nothing of "
                       "the program calls: then give the runtime's file by its path, or an object that calls it; a Rust "
                       "crate: in the executable's own build script, as rustc-link-arg does not reach other crates)")
    if not places and not conda_env_of(event.library) and re.match(r"python[\d.]*$", os.path.basename(event.binary or "")):
        fix.insert(1, "or, a Python process whose packages load MKL through libmkl_rt (which took the Intel threading layer): "
                      "export MKL_THREADING_LAYER=GNU before Python starts (GCC's libgomp, which PyTorch and numpy's builds "
                      "bring), and unset LD_LIBRARY_PATH (or drop MKL's folder from it) where it names another MKL's folder "
                      "(a oneAPI setvars.sh or a module loaded in the shell): the loader takes that MKL's layers first")
    else:
        fix.append("or with libmkl_rt: export MKL_THREADING_LAYER=SEQUENTIAL (or GNU)")
    found = folders.recognise(event.library, "linux") if not places and not conda_env_of(event.library) else None
    if found is not None and found[0].name in ("oneapi-2024", "oneapi-2021", "parallel-studio"):  # the log's layout says where
        fix.insert(1, f"the layout of {os.path.dirname(event.library)} ({found[0].releases}) keeps libiomp5 in the compiler's "
                      f"folder, {found[0].openmp}, not in MKL's: where the program names libiomp5 (ldd shows it 'not "
                      "found'), put that folder on the loader's path as MKL's is (a file in /etc/ld.so.conf.d naming it, "
                      "then sudo ldconfig; or LD_LIBRARY_PATH); where it does not, link it (below)")
    mutex = gnu_mutex(events) if "mkl_intel_thread" in event.library and conda_env_of(event.library) else ""
    if mutex:  # matplotlib#23124: conda-forge's and defaults' packages mixed by an update
        evidence.append(f"the log's conda list shows _openmp_mutex {mutex}: the environment's OpenMP is GCC's libgomp, while "
                        "its mkl runs on Intel's runtime (defaults' intel-openmp, conda-forge's llvm-openmp with an *_llvm "
                        "mutex): packages of two channels (conda-forge and defaults) mixed by an update, and neither mkl's "
                        "runtime left in place")
        fix.insert(0, "recreate the environment from one channel (conda create -n <new> --override-channels -c conda-forge "
                      "<packages>, or defaults alone; conda config --set channel_priority strict), rather than updating "
                      "the mixed one")
    # a PyInstaller bundle, one file unpacked to /tmp/_MEIxxxx or one folder (dist/<app>/, _internal/ since 6.0): the bundle
    # left the runtime out (quantiphyse#19)
    if "/_MEI" in event.library or re.search(r"/dist/[^/]+/(?:_internal/)?libmkl_\w+\.so[.\d]*$", event.library):
        evidence.append("the library runs from a frozen bundle (PyInstaller's /tmp/_MEI... or its dist/<app>/ folder): the "
                        "bundle took MKL's threading layer and not Intel's OpenMP runtime, which the layer does not name as "
                        "a dependency")
        fix.insert(0, "put libiomp5.so into the bundle: pyinstaller --add-binary '<the environment's lib>/libiomp5.so:.' (or a "
                      "hook that collects it with MKL's libraries), then build the bundle again")
    unsaid = event.library == UNNAMED and event.symbol.startswith("__kmpc_")
    if unsaid:  # "undefined symbol: __kmpc_ok_to_fork" alone (TBPLaS' install guide): MKL's layer, or the project's code
        evidence.append("the log does not name the library that needs it: MKL's Intel threading layer calls Intel's OpenMP "
                        "runtime, and so does code compiled with OpenMP by Intel's or LLVM's compilers (__kmpc_* are the "
                        "calls they emit, __kmpc_ok_to_fork at each parallel region); ldd of the program or the extension "
                        "that failed to load says which (libmkl_intel_thread there, or neither iomp5 nor MKL)")
        fix.insert(0, "a library you built with Intel's compilers and OpenMP (-qopenmp; a Python extension from setup.py): "
                      "link it with the runtime too: -qopenmp on its link as on its compile, or libraries = iomp5 with "
                      "library_dirs = <the compiler's lib folder, where libiomp5.so is> (setup.cfg's [build_ext]), or "
                      "OpenMP::OpenMP_<LANG> in CMake; then rebuild it")
    elif not _is_mkl_library(event.library) and event.symbol.startswith("__kmpc_"):  # the project's own OpenMP code
        name = os.path.basename(event.library)
        evidence.append(f"{name} is not MKL's library: its own code was compiled with OpenMP (__kmpc_* are the calls Intel's "
                        "and LLVM's compilers emit for OpenMP regions), and its link named no OpenMP runtime")
        fix.insert(0, f"link {name} with its compiler's OpenMP flag, so that it names the runtime it needs: -qopenmp (Intel), "
                      "-fopenmp (clang); in CMake, find_package(OpenMP) and OpenMP::OpenMP_<LANG> for every language of "
                      "the library (a Fortran library with C or C++ parts needs the flag on those too), then rebuild")
    without = "was loaded without Intel's OpenMP runtime (libiomp5)"
    title = (f"{event.symbol} undefined: a library that calls Intel's OpenMP runtime (libiomp5) was loaded without it, "
             "MKL's Intel threading layer or code compiled with OpenMP" if unsaid else
             f"MKL's Intel threading layer (libmkl_intel_thread, or libmkl_rt's default) {without}" if event.library == UNNAMED
             else f"{os.path.basename(event.library)} {without}")
    return Finding(
        "openmp-runtime-missing", "error", title,
        tuple(evidence), tuple(fix),
        "mkl_intel_thread calls Intel's OpenMP runtime but does not list it as a dependency; nothing loaded libiomp5, "
        "so the first OpenMP call fails when it is resolved.",
        (f"ldd {q(ldd_target(event.binary, event.library))} | grep -E 'iomp5|mkl'",),
    )


def _built_against(path: str) -> list[str]:
    """The MKL release a binary was linked against, from the sonames it needs (the export table's sonames)."""

    info = read_dynamic(path) if os.path.isfile(path) else None
    out = []
    for soname in (info.needed if info else ()):
        if soname.startswith("libmkl_"):
            releases = exports.releases_with_soname(soname)
            if releases:
                span = releases[0] if len(releases) == 1 else f"{releases[0]} to {releases[-1]}"
                out.append(f"{os.path.basename(path)} was linked against {soname}, the soname of MKL {span}")
    return out


def _is_mkl_library(path: str) -> bool:
    return os.path.basename(path).startswith(("libmkl_", "mkl_"))


def _not_linked(event: SymbolLookupError) -> Finding | None:
    """A library of the program's own (not MKL's) that needs a name every MKL release exports: the code in it that
    calls MKL (its own objects, or a static library it took in) was linked without MKL, and nothing loaded MKL before
    it. A mix of MKL copies cannot be the cause: any copy has the name."""
    from mkldoctor.explain.linkorder import exporting

    libs = exporting(event.symbol, None)[:MAX_LISTED]  # every release of the table exports it: the libraries that do
    if not libs or _is_mkl_library(event.library):
        return None
    name = os.path.basename(event.library)
    return Finding(
        "runtime-mkl-not-linked", "error",
        f"{name} calls MKL's {event.symbol} but was linked without MKL, and no MKL was loaded before it",
        (f"{event.binary}: {event.library} needs {event.symbol}",
         f"{event.symbol} is exported by every MKL release of mkldoctor's table ({missing_symbol.span_of_releases()}: {', '.join(libs)}): "
         "no release lacks it, so another MKL copy would not be the cause; the process has no MKL that could give it",
         f"{name} is not MKL's library: code in it calls MKL (its own objects, or a static library built with MKL, such as a "
         "toolkit configured for MKL) and its link named no MKL library"),
        (f"link {name} against MKL: add MKL's libraries to its link line after its objects and static libraries "
         "(-lmkl_rt, or mkldoctor link --format flags), so that it names MKL as a dependency",
         "or rebuild the static library that calls MKL with the BLAS the program links (a toolkit built earlier with MKL "
         "and reused: remove its build and configure it again with that BLAS)",
         f"for one run: LD_PRELOAD=<MKL's lib folder>/libmkl_rt.so <the program>"),
        "The linker does not require a shared library's names to be defined: a library built from code that calls MKL, "
        "without MKL on its link line, links, and fails only when the loader resolves the name at run time.",
        (f"ldd {q(event.library)} | grep -E 'mkl|iomp'   # nothing: MKL is not its dependency",
         f"nm -D --undefined-only {q(event.library)} | grep -E ' (v[sdcz]|vm[sdcz]|cblas_|mkl_|Dfti|LAPACKE_)'   # every MKL name it needs"),
    )


def _older_layer(event: SymbolLookupError) -> Finding | None:
    """MKL's own library needs an ``mkl_`` name that no release of the table exports: the library is of an MKL older
    than the table (its own release's core had the name), loaded with another release's core."""
    if not _is_mkl_library(event.library) or layout.is_kernel(event.library):
        return None  # a kernel that sees no core is scope's (a layer loaded without RTLD_GLOBAL, a link without a library)
    names = [r.name for r in exports.releases()]
    name = os.path.basename(event.library)
    folder = os.path.dirname(event.library) or "its folder"
    unversioned = re.fullmatch(r"libmkl_\w+\.so", name) is not None
    evidence = [f"{event.binary}: {event.library} needs {event.symbol}",
                f"no MKL release from {names[0]} to {names[-1]} exports {event.symbol} (mkldoctor's table of every release's "
                f"exports), yet MKL's own {name} needs it: {name} is of an MKL older than {names[0]}, whose own core had it",
                "the core that was loaded is of another release, which lacks it: two MKL copies are mixed in one process"]
    if unversioned:
        evidence.append(f"{name} has no version in its name: MKL 2020 and older (from 2021.1 MKL's libraries are libmkl_*.so.1 and on)")
    return Finding(
        "runtime-symbol-missing", "error",
        f"{event.library} is an older MKL's library (before {names[0]}) loaded with another release's core: it needs {event.symbol}",
        tuple(evidence),
        (f"load one MKL: the program's own (its environment's lib folder) for every MKL library; the older copy in {folder} "
         f"came first: take {folder} off LD_LIBRARY_PATH, or move its libmkl_* files away (another install left them there)",
         f"a program built here that linked {folder}'s copy (CMake's find_library takes the first folder that has the name): "
         "point the build at the MKL you mean (CMAKE_PREFIX_PATH=<its prefix>, e.g. the conda environment), clear the build's "
         "cache and build again",
         there("echo $LD_LIBRARY_PATH | tr : '\\n'", "the folders the loader tries first, in order")),
        "MKL's libraries of one release call each other by names that can change between releases; a library of an old "
        "release loaded beside the core of a newer one needs names the newer core no longer exports.",
        (f"ldd {q(ldd_target(event.binary, event.library))} | grep -E 'mkl|iomp'   # every MKL library should come from one folder",),
    )
