"""oneAPI's SYCL toolchain failing a build or a run of code that uses oneMKL's SYCL interface (or the SYCL backends that
sit beside it): a kernel the binary does not hold, a SYCL header of a newer DPC++ than the one installed, oneAPI's own
CMake package failing.

* ``No kernel named _ZTS... was found -46 (PI_ERROR_INVALID_KERNEL_NAME)``: the program's device code has no such kernel:
  its SYCL sources were compiled without ``-fsycl`` (ollama PR #2458: its build of llama.cpp's ggml-sycl), or for devices
  other than the one the queue runs on.
* ``fatal error: 'syclcompat/math.hpp' file not found``: syclcompat ships with oneAPI 2025.0's DPC++ and later (llama.cpp
  #10518, after its PR #10267; oneAPI 2024 has none).
* ``NULL pointer argument in memory fill operation. -30 (PI_ERROR_INVALID_VALUE)``: a fill of an empty array whose pointer
  is null (ginkgo 5bc7ace: oneMKL's gemm with an inner dimension of 0 fills C through the runtime; ginkgo calls it only
  for k > 0).
* ``CMake Error at .../IntelSYCLConfig.cmake:386 (SYCL_FEATURE_TEST_EXTRACT)``: oneAPI's own CMake package for the SYCL
  compiler failed (llama.cpp #12696: oneAPI 2025.1's on Windows; 2025.0 built).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class SyclKernelMissing:
    line: str


@dataclass(frozen=True, slots=True)
class SyclcompatMissing:
    line: str


@dataclass(frozen=True, slots=True)
class IntelSyclConfigFailed:
    line: str
    release: str  # the oneAPI release its path names ("2025.1"), or "latest", or ""


# the SYCL runtime's files of oneAPI 2024 that 2025.0 renamed (llama.cpp PR #10369: its Windows CI copied them by name)
RENAMED_2025 = {"pi_win_proxy_loader.dll": "ur_win_proxy_loader.dll", "pi_level_zero.dll": "ur_adapter_level_zero.dll",
                "sycl7.dll": "sycl8.dll"}  # the names that PR's listing showed (MKL's own files: mklfiles' finding)


@dataclass(frozen=True, slots=True)
class SyclFileRenamed:
    name: str
    line: str


def _renamed(m: re.Match, _) -> SyclFileRenamed | None:
    name = next((n for n in RENAMED_2025 if n in m.string), None)
    return SyclFileRenamed(name, m.string.strip()[:300]) if name else None


@dataclass(frozen=True, slots=True)
class SyclNullFill:
    line: str


SIGNATURES = (
    Signature("sycl-null-fill", "syclbuild", "NULL pointer argument",
              re.compile(r"\bNULL pointer argument in memory fill operation\b"),
              lambda m, _: SyclNullFill(m.string.strip()[:300])),
    *(Signature(f"sycl-runtime-file-renamed-{i}", "syclbuild", needle,
                re.compile(r"(?i)(?:cannot stat|could not find|no such file|not found|cannot find)"), _renamed)
      for i, needle in enumerate(RENAMED_2025)),
    Signature("sycl-no-kernel-named", "syclbuild", "No kernel named",
              re.compile(r"\bNo kernel named \S+ was found\b"), lambda m, _: SyclKernelMissing(m.string.strip()[:300])),
    Signature("syclcompat-header-not-found", "syclbuild", "syclcompat/",
              re.compile(r"fatal error: ['\"<‘]?syclcompat/[\w./-]*"), lambda m, _: SyclcompatMissing(m.string.strip()[:300])),
    Signature("intel-sycl-config-failed", "syclbuild", "IntelSYCLConfig",
              re.compile(r"CMake Error at (?P<path>.*?)IntelSYCLConfig\.cmake:\d+"),
              lambda m, _: IntelSyclConfigFailed(m.string.strip()[:300], _release(m["path"]))),
)


def _release(path: str) -> str:
    found = re.search(r"[\\/](?:compiler|oneapi)[\\/](\d{4}\.\d+|latest)[\\/]", path)
    return found.group(1) if found else ""


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return ([_kernel(e) for e in events.of(SyclKernelMissing)[:1]]
            + [_syclcompat(e) for e in events.of(SyclcompatMissing)[:1]]
            + [_config(e) for e in events.of(IntelSyclConfigFailed)[:1]]
            + [_null_fill(e) for e in events.of(SyclNullFill)[:1]]
            + ([_renamed_file(events.of(SyclFileRenamed))] if events.of(SyclFileRenamed) else []))


def _renamed_file(said: list[SyclFileRenamed]) -> Finding:
    names = list(dict.fromkeys(e.name for e in said))
    return Finding(
        "sycl-runtime-file-renamed", "error",
        f"{', '.join(names[:3])}: oneAPI 2024's name of a SYCL runtime file, which oneAPI 2025 renamed",
        (*dict.fromkeys(e.line for e in said[:3]),
         "oneAPI 2025.0 moved the SYCL runtime from its plugin interface (pi_*) to the unified runtime (ur_*) and raised the "
         "library's number: " + ", ".join(f"{old} is {new}" for old, new in RENAMED_2025.items())),
        ("take the files by their 2025 names (a script or CI step that copies them by name: llama.cpp PR #10369's list), or "
         "by pattern, so that a release's numbers do not matter",
         "or install the 2024 release the list was written for (the runner's oneAPI is the newest unless pinned)"),
        "A build that copies oneAPI's runtime files beside its program names them; a newer oneAPI ships them under other "
        "names, and the copy step stops.",
        ("dir \"%ONEAPI_ROOT%\\compiler\\latest\\bin\\*.dll\"   # the names this oneAPI has "
         "(Linux: ls $ONEAPI_ROOT/compiler/latest/lib)",),
    )


def _null_fill(event: SyclNullFill) -> Finding:
    return Finding(
        "sycl-fill-null-pointer", "error",
        "the SYCL runtime refused to fill memory at a NULL pointer: a call was given an empty array whose pointer is null",
        (event.line, "a fill of memory (queue.fill, queue.memset, or a library's own, such as oneMKL's gemm setting C to "
                     "beta*C) at a null USM pointer is refused by the runtime (-30, PI_ERROR_INVALID_VALUE) even when its size "
                     "is 0; an empty matrix's data pointer is often null"),
        ("skip the call when a dimension is 0: ginkgo 5bc7ace calls oneMKL's gemm only when the inner dimension k > 0, and "
         "otherwise sets C itself (zero, or C scaled by beta)",
         "or give empty arrays a real allocation (a non-null USM pointer) before passing them to oneMKL"),
        "oneMKL's SYCL routines submit their work to the SYCL runtime, which checks each memory operation's pointer; an "
        "empty array's null pointer passes the library's checks and fails there.",
        ("ONEAPI_DEVICE_SELECTOR=opencl:cpu <the program>   # the same on another device: the call, not the device",),
    )


def _kernel(said: SyclKernelMissing) -> Finding:
    return Finding(
        "sycl-kernel-not-built", "error",
        "the SYCL runtime found no such kernel in the program: its SYCL code was built without its device code",
        (said.line, "a SYCL kernel's device code is compiled into the binary only by a SYCL compile (icpx -fsycl), for the "
         "targets -fsycl-targets names (spir64 by default); code compiled without -fsycl, or for other devices, has the host "
         "side and no kernel (ollama PR #2458: its build of llama.cpp's SYCL backend passed no -fsycl)"),
        ("compile and link every SYCL source with icpx -fsycl (CMake: the SYCL backend's own option, GGML_SYCL=ON, which "
         "adds it; a build script that compiles those files itself must pass it too), in a shell where oneAPI's setvars.sh "
         "has run",
         "or build for the device that runs it: -fsycl-targets=spir64 (Intel GPUs and CPUs), or the vendor's target for "
         "NVIDIA (nvptx64-nvidia-cuda) and AMD GPUs"),
        "SYCL kernels are compiled twice, for the host and for the device; the device image is made only by a SYCL compile "
        "and is looked up by the kernel's name when it is launched.",
        ("clang-offload-bundler --list --type=o --input=<an object of it>   # or: strings <the binary> | grep -c "
         "__CLANG_OFFLOAD: a SYCL build holds device images",),
    )


def _syclcompat(said: SyclcompatMissing) -> Finding:
    return Finding(
        "sycl-header-of-newer-oneapi", "error",
        "the build includes syclcompat's header, which the installed oneAPI's SYCL compiler does not have: it came with "
        "oneAPI 2025.0's DPC++",
        (said.line, "syclcompat (syclcompat/*.hpp, SYCL's helpers for code ported from CUDA) ships with the DPC++ compiler "
         "from oneAPI 2025.0 on; a project that includes it needs that release or a later one (llama.cpp#10518: its SYCL "
         "backend after PR #10267, built with oneAPI 2024.1)"),
        ("install oneAPI 2025.0 or later (its Base Toolkit, or the intel/oneapi-basekit 2025 image) and source its "
         "setvars.sh before configuring",
         "or build a release of the project from before it took up syclcompat"),
        "A project's SYCL sources name the headers of the DPC++ release they were written for; an older release lacks the "
        "newer ones.",
        ("icpx --version   # the DPC++ release the build uses",),
    )


def _config(said: IntelSyclConfigFailed) -> Finding:
    return Finding(
        "intel-sycl-config-failed", "error",
        "oneAPI's own CMake package for its SYCL compiler (IntelSYCLConfig.cmake) failed"
        + (f" (oneAPI {said.release})" if said.release and said.release != "latest" else ""),
        (said.line, "IntelSYCLConfig.cmake is oneAPI's file, which find_package(IntelSYCL) runs: an error inside it is the "
         "package's own; oneAPI 2025.1's failed on Windows (its SYCL_FEATURE_TEST_EXTRACT call, llama.cpp#12696), where "
         "2025.0's worked"),
        ("configure with another oneAPI release: 2025.0 built where 2025.1 failed (llama.cpp#12696), or a later one whose "
         "file is fixed",
         "or a release of the project that enables SYCL with -fsycl itself, without find_package(IntelSYCL) (llama.cpp PR "
         "#18345 skips a broken IntelSYCL package)"),
        "CMake runs a package's config file inside the project's configure; a fault of that file stops the project.",
        ("icpx --version   # the oneAPI release whose IntelSYCLConfig.cmake ran",),
    )
