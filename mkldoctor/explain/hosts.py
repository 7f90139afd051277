"""Loader failures printed by a host rather than by ld.so: Python, R, Julia, PyInstaller bundles.

A host that loads a library with ``dlopen`` prints the loader's reason in its own frame:
Python's ``ImportError``/``OSError`` (``X: cannot open shared object file``, ``FILE:
undefined symbol: S``), R's ``unable to load shared object`` with the reason on the next
line, Julia's ``could not load library``, and a bare ``symbol lookup error: FILE:
undefined symbol: S`` without the program's name (a PyInstaller bundle's ``/tmp/_MEI...``
paths). They become the loader events that :mod:`diagnosis` already explains (the loader's
search replayed, the copies here that hold the library), with the host named.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain import mathnet, mlnet
from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, Unrecognised
from mkldoctor.findings import Finding
from mkldoctor.explain.translated import ENGLISH_LOADER_REASON
from mkldoctor.explain.events import NeededNotFound, Parsed, UndefinedSymbol
from mkldoctor.explain.wording import more, q
from mkldoctor.inventory.install import label
from mkldoctor.explain.context import Context
from mkldoctor.explain.origin import there


INTEL_COMPILER = "Intel's compiler (a plugin of its own)"


@dataclass(frozen=True, slots=True)
class LoaderMissing:
    """``./app: error while loading shared libraries: libmkl_rt.so.2: cannot open shared object file``."""

    soname: str
    binary: str
    opened: str = ""  # the full path, when the message names the file it tried (a dlopen by path: a plugin, a module)
    system: str = ""  # the system whose loader said it, where its words are not glibc's ("FreeBSD")


@dataclass(frozen=True, slots=True)
class SymbolLookupError:
    """``./app: symbol lookup error: libmkl_intel_thread.so: undefined symbol: omp_get_num_procs``."""

    binary: str
    library: str
    symbol: str


@dataclass(frozen=True, slots=True)
class HostCannotLoad:
    """``could not load library "libmkl_rt"`` (Julia) or R's ``unable to load shared object``: the reason may follow."""

    host: str
    library: str


@dataclass(frozen=True, slots=True)
class MountOverOpt:
    """``docker run ... -v /opt:/opt ...``: the host's folder mounted over the image's /opt, where oneAPI's MKL lives in
    Intel's images (intel/ipex-llm#12515)."""

    volume: str


def _mount(m: re.Match, _) -> MountOverOpt | None:
    volume = next((v for v in re.findall(r"(?:-v|--volume)[ =](\S+)", m.string) if re.match(r"[^:]+:/opt(?:/intel)?/?(?::|$)", v)), None)
    return MountOverOpt(volume) if volume else None


DOTNET = ".NET (DllImport)"
LDD_READ = "the file ldd read"  # the binary of ldd's "=> not found" lines (its command line may be far above)


def dotnet_probe(name: str) -> str:
    """The name .NET was given, from any spelling it tries (/app/libMklImports.so; "lib" put before a name that has it:
    liblibMathNetNumericsMKL.so for 'libMathNetNumericsMKL')."""
    base = os.path.basename(name).split(".so", 1)[0]
    return (base[3:] if base.startswith("liblib") else base).removeprefix("lib").lower()


def _host(before, line: str) -> str:
    text = " ".join(list(before)[-2:]) + " " + line
    if "ImportError" in text or "ModuleNotFoundError" in text:
        return "python (import)"
    if "OSError" in text or "ctypes" in text:
        return "python (ctypes)"
    if "dyn.load" in text or "shared object '" in text:
        return "R (dyn.load)"
    if re.search(r'could not load library "[^"]+":', text):  # PostgreSQL's LOAD of an extension (its own quote, then dlerror)
        return "PostgreSQL (an extension's library)"
    if re.search(r'could not load library \\?"', text) or "Libdl" in text:  # Julia quotes the name it was given
        return "julia (dlopen)"
    if "_MEI" in text:
        return "a PyInstaller bundle"
    if "UnsatisfiedLinkError" in text:  # the JVM's System.load / loadLibrary, by path and locally
        return "java (System.load)"
    return "a program (the log does not name it)"


def ldd_target(binary: str, fallback: str = "./your-program") -> str:
    """What to run ldd on: the program the log names, else ``fallback`` (``binary`` is then _host's
    description of who printed the error, "a PyInstaller bundle", not a file)."""
    if not binary.strip() or any(c.isspace() for c in binary):
        return fallback if fallback.strip() else "./your-program"
    return binary


def _cannot_open(m: re.Match, before) -> LoaderMissing:
    so = m.group("so")
    return LoaderMissing(os.path.basename(so), _host(before, m.string), so if so.startswith("/") else "")


def _could_not_load(m: re.Match, _):
    """Julia's ``could not load library "X"``; PostgreSQL's ``could not load library "X": <dlerror>`` says the loader's
    reason after it, which the loader's lines read (on this line, or on the next where a log wrapped it)."""
    if not m.group("pg"):
        return HostCannotLoad("julia (dlopen)", m.group("lib"))
    return NOT_MINE if "shared object" in m.string[m.end():] else FollowOn(m.string.strip())  # the reason below: it speaks


def _undefined(m: re.Match, before) -> SymbolLookupError:
    return SymbolLookupError(_host(before, m.string), m.group("lib"), m.group("sym"))


# glibc's loader line, or a host's dlerror of it (R's, under its own translated words), with the reason translated
_LOADER_TRANSLATED = re.compile(r"(?:(?<!\S)(?P<bin>[^\s:]{1,300}): (?P<what>[^:]{6,80}): |(?<![^\s'\"‘“]))"
                                r"(?P<so>lib[\w+-]{1,200}\.so(?:\.\d+){0,4}): (?P<why>[^:]{2,160}): (?P<tail>[^:]{2,160})$")
# (and ld's own words for a library the link did not name: "libiomp5.so: error adding symbols: DSO missing from command line")
_ENGLISH_REASON = re.compile(r"(?i)cannot|no such|undefined|invalid|wrong|too short|not found|error adding symbols")


def _translated_loader(m: re.Match, before):
    if m.group("why").isascii() and (_ENGLISH_REASON.search(m.group("why")) or m.group("what") == "error while loading shared libraries"):
        return NOT_MINE  # English: the signatures below, or binformat's
    if "ELF" in m.group("why"):
        return Unrecognised(m.string.strip())  # a translated reason about the file itself: said as it is, never silent
    if re.fullmatch(r"[A-Za-z_$][\w.$]*", m.group("tail").strip()):
        return NOT_MINE  # a C name last: a symbol lookup's (below)
    if m.group("bin") is None:  # a host's words around it: R's dyn.load, Python's import
        return LoaderMissing(m.group("so"), _host(before, m.string))
    return LoaderMissing(m.group("so"), m.group("bin").lstrip(">") or m.group("bin"))


_LOOKUP_TRANSLATED = re.compile(r"(?<!\S)(?P<bin>[^\s:]{1,300}): (?P<what>[^:/]{6,80}): (?P<lib>\S{0,400}lib[\w+-]{1,200}\.so[\w.]{0,20}): "
                                r"(?P<what2>[^:]{3,80}): (?P<sym>[A-Za-z_$][A-Za-z0-9_.$]{0,300})\s*$")

_HOST_NAMES = re.compile(r"(?:R_|Rf_|Rprintf|REprintf|Rcpp|Py|_Py|JNI_|jl_|mxGet|mex)\w*$")  # a host program's own API


def _ldd_unbound(m: re.Match, _) -> "SymbolLookupError | None":
    """ldd -r's report of a name the file leaves to the process that loads it: a lookup at load time, not a link's. The
    host program's own names (R's R_*, Python's Py*) are the host's to give: claimed, no event."""
    return None if _HOST_NAMES.match(m.group("sym")) else SymbolLookupError("ldd -r", m.group("lib"), m.group("sym"))


SIGNATURES = (
    # ldd -r: "undefined symbol: dgemm_\t(./libu.so)" (r-help 2002-01: R's lapack.so, its lsame_ and R's own R_NamesSymbol)
    Signature("ldd-r-undefined", "hosts", "ndefined symbol: ",
              re.compile(r"^\s*undefined symbol: (?P<sym>\S+)\s+\((?P<lib>[^()\s]+)\)\s*$"), _ldd_unbound),
    Signature("loader-cannot-open", "hosts", "error while loading shared libraries",
              # "cannot open share": a pasted line cut short still says which library
              re.compile(r"(?<!\S)(?P<bin>\S+?): error while loading shared libraries: (?P<so>[^\s:]+): cannot open shar(?:e|ed\b)"),
              lambda m, _: LoaderMissing(m.group("so"), m.group("bin").lstrip(">") or m.group("bin"))),  # a quote's ">"
    # the line with its reason cut off, as an issue's title gives it, after a person's words ("运行时报错error while loading
    # shared libraries: libiomp5.so": PaddleDetection#2923), or with its colon and the reason on the next line: the program
    # is not named
    Signature("loader-cannot-open-title", "hosts", "error while loading shared libraries",
              re.compile(r"error while loading shared libraries: (?P<so>[\w.+-]{1,200}\.so(?:\.\d+){0,4})\s*[.。:]?\s*$"),
              lambda m, _: LoaderMissing(m.group("so"), "a program (the log does not name it)")),
    # Intel's compilers' own words for a plugin of theirs that needs their runtime (spack-stack#1362: ifort run by Spack
    # in a cleaned environment, "error loading plugin: libimf.so: cannot open shared object file")
    Signature("intel-compiler-plugin-runtime", "hosts", "rror loading plugin",
              re.compile(r"^\s*error loading plugin: (?P<so>[\w.+-]+\.so(?:\.\d+)*): cannot open shar"),
              lambda m, _: LoaderMissing(m.group("so"), INTEL_COMPILER)),
    # the same in another language: the reason translated ("无法打开共享对象文件: 没有那个文件或目录"), or the whole line
    # ("Fehler beim Laden gemeinsamer Bibliotheken: libmkl_rt.so.2: Kann die Shared-Object-Datei nicht öffnen: ..."):
    # glibc's shape, program: words: library: reason: errno's words; a reason about the file's ELF is binformat's
    Signature("loader-cannot-open-translated", "hosts", ".so", _LOADER_TRANSLATED, _translated_loader),
    # glibc's symbol lookup error with its words translated: program: words: library path: words: the C name
    Signature("loader-symbol-lookup-translated", "hosts", ".so", _LOOKUP_TRANSLATED,
              lambda m, _: NOT_MINE if m.group("what") == "symbol lookup error" or ENGLISH_LOADER_REASON.search(m.group("what2"))
              else SymbolLookupError(m.group("bin"), m.group("lib"), m.group("sym"))),
    # FreeBSD's run-time linker (rtld): 'Shared object "libmkl_rt.so" not found, required by "osqp_tester"'
    Signature("loader-cannot-find-freebsd", "hosts", "not found, required by",
              re.compile(r'Shared object "(?P<so>[^"]+)" not found, required by "(?P<bin>[^"]+)"'),
              lambda m, _: LoaderMissing(m["so"], m["bin"], system="FreeBSD")),
    Signature("docker-mount-over-opt", "hosts", "docker run", re.compile(r"\bdocker run\b.*(?:-v|--volume)[ =]\S+:/opt\b"), _mount),
    # ldd's own report of a dependency it could not find ("\tlibmklml_intel.so => not found"): the loader's verdict; a
    # checker's words after it ("libiomp5.so => not found with runpath   RUNPATH     $ORIGIN:$ORIGIN/lib'", pytorch#18398)
    Signature("ldd-not-found", "hosts", "=> not found",
              re.compile(r"^\s*(?P<so>[\w.+-]+\.so(?:\.[\w.]+)?) => not found(?:\s+with (?:runpath|rpath)\b.*)?\s*$"),
              lambda m, _: LoaderMissing(m.group("so"), LDD_READ)),
    Signature("loader-symbol-lookup", "hosts", "symbol lookup error",
              # a page's author may elide the library's folder ("python: symbol lookup error: ... libmkl_intel_thread.so.2: ...")
              re.compile(r"(?<!\S)(?P<bin>\S+?): symbol lookup error: (?:(?:\.{3}|…) ?)?(?P<lib>\S+?): undefined symbol: "
                         r"(?P<sym>[^\s,]+?)\.?(?=[\s,]|$)"),
              lambda m, _: SymbolLookupError(m.group("bin"), m.group("lib"), m.group("sym"))),
    Signature("host-cannot-open", "hosts", "cannot open shared object file",
              # a repr's escaped newline ("...\\nlibopenblas64_.so.0: cannot open") is not part of the name; a page may set
              # the name as code ("OSError: `libmkl_intel_lp64.so.2`: cannot open ...", intel-extension-for-pytorch's)
              re.compile(r"(?:\\n|(?<![^\s:'\"(\\`]))`?(?P<so>[^\s:'\"(\\`]+\.so(?:\.[\w.]+)?)`?: cannot open shared object file"), _cannot_open),
    # the same cut by a page's author or a wrap ("libmkl_intel_lp64.so.2: cannot open...", "...: cannot open shared object"
    # at a line's end): the library is named, the reason is the loader's
    Signature("host-cannot-open-elided", "hosts", "cannot open",
              re.compile(r"(?<![^\s:'\"(`])`?(?P<so>lib[\w.+-]{1,200}\.so(?:\.[\w.]+)?)`?: cannot open(?: shared(?: object)?)?"
                         r"\s*(?:\.{2,}|…|$)"), _cannot_open),
    # Paddle's loader's head over the loader's reason ("RuntimeError: (PreconditionNotMet) The third-party dynamic library
    # (libmklml_intel.so) that Paddle depends on ...", then "(error code is ...: cannot open shared object file)")
    Signature("paddle-third-party-library", "hosts", "PreconditionNotMet",
              re.compile(r"\(?PreconditionNotMet\)? (?:\.\.\. )?The third-party dynamic library"), lambda m, _: FollowOn(m.string.strip()[:300])),
    # a plugin loader's dlerror of a bare name (boost::dll: "dlerror system message: gadgetron_mricore: cannot open ...")
    Signature("host-dlerror-cannot-open", "hosts", "cannot open shared object file",
              re.compile(r"dlerror[^:]*:\s*(?P<so>[\w.+-]+): cannot open shared object file"),
              lambda m, _: LoaderMissing(m.group("so"), "a program's plugin loader (dlopen)")),
    Signature("host-undefined-symbol", "hosts", "undefined symbol",  # a page may quote the name (symbol 'MPI_Finalize') or drop spaces (".so.):undefined symbol:x")
              re.compile(r"(?<![^\s:'\"(])(?P<lib>[^\s:'\"(]+\.so(?:\.[\w.]+)?)(?:\.?\))?: ?undefined symbol(?:: ?|\s?['‘`])(?P<sym>[A-Za-z_.$][\w.$@]*?)['’`]?\.?(?:\s|,|$)"), _undefined),
    # the same in R's other languages ("kann shared object '/x/foo.so' nicht laden:" under "Fehler in dyn.load("): the
    # quoted library, with dyn.load on the line before
    Signature("r-dyn-load-translated", "hosts", ".so", re.compile(r"[\'‘\"](?P<obj>/[^\'’\"]{1,400}\.so)[\'’\"]"),
              lambda m, before: HostCannotLoad("R (dyn.load)", m.group("obj")) if any("dyn.load(" in b for b in before)
              and "unable to load shared " not in m.string else NOT_MINE),
    # R before 2.12 said "shared library" (r-sig-mac, 2010)
    Signature("r-dyn-load", "hosts", "unable to load shared ",
              re.compile(r"unable to load shared (?:object|library) (?P<q>['\"])(?P<obj>[^'\"]+)(?P=q)"),  # old R: "..."
              lambda m, _: HostCannotLoad("R (dyn.load)", m.group("obj"))),
    # R's headers over dyn.load's reason (the lines below say it): alone, a failure whose reason was not pasted
    Signature("r-error-in-dyn-load", "hosts", "dyn.load(", re.compile(r"Error in dyn\.load\("),
              lambda m, _: FollowOn(m.string.strip())),
    Signature("r-load-failed", "hosts", "load failed for", re.compile(r"(?:package or namespace )?load failed for .(?P<pkg>[\w.]+)"),
              lambda m, _: FollowOn(m.string.strip())),
    # R's own echoes of a package that did not install or load: the reason is on the lines before (dyn.load's)
    Signature("r-loading-failed", "hosts", "loading failed",
              re.compile(r"^(?:Error|ERROR): (?:loading failed|lazy loading failed for package)"), lambda m, _: FollowOn(m.string.strip())),
    # R CMD INSTALL's word after its make step failed (produced with R and a Makevars' -lmkl_rt)
    Signature("r-compilation-failed", "hosts", "ailed", re.compile(r"^ERROR: compilation failed for package"),
              lambda m, _: FollowOn(m.string.strip())),
    # .NET on Linux ("... consider setting the LD_DEBUG environment variable: <dlerror>"; macOS's is platforms')
    Signature("dotnet-unable-to-load-shared-library", "hosts", "Unable to load shared library",
              # the exception's head alone too (a title: dotnet/machinelearning#6603); macOS's (dlopen, .dylib) is platforms'
              re.compile(r"Unable to load shared library '(?P<lib>[^'.]+(?:\.so[.\d]*)?)' or one of its dependencies(?!.*(?:dlopen\(|\.dylib))"),
              lambda m, _: HostCannotLoad(DOTNET, m.group("lib"))),
    # .NET 7 and newer list each file they tried under the exception, one a line: the bare names' lines (no .so) are its
    # probes too ("/app/bin/libMathNetNumericsMKL: cannot open shared object file: No such file or directory")
    Signature("dotnet-probe-bare-name", "hosts", "annot open shared object file",
              re.compile(r"^\s*(?:\S*/)?(?:lib)?[A-Za-z][\w-]*: cannot open shared object file: No such file or directory\s*$"),
              lambda m, _: FollowOn(m.string.strip())),
    Signature("julia-could-not-load", "hosts", "could not load library",
              re.compile(r"could not load library (?P<q>\\?\")(?P<lib>.+?)(?P=q)(?P<pg>:)?"), _could_not_load),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    """A host's "could not load" with no loader reason in the log (the reason line is what the loader events answer)."""
    from mkldoctor.explain.binformat import speaks_for
    from mkldoctor.explain.platforms import ForeignLoadFailed

    out = []
    explained = {e.soname.split(".so", 1)[0] for e in events.of(LoaderMissing)}
    reasons = {e.binary for e in events.of(LoaderMissing)} | {e.binary for e in events.of(SymbolLookupError)}
    unbound = {os.path.basename(e.library) for e in events.of(SymbolLookupError)}  # the library's own reason, said below it
    foreign = " ".join(e.library for e in events.of(ForeignLoadFailed))
    if ctx.platform in ("Windows", "macOS"):
        return []  # the platforms family speaks for another platform's log: the remedies here are Linux's
    for event in events.of(HostCannotLoad):
        base = os.path.basename(event.library)
        stem = base.split(".so", 1)[0].split(".dylib", 1)[0].split(".dll", 1)[0]
        said = (any(dotnet_probe(s) != dotnet_probe(stem) for s in explained)  # .NET's probes of the name are its own words
                if event.host == DOTNET else stem in explained)
        if (said or event.host in reasons or base in unbound or stem in foreign or base.endswith((".dylib", ".dll"))
                or "\\" in event.library
                or speaks_for(event.library, events, event)):
            continue  # the loader's reason is in the log and explained, or the platforms family speaks for it
        holders = ctx.holders_of_stem(stem)
        package = mlnet.native_package(event.library) if event.host == DOTNET else ""
        evidence = [f"{event.host} could not load {event.library}"] + ([f"{event.library} is ML.NET's, in the NuGet package "
            f"{package}"] if package else []) + ([".NET says 'or one of its dependencies': the library "
            "may be there (a NuGet package's runtimes/linux-x64/native, copied into the app's folder: ML.NET's libMklImports from "
            f"Microsoft.ML.Mkl.Redist) with one it needs missing: ldd <the app's folder>/lib{stem.removeprefix('lib')}.so"] if event.host == DOTNET else [])
        evidence += [f"{os.path.basename(path)} is in {label(install)}: {os.path.dirname(path)}" for install, path in holders]
        fix = []
        if holders:
            folder = os.path.dirname(holders[0][1])
            fix.append(f"export LD_LIBRARY_PATH={folder}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}   # before starting {event.host.split()[0]}")
        elif not ctx.local:  # another machine: whether it has the library is that machine's to say
            fix.append(there(f"ldconfig -p | grep {q(stem)}; ls ${{CONDA_PREFIX:-/nonexistent}}/lib/{stem}*",
                             f"where {base} is, if anywhere"))
            fix.append(f"if it is there: export LD_LIBRARY_PATH=<that folder>${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}   "
                       f"# before starting {'the app' if event.host == DOTNET else event.host.split()[0]}")
            fix.append("if it is not: install MKL's shared libraries: see the recipe below" if event.host != DOTNET else
                       "if it is not: the NuGet package that ships it is not in the app (ML.NET's MklImports: dotnet add "
                       "package Microsoft.ML.Mkl.Redist), or ships none for this runtime (its runtimes/ folder lists them)")
        else:
            fix.append("install MKL's shared libraries first: see the recipe below")
        fix[:0] = mlnet.native_fixes(event.library) if package else mathnet.native_fixes(event.library)
        out.append(Finding(
            "host-cannot-load", "error", f"{event.host} could not load {event.library}",
            tuple(evidence), tuple(fix),
            "The host opened the library with dlopen, which searches LD_LIBRARY_PATH, the ld.so cache and the default folders "
            "(and the calling library's run path); " + ("the log gives no further reason." if event.host != DOTNET else ".NET "
            "tries several spellings of the name (with and without lib and .so, the app's folder first), each a dlopen."),
            (f"LD_DEBUG=libs {'dotnet <the app>' if event.host == DOTNET else event.host.split()[0] + ' ...'}   # the loader "
             "prints each folder it tries",),
            recipes=() if holders or event.host == DOTNET else (ctx.recipe("shared"),),
        ))
    return out


# -- the loader at run time: DT_NEEDED, the loader search, symbol lookups ----------


def dependency_names(events: Parsed, library: str, soname: str = "") -> list[str]:
    """The versioned names (not glibc's) that ld could not resolve in ``library``, one of whose dependencies it did not
    find: ``./libmpi.so: undefined reference to `fi_getinfo@FABRIC_1.1'`` under ``libfabric.so.1, needed by ./libmpi.so,
    not found``. Given that dependency's ``soname``, the names whose version tag is its (FABRIC_ for libfabric), where
    any are: two dependencies of one library missing do not share them."""
    base = os.path.basename(library)
    names = list(dict.fromkeys(f"{e.symbol}@{e.version}" for e in events.of(UndefinedSymbol) if e.version and base
                               and not e.version.startswith("GLIBC_") and os.path.basename(e.referenced_from or "") == base))
    stem = re.sub(r"^lib|\.so.*$", "", soname).replace("-", "_").upper()
    own = [n for n in names if stem and n.split("@", 1)[1].upper().startswith(stem)]
    return own or names


def needed(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    at_run = {e.soname for e in events.of(LoaderMissing)}  # the same library missing at run time: that finding says both
    users = {e.needed_by for e in events.of(NeededNotFound) if e.soname in at_run}  # and the rest that library needs
    for event in events.of(NeededNotFound):
        if event.soname in at_run or event.needed_by in users:
            continue
        holders = [i for i in ctx.installs if any(os.path.basename(l.path) == event.soname for l in i.libraries)]
        fix = [f"-Wl,-rpath-link,{q(i.lib_dirs[0])} (and LD_LIBRARY_PATH at run time)" for i in holders[:1]]
        names = dependency_names(events, event.needed_by, event.soname)  # what ld then could not resolve there: the error
        out.append(Finding(
            "needed-library-not-found", "error" if names else "warning",
            f"{event.soname}, needed by {os.path.basename(event.needed_by)}, was not found at link time"
            + (f": the names {os.path.basename(event.needed_by)} needs from it are undefined ({more(names, 3)})"
               if names else ""),
            (f"{event.soname} needed by {event.needed_by}",) + tuple(f"{event.soname} is in {label(i)}" for i in holders)
            + ((f"{more(names, 3)}: versioned names of a library {os.path.basename(event.needed_by)} depends on, undefined "
                f"because ld did not find {event.soname} (an MPI's libfabric, lorrax's notes)",) if names else ()),
            tuple(fix) or ("give ld the folder that holds it: -Wl,-rpath-link,<that folder> (ld looks for a library's own needs "
                           "there, not in the -L folders), and at run time a run path or LD_LIBRARY_PATH",),
        ))
    return out
