"""Cargo's own feature flags on check (--features, --all-features, --no-default-features), every MKL feature of a
crate checkable, and the fixes check prints resolved before they are printed (issue 22): ndarray-linalg's ILP64
feature, linfa's --link dynamic."""

from __future__ import annotations

import re

import pytest

from mkldoctor.diagnose import cargo_routes
from mkldoctor.diagnose.options import BuildOptions
from mkldoctor.diagnose.project import read_project
from test_cargo_routes import corpus_project, lock_with_cargo, registry  # noqa: F401 - the session fixture
from test_check import by_id, cargo, check

ENV = {"MKLROOT": None, "PKG_CONFIG_PATH": None}


def needs_of(project, **build):
    needs, _ = read_project(str(project), None, build=BuildOptions(**build) if build else None)
    return needs


def test_every_mkl_feature_of_a_crate_is_checkable(tmp_path):
    project = corpus_project("ndarray-linalg", tmp_path)
    route = needs_of(project).cargo_route
    assert route.enabled_by == "intel-mkl" and route.config == "mkl-static-lp64-seq"  # the likeliest, when none is named
    others = next(n for n in route.notes if n.startswith("other features that reach intel-mkl-src"))
    assert "intel-mkl-static-ilp64-iomp (mkl-static-ilp64-iomp): check -F intel-mkl-static-ilp64-iomp" in others
    table = cargo_routes.table()["crates"]["lax"]["0.18.0"]["features"]
    for feature in [f for f in table if f.startswith("intel-mkl-") and f.count("-") == 5]:
        config = table[feature][0].split("/")[1]
        assert needs_of(project, features=(feature,)).cargo_config == config, feature


def test_the_ilp64_fix_is_resolved_before_it_is_printed(tmp_path, mkl):
    project = corpus_project("ndarray-linalg", tmp_path)
    env = {**ENV, "HOME": str(tmp_path)}
    code, document = check(project, "-F", "intel-mkl-static-ilp64-iomp", "--root", mkl.debian_static, env=env)
    (finding,) = by_id(document, "ilp64-with-int32")
    assert code == 1 and finding["fix"][0].startswith("cargo clean -p intel-mkl-src && cargo build -F intel-mkl-static-lp64-iomp")
    not_printed = [e for e in finding["evidence"] if e.startswith("not printed:")]
    assert len(not_printed) == 2 and all("2 configurations" in e for e in not_printed)
    assert not any("intel-mkl-src =" in line for line in finding["fix"])
    # the printed fix, applied: no ILP64 error and no two-feature error
    code, document = check(project, "-F", "intel-mkl-static-lp64-iomp", "--root", mkl.debian_static, env=env)
    assert not by_id(document, "ilp64-with-int32") and not by_id(document, "intel-mkl-src-config")
    # the fix not printed, applied: check reports exactly what the evidence said it would
    manifest = project / "Cargo.toml"
    manifest.write_text(manifest.read_text() + 'intel-mkl-src = { version = "0.8.1", features = ["mkl-static-lp64-iomp"] }\n')
    code, document = check(project, "-F", "intel-mkl-static-ilp64-iomp", "--root", mkl.debian_static, env=env)
    (two,) = by_id(document, "intel-mkl-src-config")
    assert "2 configurations (mkl-static-ilp64-iomp, mkl-static-lp64-iomp)" in two["title"]


def test_the_rejected_fix_gives_two_features_to_real_cargo(registry, tmp_path):  # noqa: F811
    project = corpus_project("ndarray-linalg", tmp_path)
    manifest = project / "Cargo.toml"
    manifest.write_text(manifest.read_text() + 'intel-mkl-src = { version = "0.8.1", features = ["mkl-static-lp64-iomp"] }\n')
    lock_with_cargo(project, registry)
    tree = cargo(project, {}, "tree", "--offline", "--locked", "-e", "features", "-i", "intel-mkl-src",
                 "--features", "intel-mkl-static-ilp64-iomp")
    assert tree.returncode == 0, tree.stderr
    assert sorted(set(re.findall(r'intel-mkl-src feature "(mkl-[a-z0-9-]+)"', tree.stdout))) == \
        ["mkl-static-ilp64-iomp", "mkl-static-lp64-iomp"]
    route = needs_of(project, features=("intel-mkl-static-ilp64-iomp",)).cargo_route  # resolved by cargo metadata now
    assert route.method == "cargo metadata --offline --locked" and "2 configurations" in route.problem


def test_features_as_cargo_takes_them_with_and_without_a_lock(registry, tmp_path):  # noqa: F811
    project = corpus_project("linfa", tmp_path)
    assert needs_of(project, features=("intel-mkl-system",)).cargo_config == "mkl-dynamic-lp64-seq"
    assert needs_of(project, features=("ndarray-linalg/intel-mkl-system",)).cargo_config == "mkl-dynamic-lp64-seq"
    assert needs_of(project, no_default_features=True).cargo_route is None  # linfa's default build has no MKL
    all_features = needs_of(project, all_features=True).cargo_route  # both MKL features: two configs
    assert "2 configurations" in all_features.problem
    lock_with_cargo(project, registry)
    locked = needs_of(project, features=("intel-mkl-system",)).cargo_route
    assert locked.method == "cargo metadata --offline --locked" and locked.config == "mkl-dynamic-lp64-seq"


def test_linfa_link_dynamic_is_never_no_problem(mkl, tmp_path):
    """--link dynamic picks linfa's intel-mkl-system; the pip copy has only versioned .so files, which
    intel-mkl-src cannot use: its build script fails, and check says so (issue 22)."""
    project = corpus_project("linfa", tmp_path)
    env = {**ENV, "HOME": str(tmp_path)}
    code, document = check(project, "--link", "dynamic", "--search", mkl.pip, env=env)
    (fails,) = by_id(document, "no-usable-mkl")
    assert code == 1 and "mkl-dynamic-lp64-seq" in fails["title"]
    assert "linfa 0.8.1 feature intel-mkl-system" in fails["evidence"][0]
    code, document = check(project, "--link", "dynamic", "--interface", "ilp64", "--search", mkl.pip, env=env)
    (differs,) = by_id(document, "build-differs-from-asked")
    assert "interface lp64, not the ilp64 asked for" in differs["title"]
