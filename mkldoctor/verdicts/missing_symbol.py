"""One judgement and one finding for "the MKL the build uses lacks symbol S", for check and explain.

``check`` reaches it before the build (the copy its prediction picks has no ``hgemm_``),
``explain`` after it (ld said ``undefined reference to `hgemm_'`` and the copy the link
used has none): the same fact, so the same finding id (``missing-symbol``), title,
evidence order, explanation and fix shape. The callers bring what only they know: why
the build took that copy (the prediction's steps, or the linker's ``-l`` search
replayed), who needs the symbol, and how to point that build system at another copy.

Which release first has S comes from the knowledge table (``knowledge.facts``, generated
from every mkl-include release). Hook: ``knowledge.exports.history(S)`` (every release's exported
symbols) can add "exported up to R1, gone from R2" here, for check and explain at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from mkldoctor.findings import Finding, Recipe
from mkldoctor.inventory.install import MklInstall
from mkldoctor.knowledge import facts, history
from mkldoctor.knowledge.history import version_key

ID = "missing-symbol"


def first_release(symbol: str) -> str | None:
    """The first MKL release that has ``symbol`` (Fortran spellings too: hgemm_, hgemm, HGEMM), or None."""
    return facts.FIRST_VERSION.get(symbol)


def release_has(version: str | None, symbol: str) -> bool | None:
    """Whether MKL ``version`` has ``symbol`` by the knowledge table; None when it cannot say."""
    return facts.has_symbol(version, symbol)


@dataclass(frozen=True)
class Holder:
    """A copy that defines the symbol, with the files (or archive members) that do."""

    install: MklInstall
    places: tuple[str, ...]
    label: str


def newest_first(holders: Sequence[Holder]) -> list[Holder]:
    return sorted(holders, key=lambda h: version_key(h.install.version), reverse=True)


def finding(
    symbol: str,
    *,
    used: str,  # "MKL 2020.4 in /usr/lib/x86_64-linux-gnu", or "the MKL 2020.1 that intel-mkl-src downloads"
    used_version: str | None,
    needed: Sequence[str],  # who needs it: "hgemm_ needed by half_gemm in h.o", "app/src/main.rs declares it"
    why_that_copy: Sequence[str] = (),  # the prediction's steps, or the linker's search replayed
    holders: Sequence[Holder] = (),
    lacking: Sequence[str] = (),  # labels of copies searched that lack it
    point_at: Sequence[str] = (),  # fix lines that point this build at holders' best copy
    install: Sequence[str] = (),  # fix lines that install a copy that has it (when no copy here does)
    recipes: tuple[Recipe, ...] = (),
    why_more: str = "",
    confirm: Sequence[str] = (),
) -> Finding:
    """The ``missing-symbol`` finding: evidence in one order, the fix that fits, for check and explain alike."""
    first = first_release(symbol)
    evidence = list(needed)
    evidence.append(f"the build uses {used}" + (f" (MKL {used_version} has no {symbol})" if used_version else ""))
    evidence += [f"  {line}" for line in why_that_copy]
    if first:
        source = history.evidence(symbol) or "mkldoctor's table of every mkl-include release"
        evidence.append(f"{symbol} first appears in MKL {first} ({source}); "
                        f"this copy is {used_version or 'of unknown version'}")
    evidence += [f"{symbol} is defined by {h.label}: {', '.join(h.places[:4])}" + (" ..." if len(h.places) > 4 else "") for h in holders]
    evidence += [f"not defined by {label}" for label in lacking]
    if not holders:
        evidence.append(f"no MKL copy searched here defines {symbol}")
    fix = list(point_at) if holders and point_at else list(install)
    why = f"The linker stops with `undefined reference to '{symbol}'`: it is not in the MKL the build uses"
    why += f" ({used_version})" if used_version else ""
    why += f"; it first appears in MKL {first}." if first else "."
    if why_more:
        why += " " + why_more
    title = f"{symbol} is not in the MKL the build uses" + (f" ({used_version})" if used_version else "")
    if first:
        title += f"; MKL {first} or newer has it"
    return Finding(ID, "error", title, tuple(evidence), tuple(fix), why, tuple(confirm), recipes)
