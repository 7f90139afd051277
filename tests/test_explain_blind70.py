"""The seventieth blind set (tests/data/explain_corpus/blind70.json): texts the rules made after it answer. ldd's listing
of a program with two OpenMP runtimes is produced here (gcc -fopenmp with the pinned wheel's libiomp5); the others are read
from the public reports."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests import blindset
from tests.test_explain_families import flat, only_error

ENTRIES = blindset.entries(70)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


@pytest.mark.mkl
def test_ldd_listing_gccs_and_intels_openmp_runtimes(tmp_path, mkl):
    """A program compiled with -fopenmp (libgomp) and linked with the wheel's libiomp5, as onnxruntime#1131's --use_openmp
    beside MKL-ML: ldd resolves both, and explain says so; the program with libgomp alone is no finding."""
    (tmp_path / "main.c").write_text("#include <omp.h>\n#include <stdio.h>\nint main(void) { printf(\"%d\\n\", omp_get_max_threads()); return 0; }\n")
    lib = str(mkl.pip_lib)
    subprocess.run(["gcc", "-fopenmp", "main.c", "-o", "gnu"], cwd=tmp_path, check=True)
    subprocess.run(["gcc", "-fopenmp", "main.c", "-o", "both", "-Wl,--no-as-needed", f"-L{lib}", "-l:libiomp5.so",
                    f"-Wl,-rpath,{lib}"], cwd=tmp_path, check=True)
    listings = {name: subprocess.run(["ldd", str(tmp_path / name)], capture_output=True, text=True, check=True,
                                     env={**os.environ, "LC_ALL": "C"}).stdout for name in ("gnu", "both")}
    assert "libgomp.so.1 => /" in listings["both"] and "libiomp5.so => /" in listings["both"], listings["both"]
    [finding] = [f for f in blindset.findings(listings["both"]) if f.id == "openmp-runtimes-mixed"]
    assert finding.severity == "warning" and "libgomp" in finding.title and "libiomp5" in finding.title, flat(finding)
    assert any("MKL_THREADING_LAYER=GNU" in line for line in finding.fix)
    assert "libgomp.so.1 => /" in listings["gnu"] and not blindset.findings(listings["gnu"])
    # the public report's listing, with its markdown bold around both lines
    assert [f.id for f in blindset.findings(_log("onnxruntime-pr1131"))] == ["openmp-runtimes-mixed"]


def test_the_intel_compilers_math_h_found_by_gcc():
    """easybuild-framework#2469: imkl's top include folder (the compiler's headers) in a GCC toolchain's CPPFLAGS; the
    folder is named, and MKL's own include folder beside it is the one to give; GCC's own form of the line too."""
    finding = only_error(_log("easybuild-2469"))
    assert finding.id == "intel-compiler-headers-on-path", flat(finding)
    assert "imkl/2017.3.196/include is an Intel install's top include folder" in flat(finding)
    assert "imkl/2017.3.196/mkl/include" in flat(finding) and "components = ['intel-mkl']" in flat(finding)
    gcc = ('/opt/intel/compilers_and_libraries_2019.5.281/linux/include/math.h:37:2: error: #error "This Intel <math.h> '
           'is for use with only the Intel compilers!"\n')
    assert only_error(gcc).id == "intel-compiler-headers-on-path"


def test_winerror_182_loading_a_dll_without_its_words():
    """qlib's FAQ: '[WinError 182] Error loading "...\\caffe2_detectron_ops.dll"' (the words of error 182 left out): an
    ordinal missing from a dependency of another build, with conda's intel-openmp of another channel among the fixes."""
    finding = only_error(_log("qlib-faq"))
    assert finding.id == "windows-entry-point-missing" and "caffe2_detectron_ops.dll" in finding.title, flat(finding)
    assert any("intel-openmp --force-reinstall" in line for line in finding.fix)


def test_an_mkl_dlls_imports_beside_a_failure_to_load_it():
    """dotnet/machinelearning#3903: MklImports.dll in the app's folder, DllNotFoundException on a deployed machine, and
    dumpbin's list of its imports: the Visual C++ runtime's and Intel's OpenMP named, in one finding; .NET's own message
    with the listing takes the generic finding's place; the listing alone is no failure."""
    finding = only_error(_log("mlnet-3903"))
    assert finding.id == "windows-dll-dependency-missing" and "Visual C++ runtime" in finding.title, flat(finding)
    assert "Visual C++ Redistributable" in finding.fix[0] and "libiomp5md.dll" in finding.fix[1]
    listing = ("Dump of file MklImports.dll\n\nFile Type: DLL\n\n  Image has the following dependencies:\n\n"
               "    KERNEL32.dll\n    VCRUNTIME140.dll\n    libiomp5md.dll\n")
    dotnet = ("System.DllNotFoundException: Unable to load DLL 'MklImports': The specified module could not be found. "
              "(Exception from HRESULT: 0x8007007E)\n")
    assert only_error(dotnet + listing).id == "windows-dll-dependency-missing"
    assert only_error(dotnet).id == "windows-library-not-loaded"
    assert not blindset.findings(listing)


def test_mpis_fortran_library_not_named_is_one_finding():
    """elpa#45: mpi_gather_ undefined and libmpifort.so.12 'DSO missing': one finding, MPI's (the C++ tests linked by plain
    g++ when only CC and FC were MPI's wrappers), not a second about the C library's parts; the object is read after the
    linker's name that a person's words came before."""
    finding = only_error(_log("elpa-45"))
    assert finding.id == "mpi-not-linked", flat(finding)
    assert "mpi_gather_ needed by ./.libs/libelpatest.a(libelpatest_la-test_analytic.o)" in finding.evidence
    assert any("libmpifort.so.12 holds them" in line for line in finding.evidence)
    assert any("CC, CXX and FC" in line for line in finding.fix)


def test_a_missing_mkl_header_names_the_projects_own_mkl_option():
    """mxnet#19048 (mkl_blas.h on Windows, MKL never installed, the project's MKL path on by default) and arrayfire#2270
    (cblas.h: the project picks MKL's header only when configured for MKL): the project's option is among the fixes; a
    Windows log's install recipe is pip's and conda's, not apt's or dnf's."""
    findings = blindset.findings(_log("mxnet-19048"))
    [finding] = [f for f in findings if f.severity == "error"]
    assert finding.id == "mkl-header-not-found" and any("-DUSE_MKL_IF_AVAILABLE=OFF" in line for line in finding.fix)
    [recipe] = finding.recipes
    assert recipe.lines and not any(word in line for line in recipe.lines for word in ("apt-get", "dnf ", "Debian"))
    finding = only_error(_log("arrayfire-2270"))
    assert any("-DUSE_CPU_MKL=ON" in line for line in finding.fix), flat(finding)


def test_a_programs_import_of_an_older_mkl_dll_name():
    """OpenFAST#1412: a program built here (openfast_x64.exe) cannot find mkl_sequential.dll: its own import of its MKL
    release's name (install that release's DLLs on PATH, or link MKL statically), not a package to upgrade."""
    finding = only_error(_log("openfast-cmake-build-mkl_sequential"))
    assert finding.fix[0].startswith("the program's own import table asks for mkl_sequential.dll"), flat(finding)
    assert "link MKL statically" in finding.fix[0] and not any(line.startswith("a package that opens it") for line in finding.fix)


def test_a_jni_library_built_against_mkls_older_dll_name():
    """neanderthal#119: the text says the JNI DLL depends on mkl_rt.dll, which oneAPI 2021 renamed mkl_rt.1.dll: the
    release names are the evidence and the fix; the title is not the paragraph."""
    finding = only_error(_log("neanderthal-119"))
    assert finding.id == "host-cannot-load" and finding.title == "a JVM could not load a native library", flat(finding)
    assert any("mkl_rt.dll is the name of MKL up to" in line for line in finding.evidence)


def test_bigdls_mkl_wrapper_on_windows():
    finding = only_error(_log("ipexllm-3126"))
    assert finding.id == "jni-method-missing" and finding.fix[0].startswith("BigDL supports Linux and macOS only"), flat(finding)


def test_a_frozen_programs_kernel_of_another_release():
    finding = only_error(_log("pyinstaller-2175"))
    assert finding.id == "mkl-kernel-other-release" and any("conda install nomkl" in line for line in finding.fix), flat(finding)


def test_an_mkl_package_that_dpkg_cannot_replace():
    """microsoft-r-open#10: the old microsoft-r-open-mkl's pre-removal script failed (its mv before dpkg's warning): one
    finding, with the installer's ERROR! line as its consequence and the mv line as its evidence."""
    finding = only_error(_log("mro-10"))
    assert finding.id == "package-script-failed" and "microsoft-r-open-mkl-3.3" in finding.title, flat(finding)
    assert "--force-remove-reinstreq microsoft-r-open-mkl-3.3" in finding.fix[0]
    assert any(line.startswith("mv: cannot stat") for line in finding.evidence)
    # another package's failing script is no rule's: said as unrecognised, never silent
    other = ("Preparing to unpack .../libfoo_1.0_amd64.deb ...\n"
             "dpkg: warning: subprocess old pre-removal script returned error exit status 1\n")
    assert only_error(other).id == "unrecognised-failure"
