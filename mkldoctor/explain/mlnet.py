"""C#'s compiler cannot find one of ML.NET's MKL-backed components: ``'RegressionCatalog.RegressionTrainers' does not
contain a definition for 'Ols' and no accessible extension method 'Ols' ...`` (dotnet/machinelearning#5951).

ML.NET's trainers and transforms that run on MKL are extension methods of ``MklComponentsCatalog``, in a package of
their own, ``Microsoft.ML.Mkl.Components`` (``Microsoft.ML.HalLearners`` before ML.NET 0.11, dotnet/machinelearning PR
#2800): ``Ols`` (regression), ``SymbolicSgdLogisticRegression`` (binary classification), ``VectorWhiten`` (transforms).
A project that references Microsoft.ML alone has no such method; the package also brings MKL's native library
(MklImports, through Microsoft.ML.Mkl.Redist).

ML.NET's own words when that native library does not load: ``The MKL library (Microsoft.ML.MklImports.dll) or one of its
dependencies is missing.`` (dotnet/machinelearning#241: ML.NET 0.1's OLS shipped with no MKL at all; PR #286 took the
trainer out until the package existed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

# a .NET application's native MKL on Windows: ML.NET's MklImports.dll (Microsoft.ML.Mkl.Redist), or another package's
SHIP_NATIVE = ("ship the native DLLs beside the application: reference the package that carries them (MKL.NET's runtime "
               "package for the platform) or copy mkl_rt.*.dll with its dependencies into the output folder")
WINDOWS_NATIVE = ("ML.NET's MklImports.dll comes in the NuGet package Microsoft.ML.Mkl.Redist (Microsoft.ML.Mkl.Components and "
                  "Microsoft.ML.TimeSeries bring it), whose runtimes\\win-x64\\native folder the application's build copies "
                  "beside it: reference the package in the project that runs; a host that loads the assemblies itself (a "
                  "notebook kernel such as dotnet-interactive, a plugin host) must resolve that folder, and a host release that "
                  "does not fails so (dotnet/interactive#492: 1.0.115407 worked): another release of the host, or MklImports.dll "
                  "and libiomp5md.dll copied beside the assembly")

# ML.NET's native libraries that run on MKL or Intel's OpenMP runtime, by the NuGet package that ships them
NATIVE_PACKAGES = {"mklimports": "Microsoft.ML.Mkl.Redist", "symsgdnative": "Microsoft.ML.Mkl.Components"}
SYMSGD_LIBOMP = ("ML.NET's libSymSgdNative.so for linux-x64 names LLVM's libomp.so as a dependency beside Intel's libiomp5.so "
                 "(dotnet/machinelearning#6603, #6972): a machine without libomp.so cannot load it; install LLVM's OpenMP "
                 "runtime (apt-get install libomp5, or libomp-dev) or drop that dependency: patchelf --remove-needed libomp.so "
                 "<the app's folder>/libSymSgdNative.so")


def _native_stem(library: str) -> str:
    """``symsgdnative`` of ``/app/libSymSgdNative.so``, ``mklimports`` of ``Microsoft.ML.MklImports.dll``."""
    name = library.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return re.sub(r"(?i)^(?:lib)?(?:Microsoft\.ML\.)?|(?:\.so(?:\.\d+)*|\.dylib|\.dll)$", "", name).lower()


def native_package(library: str) -> str:
    """The NuGet package of one of ML.NET's native libraries (``libSymSgdNative.so``, ``Microsoft.ML.MklImports.dll``), or ''."""
    return NATIVE_PACKAGES.get(_native_stem(library), "")


def native_fixes(library: str) -> list[str]:
    """The fixes for one of ML.NET's native libraries that did not load on Linux: its package, and SymSgdNative's libomp."""
    package = native_package(library)
    if not package:
        return []
    return [f"reference {package} in the project that runs (dotnet add package {package}, the version of Microsoft.ML), "
            "then check that the app's folder has the library (runtimes/linux-x64/native)",
            *([SYMSGD_LIBOMP] if _native_stem(library) == "symsgdnative" else [])]


# MklComponentsCatalog's extension methods, by the catalog each extends (Microsoft's API reference)
MKL_COMPONENTS = {"Ols": "RegressionTrainers", "SymbolicSgdLogisticRegression": "BinaryClassificationTrainers",
                  "VectorWhiten": "TransformsCatalog"}


@dataclass(frozen=True, slots=True)
class MklComponentMissing:
    method: str
    line: str


@dataclass(frozen=True, slots=True)
class MklImportsMissing:
    library: str  # Microsoft.ML.MklImports.dll
    line: str


SIGNATURES = (
    Signature("csharp-mlnet-mkl-component-missing", "mlnet", "does not contain a definition",
              re.compile(r"does not contain a definition for '(?P<m>" + "|".join(MKL_COMPONENTS) + r")'"),
              lambda m, _: MklComponentMissing(m["m"], m.string.strip()[:300])),
    Signature("mlnet-mkl-library-missing", "mlnet", "MklImports",
              re.compile(r"The MKL library \((?P<lib>[^()\s]{1,200})\) or one of its dependencies is missing"),
              lambda m, _: MklImportsMissing(m["lib"], m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return _component_missing(events) + _imports_missing(events)


def _imports_missing(events: Parsed) -> list[Finding]:
    said = events.of(MklImportsMissing)
    if not said:
        return []
    lib = said[0].library
    return [Finding(
        "mlnet-mkl-library-missing", "error",
        f".NET: ML.NET could not load its MKL library {lib}, or one of the DLLs it needs",
        (said[0].line,
         f"{lib} is ML.NET's own build of MKL (MklImports), in the NuGet package Microsoft.ML.Mkl.Redist, which "
         "Microsoft.ML.Mkl.Components (Ols, SymbolicSgdLogisticRegression, VectorWhiten) and Microsoft.ML.TimeSeries bring; "
         "it needs Intel's OpenMP runtime (libiomp5md.dll on Windows, shipped beside it) and Microsoft's C++ runtime",
         "ML.NET 0.1's OLS trainer shipped with no MKL library at all (dotnet/machinelearning#241): 0.2 took the trainer out "
         "(PR #286) until the MKL packages above existed"),
        (f"reference the package in the project that runs: dotnet add package Microsoft.ML.Mkl.Components (or "
         "Microsoft.ML.Mkl.Redist), of the same version as Microsoft.ML; an ML.NET of 0.2 or newer, whose MKL trainers "
         "ship in those packages",
         "check the build's output folder for it (runtimes\\<rid>\\native, or beside the app): a host that loads the "
         "assemblies itself (a notebook kernel, a plugin host) must find that folder too",
         WINDOWS_NATIVE),
        "ML.NET loads its MKL library through P/Invoke when an MKL-backed trainer or transform first runs; .NET reports it "
        "missing both when the file is not in the app's folders and when a DLL it depends on is not found.",
        ("dotnet list package   # Microsoft.ML.Mkl.Redist (or Mkl.Components) among the project's packages",
         "Dependencies.exe <the app's folder>\\Microsoft.ML.MklImports.dll   # Windows: the DLL it needs that is missing"),
    )]


def _component_missing(events: Parsed) -> list[Finding]:
    said = events.of(MklComponentMissing)
    if not said:
        return []
    method = said[0].method
    return [Finding(
        "mlnet-mkl-components-missing", "error",
        f"C#: ML.NET's {method} is in the Microsoft.ML.Mkl.Components package, which the project does not reference",
        (said[0].line,
         f"{method} is an extension method of ML.NET's MklComponentsCatalog (on {MKL_COMPONENTS[method]}), one of the "
         "components that run on MKL (Ols, SymbolicSgdLogisticRegression, VectorWhiten): they ship apart from "
         "Microsoft.ML, in Microsoft.ML.Mkl.Components (named Microsoft.ML.HalLearners before ML.NET 0.11)"),
        ("dotnet add package Microsoft.ML.Mkl.Components (Visual Studio: Manage NuGet Packages), of the same version as "
         "Microsoft.ML, then build again; it brings MKL's native library too (MklImports, from Microsoft.ML.Mkl.Redist)",
         "add using Microsoft.ML; where the extension method is called (MklComponentsCatalog is in that namespace)"),
        "C# finds an extension method only in the assemblies the project references; without the package, the "
        "catalog has no such member.",
        ("dotnet list package   # Microsoft.ML.Mkl.Components among the project's packages",),
    )]
