"""The fourth round of raw public pastes (issue threads read without their causes): Windows' words in its other languages
and Visual Studio's Error List, musl's loader, a compiler that left its MKL option out, Julia's signal line in French,
the JVM's crash report, CNTK's DLL and configure messages, findblas, a NumPy structure's size, Theano's compile error."""

from __future__ import annotations

import os

import pytest

from tests.test_explain_families import flat, only_error

CASES = [
    # sandialabs/CACTUS#54: oneAPI's ifort ignored /mkl, so the link had no MKL: the unresolved DGESV is its consequence
    ("> Error\t\tfatal error LNK1120: 1 unresolved externals\t\t\nError\t\terror LNK2019: unresolved external symbol DGESV "
     "referenced in function WALLSYSTEM_mp_INVERT_INFLUENCE_MATRIX\t\twallsystem.obj\t\t\n>Error\t\terror LNK2001: unresolved "
     "external symbol DGESV\t\tWSolnSetup.obj\t\t\n\nto note that there are several warnings related to \n> Warning\t\tcommand "
     "line warning #10006: ignoring unknown option '/mkl'\t\tifort\t\t\n", "mkl-compiler-option-retired", "DGESV unresolved"),
    # intel/ipex-llm#3053: BigDL's libiomp5 on Alpine: musl's loader, the name on the next line
    ('Exception in thread "main" java.lang.UnsatisfiedLinkError:\n  /tmp/dlNativeLoader8370768401448024359libiomp5.so: \n  Error '
     "relocating /tmp/dlNativeLoader8370768401448024359libiomp5.so: \n  __strncpy_chk: symbol not found\n    \nat java.lang."
     "ClassLoader$NativeLibrary.load(Native Method)\n", "glibc-library-on-musl", "Debian"),
    # apache/mxnet#11610: WinError 126 in Windows' Chinese
    ('  File "f:\\python36\\lib\\ctypes\\__init__.py", line 348, in __init__\n    self._handle = _dlopen(self._name, mode)\n\n'
     "OSError: [WinError 126] 找不到指定的模块。`\n", "windows-library-not-loaded", "WinError 126"),
    # ralna/spral#218: Julia's signal line in French, the frames in MKL's kernel
    ("[2814581] signal (11.1): Erreur de segmentation\nin expression starting at /home/montalex/JuMP-dev/jump.jl:24\n"
     "mkl_blas_def_dgemm_mscale at /home/montalex/.julia/artifacts/347e4bf25d69805922225ce6bf819ef0b8715426/lib/libmkl_def.so.2 "
     "(unknown line)\nmkl_blas_dgemm at /home/montalex/.julia/artifacts/347e4bf25d69805922225ce6bf819ef0b8715426/lib/"
     "libmkl_intel_thread.so.2 (unknown line)\n", "mkl-crash", "inside MKL"),
    # deeplearning4j/nd4j#1460: the JVM's crash report, its header the crash's
    ("```\n#\n# A fatal error has been detected by the Java Runtime Environment:\n#\n#  SIGSEGV (0xb) at pc=0x0000003120609d0f, "
     "pid=21888, tid=0x00007f0fcb9a1700\n#\n# Problematic frame:\n# C  [ld-linux-x86-64.so.2+0x9d0f]\n", "program-crashed",
     "SIGSEGV"),
    # microsoft/CNTK#3171: the DLL named, then the delay-load code: one finding
    ("CNTK: Failed to load DLL 'mklml.dll'.\nCNTK: Caught Win32 exception 0xc06d007e: Module not found.\n",
     "windows-library-not-loaded", "mklml.dll"),
    # microsoft/CNTK#3813: its configure's own search
    ("> Defaulting to --with-buildtype=release\n> Cannot find a CPU math library.\n> Please specify --with-mkl, --with-openblas "
     "with a path.\n", "mkl-finder-failed", "CPU math library"),
    # jdtuck/fdasrsf_python#51: findblas's words, not the reporter's sentence above them
    ("The first error I encounter occurs because MKL and other libraries can't be found:\n\n```bash\n      ValueError: Could not "
     "locate MKL, OpenBLAS, BLIS, ATLAS or GSL libraries - you'll need to manually modify setup.py to add BLAS path.\n\n  "
     "ERROR: Failed building wheel for fdasrsf\n", "mkl-finder-failed", "search for MKL failed: ValueError: Could not locate MKL"),
    # TomographicImaging/CIL#682: Cython's check in mkl_fft: built against a newer NumPy
    ('  File "/opt/anaconda3/envs/ring_processor/lib/python3.6/site-packages/mkl_fft/__init__.py", line 27, in <module>\n    '
     "from ._pydfti import (fft, ifft, fft2, ifft2, fftn, ifftn, rfft, irfft,\n  File \"__init__.pxd\", line 918, in init "
     "mkl_fft._pydfti\nValueError: numpy.ufunc size changed, may indicate binary incompatibility. Expected 216 from C header, "
     "got 192 from PyObject\n", "numpy-abi-mismatch", "mkl_fft was built against a newer NumPy"),
    # Theano/Theano#2868: Theano's compile error, its '\n' turned into '. ' with the '\r' kept
    ("Exception: ('The following error happened while compiling the node', Dot22(x_batch, dense0.W), '\\n', 'Compilation failed "
     "(return status=1): C:/mingw-w64/x86_64-4.9.2-posix-seh-rt_v4-rev2/mingw64/bin/../lib/gcc/x86_64-w64-mingw32/4.9.2/../../../"
     "../x86_64-w64-mingw32/bin/ld.exe: cannot find -lmkl_core\\r. C:/mingw-w64/x86_64-4.9.2-posix-seh-rt_v4-rev2/mingw64/bin/../"
     "lib/gcc/x86_64-w64-mingw32/4.9.2/../../../../x86_64-w64-mingw32/bin/ld.exe: cannot find -lmkl_rt\\r. collect2.exe: error: "
     "ld returned 1 exit status\\r. ', '[Dot22(x_batch, dense0.W)]')\n", "library-not-found", "-lmkl_core, -lmkl_rt"),
    # icl-utk-edu/heffte#43: the project's finder names the component it wants
    ("CMake Error at cmake/FindHeffteMKL.cmake:59 (message):\n  Could not find required mkl component: mkl_intel_ilp64\nCall "
     "Stack (most recent call first):\n  cmake/FindHeffteMKL.cmake:86 (heffte_find_mkl_libraries)\n", "mkl-finder-failed",
     "FindHeffteMKL.cmake"),
    # apache/mxnet#20301: a crash the log names no library for, in a build configured for MKL's ILP64 layer
    ("```\n[14:24:17] /home/matteo/Git/mxnet-build/Build/Linux-x86-64/MKL/mxnet/src/storage/storage.cc:199: Using Pooled "
     "(Naive) StorageManager for CPU\n\nFatal Error: Segmentation fault\nStack trace:\nSegmentation fault (core dumped)\n```\n\n"
     "Maybe the problem is in my build. I'm building master from source with these settings (linking to MKL 2019.4):\n```\n"
     " -DBLAS=MKL \\\n -DUSE_LAPACK=OFF \\\n -DBLA_VENDOR=\"Intel10_64ilp\" \\\n -DBLA_STATIC=OFF \\\n```\n", "program-crashed",
     "Intel10_64lp"),
]


@pytest.mark.parametrize("log, finding, word", CASES, ids=[c[1] + "-" + str(i) for i, c in enumerate(CASES)])
def test_a_raw_paste(log, finding, word):
    said = only_error(log)
    assert said.id == finding and word in flat(said), flat(said)


def test_an_options_value_split_on_its_way_to_configure(tmp_path):
    """scuff-em#12, produced with the real autoconf: a wrapper that passes its arguments on as $* splits the quoted
    --with-lapack value; configure refuses -lpthread as an option. The fix the finding names ("$@") configures."""
    import subprocess

    (tmp_path / "configure.ac").write_text("AC_INIT([t], [1])\nAC_ARG_WITH([lapack], [AS_HELP_STRING([--with-lapack=LIBS], "
                                           "[LAPACK])])\nAC_OUTPUT\n")
    assert subprocess.run(["autoconf"], cwd=tmp_path).returncode == 0
    (tmp_path / "autogen.sh").write_text("#!/bin/sh\n./configure $*\n")
    value = "--with-lapack=-lmkl_rt -lpthread -lm"
    failed = subprocess.run(["sh", "autogen.sh", value], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "unrecognized option" in failed.stderr, failed.stderr
    said = only_error(failed.stderr)
    assert said.id == "configure-value-split" and "-lpthread" in said.title and '"$@"' in flat(said), flat(said)
    (tmp_path / "autogen.sh").write_text('#!/bin/sh\n./configure "$@"\n')
    fixed = subprocess.run(["sh", "autogen.sh", value], cwd=tmp_path, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr


def test_cmake_drops_mkls_folder_given_as_its_libraries(tmp_path, mkl):
    """flashlight#850, produced with the real cmake (which wraps the message over three lines): MKL_LIBRARIES given the
    library folder; the files, as the finding says, configure without the warning."""
    import subprocess

    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(t C)\nadd_executable(t t.c)\n"
                                             "target_link_libraries(t ${MKL_LIBRARIES})\n")
    (tmp_path / "t.c").write_text("int main(void) { return 0; }\n")
    folder = f"{mkl.pip_lib}/"
    ran = subprocess.run(["cmake", "-S", str(tmp_path), "-B", str(tmp_path / "b"), f"-DMKL_LIBRARIES={folder}"],
                         capture_output=True, text=True)
    assert "requests linking to directory" in ran.stderr, ran.stderr
    [said] = explain(logparse.parse_bytes((ran.stdout + ran.stderr).encode()), [])
    assert said.id == "cmake-links-folder" and said.severity == "warning" and folder in said.title, flat(said)
    files = ";".join(str(mkl.pip_lib / f"libmkl_{n}.so.3") for n in ("intel_lp64", "sequential", "core"))
    assert all(map(os.path.isfile, files.split(";"))), files
    fixed = subprocess.run(["cmake", "-S", str(tmp_path), "-B", str(tmp_path / "c"), f"-DMKL_LIBRARIES={files}"],
                           capture_output=True, text=True)
    assert fixed.returncode == 0 and "requests linking to directory" not in fixed.stderr, fixed.stderr
