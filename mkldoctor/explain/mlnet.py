"""C#'s compiler cannot find one of ML.NET's MKL-backed components: ``'RegressionCatalog.RegressionTrainers' does not
contain a definition for 'Ols' and no accessible extension method 'Ols' ...`` (dotnet/machinelearning#5951).

ML.NET's trainers and transforms that run on MKL are extension methods of ``MklComponentsCatalog``, in a package of
their own, ``Microsoft.ML.Mkl.Components`` (``Microsoft.ML.HalLearners`` before ML.NET 0.11, dotnet/machinelearning PR
#2800): ``Ols`` (regression), ``SymbolicSgdLogisticRegression`` (binary classification), ``VectorWhiten`` (transforms).
A project that references Microsoft.ML alone has no such method; the package also brings MKL's native library
(MklImports, through Microsoft.ML.Mkl.Redist).
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

# MklComponentsCatalog's extension methods, by the catalog each extends (Microsoft's API reference)
MKL_COMPONENTS = {"Ols": "RegressionTrainers", "SymbolicSgdLogisticRegression": "BinaryClassificationTrainers",
                  "VectorWhiten": "TransformsCatalog"}


@dataclass(frozen=True, slots=True)
class MklComponentMissing:
    method: str
    line: str


SIGNATURES = (
    Signature("csharp-mlnet-mkl-component-missing", "mlnet", "does not contain a definition",
              re.compile(r"does not contain a definition for '(?P<m>" + "|".join(MKL_COMPONENTS) + r")'"),
              lambda m, _: MklComponentMissing(m["m"], m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
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
