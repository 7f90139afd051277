"""A BLAS or LAPACK routine's own name undefined at run time: ``undefined symbol: dsyevd_`` in an R package's shared
object (CARMA#24), ``symbol lookup error:: undefined symbol: dswap_`` in Julia (Pardiso.jl#2).

The library calls the routine by its standard (LP64, unsuffixed) name and links no BLAS of its own: it counts on one
being in the process already. R gives its packages R's BLAS and LAPACK when their Makevars ask for them; a package
written for MKL expects MKL loaded into R (LD_PRELOAD); Julia's own BLAS is ILP64 under suffixed names (``dswap_64_``),
so no plain ``dswap_`` is there unless an LP64 BLAS is loaded globally.
"""

from __future__ import annotations

import re
from dataclasses import replace

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.hosts import SymbolLookupError
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, facts
from mkldoctor.knowledge.recipes import q


def _bare(m: re.Match, _):
    return SymbolLookupError("a program (the log does not name it)", "", m.group("sym"))


# the loader's line with the program's and the library's names cut away: "symbol lookup error:: undefined symbol: dswap_"
SIGNATURES = (
    Signature("loader-symbol-lookup-bare", "blasnames", "symbol lookup error",
              re.compile(r"(?:^|\s)symbol lookup error::?\s+undefined symbol: (?P<sym>[^\s,]+)"), _bare),
)


def is_blas_name(symbol: str) -> bool:
    """A routine of the BLAS or LAPACK API (dgemm_, dsyevd_, cblas_dgemm, LAPACKE_dgesv) that MKL exports, not one of
    MKL's internals (mkl_blas_*, mkl_serv_*)."""
    api = re.fullmatch(r"[sdczi][a-z0-9]{2,10}_|(?:cblas|LAPACKE)_\w+", symbol) is not None  # Fortran's dgemm_, C's
    if not api or facts.MKL_CBLAS_EXTENSION.match(symbol):  # MKL's own CBLAS names are no BLAS's
        return False
    found = exports.history(symbol)
    # a name MKL stopped exporting (cblas_sgemm_alloc, gone in 2021.1) is MKL's own: its release is the question
    return found is not None and not found.overall.gone_since


def unless_mkl(finding: Finding, symbols: list[str], mkl_at: int, windows: bool) -> Finding:
    """A link that left standard BLAS names unresolved in a log that names no MKL: the BLAS it links may be another, and
    some builds rename their entry points (pogs's Windows notes: scipy-openblas32 exports scipy_cblas_sdot, not
    cblas_sdot), so the library is found and passed, and the plain names are still undefined."""
    if mkl_at or not symbols or not all(map(is_blas_name, symbols)):
        return finding
    name = symbols[0]
    probe = (f"dumpbin /exports <the BLAS's .dll> | findstr /i {name.rstrip('_')}" if windows
             else f"nm -D --defined-only <the BLAS's .so> | grep -i {name.rstrip('_')}")
    return replace(
        finding,
        evidence=(*finding.evidence, f"the log names no MKL: {name} is a standard name that every BLAS with that API exports, "
                  "so the BLAS this build links may be another"),
        fix=(*finding.fix, "a BLAS that is not MKL, found and passed to the link, may still lack the plain names: SciPy's "
             "OpenBLAS wheels (scipy-openblas32, scipy-openblas64) export them prefixed (scipy_cblas_sdot), ILP64 builds "
             "often suffixed (cblas_sdot64_): link a build with the plain names, or map each name to the renamed one "
             "(#define cblas_sdot scipy_cblas_sdot in a force-included header: pogs's Windows build)"),
        confirm=(*finding.confirm, f"{probe}   # the names the library exports: prefixed or suffixed ones are not {name}"),
    )


def missing(event, ctx: Context) -> Finding:
    """The finding for a SymbolLookupError whose symbol is a BLAS or LAPACK routine."""
    who = event.binary
    user = event.library or "the library that calls it"
    evidence = [f"{who}: {user} calls {event.symbol}, the standard (LP64) name of a BLAS or LAPACK routine, and no library "
                "loaded defines it: it links no BLAS of its own and counts on one in the process"]
    if re.search(r"[/\\]R[/\\]modules[/\\]+lapack\.so$|libRlapack\.so$", user):  # R's own LAPACK module (r-sig-debian, 2012)
        return Finding(
            "r-system-lapack-incomplete", "error",
            f"R's own LAPACK module needs {event.symbol}, which the system's LAPACK that R was pointed at does not define",
            (f"{user}: undefined symbol {event.symbol}",
             "R's lapack.so links the system's liblapack.so.3, which Debian and Ubuntu let a package provide "
             "(update-alternatives): a provider without that routine (an MKL package of another era, such as "
             "revolution-mkl; a BLAS-only library registered as LAPACK; an older LAPACK than R was built for) leaves R's "
             "module unloadable"),
            ("choose a complete LAPACK for liblapack.so.3: sudo update-alternatives --config liblapack.so.3-x86_64-linux-gnu "
             "(reference LAPACK, OpenBLAS, or a current MKL's libmkl_rt)",
             "or remove the package that supplied the incomplete one (r-sig-debian, 2012: revolution-mkl; the reporter: "
             "'I uninstalled revolution-mkl, and all works well')"),
            "A shared library resolves its undefined names in the libraries it links; Debian's alternatives decide which "
            "file liblapack.so.3 is, for R and for every other program.",
            (f"ldd {q(user)} | grep -i lapack; update-alternatives --display liblapack.so.3-x86_64-linux-gnu",),
        )
    if "netlib-native_system" in user:  # netlib-java's JNI wrapper (fktpp's post: an MKL parcel activated on RHEL 7; Hail's docs)
        return _netlib(event, who, user)
    if who.startswith("R "):
        evidence.append("R gives a package its BLAS and LAPACK when the package's src/Makevars links them; a package written "
                        "for MKL may instead expect MKL loaded into R before it")
        fix = ["a package written for MKL (its README says so): start R with MKL preloaded: LD_PRELOAD=<MKL's lib "
               "folder>/libmkl_rt.so R (conda: <env>/lib/libmkl_rt.so), then install or load it",
               "or have the package link R's: PKG_LIBS = $(LAPACK_LIBS) $(BLAS_LIBS) $(FLIBS) in its src/Makevars, and "
               "reinstall it"]
    elif who.startswith("julia") or "julia" in user.lower():
        evidence.append("Julia's own BLAS (OpenBLAS, or MKL through libblastrampoline) is ILP64 under suffixed names "
                        f"({event.symbol.rstrip('_')}_64_): the plain LP64 name is not in Julia's process")
        fix = ["load an LP64 BLAS globally before the library: Libdl.dlopen(<libmkl_rt or libopenblas>, RTLD_GLOBAL), or "
               "build the library against its BLAS (-lmkl_rt) so that it carries its own"]
    else:
        fix = [f"link {user} against its BLAS (-lmkl_rt, or MKL's three layers) so that it carries its own",
               "or load one before it runs: LD_PRELOAD=<MKL's lib folder>/libmkl_rt.so <the program>"]
    return Finding(
        "blas-not-loaded", "error", f"{event.symbol} is not in the process: {user} expects a BLAS/LAPACK loaded before it",
        tuple(evidence), tuple(fix),
        "A shared library may leave its BLAS calls unresolved at link time, for the process to provide; when nothing "
        "loaded before it exports those names (with the LP64 spelling it uses), the loader stops at the first call.",
        (f"ldd {q(event.library) if event.library else '<the library>'} | grep -iE 'blas|lapack|mkl'   # none: it carries no BLAS of its own",),
    )


def _netlib(event, who: str, user: str) -> Finding:
    from mkldoctor.explain.rblas import ALTERNATIVES

    blas = event.symbol.startswith("cblas_") or facts.BLAS_ROUTINE.match(event.symbol)
    name = "libblas.so.3" if blas else "liblapack.so.3" if event.symbol.endswith("_") else ""  # "": either (LAPACKE_*)
    probe = name or "libblas.so.3"
    return Finding(
        "blas-not-loaded", "error", f"{event.symbol} is not in the system BLAS/LAPACK that netlib-java's native wrapper loaded: "
        f"{name or 'libblas.so.3 or liblapack.so.3'} on that machine is not MKL",
        (f"{who}: {user} calls {event.symbol}, and the library that answered its BLAS has none",
         "netlib-java's native_system wrapper is linked against the names libblas.so.3 and liblapack.so.3, whichever files "
         "answer them on the machine that runs it: there, a BLAS without CBLAS's functions (an OS's reference BLAS; an MKL "
         "installed or activated beside it, as a cluster's parcel is, changes nothing until those names lead to it)"),
        ("make MKL the system's BLAS and LAPACK on every node: RHEL, CentOS (an MKL parcel or install registers no "
         "alternative): alternatives --install /usr/lib64/libblas.so.3 libblas.so.3 <MKL's lib folder>/libmkl_rt.so 2000, "
         "and the same for /usr/lib64/liblapack.so.3 liblapack.so.3; Debian, Ubuntu: update-alternatives --config "
         f"{ALTERNATIVES[0]}, then {ALTERNATIVES[1]}: choose libmkl_rt.so",
         "or for Spark's executors alone: spark.executorEnv.LD_PRELOAD=<MKL's lib folder>/libmkl_rt.so (the driver: "
         "LD_PRELOAD in its environment), with MKL at that path on every node"),
        "netlib-java calls the system's BLAS through a JNI wrapper that names no vendor's library: the loader gives it the "
        "file behind libblas.so.3, and a call the file lacks stops the JVM at that call.",
        (f"readlink -f /usr/lib64/{probe} /usr/lib/x86_64-linux-gnu/{probe}   # the file "
         "behind the name (the first on RHEL, the second on Debian)",
         f"nm -D --defined-only <that file> | grep -w {event.symbol}   # none: not MKL, which exports it"),
    )
