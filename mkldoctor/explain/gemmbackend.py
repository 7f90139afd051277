"""A library built without a CPU GEMM backend: CTranslate2's ``No SGEMM backend on CPU`` (OpenNMT/CTranslate2#646: built
with -DWITH_MKL=OFF and no other backend; faster-whisper#37: a build whose CMake took MKL's libraries from another folder
than oneAPI's). CTranslate2 runs its float32 matrix products on MKL, oneDNN, OpenBLAS, Apple's Accelerate or Ruy, as
chosen when it was built; a build with none of them has no SGEMM on the CPU.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class NoGemmBackend:
    line: str


@dataclass(frozen=True, slots=True)
class MklLibraryFolderFound:
    """CTranslate2's CMake: ``-- Found MKL library directory: /usr/lib/x86_64-linux-gnu``."""

    folder: str


SIGNATURES = (
    Signature("no-sgemm-backend", "gemmbackend", "No SGEMM backend", re.compile(r"\bNo SGEMM backend on CPU\b"),
              lambda m, _: NoGemmBackend(m.string.strip()[:300])),
    Signature("cmake-found-mkl-library-directory", "gemmbackend", "Found MKL library directory",
              re.compile(r"Found MKL library directory: (?P<dir>\S+)"), lambda m, _: MklLibraryFolderFound(m["dir"][:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(NoGemmBackend)
    if not said:
        return []
    found = events.of(MklLibraryFolderFound)
    evidence = [said[0].line, "CTranslate2 computes float32 matrix products on the CPU with the backend its build enabled "
                "(MKL with -DWITH_MKL=ON, the default on x86-64; oneDNN, OpenBLAS, Apple's Accelerate or Ruy otherwise): this "
                "build has none (OpenNMT/CTranslate2#646: -DWITH_MKL=OFF alone)"]
    if found:
        evidence.append(f"its CMake took MKL's libraries from {found[0].folder}: a folder other than oneAPI's "
                        "(<oneAPI>/mkl/latest/lib/intel64), where the build's MKL is not the one meant (faster-whisper#37)")
    return [Finding(
        "gemm-backend-missing", "error",
        "CTranslate2 was built without a CPU GEMM backend: its float32 matrix products have no library to run on",
        tuple(evidence),
        ("install CTranslate2's own wheel (python -m pip install ctranslate2), which is built with MKL and oneDNN, rather "
         "than a build of your own",
         "or build it with a backend: cmake -DWITH_MKL=ON with oneAPI's MKL set up (source setvars.sh: MKLROOT), or "
         "-DWITH_DNNL=ON, -DWITH_OPENBLAS=ON, -DWITH_RUY=ON (ARM), and check the configure lines that name the MKL "
         "folders"),
        "A library that chooses its BLAS at build time has none at run time when its build enabled none.",
        ("python -c \"import ctranslate2; print(ctranslate2.get_supported_compute_types('cpu'))\"   # what this build runs",),
    )]
