"""MKL_VERBOSE's banner of two MKL releases in one process's output.

With ``MKL_VERBOSE=1`` each MKL prints its release once, before its first call's line: ``MKL_VERBOSE Intel(R) MKL 2019.0
Product build 20180710 for Intel(R) 64 architecture ... lp64 intel_thread``. Two banners of different releases are two
MKLs answering calls in one process (apache/mxnet#12710: conda's MKL under numpy and the MKL-ML that mxnet-mkl bundles,
both on Intel's OpenMP; the process hung when it forked). No line says an error; the banners are the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.intwidth import packed_pairs
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class MklBanner:
    """One MKL's banner: its release, build date, interface and threading layer."""

    CONTEXT_ONLY: ClassVar[bool] = True  # what ran, never the detail of an error line before it

    release: str
    build: str
    interface: str
    threading: str
    isa: str = ""  # the code path MKL reports: "Intel(R) AVX2", "Intel(R) Architecture" (no vector extension named)


_BANNER = re.compile(r"MKL_VERBOSE (?:Intel\(R\) )?(?:oneAPI )?(?:Math Kernel Library|one ?MKL|MKL) (?:Version )?"
                     r"(?P<release>\d{4}(?:\.\d+){0,2}(?: Update \d+)?) (?:Product|Pre-Release Product) build (?P<build>\d{8})"
                     r"(?:.{0,400}?\b(?P<iface>i?lp64)\b(?: (?P<thr>\w{1,20}))?)?")

@dataclass(frozen=True, slots=True)
class MklVerboseCall:
    """``MKL_VERBOSE DGEMV(N,25769803780,17179869190,0x7f...)``: a call as MKL read it, with its integer arguments that are
    two small 32-bit integers side by side (6<<32|4: a caller's 32-bit integers read by MKL's 64-bit interface)."""

    CONTEXT_ONLY: ClassVar[bool] = True

    routine: str
    packed: tuple[int, ...]
    threads: int | None = None  # NThr:N after the call (none printed: MKL's sequential layer)


def _call(m: re.Match, _) -> MklVerboseCall:
    numbers = [int(n) for n in re.findall(r"(?<![\w.])\d{10,20}(?![\w.])", m["args"])[:32]]
    threads = re.search(r"\bNThr:(\d{1,5})\b", m.string)
    return MklVerboseCall(m["routine"].upper(), tuple(n for n in packed_pairs(numbers) if n & 0xFFFFFFFF),
                          int(threads[1]) if threads else None)


def _banner(m: re.Match, _) -> MklBanner:
    isa = re.search(r"\((Intel\(R\) [\w.-]+(?: \w+)?)\) enabled processors|\b(Intel\(R\) Architecture) processors", m.string)
    return MklBanner(m["release"], m["build"], m["iface"] or "", m["thr"] or "", next(filter(None, isa.groups())) if isa else "")


SIGNATURES = (
    Signature("mkl-verbose-banner", "mklverbose", "Product build", _BANNER,
              _banner),
    Signature("mkl-verbose-call", "mklverbose", "MKL_VERBOSE ",
              re.compile(r"^\s*MKL_VERBOSE (?P<routine>[A-Za-z][A-Za-z0-9_]{1,40})\((?P<args>[^)\n]{0,4000})"), _call),
)


def _banners(events: Parsed) -> list[MklBanner]:
    """One banner per MKL release and build, whatever interface and threading layer each of its banners names."""
    return list({(b.release, b.build): b for b in events.of(MklBanner)}.values())


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    banners = _banners(events)
    if len(banners) < 2:
        return []
    said = [f"{b.release} (build {b.build}" + "".join(f", {x}" for x in (b.interface, b.threading) if x) + ")" for b in banners[:4]]
    both_openmp = sum(b.threading == "intel_thread" for b in banners) >= 2
    return [Finding(
        "mkl-two-releases-in-process", "error",
        f"two MKL releases answer calls in one process: {' and '.join(said[:2])}" + (f", and {len(said) - 2} more" if len(said) > 2 else ""),
        tuple([f"MKL_VERBOSE's banner: MKL {s}" for s in said]
              + ["each MKL prints its banner before its first call: two releases are two copies loaded by different "
                 "libraries of the process (numpy's MKL beside one that another package bundles or links statically: "
                 "MKL-ML, a static MKL inside torch or mxnet)"]
              + (["both run on Intel's OpenMP (intel_thread): two MKLs share one OpenMP runtime or bring two, and a "
                  "process that forks after their threads started can hang (apache/mxnet#12710)"] if both_openmp else [])),
        ("find which library brings each copy: LD_DEBUG=libs <the program> 2>&1 | grep -E 'libmkl|libiomp|mklml' "
         "(macOS: DYLD_PRINT_LIBRARIES=1), or python -m threadpoolctl -i numpy <the other package>",
         "keep one MKL per process: packages built against the same MKL (one conda channel, the environment's mkl), or a "
         "build of the other library without its own MKL",
         "a hang at fork (a program that starts processes, multiprocessing, after MKL ran threads): KMP_INIT_AT_FORK=false, "
         "or MKL_THREADING_LAYER=SEQUENTIAL for the MKL that reads it (libmkl_rt's: numpy's)"),
        "Two MKL releases in one process each keep their own state, thread pool and CPU dispatch; with Intel's OpenMP "
        "under both they also share (or duplicate) its runtime, which is known to hang at fork and to oversubscribe.",
        ("MKL_VERBOSE=1 <the program> 2>&1 | grep 'Product build'   # one line per MKL that answers calls",),
        locations=ctx.located(banners, "an MKL release that answers calls"),
    )]


_LAYERS = {"intel_thread": "Intel's OpenMP (libiomp5)", "gnu_thread": "GCC's OpenMP (libgomp)", "tbb_thread": "oneTBB",
           "sequential": "none: one thread per call (the sequential layer)", "pgi_thread": "PGI's OpenMP"}


def report(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """One MKL's banner and its calls, in a log where nothing else was found (a fallback): what MKL says of itself
    (release, code path, interface, threading layer and threads), the facts a question of speed or of which MKL runs starts
    from, in place of "no problem found"."""
    banners = _banners(events)
    return [_report(banners[0], events.of(MklVerboseCall), ctx)] if len(banners) == 1 and not found else []


def _report(banner: MklBanner, calls: list[MklVerboseCall], ctx: Context) -> Finding:
    threads = sorted({c.threads for c in calls if c.threads is not None})
    layer = _LAYERS.get(banner.threading, banner.threading or "not said")
    evidence = [f"MKL {banner.release} (build {banner.build}) answered {len(calls)} call(s) here"
                + (f" ({', '.join(dict.fromkeys(c.routine for c in calls[:200]))[:120]})" if calls else ""),
                f"interface: {banner.interface or 'not said'}; threading layer: {banner.threading or 'not said'}, {layer}"
                + (f"; threads per call: {', '.join(map(str, threads))}" if threads else "")]
    if banner.isa == "Intel(R) Architecture":
        evidence.append("code path: the banner names no vector extension (Intel(R) Architecture processors), as MKL reports "
                        "a processor that is not Intel's (seen on an AMD EPYC with oneMKL 2026.2), or one whose AVX a virtual "
                        "machine hides")
    elif banner.isa:
        evidence.append(f"code path: {banner.isa}, as MKL chose it for this processor (MKL_ENABLE_INSTRUCTIONS or MKL_CBWR "
                        "can lower it)")
    fix = []
    if banner.threading == "sequential":
        fix.append("MKL ran single-threaded: where threads were wanted, link a threaded layer (mkl_intel_thread with libiomp5, "
                   "or mkl_gnu_thread with libgomp), or with libmkl_rt set MKL_THREADING_LAYER=INTEL or GNU")
    elif threads == [1]:
        fix.append("every call ran on one thread with a threaded layer: MKL_NUM_THREADS=1 or OMP_NUM_THREADS=1 in the "
                   "environment, a call from inside another parallel region, or a cgroup or affinity mask of one CPU")
    fix.append("compare a run with another setting, with the same calls: MKL_VERBOSE=1 MKL_THREADING_LAYER=<INTEL|GNU|"
               "SEQUENTIAL> MKL_NUM_THREADS=<n> <the program> (libmkl_rt reads both; a program linked to a layer by name "
               "keeps its layer)")
    return Finding(
        "mkl-verbose-report", "info",
        f"MKL's own report: MKL {banner.release}, {banner.interface or 'interface not said'}, {banner.threading or 'threading not said'}"
        + (f", {'/'.join(map(str, threads))} thread(s) per call" if threads else ""),
        tuple(evidence), tuple(fix),
        "With MKL_VERBOSE=1 MKL prints its release, code path, interface and threading layer once, then each call with its "
        "time and threads (NThr): which MKL answered, and how.",
        ("MKL_VERBOSE=1 <the program> 2>&1 | grep -m1 'Product build'   # the release and layers of the MKL that answers",),
        locations=ctx.located([banner], "MKL's banner"),
    )
