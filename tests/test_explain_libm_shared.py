"""MKL's shared layers of the pinned wheel named by path on a gcc line without -lm: ld says each layer's libm names
undefined, cabs and cabsf (complex.h's, libm's too) among them. One finding, -lm, which links; and gold's link of the
shared layers with the static core: one finding of the mix."""

from __future__ import annotations

from tests.test_explain_families import failed, flat, only_error, run, clean_env

SOURCE = "extern void dgemm_(void);\nint main(void) { dgemm_(); return 0; }\n"


def test_shared_layers_without_libm(tmp_path, mkl):
    (tmp_path / "t.c").write_text(SOURCE)
    layers = [str(next(mkl.pip_lib.glob(f"libmkl_{n}.so.*"))) for n in ("intel_lp64", "gnu_thread", "core")]
    line = ["gcc", "t.c", "-o", "t", *layers, "-lgomp", f"-Wl,-rpath,{mkl.pip_lib}"]
    log = failed(line, tmp_path)
    assert "undefined reference to `cabs'" in log or "undefined reference to `cabsf'" in log, log
    finding = only_error(log)
    assert finding.id == "system-libraries-missing" and finding.title.endswith("the link line lacks -lm"), flat(finding)
    assert finding.fix[0].startswith("add -lm at the end of the link line (after MKL's libraries)")
    assert "--link static" not in finding.fix[1]
    code, out = run([*line, "-lm"], tmp_path, clean_env())
    assert code == 0, out


def test_shared_layers_with_the_static_core_by_gold(tmp_path, mkl):
    """gold names only the archive's undefined name (BLACS' MPI wrapper), not the shared layer's: the command explain ran
    shows both kinds on one line, and the finding is the mix."""
    import json

    from typer.testing import CliRunner

    from mkldoctor.cli import app

    (tmp_path / "t.c").write_text(SOURCE)
    layers = [str(next(mkl.pip_lib.glob(f"libmkl_{n}.so.*"))) for n in ("intel_lp64", "sequential")]
    line = ["gcc", "-fuse-ld=gold", str(tmp_path / "t.c"), "-o", str(tmp_path / "t"), *layers, str(mkl.pip_lib / "libmkl_core.a"),
            "-lpthread", "-lm", "-ldl"]
    document = json.loads(CliRunner().invoke(app, ["explain", "--format", "json", "--no-scan", "--", *line]).stdout)
    [finding] = [f for f in document["findings"] if f["severity"] == "error"]
    assert finding["id"] == "mkl-kinds-mixed" and "libmkl_core.a" in finding["title"], finding
