"""Findings on a Python environment's map (``discover/pymap.py``): what one process can end up with.

What each rule says of MKL's own behaviour was seen with oneMKL 2026.2's ``libmkl_rt`` (the mkl wheel)
and torch 2.13 in this project's tests (``tests/test_python_import.py`` runs each case for real):

- a library whose soname is ``libgomp.so.1`` already in the process makes ``libmkl_rt`` take the GNU
  layer at its first call, whatever ``MKL_THREADING_LAYER`` says; a vendored copy renamed by
  auditwheel (``libgomp-e985bcbb.so.1.0.0``) does not;
- mkl-service, imported after such a libgomp with ``MKL_THREADING_LAYER=INTEL``, stops the import
  (``MKL_THREADING_LAYER=INTEL is incompatible with libgomp.so.1 library``);
- two files of Intel's OpenMP runtime in one process abort it: ``OMP: Error #15``;
- ``libmkl_tbb_thread`` names ``libtbb.so.12`` with no run path: in a pip venv the loader does not find
  the tbb wheel's copy, and MKL stops (``Cannot load libmkl_tbb_thread.so.3``).
"""

from __future__ import annotations

import os
from typing import Mapping

from mkldoctor.discover.pymap import EnvMap, unfound_needs
from mkldoctor.discover.pylibs import Library
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout
from mkldoctor.knowledge.recipes import remove_packages

KMP = ("iomp5", "omp")  # one family: each registers itself once per process (LLVM's libomp is Intel's runtime, opened)
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
GOMP_SONAME = "libgomp.so.1"  # the name libmkl_rt looks for


def users(m: EnvMap) -> dict[str, list[str]]:
    """library path -> how each distribution brings it: "torch loads it", "mkl-service's MKL opens it"."""
    found: dict[str, list[str]] = {}
    for d in m.dists:
        for path in d.loads:
            found.setdefault(path, []).append(f"{d.dist.name} loads it")
        for path in d.opens:
            found.setdefault(path, []).append(f"{d.dist.name}'s MKL opens it (libmkl_rt's default INTEL layer)")
        for path in d.ships:  # ctypes loads (torch's libtorch_global_deps, a vendored runtime) are not in DT_NEEDED
            if d.extensions and path not in d.loads:
                found.setdefault(path, []).append(f"{d.dist.name} ships it beside its modules")
    return found


def findings(m: EnvMap, environ: Mapping[str, str]) -> list[Finding]:
    used = users(m)
    out: list[Finding] = []
    out += _kmp_copies(m, used, environ)
    out += _several_runtimes(m, used, environ)
    out += _layer_order(m, used)
    out += _threading_variable(m, used, environ)
    out += _unused_mkl(m, used)
    out += _shared_blas_names(m, used, environ)
    return out


def _line(m: EnvMap, path: str, used: dict[str, list[str]]) -> str:
    library = m.libraries[path]
    digest = f", sha256 {library.sha256[:12]}" if library.sha256 else ""
    return f"{path}: {library.label}{digest}; " + "; ".join(used.get(path, ["nothing loads it"]))


def _modules(m: EnvMap, names: list[str]) -> list[str]:
    out = []
    for name in names:
        found = m.dist(name)
        mods = found.dist.modules(m.env.site_dirs) if found else ()
        out.append(next((x for x in mods if x.replace("_", "").lower() in name.replace("-", "").lower()), mods[0] if mods else name))
    return list(dict.fromkeys(out))


def _confirm(m: EnvMap, dist_names: list[str]) -> tuple[str, ...]:
    mods = _modules(m, dist_names)
    python = m.env.interpreter or m.env.prefix
    return (f"mkldoctor python {python} --import {','.join(mods)}   # imports them in that order, says what was loaded",)


def _owners(m: EnvMap, paths: list[str], used: dict[str, list[str]]) -> list[str]:
    return list(dict.fromkeys(u.split(" ")[0].removesuffix("'s") for p in paths for u in used.get(p, [])))


def _kmp_copies(m: EnvMap, used: dict[str, list[str]], environ: Mapping[str, str]) -> list[Finding]:
    copies = [p for p in used if m.libraries[p].runtime in KMP]
    if len(copies) < 2:
        if environ.get("KMP_DUPLICATE_LIB_OK", "").upper() == "TRUE":
            return [Finding("python-kmp-duplicate-ok", "info", "KMP_DUPLICATE_LIB_OK=TRUE is set, and no second copy of "
                            "Intel's OpenMP runtime is here", ("KMP_DUPLICATE_LIB_OK=TRUE (this shell's environment)",),
                            ("unset KMP_DUPLICATE_LIB_OK   # it would hide the next clash instead of stopping on it",))]
        return []
    hidden = environ.get("KMP_DUPLICATE_LIB_OK", "").upper() == "TRUE"
    same = len({m.libraries[p].sha256 for p in copies}) == 1
    evidence = tuple(_line(m, p, used) for p in copies) + (
        ("the same bytes in two files: still two runtimes in one process",) if same else ())
    owners = _owners(m, copies, used)
    fix = ("keep one copy: install these packages from one source so that they load the same libiomp5 "
           f"(or remove the vendored one: {copies[-1]})",
           "unset KMP_DUPLICATE_LIB_OK" if hidden else "do not set KMP_DUPLICATE_LIB_OK=TRUE to get past it")
    why = ("Intel's OpenMP runtime (and LLVM's libomp, the same code) registers itself once per process; the second copy "
           "initialised stops the process with `OMP: Error #15: Initializing libiomp5.so, but found libiomp5.so already "
           "initialized` when both packages' code runs in one process")
    if hidden:
        return [Finding("python-openmp-clash-hidden", "warning", f"{len(copies)} copies of Intel's OpenMP runtime, and "
                        "KMP_DUPLICATE_LIB_OK=TRUE lets them both run", evidence + ("KMP_DUPLICATE_LIB_OK=TRUE (this shell)",),
                        fix, why + "; KMP_DUPLICATE_LIB_OK=TRUE lets the process go on with two thread pools, which 'may "
                        "cause crashes or silently produce incorrect results' (the runtime's own words)", _confirm(m, owners))]
    return [Finding("python-openmp-clash", "error", f"{len(copies)} copies of Intel's OpenMP runtime can meet in one "
                    f"process ({', '.join(owners)}): it aborts with OMP: Error #15", evidence, fix, why, _confirm(m, owners))]


def _pools(m: EnvMap, used: dict[str, list[str]]) -> list[str]:
    """Every thread pool a process of this environment can start, with what sizes it."""
    pools = []
    for path in used:
        lib = m.libraries[path]
        if lib.kind == "openmp":
            pools.append(f"{lib.label.split(' (')[0]} at {path} (OMP_NUM_THREADS)")
        elif lib.kind == "openblas":
            pools.append(f"{lib.label} at {path} (OPENBLAS_NUM_THREADS, else OMP_NUM_THREADS)")
        elif lib.kind == "mkl-linked" and lib.threading != "mkl_sequential":
            runtime = layout.get(lib.threading).runtime if lib.threading else None
            pools.append(f"{lib.label} at {path}, on {'lib' + runtime if runtime else 'its runtime'}"
                         " (MKL_NUM_THREADS, else OMP_NUM_THREADS)")
    return pools


def _set_variables(environ: Mapping[str, str]) -> str:
    said = [f"{v}={environ[v]}" for v in THREAD_VARIABLES if environ.get(v)]
    return ", ".join(said) if said else f"none of {', '.join(THREAD_VARIABLES)} is set"


def _several_runtimes(m: EnvMap, used: dict[str, list[str]], environ: Mapping[str, str]) -> list[Finding]:
    runtimes = [p for p in used if m.libraries[p].kind == "openmp"]
    if len(runtimes) < 2 or all(m.libraries[p].runtime in KMP for p in runtimes):
        pools = _pools(m, used)
        if len(pools) >= 2 and not any(environ.get(v) for v in THREAD_VARIABLES):
            return [Finding("python-thread-pools", "info", f"{len(pools)} thread pools in one process, each as wide as the CPU",
                            tuple(pools) + (_set_variables(environ),), ("export OMP_NUM_THREADS=$(nproc)   # or fewer",))]
        return []
    owners = _owners(m, runtimes, used)
    evidence = tuple(_line(m, p, used) for p in runtimes) + tuple(f"thread pool: {p}" for p in _pools(m, used)) + \
        (_set_variables(environ),)
    return [Finding("python-openmp-several", "warning", f"{len(runtimes)} OpenMP runtimes can share one process "
                    f"({', '.join(owners)}): each starts its own threads", evidence,
                    ("export OMP_NUM_THREADS=<cores / pools busy at once>   # each runtime reads it for its own pool",
                     "or limit them where they nest: threadpoolctl.threadpool_limits(limits=1) around the inner library's calls"),
                    "Each OpenMP runtime keeps its own pool, one thread per core by default: code of two packages running at "
                    "once (scikit-learn's loops around torch's) starts both, and the threads outnumber the cores "
                    "(oversubscription: slower, not faster). Copies of one runtime do not share their pool either.",
                    _confirm(m, owners))]


def _gomp_users(m: EnvMap, used: dict[str, list[str]]) -> list[str]:
    return [p for p in used if m.libraries[p].runtime == "gomp" and m.libraries[p].soname == GOMP_SONAME]


def _rt_paths(m: EnvMap, used: dict[str, list[str]]) -> list[str]:
    return [p for p in used if m.libraries[p].kind == "mkl" and m.libraries[p].role == "rt"]


def _layer_order(m: EnvMap, used: dict[str, list[str]]) -> list[Finding]:
    rts, gomps = _rt_paths(m, used), _gomp_users(m, used)
    if not rts or not gomps:
        return []
    owners = _owners(m, gomps, used) + _owners(m, rts, used)
    return [Finding("python-mkl-layer-order", "warning", "the import order decides MKL's threading layer: "
                    f"{' or '.join(_owners(m, gomps, used))} first makes libmkl_rt take GNU", tuple(_line(m, p, used) for p in gomps + rts),
                    ("export MKL_THREADING_LAYER=GNU   # one OpenMP runtime (libgomp) whatever is imported first",),
                    f"libmkl_rt picks its layer at its first call: with {GOMP_SONAME} already in the process it takes the GNU "
                    "layer (even with MKL_THREADING_LAYER=INTEL, and mkl-service then stops the import: "
                    "'MKL_THREADING_LAYER=INTEL is incompatible with libgomp.so.1'); called first, it takes INTEL and brings "
                    "libiomp5 beside that libgomp, silently: two OpenMP runtimes.", _confirm(m, owners))]


def _threading_variable(m: EnvMap, used: dict[str, list[str]], environ: Mapping[str, str]) -> list[Finding]:
    word = environ.get("MKL_THREADING_LAYER", "").strip()
    if not word:
        return []
    said = f"MKL_THREADING_LAYER={word} (this shell's environment)"
    layer = layout.spelled("MKL_THREADING_LAYER", word, "threading")
    if layer is None:
        words = ", ".join(layout.words("MKL_THREADING_LAYER", "threading"))
        return [Finding("python-mkl-threading-unknown", "error", f"MKL_THREADING_LAYER={word} is no layer MKL knows",
                        (said,), (f"export MKL_THREADING_LAYER=<one of {words}>",))]
    rts = _rt_paths(m, used)
    if not rts:
        linked = [p for p in used if m.libraries[p].kind == "mkl-linked"]
        return [Finding("python-mkl-threading-unused", "info", f"{said.split(' (')[0]} changes nothing here: no package "
                        "loads libmkl_rt", (said,) + tuple(f"{_line(m, p, used)}: its layer is fixed at its build"
                                                            for p in linked), ("unset MKL_THREADING_LAYER",))]
    out = []
    gomps = _gomp_users(m, used)
    if layer.runtime == "iomp5" and gomps:
        stops = m.dist("mkl-service") is not None
        out.append(Finding("python-mkl-threading-ignored", "error" if stops else "warning",
                           f"MKL_THREADING_LAYER={word} meets {GOMP_SONAME} ({', '.join(_owners(m, gomps, used))})",
                           (said,) + tuple(_line(m, p, used) for p in gomps),
                           ("export MKL_THREADING_LAYER=GNU",),
                           f"Imported first, that {GOMP_SONAME} makes libmkl_rt take the GNU layer at its first call whatever "
                           "MKL_THREADING_LAYER says" + ("; mkl-service, installed here, stops the import instead: "
                                                         "'MKL_THREADING_LAYER=INTEL is incompatible with libgomp.so.1 library'"
                                                         if stops else ""), _confirm(m, _owners(m, gomps + rts, used))))
    for rt in rts:
        path = os.path.join(os.path.dirname(rt), f"{layer.file_stem}{_suffix(rt)}")
        missing = unfound_needs(path, environ) if os.path.isfile(path) else [os.path.basename(path)]
        provided = {m.libraries[p].soname for p in used if m.libraries[p].soname}
        missing = [s for s in missing if s not in provided or s == os.path.basename(path)]
        if missing:
            folder = os.path.dirname(rt)
            out.append(Finding("python-mkl-layer-unloadable", "error", f"MKL_THREADING_LAYER={word}: MKL cannot load "
                               f"{os.path.basename(path)} here", (said, f"{path} needs {', '.join(missing)}, which the loader "
                                                                         "does not find from there (no run path, not on its path)"),
                               (f"export LD_LIBRARY_PATH={folder}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}",),
                               f"MKL opens the layer by its full path and stops with 'Cannot load {os.path.basename(path)}' "
                               "when the layer's own libraries are not found"))
    return out


def _suffix(path: str) -> str:
    name = os.path.basename(path)
    return name[name.index(".so"):]


def _unused_mkl(m: EnvMap, used: dict[str, list[str]]) -> list[Finding]:
    out = []
    for d in m.dists:
        mkl_files = [p for p in d.ships if m.libraries[p].kind == "mkl"]
        if not any(m.libraries[p].role == "rt" for p in mkl_files) or any(p in used for p in mkl_files):
            continue
        size = sum(m.libraries[p].size for p in mkl_files)
        instead = [f"{x.dist.name}: {m.libraries[p].label}" for x in m.dists for p in x.loads
                   if m.libraries[p].kind not in ("openmp", "tbb", "mkl")]
        companions = [n for n in (d.dist.key, *d.dist.requires) if m.dist(n) is not None
                      and not any(n in x.dist.requires for x in m.dists if x.dist.key not in (d.dist.key, *d.dist.requires))]
        required = [x.dist.name for x in m.dists if d.dist.key in x.dist.requires]
        fix = ((f"{remove_packages(companions, m.env.kind, m.env.interpreter, m.env.prefix)}   # nothing loads them",)
               if not required else (f"nothing loads it, but {', '.join(required)} asks for it: leave it, or ask why",))
        out.append(Finding("python-mkl-unused", "warning", f"{d.dist.name} {d.dist.version or ''} is installed and no package "
                           "loads it".replace("  ", " "),
                           (f"{d.dist.name} {d.dist.version}: {len(mkl_files)} MKL libraries, {size / 1e6:.0f} MB, in "
                            f"{os.path.dirname(mkl_files[0])}",
                            "no extension module of this environment names libmkl_rt or another of them (DT_NEEDED, followed)",
                            *(f"what is used instead: {line}" for line in instead)),
                           fix, "The mkl package is only a library: a package uses it when its modules are linked "
                                "against libmkl_rt (or mkl-service loads it), and none here is: each brings its own BLAS, so "
                                "MKL_THREADING_LAYER, MKL_NUM_THREADS and mkl-service settings change nothing for them."))
    return out


def _integers(m: EnvMap, lib: Library, environ: Mapping[str, str]) -> str | None:
    """A library's integer size; libmkl_rt's plain names follow MKL_INTERFACE_LAYER, but mkl-service sets LP64 when
    it loads libmkl_rt, whatever the variable says (seen: MKL_INTERFACE_LAYER=ILP64, then libmkl_intel_lp64 mapped)."""
    if lib.kind == "mkl" and lib.role == "rt":
        wide = "ILP64" in environ.get("MKL_INTERFACE_LAYER", "").upper() and m.dist("mkl-service") is None
        return "ilp64" if wide else "lp64"
    return lib.integers


def _shared_blas_names(m: EnvMap, used: dict[str, list[str]], environ: Mapping[str, str]) -> list[Finding]:
    named = [p for p in used if m.libraries[p].exports_api and _integers(m, m.libraries[p], environ)]
    sizes = {_integers(m, m.libraries[p], environ) for p in named}
    if len(sizes) < 2:
        return []
    evidence = tuple(f"{_line(m, p, used)}; exports dgemm_ with {_integers(m, m.libraries[p], environ).upper()} integers"
                     for p in named)
    return [Finding("python-blas-integer-mix", "warning", "LP64 and ILP64 BLAS libraries export the same names (dgemm_) "
                    "into one process", evidence, ("keep one integer size: unset MKL_INTERFACE_LAYER, or keep the ILP64 "
                                                   "library out of processes that load the LP64 one",),
                    "A library opened with RTLD_GLOBAL serves every later lookup of dgemm_ by name, other libraries' PLT "
                    "calls included: 32-bit integers passed to an ILP64 dgemm_ are read with garbage in their upper half "
                    "(OpenBLAS then says 'On entry to DGEMM parameter number 13 had an illegal value' and computes "
                    "nothing).", _confirm(m, _owners(m, named, used)))]


def project_findings(project: str, environ: Mapping[str, str]) -> list[Finding]:
    """``check``'s part: the findings on the project's Python environment (the active one, else its ``.venv``),
    read without running anything of it; none when it has none."""
    from mkldoctor.discover.pyenv import project_env
    from mkldoctor.discover.pymap import map_environment

    env = project_env(project, environ)
    return findings(map_environment(env, environ), environ) if env is not None else []
