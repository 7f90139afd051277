"""oneDNN (MKL-DNN, the deep-learning library beside MKL: PyTorch's mkldnn, Paddle's and vLLM's CPU paths) that could not
create a primitive: ``could not create a primitive descriptor for a reorder primitive``, vLLM's ``Failed to create oneDNN
linear, fallback to torch linear``, ``mkldnn_matmul failed``.

oneDNN has no implementation for the operation as asked: most often a data type the processor has no instructions for
(bfloat16 on an x86 processor without AVX512_BF16 or AMX, or an Apple M1, which has no BF16: minInfra's vLLM notes), and
the framework falls back to its own, much slower code or stops. Beside a crash it may be memory another thread changed: a
predictor used from several threads at once (a RAG agent's PaddleOCR notes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class OnednnPrimitive:
    line: str
    fallback: bool  # the framework said it goes on without it


@dataclass(frozen=True, slots=True)
class CpuinfoFailed:
    """PyTorch's cpuinfo: ``Error in cpuinfo: failed to parse the list of possible processors in /sys/devices/system/cpu/
    possible``: /sys unreadable (a sandbox, a container that masks it), so oneDNN's JIT cannot read the processor
    (``bad err=11 in Xbyak::Error``; pytorch PR #116666 falls back to BLAS)."""

    line: str


@dataclass(frozen=True, slots=True)
class BuiltWithoutOnednn:
    """``This binary was not compiled with DNNL support.`` (onnxruntime's, onnxruntime#3071: its Java bindings compiled
    without the provider flags)."""

    line: str


@dataclass(frozen=True, slots=True)
class PackageDllMissing:
    """MSBuild's ``Could not copy the file "...\\runtimes\\win10-x64\\native\\mkldnn.dll" because it was not found.``: a
    NuGet package's targets copying an MKL-DNN or MKL DLL from a folder the package does not have (onnxruntime#434)."""

    dll: str
    line: str


@dataclass(frozen=True, slots=True)
class DnnlConfigStale:
    """oneDNN's own ``#error "BOTH DNNL_CPU_RUNTIME and DNNL_GPU_RUNTIME must be defined"`` from its dnnl_config.h: the
    header its CMake generates does not match the sources (pytorch#37217: ideep's oneDNN submodule out of sync with the
    checked-out branch; git submodule sync and update fixed it)."""

    line: str


@dataclass(frozen=True, slots=True)
class MemoryDescRefused:
    """MKL-DNN's C++ API's ``could not initialize a memory descriptor`` (onnxruntime's MKL-DNN execution provider, its
    ``Status: 3``): the library refused a memory descriptor that the program's code, compiled against one MKL-DNN's
    headers, asked for; onnxruntime#1300's was a separately installed libmkldnn loaded in place of the one built with it."""

    line: str


@dataclass(frozen=True, slots=True)
class OnednnSaid:
    """TensorFlow's MKL kernels (``could not create a concat primitive descriptor, in file
    tensorflow/core/kernels/mkl_concat_op.cc:811``: TF 1.x built with MKL-DNN, recommenders#1084) and a compiler's
    ``no matching function for call to 'mkldnn::sum::primitive_desc::...'`` (code written for another MKL-DNN than the
    headers it compiled with: a build tree's older third_party copy, Paddle#5510)."""

    kind: str  # "tensorflow", "headers"
    what: str  # the kernel's file, the name the compiler could not match
    line: str


SIGNATURES = (
    Signature("tensorflow-mkl-kernel", "onednn", "ould not create a",
              re.compile(r"[Cc]ould not create an? [\w ]{1,40}primitive(?: descriptor)?,? in file "
                         r"(?P<file>tensorflow/\S*/mkl_\w+\.cc)"),
              lambda m, _: OnednnSaid("tensorflow", m["file"], m.string.strip()[:300])),
    Signature("mkldnn-api-not-matched", "onednn", "rror",
              re.compile(r"error: (?:no matching function for call to|no member named|'\w+' is not a member of) "
                         r"['‘](?P<name>(?:mkldnn|dnnl)::[^'’]{1,200})"),
              lambda m, _: OnednnSaid("headers", m["name"], m.string.strip()[:300])),
    Signature("mkldnn-memory-descriptor-refused", "onednn", "ould not initialize a memory descriptor",
              re.compile(r"\b[Cc]ould not initialize a memory descriptor\b"),
              lambda m, _: MemoryDescRefused(m.string.strip()[:300])),
    Signature("dnnl-config-runtime-undefined", "onednn", "must be defined",
              re.compile(r"#error \"BOTH DNNL_CPU_RUNTIME and DNNL_GPU_RUNTIME must be defined\""),
              lambda m, _: DnnlConfigStale(m.string.strip()[:300])),
    Signature("built-without-dnnl", "onednn", "not compiled with",
              re.compile(r"(?i)\bnot compiled with (?:DNNL|oneDNN|MKL-?DNN) support"),
              lambda m, _: BuiltWithoutOnednn(m.string.strip()[:300])),
    Signature("msbuild-copy-mkl-dll-missing", "onednn", "Could not copy the file",
              re.compile(r"Could not copy the file [\"“']?(?P<path>[^\"”']*?"
                         r"(?P<dll>(?:mkldnn|dnnl|mklml|mkl_\w+|libiomp5md)\.dll))[\"”']? because it was not found"),
              lambda m, _: PackageDllMissing(m["dll"], m.string.strip()[:300])),
    Signature("cpuinfo-sys-unreadable", "onednn", "Error in cpuinfo",
              re.compile(r"Error in cpuinfo: failed to (?:parse|read|open)\b"),
              lambda m, _: CpuinfoFailed(m.string.strip()[:300])),
    Signature("onednn-primitive", "onednn", "ould not create a primitive",
              re.compile(r"[Cc]ould not create a primitive(?: descriptor)?\b"), lambda m, _: OnednnPrimitive(m.string.strip()[:300], False)),
    Signature("onednn-create-failed", "onednn", "ailed to create oneDNN",
              re.compile(r"[Ff]ailed to create oneDNN \w+"), lambda m, _: OnednnPrimitive(m.string.strip()[:300], "fallback" in m.string)),
    Signature("mkldnn-op-failed", "onednn", "ailed",
              re.compile(r"\bmkldnn_\w+ failed\b"), lambda m, _: OnednnPrimitive(m.string.strip()[:300], True)),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(OnednnPrimitive)
    spoke = [_tensorflow(e) if e.kind == "tensorflow" else _headers(e) for e in events.of(OnednnSaid)[:1]]
    if spoke:
        return spoke
    if not said:
        return ([_without(e) for e in events.of(BuiltWithoutOnednn)[:1]] + [_copy(e) for e in events.of(PackageDllMissing)[:1]]
                + [_stale(e, events) for e in events.of(DnnlConfigStale)[:1]]
                + [_desc(e) for e in events.of(MemoryDescRefused)[:1]])
    from mkldoctor.explain.crash import Crash

    crashed = bool(events.of(Crash))
    fallback = all(e.fallback for e in said)
    evidence = [*(e.line for e in said[:3]),
                "oneDNN (MKL-DNN) found no implementation of the operation as it was asked for: a data type the processor has "
                "no instructions for (bfloat16 without AVX512_BF16 or AMX on x86, or on an Apple M1, which has no BF16), or a "
                "shape or memory layout it does not take"]
    if fallback:
        evidence.append("the framework went on with its own code for it: the run continues, far slower (a warm-up that takes "
                        "minutes, all cores busy)")
    if crashed:
        evidence.append("a crash follows: a primitive refused beside a segmentation fault may be memory that another thread "
                        "changed, a predictor or model used from several threads at once (Paddle's predictors are not "
                        "thread-safe)")
    fix = ["use a data type the processor has instructions for: float32 (or float16 where the framework takes it): vLLM's "
           "CPU backend --dtype float16 or float32 on a processor without BF16, PyTorch's model.float()",
           "see what the processor has: lscpu | grep -o -w 'avx512_bf16\\|amx_bf16' (Linux), sysctl hw.optional.arm.FEAT_BF16 "
           "(macOS on Apple silicon: 0 on an M1)"]
    bf16 = any(re.search(r"(?i)bf16|bfloat16", e.line) for e in said)
    if not bf16:  # a float32 operation that failed: the framework's oneDNN or its call, for this processor
        fix.insert(len(fix) if fallback else 0,
                   "a fault of the framework's oneDNN, or of its call, for this operation on this processor: upgrade the "
                   "framework (PyTorch's oneDNN 2.7.2 fixed conv3d on AVX2 processors, pytorch#89104; its PR #114851 fixed "
                   "a Linear layer with one output on AArch64, pytorch#110149); until then leave oneDNN out of it: "
                   "torch.backends.mkldnn.enabled = False")
    if not fallback:  # ipex-llm#11305: Intel's integrated GPU beside an Arc card
        fix.append("on Intel GPUs (IPEX's XPU device): an integrated GPU beside the discrete one can be taken for it: let the "
                   "runtime see one device (ONEAPI_DEVICE_SELECTOR=level_zero:0, or the iGPU disabled: ipex-llm's FAQ)")
    cpuinfo = events.of(CpuinfoFailed)
    if cpuinfo:
        evidence.insert(len(said[:3]), f"{cpuinfo[0].line}: the processor's description (/sys/devices/system/cpu) could not "
                                       "be read, so oneDNN's code generator cannot tell the processor's instructions")
        fix.insert(0, "let the process read /sys/devices/system/cpu (a sandbox or container that hides /sys: mount it, or run "
                      "without that restriction); a PyTorch with PR #116666 falls back to BLAS there")
    if crashed:
        fix.insert(0, "one call at a time per predictor: a lock around the inference calls, or one predictor per thread "
                      "or process, where several threads share one")
    return [Finding(
        "onednn-primitive-failed", "warning" if fallback and not crashed else "error",
        "oneDNN could not create a primitive for the operation" + (": the framework fell back to slower code" if fallback else ""),
        tuple(evidence), tuple(fix),
        "oneDNN picks an implementation for each operation by its data type, shapes and the processor's instructions; where "
        "none fits it refuses, and the framework either falls back or fails.",
        ("ONEDNN_VERBOSE=1 <the program> 2>&1 | head -40   # each primitive oneDNN created, and the ones it could not",),
        locations=ctx.located(said, "oneDNN"),
    )]


def _without(said: BuiltWithoutOnednn) -> Finding:
    return Finding(
        "built-without-onednn", "error",
        "the library was built without oneDNN (DNNL), and the program asked for its oneDNN path",
        (said.line, "oneDNN's execution path is compiled in or not; this build left it out, or left it out of the part the "
         "program calls (onnxruntime's Java bindings were compiled without the providers' flags even in a --use_dnnl build: "
         "onnxruntime#3071)"),
        ("install a build that has it (onnxruntime: its DNNL packages), or build it so: --use_dnnl, with --build_java for "
         "the Java bindings in a release with onnxruntime PR #3082, which passes the providers' flags to the JNI library",
         "or run without that provider: the default CPU one, which uses no oneDNN"),
        "A library built without an optional backend says so when the program asks for it.",
    )


def _copy(said: PackageDllMissing) -> Finding:
    return Finding(
        "package-dll-missing", "error",
        f"the package's build step copies {said.dll} from a folder the package does not have",
        (said.line, "MSBuild copies a NuGet package's native DLLs from the runtimes\\<rid>\\native folder its targets "
         "name; a package whose targets name another folder than the one it ships (Microsoft.ML.OnnxRuntime 0.2.1: "
         "win10-x64 where the package has win-x64, onnxruntime#434, fixed by its PR #435) fails so"),
        ("take a release of the package with the fix (a later Microsoft.ML.OnnxRuntime)",
         "or, until then, copy the DLL from the folder the package has into the one its targets name"),
        "A package's own layout, not the machine's: the file is missing from the folder the package's targets copy from.",
        ("dir /s <the package's folder>\\runtimes   # the folders it ships",),
    )


def _stale(said: DnnlConfigStale, events: Parsed) -> Finding:
    from mkldoctor.explain.catalogue import Unrecognised

    after = [e.line.strip()[:300] for e in events.of(Unrecognised) if re.search(r"mkl-dnn|onednn|[\\/]dnnl", e.line)][:4]
    return Finding(
        "onednn-sources-out-of-sync", "error",
        "oneDNN's sources and the configuration header its build made do not match: a oneDNN checkout of another version "
        "than the project's build expects",
        (said.line, "dnnl_config.h is made by oneDNN's CMake from its own version of the sources; the errors that follow it "
         "(names not declared, DNNL_THR_SYNC) are the sources of one oneDNN read with another's header: a submodule (PyTorch's "
         "third_party/ideep/mkl-dnn) left at another commit than the project's checkout names (pytorch#37217)", *after),
        ("bring the submodules to the commits the checkout names, then build again from a clean build folder: git submodule "
         "sync && git submodule update --init --recursive (pytorch#37217's fix); python setup.py clean, or a new build folder",),
        "A project that vendors oneDNN as a git submodule builds it from the commit its own checkout records; switching "
        "branches without updating the submodules leaves the old sources.",
        ("git submodule status --recursive | grep -E '^[+-]'   # not at the recorded commit (+), or not checked out (-)",),
    )


def _desc(said: MemoryDescRefused) -> Finding:
    return Finding(
        "mkldnn-memory-descriptor-refused", "error",
        "MKL-DNN refused a memory descriptor the program asked for: most often another build of libmkldnn was loaded than "
        "the one the program was built with",
        (said.line, "a program compiled against one MKL-DNN's headers (mkldnn.hpp) hands the library structures of that "
         "version; a libmkldnn of another version found first by the loader (a separately installed mkldnn in /usr/local/lib "
         "or on LD_LIBRARY_PATH) refuses them (onnxruntime#1300: its MKL-DNN execution provider on a machine with a second "
         "mkldnn)"),
        ("see which libmkldnn the process loads: LD_DEBUG=libs <the program> 2>&1 | grep -E 'mkldnn|dnnl' (or ldd on the "
         "framework's library, such as libonnxruntime.so); the one built with it is in the framework's own folder",
         "take the other build's folder off LD_LIBRARY_PATH, or remove the separately installed mkldnn, so the framework's "
         "own copy is loaded",
         "with its own copy loaded: a shape or data type that this MKL-DNN version does not take; run the model on the "
         "default CPU provider to see whether it is MKL-DNN's"),
        "MKL-DNN's C++ API checks each call's status; a descriptor refused for a valid tensor is a mismatch between the "
        "headers the program was built with and the library loaded.",
        ("LD_DEBUG=libs <the program> 2>&1 | grep -E 'calling init: .*(mkldnn|dnnl)'   # the copy loaded",),
    )


def _tensorflow(said: OnednnSaid) -> Finding:
    return Finding(
        "tensorflow-mkl-kernel-failed", "error",
        f"TensorFlow's MKL kernel ({said.what.rsplit('/', 1)[-1]}) could not build its oneDNN primitive: a fault of that "
        "TensorFlow build's MKL path",
        (said.line, "the kernel is one of TensorFlow's MKL (MKL-DNN, oneDNN) kernels, in the builds of TensorFlow 1.x made with "
                    "MKL (conda's defaults channel, intel-tensorflow): its concat and other kernels refused shapes the plain "
                    "kernels take in several releases (tensorflow#17494, #23556; recommenders#1084 on TF 1.12)"),
        ("another TensorFlow release: recommenders moved from 1.12 to 1.15.2 (its PR #1129); or TensorFlow without MKL for "
         "this model: conda's eigen build (conda install 'tensorflow=*=eigen*') or pip's tensorflow",
         "TensorFlow 2.5 and later with oneDNN: TF_ENABLE_ONEDNN_OPTS=0 turns its oneDNN kernels off"),
        "TensorFlow's MKL builds replace some of its kernels with oneDNN's; a primitive oneDNN cannot build for the shapes "
        "asked stops the step.",
        ("python3 -c 'import tensorflow as tf; print(tf.__version__, tf.sysconfig.get_build_info())'   # the release, MKL's in it",),
    )


def _headers(said: OnednnSaid) -> Finding:
    return Finding(
        "onednn-headers-other-release", "error",
        f"the code calls {said.what[:80]} as another MKL-DNN (oneDNN) release declares it: the headers it compiled with are "
        "of another release",
        (said.line, "MKL-DNN's and oneDNN's C++ API changes between releases (primitive_desc's constructors, names moved from "
                    "mkldnn:: to dnnl::): the headers found are not those of the release the code was written for, most often "
                    "a build tree's copy of an older one left from an earlier build (Paddle#5510: build/third_party/mkldnn), "
                    "or the system's headers found before the project's own"),
        ("remove the build tree's copy and build again, so that the release the project asks for is fetched: rm -r "
         "build/third_party/mkldnn build/third_party/install/mkldnn (or the whole build folder)",
         "or see which headers the compile took: the -I folders of the failing command (make VERBOSE=1), and keep the "
         "system's mkldnn.hpp or dnnl.hpp out of them"),
        "A program written against one MKL-DNN release's C++ API compiles only with headers of a release that declares the "
        "same functions.",
        ("grep -rn 'DNNL_VERSION_MAJOR\\|MKLDNN_VERSION_MAJOR' <the include folder the compile used>   # the headers' release",),
    )
