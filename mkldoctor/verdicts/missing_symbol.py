"""One judgement and one finding for "the MKL the build uses lacks symbol S", for check and explain.

``check`` reaches it before the build (the copy its prediction picks has no ``hgemm_``),
``explain`` after it (ld said ``undefined reference to `hgemm_'`` and the copy the link
used has none): the same fact, so the same finding id (``missing-symbol``), title,
evidence order, explanation and fix shape. The callers bring what only they know: why
the build took that copy (the prediction's steps, or the linker's ``-l`` search
replayed), who needs the symbol, and how to point that build system at another copy.

Which release first has S comes from the knowledge table (``knowledge.facts``, generated
from every mkl-include release). Which releases *export* S, and since when it is gone,
comes from the export table (``knowledge.exports``, every release's shared libraries):
"S was exported up to R1 (libmkl_X) and is gone since R2; this build uses R2" is said here,
for check and explain at once, and so is "no MKL release ever exported S". Hook: ``knowledge.exports.history(S)`` (every release's exported
symbols) can add "exported up to R1, gone from R2" here, for check and explain at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from mkldoctor.findings import Finding, Location, Recipe
from mkldoctor.inventory.install import MklInstall
from mkldoctor.knowledge import exports, facts, history, recipes
from mkldoctor.knowledge.history import version_key

ID = "missing-symbol"


def first_release(symbol: str) -> str | None:
    """The first MKL release that has ``symbol`` (Fortran spellings too: hgemm_, hgemm, HGEMM), or None."""
    return facts.FIRST_VERSION.get(symbol)


def release_has(version: str | None, symbol: str) -> bool | None:
    """Whether MKL ``version`` has ``symbol`` by the knowledge table; None when it cannot say."""
    return facts.has_symbol(version, symbol)


@dataclass(frozen=True)
class Gone:
    """A symbol that earlier MKL releases exported and later ones do not."""

    symbol: str
    first: str  # the first release that exports it ("2019.0")
    last: str  # the last release that exports it ("2025.3.1")
    gone_since: str  # the first release read after ``last`` ("2026.0.0")
    libraries: tuple[str, ...]  # the libraries that export it in ``last`` ("libmkl_rt", ...)
    pip: bool  # ``last`` is a PyPI wheel release (pip can install it by that name)

    def sentence(self) -> str:
        libs = ", ".join(self.libraries[:3]) + (" ..." if len(self.libraries) > 3 else "")
        return f"{self.symbol} was exported up to MKL {self.last} ({libs}) and is gone since {self.gone_since}"

    def covers(self, version: str | None) -> bool:
        """Whether MKL ``version`` is one of the releases without it (``gone_since`` or newer)."""
        return version is not None and version_key(version) >= version_key(self.gone_since)


def gone(symbol: str) -> Gone | None:
    """The releases that stopped exporting ``symbol`` (the export table of every release), or None."""
    found = exports.history(symbol)
    if found is None or found.overall.gone_since is None:
        return None
    span = found.overall
    libraries = tuple(s.library for s in found.libraries if span.last in s.releases and s.library)
    last = exports.release(span.last)
    return Gone(symbol, span.first, span.last, span.gone_since, libraries, bool(last and last.source.startswith("PyPI")))


def ever_exported(symbol: str) -> bool | None:
    """Whether any MKL release read exported ``symbol``; None when the table is incomplete and it is not there."""
    if exports.history(symbol) is not None:
        return True
    return False if exports.complete() else None


def span_of_releases() -> str:
    names = [r.name for r in exports.releases()]
    return f"{names[0]} to {names[-1]}" if names else "none"


def before_table(version: str | None) -> bool:
    """Whether MKL ``version`` (``2018.0``, ``2015``, ``11.3.3``) is older than every release the export table read:
    the table can then say nothing of what it exported."""
    from mkldoctor.knowledge.places import older_than

    first = exports.releases()[0].name if exports.releases() else None
    return bool(version and first and older_than(version, first))


def before_table_sentence(version: str, symbol: str) -> str:
    """What the table can say of a release older than it: nothing, and so it says."""
    from mkldoctor.knowledge.places import year_of

    year = year_of(version)
    shown = version if year == version else f"{version} (the {year} release)"
    return (f"MKL {shown} is older than the releases mkldoctor's table of exports holds ({span_of_releases()}): "
            f"whether it exports {symbol} the table cannot tell")


def gone_fix(found: Gone, static: bool | None = None, owner: str = "") -> list[str]:
    """Fix lines for a build or run on a release without the symbol, when no copy here has it; ``owner``: the package or
    library, not the user's own code, whose prebuilt binary calls it (its newer build, not the code, moves off the name)."""
    fix = []
    if found.pip:
        packages = ("mkl-static" if static else "mkl") if static is not None else "mkl"
        fix.append(f"install the last release that exports {found.symbol}: {recipes.pip_install(f'{packages}=={found.last}')}"
                   + ("" if static is not None else f"   # mkl-static=={found.last} for a static link")
                   + "; then point the build and LD_LIBRARY_PATH at its prefix's lib folder")
    else:
        fix.append(f"install MKL {found.last}, the last release that exports {found.symbol}, and point the build at it")
    if owner:
        fix.append(f"or a release of {owner} built for MKL {found.gone_since} and newer, which no longer calls {found.symbol} "
                   f"(its prebuilt binary is not code to change: its release notes, or its package's dependency on mkl, say "
                   f"which MKL it was built for)")
    else:
        fix.append(f"or move the code off {found.symbol}: MKL {found.gone_since} and newer do not export it "
                   "(Intel's release notes for that version name its replacement)")
    return fix


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
    locations: tuple[Location, ...] = (),  # the call or declaration that needs it, or the log line that says so
    here: bool = True,  # the copies were searched on the build's own machine (a log from elsewhere: none was)
) -> Finding:
    """The ``missing-symbol`` finding: evidence in one order, the fix that fits, for check and explain alike.

    When ``used_version`` is a release that no longer exports the symbol (the export table),
    the finding says up to which release it was exported, and the install fix installs that
    release (``install`` and ``recipes`` are not used: they would install a newer one).
    """
    first = first_release(symbol)
    stopped = gone(symbol)
    if stopped is not None and not stopped.covers(used_version):
        stopped = None
    if stopped is not None:
        first = None  # "first appears in" is not the story: newer releases lack it
    evidence = _evidence(symbol, used, used_version, needed, why_that_copy, holders, lacking, first, stopped, here)
    never = (stopped is None and first is None and not holders and ever_exported(symbol) is False
             and not before_table(used_version))
    if stopped is not None:
        install = gone_fix(stopped)
        recipes = ()
    elif never:
        install = [f"check the name and the header that declares {symbol}: no MKL release exports it, "
                   "so no other MKL install or version will define it",
                   f"find the library that does: mkldoctor symbols --find {symbol} FOLDER"]
        recipes = ()
    fix = list(point_at) if holders and point_at else list(install)
    recipes = tuple(r for r in recipes if f"recipe `{r.name}`" in "\n".join(fix))  # only those the fix refers to
    why = _why(symbol, used_version, first, stopped, never, why_more)
    title = f"{symbol} is not in the MKL the build uses" + (f" ({used_version})" if used_version else "")
    if first:
        title += f"; MKL {first} or newer has it"
    elif stopped is not None:
        title += f"; it was exported up to MKL {stopped.last} and is gone since {stopped.gone_since}"
    return Finding(ID, "error", title, tuple(evidence), tuple(fix), why, tuple(confirm), recipes, locations)


def _evidence(symbol: str, used: str, used_version: str | None, needed: Sequence[str], why_that_copy: Sequence[str],
              holders: Sequence[Holder], lacking: Sequence[str], first: str | None, stopped: Gone | None,
              here: bool = True) -> list[str]:
    """Who needs the symbol, the copy the build uses and why, the release history, which copies here have it."""
    evidence = list(needed)
    evidence.append(f"the build uses {used}" + (f" (MKL {used_version} has no {symbol})" if used_version else ""))
    evidence += [f"  {line}" for line in why_that_copy]
    if first:
        source = history.evidence(symbol) or "mkldoctor's table of every mkl-include release"
        evidence.append(f"{symbol} first appears in MKL {first} ({source}); "
                        f"this copy is {used_version or 'of unknown version'}")
    if stopped is not None:
        evidence.append(f"{stopped.sentence()} (mkldoctor's table of every release's exports, {span_of_releases()}); "
                        f"this copy is {used_version}")
    elif before_table(used_version):
        evidence.append(before_table_sentence(used_version, symbol))
    elif ever_exported(symbol) is False and first is None and not holders:
        evidence.append(f"no MKL release from {span_of_releases()} exports {symbol} (mkldoctor's table of every release's exports): "
                        "the cause is not MKL's version")
    evidence += [f"{symbol} is defined by {h.label}: {', '.join(h.places[:4])}" + (" ..." if len(h.places) > 4 else "") for h in holders]
    evidence += [f"not defined by {label}" for label in lacking]
    if not holders and here:
        evidence.append(f"no MKL copy searched here defines {symbol}")
    return evidence


def _why(symbol: str, used_version: str | None, first: str | None, stopped: Gone | None, never: bool, why_more: str) -> str:
    why = f"The linker stops with `undefined reference to '{symbol}'`: it is not in the MKL the build uses"
    why += f" ({used_version})" if used_version else ""
    why += f"; it first appears in MKL {first}." if first else "."
    if stopped is not None:
        why += (f" The MKL is not too old but too new: {stopped.sentence()}, so code built against MKL {stopped.last} "
                f"or older that calls it links and loads only with such a release.")
    if never:
        why += f" No MKL release from {span_of_releases()} exports it: the cause is not MKL's version."
    if why_more:
        why += " " + why_more
    return why
