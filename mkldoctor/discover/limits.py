"""What one image may cost to read: a cap on the bytes its layers inflate to and on their entries.

A 7.5 MB layer of zeros gzipped inflates to 4 GiB; a layer of 2 million empty files makes tarfile
hold 2 million records. Both are read as they inflate, through :class:`Budget`: past either cap
the image is refused with one line (exit 2) that names the flag raising it. The defaults fit real
MKL images with room to spare: the largest MKL a wheel installs (oneMKL 2026.2's ``lib/``, every
layer and kernel) is 1.7 GB, a runtime or build image around it 2-6 GB and a few hundred thousand
files; Intel's whole oneAPI toolkit images are larger and need ``--max-image-size 32G``.

Layers are decompressed here (gzip, bzip2, xz; zstd is refused) and their digests checked with
the algorithm the digest names (sha256, sha384, sha512), the inflated bytes counted the same way.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import re
from dataclasses import dataclass, field
from typing import IO

from mkldoctor.errors import InputError, UsageError

DEFAULT_MAX_BYTES = 8 << 30
DEFAULT_MAX_ENTRIES = 1_000_000
DIGESTS = ("sha256", "sha384", "sha512")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)


def parse_size(text: str, flag: str = "--max-image-size") -> int:
    """``8G``, ``512M``, ``1.5GiB``, ``1000000`` (bytes) -> bytes; a usage error otherwise."""
    match = _SIZE.match(str(text))
    if not match:
        raise UsageError(f"{flag} {text}: write a size such as 8G, 512M or 1000000 (bytes)")
    value = float(match.group(1)) * (1 << (10 * " kmgt".index(match.group(2).lower() or " ")))
    if value < 1:
        raise UsageError(f"{flag} {text}: must be at least one byte")
    return int(value)


def size_text(size: int) -> str:
    for unit, shift in (("T", 40), ("G", 30), ("M", 20), ("K", 10)):
        if size >= 1 << shift and size % (1 << shift) == 0:
            return f"{size >> shift}{unit}"
    return str(size)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES  # --max-image-size: the layers' tar streams, inflated, all together
    max_entries: int = DEFAULT_MAX_ENTRIES  # --max-image-entries: their tar entries, all together


@dataclass
class Budget:
    """What an image has used of its :class:`Limits` so far; raises :class:`InputError` past them."""

    limits: Limits = field(default_factory=Limits)
    image: str = ""
    bytes: int = 0
    entries: int = 0

    def too_big(self, where: str) -> InputError:
        return InputError(self.image, f"inflates past --max-image-size {size_text(self.limits.max_bytes)} ({where}): "
                                      "not read further (raise it with --max-image-size SIZE)")

    def count_entry(self, where: str) -> None:
        self.entries += 1
        if self.entries > self.limits.max_entries:
            raise InputError(self.image, f"has more than --max-image-entries {self.limits.max_entries} entries ({where}): "
                                         "not read further (raise it with --max-image-entries N)")

    def add(self, size: int, entries: int, where: str) -> None:
        """A layer read before (its record says what it inflated to) counts as when it was read."""
        self.bytes += size
        if self.bytes > self.limits.max_bytes:
            raise self.too_big(where)
        self.entries += entries
        if self.entries > self.limits.max_entries:
            self.entries -= 1
            self.count_entry(where)


class Capped:
    """A readable, seekable view of a (decompressed) layer that stops at the bytes the budget has left.

    tarfile reads and seeks forward through it; ``high`` is how far it got: what the layer inflated to,
    which the caller adds to the budget once the layer is read."""

    def __init__(self, stream: IO[bytes], budget: Budget, where: str) -> None:
        self.stream, self.budget, self.where = stream, budget, where
        self.room = budget.limits.max_bytes - budget.bytes
        self.pos = self.high = 0

    def _moved(self, pos: int) -> None:
        self.pos = pos
        self.high = max(self.high, pos)
        if self.high > self.room:
            raise self.budget.too_big(self.where)

    def read(self, size: int = -1) -> bytes:
        wanted = self.room - self.pos + 1 if size is None or size < 0 else min(size, self.room - self.pos + 1)
        data = self.stream.read(max(wanted, 0))
        self._moved(self.pos + len(data))
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        target = offset if whence == 0 else self.pos + offset if whence == 1 else None
        if target is None:  # from the end: the end is what is not known without inflating it all
            raise OSError("seek from the end of a layer stream")
        if target > self.room:
            raise self.budget.too_big(self.where)
        self.stream.seek(target)
        self.pos = target  # a seek past what was read is inflated by the next read: counted then
        return target

    def tell(self) -> int:
        return self.pos

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True


def decompressed(blob: IO[bytes], label: str) -> IO[bytes]:
    """The tar stream inside ``blob`` (gzip, bzip2, xz or none, told by its first bytes)."""
    head = blob.read(6)
    blob.seek(0)
    if head[:4] == b"\x28\xb5\x2f\xfd":
        raise InputError(label, "compressed with zstd, which this reader does not support")
    if head[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=blob)  # type: ignore[return-value]
    if head[:3] == b"BZh":
        return bz2.BZ2File(blob)  # type: ignore[return-value]
    if head == b"\xfd7zXZ\x00":
        return lzma.LZMAFile(blob)  # type: ignore[return-value]
    return blob


def hasher(digest: str, label: str):
    """A hashlib object for ``algorithm:hex``; an :class:`InputError` for a digest no reader can check."""
    algorithm, _, hexdigest = digest.partition(":")
    if algorithm not in DIGESTS or not re.fullmatch(r"[a-f0-9]{32,128}", hexdigest):
        raise InputError(label, f"digest {digest[:80]!r} is not a sha256, sha384 or sha512 content digest: "
                                "its bytes cannot be checked, so they are not read")
    return hashlib.new(algorithm)


def check_digest(stream: IO[bytes], digest: str, label: str) -> None:
    """Everything left in ``stream`` hashes to ``digest``, or the layer is corrupt (one :class:`InputError`)."""
    h = hasher(digest, label)
    for block in iter(lambda: stream.read(1 << 20), b""):
        h.update(block)
    if h.hexdigest() != digest.partition(":")[2]:
        raise InputError(label, f"its bytes do not match its digest ({h.name} {h.hexdigest()[:12]}...): corrupt layer")
