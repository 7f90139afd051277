"""Held-back logs fixed after the one-time scoring (Linux, Rust and build-tool patterns), and the same failures
produced for real here where they can be: meson's dependency('mkl_rt'), ...

tests/data/explain_corpus/expect_heldback_linux.json says, for each entry it holds, the finding a right diagnosis
has and the words it must say, as expect.json does for the development corpus.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.findings import Finding

CORPUS = Path(__file__).parent / "data" / "explain_corpus"
HELD = {entry["id"]: entry for entry in json.loads((CORPUS / "heldback.json").read_text())["entries"]}
EXPECT = json.loads((CORPUS / "expect_heldback_linux.json").read_text())["expect"]


def said(finding: Finding, word: str) -> bool:
    if word.startswith("fix:"):
        return word[4:] in "\n".join(finding.fix)
    return word in "\n".join((finding.title, *finding.evidence, finding.explanation, *finding.fix, *finding.confirm))


def findings_of(log: str) -> list[Finding]:
    return explain(logparse.parse_bytes(log.encode()), [])


def test_each_expectation_is_a_heldback_entry():
    assert EXPECT and set(EXPECT) <= set(HELD)


@pytest.mark.parametrize("entry_id", sorted(EXPECT))
def test_the_thread_cause_is_the_diagnosis(entry_id):
    expect = EXPECT[entry_id]
    findings = findings_of(HELD[entry_id]["log"])
    chosen = [f for f in findings if f.id == expect["finding"]]
    assert chosen, (expect["finding"], [(f.id, f.title) for f in findings])
    assert len(chosen) == 1, [f.title for f in chosen]  # one finding for the failure, not one per line or symbol
    for word in expect["contains"]:
        assert said(chosen[0], word), (word, chosen[0].title, chosen[0].evidence, chosen[0].fix)
    unrecognised = [f.title for f in findings if f.id == "unrecognised-failure"]
    assert not unrecognised, f"an unrecognised failure beside {expect['finding']}: {unrecognised}"


# -- meson: dependency('mkl_rt'), produced for real --------------------------------------------------------


def _meson() -> Path:
    pytest.importorskip("mesonbuild", reason="meson is not installed (pip install -e '.[test]')")
    return Path(sys.executable).parent / "meson"


def _meson_setup(tmp_path: Path, name: str, pc_path: str, tag: str = "") -> tuple[int, str]:
    source = tmp_path / f"src-{name}{tag}"
    source.mkdir()
    (source / "meson.build").write_text(f"project('t', 'c')\nblas = dependency('{name}')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PKG_CONFIG_PATH", "CMAKE_PREFIX_PATH", "MKLROOT")}
    env["PKG_CONFIG_PATH"] = pc_path
    done = subprocess.run([str(_meson()), "setup", str(tmp_path / f"build-{name}{tag}"), str(source)], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    return done.returncode, done.stdout


@pytest.mark.mkl
def test_meson_dependency_mkl_rt_has_no_pc_file_and_mkl_sdl_is_found(mkl, tmp_path):
    pc = str(mkl.pip_lib / "pkgconfig")
    code, out = _meson_setup(tmp_path, "mkl_rt", pc)
    assert code != 0 and 'Dependency "mkl_rt" not found' in out, out
    (finding,) = [f for f in findings_of(out) if f.id == "meson-dependency-not-found"]
    assert finding.severity == "error" and "mkl_rt.pc" in "\n".join(finding.evidence)
    assert not [f for f in findings_of(out) if f.id in ("unrecognised-failure", "mkl-finder-failed")]
    # the fix's first name, with the same PKG_CONFIG_PATH: meson finds it
    assert "mkl-sdl" in finding.fix[0]
    code, out = _meson_setup(tmp_path, "mkl-sdl", pc)
    assert code == 0 and "Run-time dependency mkl-sdl found: YES" in out, out


@pytest.mark.mkl
def test_meson_dependency_of_an_mkl_pc_name_off_pkg_config_path(mkl, tmp_path):
    code, out = _meson_setup(tmp_path, "mkl-dynamic-lp64-seq", str(tmp_path / "nothing"))
    assert code != 0, out
    (finding,) = [f for f in findings_of(out) if f.id == "meson-dependency-not-found"]
    assert "PKG_CONFIG_PATH" in finding.title and finding.fix[0].startswith("export PKG_CONFIG_PATH=")
    code, out = _meson_setup(tmp_path, "mkl-dynamic-lp64-seq", str(mkl.pip_lib / "pkgconfig"), tag="-fixed")
    assert code == 0, out  # the fix: the same name, with MKL's .pc folder on PKG_CONFIG_PATH


# -- a shared library built with MKL's interface archive alone, produced for real ----------------------------

WRAP = """
void dsyev_(const char*, const char*, const int*, double*, const int*, double*, double*, const int*, int*);
long DftiCreateDescriptor(void**, int, int, long, ...);
void wrap(double *a, int n, double *w, double *work, int lwork, int *info) { dsyev_("V", "U", &n, a, &n, w, work, &lwork, info); }
long wrap_fft(void **h) { return DftiCreateDescriptor(h, 36, 32, 1, 8L); }
"""
MAIN = """
void wrap(double *a, int n, double *w, double *work, int lwork, int *info);
int main(void) { double a[1] = {2}, w[1], work[8]; int info; wrap(a, 1, w, work, 8, &info); return info; }
"""


def _gcc(*args: str, cwd: Path) -> tuple[int, str]:
    done = subprocess.run(["gcc", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    return done.returncode, done.stdout


@pytest.mark.mkl
def test_a_library_built_with_mkls_interface_archive_alone(mkl, tmp_path):
    (tmp_path / "wrap.c").write_text(WRAP)
    (tmp_path / "main.c").write_text(MAIN)
    lib = mkl.pip_lib
    assert _gcc("-shared", "-fPIC", "-o", "libwrap.so", "wrap.c", str(lib / "libmkl_intel_lp64.a"), cwd=tmp_path)[0] == 0
    code, log = _gcc("-o", "main", "main.c", "-L.", "-lwrap", cwd=tmp_path)
    assert code != 0 and "libwrap.so: undefined reference to `mkl_" in log, log
    findings = findings_of(log)
    assert [f.id for f in findings] == ["prebuilt-mkl-internals"], [(f.id, f.title) for f in findings]
    finding = findings[0]
    assert "libwrap.so" in finding.title and "not another MKL" in finding.fix[0]
    assert "libmkl_core" in "\n".join(finding.evidence)  # the export table's word on who defines them
    # the fix: the same library built with MKL whole; the program then links
    group = ["-Wl,--start-group", *(str(lib / f"libmkl_{n}.a") for n in ("intel_lp64", "sequential", "core")), "-Wl,--end-group"]
    assert _gcc("-shared", "-fPIC", "-o", "libwrap.so", "wrap.c", *group, "-lpthread", "-lm", "-ldl", cwd=tmp_path)[0] == 0
    assert _gcc("-o", "main", "main.c", "-L.", "-lwrap", cwd=tmp_path) == (0, "")


# -- MKL's cluster libraries on a link that is no MPI build, produced with ld ---------------------------------


def test_cluster_libraries_on_a_plain_link_are_named_as_such(tmp_path):
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    code, log = _gcc("-o", "m", "m.c", "-lmkl_scalapack_lp64", "-lmkl_blacs_intelmpi_lp64", cwd=tmp_path)
    assert code != 0 and "cannot find -lmkl_scalapack_lp64" in log, log
    (finding,) = findings_of(log)
    assert finding.id == "library-not-found" and "cluster components" in finding.title
    assert "MKL_LIBRARIES" in "\n".join(finding.evidence) and "MKL::MKL" in finding.fix[0]
    # a plain layer missing is not a cluster component: the usual advice
    code, log = _gcc("-o", "m", "m.c", "-lmkl_scalapack_lp64", "-lmkl_core", cwd=tmp_path)
    assert "cluster components" not in findings_of(log)[0].title


# -- rustc: a glob import's function shadows Result::Ok (intel-mkl-tool 0.2 with anyhow 1.0.49), produced for real --

SHADOWED = """
mod other {
    #[allow(non_snake_case)]
    pub fn Ok<T>(value: T) -> Result<T, ()> { Result::Ok(value) }
}
use other::*;

pub fn out_dir() -> Option<String> {
    if let Ok(dir) = std::env::var("OUT_DIR") { Some(dir) } else { None }
}
"""


def _rustc() -> str:
    import shutil

    found = shutil.which("rustc") or str(Path.home() / ".cargo" / "bin" / "rustc")
    if not Path(found).exists():
        pytest.skip("rustc is not installed")
    return found


@pytest.mark.parametrize("crate", ["intel-mkl-tool-0.2.0+mkl2020.1", "some-other-crate-1.0.0"])
def test_rustc_e0532_in_intel_mkl_tool_is_the_known_breakage(tmp_path, crate):
    src = tmp_path / crate / "src"
    src.mkdir(parents=True)
    (src / "lib.rs").write_text(SHADOWED)
    done = subprocess.run([_rustc(), "--crate-type", "lib", "--edition", "2018", "--out-dir", str(tmp_path), str(src / "lib.rs")],
                          cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    # rustc names the function (1.5x, the threads' logs) or says "expected a pattern, found a function call" (newer)
    assert done.returncode != 0 and "error[E0532]" in done.stdout and "if let Ok(dir)" in done.stdout, done.stdout
    findings = findings_of(done.stdout)
    if crate.startswith("intel-mkl-tool"):
        assert [f.id for f in findings] == ["rust-crate-known-breakage"], [(f.id, f.title) for f in findings]
        assert "=1.0.48" in findings[0].fix[0]
    else:  # the same error in a crate nothing is known of: unrecognised, never silent, never the known breakage
        assert "unrecognised-failure" in {f.id for f in findings}
        assert "rust-crate-known-breakage" not in {f.id for f in findings}


def test_a_registry_token_refusal_is_read_for_any_registry():
    """The shape, not one registry: the host comes from the log; intel-mkl-src named in the log is said as such."""
    log = ("   Compiling intel-mkl-src v0.8.1\n"
           "error: failed to run custom build command for `intel-mkl-src v0.8.1`\n"
           "Error: Authorization failed: https://registry.invalid/token?scope=repository:x/y:pull\n")
    findings = findings_of(log)
    (auth,) = [f for f in findings if f.id == "oci-registry-auth-failed"]
    assert "registry.invalid" in auth.title and "named in this log" in "\n".join(auth.evidence)
    assert "docker logout registry.invalid" in auth.fix[0]
    assert "unrecognised-failure" not in {f.id for f in findings}
    other = findings_of("Error: Authorization failed for user x\n")  # not a registry's token endpoint: not claimed
    assert [f.id for f in other] == ["unrecognised-failure"]


def test_a_pre_oneapi_bare_lib_is_wrong_on_linux_and_right_on_macos():
    """/opt/intel/mkl/lib holds no library of Parallel Studio on Linux (they are in lib/intel64), while MKL 2020 and older
    for macOS keep theirs in lib itself: the same -L is named the wrong folder by the log's platform only."""
    from mkldoctor.knowledge import folders

    assert folders.lib_dir_instead("/opt/intel/mkl/lib") == ("/opt/intel/mkl/lib/intel64", folders.ONEAPI_LATEST_LIB)
    assert folders.lib_dir_instead("/opt/intel/mkl/lib", "macOS") == ()
    assert folders.lib_dir_instead("/opt/intel/oneapi/mkl/2025.3/lib/intel64") == ("/opt/intel/oneapi/mkl/2025.3/lib",)
    assert folders.lib_dir_instead("/opt/intel/oneapi/mkl/2023.2.0/lib") == ("/opt/intel/oneapi/mkl/2023.2.0/lib/intel64",)
    assert folders.lib_dir_instead("/opt/intel/oneapi/mkl/latest/lib/intel64") == ("/opt/intel/oneapi/mkl/latest/lib",)
    assert folders.lib_dir_instead("/opt/intel/oneapi/mkl/latest/lib") == ()
    # Apple's ld64, in both wordings: the log is macOS's, so /opt/intel/mkl/lib is not called the wrong folder
    for said in ("ld: library not found for -lmkl_rt", "ld: library 'mkl_rt' not found"):
        mac = f"clang -o app app.o -L/opt/intel/mkl/lib -lmkl_rt\n{said}\nclang: error: linker command failed with exit code 1\n"
        (finding,) = explain(logparse.parse_bytes(mac.encode()), [])
        assert finding.id == "library-not-found" and "-lmkl_rt" in finding.title
        assert not any("lib/intel64" in line for line in finding.fix) and "libmkl_rt.dylib" in finding.fix[0], finding.fix
    linux = "gcc -o app app.o -L/opt/intel/mkl/lib -lmkl_rt\n/usr/bin/ld: cannot find -lmkl_rt\n"
    (finding,) = explain(logparse.parse_bytes(linux.encode()), [])
    assert finding.fix[0].startswith("-L/opt/intel/mkl/lib/intel64 or -L/opt/intel/oneapi/mkl/latest/lib in place of")


def test_a_rejected_argument_is_told_by_its_kind_in_the_drivers_the_table_now_holds():
    """DGELSY's 4th argument is the matrix A: NaN in it is the first cause (pytorch#138451); its 5th, LDA, an integer:
    the integer width is."""
    def causes(n: int) -> list[str]:
        log = f"Intel MKL ERROR: Parameter {n} was incorrect on entry to DGELSY.\n"
        (finding,) = explain(logparse.parse_bytes(log.encode()), [])
        return [line for line in finding.evidence if line.startswith("possible cause:")]

    assert "NaN" in causes(4)[0] and "integer read with the wrong size" in causes(5)[0]


def test_the_base_environments_mkl_is_named_only_for_its_own_environments():
    """anaconda3/lib's MKL loaded for a module of anaconda3/envs/X is the base environment's shadowing the env's
    (pytorch#6131); a library of another installation's lib, or a plain /usr/lib, is not said to be."""
    def first(log: str):
        return explain(logparse.parse_bytes(log.encode()), [])[0]

    env_module = "  File \"/home/u/anaconda3/envs/work/lib/python3.11/site-packages/m/__init__.py\", line 1\n"
    said = first(env_module + "ImportError: /home/u/anaconda3/lib/libmkl_core.so.2: undefined symbol: mkl_x\n")
    assert "base environment" in said.title and said.fix[0].startswith("take /home/u/anaconda3/lib off LD_LIBRARY_PATH")
    for library in ("/home/u/miniforge3/lib/libmkl_core.so.2", "/usr/lib/x86_64-linux-gnu/libmkl_core.so"):
        other = first(env_module + f"ImportError: {library}: undefined symbol: mkl_x\n")
        assert "base environment" not in other.title, other.title
