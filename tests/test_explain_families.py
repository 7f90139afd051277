"""The corpus, part 3: issue 21's families, each produced for real in the test run and explained.

A cargo build script that panics (a local ``-sys`` crate that looks for MKL as such crates do), rust-lld's
``undefined symbol: hgemm_`` block against Debian's MKL 2020.4, a real project's own CMake finder that finds
no MKL (GROMACS's slice in tests/data/build-projects), cmake given a variable without ``-D``, a Python
extension that links MKL 2020.4's layers and is imported without RTLD_GLOBAL (its CPU kernel sees no core),
an LP64 program run with MKL's ILP64 interface (``Parameter 3 was incorrect``), and MKL's libraries named
before the objects in an ``--as-needed`` link. Where the fix can run here, it is run and must work. Windows
and macOS come from public reports only (tests/test_explain_corpus.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.findings import Finding

DATA = Path(__file__).parent / "data"


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "MKL_THREADING_LAYER", "MKL_INTERFACE_LAYER",
                                                             "LD_PRELOAD", "MKLROOT", "PKG_CONFIG_PATH", "CMAKE_PREFIX_PATH")}
    env.update(extra)
    return env


def run(cmd: list[str], cwd: Path, env: dict) -> tuple[int, str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    return done.returncode, done.stdout


def failed(cmd: list[str], cwd: Path, env: dict | None = None) -> str:
    """The output of a command that must fail: a failure produced here with the real tool."""
    code, out = run(cmd, cwd, clean_env() if env is None else env)
    assert code != 0, out
    return out


def errors_of(log: str) -> list[Finding]:
    """The log explained as one from another machine: no MKL copy of this one is given (explain --no-scan)."""
    return [f for f in explain(logparse.parse_bytes(log.encode()), []) if f.severity == "error"]


def only_error(log: str) -> Finding:
    """The one error finding of a log explained as one from another machine."""
    findings = errors_of(log)
    assert len(findings) == 1, [(f.id, f.title) for f in findings]
    return findings[0]


def flat(finding: Finding) -> str:
    return "\n".join((finding.title, *finding.evidence, finding.explanation, *finding.fix, *finding.confirm))


# -- cargo ----------------------------------------------------------------------------------------------

BUILD_RS = textwrap.dedent(
    """
    use std::{env, fs, path::Path, process::Command};
    fn found(dir: &Path) -> bool {
        fs::read_dir(dir).map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with("libmkl_rt.so"))).unwrap_or(false)
    }
    fn main() {
        println!("cargo:rerun-if-env-changed=MKLROOT");
        if let Ok(out) = Command::new("pkg-config").args(["--libs", "mkl-dynamic-lp64-seq"]).output() {
            if out.status.success() { return; }
        }
        if let Ok(root) = env::var("MKLROOT") {
            if found(&Path::new(&root).join("lib")) { return; }
        }
        for dir in ["/opt/intel/oneapi/mkl/latest/lib", "/opt/intel/mkl/lib/intel64"] {
            println!("Checking {dir}");
            if found(Path::new(dir)) { return; }
        }
        panic!("MKL not found: set MKLROOT or install mkl-dynamic-lp64-seq.pc");
    }
    """
)


def test_a_build_script_that_panics_is_named_with_its_message(tmp_path, mkl):
    crate, app = tmp_path / "mklprobe-sys", tmp_path / "app"
    (crate / "src").mkdir(parents=True)
    (app / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text('[package]\nname = "mklprobe-sys"\nversion = "0.3.1"\nedition = "2021"\nlinks = "mkl_rt"\n')
    (crate / "src/lib.rs").write_text("")
    (crate / "build.rs").write_text(BUILD_RS)
    (app / "Cargo.toml").write_text('[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n'
                                    '[dependencies]\nmklprobe-sys = { path = "../mklprobe-sys" }\n')
    (app / "src/main.rs").write_text("fn main() {}\n")
    env = clean_env(PKG_CONFIG_PATH=str(tmp_path / "none"), CARGO_TARGET_DIR=str(tmp_path / "target"))
    rc, log = run(["cargo", "build", "--offline"], app, env)
    assert rc != 0 and "failed to run custom build command for `mklprobe-sys v0.3.1" in log, log
    [finding] = errors_of(log)
    assert finding.id == "cargo-build-script-failed"
    assert "mklprobe-sys 0.3.1" in finding.title and "MKL not found: set MKLROOT" in finding.title  # the panic's next line
    assert any("build.rs:" in line for line in finding.evidence)
    assert any("MKLROOT=<MKL prefix>" in line for line in finding.fix)
    # the fix it offers, with this machine's MKL: the build script is satisfied
    rc, log = run(["cargo", "build", "--offline"], app, dict(env, MKLROOT=str(mkl.pip)))
    assert rc == 0, log


HGEMM_RS = textwrap.dedent(
    """
    extern "C" {
        fn hgemm_(ta: *const u8, tb: *const u8, m: *const i32, n: *const i32, k: *const i32, alpha: *const u16, a: *const u16,
                  lda: *const i32, b: *const u16, ldb: *const i32, beta: *const u16, c: *mut u16, ldc: *const i32);
    }
    pub fn hgemm(n: i32, a: &[u16], b: &[u16], c: &mut [u16]) {
        let (one, zero) = (0x3c00u16, 0u16);
        unsafe { hgemm_(b"N".as_ptr(), b"N".as_ptr(), &n, &n, &n, &one, a.as_ptr(), &n, b.as_ptr(), &n, &zero, c.as_mut_ptr(), &n) }
    }
    fn main() { let a = [0u16; 4]; let mut c = [0u16; 4]; hgemm(2, &a, &a, &mut c); }
    """
)


def test_rust_lld_block_form_against_mkl_2020(tmp_path, mkl):
    if shutil.which("ld.lld") is None:
        pytest.skip("ld.lld is not installed (dev/test installs lld)")
    deb = mkl.debian_lib(mkl.debian_shared)
    crate = tmp_path / "halfmm"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text('[package]\nname = "halfmm"\nversion = "0.1.0"\nedition = "2021"\n')
    (crate / "src/main.rs").write_text(HGEMM_RS)
    (crate / "build.rs").write_text(f'fn main() {{ println!("cargo:rustc-link-search=native={deb}"); '
                                    'println!("cargo:rustc-link-lib=dylib=mkl_rt"); }\n')
    env = clean_env(RUSTFLAGS="-C link-arg=-fuse-ld=lld", CARGO_TARGET_DIR=str(tmp_path / "target"))
    rc, log = run(["cargo", "build", "--offline"], crate, env)
    assert rc != 0 and "undefined symbol: hgemm_" in log and ">>> referenced by" in log, log
    parsed = logparse.parse_bytes(log.encode())
    [undefined] = [e for e in parsed.events if type(e).__name__ == "UndefinedSymbol"]
    assert undefined.linker == "lld" and undefined.function == "halfmm::hgemm" and undefined.location.startswith("main.rs:")
    [finding] = errors_of(log)
    assert finding.id == "missing-symbol" and "2021.4" in finding.title
    assert "intel-mkl-src" in finding.explanation and any("cargo clean -p intel-mkl-src" in line for line in finding.fix)
    # the same block as a pasted log drops the linker's name: still one undefined symbol
    pasted = "\n".join(line.replace("rust-lld: error:", "error:") for line in log.splitlines())
    assert [f.id for f in errors_of(pasted)] == ["missing-symbol"]


# -- CMake ----------------------------------------------------------------------------------------------


def test_a_projects_own_finder_that_finds_no_mkl(tmp_path, mkl):
    """GROMACS's FFT option asks for MKL and its own CMake code stops: not Intel's MKLConfig.cmake, not a missing MKL."""
    if shutil.which("cmake") is None:
        pytest.skip("cmake is not installed (dev/test installs it)")
    source = tmp_path / "src"
    shutil.copytree(DATA / "build-projects" / "gromacs", source, ignore=shutil.ignore_patterns("SOURCE.md", "scenarios.json"))
    env = clean_env(HOME=str(tmp_path))
    rc, log = run(["cmake", "-S", str(source), "-B", str(tmp_path / "b"), "-DGMX_FFT_LIBRARY=mkl"], tmp_path, env)
    assert rc != 0 and "MKL" in log
    [finding] = errors_of(log)
    assert finding.id == "mkl-finder-failed"
    assert "gmxManageFFTLibraries.cmake" in finding.title and "not Intel's MKLConfig.cmake" in flat(finding)
    assert finding.fix[0].startswith("the finder's own message names MKLROOT")
    rc, log = run(["cmake", "-S", str(source), "-B", str(tmp_path / "b2"), "-DGMX_FFT_LIBRARY=mkl"], tmp_path,
                  dict(env, MKLROOT=str(mkl.pip)))
    assert rc == 0, log  # the variable it names, set: the project configures


@pytest.mark.parametrize("shape", ["extra-path", "source-dir", "unknown-argument"])
def test_cmake_given_a_variable_without_d(tmp_path, mkl, shape):
    if shutil.which("cmake") is None:
        pytest.skip("cmake is not installed (dev/test installs it)")
    source = tmp_path / "src"
    source.mkdir()
    (source / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.13)\nproject(p C)\nfind_package(MKL CONFIG REQUIRED)\n")
    config = mkl.pip / "lib" / "cmake" / "mkl"
    build = tmp_path / "b"
    build.mkdir()
    argv = {"extra-path": ["cmake", f"MKL_DIR={config}", str(source)], "source-dir": ["cmake", f"MKL_DIR={config}"],
            "unknown-argument": ["cmake", f"-MKL_DIR={config}", str(source)]}[shape]
    rc, log = run(argv, build, clean_env())
    assert rc != 0, log
    [finding] = errors_of(log)  # the missing MKLConfig.cmake that follows is its consequence, not a finding of its own
    assert finding.id == "cmake-variable-without-d" and f"MKL_DIR={config}" in finding.title
    fixed = finding.fix[0].split("#", 1)[0].split()
    assert fixed[:2] == ["cmake", f"-DMKL_DIR={config}"]
    rc, log = run(["cmake", fixed[1], str(source)], build, clean_env())  # the fix it offers: the same variable, with -D
    assert rc == 0, log


# -- MKL at run time ------------------------------------------------------------------------------------

EXT_C = textwrap.dedent(
    """
    #include <Python.h>
    extern void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*,
                       const int*, const double*, const int*, const double*, double*, const int*);
    static PyObject *run(PyObject *self, PyObject *args) {
        static double a[64 * 64], b[64 * 64], c[64 * 64];
        int n = 64; double one = 1, zero = 0;
        dgemm_("N", "N", &n, &n, &n, &one, a, &n, b, &n, &zero, c, &n);
        return PyFloat_FromDouble(c[0]);
    }
    static PyMethodDef methods[] = {{"run", run, METH_NOARGS, ""}, {0}};
    static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "mklscope", 0, -1, methods};
    PyMODINIT_FUNC PyInit_mklscope(void) { return PyModule_Create(&module); }
    """
)


@pytest.fixture(scope="module")
def scope_extensions(tmp_path_factory, mkl):
    """A Python extension linking MKL's three layers, for MKL 2020.4 (kernels that name no core) and 2026.2."""
    include = sysconfig.get_paths()["include"]
    if not os.path.isfile(os.path.join(include, "Python.h")):
        pytest.skip("Python.h is not installed")
    work = tmp_path_factory.mktemp("scope")
    (work / "ext.c").write_text(EXT_C)
    made = {}
    deb, pip = mkl.debian_lib(mkl.debian_shared), mkl.pip_lib
    for name, lib, layers in (("2020.4", deb, ["-lmkl_intel_lp64", "-lmkl_sequential", "-lmkl_core"]),
                              ("2026.2", pip, ["-l:libmkl_intel_lp64.so.3", "-l:libmkl_sequential.so.3", "-l:libmkl_core.so.3"])):
        folder = work / name
        folder.mkdir()
        subprocess.run(["gcc", "-shared", "-fPIC", f"-I{include}", "ext.c", "-o", str(folder / "mklscope.so"), f"-L{lib}",
                        *layers, f"-Wl,-rpath,{lib}"], cwd=work, check=True)
        made[name] = folder
    return made


def test_an_extension_loaded_without_rtld_global(scope_extensions, mkl):
    """Python opens extensions with RTLD_LOCAL: MKL 2020.4's kernel, which names no libmkl_core, sees no core."""
    folder = scope_extensions["2020.4"]
    call = "import mklscope; print(mklscope.run())"
    rc, log = run([sys.executable, "-c", call], folder, clean_env(PYTHONPATH=str(folder)))
    assert rc != 0 and "undefined symbol" in log and "Cannot load" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-core-not-visible"
    symbol = finding.title.split("MKL's own ", 1)[1].split(":", 1)[0]
    deb = mkl.debian_lib(mkl.debian_shared)
    kernel = Path(log.split("ERROR: ", 1)[1].split(":", 1)[0])
    undefined = subprocess.run(["nm", "-D", "--undefined-only", str(kernel)], capture_output=True, text=True).stdout
    assert symbol in undefined.split()  # the kernel needs it ...
    exporters = [p.name for p in sorted(deb.glob("libmkl_*.so")) if symbol in subprocess.run(
        ["nm", "-D", "--defined-only", str(p)], capture_output=True, text=True).stdout.split()]
    assert exporters and all(f"lib{layer}" in flat(finding) for layer in ("mkl_sequential",))  # ... and the layers export it
    assert "not a mix of releases" in flat(finding)
    # both fixes it offers work: RTLD_GLOBAL before the import, or the layers preloaded
    fixed = "import sys, os; sys.setdlopenflags(os.RTLD_GLOBAL | os.RTLD_NOW); " + call
    assert run([sys.executable, "-c", fixed], folder, clean_env(PYTHONPATH=str(folder)))[0] == 0
    preload = f"{deb}/libmkl_core.so:{deb}/libmkl_sequential.so"
    assert f"LD_PRELOAD={kernel.parent}/libmkl_core.so:{kernel.parent}/libmkl_sequential.so" in flat(finding)
    assert run([sys.executable, "-c", call], folder, clean_env(PYTHONPATH=str(folder), LD_PRELOAD=preload))[0] == 0
    # the same extension on 2026.2, whose kernels name their core: no failure
    other = scope_extensions["2026.2"]
    assert run([sys.executable, "-c", call], other, clean_env(PYTHONPATH=str(other)))[0] == 0


LP64_C = textwrap.dedent(
    """
    #include <stdio.h>
    #include <stdlib.h>
    #include <mkl.h>
    int main(void) {
        MKL_INT m = 64, n = 64, k = 64, lda = 64, ldb = 64, ldc = 64;
        double *a = calloc(64 * 64, sizeof(double)), *b = calloc(64 * 64, sizeof(double)), *c = calloc(64 * 64, sizeof(double));
        double one = 1.0, zero = 0.0;
        dgemm("N", "N", &m, &n, &k, &one, a, &lda, b, &ldb, &zero, c, &ldc);
        printf("%d-bit MKL_INT\\n", (int)(8 * sizeof(MKL_INT)));
        return 0;
    }
    """
)


def test_an_lp64_program_on_the_ilp64_interface(tmp_path, mkl):
    """libmkl_rt told MKL_INTERFACE_LAYER=ILP64 reads the program's 32-bit sizes as 64-bit: Parameter N of DGEMM."""
    (tmp_path / "lp.c").write_text(LP64_C)
    subprocess.run(["gcc", "lp.c", "-o", "lp", f"-I{mkl.pip}/include", str(mkl.pip_lib / "libmkl_rt.so.3"),
                    f"-Wl,-rpath,{mkl.pip_lib}"], cwd=tmp_path, check=True)
    rc, log = run(["./lp"], tmp_path, clean_env(MKL_INTERFACE_LAYER="ILP64"))
    said = re.search(r"Parameter (\d+) was incorrect on entry to DGEMM", log)
    assert said, log
    # which one depends on what lies beside each 32-bit size in memory; Netlib's DGEMM, for reference:
    reference = "TRANSA TRANSB M N K ALPHA A LDA B LDB BETA C LDC".split()
    name = reference[int(said.group(1)) - 1]
    assert name in ("M", "N", "K", "LDA", "LDB", "LDC")  # a size read as 64 bits
    [finding] = errors_of(log)
    assert finding.id == "mkl-parameter-error" and f"({name}, an integer" in finding.title
    text = flat(finding)
    assert "ILP64" in text and "older MKL" in text and "mkl_get_version_string" in text
    assert not any("NaN" in line for line in finding.fix)  # a size, not a matrix: no NaN to look for
    rc, log = run(["./lp"], tmp_path, clean_env())  # the interface the program was built for: no error
    assert rc == 0 and "incorrect" not in log, log


DGEMM_C = textwrap.dedent(
    """
    extern void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*,
                       const int*, const double*, const int*, const double*, double*, const int*);
    static double a[64 * 64], b[64 * 64], c[64 * 64];
    int main(void) { int n = 64; double one = 1, zero = 0; dgemm_("N", "N", &n, &n, &n, &one, a, &n, b, &n, &zero, c, &n); return 0; }
    """
)


def test_mkl_libraries_before_the_objects_with_as_needed(tmp_path, mkl):
    deb = mkl.debian_lib(mkl.debian_shared)
    (tmp_path / "d.c").write_text(DGEMM_C)
    subprocess.run(["gcc", "-c", "d.c", "-o", "d.o"], cwd=tmp_path, check=True)
    link = ["gcc", "-Wl,--as-needed", f"-L{deb}", "-lmkl_sequential", "-lmkl_core", "d.o", "-lmkl_intel_lp64", "-lpthread", "-lm",
            "-ldl", "-o", "d"]
    rc, log = run(link, tmp_path, clean_env())
    assert rc != 0 and "libmkl_intel_lp64.so: undefined reference to `mkl_" in log, log
    [finding] = errors_of(" ".join(link) + "\n" + log)  # the link line as make echoes it, then ld's output
    assert finding.id == "mkl-libraries-before-objects" and "-lmkl_sequential -lmkl_core" in finding.title
    assert "undefined" in flat(finding)
    fixed = ["gcc", "-Wl,--as-needed", f"-L{deb}", "d.o", "-lmkl_intel_lp64", "-lmkl_sequential", "-lmkl_core", "-lpthread",
             "-lm", "-ldl", "-o", "d"]
    rc, log = run(fixed, tmp_path, clean_env())  # the libraries after the objects: it links
    assert rc == 0, log
