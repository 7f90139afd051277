"""MKL linked into a binary: which release, which interface, which threading layer, read from names.

A binary with MKL's static archives linked in (``libtorch_cpu.so``, a program built with
``mkl-static-lp64-iomp``) carries MKL's own functions. What they say:

- **release**: the releases whose shared libraries export every ``mkl_*`` name it defines
  together (the export table of every release, ``knowledge/exports.py``);
- **interface**: in the ILP64 layer a Fortran entry point ``sgemm_`` and its ``sgemm_64`` are one
  function (one address); the LP64 layer has two (the 32-bit ``sgemm_`` beside the 64-bit
  ``sgemm_64``). Seen in programs linked with oneMKL 2026.2's ``libmkl_intel_lp64.a`` and
  ``libmkl_intel_ilp64.a`` and checked with ``nm`` (``tests/test_linked_mkl.py``); releases before
  the ``_64`` entry points have no such pairs, and the interface is then not read;
- **threading layer**: what the binary imports from an OpenMP or TBB runtime (each runtime's
  prefixes, ``__kmpc_``, ``GOMP_``, ``_ZN3tbb``, are declared in ``knowledge/layout.py``); none:
  sequential. The program's own OpenMP code imports the same names, so where the binary also
  defines names that only one threading library exports (the export table), that is said too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from mkldoctor.binary.elfmap import SHT_DYNSYM, ElfMap
from mkldoctor.knowledge import exports, layout
from mkldoctor.knowledge.history import version_key

MARKER = "mkl_serv_get_version"  # exported by every MKL core since 2019: cheap to ask a hash table for
_CRITICAL = ".gomp_critical_user_"  # OpenMP named critical sections: the threaded layers' own locks


@dataclass(frozen=True)
class LinkedMkl:
    """What the names of one binary say about the MKL linked into it."""

    symbols: int  # MKL functions (mkl_*) it defines
    versions: tuple[str, ...]  # MKL versions ("2024.2") whose exports hold them all; several: not narrowed
    packages: tuple[str, ...]  # the release packages of those ("2024.2.0", "2024.2.1")
    release_how: str
    interface: str | None  # "lp64", "ilp64"; None: not read
    interface_how: str
    threading: str | None  # a layout name: "mkl_gnu_thread"; None: not read (several runtimes imported)
    threading_how: str

    @property
    def release(self) -> str | None:
        return self.versions[0] if len(self.versions) == 1 else None

    @property
    def threading_word(self) -> str | None:
        """``gnu``, ``intel``, ``sequential``, ``tbb``: mkldoctor's own word for the layer."""
        entry = layout.get(self.threading) if self.threading else None
        return entry.spelled("mkldoctor") if entry else None


def is_mkl_name(name: str) -> bool:
    return name.startswith("mkl_")


def prefixes() -> tuple[bytes, ...]:
    """How the names :func:`read_linked` reads in an export table start: MKL's own, the threaded layers'
    critical sections, and what each runtime's callers import. The Fortran entry points it also reads are
    asked for by name (:func:`entry_points`)."""
    return (b"mkl_", _CRITICAL.encode(), *(p.encode() for lib in layout.LIBRARIES for p in lib.imports))


_ERRCHK = re.compile(r"mkl_(?:blas|lapack)_errchk_([a-z0-9]+?)(?:_ilp64)?$")


def entry_points(names) -> list[str]:
    """The Fortran entry points and their ``_64`` twins a binary with MKL linked in may export, named after
    the interface layer's argument checkers it defines (``mkl_blas_errchk_sgemm``: ``sgemm_``, ``sgemm_64``)."""
    found = {m.group(1) for n in names if (m := _ERRCHK.match(n))}
    return [name for base in sorted(found) for name in (f"{base}_", f"{base}_64")]


def exported_names(elf: ElfMap) -> tuple[dict[str, int], list[str]] | None:
    """(what :func:`read_linked` reads of a shared object that exports its MKL, its imports), from its export
    table only: ``libtorch_cpu.so``'s 23,525 ``mkl_*`` names and the entry points they name. None when it
    exports no ``mkl_*`` name (a program keeps them in ``.symtab``)."""
    defined, undefined = elf.values(SHT_DYNSYM, prefixes=prefixes())
    if not any(is_mkl_name(n) for n in defined):
        return None
    for name in entry_points(defined):
        address = elf.lookup(name)
        if address is not None:
            defined[name] = address
    return defined, undefined


def read_linked(defined: Mapping[str, int], undefined: Iterable[str]) -> LinkedMkl | None:
    """``defined``: name -> address of what the binary defines; ``undefined``: what it imports.
    None when it defines no ``mkl_*`` function."""
    names = [n for n in defined if is_mkl_name(n)]
    if not names:
        return None
    versions, packages, release_how = releases_of(names)
    interface, interface_how = interface_of(defined)
    threading, threading_how = threading_of(defined, undefined, packages)
    return LinkedMkl(len(names), versions, packages, release_how, interface, interface_how, threading, threading_how)


def releases_of(names: list[str]) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(MKL versions, release packages, the evidence in words) for the ``mkl_*`` names a binary defines."""
    known, packages = exports.common_releases(names)
    if not known or not packages:
        return (), (), ""
    by_name = {r.name: r.mkl for r in exports.releases()}
    versions = tuple(sorted({by_name[p] for p in packages}, key=version_key))
    which = f"MKL {versions[0]} ({', '.join(packages)})" if len(versions) == 1 else "one of MKL " + ", ".join(versions)
    return versions, packages, f"{known} of its {len(names)} MKL functions are exported together only by {which} (the export table of every release)"


def interface_of(defined: Mapping[str, int]) -> tuple[str | None, str]:
    """LP64 or ILP64, from the Fortran entry points defined beside their ``_64`` twins."""
    same, apart = [], []
    for name, address in defined.items():
        base = name[:-2]  # sgemm_64 -> sgemm_
        if name.endswith("_64") and base.endswith("_") and base in defined:
            (same if defined[base] == address else apart).append(base)
    if not same and not apart:
        return None, "no Fortran entry point beside its _64 twin (sgemm_ and sgemm_64): the interface is not read"
    if apart and not same:
        return "lp64", (f"{len(apart)} Fortran entry points ({', '.join(sorted(apart)[:3])}...) are separate functions from "
                        "their _64 twins: LP64's 32-bit integers beside the 64-bit _64 API")
    if same and not apart:
        return "ilp64", (f"{len(same)} Fortran entry points ({', '.join(sorted(same)[:3])}...) are one function with their "
                         "_64 twins: the ILP64 layer, 64-bit integers everywhere")
    return None, (f"{len(apart)} Fortran entry points are apart from their _64 twins and {len(same)} are one with them: "
                  "both interfaces seem linked in")


def threading_of(defined: Mapping[str, int], undefined: Iterable[str], packages: tuple[str, ...]) -> tuple[str | None, str]:
    """The threading layer, from the runtime the binary imports from (none: sequential)."""
    imported = layout.runtimes_imported(undefined)
    if not imported:
        return "mkl_sequential", "it imports nothing from an OpenMP or TBB runtime: the sequential layer"
    if len(imported) > 1:
        said = "; ".join(f"{len(v)} names of lib{k} ({v[0]}...)" for k, v in sorted(imported.items()))
        return None, f"it imports from several runtimes ({said}): the layer is not read from its imports"
    runtime, calls = next(iter(imported.items()))
    layer = layout.layer_for_runtime(runtime)
    how = f"it imports {len(calls)} names of lib{runtime} ({', '.join(sorted(calls)[:2])}...): the {layer.name} layer"
    own = _layer_only_names(defined, packages)
    if own.get(layer.name):
        names = sorted(own[layer.name])
        how += f"; it defines {len(names)} names that only {layer.file_stem} exports ({names[0]}...)"
    elif own:
        other = sorted(own)[0]
        how += f"; but it defines names that only lib{other} exports ({sorted(own[other])[0]}...)"
    return layer.name, how


def _layer_only_names(defined: Mapping[str, int], packages: tuple[str, ...]) -> dict[str, list[str]]:
    """layer -> names the binary defines that, in its release, only that threading library exports."""
    threading = {library.file_stem: library.name for library in layout.of_role("threading")}
    index = {r.name: i for i, r in enumerate(exports.releases())}
    bits = 0
    for package in packages:
        bits |= 1 << index[package]
    found: dict[str, list[str]] = {}
    candidates = [n for n in defined if n.startswith(_CRITICAL)]
    for name, holders in exports.holders_of(candidates).items():
        layers = {threading[lib] for lib, mask in holders.items() if mask & bits and lib in threading}
        others = [lib for lib, mask in holders.items() if mask & bits and lib not in threading and lib != "libmkl_rt"]
        if len(layers) == 1 and not others:
            found.setdefault(layers.pop(), []).append(name)
    return found
