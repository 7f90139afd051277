"""Shapes of public issue threads' pastes (2022 and older threads read this stop, their lines as the threads show them):
a page's markup inside a line (a bold over two lines, one bold word, a Markdown link of a name, a Chinese page's full-width
colon), ld's undefined reference to a C++ name whose quotes Markdown ate, a project's library list with NOTFOUND entries
and its "Could not find MKL_CORE_LIBRARY", PARDISO's code before the solver's name, and lldb's EXC_BAD_ACCESS in MKL."""

from __future__ import annotations

import io

import pytest

from tests.test_explain_families import flat, only_error

CASES = [
    # llama.cpp#6439: a bold that opens on the ld line and closes on the next, the backquotes eaten
    ("**/usr/bin/ld: ../libllama.a(ggml-sycl.cpp.o): in function ggml_sycl_mul_mat(ggml_tensor const*, ggml_tensor "
     "const*, ggml_tensor*):\nggml-sycl-269668.cpp:(.text+0x875f): undefined reference to oneapi::mkl::blas::column_major::"
     "gemm_batch(sycl::_V1::queue&, oneapi::mkl::transpose, long, long, float*, long, long, long)**\n",
     "mkl-sycl-api-not-linked", "gemm_batch"),
    # auto-sklearn#1418: a Markdown link the page made of the symbol
    ("symbol lookup error: /apps/intel-ct/2021.4.0/mkl/lib/intel64/libmkl_intel_thread.so.1: undefined symbol: "
     "[omp_get_num_procs](url)\n", "openmp-runtime-missing", "libmkl_intel_thread"),
    # unet-pytorch#37: MKL's line inside a Chinese sentence, its colon full-width
    ("出现Intel MKL ERROR：Parameter 6 was incorrect on entry to DGELSD.这个错误，请问是什么情况啊\n", "mkl-parameter-error", "DGELSD"),
    # Kratos#8333: the project's MKL library list, two of its entries NOTFOUND (in bold)
    ("mkl libs /usr/lib/x86_64-linux-gnu/libpthread.so;**AUX6-NOTFOUND;AUX5-NOTFOUND**;/home/joe/intel/oneapi/mkl/2021.1.1/"
     "lib/intel64/libmkl_core.so;/home/joe/intel/oneapi/mkl/2021.1.1/lib/intel64/libmkl_intel_ilp64.so\n",
     "mkl-finder-failed", "AUX6-NOTFOUND"),
    # polyfem#399: a project's MKL recipe that names the variable it could not fill
    ("CMake Error at /home/sen/.cache/CPM/polysolve/8a84/cmake/recipes/mkl.cmake:159 (message):\n  Could not find "
     "MKL_CORE_LIBRARY\n", "mkl-finder-failed", "MKL_CORE_LIBRARY"),
    # SAFIR#164: the code before the solver's name
    ("The error # -4 was returned by the solver PARDISO.\n", "mkl-pardiso-error", "-4"),
    # msmbuilder#1078: SciPy's words for the workspace query after MKL's line: one finding (and alone, SciPy's)
    ("`Intel MKL ERROR: Parameter 5 was incorrect on entry to DGEEV.`\n`ValueError: Internal work array size computation "
     "failed: -5`\n", "mkl-parameter-error", "DGEEV"),
    ("ValueError: Internal work array size computation failed: -5\n", "mkl-parameter-error", "workspace query"),
    # textnet#7: each line in backquotes, which took ld's own opening one
    ("`/home/e/intel/mkl/lib/intel64/libmkl_intel_thread.so: undefined reference to` `mkl_pds_sp_pds_sym_indef_diag_fwd_ker_"
     "seq_cmplx'`\n", "mkl-layer-missing", "mkl_pds_sp_pds_sym_indef_diag_fwd_ker_seq_cmplx"),
    # conda#9947: dyld's words inside MKL's line on macOS (was a finder's "not found" and Intel's OpenMP runtime)
    ("INTEL MKL ERROR: dlopen(/Users/z/.julia/conda/3/lib/libmkl_intel_thread.dylib, 9): Symbol not found: "
     "_mkl_serv_inspector_loaded\n  Referenced from: /Users/z/.julia/conda/3/lib/libmkl_intel_thread.dylib\n  Expected in: "
     "flat namespace\n in /Users/z/.julia/conda/3/lib/libmkl_intel_thread.dylib.\nIntel MKL FATAL ERROR: Cannot load "
     "libmkl_intel_thread.dylib.\n", "runtime-symbol-missing", "mkl_serv_inspector_loaded"),
    # numpy#16099: Python 3.7's DLL load failed names no module: the last frame's multi-line import does
    ("Traceback (most recent call last):\n  File \"C:\\a\\numpy\\core\\multiarray.py\", line 14, in <module>\n    from . "
     "import overrides\n  File \"C:\\a\\numpy\\core\\overrides.py\", line 7, in <module>\n    from numpy.core._multiarray_umath "
     "import (\nImportError: DLL load failed: The specified module could not be found.\n", "windows-library-not-loaded",
     "_multiarray_umath could not be loaded"),
    # mkl_fft#26: a name no MKL package has, one letter from mkl-fft (not "MKL is built for x86 only")
    ("Collecting mkl-ffl\n Could not find a version that satisfies the requirement mkl-ffl (from versions: )\nNo matching "
     "distribution found for mkl-ffl\n", "mkl-package-unavailable", "mkl-fft?"),
    # mkl-service#15: a compiled extension's wheels are per Python version
    ("ERROR: Could not find a version that satisfies the requirement mkl-service\nERROR: No matching distribution found for "
     "mkl-service\n", "mkl-not-for-this-platform", "per Python version"),
    # whisper-standalone-win#511: CTranslate2's words for mkl_malloc's NULL
    ("RuntimeError: mkl_malloc: failed to allocate memory\n", "mkl-out-of-memory", "mkl_malloc"),
    # UppASD#19: gfortran 10's check of DftiSetValue's calls without MKL_DFTI
    ("fftdipole_mkl.f90:422:67:\nError: Rank mismatch between actual argument at (1) and actual argument at (2) (scalar and "
     "rank-1)\n", "gfortran-argument-mismatch", "MKL_DFTI"),
    # conda#10034: a paste that starts at conda's conflict report for mkl
    ("Package mkl conflicts for:\npatsy -> numpy[version='>=1.4.0'] -> mkl[version='>=2018.0.0']\n", "mkl-package-unavailable",
     "conflict"),
    # conda#1867, anaconda-issues#40: conda 3's words, its hint's list below or one package's conflict
    ("Solving package specifications: .............\nError: Unsatisfiable package specifications.\nGenerating hint:\n\n\n"
     "Hint: the following packages conflict with each other:\n  - mkl\n  - python 3.5*\n", "mkl-package-unavailable",
     "(python 3.5*)"),
    ("Error: Unsatisfiable package specifications\nHint: mkl has a conflict with the remaining packages\n",
     "mkl-package-unavailable", "conda cannot install mkl together"),
    # pytorch#16188: conda's conflict list in the reporter's quotes: its items kept apart, conda's advice not one of them
    ('"UnsatisfiableError: The following specifications were found to be in conflict:\n  - mkl==2019.0=118\n  - numpy==1.15.2='
     "py37ha559c80_0 -> mkl_fft[version='>=1.0.4'] -> mkl[version='>=2019.1,<2020.0a0']\nUse \"conda info <package>\" to see the "
     'dependencies for each package."\n', "mkl-package-unavailable", "mkl[version='>=2019.1,<2020.0a0']): they conflict"),
    # tlapack#112: CTest's list of failed tests, without its header: tests that failed, rerun with their output
    ("\t238 - nrm2 with finite input which expects an exact output - float (Failed)\n\t239 - nrm2 with finite input which "
     "expects an exact output - double (Failed)\n", "unrecognised-failure", "ctest --output-on-failure"),
    # mlpack#774: glibc's "*** Error in" whose stars Markdown escaped
    ("\\* Error in `./test.out': free(): invalid pointer: 0x0000000000d88660 *\n", "program-crashed", "free()"),
    # sparse_dot#24: gdb's frame 0 in MKL's function, the signal line not pasted
    ("#0  0x00007f9b86a34ddb in mkl_sparse_s_transpose_matrix_i4 () from /usr/lib/x86_64-linux-gnu/libmkl_intel_thread.so\n",
     "mkl-crash", "inside MKL"),
    # xtensor-blas#84: lldb's stop in MKL's kernel
    ("EXC_BAD_ACCESS (code=EXC_I386_GPFLT)\n         frame #0: 0x000000010067d894 unit_tests`mkl_blas_avx2_dgemm_kernel_"
     "nocopy_TN_b0 + 48724\n", "mkl-crash", "inside MKL"),
    # polatory#39: MSBuild's summary wrapped MSVC's line inside a word, its rest indented
    ('         c:\\vcpkg\\installed\\x64-windows\\include\\eigen\\src\\core\\util\\mkl_support.h(58): fatal error C1083: Cannot '
     'open i\n       nclude file: \'mkl.h\': No such file or directory [C:\\polatory\\build\\src\\polatory.vcxproj]\n',
     "mkl-header-not-found", "mkl_support.h includes mkl.h"),
]


@pytest.mark.parametrize("log, finding, word", CASES, ids=[c[1] + "-" + str(i) for i, c in enumerate(CASES)])
def test_a_pages_shape(log, finding, word):
    said = only_error(log)
    assert said.id == finding and word in flat(said), flat(said)


def test_a_bold_over_one_line_of_arithmetic_is_kept():
    from mkldoctor.explain.markup import unmarked

    assert unmarked("x = a**2 + b**2")[0] == "x = a**2 + b**2"  # no bold: Fortran's and Python's power
    assert unmarked("char **argv")[0] == "char **argv"


def test_msbuilds_next_summary_entry_is_no_rest_of_the_last():
    """MSBuild's summary lists one indented entry per error: an entry whose message ends with a letter takes no next entry
    as its wrapped rest (only a wrap inside MSVC's own words is joined without a blank)."""
    from mkldoctor.explain import lines

    summary = ("         c:\\p\\a.cpp(3): error C2065: 'MKL_INT': undeclared identifier [C:\\p\\a.vcxproj]\n"
               "         c:\\p\\a.cpp(9): fatal error C1083: Cannot open include file: 'mkl.h': No such file or directory "
               "[C:\\p\\a.vcxproj]\n         c:\\p\\b.cpp(4): error C3861: 'dgemm': identifier not found [C:\\p\\b.vcxproj]\n"
               "         c:\\p\\b.cpp(5): error C2065: 'MKL_Complex16': undeclared identifier\n           in a template\n")
    got = [line.strip() for line in lines.logical_lines(io.BytesIO(summary.encode()))]
    assert [line[:12] for line in got[:4]] == ["c:\\p\\a.cpp(3", "c:\\p\\a.cpp(9", "c:\\p\\b.cpp(4", "c:\\p\\b.cpp(5"], got
    assert got[3].endswith("identifier in a template"), got  # a rest in words of its own: joined with its blank
    cut = "         c:\\p\\a.cpp(9): fatal error C1083: Cannot open i\n       nclude file: 'mkl.h': No such file or directory\n"
    assert [line.strip() for line in lines.logical_lines(io.BytesIO(cut.encode()))] == [
        "c:\\p\\a.cpp(9): fatal error C1083: Cannot open include file: 'mkl.h': No such file or directory"]


GACODE_344 = """cgyro_test_fft.F90(242): error #5102: Cannot open include file 'fftw3.f03'
     include 'fftw3.f03'
-------------^
cgyro_test_fft.F90(354): error #5102: Cannot open include file 'fftw3.f03'
     include 'fftw3.f03'
-------------^
cgyro_test_fft.F90(505): error #6404: This name does not have a type, and must have an explicit type.   [FFTW_INIT_THREADS]
     istatus = fftw_init_threads()
---------------^
cgyro_test_fft.F90(566): error #6404: This name does not have a type, and must have an explicit type.   [FFTW_PATIENT]
          FFTW_PATIENT)
----------^
"""


def test_intel_fortrans_errors_after_an_include_it_could_not_open():
    """gacode#344: Intel Fortran goes on past its error #5102 and reports each name the header declares: one finding, those
    errors its consequences (they were an unrecognised failure beside it)."""
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    [said] = explain(logparse.parse_bytes(GACODE_344.encode()), [])
    assert said.id == "fftw-header-not-found", flat(said)
    assert sum("[FFTW_INIT_THREADS]" in e or "[FFTW_PATIENT]" in e for e in said.evidence) == 2, flat(said)


@pytest.mark.parametrize("release", ["pip-2026.2/include", "debian-2020.4-shared/usr/include/mkl"])
def test_mkls_fortran_sources_are_its_headers(release, mkl):
    """MKL ships Fortran interface sources that programs INCLUDE (mkl_dfti.f90, mkl_vsl.f90): Intel Fortran's words for
    one it cannot open name MKL's header, and its errors at the names that source declares join that finding."""
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    folder = mkl.root / release
    sources = sorted(p.name for p in folder.glob("mkl*.f90"))
    assert "mkl_dfti.f90" in sources, sources
    for name in sources[:6] + ["mkl_dfti.f90"]:
        log = (f"x.F90(3): error #5102: Cannot open include file '{name}'\n      include '{name}'\n-------------^\n"
               "x.F90(9): error #6404: This name does not have a type, and must have an explicit type.   [DFTI_DOUBLE]\n")
        [said] = explain(logparse.parse_bytes(log.encode()), [])
        assert said.id == "mkl-header-not-found" and name in said.title and "[DFTI_DOUBLE]" in flat(said), flat(said)


def test_javacpps_probes_are_no_failure():
    """nd4j#2261: JavaCPP's debug log trying MKL's libraries under openblas' preset, and going on."""
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    log = ("Loading class org.bytedeco.javacpp.openblas\nLoading library iomp5\nFailed to load for iomp5: "
           "java.lang.UnsatisfiedLinkError: no iomp5 in java.library.path\nLoading library mkl_avx\nFailed to load for "
           "mkl_avx: java.lang.UnsatisfiedLinkError: no mkl_avx in java.library.path\n")
    [said] = explain(logparse.parse_bytes(log.encode()), [])
    assert said.id == "javacpp-probes" and said.severity == "info" and "iomp5, mkl_avx" in said.title, flat(said)
    # the program's own failure after them is still said
    failed = explain(logparse.parse_bytes((log + "Exception in thread \"main\" java.lang.UnsatisfiedLinkError: no jnimkl_rt "
                                                 "in java.library.path\n").encode()), [])
    assert any(f.id == "host-cannot-load" and "jnimkl_rt" in f.title for f in failed), [f.title for f in failed]


def test_gccs_openmp_runtime_for_another_library(tmp_path):
    """An object compiled with -fopenmp, linked without it (produced here): it needs libgomp, not MKL's layer; and
    dftd4#13's lines, whose names carry GOMP_5.0: a libgomp older than the GCC that built the library."""
    import json

    from typer.testing import CliRunner

    from mkldoctor.cli import app

    (tmp_path / "a.c").write_text("int main(void) { int s = 0;\n#pragma omp parallel for reduction(+:s)\n"
                                  "for (int i = 0; i < 4; i++) s += i;\nreturn s != 6; }\n")
    import subprocess

    subprocess.run(["gcc", "-c", "-fopenmp", "a.c", "-o", "a.o"], cwd=tmp_path, check=True)
    document = json.loads(CliRunner().invoke(app, ["explain", "--format", "json", "--no-scan", "--", "gcc",
                                                   str(tmp_path / "a.o"), "-o", str(tmp_path / "a")]).stdout)
    [said] = [f for f in document["findings"] if f["severity"] == "error"]
    assert said["id"] == "gnu-openmp-missing" and said["title"].endswith("a.o needs libgomp"), said
    assert any(e.startswith("proven here: ") and e.endswith(" links") for e in said["evidence"]), said
    log = ("libdftd4.so.2.3.1: undefined reference to `GOMP_loop_maybe_nonmonotonic_runtime_next@GOMP_5.0'\n"
           "libdftd4.so.2.3.1: undefined reference to `GOMP_parallel_loop_maybe_nonmonotonic_runtime@GOMP_5.0'\n"
           "collect2: error: ld returned 1 exit status\n")
    old = only_error(log)
    assert old.id == "gomp-too-old" and "libdftd4.so.2.3.1" in old.title and "GCC 9" in flat(old), flat(old)


def test_a_library_the_loader_cannot_map(tmp_path, mkl):
    """Produced here: a program on the pinned wheel's libmkl_rt under a small virtual-memory limit (ulimit -v): MKL's own
    line quotes glibc's 'failed to map segment from shared object' (qsiprep#478's in a container): a memory limit, not a
    missing file, and one finding."""
    import subprocess

    (tmp_path / "t.c").write_text(SOURCE_DGEMM)
    rt = next(mkl.pip_lib.glob("libmkl_rt.so.*"))
    subprocess.run(["gcc", "t.c", "-o", "t", str(rt), f"-Wl,-rpath,{mkl.pip_lib}"], cwd=tmp_path, check=True)
    outputs = []
    for limit in (40000, 60000, 80000, 100000):  # the first limit under which MKL cannot map its next library
        try:
            done = subprocess.run(["bash", "-c", f"ulimit -v {limit}; ./t"], cwd=tmp_path, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, timeout=30)
        except subprocess.TimeoutExpired:
            continue
        outputs.append(done.stdout)
        if "failed to map segment" in done.stdout:
            break
    log = outputs[-1]
    assert "failed to map segment from shared object" in log, outputs
    said = only_error(log)
    assert said.id == "library-map-failed" and "ulimit -v" in flat(said), flat(said)


SOURCE_DGEMM = ("extern void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*, "
                "const int*, const double*, const int*, const double*, double*, const int*);\nint main(void) { int n = 2; "
                "double a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4], one = 1, zero = 0;\ndgemm_(\"N\", \"N\", &n, &n, &n, "
                "&one, a, &n, b, &n, &zero, c, &n);\nreturn c[3] != 4; }\n")


def test_an_old_vector_statistics_name(tmp_path, mkl):
    """shoc-mic#3's VSL_METHOD_SGAUSSIAN_ICDF, produced with g++ and the pinned headers: today's name, which compiles; and
    the finding's claim held against both pinned releases' mkl_vsl_defines.h."""
    import json
    import subprocess

    from typer.testing import CliRunner

    from mkldoctor.cli import app

    include = mkl.pip / "include"
    for header in (include / "mkl_vsl_defines.h", mkl.debian_shared / "usr/include/mkl/mkl_vsl_defines.h"):
        text = header.read_text()
        assert "VSL_METHOD_SGAUSSIAN_ICDF" not in text and "#define VSL_RNG_METHOD_GAUSSIAN_ICDF" in text, header
    source = ("#include <mkl.h>\nint main(void) { VSLStreamStatePtr s; float r[4]; vslNewStream(&s, VSL_BRNG_MT19937, 1);\n"
              "return vsRngGaussian(VSL_METHOD_SGAUSSIAN_ICDF, s, 4, r, 0.0f, 1.0f); }\n")
    (tmp_path / "v.cpp").write_text(source)
    line = ["g++", "-c", str(tmp_path / "v.cpp"), f"-I{include}", "-o", str(tmp_path / "v.o")]
    document = json.loads(CliRunner().invoke(app, ["explain", "--format", "json", "--no-scan", "--", *line]).stdout)
    [said] = [f for f in document["findings"] if f["severity"] == "error"]
    assert said["id"] == "mkl-api-changed" and said["title"].endswith("VSL_RNG_METHOD_GAUSSIAN_ICDF is its name"), said
    (tmp_path / "v.cpp").write_text(source.replace("VSL_METHOD_SGAUSSIAN_ICDF", "VSL_RNG_METHOD_GAUSSIAN_ICDF"))
    assert subprocess.run(line).returncode == 0
