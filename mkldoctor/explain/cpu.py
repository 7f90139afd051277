"""MKL where it cannot run: a CPU (or an emulator) below MKL's minimum, a platform MKL is not built for, and
Julia's BLAS forwarding with no library for the interface a caller uses.

``Intel MKL FATAL ERROR: This system does not meet the minimum requirements for use of the Intel(R) Math
Kernel Library.`` is followed by the instruction sets it needs (``The processor must support the Intel(R)
AVX instructions``): an x86-64 MKL under Rosetta 2 on Apple Silicon (which has no AVX), in a virtual
machine that hides the host's CPU flags, or on a CPU older than the release supports (a package manager
that has no MKL for an ARM machine is the same fact from the other side: :mod:`pkgmanagers`). ``Error: no BLAS/LAPACK library loaded!`` is libblastrampoline's: Julia forwards BLAS calls
by integer interface (LP64, ILP64) and none was loaded for the caller's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import ERRORISH, NOT_MINE, FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import platforms

@dataclass(frozen=True, slots=True)
class CpuBelowMinimum:
    needs: tuple[str, ...] = ()  # "SSE4.2", "AVX"
    wants: int = field(default=0, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "CpuBelowMinimum":
        needs = [m.group(1) for line in lines for m in [re.search(r"\(Intel\(R\) ([\w. ]+?)\) instructions", line)] if m]
        return replace(self, needs=tuple(needs), wants=0)


@dataclass(frozen=True, slots=True)
class CpuRefused:
    """``Intel MKL ERROR: CPU 0 is not supported.``: MKL's dispatcher has no code for the processor (MKL for macOS on
    an AMD processor, pytorch#31106)."""

    line: str


@dataclass(frozen=True, slots=True)
class JuliaNoBlas:
    line: str


@dataclass(frozen=True, slots=True)
class JllNoLibrary:
    """``UndefVarError: `libmkl_rt_path` not defined``: a JLL package (MKL_jll) defines its library products only on the
    platforms it has a build for."""

    line: str
    name: str  # "libmkl_rt_path"


@dataclass(frozen=True, slots=True)
class JllPackageFailed(FollowOn):
    """``ERROR: LoadError: Failed to precompile MKLSparse [...]``: a Julia package built on MKL_jll failed to precompile
    (MKLSparse.jl#38: MKL_jll 2024 on macOS, which Intel no longer builds for). After its own error's finding, that
    error's consequence; alone on macOS, :func:`precompile_failed` says the known cause."""

    package: str = ""


SIGNATURES = (
    Signature("julia-mkl-package-precompile", "cpu", "Failed to precompile",
              re.compile(r"Failed to precompile (?P<pkg>MKL|MKLSparse|Pardiso|IntelVectorMath|MKL_jll|MKLFFT)\b"),
              lambda m, _: JllPackageFailed(m.string.strip()[:300], m.group("pkg"))),
    Signature("mkl-cpu-below-minimum", "cpu", "FATAL",
              re.compile(r"MKL FATAL ERROR: This system does not meet the minimum requirements"),
              lambda m, _: CpuBelowMinimum(wants=4)),
    Signature("mkl-cpu-refused", "cpu", "is not supported", re.compile(r"MKL ERROR:? CPU \d+ is not supported", re.I),
              lambda m, _: CpuRefused(m.string.strip()[:300])),
    Signature("julia-lbt-no-blas", "cpu", "rror", re.compile(r"Error: no BLAS/LAPACK library loaded"),
              lambda m, _: JuliaNoBlas(m.string.strip())),
    # a package that reads libblastrampoline's list of libraries and finds it empty (LinearSolve's __init__)
    Signature("julia-lbt-empty", "cpu", "rror", re.compile(r"BoundsError: attempt to access 0-element Vector\{[\w.]*LBTLibraryInfo\}"),
              lambda m, _: JuliaNoBlas(m.string.strip())),
    Signature("julia-jll-library-undefined", "cpu", "UndefVarError",
              re.compile(r"UndefVarError: `?(?P<name>lib(?:mkl_\w+|iomp5\w*|oneapi_support))`? not defined"),
              lambda m, _: JllNoLibrary(m.string.strip(), m.group("name"))),
    # a package's own check of it, as an error ("MKLPardiso backend selected but MKL is not available on this platform",
    # PowerFlows.jl); libblastrampoline's tests say it as info ("[ Info: MKL_jll is not available ...; skipping")
    Signature("julia-mkl-not-available", "cpu", "available on this platform",
              re.compile(r"\bMKL(?:_jll)? is not available on this platform"),
              lambda m, _: JllNoLibrary(m.string.strip(), "libmkl_rt") if ERRORISH.search(m.string) else NOT_MINE),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    if events.of(CpuBelowMinimum):
        out.append(_below_minimum(events.of(CpuBelowMinimum)[0]))
    if events.of(CpuRefused):
        out.append(_refused(events.of(CpuRefused)[0], ctx.platform))
    if events.of(JuliaNoBlas):
        out.append(_julia_no_blas(events.of(JuliaNoBlas)[0]))
    for event in events.of(JllNoLibrary)[:1]:
        out.append(_jll_not_for_platform(event, ctx.platform, _arm(ctx)))
    return out


def precompile_failed(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """A fallback: an MKL package's precompile failed, its own error cut and nothing else explained; on macOS, MKL_jll
    without a build there is the known cause (the confirm line says whether). Elsewhere it stays an echo, said as such."""
    said = events.of(JllPackageFailed)
    if not said or any(f.severity == "error" for f in found) or ctx.platform != "macOS":
        return []
    event = said[0]
    finding = _jll_not_for_platform(JllNoLibrary(event.line, "libmkl_rt"), "macOS", _arm(ctx))
    why = (f"the log shows only that {event.package} failed to precompile (its own error is not in it); on macOS the known "
           "cause is MKL_jll resolved to a release without a macOS build (MKLSparse.jl#38): most likely so here, and the "
           "first command under confirm says whether")
    return [replace(finding, title="most likely " + finding.title, evidence=(event.line, why, *finding.evidence[1:]))]


def _arm(ctx: Context) -> bool:
    return any(re.search(r"aarch64|arm64", p) for p in ctx.places)


def _built_for() -> str:
    """``x86-64 Linux and Windows (macOS up to 2023.2)``: from the platform table."""
    return f"x86-64 Linux and Windows (macOS up to {platforms.last_release('macos')})"


def _jll_not_for_platform(event: JllNoLibrary, system: str | None, arm: bool) -> Finding:
    if event.name == "liboneapi_support":
        return _oneapi_support(event, system)
    last, dropped = platforms.last_release("macos") or "", platforms.dropped_in("macos")
    evidence = [event.line,
                f"{event.name} is one of MKL_jll's library products: a JLL package defines them only on a platform it has a "
                "build for, so on any other the name is simply not defined",
                f"Intel builds MKL for {_built_for()}:"]
    evidence += [f"  {p.words}: {p.said}" for p in platforms.PLATFORMS if p.said]
    if system == "macOS":
        evidence.append("the log's paths are macOS's" + (" on ARM (aarch64/arm64)" if arm else "")
                        + f": MKL_jll {dropped} and newer have no macOS library; no release has one for Apple silicon")
    major = last.split(".", 1)[0]
    fix = [f"macOS on Intel: pin MKL_jll to the last release line built for macOS: ] add MKL_jll@{major}   "
           f"(or Pkg.add(name=\"MKL_jll\", version=\"{major}\")), then ] pin MKL_jll",
           "Apple silicon or ARM (no MKL release at all): use another provider: FFTW.jl's FFTW.set_provider!(\"fftw\"), "
           "Julia's own OpenBLAS (drop `using MKL`), or AppleAccelerate.jl on macOS",
           "a package that uses MKL_jll: check MKL_jll.is_available() before reading its library paths"]
    if system == "macOS" and arm:
        fix = fix[1:] + fix[:1]
    return Finding(
        "mkl-not-for-this-platform", "error",
        f"MKL_jll defines no {event.name} for this platform{' (macOS)' if system == 'macOS' else ''}: Intel builds MKL for "
        f"{_built_for()}",
        tuple(evidence), tuple(fix),
        "A JLL package holds one build per platform; MKL_jll follows Intel's releases, which have no ARM build and, from "
        f"{dropped}, no macOS one. Resolving MKL_jll to such a release gives a package without libraries, and "
        "the first package that reads them fails to precompile or load.",
        ("julia -e 'using MKL_jll; @show MKL_jll.is_available()'   # false: no MKL library for this platform",
         "julia -e 'using Pkg; Pkg.status(\"MKL_jll\"; mode=PKGMODE_MANIFEST)'   # the MKL_jll version resolved"),
    )


def _oneapi_support(event: JllNoLibrary, system: str | None) -> Finding:
    """oneAPI.jl's wrapper of oneMKL's SYCL API (oneAPI_Support_jll) built for x86-64 Linux only (JuliaGPU/oneAPI.jl#289:
    Windows; the maintainer: Linux, or WSL2; #396: the MinGW toolchain's C++ ABI is not the MSVC-built oneMKL's)."""
    return Finding(
        "mkl-not-for-this-platform", "error",
        "oneAPI.jl's oneMKL wrapper (oneAPI_Support_jll) defines no liboneapi_support here: it is built for x86-64 Linux only",
        (event.line,
         "liboneapi_support is oneAPI_Support_jll's library, oneAPI.jl's C wrapper of oneMKL's SYCL (C++) API; a JLL "
         "package defines its products only on a platform it has a build for"
         + (", and the log's paths are Windows'" if system == "Windows" else ""),
         "oneAPI_Support_jll has builds for x86-64 Linux only: Julia's cross-compilers for Windows (MinGW) do not share a "
         "C++ ABI with the MSVC-built oneMKL and SYCL runtime"),
        ("run oneAPI.jl on Linux, or on Windows under WSL2 (the maintainers' supported way there): the package loads "
         "its oneMKL wrapper as it precompiles, so no part of it loads where the wrapper has no build",),
        "oneAPI.jl reaches oneMKL through a C wrapper built with BinaryBuilder; where that wrapper has no build, the "
        "package's oneMKL part fails to precompile with an undefined library name.",
        ("julia -e 'using oneAPI_Support_jll; @show oneAPI_Support_jll.is_available()'   # false: no build for this platform",),
    )


def _below_minimum(event: CpuBelowMinimum) -> Finding:
    needs = ", ".join(event.needs) or "the instruction sets it lists"
    return Finding(
        "mkl-cpu-unsupported", "error", f"MKL's CPU check failed: the processor it runs on does not report {needs}",
        ("Intel MKL FATAL ERROR: This system does not meet the minimum requirements for use of MKL",
         f"it needs: {needs}",
         "MKL is x86-64 code: on Apple Silicon it runs only under Rosetta 2, which emulates no AVX; in a virtual machine the "
         "CPU model may hide the host's flags"),
        ("Apple Silicon: use an arm64 (osx-arm64) environment, with a BLAS built for it (Accelerate or OpenBLAS: conda's "
         "numpy without MKL), instead of an x86-64 environment under Rosetta; or reinstall the environment's mkl packages "
         "(conda remove mkl mkl-service; conda install mkl) when a partial update left a release that needs more",
         "a virtual machine: give it the host's CPU model (QEMU/KVM: -cpu host; a cloud image: an instance type with AVX)",
         "an old CPU: an older MKL release, or another BLAS"),
        "MKL checks the CPU at its first call and stops when the processor lacks the instruction sets the release requires.",
        ("sysctl -n machdep.cpu.features machdep.cpu.leaf7_features   # macOS: what the CPU (or Rosetta) reports",
         "grep -o -w 'sse4_2\\|avx\\|avx2' /proc/cpuinfo | sort -u   # Linux"),
    )


def _refused(event: CpuRefused, system: str | None) -> Finding:
    mac = system == "macOS"
    return Finding(
        "mkl-cpu-unsupported", "error",
        "MKL refused the processor it runs on" + (": MKL for macOS runs on Intel processors only" if mac else ""),
        (event.line,
         "MKL's dispatcher found no code path for this processor: MKL for macOS was built for the Intel processors of Apple's "
         "Macs, and stops on any other (an AMD processor under macOS, pytorch#31106); elsewhere an emulator or a virtual "
         "machine that reports an unknown processor",
         "MKL_DEBUG_CPU_TYPE=5 is no way around it: it chose AVX2 code on AMD processors under Linux up to MKL 2020.0, and MKL "
         "for macOS has no such path"),
        ("use builds without MKL on this machine: pip's wheels (python3 -m pip install -U numpy scipy torch: PyPI's macOS "
         "builds use Accelerate or OpenBLAS) in place of the conda packages built on MKL, or conda install nomkl (the "
         "reporter's fix in pytorch#31106: matplotlib and numpy from pip)",),
        "MKL checks the processor when it is first called and picks its kernels for it; a processor it has no kernels for "
        "stops the program.",
        ("sysctl -n machdep.cpu.vendor machdep.cpu.brand_string   # macOS: the processor's maker" if mac else
         "grep -m2 -E 'vendor_id|model name' /proc/cpuinfo   # the processor MKL saw",),
    )


def _julia_no_blas(event: JuliaNoBlas) -> Finding:
    if "LBTLibraryInfo" in event.line:
        return Finding(
            "julia-blas-interface-missing", "error",
            "Julia's libblastrampoline has no BLAS library loaded at all: a package that reads its list found it empty",
            (event.line[:300], "BLAS.get_config() lists the libraries libblastrampoline forwards to; it is empty when a "
             "swap of libraries (`using MKL`, which calls BLAS.lbt_forward) failed part way, as loading MKL.jl from "
             "startup.jl did on Julia 1.9.0's release candidates (JuliaLang/julia#49593, fixed in 1.9.1)"),
            ("check it: julia -e 'using LinearAlgebra; println(BLAS.get_config())' before and after `using MKL`",
             "load MKL.jl in the session or the package that needs it, not in startup.jl, or use a Julia release with the "
             "fix (1.9.1 and newer: juliaup update)",
             "or reinstall the provider: ]add MKL; ]build MKL (MKL_jll's artifact may be missing: Pkg.instantiate())"),
            "Julia's LinearAlgebra calls BLAS through libblastrampoline; when its table is empty, the first call or a package "
            "that inspects it fails.",
        )
    return Finding(
        "julia-blas-interface-missing", "error",
        "Julia's libblastrampoline forwards no BLAS for the integer interface this call uses",
        (event.line,
         "libblastrampoline forwards each BLAS call to a library loaded for its interface, LP64 or ILP64 (BLAS.get_config() "
         "lists them as [ LP64] and [ILP64]); MKL.jl's libmkl_rt is loaded as ILP64, which Julia's own LinearAlgebra uses",
         "a Julia built against the system's LP64 libblas (a distribution's package) calls the LP64 interface: once MKL.jl "
         "replaces the libraries, none is left for it",
         "a caller of CBLAS (cblas_ddot, as Enzyme's derivatives and C code do): libblastrampoline before 5.11 did not forward "
         "the ILP64 CBLAS names of MKL 2024 and newer (JuliaLinearAlgebra/libblastrampoline#137), so those calls have no library",
         "a package whose own library (a _jll built on libblastrampoline) calls a routine that this Julia's libblastrampoline "
         "does not forward: older ones forwarded fewer of BLAS's and LAPACK's names (PROPACK.jl#54 after `using MKL` on Julia "
         "1.8 worked from Julia 1.10.4, with libblastrampoline 5.9)"),
        ("update Julia (juliaup update): a newer libblastrampoline forwards more of BLAS's and LAPACK's names, and the official "
         "Julia binaries (juliaup, or the julialang.org downloads) call ILP64 from LinearAlgebra",
         "a CBLAS caller with MKL 2024 or newer: a Julia whose libblastrampoline is 5.11 or newer (check: julia -e 'using "
         "LinearAlgebra; println(BLAS.lbt_get_config())' and the libblastrampoline_jll version in versioninfo), or until then "
         "an MKL_jll before 2024 (Pkg.compat(\"MKL_jll\", \"< 2024\"))",
         "check with BLAS.get_config() before and after `using MKL`: the interface Julia was built for must keep a library"),
        "Julia's LinearAlgebra calls BLAS through libblastrampoline, which has one table per integer interface.",
    )
