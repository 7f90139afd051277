"""Package managers that cannot provide an MKL package: conda, mamba and micromamba (libmamba), pixi, pip and uv. What
each says is read by :mod:`mkldoctor.explain.pkgsaid`. Which package exists for which platform and release is
:mod:`mkldoctor.knowledge.distribution`'s; the log's platform comes from the message (a conda subdir, a wheel tag, the
versions pip was offered), its neighbours (``Platform: osx-arm64``, channel URLs), or the log's paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mkldoctor.explain import gomp, pipoffers
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.pkgsaid import SIGNATURES, SUBDIR, CondaPlatform, NomklAsked, PackageUnavailable
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import distribution, platforms
from mkldoctor.knowledge.history import version_key

__all__ = ["SIGNATURES", "diagnose"]


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    """One finding per package manager's failure (pip's two lines, libmamba's tree of one solve are one)."""
    by_manager: dict[str, list[PackageUnavailable]] = {}
    for event in events.of(PackageUnavailable):
        by_manager.setdefault(event.manager, []).append(event)
    # pip's own answer for a package before its resolver's list of what depends on it (fealpy#687 has both)
    return [_finding(sorted(said, key=lambda e: " depends on " in e.line), events, ctx) for said in by_manager.values()]


@dataclass(frozen=True)
class _Where:
    """The log's platform as far as it says: a platform key, or only its operating system, and how it is known."""

    key: str | None
    system: str | None  # "macOS", "Windows", "Linux"
    why: str


_SYSTEM_OF = {"macos": "macOS", "windows": "Windows", "linux": "Linux"}


def _where(said: list[PackageUnavailable], events: Parsed, ctx: Context) -> _Where:
    for event in said:
        key = event.subdir and (distribution.platform_of_subdir(event.subdir) or distribution.platform_of_tag(event.subdir))
        if key:
            return _Where(key, _SYSTEM_OF.get(key.split("-")[0]), f"the log names {event.subdir}, the platform of "
                          f"{platforms.platform(key).words}")
    for event in events.of(CondaPlatform):  # conda's "Platform: osx-arm64", uv's hint of its wheel tag
        key = distribution.platform_of_subdir(event.subdir) or distribution.platform_of_tag(event.subdir)
        if key:
            said = f"pip downloaded a wheel tagged {event.subdir}" if event.wheel else f"the log says Platform: {event.subdir}"
            return _Where(key, _SYSTEM_OF.get(key.split("-")[0]), f"{said}, the platform of {platforms.platform(key).words}")
    shown = next((e.shown for e in said if e.shown), None)
    if shown:
        kinds = distribution.pypi_shown(list(shown))
        if kinds and len({w.platform for w in kinds}) == 1:
            first, last = min(shown, key=version_key), max(shown, key=version_key)
            return _Where(kinds[0].platform, _SYSTEM_OF.get(kinds[0].platform.split("-")[0]),
                          f"pip was offered {said[0].package} {first} to {last}: the releases PyPI has for "
                          f"{' or '.join(w.who for w in kinds)}")
    for place in ctx.places:
        match = SUBDIR.search(place)
        if match and distribution.platform_of_subdir(match.group("subdir")):
            key = distribution.platform_of_subdir(match.group("subdir"))
            return _Where(key, _SYSTEM_OF.get(key.split("-")[0]), f"the log names {match.group('subdir')} ({place})")
        if place.startswith("/opt/homebrew/"):
            return _Where("macos-arm64", "macOS", f"the log names {place}: Homebrew's folder on Apple silicon")
    if ctx.local:
        key = _here()
        return _Where(key, _SYSTEM_OF.get(key.split("-")[0]), f"the log is this machine's: {platforms.platform(key).words}")
    system = ctx.platform
    return _Where(None, system, f"the log's paths are {system}'s; it does not say which processor" if system
                  else "the log does not say its platform")


def _here() -> str:
    import platform as host

    system = {"Darwin": "macos", "Windows": "windows"}.get(host.system(), "linux")
    machine = host.machine().lower()
    cpu = {"amd64": "x86_64", "x86_64": "x86_64", "arm64": "arm64" if system != "linux" else "aarch64", "aarch64": "aarch64",
           "i686": "x86", "i386": "x86", "x86": "x86"}.get(machine, machine)
    return f"{system}-{cpu}"


def _python_of(places) -> tuple[str, str] | None:
    """The Python version a log's site-packages (or a Windows Python's folder) names, with that path."""
    for place in places:
        if m := re.search(r"[/\\][Pp]ython(3\.?\d+)[/\\](?:site|dist)-packages\b", place):
            return (m[1] if "." in m[1] else f"3.{m[1][1:]}"), place
    return None


def _release(spec: str) -> str | None:
    """The release a spec asks for at least (``==2024.0.0``, ``=2024``, ``>=2024``, ``2024.0.0**``); None: any."""
    match = re.match(r"^\s*(?:==|=|>=|>|~=|\s)?\s*(?P<v>\d+(?:\.\d+)*)", spec)  # MKL's years, mkl-fft's own 1.1.0
    return match.group("v") if match else None


def _finding(said: list[PackageUnavailable], events: Parsed, ctx: Context) -> Finding:
    first = next((e for e in said if e.package.lower() in ("mkl", "nomkl")), said[0])
    package, spec, manager = first.package, first.spec, first.manager
    spec = re.sub(r"\s+\*$", "", spec)  # libmamba's "mkl >=2023 *": any build
    asked = f"{package}{' ' if spec[:1].isalnum() else ''}{spec}" if spec and not re.fullmatch(r"[=* ]*", spec) else package
    release = _release(spec)
    where = _where(said, events, ctx)
    offered_none = any(e.shown == () for e in said)  # pip: no release at all for this platform, whatever was asked
    key = where.key
    if key is None and where.system == "macOS" and (release is None or offered_none) and package.lower() != "nomkl":
        key = "macos-arm64"  # every MKL release older than 2024 has an Intel macOS build: none at all is Apple silicon
    if key is None and package.lower() == "nomkl" and manager in _CONDA:
        key = "windows-x86_64"  # Anaconda's nomkl is missing on Windows only
    evidence = list(dict.fromkeys(e.line[:300] for e in said))[:4]
    names = list(dict.fromkeys(f"{e.package}{' ' if e.spec[:1].isalnum() else ''}{e.spec}".strip() for e in said))
    others = [o for e in said for o in e.others]
    evidence.append(f"{_MANAGER[manager]} could not provide: {more(names + others, 6)}")
    evidence.append(where.why)
    builds = any(re.match(r"^(?:==|=)[^=\s]+=\S+$", e.spec) for e in said)
    if builds:
        evidence.append("the specs pin conda builds (the part after the second =): a build is one platform's, so an environment "
                        "file exported with builds (conda env export) resolves only on the platform it was made on")
        linux_only = [o for o in names + others if _LINUX_ONLY.match(o)]
        if linux_only and where.system in ("Windows", "macOS"):  # motion-diffusion-model#2: a Linux export on Windows
            return _linux_export(manager, where.system, asked, linux_only, evidence)
    if offered_none:
        evidence.append(f"pip was offered no release of {package} at all: the index has no wheel of it this Python can take")
        release = None
        typo = pipoffers.no_such_name(manager, package, evidence)
        if typo is not None:
            return typo
        if pipoffers.is_extension(package):  # compiled per Python version (mkl-service#15)
            evidence.append(f"{package} is a compiled extension: its wheels are built per Python version (cpXY tags), so a "
                            "Python older or newer than its wheels is offered none on any platform: python3 --version")
            evidence += [f"the log's Python is {v[0]} ({v[1]})" for v in [_python_of(ctx.places)] if v]
    dependents = [m[1] for e in said if (m := re.match(r"([\w.-]+) \S+ depends on ", e.line))]
    if manager == "pip" and pipoffers.is_extension(package) and dependents and not release and not offered_none \
            and (key is None or _available("mkl", manager, key, None) is not False):  # no candidate: the Python, not the index
        return pipoffers.no_wheel_for_python(manager, package, _python_of(ctx.places), list(dict.fromkeys(dependents)),
                                             evidence)
    if manager == "pip" and offered_none and pipoffers.is_extension(package) and not _release(first.spec) \
            and not re.search(r"arm|aarch", key or ""):
        # (mkl_random#22, cellpose#110: the Python before the processor, unless the log's is an ARM one)
        return pipoffers.no_wheel_at_all(manager, package, _python_of(ctx.places), evidence)
    if manager in _CONDA and package.lower() == "mkl" and events.of(NomklAsked):  # RMG-Py#2722
        return _nomkl_asked(manager, first, events.of(NomklAsked)[0].line, evidence)
    if manager in _CONDA and events.of(gomp.CondaGnuMutexAsked):  # xtb#557
        return gomp.mkl_with_gnu_mutex(manager, _MANAGER[manager], asked, events.of(gomp.CondaGnuMutexAsked)[0].line, evidence)
    available = _available(package, manager, key, release)
    shown = next((e.shown for e in said if e.shown), None)  # pip's "(from versions: ...)": what this index and Python can take
    older = release and version_key(release) < min(version_key(w.first) for w in distribution.PYPI_MKL)  # no such release
    if manager in ("pip", "uv") and shown and release and (available is not False or older) \
            and not any(v == release or v.startswith(release + ".") for v in shown):  # not the platform: the release
        return pipoffers.not_offered(manager, package, asked, release, list(shown), evidence)
    if available is True or (any(e.conflict for e in said) and available is None):
        found = _unavailable(manager, asked, key, where, release, evidence, said)
    else:
        found = _not_here(manager, package, asked, key, where, release, evidence)
    if builds and key is None:  # the platform unknown: the builds pinned are the first thing to take off
        title = found.title if any(e.conflict for e in said) else (
            f"{_MANAGER[manager]} has no {asked}: the specs pin builds, which are one platform's (an environment file "
            "exported on another machine), or MKL is not built for this platform")
        found = replace(found, title=title, fix=("take the build strings off the specs (mkl==2019.4, not mkl==2019.4=233): conda "
                                                 "env export --no-builds writes the file so, or --from-history", *found.fix))
    return found


_CONDA = ("conda", "mamba", "pixi")
_MANAGER = {"conda": "conda", "mamba": "mamba (libmamba)", "pixi": "pixi", "pip": "pip", "uv": "uv"}


# packages only Linux has, which an environment exported on Linux lists (conda env export)
_LINUX_ONLY = re.compile(r"^(?:libgcc-ng|libstdcxx-ng|libgfortran-ng|libgomp|_libgcc_mutex|ld_impl_linux-64|sysroot_linux-64|"
                         r"kernel-headers_linux-64)(?:[=\s]|$)")


def _linux_export(manager: str, system: str, asked: str, linux_only: list[str], evidence: list[str]) -> Finding:
    """An environment file exported on Linux, with its builds, created on Windows or macOS: none of its builds is there."""
    names = [re.split(r"[=\s]", o)[0] for o in linux_only]
    evidence.append(f"{more(names, 4)} exist only for Linux: the file was exported on Linux, with each package's Linux build")
    return Finding(
        "mkl-not-for-this-platform", "error",
        f"{_MANAGER[manager]} on {system} cannot resolve an environment file exported on Linux: its specs pin Linux builds "
        f"({asked} among them) and Linux-only packages",
        tuple(evidence),
        (f"edit the file for {system}: take the build strings off (name==version, not name==version=build) and delete the "
         f"Linux-only packages ({more(names, 4)}), then conda env create -f <the file> again",
         "or, on the Linux machine it came from: conda env export --from-history (the packages asked for, no builds) or "
         "--no-builds, and use that file",
         "or create it where it was made: Linux, or WSL on Windows"),
        "A build string names one platform's build of a package; conda solves for the platform it runs on, where no such "
        "build exists, and packages such as libgcc-ng have no build outside Linux at all.", ())


def _nomkl_asked(manager: str, first: PackageUnavailable, nomkl: str, evidence: list[str]) -> Finding:
    """mkl required by a package of an environment that asks for nomkl too: the two cannot be installed together."""
    who = m[1] if (m := re.search(r"\bpackage (\S+) requires ", first.line)) else "a package of the environment"
    name = re.sub(r"-\d[\w.]*-[\w.]+$", "", who)  # cantera-2.6.0-py310h6cd0baa_0: cantera
    evidence += [nomkl, "nomkl is a metapackage that selects builds without MKL by requiring mkl <0.a0, a release that "
                 f"does not exist: no mkl can be installed beside it, and {who} requires mkl"]
    fix = [f"drop nomkl from the environment (its file or the install line): choose the BLAS the conda-forge way, "
           "'libblas=*=*openblas', which a package that requires mkl overrides instead of conflicting with "
           "(RMG-Py#2723 took nomkl out)",
           f"or keep nomkl and take {name} from a build that does not require mkl: conda search '{name}' --info lists each "
           "build's requirements (conda-forge's builds link libblas, not mkl)"]
    return Finding("mkl-package-unavailable", "error",
                   f"{_MANAGER[manager]} cannot install mkl, which {who} requires: the environment asks for nomkl too, which "
                   "forbids any mkl", tuple(evidence), tuple(fix),
                   "nomkl and mkl exclude each other by design: nomkl requires a release of mkl that does not exist. An "
                   "environment that asks for nomkl cannot hold a package built to require mkl; the solver reports it as "
                   "mkl that cannot be installed, whatever the platform.", ())


def _available(package: str, manager: str, key: str | None, release: str | None) -> bool | None:
    if key is None:
        return None
    if manager in _CONDA:
        return distribution.conda_has(package, key, release)
    return distribution.pypi_has(key, release) if package.lower() != "nomkl" else None


def _built_for() -> list[str]:
    """Intel's builds, one line per platform that has a limit (from the platform table)."""
    return [f"  {p.words}: {p.said}" for p in platforms.PLATFORMS if p.said]


def _index_line(manager: str) -> str:
    if manager in _CONDA:
        return ("conda's channels (defaults, conda-forge) have mkl for linux-64, win-64 and osx-64 (osx-64 up to the "
                f"{platforms.last_release('macos')} line), none for osx-arm64 or linux-aarch64; nomkl has no Windows build")
    spans = "; ".join(f"{w.who}: {w.first} to {w.last or 'now'}" for w in distribution.PYPI_MKL)
    return f"PyPI's mkl wheels (mkl-static from {distribution.STATIC_FIRST}): {spans}; none for {distribution.PYPI_NONE}"


def _not_here(manager: str, package: str, asked: str, key: str | None, where: _Where, release: str | None,
              evidence: list[str]) -> Finding:
    """The package is not built for the log's platform (known, or the only reading of the message)."""
    said = _MANAGER[manager]
    fix: list[str] = pipoffers.misnumbered(package, asked, evidence)
    if package.lower() == "nomkl":
        title = f"{said} has no nomkl for Windows: Anaconda's Windows numpy and scipy are built with MKL only"
        evidence.append("nomkl is a metapackage of Anaconda's defaults channel that selects numpy and scipy built without MKL; "
                        "it exists for Linux and macOS: on Windows those packages have no build without MKL (the nomkl 2.0 "
                        "published for Windows needs an OpenBLAS the Windows channel does not have)")
        fix += ["on Windows, drop nomkl (keep it for the Linux and macOS jobs): to avoid one broken MKL release, pin the one that "
                "works instead: conda install mkl=<the good version> (e.g. in the CI's conda line)",
                "or on conda-forge choose the BLAS by its selector, which exists on Windows too: conda install -c conda-forge "
                f"'{distribution.conda_blas('openblas')}'"]
        confirm = ("conda search nomkl --platform win-64   # nothing: no Windows build",)
        return _result(True, title, evidence, fix, confirm, manager)
    place = platforms.platform(key) if key else None
    if place is not None and place.never:
        title = f"{said} has no {asked} for {place.words}: {place.note.split(';')[0]}"
    elif place is not None:
        title = f"{said} has no {asked} for {place.words}: " + (place.said or "no MKL release of that number is built for it")
    elif release and not platforms.supported("macos-x86_64", release):
        title = (f"{said} has no {asked} for the log's platform: MKL {release} is built for Linux and Windows on x86-64 only "
                 f"(macOS up to {platforms.last_release('macos')}, no ARM)")
    elif pipoffers.is_extension(package) and manager not in _CONDA:
        fix += pipoffers.pinned_from_conda(package, asked, evidence)
        title = (f"{said} has no {asked}" + (": a release conda's channels have and PyPI may not, or none for the log's Python "
                 "or platform" if fix else " for the log's Python or platform") + ": its wheels are built per Python version, "
                 "and for x86 processors only")
    else:  # with a release x86-64 macOS has too: an ARM platform, or channels without that release
        title = f"{said} has no {asked} " + (f"for the log's platform or in the channels it searched: MKL {release} is built for "
                                             "x86-64" if release else "at all for the log's platform: MKL is built for x86 "
                                             "processors") + " only (no ARM: Apple silicon, aarch64)"
    evidence.append("Intel builds MKL for x86 processors only:")
    evidence += _built_for()
    evidence.append(_index_line(manager))
    alt = distribution.alternative(key or "macos-arm64")
    pin = None
    last = key and distribution.last_release_for(key)
    if key is None and release is None:
        evidence.append(f"{package} of any release is missing, and every x86-64 platform (linux-64, win-64, osx-64) has "
                        "one: the log's platform is one without MKL, an ARM one (osx-arm64: Apple silicon, as GitHub's "
                        "macos-latest runners are since 2024; linux-aarch64), unless its channel list has neither defaults "
                        "nor conda-forge" if manager in _CONDA else
                        f"no release of {package} is offered: {distribution.PYPI_NONE} have no wheel")
    # a platform whose builds stopped: its last line still installs (not where the release asked is one macOS has: then the
    # platform without it is an ARM one, rapidsai/docker#739)
    if release and ((key is None and not platforms.supported("macos-x86_64", release)) or last):
        last = last or platforms.last_release("macos")
        pin = (f"{package}<{distribution.next_major(last)}" if manager in _CONDA else
               f"{package}<={max((w.last for w in distribution.PYPI_MKL if w.last and w.last.startswith(last)), default=last)}")
        who = place.words if place and not place.never else "macOS on Intel (osx-64)"
        fix.append(f"{who}: pin the last release line built for it, {last}: {pin!r} in place of {asked!r} (environment.yml, "
                   "requirements, the CI's install line)" + (f"; {package} {release} exists only for Linux and Windows"
                                                                if key is None else ""))
    if key is None or place.never:
        fix.append(f"{'Apple silicon or ARM' if key is None else place.words}: no MKL exists there: build and run without it: "
                   f"{alt.blas} ({alt.conda}; pip: {alt.pip}); drop mkl from that platform's environment or CI job")
        fix.append(f"or run what needs MKL on {alt.elsewhere}")
    if key is None:
        fix.append("which platform it is: conda info | grep platform (pip: python3 -c \"import sysconfig; "
                   "print(sysconfig.get_platform())\")")
        everywhere = bool(release and manager in _CONDA and platforms.supported("macos-x86_64", release))  # x86-64 has it
        fix += [f"on x86-64: the channels searched lack {asked}: conda search '{asked}' -c conda-forge -c defaults   # which "
                "channel has it; add that one, or ask for a release the channels have"] * everywhere
        fix += [distribution.PIP_TAGS_REGRESSION] if manager not in _CONDA and release is None else []
    subdir = distribution.conda_subdir(key or ("osx-64" if release and not platforms.supported("macos-x86_64", release)
                                               else "osx-arm64"))
    confirm = ((f"conda search '{asked}' --platform {subdir}   # nothing: no build there",)
               if manager in _CONDA else (f"python3 -m pip index versions {package}   # the releases this platform can install",))
    return _result(True, title, evidence, fix, confirm, manager)


def _unavailable(manager: str, asked: str, key: str | None, where: _Where, release: str | None, evidence: list[str],
                 said: list[PackageUnavailable]) -> Finding:
    """The package is built for the log's platform: the index searched does not serve it, or the specifications conflict."""
    package = said[0].package
    evidence.append(_index_line(manager))
    if any(e.conflict for e in said):
        others = [o for e in said for o in e.others]
        title = (f"conda cannot install {asked} together with the other specifications"
                 + (f" ({more(others, 3)})" if others else "") + ": they conflict, or one of them has no build for this platform")
        fix = [f"relax the {package} pin (let conda choose a release: '{package}' alone), or pin the packages built against "
               f"the same {package} release (conda search '<package>' --info lists each build's {package} requirement)",
               "conda create -n try --dry-run <the same specifications>   # conda (or mamba) prints which specification conflicts"]
        return _result(False, title, evidence, fix, (), manager)
    place = platforms.platform(key or "linux-x86_64")
    title = f"{_MANAGER[manager]} found no {asked}, which is published for {place.words}: the index it searched does not serve it"
    if manager in _CONDA:
        fix = [f"take it from a channel that has it: conda install -c conda-forge '{asked}' (or list conda-forge in the "
               "environment file's channels)",
               f"check the channels: conda search -c conda-forge '{asked}' --platform {distribution.conda_subdir(place.key)}"]
    else:
        shown = next((e.shown for e in said if e.shown), None)
        old = [w for w in distribution.pypi_wheels(place.key) if w.last and shown and max(shown, key=version_key) == w.last]
        fix = [f"this pip sees only {old[0].tags} wheels ({old[0].who}): upgrade pip (python3 -m pip install -U pip), or pin "
               f"{package}<={old[0].last}"] if old else []
        fix += ["the index pip searched (--index-url, --extra-index-url, --no-index with --find-links, a mirror or proxy) does "
                f"not serve {asked}: install from PyPI's own index, or add the wheel to the mirror",
                f"check: python3 -m pip download --no-deps --only-binary=:all: '{asked}'   # with the same index options"]
    return _result(False, title, evidence, fix, (), manager)


def _result(not_here: bool, title: str, evidence: list[str], fix: list[str], confirm: tuple[str, ...], manager: str) -> Finding:
    why = ("conda solves for the platform it runs on (its subdir: linux-64, osx-64, osx-arm64, win-64, ...): a package without a "
           "build for that subdir is 'not available' or 'does not exist', whatever the channels."
           if manager in _CONDA else
           "pip installs only a wheel whose platform tag this Python accepts; a release without such a wheel (and no source "
           "distribution: MKL has none) is not offered at all, and pip lists the versions it could use.")
    return Finding("mkl-not-for-this-platform" if not_here else "mkl-package-unavailable", "error", title, tuple(evidence), tuple(fix),
                   why + " Intel builds MKL for x86 processors only, for macOS only up to the 2023 releases, and each package "
                   "index serves those builds only.", confirm)
