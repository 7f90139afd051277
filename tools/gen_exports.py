#!/usr/bin/env python3
"""Generate mkldoctor/knowledge/data/exports.zip: which MKL release exports which symbol, from which library.

    python3 tools/gen_exports.py            # read every release (resumable), write the table
    python3 tools/gen_exports.py --partial  # write the table from the releases read so far, downloading nothing
                                            # (--output PATH: elsewhere than the package; --no-committed:
                                            # the cache only, not the committed table's releases)
    python3 tools/gen_exports.py --check    # validate the committed table; downloads nothing
    python3 tools/gen_exports.py --check --rebuild  # ... and compare it with the cached releases

The evidence is the real binaries: every ``mkl`` wheel release on the package index from
2019.0 on (``pip download``, one at a time, each wheel deleted once read), plus Debian's
2020.4 from the fixture sysroot ``debian-2020.4-shared`` (fixtures/fetch_mkl.py). The
releases are ``WHEELS`` (those the committed table was made of) and every newer one that
``pip index versions mkl`` lists through pip's own configuration: a new release is picked
up by running the generator again, which reads only that release.
For each ``libmkl_*.so*`` it reads, with mkldoctor's own ELF reader, the defined symbols
of ``.dynsym`` (what ``nm -D --defined-only`` lists) and ``DT_SONAME``.

Each release read is cached in ``${XDG_CACHE_HOME:-~/.cache}/mkldoctor/exports/`` (one
gzip'd JSON file per release, written atomically), so a killed run resumes where it
stopped; a release that is in neither the cache nor the committed table is downloaded, and
the committed table stands in for the cache of every release it already holds (its lines
give back each release's names and sonames exactly: it is never re-read from its wheel). ``--check`` validates the committed table's format and provenance (release list,
wheel names and sha256, per-library sonames, release bit masks) and, where the fixtures
are on this machine, that the 2026.2 wheel and the Debian .debs hash to the recorded
sha256; with ``--rebuild`` also that the cached releases give the same table.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests"))
from conftest import fixtures_dir  # noqa: E402
from mkldoctor.binary.elf import read_elf  # noqa: E402
from mkldoctor.cache import cache_folder  # noqa: E402

OUTPUT = ROOT / "mkldoctor" / "knowledge" / "data" / "exports.zip"
SCHEMA = "mkldoctor.exports"
SCHEMA_VERSION = 1
# Every release of the `mkl` wheel from 2019.0 on that the committed table holds (`pip index versions mkl`;
# 2018.0.x left out); newer ones that pip lists are added by the generator (``newer_wheels``).
FLOOR = "2019.0"
WHEELS = (
    "2019.0", "2021.1.1", "2021.2.0", "2021.3.0", "2021.4.0", "2022.0.1", "2022.0.2", "2022.1.0", "2022.2.0",
    "2022.2.1", "2023.0.0", "2023.1.0", "2023.2.0", "2024.0.0", "2024.1.0", "2024.2.0", "2024.2.1", "2024.2.2",
    "2025.0.0", "2025.0.1", "2025.1.0", "2025.2.0", "2025.3.0", "2025.3.1", "2026.0.0", "2026.1.0", "2026.2.0",
    "2026.2.1",
)
PLATFORMS = ("manylinux1_x86_64", "manylinux2014_x86_64", "manylinux_2_28_x86_64")
DEBIAN = "2020.4.304"
DEBIAN_PACKAGE_VERSION = "2020.4.304-4"
# fixtures/fetch_mkl.py leaves Debian's cluster packages out: their libraries were not read.
DEBIAN_UNREAD = ("libmkl_blacs_", "libmkl_cdft_", "libmkl_scalapack_")
LIBRARY = re.compile(r"^(libmkl_[A-Za-z0-9_]+)\.so(\.\d+)*$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
LINE = re.compile(r"^([^\t\s]+)\t(\d+)$")
PATTERN = re.compile(r"^\d+:[0-9a-f]+(?: \d+:[0-9a-f]+)*$")
CHUNKS = 128


def log(message: str) -> None:
    print(f"[gen_exports] {message}", file=sys.stderr, flush=True)


def cache_dir() -> Path:
    return Path(cache_folder("exports"))


def version_key(release: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", release))


def library_key(filename: str) -> str | None:
    """``libmkl_core.so.3`` -> ``libmkl_core``; anything else -> None."""
    match = LIBRARY.match(filename)
    return match.group(1) if match else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def exports_of(data: bytes, name: str) -> dict:
    """The soname and the sorted defined .dynsym names of one shared library's bytes."""
    info = read_elf(io.BytesIO(data), name, table="dynsym")
    return {"soname": info.soname, "symbols": sorted({s.name for s in info.symbols if s.defined})}


# ---------------------------------------------------------------- reading one release
def download(release: str, into: Path) -> Path:
    """``pip download`` of ``mkl==release`` through pip's own configured index."""
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "-d", str(into), f"mkl=={release}"]
    for platform in PLATFORMS:
        command[5:5] = ["--platform", platform]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PIP_CONSTRAINT": ""})
    found = sorted(into.glob(f"mkl-{release}-*.whl"))
    if done.returncode or not found:
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip() and "WARNING" not in line]
        raise SystemExit(f"gen_exports: pip download mkl=={release} failed: {lines[-1] if lines else done.returncode}")
    return found[0]


def read_wheel(release: str, wheel: Path) -> dict:
    libraries = {}
    with zipfile.ZipFile(wheel) as archive:
        for entry in archive.infolist():
            filename = entry.filename.rsplit("/", 1)[-1]
            if library_key(filename) is None:
                continue
            libraries[filename] = {**exports_of(archive.read(entry), filename), "from": wheel.name}
    if not libraries:
        raise SystemExit(f"gen_exports: {wheel.name} holds no libmkl_*.so")
    return {
        "release": release,
        "mkl": ".".join(release.split(".")[:2]),
        "source": f"PyPI wheel mkl {release}",
        "files": [{"name": wheel.name, "sha256": sha256_of(wheel)}],
        "unread": [],
        "libraries": libraries,
    }


def read_pypi(release: str, cache: Path) -> dict:
    """One wheel: the fixtures' copy of 2026.2 when present, else a download deleted once read."""
    pinned = sorted((fixtures_dir() / "wheels").glob(f"mkl-{release}-*.whl"))
    if pinned:
        return read_wheel(release, pinned[0])
    scratch = Path(tempfile.mkdtemp(prefix=f"wheel-{release}.", dir=cache))
    try:
        started = time.monotonic()
        wheel = download(release, scratch)
        fetched = time.monotonic()
        document = read_wheel(release, wheel)
        log(f"mkl {release}: {wheel.stat().st_size / 1e6:.0f} MB downloaded in {fetched - started:.1f} s, "
            f"read in {time.monotonic() - fetched:.1f} s")
        return document
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def read_debian() -> dict:
    sysroot = fixtures_dir() / "debian-2020.4-shared"
    lib = sysroot / "usr" / "lib" / "x86_64-linux-gnu"
    debs = fixtures_dir() / "apt" / "debs"
    if not lib.is_dir() or not debs.is_dir():
        raise SystemExit(f"gen_exports: {lib} or {debs} missing: run python3 fixtures/fetch_mkl.py first")
    owners = {}  # /usr/lib/.../libmkl_core.so -> libmkl-core
    for listing in (sysroot / "var" / "lib" / "dpkg" / "info").glob("*.list"):
        package = listing.name.split(":")[0].removesuffix(".list")
        for line in listing.read_text().splitlines():
            owners[line] = package
    libraries, files = {}, {}
    for path in sorted(lib.iterdir()):
        if library_key(path.name) is None or path.is_symlink():
            continue
        package = owners.get(f"/usr/lib/x86_64-linux-gnu/{path.name}")
        deb = debs / f"{package}_{DEBIAN_PACKAGE_VERSION}_amd64.deb"
        if package is None or not deb.is_file():
            raise SystemExit(f"gen_exports: no .deb in {debs} owns {path.name}")
        files.setdefault(deb.name, sha256_of(deb))
        libraries[path.name] = {**exports_of(path.read_bytes(), path.name), "from": deb.name}
    return {
        "release": DEBIAN,
        "mkl": "2020.4",
        "source": f"Debian bookworm non-free intel-mkl {DEBIAN_PACKAGE_VERSION} (libmkl-* runtime packages)",
        "files": [{"name": name, "sha256": digest} for name, digest in sorted(files.items())],
        "unread": list(DEBIAN_UNREAD),
        "libraries": libraries,
    }


def cached(release: str, cache: Path) -> Path:
    return cache / f"mkl-{release}.json.gz"


def load_release(release: str, cache: Path, *, fetch: bool, table: dict[str, dict] | None = None) -> dict | None:
    """One release's document: from the cache, else from the committed ``table``, else read (``fetch``)."""
    path = cached(release, cache)
    if path.is_file():
        return json.loads(gzip.decompress(path.read_bytes()))
    if table and release in table:
        return table[release]
    if not fetch:
        return None
    document = read_debian() if release == DEBIAN else read_pypi(release, cache)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(gzip.compress(json.dumps(document, sort_keys=True).encode(), mtime=0))
    tmp.replace(path)
    return document


def all_releases(extra: tuple[str, ...] = ()) -> list[str]:
    return sorted({*WHEELS, DEBIAN, *extra}, key=version_key)


def newer_wheels(listed: str | None = None) -> tuple[str, ...]:
    """The ``mkl`` releases that ``pip index versions mkl`` lists (pip's own index configuration) and ``WHEELS``
    lacks, from ``FLOOR`` on; ``listed``: pip's output, when already read."""
    if listed is None:
        done = subprocess.run([sys.executable, "-m", "pip", "index", "versions", "mkl", "--disable-pip-version-check"],
                              capture_output=True, text=True, env={**os.environ, "PIP_CONSTRAINT": ""})
        if done.returncode:
            log(f"pip index versions mkl failed ({done.returncode}): only the releases in WHEELS are read")
            return ()
        listed = done.stdout
    match = re.search(r"^Available versions:\s*(.+)$", listed, re.M)
    versions = [v.strip() for v in match.group(1).split(",")] if match else []
    return tuple(sorted((v for v in versions if re.fullmatch(r"\d{4}\.\d+(?:\.\d+)*", v)
                         and version_key(v) >= version_key(FLOOR) and v not in WHEELS), key=version_key))


def table_documents(path: Path) -> dict[str, dict]:
    """Each release of the table at ``path`` as the document its read gave (its names, files and sonames; the
    per-library ``from`` is not kept by the table and not used by :func:`build`); {} when there is no table."""
    if not path.is_file():
        return {}
    try:
        header, chunks = decode(path.read_bytes())
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return {}  # not a table: its releases are read again
    releases = [r["release"] for r in header["releases"]]
    order = header["library_order"]
    names: dict[tuple[int, int], list[str]] = {}  # (release index, library index) -> names
    patterns = [[(int(lib), int(mask, 16)) for lib, mask in (code.split(":") for code in p.split(" "))] for p in header["patterns"]]
    for lines in chunks:
        for line in lines:
            name, pattern = line.split("\t")
            for library, mask in patterns[int(pattern)]:
                while mask:
                    bit = mask & -mask
                    names.setdefault((bit.bit_length() - 1, library), []).append(name)
                    mask ^= bit
    documents = {}
    for index, release in enumerate(header["releases"]):
        libraries = {}
        for library_index, key in enumerate(order):
            entry = header["libraries"][key].get(release["release"])
            if entry is not None:
                libraries[entry["file"]] = {"soname": entry["soname"], "symbols": names.get((index, library_index), [])}
        documents[releases[index]] = {**{k: release[k] for k in ("release", "mkl", "source", "files", "unread")},
                                      "libraries": libraries}
    return documents


# ---------------------------------------------------------------- the table
def build(documents: list[dict], missing: list[str]) -> tuple[dict, list[list[str]]]:
    """The table's header and its chunks of lines, oldest release first (bit i = releases[i]).

    A line is ``name<TAB>P``: pattern P of the header is ``lib:mask lib:mask``, the libraries
    (indices into ``library_order``) that export the name and in which releases (a hex bit
    mask). Names are sorted and cut into chunks; the header holds each chunk's first name,
    so a look-up inflates one chunk, not the table.
    """
    documents = sorted(documents, key=lambda d: version_key(d["release"]))
    libraries: dict[str, dict[str, dict]] = {}
    holders: dict[str, dict[str, int]] = {}
    for index, document in enumerate(documents):
        for filename, entry in document["libraries"].items():
            key = library_key(filename)
            libraries.setdefault(key, {})[document["release"]] = {"file": filename, "soname": entry["soname"]}
            for name in entry["symbols"]:
                per_library = holders.setdefault(name, {})
                per_library[key] = per_library.get(key, 0) | (1 << index)
    order = sorted(libraries)
    position = {key: i for i, key in enumerate(order)}
    patterns: dict[str, int] = {}
    lines = []
    for name in sorted(holders):
        coded = " ".join(f"{position[key]}:{mask:x}" for key, mask in sorted(holders[name].items()))
        lines.append(f"{name}\t{patterns.setdefault(coded, len(patterns))}")
    size = -(-len(lines) // CHUNKS)
    chunks = [lines[i : i + size] for i in range(0, len(lines), size)]
    header = {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "generated_by": "tools/gen_exports.py",
        "complete": not missing,
        "missing": missing,
        "chunks": [chunk[0].split("\t", 1)[0] for chunk in chunks],
        "patterns": list(patterns),
        "releases": [
            {key: document[key] for key in ("release", "mkl", "source", "files", "unread")} for document in documents
        ],
        "library_order": order,
        "libraries": {key: dict(sorted(libraries[key].items(), key=lambda kv: version_key(kv[0]))) for key in order},
    }
    return header, chunks


def encode(header: dict, chunks: list[list[str]]) -> bytes:
    """A zip of ``header.json`` and ``NNN.txt`` chunks; deterministic (fixed dates, sorted keys)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        members = [("header.json", json.dumps(header, sort_keys=True, indent=0))]
        members += [(f"{i:03d}.txt", "".join(line + "\n" for line in lines)) for i, lines in enumerate(chunks)]
        for name, text in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode(), compresslevel=9)
    return buffer.getvalue()


def decode(raw: bytes) -> tuple[dict, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        header = json.loads(archive.read("header.json"))
        chunks = [archive.read(f"{i:03d}.txt").decode().splitlines() for i in range(len(header["chunks"]))]
    return header, chunks


# ---------------------------------------------------------------- --check
def validate(header: dict, chunks: list[list[str]]) -> list[str]:
    """Everything wrong with the table's format and provenance (an empty list: nothing). Besides ``WHEELS`` and
    Debian's, the table may hold newer wheel releases (``newer_wheels``), each with its wheel's provenance."""
    problems = []
    if header.get("schema") != SCHEMA or header.get("version") != SCHEMA_VERSION:
        return [f"schema {header.get('schema')!r} version {header.get('version')!r}, expected {SCHEMA!r} {SCHEMA_VERSION}"]
    releases = [r["release"] for r in header["releases"]]
    if releases != sorted(releases, key=version_key) or len(set(releases)) != len(releases):
        problems.append(f"releases out of order or repeated: {releases}")
    newer = tuple(r for r in releases + header["missing"] if r not in all_releases()
                  and re.fullmatch(r"\d{4}\.\d+(?:\.\d+)*", r) and version_key(r) > version_key(WHEELS[-1]))
    expected = all_releases(newer)
    if sorted(releases + header["missing"], key=version_key) != expected:
        problems.append(f"releases {releases} + missing {header['missing']} are not the generator's {expected}")
    if header["complete"] != (not header["missing"]):
        problems.append("'complete' disagrees with 'missing'")
    for release in header["releases"]:
        if not release["files"]:
            problems.append(f"{release['release']}: no provenance file")
        for file in release["files"]:
            if not SHA256.match(file.get("sha256", "")) or not file.get("name"):
                problems.append(f"{release['release']}: bad provenance entry {file}")
        if release["release"] != DEBIAN and not (
            len(release["files"]) == 1 and release["files"][0]["name"].startswith(f"mkl-{release['release']}-")
        ):
            problems.append(f"{release['release']}: provenance is not the mkl {release['release']} wheel")
    order = header["library_order"]
    if order != sorted(header["libraries"]):
        problems.append("library_order is not the sorted list of libraries")
    present = []
    for key in order:
        per_release = header["libraries"][key]
        if not LIBRARY.match(key + ".so"):
            problems.append(f"library name {key!r}")
        for release, entry in per_release.items():
            if release not in releases or library_key(entry["file"]) != key:
                problems.append(f"{key}: {release} {entry}")
            soname = entry["soname"]
            if soname is not None and library_key(soname) != key:
                problems.append(f"{key}: soname {soname!r} in {release} names another library")
        present.append(sum(1 << releases.index(r) for r in per_release if r in releases))
    for index, pattern in enumerate(header["patterns"]):
        pairs = [code.split(":") for code in pattern.split(" ")]
        if not PATTERN.match(pattern) or [int(l) for l, _ in pairs] != sorted({int(l) for l, _ in pairs}):
            problems.append(f"pattern {index} {pattern!r}: not sorted 'library:mask' pairs")
            continue
        for library, mask in pairs:
            mask = int(mask, 16)
            if int(library) >= len(order) or not mask or mask & ~present[int(library)]:
                problems.append(f"pattern {index} {pattern!r}: names releases that do not have the library")
    if len(set(header["patterns"])) != len(header["patterns"]):
        problems.append("patterns repeated")
    if len(chunks) != len(header["chunks"]) or [c[0].split("\t", 1)[0] if c else None for c in chunks] != header["chunks"]:
        problems.append("the header's first names differ from the chunks'")
    names = []
    for index, lines in enumerate(chunks):
        for line in lines:
            match = LINE.match(line)
            if not match or int(match.group(2)) >= len(header["patterns"]):
                problems.append(f"chunk {index}: bad line {line[:80]!r}")
                if len(problems) > 20:
                    return problems
                continue
            names.append(match.group(1))
    if names != sorted(set(names)):
        problems.append("names unsorted or repeated")
    return problems


def check(cache: Path, path: Path, rebuild: bool) -> int:
    if not path.is_file():
        print(f"{path} missing: run python3 tools/gen_exports.py", file=sys.stderr)
        return 1
    raw = path.read_bytes()
    try:
        header, chunks = decode(raw)
        problems = validate(header, chunks)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, zipfile.BadZipFile) as exc:
        problems = [f"unreadable: {type(exc).__name__}: {exc}"]
    if not problems:
        problems += verify_local_provenance(header)
    if not problems and rebuild:
        documents = [load_release(r, cache, fetch=False) for r in all_releases()]
        if not all(documents):
            problems.append(f"--rebuild: {cache} does not hold every release: run python3 tools/gen_exports.py")
        elif build(documents, []) != (header, chunks):
            problems.append(f"the releases cached in {cache} give another table: run python3 tools/gen_exports.py")
    for problem in problems:
        print(f"{path.name}: {problem}", file=sys.stderr)
    if problems:
        return 1
    n_names = sum(len(lines) for lines in chunks)
    print(f"{path}: valid ({len(header['releases'])} releases, {len(header['libraries'])} libraries, "
          f"{n_names} names, {len(raw)} bytes{'' if header['complete'] else ', PARTIAL'})")
    return 0


def verify_local_provenance(header: dict) -> list[str]:
    """The files of the table that this machine holds anyway (the fixtures) must hash as recorded."""
    problems = []
    debs = fixtures_dir() / "apt" / "debs"
    wheels = fixtures_dir() / "wheels"
    for release in header["releases"]:
        for file in release["files"]:
            local = (debs if file["name"].endswith(".deb") else wheels) / file["name"]
            if local.is_file() and sha256_of(local) != file["sha256"]:
                problems.append(f"{release['release']}: {local} does not hash to the recorded sha256")
    return problems


# ---------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="validate the committed table; download nothing")
    parser.add_argument("--rebuild", action="store_true", help="with --check: also rebuild from the cache and compare")
    parser.add_argument("--table", type=Path, default=OUTPUT, help="with --check: the table file to validate")
    parser.add_argument("--partial", action="store_true", help="write the table from the releases already cached")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the table (default: the package's)")
    parser.add_argument("--no-committed", action="store_true",
                        help="do not take the committed table's releases: each comes from the cache, or is read again")
    args = parser.parse_args()
    cache = cache_dir()
    if args.check:
        return check(cache, args.table, args.rebuild)
    cache.mkdir(parents=True, exist_ok=True)
    documents, missing = [], []
    newer = () if args.partial else newer_wheels()
    if newer:
        log(f"newer mkl releases than the table's: {', '.join(newer)}")
    table = {} if args.no_committed else table_documents(OUTPUT)  # the committed table: its releases are not read again
    for release in all_releases(newer):
        document = load_release(release, cache, fetch=not args.partial, table=table)
        if document is None:
            missing.append(release)
        else:
            documents.append(document)
    if not documents:
        raise SystemExit("gen_exports: no release read yet: run without --partial")
    data = encode(*build(documents, missing))
    tmp = args.output.with_name(f"{args.output.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(args.output)
    note = f"; missing {', '.join(missing)}" if missing else ""
    print(f"wrote {args.output}: {len(documents)} releases, {len(data)} bytes{note}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("gen_exports: interrupted; the releases read so far stay cached", file=sys.stderr)
        sys.exit(130)
