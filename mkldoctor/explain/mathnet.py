""".NET's numerics libraries on MKL refusing to start: Math.NET Numerics' provider, in its own ``NotSupportedException``
words, and CenterSpace NMath's kernel assembly.

Math.NET Numerics (a .NET library) runs its linear algebra and FFT on MKL through a native provider of its own,
``libMathNetNumericsMKL`` (NuGet: MathNet.Numerics.MKL.Win, .Linux, and their -x64/-x86 variants), which carries a
revision number (r9 with MKL 11.3 in 2015, r11 with MKL 2017 and its first FFT, r14 with MKL 2020 Update 4; the project's
RELEASENOTES-MKL.md). Two refusals:

* ``MKL Native Provider revision r9 is too old. Consider upgrading to a newer version. Revision r11 and newer are
  supported.`` — the managed provider (its FFT wants r11) found an older native library: the Linux package on NuGet
  lagged the Windows one (mathnet-numerics#671; PR #1018 updated src/NativeProviders/Linux/mkl_build.sh to build it).
* ``Native Provider Probing failed to resolve creator`` — Numerics v5 looks the provider's managed assembly up by name
  (``MathNet.Numerics.Providers.MKL``) and it is not there: since MKL package 3.0.0 (2022) it ships apart, and the
  native package alone is not enough (mathnet-numerics#946; ProviderProbe.cs).

NMath runs on MKL through a kernel assembly of mixed (managed and native) code, one per bitness (``NMathKernelx86``,
``NMathKernelx64``): ``KernelLoadException : Could not load kernel assembly NMathKernelx86``, under ``The type initializer
for 'CenterSpace.NMath.Core.NMathKernel' threw an exception``. CenterSpace's own post on NMath in .NET 4.0 applications: a
kernel built for .NET 2.0's runtime is refused in a .NET 4 process unless app.config allows it
(``useLegacyV2RuntimeActivationPolicy``); .NET says so as ``Mixed mode assembly is built against version 'v2.0.50727'``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class ProviderTooOld:
    have: str  # the native library's revision ("9")
    want: str  # the oldest the managed provider takes ("11")
    line: str


@dataclass(frozen=True, slots=True)
class ProviderUnresolved:
    line: str


@dataclass(frozen=True, slots=True)
class KernelNotLoaded:
    line: str
    mixed: bool = False  # .NET's own words: a mixed-mode assembly of the 2.0 runtime in a 4.0 process


SIGNATURES = (
    *(Signature(f"nmath-kernel-not-loaded-{i}", "mathnet", needle,  # NUnit's spelling and a console's
                re.compile(r"KernelLoadException ?:|type initializer for '(?:CenterSpace\.)?NMath\.Core\.NMathKernel'"),
                lambda m, _: KernelNotLoaded(m.string.strip()[:300]))
      for i, needle in enumerate(("Exception : ", "Exception: "))),
    # .NET Framework 4's FileLoadException for an assembly of mixed code built for the 2.0 runtime
    Signature("dotnet-mixed-mode-v2", "mathnet", "and cannot be loaded",
              re.compile(r"Mixed mode assembly is built against version 'v[12]\.[\d.]+' of the runtime and cannot be loaded"),
              lambda m, _: KernelNotLoaded(m.string.strip()[:300], True)),
    Signature("mathnet-mkl-provider-too-old", "mathnet", "Native Provider",
              re.compile(r"MKL Native Provider revision r(?P<have>\d+) is too old\b(?:.*?Revision r(?P<want>\d+) and newer)?"),
              lambda m, _: ProviderTooOld(m["have"], m["want"] or "", m.string.strip()[:300])),
    # .NET's words for the provider's own DLL not loaded, then Math.NET's: the second is the first's consequence
    # (mathnet-numerics-native#18: "Unable to load DLL 'MathNet.Numerics.MKL.dll'", then "MKL Native Provider not found.")
    Signature("mathnet-provider-not-found", "mathnet", "Native Provider",
              re.compile(r"MKL Native Provider not found"),
              lambda m, before: FollowOn(m.string.strip()[:300]) if last_match(r"Unable to load DLL|DllNotFoundException", before)
              else NOT_MINE),
    Signature("mathnet-provider-unresolved", "mathnet", "Native Provider",
              re.compile(r"Native Provider Probing failed to resolve creator"),
              lambda m, _: ProviderUnresolved(m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return _too_old(events) + _unresolved(events) + _kernel(events)


def _too_old(events: Parsed) -> list[Finding]:
    said = events.of(ProviderTooOld)
    if not said:
        return []
    first = said[0]
    want = f"r{first.want}" if first.want else "a newer one"
    return [Finding(
        "mathnet-mkl-provider-too-old", "error",
        f".NET: Math.NET Numerics' MKL provider found its native library at revision r{first.have}, and needs {want}",
        (first.line,
         "Math.NET Numerics' native MKL provider (libMathNetNumericsMKL, from the MathNet.Numerics.MKL.Win or .Linux NuGet "
         "package) carries a revision: r9 came with MKL 11.3 (2015), r11 with MKL 2017 and the first FFT, r14 with MKL 2020 "
         "Update 4 (the project's RELEASENOTES-MKL.md); the managed provider refuses an older one",
         "the Linux package on NuGet lagged the Windows one (mathnet-numerics#671: r9 on Linux while Windows had r12)"),
        ("take a native package of the same generation as MathNet.Numerics: MathNet.Numerics.MKL.Win-x64 or "
         "MathNet.Numerics.MKL.Linux-x64 of the newest release, with MathNet.Numerics.Providers.MKL (Numerics v5)",
         "Linux, where no package new enough exists for your release: build libMathNetNumericsMKL from the project's "
         "src/NativeProviders/Linux/mkl_build.sh against an installed oneAPI MKL (mathnet-numerics PR #1018), and point "
         "Control.NativeProviderPath at its folder",
         "or leave the MKL provider off for what needs the newer revision: Control.UseManaged() (FFT: "
         "FourierTransformControl.UseManaged())"),
        "Math.NET checks the native library's revision when the provider starts and refuses one older than the managed "
        "code was written for.",
        ("dotnet list package   # MathNet.Numerics.MKL.* and its version beside MathNet.Numerics'",
         "Control.Describe()   # in the program: the providers and the native revision it loaded"),
    )]


def _unresolved(events: Parsed) -> list[Finding]:
    said = events.of(ProviderUnresolved)
    if not said:
        return []
    return [Finding(
        "mathnet-provider-assembly-missing", "error",
        ".NET: Math.NET Numerics cannot find the managed assembly of the native provider it was asked to use",
        (said[0].line,
         "Math.NET Numerics v5 looks each native provider's managed assembly up by name when asked to use it "
         "(Control.UseNativeMKL(): MathNet.Numerics.Providers.MKL); this error is that look-up finding nothing, before any "
         "native library is opened (ProviderProbe.cs)",
         "since Math.NET's MKL package 3.0.0 (2022) that assembly ships apart from the native one: MathNet.Numerics.MKL.Win-x64 "
         "alone is not enough (RELEASENOTES-MKL.md: 'MathNet.Numerics.Providers.MKL.dll is required for this to work with "
         "Numerics v5'; mathnet-numerics#946)"),
        ("dotnet add package MathNet.Numerics.Providers.MKL (of MathNet.Numerics' version), beside the native "
         "MathNet.Numerics.MKL.Win-x64 or .Linux-x64 package; OpenBLAS and CUDA have their own "
         "(MathNet.Numerics.Providers.OpenBLAS, .CUDA)",
         "a host that loads assemblies itself (a plugin, a script host): MathNet.Numerics.Providers.MKL.dll beside "
         "MathNet.Numerics.dll"),
        "Numerics v5 keeps its providers' managed code in packages of their own and loads them by name; a missing one is "
        "reported as a probe that found no creator.",
        ("dotnet list package   # MathNet.Numerics.Providers.MKL among the project's packages",),
    )]


def _kernel(events: Parsed) -> list[Finding]:
    said = events.of(KernelNotLoaded)
    if not said:
        return []
    mixed = any(e.mixed for e in said)
    nmath = any("Kernel" in e.line for e in said)
    what = "NMath's kernel assembly (its MKL code)" if nmath else "a mixed-mode assembly (managed and native code)"
    runtime = ("<startup useLegacyV2RuntimeActivationPolicy=\"true\"><supportedRuntime version=\"v4.0\"/></startup> in the "
               "application's app.config (the .exe.config beside it; a test runner's own config for tests), or assemblies "
               "built for .NET 4")
    return [Finding(
        "dotnet-kernel-not-loaded", "error",
        f".NET: {what} did not load" + (": it was built for .NET 2.0's runtime and the process runs .NET 4" if mixed else ""),
        (*dict.fromkeys(e.line for e in said),
         *(("NMath (CenterSpace) runs its linear algebra on MKL through a kernel assembly of mixed managed and native code, "
            "one per bitness: NMathKernelx86 in a 32-bit process, NMathKernelx64 in a 64-bit one",) if nmath else ()),
         ".NET Framework 4 loads a mixed-mode assembly built for the 2.0 runtime (NMath's kernels before its .NET 4 builds) "
         "only where the application's configuration allows it: CenterSpace's post on NMath in .NET 4.0 applications"),
        (f"an application on .NET Framework 4 with assemblies built for .NET 2.0 or 3.5: {runtime}",
         *(() if mixed else ("or the kernel of the process's bitness beside the application, with the native DLLs NMath ships "
                             "(MKL's, libiomp5md.dll) in the same folder or on PATH: NMathKernelx86 for a 32-bit process "
                             "(Platform target x86, or Any CPU with Prefer 32-bit), NMathKernelx64 for a 64-bit one, and the "
                             "Visual C++ runtime it was built with",))),
        "A mixed-mode assembly holds native code built against one runtime's hosting interfaces; .NET 4 runs side by side "
        "with 2.0 and binds such an assembly to the older runtime only where the configuration says so.",
        ("the inner exception (InnerException, NUnit's next '---->' line) says which: 'Mixed mode assembly is built against "
         "version v2.0.50727' is the runtime, FileNotFoundException or BadImageFormatException the kernel's file or bitness",),
    )]


def native_fixes(library: str) -> list[str]:
    """The fixes for Math.NET's native MKL provider (libMathNetNumericsMKL) that .NET could not load on Linux, or []."""
    if "mathnetnumericsmkl" not in library.lower():
        return []
    return ["reference the native package in the project that runs: dotnet add package MathNet.Numerics.MKL.Linux-x64 "
            "(Windows: MathNet.Numerics.MKL.Win-x64), with MathNet.Numerics.Providers.MKL for Numerics v5, then check that "
            "the app's folder has libMathNetNumericsMKL.so (runtimes/linux-x64/native)",
            "or the managed provider alone (no native MKL): leave out Control.UseNativeMKL() and Numerics runs its own code"]
