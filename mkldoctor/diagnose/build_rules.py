"""The rules about what the project's own build tool does (cmake's configure step, meson setup), as predicted by
reading its files: it stops (``configure-fails``, an error with the tool's own message and the project's line), it
configures without MKL (``mkl-not-linked``: a note saying what turns MKL on; a warning when the user asked for it),
it mixes two copies (``cmake-mixed-copies``), and what the reader does not model (``build-not-modelled``). Every
fix these findings print was checked by running the prediction, and check's rules, with the fix applied."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkldoctor.findings import Finding

if TYPE_CHECKING:
    from mkldoctor.diagnose.facts import Facts

_TOOL = {"cmake": "cmake", "meson": "meson setup"}


def _fix_lines(f: Facts) -> tuple[str, ...]:
    lines: list[str] = []
    for n, fix in enumerate(f.build_fixes):
        lines += [("or: " if n and i == 0 else "") + line for i, line in enumerate(fix.lines)]
    return tuple(lines)


def _evidence(f: Facts) -> list[str]:
    build = f.build
    out = [f"{build.tool}: -D {d}" for d in build.given] + ([f"cmake --preset {build.preset}"] if build.preset else [])
    out += list(build.lookups)
    for fix in f.build_fixes:
        out.append(f"checked: with {fix.what}, {fix.outcome}")
    for tried in f.build_tried[:6]:
        out.append(f"tried: with {tried}")
    return out


def rule_configure_fails(f: Facts) -> list[Finding]:
    build = f.build
    if build is None or build.configured or not build.predicted:
        return []
    first = build.headline
    evidence = [*_evidence(f), *[f"  {line}" for line in (build.error or "").strip().splitlines()[1:8] if line.strip()]]
    fixes = _fix_lines(f) or ("no change of where MKL is looked for makes it configure (each was tried on the "
                              "reader): see the message, it names what is missing",)
    return [Finding("configure-fails", "error", f"{_TOOL[build.tool]} stops: {first}", tuple(evidence), fixes,
                    f"Predicted by reading the project's {build.tool} files as {build.tool} reads them, against the "
                    "files on this machine; nothing was run.", locations=(build.error_at,) if build.error_at else ())]


def rule_mkl_not_linked(f: Facts) -> list[Finding]:
    build = f.build
    if build is None or not build.configured or build.linked.mkl or not f.build_concerns_mkl:
        return []
    asked = f.needs.origin.get("link") == "command line" or any("mkl" in d.lower() for d in build.given)
    switches = [f"option {name} = {value or '(empty)'}" + (f" ({at.path}:{at.line})" if at else "")
                for name, (value, at) in build.options.items()
                if "MKL" in name.upper() and value.upper() in ("ON", "OFF", "TRUE", "FALSE", "0", "1", "YES", "NO")]
    if build.looked_for_mkl:
        why = "it looks for MKL and finds none, and goes on without it"
    else:
        why = "with these options nothing in it looks for MKL (it is opt-in)"
    return [Finding("mkl-not-linked", "warning" if asked else "info", f"the build links no MKL: {why}",
                    (*switches[:8], *_evidence(f)) or (f"{build.tool}'s link lines name no libmkl_* file",),
                    _fix_lines(f) or ("nothing tried turns MKL on: read the project's build options",),
                    "An optional MKL is a choice of the project, not a problem: this says what turns it on, checked "
                    "by predicting the build with that change.")]


def rule_mixed_copies(f: Facts) -> list[Finding]:
    build = f.build
    if build is None or not build.configured or not build.config_prefix or not build.linked.folders:
        return []
    import os

    prefix = os.path.realpath(build.config_prefix).rstrip("/") + "/"
    outside = [d for d in build.linked.folders if not os.path.realpath(d).startswith(prefix)]
    if not outside:
        return []
    what = f.choice.install
    from mkldoctor.inventory.install import label

    named = label(what) if what is not None else outside[0]
    return [Finding("cmake-mixed-copies", "warning",
                    f"find_package(MKL) loads MKLConfig.cmake from {build.config_prefix} but links the libraries of "
                    f"{named}: headers of one copy, libraries of another",
                    tuple(_evidence(f)),
                    _fix_lines(f) or ("pin the libraries to the config's copy: set(CMAKE_FIND_USE_CMAKE_SYSTEM_PATH "
                                      "FALSE) before find_package(MKL) (mkldoctor link --format cmake prints it)",),
                    "Predicted from the MKLConfig.cmake that find_package loads, read as cmake reads it.")]


def rule_not_modelled(f: Facts) -> list[Finding]:
    build = f.build
    if build is None:
        return []
    out = []
    if build.unmodelled:
        out.append(Finding("build-not-modelled", "warning",
                           f"{build.tool}'s outcome is not predicted: {build.unmodelled}",
                           tuple(_evidence(f)), ("run the real configure step: mkldoctor check --configure",),
                           "The reader of build files stops where it would have to guess.",
                           locations=(build.unmodelled_at,) if build.unmodelled_at else ()))
    notes = list(dict.fromkeys(what for what, _ in build.notes))
    if notes:
        out.append(Finding("build-not-modelled", "info", f"{len(notes)} thing(s) in the {build.tool} files are read "
                           "without being modelled: the prediction says how it takes them",
                           tuple(notes[:12]), ("mkldoctor check --configure   # compares with the real tool",), "",
                           locations=tuple(dict.fromkeys(at for _, at in build.notes if at))[:6]))
    return out


def rule_asked_differs(f: Facts) -> list[Finding]:
    """The user states a link, interface or threading layer the build does not take (intel-mkl-src's feature, or
    the build tool's predicted link line decides it)."""
    if not f.needs.asked:
        return []
    parts = [f"{key} {getattr(f.needs, key)}, not the {value} asked for" for key, (value, _) in f.needs.asked.items()]
    evidence = [f"asked: {key} {value} ({why})" for key, (value, why) in f.needs.asked.items()]
    evidence += [f"the build: {key} {getattr(f.needs, key)} ({f.needs.origin.get(key, '')})" for key in f.needs.asked]
    route = f.needs.cargo_route
    others = [n for n in (route.notes if route else ()) if n.startswith("other features")]
    fix = ([f"another feature of the project gives it: {others[0].split(': ', 1)[1]}"] if others else
           ["change what the build asks for (its own option, or an intel-mkl-src feature), then check again"])
    return [Finding("build-differs-from-asked", "warning", "the build takes " + "; ".join(parts), tuple(evidence),
                    tuple(fix), "check judges the build the project's files make; what the command line states is "
                    "compared with it, not put in its place.")]


BUILD_RULES = (rule_configure_fails, rule_mkl_not_linked, rule_mixed_copies, rule_not_modelled, rule_asked_differs)
