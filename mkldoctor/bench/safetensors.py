"""A safetensors file, read with the standard library only.

The format: an 8-byte little-endian header length, a JSON header
``{name: {dtype, shape, data_offsets}, "__metadata__": {...}}``, then the data; every field is
checked before a byte of data is trusted. F16 and BF16 tensors are widened to F32 for the
benchmark's weight file.
"""

from __future__ import annotations

import json
import math
import os
import struct
import sys
from array import array
from dataclasses import dataclass, field

from mkldoctor.bench.errors import ModelError, SafetensorsError

ITEMSIZE = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
    "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8,
}  # fmt: skip
FLOAT_DTYPES = ("F32", "F16", "BF16")
MAX_HEADER = 100_000_000  # what the safetensors library allows


@dataclass(frozen=True, slots=True)
class TensorInfo:
    name: str
    dtype: str
    shape: tuple[int, ...]
    begin: int  # offset in the file, not in the data section
    end: int

    @property
    def count(self) -> int:
        return math.prod(self.shape)


@dataclass(frozen=True)
class SafetensorsFile:
    path: str
    size: int
    header_size: int
    tensors: dict[str, TensorInfo]
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def data_start(self) -> int:
        return 8 + self.header_size


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    seen: dict[str, object] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"key {key!r} appears twice")
        seen[key] = value
    return seen


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def read_safetensors(path: str | os.PathLike) -> SafetensorsFile:
    """Read and check the header of a .safetensors file (not its data)."""
    path = os.fspath(path)
    size, header_size, raw = _read_header(path)
    if not raw.startswith(b"{"):
        raise SafetensorsError(path, "the header does not start with '{' (not a safetensors file?)")
    try:
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        raise SafetensorsError(path, "the header is not UTF-8") from None
    except (json.JSONDecodeError, ValueError) as exc:
        raise SafetensorsError(path, f"the header is not valid JSON: {exc}") from None
    if not isinstance(header, dict):
        raise SafetensorsError(path, "the header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise SafetensorsError(path, "__metadata__ must map strings to strings")
    data_size = size - 8 - header_size
    tensors = {name: _tensor(path, name, entry, header_size, data_size) for name, entry in header.items()}
    cursor = 8 + header_size
    for info in sorted(tensors.values(), key=lambda t: (t.begin, t.end)):
        if info.begin != cursor:
            what = "overlaps the tensor before it" if info.begin < cursor else f"leaves a gap of {info.begin - cursor} bytes"
            raise SafetensorsError(path, f"tensor {info.name!r} {what}")
        cursor = info.end
    if cursor != size:
        raise SafetensorsError(path, f"{size - cursor} bytes after the last tensor")
    return SafetensorsFile(path, size, header_size, tensors, metadata)


def _read_header(path: str) -> tuple[int, int, bytes]:
    """(file size, header length, the header's bytes), each checked against the file's size."""
    def bad(reason: str) -> SafetensorsError:
        return SafetensorsError(path, reason)

    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(8)
            if len(head) < 8:
                raise bad(f"{size} bytes: too short for a safetensors header length")
            (header_size,) = struct.unpack("<Q", head)
            if header_size > MAX_HEADER:
                raise bad(f"header length {header_size} is over the {MAX_HEADER}-byte limit (not a safetensors file?)")
            if 8 + header_size > size:
                raise bad(f"truncated: the header needs {header_size} bytes, the file has {size - 8} after its length")
            raw = handle.read(header_size)
    except FileNotFoundError:
        raise SafetensorsError(path, "no such file") from None
    except IsADirectoryError:
        raise SafetensorsError(path, "a folder, not a file") from None
    except OSError as exc:
        raise SafetensorsError(path, exc.strerror or str(exc)) from None
    if len(raw) != header_size:
        raise bad("truncated while reading the header")
    return size, header_size, raw


def _tensor(path: str, name: str, entry: object, header_size: int, data_size: int) -> TensorInfo:
    """One header entry, every field checked; offsets become offsets in the file."""
    def bad(reason: str) -> SafetensorsError:
        return SafetensorsError(path, f"tensor {name!r}: {reason}")

    if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
        raise bad("wants exactly dtype, shape and data_offsets")
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if dtype not in ITEMSIZE:
        raise bad(f"unknown dtype {dtype!r}")
    if not isinstance(shape, list) or not all(_is_int(d) and d >= 0 for d in shape):
        raise bad(f"shape {shape!r} is not a list of non-negative integers")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_int(o) for o in offsets)):
        raise bad(f"data_offsets {offsets!r} is not two integers")
    begin, end = offsets
    if not 0 <= begin <= end:
        raise bad(f"data_offsets {offsets!r} are not in order")
    nbytes = math.prod(shape) * ITEMSIZE[dtype]
    if end - begin != nbytes:
        raise bad(f"{dtype} {shape} is {nbytes} bytes but data_offsets span {end - begin}")
    if end > data_size:
        raise SafetensorsError(path, f"truncated: tensor {name!r} ends at data byte {end}, the file holds {data_size}")
    return TensorInfo(name, dtype, tuple(shape), 8 + header_size + begin, 8 + header_size + end)


def _f16_to_f32(raw: bytes) -> bytes:
    try:
        import numpy as np
    except ImportError:
        out = array("f")
        step = 1 << 18
        for start in range(0, len(raw), 2 * step):
            chunk = raw[start : start + 2 * step]
            out.extend(struct.unpack(f"<{len(chunk) // 2}e", chunk))
        if sys.byteorder == "big":
            out.byteswap()
        return out.tobytes()
    return np.frombuffer(raw, dtype="<f2").astype("<f4").tobytes()


def _bf16_to_f32(raw: bytes) -> bytes:
    out = bytearray(2 * len(raw))  # a bfloat16 is the high half of a float32
    out[2::4] = raw[0::2]
    out[3::4] = raw[1::2]
    return bytes(out)


def tensor_f32(sf: SafetensorsFile, name: str, handle=None) -> bytes:
    """One tensor as little-endian float32 bytes (F32 as stored, F16 and BF16 widened)."""
    info = sf.tensors[name]
    if info.dtype not in FLOAT_DTYPES:
        raise ModelError(sf.path, f"tensor {name!r} is {info.dtype}; weights must be F32, F16 or BF16")
    own = handle is None
    handle = handle or open(sf.path, "rb")
    try:
        handle.seek(info.begin)
        raw = handle.read(info.end - info.begin)
    finally:
        if own:
            handle.close()
    if len(raw) != info.end - info.begin:
        raise SafetensorsError(sf.path, f"truncated while reading tensor {name!r}")
    if info.dtype == "F16":
        return _f16_to_f32(raw)
    if info.dtype == "BF16":
        return _bf16_to_f32(raw)
    return raw
