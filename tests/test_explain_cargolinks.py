"""cargo refusing two releases of intel-mkl-src in one build (mkldoctor/explain/cargolinks.py), produced with cargo and
local crates of the real names and links values: candle-core's intel-mkl-src 0.6 beside ndarray-linalg's 0.8, both
``links = "mkl_core"``. The finding names both chains and the crate to update; updated to the same release, the graph
resolves."""

from __future__ import annotations

from pathlib import Path

from tests.test_explain_families import clean_env, failed, flat, only_error, run


def _crate(root: Path, folder: str, name: str, version: str, deps: str = "", links: str = "") -> None:
    (root / folder / "src").mkdir(parents=True)
    (root / folder / "Cargo.toml").write_text(
        f'[package]\nname = "{name}"\nversion = "{version}"\nedition = "2018"\n'
        + (f'links = "{links}"\nbuild = "build.rs"\n' if links else "") + f"\n[dependencies]\n{deps}")
    (root / folder / "src/lib.rs").write_text("")
    if links:
        (root / folder / "build.rs").write_text("fn main() {}\n")


def test_two_releases_of_intel_mkl_src_in_one_graph(tmp_path):
    for version in ("0.6.0", "0.8.1"):
        _crate(tmp_path, f"mkl-{version}", "intel-mkl-src", version, links="mkl_core")
    _crate(tmp_path, "candle", "candle-core", "0.3.0", 'intel-mkl-src = { path = "../mkl-0.6.0", version = "0.6.0" }\n')
    _crate(tmp_path, "linalg", "ndarray-linalg", "0.16.0", 'intel-mkl-src = { path = "../mkl-0.8.1", version = "0.8.1" }\n')
    _crate(tmp_path, "app", "app", "0.1.0", 'candle-core = { path = "../candle" }\nndarray-linalg = { path = "../linalg" }\n')
    log = failed(["cargo", "generate-lockfile", "--offline"], tmp_path / "app")
    assert "links to the native library `mkl_core`" in log, log
    finding = only_error(log)
    assert finding.id == "cargo-links-conflict", flat(finding)
    assert "intel-mkl-src v0.6.0 for candle-core v0.3.0" in finding.title and "ndarray-linalg v0.16.0" in finding.title
    assert "cargo update -p candle-core" in finding.fix[0], finding.fix
    # the fix: the crate that asked for the older release takes the newer one
    (tmp_path / "candle/Cargo.toml").write_text((tmp_path / "candle/Cargo.toml").read_text().replace("0.6.0", "0.8.1"))
    code, out = run(["cargo", "generate-lockfile", "--offline"], tmp_path / "app", clean_env())
    assert code == 0, out


def test_a_build_script_that_returns_its_error():
    """intel-mkl-src 0.8's main returns ocipkg's error ("Error: Failed to get OCI artifact: ..."): its message is the
    failure's, not an unknown line beside a build-script finding that said the script does not stop."""
    log = ("error: failed to run custom build command for `intel-mkl-src v0.8.1`\n\nCaused by:\n  process didn't exit "
           "successfully: `/x/target/debug/build/intel-mkl-src-1/build-script-build` (exit status: 1)\n  --- stderr\n"
           "  Error: Failed to get OCI artifact: ghcr.io/rust-math/rust-mkl/linux/static-lp64-iomp:2020.1\n")
    finding = only_error(log)
    assert finding.id == "cargo-build-script-failed", flat(finding)
    assert finding.title.startswith("the build script of intel-mkl-src 0.8.1 stopped with the error: Failed to get OCI")
    assert "exits with status 1)" in finding.evidence[0] and finding.fix[0].startswith("give it a system MKL"), flat(finding)
