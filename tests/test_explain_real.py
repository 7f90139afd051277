"""The corpus, part 1: failures produced for real in the test run, each explained with its cause and fix.

Every log here is the output of a real tool run now: gcc and GNU ld against the real MKL
archives (without -lm, archives out of order, two releases mixed), CMake with the
MKLConfig.cmake that the oneMKL 2026.2 wheel ships, a compiler without MKL's include
path, Python loading a C extension or ctypes.CDLL whose MKL is missing or of another
release, programs whose MKL loads kernels of another release, and failures mkldoctor has
no signature for (which must never read as "no problem"). Part 2 (hosts that cannot run
here) is tests/test_explain_reports.py.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.findings import Finding
from mkldoctor.inventory.locate import install_from_path
from mkldoctor.knowledge import layout


def run_log(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[int, str]:
    """Run as make does: the command echoed, then its output (stdout and stderr together)."""
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    return done.returncode, shlex.join(cmd) + "\n" + done.stdout


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_LIBRARY_PATH", "MKL_THREADING_LAYER", "LD_PRELOAD", "CMAKE_PREFIX_PATH", "MKLROOT", "PKG_CONFIG_PATH")}
    env.update(extra)
    return env


def findings_of(log: str, *prefixes: Path) -> list[Finding]:
    installs = [install_from_path(str(p)) for p in prefixes]
    return explain(logparse.parse_bytes(log.encode()), [i for i in installs if i is not None])


def only(findings: list[Finding], fid: str) -> Finding:
    chosen = [f for f in findings if f.id == fid]
    assert len(chosen) == 1, [(f.id, f.title) for f in findings]
    return chosen[0]


def flat(finding: Finding) -> str:
    recipes = [line for r in finding.recipes for line in (r.name, *r.lines)]
    return "\n".join((finding.title, *finding.evidence, finding.explanation, *finding.fix, *finding.confirm, *recipes))


def nm_defined(path: Path) -> set[str]:
    out = subprocess.run(["nm", "-D", "--defined-only", str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


VML_C = textwrap.dedent(
    """
    #include <mkl.h>
    int main(void) {
        double a[4] = {1, 2, 3, 4}, b[4], w[2];
        vdExp(4, a, b); vdLn(4, a, b);
        LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', 2, a, 2, w);
        return 0;
    }
    """
)
SGEMM_C = textwrap.dedent(
    """
    #include <stdlib.h>
    #include <mkl.h>
    int main(void) {
        int n = 256;
        float *a = calloc(n * n, 4), *b = calloc(n * n, 4), *c = calloc(n * n, 4);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        return 0;
    }
    """
)
EXT_C = textwrap.dedent(
    """
    #include <Python.h>
    extern void hgemm_(const char*, const char*, const int*, const int*, const int*, const void*, const void*,
                       const int*, const void*, const int*, const void*, void*, const int*);
    extern void cblas_sgemm();
    void *mkl_refs[] = {(void *)hgemm_, (void *)cblas_sgemm};  /* relocations: the loader must bind both */
    static PyObject *touch(PyObject *self, PyObject *args) { return PyLong_FromVoidPtr(mkl_refs[0]); }
    static PyMethodDef methods[] = {{"touch", touch, METH_NOARGS, ""}, {0}};
    static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "mklext", 0, -1, methods};
    PyMODINIT_FUNC PyInit_mklext(void) { return PyModule_Create(&module); }
    """
)


@pytest.fixture(scope="module")
def work(tmp_path_factory, mkl):
    d = tmp_path_factory.mktemp("real")
    (d / "vml.c").write_text(VML_C)
    (d / "sgemm.c").write_text(SGEMM_C)
    subprocess.run(["gcc", "-c", "vml.c", "-o", "vml.o", f"-I{mkl.pip}/include"], cwd=d, check=True)
    subprocess.run(["gcc", "-c", "sgemm.c", "-o", "sgemm.o", f"-I{mkl.pip}/include"], cwd=d, check=True)
    return d


# -- static links: the C library parts, archive order, two releases -----------------------------


@pytest.mark.parametrize("which", ["pip", "debian"])
def test_static_mkl_without_libm(work, mkl, which):
    lib = mkl.pip_lib if which == "pip" else mkl.debian_lib(mkl.debian_static)
    rc, log = run_log(["gcc", "vml.o", "-o", "vml", "-Wl,--start-group", f"{lib}/libmkl_intel_lp64.a", f"{lib}/libmkl_sequential.a",
                       f"{lib}/libmkl_core.a", "-Wl,--end-group"], work)
    assert rc != 0 and "undefined reference to `sqrt'" in log
    findings = findings_of(log, mkl.pip, mkl.debian_static)
    finding = only(findings, "system-libraries-missing")
    assert "-lm" in finding.title and "sqrt" in finding.title + "\n".join(finding.evidence)
    assert "libmkl_core.a" in "\n".join(finding.evidence)  # who needed it
    assert not [f for f in findings if f.id in ("missing-symbol", "undefined-symbol")]  # not "MKL lacks sqrt"
    # the fix fixes it: the same link with the flags it names succeeds
    flags = finding.fix[0].split("-Wl,--end-group ", 1)[1].split()
    fixed = subprocess.run(["gcc", "vml.o", "-o", "vml", "-Wl,--start-group", f"{lib}/libmkl_intel_lp64.a",
                            f"{lib}/libmkl_sequential.a", f"{lib}/libmkl_core.a", "-Wl,--end-group", *flags], cwd=work)
    assert fixed.returncode == 0


@pytest.mark.parametrize("which", ["pip", "debian"])
def test_static_archives_out_of_order(work, mkl, which):
    lib = mkl.pip_lib if which == "pip" else mkl.debian_lib(mkl.debian_static)
    rc, log = run_log(["gcc", "sgemm.o", "-o", "s", f"-L{lib}", "-Wl,-Bstatic", "-lmkl_core", "-lmkl_intel_lp64", "-lmkl_sequential",
                       "-Wl,-Bdynamic", "-lpthread", "-lm", "-ldl"], work)
    assert rc != 0
    findings = findings_of(log, mkl.pip, mkl.debian_static)
    finding = only(findings, "mkl-archive-order")
    text = flat(finding)
    assert "wrong order" in finding.title and "--start-group" in text
    named = finding.title.split(" undefined", 1)[0].split(", ")[0]
    assert named.startswith("mkl_") and named in nm_symbols_of_archive(lib / "libmkl_core.a", named)
    assert not [f for f in findings if f.id == "missing-symbol"]  # no "install MKL" for its own internals


def nm_symbols_of_archive(archive: Path, symbol: str) -> set[str]:
    out = subprocess.run(["nm", "-A", "--defined-only", str(archive)], capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.split() and line.split()[-1] == symbol}


def test_static_archives_of_two_releases(work, mkl):
    pip, deb = mkl.pip_lib, mkl.debian_lib(mkl.debian_static)
    rc, log = run_log(["gcc", "sgemm.o", "-o", "s", "-Wl,--start-group", f"{deb}/libmkl_intel_lp64.a", f"{pip}/libmkl_sequential.a",
                       f"{deb}/libmkl_core.a", "-Wl,--end-group", "-lpthread", "-lm", "-ldl"], work)
    assert rc != 0
    finding = only(findings_of(log, mkl.pip, mkl.debian_static), "mkl-archive-order")
    assert "two releases" in finding.title
    assert str(pip) in flat(finding) and str(deb) in flat(finding)


# -- CMake with Intel's MKLConfig.cmake ---------------------------------------------------------

CMAKE_PROJECT = textwrap.dedent(
    """
    cmake_minimum_required(VERSION 3.13)
    project(t C)
    find_package(MKL CONFIG REQUIRED)
    add_executable(t sgemm.c)
    target_link_libraries(t PUBLIC MKL::MKL)
    """
)


@pytest.fixture(scope="module")
def cmake_project(work):
    if shutil.which("cmake") is None:
        pytest.skip("cmake is not installed (dev/test installs it)")
    (work / "CMakeLists.txt").write_text(CMAKE_PROJECT)
    return work


def test_cmake_finds_no_mklconfig(cmake_project, mkl, tmp_path):
    rc, log = run_log(["cmake", "-S", str(cmake_project), "-B", str(tmp_path / "b")], tmp_path, clean_env())
    assert rc != 0 and "MKLConfig.cmake" in log
    finding = only(findings_of(log, mkl.pip, mkl.debian_shared), "cmake-mkl-config-not-found")
    config_dir = mkl.pip / "lib" / "cmake" / "mkl"
    assert f"-DMKL_DIR={config_dir}" in finding.fix[0]
    assert "ships no MKLConfig.cmake" in flat(finding)  # Debian's 2020.4 does not
    # the fix fixes it: cmake configures with that MKL_DIR
    rc, log = run_log(["cmake", "-S", str(cmake_project), "-B", str(tmp_path / "b2"), f"-DMKL_DIR={config_dir}"], tmp_path, clean_env())
    assert rc == 0, log


@pytest.mark.parametrize("variable", ["MKL_THREADING", "MKL_INTERFACE", "MKL_LINK"])
def test_mklconfig_rejects_a_value(cmake_project, mkl, tmp_path, variable):
    config_dir = mkl.pip / "lib" / "cmake" / "mkl"
    rc, log = run_log(["cmake", "-S", str(cmake_project), "-B", str(tmp_path / "b"), f"-DMKL_DIR={config_dir}", f"-D{variable}=bogus"],
                      tmp_path, clean_env())
    assert rc != 0
    findings = findings_of(log, mkl.pip)
    finding = only(findings, "mklconfig-rejected-value")
    assert finding.title == f"MKLConfig.cmake rejects {variable}=bogus"
    assert not [f for f in findings if f.id == "unrecognised-failure"]


def test_compiler_without_mkl_include(work, mkl):
    rc, log = run_log(["gcc", "-c", "sgemm.c", "-o", "x.o"], work)
    assert rc != 0
    finding = only(findings_of(log, mkl.pip), "mkl-header-not-found")
    assert finding.title == "the compiler cannot find mkl.h"
    assert f"-I{mkl.pip}/include" in finding.fix[0]
    assert subprocess.run(["gcc", "-c", "sgemm.c", "-o", "x.o", f"-I{mkl.pip}/include"], cwd=work).returncode == 0


# -- Python hosts: ctypes.CDLL and a C extension --------------------------------------------------


def test_python_ctypes_cannot_open_libmkl_rt(work, mkl):
    rc, log = run_log([sys.executable, "-c", "import ctypes; ctypes.CDLL('libmkl_rt.so.3')"], work, clean_env())
    assert rc != 0 and "OSError" in log
    finding = only(findings_of(log, mkl.pip, mkl.debian_shared), "loader-cannot-find")
    assert "libmkl_rt.so.3" in finding.title and "python (ctypes)" in flat(finding)
    assert finding.fix[0].startswith(f"export LD_LIBRARY_PATH={mkl.pip_lib}")
    env = clean_env(LD_LIBRARY_PATH=str(mkl.pip_lib))
    assert subprocess.run([sys.executable, "-c", "import ctypes; ctypes.CDLL('libmkl_rt.so.3')"], env=env).returncode == 0


@pytest.fixture(scope="module")
def extension(work, mkl):
    import sysconfig

    include = sysconfig.get_paths()["include"]
    if not os.path.isfile(os.path.join(include, "Python.h")):
        pytest.skip("Python.h is not installed")
    (work / "ext.c").write_text(EXT_C)
    made = {}
    for name, lib in (("pip", mkl.pip_lib), ("debian", mkl.debian_lib(mkl.debian_shared))):
        folder = work / f"ext-{name}"
        folder.mkdir()
        flag = "-l:libmkl_rt.so.3" if name == "pip" else "-lmkl_rt"
        subprocess.run(["gcc", "-shared", "-fPIC", f"-I{include}", "ext.c", "-o", str(folder / "mklext.so"), f"-L{lib}", flag],
                       cwd=work, check=True)
        made[name] = folder
    return made


def test_python_extension_whose_mkl_is_missing(extension, mkl):
    folder = extension["pip"]
    rc, log = run_log([sys.executable, "-c", "import mklext"], folder, clean_env(PYTHONPATH=str(folder)))
    assert rc != 0 and "ImportError" in log
    finding = only(findings_of(log, mkl.pip, mkl.debian_shared), "loader-cannot-find")
    assert "libmkl_rt.so.3" in finding.title and "python (import)" in flat(finding)
    env = clean_env(PYTHONPATH=str(folder), LD_LIBRARY_PATH=finding.fix[0].split("=", 1)[1].split("$", 1)[0])
    assert subprocess.run([sys.executable, "-c", "import mklext"], env=env).returncode == 0


def test_python_extension_with_an_mkl_too_old(extension, mkl):
    folder, deb = extension["debian"], mkl.debian_lib(mkl.debian_shared)
    rc, log = run_log([sys.executable, "-c", "import mklext"], folder, clean_env(PYTHONPATH=str(folder), LD_LIBRARY_PATH=str(deb)))
    assert rc != 0 and "undefined symbol: hgemm_" in log
    finding = only(findings_of(log, mkl.pip, mkl.debian_shared), "runtime-symbol-missing")
    text = flat(finding)
    assert "hgemm_" in finding.title and "python (import)" in text
    assert "hgemm_" in nm_defined(mkl.pip_lib / "libmkl_rt.so.3") and "MKL 2026.2" in text
    assert "hgemm_" not in nm_defined(deb / "libmkl_rt.so")


def test_python_extension_built_for_another_soname(extension, work, mkl, tmp_path):
    """The extension wants libmkl_rt.so.2 (another release's soname); this machine has .so.3."""
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "rt.c").write_text("void cblas_sgemm(void) {}\nvoid hgemm_(void) {}\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "rt.c", "-o", "libmkl_rt.so.2", "-Wl,-soname,libmkl_rt.so.2"], cwd=stub, check=True)
    include = __import__("sysconfig").get_paths()["include"]
    if not os.path.isfile(os.path.join(include, "Python.h")):
        pytest.skip("Python.h is not installed")
    subprocess.run(["gcc", "-shared", "-fPIC", f"-I{include}", str(work / "ext.c"), "-o", str(tmp_path / "mklext.so"),
                    str(stub / "libmkl_rt.so.2")], check=True)
    shutil.rmtree(stub)  # only the real releases remain
    rc, log = run_log([sys.executable, "-c", "import mklext"], tmp_path, clean_env(PYTHONPATH=str(tmp_path)))
    assert rc != 0 and "libmkl_rt.so.2: cannot open shared object file" in log
    finding = only(findings_of(log, mkl.pip, mkl.debian_shared), "loader-cannot-find")
    text = flat(finding)
    assert "this machine has libmkl_rt.so.3 from MKL 2026.2" in text and "another release" in text
    assert f"mkldoctor link --install {mkl.pip}" in text
    # which releases carry .so.2, from the table of every release's libraries
    from mkldoctor.knowledge import exports

    releases = exports.releases_with_soname("libmkl_rt.so.2")
    assert releases and f"libmkl_rt.so.2 is the soname of MKL {releases[0]} to {releases[-1]}" in text
    assert f"python3 -m pip install mkl=={releases[-1]}" in text


# -- kernels of another release ------------------------------------------------------------------


def _mixed_folder(base: Path, core_lib: Path, core_names: list[str], kernel_lib: Path, kernels: dict[str, str]) -> Path:
    """A bundle as a packaging tool may make it: one release's core and layers, another's kernels."""
    base.mkdir()
    for name in core_names:
        real = os.path.realpath(core_lib / name)
        try:
            os.link(real, base / name)
        except OSError:
            shutil.copy(real, base / name)
    for wanted, found in kernels.items():
        if (kernel_lib / found).exists():
            os.symlink(kernel_lib / found, base / wanted)
    return base


def test_kernels_of_a_newer_release_beside_an_older_core(work, mkl, tmp_path):
    deb, pip = mkl.debian_lib(mkl.debian_shared), mkl.pip_lib
    kernels = {f"libmkl_{k}.so": f"libmkl_{k}.so.3" for k in
               ("def", "mc3", "avx2", "avx512", "vml_def", "vml_mc3", "vml_avx2", "vml_avx512", "vml_cmpt")}
    folder = _mixed_folder(tmp_path / "bundle", deb, ["libmkl_rt.so", "libmkl_core.so", "libmkl_intel_lp64.so",
                                                      "libmkl_sequential.so", "libmkl_intel_thread.so"], pip, kernels)
    subprocess.run(["gcc", "sgemm.o", "-o", str(tmp_path / "s"), f"-L{folder}", "-lmkl_rt", f"-Wl,-rpath,{folder}"], cwd=work, check=True)
    rc, log = run_log([str(tmp_path / "s")], tmp_path, clean_env(MKL_THREADING_LAYER="SEQUENTIAL"))
    assert rc != 0 and "Cannot load" in log
    findings = findings_of(log, folder, mkl.pip, mkl.debian_shared)
    finding = only(findings, "mkl-kernel-other-release")
    text = flat(finding)
    assert "libmkl_core.so.3" in text and str(folder) in text
    assert "MKL 2026.2" in text  # the release whose soname the kernel wants


def test_core_bound_before_its_threading_layer(work, mkl, tmp_path):
    """LD_BIND_NOW with libmkl_rt: the core is bound before the threading layer that defines some of its names. The
    same message comes with one release alone (a folder of 2026.2 only here): not a mix of releases."""
    pip = mkl.pip_lib
    folder = _mixed_folder(tmp_path / "bundle", pip, ["libmkl_rt.so.3", "libmkl_core.so.3", "libmkl_intel_lp64.so.3",
                                                      "libmkl_sequential.so.3", "libmkl_intel_thread.so.3"], pip,
                           {f.name: f.name for f in pip.glob("libmkl_*.so.3") if getattr(layout.get(f.name), "role", None) in ("kernel", "vml-kernel")})
    subprocess.run(["gcc", "sgemm.o", "-o", str(tmp_path / "s"), f"-L{folder}", "-l:libmkl_rt.so.3", f"-Wl,-rpath,{folder}"],
                   cwd=work, check=True)
    rc, log = run_log([str(tmp_path / "s")], tmp_path, clean_env(MKL_THREADING_LAYER="SEQUENTIAL", LD_BIND_NOW="1"))
    assert rc != 0 and "undefined symbol" in log and "Cannot load libmkl_core.so.3" in log, log
    finding = only(findings_of(log, folder, mkl.pip, mkl.debian_shared), "mkl-core-not-visible")
    symbol = finding.title.split("loaded: ", 1)[1].split(" is the", 1)[0]
    assert symbol in log and symbol not in nm_defined(pip / "libmkl_core.so.3") and symbol in nm_defined(pip / "libmkl_sequential.so.3")
    assert "unset LD_BIND_NOW" in flat(finding) and "not a mix of releases" in flat(finding)
    again = subprocess.run([str(tmp_path / "s")], env=clean_env(MKL_THREADING_LAYER="SEQUENTIAL"), capture_output=True, text=True)
    assert again.returncode == 0, again.stdout + again.stderr  # the fix it offers, run: the same program works


# -- never silent ---------------------------------------------------------------------------------


def test_a_compile_error_mkldoctor_does_not_know(work, mkl, tmp_path):
    (tmp_path / "bad.c").write_text("int main(void) { return 0 }\n")
    rc, log = run_log(["gcc", "-c", "bad.c"], tmp_path)
    assert rc != 0
    findings = findings_of(log, mkl.pip)
    finding = only(findings, "unrecognised-failure")
    error_line = next(line for line in log.splitlines() if "error:" in line)
    assert error_line.strip() in finding.title and any(error_line in e for e in finding.evidence)
    (tmp_path / "bad.log").write_text(log)
    result = CliRunner().invoke(app, ["explain", "--no-scan", str(tmp_path / "bad.log")])
    assert result.exit_code == 1 and "no MKL link or load problem" not in result.stdout


def test_a_log_cut_to_its_last_lines(work, mkl, tmp_path):
    """make's and collect2's echoes alone still say that the build failed."""
    (tmp_path / "Makefile").write_text(f"app: {work}/sgemm.o\n\tgcc $< -o $@\n")
    rc, log = run_log(["make"], tmp_path)
    assert rc != 0
    tail = "\n".join(line for line in log.splitlines() if line.startswith(("collect2", "make")))
    assert "collect2: error: ld returned 1 exit status" in tail
    finding = only(findings_of(tail), "unrecognised-failure")
    assert "failed, but not why" in finding.title and "make: ***" in flat(finding)
    whole = findings_of(log, mkl.pip)  # the whole log: the cause, and no extra unrecognised finding
    errors = [f for f in whole if f.severity == "error"]
    assert len(errors) == 1 and errors[0].id != "unrecognised-failure" and "cblas_sgemm" in errors[0].title


def test_explain_json_on_a_crash_shape(tmp_path):
    """`cannot find -l:libmkl_rt.so.3` once ended in an IndexError (issue 12, item 5)."""
    log = tmp_path / "l.log"
    log.write_text("/usr/bin/ld: cannot find -l:libmkl_rt.so.3: No such file or directory\ncollect2: error: ld returned 1 exit status\n")
    for fmt in ("json", "text", "junit", "github"):
        result = CliRunner().invoke(app, ["explain", "--format", fmt, str(log)])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    document = json.loads(CliRunner().invoke(app, ["explain", "--format", "json", str(log)]).stdout)
    assert [f["id"] for f in document["findings"]] == ["library-not-found"]
    assert "-l:libmkl_rt.so.3" in document["findings"][0]["title"]


def test_recipes_are_printed_once_and_only_for_this_machine(work, tmp_path):
    """Two programs built against a release that is not here: two findings, one recipe, printed once."""
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "s.c").write_text("void cblas_sgemm(void) {}\n")
    (tmp_path / "m.c").write_text("extern void cblas_sgemm(void);\nint main(void) { cblas_sgemm(); return 0; }\n")
    for name in ("libmkl_rt.so.9", "libmkl_core.so.9"):
        subprocess.run(["gcc", "-shared", "-fPIC", "s.c", "-o", name, f"-Wl,-soname,{name}"], cwd=stubs, check=True)
        subprocess.run(["gcc", "m.c", "-o", name.split(".")[0], str(stubs / name)], cwd=tmp_path, check=True)
    shutil.rmtree(stubs)
    script = "./libmkl_rt; ./libmkl_core"
    result = CliRunner().invoke(app, ["explain", "--quiet", "--", "sh", "-c", f"cd {tmp_path} && {script}"])
    out = result.stdout
    assert result.exit_code == 1, out
    assert out.count("error[loader-cannot-find]") == 2
    assert out.count("see recipe `install-mkl-versioned` below") == 2 and out.count("recipe install-mkl-versioned:") == 1
    assert out.index("recipe install-mkl-versioned:") > out.rindex("error[loader-cannot-find]")  # after the findings
    if shutil.which("conda") is None and not os.environ.get("CONDA_PREFIX"):
        assert "conda install" not in out  # no conda here: no conda recipe
    document = json.loads(CliRunner().invoke(app, ["explain", "--format", "json", "--", "sh", "-c", f"cd {tmp_path} && {script}"]).stdout)
    assert list(document["recipes"]) == ["install-mkl-versioned"]  # Debian's unversioned packages left out
    assert [f["recipes"] for f in document["findings"]] == [["install-mkl-versioned"], ["install-mkl-versioned"]]


# -- R's dyn.load -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rscript():
    found = shutil.which("Rscript")
    if found is None:
        pytest.skip("Rscript is not installed (dev/test installs r-base-core)")
    return found


def test_r_dyn_load_with_mkl_missing(rscript, work, mkl, tmp_path):
    (tmp_path / "r.c").write_text("extern void cblas_sgemm(void);\nvoid *refs[] = {(void *)cblas_sgemm};\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "r.c", "-o", "rmkl.so", f"-L{mkl.pip_lib}", "-l:libmkl_rt.so.3"], cwd=tmp_path, check=True)
    rc, log = run_log([rscript, "-e", f'dyn.load("{tmp_path}/rmkl.so")'], tmp_path, clean_env())
    assert rc != 0 and "unable to load shared object" in log
    findings = findings_of(log, mkl.pip, mkl.debian_shared)
    finding = only(findings, "loader-cannot-find")
    assert "libmkl_rt.so.3" in finding.title and "R (dyn.load)" in flat(finding)
    assert [f.id for f in findings if f.severity == "error"] == ["loader-cannot-find"]  # not also "R could not load rmkl.so"
    folder = finding.fix[0].split("=", 1)[1].split("$", 1)[0]
    fixed = subprocess.run([rscript, "-e", f'dyn.load("{tmp_path}/rmkl.so")'], env=clean_env(LD_LIBRARY_PATH=folder))
    assert fixed.returncode == 0


def test_r_dyn_load_with_an_mkl_too_old(rscript, work, mkl, tmp_path):
    deb = mkl.debian_lib(mkl.debian_shared)
    (tmp_path / "r.c").write_text("extern void hgemm_(void);\nvoid *refs[] = {(void *)hgemm_};\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "r.c", "-o", "rmkl.so", f"-L{deb}", "-lmkl_rt"], cwd=tmp_path, check=True)
    rc, log = run_log([rscript, "-e", f'dyn.load("{tmp_path}/rmkl.so")'], tmp_path, clean_env(LD_LIBRARY_PATH=str(deb)))
    assert rc != 0 and "undefined symbol: hgemm_" in log
    finding = only(findings_of(log, mkl.pip, mkl.debian_shared), "runtime-symbol-missing")
    assert "hgemm_" in finding.title and "R (dyn.load)" in flat(finding) and "MKL 2026.2" in flat(finding)
