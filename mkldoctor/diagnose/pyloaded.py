"""Findings on what one real process loaded (``mkldoctor python --import``): the probe's record
(``runtime/pyprobe.py``), each mapped library named as the environment's map names it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping

from mkldoctor.discover.pylibs import Library
from mkldoctor.discover.pymap import EnvMap
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout


@dataclass(frozen=True)
class MklSeen:
    path: str  # the library that defines MKL_Get_Version_String: libmkl_rt, or one with MKL linked in
    version: str  # MKL's own words: "Intel(R) oneAPI Math Kernel Library Version 2026.2-Product Build ..."
    max_threads: int | None


@dataclass(frozen=True)
class Binding:
    library: str  # a library that defines the name itself
    name: str  # "dgemm_"
    bound: str | None  # the file the process's global scope resolves it to (None: none: the library's own)


@dataclass(frozen=True)
class Observed:
    """What a process of the environment loaded, importing ``modules`` in order."""

    modules: tuple[str, ...]
    errors: tuple[tuple[str, str], ...]  # (module, its exception)
    died: str | None  # "killed by SIGABRT while importing sklearn", or "exit status 1 ..."; None: it ran to the end
    stderr: tuple[str, ...]  # the lines of its output that say why (OMP: Error #15 on stderr; MKL writes FATAL ERROR to stdout)
    loaded: tuple[str, ...]  # real paths of what was mapped after the imports
    first_call: tuple[str, ...]  # what MKL's first call (the probe's) mapped besides
    mkl: tuple[MklSeen, ...]
    bindings: tuple[Binding, ...]
    libraries: Mapping[str, Library]  # the loaded files that decide BLAS or threads, the map's and the system's

    def runtime_libraries(self) -> list[str]:
        return [p for p in (*self.loaded, *self.first_call) if p in self.libraries]


def findings(m: EnvMap, seen: Observed, environ: Mapping[str, str]) -> list[Finding]:
    out = _died(m, seen) + _errors(seen)
    out += _runtimes(seen)
    out += _layer(seen, environ)
    out += _interposed(seen)
    return out


def _imported(seen: Observed) -> str:
    return ",".join(seen.modules)


def _died(m: EnvMap, seen: Observed) -> list[Finding]:
    if seen.died is None:
        return []
    clash = any("OMP: Error #15" in line for line in seen.stderr)
    title = f"importing {_imported(seen)} {seen.died}" + (": two OpenMP runtimes of Intel's kind (OMP: Error #15)" if clash else "")
    fix = ("keep one copy of libiomp5 in the environment (see python-openmp-clash)",) if clash else \
        ("read the error above; mkldoctor explain reads it too: mkldoctor explain - < the-error.txt",)
    return [Finding("python-import-died", "error", title, seen.stderr or (seen.died,), fix,
                    "A process that imports these modules, in this order, does not get past the imports.")]


def _errors(seen: Observed) -> list[Finding]:
    return [Finding("python-import-failed", "error", f"import {module} failed: {error.splitlines()[0][:200]}", (error,),
                    (f"fix the import of {module} first; mkldoctor explain reads its message: mkldoctor explain - < error.txt",))
            for module, error in seen.errors]


def _line(seen: Observed, path: str) -> str:
    library = seen.libraries[path]
    digest = f", sha256 {library.sha256[:12]}" if library.sha256 else ""
    when = " (mapped at MKL's first call)" if path in seen.first_call else ""
    return f"{path}: {library.label}{digest}{when}"


def _runtimes(seen: Observed) -> list[Finding]:
    runtimes = [p for p in seen.runtime_libraries() if seen.libraries[p].kind == "openmp"]
    if len(runtimes) < 2:
        return []
    kmp = [p for p in runtimes if seen.libraries[p].runtime in ("iomp5", "omp")]
    mixed = kmp and len(kmp) < len(runtimes)
    return [Finding("python-openmp-loaded", "error" if len(kmp) > 1 else "warning",
                    f"importing {_imported(seen)} loads {len(runtimes)} OpenMP runtimes into one process",
                    tuple(_line(seen, p) for p in runtimes),
                    ("export OMP_NUM_THREADS=<cores / pools busy at once>",
                     "export MKL_THREADING_LAYER=GNU   # MKL then runs on the libgomp already there, without libiomp5"
                     if mixed else "or limit the inner pool where they nest: threadpoolctl.threadpool_limits(limits=1)"),
                    "Each runtime keeps its own pool of threads sized to the CPU; they do not know of each other.")]


def _layer(seen: Observed, environ: Mapping[str, str]) -> list[Finding]:
    word = environ.get("MKL_THREADING_LAYER", "").strip()
    asked = layout.spelled("MKL_THREADING_LAYER", word, "threading") if word else None
    taken = [p for p in (*seen.loaded, *seen.first_call)
             if (entry := layout.get(os.path.basename(p))) is not None and entry.role == "threading"]
    if asked is None or not taken:
        return []
    names = {layout.get(os.path.basename(p)).name for p in taken}
    if names == {asked.name}:
        return []
    gomp = [p for p in seen.loaded if p in seen.libraries and seen.libraries[p].soname == "libgomp.so.1"]
    return [Finding("python-mkl-layer-overridden", "warning", f"MKL_THREADING_LAYER={word}, and MKL took "
                    f"{', '.join(sorted(names))}", (f"MKL_THREADING_LAYER={word} (this shell's environment)",
                                                   *(f"mapped: {p}" for p in taken),
                                                   *(f"already in the process before MKL's first call: {p}" for p in gomp)),
                    ("export MKL_THREADING_LAYER=GNU   # what libmkl_rt takes anyway beside libgomp.so.1",),
                    "libmkl_rt takes the GNU layer at its first call when a libgomp.so.1 is already in the process, "
                    "whatever MKL_THREADING_LAYER says.")]


def _interposed(seen: Observed) -> list[Finding]:
    moved: dict[str, list[Binding]] = {}
    for binding in seen.bindings:
        if binding.bound is None or binding.bound == binding.library or _same_mkl(binding.library, binding.bound):
            continue
        moved.setdefault(binding.library, []).append(binding)
    out = []
    for library, bindings in moved.items():
        target = bindings[0].bound
        own, other = seen.libraries.get(library), seen.libraries.get(target)
        mix = own and other and own.integers and other.integers and own.integers != other.integers
        out.append(Finding("python-blas-interposed", "error" if mix else "warning",
                           f"{os.path.basename(library)}'s own calls to {', '.join(b.name for b in bindings)} go to "
                           f"{os.path.basename(target)}",
                           (f"{library}: {own.label if own else 'defines them'}",
                            f"{target}: {other.label if other else 'is first in the global scope'}: loaded with RTLD_GLOBAL, "
                            "it is found first when those names are looked up"),
                           (f"keep {os.path.basename(target)}'s loader (mkl-service: import mkl) out of processes whose "
                            f"{os.path.basename(library)} must use its own BLAS",
                            "or keep it knowingly: its settings (mkl.set_num_threads) then apply to those calls too"),
                           "ELF interposition: a library's calls through its PLT bind to the first definition in the "
                           "process's global scope, another library's when one was opened RTLD_GLOBAL (mkl-service "
                           "loads libmkl_rt so): that copy's release, threading layer and integer size then serve them.",
                           (f"LD_DEBUG=bindings python -c 'import {_imported(seen).replace(',', ', ')}' 2>&1 | grep -w "
                            f"{bindings[0].name}",)))
    return out


def _same_mkl(library: str, bound: str) -> bool:
    """libmkl_rt dispatching to its own interface layer is one MKL, not interposition."""
    return os.path.dirname(library) == os.path.dirname(bound) and all(
        layout.any_mkl_file(os.path.basename(p)) for p in (library, bound))


def died_line(signal_or_status: int, importing: str | None, stage: str | None = None) -> str:
    import signal

    where = f" while importing {importing}" if importing else f" {stage or 'after the imports'}"
    if signal_or_status < 0:
        try:
            name = signal.Signals(-signal_or_status).name
        except ValueError:
            name = f"signal {-signal_or_status}"
        return f"was killed by {name}{where}"
    return f"ended with exit status {signal_or_status}{where}"


_TELLING = re.compile(r"OMP: (Error|Hint)|FATAL|ERROR|Error|incompatible|cannot open|undefined symbol")


def telling_lines(stderr: str, limit: int = 8) -> tuple[str, ...]:
    """The lines of a dead probe's stderr that say why (never the whole traceback)."""
    lines = [line.strip() for line in stderr.splitlines() if _TELLING.search(line)]
    return tuple(line[:400] for line in lines[:limit])
