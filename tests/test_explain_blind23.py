"""The classes of the twenty-third blind set (tests/data/explain_corpus/blind23.json), produced here where they can run.

- MKL's FFTW wrapper library named on a link line (ucl-rcps#97: -lfftw3xf_intel, which MKL ships as sources): the real ld
  with the pinned wheel fails on the wrapper's name, and the line without it links an FFTW3 program;
- make's own line for the recipe that failed, its target a library's name (kaldifeat#10): the real make and ld, one
  finding and no unrecognised line beside it;
- public text (no macOS, conda, Windows or CTranslate2 here): a shell's lowercase "segmentation fault" with a conda list
  of intel-openmp and llvm-openmp (scikit-learn's KMeans, anaconda-issues#13221); a localized Visual Studio Error List
  row of LNK1181 on a Linux library's name (Paddle#24610); MKL's "Cannot load" of a library that is not MKL's
  (whisper-ctranslate2#108, lmdeploy#2258); Kaldi's configure failure and the makefile's "run ./configure first" after it.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.test_explain_families import errors_of, flat


@pytest.mark.mkl
def test_mkls_fftw_wrapper_is_built_from_sources_and_the_layers_answer_fftw3(mkl, tmp_path):
    (tmp_path / "f.c").write_text(
        "#include <stddef.h>\nvoid *fftw_plan_dft_1d(int, void *, void *, int, unsigned);\n"
        "int main(void) { return fftw_plan_dft_1d(0, NULL, NULL, -1, 0) != NULL; }\n")
    assert subprocess.run(["gcc", "-c", "f.c"], cwd=tmp_path).returncode == 0
    lib = mkl.pip_lib
    layers = [f"-l:{next(lib.glob(f'lib{stem}.so.*')).name}" for stem in ("mkl_intel_lp64", "mkl_sequential", "mkl_core")]

    def link(*libs):
        return subprocess.run(["gcc", "f.o", "-o", "f", f"-L{lib}", *libs], cwd=tmp_path, capture_output=True, text=True)

    failed = link("-lfftw3xc_intel", *layers)
    assert failed.returncode != 0 and "-lfftw3xc_intel" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "library-not-found" and "sources" in finding.title, flat(finding)
    assert finding.fix[0].startswith("drop -lfftw3xc_intel") and "interfaces/fftw3xc" in finding.fix[1]
    # the fix: the same line without the wrapper links, MKL's own layers answer FFTW3's names
    linked = link(*layers, "-lpthread", "-lm", "-ldl")
    assert linked.returncode == 0, linked.stderr
    # FFTW2's wrapper has no such answer in MKL's libraries: only the build from sources is offered
    [fftw2] = errors_of(link("-lfftw2xc_intel", *layers).stderr)
    assert fftw2.fix[0].startswith("or build the wrapper") and "interfaces/fftw2xc" in fftw2.fix[0]
    # the cluster FFTW's wrapper is built in its own folder, fftw3x_cdft
    [cdft] = errors_of(link("-lfftw3x_cdft_lp64", *layers).stderr)
    assert "interfaces/fftw3x_cdft " in cdft.fix[0], flat(cdft)


def test_makes_recipe_line_is_the_consequence_of_the_link_failure(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "x.c").write_text("int x(void) { return 0; }\n")
    (tmp_path / "Makefile").write_text("lib/libx.so: x.c\n\tgcc -shared -fPIC x.c -o $@ -lmkl_intel_ilp64\n")
    (tmp_path / "top.mk").write_text("all:\n\t$(MAKE) -f Makefile lib/libx.so\n")
    made = subprocess.run(["make", "-f", "top.mk"], cwd=tmp_path, capture_output=True, text=True)
    assert made.returncode != 0 and "] Error 1" in made.stderr, made.stderr
    # kaldifeat#10's indentation: a build tool's output pasted under a step
    log = "".join("    " + line + "\n" for line in made.stderr.splitlines())
    [finding] = errors_of(log)
    assert finding.id == "library-not-found", flat(finding)
    assert any("make[1]: ***" in line and "consequence" in line for line in finding.evidence), finding.evidence


def test_a_crash_beside_intel_and_llvm_openmp_in_the_conda_list():
    log = ("In [4]: KMeans().fit(np.random.default_rng(0).normal(size=(10, 8)))\n"
           "zsh: segmentation fault  ipython\n[...]\nblas                      1.0                         mkl    defaults\n"
           "intel-openmp              2023.1.0         ha357a0b_43547    defaults\n"
           "llvm-openmp               14.0.6               h0dcd299_0    defaults\n")
    [finding] = errors_of(log)
    assert finding.id == "openmp-runtimes-mixed" and "intel-openmp 2023.1.0, llvm-openmp 14.0.6" in finding.title, flat(finding)
    assert finding.fix[0].startswith("keep one OpenMP runtime")
    # a shell's lowercase crash line alone is a crash, never a clean log; one runtime is not this finding
    [alone] = errors_of("zsh: segmentation fault  ipython\n")
    assert alone.id == "program-crashed"
    [one] = errors_of(log.replace("llvm-openmp               14.0.6               h0dcd299_0    defaults\n", ""))
    assert one.id == "program-crashed"


def test_a_localized_error_list_row_of_a_linux_name_given_to_link_exe():
    log = ("错误\tLNK1181\t无法打开输入文件“E:\\deeplearning\\fluid_inference_install_dir\\third_party\\install\\mklml\\lib\\"
           "libmklml_intel.dll”\tthread_mobilenet_test\n")
    [finding] = errors_of(log)
    assert finding.id == "msvc-library-not-found" and "a DLL" in finding.title, flat(finding)
    assert finding.fix[0].startswith("link the Windows names: libmklml_intel.dll -> mklml.lib")
    [english] = errors_of("LINK : fatal error LNK1181: cannot open input file 'libmkl_core.so'\n")
    assert english.fix[0].startswith("link the Windows names: libmkl_core.so -> mkl_core.lib"), flat(english)
    [windows] = errors_of("LINK : fatal error LNK1181: cannot open input file 'mkl_core.lib'\n")
    assert not windows.fix[0].startswith("link the Windows names")


def test_mkl_cannot_load_a_library_that_is_not_mkls():
    path = ("/home/user/.local/share/pipx/venvs/whisper-ctranslate2/lib/python3.12/site-packages/ctranslate2/../"
            "ctranslate2.libs/libctranslate2-d3638643.so.4.4.0")
    [finding] = errors_of(f"Intel MKL FATAL ERROR: Cannot load {path}.\n")
    assert finding.id == "mkl-cannot-load-kernels" and "not MKL's" in finding.title, flat(finding)
    assert finding.fix[0].startswith("CTranslate2: run with CT2_USE_MKL=0")
    assert not any("LD_LIBRARY_PATH=" in line for line in finding.fix)
    [torch] = errors_of("Intel MKL FATAL ERROR: Cannot load /e/lib/python3.10/site-packages/torch/lib/libtorch_cpu.so.\n")
    assert torch.fix[0].startswith("start the program from a folder that exists"), flat(torch)
    # MKL's own kernels keep their finding
    [kernel] = errors_of("Intel MKL FATAL ERROR: Cannot load libmkl_avx2.so.2 or libmkl_def.so.2.\n")
    assert "not MKL's" not in kernel.title


def test_a_configure_failure_and_the_makefiles_run_configure_first():
    log = ("Configuring MKL library directory: ***configure failed: Could not find the MKL library directory.\n"
           "Please use the switch --mkl-root and/or --mkl-libdir if you have MKL installed,\n"
           "or try another math library, e.g. --mathlib=OPENBLAS (Kaldi may be slower). ***\n"
           "ERROR: kaldi.mk does not exist; run ./configure first.\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-finder-failed" and any("run ./configure first" in line for line in finding.evidence), flat(finding)


def test_python_aborted_in_scipys_linear_algebra(tmp_path):
    # Python's own faulthandler report of an abort in a frame of scipy's linalg tests (scipy#11770: MKL's ?heevr)
    tests = tmp_path / "scipy" / "linalg" / "tests"
    tests.mkdir(parents=True)
    (tests / "test_decomp.py").write_text("import os\n\ndef test_value_subsets():\n    os.abort()\n\ntest_value_subsets()\n")
    ran = subprocess.run([sys.executable, "-X", "faulthandler", str(tests / "test_decomp.py")], capture_output=True, text=True)
    assert ran.returncode != 0 and "Fatal Python error: Aborted" in ran.stderr, ran.stderr
    [finding] = errors_of("tests/test_decomp.py::TestEigh::test_value_subsets " + ran.stderr)
    assert finding.id == "program-crashed" and "linear algebra" in finding.title, flat(finding)
    assert "scipy/linalg/tests/test_decomp.py" in finding.evidence[1]
    assert finding.fix[0].startswith("see which BLAS and LAPACK")
    # an abort elsewhere is a crash whose frames name no MKL
    (tmp_path / "other.py").write_text("import os\nos.abort()\n")
    other = subprocess.run([sys.executable, "-X", "faulthandler", str(tmp_path / "other.py")], capture_output=True, text=True)
    [plain] = errors_of(other.stderr)
    assert plain.id == "program-crashed" and "linear algebra" not in plain.title, flat(plain)


def test_a_projects_finder_that_wants_lapack_beside_mkl(tmp_path):
    # mlpack#507's FindArmadillo.cmake branch, in real cmake's message format
    (tmp_path / "FindArmadillo.cmake").write_text(
        'message(STATUS "Using MKL for LAPACK/BLAS: /opt/intel/mkl/lib/intel64/libmkl_rt.so")\n'
        'message(FATAL_ERROR "Cannot find LAPACK library, but ARMA_USE_LAPACK is set.  Try specifying LAPACK libraries '
        'manually by setting the LAPACK_LIBRARY variable.")\n')
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.13)\nproject(p NONE)\n"
                                             "list(APPEND CMAKE_MODULE_PATH ${CMAKE_SOURCE_DIR})\nfind_package(Armadillo)\n")
    ran = subprocess.run(["cmake", "-S", str(tmp_path), "-B", str(tmp_path / "build")], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    assert ran.returncode != 0, ran.stdout
    [finding] = errors_of(ran.stdout)
    assert finding.id == "cmake-blas-not-found" and finding.title.startswith("FindArmadillo.cmake asks for a LAPACK"), flat(finding)
    assert "-DLAPACK_LIBRARY=" in finding.fix[1]
    # the same words with no MKL before them are not this finding
    assert "cmake-blas-not-found" not in {f.id for f in errors_of("CMake Error at x.cmake:1 (message):\n  Cannot find LAPACK library\n")}


def test_dotnet_says_the_library_or_one_of_its_dependencies():
    log = ("---- System.DllNotFoundException : Unable to load shared library 'MklImports' or one of its dependencies. In order "
           "to help diagnose loading problems, consider setting the DYLD_PRINT_LIBRARIES environment variable: "
           "dlopen(libMklImports, 1): image not found\n")
    [finding] = errors_of(log)
    assert finding.id == "macos-library-not-loaded" and any("one of its dependencies" in e for e in finding.evidence[1:])
    assert finding.fix[0].startswith("see what libMklImports needs") and "otool -L" in finding.fix[0], flat(finding)
    [plain] = errors_of("dlopen(libMklImports, 1): image not found\n")
    assert not plain.fix[0].startswith("see what")


def test_mklconfig_of_a_conda_environment_without_mkls_runtime():
    log = ("CMake Error at C:/Users/u/miniconda3/Library/lib/cmake/mkl/MKLConfig.cmake:618 (message):\n"
           "  mkl_core.*.dll not found\nCall Stack (most recent call first):\n  CMakeLists.txt:28 (include)\n")
    [finding] = errors_of(log)
    assert finding.id == "mklconfig-file-not-found", flat(finding)
    assert finding.fix[0].startswith("install MKL's runtime into that environment") and "-p C:/Users/u/miniconda3 mkl=" in finding.fix[0]
    [oneapi] = errors_of(log.replace("C:/Users/u/miniconda3/Library", "C:/Program Files (x86)/Intel/oneAPI/mkl/2024.0"))
    assert not oneapi.fix[0].startswith("install MKL's runtime")


def test_an_unversioned_kernel_alone_names_conda_updates_second():
    [finding] = errors_of("Intel MKL FATAL ERROR: Cannot load libmkl_avx2.so or libmkl_def.so.\n")
    assert finding.id == "mkl-core-not-visible" and finding.fix[1].startswith("in a conda environment"), flat(finding)
    assert "conda update mkl numpy scipy" in finding.fix[1]
    # a JVM's load beside it: not a Python environment's
    jvm = errors_of("Exception in thread \"main\" java.lang.UnsatisfiedLinkError: no jniopencv in java.library.path\n"
                    "Intel MKL FATAL ERROR: Cannot load libmkl_avx2.so or libmkl_def.so.\n")
    assert not any(line.startswith("in a conda environment") for f in jvm for line in f.fix), [flat(f) for f in jvm]


@pytest.mark.mkl
def test_pivots_of_mkls_lp64_interface_read_as_64_bit_integers(mkl, tmp_path):
    # Julia#15957's output, made by the pinned MKL: dgetrf_ of the LP64 interface fills 32-bit pivots into an int64_t array
    (tmp_path / "p.c").write_text(
        "#include <stdio.h>\n#include <stdint.h>\nvoid dgetrf_(int *, int *, double *, int *, int64_t *, int *);\n"
        "int main(void) {\n  int n = 5, info = 0; double a[25] = {0}; int64_t ipiv[5] = {0};\n"
        "  for (int i = 0; i < 5; i++) for (int j = i; j < 5; j++) a[j * 5 + i] = 1.0 + i + j;\n"
        "  dgetrf_(&n, &n, a, &n, ipiv, &info);\n  printf(\"[%lld,%lld,%lld,%lld,%lld]\\n\", (long long)ipiv[0], "
        "(long long)ipiv[1], (long long)ipiv[2], (long long)ipiv[3], (long long)ipiv[4]);\n  return 0;\n}\n")
    lib = mkl.pip_lib
    layers = [f"-l:{next(lib.glob(f'lib{stem}.so.*')).name}" for stem in ("mkl_intel_lp64", "mkl_sequential", "mkl_core")]
    subprocess.run(["gcc", "p.c", "-o", "p", f"-L{lib}", *layers, "-lpthread", "-lm", "-ldl"], cwd=tmp_path, check=True)
    ran = subprocess.run(["./p"], cwd=tmp_path, capture_output=True, text=True, env={"LD_LIBRARY_PATH": str(lib)})
    assert ran.returncode == 0 and ran.stdout.startswith("[8589934593,17179869187,5,"), ran.stdout + ran.stderr
    [finding] = errors_of(ran.stdout)
    assert finding.id == "integers-read-wrong-width" and "the 32-bit pair 1, 2" in finding.evidence[1], flat(finding)
    # round sizes are not pairs: 4 GiB and 8 GiB
    assert not errors_of("allocated 4294967296 bytes, then 8589934592 bytes\n")


def test_a_frozen_numpy_with_a_file_that_is_not_python_source(tmp_path):
    frozen = ('File "c:\\python36\\lib\\site-packages\\cx_Freeze\\initscripts\\__startup__.py", line 81, in run\t__main__:48\n'
              '\tmodule.run()\t__main__:48\nFile "project.py", line 11, in <module>\t__main__:48\n'
              'File "D:\\app\\lib\\numpy\\__init__.py", line 124, in <module>\t__main__:48\n'
              '\t    from numpy.__config__ import show as show_config\t__main__:48\n'
              'source code string cannot contain null bytes\t__main__:36\n')
    [finding] = errors_of(frozen)
    assert finding.id == "frozen-package-broken" and "numpy" in finding.title and "cx_Freeze" in finding.title, flat(finding)
    assert finding.fix[0].startswith("update the bundler")
    # the real interpreter's words for a damaged package outside a bundle: the file, not a bundler
    (tmp_path / "damaged").mkdir()
    (tmp_path / "damaged" / "__init__.py").write_bytes(b"x = 1\0\n")
    ran = subprocess.run([sys.executable, "-c", "import damaged"], cwd=tmp_path, capture_output=True, text=True)
    assert "null bytes" in ran.stderr, ran.stderr
    [damaged] = errors_of(ran.stderr)
    assert damaged.id == "python-source-damaged" and damaged.fix[0].startswith("reinstall"), flat(damaged)


@pytest.mark.parametrize("unresolved, cannot_open", [
    ('main.obj : error LNK2019: Verweis auf nicht aufgelöstes externes Symbol "cblas_dgemm" in Funktion "main".',
     'LINK : fatal error LNK1181: Eingabedatei "mkl_intel_lp64.lib" kann nicht geöffnet werden.'),
    ("main.obj : error LNK2019: 无法解析的外部符号 cblas_dgemm，函数 main 中引用了该符号",
     "LINK : fatal error LNK1181: 无法打开输入文件“mkl_intel_lp64.lib”"),
    ("main.obj : error LNK2019: 未解決の外部シンボル cblas_dgemm が関数 main で参照されました。",
     "LINK : fatal error LNK1181: 入力ファイル 'mkl_intel_lp64.lib' を開けません。"),
    ("main.obj : error LNK2019: symbole externe non résolu cblas_dgemm référencé dans la fonction main",
     "LINK : fatal error LNK1181: impossible d'ouvrir le fichier en entrée 'mkl_intel_lp64.lib'"),
], ids=["de", "zh", "ja", "fr"])
def test_link_exe_in_another_language(unresolved, cannot_open):
    # blind23's Chinese Error List row showed Visual Studio in the user's language: link.exe's own lines are translated too
    found = {f.id: f for f in errors_of(f"{unresolved}\n{cannot_open}\nfatal error LNK1120: 1 unresolved\n")}
    assert set(found) == {"msvc-library-not-found", "msvc-unresolved-mkl"}, [flat(f) for f in found.values()]
    assert "mkl_intel_lp64.lib" in found["msvc-library-not-found"].title
    assert "cblas_dgemm" in found["msvc-unresolved-mkl"].title
    # a translated line with no name to read stays an error of its own, never silent
    [alone] = errors_of("main.obj : error LNK2019: 外部符号无法解析\n")
    assert alone.id == "unrecognised-failure"


def test_an_object_named_by_its_full_path_with_a_drive_letter():
    [finding] = errors_of("C:\\proj\\build\\main.obj : error LNK2019: unresolved external symbol cblas_dgemm referenced in "
                          "function main\n")
    assert finding.id == "msvc-unresolved-mkl" and "C:\\proj\\build\\main.obj" in finding.evidence[0], flat(finding)


@pytest.mark.parametrize("line", [
    "main.c:(.text+0x5e): nicht definierter Verweis auf `cblas_dgemm'",
    "main.c:(.text+0x5e): 对‘cblas_dgemm’未定义的引用",
    "main.c:(.text+0x5e) : référence indéfinie vers « cblas_dgemm »",
    "main.c:(.text+0x5e): referencia a `cblas_dgemm' sin definir",
    "main.c:(.text+0x5e): неопределённая ссылка на «cblas_dgemm»",
], ids=["de", "zh", "fr", "es", "ru"])
def test_gnu_lds_undefined_reference_in_another_language(line):
    # GNU ld's messages come translated where the user's locale is (an issue pasted from such a machine): silent before
    log = f"/usr/bin/ld: /tmp/cc1.o: in function `main':\n{line}\ncollect2: error: ld returned 1 exit status\n"
    [finding] = errors_of(log)
    assert finding.id == "mkl-symbol-unresolved" and "cblas_dgemm" in finding.title, flat(finding)


@pytest.mark.parametrize("log, finding_id, word", [
    ("/usr/bin/ld: kann -lmkl_rt nicht finden\n", "library-not-found", "-lmkl_rt"),
    ("/usr/bin/ld: 找不到 -lmkl_rt\n", "library-not-found", "-lmkl_rt"),
    ("/usr/bin/ld : ne peut trouver -lmkl_rt\n", "library-not-found", "-lmkl_rt"),
    ("./app: error while loading shared libraries: libmkl_rt.so.2: 无法打开共享对象文件: 没有那个文件或目录\n",
     "loader-cannot-find", "libmkl_rt.so.2"),
    ("./app: Fehler beim Laden gemeinsamer Bibliotheken: libmkl_rt.so.2: Kann die Shared-Object-Datei nicht öffnen: Datei "
     "oder Verzeichnis nicht gefunden\n", "loader-cannot-find", "libmkl_rt.so.2"),
], ids=["ld-de", "ld-zh", "ld-fr", "loader-zh", "loader-de"])
def test_a_missing_library_in_another_language(log, finding_id, word):
    [finding] = errors_of(log)
    assert finding.id == finding_id and word in finding.title, flat(finding)


def test_translated_lines_that_are_not_these_failures():
    # a multiple definition (two locations), and a translated loader line about the file's ELF class
    multiple = errors_of("/usr/bin/ld: b.o: in function `f':\nb.c:(.text+0x0): mehrfache Definition von `f'; "
                         "a.o:a.c:(.text+0x0): zuerst hier definiert\n")
    assert not any(f.id == "mkl-symbol-unresolved" or f.id == "undefined-symbol" for f in multiple), [flat(f) for f in multiple]
    elf = errors_of("./app: Fehler beim Laden gemeinsamer Bibliotheken: libmkl_rt.so.2: falsche ELF-Klasse: ELFCLASS32\n")
    assert [f.id for f in elf] == ["unrecognised-failure"], [flat(f) for f in elf]  # said, never silent


@pytest.mark.parametrize("log, finding_id, word", [
    ("INTEL MKL ERROR: /opt/intel/oneapi/mkl/latest/lib/libmkl_avx2.so.2: nicht definiertes Symbol: "
     "mkl_sparse_optimize_bsr_trsm_i8.\nIntel MKL FATAL ERROR: Cannot load libmkl_avx2.so.2 or libmkl_def.so.2.\n",
     "mkl-core-not-visible", "mkl_sparse_optimize_bsr_trsm_i8"),
    ("INTEL MKL ERROR: /x/libmkl_avx2.so.2: 未定义的符号: mkl_sparse_optimize_bsr_trsm_i8.\n",
     "mkl-core-not-visible", "mkl_sparse_optimize_bsr_trsm_i8"),
    ("python: Fehler beim Nachschlagen des Symbols: /x/libmkl_intel_thread.so.2: nicht definiertes Symbol: omp_get_num_procs\n",
     "openmp-runtime-missing", "libiomp5"),
    ("python: 符号查找错误: libmkl_intel_thread.so.2: 未定义符号: omp_get_num_procs\n", "openmp-runtime-missing", "libiomp5"),
], ids=["mkl-de", "mkl-zh", "lookup-de", "lookup-zh"])
def test_the_loaders_undefined_symbol_in_another_language(log, finding_id, word):
    found = [f for f in errors_of(log) if f.id != "unrecognised-failure"]
    assert found and found[0].id == finding_id and word in flat(found[0]), [flat(f) for f in found]
    assert not any(f.id == "loader-cannot-find" for f in errors_of(log))


def test_an_error_line_in_another_language_is_never_silent():
    for line in ("Fehler: libfoo.so kann nicht gefunden werden", "错误：找不到 mkl_rt.dll", "erreur : impossible de charger mkl_rt.2.dll"):
        [finding] = errors_of(line + "\n")
        assert finding.id == "unrecognised-failure", (line, flat(finding))
    assert not errors_of("Erstellen erfolgreich.\n    0 Fehler\n    0 Warnung(en)\n")  # MSBuild's German summary of a build


def test_rs_dyn_load_in_another_language():
    log = ("Fehler in dyn.load(file, DLLpath = DLLpath, ...) : \n"
           "  kann shared object '/usr/lib/R/site-library/foo/libs/foo.so' nicht laden:\n"
           "  libmkl_rt.so.2: Kann die Shared-Object-Datei nicht öffnen: Datei oder Verzeichnis nicht gefunden\n")
    [finding] = errors_of(log)
    assert finding.id == "loader-cannot-find" and "libmkl_rt.so.2" in finding.title, flat(finding)
    assert finding.evidence[0].startswith("R (dyn.load) needs libmkl_rt.so.2")
    # R's error head alone, in German: never silent
    [head] = errors_of("Fehler in library(foo) : es gibt kein Paket namens 'foo'\n")
    assert head.id == "unrecognised-failure"


@pytest.mark.parametrize("line", [
    "main.cpp(1): fatal error C1083: Cannot open include file: 'mkl.h': No such file or directory",
    "main.cpp(1): fatal error C1083: 无法打开包括文件: “mkl.h”: No such file or directory",
    'main.cpp(1): fatal error C1083: Datei (Include) kann nicht geöffnet werden: "mkl.h": No such file or directory',
], ids=["en", "zh", "de"])
def test_msvc_cannot_open_mkls_header(line):
    [finding] = errors_of(line + "\n")
    assert finding.id == "mkl-header-not-found" and "mkl.h" in finding.title, flat(finding)
    assert "setvars.bat" in finding.fix[0] and "INCLUDE" in finding.fix[0]


@pytest.mark.parametrize("line", [
    "main.c:1:10: 致命错误：mkl.h：没有那个文件或目录",
    "main.c:1:10: schwerwiegender Fehler: mkl.h: Datei oder Verzeichnis nicht gefunden",
    "main.c:1:10: erreur fatale : mkl.h : Aucun fichier ou dossier de ce type",
], ids=["zh", "de", "fr"])
def test_gccs_missing_header_in_another_language(line):
    [finding] = errors_of(line + "\n")
    assert finding.id == "mkl-header-not-found" and finding.fix[0].startswith("set up the MKL the build means"), flat(finding)
    # another project's header in the same words stays an error of its own
    [other] = errors_of(line.replace("mkl.h", "foo.h") + "\n")
    assert other.id == "unrecognised-failure"


def test_a_fortran_use_of_mkls_module_that_was_never_compiled():
    log = ("main.f90:3:6:\n\n    3 |   use mkl_vsl\n      |      1\nFatal Error: Cannot open module file 'mkl_vsl.mod' for reading "
           "at (1): No such file or directory\ncompilation terminated.\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-fortran-module-missing" and "mkl_vsl.mod" in finding.title, flat(finding)
    assert "$MKLROOT/include/mkl_vsl.f90" in finding.fix[0]
    [ifort] = errors_of("main.f90(3): error #7002: Error in opening the compiled module file.  Check INCLUDE paths.   [LAPACK95]\n")
    assert ifort.fix[0].startswith("lapack95.mod is prebuilt for Intel's compilers only") and len(ifort.fix) == 1, flat(ifort)
    # a project's own module is not MKL's: an error of its own
    [own] = errors_of("Fatal Error: Cannot open module file 'fft_lib.mod' for reading at (1): No such file or directory\n")
    assert own.id == "unrecognised-failure"


@pytest.mark.mkl
def test_the_module_table_against_mkls_own_sources(mkl):
    from mkldoctor.explain.fortranmods import MODULE_SOURCES

    include = mkl.debian_shared / "usr/include/mkl"
    for module, source in MODULE_SOURCES.items():
        text = (include / source).read_text(errors="replace").lower()
        assert re.search(rf"^\s*module\s+{module}\b", text, re.M), (module, source)
    for prebuilt in ("blas95", "lapack95", "f95_precision", "mkl_service"):
        assert (include / "intel64/lp64" / f"{prebuilt}.mod").is_file()


@pytest.mark.parametrize("asked, told", [("mkl==2021.1", "not 2021.1"), ("mkl==2099.1", "newer than every MKL release")])
def test_pip_offered_releases_of_this_platform_but_not_the_one_asked(tmp_path, asked, told):
    from tests.test_explain_pkg_silent import only, pip

    links = tmp_path / "links"
    links.mkdir()
    for version in ("2024.0.0", "2024.1.0"):
        (links / f"mkl-{version}-py2.py3-none-manylinux_2_28_x86_64.whl").touch()
    log = pip(tmp_path, "download", "--no-deps", "--no-index", "--find-links", str(links), "--platform", "manylinux_2_28_x86_64",
              "--only-binary=:all:", "-d", str(tmp_path / "out"), asked)
    assert "(from versions: 2024.0.0, 2024.1.0)" in log, log
    finding = only(log, "mkl-package-unavailable")
    assert "the index offers mkl 2024.0.0 to 2024.1.0" in finding.title and told in finding.title, flat(finding)
    assert finding.fix[0].startswith("pin a release the index offers: mkl==2024.1.0")


def test_gnu_lds_own_translations():
    """GNU ld's messages as its own translations (binutils' ld.mo, installed with ld) render them: an undefined reference
    under its 'in function' line, and a missing -l, in every language that translates them."""
    import gettext
    import glob

    def render(message: str) -> str:
        for field, value in (("%X", ""), ("%P", "/usr/bin/ld"), ("%C", "main.c:(.text+0x5e)"), ("%pB", "/tmp/cc1.o"),
                             ("%B", "/tmp/cc1.o"), ("%pT", "cblas_dgemm"), ("%T", "cblas_dgemm"), ("%E", "No such file")):
            message = message.replace(field, value)
        return message.replace("%s", "-lmkl_nosuch", 1).rstrip("\n")

    tried = []
    for mo in sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES/ld.mo")):
        catalog = gettext.GNUTranslations(open(mo, "rb"))._catalog
        undefined = [v for k, v in catalog.items() if isinstance(k, str) and re.match(r"%X(?:%P: )?%C: undefined reference to", k)
                     and v and "%" in v]
        missing = [v for k, v in catalog.items() if k == "%P: cannot find %s: %E\n" and v]
        function = [v for k, v in catalog.items() if k == "%pB: in function `%pT':\n" and v]
        if undefined:
            log = (render(function[0]) + "\n" if function else "") + render(undefined[0]) + "\n"
            found = [f for f in errors_of(log) if f.id != "unrecognised-failure"]
            assert found and "cblas_dgemm" in found[0].title, (mo, log, [flat(f) for f in errors_of(log)])
            tried.append(mo)
        if missing:
            [finding] = errors_of(render(missing[0]) + "\n")
            assert finding.id == "library-not-found" and "-lmkl_nosuch" in finding.title, (mo, render(missing[0]), flat(finding))
    assert len(tried) >= 5, tried  # binutils translates it into many languages (Debian 12's binutils 2.40: 16)


@pytest.mark.parametrize("line, foreign", [
    ("Fatal Error: File 'mkl_dfti.mod' opened at (1) is not a GNU Fortran module file", "gfortran"),
    ("Fatal Error: Cannot read module file 'blas95.mod' opened at (1), because it was created by a different version of "
     "GNU Fortran", "gfortran"),
    ("main.f90(3): error #7013: This module file was not generated by any release of this compiler.   [LAPACK95]", "intel"),
])
def test_an_mkl_module_file_of_another_compiler(line, foreign):
    """The module file found, and of another compiler (gfortran given MKL's prebuilt Intel .mod files, another gfortran
    release's, or ifx given gfortran's): said with its foreign origin, its folder off the include path first; another
    project's module so refused stays a failure mkldoctor does not know."""
    [finding] = errors_of(line + "\n")
    assert finding.id == "mkl-fortran-module-missing" and "and cannot read it" in finding.title, flat(finding)
    assert finding.fix[0].startswith("take the other compiler's module folder off the include path"), finding.fix
    assert (("MKL's -I$MKLROOT/include/intel64/lp64" in finding.fix[0]) == (foreign == "gfortran")), finding.fix
    [other] = errors_of(line.replace("mkl_dfti", "mymod").replace("blas95", "mymod").replace("LAPACK95", "MYMOD") + "\n")
    assert other.id == "unrecognised-failure"
