"""pip's answers that are about the name or the release asked, not the platform: a name no MKL package has (a typo of one
that does), and a release the index does not offer while it offers others (pip's "from versions: ..." list)."""

from __future__ import annotations

import re

from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import distribution
from mkldoctor.knowledge.history import any_version_key, version_key


EXTENSIONS = ("mkl-service", "mkl-fft", "mkl-random", "mkl-umath")  # Intel's Python packages with compiled extensions


def _normal(name: str) -> str:
    """A package's name as the index compares it: mkl_fft and mkl-fft alike."""
    return name.lower().replace("_", "-")


def is_extension(package: str) -> bool:
    """One of Intel's Python packages whose wheels are compiled per Python version (mkl-service#15), or a framework's MKL
    build (mxnet-mkl)."""
    return _normal(package) in EXTENSIONS or bool(distribution.FRAMEWORK_BUILD.match(package.lower()))


def no_wheel_at_all(manager: str, package: str, python: tuple[str, str] | None, evidence: list[str]) -> Finding:
    """pip offered no release of a package compiled per Python version, on a platform the log does not say: this Python
    (mkl_random#22: Python 3.7.9 then; cellpose#110: mxnet-mkl for Python 3.8 on macOS) before the processor."""
    from mkldoctor.explain import pkgmanagers

    for_python = _for_python(python)
    intel = _normal(package) in EXTENSIONS
    fix = [_python_fix(package, " (a new environment with that Python: conda create -n <name> python=<X.Y>, or pyenv)"),
           _conda_fix(package) if intel else
           f"or the project's own environment file, which pins a Python and a {package} release that fit",
           *([f"or build it from its sources (IntelPython's repository of {package}), with MKL's headers and libraries: pip "
              "install mkl-devel"] if intel else []),
           "on Apple silicon or ARM no MKL build exists at all: do without it there (numpy's own FFT and random)" if intel else
           f"or the framework's build without MKL ({re.sub(r'-(?:cu[0-9]+)?mkl$', '', package)} in place of {package}), which "
           "has wheels for more Pythons and platforms"]
    title = (f"{pkgmanagers._MANAGER[manager]} found no {package} it can install for {for_python}: its wheels are built per "
             "Python version and platform (x86 only), and none is for this one")
    return pkgmanagers._result(False, title, evidence, fix, _index_versions(package, for_python), manager)


def no_such_name(manager: str, package: str, evidence: list[str]) -> Finding | None:
    """A name no MKL package has, close to one that does (mkl_fft#26's "pip3 install mkl-ffl"): a typo, not a platform."""
    import difflib

    from mkldoctor.explain import pkgmanagers

    names = {_normal(n) for n in distribution.INTEL_PACKAGES}
    wanted = _normal(package)
    close = difflib.get_close_matches(wanted, sorted(names), n=1, cutoff=0.75)
    if wanted in names or not close:
        return None
    return Finding("mkl-package-unavailable", "error", f"{pkgmanagers._MANAGER[manager]} found no package named {package}: no MKL "
                   f"package has that name ({close[0]}?)", (*evidence, f"MKL's packages on the indexes: "
                   f"{more(sorted(names), 8)}"), (f"python3 -m pip install {close[0]}   # if that is the one meant",),
                   "pip says 'from versions: none' for a name the index does not have at all, as for one without a wheel "
                   "for this platform.")


def not_offered(manager: str, package: str, asked: str, release: str, shown: list[str], evidence: list[str]) -> Finding:
    """pip listed the releases it could take, and the one asked is not among them: not the platform, the release."""
    from mkldoctor.explain import pkgmanagers
    from mkldoctor.knowledge import exports

    newest = exports.releases()[-1].name if exports.releases() else None
    first, last = min(shown, key=any_version_key), max(shown, key=any_version_key)  # mkl-fft's 1.0.0.17 and 1.0.6 too, not years alone
    unreleased = newest and version_key(release) > version_key(newest)
    evidence.append(f"pip was offered {package} {first} to {last} ({len(shown)} releases): the index serves {package} for this "
                    f"platform and Python, and {release} is not among them"
                    + (f"; MKL {release} is newer than every release mkldoctor knows (up to {newest})" if unreleased else ""))
    fix = [*misnumbered(package, asked, evidence), f"pin a release the index offers: {package}=={last} (or a range: "
           f"'{package}>={first},<={last}')",
           f"the index pip searched (a mirror, --index-url) may lack {asked}: python3 -m pip download --no-deps "
           f"--only-binary=:all: '{asked}' with the same index options says whether any index serves it",
           f"a pin written from a conda environment (pip freeze there lists conda's builds, which PyPI may not have: "
           f"PRIMAL2#1's mkl-fft==1.1.0): install it with conda, conda install '{package}={release}' (conda may spell - as _: mkl_fft), or relax the pin"]
    title = (f"{pkgmanagers._MANAGER[manager]} found no {asked}: the index offers {package} {first} to {last}"
             + (f", and {release} is newer than every MKL release mkldoctor knows ({newest})" if unreleased else f", not {release}"))
    return pkgmanagers._result(False, title, evidence, fix, (), manager)


def misnumbered(package: str, asked: str, evidence: list[str]) -> list[str]:
    """mkl pinned to a number no MKL release has, one of its Python packages' (EasyRAG#2: "mkl==2.4.0", mkl-service's
    release): the pin is the question before any platform. Adds the evidence; returns the fix."""
    number = re.search(r"==\s*(\d+)(?:\.\d+)*", asked)
    if _normal(package) != "mkl" or not number or int(number.group(1)) >= 10:
        return []
    evidence.append(f"{asked} names no MKL release: MKL's are numbered by year (2017 and later; 10 and 11 before them), while "
                    "mkl-service, mkl_fft and mkl_random are numbered 1.x and 2.x")
    return [f"the pin most likely meant another package or release: mkl-service=={asked.split('==')[-1].strip()}, or mkl "
            "of a year (python3 -m pip index versions mkl lists them); correct the requirements file"]


def pinned_from_conda(package: str, asked: str, evidence: list[str]) -> list[str]:
    """An Intel Python package pinned to one release (Spoken-Keyword-Spotting#5: "mkl-fft==1.0.15", a requirements file
    exported from a conda environment): conda's channels carry releases of mkl_fft, mkl_random and mkl-service that PyPI
    never had, so the pin may name none of PyPI's. Adds the evidence; returns the fix."""
    pinned = re.search(r"==\s*(\d+(?:\.\w+)*)", asked)
    if not (is_extension(package) and pinned):
        return []
    evidence.append(f"{asked} pins one release: Intel publishes {package}'s releases on conda's channels and only some of "
                    "them on PyPI, so a requirements file written from a conda environment (pip freeze, conda list --export) "
                    "may pin a release pip cannot have on any platform")
    return [f"python3 -m pip index versions {package}   # the releases pip can install here; the pin is not among them: "
            f"install that release with conda (conda install {package}=={pinned.group(1)}), or drop the pin (numpy works "
            f"without {package}) or take a release pip lists"]


def no_wheel_for_python(manager: str, package: str, python: tuple[str, str] | None, dependents: list[str],
                        evidence: list[str]) -> Finding:
    """pip's resolver naming only the packages that depend on one of Intel's compiled packages: it had no candidate of it
    at all, which for a package built per Python version is most often the Python (PyPardiso#24: no mkl-service wheel for
    Python 3.9 then)."""
    from mkldoctor.explain import pkgmanagers

    for_python = _for_python(python)
    evidence += [f"the log's Python is {python[0]} ({python[1]})"] if python else []
    evidence.append(f"pip names the packages that depend on {package} as the conflict, and no release of {package}: it had "
                    f"no candidate of it at all, and a wheel for another Python or platform is none")
    fix = [_python_fix(package, "; the newest Python is the one most often without them yet"),
           _conda_fix(package),
           *([f"or a release of {more(dependents, 3)} that no longer depends on {package} (PyPardiso 0.4 and later take mkl "
              "instead of mkl-service)"] if dependents else [])]
    title = (f"{pkgmanagers._MANAGER[manager]} found no {package} it can install for {for_python}: {package} is compiled "
             "per Python version, and what depends on it cannot be installed without it")
    return pkgmanagers._result(False, title, evidence, fix, _index_versions(package, for_python), manager)


def _for_python(python: tuple[str, str] | None) -> str:
    return f"Python {python[0]}" if python else "this Python"


def _python_fix(package: str, then: str) -> str:
    """The first fix where pip had no wheel of a package built per Python version: a Python its wheels are built for."""
    return (f"a Python that {package}'s wheels are built for: python3 -m pip download --no-deps --only-binary=:all: "
            f"--python-version <X.Y> {package} says whether one exists for X.Y{then}")


def _conda_fix(package: str) -> str:
    return f"or install {package} with conda (conda install -c conda-forge {package}), then the rest with pip"


def _index_versions(package: str, for_python: str) -> tuple[str]:
    return (f"python3 -m pip index versions {package}   # none listed: no wheel for {for_python}",)
