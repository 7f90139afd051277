"""MSVC's linker (link.exe, lld-link): an MKL ``.lib`` it cannot open, MKL names it cannot resolve.

``LINK : fatal error LNK1181: cannot open input file 'mkl_intel_ilp64.lib'`` (LNK1104: ``cannot open file``)
means no folder on ``/LIBPATH`` or in ``LIB`` holds that library: oneAPI 2021-2023 keep MKL's ``.lib``
files in ``mkl\\<ver>\\lib\\intel64``, 2024 and newer in ``mkl\\<ver>\\lib``, Parallel Studio in
``mkl\\lib\\intel64_win``, conda and pip in ``<env>\\Library\\lib`` (:mod:`mkldoctor.knowledge.folders`).
``error LNK2019: unresolved external symbol DftiCreateDescriptor`` means no MKL library took part in the
link (or a layer of it is missing). A link.exe command line in the log is read for its ``/LIBPATH``
folders, each held against the layout its name says. A 32-bit layer's name (mkl_intel_c.lib) is :mod:`ia32`'s.
"""

from __future__ import annotations

import ntpath
import re
from dataclasses import dataclass, replace

from mkldoctor.explain import blasnames, ia32, msvclayers
from mkldoctor.explain.msvclayers import mkl_family as _mkl_family
from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, Unrecognised
from mkldoctor.explain.cluster import advice
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, facts, folders, kinds, layout, tbb


@dataclass(frozen=True, slots=True)
class MsvcCannotOpen:
    """``LNK1181: cannot open input file 'X.lib'`` (or LNK1104's ``cannot open file``)."""

    file: str
    code: str


@dataclass(frozen=True, slots=True)
class MsvcUnresolved:
    """``x.obj : error LNK2019: unresolved external symbol S referenced in function F``."""

    symbol: str
    where: str
    function: str
    x86: bool = False  # the name carried 32-bit x86's leading underscore (_cblas_dgemm)
    ipo: bool = False  # said by Intel's interprocedural optimizer, which goes on past the libraries it cannot open


@dataclass(frozen=True, slots=True)
class MsvcLayerUnresolved:
    """``mkl_intel_thread.lib(s__gemv_omp.obj) : error LNK2001: unre...``: an unresolved name of a member of MKL's
    threading layer, the name itself cut off by the paste (pytorch#32914)."""

    where: str
    layer: str  # "intel_thread", "tbb_thread"


@dataclass(frozen=True, slots=True)
class MsvcLinkCommand:
    """A link.exe (or lld-link) command line: its /LIBPATH folders and the .lib files it names."""

    libpaths: tuple[str, ...]
    libs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MsvcRuntimeMismatch:
    """``mkl_core.lib(x.obj) : error LNK2038: mismatch detected for 'RuntimeLibrary': value 'MT_StaticRelease' doesn't
    match value 'MD_DynamicRelease' in main.obj``: objects built for two C runtimes in one link."""

    where: str  # the object or library that line is about ("" when the paste cut it)
    value: str
    other: str
    line: str


def _cannot_open(m: re.Match, _) -> MsvcCannotOpen | Unrecognised:
    name = m.group("file").strip()
    if _mkl_family(name):
        return MsvcCannotOpen(name, m.group("code"))
    return Unrecognised(m.string.strip())


def _unresolved(m: re.Match, _) -> MsvcUnresolved:
    raw, plain = m.group("sym").strip('"').removeprefix("__imp_"), _plain(m.group("sym"))
    return MsvcUnresolved(plain, (m.group("obj") or "").strip(), (m.group("fn") or "").strip(), raw.split("@", 1)[0] == "_" + plain)


# link.exe in another language (German, Chinese, Japanese, French...): the code and the name, with the words around them
# translated. The name is the first quoted one ("cblas_dgemm", “x”, 「x」), else the first word that has a symbol's marks
_QUOTED = re.compile(r"[\"“„«「](?P<q>[^\"”“»」]+)[\"”“»」]")
_SYMBOL_WORD = re.compile(r"(?<![\w?@$])(?P<w>[?@_$A-Za-z][\w?@$]*(?:@\d+)?)")


def _unresolved_any(m: re.Match, _) -> MsvcUnresolved | object:
    rest = m.group("rest")
    quoted = _QUOTED.search(rest)
    words = [w.group("w") for w in _SYMBOL_WORD.finditer(rest)]
    name = quoted.group("q") if quoted else next((w for w in words if re.search(r"[_@?$]", w) or facts.looks_like_mkl(w)), None)
    if not name:
        return NOT_MINE  # no name to read: the line stays an error of its own
    plain = _plain(name)
    return MsvcUnresolved(plain, (m.group("obj") or "").strip(), "", name.removeprefix("__imp_").split("@", 1)[0] == "_" + plain)


def _plain(symbol: str) -> str:
    """``__imp_DftiCreateDescriptor`` -> ``DftiCreateDescriptor``; ``_cblas_dgemm`` (x86) -> ``cblas_dgemm``."""
    name = symbol.strip('"').removeprefix("__imp_")
    if name.startswith("_") and not name.startswith("__") and _mkl_name(name[1:]):
        name = name[1:]
    return name.split("@", 1)[0] if not name.startswith("?") else name


def _mkl_name(name: str) -> bool:
    """MKL's by its shape (cblas_, mkl_, dgemm_) or by MKL's export table (idamax_, lsame_: BLAS's and LAPACK's others)."""
    return facts.looks_like_mkl(name) or exports.history(name) is not None


_ARG = re.compile(r'"[^"]*"|\S+')


def _link_command(m: re.Match, _) -> MsvcLinkCommand | None:
    libpaths, libs = [], []
    for token in _ARG.findall(m.group("args")):
        token = token.strip('"')
        option = re.match(r"^[/-]LIBPATH:(.+)$", token, re.I)
        if option:
            libpaths.append(option.group(1).strip('"'))
        elif token.lower().endswith(".lib"):
            libs.append(token)
    return MsvcLinkCommand(tuple(libpaths), tuple(libs)) if libs or libpaths else None


# a reporter's own words for it: 'link error 1181 : "can't open mkl_core.lib"' (Neuro#1), with MKL's .lib named
_PROSE = re.compile(r"(?i)(?:\bLNK ?|\blink(?:er)? error )?(?P<code>1181|1104)?\b.{0,20}?\bcan(?:'|no)?t open (?:input )?(?:file )?"
                    r"[\"'“‘]?(?P<file>(?:lib)?mkl\w*\.lib)\b")

SIGNATURES = (
    Signature("msvc-cannot-open", "msvc", "error LNK",
              re.compile(r"error (?P<code>LNK1181|LNK1104): cannot open (?:input )?file '(?P<file>[^']+)'"), _cannot_open),
    # a page's quote of it without link.exe's "fatal error", its name maybe cut ("LNK1104: cannot open file 'mkl_...'")
    *(Signature(f"msvc-cannot-open-quoted-{code}", "msvc", code,
                re.compile(r"^\s*(?P<code>LNK1181|LNK1104): cannot open (?:input )?file '(?P<file>[^']+)'"), _cannot_open)
      for code in ("LNK1181", "LNK1104")),
    # a reporter's own words for it: 'link error 1181 : "can't open mkl_core.lib"' (Neuro#1), with MKL's .lib named
    *(Signature(f"msvc-cannot-open-prose-{i}", "msvc", needle, _PROSE,
                lambda m, _: MsvcCannotOpen(m.group("file"), "LNK" + (m.group("code") or "1181")))
      for i, needle in enumerate(("an't open", "annot open"))),
    # Visual Studio's Intel Fortran integration names the library without .lib ("Error 11018: Cannot open mkl_sequential",
    # "Error 1108: Cannot open MKL core": OpenFAST#1692; "error #11018: Cannot open mkl_core": OpenFAST#1249), beside
    # link.exe's own LNK1181 of the same link
    # (its interprocedural optimizer's own link: "ipo: error #11018: Cannot open mkl_intel_lp64", OpenFAST#328)
    Signature("vs-fortran-cannot-open-mkl", "msvc", "annot open",
              re.compile(r"^\s*(?:ipo(?:-\d+)?:\s*)?[Ee]rror\s+#?\d+:\s*Cannot open (?P<file>mkl_\w+|MKL (?P<part>core))\s*$"),
              lambda m, _: MsvcCannotOpen(f"mkl_{m.group('part')}.lib" if m.group("part") else m.group("file") + ".lib", "LNK1181")),
    Signature("msvc-unresolved", "msvc", "error LNK",
              re.compile(r"^(?:\d+>)?(?:(?P<obj>(?:[A-Za-z]:)?[^:]*):)?\s*error LNK20(?:19|01): unresolved external symbol "
                         r"(?P<sym>\"[^\"]+\"|\S+)(?:.*?referenced in function (?P<fn>.+))?"), _unresolved),
    # Visual Studio's Error List copied as text: "Error<TAB>LNK2001<TAB>unresolved external symbol ...<TAB>project<TAB>file"
    Signature("vs-error-list-unresolved", "msvc", "Error",  # (its code column may hold link.exe's whole "error LNK2019:")
              re.compile(r"^\W{0,2}Error\s+(?:error )?LNK20(?:19|01):?\s+unresolved external symbol (?P<sym>\"[^\"]+\"|\S+)"
                         r"(?:.*?referenced in function (?P<fn>[^\t]+))?(?P<obj>)"), _unresolved),
    # the code and message alone, as a post quotes them ("LNK2019 unresolved external symbol PARDISO referenced in function ...")
    Signature("msvc-unresolved-quoted", "msvc", "nresolved external symbol",
              re.compile(r"^\W{0,4}LNK20(?:19|01):?\s+unresolved external symbol (?P<sym>\"[^\"]+\"|\S+)"
                         r"(?:.*?referenced in function (?P<fn>.+))?(?P<obj>)"), _unresolved),
    Signature("vs-error-list-cannot-open", "msvc", "Error",
              re.compile(r"^\s*Error\s+(?P<code>LNK1181|LNK1104)\s+cannot open (?:input )?file '(?P<file>[^']+)'"), _cannot_open),
    # the same row in a localized Visual Studio ("错误<TAB>LNK1181<TAB>无法打开输入文件“X”<TAB>project"): the code and the quoted file
    Signature("vs-error-list-cannot-open-localized", "msvc", "LNK11",  # its tabs may be runs of spaces in a paste
              re.compile(r"^\s*\S{1,20}(?:\t+| {2,})(?P<code>LNK1181|LNK1104)(?:\t+| {2,})[^\t\"'“‘]{0,200}[\"'“‘](?P<file>[^\"'”’\t]+)[\"'”’]"),
              _cannot_open),
    # after msvc-unresolved: the same line cut before its name, in a member of MKL's threading layer
    Signature("msvc-unresolved-in-threading-layer", "msvc", "error LNK",
              re.compile(r"^(?:\d+>)?(?P<obj>(?:lib)?mkl_(?P<layer>intel_thread|tbb_thread)\w*\.lib\([^)]*\))\s*:\s*error LNK20(?:19|01)\b"),
              lambda m, _: MsvcLayerUnresolved(m.group("obj")[:200], m.group("layer"))),
    Signature("msvc-runtime-mismatch", "msvc", "error LNK",
              re.compile(r"^(?:\d+>)?(?:(?P<obj>(?:[A-Za-z]:)?[^:]*):)?(?:\s*:)?\s*"  # oneDAL's notes: "x.lib(y.obj) : : error"
                         r"error LNK2038: mismatch detected for 'RuntimeLibrary': value "
                         r"'(?P<a>\w+)' doesn't match value '(?P<b>\w+)'"),
              lambda m, _: MsvcRuntimeMismatch((m.group("obj") or "").strip(), m.group("a"), m.group("b"), m.string.strip()[:300])),
    # the same optimizer's unresolved names (Intel Fortran's, upper case on Windows: "ipo: warning #11021: unresolved
    # CLUSTER_SPARSE_SOLVER_D", fds#6812), then its "error #11023: Not all components required for linking are present"
    Signature("ipo-unresolved", "msvc", "unresolved",
              re.compile(r"^\s*ipo(?:-\d+)?: warning #11021: unresolved (?P<sym>\w+)\s*$"),
              lambda m, _: MsvcUnresolved(m["sym"], "", "", ipo=True) if _mkl_name(m["sym"]) else NOT_MINE),
    Signature("ipo-components-missing", "msvc", "rror #11023",
              re.compile(r"^\s*ipo(?:-\d+)?: error #11023: Not all components required for linking"),
              lambda m, _: FollowOn(m.string.strip())),
    Signature("msvc-unresolved-count", "msvc", "error LNK", re.compile(r"fatal error LNK1120: \d+ unresolved externals"),
              lambda m, _: FollowOn(m.group(0))),
    # the same three in any language, after the English ones: the code, and the quoted file or the name
    Signature("msvc-cannot-open-any-language", "msvc", "error LNK",
              re.compile(r"error (?P<code>LNK1181|LNK1104):.{0,200}?[\"'“‘„«「](?P<file>[^\"'”’“»」]{1,300}\.\w{1,4})[\"'”’“»」]"), _cannot_open),
    Signature("msvc-unresolved-any-language", "msvc", "error LNK",
              re.compile(r"^(?:\d+>)?(?:(?P<obj>(?:[A-Za-z]:)?[^:]*):)?\s*error LNK20(?:19|01):(?P<rest>.{1,2000})"), _unresolved_any),
    Signature("msvc-unresolved-count-any-language", "msvc", "error LNK", re.compile(r"fatal error LNK1120:"),
              lambda m, _: FollowOn(m.string.strip()[:200])),
    Signature("msvc-link-command", "msvc", "link.exe", re.compile(r"(?i)\b(?:link|lld-link)\.exe\"?\s+(?!exited\b|failed\b)(?P<args>.+)$"),
              _link_command),
)


def _windows_name(name: str) -> str | None:
    """The Windows import library of a Linux library's name given to link.exe (``libmklml_intel.dll`` -> ``mklml.lib``,
    ``libmkl_core.so`` -> ``mkl_core.lib``, ``libiomp5.dll`` -> ``libiomp5md.lib``); None for a Windows name."""
    base = folders.file_name(name)
    stem, dot, ext = base.rpartition(".")
    stem, ext = (stem, ext.lower()) if dot else (base, "")
    if ext not in ("dll", "so", "a", "dylib") and not (ext == "lib" and stem.lower().startswith("libmkl")):
        return None
    plain = stem.lower()
    if facts.is_mklml(plain):
        return "mklml.lib (with libiomp5md.lib)"
    if plain.startswith("libiomp5"):
        return "libiomp5md.lib"
    return f"{plain.removeprefix('lib')}.lib" if plain.removeprefix("lib").startswith("mkl_") else None


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    commands = events.of(MsvcLinkCommand)
    cannot = events.of(MsvcCannotOpen)
    folders_named = [p for c in commands for p in c.libpaths] + [
        folders.posix(e.file).rsplit("/", 1)[0] for e in cannot if "/" in folders.posix(e.file)]  # a .lib named by its path
    mismatched = list(dict.fromkeys(line for line in map(folders.lib_dir_mismatch, folders_named) if line))
    with_mkl = [c for c in commands if any(_mkl_family(lib) for lib in c.libs)]
    failed = bool(cannot) or bool(events.of(FollowOn)) or bool(events.of(MsvcUnresolved))
    runtimes, also = events.of(MsvcRuntimeMismatch)[:1], ()
    if runtimes and msvclayers.debug_layer(runtimes[0]):  # the debug layer's TBB (tbb12_debug.lib) is its consequence
        debug_tbb = [e for e in cannot if re.fullmatch(r"tbb\d*_debug\.lib", folders.file_name(e.file), re.I)]
        cannot = [e for e in cannot if e not in debug_tbb]
        also = tuple(f"then {e.code}: cannot open {folders.file_name(e.file)}, the debug TBB that the debug layer names"
                     for e in debug_tbb[:1])
    if cannot or (with_mkl and mismatched and failed):
        out.append(_cannot_open_finding(cannot, with_mkl or commands, mismatched, ctx))
    out += [msvclayers.runtime_mismatch(mismatch, commands, also) for mismatch in runtimes]
    unresolved = [e for e in events.of(MsvcUnresolved) if (_mkl_name(e.symbol) and kinds.kind_only(e.symbol) is None)
                  or facts.is_openmp_symbol(e.symbol)]
    lost = [e for e in unresolved if e.ipo]  # Intel's optimizer goes on past the libraries it could not open
    if lost and out and any(_mkl_family(folders.file_name(e.file)) for e in cannot):
        names = list(dict.fromkeys(e.symbol for e in lost))
        out[0] = replace(out[0], evidence=(*out[0].evidence, f"then the link says {more(names, 3)} unresolved: MKL's names, "
                                           "the consequence of its libraries not found"))
    elif unresolved:
        symbols = [e.symbol for e in unresolved]
        out.append(blasnames.unless_mkl(_unresolved_finding(unresolved, commands), symbols, events.mkl_at, windows=True))
    elif events.of(MsvcLayerUnresolved):
        out.append(msvclayers.layer_runtime(events.of(MsvcLayerUnresolved), commands))
    # MKL's names of one link kind only (i_malloc) are linkkind's
    other = [e for e in events.of(MsvcUnresolved) if e not in unresolved and kinds.kind_only(e.symbol) is None]
    if other:  # never silent: a name that is not MKL's still stopped the link
        out.append(_other_unresolved(other))
    return out


def _short_name(name: str) -> str:
    """"public: void __cdecl ns::f(...)" -> "ns::f"; a template's arguments dropped first ("int __cdecl ns::f<struct
    ns::t<float> >(...)" -> "ns::f")."""
    for _ in range(8):  # nested template arguments, innermost first
        plain = re.sub(r"<[^<>]*>", "", name)
        if plain == name:
            break
        name = plain
    return name.split("(")[0].strip().split(" ")[-1][:120]  # a title's share of a name, however long the log's


def _other_unresolved(events: list[MsvcUnresolved]) -> Finding:
    """link.exe's unresolved names that are not MKL's: the project's own, or a library of its that was built otherwise;
    a C++ name whose arguments carry OpenMP's types exists only in a build with OpenMP."""
    names = list(dict.fromkeys(e.symbol for e in events))
    shown = [_short_name(n) for n in names]
    evidence = [f"{names[0][:200]} is needed by {events[0].where or 'an object'}"
                + (f" (in {events[0].function[:120]})" if events[0].function else "")]
    evidence += [f"also unresolved: {more(shown[1:], 3)}"] if len(names) > 1 else []
    omp = [n for n in names if re.search(r"\bomp_(?:nest_)?lock_t\b|\bomp_\w+\(", n)]
    fix = ["find the library that defines it and put it on the link (dumpbin /symbols <the .lib> | findstr <name>), or the "
           "source that defines it in the build"]
    if omp:
        evidence.append(f"{shown[names.index(omp[0])]} takes OpenMP's omp_lock_t: it is compiled only where OpenMP is on; the "
                        "library that should define it was built without OpenMP (an MKL build of the package without an "
                        "OpenMP runtime: Intel's libiomp5md with MKL's intel_thread layer)")
        fix.insert(0, "build that library with OpenMP and its runtime: /openmp (MSVC) or /Qopenmp (Intel), and Intel's "
                      "runtime for MKL's threads (conda's intel-openmp, libiomp5md.lib on the link); a conda recipe: add "
                      "intel-openmp to the MKL variant's requirements")
    return Finding(
        "undefined-symbol", "error", f"link.exe: {more(shown, 2)} unresolved: not MKL's names",
        tuple(evidence), tuple(fix),
        "link.exe found no definition of these names in the objects and libraries of the link; they are not MKL's, so "
        "the cause is the library or option of the project that should define them.",
        ("dumpbin /symbols <each .lib on the link> | findstr /c:\"" + shown[0].rsplit("::", 1)[-1] + "\"",),
    )


def _where_libs() -> list[str]:
    return [f"{f.releases}: {f.libs}" for f in folders.LAYOUTS if f.platform == "windows"]


def _cannot_open_finding(cannot: list[MsvcCannotOpen], commands: list[MsvcLinkCommand], mismatched: list[str],
                         ctx: Context) -> Finding:
    names = list(dict.fromkeys(e.file for e in cannot)) or [lib for c in commands for lib in c.libs if _mkl_family(lib)][:3]
    evidence = [f"link.exe: {e.code}: cannot open {e.file}" for e in cannot]
    for command in commands[:2]:
        evidence.append("the link line's folders (/LIBPATH): " + (", ".join(command.libpaths) or "none: only LIB's folders"))
        evidence.append("the MKL libraries it names: " + more([lib for lib in command.libs if _mkl_family(lib)], 6))
    evidence += mismatched
    openmp = [n for n in names if layout.role(n) == "openmp"]
    fix = ["add the folder that holds " + more(names, 3) + " to the link: /LIBPATH:<folder> (CMake: target_link_directories or "
           "the imported target's INTERFACE_LINK_DIRECTORIES; MSBuild: Linker > Additional Library Directories), "
           f'or set LIB for the whole build: call "{folders.ONEAPI_SETVARS_BAT}"']
    runtimes = [n for n in names if layout.is_tbb_runtime(n)]
    fix += ["where that folder is, by layout:"] + ["  " + line for line in (_where_tbb() if runtimes else _where_libs())]
    if openmp:
        fix.append(r"libiomp5md.lib is the compiler's, not MKL's: oneAPI 2024+ compiler\<ver>\lib; 2021-2023 "
                   r"compiler\<ver>\windows\compiler\lib\intel64_win; conda and pip: <env>\Library\lib")
    if mismatched:
        fix.insert(0, "correct the folder the build names: " + mismatched[0])
    why = "no folder it searches holds it"
    explained = ""
    linux = [(n, w) for n in names if (w := _windows_name(n))]
    if runtimes and len(runtimes) == len(names):
        explicit = any(e.code == "LNK1181" for e in cannot)  # an input file of the command, not a DEFAULTLIB
        why, said, more_fix, explained = _runtime_asked_by_name(runtimes, commands, explicit)
        evidence += said
        fix += more_fix
    if linux:  # a DLL or a Linux library's name handed to link.exe: no folder is the fix (Paddle#24610)
        why = "link.exe links import libraries (.lib), and this is " + (
            "a DLL" if linux[0][0].lower().endswith(".dll") else "not one") + ": the name of the Linux build's library"
        evidence.append(f"{folders.file_name(linux[0][0])} is the Linux build's name (lib<name>.so); the Windows package of "
                        f"the same library has {linux[0][1]} to link, and its DLL beside the program")
        fix = ["link the Windows names: " + "; ".join(f"{folders.file_name(n)} -> {w}" for n, w in linux[:3])
               + " (a CMakeLists written for Linux: if(WIN32) the .lib names, and copy the DLLs beside the .exe)",
               "the .lib files are in the package's lib folder (its DLLs in lib or bin): dir /s <the package>\\*.lib"]
        explained = ("A build file written for Linux names lib<name>.so (or its folder's lib<name>.dll guess); on Windows a "
                     "library has another name (no lib prefix) and is linked through its import library (.lib), with the DLL "
                     "found at run time beside the program or on PATH.")
    # a full path into a numbered release's folder (not latest, not a folder the build mistyped): opened as given
    release = _RELEASE_FOLDER.search(names[0]) if names and _FULL_PATH.match(names[0]) else None
    if release and not mismatched and not linux and not runtimes:
        why, said, fix, explained = _full_path(names[0], release.group(1), fix)
        evidence += said
    layer32 = ia32.advice(names)  # the 32-bit layer asked for by name: no folder has it
    cluster = advice(names) or layer32
    if cluster is not None:  # asked for by mistake: no folder is the fix
        wanted = [] if layer32 else ["if the build does want them: " + fix[0]]
        why, evidence, fix, explained = cluster[0], evidence + cluster[1], cluster[2] + wanted, cluster[3]
    return Finding(
        "msvc-library-not-found", "error", f"link.exe cannot open {more(names, 3)}: {why}",
        tuple(evidence), tuple(fix),
        explained or "link.exe looks for a .lib named without a folder in the /LIBPATH folders of the command, then in those of the LIB "
        "variable (setvars.bat and the Visual Studio prompt set it). MKL's .lib files are in a folder that moved between "
        "releases (lib\\intel64 in oneAPI 2021-2023, lib in 2024 and newer), so a folder written for one release misses "
        "another; a name ending in _dll.lib is the import library of the DLLs, one without it the static library.",
        ('where /r "C:\\Program Files (x86)\\Intel\\oneAPI\\' + ("tbb" if runtimes else "mkl") + '" '
         + (ntpath.basename(names[0]) if names else "mkl_core.lib") + "   # every copy, with its folder",)
        + (("dumpbin /directives mkl_tbb_thread.lib | findstr /i defaultlib   # the TBB library MKL's layer asks for",)
           if runtimes else ()),
    )


_FULL_PATH = re.compile(r"^[A-Za-z]:[\\/]")
_RELEASE_FOLDER = re.compile(r"(?i)[\\/](?:mkl|compiler|compilers_and_libraries)_?[\\/]?(\d{4}\.\d+(?:\.\d+)*)[\\/]")


def _full_path(path: str, release: str, fix: list[str]) -> tuple[str, list[str], list[str], str]:
    """A .lib named with its full path (an imported target's INTERFACE_LINK_LIBRARIES, a .vcxproj's input): link.exe opens
    it as given, so a path recorded when another release was installed fails after that release is gone (vcpkg#38081:
    dlib's port had taken oneAPI 2021.1.1's paths from the machine that built it)."""
    said = [f"link.exe opens a file named with its full path as given, searching no folder: {path} is not there",
            f"the path names a release's own folder ({release}): it was written down when that release was installed (a "
            "package's exported CMake target, CMakeCache.txt, a .vcxproj), and that release is not there now"]
    return ("the file is not at the full path the link names", said,
            [f"find where the path is recorded: findstr /s /i /c:\"{release}\" "
             "*.cmake *.vcxproj CMakeCache.txt, in the build folder and in the installed packages' CMake files (vcpkg: "
             "installed\\<triplet>\\share\\<port>\\*.cmake)",
             "then build that package again against the MKL installed now (vcpkg: vcpkg remove <port>, then vcpkg install "
             "<port>: its dlib port takes no machine MKL since vcpkg PR #47764), or configure the project in an empty build "
             "folder",
             f"or install MKL {release} again, where the package must link that one",
             *fix[1:]],
            "link.exe searches its folders (/LIBPATH, LIB) only for a name without a folder; a full path is opened as it is. "
            "A build that records MKL's files by full path ties the project to the release installed when it was configured.")


def _where_tbb() -> list[str]:
    return [f"{f.releases}: {f.libs}" for f in tbb.folders("windows")]


def _runtime_asked_by_name(names: list[str], commands: list[MsvcLinkCommand],
                           explicit: bool = False) -> tuple[str, list[str], list[str], str]:
    """(why, evidence, fix, explanation) for the import library of a runtime MKL's threading layer needs (tbb12.lib): asked
    for by name alone, in a DEFAULTLIB directive of the layer (or of the runtime's own headers), so no build file names its
    folder (opencv#19451: MSBuild left setvars.bat's LIB out)."""
    runtime = layout.runtime_of(names[0])
    layer = layout.layer_for_runtime(runtime.name)
    layers = [lib for c in commands for lib in c.libs if layout.get(lib) is layer]
    why = (f"it is {runtime.description}'s import library, " + ("named on the link line" if explicit else
           f"which MKL's {layer.short} layer asks for by name (a DEFAULTLIB directive)")
           + ", and no /LIBPATH or LIB folder holds it: TBB keeps it in a folder of its own")
    evidence = [f"{names[0]} is {runtime.description}'s, not MKL's: it is in TBB's own folder, and {layer.name}.lib and "
                f"{layer.name}_dll.lib (MKL's {layer.short} layer) carry /DEFAULTLIB:{names[0]}, as oneTBB's own headers do "
                "(#pragma comment(lib)): it is asked for by name, so the build files that name MKL's libraries never name its folder"]
    if layers:
        evidence.append(f"the link names MKL's {layer.short} layer: {more(layers, 2)}")
    fix = ["with CMake: add TBB's lib folder to the target (target_link_directories, or link_directories; the folder of the "
           "TBB::tbb target's IMPORTED_LOCATION when find_package(TBB) found it)",
           "setvars.bat puts TBB's folder on LIB, but MSBuild (Visual Studio's generators) links with its own LIB: build with "
           "msbuild /p:UseEnv=true, or name the folder as above",
           "or link without TBB: MKL's OpenMP or sequential layer (MKLConfig.cmake: -DMKL_THREADING=intel_thread or sequential; "
           "a project's own switch, such as OpenCV's MKL_WITH_TBB=OFF)"]
    explained = ("link.exe looks for a library named without a folder, on its command line or in an object's DEFAULTLIB "
                 "directive, in the /LIBPATH folders of the command and then in those of LIB. MKL's TBB threading layer names "
                 "oneTBB's import library that way; TBB is a component of its own (oneAPI's tbb folder, conda's and pip's "
                 "tbb-devel), never in MKL's lib folder, so a link that finds every MKL library can still miss it.")
    return why, evidence, fix, explained


def _unresolved_finding(unresolved: list[MsvcUnresolved], commands: list[MsvcLinkCommand]) -> Finding:
    symbols = list(dict.fromkeys(e.symbol for e in unresolved))
    named = [lib for c in commands for lib in c.libs if _mkl_family(lib)]
    evidence = [f"{e.where or 'an object'}: unresolved {e.symbol}" + (f", referenced in {e.function}" if e.function else "")
                for e in unresolved[:6]]
    omp = [s for s in symbols if facts.is_openmp_symbol(s)]
    if omp and len(omp) == len(symbols):
        title = f"link.exe: {more(symbols, 3)} unresolved: Intel's OpenMP runtime (libiomp5md.lib) is not on the link"
        fix = ["add libiomp5md.lib (and its folder: /LIBPATH:<oneAPI>\\compiler\\<ver>\\lib, or <env>\\Library\\lib) after the MKL "
               "libraries, or link mkl_sequential.lib instead of mkl_intel_thread.lib"]
    else:
        evidence.append("the MKL libraries on the link line: " + (more(named, 6) if named else "none named in the log"))
        title = f"link.exe: MKL's {more(symbols, 3)} unresolved: " + (
            "a layer of MKL is missing from the link" if named else "no MKL library took part in the link")
        fix = ["link the three layers of one MKL (static): mkl_intel_lp64.lib mkl_sequential.lib mkl_core.lib; "
               "with the DLLs: mkl_intel_lp64_dll.lib mkl_sequential_dll.lib mkl_core_dll.lib, or mkl_rt.lib alone",
               "and the folder that holds them: /LIBPATH:<folder> (see where each layout keeps its .lib files below)"]
        fix += ["  " + line for line in _where_libs()]
        if any(e.x86 for e in unresolved):  # dlib#816, ideep#16: a Win32 build against MKL's intel64 libraries (NUOPT's manual: none)
            title = f"link.exe: MKL's {more(symbols, 3)} unresolved for a 32-bit build (x86 names): " + (
                "MKL's 64-bit libraries cannot serve it" if named else "no MKL library for 32-bit Windows on the link")
            evidence.append(f"the names carry 32-bit x86's leading underscore (_{symbols[0]}): the objects were compiled for "
                            "32-bit Windows, and MKL's 64-bit libraries (lib\\intel64) define the names without it")
            fix.insert(0, "build for 64-bit Windows (CMake -A x64, Visual Studio's x64 platform, a 64-bit Python for an "
                          "extension), or link MKL's 32-bit libraries (MKL 2024.2 and older: lib\\ia32, mkl_intel_c.lib "
                          "mkl_sequential.lib mkl_core.lib; oneMKL 2025 has none)")
    return Finding(
        "msvc-unresolved-mkl", "error", title, tuple(evidence), tuple(fix),
        "link.exe resolves a name only from the objects and .lib files it is given; MKL's functions are defined in its "
        "interface, threading and core libraries (or behind mkl_rt.lib), which must all be named on the link, each found "
        "in a /LIBPATH or LIB folder. A package manager's integration (vcpkg with MSBuild) links only the .lib files of "
        "<triplet>\\lib, not those of a subfolder such as lib\\intel64.",
        ("link.exe ... /VERBOSE:LIB   # lists each library it searches",),
    )
