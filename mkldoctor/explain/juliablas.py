"""MKL.jl's own test that Julia's BLAS is MKL, failed: ``Expression: BLAS.vendor() == :mkl`` / ``Evaluated: openblas64 ==
mkl`` (JuliaLinearAlgebra/MKL.jl#81).

Before Julia 1.7, MKL.jl made MKL Julia's BLAS by rebuilding Julia's system image at ``] build MKL``; a Julia whose own BLAS
was the 64-bit-integer OpenBLAS (openblas64, the default of the official binaries) needed ``ENV["USE_BLAS64"] = true``
before the build, or the rebuilt image kept OpenBLAS. From Julia 1.7, ``using MKL`` switches libblastrampoline to MKL at
load time, and BLAS.get_config() says which library serves.

FFTW.jl's ``set_provider!("fftw")`` refused by Preferences.jl: ``Cannot set preference 'provider' to 'fftw' for FFTW in
.../LocalPreferences.toml: preference already set to 'mkl'!`` (JuliaMath/FFTW.jl#201): FFTW.jl releases before that
change wrote the provider without ``force``, so a provider once set to MKL could not be switched back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class VendorNotMkl:
    vendor: str
    line: str


def _config(m: re.Match, before):
    """BLAS.get_config()'s library line (Julia 1.7+: "└ [ILP64] libopenblas64_.so"), where it is not MKL's."""
    if "mkl" in m.group("lib").lower() or not any("get_config" in line or "BlasConfig" in line for line in before):
        return NOT_MINE
    return VendorNotMkl(m.group("lib"), m.string.strip()[:300])


def _said(m: re.Match, before):
    if not any("BLAS.vendor()" in line for line in before):  # another test's comparison with mkl
        return NOT_MINE
    return VendorNotMkl(m.group("v"), m.string.strip()[:300])


@dataclass(frozen=True, slots=True)
class ProviderLocked:
    """Preferences.jl refusing FFTW.jl's new provider: the one set before stays."""

    wanted: str
    held: str
    file: str
    line: str


SIGNATURES = (
    Signature("julia-blas-vendor-not-mkl", "juliablas", "Evaluated: ",
              re.compile(r"^\s*Evaluated: :?(?P<v>\w+) == :?mkl\s*$"), _said),
    # the REPL's answer after MKL.jl's build (MKL.jl#80: "julia> BLAS.vendor()" then ":openblas64")
    Signature("julia-repl-blas-vendor", "juliablas", ":openblas", re.compile(r"^\s*:(?P<v>openblas(?:64)?)\s*$"), _said),
    Signature("julia-blas-config-not-mkl", "juliablas", "LP64] lib",
              re.compile(r"^\s*[└├]?[─\s]*\[I?LP64\]\s+(?P<lib>lib[\w.+-]+)\s*$"), _config),
    Signature("binarybuilder-product-unsatisfied", "juliablas", "rror: Built",
              re.compile(r"Error: Built (?P<pkg>[\w.+-]+) but (?P<lib>[\w.+-]+) still unsatisfied"),
              lambda m, _: ProductUnsatisfied(m.group("pkg"), m.group("lib"), m.string.strip()[:300])),
    Signature("julia-jll-is-available-undefined", "juliablas", "UndefVarError",
              re.compile(r"UndefVarError: `?is_available`? not defined"), lambda m, _: JllTooOld(m.string.strip()[:300])),
    Signature("julia-fftw-provider-locked", "juliablas", "annot set preference",
              re.compile(r"Cannot set preference 'provider' to '(?P<wanted>\w+)' for FFTW in (?P<file>.+?): preference "
                         r"already set to '(?P<held>\w+)'"),
              lambda m, _: ProviderLocked(m.group("wanted"), m.group("held"), m.group("file"), m.string.strip()[:300])),
)


@dataclass(frozen=True, slots=True)
class JllTooOld:
    """``UndefVarError: `is_available` not defined``: a JLL module of JLLWrappers' older days (MKL_jll 2019)."""

    line: str


@dataclass(frozen=True, slots=True)
class ProductUnsatisfied:
    """BinaryBuilder: ``Error: Built MKL but libmkl_core still unsatisfied`` (Yggdrasil#2308: MKL 2021's Windows DLLs are
    mkl_core.1.dll, and the recipe's LibraryProduct listed mkl_core only)."""

    package: str
    library: str
    line: str


def product_unsatisfied(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.knowledge import platforms

    said = [e for e in events.of(ProductUnsatisfied) if "mkl" in e.library.lower() or "iomp" in e.library.lower()]
    if not said:
        return []
    first = said[0]
    stem = first.library.removeprefix("lib")
    names = platforms.names_line(stem, "windows")
    named = [p[-1] if isinstance(p, tuple) else p for p in (*events.places, *ctx.places)]  # the build's own files, named
    shown = next((m.group(1) for p in named if (m := re.search(r"mkl_\w+\.(\d+)\.dll$", str(p)))), None)
    return [Finding(
        "binarybuilder-mkl-product-unsatisfied", "error",
        f"BinaryBuilder built {first.package} but found no file for {first.library}: the recipe's names are not the "
        "release's file names", (
            first.line,
            f"a LibraryProduct lists the names of a library's file on each platform; MKL's Windows DLLs carry the interface "
            f"number since 2021: {names}",
        ), (
            f"list the release's Windows name in the recipe's product: LibraryProduct([\"{first.library}\", \"{stem}\", "
            f"\"{stem}.{shown or '<N>'}\"], :{first.library})"
            + (f" (the build's own files say .{shown}.dll)" if shown else " with <N> the number of the release built (see above)")
            + ", then build again",
        ),
        "BinaryBuilder checks that every product of a recipe is found in the built prefix, by the names the recipe gives; "
        "a release that renames its files leaves the product unsatisfied.",
        ("ls <the build's destdir>/bin | grep -i mkl_   # the file names the release has",),
    )]


def jll_too_old(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(JllTooOld)
    if not said:
        return []
    return [Finding(
        "julia-jll-too-old", "error",
        "a package called is_available() of a JLL (MKL_jll) too old to have it: the resolver took an old release", (
            said[0].line,
            "is_available() is the function JLLWrappers writes into every JLL module since 2021 (MKL_jll 2021 on); MKL_jll "
            "2019 and 2020's modules predate it, and a package whose compat lets them in fails while it precompiles "
            "(LinearSolve.jl#1068: a downgrade test took MKL_jll 2019)",
        ), (
            "raise the package's compat floor for MKL_jll (MKL_jll = \"2022.2, 2023, 2024, 2025\" in its Project.toml, as "
            "LinearSolve.jl did), or in your environment: ] add MKL_jll@2023 and ] up",
            "then see which version resolves: ] status -m MKL_jll",
        ),
        "A JLL module is generated by the JLLWrappers release its build used; an old MKL_jll has no is_available(), so a "
        "package that checks it first cannot load with that release.",
        ("julia -e 'using Pkg; Pkg.status(\"MKL_jll\"; mode=PKGMODE_MANIFEST)'   # the MKL_jll resolved",),
    )]


def provider_locked(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(ProviderLocked)
    if not said:
        return []
    first = said[0]
    return [Finding(
        "julia-fftw-provider-locked", "error",
        f"FFTW.jl's provider is set to '{first.held}' in LocalPreferences.toml, and set_provider! could not change it to "
        f"'{first.wanted}'", (
            first.line,
            f"{first.file} holds FFTW's provider = \"{first.held}\"; FFTW.jl releases before JuliaMath/FFTW.jl#201 wrote the "
            "preference without force, so Preferences.jl refuses to replace a value already there",
        ), (
            f"edit {first.file}: remove the provider line under [FFTW] (or set it to \"{first.wanted}\"), then restart Julia",
            "or update FFTW.jl (] up FFTW): its set_provider! replaces the preference; then FFTW.set_provider!(\""
            + first.wanted + "\") and restart Julia",
        ),
        "FFTW.jl chooses its library (FFTW's own or MKL's) from a preference read when the package loads; Preferences.jl keeps "
        "a value once written unless asked to force it.",
        ("julia -e 'using FFTW; println(FFTW.get_provider())'   # the provider in use",),
    )]


_SKIPPED = ("Julia 1.6.1 and later 1.6 releases with MKL.jl 0.4.0: its build skipped itself (it tested VERSION > v\"1.6\", "
            "MKL.jl#80; an empty build.log): update MKL.jl (0.4.1 or newer), ] build MKL, and restart Julia")


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(VendorNotMkl)
    if not said:
        return []
    first = said[0]
    from mkldoctor.explain.juliasession import JuliaUsing  # the session's `using MKL`: a query before it says nothing of MKL.jl

    at = events.first_line.get(first, 0)
    if any("MKL" in e.modules and events.first_line.get(e, 0) > at for e in events.of(JuliaUsing)):
        return []
    if first.vendor.startswith("lib"):  # Julia 1.7+'s BLAS.get_config(): MKL.jl switches at load time
        return [_config_not_mkl(first, events)]
    blas64 = first.vendor.endswith("64")
    test = "Evaluated:" in first.line
    return [Finding(
        "julia-blas-not-mkl", "error" if test else "warning",
        f"MKL.jl's test found Julia's BLAS still {first.vendor}, not MKL" if test else
        f"Julia's BLAS is {first.vendor}, not MKL: MKL.jl's switch did not take effect", (
            first.line,
            "MKL.jl before Julia 1.7 makes MKL Julia's BLAS by rebuilding Julia's system image when it is built (] build MKL); "
            "the image it rebuilt still calls " + first.vendor + (
                ": a Julia whose BLAS has 64-bit integers (openblas64) needs MKL's ILP64 interface, which MKL.jl's build "
                "uses only when ENV[\"USE_BLAS64\"] is true" if blas64 else ""),
        ), (
            *(() if test else (_SKIPPED,)),
            *(("in Julia: ENV[\"USE_BLAS64\"] = true; then ] build MKL, and restart Julia (BLAS.vendor() then says :mkl)",)
              if blas64 else ()),
            "or Julia 1.7 or newer with MKL.jl 0.4 or newer: `using MKL` switches Julia's BLAS to MKL at load time, no "
            "rebuilt image (BLAS.get_config() lists the library that serves)",
        ),
        "A Julia of 1.6 or older has one BLAS in its system image; MKL.jl swapped it by rebuilding the image, with the "
        "integer width of the Julia it ran in.",
        ("julia -e 'using LinearAlgebra; println(BLAS.vendor())'   # before 1.7; 1.7+: BLAS.get_config()",),
    )]


def _config_not_mkl(first: VendorNotMkl, events: Parsed) -> Finding:
    from mkldoctor.explain.juliasession import JuliaUsing

    using = any("MKL" in e.modules for e in events.of(JuliaUsing))
    return Finding(
        "julia-blas-not-mkl", "warning",
        f"Julia's BLAS is {first.vendor} (BLAS.get_config()), not MKL" + (", after `using MKL`" if using else ""),
        (first.line, "Julia 1.7 and newer call BLAS through libblastrampoline, and `using MKL` (MKL.jl 0.4 and newer) points "
                     "it at MKL_jll's libmkl_rt when the package loads; the library listed is the one that serves"),
        ("MKL_jll has no build for every platform: julia -e 'using MKL_jll; println(MKL_jll.is_available())' says false on "
         "Apple silicon and ARM (use AppleAccelerate.jl or OpenBLAS there), and MKL.jl then keeps OpenBLAS",
         "an MKL.jl older than 0.4 (the system-image era) does nothing at load time in Julia 1.7+: ] up MKL (pkg> status MKL "
         "shows its version)",
         "`using MKL` before any package that sets the BLAS itself: libblastrampoline serves the last forward made"),
        "libblastrampoline forwards Julia's BLAS calls to one library at a time; loading MKL.jl forwards them to MKL, and "
        "BLAS.get_config() lists the library that now serves.",
        ("julia -e 'using MKL, LinearAlgebra; println(BLAS.get_config())'   # libmkl_rt listed: MKL serves",),
    )
