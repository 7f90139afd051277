"""An MKL library that cannot see the MKL names it needs: which library exports the name tells the cause.

``INTEL MKL ERROR: /x/libmkl_avx2.so: undefined symbol: mkl_sparse_optimize_bsr_trsm_i8`` (or the loader's
``symbol lookup error: libmkl_vml_avx.so: undefined symbol: mkl_serv_getenv``) looks like a kernel of another
release. The export table of every release says otherwise when the name is exported, by the threading layers
or the core, in every release it holds: a core of any release defines it, so the kernel does not see MKL's
layers at all. They are in the process but not in its global scope: a Python, Julia, R or Java extension or a
plugin opened them without ``RTLD_GLOBAL`` (MKL 2020 and older kernels name no libmkl_core to find them
through), or a program was linked with ``--as-needed`` and dropped the layers its interface layer needs. A
name that only some releases export is a mix of releases (:mod:`kernels`); a folder whose name says a release
older than the table (``composer_xe_2015``) is an older MKL found first.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from mkldoctor.explain import mixedrun, mklfiles
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import UNNAMED, Parsed
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, folders, layout, places, recipes
from mkldoctor.knowledge import facts as knowledge
from mkldoctor.knowledge.history import version_key

KERNEL_ROLES = layout.KERNEL_ROLES
LAYER_ROLES = ("interface", "threading", "core", "rt")
OPENERS = ("julia (dlopen)", "python (ctypes)", "R (dyn.load)", "java (System.load)")  # hosts that open a library by its path, alone


@dataclass(frozen=True)
class Exported:
    """Which libraries export a name, over which releases of the export table."""

    symbol: str
    libraries: tuple[str, ...]  # "libmkl_sequential", "libmkl_core", ...
    first: str
    last: str
    throughout: bool  # every release of the table exports it, oldest to newest

    def sentence(self) -> str:
        span = "in every release of mkldoctor's table" if self.throughout else "in MKL"
        return f"{self.symbol} is exported by {more(list(self.libraries), 4)} {span} ({self.first} to {self.last})"


def exported(symbol: str) -> Exported | None:
    found = exports.history(symbol)
    if found is None:
        return None
    names = [r.name for r in exports.releases()]
    span = found.overall
    throughout = bool(names) and span.first == names[0] and span.last == names[-1] and not span.gaps
    return Exported(symbol, tuple(s.library for s in found.libraries if s.library), span.first, span.last, throughout)


@dataclass(frozen=True)
class Unseen:
    """An MKL library that needs an MKL name it cannot see."""

    path: str  # the library, as the log names it
    symbol: str
    who: str  # "MKL" (MKL's own message), or the host or program the loader ran in
    role: str  # the library's role in layout: "kernel", "interface", ...
    case: str  # "scope" (no MKL layer is visible to it), "older" (an MKL older than the table, by its folder), "mixed" (a
    # library of a release that has the name, given another MKL's older core)
    exported: Exported | None


def _base(path: str) -> str:
    """A library's file name, without a paste's elision glued to it ("...libmkl_vml_avx2.so.2")."""
    return os.path.basename(path).lstrip(".…")


def _role(path: str) -> str | None:
    return layout.role(_base(path))


def classify(path: str, symbol: str, who: str) -> Unseen | None:
    """The case of ``path`` needing ``symbol``, or None when the export table does not single one out."""
    # only MKL's own libraries call its internal names (exported by no interface layer, nor libmkl_rt): a person's words
    # that name no library name one of its kernels
    role = "kernel" if path == UNNAMED and symbol.startswith("mkl_") and internal(symbol) else _role(path)
    if role not in KERNEL_ROLES + LAYER_ROLES or knowledge.is_openmp_symbol(symbol):
        return None
    found = exported(symbol)
    if role in KERNEL_ROLES and who == "python (import)" and path != UNNAMED:  # the import itself loaded the kernel: the extension links it
        return Unseen(path, symbol, who, role, "linked", found)
    if found is None:
        # a name older than the table, of a threading layer by its suffix (MKL 10's mkl_dft_..._omp, GalSim#261), or of the
        # core's services by its prefix (MKL 10's mkl_serv_mkl_malloc, numexpr#27): the kernel needs it and does not see it
        if role in KERNEL_ROLES and (re.search(r"_(?:omp|seq|intel_thread|gnu_thread)$", symbol) or symbol.startswith("mkl_serv_")):
            return Unseen(path, symbol, who, role, "scope", None)
        return None
    own = f"lib{layout.get(_base(path)).name}" if layout.get(_base(path)) else None
    if set(found.libraries) <= {own}:
        return None
    release = places.release_in(path)
    if not found.throughout:  # a core name only some releases have: MKL's own library calls it only in those, so the core
        # that lacks it is another release's (an older one's when every release since the name came has it)
        if set(found.libraries) - {own}:
            # a layer a host opened itself by path (ctypes, Julia's dlopen) was opened alone: no core of any release is in
            # its scope, unless the program put one there (produced with ctypes and the pinned wheel's thread layer)
            alone = who in OPENERS and role in LAYER_ROLES
            return Unseen(path, symbol, who, role, "scope" if alone else "mixed", found)
        return None
    oldest = exports.releases()[0].name
    # (a kernel is opened by a core, which gives it its services in every release: an old folder's kernel that needs one does
    # not see a core, as kaldi-gstreamer-server#197's libmkl_def.so of 2018.5 needing mkl_serv_malloc)
    if release and version_key(release) < version_key(oldest) and role not in KERNEL_ROLES:
        return Unseen(path, symbol, who, role, "older", found)
    return Unseen(path, symbol, who, role, "scope", found)


def internal(symbol: str) -> bool:
    """One of MKL's own names: exported by its core, threading layers or kernels only (no interface layer, no libmkl_rt)."""
    found = exports.history(symbol)
    roles = {getattr(layout.get(span.library), "role", None) for span in found.libraries if span.library} if found else set()
    return bool(roles) and roles <= {"core", "threading", *KERNEL_ROLES}


def unseen(events: Parsed) -> list[Unseen]:
    """Every name an MKL library of the log needs and cannot see, from MKL's own message and the loader's."""
    from mkldoctor.explain.hosts import SymbolLookupError
    from mkldoctor.explain.runtime import MklCannotLoad, MklKernelUndefined

    said = [(e.path, e.symbol, "MKL") for e in events.of(MklKernelUndefined) if e.path]
    said += [(e.library, e.symbol, e.binary) for e in events.of(SymbolLookupError)]
    out = [classify(*one) for one in said]
    if events.of(MklCannotLoad):
        out = [_beside_cannot_load(u, *one) for u, one in zip(out, said)]
    return [u for u in out if u is not None]


def _beside_cannot_load(found: Unseen | None, path: str, symbol: str, who: str) -> Unseen | None:
    """A name a kernel could not see, read again beside MKL's own "Cannot load": MKL opened the kernel itself, so the
    kernel was not linked in (gtsam's INSTALL.md), and a kernel's name older than the table is its core's all the same
    (PySCF's MKL 11: ownLastTriangle_64fc)."""
    if found is not None:
        return replace(found, case="scope") if found.case == "linked" else found
    if _role(path) in KERNEL_ROLES and exports.history(symbol) is None:
        return Unseen(path, symbol, who, _role(path), "scope", None)
    return None


def claimed_lookups(events: Parsed) -> set[tuple[str, str]]:
    """(library, name) of each loader ``symbol lookup error`` this family explains (the hosts family then leaves them)."""
    return {(u.path, u.symbol) for u in unseen(events)}


def is_host(who: str) -> bool:
    """A host that opened the library with dlopen ("python (import)", "julia (dlopen)"), not a program by its path."""
    return who == "MKL" or " " in who


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    items = unseen(events)
    out = []
    older = [u for u in items if u.case == "older"]
    # a kernel MKL opened itself cannot see the core: scope; an interface layer a program or module was linked with cannot
    # find the core or threading layer it calls: those were not loaded at all (not in DT_NEEDED: --as-needed)
    # (a host that opened the layer itself by name, Julia's dlopen or ctypes, opened it alone: scope again)
    hidden = [u for u in items if u.case == "scope" and (u.role in KERNEL_ROLES or (is_host(u.who) and (
        u.role != "interface" or u.who in OPENERS)))]
    dropped = [u for u in items if u.case == "scope" and u not in hidden]
    if older:
        out.append(_older(older))
    linked = [u for u in items if u.case == "linked"]
    if linked:
        out.append(_kernel_linked(linked))
    mixed = [u for u in items if u.case == "mixed"]
    if mixed:
        out.append(mixedrun.finding(mixed, ctx))
    if hidden or bare_unversioned_kernels(events):
        out.append(core_not_visible(hidden, events))
    if dropped:
        out.append(_dropped(dropped))
    return out


def bare_unversioned_kernels(events: Parsed) -> list[str]:
    """``Cannot load libmkl_avx2.so or libmkl_def.so`` said alone, of MKL 2020 or older kernels (no version in the
    name) on Linux: the kernel found and not loadable, most often for want of a visible core."""
    from mkldoctor.explain.kernels import layer_soname_missing
    from mkldoctor.explain.runtime import MklCannotLoad, MklKernelUndefined, MklOpenFailed

    if events.of(MklKernelUndefined) or events.of(MklOpenFailed) or layer_soname_missing(events):
        return []
    names = [lib for e in events.of(MklCannotLoad) for lib in e.libraries]
    kernels = [n for n in names if _role(n) in KERNEL_ROLES and re.fullmatch(r"lib\w+\.so", os.path.basename(n))]
    return kernels if kernels and len(kernels) == len(names) else []


def as_needed_flags(events: Parsed) -> str:
    """The log's own linker flags (an ``echo $LDFLAGS``, a link line) where --as-needed is the last word on it, or ""."""
    from mkldoctor.explain.linker import AsNeededFlags

    for event in events.of(AsNeededFlags):
        if "no-as-needed" not in event.line.rsplit("--as-needed", 1)[1]:
            return event.line
    return ""


def core_not_visible(items: list[Unseen], events: Parsed) -> Finding:
    bare = bare_unversioned_kernels(events)
    first = items[0] if items else None
    base = os.path.basename(first.path) if first else " or ".join(bare)
    shown = [name for name in bare if name in mklfiles.listed(events)]  # the log's own ls shows them in the folder
    if first is None and shown:
        title = (f"MKL cannot load its CPU kernel {base}: the log's listing shows the files there, so the kernel cannot see "
                 "MKL's core (MKL's layers loaded without RTLD_GLOBAL, linked statically, or the core not linked)")
    elif first is None:
        title = (f"MKL cannot load its CPU kernel {base}: the kernel file is not beside MKL's core (a bundle, image or jar "
                 "without it), or it cannot see MKL's core (MKL's layers loaded without RTLD_GLOBAL, or linked statically)")
    elif first.role == "core":
        title = (f"{base} was bound before MKL's threading layer was loaded: {first.symbol} is the threading layer's "
                 "(LD_BIND_NOW, or the core opened alone)")
    elif first.role in KERNEL_ROLES:
        title = (f"MKL's kernel {base} cannot see MKL's own {first.symbol}: MKL's layers are in the process but were loaded "
                 "without RTLD_GLOBAL (an extension or plugin), linked statically, or linked without libmkl_core"
                 if first.path != UNNAMED else
                 f"an MKL library (a kernel, or a layer opened alone: the log names none) cannot see MKL's own {first.symbol}: "
                 "MKL's other layers were not loaded with it, loaded without RTLD_GLOBAL, or linked statically")
    else:
        title = f"{base} was opened without the MKL layers that define {first.symbol}: load libmkl_rt, or those layers first with RTLD_GLOBAL"
    evidence = [f"{u.who if u.who != 'MKL' else 'MKL'} loaded {u.path}, which needs {u.symbol}, and it could not be resolved"
                for u in items[:4]]
    evidence += [f"MKL could not load {base}; the log names no file it could not open and no undefined name"] if bare else []
    for u in items[:2]:
        core = u.symbol.startswith("mkl_serv_")  # a name older than the table: the core's by its prefix, else a layer's
        evidence.append((u.exported.sentence() + (": any release's layers define it, so this is not a mix of releases: "
                         if u.exported.throughout else f": {u.who} opened {os.path.basename(u.path)} alone, by its path, so no "
                         "core of any release is in its scope: ") + f"{os.path.basename(u.path)} does not see those layers at "
                         "all") if u.exported else
                        f"{u.symbol} is {'the core' if core else 'a threading layer'}'s name (its {'prefix' if core else 'suffix'}), "
                        f"older than mkldoctor's table: {os.path.basename(u.path)} does not see "
                        + ("libmkl_core" if core else "that layer"))
    paths = [u.path for u in items] + bare
    unversioned = any(re.fullmatch(r"lib\w+\.so", os.path.basename(p)) and _role(p) in KERNEL_ROLES for p in paths)
    if unversioned:
        evidence.append("the kernel's name has no version number (MKL 2020 or older): such kernels do not name libmkl_core as a "
                        "dependency and find MKL's names only in the process's global scope")
    for path in paths:
        found = folders.recognise(path, "linux")
        if found and found[0].name == "conda":
            evidence.append(f"{path} is a conda environment's: if the module that calls MKL was built against another MKL, MKL "
                            "took this environment's kernel; preload the layers of the MKL the module was built with")
            break
    if bare and not shown:
        evidence.append("other causes of this line: the kernel file missing (MKL 2020 and newer first say 'cannot open shared "
                        "object file'), or a kernel of another release (an undefined name that only some releases export)")
    fixes = _fixes(items, bare)
    if first is not None and first.role in KERNEL_ROLES:  # a module linked with the interface layer but not the core
        fixes.insert(2, "see which of MKL's layers the module that uses MKL was linked with: readelf -d <the module> | grep "
                        "NEEDED; an interface layer without libmkl_core (a Meson or hand-written build's list: spack-stack"
                        "#1437's numpy 1.26), or one linked with -Wl,--as-needed (Ubuntu's default), which keeps only the "
                        "layers it calls itself, leaves the core out: link libmkl_rt, or all three layers inside "
                        "-Wl,--no-as-needed (block2's developer notes)")
    if shown:  # the log's own ls shows the kernels in the folder: not a missing file
        evidence.append(f"the log's listing of the folder shows {' and '.join(shown)}: the kernel files are there, so MKL "
                        "found them and they could not see MKL's core")
        fixes = ["link the module that uses MKL with libmkl_rt, or with all three layers (interface, threading, core): the "
                 "build's own list of MKL's libraries (a project's FindMKL.cmake, TurboTransformers#84) left the core out "
                 "of the process or linked it statically; readelf -d <the module> | grep NEEDED shows what it has", *fixes]
    elif bare:  # the line says no more: whether the file is there comes first, and is quickly seen
        fixes = [f"first see whether the kernel is there, beside libmkl_core: ls <MKL's lib folder>/{bare[0].split('.so')[0]}* "
                 "(in a container: find / -name 'libmkl_def*'); a bundle, image or jar that copied only some of MKL's "
                 "libraries lacks it: copy MKL's kernels (libmkl_def, libmkl_mc3, libmkl_avx*, libmkl_vml_*) of the same "
                 "release beside libmkl_core", *fixes]
        if unversioned and not _other_host(events):  # MKL 2020 and older, no JVM or Julia: Anaconda's MKL of those years
            fixes.insert(1, recipes.CONDA_UPDATED_IN_PARTS + recipes.CONDA_MIX)
            fixes.remove(recipes.CONDA_ONE_CHANNEL)  # said in the line above
    opened = first is not None and first.role in LAYER_ROLES and first.who in OPENERS
    numbered = re.search(r"\.so(\.\d+)$", first.path) if first is not None else None
    rt = f"libmkl_rt.so{numbered.group(1) if numbered else '.2'}"  # the layer's own release's number, in its own folder
    rt = (os.path.join(os.path.dirname(first.path), rt) if first is not None and first.path != UNNAMED and "/" in first.path
          and re.fullmatch(r"[\w./+-]+", first.path) else rt)  # a path with quotes or a shell's characters: the name alone
    if first is not None and (first.path == UNNAMED or opened):  # the quantumsim guide's ctypes.CDLL("libmkl_intel_lp64.so.2")
        call = {"julia (dlopen)": f'Libdl.dlopen("{rt}", Libdl.RTLD_GLOBAL)', "R (dyn.load)": f'dyn.load("{rt}", local = FALSE)',
                "java (System.load)": f'System.load("{rt}")'}.get(
            first.who, f"ctypes.CDLL('{rt}', mode=ctypes.RTLD_GLOBAL)")
        fixes.insert(0 if opened else 1, "a layer opened by itself by name (ctypes.CDLL of libmkl_intel_lp64 or libmkl_core, Julia's "
                     f"dlopen, R's dyn.load, Java's System.load): open libmkl_rt instead, which loads the layers it needs: {call}")
    # before conda's: an environment out of step is said first where the kernel is a conda environment's
    package = next((m.group(1) for p in paths for m in [re.search(r"site-packages/(\w+)/(?:\.\./)+", p)] if m), None)
    if package and first is not None and first.role in KERNEL_ROLES:  # faiss#2021, faiss#4126: the package's own MKL link
        evidence.insert(1, f"MKL's kernel was reached through {package}'s own run path (site-packages/{package}/../..): "
                           f"{package} links MKL itself, and its MKL core is not where the kernel can see it: linked "
                           f"statically into {package}'s library, or of another release than the environment's kernels")
        fixes.insert(0, f"install a build of {package} that links MKL's shared libraries of the environment's release (another "
                        f"channel's: conda-forge's {package}, or one pinned to the environment's mkl), or one without MKL")
    conda = next((env for env in map(places.conda_env_of, (u.path for u in items)) if env), None)
    if conda:  # conda's MKL packages are built to load together: a kernel that cannot see the core is an environment out of step
        evidence.append(f"the kernel is in the conda environment {conda}: its packages link MKL as conda builds it, so a kernel "
                        "that sees no core most often means packages of other builds or channels were mixed in (a pip package "
                        "over conda's, a partial update)")
        fixes = [f"in the log's conda environment: conda update --all -p {conda} (one consistent solve of every package), or "
                 f"conda install -p {conda} nomkl (OpenBLAS builds in place of MKL's); conda-forge's BLAS on MKL, whose "
                 f"libblas loads libmkl_rt for every package: conda install -p {conda} \"libblas=*=*_mkl\" (adcc#151)", *fixes]
    dropped = as_needed_flags(events)
    if dropped and first is not None and first.role != "core":  # the build's own flags: ld dropped the layers it was given
        title = (f"MKL's kernel {base} cannot see MKL's own {first.symbol}: the module that uses MKL was most likely linked with "
                 "--as-needed, which dropped MKL's layers from it")
        evidence.insert(0, f"the log's linker flags carry --as-needed with no --no-as-needed after it: {dropped[:160]}")
        evidence.insert(1, "with --as-needed ld keeps a shared library only if the objects before it call one of its names: "
                           "MKL's layers given by -l (the core, the threading layer), whose names the module reaches only "
                           "through the kernels MKL opens at run time, are dropped, and the kernel finds no core in the process")
        fixes = ["link the module with -Wl,--no-as-needed before MKL's libraries, after any flags that add --as-needed (a conda "
                 "environment's LDFLAGS do: export LDFLAGS=\"${LDFLAGS/-Wl,--as-needed/}\" before the build), then rebuild it; "
                 "readelf -d <the module> | grep NEEDED lists libmkl_core and a threading layer when it is right", *fixes]
    if first is not None and first.role == "core":
        evidence.append("libmkl_rt opens the core before the threading layer; with LD_BIND_NOW set (or the core opened by "
                        "itself) the loader resolves every name of the core at once, before the layer that defines this one")
        fixes = ["unset LD_BIND_NOW for the program (env -u LD_BIND_NOW <the program>): MKL's libraries are made to be bound "
                 "lazily", "or link the three layers explicitly (-lmkl_intel_lp64 -lmkl_sequential -lmkl_core), which the loader "
                 "loads together", *[line for line in fixes if line.startswith("the lasting fix")][:1]]
    return Finding(
        "mkl-core-not-visible", "error", title, tuple(evidence), tuple(fixes),
        "libmkl_core opens the CPU-specific kernel (libmkl_avx2, libmkl_def, libmkl_vml_*) with dlopen when MKL is first "
        "called; the kernel calls the core's and the threading layer's internal functions, which the loader looks for in the "
        "process's global scope. A library that a Python, Julia, R or Java module (or a plugin host) opened keeps its own "
        "dependencies, MKL's layers among them, out of that scope (RTLD_LOCAL, the default), and layers linked statically "
        "into a module export nothing: the kernel then finds no mkl_serv_*, mkl_blas_* at all, and MKL says it cannot load it.",
        _confirm(items, bare),
    )


def _preload(items: list[Unseen], bare: list[str]) -> str:
    path = items[0].path if items else ""
    folder = os.path.dirname(path) if os.path.isabs(path) else "<MKL's lib folder>"
    suffix = re.search(r"\.so(\.\d+)?$", os.path.basename(path) or (bare[0] if bare else ".so"))
    ext = suffix.group(0) if suffix else ".so"
    core, layer = layout.of_role("core")[0].file_stem, layout.layer("sequential", "threading").file_stem
    return f"LD_PRELOAD={folder}/{core}{ext}:{folder}/{layer}{ext}"


def _other_host(events: Parsed) -> bool:
    """A JVM's or Julia's load in the log: the process is not a Python environment's."""
    from mkldoctor.explain import jvm
    from mkldoctor.explain.hosts import HostCannotLoad

    hosts = [e.host for e in events.of(HostCannotLoad)]
    return bool(events.of(jvm.JvmNativeLoad) or events.of(jvm.JavaNoLibrary) or any("julia" in h.lower() for h in hosts))


def _fixes(items: list[Unseen], bare: list[str]) -> list[str]:
    preload = _preload(items, bare)
    return [
        "a Python module that links MKL's layers: before importing it, "
        "import sys, os; sys.setdlopenflags(os.RTLD_GLOBAL | os.RTLD_NOW); or, where the environment has MKL's own "
        "runtime of the same release (conda's mkl with mkl-service), import mkl; mkl.get_max_threads() first: its libmkl_rt "
        "opens MKL's layers into the process's global scope (a faiss user's fix, segmentfault 1190000018686995)",
        "the lasting fix: link the module, plugin or library against libmkl_rt alone (-lmkl_rt; numexpr's and numpy's "
        "site.cfg: mkl_libs = mkl_rt), which opens the layers and kernels itself with the scope they need; a plugin host: "
        "dlopen the plugin with RTLD_NOW | RTLD_GLOBAL",
        f"for one run, any host: {preload} <the program>   (with mkl_intel_thread: libmkl_intel_thread and libiomp5 "
        "instead of libmkl_sequential)",
        "the preload must be in the process's own environment: a JVM started by an IDE from the desktop, a service or a "
        "notebook kernel does not inherit a shell's export",
        recipes.CONDA_ONE_CHANNEL,
    ]


def _confirm(items: list[Unseen], bare: list[str]) -> tuple[str, ...]:
    name = os.path.basename(items[0].path) if items and items[0].path != UNNAMED else (bare[0] if bare else "libmkl_avx2.so")
    symbol = items[0].symbol if items else "mkl_serv_getenv"
    return (
        f"LD_DEBUG=libs <the program> 2>&1 | grep -E '{re.escape(name)}|symbol lookup|libmkl_core'   # the kernel found, then "
        "'undefined symbol': this cause; only 'trying file=' lines: the file is missing",
        f"nm -D --defined-only <MKL's lib folder>/libmkl_*.so* | grep -w {symbol}   # which library exports the name",
        "python3 -c \"import ctypes; b = ctypes.create_string_buffer(256); ctypes.CDLL('libmkl_rt.so').mkl_get_version_string(b, 256); "
        "print(b.value.decode())\"   # the MKL release the loader finds",
    )


def _dropped(items: list[Unseen]) -> Finding:
    first = items[0]
    base = os.path.basename(first.path)
    evidence = [f"{u.who}: {u.path} needs {u.symbol}, which no library of the process defines" for u in items[:4]]
    evidence.append(first.exported.sentence())
    evidence.append(f"{first.who} loaded {base} (it calls {base}'s functions) but not the layers {base} itself calls into: "
                    "they are not among the program's DT_NEEDED")
    fix = ["link with -Wl,--no-as-needed before the MKL libraries (CMake: target_link_libraries(app PRIVATE -Wl,--no-as-needed "
           "<the MKL libraries>)), or put the MKL libraries after the objects that call them",
           "or link libmkl_rt alone (-lmkl_rt): one library that opens the others itself"]
    if folders.is_distribution_folder(os.path.dirname(first.path)):  # z4c-CMM's notes: conda's MKL built against, the system's found
        evidence.append(f"{first.path} is the distribution's MKL ({folders.DISTRIBUTION_MKL}): a program built against another "
                        f"MKL (conda's, oneAPI's) whose DT_NEEDED names the unversioned {base} gets this one where its folder "
                        "comes first, without that MKL's other layers")
        thread = "libmkl_gnu_thread" if "_gf_" in base else "libmkl_intel_thread"
        fix.insert(0, "load the MKL the program was built with: its lib folder first on LD_LIBRARY_PATH (or a folder of links to "
                      f"its layers); for one run: LD_PRELOAD=<its lib>/{base}:<its lib>/{thread}.so:<its lib>/libmkl_core.so "
                      f"<the program> ({'libgomp.so.1 first' if 'gnu' in thread else 'with libiomp5'} for the threading layer)")
    return Finding(
        "mkl-layers-not-loaded", "error",
        f"{base} needs {first.symbol}, which MKL's threading layer and core define: the program was linked without them "
        "(--as-needed dropped them)",
        tuple(evidence), tuple(fix),
        "MKL's interface layer (libmkl_intel_lp64) calls the threading layer and the core but does not name them as "
        "dependencies. With --as-needed (the default of Ubuntu's and Debian's compilers) ld keeps a library only when the "
        "objects before it call it directly: the program calls the interface layer only, so the other two are dropped, "
        "and the first call fails at run time.",
        (f"readelf -d {first.who if not is_host(first.who) else '<the program>'} | grep NEEDED   # must list libmkl_core and "
         "the threading layer",),
    )


def _kernel_linked(items: list[Unseen]) -> Finding:
    first = items[0]
    name = os.path.basename(first.path)
    return Finding(
        "mkl-kernel-linked", "error", f"the extension links MKL's CPU kernel {name} itself: a kernel is for MKL's dispatcher only",
        tuple([f"{u.who}: {u.path} needs {u.symbol}" for u in items[:4]] +
              [f"the import loaded {name} (an ImportError, not MKL's own 'Cannot load'): the extension names it as a "
               "dependency, so the loader binds it before MKL's core and threading layer are there to answer it"]),
        ("take the kernel libraries (mkl_avx*, mkl_def, mkl_mc*, mkl_vml_*) out of the extension's link (numpy's, numexpr's "
         "or scipy's site.cfg mkl_libs, a setup.py's libraries) and rebuild it: link mkl_rt alone, or the interface, a "
         "threading layer and the core (mkldoctor link --format flags)",),
        "MKL's core picks the kernel for the CPU at run time and opens it itself, after the layers the kernel calls; a "
        "kernel linked into a program is loaded first, by name, and its calls into the core find nothing yet.",
        (f"readelf -d <the extension's .so> | grep NEEDED   # must not list {name}",),
    )


def _older(items: list[Unseen]) -> Finding:
    first = items[0]
    release = places.release_in(first.path)
    folder = os.path.dirname(first.path)
    evidence = [f"{u.who}: {u.path} needs {u.symbol}" for u in items[:4]]
    evidence.append(f"its folder names MKL {release}: older than every release of mkldoctor's table "
                    f"({exports.releases()[0].name} to {exports.releases()[-1].name}), which cannot say what it exports")
    evidence.append(first.exported.sentence() + f": the MKL the program was built for has it; the one loaded from {folder} does not")
    return Finding(
        "runtime-symbol-missing", "error",
        f"an older MKL ({release}, from {folder}) was loaded instead of the one the program was built with: it lacks {first.symbol}",
        tuple(evidence),
        (f"take {folder} off LD_LIBRARY_PATH (module unload <the module that put it there>), so that the MKL the program was "
         "built with (its environment's lib folder) is found",
         "check which copy the loader takes: LD_DEBUG=libs <the program> 2>&1 | grep libmkl_"),
        "The loader takes the first file of the right name on LD_LIBRARY_PATH, before the program's run path and the "
        "environment's own folder: an old MKL put there by a module system or a login script shadows the one the program "
        "was built against, and its libraries lack names the newer ones call.",
        ("ldd <the module or program> | grep mkl   # each libmkl_* with the folder it comes from",),
    )
