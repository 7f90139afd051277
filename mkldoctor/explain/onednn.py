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


SIGNATURES = (
    Signature("onednn-primitive", "onednn", "ould not create a primitive",
              re.compile(r"[Cc]ould not create a primitive(?: descriptor)?\b"), lambda m, _: OnednnPrimitive(m.string.strip()[:300], False)),
    Signature("onednn-create-failed", "onednn", "ailed to create oneDNN",
              re.compile(r"[Ff]ailed to create oneDNN \w+"), lambda m, _: OnednnPrimitive(m.string.strip()[:300], "fallback" in m.string)),
    Signature("mkldnn-op-failed", "onednn", "ailed",
              re.compile(r"\bmkldnn_\w+ failed\b"), lambda m, _: OnednnPrimitive(m.string.strip()[:300], True)),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(OnednnPrimitive)
    if not said:
        return []
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
