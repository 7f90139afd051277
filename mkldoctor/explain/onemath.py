"""The oneMKL interfaces (oneMath) refusing a SYCL device before any backend runs: ``oneMKL: PowerVR B-Series
BXT-32-1024 is not supported`` (uxlfoundation/oneMath#542).

oneMath's run-time dispatch chooses a backend library by the device's vendor (Intel CPU and GPU, NVIDIA, AMD); a device
of any other vendor was refused by that check, although a generic backend (portBLAS, portFFT) runs on any SYCL device.
Its PR #566 added a generic device type for them; compile-time dispatch names the backend itself.

A SYCL exception from the device's runtime while oneMKL's own GPU kernel is built or run: ``what():  Level-Zero
error:700000041879048196`` / ``in kernel: oneapi::mkl::blas::sgemm_itcopy`` (JuliaGPU/oneAPI.jl#406): oneMKL's SYCL
libraries build their kernels for the device's architecture, which they read through the GPU runtime; oneMKL before
2024.2 opened ``libOpenCL.so`` by file name, and took a bundled OpenCL ICD loader that did not know the device.

A oneMKL call that threw in llama.cpp's SYCL backend (``SYCL error: CHECK_TRY_ERROR(dpct::gemm_batch(...))``,
intel/ipex-llm#11425: pip's oneAPI wheels beside the system's oneAPI), and HIP's CMake package asking a SYCL compiler for
compiler-rt's builtins in oneMath's AMD backends (oneMath#336, #532).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.unrecognised import unrecognised
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class DeviceRefused:
    device: str
    line: str


@dataclass(frozen=True, slots=True)
class DeviceRuntimeError:
    """A SYCL exception of the device's runtime (Level Zero): ``what():  Level-Zero error:7000...``."""

    error: str
    line: str


@dataclass(frozen=True, slots=True)
class MklKernelNamed:
    """``in kernel: oneapi::mkl::blas::sgemm_itcopy``: the kernel the runtime's error was about is oneMKL's."""

    kernel: str


@dataclass(frozen=True, slots=True)
class NotImplementedHere:
    """oneMKL's (oneMath's) ``oneapi::mkl::unimplemented``: ``what():  oneMKL: blas/gemm: function is not implemented
    ...``, or the exception's name alone (``terminate called after throwing an instance of 'oneapi::mkl::unimplemented'``)."""

    function: str  # "" when only the exception's name is in the log
    line: str


@dataclass(frozen=True, slots=True)
class AllocationFailed:
    """oneMKL's SYCL API could not get memory from the SYCL runtime: ``oneapi::mkl::oneapi::mkl::blas::gemm: cannot
    allocate memory on host`` (IPEX-LLM's llama.cpp notes: oneAPI's runtime installed with pip)."""

    function: str
    where: str
    line: str


@dataclass(frozen=True, slots=True)
class SyclCallFailed:
    """llama.cpp's SYCL backend (ggml-sycl, IPEX-LLM's ollama) reporting a oneMKL call that threw: ``SYCL error:
    CHECK_TRY_ERROR(dpct::gemm_batch(... oneapi::mkl::transpose::trans ...)): Meet error in this line code!``."""

    function: str
    line: str


@dataclass(frozen=True, slots=True)
class OneapiWheelListed:
    """A row of pip's or conda's list of oneAPI's runtime wheels: ``onemkl-sycl-blas   2024.0.0``, ``dpcpp-cpp-rt``."""

    name: str
    version: str


@dataclass(frozen=True, slots=True)
class HipBuiltinsMissing:
    """HIP's CMake package asking the SYCL compiler for LLVM's compiler-rt builtins, which intel/llvm (DPC++) and icpx do
    not ship: hip-config.cmake's ``clangrt builtins lib not found``, or the path it printed, missing at build time
    (``ninja: error: '.../libclang_rt.builtins.a', needed by 'lib/libonemkl_sparse_blas_rocsparse.so.0', missing``)."""

    line: str
    target: str  # what needed it ("" for CMake's message)


@dataclass(frozen=True, slots=True)
class EngineFailed:
    """oneDNN's ``could not create an engine``: the SYCL device it was given could not be opened."""

    line: str


def _terminate(m: re.Match, before):
    from mkldoctor.explain.crash import Aborted  # a C++ exception no one caught: std::terminate aborts the process

    if m["exc"].startswith(("oneapi::mkl::", "oneapi::math::")) and m["exc"].endswith("unimplemented"):
        return NotImplementedHere("", m.string.strip()[:300])
    return Aborted(m.string.strip()[:300], tuple(before[-4:]))


@dataclass(frozen=True, slots=True)
class BuiltWithoutOnemkl:
    """A framework's own check of an op it implements only with oneMKL, in a build without it (torch-xpu-ops PR #2786:
    ``Complex datatype matmul is not supported in oneDNN. Please include oneMKL library in compilation.``)."""

    line: str


@dataclass(frozen=True, slots=True)
class CudaHeaderError:
    """A compile error inside CUDA's own headers (``/usr/include/cuda_bf16.hpp:373:9: error: use of undeclared identifier
    '__float_as_uint'``): the compiler does not compile CUDA's code (oneMath#335: oneAPI's clang++ on the cuBLAS backend)."""

    line: str


@dataclass(frozen=True, slots=True)
class DpctUnsupported:
    """SYCLomatic's (dpct's) helper refusing a call on a target built for the oneMKL Interfaces: ``The oneAPI Math Kernel
    Library (oneMKL) Interfaces Project does not support this API`` (llama.cpp PR #6464)."""

    line: str


@dataclass(frozen=True, slots=True)
class LapackComputation:
    """oneMKL's SYCL LAPACK refusing the data: ``oneapi::mkl::lapack::computation_error: getrf: computation error: info = 3``
    (``batch_error`` for the batched calls)."""

    kind: str
    function: str
    info: str
    line: str


SIGNATURES = (
    Signature("onemkl-lapack-computation-error", "onemath", "::mkl::",
              re.compile(r"oneapi::mkl::lapack::(?P<kind>computation_error|batch_error)\b(?:\W{1,4}(?P<fn>\w{2,40}):)?"
                         r"(?:[^\n]{0,200}?\binfo\W{1,3}(?P<info>-?\d+))?"),
              lambda m, _: LapackComputation(m["kind"], m["fn"] or "", m["info"] or "", m.string.strip()[:300])),
    Signature("dpct-onemkl-interfaces-unsupported", "onemath", "does not support this API",
              re.compile(r"\(oneMKL\) Interfaces Project does not support this API"), lambda m, _: DpctUnsupported(m.string.strip()[:300])),
    Signature("cuda-header-compile-error", "onemath", "rror",
              re.compile(r"^\S*/(?:cuda_(?:bf16|fp16|fp8|runtime\w*)|cuda|cublas\w*|cusolver\w*|curand\w*|cufft\w*|crt/\w+)\.h"
                         r"(?:pp)?:\d+:\d+: error: "), lambda m, _: CudaHeaderError(m.string.strip()[:300])),
    Signature("built-without-onemkl", "onemath", "oneMKL library in compilation",
              re.compile(r"\bPlease include oneMKL library in compilation\b"), lambda m, _: BuiltWithoutOnemkl(m.string.strip()[:300])),
    Signature("onemkl-unimplemented", "onemath", "not implemented",
              # the exception's what(): "oneMKL: <domain>/<function>: function is not implemented <info>" (oneMath's: "oneMath: ")
              re.compile(r"\bone(?:MKL|Math): (?P<fn>[\w:]{1,80}(?:/[\w:]{1,80})?): function is not implemented"),
              lambda m, _: NotImplementedHere(m["fn"], m.string.strip()[:300])),
    Signature("cxx-terminate", "onemath", "after throwing",
              re.compile(r"terminate called after throwing an instance of '(?P<exc>[^']{1,200})'"), _terminate),
    Signature("sycl-level-zero-error", "onemath", "Level-Zero error",
              re.compile(r"(?:what\(\):\s*)?(?P<err>Level-Zero error:?\s*-?\w+)"),
              lambda m, _: DeviceRuntimeError(m.group("err"), m.string.strip()[:300])),
    Signature("sycl-kernel-onemkl", "onemath", "::mkl::",
              re.compile(r"^\s*in kernel: (?P<k>oneapi::mkl::[\w:]+)"), lambda m, _: MklKernelNamed(m.group("k"))),
    Signature("onemkl-sycl-allocation", "onemath", "::mkl::",
              re.compile(r"(?:oneapi::mkl::)+(?P<fn>[\w:]{1,120}): cannot allocate memory on (?P<where>host|device)"),
              lambda m, _: AllocationFailed(m["fn"], m["where"], m.string.strip()[:300])),
    Signature("ggml-sycl-onemkl-call", "onemath", "::mkl::",
              # the line may be cut (an issue's title: ipex-llm#10845): oneMKL's namespace in the call is enough
              re.compile(r"SYCL error: CHECK_TRY_ERROR\((?:dpct::|oneapi::(?:mkl|math)::(?:blas::)?(?:column_major::|row_major::)?)?"
                         r"(?P<fn>\w{1,60})\(.{0,2000}?oneapi::mkl::"),
              lambda m, _: SyclCallFailed(m["fn"], m.string.strip()[:300])),
    *(Signature(f"oneapi-runtime-wheel-listed-{i}", "onemath", needle,
                re.compile(r"^\s*(?P<n>onemkl-sycl-\w+|mkl-dpcpp|dpcpp-cpp-rt|intel-sycl-rt|onednn)\s+(?P<v>\d[\w.]{0,30})(?:\s+\S+){0,2}\s*$"),
                lambda m, _: OneapiWheelListed(m["n"], m["v"])) for i, needle in enumerate(("onemkl-sycl-", "dpcpp", "onednn "))),
    Signature("hip-config-builtins-not-found", "onemath", "builtins lib not found",
              re.compile(r"^\s*clangrt builtins lib not found\s*$"), lambda m, _: HipBuiltinsMissing(m.string.strip(), "")),
    # ninja's words, or make's ("No rule to make target '.../libclang_rt.builtins.a', needed by '...'")
    Signature("ninja-clang-rt-builtins-missing", "onemath", "libclang_rt.builtins",
              re.compile(r"(?:ninja: error: |No rule to make target )[`']?(?P<p>[^']{0,400}libclang_rt\.builtins[^']{0,80})', "
                         r"needed by [`']?(?P<by>[^']{1,400})'"),
              lambda m, _: HipBuiltinsMissing(m.string.strip()[:400], m["by"])),
    Signature("onednn-engine", "onemath", "ould not create an engine",
              re.compile(r"\bcould not create an engine\b"), lambda m, _: EngineFailed(m.string.strip()[:300])),
    Signature("onemath-device-not-supported", "onemath", "is not supported",
              # a device's name (its vendor's, capitalised), not a feature's ("sycl::half", "this operation")
              re.compile(r"\bone(?:MKL|Math): (?P<dev>[A-Z][^:]*?) is not supported\b"),
              lambda m, _: DeviceRefused(m.group("dev").strip()[:120], m.string.strip()[:300])),
)


def device_error(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(DeviceRuntimeError)
    if not said:
        return []
    kernels = events.of(MklKernelNamed)
    mkl = kernels[0].kernel if kernels else ""
    evidence = [said[0].line] + ([f"in oneMKL's own GPU kernel {mkl}: oneMKL builds its kernels for the device's "
                                  "architecture, which it reads through the GPU runtime it finds"] if mkl else [])
    return [Finding(
        "sycl-device-runtime-error", "error",
        f"the GPU's runtime (Level Zero) failed {'in oneMKL kernel ' + mkl.rsplit('::', 1)[-1] if mkl else 'a SYCL kernel'}: "
        "the device runtime or its loader, not MKL's link", tuple(evidence), (
            "see which runtime serves the device: sycl-ls, and SYCL_UR_TRACE=1 (older: SYCL_PI_TRACE=1) <the program>; a "
            "package's own bundled OpenCL ICD loader or Level Zero loader found first can lack the device (oneAPI.jl's "
            "conda copy did for Data Center GPU Max): put the system's loader first (LD_PRELOAD=<its libOpenCL.so.1>), or "
            "update the package that bundles it",
            "update oneMKL (2024.2 and newer opens libOpenCL by its soname) and the GPU driver (intel-level-zero-gpu, "
            "intel-opencl-icd) to releases that know the device",
            "or run the call on the CPU (ONEAPI_DEVICE_SELECTOR=opencl:cpu) to see whether the GPU path alone fails",
        ),
        "A SYCL program reaches the GPU through Level Zero or OpenCL loaders and the driver; oneMKL's kernels are built at "
        "run time for the device that runtime reports, and an exception from it ends the program.",
        ("sycl-ls   # the devices and the runtime that serves each",),
    )]


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return [Finding(
        "built-without-onemkl", "error",
        "the framework was built without oneMKL, and this operation has no other implementation on the device",
        (event.line, "Intel's PyTorch XPU backend (torch-xpu-ops) runs some operations (complex matmul, bmm, addmm; FFT; "
                     "linear algebra) through oneMKL's SYCL API only; a build with USE_ONEMKL_XPU=0, or without oneMKL's SYCL "
                     "libraries at build time, leaves them out and says so when they are called"),
        ("build with oneMKL: USE_ONEMKL_XPU=1 and oneAPI's MKL with its SYCL libraries present at build time (source "
         "setvars.sh first), or install a PyTorch XPU wheel built with it",
         "or a torch-xpu-ops with a fallback for the operation (PR #2786: complex matmul without oneMKL, slower, with a "
         "warning)"),
        "A framework that builds oneMKL support optionally checks at each such operation whether it was built in.",
        ("python -c \"import torch; print(torch.__config__.show())\"   # the build's options",),
    ) for event in events.of(BuiltWithoutOnemkl)[:1]] + [Finding(
        "onemath-device-not-supported", "error",
        f"the oneMKL interfaces (oneMath) refused the device {event.device}: its run-time dispatch knows only some vendors",
        (event.line,
         "oneMath's run-time dispatch picks a backend library by the device's vendor (Intel CPU and GPU, NVIDIA, AMD) and "
         "refuses any other device before a backend runs, even one a generic backend (portBLAS, portFFT) supports"),
        ("take a oneMath release whose dispatch has a generic device type (its PR #566: the portBLAS backend for other "
         "SYCL devices), built with that backend enabled (-DENABLE_PORTBLAS_BACKEND=ON)",
         "or dispatch at compile time: call the API with the backend's own selector (oneapi::mkl::backend_selector<"
         "oneapi::mkl::backend::portblas>{queue}), which skips the vendor check",
         "or run on a device of a vendor it knows (ONEAPI_DEVICE_SELECTOR=opencl:cpu for the CPU)"),
        "oneMath (formerly the oneMKL interfaces) dispatches each call to a backend library chosen by the device; the "
        "choice is a table of vendors, and a device outside it has no backend at run time.",
        ("sycl-ls   # the devices and their vendors as SYCL sees them",),
    ) for event in events.of(DeviceRefused)[:1]]


def not_implemented(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(NotImplementedHere)
    if not said:
        return []
    named = next((e for e in said if e.function), said[0])
    what = named.function or "the function called"
    return [Finding(
        "onemkl-not-implemented-for-device", "error",
        f"oneMKL's SYCL API has no implementation of {what} for the device the queue runs on (oneapi::mkl::unimplemented)",
        tuple(dict.fromkeys(e.line for e in said))[:3] + (
            "oneMKL's (and oneMath's) SYCL functions are implemented per device and backend: a function, or a precision, "
            "that the device's backend lacks throws oneapi::mkl::unimplemented, and uncaught it ends the program",),
        ("run the call on a device whose backend implements it (oneMKL's documentation lists each domain's functions per "
         "device; ONEAPI_DEVICE_SELECTOR=level_zero:gpu or opencl:cpu chooses the queue's device)",
         "on the CPU, MKL's C API does the same on the host: cblas_*, LAPACKE_*, DftiComputeForward",
         "oneMath: build it with a backend that implements the function for that device (its ENABLE_<NAME>_BACKEND options)"),
        "oneMKL's SYCL interfaces reach each device through a backend; where the backend has no kernel for a function, the "
        "call throws instead of computing.",
        ("sycl-ls   # the devices the program can choose from",),
    )]


def allocation(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(AllocationFailed)
    engines = events.of(EngineFailed)
    calls = events.of(SyclCallFailed)
    if calls and not said:
        return [_call_failed(calls[0], events.of(OneapiWheelListed))]
    builtins = events.of(HipBuiltinsMissing)
    if builtins and not said:
        return [_hip_builtins(builtins[0], ctx)]
    if not said:  # oneDNN's engine alone: a device it could not open, which no other line explains
        return [unrecognised(Unrecognised(engines[0].line), ctx)] if engines else []
    first = said[0]
    return [Finding(
        "onemkl-sycl-allocation-failed", "error",
        f"oneMKL's SYCL {first.function} could not allocate memory on the {first.where}: the SYCL runtime under it, not "
        "MKL's link",
        (first.line, *(e.line for e in engines[:1]),
         "oneMKL's SYCL functions take their memory from the SYCL runtime (the DPC++ runtime, libsycl, and the device's "
         "driver); an allocation it refuses is that runtime's failure: most often pieces of two oneAPI installs in one "
         "process, else memory that is really short"),
        ("one oneAPI in the process: oneMKL's SYCL libraries, the DPC++ runtime and oneDNN from one install. pip's runtime "
         "wheels (dpcpp-cpp-rt, mkl-dpcpp, onednn, intel-sycl-rt) beside a system oneAPI (setvars.sh) mix two: IPEX-LLM's "
         "notes give this error as the sign of oneAPI installed with pip, and install it with apt; or pip uninstall the "
         "runtime wheels, so that the system's load",
         "see the devices and the runtime that serves them: sycl-ls; SYCL_UR_TRACE=1 <the program> (older: SYCL_PI_TRACE=1)",
         "the memory itself: the host's that the runtime pins (ulimit -l, a container's memory limit), or the device's "
         "(a model larger than the GPU's memory)"),
        "oneMKL's SYCL interfaces run on a SYCL queue and allocate through its runtime; that runtime, its device driver and "
        "oneMKL must come from releases made to work together.",
        ("sycl-ls   # the devices and the runtime that serves each",
         "python3 -m pip list 2>/dev/null | grep -iE 'dpcpp|sycl|onednn|mkl'   # oneAPI's pieces installed by pip"),
    )]


def _call_failed(first: SyclCallFailed, wheels: list[OneapiWheelListed]) -> Finding:
    listed = list(dict.fromkeys(f"{w.name} {w.version}" for w in wheels))
    return Finding(
        "onemkl-sycl-call-failed", "error",
        f"oneMKL's SYCL {first.function} threw inside llama.cpp's SYCL backend: the oneAPI runtime it runs on, most "
        "often two oneAPI installs in one process",
        (first.line, "ggml-sycl's CHECK_TRY_ERROR says only that the call threw; IPEX-LLM's llama.cpp and ollama "
                     "troubleshooting (intel/ipex-llm#11425) gives oneMKL's errors in gemm and gemm_batch as the sign of "
                     "oneAPI's runtime installed with pip in the environment beside the oneAPI the binary was built with",
         *((f"the log lists oneAPI's runtime wheels in the environment: {', '.join(listed[:6])}"
            + (f" and {len(listed) - 6} more" if len(listed) > 6 else ""),) if listed else ())),
        ("run with one oneAPI: leave the environment that has pip's oneAPI wheels (conda deactivate, or pip uninstall "
         "onemkl-sycl-blas mkl-dpcpp dpcpp-cpp-rt onednn intel-sycl-rt in it), then source the system's oneAPI "
         "(source /opt/intel/oneapi/setvars.sh) and start the program again",
         "see the devices and the runtime that serves them: sycl-ls; SYCL_UR_TRACE=1 <the program> (older: SYCL_PI_TRACE=1)"),
        "oneMKL's SYCL interfaces run on a SYCL queue; the DPC++ runtime, the device's driver and oneMKL must come from "
        "releases made to work together.",
        ("python3 -m pip list 2>/dev/null | grep -iE 'dpcpp|sycl|onednn|mkl'   # oneAPI's pieces installed by pip",),
    )


def _hip_builtins(first: HipBuiltinsMissing, ctx: Context) -> Finding:
    onemath = first.target.startswith("lib/libonemkl_") or any(re.search(r"(?i)onemkl|onemath|/backends/roc|/cmake/roc(?:blas|solver|sparse|fft)/", p) for p in ctx.places)
    return Finding(
        "hip-builtins-from-sycl-compiler", "error",
        "HIP's CMake package asked the SYCL compiler for LLVM's compiler-rt builtins, which it does not ship"
        + (": oneMath's AMD backends (rocBLAS, rocSOLVER, rocSPARSE, rocFFT) built with DPC++ or icpx" if onemath else ""),
        (first.line, *((f"needed by {first.target}",) if first.target else ()),
         "ROCm's hip-config.cmake runs ${HIP_CXX_COMPILER} -print-libgcc-file-name --rtlib=compiler-rt, and "
         "HIP_CXX_COMPILER defaults to the project's C++ compiler: intel/llvm (DPC++) builds no compiler-rt by default, "
         "and icpx's answer names a libclang_rt.builtins.a that is not there (oneMath#336; fixed by oneMath#532, which finds "
         "the builtins of ROCm's own clang through HIPROOT or ROCM_PATH)"),
        ("update oneMath (the oneMKL interfaces) to a release with oneMath#532, and configure again from a clean "
         "build folder" if onemath else "point HIP's CMake package at ROCm's own clang, whose compiler-rt it means",
         "or give HIP's CMake package ROCm's own compiler: -DHIP_CXX_COMPILER=<ROCm>/llvm/bin/clang++",
         "or build intel/llvm with compiler-rt among its LLVM projects"),
        "HIP's CMake package links the clang runtime's builtins of the compiler it is told is HIP's; a SYCL compiler given "
        "in its place has none.",
        ("<the C++ compiler> -print-libgcc-file-name --rtlib=compiler-rt; ls -l <the path it prints>   # missing: this cause",),
    )


def cuda_backend(events: Parsed, ctx: Context) -> list[Finding]:
    """oneMath's CUDA backends compiled by oneAPI's own DPC++, which does not build CUDA's code (oneMath#335)."""
    said = events.of(CudaHeaderError)
    backend = next((m for p in ctx.places if (m := re.search(r"/backends/(cu\w+)/", p))), None)
    compiler = next((p for p in ctx.places if re.search(r"/oneapi/compiler/", p)), None)
    if not (said and backend and compiler):
        return []
    return [Finding(
        "onemath-cuda-backend-compiler", "error",
        f"oneMath's (the oneMKL interfaces') {backend[1]} backend built with oneAPI's DPC++ compiler, which does not build "
        "CUDA's code", (said[0].line,
                        f"the source is oneMath's CUDA backend ({backend[1]}) and the compiler is oneAPI's ({compiler}): "
                        "oneAPI's own DPC++ does not support the CUDA backend (oneMath#335's maintainer), so CUDA's headers "
                        "do not compile under it"),
        ("build the CUDA backends (ENABLE_CUBLAS_BACKEND, ENABLE_CUSOLVER_BACKEND, ENABLE_CURAND_BACKEND, "
         "ENABLE_CUFFT_BACKEND) with the open-source DPC++ compiler (intel/llvm) built with CUDA support, as oneMath's "
         "build documentation says: -DCMAKE_CXX_COMPILER=<that DPC++>/bin/clang++, from an empty build folder",
         "or turn the CUDA backends off and build the Intel ones with oneAPI's compiler (-DENABLE_MKLCPU_BACKEND=ON "
         "-DENABLE_MKLGPU_BACKEND=ON)"),
        "oneMath's CUDA backends call cuBLAS, cuSOLVER and cuRAND from SYCL code; only a DPC++ built for the CUDA target "
        "compiles CUDA's headers and runs that code on NVIDIA GPUs.",
        ("<the compiler> --version; sycl-ls   # the compiler's build, and whether a CUDA device is seen",),
    )]


def dpct_unsupported(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(DpctUnsupported)
    return [Finding(
        "dpct-onemkl-interfaces-unsupported", "error",
        "code migrated from CUDA (dpct's helper) refused a BLAS call on a target built for the oneMKL Interfaces (oneMath)",
        (said[0].line,
         "SYCLomatic's helper headers (dpct) call Intel's oneMKL where the code is built with __INTEL_MKL__ (an Intel "
         "device) and the oneMKL Interfaces (oneMath: cuBLAS, rocBLAS backends) otherwise; for the latter they support fewer "
         "types and functions, and say so with this message, sometimes for a type the backend has (llama.cpp's half "
         "precision gemm, its guard in the wrong function: PR #6464)"),
        ("update the project: its copy of the dpct helper may guard a type the backend supports (llama.cpp fixed its gemm in "
         "PR #6464)",
         "or leave out the precision that takes that path (llama.cpp: build without GGML_SYCL_F16), or build for an Intel "
         "device with Intel's oneMKL"),
        "dpct's helpers map CUDA's cuBLAS calls to oneMKL's SYCL API; a call they do not map for the target throws instead "
        "of computing.",
        ("grep -rn 'does not support this API' <the project's dpct helper headers>   # the guard, and the types it lets through",),
    )] if said else []


# what LAPACK's positive info says of the data, by the routine's family
_INFO = {"getrf": "U({n},{n}) is exactly zero: the matrix is singular", "potrf": "the leading minor of order {n} is not "
         "positive definite", "getri": "U({n},{n}) is exactly zero: the matrix is singular, no inverse",
         "syevd": "the eigenvalue algorithm did not converge ({n} off-diagonal elements)"}


def lapack_computation(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(LapackComputation)
    if not said:
        return []
    first = next((e for e in said if e.function), said[0])
    base = re.sub(r"^[sdcz](?=\w{4})", "", first.function)
    meaning = _INFO.get(base, "the routine could not complete on this data").format(n=first.info or "N")
    return [Finding(
        "onemkl-lapack-computation-error", "error",
        f"oneMKL's SYCL LAPACK refused the data{' in ' + first.function if first.function else ''}"
        + (f" (info = {first.info})" if first.info else "") + ": the matrix, not MKL's setup",
        (first.line, f"oneMKL's SYCL API throws LAPACK's positive info as oneapi::mkl::lapack::{first.kind}: {meaning}",
         "oneMKL 2025.2's batch_error carried an empty exceptions() vector (torch-xpu-ops PR #1940; fixed in 2025.3): a "
         "caller that reads it there names the wrong batch element, or crashes" if first.kind == "batch_error" else
         "a batched call throws oneapi::mkl::lapack::batch_error, whose exceptions() say which matrix"),
        ("check the input: a singular matrix, one not positive definite, or NaN and Inf from an earlier step",
         f"catch oneapi::mkl::lapack::{first.kind} and read info() (and detail(); for a batch, exceptions() and "
         "ids()) to see which matrix and which step",
         "on oneMKL 2025.2 with batched calls: update to 2025.3 or newer, where batch_error's exceptions() are filled"),
        "LAPACK's routines report what they met in the data through info; oneMKL's SYCL interfaces raise it as an "
        "exception, which uncaught ends the program.",
        ("MKL_VERBOSE=1 <the program>   # the call and its sizes before the exception",),
    )]
