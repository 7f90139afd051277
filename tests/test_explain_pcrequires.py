"""MKL's .pc file whose Requires pkg-config cannot find (the pinned wheel's mkl-dynamic-lp64-tbb.pc and tbb.pc, which is
not there), produced with the real pkg-config and gcc in one shell, as a build runs them; the configuration the fix names
(-seq) links."""

from __future__ import annotations

import shutil

import pytest

from tests.test_explain_families import clean_env, errors_of, flat, run

pytestmark = pytest.mark.skipif(shutil.which("pkg-config") is None, reason="needs pkg-config")


def _build(tmp_path, mkl, pc: str) -> tuple[int, str]:
    (tmp_path / "s.c").write_text("extern void dgemm_(void); int main(void) { dgemm_(); return 0; }\n")
    return run(["sh", "-c", f"gcc s.c -o s $(pkg-config --libs {pc})"], tmp_path,
               clean_env(PKG_CONFIG_PATH=str(mkl.pip_lib / "pkgconfig")))


def test_an_mkl_pc_whose_threading_runtime_pc_is_missing(tmp_path, mkl):
    code, log = _build(tmp_path, mkl, "mkl-dynamic-lp64-tbb")
    assert code != 0 and "required by 'mkl-dynamic-lp64-tbb'" in log, log
    findings = errors_of(log)
    assert [f.id for f in findings] == ["mkl-pc-requires-missing"], [(f.id, f.title) for f in findings]
    assert any("dgemm_" in line and "follow from it" in line for line in findings[0].evidence), flat(findings[0])
    other = findings[0].fix[1].split(": ", 1)[1].split(" ")[0]
    assert other == "mkl-dynamic-lp64-seq" and _build(tmp_path, mkl, other)[0] == 0


def test_meson_asking_for_the_tbb_configuration(tmp_path, mkl):
    """The venv's meson and the pinned wheel's .pc files: meson's own words do not say which .pc failed; the finding says
    both, and meson-log.txt holds pkg-config's own words (the -seq configuration configures)."""
    from tests.build_projects import _meson

    (tmp_path / "s.c").write_text("extern void dgemm_(void); int main(void) { dgemm_(); return 0; }\n")

    def setup(name: str) -> tuple[int, str]:
        (tmp_path / "meson.build").write_text(f"project('p', 'c')\nexecutable('s', 's.c', dependencies: dependency('{name}'))\n")
        shutil.rmtree(tmp_path / "b", ignore_errors=True)
        return run([_meson(), "setup", "b"], tmp_path, clean_env(PKG_CONFIG_PATH=str(mkl.pip_lib / "pkgconfig")))

    code, log = setup("mkl-dynamic-lp64-tbb")
    assert code != 0 and 'Dependency "mkl-dynamic-lp64-tbb" not found' in log, log
    [finding] = errors_of(log)
    assert finding.id == "meson-dependency-not-found" and "the tbb.pc it requires" in finding.title, flat(finding)
    assert "required by 'mkl-dynamic-lp64-tbb'" in (tmp_path / "b" / "meson-logs" / "meson-log.txt").read_text()
    assert setup("mkl-dynamic-lp64-seq")[0] == 0
