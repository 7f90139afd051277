"""One engine's output (the last hidden state and the pooled embedding) against a reference: the
largest differences, with a tolerance relative to the output's scale."""

from __future__ import annotations

import math
import os
from array import array

from mkldoctor.bench.errors import RunError
from mkldoctor.bench.results import Check

TOLERANCE = {"f32": 1e-4, "f16": 2e-2}  # times the output scale (max |reference|)


class Output:
    """The last hidden state [T, H] and the pooled embedding [H] one engine wrote."""

    def __init__(self, hidden, pooled) -> None:
        self.hidden = hidden
        self.pooled = pooled

    @classmethod
    def read(cls, path: str, tokens: int, hidden: int, use_numpy: bool) -> Output:
        expected = 4 * (tokens * hidden + hidden)
        size = os.path.getsize(path)
        if size != expected:
            raise RunError(f"{path}: {size} bytes of output, expected {expected}")
        if use_numpy:
            import numpy as np

            data = np.fromfile(path, dtype="<f4").astype(np.float64)
        else:
            data = array("f")
            with open(path, "rb") as handle:
                data.frombytes(handle.read())
            if data.itemsize != 4:
                raise RunError("this Python has no 4-byte float array")
        return cls(data[: tokens * hidden], data[tokens * hidden :])

    @classmethod
    def from_numpy(cls, hidden, pooled) -> Output:
        return cls(hidden.ravel(), pooled)


def _max_abs(values) -> float:
    try:
        import numpy as np

        if isinstance(values, np.ndarray):
            return float(np.max(np.abs(values))) if values.size else 0.0
    except ImportError:
        pass
    best = 0.0
    for v in values:
        if v != v:
            return math.inf
        best = max(best, abs(v))
    return best


def _max_abs_diff(a, b) -> float:
    try:
        import numpy as np

        if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            d = np.abs(a - b)
            return math.inf if np.isnan(d).any() else float(d.max(initial=0.0))
    except ImportError:
        pass
    best = 0.0
    for x, y in zip(a, b):
        d = abs(x - y)
        if d != d:
            return math.inf
        best = max(best, d)
    return best


def floats(values) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def check(engine: str, dtype: str, out: Output, ref: Output, against: str) -> Check:
    """``out`` against ``ref``: max abs differences, tolerance relative to the output scale."""
    scale = max(_max_abs(ref.hidden), 1e-30)
    tolerance = TOLERANCE[dtype] * scale
    return Check(engine, against, _max_abs_diff(out.hidden, ref.hidden), _max_abs_diff(out.pooled, ref.pooled), scale,
                 tolerance)
