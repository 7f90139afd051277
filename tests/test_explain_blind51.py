"""The classes of the fifty-first blind set (tests/data/explain_corpus/blind51.json), each produced here with the real
tool: make's lines in its own language after ExternalProject's download step of an MKL package (PaddlePaddle's FAQ
quoted only those, in Chinese: the log had been said to have no problem); compile errors against MKL's headers (a
function they mark deprecated under -Werror, a CBLAS type used without them, a project's LAPACK prototype without their
noexcept, their CBLAS header beside GSL's in one file)."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from tests.test_explain_families import clean_env, errors_of, failed, flat, run

MAKE = pytest.mark.skipif(shutil.which("cmake") is None or shutil.which("make") is None, reason="needs cmake and make")

EXTERNAL_PROJECT = textwrap.dedent("""\
    cmake_minimum_required(VERSION 3.13)
    project(ep NONE)
    include(ExternalProject)
    ExternalProject_Add(extern_mklml
      PREFIX ${CMAKE_BINARY_DIR}/third_party/mklml
      URL file:///nonexistent/mklml_lnx_2018.0.1.20171007.tgz
      CONFIGURE_COMMAND "" BUILD_COMMAND "" INSTALL_COMMAND "")
""")  # a file that is not there: the step fails at once (an address that refuses is tried six times over 85 seconds)


@pytest.fixture(scope="module")
def download_step(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("ep")
    (source / "CMakeLists.txt").write_text(EXTERNAL_PROJECT)
    code, out = run(["cmake", "-S", str(source), "-B", str(source / "b"), "-G", "Unix Makefiles", "-Wno-dev"], source, clean_env())
    assert code == 0, out
    return source / "b"


# make's message catalogues that translate its error line (GNU make 4.3's: Debian's make ships them)
@MAKE
@pytest.mark.parametrize("language, word", [("zh_CN", "错误"), ("de", "Fehler"), ("ja", "エラー"), ("ru", "Ошибка"), ("C", "Error")])
def test_makes_lines_alone_after_an_mkl_download_step_say_which_download_failed(download_step, language, word):
    out = failed(["make"], download_step, clean_env(LANGUAGE=language, LANG="C.UTF-8", LC_ALL="C.UTF-8"))
    make_lines = [line for line in out.splitlines() if line.startswith("make")]
    assert any(word in line for line in make_lines), make_lines  # the machine's make speaks that language
    # the FAQ's quote: make's lines alone, the step's own words cut
    findings = errors_of("\n".join(make_lines))
    assert [f.id for f in findings] == ["mkl-download-failed"], [(f.id, f.title) for f in findings]
    assert "extern_mklml" in findings[0].title and "download-extern_mklml.cmake" in flat(findings[0])
    # the whole output: CMake's own words for the step and make's lines, one failure
    whole = errors_of(out)
    assert [f.id for f in whole] == ["mkl-download-failed"], [(f.id, f.title) for f in whole]


@MAKE
def test_makes_own_language_is_a_failure_where_no_rule_reads_the_step(tmp_path):
    (tmp_path / "Makefile").write_text("all:\n\tfalse\n")
    out = failed(["make"], tmp_path, clean_env(LANGUAGE="zh_CN", LANG="C.UTF-8", LC_ALL="C.UTF-8"))
    assert "错误" in out
    findings = errors_of(out)
    assert findings and findings[0].id == "unrecognised-failure", [(f.id, f.title) for f in findings]


# -- compile errors against MKL's headers (the pinned oneMKL 2026.2 and Debian's 2020.4) ----------------------------

def _compiled(tmp_path: Path, source: str, *flags: str, compiler: str = "g++") -> str:
    """The output of a compile of ``source`` that must fail: the failure produced here with the real compiler."""
    (tmp_path / "t.cpp").write_text(textwrap.dedent(source))
    lang = ["-x", "c"] if compiler == "gcc" else []
    return failed([compiler, *lang, "-c", "t.cpp", "-o", "t.o", *flags], tmp_path)


@pytest.mark.mkl
def test_a_function_mkl_marks_deprecated_stops_a_build_that_makes_warnings_errors(mkl, tmp_path):
    # TorchCraftAI#17: an old MKL-DNN's call of cblas_sgemm_alloc, which MKL 2020.4's mkl_cblas.h marks deprecated
    out = _compiled(tmp_path, """\
        #include <mkl_cblas.h>
        float *packed(int m, int n, int k) { return cblas_sgemm_alloc(CblasAMatrix, m, n, k); }
        """, f"-I{mkl.debian_shared}/usr/include/mkl", "-Werror=deprecated-declarations")
    assert "is deprecated" in out
    findings = errors_of(out)
    assert [f.id for f in findings] == ["mkl-deprecated-as-error"], [(f.id, f.title) for f in findings]
    assert "cblas_sgemm_alloc" in findings[0].title and "-Wno-error=deprecated-declarations" in flat(findings[0])
    # the same call compiles where the warning stays a warning: the finding's fix, tried
    (tmp_path / "t.o").unlink(missing_ok=True)
    code, said = run(["g++", "-c", "t.cpp", "-o", "t.o", f"-I{mkl.debian_shared}/usr/include/mkl", "-Werror=deprecated-declarations",
                      "-Wno-error=deprecated-declarations"], tmp_path, clean_env())
    assert code == 0 and "deprecated" in said, said


def test_a_cblas_type_used_without_mkls_header_is_an_undeclared_name(tmp_path):
    # oneDNN#43: 'CBLAS_LAYOUT' was not declared (gcc says first that the function using it is "declared void")
    out = _compiled(tmp_path, """\
        inline void cblas_gemm(CBLAS_LAYOUT layout, int m) {}
        """)
    assert "was not declared" in out
    findings = errors_of(out)
    assert [f.id for f in findings] == ["mkl-api-changed"], [(f.id, f.title) for f in findings]
    assert findings[0].title.startswith("CBLAS_LAYOUT is not declared")


@pytest.mark.mkl
def test_a_projects_own_lapack_prototype_without_noexcept_clashes_with_mkls(mkl, tmp_path):
    # hpddm#128: MKL's headers declare the routines noexcept in C++; the project's own declaration does not
    out = _compiled(tmp_path, """\
        #include <mkl_lapack.h>
        extern "C" void sposv_(const char*, const int*, const int*, float*, const int*, float*, const int*, int*);
        """, f"-I{mkl.pip}/include")
    assert "different exception specifier" in out
    findings = errors_of(out)
    assert [f.id for f in findings] == ["blas-prototype-clash"], [(f.id, f.title) for f in findings]
    assert "sposv_" in findings[0].title and "noexcept" in flat(findings[0])


@pytest.mark.mkl
@pytest.mark.skipif(not Path("/usr/include/gsl/gsl_cblas.h").is_file(), reason="needs GSL's headers (libgsl-dev)")
@pytest.mark.parametrize("compiler", ["g++", "gcc"])
def test_mkls_cblas_header_and_gsls_in_one_file_are_one_clash(mkl, tmp_path, compiler):
    # lagadic/visp#735: gsl_blas.h and mkl.h in one file; every enum and cblas_* declaration clashes, one failure
    out = _compiled(tmp_path, """\
        #include <gsl/gsl_blas.h>
        #include <mkl.h>
        """, f"-I{mkl.pip}/include", compiler=compiler)
    findings = errors_of(out)
    assert [f.id for f in findings] == ["cblas-headers-clash"], [(f.id, f.title) for f in findings]
    assert "gsl_cblas.h" in findings[0].title


# -- a library named by a path where there is none -------------------------------------------------------------------

def test_mkls_archives_named_by_another_layouts_path_say_the_layouts(tmp_path):
    # cpmech/gosl#25: cgo's flags named Parallel Studio's Linux folder (lib/intel64) on macOS, which has none; gcc 12
    # passes the paths to ld ("cannot find <path>"), clang and older gcc check them first ("no such file or directory")
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    out = failed(["gcc", "m.c", "-o", "m", "/opt/intel/mkl/lib/intel64/libmkl_core.a", "/opt/intel/lib/intel64/libiomp5.a"], tmp_path)
    findings = errors_of(out)
    assert [f.id for f in findings] == ["library-not-found"], [(f.id, f.title) for f in findings]
    text = flat(findings[0])
    assert "no file at the path the link names" in findings[0].title
    assert "Parallel Studio XE, Composer XE and MKL 2020 and older on Linux" in text and "on macOS" in text
    assert "static archives are not installed" not in findings[0].title  # nothing says so of the machine that linked


# -- a random number generator's parameter outside its distribution's domain -----------------------------------------

GEOMETRIC = """\
import ctypes, glob, sys
rt = ctypes.CDLL(sorted(glob.glob(sys.argv[1] + "/libmkl_rt.so.*"))[0])
stream = ctypes.c_void_p()
assert rt.vslNewStream(ctypes.byref(stream), 0x100000, 7) == 0  # VSL_BRNG_MCG31
r = (ctypes.c_int * 10)()
rt.viRngGeometric.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_double]
status = rt.viRngGeometric(0, stream, 10, r, float(sys.argv[2]))  # VSL_RNG_METHOD_GEOMETRIC_ICDF
print("status", status)
sys.exit(status != 0)
"""


@pytest.mark.mkl
def test_a_geometric_draw_with_p_one_is_the_distributions_domain(mkl, tmp_path):
    # IntelPython/mkl_random#15: mkl_random.geometric(1, 10) passed p = 1 to viRngGeometric, whose p must be < 1
    (tmp_path / "geometric.py").write_text(GEOMETRIC)
    out = failed([sys.executable, "geometric.py", str(mkl.pip_lib), "1.0"], tmp_path)
    assert "Parameter 5 was incorrect on entry to viRngGeometric" in out
    [finding] = errors_of(out)
    assert finding.id == "mkl-parameter-error" and "P, a parameter of the distribution" in finding.title
    assert "0 < p < 1" in finding.evidence[1] and finding.fix[0].startswith("check P before the call")
    # the fix, tried: a p inside the domain draws
    code, said = run([sys.executable, "geometric.py", str(mkl.pip_lib), "0.5"], tmp_path, clean_env())
    assert code == 0 and "status 0" in said, said


# -- one finding per failure: the lines that only say it again join it ------------------------------------------------

BLIND51 = {e["id"]: e["log"] for e in json.loads((Path(__file__).parent / "data/explain_corpus/blind51.json").read_text())["entries"]}


@pytest.mark.parametrize("entry_id, finding_id, then", [
    # numpy's one message for any nonzero info, after MKL's own words for the argument it rejected (HST-Paper's log)
    ("python-dgelsd-param6-nan-flux-polyfit-hst-paper-migration-log", "mkl-parameter-error", "LinAlgError: SVD did not converge"),
    # MKL's 'Cannot load' of the DLL whose ordinal Windows did not find (conda's troubleshooting guide)
    ("windows-cannot-load-mkl_intel_thread-dll-system32-conda-troubleshooting", "windows-entry-point-missing",
     "Cannot load mkl_intel_thread.dll"),
])
def test_a_line_that_repeats_the_failure_is_its_consequence(entry_id, finding_id, then):
    findings = errors_of(BLIND51[entry_id])
    assert [f.id for f in findings] == [finding_id], [(f.id, f.title) for f in findings]
    assert any(then in line and "consequence" in line for line in findings[0].evidence), findings[0].evidence


DOTNET_6 = ("Unhandled exception. System.DllNotFoundException: Unable to load shared library 'MklImports' or one of its "
            "dependencies. In order to help diagnose loading problems, consider setting the LD_DEBUG environment variable: "
            "libMklImports: cannot open shared object file: No such file or directory")
DOTNET_8 = """\
Unhandled exception. System.DllNotFoundException: Unable to load shared library 'MklImports' or one of its dependencies. \
In order to help diagnose loading problems, consider using a tool like strace. If you're using glibc, consider setting the \
LD_DEBUG environment variable:
/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.11/MklImports.so: cannot open shared object file: No such file or directory
/app/MklImports.so: cannot open shared object file: No such file or directory
/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.11/libMklImports.so: cannot open shared object file: No such file or directory
/app/libMklImports.so: cannot open shared object file: No such file or directory
"""


@pytest.mark.parametrize("log", [DOTNET_6, DOTNET_8], ids=[".NET 6", ".NET 8"])
def test_dotnets_words_for_a_library_it_could_not_load_on_linux(log):
    # .NET's DllNotFoundException on Linux in its two forms (.NET 7 and newer list each file tried), as public reports of
    # other libraries print them (LibGit2Sharp's, lua54's), for ML.NET's libMklImports; .NET is not installed here
    [finding] = errors_of(log)
    assert finding.id == "host-cannot-load" and ".NET" in finding.title
    assert any("Microsoft.ML.Mkl.Redist" in line for line in finding.fix) and not finding.recipes


def test_a_dependency_dotnet_could_not_load_is_the_loaders_finding():
    log = DOTNET_6.replace("libMklImports: cannot", "/app/libMklImports.so: libiomp5.so: cannot")
    [finding] = errors_of(log)
    assert finding.id == "loader-cannot-find" and "libiomp5.so" in finding.title


def test_a_pardiso_wrapper_that_did_not_load_is_said_from_blind53():
    # simpeg#1015 (blind53): pymatsolver without Pardiso, its pyMKL unable to open MKL 2021's runtime by its old name
    log = json.loads((Path(__file__).parent / "data/explain_corpus/blind53.json").read_text())["entries"]
    [entry] = [e for e in log if e["id"] == "python-simpeg-pymatsolver-pardiso-import-mkl2021-channel-mix-1015"]
    [finding] = errors_of(entry["log"])
    assert finding.id == "pardiso-wrapper-missing" and "pymatsolver" in finding.title
    assert any("mkl=2020.4" in line for line in finding.fix)
