"""Nothing from the input runs unless the user asks: libraries with a constructor, and real cargo.

The planted MKL below is a real gcc-built library whose constructor appends to a marker file and
which exports what the kernel probe calls (``cblas_sgemm``, ``vdExp``), so a probe linked with it
runs to the end. It sits where a project's last cargo build unpacked intel-mkl-src's download
(``target/release/build/intel-mkl-src-*/out``), in a ``--root`` sysroot, and beside a program;
``check`` and ``deps`` must leave the marker absent, and with ``--run`` run it and say so.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from mkldoctor.cli import app
from tests.conftest import run
from tests.test_deps import PROBE_C
from test_cargo_routes import registry  # noqa: F401,F811 - a fixture

PLANTED = r"""
#include <math.h>
#include <stdio.h>
__attribute__((constructor)) static void planted(void) {
    FILE *f = fopen(MARKER, "a");
    if (f) { fputs("ran\n", f); fclose(f); }
}
void cblas_sgemm(int o, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc) {
    for (int i = 0; i < m * n; i++) c[i] = a[i];  /* b is the identity in the probe */
}
void vdExp(int n, const double *x, double *y) { for (int i = 0; i < n; i++) y[i] = exp(x[i]); }
"""
NAMES = ("libmkl_rt.so", "libmkl_core.so", "libmkl_intel_lp64.so", "libmkl_sequential.so", "libmkl_intel_thread.so", "libiomp5.so")


def plant(folder: Path, marker: Path, work: Path) -> None:
    """The planted library under each name a probe links (and list counts as an MKL copy)."""
    folder.mkdir(parents=True, exist_ok=True)
    (work / "planted.c").write_text(PLANTED)
    for name in NAMES:
        run(["gcc", "-shared", "-fPIC", f'-DMARKER="{marker}"', "planted.c", "-o", str(folder / name),
             f"-Wl,-soname,{name}", "-lm"], cwd=work)


def invoke(*args, env=None):
    return CliRunner().invoke(app, [str(a) for a in args], env={"MKLROOT": None, "LD_LIBRARY_PATH": None, **(env or {})})


def ran(marker: Path) -> int:
    return marker.read_text().count("ran") if marker.exists() else 0


def kernels_evidence(document: dict, folder: Path) -> list[str]:
    return [line for f in document["findings"] if f["id"] == "kernels-missing" and str(folder) in f["title"]
            for line in f["evidence"]]


def test_check_never_runs_a_projects_cargo_out_dir(tmp_path):
    marker = tmp_path / "marker"
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "Cargo.toml").write_text('[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n\n'
                                        '[dependencies]\nintel-mkl-src = "0.6"\n')
    (project / "src/main.rs").write_text("fn main() {}\n")
    out = project / "target/release/build/intel-mkl-src-0123456789abcdef/out"
    plant(out, marker, tmp_path)
    result = invoke("check", project, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    assert ran(marker) == 0  # check read the copy, and ran nothing of it
    evidence = kernels_evidence(json.loads(result.stdout), out)
    assert any("is inside the project, whose files are not run without --run" in line for line in evidence), evidence
    # asked with --run: it runs, and the output says what
    result = invoke("check", project, "--format", "json", "--run")
    assert ran(marker) >= 1
    evidence = kernels_evidence(json.loads(result.stdout), out)
    assert any(f"--run: ran a program linked with the MKL in {out}" in line for line in evidence), evidence


def test_check_and_deps_never_run_a_sysroots_mkl(tmp_path):
    marker = tmp_path / "marker"
    root = tmp_path / "sysroot"
    lib = root / "opt/intel/oneapi/mkl/2026.2/lib"
    plant(lib, marker, tmp_path)
    (tmp_path / "probe.c").write_text(PROBE_C)
    (root / "app").mkdir()
    run(["gcc", "probe.c", "-o", str(root / "app/prog"), f"-L{lib}", "-l:libmkl_rt.so",
         "-Wl,--enable-new-dtags,-rpath,/opt/intel/oneapi/mkl/2026.2/lib"], cwd=tmp_path)
    project = tmp_path / "empty"
    project.mkdir()
    result = invoke("check", project, "--root", root, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    assert any("is inside --root, whose files are not run without --run" in line
               for line in kernels_evidence(document, root)), document["findings"]
    deps = invoke("deps", "/app/prog", "--root", root, "--format", "json")
    assert deps.exit_code in (0, 1), deps.output
    how = json.loads(deps.stdout)["kernels_how"]
    assert "not observed" in how and "--run" in how
    assert ran(marker) == 0
    # --run: the sysroot's own MKL runs, once per command, and each says so
    result = invoke("check", project, "--root", root, "--format", "json", "--run")
    assert ran(marker) == 1
    assert any("--run: ran a program linked with the MKL in" in line
               for line in kernels_evidence(json.loads(result.stdout), root))
    deps = invoke("deps", "/app/prog", "--root", root, "--format", "json", "--run")
    assert ran(marker) == 2
    assert f"--run: ran a program linked with the MKL in {lib}" in json.loads(deps.stdout)["kernels_how"]


def test_deps_never_runs_a_programs_own_copy(tmp_path):
    """A program shipped with its MKL beside it (DT_RUNPATH $ORIGIN/lib) on this machine: that copy is the
    program's, not one installed here; only --run runs it, or an installed copy named with --search."""
    marker = tmp_path / "marker"
    dist = tmp_path / "dist"
    plant(dist / "lib", marker, tmp_path)
    (tmp_path / "probe.c").write_text(PROBE_C)
    run(["gcc", "probe.c", "-o", str(dist / "app"), f"-L{dist / 'lib'}", "-l:libmkl_rt.so",
         "-Wl,--enable-new-dtags,-rpath,$ORIGIN/lib"], cwd=tmp_path)
    result = invoke("deps", dist / "app", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    assert "whose files are not run without --run" in json.loads(result.stdout)["kernels_how"]
    assert ran(marker) == 0
    named = invoke("deps", dist / "app", "--format", "json", "--search", dist / "lib")  # the user names it: it runs
    assert ran(marker) == 1 and "observed on this CPU" in json.loads(named.stdout)["kernels_how"]


# -- cargo: the project's configuration cannot name a program -------------------------------------

HOSTILE_CONFIG = """
include = ["more.toml"]
[build]
rustc = "./x.sh"
rustc-wrapper = "./x.sh"
rustc-workspace-wrapper = "./x.sh"
[target.x86_64-unknown-linux-gnu]
linker = "./x.sh"
runner = "./x.sh"
[env]
RUSTC_BOOTSTRAP = "1"
LD_PRELOAD = "{project}/evil.so"
[registry]
credential-provider = "{project}/x.sh"
[net]
git-fetch-with-cli = true
"""


def test_cargo_metadata_runs_no_program_the_project_names(registry, tmp_path):  # noqa: F811
    """A Cargo.lock and a .cargo/config.toml whose every program-naming key (and rust-toolchain.toml's path,
    and an executable named cargo at the project's top with "." on PATH) runs a script writing a marker."""
    from test_cargo_routes import EXPECTED, corpus_project
    from mkldoctor.diagnose.cargo_config import ISOLATION_NOTE

    marker = tmp_path / "marker"
    project = corpus_project("candle", tmp_path)
    (project / "vendor").symlink_to(registry)  # source replacement by a relative path, as `cargo vendor` writes it
    (project / ".cargo").mkdir()
    (project / ".cargo/config.toml").write_text('[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "vendor"\n')
    locked = run(["cargo", "generate-lockfile", "--offline"], cwd=project, check=False)
    assert locked.returncode == 0, locked.stderr
    script = f"#!/bin/sh\necho \"$0 $*\" >> {marker}\nexec rustc \"$@\"\n"
    for name in ("x.sh", "cargo", "rustc"):
        (project / name).write_text(script)
        (project / name).chmod(0o755)
    (project / "more.toml").write_text('[build]\nrustc = "./x.sh"\n')
    toolchain = project / "toolchain/bin"
    toolchain.mkdir(parents=True)
    for name in ("cargo", "rustc"):
        (toolchain / name).write_text(script)
        (toolchain / name).chmod(0o755)
    (project / "rust-toolchain.toml").write_text(f'[toolchain]\npath = "{project / "toolchain"}"\n')
    with (project / ".cargo/config.toml").open("a") as handle:
        handle.write(HOSTILE_CONFIG.format(project=project))
    # the reference: cargo run in the project the plain way runs the project's program
    plain = run(["cargo", "metadata", "--format-version", "1", "--offline", "--locked"], cwd=project, check=False)
    assert marker.exists(), plain.stderr
    marker.unlink()

    old = os.getcwd()
    os.chdir(project)  # check's default project "." with "." first on PATH: the project's ./cargo is not taken
    try:
        result = invoke("check", "--format", "json", env={"PATH": ".:" + os.environ["PATH"],
                                                                "XDG_CACHE_HOME": str(tmp_path / ".cache")})
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    assert not marker.exists(), marker.read_text()
    route = next(f for f in json.loads(result.stdout)["findings"] if f["id"] == "picked")
    evidence = "\n".join(route["evidence"])
    assert "[cargo metadata --offline --locked]" in evidence  # cargo itself resolved the route, source replacement kept
    assert ISOLATION_NOTE in evidence
    assert EXPECTED["candle"][1] in evidence  # the config cargo's resolve gives
    assert not list((tmp_path / ".cache/mkldoctor/cargo").iterdir())  # its private folder is gone


def test_cargo_is_not_run_when_its_folder_would_be_inside_the_project(registry, tmp_path):  # noqa: F811
    from test_cargo_routes import corpus_project, lock_with_cargo

    project = corpus_project("candle", tmp_path)
    lock_with_cargo(project, registry)
    result = invoke("check", project, "--format", "json", env={"XDG_CACHE_HOME": str(project / ".cache")})
    evidence = "\n".join(line for f in json.loads(result.stdout)["findings"] for line in f["evidence"])
    assert "cargo was not run: mkldoctor's cache folder is inside the project" in evidence
    assert "resolved from the files instead" in evidence


def test_explain_never_runs_a_program_a_log_names_nor_a_line_that_loads_one(mkl, tmp_path):
    """explain proves its fixes by running the failing link line (issue 21): only with the compiler on PATH, never
    with a program the log names (./cc here), nor with options that make gcc run or load another (-B)."""
    marker = tmp_path / "marker"
    evil = tmp_path / "evil"
    evil.mkdir()
    for name in ("cc", "ld"):  # a compiler the log names, and the ld that gcc -B<evil> would run
        script = evil / name
        script.write_text(f"#!/bin/sh\necho ran >> {marker}\nexec /usr/bin/{name if name == 'ld' else 'gcc'} \"$@\"\n")
        script.chmod(0o755)
    (tmp_path / "m.c").write_text("extern void hgemm_(void);\nint main(void) { hgemm_(); return 0; }\n")
    debian = mkl.debian_lib(mkl.debian_shared)
    prefix = tmp_path / "pfx"
    prefix.mkdir()
    (prefix / "libmkl_rt.so.3").symlink_to(mkl.pip_lib / "libmkl_rt.so.3")
    failed = run(["gcc", "m.c", "-o", "m", f"-L{debian}", "-lmkl_rt"], cwd=tmp_path, check=False)
    assert failed.returncode != 0 and "hgemm_" in failed.stderr
    probe = run(["gcc", f"-B{evil}/", "m.c", "-o", "m", f"-L{debian}", "-lmkl_rt"], cwd=tmp_path, check=False)
    assert marker.exists() and probe.returncode != 0  # -B really runs the folder's ld
    marker.unlink()
    for line in (f"{evil}/cc m.c -o m -L{debian} -lmkl_rt", f"gcc -B{evil}/ m.c -o m -L{debian} -lmkl_rt"):
        log = tmp_path / "build.log"
        log.write_text(line + "\n" + failed.stderr)
        result = CliRunner().invoke(app, ["explain", "--no-scan", "--format", "json", "--install", str(prefix), str(log)])
        evidence = [e for f in json.loads(result.stdout)["findings"] for e in f["evidence"]]
        assert not marker.exists(), line
        assert not any(e.startswith(("proven here", "not offered")) and "tried here" in e or e.startswith("proven here")
                       for e in evidence), evidence
