#!/usr/bin/env python3
"""Generate mkldoctor/knowledge/data/symbols.json: since which MKL release each tracked symbol exists.

    python3 tools/gen_knowledge.py           # write the table
    python3 tools/gen_knowledge.py --check   # fail if the committed table differs

The evidence is the headers of every mkl-include release on PyPI (pinned below,
downloaded once into the fixtures cache) plus Debian's 2020.4 headers from the
fixtures. A release "has" a symbol when one of its headers declares it: C and
CBLAS names as they are; a Fortran name ``hgemm_`` when the header declares
``hgemm``, ``hgemm_`` or ``HGEMM``. Versions come from each release's own
mkl_version.h (``__INTEL_MKL__``, ``__INTEL_MKL_UPDATE__``), not the wheel's name.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import fixtures_dir  # noqa: E402

sys.path.insert(0, str(ROOT))
from mkldoctor.inventory.install import parse_version_header  # noqa: E402

OUTPUT = ROOT / "mkldoctor" / "knowledge" / "data" / "symbols.json"
RELEASES = (
    "2018.0.0", "2018.0.3", "2019.0", "2021.1.1", "2021.2.0", "2021.3.0", "2021.4.0", "2022.0.1", "2022.0.2",
    "2022.1.0", "2022.2.0", "2022.2.1", "2023.0.0", "2023.1.0", "2023.2.0", "2024.0.0", "2024.1.0", "2024.2.0",
    "2024.2.1", "2024.2.2", "2025.0.0", "2025.0.1", "2025.1.0", "2025.2.0", "2025.3.0", "2025.3.1", "2026.0.0",
    "2026.1.0", "2026.2.0",
)
# What builds ask for: candle-core's mkl.rs (its BLAS and VML calls), and the half and
# bfloat16 GEMMs that newer code reaches for.
CANDLE = ["sgemm_", "dgemm_", "hgemm_"] + [
    f"v{p}{op}" for op in ("Tanh", "Exp", "Ln", "Sin", "Cos", "Sqrt", "Erf", "Add", "Sub", "Mul", "Div", "Fmax", "Fmin")
    for p in ("s", "d")
]
TRACKED = CANDLE + [
    "cblas_sgemm", "cblas_dgemm", "cblas_hgemm", "cblas_gemm_f16f16f32", "cblas_gemm_bf16bf16f32",
    "cblas_gemm_s8u8s32", "cblas_sgemm_batch", "cblas_gemm_e5m2e5m2f32", "mkl_set_num_threads", "mkl_get_version_string",
    "hgemm_pack_", "hgemm_pack_get_size_", "hgemm_compute_", "cblas_hgemm_pack", "cblas_hgemm_compute",
]


def declared(names: set[str], symbol: str) -> bool:
    if symbol.endswith("_") and not symbol.startswith(("cblas_", "mkl_")):
        base = symbol[:-1]
        return bool({base, symbol, base.upper()} & names)
    return symbol in names


def header_names(texts: list[str]) -> set[str]:
    names: set[str] = set()
    for text in texts:
        names.update(re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(", text))  # plain prototypes
        names.update(re.findall(r"_(?:Mkl|MKL|mkl)_Api\(\s*[^,]+,\s*([A-Za-z_][A-Za-z0-9_]*)\s*,", text))  # VML, service
        names.update(re.findall(r"#define\s+([A-Za-z_][A-Za-z0-9_]*)\s+[A-Za-z_]", text))  # mkl_set_num_threads -> MKL_...
    return names


def version_of(text: str) -> str:
    version = parse_version_header(text)
    if version is None:
        raise SystemExit("mkl_version.h without __INTEL_MKL__")
    return version


def wheel(release: str, cache: Path) -> Path:
    found = sorted(cache.glob(f"mkl_include-{release}-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                        "--platform", "manylinux1_x86_64", "--platform", "manylinux_2_28_x86_64",
                        "--platform", "manylinux2014_x86_64", "-d", str(cache), f"mkl-include=={release}"], check=True)
        found = sorted(cache.glob(f"mkl_include-{release}-*.whl"))
    return found[0]


def releases(cache: Path):
    for release in RELEASES:
        path = wheel(release, cache)
        with zipfile.ZipFile(path) as archive:
            headers = [n for n in archive.namelist() if n.endswith(".h")]
            version_h = next(n for n in headers if n.endswith("/mkl_version.h"))
            texts = [archive.read(n).decode("utf-8", "replace") for n in headers]
            yield version_of(archive.read(version_h).decode()), f"mkl-include {release} (PyPI)", texts
    debian = fixtures_dir() / "debian-2020.4-static" / "usr" / "include" / "mkl"
    if not debian.is_dir():
        raise SystemExit(f"{debian} missing: run python3 fixtures/fetch_mkl.py first")
    texts = [p.read_text(errors="replace") for p in sorted(debian.rglob("*.h"))]
    yield version_of((debian / "mkl_version.h").read_text()), "Debian libmkl-dev 2020.4.304-4", texts


def build(cache: Path) -> dict:
    seen: list[tuple[str, str, set[str]]] = []
    for version, source, texts in releases(cache):
        seen.append((version, source, header_names(texts)))
    seen.sort(key=lambda row: tuple(int(p) for p in row[0].split(".")))
    table = {}
    for symbol in TRACKED:
        having = [(v, s) for v, s, names in seen if declared(names, symbol)]
        table[symbol] = {
            "first": having[0][0] if having else None,
            "evidence": having[0][1] if having else "declared by no release checked",
            "candle": symbol in CANDLE,
        }
    return {
        "generated_by": "tools/gen_knowledge.py",
        "releases": [{"version": v, "source": s} for v, s, _ in seen],
        "symbols": table,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed table instead of writing it")
    args = parser.parse_args()
    cache = fixtures_dir() / "mkl-include"
    cache.mkdir(parents=True, exist_ok=True)
    document = build(cache)
    text = json.dumps(document, indent=1, sort_keys=True) + "\n"
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print(f"{OUTPUT} is out of date: run python3 tools/gen_knowledge.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT}: up to date ({len(document['releases'])} releases)")
        return 0
    tmp = OUTPUT.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(OUTPUT)
    print(f"wrote {OUTPUT}: {len(document['symbols'])} symbols over {len(document['releases'])} releases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
