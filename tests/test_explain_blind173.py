"""Blind sets 173 and after (tests/data/explain_corpus/blind173.json ...): public logs gathered by helpers who never read
the tool, scored once, then each miss made a test here: the failure produced with the real tool where it can run here (gcc
and ld: a program past 2 GiB, an executable without main), the thread's own text where it cannot (.NET's Math.NET Numerics,
macOS's crash report, a forum page's translated ld, pip check under conda, MAGMA's tester, oneAPI's DPC++ and MSVC)."""

from __future__ import annotations

import json

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, failed, flat, only_error, run

SETS = blindset.load(*range(173, 199))


@pytest.mark.parametrize("n, entry", blindset.scored_entries(SETS))
def test_never_silent_and_right_stays_right(n, entry):
    blindset.assert_never_silent_and_right_stays_right(SETS, n, entry)


def test_math_nets_refusals_of_its_mkl_provider():
    """mathnet-numerics#671: the Linux native provider at r9, the FFT needing r11; #946: Numerics v5 without the
    provider's managed assembly. Both were .NET exception lines no error word matched: 'no problem found'."""
    old = only_error(blindset.log_of(blindset.entries(173), "671"))
    assert old.id == "mathnet-mkl-provider-too-old" and "r9" in old.title and "r11" in old.title, flat(old)
    assert any("mkl_build.sh" in line for line in old.fix), old.fix
    missing = only_error(blindset.log_of(blindset.entries(173), "946"))
    assert missing.id == "mathnet-provider-assembly-missing", flat(missing)
    assert missing.fix[0].startswith("dotnet add package MathNet.Numerics.Providers.MKL"), missing.fix
    # a revision without the supported one said (a shorter message): the same finding, the wanted revision not invented
    short = only_error("System.NotSupportedException: MKL Native Provider revision r7 is too old.\n")
    assert short.id == "mathnet-mkl-provider-too-old" and "needs a newer one" in short.title, flat(short)
    # another .NET exception: an error said, never 'no problem found'
    other = errors_of("Unhandled exception. System.InvalidOperationException: Sequence contains no elements\n")
    assert [f.id for f in other] == ["unrecognised-failure"], [(f.id, f.title) for f in other]
    # a Java exception under an error said before it stays that error's detail (Bazel's fetch)
    bazel = blindset.findings("ERROR: An error occurred during the fetch of repository 'mkl_dnn':\n"
                              "   java.io.IOException: Error downloading [https://example.invalid/v0.21.3.tar.gz]\n")
    assert "java.io.IOException" not in " ".join(f.title for f in bazel), [(f.id, f.title) for f in bazel]


def test_a_process_killed_in_dylds_check_of_a_signature():
    """seurat#3273: CRAN R killed (Killed: 9) while dlopen() mapped conda's MKL; the crash report's frame is dyld's
    ImageLoaderMachO::validateFirstPages. It read as an out-of-memory kill."""
    finding = only_error(blindset.log_of(blindset.entries(173), "seurat-3273"))
    assert finding.id == "macos-signature-invalid" and "code signature" in finding.title, flat(finding)
    assert any("seurat#3273" in line and "miniconda3" in line for line in finding.fix), finding.fix
    assert any("Killed: 9" in line and "consequence" in line for line in finding.evidence), finding.evidence
    for words in ("Exception Type:        EXC_BAD_ACCESS (Code Signature Invalid)",
                  "Termination Reason:    Namespace CODESIGNING, Code 0x2"):
        assert only_error(f"Killed: 9\n{words}\n").id == "macos-signature-invalid", words
    # codesign's own words keep their finding, which names the file
    named = only_error("/x/lib/libmkl_intel_thread.dylib: invalid signature (code or signature have been modified)\n")
    assert "libmkl_intel_thread.dylib" in named.title, flat(named)


def test_a_page_translators_english_of_lds_undefined_reference():
    """ABINIT's old forum: "m_hide_lapack.F90:2921：Undefined reference to‘" then "zgetrf_’" on the next line (the page's
    translation of a Chinese ld). Nothing was read but make's own 'error 1' lines."""
    said = errors_of(blindset.log_of(blindset.entries(173), "abinit"))
    assert said[0].id == "mkl-symbol-unresolved" and "zgetrf_" in said[0].title, [(f.id, f.title) for f in said]
    assert not any("：" in line for line in said[0].evidence), said[0].evidence  # the place without the full-width colon
    # the same words on one line, and ld's own English, read alike
    one = only_error("m.F90:12：Undefined reference to‘dgetrf_’\n")
    assert one.id == "mkl-symbol-unresolved" and "dgetrf_" in one.title, flat(one)


def test_pip_check_under_conda_on_a_package_that_names_pardiso():
    """conda-forge's pypardiso-feedstock a2e8509: pip check's 'pypardiso 0.4.0 requires mkl, which is not installed.' in
    a conda recipe's test, where conda's mkl has no pip metadata. The line names PARDISO: its context reader took it."""
    finding = only_error(blindset.log_of(blindset.entries(174), "pypardiso-feedstock"))
    assert finding.id == "pip-mkl-conflict" and "pypardiso 0.4.0" in finding.title, flat(finding)
    assert any("pip check out of a conda recipe" in line for line in finding.fix), finding.fix
    # a line that names PARDISO and is no pip report stays PARDISO's context (a crash read beside it)
    assert not errors_of("  File \"/x/pypardiso/pardiso_wrapper.py\", line 1, in <module>\n")


def test_a_single_precision_workspace_read_back_through_a_float():
    """MAGMA 1.7's sgesdd tester at N = 7000: MKL rejects LWORK (parameter 12), the size the query returned in a REAL
    rounded down past 2^24 (MAGMA 070aa57). A double-precision routine has no such cause."""
    finding = only_error(blindset.log_of(blindset.entries(174), "magma"))
    assert finding.id == "mkl-parameter-error", flat(finding)
    assert any("rounded down" in line and "2^24" in line for line in finding.evidence), finding.evidence
    assert any("rounded up" in line for line in finding.fix), finding.fix
    double = only_error("Intel MKL ERROR: Parameter 12 was incorrect on entry to DGESDD.\n")
    assert not any("2^24" in line for line in double.evidence + double.fix), flat(double)


def test_a_program_past_two_gib_and_the_code_model_that_links_it(tmp_path):
    """dpctl 9aa8e02's 'relocation truncated to fit' (SYCL device images past the wrapper's 32-bit reach) was unrecognised;
    produced here with gcc on two 3 GiB arrays, and the finding's fix (-mcmodel=medium) run: it links."""
    (tmp_path / "big.c").write_text("char big[3UL<<30];\nchar big2[3UL<<30];\nint main(void){ return big[1] + big2[2]; }\n")
    log = failed(["gcc", "-O0", "big.c", "-o", "big"], tmp_path)
    assert "relocation truncated to fit" in log, log
    finding = only_error(log)
    assert finding.id == "ld-relocation-truncated" and "2 GiB" in finding.title, flat(finding)
    assert finding.fix[0].startswith("compile and link with a larger code model: -mcmodel=medium"), finding.fix
    code, out = run(["gcc", "-O0", "-mcmodel=medium", "big.c", "-o", "big"], tmp_path, clean_env())
    assert code == 0, out  # the fix offered links
    sycl = only_error(blindset.log_of(blindset.entries(175), "dpctl"))
    assert sycl.id == "ld-relocation-truncated" and "SYCL" in sycl.title, flat(sycl)
    assert "-fsycl-link-huge-device-code" in sycl.fix[0], sycl.fix


def test_lds_failed_assertion_is_never_silent():
    """oneDAL 2021.1's known issue: 'ld: BFD (GNU Binutils for Ubuntu) <version> assertion fail ../../bfd/elf.c' had no
    error word: 'no problem found'."""
    finding = only_error(blindset.log_of(blindset.entries(175), "bfd-assertion"))
    assert finding.id == "ld-internal-assertion" and "-Bstatic,-lonedal_core" in finding.fix[0], flat(finding)
    other = only_error("/usr/bin/ld: BFD (GNU Binutils) 2.38 assertion fail ../../bfd/elflink.c:14896\n")
    assert other.id == "ld-internal-assertion" and "elflink.c" in other.title, flat(other)


def test_an_executable_without_main(tmp_path):
    """xtb#237: meson linked Intel Fortran's objects with icc (-lmkl_rt on the line): 'undefined reference to main', read as
    'not MKL's, find the library'. Produced here with gcc on an object that defines no main."""
    (tmp_path / "f.c").write_text("int f(void) { return 1; }\n")
    log = failed(["gcc", "f.c", "-o", "f"], tmp_path)
    finding = only_error(log)
    assert finding.id == "program-main-undefined" and "Fortran" not in finding.title, flat(finding)
    assert "_start in " in finding.evidence[0] and "crt1.o" in finding.evidence[0], finding.evidence  # the object, not the place
    fortran = only_error(blindset.log_of(blindset.entries(175), "xtb-237"))
    assert fortran.id == "program-main-undefined" and "icc" in fortran.title and "for_main.o" in fortran.fix[0], flat(fortran)


def test_the_sycl_runtime_missing_from_a_sycl_link():
    """llama.cpp#9490: ggml's SYCL objects linked with oneMKL's libraries and no -fsycl; a oneMKL function that returns
    sycl::event stays oneMKL's (AMReX PR #3536)."""
    finding = only_error(blindset.log_of(blindset.entries(175), "llama-cpp-9490"))
    assert finding.id == "sycl-runtime-not-linked" and "-fsycl" in finding.fix[0], flat(finding)
    assert "the link line names no -fsycl and no libsycl" in finding.evidence, finding.evidence
    amrex = errors_of(blindset.log_of(blindset.entries(124), "amrex-3536"))
    ids = [f.id for f in amrex]
    assert "mkl-sycl-api-not-linked" in ids and "sycl-runtime-not-linked" not in ids, [(f.id, f.title) for f in amrex]


def test_omp_error_15_with_its_number_made_a_link():
    """robotology-superbuild's FAQ: Markdown made '#15' a link; MATLAB's libiomp5md.dll beside conda-forge's MKL BLAS."""
    finding = only_error(blindset.log_of(blindset.entries(175), "robotology"))
    assert finding.id == "openmp-duplicate", flat(finding)
    assert any("libblas=*=*openblas" in line for line in finding.fix), finding.fix


def test_set_175s_partial_answers_made_whole():
    """pip 20.0's tag regression (qiskit-metapackage#792), the ILP64 OpenBLAS of Julia's binaries (Arpack.jl#5), SciPy
    before 1.5 under ZHBRDB (qutip#1495), a package's ctypes binding on Windows (qutip#975), oneDAL's static library in a
    debug build (LNK2038 after ' : : '), Julia's worker and master saying one error."""
    pip = only_error(blindset.log_of(blindset.entries(175), "qiskit"))
    assert any("pypa/pip#7626" in line for line in pip.fix), pip.fix
    arpack = only_error(blindset.log_of(blindset.entries(175), "arpackjl"))
    assert any("official Julia binaries" in line for line in arpack.fix), arpack.fix
    band = only_error(blindset.log_of(blindset.entries(175), "qutip-1495"))
    assert band.evidence[1].startswith("possible cause: SciPy before 1.5") and "scipy>=1.5" in band.fix[0], flat(band)
    binding = only_error(blindset.log_of(blindset.entries(175), "qutip-975"))
    assert "qutip#975" in binding.fix[0] and not any("LD_DEBUG" in line for line in binding.fix), binding.fix
    debug = only_error(blindset.log_of(blindset.entries(175), "lnk2038"))
    assert debug.id == "msvc-runtime-mismatch" and debug.fix[0].startswith("link onedal_core.lib dynamically"), flat(debug)
    julia = errors_of(blindset.log_of(blindset.entries(175), "linearalgebra-53"))
    assert len(julia) == 1 and "1 more time" in flat(julia[0]), [(f.id, f.title) for f in julia]


def test_pyinstallers_unresolved_run_path_on_macos():
    """pyinstaller#1514: 'ERROR: Can not find path ./lib/libmkl_core.dylib (needed by .../_dotblas.so)', Canopy's numpy
    whose @rpath PyInstaller read as '.' (PR #1965); another library's line stays no finding of MKL's."""
    finding = only_error(blindset.log_of(blindset.entries(176), "pyinstaller-1514"))
    assert finding.id == "bundle-mkl-rpath-unresolved" and "_dotblas.so" in finding.title, flat(finding)
    assert finding.fix[0].startswith("upgrade PyInstaller"), finding.fix
    other = errors_of("12 ERROR: Can not find path ./lib/libfoo.dylib (needed by /x/ext.so)\n")
    assert "bundle-mkl-rpath-unresolved" not in [f.id for f in other] and other, [(f.id, f.title) for f in other]


def test_scikit_learn_intelex_without_its_gpu_backend():
    """scikit-learn-intelex PR #2998: 'Operations using queues require the DPC/SPMD backend' (libonedal_dpc.so not
    loaded, its ImportError hidden) was unrecognised."""
    finding = only_error(blindset.log_of(blindset.entries(175), "sklearnex-2998"))
    assert finding.id == "onedal-gpu-backend-missing" and "scikit-learn-intelex[gpu]" in finding.fix[0], flat(finding)


def test_mkls_folders_under_an_empty_root_in_a_run_path():
    """pytorch#133823 (on Nix): CMake's install could not rewrite libtorch_cuda_linalg.so's run path, which held
    '/lib/intel64' and its kin: PyTorch's mkl.cmake joined them to an empty MKL root. A run path line elsewhere is not it."""
    finding = only_error(blindset.log_of(blindset.entries(177), "133823"))
    assert finding.id == "mkl-root-empty-in-run-path" and finding.fix[0].startswith("give the build MKL's prefix"), flat(finding)
    assert finding.evidence[0].startswith("CMake Error at caffe2/cmake_install.cmake:115"), finding.evidence
    assert not errors_of("-- Looking for MKL in /lib/intel64:/usr/lib\n")


def test_a_notebooks_setvars_in_a_subshell():
    """VOTCA d202cbf: a Jupyter cell's '!source /opt/intel/oneapi/setvars.sh' ran in a subshell; the kernel's import still
    could not find libmkl_rt.so.2. Without that cell, the fix says no word of notebooks."""
    log = blindset.log_of(blindset.entries(178), "votca")
    finding = only_error(log)
    assert finding.id == "loader-cannot-find" and any("kernel.json" in line for line in finding.fix), finding.fix
    plain = only_error("\n".join(line for line in log.splitlines() if "!source" not in line))
    assert not any("kernel.json" in line for line in plain.fix), plain.fix


def test_a_test_runners_list_of_failures_is_one_failure():
    """Caffe#4836: googletest's '[  FAILED  ] 28 tests, listed below:' and one line per test were three unrecognised
    findings; JAX#9705: pytest's '=== FAILURES ===' banner (joined to the next line at the terminal's width) was silent."""
    listed = errors_of(blindset.log_of(blindset.entries(179), "caffe-4836"))
    assert len(listed) == 1 and listed[0].title.startswith("the log says tests failed"), [(f.id, f.title) for f in listed]
    assert "28 tests, listed below" in listed[0].evidence[0] and "--gtest_filter=" in listed[0].fix[0], flat(listed[0])
    banner = errors_of(blindset.log_of(blindset.entries(179), "jax-9705"))
    assert [f.id for f in banner] == ["unrecognised-failure"] and "FAILURES" in flat(banner[0]), [(f.id, f.title) for f in banner]
    assert banner[0].fix[0].startswith("pytest's report of failed tests: rerun one"), banner[0].fix
    # said as tests that failed, not as a build (its title said "the build failed"); a build's echo stays a build's
    assert banner[0].title.startswith("the log says tests failed, but not why"), banner[0].title
    assert only_error("collect2: error: ld returned 1 exit status\n").title.startswith("the log says the build failed")


OPENINGS = json.loads((blindset.CORPUS / "openings173.json").read_text())["entries"]


@pytest.mark.parametrize("entry", OPENINGS, ids=lambda e: e["id"])
def test_opening_posts_are_never_silent(entry):
    """The opening posts of 32 threads whose cause no stored copy establishes: each gets an error or a warning."""
    said = blindset.findings(entry["log"])
    assert any(f.severity in ("error", "warning") for f in said), [(f.id, f.title) for f in said]


def test_opencvs_lapack_check_that_did_not_build():
    """opencv#15458's opening post: 'LAPACK(MKL): Can't build LAPACK check code. This LAPACK version is not supported.'
    (OpenCV goes on without LAPACK) was 'no problem found'."""
    [entry] = [e for e in OPENINGS if e["id"] == "opencv-15458"]
    finding = blindset.findings(entry["log"])[0]
    assert finding.id == "opencv-lapack-check-failed" and "CMakeError.log" in finding.fix[0], flat(finding)


def test_dotnets_dlopen_words_on_macos():
    """dotnet/machinelearning#7229's opening post: .NET 8's DllNotFoundException for 'MklImports' with dyld's "tried:" list;
    the line was claimed by a family that makes no finding of it alone (a claimed error no finding said)."""
    [entry] = [e for e in OPENINGS if e["id"] == "dotnet-ml-7229"]
    finding = blindset.findings(entry["log"])[0]
    assert finding.id == "macos-library-not-loaded" and "MklImports.dylib" in finding.title, flat(finding)


def test_a_parameter_refused_inside_matlab_names_matlabs_ilp64_mkl():
    """pardiso-matlab-recipes: Pardiso's MEX wrappers met MATLAB's own MKL (ILP64) and MKL refused DGER's LDA. Where the
    log names the MEX file or MATLAB's folder, the finding says MATLAB's MKL takes the calls; where it names neither, it
    does not invent MATLAB."""
    refused = blindset.log_of(blindset.entries(177), "pardiso-matlab").rstrip("\n") + "\n"
    for log in (refused + "Error using pardisofactor (line 12)\n  /home/u/pardiso-matlab/build/pardisofactor.mexa64\n",
                "$ /usr/local/MATLAB/R2021a/bin/matlab -batch test_pardiso\n" + refused):
        finding = only_error(log)
        assert finding.id == "mkl-parameter-error" and finding.fix[0].startswith("in a MEX file: declare"), flat(finding)
        assert any("MATLAB's own MKL" in line and "ILP64" in line for line in finding.evidence), finding.evidence
    plain = only_error(refused)
    assert not any("MATLAB" in line for line in (*plain.evidence, *plain.fix)), flat(plain)


def test_bfds_error_adding_symbols_of_a_file_it_does_not_recognise_names_the_file():
    """Open3D#2895 (a lead: its thread's answer was not stored): BFD's "%pB: error adding symbols: %E" for Open3D's
    merged x86-64 MKL archive on a Raspberry Pi read "symbols" as the file (the path before it was not read)."""
    line = "/home/pi/Open3D/build/mkl_install/lib/libmkl_merged.a: error adding symbols: file format not recognized\n"
    finding = only_error(line + "collect2: error: ld returned 1 exit status\n")
    assert finding.id == "library-wrong-platform" and "libmkl_merged.a" in finding.title, flat(finding)
    assert any("x86 processors only" in line for line in finding.evidence), finding.evidence
    assert finding.confirm[0].startswith("file /home/pi/Open3D/build/mkl_install/lib/libmkl_merged.a"), finding.confirm


def test_mingws_ld_exe_prefix_is_the_linkers(tmp_path):
    """msys2/MINGW-packages#12282 (a lead): MinGW's gcc on Windows prints its linker as ".../bin/ld.exe: " and collect2 as
    "collect2.exe: "; the prefix was not read, so the object was said as "C:/msys64/.../ld.exe: main.o:main.c". The failure
    is MinGW's own (this machine's cross compiler), its linker's path then spelled as MSYS2 prints it."""
    import shutil
    import subprocess

    if not shutil.which("i686-w64-mingw32-gcc"):
        pytest.fail("i686-w64-mingw32-gcc is missing: dev/test's apt phase installs gcc-mingw-w64-i686-posix")
    (tmp_path / "main.c").write_text("void pardiso_(void);\nint main(void) { pardiso_(); return 0; }\n")
    done = subprocess.run(["i686-w64-mingw32-gcc", "main.c", "-o", "main.exe"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "undefined reference to `pardiso_'" in done.stderr, done.stderr
    msys = "C:/msys64/mingw64/bin/../lib/gcc/x86_64-w64-mingw32/12.1.0/../../../../x86_64-w64-mingw32/bin/ld.exe"
    log = done.stderr.replace(shutil.which("i686-w64-mingw32-ld") or "/usr/bin/i686-w64-mingw32-ld", msys)
    log = log.replace("collect2: error", "collect2.exe: error")
    assert msys + ": " in log and "collect2.exe: error" in log, log
    finding = only_error(log)
    assert finding.id == "mkl-symbol-unresolved" and "pardiso_" in finding.title, flat(finding)
    assert "ld.exe" not in finding.evidence[0] and "main.c" in finding.evidence[0], finding.evidence
    assert any("collect2.exe" in line and "consequence" in line for line in finding.evidence), finding.evidence


def test_mingws_cannot_find_on_windows_searches_windows_folders(tmp_path):
    """MinGW's ld on Windows (MSYS2) takes mkl_rt.lib, MKL's import library, for -lmkl_rt: the search it is given is
    Windows' (where /r, <env>/Library/lib), not find / -name 'libmkl_rt.so*'. This machine's MinGW cross gcc's own
    failure, its linker's path spelled as MSYS2 prints it."""
    import shutil
    import subprocess

    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    done = subprocess.run(["i686-w64-mingw32-gcc", "main.c", "-lmkl_rt", "-o", "main.exe"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode != 0 and "cannot find -lmkl_rt" in done.stderr, done.stderr
    msys = "C:/msys64/mingw64/bin/../lib/gcc/x86_64-w64-mingw32/13.2.0/../../../../x86_64-w64-mingw32/bin/ld.exe"
    log = done.stderr.replace(shutil.which("i686-w64-mingw32-ld") or "/usr/bin/i686-w64-mingw32-ld", msys)
    finding = only_error(log.replace("collect2: error", "collect2.exe: error"))
    assert finding.id == "library-not-found", flat(finding)
    assert finding.fix[0].startswith('on the log\'s machine: where /r "%ONEAPI_ROOT%mkl" mkl_rt.lib'), finding.fix
    assert "MinGW's ld takes mkl_rt.lib for -lmkl_rt" in finding.fix[1] and "NAME.lib" in finding.explanation, finding.fix
    assert not any(".so" in line for line in finding.fix), finding.fix
    # the same failure on Linux keeps Linux's search
    linux = only_error("/usr/bin/ld: cannot find -lmkl_rt: No such file or directory\n")
    assert "find / -name 'libmkl_rt.so*'" in linux.fix[0], linux.fix


def test_pardisos_input_check_of_the_last_row_pointer():
    """Intel's article on PARDISO's error_num= 8 (forum thread 516336: ia and ja passed swapped): the checker's
    'ia[neqns]_new -1 _old -1' (C's bracket form) was not read, and the title said only that the report names a phase."""
    finding = only_error(blindset.log_of(blindset.entries(181), "pardiso-input-error8"))
    assert finding.id == "mkl-pardiso-error" and "input check refused the matrix's CSR arrays" in finding.title, flat(finding)
    assert any("ia and ja swapped" in line for line in finding.evidence), finding.evidence
    assert "ia and ja not swapped" in finding.fix[0] and "iparm(27) = 1" in finding.fix[0], finding.fix


def test_a_persons_words_for_undefined_references_are_never_clean():
    """Intel's forum, topic 309412: three ifort link lines and 'getting a lot of 'undefined references' related with
    mkl_lapack32': 'no MKL link or load problem found'. Said now as a failure whose own lines the log lacks; beside a
    diagnosis (tei#728's 'Shows compile error about 25 undefined references') the words join it, no second finding."""
    said = errors_of(blindset.log_of(blindset.entries(181), "intelforum-309412"))
    assert [f.id for f in said] == ["unrecognised-failure"] and "failed, but not why" in said[0].title, [(f.id, f.title) for f in said]
    assert any("undefined references" in line for line in said[0].evidence), said[0].evidence
    joined = errors_of(blindset.log_of(blindset.entries(73), "tei-728"))
    assert [f.id for f in joined] == ["link-failed-unrecognised"], [(f.id, f.title) for f in joined]
    assert any("25 undefined references" in line and "consequence" in line for line in joined[0].evidence), joined[0].evidence


def test_an_unnamed_library_that_needs_intels_openmp_runtime():
    """TBPLaS' install guide quotes the bare "undefined symbol: __kmpc_ok_to_fork" (its extensions built with Intel's
    compilers and -qopenmp, libiomp5 not linked): the library is unnamed, so neither MKL's threading layer nor the
    project's code is claimed; the project's link with the runtime comes first. Debian's 2020.4 libmkl_intel_thread.so
    imports the same name, so both stay said."""
    finding = only_error(blindset.log_of(blindset.entries(182), "kmpc-ok-to-fork"))
    assert finding.id == "openmp-runtime-missing" and finding.title.startswith("__kmpc_ok_to_fork undefined"), flat(finding)
    assert "MKL's Intel threading layer or code compiled with OpenMP" in finding.title
    assert "library_dirs" in finding.fix[0] and not any("is not MKL's library" in e for e in finding.evidence)
    # a library the log names keeps its own finding: MKL's layer by its name, another library as not MKL's
    named = only_error("python: symbol lookup error: /opt/x/lib/libfoo.so: undefined symbol: __kmpc_ok_to_fork")
    assert named.title.startswith("libfoo.so was loaded without") and any("is not MKL's library" in e for e in named.evidence)


def test_netlib_javas_wrapper_without_cblas_in_the_system_blas(tmp_path):
    """netlib-java's native_system wrapper is linked against libblas.so.3 by name; where that name leads to a BLAS without
    CBLAS (a Cloudera cluster whose MKL parcel registered no alternative: fktpp's post; Hail's docs), the loader stops at
    its cblas_daxpy. Produced: a wrapper of netlib's file name, built here, linked against a libblas.so.3 of Fortran names
    only, loaded lazily as the JVM's JNI loader does, then its call. The fix makes MKL that name, not "link the wrapper"."""
    (tmp_path / "blas.c").write_text("void daxpy_(const int *n, const double *a, const double *x, const int *ix, double *y, "
                                     "const int *iy) { for (int i = 0; i < *n; i++) y[i] += *a * x[i]; }\n")
    (tmp_path / "wrap.c").write_text("void cblas_daxpy(int, double, const double *, int, double *, int);\n"
                                     "void axpy(double *x, double *y) { cblas_daxpy(1, 2.0, x, 1, y, 1); }\n")
    (tmp_path / "jvm.c").write_text('#include <dlfcn.h>\n#include <stdio.h>\nint main(int c, char **v) {\n'
                                    '  void *h = dlopen(v[1], RTLD_LAZY); if (!h) { puts(dlerror()); return 1; }\n'
                                    '  double x = 1, y = 1; ((void (*)(double *, double *))dlsym(h, "axpy"))(&x, &y); return 0; }\n')
    wrapper = tmp_path / "jniloader4125netlib-native_system-linux-x86_64.so"
    for cmd in (["gcc", "-shared", "-fPIC", "-o", "libblas.so.3", "-Wl,-soname,libblas.so.3", "blas.c"],
                ["gcc", "-shared", "-fPIC", "-o", str(wrapper), "wrap.c", "./libblas.so.3"],
                ["gcc", "-o", "java", "jvm.c", "-ldl"]):
        assert run(cmd, tmp_path, clean_env())[0] == 0, cmd
    log = failed([str(tmp_path / "java"), str(wrapper)], tmp_path, clean_env(LD_LIBRARY_PATH=str(tmp_path)))
    assert "symbol lookup error" in log and "undefined symbol: cblas_daxpy" in log, log
    finding = only_error(log)
    assert finding.id == "blas-not-loaded" and "libblas.so.3 on that machine is not MKL" in finding.title, flat(finding)
    assert "alternatives --install /usr/lib64/libblas.so.3" in finding.fix[0] and not any("link " in f for f in finding.fix)
    # the same loader's words for a library that is not netlib's keep the general fix
    other = only_error(log.replace(wrapper.name, "libfoo.so"))
    assert other.fix[0].startswith("link ") and "alternatives" not in flat(other)


def test_netlib_javas_reference_natives_failing_too_means_its_jars_are_missing():
    """NativeRefBLAS is netlib-java's own reference BLAS in its netlib-native_ref jar: its failing beside NativeSystemBLAS
    says the JNI jars are missing (spark-mllib brings netlib-java's core only; oweissbarth's post), which no installed BLAS
    cures; the system's alone failing (Hail's docs) stays "no native BLAS", and netlib-java's log gets no property of the
    later dev.ludovic netlib."""
    ref = blindset.findings(blindset.log_of(blindset.entries(183), "nativeref"))
    assert [f.id for f in ref] == ["netlib-native-blas-not-loaded"], flat(ref[0])
    assert "native jars are not on the classpath" in ref[0].title and "com.github.fommil.netlib:all:1.1.2" in ref[0].fix[0]
    system = blindset.findings(blindset.log_of(blindset.entries(183), "no-blas-installed"))
    assert [f.id for f in system] == ["netlib-native-blas-not-loaded"] and "no native BLAS" in system[0].title
    assert not any("netlib:all" in f or "dev.ludovic" in f for f in system[0].fix), system[0].fix


@pytest.mark.parametrize("said, runtime", [
    ("The ordinal XXXX could not be located in the dynamic link library libiomp5md.dll.", True),  # DuCOM-COM3's readme
    ("The ordinal 747 could not be located in the dynamic link library libiomp5md.dll", True),
    (r"The ordinal 242 could not be located in the dynamic link library C:\Windows\System32\mkl_intel_thread.dll", False),
])
def test_an_ordinal_not_in_the_openmp_runtime_windows_loaded(said, runtime):
    """Windows' ordinal dialog as a readme quotes it, the number's place held by "XXXX", is the same failure (it was read
    as no problem, exit 0); one in libiomp5md.dll says the runtime is older than what imports it, with the runtime's own
    install first and `where libiomp5md.dll` to confirm."""
    finding = only_error(said)
    assert finding.id == "windows-entry-point-missing", flat(finding)
    assert ("Intel OpenMP runtime older than what imports it" in finding.title) is runtime, finding.title
    assert "XXXX" not in finding.title
    assert finding.fix[0].startswith("install Intel's OpenMP runtime") is runtime
    assert finding.confirm[0].startswith("where libiomp5md.dll") is runtime


def test_a_theano_op_that_names_mkl_by_a_bare_install_name():
    """Theano's op compiled into ~/.theano/compiledir named conda's MKL by a bare install name on OS X (the image_clusters
    README: Theano 0.7 under Lasagne 0.1; updating Theano cured it): the op is said as Theano's and its update is a fix."""
    finding = only_error(blindset.log_of(blindset.entries(183), "theano"))
    assert finding.id == "macos-library-not-loaded", flat(finding)
    assert any("Theano's own op" in e for e in finding.evidence) and finding.fix[0].startswith("update Theano"), flat(finding)
    plain = only_error(blindset.log_of(blindset.entries(183), "theano").replace("/.theano/", "/.cache/"))
    assert not any("Theano" in e for e in (*plain.evidence, *plain.fix))


def test_onemkls_sycl_option_given_to_gnus_cpp_compiler(tmp_path):
    """BLAS++#53: CMake found oneMKL and the project chose its SYCL path with GNU's g++ (configure passed, the build
    failed on -fsycl). Produced: cmake's configure and build of a C++ target carrying -fsycl as oneMKL's SYCL target does,
    with this machine's g++, and the poster's cut line alone: a compiler that is no SYCL compiler, not a leak to C."""
    (tmp_path / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.13)\nproject(p CXX)\nadd_library(MKL::MKL_SYCL INTERFACE IMPORTED)\n"
        "set_target_properties(MKL::MKL_SYCL PROPERTIES INTERFACE_COMPILE_OPTIONS \"$<$<COMPILE_LANGUAGE:CXX>:-fsycl>\")\n"
        "add_library(blaspp STATIC a.cc)\ntarget_link_libraries(blaspp PUBLIC MKL::MKL_SYCL)\n")
    (tmp_path / "a.cc").write_text("int a() { return 1; }\n")
    code, configured = run(["cmake", "-S", ".", "-B", "b"], tmp_path, clean_env(CXX="g++"))
    assert code == 0 and "The CXX compiler identification is GNU" in configured, configured
    log = configured + failed(["cmake", "--build", "b"], tmp_path)
    for said in (log, "-- The CXX compiler identification is GNU 11.3.0\n[...]\nunrecognized command-line option '-fsycl'\n"):
        finding = only_error(said)
        assert finding.id == "sycl-without-sycl-compiler" and "CXX=icpx" in finding.fix[0], flat(finding)
    # the line alone names no compiler: both readings, the leak first (oneMath#116's) and the C++ compiler's own refusal
    bare = only_error("unrecognized command-line option '-fsycl'\n")
    assert bare.id == "mkl-sycl-option-leaked" and "CXX=icpx" in bare.fix[-1], flat(bare)
    # gfortran's refusal in the same log stays the option leaked to another language
    leak = only_error(log + "gfortran: error: unrecognized command-line option '-fsycl'\n")
    assert leak.id == "mkl-sycl-option-leaked", flat(leak)


def test_icx_refusing_a_c_standard_beside_sycls_option():
    """SUNDIALS#251: icx compiled a C source (CMAKE_C_STANDARD's -std=gnu99) with oneMKL's -fsycl and refused the pair;
    the reporter's cure was to keep one of them off that source. No icx here: the line as posted."""
    finding = only_error(blindset.log_of(blindset.entries(184), "sundials"))
    assert finding.id == "mkl-sycl-option-leaked" and "C source" in finding.title and "-std=gnu99" in finding.title
    assert "$<$<COMPILE_LANGUAGE:CXX>:-fsycl>" in finding.fix[0], flat(finding)


DOTNET_PROBES = ["/app/bin/runtimes/linux-x64/native/{n}.so", "/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.4/{n}.so",
                 "/app/bin/{n}.so", "/app/bin/runtimes/linux-x64/native/lib{n}.so", "/app/bin/lib{n}.so",
                 "/app/bin/runtimes/linux-x64/native/{n}", "/app/bin/{n}", "lib{n}"]


def test_dotnets_list_of_probes_is_its_one_failure():
    """.NET 7 and newer list each file they tried for a DllImport under the exception, one a line: for a name that starts
    with lib (Math.NET's libMathNetNumericsMKL) the probes include liblib..., and names without .so. One finding, the host's,
    with Math.NET's native package; the one-line form of older .NET the same."""
    name = "libMathNetNumericsMKL"
    log = (f"Unhandled exception. System.DllNotFoundException: Unable to load shared library '{name}' or one of its "
           "dependencies. In order to help diagnose loading problems, consider using a tool like strace. If you're using "
           "glibc, consider setting the LD_DEBUG environment variable: \n"
           + "".join(f"{p.format(n=name)}: cannot open shared object file: No such file or directory\n" for p in DOTNET_PROBES)
           + "\n   at System.Runtime.InteropServices.NativeLibrary.LoadFromPath(String libraryPath, Boolean throwOnError)\n")
    [finding] = errors_of(log)
    assert finding.id == "host-cannot-load" and finding.title.endswith(f"could not load {name}"), flat(finding)
    assert "dotnet add package MathNet.Numerics.MKL.Linux-x64" in finding.fix[0], finding.fix
    one_line = log.split("\n")[0] + f"lib{name}: cannot open shared object file: No such file or directory\n"
    assert [f.id for f in errors_of(one_line)] == ["host-cannot-load"]
    # ML.NET's MklImports (no lib in its name): the same shape, its own package
    ml = log.replace(name, "MklImports")
    [said] = errors_of(ml)
    assert said.id == "host-cannot-load" and "Microsoft.ML.Mkl.Redist" in flat(said), flat(said)


def test_an_old_mkls_headers_without_a_vm_function():
    """pytorch#8554: gcc's "'vmsLog2' was not declared in this scope" in ATen's vml.h, an old MKL's headers first on the
    include path (vmsLog2 came with MKL 2018 Update 3). VM's function names were not known as MKL's: unrecognised."""
    said = only_error(blindset.log_of(blindset.entries(185), "vmslog2"))
    assert said.id == "mkl-api-changed" and "vmsLog2" in said.title and "older than the code" in said.title, flat(said)
    # a name of the same shape that is no VM function stays outside MKL's names
    other = errors_of("src/a.c:3:5: error: 'vsOffsetTable' was not declared in this scope\n")
    assert not any("vsOffsetTable" in f.title and f.id == "mkl-api-changed" for f in other), [(f.id, f.title) for f in other]


def test_intels_installer_refusing_a_second_instance():
    """spack#5719: Intel's MKL 2018 installer, run by Spack, stops at "Another instance of the installation program has
    been detected" (an interrupted run still alive; a restart cleared it). It read as Spack's exit status alone."""
    said = only_error(blindset.log_of(blindset.entries(185), "spack-5719"))
    assert said.id == "intel-installer-refused" and "another run of it" in said.title, flat(said)
    assert said.fix[0].startswith("end the other run") and "spack#5719" in said.fix[0], said.fix

