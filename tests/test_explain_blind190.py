"""Blind set 190's unrecognised answer (tests/data/explain_corpus/blind190.json, scored with the other sets in
test_explain_blind173): larql's troubleshooting, rustc asked for Apple's Accelerate framework on Windows because the crate
graph's BLAS feature was macOS's everywhere. Produced here with rustc, both of its words for it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests import blindset
from tests.test_explain_families import flat, only_error


def test_apples_framework_asked_for_on_another_target(tmp_path):
    said = only_error(blindset.log_of(blindset.entries(190), "larql"))
    assert said.id == "apple-framework-off-apple" and "intel-mkl-src" in said.fix[0], flat(said)
    rustc = shutil.which("rustc")
    if not rustc:
        pytest.skip("rustc missing")
    (tmp_path / "flag.rs").write_text("fn main() {}\n")  # a build script's cargo:rustc-link-lib=framework=Accelerate
    (tmp_path / "attr.rs").write_text('#[link(name = "Accelerate", kind = "framework")]\nextern "C" {}\nfn main() {}\n')
    for args in (["flag.rs", "-l", "framework=Accelerate"], ["attr.rs"]):
        ran = subprocess.run([rustc, *args, "--out-dir", str(tmp_path / "out")], cwd=tmp_path, capture_output=True,
                             text=True)
        assert ran.returncode != 0 and "only supported on Apple targets" in ran.stderr, ran.stderr
        assert only_error(ran.stderr).id == "apple-framework-off-apple", ran.stderr
