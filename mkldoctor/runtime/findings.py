"""``check --image IMG BINARY``: every file ``deps`` lists that the image lacks is an error finding."""

from __future__ import annotations

import os
import posixpath
import re
import shlex

from mkldoctor.discover import discover
from mkldoctor.findings import Finding
from mkldoctor.rootfs import RootFS
from mkldoctor.runtime.deps import Deps, Need


def runtime_findings(deps: Deps, search: list[str] | None = None) -> list[Finding]:
    """One error per missing file: the search told, where this machine has it, the COPY line."""
    if not deps.missing:
        return []
    present = [n for n in deps.needs if n.path and n.file.startswith("libmkl_")]
    dest_dir = posixpath.dirname(present[0].path) if present else None
    here = _folders_here(search)
    told = {need.file: needs[0].file for needs, _ in deps.searches() for need in needs}  # each search told once
    findings = []
    for need in deps.missing:
        sources = [os.path.join(folder, need.file) for folder in here if os.path.exists(os.path.join(folder, need.file))]
        evidence = [f"{deps.binary} needs it: {need.role}, {need.why}"]
        if told[need.file] == need.file:
            evidence += [f"the search in the image: {line}" for line in need.search]
        else:
            evidence.append(f"the search in the image: the same as for {told[need.file]}, and it failed alike")
        evidence += [f"on this machine: {path}" for path in sources[:3]] or ["no copy of it on this machine (--host-search DIR adds folders)"]
        folder = dest_dir or _first_search_folder(need.search)
        target = posixpath.join(folder, need.file) if folder else f"<a folder on the loader's path>/{need.file}"
        source = sources[0] if sources else f"<where your build stage has {need.file}>"
        fix = (f"COPY --from=build {shlex.quote(source)} {shlex.quote(target)}",)
        story, others = _soname_story(deps, need)
        evidence += story
        if others:
            fix += (f"or rebuild {deps.binary} against the MKL the image has ({others[0]}): relinked, it asks for that soname",)
        findings.append(Finding(
            "runtime-missing", "error",
            f"{need.file} is missing from {deps.image or deps.root}: {deps.binary} needs it at run time",
            tuple(evidence), fix,
            explanation=_why(need.role, need.file),
            confirm=(f"mkldoctor deps {deps.binary} --image {shlex.quote(deps.image or deps.root)}",),
        ))
    return findings


def _span(releases: tuple[str, ...]) -> str:
    return releases[0] if len(releases) == 1 else f"{releases[0]} to {releases[-1]}"


def _soname_story(deps: Deps, need: Need) -> tuple[list[str], list[str]]:
    """A missing ``libmkl_X.so[.N]`` the binary names in DT_NEEDED: the releases with that soname (the export
    table), and the other sonames of that library in the folders searched: the image's MKL is another release."""
    from mkldoctor.knowledge import exports

    if not need.file.startswith("libmkl_") or "DT_NEEDED" not in need.why or "<" in need.file:
        return [], []
    evidence = []
    releases = exports.releases_with_soname(need.file)
    if releases:
        evidence.append(f"{need.file} is the soname of MKL {_span(releases)} (mkldoctor's table of every release's libraries): "
                        f"{deps.binary} was linked against that release")
    stem = need.file.split(".so", 1)[0] + ".so"
    fs = RootFS(deps.root)
    others = []
    for line in need.search:
        match = re.match(r"^\d+\. [^/]*?(/\S*?):", line)
        try:
            names = fs.listdir(match.group(1)) if match and fs.isdir(match.group(1)) else []
        except OSError:  # changed since the search looked at it
            names = []
        for name in names:
            if (name == stem or name.startswith(stem + ".")) and name != need.file:
                path = posixpath.join(match.group(1), name)
                others.append(path)
                theirs = exports.releases_with_soname(name)
                evidence.append(f"the image has {path}" + (f", the soname of MKL {_span(theirs)}" if theirs else "")
                                + f": another release than the one {deps.binary} was built against")
    return evidence, others


def _why(role: str, name: str) -> str:
    if role == "OpenMP runtime":
        return (f"The run stops with `symbol lookup error: ... undefined symbol: omp_get_num_procs`: the threading layer "
                f"calls {name} without naming it in DT_NEEDED, so ldd and libtree do not see it.")
    if role in ("interface layer", "threading layer", "core"):
        return f"libmkl_rt opens {name} itself at the first MKL call: `Intel oneMKL FATAL ERROR: Cannot load {name}`."
    if role.endswith("kernel"):
        return (f"libmkl_core opens the kernel for the CPU it runs on: `Cannot load {name}` on this CPU; "
                "`mkldoctor deps --cpu all` lists every kernel for an image that runs anywhere.")
    return f"The loader stops with `error while loading shared libraries: {name}`."


def _first_search_folder(lines: tuple[str, ...]) -> str | None:
    """The first folder the program itself names (DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH): where a copy belongs."""
    for line in lines:
        match = re.match(r"^\d+\. (?:DT_RPATH|DT_RUNPATH|LD_LIBRARY_PATH)(?: of the executable)? (/\S*):", line)
        if match:
            return match.group(1)
    return None


def _folders_here(search: list[str] | None) -> list[str]:
    folders = [os.path.abspath(s) for s in search or []]
    for install in discover("/", search, env=dict(os.environ), symbols=()).installs:
        folders += install.lib_dirs
    return list(dict.fromkeys(folders))
