"""The loader's "cannot open shared object file" of a log's program, module or host (ld.so's, Python's, R's, a JVM's):
which library, which release its name says, where the log's own folders hold it, and the fixes for the machine the
log comes from (its events are :mod:`hosts`'; split from there, which had grown past one job's size).
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from dataclasses import replace

from mkldoctor.explain import runpaths
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import NeededNotFound, Parsed
from mkldoctor.explain.hosts import (DOTNET, LDD_READ, HostCannotLoad, LoaderMissing, MountOverOpt, SymbolLookupError, dotnet_probe,
                                     ldd_target)
from mkldoctor.explain.linksearch import search_soname
from mkldoctor.explain.wording import q
from mkldoctor.findings import Finding
from mkldoctor.inventory.install import label
from mkldoctor.knowledge import exports, folders, layout, recipes
from mkldoctor.verdicts import missing_symbol


_JNI_EXTRACTED = re.compile(r"/\.javacpp/cache/|^/tmp/lib[\w.-]*?\d{6,}\.so$")


def loader(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain import elsewhere  # (which imports this module)
    from mkldoctor.explain.jvm import JvmNativeLoad

    out = []
    # the loader's message came through a JVM: a native library a binding extracted from its jar, or its UnsatisfiedLinkError
    extracted = [p for p in ctx.places if _JNI_EXTRACTED.search(p)]
    jvm = extracted or bool(events.of(JvmNativeLoad))
    needs = events.of(NeededNotFound)  # ld's "libX, needed by libY, not found" of the same build
    by_soname: OrderedDict[str, list[LoaderMissing]] = OrderedDict()
    mounts = events.of(MountOverOpt)
    missing = events.of(LoaderMissing)
    if _torch_ldd_only(missing, events):  # ldd of a PyTorch extension, run outside Python: torch's libraries load with torch
        missing = [e for e in missing if e.binary != LDD_READ]
    # ldd's "=> not found" lines: one failure, the first library's finding names the others (the program's own
    # message, when the log has it, is the finding)
    direct = [e for e in missing if e.binary != LDD_READ]
    ldd = list(dict.fromkeys(e.soname for e in missing if e.binary == LDD_READ and e.soname not in {d.soname for d in direct}))
    for event in direct or [e for e in missing if e.soname == ldd[0]]:
        by_soname.setdefault(event.soname, []).append(event)
    ldd = [name for name in ldd if name not in by_soname]
    probed = {dotnet_probe(e.library) for e in events.of(HostCannotLoad) if e.host == DOTNET}
    for soname, said in by_soname.items():
        if dotnet_probe(soname) in probed:  # .NET's own list of the files it tried for the name: its finding says so
            continue
        binary = said[0].binary
        opened = next((e.opened for e in said if e.opened), "")
        if opened and not soname.startswith("libmkl_"):  # a plugin or module opened by its path: no search to widen
            out.append(_path_not_there(opened, said[0]))
            continue
        others, ldd = ldd, []  # ldd's other missing libraries join the first loader finding only
        confirm = f"ldd {q(ldd_target(binary))} | grep {q(soname)}   # must show a path, not 'not found'"
        if not ctx.local:  # another machine's loader: what the log shows, not this machine's search
            linked = sorted({n.needed_by for n in needs if n.soname == soname})
            also = sorted({n.soname for n in needs if n.needed_by in linked and n.soname != soname})
            found = elsewhere.loader(ctx, soname, sorted({e.binary for e in said}), confirm.split("   #")[0], linked=linked, also=also,
                                     jvm=jvm)
            out.append(runpaths.amend(_over_opt(_ldd_also(found, others), soname, mounts), events))
            continue
        result = search_soname(soname, binary, env=ctx.env, env_label="LD_LIBRARY_PATH (here, now)")
        holders = ctx.holders(soname)
        evidence = [f"{', '.join(sorted({e.binary for e in said}))} needs {soname}", f"the loader's search for {soname}:"]
        evidence += ["  " + line for line in result.lines()]
        if result.found:
            evidence.append(f"here and now it would be found ({result.found}): the failing run had another environment")
        elif soname in ctx.resolved:  # the log's own ldd found it (likwid#17): the run had another environment
            evidence.append(elsewhere.ldd_found(soname))
        evidence += [f"{soname} is in {label(i)}: {folder}" for i, folder in holders]
        closed = _unreadable(soname, ctx.places)
        evidence += [f"{path} is there, but only its owner can read it (mode {oct(mode & 0o777)}): the loader, run by another "
                     "user, skips a file it may not open and says 'No such file or directory'" for path, mode in closed[:1]]
        from mkldoctor.explain.elsewhere import program_fix, stale_fix, stale_interpreter

        stale = stale_interpreter(ctx)
        evidence += stale
        fix: list[str] = program_fix({e.binary for e in said}, soname.split(".so", 1)[0]) + stale_fix(stale)
        if closed:
            fix.append(f"let every user read it: chmod a+rx {q(closed[0][0])} (or update the package that installed it so; "
                       "an install run as root with umask 077 leaves such files)")
        if holders:
            folder = holders[0][1]
            fix.append(f"export LD_LIBRARY_PATH={q(folder)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
            fix.append(f"or relink with a run path: -Wl,-rpath,{q(folder)}")
            fix.append(f"or system-wide: {recipes.ld_so_conf(folder)}")
        elif soname in ctx.resolved:
            fix.append(elsewhere.environment_free(soname))
        elif soname.startswith("libiomp5"):
            fix.append(f"install Intel's OpenMP runtime: {ctx.recipe_ref('openmp')}")
        elif not soname.startswith("libmkl_"):  # another project's library (GCC's OpenMP, MKL-ML, a compiler's runtime)
            fix += elsewhere.install_lines(ctx, soname, [])
        else:
            named, others_fix = by_name(ctx, soname, {e.binary for e in said}), _other_release(ctx, soname, evidence)
            fix += named or others_fix  # a name the host opens itself: no relink, no release of 2020 needed
        out.append(runpaths.amend(_ldd_also(Finding(
            "loader-cannot-find", "error", f"the loader cannot find {soname}",
            tuple(evidence), tuple(fix),
            "The program was linked against this library, but at run time the loader looks only in the binary's run path, "
            "LD_LIBRARY_PATH, /etc/ld.so.cache and the default folders; the folder that holds it is in none of them.",
            (confirm,),
        ), others), events))
    return out


BY_NAME = ("python (ctypes)", "julia (dlopen)")  # hosts that dlopen a library by the name the user gives


def by_name(ctx: Context, soname: str, binaries: set[str]) -> list[str]:
    """A host that opens MKL by an unversioned name (ctypes.CDLL('libmkl_rt.so'), Julia's dlopen): oneMKL 2021 and newer
    name their files .so.N; the bare name is a development link, which PyPI's wheels do not have (produced with ctypes)."""
    stem = soname.split(".so", 1)[0]
    # Python's OSError alone may be an extension's own import: its ctypes frame says the program opened the name itself
    hosts = {b for b in binaries & set(BY_NAME) if b != "python (ctypes)" or any("ctypes/__init__.py" in p for p in ctx.places)}
    if not (hosts and soname.endswith(".so") and stem.startswith("libmkl_")):
        return []
    here = [p for _, p in ctx.holders_of_stem(stem + ".so") if os.path.basename(p) != soname][:1]
    call = "Libdl.dlopen" if hosts == {"julia (dlopen)"} else "ctypes.CDLL"
    return [f"the program opens {soname} by that name: oneMKL 2021 and newer name the file {stem}.so.1, .so.2 or .so.3 (2026), "
            "and the bare name is only a development link (conda's mkl-devel, Debian's libmkl-dev, oneAPI's -devel packages; "
            f"PyPI's wheels have none): open the versioned name or the full path, {call}("
            + (f"'{here[0]}'" if here and re.fullmatch(r"[\w./+-]+", here[0]) else f"'{stem}.so.2'") + "), or install "
            "the development link (one of those packages)"]


def _other_release(ctx: Context, soname: str, evidence: list[str]) -> list[str]:
    """A missing ``libmkl_X.so.N``: which releases carry that soname (the export table of every release),
    and which other sonames of the same library this machine has (another release)."""

    stem = soname.split(".so", 1)[0]
    others = [(i, p) for i, p in ctx.holders_of_stem(stem + ".so") if os.path.basename(p) != soname]
    releases = exports.releases_providing(soname) if stem.startswith("libmkl_") else ()
    table = f"mkldoctor's table of every release's libraries, {missing_symbol.span_of_releases()}"
    if releases:
        span = releases[0] if len(releases) == 1 else f"{releases[0]} to {releases[-1]}"
        evidence.append(f"{soname} is the soname of MKL {span} ({table})")
    elif stem.startswith("libmkl_") and exports.complete():
        evidence.append(f"no MKL release in mkldoctor's table ({missing_symbol.span_of_releases()}) has the soname {soname}")
    # pip installs only what the package index has (not Debian's 2020.4.304)
    pip = [r for r in releases if (found := exports.release(r)) is not None and found.source.startswith("PyPI")]
    for install, path in others:
        evidence.append(f"this machine has {os.path.basename(path)} from {label(install)}: another soname, so another release")
    fix: list[str] = []
    if others:
        fix.append(f"the program was linked against the MKL release whose soname is {soname}; relink it against a copy that is here: "
                   f"mkldoctor link --install {q(others[0][0].root)}")
    if releases and not pip and layout.get(soname) is not None and soname.endswith(".so"):
        # no version number: MKL 2020 and older (Parallel Studio, conda's mkl up to 2020, PyPI's 2019.0, Debian's 2020.4)
        evidence.append(f"{soname} has no version number: the name of MKL 2020 and older (Parallel Studio, conda's mkl up to "
                        "2020, Debian's 2020.4); 2021 and newer name it .so.1, .so.2, .so.3")
        package = recipes.debian_package(layout.get(soname).name)
        fix.append(f"{'or ' if fix else ''}install the MKL it was built with, where it runs: Debian and Ubuntu (non-free): "
                   f"{recipes.apt_install(package)}; conda: {recipes.conda_install(q('mkl<2021'))}")
        fix.append(f"or with this machine's package manager: {ctx.recipe_ref('shared')}")
    elif pip:
        fix.append(f"{'or ' if fix else ''}install a release that provides {soname}: {recipes.pip_install(f'mkl=={pip[-1]}')}"
                   f"   # the newest with that soname; then LD_LIBRARY_PATH=<its prefix>/lib")
        fix.append(f"or with this machine's package manager: {ctx.recipe_ref('shared')}")
    elif releases:
        fix.append(f"{'or ' if fix else ''}install the release that provides {soname}, MKL {releases[-1]}: {ctx.recipe_ref('shared')}")
    elif others:
        fix.append(f"or install the release that provides {soname} (the one the program was built with): {ctx.recipe_ref('shared')}")
    return fix or [f"install MKL's shared libraries: {ctx.recipe_ref('shared')}"]


def _path_not_there(path: str, event: LoaderMissing) -> Finding:
    """A program opened a library by its full path (a plugin, an extension module) and no file is there: LD_LIBRARY_PATH
    and the loader's cache play no part; the file was never built or installed (FreeFem#201: PARDISO.so, which FreeFem
    builds only when its configure found MKL)."""
    name = os.path.basename(path)
    pardiso = "pardiso" in name.lower()
    return Finding(
        "loader-cannot-find", "error", f"{name} is not at the path the program opened: {path}", (
            f"{event.binary} opened {path} by its full path, and no file is there: the loader searches no folder for a "
            "path, so LD_LIBRARY_PATH and ldconfig do not apply",
            *((f"{name} is a project's plugin for MKL's PARDISO: projects build it only when their configure found MKL "
               "(FreeFem's ./configure with MKL or oneAPI), and leave it out otherwise",) if pardiso else ()),
        ), (
            *(("install MKL (or oneAPI) and configure the project again so that it finds it (its configure's summary says "
               "whether MKL was found), then rebuild and install: the PARDISO plugin is built then",) if pardiso else ()),
            f"check whether the project built {name}: ls {q(os.path.dirname(path))}; find the build tree for it; a plugin "
            "left out at configure time is built only after configuring with what it needs",
        ),
        "dlopen of a path opens that file or fails; the loader's search is for names without a folder.",
        (f"ls -l {q(path)}   # the file the program opened",),
    )


# PyTorch's own libraries, which an extension of it (intel_extension_for_pytorch, torchvision) finds because `import torch`
# loaded them first: ldd of the extension, run outside Python, says "not found" for them on every working install
_TORCH_LIBS = re.compile(r"^lib(?:torch(?:_cpu|_cuda|_python|_global_deps)?|c10(?:_cuda)?|shm)\.so$")


def _torch_ldd_only(missing: list[LoaderMissing], events: Parsed) -> bool:
    """ldd's "not found" lines name only PyTorch's own libraries, and the log's failure is a Python extension's own (ipex-llm
    #8803: the extension's undefined SYCL name, with ldd of it beside)."""
    listed = [e.soname for e in missing if e.binary == LDD_READ]
    return bool(listed) and all(_TORCH_LIBS.match(s) for s in listed) and any(
        "site-packages" in e.library for e in events.of(SymbolLookupError))


def _ldd_also(finding: Finding, others: list[str]) -> Finding:
    """The finding of the first library ldd could not find, with the others it listed."""
    if not others:
        return finding
    line = (f"ldd finds none of {', '.join(others[:4])} either: the same search fails for each (they are most often in one "
            "folder, which the library ldd read has no run path to)")
    return replace(finding, evidence=(*finding.evidence[:1], line, *finding.evidence[1:]))


def _unreadable(soname: str, places) -> list[tuple[str, int]]:
    """The files of that name the log shows that exist here and that no one but their owner may read."""
    out = []
    for path in places:
        if os.path.basename(path) == soname:
            try:
                mode = os.stat(path).st_mode
            except OSError:
                continue
            if not mode & 0o004:
                out.append((path, mode))
    return out


def _over_opt(finding: Finding, soname: str, mounts: list[MountOverOpt]) -> Finding:
    """A container started with the host's folder over its /opt: the image's oneAPI (/opt/intel) is hidden."""
    if not mounts or not re.match(r"lib(?:mkl_|iomp5|sycl|svml|imf|tbb)", soname):
        return finding
    volume = mounts[0].volume
    said = (f"the container was started with -v {volume}: the host's folder covers the image's /opt, where Intel's images keep "
            f"oneAPI (/opt/intel/oneapi), so {soname} of the image is hidden")
    fix = (f"mount the host's folder elsewhere (-v {volume.split(':')[0]}:/host{volume.split(':')[0]}), so that the image's "
           f"/opt/intel stays visible; then {folders.SOURCE_SETVARS} in the container if the image does not")
    return replace(finding, evidence=(*finding.evidence[:1], said, *finding.evidence[1:]), fix=(fix, *finding.fix))
