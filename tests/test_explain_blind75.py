"""The seventy-fifth blind set (tests/data/explain_corpus/blind75.json): texts the rules made after it answer (from the
public reports), and the same failures produced here with the real tools: a 32-bit-only GCC asked for 64-bit code,
CMake's feature summary and its warning of variables nothing read."""

from __future__ import annotations

import os
import subprocess

from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = blindset.entries(75)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_a_32_bit_only_gcc_under_cgo():
    """gonum/blas#200: cc1.exe of a 32-bit MinGW, driven by a 64-bit Go's cgo."""
    finding = only_error(_log("gonum-blas-200"))
    assert finding.id == "compiler-32-bit-only" and "by cgo" in finding.title, flat(finding)
    assert "mingw-w64-x86_64-gcc" in finding.fix[0] and finding.fix[1].startswith("point cgo at it: go env -w CC=")


def test_a_32_bit_only_gcc_produced_here(tmp_path):
    """Debian's i686 MinGW GCC is built for 32-bit x86 only: -m64 is refused in GCC's own words."""
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    done = subprocess.run(["i686-w64-mingw32-gcc", "-m64", "-c", str(tmp_path / "m.c"), "-o", str(tmp_path / "m.o")],
                          capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    assert done.returncode != 0 and "64-bit mode not compiled in" in done.stderr, done.stderr
    finding = only_error(done.stderr)
    assert finding.id == "compiler-32-bit-only" and "cgo" not in finding.title, flat(finding)
    assert finding.title.startswith("cc1 is a 32-bit-only GCC")


def test_cmake_requires_cblas_and_lapacke_beside_mkl():
    """tiledarray#216: FeatureSummary's REQUIRED packages not found (CBLAS, LAPACKE) with MKL among those found."""
    finding = only_error(_log("tiledarray-216"))
    assert finding.id == "cmake-required-despite-mkl" and "CBLAS, LAPACKE" in finding.title, flat(finding)
    assert "--debug-find-pkg=CBLAS,LAPACKE" in finding.fix[0]


def test_cmake_feature_summary_produced_here(mkl, tmp_path):
    """The same summary from the real CMake: MKL found by its own MKLConfig.cmake (the pip wheel's), CBLAS and LAPACKE
    required and found by nothing; the config-mode warnings for them are no failures of their own, and FeatureSummary's
    fatal error joins the finding as its consequence."""
    (tmp_path / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.16)\nproject(p C)\ninclude(FeatureSummary)\nfind_package(MKL CONFIG)\n"
        "set_package_properties(MKL PROPERTIES TYPE OPTIONAL DESCRIPTION \"Intel Math Kernel Library\")\n"
        "find_package(CBLAS)\nset_package_properties(CBLAS PROPERTIES TYPE REQUIRED)\n"
        "find_package(LAPACKE)\nset_package_properties(LAPACKE PROPERTIES TYPE REQUIRED)\n"
        "feature_summary(WHAT ALL FATAL_ON_MISSING_REQUIRED_PACKAGES)\n")
    done = subprocess.run(["cmake", "-S", str(tmp_path), "-B", str(tmp_path / "b"), f"-DCMAKE_PREFIX_PATH={mkl.pip}"],
                          capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    log = done.stdout + done.stderr
    assert done.returncode != 0 and "REQUIRED packages have not been found" in log, log[-1500:]
    findings = blindset.findings(log)
    [error] = [f for f in findings if f.severity == "error"]
    assert error.id == "cmake-required-despite-mkl" and "found MKL" in error.title, flat(error)
    assert any("feature_summary() Error" in line and "consequence" in line for line in error.evidence)
    assert len(findings) == 1, [flat(f) for f in findings]


def test_blas_vendor_read_by_nothing_produced_here(tmp_path):
    """A project that runs FindLAPACK only with its own option on (SUNDIALS' ENABLE_LAPACK): -DBLA_VENDOR alone is read
    by nothing, and the real CMake says so; with the option the fix names, the same configure reads it."""
    (tmp_path / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.16)\nproject(p C)\noption(ENABLE_LAPACK \"use LAPACK\" OFF)\n"
        "if(ENABLE_LAPACK)\n  find_package(LAPACK)\nendif()\n")

    def configure(*options: str) -> str:
        done = subprocess.run(["cmake", "-S", str(tmp_path), "-B", str(tmp_path / "b"), *options], capture_output=True,
                              text=True, env={**os.environ, "LC_ALL": "C"})
        assert done.returncode == 0, done.stderr[-1500:]
        return done.stdout + done.stderr

    findings = blindset.findings(configure("-DBLA_VENDOR=Intel10_64lp"))
    [unused] = [f for f in findings if f.id == "cmake-blas-variable-unused"]
    assert unused.severity == "warning" and "BLA_VENDOR" in unused.title and "ENABLE_LAPACK=ON" in unused.fix[0]
    assert "Manually-specified variables" not in configure("-DBLA_VENDOR=Intel10_64lp", "-DENABLE_LAPACK=ON")


def test_blas_vendor_read_by_nothing():
    """sundials#350: -DBLA_VENDOR without the project's LAPACK option, which alone runs FindLAPACK."""
    findings = blindset.findings(_log("sundials-350"))
    [finding] = [f for f in findings if f.id == "cmake-blas-variable-unused"]
    assert "ENABLE_LAPACK=ON" in finding.fix[0], flat(finding)
    assert not errors_of(_log("sundials-350"))  # a warning: the configure itself went on
    assert not [f for f in blindset.findings("CMake Warning:\n  Manually-specified variables were not used by the project:\n\n"
                                              "    CMAKE_FOO\n") if f.id == "cmake-blas-variable-unused"]  # not BLAS's, not MKL's


def test_mlnet_components_package_missing():
    """dotnet/machinelearning#5951: Ols is in Microsoft.ML.Mkl.Components."""
    finding = only_error(_log("mlnet-5951"))
    assert finding.id == "mlnet-mkl-components-missing" and finding.fix[0].startswith(
        "dotnet add package Microsoft.ML.Mkl.Components"), flat(finding)
    compiler = ("Program.cs(12,45): error CS1061: 'BinaryClassificationCatalog.BinaryClassificationTrainers' does not "
                "contain a definition for 'SymbolicSgdLogisticRegression' and no accessible extension method "
                "'SymbolicSgdLogisticRegression' accepting a first argument of type ... could be found\n")
    assert only_error(compiler).id == "mlnet-mkl-components-missing"
    assert only_error(compiler.replace("SymbolicSgdLogisticRegression", "FastTree")).id == "unrecognised-failure"


def test_dotnet_native_library_missing_from_a_test_projects_output_on_macos():
    finding = only_error(_log("mlnet-pr5520"))
    assert finding.id == "macos-library-not-loaded", flat(finding)
    assert any(line.startswith("a .NET app: a NuGet package's native library") and "#5520" in line for line in finding.fix)


def test_libsycl_names_the_oneapi_year_it_comes_with():
    """intel/ipex-llm#12594: a build of oneAPI 2024 (libsycl.so.7) on a machine with oneAPI 2025's packages (apt's list:
    the year finding since blind set 76); the loader's line alone says the year in its own finding."""
    finding = only_error(_log("ipexllm-12594"))
    assert finding.id == "oneapi-runtime-other-year" and "oneAPI 2024's runtime (libsycl.so.7)" in finding.title, flat(finding)
    alone = only_error("./llama-cli: error while loading shared libraries: libsycl.so.7: cannot open shared object file: "
                       "No such file or directory\n")
    assert any("libsycl.so.7 is the SYCL runtime of oneAPI 2024's DPC++ compiler" in line and "intel-sycl-rt==2024.*" in line
               for line in alone.fix), flat(alone)


def test_a_traceback_cut_inside_numpys_import_on_windows():
    """numpy#18376: the traceback stops in numpy/core/__init__.py's import of multiarray, its error line cut; Python 3.8
    and newer do not search PATH for an extension's DLLs."""
    finding = only_error(_log("numpy-18376"))
    assert finding.id == "numpy-extension-failed" and "numpy\\core\\__init__.py" in " ".join(finding.evidence), flat(finding)
    assert "os.add_dll_directory" in finding.fix[0] and "Python 3.8" in finding.fix[0]
    # the same frames with the error line: the loader's finding, not this one
    assert only_error(_log("numpy-18376") + "\nImportError: DLL load failed: The specified module could not be found.\n"
                      ).id != "unrecognised-failure"


def test_cholmod_refusing_a_matrix_on_mkl():
    """SuiteSparse#554: CHOLMOD's 'matrix not positive definite' and NaN residuals with MKL as the BLAS (read after blind
    set 76): the BLAS integer size; the same words with no MKL in the log are the data's answer, not this finding."""
    finding = only_error(_log("suitesparse-554"))
    assert finding.id == "cholmod-blas-integer-size" and "-DSUITESPARSE_USE_64BIT_BLAS=ON" in finding.fix[0], flat(finding)
    plain = "CHOLMOD warning: matrix not positive definite. file: t_cholmod_super_numeric_worker.c line: 1086\n"
    assert all(f.id != "cholmod-blas-integer-size" for f in errors_of(plain))
