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
    Signature("julia-fftw-provider-locked", "juliablas", "annot set preference",
              re.compile(r"Cannot set preference 'provider' to '(?P<wanted>\w+)' for FFTW in (?P<file>.+?): preference "
                         r"already set to '(?P<held>\w+)'"),
              lambda m, _: ProviderLocked(m.group("wanted"), m.group("held"), m.group("file"), m.string.strip()[:300])),
)


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


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(VendorNotMkl)
    if not said:
        return []
    first = said[0]
    blas64 = first.vendor.endswith("64")
    return [Finding(
        "julia-blas-not-mkl", "error", f"MKL.jl's test found Julia's BLAS still {first.vendor}, not MKL", (
            first.line,
            "MKL.jl before Julia 1.7 makes MKL Julia's BLAS by rebuilding Julia's system image when it is built (] build MKL); "
            "the image it rebuilt still calls " + first.vendor + (
                ": a Julia whose BLAS has 64-bit integers (openblas64) needs MKL's ILP64 interface, which MKL.jl's build "
                "uses only when ENV[\"USE_BLAS64\"] is true" if blas64 else ""),
        ), (
            *(("in Julia: ENV[\"USE_BLAS64\"] = true; then ] build MKL, and restart Julia (BLAS.vendor() then says :mkl)",)
              if blas64 else ()),
            "or Julia 1.7 or newer with MKL.jl 0.4 or newer: `using MKL` switches Julia's BLAS to MKL at load time, no "
            "rebuilt image (BLAS.get_config() lists the library that serves)",
        ),
        "A Julia of 1.6 or older has one BLAS in its system image; MKL.jl swapped it by rebuilding the image, with the "
        "integer width of the Julia it ran in.",
        ("julia -e 'using LinearAlgebra; println(BLAS.vendor())'   # before 1.7; 1.7+: BLAS.get_config()",),
    )]
