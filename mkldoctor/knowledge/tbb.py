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
