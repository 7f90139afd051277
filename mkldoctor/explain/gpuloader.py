"""oneMKL's GPU part that cannot reach the GPU runtime's loader: ``Intel MKL FATAL ERROR: Error on loading function
'clGetPlatformIDs'``.

MKL's SYCL (DPC++) libraries and the SYCL runtime's OpenCL plugin open the OpenCL ICD loader (``libOpenCL.so``; on
Windows ``OpenCL.dll``) or Level Zero's (``libze_loader.so.1``) at run time and look their entry points up by name;
``clGetPlatformIDs`` or ``zeInit`` not found means that loader was not found (JuliaGPU/oneAPI.jl#357: after conda's
MKL moved to 2023.2 the OpenCL plugin asked for an unversioned libOpenCL.so that no package of the environment had; the
maintainers pinned MKL back and later shipped an ICD loader). It is no CPU kernel of another release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class GpuEntryPointMissing:
    function: str
    line: str


SIGNATURES = (
    Signature("mkl-gpu-entry-point", "gpuloader", "Error on loading function",
              re.compile(r"MKL FATAL ERROR: Error on loading function '?(?P<sym>(?:cl|ze)[A-Z]\w*)'?", re.I),
              lambda m, _: GpuEntryPointMissing(m.group("sym"), m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    for event in events.of(GpuEntryPointMissing)[:1]:
        opencl = event.function.startswith("cl")
        loader = "libOpenCL.so (the OpenCL ICD loader)" if opencl else "libze_loader.so.1 (Level Zero's loader)"
        out.append(Finding(
            "gpu-runtime-loader-missing", "error",
            f"oneMKL could not load {event.function}: its GPU part found no {loader.split(' (')[0]}",
            (event.line,
             f"{event.function} is {'OpenCL' if opencl else 'Level Zero'}'s, not MKL's: MKL's SYCL libraries and the SYCL "
             f"runtime's plugins open {loader} at run time and look it up by name; it was not found, or not under the "
             "name they ask for",
             "this is no CPU kernel of another MKL release: the CPU libraries do not call it"),
            ((f"install the OpenCL ICD loader where the program runs (Debian/Ubuntu: ocl-icd-libopencl1, and ocl-icd-opencl-dev "
              "for the unversioned libOpenCL.so a plugin may ask for; conda: ocl-icd), or put the folder of a libOpenCL.so on "
              "LD_LIBRARY_PATH" if opencl else
              "install Level Zero's loader where the program runs (Debian/Ubuntu: libze1 or level-zero; with Intel's GPU "
              "driver packages), or put its folder on LD_LIBRARY_PATH"),
             "an MKL update that brought it (a conda environment's mkl or mkl-dpcpp): the release before it, pinned, until "
             "the environment has the loader",
             "no GPU wanted: call MKL's C and Fortran (host) API, which opens no GPU runtime, instead of its SYCL functions"),
            "oneMKL's GPU functions reach the device through a GPU runtime (OpenCL or Level Zero) whose loader is a library of "
            "the system or the environment, opened by name when the first GPU call is made.",
            ("LD_DEBUG=libs <the program> 2>&1 | grep -E 'libOpenCL|libze_loader'   # the names asked for and the folders searched",),
        ))
    return out
