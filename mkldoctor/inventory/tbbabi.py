"""Whether an MKL's TBB threading layer can link with the TBB that is there.

MKL up to 2020 (Debian's 2020.4 included) built ``libmkl_tbb_thread`` against the classic TBB
interface (``tbb::task_group_context::...``, ``tbb::interface7::internal::task_arena_base``,
``libtbb.so.2``); oneTBB 2021 (``libtbb.so.12``, what Debian bookworm and pip's ``tbb`` ship)
dropped it. The answer is read from the files: the ``tbb::`` symbols the layer leaves
undefined, against those the ``libtbb`` exports.
"""

from __future__ import annotations

from mkldoctor.binary.symbols import Problem, read_file
from mkldoctor.errors import InputError
from mkldoctor.inventory.install import MklInstall
from mkldoctor.knowledge import layout, tbb

CLASSIC = f"the classic TBB interface ({tbb.CLASSIC.releases}, {tbb.CLASSIC.soname})"


def tbb_needs(path: str) -> set[str]:
    """The ``tbb::`` symbols (mangled) that the MKL TBB layer at ``path`` leaves undefined."""
    problems: list[Problem] = []
    try:
        listed = read_file(path, problems)
    except InputError:
        return set()
    return {s.name for s in listed.symbols if not s.defined and s.name.startswith("_ZN3tbb")}


def tbb_exports(path: str) -> set[str]:
    problems: list[Problem] = []
    try:
        listed = read_file(path, problems, table="dynsym")
    except InputError:
        return set()
    return {s.name for s in listed.symbols if s.defined}


def abi_gap(install: MklInstall, kind: str, libtbb: str) -> list[str]:
    """The ``tbb::`` symbols this copy's TBB layer (``kind``: static/shared) needs and ``libtbb`` lacks."""
    layer = install.find(layout.layer("tbb", "threading").name, kind)
    if layer is None or not libtbb.endswith((".so", ".so.2", ".so.12")) and ".so." not in libtbb:
        return []
    needed = tbb_needs(layer.path)
    if not needed:
        return []
    return sorted(needed - tbb_exports(libtbb))
