"""How check finds intel-mkl-src behind other crates: real projects' manifests, real cargo, real MKL.

The corpus (tests/data/cargo-corpus) holds excerpts of public manifests, one per route. Each is
resolved three ways: from its manifests and the known routes table (no Cargo.lock), by cargo
itself (``cargo metadata`` over a local registry laid out from the same published manifests), and
from Cargo.lock plus a registry cache; cargo's answer is the reference for the other two.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mkldoctor.diagnose import cargo_routes
from mkldoctor.diagnose.project import read_project
from test_check import DATA, by_id, cargo, cargo_build, check
from test_list import link_tree

CORPUS = DATA / "cargo-corpus"

# project: (route crates, intel-mkl-src config, the project feature that turns MKL on, ILP64 error expected)
EXPECTED = {
    "candle": (["candle-core", "intel-mkl-src"], "mkl-static-lp64-iomp", "candle-core/mkl", False),
    "clarabel": (["clarabel", "intel-mkl-src"], "mkl-static-lp64-iomp", "sdp-mkl", False),
    "blas-src-readme": (["uses-blas-src", "blas-src", "intel-mkl-src"], "mkl-static-ilp64-iomp", None, True),
    "lapack-src-readme": (["uses-lapack-src", "lapack-src", "intel-mkl-src"], "mkl-static-ilp64-iomp", None, True),
    "linfa": (["linfa", "ndarray-linalg", "lax", "intel-mkl-src"], "mkl-static-lp64-seq", "intel-mkl-static", False),
    "intel-mkl-sys": (["uses-intel-mkl-sys", "intel-mkl-sys", "intel-mkl-src"], "mkl-static-lp64-seq", None, False),
    "intel-mkl-src-blas-sys": (["uses-intel-mkl-src", "intel-mkl-src"], "mkl-static-ilp64-iomp", None, True),
}


# -- a local registry from the same published manifests the table was generated from ----------------


def _referenced(item: str) -> tuple[str, str | None]:
    name, _, feature = item.partition("/")
    return name.removeprefix("dep:").rstrip("?"), feature or None


def _stub_version(requirement: str) -> str:
    parts = re.findall(r"\d+", requirement)[:3]
    return ".".join(parts + ["0"] * (3 - len(parts)))


def _toml_value(value) -> str:
    return json.dumps(value)


@pytest.fixture(scope="session")
def registry(tmp_path_factory) -> Path:
    """A cargo directory source: every manifest of the routes table (features that name crates
    outside the table left out) and an empty crate for each other dependency the corpus names."""
    root = tmp_path_factory.mktemp("registry")
    crates = cargo_routes.table()["crates"]
    stubs: dict[str, dict[str, set[str]]] = {}

    def want(name: str, requirement: str, features=()):
        if name not in crates:
            stubs.setdefault(name, {}).setdefault(_stub_version(requirement or "0.1"), set()).update(features)

    for name, versions in crates.items():
        for version, entry in versions.items():
            deps = entry["dependencies"]
            lines = ["[package]", f"name = {_toml_value(name)}", f"version = {_toml_value(version)}", 'edition = "2018"']
            if entry.get("links"):
                lines += [f"links = {_toml_value(entry['links'])}", 'build = "build.rs"']
            lines.append("[features]")
            for feature, items in entry["features"].items():
                kept = [i for i in items if (("/" in i or i.startswith("dep:")) and _referenced(i)[0] in deps)
                        or ("/" not in i and not i.startswith("dep:") and (i in entry["features"] or i in deps))]
                lines.append(f"{_toml_value(feature)} = {_toml_value(kept)}")
                for item in kept:
                    dep, sub = _referenced(item)
                    if dep in deps and sub:
                        want(deps[dep].get("package", dep), deps[dep].get("version", ""), [sub])
            for dep, spec in deps.items():
                lines.append(f"[dependencies.{dep}]")
                lines += [f"{k} = {_toml_value(v)}" for k, v in spec.items()]
                want(spec.get("package", dep), spec.get("version", ""), spec.get("features", []))
            folder = root / f"{name}-{version}"
            (folder / "src").mkdir(parents=True)
            (folder / "Cargo.toml").write_text("\n".join(lines) + "\n")
            (folder / "src/lib.rs").write_text("")
            (folder / "build.rs").write_text("fn main() {}\n")
            (folder / ".cargo-checksum.json").write_text('{"files":{}}')
    for manifest in CORPUS.rglob("Cargo.toml"):
        import tomllib

        data = tomllib.loads(manifest.read_text())
        tables = [data.get("dependencies", {}), data.get("workspace", {}).get("dependencies", {})]
        for table in tables:
            for dep, spec in table.items():
                spec = {"version": spec} if isinstance(spec, str) else spec
                if "version" in spec:
                    want(spec.get("package", dep), spec["version"], spec.get("features", []))
        for items in data.get("features", {}).values():
            for item in items:
                dep, sub = _referenced(item)
                spec = data.get("dependencies", {}).get(dep)
                if sub and spec is not None and dep not in crates:
                    want(dep, spec if isinstance(spec, str) else spec.get("version", ""), [sub])
    for name, versions in stubs.items():
        for version, features in versions.items():
            folder = root / f"{name}-{version}"
            (folder / "src").mkdir(parents=True, exist_ok=True)
            lines = ["[package]", f"name = {_toml_value(name)}", f"version = {_toml_value(version)}", 'edition = "2018"',
                     "[features]", *[f"{_toml_value(f)} = []" for f in sorted(features) if f != "default"]]
            (folder / "Cargo.toml").write_text("\n".join(lines) + "\n")
            (folder / "src/lib.rs").write_text("")
            (folder / ".cargo-checksum.json").write_text('{"files":{}}')
    return root


def corpus_project(name: str, tmp_path: Path) -> Path:
    project = tmp_path / name
    shutil.copytree(CORPUS / name, project)
    for manifest in project.rglob("Cargo.toml"):
        if "[package]" in manifest.read_text():
            src = manifest.parent / "src"
            src.mkdir(exist_ok=True)
            if not (src / "lib.rs").exists():
                (src / "lib.rs").write_text("")
    return project


def lock_with_cargo(project: Path, registry: Path) -> None:
    (project / ".cargo").mkdir(exist_ok=True)
    (project / ".cargo/config.toml").write_text(
        f'[source.crates-io]\nreplace-with = "corpus"\n[source.corpus]\ndirectory = "{registry}"\n')
    done = cargo(project, {}, "generate-lockfile", "--offline")
    assert done.returncode == 0, done.stderr


def route_of(project: Path, env: dict | None = None):
    needs, _ = read_project(str(project), dict(os.environ, **(env or {})))
    return needs


# -- each route, from the manifests and the table ------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_route_config_needs_and_verdict(name, mkl, tmp_path):
    crates, config, enabled_by, ilp64_error = EXPECTED[name]
    project = corpus_project(name, tmp_path)
    needs = route_of(project)
    route = needs.cargo_route
    assert [h.crate for h in route.hops] == crates
    assert route.config == config and needs.cargo_config == config
    assert route.enabled_by == enabled_by
    assert route.method == "the manifests and the known routes table"
    assert needs.interface == config.split("-")[2] and needs.link == config.split("-")[1]

    code, document = check(project, "--root", mkl.debian_static, env={"HOME": str(tmp_path), "MKLROOT": None})
    assert code == 1 if ilp64_error or name == "candle" else True
    errors = by_id(document, "ilp64-with-int32")
    assert bool(errors) == ilp64_error
    if ilp64_error:
        text = "\n".join(errors[0]["evidence"])
        assert route.text() in text and "32-bit integer caller" in text
        assert config.replace("ilp64", "lp64") in errors[0]["fix"][0]
    steps = "\n".join(document["picked"]["steps"]) if document.get("picked") else ""
    assert route.text() in steps


def test_candle_tree_needs_hgemm_and_no_accelerate_symbol(mkl, tmp_path):
    project = corpus_project("candle", tmp_path)
    needs = route_of(project)
    assert {"sgemm_", "hgemm_", "vsTanh", "vdExp", "vsExp"} <= set(needs.symbols)
    assert not {"sgemm_ffi", "dgemm_ffi", "vvexpf", "vDSP_vadd"} & set(needs.symbols)
    assert needs.foreign_skipped == ["candle-core/src/accelerate.rs (Accelerate only): sgemm_ffi (link_name sgemm_), "
                                     "dgemm_ffi (link_name dgemm_), vvexpf, vDSP_vadd"]
    code, document = check(project, "--root", mkl.debian_static, env={"HOME": str(tmp_path), "MKLROOT": None})
    assert {f["title"].split()[0] for f in by_id(document, "missing-symbol")} == {"hgemm_"}
    assert "candle-core/src/mkl.rs" in by_id(document, "missing-symbol")[0]["evidence"][0]
    # the same tree with the MKL gate removed from its lib.rs: still only what MKL exports counts
    (project / "candle-core/src/lib.rs").write_text("mod accelerate;\nmod mkl;\n")
    assert not {"sgemm_ffi", "dgemm_ffi", "vvexpf"} & set(route_of(project).symbols)


# -- the same routes, as cargo resolves them ------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cargo_itself_agrees(name, registry, tmp_path):
    crates, config, enabled_by, _ = EXPECTED[name]
    project = corpus_project(name, tmp_path)
    from_table = route_of(project).cargo_route
    lock_with_cargo(project, registry)
    route = route_of(project).cargo_route
    assert route.method == "cargo metadata --offline --locked"
    assert [h.crate for h in route.hops] == crates and route.config == config
    assert [h.version for h in route.hops[1:]] == [h.version for h in from_table.hops[1:]]
    assert route.features == from_table.features
    also = [n for n in route.notes if "also a dependency of" in n]
    assert also == [n for n in from_table.notes if "also a dependency of" in n]
    if name == "clarabel":  # its sdp-mkl feature reaches intel-mkl-src three ways
        assert also == ["intel-mkl-src is also a dependency of blas-src 0.11.1, lapack-src 0.11.0"]
    # cargo tree names the same crates on the way to intel-mkl-src (the reference for the route)
    args = ["tree", "--offline", "--locked", "-e", "features", "-i", "intel-mkl-src"]
    if enabled_by:
        args += ["--features", enabled_by]
    tree = cargo(project, {}, *args)
    assert tree.returncode == 0, tree.stderr
    for crate in crates:
        assert re.search(rf"\b{re.escape(crate)} v", tree.stdout), (crate, tree.stdout)
    chosen = [f for f in cargo_routes.CONFIGS if f'intel-mkl-src feature "{f}"' in tree.stdout]
    assert chosen == list(route.features)


def test_lock_and_registry_cache_without_cargo(registry, tmp_path):
    project = corpus_project("blas-src-readme", tmp_path)
    lock_with_cargo(project, registry)
    home = tmp_path / "cargo-home"
    index = home / "registry/src/mirror.internal-0000000000000000"
    index.mkdir(parents=True)
    for name in ("blas-src-0.10.0", "intel-mkl-src-0.8.1"):
        shutil.copytree(registry / name, index / name)
    needs = route_of(project, {"CARGO_HOME": str(home), "PATH": "/nonexistent"})
    route = needs.cargo_route
    assert route.method == "Cargo.lock and the registry cache's manifests"
    assert "cargo is not on PATH" in route.notes[0]
    assert route.text() == "uses-blas-src 0.1.0 -> blas-src 0.10.0 feature intel-mkl -> intel-mkl-src 0.8.1 mkl-static-ilp64-iomp"


# -- intel-mkl-src's own defaults, per version -----------------------------------------------


@pytest.mark.parametrize("spec, config, interface, problem", [
    ('"0.8"', "mkl-static-ilp64-iomp", "ilp64", None),
    ('"0.7"', "mkl-static-ilp64-seq", "ilp64", None),  # its default feature
    ('"0.6"', "mkl-static-ilp64-seq", "ilp64", None),
    ('"0.5"', None, "lp64", None),  # no mkl-* features: always lp64, sequential
    ('{ version = "0.7", features = ["mkl-static-lp64-seq"] }', None, None, "2 configurations"),
    ('{ version = "0.7", default-features = false }', None, None, "does not compile"),
    ('{ version = "0.8", features = ["mkl-dynamic-lp64-seq"] }', "mkl-dynamic-lp64-seq", "lp64", None),
])
def test_intel_mkl_src_defaults_per_version(spec, config, interface, problem, tmp_path):
    (tmp_path / "Cargo.toml").write_text(f'[package]\nname = "x"\nversion = "0.1.0"\n[dependencies]\nintel-mkl-src = {spec}\n')
    needs = route_of(tmp_path)
    route = needs.cargo_route
    assert route.config == config and route.interface == interface and needs.interface == interface
    assert (problem is None and route.problem is None) or problem in route.problem
    if problem:
        code, document = check(tmp_path, env={"HOME": str(tmp_path), "MKLROOT": None})
        (finding,) = by_id(document, "intel-mkl-src-config")
        assert code == 1 and finding["severity"] == "error"


# -- the ILP64 trap, on the real libraries ----------------------------------------------------

SGEMM_INT32 = r"""
#include <stdio.h>
/* sgemm_ declared as blas-sys and cblas-sys declare it: every integer is a 32-bit int */
extern void sgemm_(const char *, const char *, const int *, const int *, const int *, const float *, const float *,
                   const int *, const float *, const int *, const float *, float *, const int *);
int main(void) {
    /* each int is followed in memory by another value, as in any struct or argument array */
    struct { int value; int next; } m = {2, -1}, n = {2, 7}, k = {2, 7}, ld = {2, 7};
    float a[4] = {1, 2, 3, 4}, c[4] = {0, 0, 0, 0}, one = 1, zero = 0;
    sgemm_("N", "N", &m.value, &n.value, &k.value, &one, a, &ld.value, a, &ld.value, &zero, c, &ld.value);
    printf("c = %g %g %g %g\n", c[0], c[1], c[2], c[3]);
    return 0;
}
"""


def test_ilp64_with_32_bit_callers_is_proven_wrong_on_real_mkl(mkl, tmp_path):
    project = corpus_project("intel-mkl-src-blas-sys", tmp_path)
    code, document = check(project, "--search", mkl.pip, env={"HOME": str(tmp_path), "MKLROOT": None})
    (finding,) = by_id(document, "ilp64-with-int32")
    assert code == 1 and "blas-sys" in "\n".join(finding["evidence"])
    fixed_config = re.search(r'features = \["(mkl-[a-z0-9-]+)"\]', finding["fix"][0]).group(1)
    assert fixed_config == "mkl-static-lp64-iomp"

    (tmp_path / "t.c").write_text(SGEMM_INT32)

    def run(interface: str) -> subprocess.CompletedProcess:
        lib = mkl.pip_lib
        exe = tmp_path / f"t_{interface}"
        subprocess.run(["gcc", str(tmp_path / "t.c"), "-o", str(exe), "-Wl,--start-group",
                        str(lib / f"libmkl_intel_{interface}.a"), str(lib / "libmkl_intel_thread.a"),
                        str(lib / "libmkl_core.a"), "-Wl,--end-group", str(lib / "libiomp5.a"), "-lpthread", "-lm",
                        "-ldl"], check=True, capture_output=True)
        return subprocess.run([str(exe)], capture_output=True, text=True, timeout=60, env=dict(os.environ, MKL_NUM_THREADS="1"))

    # the config check predicts (mkl-static-ilp64-iomp): MKL rejects the call, nothing failed at link time
    wrong = run(route_of(project).cargo_route.config.split("-")[2])
    assert "Parameter 3 was incorrect on entry to SGEMM" in wrong.stdout and "c = 0 0 0 0" in wrong.stdout
    # the config of the fix: the right product
    right = run(fixed_config.split("-")[2])
    assert right.stdout.strip() == "c = 7 10 15 22"


# -- the last build's record ------------------------------------------------------------------


@pytest.fixture()
def seed_built(mkl, tmp_path):
    """The seed's project built once against intel-mkl-src's 2020.1 download (link fails on hgemm_)."""
    data = tmp_path / "data"
    download = data / "ocipkg/oci-registry/rust-math/rust-mkl/linux/mkl-static-lp64-iomp/__2020.1-3038006115"
    lib = mkl.debian_lib(mkl.debian_static)
    link_tree([lib / n for n in ("libmkl_core.a", "libmkl_intel_lp64.a", "libmkl_intel_thread.a")], download)
    link_tree([mkl.pip_lib / "libiomp5.a"], download)
    project = tmp_path / "project"
    shutil.copytree(DATA / "cargo-intel-mkl", project)
    env = {"XDG_DATA_HOME": str(data), "HOME": str(tmp_path), "MKLROOT": None, "PKG_CONFIG_PATH": None,
           "CARGO_TARGET_DIR": None, "RUSTFLAGS": "-C link-arg=-fuse-ld=bfd"}
    build = cargo_build(project, env)
    assert "undefined reference to `hgemm_'" in build.stderr
    return project, env, download


def test_last_build_used_the_download_and_a_new_mklroot_is_ignored(seed_built, mkl):
    project, env, download = seed_built
    now = dict(env, MKLROOT=str(mkl.pip))
    code, document = check("--search", mkl.pip, env=now, cwd=project)
    (finding,) = by_id(document, "last-build-differs")
    assert finding["title"].startswith("the last build (debug) linked MKL 2020.1 at ")
    assert "intel-mkl-src's ocipkg download" in finding["title"] and "2026.2" in finding["title"]
    assert "a rebuild would not pick up the change until `cargo clean -p intel-mkl-src`" in finding["title"]
    assert finding["severity"] == "error"  # the recorded copy lacks hgemm_
    evidence = "\n".join(finding["evidence"])
    assert f"cargo:rustc-link-search={download}" in evidence and "rerun-if-env-changed=XDG_DATA_HOME" in evidence
    assert finding["fix"][0].startswith("cargo clean -p intel-mkl-src")

    # what cargo really does: with the new MKLROOT and no clean, the old choice stays
    again = cargo_build(project, now)
    assert again.returncode != 0 and "undefined reference to `hgemm_'" in again.stderr
    assert cargo(project, now, "clean", "-p", "intel-mkl-src").returncode == 0
    assert cargo_build(project, now).returncode == 0
    code, document = check("--search", mkl.pip, env=now, cwd=project)
    assert not by_id(document, "last-build-differs")
    (same,) = by_id(document, "last-build")
    assert "MKL 2026.2" in same["title"] and "rerun-if-env-changed=MKLROOT" in "\n".join(same["evidence"])


def test_records_of_every_profile_and_target_triple(seed_built, mkl):
    project, env, download = seed_built
    triple = "x86_64-unknown-linux-gnu"
    # `cargo check` runs the build script and keeps its record as `build` does, without a second rlib that
    # bundles MKL's static archives (800 MB on disk, with the debug build's still there)
    assert cargo(project, env, "check", "--offline", "--release", "--target", triple).returncode == 0
    code, document = check("--search", mkl.pip, env=dict(env, MKLROOT=str(mkl.pip)), cwd=project)
    wheres = {re.match(r"the last build \(([^)]+)\)", f["title"]).group(1)
              for f in by_id(document, "last-build-differs")}
    assert wheres == {"debug", f"{triple}/release"}
    assert (project / "target" / triple / "release/build").is_dir()  # where cargo put it


def test_broken_lock_and_garbage_record_are_said_not_fatal(tmp_path):
    project = corpus_project("intel-mkl-src-blas-sys", tmp_path)
    (project / "Cargo.lock").write_text("this is [not a lock file\n")
    build = project / "target/debug/build/intel-mkl-src-0123456789abcdef"
    build.mkdir(parents=True)
    (build / "output").write_bytes(b"\x00\xff\x7fELF garbage\ncargo:rustc-link-lib=static=mkl_intel_ilp64\n")
    route = route_of(project).cargo_route
    assert route.method == "the manifests and the known routes table"
    assert "cargo metadata --offline --locked failed" in route.notes[0]  # cargo's own complaint, said
    code, document = check(project, env={"HOME": str(tmp_path), "MKLROOT": None})
    assert code == 1
    (finding,) = by_id(document, "ilp64-with-int32")
    assert any("the last build (debug) linked static=mkl_intel_ilp64" in line for line in finding["evidence"])


@pytest.mark.parametrize("spec, downloads", [
    ('"0.7"', False),  # its download feature is off by default
    ('{ version = "0.7", features = ["download"] }', True),
    ('"0.6"', True),  # on by default
    ('{ version = "0.6", default-features = false, features = ["mkl-static-lp64-seq"] }', False),
    ('"0.8"', True),  # ocipkg, for static configs
])
def test_which_versions_download(spec, downloads, tmp_path):
    (tmp_path / "Cargo.toml").write_text(f'[package]\nname = "x"\nversion = "0.1.0"\n[dependencies]\nintel-mkl-src = {spec}\n')
    assert route_of(tmp_path).cargo_route.downloads is downloads
    code, document = check(tmp_path, "--root", tmp_path, env={"HOME": str(tmp_path), "MKLROOT": None})
    fails = by_id(document, "no-usable-mkl")
    assert bool(fails) is not downloads
    if fails:
        assert "download flag is off" in fails[0]["explanation"] and '"download"' in fails[0]["fix"][0]
    else:
        assert document["picked"]["version"] == "2020.1"


def test_own_declarations_with_c_int_and_an_ilp64_default(tmp_path):
    # the seed's app, its intel-mkl-src left without a mkl-* feature: 0.8.1's build script takes ilp64
    project = tmp_path / "project"
    shutil.copytree(DATA / "cargo-intel-mkl", project)
    manifest = project / "app/Cargo.toml"
    manifest.write_text(manifest.read_text().replace(', features = ["mkl-static-lp64-iomp"]', ""))
    needs = route_of(project)
    assert needs.cargo_route.config == "mkl-static-ilp64-iomp" and not needs.cargo_route.int32_callers
    code, document = check(project, "--root", tmp_path, env={"HOME": str(tmp_path), "MKLROOT": None})
    (finding,) = by_id(document, "ilp64-with-int32")
    assert "app/src/main.rs declares sgemm_ with 32-bit integers (c_int/i32)" in "\n".join(finding["evidence"])


def test_older_intel_mkl_src_downloads_are_found(mkl, tmp_path):
    """0.6/0.7 with xdg-data-home: <data>/intel-mkl-tool/2020.1; 0.5-0.7: OUT_DIR, under a target triple too."""
    from mkldoctor.discover import discover

    lib = mkl.debian_lib(mkl.debian_static)
    names = ("libmkl_core.a", "libmkl_intel_lp64.a", "libmkl_sequential.a")
    tool_cache = tmp_path / "data/intel-mkl-tool/2020.1"
    link_tree([lib / n for n in names], tool_cache)
    project = tmp_path / "project"
    out_dir = project / "target/x86_64-unknown-linux-gnu/release/build/intel-mkl-src-0123456789abcdef/out"
    link_tree([lib / n for n in names], out_dir)
    inventory = discover("/", env={"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}, project=str(project))
    found = {i.lib_dirs[0]: i for i in inventory.installs if i.source == "intel-mkl-src"}
    assert set(found) == {str(tool_cache), str(out_dir)}
    assert found[str(tool_cache)].version == "2020.1"


def test_an_extern_block_needs_what_any_mkl_release_exports(mkl):
    """A VML function that the tracked header history does not list still counts as an MKL need,
    because the real library exports it (nm is the reference); a foreign function does not."""
    from mkldoctor.diagnose.cargo_sources import exported_by_mkl
    from mkldoctor.knowledge import history

    rt = next((mkl.pip / "lib").glob("libmkl_rt.so.*"))
    exported = {name for name, kind, _ in _nm_defined(rt)}
    vml = sorted(name for name in exported if name.startswith("vs") and not history.known(name))
    assert vml, "the fixture's libmkl_rt exports no VML function outside the tracked history"
    assert all(exported_by_mkl(name) for name in vml[:50])
    assert "sgemm_ffi" not in exported and not exported_by_mkl("sgemm_ffi")


def _nm_defined(path: Path):
    out = subprocess.run(["nm", "-D", "--defined-only", str(path)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            yield parts[2].split("@")[0], parts[1], True
