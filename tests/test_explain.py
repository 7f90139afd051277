"""``mkldoctor explain`` on logs produced in the test run by real gcc, ld, cargo and binaries.

No log here is typed in: each comes from a real link against the real MKL fixtures
(Debian 2020.4 without hgemm_, oneMKL 2026.2 from PyPI), or from running a real binary
without what it needs. The exceptions (the seed's own log, messages of a linker or a CPU this
machine lacks) are in tests/data/explain/, each with its source.
"""

from __future__ import annotations

import io
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from mkldoctor.explain import linkcmd, logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.findings import Finding, exit_status
from mkldoctor.inventory.locate import install_from_path
from mkldoctor.output.findings import render
from sarif_schema import valid_sarif

DATA = Path(__file__).resolve().parent / "data" / "explain"  # the logs no test run can make; their sources in README.md
SEED_LOG = DATA / "seed-link-error.log"


def cli(*args: str, env: dict | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "MKL_THREADING_LAYER", "LD_PRELOAD")}
    env.update(extra)
    return env


def make_log(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[int, str]:
    """Run a command as make does: echo it, then its output (stdout and stderr together)."""
    run = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    return run.returncode, shlex.join(cmd) + "\n" + run.stdout


def explain_text(text: str, installs=()) -> list[Finding]:
    return explain(logparse.parse_bytes(text.encode()), list(installs))


def by_id(findings: list[Finding], fid: str) -> list[Finding]:
    return [f for f in findings if f.id == fid]


def flat(finding: Finding) -> str:
    recipes = [line for recipe in finding.recipes for line in (f"recipe {recipe.name}:", *recipe.lines)]
    return "\n".join((finding.title, *finding.evidence, finding.explanation, *finding.fix, *finding.confirm, *recipes))


HGEMM_C = textwrap.dedent(
    """
    extern void hgemm_(const char*, const char*, const int*, const int*, const int*, const unsigned short*,
                       const unsigned short*, const int*, const unsigned short*, const int*, const unsigned short*,
                       unsigned short*, const int*);
    int half_gemm(void) {
        int n = 1; unsigned short a = 0x3c00, b = 0x3c00, c = 0, one = 0x3c00, zero = 0;
        hgemm_("N", "N", &n, &n, &n, &one, &a, &n, &b, &n, &zero, &c, &n);
        return c;
    }
    int main(void) { return half_gemm() == 0x3c00 ? 0 : 1; }
    """
)

SGEMM_C = textwrap.dedent(
    """
    #include <stdio.h>
    #include <mkl.h>
    int main(void) {
        float a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4] = {0};
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
        printf("%g\\n", c[3]);
        return c[3] == 4.0f ? 0 : 1;
    }
    """
)


@pytest.fixture(scope="module")
def work(tmp_path_factory, mkl):
    d = tmp_path_factory.mktemp("explain")
    (d / "h.c").write_text(HGEMM_C)
    (d / "t.c").write_text(SGEMM_C)
    subprocess.run(["gcc", "-g", "-c", "h.c", "-o", "h.o"], cwd=d, check=True)
    subprocess.run(["gcc", "-c", "t.c", "-o", "t.o", f"-I{mkl.pip}/include"], cwd=d, check=True)
    return d


# -- link time: gcc and GNU ld -------------------------------------------------------------


def test_gcc_hgemm_against_debian_2020_4(work, mkl):
    deb = mkl.debian_lib(mkl.debian_static)
    # -L Debian first and the pip copy second: the old copy wins the search
    rc, log = make_log(["gcc", "-o", "h", "h.o", f"-L{deb}", f"-L{mkl.pip_lib}", "-Wl,--start-group", "-lmkl_intel_lp64",
                        "-lmkl_sequential", "-lmkl_core", "-Wl,--end-group", "-lpthread", "-lm", "-ldl"], work)
    assert rc != 0 and "undefined reference to `hgemm_'" in log
    findings = explain_text(log)
    [finding] = by_id(findings, "missing-symbol")
    text = flat(finding)
    assert finding.severity == "error" and "hgemm_" in finding.title and "2021.4" in finding.title
    assert "half_gemm in h.o" in text  # who needed it, from ld's "in function" line
    assert f"the build uses MKL 2020.4 in {deb}" in text
    # the simulated -l search: Debian's archive found first, the pip one never looked at
    assert any(line.strip().startswith("1. -L") and str(deb) in line and "libmkl_intel_lp64.so found" in line for line in finding.evidence)
    assert any(str(mkl.pip_lib) in line and "never looked at" in line for line in finding.evidence)
    assert any(line.startswith("hgemm_ is defined by MKL 2026.2") for line in finding.evidence)
    assert any(line.startswith("not defined by MKL 2020.4") for line in finding.evidence)
    assert f"-L{mkl.pip_lib} before -L{deb}" in text
    assert any("-Wl,-y,hgemm_" in line for line in finding.confirm)
    assert exit_status(findings) == 1
    # the fix is right: with the order swapped, ld takes hgemm_ from the pip copy
    rc, log = make_log(["gcc", "-o", "h", "h.o", f"-L{mkl.pip_lib}", f"-L{deb}", "-Wl,-y,hgemm_", "-Wl,--start-group",
                        "-lmkl_intel_lp64", "-lmkl_sequential", "-lmkl_core", "-Wl,--end-group", "-lpthread", "-lm", "-ldl"], work)
    assert rc == 0, log
    assert f"{mkl.pip_lib}/libmkl_intel_lp64.a(_hgemm_lp64.o): definition of hgemm_" in log


def test_gcc_hgemm_only_debian_known_recipes_skip_debian(work, mkl):
    deb = mkl.debian_lib(mkl.debian_static)
    rc, log = make_log(["gcc", "-o", "h", "h.o", f"-L{deb}", "-Wl,--start-group", "-lmkl_intel_lp64", "-lmkl_sequential",
                        "-lmkl_core", "-Wl,--end-group", "-lpthread", "-lm", "-ldl"], work)
    assert rc != 0
    [finding] = by_id(explain_text(log), "missing-symbol")
    text = flat(finding)
    assert "mkl-devel>=2021.4" in text and "intel-oneapi-mkl-devel" in text  # the link was dynamic: -lmkl_* found .so files
    assert "not debian's libmkl-dev: it is MKL 2020.4" in text  # Debian's MKL cannot fix this


def test_gold_hgemm(work, mkl):
    deb = mkl.debian_lib(mkl.debian_static)
    rc, log = make_log(["gcc", "-fuse-ld=gold", "-o", "h", "h.o", f"-L{deb}", "-Wl,--start-group", "-lmkl_intel_lp64",
                        "-lmkl_sequential", "-lmkl_core", "-Wl,--end-group"], work)
    assert rc != 0
    parsed = logparse.parse_bytes(log.encode())
    [event] = parsed.of(logparse.UndefinedSymbol)
    assert event.symbol == "hgemm_" and event.linker == "gold"
    assert by_id(explain(parsed, []), "missing-symbol")


def test_static_link_with_the_archives_missing(work, mkl):
    shared = mkl.debian_lib(mkl.debian_shared)
    rc, log = make_log(["gcc", "-o", "t", "t.o", f"-L{shared}", "-Wl,-Bstatic", "-lmkl_intel_lp64", "-lmkl_sequential",
                        "-lmkl_core", "-Wl,-Bdynamic", "-lpthread", "-lm", "-ldl"], work)
    assert rc != 0 and "cannot find -lmkl_core" in log
    findings = explain_text(log)
    [finding] = by_id(findings, "library-not-found")  # one problem, not three lines
    text = flat(finding)
    assert "-lmkl_intel_lp64" in finding.title and "-lmkl_core" in finding.title
    assert "static archives are not installed" in finding.title
    assert f"1. -L {shared}: libmkl_core.so here, skipped: -Bstatic takes only libmkl_core.a" in text
    assert "libmkl-full-dev" in text and "mkl-static" in text and "intel-oneapi-mkl-devel" in text
    assert "--link dynamic" in text


def test_pc_file_names_archives_that_are_not_there(work, mkl):
    """Debian's libmkl-dev ships mkl-static-*.pc whose archives are in another package."""
    shared = mkl.debian_lib(mkl.debian_shared)
    pc = (shared / "pkgconfig" / "mkl-static-lp64-seq.pc").read_text()
    libs = next(line for line in pc.splitlines() if line.startswith("Libs:"))[5:]
    flags = shlex.split(libs.replace("${libdir}", str(shared)))
    rc, log = make_log(["gcc", "-o", "t", "t.o", *flags], work)
    assert rc != 0 and f"cannot find {shared}/libmkl_core.a" in log
    [finding] = by_id(explain_text(log), "library-not-found")
    assert "static archives are not installed" in finding.title
    assert f"the link line names {shared}/libmkl_core.a, and there is no such file" in finding.evidence


def test_versioned_only_shared_libraries(work, mkl):
    """-lmkl_rt against the wheels: only libmkl_rt.so.3, no development link."""
    rc, log = make_log(["gcc", "-o", "t", "t.o", f"-L{mkl.pip_lib}", "-lmkl_rt"], work)
    assert rc != 0
    [finding] = by_id(explain_text(log), "library-not-found")
    text = flat(finding)
    assert "only libmkl_rt.so.3: -lmkl_rt looks for libmkl_rt.so or libmkl_rt.a, never a versioned name" in text
    assert "mkldoctor link --link dynamic" in text


def test_intel_thread_without_libiomp5_at_link_time(work, mkl):
    lib = mkl.pip_lib
    rc, log = make_log(["gcc", "-o", "t", "t.o", f"-L{lib}", "-Wl,--no-as-needed", f"{lib}/libmkl_intel_lp64.so.3",
                        f"{lib}/libmkl_intel_thread.so.3", f"{lib}/libmkl_core.so.3", "-lpthread", "-lm", "-ldl"], work)
    assert rc != 0 and log.count("undefined reference") > 10
    findings = explain_text(log)
    assert [f.id for f in findings] == ["openmp-runtime-missing"]  # 48 lines, one problem
    text = flat(findings[0])
    assert "48 OpenMP runtime symbol(s) undefined: __kmpc_end_critical" in text
    assert f"needed by {lib}/libmkl_intel_thread.so.3" in text
    assert f"libiomp5 is in {lib}" in text
    assert f"-L{lib} -liomp5" in text
    assert "--threading sequential" in text


# -- cargo: GNU ld and rust-lld ---------------------------------------------------------------

BUILD_RS = textwrap.dedent(
    """
    // What intel-mkl-src prints for the feature mkl-static-lp64-iomp
    fn main() {
        println!("cargo:rerun-if-env-changed=MKL_LIB_DIR");
        println!("cargo:rerun-if-env-changed=IOMP5_DIR");
        println!("cargo:rustc-link-search=native={}", std::env::var("MKL_LIB_DIR").unwrap());
        if let Ok(dir) = std::env::var("IOMP5_DIR") {
            println!("cargo:rustc-link-search=native={}", dir);
        }
        for lib in ["mkl_intel_lp64", "mkl_intel_thread", "mkl_core", "iomp5"] {
            println!("cargo:rustc-link-lib=static={}", lib);
        }
    }
    """
)

CANDLE_LIB = textwrap.dedent(
    """
    extern "C" {
        fn hgemm_(transa: *const u8, transb: *const u8, m: *const i32, n: *const i32, k: *const i32,
                  alpha: *const u16, a: *const u16, lda: *const i32, b: *const u16, ldb: *const i32,
                  beta: *const u16, c: *mut u16, ldc: *const i32);
        fn sgemm_(transa: *const u8, transb: *const u8, m: *const i32, n: *const i32, k: *const i32,
                  alpha: *const f32, a: *const f32, lda: *const i32, b: *const f32, ldb: *const i32,
                  beta: *const f32, c: *mut f32, ldc: *const i32);
    }
    pub mod mkl {
        #[inline(never)]
        pub fn hgemm(x: u16) -> u16 {
            let (n, mut c) = (1i32, 0u16);
            unsafe { super::hgemm_(&b'N', &b'N', &n, &n, &n, &x, &x, &n, &x, &n, &0, &mut c, &n) };
            c
        }
        #[inline(never)]
        pub fn sgemm(x: f32) -> f32 {
            let (n, mut c) = (1i32, 0f32);
            unsafe { super::sgemm_(&b'N', &b'N', &n, &n, &n, &x, &x, &n, &x, &n, &0.0, &mut c, &n) };
            c
        }
    }
    """
)


@pytest.fixture(scope="module")
def crate(tmp_path_factory):
    """A workspace like candle's: a library crate calling hgemm_/sgemm_ and a binary using it."""
    if not shutil.which("cargo"):
        pytest.skip("cargo missing")
    d = tmp_path_factory.mktemp("cargo")
    (d / "Cargo.toml").write_text('[workspace]\nmembers = ["fakecandle", "app"]\nresolver = "2"\n')
    (d / "fakecandle/src").mkdir(parents=True)
    (d / "fakecandle/Cargo.toml").write_text('[package]\nname = "fakecandle"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n')
    (d / "fakecandle/build.rs").write_text(BUILD_RS)
    (d / "fakecandle/src/lib.rs").write_text(CANDLE_LIB)
    (d / "app/src").mkdir(parents=True)
    (d / "app/Cargo.toml").write_text(
        '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n[dependencies]\nfakecandle = { path = "../fakecandle" }\n'
    )
    (d / "app/src/main.rs").write_text(
        "fn main() { if std::env::args().count() > 9 { println!(\"{} {}\", fakecandle::mkl::hgemm(1), fakecandle::mkl::sgemm(1.0)); } }\n"
    )
    yield d
    for target in d.glob("target-*"):  # each holds an rlib of 800 MB (MKL's archives bundled in)
        shutil.rmtree(target, ignore_errors=True)


def cargo_env(mkl, target: Path, rustflags: str | None) -> dict:
    env = clean_env(MKL_LIB_DIR=str(mkl.debian_lib(mkl.debian_static)), IOMP5_DIR=str(mkl.pip_lib), CARGO_TARGET_DIR=str(target))
    env.pop("RUSTFLAGS", None)
    if rustflags:
        env["RUSTFLAGS"] = rustflags
    return env


def check_cargo_finding(findings: list[Finding], mkl) -> Finding:
    [finding] = by_id(findings, "missing-symbol")
    text = flat(finding)
    assert "hgemm_" in finding.title
    assert "fakecandle::mkl::hgemm in " in text and ".rlib(" in text and ".rcgu.o)" in text  # demangled, archive(member)
    assert f"the build uses MKL 2020.4 in {mkl.debian_lib(mkl.debian_static)}" in text
    assert any("never looked at" in line and str(mkl.pip_lib) in line for line in finding.evidence)
    assert f"export MKLROOT={mkl.pip}" in text
    assert "cargo clean -p intel-mkl-src" in text
    assert "intel-mkl-src" in finding.explanation
    assert any("-Wl,-y,hgemm_" in line and "cargo build" in line for line in finding.confirm)
    return finding


def test_cargo_with_gnu_ld(crate, mkl, monkeypatch):
    """`mkldoctor explain -- cargo build`: run the command, read its output, explain."""
    # the last -fuse-ld wins in gcc: GNU ld also where rustc's default is its own rust-lld (1.90+)
    env = cargo_env(mkl, crate / "target-ld", "-C link-arg=-fuse-ld=bfd")
    for key in ("MKL_LIB_DIR", "IOMP5_DIR", "CARGO_TARGET_DIR", "RUSTFLAGS"):
        monkeypatch.setenv(key, env[key])
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)
    result = cli("explain", "--format", "json", "--quiet", "--", "cargo", "build", "--offline",
                 "--manifest-path", str(crate / "Cargo.toml"))
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["schema"] == "mkldoctor.findings" and document["command"]["exit_status"] == 101
    findings = [Finding(**{**f, "evidence": tuple(f["evidence"]), "fix": tuple(f["fix"]), "confirm": tuple(f["confirm"])})
                for f in document["findings"]]
    finding = check_cargo_finding(findings, mkl)
    assert "/usr/bin/ld" not in finding.title
    parsed_linker = [line for line in finding.evidence if "needed by" in line]
    assert parsed_linker and "fakecandle-" in parsed_linker[0]
    # cargo's own echo of the failure is this finding's consequence, not a failure of its own (issue 21)
    assert any(line.startswith("then the log says: error: could not compile `app`") for line in finding.evidence)
    assert [f.id for f in findings if f.severity == "error"] == [finding.id]


def test_cargo_with_lld(crate, mkl, say):
    """lld's message: rust-lld where rustc has it (its default linker from 1.90 on), else the
    system's ld.lld (Debian's rustc ships no rust-lld)."""
    env = cargo_env(mkl, crate / "target-lld", None)
    run = subprocess.run(["cargo", "build", "--offline"], cwd=crate, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, errors="replace")
    assert run.returncode != 0
    if "rust-lld" not in run.stdout:
        env["RUSTFLAGS"] = "-C link-self-contained=+linker -C linker-features=+lld"
        run = subprocess.run(["cargo", "build", "--offline"], cwd=crate, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, errors="replace")
    if "rust-lld" not in run.stdout:
        say("this rustc has no rust-lld: linked with the system's ld.lld instead")
        env["RUSTFLAGS"] = "-C link-arg=-fuse-ld=lld"
        run = subprocess.run(["cargo", "build", "--offline"], cwd=crate, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, errors="replace")
        assert "ld.lld: error:" in run.stdout, run.stdout[-2000:]
    assert "undefined symbol: hgemm_" in run.stdout
    parsed = logparse.parse_bytes(run.stdout.encode())
    [event] = parsed.of(logparse.UndefinedSymbol)
    assert event.linker == "lld" and event.function == "fakecandle::mkl::hgemm" and event.member.endswith(".rcgu.o")
    check_cargo_finding(explain(parsed, []), mkl)


def test_cargo_static_archives_missing(crate, mkl):
    """intel-mkl-src's static feature pointed at an MKL without archives: rustc itself stops."""
    env = cargo_env(mkl, crate / "target-noarchive", None)
    env["MKL_LIB_DIR"] = str(mkl.debian_lib(mkl.debian_shared))
    del env["IOMP5_DIR"]  # with the wheels' folder second, rustc would take their archives (and succeed)
    run = subprocess.run(["cargo", "build", "--offline"], cwd=crate, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, errors="replace")
    assert run.returncode != 0 and "could not find native static library `mkl_intel_lp64`" in run.stdout
    findings = explain_text(run.stdout, [install_from_path(str(mkl.debian_shared))])
    [finding] = by_id(findings, "library-not-found")
    assert "static archives are not installed" in finding.title
    assert any("cargo:rustc-link-search" in line for line in finding.evidence)
    assert "libmkl-full-dev" in flat(finding)


def test_mold_and_lld_messages():
    """mold is not installed here: its two messages as mold 1.x/2.x print them."""
    parsed = logparse.parse_bytes((DATA / "mold-lld.log").read_bytes())
    [undefined] = parsed.of(logparse.UndefinedSymbol)
    assert (undefined.linker, undefined.referenced_from, undefined.function, undefined.location) == ("mold", "h.o", "half_gemm", "h.c:2")
    assert [(m.name, m.linker) for m in parsed.of(logparse.MissingLibrary)] == [("mkl_core", "mold"), ("mkl_sequential", "lld")]


def test_seed_log(mkl):
    """The seed's own log: candle, GNU ld, no command line; the MKL copies given with --install."""
    result = cli("explain", str(SEED_LOG), "--install", str(mkl.debian_static), "--install", str(mkl.pip))
    assert result.exit_code == 1
    out = result.stdout
    assert "error[missing-symbol]: hgemm_ is not in the MKL the build uses" in out
    assert "hgemm_ needed by candle_core::mkl::hgemm in /workspaces/Kuberian/searcher/target/debug/deps/libcandle_core-0afc8671b4dae8af.rlib" in out
    assert "candle-core/src/mkl.rs:162" in out
    assert f"defined by MKL 2026.2 in {mkl.pip_lib}" in out
    assert f"not defined by MKL 2020.4 in {mkl.debian_lib(mkl.debian_static)}" in out
    assert "first appears in MKL 2021.4" in out
    assert "downloads its own MKL 2020.1" in out
    assert f"export MKLROOT={mkl.pip}" in out and "cargo clean -p intel-mkl-src" in out
    assert out.count("error[") == 1


def test_seed_log_alone_gives_install_recipes():
    findings = explain(logparse.parse(open(SEED_LOG, "rb")), [])
    [finding] = findings
    text = flat(finding)
    assert "intel-oneapi-mkl-devel" in text and "mkl-static>=2021.4" in text
    assert "'... oneapi all main'" in text  # the repository to add first
    assert "cargo clean -p intel-mkl-src" in text


# -- run time -------------------------------------------------------------------------------------


def test_binary_run_without_its_loader_path(work, mkl):
    rc, build = make_log(["gcc", "-o", "rt", "t.o", f"{mkl.pip_lib}/libmkl_rt.so.3", "-lpthread", "-lm", "-ldl"], work)
    assert rc == 0, build
    run = subprocess.run(["./rt"], cwd=work, env=clean_env(), capture_output=True, text=True)
    assert run.returncode == 127 and "error while loading shared libraries: libmkl_rt.so.3" in run.stderr
    findings = explain_text(build + "./rt\n" + run.stderr)  # as `make && ./rt` prints it
    [finding] = by_id(findings, "loader-cannot-find")
    text = flat(finding)
    assert finding.title == "the loader cannot find libmkl_rt.so.3"
    assert "./rt has no DT_RPATH and no DT_RUNPATH" in text or "is not readable here" in text
    assert "ld.so.cache /etc/ld.so.cache: no libmkl_rt.so.3 (ldconfig -p)" in text
    assert f"libmkl_rt.so.3 is in MKL 2026.2 in {mkl.pip_lib}" in text
    assert f"export LD_LIBRARY_PATH={mkl.pip_lib}" in text and f"-Wl,-rpath,{mkl.pip_lib}" in text
    # the binary by its full path: its dynamic section is read
    run = subprocess.run([str(work / "rt")], env=clean_env(), capture_output=True, text=True)
    [finding] = by_id(explain_text(run.stderr, [install_from_path(str(mkl.pip))]), "loader-cannot-find")
    assert f"{work / 'rt'} has no DT_RPATH and no DT_RUNPATH" in [line.strip() for line in finding.evidence]
    # and the fix works
    fixed = subprocess.run([str(work / "rt")], env=clean_env(LD_LIBRARY_PATH=str(mkl.pip_lib)), capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr


def test_rpath_binary_still_failing_is_explained_step_by_step(work, mkl, tmp_path):
    rc, build = make_log(["gcc", "-o", "rp", "t.o", f"{mkl.pip_lib}/libmkl_rt.so.3", f"-Wl,-rpath,{tmp_path}", "-lpthread", "-lm", "-ldl"], work)
    assert rc == 0, build
    run = subprocess.run([str(work / "rp")], env=clean_env(), capture_output=True, text=True)
    [finding] = by_id(explain_text(run.stderr, [install_from_path(str(mkl.pip))]), "loader-cannot-find")
    assert any(line.strip() == f"1. DT_RUNPATH {tmp_path}: no libmkl_rt.so.3" for line in finding.evidence)


def test_libmkl_rt_without_its_kernel_libraries(work, mkl, tmp_path):
    alone = tmp_path / "bundle"
    alone.mkdir()
    shutil.copy(mkl.pip_lib / "libmkl_rt.so.3", alone)
    rc, build = make_log(["gcc", "-o", "rt", "t.o", f"{mkl.pip_lib}/libmkl_rt.so.3", "-lpthread", "-lm", "-ldl"], work)
    assert rc == 0
    run = subprocess.run([str(work / "rt")], env=clean_env(LD_LIBRARY_PATH=str(alone)), capture_output=True, text=True)
    assert run.returncode != 0 and "Cannot load" in run.stdout + run.stderr
    findings = explain_text(run.stdout + run.stderr, [install_from_path(str(mkl.pip))])
    [finding] = findings
    assert finding.id == "mkl-cannot-load-kernels"
    text = flat(finding)
    assert f"{alone} holds: libmkl_rt.so.3" in text
    assert f"libmkl_core.so.3 is in {mkl.pip_lib}" in text
    assert f"export LD_LIBRARY_PATH={mkl.pip_lib}" in text


def test_intel_thread_without_libiomp5_at_run_time(work, mkl, tmp_path):
    """libmkl_rt choosing the INTEL layer where libiomp5 is not on the loader path."""
    noiomp = tmp_path / "noiomp"
    noiomp.mkdir()
    for lib in mkl.pip_lib.glob("libmkl_*.so.3"):
        (noiomp / lib.name).symlink_to(lib)
    rc, build = make_log(["gcc", "-o", "rt", "t.o", f"{mkl.pip_lib}/libmkl_rt.so.3", "-lpthread", "-lm", "-ldl"], work)
    assert rc == 0
    run = subprocess.run([str(work / "rt")], env=clean_env(LD_LIBRARY_PATH=str(noiomp), MKL_THREADING_LAYER="INTEL"),
                         capture_output=True, text=True)
    assert run.returncode != 0 and "symbol lookup error" in run.stderr and "omp_" in run.stderr
    findings = explain_text(run.stderr, [install_from_path(str(mkl.pip))])
    [finding] = findings
    assert finding.id == "openmp-runtime-missing"
    text = flat(finding)
    assert "libmkl_intel_thread.so.3 was loaded without Intel's OpenMP runtime" in finding.title
    assert "no OpenMP runtime among them" in text
    assert f"libiomp5 is in {mkl.pip_lib}" in text and "MKL_THREADING_LAYER=SEQUENTIAL" in text


def test_runtime_messages_from_mkl_and_openmp():
    """Messages that need a machine without the right CPU or a second runtime: their exact text."""
    log = (DATA / "mkl-openmp-runtime.log").read_text()
    ids = [f.id for f in explain_text(log)]
    assert ids == ["mkl-cannot-load-kernels", "openmp-duplicate", "threading-layer-conflict", "mkl-parameter-error"]
    [kernels] = by_id(explain_text(log), "mkl-cannot-load-kernels")
    assert "libmkl_avx2.so.2" in kernels.title


# -- logs as they come ---------------------------------------------------------------------------


def test_ansi_crlf_and_wrapped_lines_give_the_same_events():
    raw = SEED_LOG.read_text()
    base = logparse.parse_bytes(raw.encode()).events
    assert [type(e).__name__ for e in base] == ["UndefinedSymbol", "FollowOn"]  # hgemm_, then collect2's echo
    for width in (80, 100, 120, 132):
        wrapped = "\n".join(line[i:i + width] for line in raw.split("\n") for i in range(0, max(len(line), 1), width))
        noisy = wrapped.replace("undefined reference", "\x1b[1m\x1b[31mundefined reference\x1b[0m").replace("\n", "\r\n")
        assert logparse.parse_bytes(wrapped.encode()).events == base, width
        assert logparse.parse_bytes(noisy.encode()).events == base, width
    progress = "   Compiling app v0.1.0\r    Building [=====>   ] 3/4: app\r" + raw
    assert logparse.parse_bytes(progress.encode()).events == base


def test_distinct_events_are_counted_not_repeated():
    line = "/usr/bin/ld: x.o: in function `f':\nx.c:1: undefined reference to `hgemm_'\n"
    parsed = logparse.parse_bytes((line * 5000).encode())
    assert len(parsed.events) == 1 and parsed.counts[parsed.events[0]] == 5000
    many = "".join(f"/usr/bin/ld: x.o:(.text+0x{i:x}): undefined reference to `sym{i}'\n" for i in range(5000))
    parsed = logparse.parse(io.BytesIO(many.encode()), max_distinct=100)
    assert len(parsed.events) == 100 and parsed.dropped == 4900


def test_ten_megabytes_of_binary_junk(tmp_path):
    rng = random.Random(5)
    junk = tmp_path / "junk.log"
    with open(junk, "wb") as handle:
        for _ in range(10):
            handle.write(rng.randbytes(1 << 20))
    parsed = logparse.parse(open(junk, "rb"))
    assert parsed.bytes == 10 << 20
    assert parsed.events == []
    result = cli("explain", str(junk))  # no text, no failure read: not a log, rather than "no problem found"
    assert result.exit_code == 2 and "no MKL link or load problem" not in result.stdout
    assert result.stderr.count("\n") == 1 and f"{junk}: not a text log (" in result.stderr


@pytest.mark.mkl
def test_an_object_file_given_as_the_log_is_refused_before_it_is_read(tmp_path, mkl):
    """MKL's own library, copied without its execute bit (else explain would run it as a command), and MKL's static archive:
    their strings are MKL's own messages, which had been read as a log's errors (three findings for libmkl_rt); one
    line, exit 2, pointing at symbols."""
    rt = tmp_path / "libmkl_rt.so.3"
    shutil.copyfile(next(mkl.pip_lib.glob("libmkl_rt.so.*")), rt)
    for path, what in ((rt, "an ELF file"), (mkl.pip_lib / "libmkl_core.a", "a static archive")):
        result = cli("explain", str(path), "--no-scan")
        assert result.exit_code == 2 and result.stdout == "", result.stdout[:400]
        assert result.stderr.count("\n") == 1 and f"{path}: {what}" in result.stderr and "mkldoctor symbols" in result.stderr


@pytest.mark.mkl
def test_a_shared_library_with_its_execute_bit_is_refused_not_run(tmp_path, mkl):
    """The wheel's libmkl_rt.so.3 as installed has its execute bit: it is a library, not a program, so it is refused as
    an object file rather than run (it had been run, and crashed with SIGSEGV); a program built here is run after --."""
    rt = next(mkl.pip_lib.glob("libmkl_rt.so.*"))
    assert os.access(rt, os.X_OK)
    result = cli("explain", str(rt), "--no-scan")
    assert result.exit_code == 2 and result.stdout == "" and "an ELF file" in result.stderr, result.stdout[:400]
    mark = tmp_path / "ran"
    (tmp_path / "ok.c").write_text(f'#include <stdio.h>\nint main(void) {{ fclose(fopen("{mark}", "w")); return 0; }}\n')
    subprocess.run(["gcc", "ok.c", "-o", "ok"], cwd=tmp_path, check=True)
    ran = cli("explain", "--no-scan", "--", str(tmp_path / "ok"))
    assert ran.exit_code == 0 and mark.exists(), ran.stdout[:400]


def test_a_text_log_with_no_failure_and_one_mostly_binary_with_one_are_read(tmp_path):
    clean = tmp_path / "clean.log"
    clean.write_text("gcc -o app app.c -lm\nBuild finished: 1 target, café\n")
    result = cli("explain", "--no-scan", str(clean))
    assert result.exit_code == 0 and "no MKL link or load problem" in result.stdout
    mixed = tmp_path / "mixed.log"  # mostly binary, but a failure in it is read and reported
    mixed.write_bytes(random.Random(9).randbytes(200_000) + b"\n" + SEED_LOG.read_bytes())
    result = cli("explain", "--no-scan", str(mixed))
    assert result.exit_code == 1 and "hgemm_" in result.stdout


def test_junk_around_a_real_message_and_an_endless_line(tmp_path):
    rng = random.Random(7)
    message = SEED_LOG.read_bytes()
    data = rng.randbytes(300_000) + b"\n" + message + b"x" * (logparse.MAX_LINE * 2) + b"\n" + message
    parsed = logparse.parse_bytes(data)
    assert parsed.cut_lines == 1
    assert [e.symbol for e in parsed.of(logparse.UndefinedSymbol)] == ["hgemm_"]


def test_link_commands_from_make_cmake_ninja_and_rustc():
    log = (DATA / "link-commands.log").read_text()
    commands = logparse.parse_bytes(log.encode()).of(logparse.LinkCommand)
    assert [c.tool for c in commands] == ["cc", "gcc", "cc"]
    first, second, third = commands
    assert first.lib_dirs == ("/opt/a",) and first.rpaths == ("/opt/a",)
    assert first.libs == (logparse.LibRequest("mkl_core", True), logparse.LibRequest("m", False))
    assert second.lib_dirs == ("/opt/b",) and second.libs == (logparse.LibRequest(":libmkl_rt.so.3", False, True),)
    assert third.omitted and third.lib_dirs == ("/opt/c",) and third.requests("mkl_core")[0].static


# -- output formats and exit codes ---------------------------------------------------------------


def test_formats(mkl):
    for fmt in ("json", "junit", "github", "text", "sarif"):
        result = cli("explain", str(SEED_LOG), "--format", fmt)
        assert result.exit_code == 1, result.output
        out = result.stdout
        if fmt == "json":
            document = json.loads(out)
            assert document["schema"] == "mkldoctor.findings" and document["version"] == 2
            assert set(document["findings"][0]) == {"id", "severity", "title", "evidence", "fix", "explanation", "confirm", "recipes",
                                                    "locations"}
            (where,) = document["findings"][0]["locations"]  # the log's line that says so
            assert "undefined reference to `hgemm_'" in SEED_LOG.read_text().splitlines()[where["line"] - 1]
        elif fmt == "sarif":
            (result,) = valid_sarif(out)["runs"][0]["results"]
            assert result["ruleId"] == "missing-symbol" and result["locations"][0]["physicalLocation"]["region"]["startLine"] == where["line"]
        elif fmt == "junit":
            root = ET.fromstring(out)
            suite = root.find("testsuite")
            assert suite.get("failures") == "1" and suite.find("testcase/failure") is not None
        elif fmt == "github":
            assert out.startswith("::error file=") and f",line={where['line']},title=missing-symbol%3A hgemm_ is not in the MKL the build uses" in out
            assert out.count("\n") == 1  # one annotation, newlines escaped
        else:
            assert out.startswith("error[missing-symbol]")


def test_no_color_and_colour_on_a_terminal(monkeypatch):
    finding = Finding("x", "error", "title", ("evidence",), ("fix",))
    out = io.StringIO()
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")  # rich leaves a dumb terminal uncoloured even when forced
    monkeypatch.delenv("NO_COLOR", raising=False)
    render([finding], "text", out)
    assert "\x1b[" in out.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    render([finding], "text", out)
    assert "\x1b[31" not in out.getvalue() and "\x1b[1;31" not in out.getvalue()


def _real(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """The installed program in a process of its own: the exit status the operating system sees."""
    return subprocess.run([sys.executable, "-m", "mkldoctor", *args], input=stdin, capture_output=True, timeout=600)


def test_exit_codes(tmp_path):
    """Each exit path of the real program: the status, and what it says (one line on stderr, no traceback)."""
    clean = tmp_path / "ok.log"
    shutil.copy(DATA / "cargo-clean.log", clean)
    done = _real("explain", str(clean))
    assert done.returncode == 0 and done.stdout.decode().strip() == "no MKL link or load problem found in the input"
    done = _real("explain", "--format", "junit", str(clean))
    suite = ET.fromstring(done.stdout).find("testsuite")
    assert done.returncode == 0 and (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("1", "0", "0")
    usage = {  # arguments -> the one line that says what is wrong
        (str(tmp_path / "missing.log"),): f"mkldoctor: {tmp_path / 'missing.log'}: no such log file",
        (): "mkldoctor: give a LOG file, - for standard input, or -- COMMAND ARGS...",
        (str(tmp_path),): f"mkldoctor: {tmp_path}: is a folder, not a log",
        ("--install", str(tmp_path), str(clean)): f"mkldoctor: --install {tmp_path}: no MKL library",  # no MKL there
    }
    for args, said in usage.items():
        done = _real("explain", *args)
        lines = done.stderr.decode().strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith(said), (args, done.stderr)
        assert done.stdout == b"", args  # nothing half-written
    done = _real("explain", "--format", "yaml", str(clean))
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    (line,) = done.stderr.decode().splitlines()  # one line, naming the choices and how the command was run
    assert line == ("mkldoctor: Invalid value for '--format': 'yaml' is not one of 'text', 'json', 'junit', 'github', "
                    "'sarif' (see python -m mkldoctor explain -h)")
    done = _real("explain", "-", stdin=SEED_LOG.read_bytes())
    assert done.returncode == 1 and done.stdout.decode().startswith("error[missing-symbol]: hgemm_ is not in the MKL")


def test_explain_runs_a_command_that_succeeds(tmp_path):
    """The command really runs (it leaves a file and three lines), and its clean output gives exit 0."""
    marker = tmp_path / "ran"
    script = f"touch {marker}; echo '   Compiling app v0.1.0'; echo 'linking app'; echo '    Finished release'"
    result = cli("explain", "--no-scan", "--format", "json", "--", "sh", "-c", script)
    assert result.exit_code == 0, result.output
    assert marker.exists()
    document = json.loads(result.stdout)
    assert document["command"] == {"argv": ["sh", "-c", script], "exit_status": 0}
    assert document["lines"] == 3 and document["findings"] == []
    result = cli("explain", "--", "no-such-command-mkldoctor")
    assert result.exit_code == 2 and "no-such-command-mkldoctor: no such command" in result.stderr


def test_explain_exits_non_zero_when_the_command_failed(tmp_path):
    """A failed command is never green, even when nothing in its output is recognised (issue 12, item 6)."""
    result = cli("explain", "--no-scan", "--quiet", "--", "sh", "-c", "echo all quiet here; exit 3")
    assert result.exit_code == 1, result.output
    assert "error[command-failed]: sh exited with status 3" in result.stdout and "all quiet here" in result.stdout
    result = cli("explain", "--no-scan", "--format", "json", "--", "sh", "-c", "exit 3")
    document = json.loads(result.stdout)
    assert result.exit_code == 1 and document["command"]["exit_status"] == 3
    assert [f["id"] for f in document["findings"]] == ["command-failed"]
    result = cli("explain", "--no-scan", "--timeout", "0.5", "--quiet", "--", "sleep", "5")
    assert result.exit_code == 1 and "killed after --timeout 0.5s" in result.stdout


def test_fast_command_tokens_equal_shlex():
    """Lines without escapes or single quotes skip shlex; the tokens must be shlex's (seeded random lines)."""
    rng = random.Random(9)
    pieces = ["cc", "-m64", "-L", "/opt/mkl lib", "-lmkl_core", "-Wl,-Bstatic", "a.o", "-o", "app", "<1 object files omitted>", "x=y"]
    for _ in range(300):
        args = [rng.choice(pieces) for _ in range(rng.randrange(1, 12))]
        line = " ".join(f'"{a}"' if rng.random() < 0.6 or " " in a else a for a in args)
        line = line.replace('"-L" "', '-L"', 1) if rng.random() < 0.3 else line  # a quote glued to an option
        fast = [t.replace('"', "") for t in linkcmd._TOKEN.findall(line)]
        assert fast == shlex.split(line), line
