"""The classes of the twenty-sixth blind set (tests/data/explain_corpus/blind26.json), produced here where they can run.

- two MKL releases in one process, said only by MKL_VERBOSE's banners (apache/mxnet#12710): a shared library with the
  pinned wheel's static MKL inside (as torch and mxnet carry one) beside Debian's libmkl_rt 2020.4, in one real process;
- a C++ runtime name missing at import (block2-preview#11's _ZTISt13runtime_error): C++ code linked by gcc, without
  libstdc++, loaded by the real interpreter; linked by g++ it loads;
- public text (no Spack, macOS or Windows here): Spack's "Cannot find a BLACS library for the given MPI." with the source
  line its traceback shows (spack#11289), otool -L's install name of the build machine (pytorch#74120), a reporter's
  list of the names link.exe left unresolved (caffe-windows#1), and Windows' error 127 in Chinese (Paddle#22797).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from tests.test_explain_families import errors_of, flat

TWO = """import ctypes, sys
bundled = ctypes.CDLL(sys.argv[1])  # a library with its own MKL linked in, its names hidden (torch's, mxnet's)
rt = ctypes.CDLL(sys.argv[2])  # numpy's MKL
x = (ctypes.c_double * 3)(1, 2, 3)
bundled.bundled_ddot.restype = rt.cblas_ddot.restype = ctypes.c_double
print(bundled.bundled_ddot(3, x), rt.cblas_ddot(3, x, 1, x, 1))
"""


@pytest.mark.mkl
def test_mkl_verbose_shows_two_releases_in_one_process(mkl, tmp_path):
    (tmp_path / "bundled.c").write_text("double cblas_ddot(int, const double *, int, const double *, int);\n"
                                        "double bundled_ddot(int n, const double *x) { return cblas_ddot(n, x, 1, x, 1); }\n")
    lib = mkl.pip_lib
    built = subprocess.run(["gcc", "-shared", "-fPIC", "bundled.c", "-o", "libbundled.so", "-Wl,--exclude-libs,ALL",
                            "-Wl,--start-group", *(str(lib / f"libmkl_{n}.a") for n in ("intel_lp64", "sequential", "core")),
                            "-Wl,--end-group", "-lpthread", "-lm", "-ldl"], cwd=tmp_path, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    (tmp_path / "two.py").write_text(TWO)
    debian = mkl.debian_lib(mkl.debian_shared)
    env = {"MKL_VERBOSE": "1", "MKL_THREADING_LAYER": "SEQUENTIAL", "LD_LIBRARY_PATH": str(debian)}
    ran = subprocess.run([sys.executable, "two.py", "./libbundled.so", str(debian / "libmkl_rt.so")], cwd=tmp_path,
                         capture_output=True, text=True, env=env)
    assert ran.returncode == 0 and ran.stdout.split()[-2:] == ["14.0", "14.0"], ran.stderr
    assert ran.stdout.count("Product build") == 2, ran.stdout
    [finding] = errors_of(ran.stdout)
    assert finding.id == "mkl-two-releases-in-process", flat(finding)
    assert "2026 Update 2" in finding.title and "2020.0 Update 4" in finding.title, finding.title
    assert "KMP_INIT_AT_FORK=false" in finding.fix[2]
    # one MKL's banner, however many calls: nothing to say
    one = "\n".join(line for line in ran.stdout.splitlines() if "2020.0 Update 4" not in line)
    assert errors_of(one) == []


def test_a_cxx_runtime_name_missing_at_import(tmp_path):
    (tmp_path / "x.cpp").write_text('#include <stdexcept>\nextern "C" void fail(int i) { if (i) throw std::runtime_error("x"); }\n')
    assert subprocess.run(["g++", "-c", "-fPIC", "x.cpp"], cwd=tmp_path).returncode == 0
    assert subprocess.run(["gcc", "-shared", "x.o", "-o", "libx.so"], cwd=tmp_path).returncode == 0  # no libstdc++
    load = [sys.executable, "-c", "import ctypes; ctypes.CDLL('./libx.so')"]
    failed = subprocess.run(load, cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "undefined symbol: _ZNSt13runtime_error" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "cxx-runtime-symbol-missing" and "(libstdc++)" in finding.title, flat(finding)
    assert finding.fix[0].startswith("relink with the C++ compiler")
    # block2-preview#11's name (the typeinfo its import asked for first), in its IPython traceback
    [block2] = errors_of("ImportError: /global/u2/z/zhcui/block2/build/block2.cpython-39-x86_64-linux-gnu.so: undefined "
                         "symbol: _ZTISt13runtime_error \n")
    assert block2.id == "cxx-runtime-symbol-missing" and "(typeinfo for std::runtime_error)" in block2.title, flat(block2)
    # the fix: the same object linked by the C++ compiler loads
    assert subprocess.run(["g++", "-shared", "x.o", "-o", "libx.so"], cwd=tmp_path).returncode == 0
    assert subprocess.run(load, cwd=tmp_path).returncode == 0


def test_spacks_blacs_for_a_spec_without_mpi_is_one_finding():
    log = ("$ spack install py-numpy@1.16.2%intel@18.0.4 ^intel-mkl@2018.4.274%intel@18.0.4\n...\n"
           "==> Error: InstallError: Cannot find a BLACS library for the given MPI.\n\n"
           "....../spack/lib/spack/spack/build_systems/intel.py:798, in scalapack_libs:\n"
           "  >>    798        else:\n        799            raise_lib_error('Cannot find a BLACS library for the given MPI.')\n")
    [finding] = errors_of(log)
    assert finding.id == "spack-mkl-blacs-no-mpi" and finding.fix[0].startswith("update Spack"), flat(finding)


def test_otools_install_name_of_the_build_machine():
    good = ("adpauls$ otool -L libtorch/lib/libiomp5.dylib\nlibtorch/lib/libiomp5.dylib:\n"
            "\t@rpath/libiomp5.dylib (compatibility version 5.0.0, current version 5.0.0)\n"
            "\t/usr/lib/libSystem.B.dylib (compatibility version 1.0.0, current version 1225.1.1)\n")
    bad = good.replace("\t@rpath/libiomp5.dylib", "\t/DLC/torch/.dylibs/libiomp5.dylib")
    [finding] = errors_of(bad)
    assert finding.id == "macos-install-name-elsewhere" and "/DLC/torch/.dylibs/libiomp5.dylib" in finding.title, flat(finding)
    assert finding.fix[0].startswith("install_name_tool -id @rpath/libiomp5.dylib libtorch/lib/libiomp5.dylib")
    assert errors_of(good) == []
    # an installed library's own absolute name (Homebrew's), or the file's own path, is not this
    assert errors_of("otool -L libomp.dylib\nlibomp.dylib:\n\t/opt/homebrew/opt/libomp/lib/libomp.dylib (compatibility "
                     "version 5.0.0, current version 5.0.0)\n") == []
    assert errors_of("/tmp/pkg/lib/libmkl_rt.2.dylib:\n\t/tmp/pkg/lib/libmkl_rt.2.dylib (compatibility version 0.0.0, "
                     "current version 0.0.0)\n") == []


def test_a_reporters_list_of_unresolved_names_and_link_exes_own_lines():
    log = ("Unresolved functions (external symbol):\nvdSub vsSub vsPowx vdDiv vdAdd vsAbs cblas_saxpby vdExp vdAbs vsDiv "
           "vdMul vsAdd vsMul vsExp cblas_daxpby vsSqr vdPowx vdSqr\n")
    [finding] = errors_of(log)
    assert finding.id == "msvc-unresolved-mkl" and "no MKL library took part" in finding.title, flat(finding)
    assert "mkl_rt.lib" in finding.fix[0]
    own = "x.obj : error LNK2019: unresolved external symbol vdSub referenced in function f\n"
    assert [f.id for f in errors_of(log + own)] == ["msvc-unresolved-mkl"]


def test_windows_error_127_in_chinese_is_a_dll_of_another_release():
    log = ("  File \"D:\\python\\lib\\site-packages\\paddle\\fluid\\core.py\", line 167, in <module>\n"
           "    from .core_avx import *\nImportError: DLL load failed: 找不到指定的程序。\n")
    found = explain(logparse.parse_bytes(log.encode()), [])
    assert [f.id for f in found if f.severity == "error"] == ["windows-entry-point-missing"], [flat(f) for f in found]
    # the module (error 126), not the procedure: a DLL not found
    module = explain(logparse.parse_bytes(log.replace("找不到指定的程序", "找不到指定的模块").encode()), [])
    assert "windows-entry-point-missing" not in {f.id for f in module}
