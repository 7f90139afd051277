"""Round 9 of raw public pastes (41 issue threads read without their causes, none used before): what was wrong or
unrecognised in them, as the paste showed it, and produced here where it can be (ld's undefined names with no MKL)."""

from __future__ import annotations

import subprocess

from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

EDGEML_31 = ('  "_cblas_sgemv", referenced from:\n      EdgeML::ProtoNN::ProtoNNPredictor::scoreDenseDataPoint(float*, float '
             'const*) in ProtoNNPredictor.o\n  "_mkl_scsrmm", referenced from:\n      EdgeML::sparsekmeans::kmeanspp(Eigen::'
             'SparseMatrix<float, 0, long long> const&, float const*) in cluster.o\nld: symbol(s) not found for architecture '
             "x86_64\ncollect2: error: ld returned 1 exit status\n")
NUMPY_14172 = ("Warning:\nThis Python interpreter is in a conda environment, but the environment has\nnot been activated.  "
               "Libraries may fail to load.\n>>> import pandas\nTraceback (most recent call last):\n  File \"<stdin>\", line 1, "
               "in <module>\n  File \"C:\\Users\\EID\\anaconda3\\lib\\site-packages\\pandas\\__init__.py\", line 19, in <module>\n"
               "    \"Missing required dependencies {0}\".format(missing_dependencies))\nImportError: Missing required "
               "dependencies ['numpy']\n>>> import numpy\nTraceback (most recent call last):\n  File \"C:\\Users\\EID\\anaconda3\\"
               "lib\\site-packages\\numpy\\_distributor_init.py\", line 34, in <module>\n    from . import _mklinit\n"
               "ImportError: DLL load failed: The specified module could not be found.\n")
OPENFAST_336 = ("Linking...\nipo: remark #11086: Cannot find library KERNEL32.LIB from #pragma comment\n"
                "ipo: warning #11021: unresolved LoadLibraryA\n        Referenced in FASTlib_x64.lib(SysIVF.obj)\n"
                "ipo: warning #11021: unresolved __imp_Sleep\n        Referenced in libifcoremt.lib(for_reentrancy.obj)\n"
                "        Referenced in mkl_sequential.lib(mkl_threading_omp_no_patched.obj)\n")


def test_a_name_gone_from_newer_releases_beside_names_every_release_has():
    """microsoft/EdgeML#31 (macOS): mkl_scsrmm (gone in 2026.0) and cblas_sgemv undefined: a finding of its own told
    to install an MKL that has mkl_scsrmm, where the link took no MKL at all (blind set 6's oneDNN#732 the same)."""
    said = only_error(EDGEML_31)
    assert said.id == "mkl-symbol-unresolved" and "cblas_sgemv" in said.title, flat(said)
    assert any(line.startswith("mkl_scsrmm too (") and "took no MKL at all" in line for line in said.evidence), flat(said)


def test_the_same_produced_with_gcc_and_no_mkl(tmp_path):
    (tmp_path / "p.c").write_text("void cblas_sgemv(void); void mkl_scsrmm(void);\n"
                                  "int main(void) { cblas_sgemv(); mkl_scsrmm(); return 0; }\n")
    linked = subprocess.run(["gcc", "p.c", "-o", "p"], cwd=tmp_path, capture_output=True, text=True)
    assert linked.returncode != 0 and "undefined reference to `mkl_scsrmm'" in linked.stderr, linked.stderr
    said = [f for f in errors_of(linked.stderr)]
    assert [f.id for f in said] == ["mkl-symbol-unresolved"], [(f.id, f.title) for f in said]
    # a name gone from newer releases alone keeps its own finding: which releases have it is then the question
    (tmp_path / "q.c").write_text("void mkl_scsrmm(void);\nint main(void) { mkl_scsrmm(); return 0; }\n")
    alone = subprocess.run(["gcc", "q.c", "-o", "q"], cwd=tmp_path, capture_output=True, text=True)
    assert only_error(alone.stderr).id == "missing-symbol"


def test_pandas_echo_of_numpys_failed_import():
    """numpy#14172: pandas' 'Missing required dependencies ['numpy']' before numpy's own DLL load failure was a second,
    unrecognised error."""
    said = only_error(NUMPY_14172)
    assert said.id == "windows-library-not-loaded" and "Missing required dependencies" in flat(said), flat(said)


def test_windows_own_libraries_not_found_at_a_link_with_mkl():
    """OpenFAST#336: Intel Fortran's ipo could not find KERNEL32.LIB (Windows API names unresolved, mkl_sequential.lib
    among their callers): unrecognised; link.exe's LNK1104 for kernel32.lib the same."""
    said = only_error(OPENFAST_336)
    assert said.id == "windows-sdk-library-not-found" and "KERNEL32.LIB" in said.title, flat(said)
    assert "Windows SDK" in said.fix[1] and said.confirm[0].startswith("echo %LIB%"), said.fix
    link = only_error("LINK : fatal error LNK1104: cannot open file 'libucrt.lib'\n")
    assert link.id == "windows-sdk-library-not-found" and "C runtime" in link.title, flat(link)
    # an MKL library LNK1104 cannot open stays MKL's finding
    assert only_error("LINK : fatal error LNK1104: cannot open file 'mkl_core.lib'\n").id == "msvc-library-not-found"


PYMESH_325 = ("-- Could NOT find MKL (missing: MKL_LIBRARIES MKL_INCLUDE_DIRS MKL_INTERFACE_LIBRARY MKL_SEQUENTIAL_LAYER_LIBRARY "
              "MKL_CORE_LIBRARY)\n-- Found TBB: /usr/include\n-- A library with BLAS API not found. Please specify library "
              "location.\n-- Could NOT find BLAS (missing: BLAS_LIBRARIES)\n-- LAPACK requires BLAS\nCMake Error at cmake/"
              "FindAllDependencies.cmake:157 (find_package):\nCould not find a package configuration file provided by "
              "\"nlohmann_json\"\nwith any of the following names:\n\nnlohmann_jsonConfig.cmake\nnlohmann_json-config.cmake\n")


def test_the_configure_stopped_at_another_package_after_mkls_status_lines(tmp_path):
    """PyMesh#325: 'Could NOT find MKL' and FindBLAS's status lines, then the stop at nlohmann_json: MKL's and BLAS's were
    two errors and the stop unrecognised. Produced here with cmake: a required package's config that is not installed."""
    said = [(f.id, f.severity) for f in blindset.findings(PYMESH_325)]
    assert said == [("cmake-other-package-not-found", "error"), ("mkl-finder-failed", "warning"),
                    ("cmake-blas-not-found", "warning")], said
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(p C)\n"
                                             "find_package(nlohmann_json_absent CONFIG REQUIRED)\n")
    ran = subprocess.run(["cmake", "-S", ".", "-B", "build"], cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode != 0 and 'provided by "nlohmann_json_absent"' in " ".join(ran.stderr.split()), ran.stderr
    finding = only_error(ran.stdout + ran.stderr)
    assert finding.id == "cmake-other-package-not-found" and "-Dnlohmann_json_absent_DIR=" in finding.fix[0], flat(finding)
