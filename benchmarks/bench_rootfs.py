#!/usr/bin/env python3
"""What confining reads to --root costs: rootfs against the operating system's own lookups, in one run.

    python3 benchmarks/bench_rootfs.py [--repeat N]

On the Debian 2020.4 sysroot fixture (its headers, libraries and dpkg lists: a few thousand
files), each pass opens every file and reads its first 4 KiB, once with ``RootFS.open_in_root``
(the lookup by hand, an lstat per component, ``O_NOFOLLOW`` opens from the root down, an
fstat check) and once with plain ``open`` (the kernel's lookup, which would follow links out). Then the whole ``list --root`` scan
of that sysroot (``discover``), which is what a user waits for. Best of N CPU times.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import fixtures_dir  # noqa: E402

from mkldoctor.rootfs import RootFS  # noqa: E402


def best_of(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sysroot = fixtures_dir() / "debian-2020.4-shared"
    if not sysroot.is_dir():
        sys.exit(f"fixture missing: {sysroot} (run: python3 fixtures/fetch_mkl.py)")
    fs = RootFS(str(sysroot))
    files = sorted("/" + str(p.relative_to(sysroot)) for p in sysroot.rglob("*") if p.is_file() and not p.is_symlink())

    def confined() -> None:
        for path in files:
            with fs.open_in_root(path) as handle:
                handle.read(4096)

    def plain() -> None:
        for path in files:
            with open(fs.host(path), "rb") as handle:
                handle.read(4096)

    ours, theirs = best_of(confined, args.repeat), best_of(plain, args.repeat)
    print(f"{len(files)} files in {sysroot.name}: open + 4 KiB read")
    print(f"  open_in_root (confined)  {ours * 1000:8.1f} ms  ({ours / len(files) * 1e6:.1f} us a file)")
    print(f"  open (host lookup)       {theirs * 1000:8.1f} ms  ({theirs / len(files) * 1e6:.1f} us a file)")
    print(f"  ratio                    {ours / theirs:8.2f}x")

    from mkldoctor.discover import discover

    scan = best_of(lambda: discover(str(sysroot)), args.repeat)
    print(f"whole scan, list --root {sysroot.name} (in process): {scan * 1000:.0f} ms CPU")


if __name__ == "__main__":
    main()
