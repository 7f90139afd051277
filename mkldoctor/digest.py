"""The sha256 of a file's bytes, read in blocks: image layers, hub downloads, MKL copies compared."""

from __future__ import annotations

import hashlib
from typing import IO

BLOCK = 1 << 20


def sha256_stream(stream: IO[bytes]) -> str:
    """The hex sha256 of everything left in ``stream``."""
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(BLOCK), b""):
        digest.update(block)
    return digest.hexdigest()


def sha256_file(path: str) -> str:
    with open(path, "rb") as handle:
        return sha256_stream(handle)
