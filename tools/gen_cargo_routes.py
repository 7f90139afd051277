#!/usr/bin/env python3
"""Generate mkldoctor/knowledge/data/cargo_routes.json: how the crates people use reach intel-mkl-src.

    python3 tools/gen_cargo_routes.py [--mirror DIR]     # run by hand; writes the table

Each entry is read from the crate's own published manifest at the commit that released it
(a local git mirror of its repository, ``DIR/<owner>+<name>/repo``), or from cargo's registry
cache (``$CARGO_HOME/registry/src/*/<name>-<version>/Cargo.toml``) when a crate is there. Only
dependency facts are kept: ``[features]``, the dependencies on other crates of the table (with
their version requirement, ``optional``, ``default-features`` and ``features``), ``links``,
and, for intel-mkl-src, what its build script does when no ``mkl-*`` feature is set. Every
entry names where it was read. No code is copied.

``check`` reads this table only when neither cargo nor the registry cache can answer.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "mkldoctor" / "knowledge" / "data" / "cargo_routes.json"

# (crate, repository, git ref of the release, manifest path, workspace root manifest or None)
SOURCES = [
    ("intel-mkl-src", "rust-math/intel-mkl-src", "intel-mkl-src-0.5.0", "intel-mkl-src/Cargo.toml", None),
    ("intel-mkl-src", "rust-math/intel-mkl-src", "0.6.0+mkl2020.1", "intel-mkl-src/Cargo.toml", None),
    ("intel-mkl-src", "rust-math/intel-mkl-src", "intel-mkl-src-v0.7.0", "intel-mkl-src/Cargo.toml", None),
    ("intel-mkl-src", "rust-math/intel-mkl-src", "intel-mkl-src-v0.8.0", "intel-mkl-src/Cargo.toml", None),
    ("intel-mkl-src", "rust-math/intel-mkl-src", "intel-mkl-src-v0.8.1", "intel-mkl-src/Cargo.toml", None),
    ("intel-mkl-sys", "rust-math/intel-mkl-src", "intel-mkl-sys-v0.8.1", "intel-mkl-sys/Cargo.toml", None),
    ("blas-src", "blas-lapack-rs/blas-src", "e5ebe49", "Cargo.toml", None),  # 0.8.0
    ("blas-src", "blas-lapack-rs/blas-src", "7898555", "Cargo.toml", None),  # 0.9.0
    ("blas-src", "blas-lapack-rs/blas-src", "457f036", "Cargo.toml", None),  # 0.10.0
    ("blas-src", "blas-lapack-rs/blas-src", "075d45f", "Cargo.toml", None),  # 0.11.0
    ("blas-src", "blas-lapack-rs/blas-src", "30f442c", "Cargo.toml", None),  # 0.11.1
    ("blas-src", "blas-lapack-rs/blas-src", "93eb7d7", "Cargo.toml", None),  # 0.12.0
    ("blas-src", "blas-lapack-rs/blas-src", "40eece0", "Cargo.toml", None),  # 0.12.1
    ("blas-src", "blas-lapack-rs/blas-src", "ee10433", "Cargo.toml", None),  # 0.13.0
    ("blas-src", "blas-lapack-rs/blas-src", "56c666f", "Cargo.toml", None),  # 0.14.0
    ("lapack-src", "blas-lapack-rs/lapack-src", "fedd02c", "Cargo.toml", None),  # 0.8.0
    ("lapack-src", "blas-lapack-rs/lapack-src", "532f093", "Cargo.toml", None),  # 0.9.0
    ("lapack-src", "blas-lapack-rs/lapack-src", "d4b9b39", "Cargo.toml", None),  # 0.10.0
    ("lapack-src", "blas-lapack-rs/lapack-src", "2edfc4b", "Cargo.toml", None),  # 0.11.0
    ("lapack-src", "blas-lapack-rs/lapack-src", "a36e69c", "Cargo.toml", None),  # 0.12.0
    ("lapack-src", "blas-lapack-rs/lapack-src", "7546096", "Cargo.toml", None),  # 0.13.0
    ("lax", "rust-ndarray/ndarray-linalg", "ndarray-linalg-v0.14.1", "lax/Cargo.toml", None),
    ("lax", "rust-ndarray/ndarray-linalg", "lax-v0.15.0", "lax/Cargo.toml", None),
    ("lax", "rust-ndarray/ndarray-linalg", "lax-v0.16.0", "lax/Cargo.toml", None),
    ("lax", "rust-ndarray/ndarray-linalg", "lax-v0.17.0", "lax/Cargo.toml", None),
    ("lax", "rust-ndarray/ndarray-linalg", "ndarray-linalg-v0.18.0", "lax/Cargo.toml", None),
    ("ndarray-linalg", "rust-ndarray/ndarray-linalg", "ndarray-linalg-v0.14.1", "ndarray-linalg/Cargo.toml", None),
    ("ndarray-linalg", "rust-ndarray/ndarray-linalg", "ndarray-linalg-v0.15.0", "ndarray-linalg/Cargo.toml", None),
    ("ndarray-linalg", "rust-ndarray/ndarray-linalg", "ndarray-linalg-v0.16.0", "ndarray-linalg/Cargo.toml", None),
    ("ndarray-linalg", "rust-ndarray/ndarray-linalg", "ndarray-linalg-v0.17.0", "ndarray-linalg/Cargo.toml", None),
    ("ndarray-linalg", "rust-ndarray/ndarray-linalg", "ndarray-linalg-v0.18.0", "ndarray-linalg/Cargo.toml", None),
    ("fftw-sys", "rust-math/fftw", "fftw-sys-0.6.0", "fftw-sys/Cargo.toml", None),
    ("fftw-sys", "rust-math/fftw", "fftw-sys-v0.8.0", "fftw-sys/Cargo.toml", None),
    ("fftw", "rust-math/fftw", "fftw-0.7.0", "fftw/Cargo.toml", None),
    ("fftw", "rust-math/fftw", "fftw-v0.8.0", "fftw/Cargo.toml", None),
    ("candle-core", "huggingface/candle", "0.8.4", "candle-core/Cargo.toml", "Cargo.toml"),
    ("candle-core", "huggingface/candle", "0.9.1", "candle-core/Cargo.toml", "Cargo.toml"),
    ("candle-core", "huggingface/candle", "0.10.2", "candle-core/Cargo.toml", "Cargo.toml"),
    ("candle-core", "huggingface/candle", "0.11.0", "candle-core/Cargo.toml", "Cargo.toml"),
]

# Crates whose BLAS/LAPACK declarations take 32-bit integers (`c_int`), and the wrappers that
# reach them: with an ILP64 MKL their calls pass 4-byte integers where MKL reads 8.
INT32_CALLERS = {
    "blas-sys": "blas-lapack-rs/blas-sys src/lib.rs: `n: *const c_int` (core::ffi::c_int)",
    "cblas-sys": "blas-lapack-rs/cblas-sys src/lib.rs: `n: c_int`",
    "lapack-sys": "blas-lapack-rs/lapack-sys: `*const c_int` arguments",
    "lapacke-sys": "blas-lapack-rs/lapacke-sys: `c_int` arguments",
    "blas": "blas-lapack-rs/blas: safe wrappers over blas-sys (i32)",
    "cblas": "blas-lapack-rs/cblas: safe wrappers over cblas-sys (i32)",
    "lapack": "blas-lapack-rs/lapack: safe wrappers over lapack-sys (i32)",
    "lapacke": "blas-lapack-rs/lapacke: safe wrappers over lapacke-sys (i32)",
    "lax": "rust-ndarray/ndarray-linalg lax: calls lapack-sys with i32",
    "ndarray-linalg": "rust-ndarray/ndarray-linalg: through lax (i32)",
    "candle-core": "huggingface/candle candle-core/src/mkl.rs: `m: *const c_int`",
}
KEEP = {name for name, *_ in SOURCES} | set(INT32_CALLERS)
_CONFIG = re.compile(r'"(mkl-(?:static|dynamic)-i?lp64-(?:iomp|seq))"')


def git_show(mirror: str, repo: str, ref: str, path: str) -> tuple[str, str] | None:
    folder = os.path.join(mirror, repo.replace("/", "+"), "repo")
    if not os.path.isdir(folder):
        return None
    commit = subprocess.run(["git", "-C", folder, "rev-parse", f"{ref}^{{commit}}"], capture_output=True, text=True)
    text = subprocess.run(["git", "-C", folder, "show", f"{ref}:{path}"], capture_output=True, text=True)
    if commit.returncode or text.returncode:
        return None
    return commit.stdout.strip(), text.stdout


def build_facts(build_rs: str, features: dict) -> dict:
    """What intel-mkl-src's build script does when no mkl-* feature is set, read from build.rs."""
    fallback = re.search(r"#\[cfg\(all\(\s*not\(feature.*?\)\)\]\s*const MKL_CONFIG: &str = \"([^\"]+)\"", build_rs, re.S)
    defaults = [f for f in features.get("default", []) if _CONFIG.fullmatch(f'"{f}"')]
    facts: dict = {}
    if fallback:
        facts["no_feature_config"] = fallback.group(1)
        facts["no_feature_why"] = "build.rs: MKL_CONFIG when no mkl-* feature is set"
    elif defaults:
        facts["no_feature_config"] = None  # default-features = false and no mkl-* feature: MKL_CONFIG undefined
        facts["no_feature_why"] = "build.rs defines MKL_CONFIG only from a mkl-* feature; the default feature is " + defaults[0]
    else:
        iface = re.search(r"rustc-link-lib=mkl_intel_(i?lp64)", build_rs)
        thread = "seq" if "rustc-link-lib=mkl_sequential" in build_rs else "iomp"
        facts["fixed_config"] = f"{iface.group(1) if iface else 'lp64'}-{thread}"
        facts["no_feature_why"] = "build.rs prints mkl_intel_lp64, mkl_sequential, mkl_core (no mkl-* features exist)"
    facts["several_features_fail"] = bool(re.search(r"const MKL_CONFIG", build_rs)) and "no_feature_config" in facts
    if "ocipkg::link_package" in build_rs:
        facts["download"] = "ocipkg image <registry>/rust-math/rust-mkl/linux/<config>:2020.1 (static configs only)"
    elif "download" in features:
        facts["download"] = ("MKL 2020.1 archive into OUT_DIR, only with its `download` feature"
                             + (" (on by default)" if "download" in features.get("default", []) else ""))
    elif "intel_mkl_tool::download" in build_rs:
        facts["download"] = "MKL archive into OUT_DIR when pkg-config finds no mkl"
    return facts


def entry(manifest: dict, workspace: dict | None, source: str) -> tuple[str, str, dict]:
    package = manifest["package"]
    version = package["version"]
    if isinstance(version, dict):
        version = workspace["workspace"]["package"]["version"]
    deps: dict = {}
    tables = [manifest.get("dependencies", {})]
    tables += [t.get("dependencies", {}) for t in manifest.get("target", {}).values()]
    inherited = (workspace or {}).get("workspace", {}).get("dependencies", {})
    for table in tables:
        for name, spec in table.items():
            spec = {"version": spec} if isinstance(spec, str) else dict(spec)
            if spec.pop("workspace", False):
                base = inherited.get(name, {})
                base = {"version": base} if isinstance(base, str) else dict(base)
                spec["features"] = list(base.get("features", [])) + list(spec.get("features", []))
                spec = {**base, **spec}
            crate = spec.get("package", name)
            if crate not in KEEP:
                continue
            deps[name] = {k: spec[k] for k in ("package", "version", "optional", "default-features", "features") if k in spec}
    out = {"source": source, "features": manifest.get("features", {}), "dependencies": deps}
    if package.get("links"):
        out["links"] = package["links"]
    return package["name"], version, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", default="/work/.mirror", help="folder of git mirrors, <owner>+<name>/repo")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args()
    crates: dict = {}
    for crate, repo, ref, path, workspace_path in SOURCES:
        found = git_show(args.mirror, repo, ref, path)
        if found is None:
            print(f"skipped {crate} {ref}: no mirror of {repo} in {args.mirror}", file=sys.stderr)
            continue
        commit, text = found
        workspace = tomllib.loads(git_show(args.mirror, repo, ref, workspace_path)[1]) if workspace_path else None
        name, version, data = entry(tomllib.loads(text), workspace, f"github.com/{repo}@{commit[:12]} {path}")
        if name == "intel-mkl-src":
            build = git_show(args.mirror, repo, ref, path.replace("Cargo.toml", "build.rs"))
            data["build"] = build_facts(build[1] if build else "", data["features"])
        crates.setdefault(name, {})[version] = data
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    for manifest in sorted(glob.glob(os.path.join(home, "registry/src/*/*/Cargo.toml"))):
        folder = os.path.basename(os.path.dirname(manifest))
        crate = folder.rsplit("-", 1)[0]
        if crate in {name for name, *_ in SOURCES}:
            with open(manifest, "rb") as handle:
                name, version, data = entry(tomllib.load(handle), None, f"registry cache {folder}/Cargo.toml")
            crates.setdefault(name, {}).setdefault(version, data)
    table = {"generated_by": "tools/gen_cargo_routes.py", "int32_callers": INT32_CALLERS,
             "crates": {name: dict(sorted(versions.items())) for name, versions in sorted(crates.items())}}
    Path(args.output).write_text(json.dumps(table, indent=1, sort_keys=False) + "\n")
    print(f"wrote {args.output}: {sum(len(v) for v in crates.values())} manifests of {len(crates)} crates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
