"""Blind sets 160 and after (tests/data/explain_corpus/blind160.json ...): public logs gathered by helpers who never read
the tool, scored once, then each miss made a test here: the failure produced with the real tool where it can run here
(Python's ctypes on a kernel of Debian's MKL in an old release's folder, g++ and ld in English and French on Tpetra's float
code, CMake on a package's MKL target that links OpenCL, g++ on an include of a project's own third_party folder), the
thread's own text where it cannot (yum, MSVC, ONNX Runtime, dyld, Lmod, rustc's static MKL)."""

from __future__ import annotations

import shutil
import sys

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, flat, only_error, run

SETS = blindset.load(160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172)


@pytest.mark.parametrize("n, entry", blindset.scored_entries(SETS))
def test_never_silent_and_right_stays_right(n, entry):
    blindset.assert_never_silent_and_right_stays_right(SETS, n, entry)


def test_an_old_folders_kernel_that_cannot_see_mkls_core(tmp_path, mkl):
    """kaldi-gstreamer-server#197's shape, produced with Python's ctypes: MKL's kernel (Debian's 2020.4 libmkl_def.so, which
    names no libmkl_core) opened alone from a folder named as Parallel Studio 2018.5's. The kernel needs the core's names:
    no core is in its scope, whatever the release; it was read as an older MKL shadowing the program's."""
    folder = tmp_path / "opt/intel/compilers_and_libraries_2018.5.274/linux/mkl/lib/intel64_lin"
    folder.mkdir(parents=True)
    shutil.copy(mkl.debian_lib(mkl.debian_shared) / "libmkl_def.so", folder)
    script = f"import ctypes; ctypes.CDLL({str(folder / 'libmkl_def.so')!r})"
    code, log = run([sys.executable, "-c", script], tmp_path, clean_env())
    assert code != 0 and "libmkl_def.so: undefined symbol: mkl_" in log, log
    finding = only_error(log)
    assert finding.id == "mkl-core-not-visible" and "older" not in finding.title, flat(finding)
    said = errors_of(blindset.log_of(blindset.entries(160), "gstreamer-server-197"))
    assert [f.id for f in said] == ["mkl-core-not-visible"], [(f.id, f.title) for f in said]
    assert any("mkl.get_max_threads()" in line for line in said[0].fix), flat(said[0])


def test_yums_refusal_of_a_package_of_intels_repository():
    """kaldi#3779 (the thread's text: no yum here): rpm's NOKEY and yum's 'keys ... not correct for this package' for the
    old MKL repository's 2019.2 packages; install_mkl.sh's 'installation FAILED' is its consequence."""
    log = blindset.log_of(blindset.entries(160), "3779")
    finding = only_error(log)
    assert finding.id == "intel-yum-key-rejected" and "rpm --import" in finding.fix[0], flat(finding)
    said = "\n".join(finding.evidence)
    assert "kaldi#3779" in said and "installation FAILED" in said, said
    assert "2020.0-088" in finding.fix[1] and finding.fix[-1].startswith("not a fix: --nogpgcheck")
    # dnf's words for a oneAPI package: the same finding, without the old repository's lines
    dnf = only_error("Public key for intel-oneapi-mkl-2024.0.0-49656.x86_64.rpm is not installed\n")
    assert dnf.id == "intel-yum-key-rejected" and "2020.0-088" not in flat(dnf), flat(dnf)
    # another repository's key: not Intel's finding, and never silent
    other = log.replace('"Intel(R) Math Kernel Library"', '"EPEL"').replace("intel-mkl-repo", "epel").replace(
        "intel-conda-mkl-devel-linux-64-shadow-package", "htop").replace("MKL package intel-mkl-64bit-2019.2-057", "htop")
    assert "intel-yum-key-rejected" not in [f.id for f in errors_of(other)] and errors_of(other), other


def test_python_2s_words_for_the_module_mkl_service_gives():
    """QRec#187: Python 2's 'ImportError: No module named mkl' (no quotes; a Chinese full stop after it)."""
    finding = only_error(blindset.log_of(blindset.entries(161), "qrec-187"))
    assert finding.id == "mkl-service-missing" and "mkl-service" in finding.fix[0], flat(finding)
    assert only_error("ImportError: No module named 'mkl'\n").id == "mkl-service-missing"
    assert "mkl-service-missing" not in [f.id for f in errors_of("ImportError: No module named mkl_fft\n")]


def test_an_error_in_quotes_and_onnx_runtimes_error_record_are_never_silent():
    """PyTables 85f155a quotes a TypeError in its message (no MKL in it: unrecognised, never 'no problem'); ONNX Runtime's
    logger marks an error with [E:onnxruntime:...]: its MKL-DNN provider's refused memory descriptor (onnxruntime#1300: a
    second mkldnn on the machine) is a finding of its own, another record of it an unrecognised failure."""
    quoted = errors_of(blindset.log_of(blindset.entries(161), "pytables-981"))
    assert [f.id for f in quoted] == ["unrecognised-failure"], [(f.id, f.title) for f in quoted]
    finding = only_error(blindset.log_of(blindset.entries(162), "onnxruntime-1300"))
    assert finding.id == "mkldnn-memory-descriptor-refused" and "LD_DEBUG=libs" in finding.fix[0], flat(finding)
    record = "2019-06-26 13:22:59.733 [E:onnxruntime:, inference_session.cc:421 Load] Failed to load model: bad proto\n"
    assert [f.id for f in errors_of(record)] == ["unrecognised-failure"]


def test_visual_studios_error_list_row_for_mkl_h_in_any_language():
    """caffe-windows#239: the Error List's row (code, words, project, file, line) copied from a Chinese Visual Studio, no
    'fatal error' before C1083. The source being compiled is the project's own (not an installed header), and Intel's
    Caffe's MKLML script (Linux's) is not offered for an MSVC build."""
    finding = only_error(blindset.log_of(blindset.entries(162), "caffe-windows-239"))
    assert finding.id == "mkl-header-not-found" and "arccos_layer.cpp includes mkl.h" in finding.evidence[0], flat(finding)
    assert "setvars.bat" in finding.fix[0] and "prepare_mkl.sh" not in flat(finding) and "installed header" not in flat(finding)
    english = "Error\tC1083\tCannot open include file: 'mkl_cblas.h': No such file or directory\tapp\tC:\\src\\gemm.cpp\t3\n"
    assert only_error(english).id == "mkl-header-not-found"


def test_mklconfigs_interface_check_typed_by_hand():
    """abacus-develop#4845: 'Invalid MKL INTERFACE FULL intel lp64, options are: intel ilp64', MKLConfig.cmake's words
    with spaces for underscores; the fix names the reporter's edit of MKLConfig.cmake beside a newer oneMKL."""
    finding = only_error(blindset.log_of(blindset.entries(163), "4845"))
    assert finding.id == "mklconfig-rejected-value" and "icpx" in finding.title, flat(finding)
    assert "set(MKL_INTERFACE_LIST intel_ilp64 ${IFACE_TYPE}_lp64)" in finding.fix[0]


TPETRA = """namespace Tpetra { template <class S, class L, class G, class N> struct MultiVector { void randomize(); }; }
struct Serial {};
void solve() { Tpetra::MultiVector<SCALAR, int, long long, Serial> v; v.randomize(); }
"""


@pytest.mark.parametrize("language", ["", "fr"])
def test_tpetras_float_code_that_trilinos_did_not_build(tmp_path, language):
    """candi#390 and Trilinos#13456's shape, produced with g++ and ld (in French too: 'référence indéfinie vers « ... »'):
    a library built for float calls Tpetra's float code, which nothing defines. The finding names Trilinos' float settings,
    which an MKL build set apart (candi PR #405); a name for double is no such finding."""
    env = clean_env(LANG="C.UTF-8", LANGUAGE=language) if language else clean_env(LC_ALL="C")
    for scalar, expected in (("float", True), ("double", False)):
        (tmp_path / "strat.cpp").write_text(TPETRA.replace("SCALAR", scalar))
        (tmp_path / "app.cpp").write_text("void solve();\nint main() { solve(); }\n")
        code, out = run(["g++", "-shared", "-fPIC", "-o", "libstratimikosbelos.so", "strat.cpp"], tmp_path, env)
        assert code == 0, out
        code, log = run(["g++", "app.cpp", "-L.", "-lstratimikosbelos", "-o", "app"], tmp_path, env)
        words = "référence indéfinie" if language else "undefined reference"
        assert code != 0 and "Tpetra::MultiVector" in log and words in log, log
        finding = only_error(log)
        assert (finding.id == "tpetra-float-not-instantiated") is expected, flat(finding)
        if expected:
            assert "Tpetra::MultiVector<float, ...>::randomize()" in finding.title, flat(finding)
            assert "Trilinos_ENABLE_FLOAT=OFF" in finding.fix[0]
    for fragment in ("candi-390", "trilinos-13456"):  # the threads' own ld.bfd and French lines
        assert only_error(blindset.log_of(blindset.entries(165), fragment)).id == "tpetra-float-not-instantiated"


OPEN3D_CONFIG = """add_library(Open3D::3rdparty_mkl INTERFACE IMPORTED)
set_target_properties(Open3D::3rdparty_mkl PROPERTIES INTERFACE_LINK_LIBRARIES "OpenCL::OpenCL")
"""


def test_a_packages_mkl_target_that_links_a_target_nobody_defined(tmp_path):
    """Open3D 3c05278's shape, produced with CMake: an installed package config whose MKL target (oneMKL's SYCL part) links
    OpenCL::OpenCL and does not look for OpenCL. The fix (find_package of it first; here an OpenCL::OpenCL of the project's
    own stands for it) configures."""
    config = tmp_path / "pkg" / "lib" / "cmake" / "Open3D"
    config.mkdir(parents=True)
    (config / "Open3DConfig.cmake").write_text(OPEN3D_CONFIG)
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    project = ("cmake_minimum_required(VERSION 3.13)\nproject(app C)\n{}find_package(Open3D CONFIG REQUIRED)\n"
               "add_executable(app main.c)\ntarget_link_libraries(app Open3D::3rdparty_mkl)\n")
    (tmp_path / "CMakeLists.txt").write_text(project.format(""))
    command = ["cmake", "-S", ".", "-B", "build", f"-DOpen3D_DIR={config}"]
    code, log = run(command, tmp_path, clean_env())
    assert code != 0 and "but the target was not found" in log, log
    finding = only_error(log)
    assert finding.id == "cmake-mkl-target-dependency-missing" and "Open3D::3rdparty_mkl" in finding.title, flat(finding)
    assert finding.fix[0].startswith("find_package(OpenCL REQUIRED) in the project before find_package(Open3D)")
    (tmp_path / "CMakeLists.txt").write_text(project.format("add_library(OpenCL::OpenCL INTERFACE IMPORTED)\n"))
    shutil.rmtree(tmp_path / "build")
    code, log = run(command, tmp_path, clean_env())
    assert code == 0, log
    assert only_error(blindset.log_of(blindset.entries(166), "3c05278ab")).id == "cmake-mkl-target-dependency-missing"


def test_intels_compiler_runtime_named_without_quotes_and_a_universal_file_without_arm64():
    """Open3D 4062379: 'LNK1104: cannot open file libircmt.lib' (the oneAPI environment lost between CI steps: the fix
    says $GITHUB_ENV); ipex-llm#8177: BigDL's libiomp5.dylib, a universal file of i386 and x86_64, on Apple silicon."""
    finding = only_error(blindset.log_of(blindset.entries(166), "406237993"))
    assert finding.id == "intel-compiler-runtime-not-found" and "$GITHUB_ENV" in finding.fix[-1], flat(finding)
    mac = only_error(blindset.log_of(blindset.entries(167), "8177"))
    assert mac.id == "library-wrong-platform" and "arm64e" in mac.title and "no arm64 build" in mac.fix[0], flat(mac)


def test_lds_dso_missing_line_alone_is_the_link_not_the_loader():
    """EasyBuild's R 3.6.2 easyconfig quotes 'libiomp5.so: error adding symbols: DSO missing from command line' alone (no
    path, no undefined symbol before it): ld's words for a library the link did not name, not the loader's."""
    finding = only_error(blindset.log_of(blindset.entries(169), "r362-9946"))
    assert finding.id == "system-libraries-missing" and "-liomp5" in finding.title, flat(finding)
    assert only_error("libm.so.6: error adding symbols: DSO missing from command line\n").id == "system-libraries-missing"


def test_an_include_of_the_projects_own_third_party_folder(tmp_path):
    """tensorflow#57146's shape, produced with g++: XLA's header includes third_party/intel_mkl_ml/include/mkl_cblas.h,
    a folder of TensorFlow's own tree the checkout no longer has. No MKL install or -I is the fix."""
    (tmp_path / "runtime_matmul_mkl.h").write_text('#include "third_party/intel_mkl_ml/include/mkl_cblas.h"\n')
    (tmp_path / "jit.cc").write_text('#include "runtime_matmul_mkl.h"\nint main() { return 0; }\n')
    code, log = run(["g++", "-c", "jit.cc"], tmp_path, clean_env())
    assert code != 0 and "third_party/intel_mkl_ml/include/mkl_cblas.h" in log, log
    finding = only_error(log)
    assert finding.id == "mkl-header-not-found" and "#57186" in finding.fix[0] and "setvars" not in finding.fix[0], flat(finding)
    assert finding.recipes == (), flat(finding)  # no MKL to install for it
    assert "setvars" in only_error(log.replace("third_party/intel_mkl_ml/include/", "")).fix[0]  # MKL's own header: as before
    assert only_error(blindset.log_of(blindset.entries(172), "57146")).fix[0] == finding.fix[0]


def test_rustcs_static_mkl_not_found_names_intel_mkl_srcs_finder():
    """intel-mkl-src#59: 'could not find native static library `mkl_intel_lp64`': intel-mkl-tool named no folder because
    its -iomp set wanted libiomp5.a beside MKL's archives (PR #63)."""
    finding = only_error(blindset.log_of(blindset.entries(170), "intel-mkl-src-59"))
    assert finding.id == "library-not-found" and "intel-mkl-src#59" in "\n".join(finding.evidence), flat(finding)
    assert any("PR #63" in line and "-seq feature" in line for line in finding.fix), flat(finding)


def test_oneapis_mkl_module_whose_dependencies_the_module_system_cannot_find():
    """openhpc#1846: Lmod loading oneAPI 2023.2's mkl module stops on its dependencies (compiler-rt, compiler/2*); another
    project's unknown module is no such finding, and is said all the same."""
    log = blindset.log_of(blindset.entries(172), "1846")
    finding = only_error(log)
    assert finding.id == "oneapi-module-dependencies-unknown" and "mkl 2023.2.0 module" in finding.title, flat(finding)
    assert "modulefiles-setup.sh" in finding.fix[0]
    other = 'Lmod has detected the following error: The following module(s) are unknown: "gromacs/2023"\n'
    assert [f.id for f in errors_of(other)] == ["unrecognised-failure"]


def test_mkls_core_by_name_with_the_environment_set_up():
    """intel/llm-scaler 4f6d9be: 'Cannot load libmkl_core.so.2' after setvars.sh, PyTorch's run paths in a venv pointing
    beside itself: the fix preloads MKL's layers from MKLROOT. Windows' name of the core is the DLL's finding, as before."""
    finding = only_error(blindset.log_of(blindset.entries(170), "llm-scaler"))
    assert finding.id == "mkl-cannot-load-kernels", flat(finding)
    assert "LD_PRELOAD=$MKLROOT/lib/libmkl_core.so.2:" in finding.fix[-1], flat(finding)
    assert only_error("Intel MKL FATAL ERROR: Cannot load mkl_core.2.dll.\n").id == "windows-library-not-loaded"


def test_one_msvc_error_for_several_decorated_names_is_one_finding():
    """torch-xpu-ops PR #3046: LNK2005 for view_as_complex and view_as_real, each with MSVC's decorated name in
    parentheses: one unrecognised finding (not MKL's), the other line listed in it."""
    [finding] = errors_of(blindset.log_of(blindset.entries(171), "3046"))
    assert finding.id == "unrecognised-failure" and "the same error 1 more time" in finding.evidence[-1], flat(finding)


def test_onedals_refusal_of_its_layers_signature():
    """scikit-learn-intelex#531: oneDAL's loader refused both threading layers with WinVerifyTrust's 0x80096005
    (TRUST_E_TIME_STAMP); two unrecognised findings before, one finding now, its 'Cannot load neither' the consequence."""
    finding = only_error(blindset.log_of(blindset.entries(168), "0x80096005"))
    assert finding.id == "onedal-layer-signature-refused" and "onedal_sequential.1.dll" in finding.title, flat(finding)
    assert any("TRUST_E_TIME_STAMP" in line for line in finding.evidence), finding.evidence
    assert any("Cannot load neither" in line and "consequence" in line for line in finding.evidence), finding.evidence
    # a code the table does not name: certutil's words for it; no code at all: the layers were not found
    other = only_error("Intel oneDAL FATAL ERROR: onedal_thread.1.dll. Error code is 0x800700C1.\n")
    assert other.id == "onedal-layer-signature-refused" and "certutil -error 0x800700C1" in flat(other), flat(other)
    alone = only_error("Intel oneDAL FATAL ERROR: Cannot load neither libonedal_thread.so.1 nor libonedal_sequential.so.1.\n")
    assert alone.id == "onedal-layers-not-found", flat(alone)
