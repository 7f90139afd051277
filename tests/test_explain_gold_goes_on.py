"""gold, unlike ld.bfd, lld and mold, goes on past a library it cannot find and lists the names that library would have
defined: produced with gold and the pinned wheel, those names join the missing library's finding as its consequence (no
second finding that blames the link order or a missing OpenMP runtime)."""

from __future__ import annotations

from tests.test_explain_families import failed, flat, only_error

SOURCE = "extern void dgemm_(void);\nint main(void) { dgemm_(); return 0; }\n"


def test_gold_without_mkl_rt(tmp_path):
    (tmp_path / "t.c").write_text(SOURCE)
    (tmp_path / "empty").mkdir()
    log = failed(["gcc", "-fuse-ld=gold", "t.c", "-o", "t", f"-L{tmp_path / 'empty'}", "-lmkl_rt"], tmp_path)
    assert "cannot find -lmkl_rt" in log and "undefined reference to 'dgemm_'" in log, log
    finding = only_error(log)
    assert finding.id == "library-not-found", flat(finding)
    assert any(line.startswith("then dgemm_ undefined: the names that library would have defined") for line in finding.evidence)


def test_gold_without_the_openmp_runtimes_folder(tmp_path, mkl):
    (tmp_path / "t.c").write_text(SOURCE)
    archives = [str(mkl.pip_lib / f"libmkl_{n}.a") for n in ("intel_lp64", "intel_thread", "core")]
    line = ["gcc", "-fuse-ld=gold", "t.c", "-o", "t", "-Wl,--start-group", *archives, "-Wl,--end-group", "-liomp5",
            "-lpthread", "-lm", "-ldl"]
    log = failed(line, tmp_path)
    assert "cannot find -liomp5" in log and "undefined reference to '__kmpc_" in log, log
    finding = only_error(log)
    assert finding.id == "library-not-found" and "-liomp5" in finding.title, flat(finding)
    assert any("__kmpc_" in line and "the names that library would have defined" in line for line in finding.evidence)
