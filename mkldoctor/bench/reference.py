"""The float64 numpy forward the engines are checked against (numpy is optional).

It reads the same weight file the C program reads (for random weights, the one the
program wrote with ``--save-weights``), so both sides see identical numbers, and it
computes everything in float64 with the exact erf (``math.erf``).
"""

from __future__ import annotations

import math
import struct

from mkldoctor.bench.errors import RunError
from mkldoctor.bench.model import BLOB_MAGIC, BertShape


def numpy_available() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def read_weights(path: str):
    """(shape, float32 arrays in weight-file order) from a weight file."""
    import numpy as np

    with open(path, "rb") as handle:
        head = handle.read(8 + 32 + 8)
        if len(head) != 48 or head[:8] != BLOB_MAGIC:
            raise RunError(f"{path}: not a mkldoctor weight file")
        fields = struct.unpack("<8i", head[8:40])
        (eps,) = struct.unpack("<d", head[40:48])
        shape = BertShape(*fields[:7], eps=eps)
        data = np.fromfile(handle, dtype="<f4")
    arrays = []
    cursor = 0
    for _, dims in shape.tensors():
        count = math.prod(dims)
        if cursor + count > data.size:
            raise RunError(f"{path}: truncated weight file")
        arrays.append(data[cursor : cursor + count].reshape(dims))
        cursor += count
    if cursor != data.size:
        raise RunError(f"{path}: {data.size - cursor} floats after the last tensor")
    return shape, arrays


def forward(path: str, ids: list[int]):
    """(last hidden state [T, H], mean-pooled embedding [H]), float64."""
    import numpy as np

    shape, arrays = read_weights(path)
    t = len(ids)
    arrays[0] = arrays[0][np.asarray(ids)]  # only the rows of the words used
    w = iter(np.ascontiguousarray(a, dtype=np.float64) for a in arrays)
    erf = np.frompyfunc(math.erf, 1, 1)

    def layer_norm(x, g, b):
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + shape.eps) * g + b

    word, pos, typ, eg, eb = (next(w) for _ in range(5))
    x = layer_norm(word + pos[:t] + typ[0], eg, eb)
    nh, d = shape.heads, shape.hidden // shape.heads
    for _ in range(shape.layers):
        qw, qb, kw, kb, vw, vb, ow, ob, g1, b1, iw, ib, uw, ub, g2, b2 = (next(w) for _ in range(16))
        heads = [np.ascontiguousarray((x @ mw.T + mb).reshape(t, nh, d).transpose(1, 0, 2))
                 for mw, mb in ((qw, qb), (kw, kb), (vw, vb))]
        q, k, v = heads
        s = q @ np.ascontiguousarray(k.transpose(0, 2, 1)) / math.sqrt(d)
        s = np.exp(s - s.max(axis=-1, keepdims=True))
        s /= s.sum(axis=-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(t, shape.hidden)
        x = layer_norm(ctx @ ow.T + ob + x, g1, b1)
        h = x @ iw.T + ib
        h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)).astype(np.float64))
        x = layer_norm(h @ uw.T + ub + x, g2, b2)
    return x, x.mean(axis=0)
