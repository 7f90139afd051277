"""MKL's shared layers of the pinned wheel named by path on a gcc line without -lm: ld says each layer's libm names
undefined, cabs and cabsf (complex.h's, libm's too) among them. One finding, -lm, which links."""

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
