"""Which CPU kernel and VML libraries MKL loads here, learnt by running a probe (``observe/probe.py``).

The probe runs against the copy's own MKL folder when that may be run (``observe/trust.py``: a copy
installed on this machine, a folder named on the command line, or the input's own with ``--run``),
else against a folder on this machine whose ``libmkl_core`` is byte for byte the copy's: nothing
from an image is ever run, nor from a project or a ``--root`` unless the user asks.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass

from mkldoctor.digest import sha256_file
from mkldoctor.discover.sysroot import Root
from mkldoctor.inventory.install import MklInstall
from mkldoctor.knowledge import layout
from mkldoctor.observe.probe import run_probe
from mkldoctor.observe.trust import RunPolicy, installed_here


@dataclass(frozen=True)
class KernelsSeen:
    """What a probe saw of one copy's CPU kernel libraries on this machine: the record check's
    ``kernels-missing`` rule reads, so that no kernel is ever guessed from CPU flags."""

    loaded: tuple[str, ...] | None  # kernel and VML file names a probe mapped on this CPU; None: not observed
    missing: tuple[str, ...]  # of those MKL asked for on this CPU, the ones this copy lacks
    how: str  # "observed on this CPU (...)" or "not observed: why"
    fell_back: bool = False  # MKL ran on the kernels it loaded (``loaded``) in place of the missing ones: slower, no stop


# the kernel does not depend on the interface, and the probe passes 32-bit ints: libmkl_rt's default, LP64
_PROBE_INTERFACE = layout.default("MKL_INTERFACE_LAYER", "interface").short


def observe(fs: Root, suffix: str, mkl_dir: str | None, threading: str, env: dict[str, str],
            search: list[str] | None, image: str | None, policy: RunPolicy = RunPolicy()) -> tuple[list[str] | None, str]:
    """Kernel file names that a probe maps on this CPU with the program's ``threading`` layer (``intel_thread``),
    and how that was learnt."""
    probe_dir, own, libraries, _, refused = _probe_site(fs, mkl_dir, suffix, (threading,), search, image, policy)
    if probe_dir is None or libraries is None:
        why = ("the program's MKL folder was not found" if not mkl_dir
               else f"{refused}, and no MKL installed on this machine has the same files" if refused
               else f"{mkl_dir} lacks files the probe needs, and no MKL on this machine has the same files")
        return None, f"the CPU kernel was not observed: {why} (--search DIR names one{_run_hint(refused, image)})"
    # the kernel does not depend on the interface, and the probe passes 32-bit ints: it always runs LP64
    probe_env = {k: v for k, v in env.items() if k != "MKL_INTERFACE_LAYER"}
    probe_env["MKL_THREADING_LAYER"] = _layer_variable(threading)
    result = run_probe(libraries, [probe_dir] + [os.path.dirname(p) for p in libraries], probe_env)
    if result.error:
        return None, f"the CPU kernel was not observed: {result.error}"
    return list(result.kernels), _how(probe_dir, own, policy, fs)


def _run_hint(refused: str | None, image: str | None) -> str:
    return "; --run runs the copy's own files" if refused and not image else ""


def _probe_site(fs: Root, mkl_dir: str | None, suffix: str, threadings: tuple[str, ...], search: list[str] | None,
                image: str | None, policy: RunPolicy) -> tuple[str | None, str | None, list[str] | None, str | None, str | None]:
    """Where a probe may run: the copy's own folder where the policy allows it (never an image's), else a
    folder installed on this machine whose libmkl_core is byte for byte the copy's; the first threading layer
    both hold. Returns (probe folder, the copy's own host folder, the libraries to link, threading layer,
    why the own folder may not run), None where none fits."""
    own = fs.real_host(mkl_dir) if mkl_dir and not image else None
    refused = policy.refusal(own or mkl_dir or "", root_is_host=fs.is_host, image=bool(image)) if mkl_dir else None

    def sites():
        if own and not refused:
            yield own
        if mkl_dir:  # looked for only when the copy's own folder cannot run the probe
            if same := _same_copy_here(fs, mkl_dir, suffix, search, policy):
                yield same

    for folder in sites():
        for threading in threadings:
            if libraries := _probe_files(folder, suffix, threading):
                return folder, own, libraries, threading, refused
    return None, own, None, None, refused


def _layer_variable(threading: str) -> str:
    """MKL_THREADING_LAYER's value for a threading library ("intel_thread" -> "INTEL")."""
    return layout.get(f"mkl_{threading}").spelled("MKL_THREADING_LAYER")


def _how(probe_dir: str, own: str | None, policy: RunPolicy, fs: Root) -> str:
    where = "" if probe_dir == own else f", run with the identical copy in {probe_dir}"
    ran = policy.ran(probe_dir, root_is_host=fs.is_host) if probe_dir == own else ""
    return f"observed on this CPU (a probe under LD_DEBUG=files{where}{'; ' + ran if ran else ''})"


def _probe_files(folder: str, suffix: str, threading: str) -> list[str] | None:
    """Host paths of what the probe links in ``folder``: libmkl_rt, or the three layers (and libiomp5)."""
    rt = os.path.join(folder, f"libmkl_rt{suffix}")
    wanted = [os.path.join(folder, f"libmkl_{name}{suffix}") for name in (_PROBE_INTERFACE, threading, "core")]
    runtime = layout.openmp_of(layout.get(f"mkl_{threading}"))
    omp = runtime.loaded_as if runtime else None
    if omp == layout.get("iomp5").loaded_as:  # libiomp5 ships beside MKL; GCC's libgomp is the compiler's
        wanted.append(os.path.join(folder, omp))
    if os.path.exists(rt) and all(os.path.exists(p) for p in wanted):
        return [rt]
    if all(os.path.exists(p) for p in wanted):
        return wanted
    return None


def _same_copy_here(fs: Root, mkl_dir: str, suffix: str, search: list[str] | None, policy: RunPolicy) -> str | None:
    """A library folder installed on this machine, allowed to run, whose libmkl_core is byte for byte the root's."""
    mine = fs.real_host(posixpath.join(mkl_dir, f"libmkl_core{suffix}"))
    if mine is None or not os.path.isfile(mine):
        return None
    size = os.path.getsize(mine)
    digest = None
    for folder in sorted(installed_here(tuple(search or ()))):
        theirs = os.path.join(folder, f"libmkl_core{suffix}")
        if policy.refusal(folder, root_is_host=True, image=False) or os.path.realpath(theirs) == os.path.realpath(mine) \
                or not os.path.isfile(theirs) or os.path.getsize(theirs) != size:
            continue
        digest = digest or sha256_file(mine)
        if sha256_file(theirs) == digest:
            return folder
    return None


def observe_install(install: MklInstall, root: str = "/", image: str | None = None,
                    search: list[str] | None = None, policy: RunPolicy = RunPolicy()) -> KernelsSeen:
    """The kernel libraries MKL loads on this CPU from ``install`` (found under ``root``), and those of them
    the copy lacks: a probe linked against the copy itself where it may run here, else against an
    identical copy on this machine (an image's files are never run); "not observed" otherwise."""
    core = install.find("mkl_core", "shared")
    if core is None or not install.lib_dirs:
        return KernelsSeen(None, (), "not observed: no shared libmkl_core")
    fs = Root(root)
    host_dir = os.path.dirname(core.path)
    rel = os.path.relpath(host_dir, fs.root)
    inside = host_dir if fs.is_host else ("/" if rel == "." else "/" + rel)
    probe_dir, own, libraries, layer, refused = _probe_site(fs, inside, core.soname_suffix,
                                                            tuple(lib.short for lib in layout.program_layers()), search,
                                                            image, policy)
    if probe_dir is None or libraries is None or layer is None:
        why = (f"{refused}, and no MKL installed on this machine has the same libmkl_core" if refused
               else f"{host_dir} lacks the layers a probe links (libmkl_rt or intel_lp64 + a threading layer + core), "
                    "and no MKL on this machine has the same libmkl_core")
        return KernelsSeen(None, (), f"not observed: {why} (--search DIR names one{_run_hint(refused, image)})")
    result = run_probe(libraries, [probe_dir] + [os.path.dirname(p) for p in libraries],
                       {"MKL_THREADING_LAYER": _layer_variable(layer)})
    how = _how(probe_dir, own, policy, fs)
    if result.error and not result.unmapped:
        return KernelsSeen(None, (), f"not observed: {result.error}")
    if result.error:  # MKL asked the loader for a kernel library the copy lacks
        return KernelsSeen(result.kernels, result.unmapped, f"{how}: MKL asked for {', '.join(result.unmapped)}; {result.error}")
    if result.unmapped:  # MKL asked for a kernel the copy lacks, and ran on another (libmkl_def: the generic one)
        return KernelsSeen(result.kernels, result.unmapped, f"{how}: MKL asked for {', '.join(result.unmapped)}, which "
                           f"this copy lacks, and fell back to {', '.join(result.kernels)}", fell_back=True)
    held = {os.path.basename(lib.path) for lib in install.libraries}
    missing = tuple(name for name in result.kernels if name not in held)
    return KernelsSeen(result.kernels, missing, f"{how}: MKL loads {', '.join(result.kernels)}")
