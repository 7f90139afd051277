"""The two generations of TBB an MKL threading layer may be built for, and which one a ``tbb::`` name belongs to.

MKL 2020 and older built ``libmkl_tbb_thread`` against the classic TBB interface (``tbb::task``,
``tbb::task_group_context``, ``tbb::interface7``: ``libtbb.so.2``, TBB 2020 and older); oneMKL 2021 and newer against
oneTBB (``tbb::detail::r1``: ``libtbb.so.12``), which removed the classic entry points. Read from the layers' own
undefined names (libmkl_tbb_thread.so.3 of the 2026.2 wheel: ``_ZN3tbb6detail2r1...``, DT_NEEDED ``libtbb.so.12``;
MKL 2020's: ``tbb::task::note_affinity``, anaconda-issues#11389) and oneTBB's migration notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkldoctor.knowledge import layout


@dataclass(frozen=True)
class TbbGeneration:
    name: str  # "classic", "oneTBB"
    releases: str  # the TBB releases of this generation, in words
    soname: str  # what the loader loads: libtbb.so.2, libtbb.so.12
    mkl: str  # the MKL releases whose TBB layer is built for it
    conda: str  # the conda spec that installs this generation
    mangled: tuple[str, ...]  # prefixes of its mangled names ("" for any other tbb:: name)


ONETBB = TbbGeneration("oneTBB", "oneTBB 2021 and newer", "libtbb.so.12", "oneMKL 2021 and newer", "'tbb>=2021'",
                       ("_ZN3tbb6detail", "tbb::detail::"))
CLASSIC = TbbGeneration("classic", "TBB 2020 and older", "libtbb.so.2", "MKL 2020 and older", "'tbb=2020'",
                        (*layout.get("tbb").imports, "tbb::"))  # any other tbb:: name
GENERATIONS = (ONETBB, CLASSIC)  # the more specific prefixes first


def generation_of(symbol: str) -> TbbGeneration | None:
    """The TBB generation a ``tbb::`` name (mangled or demangled) belongs to; None for a name that is not TBB's."""
    return next((g for g in GENERATIONS if symbol.startswith(g.mangled)), None)


@dataclass(frozen=True)
class TbbFolders:
    """Where one distribution keeps TBB's link libraries and its run-time libraries (TBB is a component of its own,
    never in MKL's folder). oneTBB's Windows layout: ``lib\\<arch>\\vc14`` (``vc_mt`` for the static C runtime) and
    ``redist\\<arch>\\vc14`` up to oneAPI 2023 (oneTBB 2021.10), ``lib`` and ``bin`` from oneAPI 2024 (oneTBB 2021.11);
    Linux's ``lib/intel64/gcc4.8`` up to 2023, ``lib`` from 2024 (oneTBB's install layout, opencv#19447)."""

    platform: str  # "windows" or "linux"
    releases: str
    libs: str  # tbb12.lib / libtbb.so
    runtime: str  # tbb12.dll / libtbb.so.12


FOLDERS: tuple[TbbFolders, ...] = (
    TbbFolders("windows", "oneAPI 2024.0 and newer", r"C:\Program Files (x86)\Intel\oneAPI\tbb\<ver>\lib",
               r"C:\Program Files (x86)\Intel\oneAPI\tbb\<ver>\bin"),
    TbbFolders("windows", "oneAPI 2021.1 to 2023.2", r"C:\Program Files (x86)\Intel\oneAPI\tbb\<ver>\lib\intel64\vc14",
               r"C:\Program Files (x86)\Intel\oneAPI\tbb\<ver>\redist\intel64\vc14"),
    TbbFolders("windows", "Parallel Studio XE and MKL 2020 and older (classic TBB: tbb.lib)",
               r"C:\Program Files (x86)\IntelSWTools\compilers_and_libraries_<ver>\windows\tbb\lib\intel64_win\vc14",
               r"C:\Program Files (x86)\IntelSWTools\compilers_and_libraries_<ver>\windows\redist\intel64_win\tbb\vc14"),
    TbbFolders("windows", "conda's and pip's tbb-devel", r"<env>\Library\lib", r"<env>\Library\bin"),
    TbbFolders("linux", "oneAPI 2024.0 and newer", "/opt/intel/oneapi/tbb/<ver>/lib", "/opt/intel/oneapi/tbb/<ver>/lib"),
    TbbFolders("linux", "oneAPI 2021.1 to 2023.2", "/opt/intel/oneapi/tbb/<ver>/lib/intel64/gcc4.8",
               "/opt/intel/oneapi/tbb/<ver>/lib/intel64/gcc4.8"),
    TbbFolders("linux", "Parallel Studio XE and MKL 2020 and older (classic TBB: libtbb.so.2)",
               "/opt/intel/compilers_and_libraries_<ver>/linux/tbb/lib/intel64_lin/gcc4.8",
               "/opt/intel/compilers_and_libraries_<ver>/linux/tbb/lib/intel64_lin/gcc4.8"),
    TbbFolders("linux", "conda's tbb-devel and pip's tbb", "<env>/lib", "<env>/lib"),
)


def folders(platform: str) -> tuple[TbbFolders, ...]:
    return tuple(f for f in FOLDERS if f.platform == platform)
