"""The blind sets 85 to 91 (tests/data/explain_corpus/blind85.json ... blind91.json), gathered and scored on 2026-12-06:
what the rules made after them answer, and that none of their logs is silent or loses what was right."""

from __future__ import annotations

import pytest

from mkldoctor.explain import logparse
from tests import blindset
from tests.test_explain_families import flat, only_error

SETS = blindset.load(85, 86, 87, 88, 89, 90, 91)
ENTRIES = blindset.entries(*SETS)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


@pytest.mark.parametrize("n, entry", blindset.scored_entries(SETS))
def test_never_silent_and_right_stays_right(n, entry):
    blindset.assert_never_silent_and_right_stays_right(SETS, n, entry)


def test_a_programs_own_words_for_a_library_of_mkls():
    """'Could not load libmkl_rt.so', 'Failed to load <path>/libiomp5.so', 'unable to find libmkl_core.so.2': a program's
    own words for a dlopen that failed were read as nothing at all; a file of MKL's or Intel's runtimes is the loader's
    failure, another file's an unrecognised error, and words typed without their apostrophe (BIDMach#75) an error too."""
    for line, soname in (("Could not load libmkl_rt.so", "libmkl_rt.so"),
                         ("Failed to load /opt/intel/mkl/lib/intel64/libmkl_rt.so", "libmkl_rt.so"),
                         ("unable to find libmkl_core.so.2", "libmkl_core.so.2"),
                         ("Couldn't open the shared library libiomp5.so: giving up", "libiomp5.so")):
        finding = only_error(line + "\n")
        assert finding.id == "loader-cannot-find" and finding.title.endswith(soname), flat(finding)
    assert only_error("Couldn't open libiomp5.dylib\n").id == "macos-library-not-loaded"
    # a sentence's full stop after the name; Windows' DLLs in the same words, a folder with spaces before them
    assert only_error("Error: Could not load libmkl_rt.so.\n").title.endswith("libmkl_rt.so")
    for line, dll in (("Can not find the mkl_sequential.dll", "mkl_sequential.dll"),
                      ("ERROR: failed to load C:\\Program Files\\App\\mkl_rt.2.dll.", "mkl_rt.2.dll")):
        finding = only_error(line + "\n")
        assert finding.id == "windows-library-not-loaded" and dll in finding.title, flat(finding)
    for line in ("Failed to load libfoo.so", "Cant find native CPU libraries"):
        assert only_error(line + "\n").id == "unrecognised-failure"
    for line in ("Couldn't find MKL", "Intel MKL not installed on this machine."):  # a project's own search (saf#63)
        assert only_error(line + "\n").id == "mkl-finder-failed"
    # a status line that says what it did not find, no file named: not a failure
    assert not blindset.findings("-- Could not find hardware support for NEON on this machine.\n")


def test_mlnets_mkl_library_and_symsgd():
    """dotnet/machinelearning#241: ML.NET's own 'The MKL library (...) or one of its dependencies is missing.'; #6603: .NET's
    'Unable to load shared library 'SymSgdNative' ...' given as a title, without the loader's tail. Both were silent."""
    imports = only_error(_log("mlnet-241"))
    assert imports.id == "mlnet-mkl-library-missing" and "Microsoft.ML.MklImports.dll" in imports.title, flat(imports)
    assert imports.fix[0].startswith("reference the package in the project that runs: dotnet add package Microsoft.ML.Mkl.Components")
    symsgd = only_error(_log("mlnet-6603"))
    assert symsgd.id == "host-cannot-load" and "Microsoft.ML.Mkl.Components" in symsgd.fix[0], flat(symsgd)
    assert "patchelf --remove-needed libomp.so" in symsgd.fix[1]
    # macOS's words (dlopen, .dylib) stay the platform's
    mac = only_error("System.DllNotFoundException: Unable to load shared library 'MklImports' or one of its dependencies. "
                     "dlopen(libMklImports.dylib, 1): image not found\n")
    assert mac.id == "macos-library-not-loaded", flat(mac)


def test_pardisos_error_in_the_words_of_intels_examples():
    """SCS.jl PR #255: 'Error during symbolic factorization: -12' (the words of Intel's PARDISO examples, which SCS copies;
    -12: pardiso_64 from a 32-bit build) was read as Julia's test finding a wrong value."""
    finding = only_error(_log("scsjl-255"))
    assert finding.id == "mkl-pardiso-error" and "error -12" in finding.title, flat(finding)
    assert finding.fix[0].startswith("run the MKL PARDISO solver from a 64-bit (x86-64) build")
    phases = only_error("ERROR during numerical factorization: -4\n")
    assert phases.id == "mkl-pardiso-error" and "zero pivot" in phases.title


def test_a_kernel_function_names_its_kernel():
    """RRO#58: 'Error on loading function mkl_blas_avx2_xdsyrk' (Microsoft R Open's macOS build without libmkl_avx2.dylib):
    the kernel is read from the function's name and its presence checked first."""
    finding = only_error(_log("rro-58"))
    assert finding.id == "mkl-kernel-other-release" and "from its libmkl_avx2 kernel" in finding.title, flat(finding)
    assert finding.fix[0].startswith("see that libmkl_avx2, of the same release as libmkl_core, is where MKL looks")


def test_remedies_the_threads_established():
    """What each thread's fix was, now among the fixes: a static vcpkg triplet's MKL_LINK (vcpkg#42834), a cluster's
    module (atomsk's course notes, a GROMACS job script), MKL's sequential layer in a plugin of a host with its own
    runtime (TD_Custom_FFT), conda-forge's libblas on MKL (adcc#151), conda's MKL reinstalled (ChemistryFeaturization.jl#77),
    intel-openmp missing from torch 1.x's environment (pytorch#35803)."""
    vcpkg = only_error(_log("vcpkg-42834"))
    assert vcpkg.fix[0].startswith("configure with -DMKL_LINK=static, as the x64-windows-static-md triplet's"), flat(vcpkg)
    for fragment in ("atomsk", "gromacs"):
        assert any(line.startswith("a cluster with environment modules: module load") for line in only_error(_log(fragment)).fix)
    plugin = only_error(_log("touchdesigner"))
    assert any("mkl_set_threading_layer(MKL_THREADING_SEQUENTIAL)" in line for line in plugin.fix), flat(plugin)
    adcc = only_error(_log("adcc-151"))
    assert 'conda install -p /home/thomas/Notebook/anaconda/envs/adcc_test "libblas=*=*_mkl"' in adcc.fix[0], flat(adcc)
    conda = only_error(_log("chemistryfeaturization-77"))
    assert any("conda install --force-reinstall mkl intel-openmp" in line for line in conda.fix), flat(conda)
    torch = only_error(_log("pytorch-35803"))
    assert torch.fix[0].startswith("see that the environment has the packages at all: pip show intel-openmp mkl"), flat(torch)
    # a Python environment shown: its own remedies, no cluster module
    assert not any("module load" in line for line in only_error(
        "ImportError: libmkl_rt.so.2: cannot open shared object file: No such file or directory\n"
        "  File \"/home/u/miniconda3/envs/x/lib/python3.11/site-packages/numpy/__init__.py\", line 1\n").fix)


def test_a_jar_without_this_platforms_native_library():
    """BigDL#2075: 'Can't find the library libjdnn.dylib in the resource folder' (BigDL's MKL-DNN JNI library, not built
    for macOS) was an unrecognised error."""
    finding = only_error(_log("bigdl-2075"))
    assert finding.id == "jar-native-library-missing" and "libjdnn.dylib" in finding.title and "macOS" in finding.title
    assert any("BigDL#2075" in line for line in finding.evidence), flat(finding)


def test_a_rust_link_under_apples_linker_and_a_wheels_own_release():
    """ndarray-linalg#315: ld64's 'Undefined symbols for architecture x86_64' under rustc is a macOS log, and a static
    MKL feature there the suspect; ActiveSpaceFinder#6: the environment's MKL of the wheel's release, preloaded."""
    from mkldoctor.explain import origin

    log = _log("ndarray-linalg-315")
    rust = only_error(log)
    assert any("intel-mkl-static or mkl-static-*" in line and "ndarray-linalg#315" in line for line in rust.fix), flat(rust)
    parsed = logparse.parse_bytes(log.encode())
    assert origin.log_platform(parsed) == "macOS" and origin.decide(parsed).verdict == origin.ELSEWHERE
    wheel = only_error(_log("block2-wheel"))
    assert any(line.startswith("or, for one run, let the environment's own MKL serve the whole process") and
               "LD_PRELOAD=/XXXX/miniconda/envs/block2/lib/libmkl_core.so.1:" in line for line in wheel.fix), flat(wheel)


def test_nuitkas_plugin_for_numpys_mkl_dlls():
    """Nuitka#2113: 'FATAL: dll-files: Plugin issue while working on 'module 'numpy''' (its rule for Anaconda numpy's
    mkl_*.dll, failing in a venv with PyPI's numpy) was an unrecognised error."""
    finding = only_error(_log("nuitka-2113"))
    assert finding.id == "bundler-plugin-failed" and "Nuitka#2113" in flat(finding), flat(finding)
    assert finding.fix[0].startswith("update Nuitka")


def test_a_link_for_the_xeon_phi_given_the_hosts_mkl():
    """NWChem's forum 1614: ld's 'multiple definition' joined to its 'In function' line (a terminal's cut at 80) was taken
    for the function's name and dropped, and the Xeon Phi linker's 'skipping incompatible' of the host's lib/intel64 said
    nothing: the log was called clean."""
    findings = blindset.findings(_log("nwchem-forum-1614"))
    assert [f.id for f in findings] == ["unrecognised-failure", "mkl-library-wrong-architecture"], [flat(f) for f in findings]
    assert "multiple definition of `util_mic_set_affinity_'" in flat(findings[0])  # said once, though pasted twice
    arch = findings[1]
    assert arch.severity == "warning" and "-L/opt/intel/composer_xe_2015.0.090/mkl/lib/mic" in arch.fix[0], flat(arch)
    # beside the 'cannot find' it leads to, the skip is that finding's (library-incompatible), not a second one
    both = blindset.findings("/usr/bin/ld: skipping incompatible /opt/intel/mkl/lib/ia32/libmkl_rt.so when searching for "
                             "-lmkl_rt\n/usr/bin/ld: cannot find -lmkl_rt\n")
    assert [f.id for f in both if f.severity == "error"] and "mkl-library-wrong-architecture" not in {f.id for f in both}


def test_the_sycl_runtime_by_its_unnumbered_name_and_onedals_micro_mkl():
    """llama.cpp's SYCL guide: 'libsycl.so: cannot open shared object file' was called a library that is not MKL's, from
    the project's bundle; oneDAL#2053: mkl_dal_sycl.hpp is oneDAL's own micro-MKL, not oneMKL's header."""
    sycl = only_error(_log("libsycl-missing-llamacpp"))
    assert any(line.startswith("libsycl.so is the SYCL runtime of Intel's DPC++ compiler") for line in sycl.fix), flat(sycl)
    assert not any("not one of MKL's own libraries" in line for line in sycl.fix)
    dal = only_error(_log("onedal-2053"))
    assert dal.fix[0].startswith("mkl_dal_sycl.hpp is not oneMKL's: it is oneDAL's own build of MKL's parts"), flat(dal)


def test_a_programs_could_not_load_library_is_julias_only_with_julias_quotes():
    """Julia says 'could not load library "libmkl_rt"'; another program's 'could not load library /usr/lib/libmkl_rt.so'
    beside the loader's own line is that program's, not Julia's MKL_jll story."""
    log = ("Error: could not load library /usr/lib/libmkl_rt.so\nerror while loading shared libraries: libmkl_rt.so: "
           "cannot open shared object file: No such file or directory\n")
    finding = only_error(log)
    assert finding.id == "loader-cannot-find" and "Julia" not in flat(finding), flat(finding)
    julia = only_error('ERROR: could not load library "libmkl_rt"\nlibmkl_rt.so: cannot open shared object file: No such file or directory\n')
    assert "Julia" in julia.title, flat(julia)


def test_gnu_lds_chinese_words_for_a_shared_librarys_name_and_a_core_of_an_older_release():
    """ABACUS's user guide: "lib/libmkl_sequential.so.2: 对'mkl_lapack_sgesvda_batch_kernel'未定义的引用" (ASCII quotes, a shared
    library, no code location) was called clean; the name came in 2024.1 within the .so.2 releases, so an older core of
    the same file name (DeePMD-kit's bundled MKL) is the suspect, with the guide's fix."""
    finding = only_error(_log("abacus-user-guide-dpmd"))
    assert finding.id == "mkl-layer-missing" and "mkl_lapack_sgesvda_batch_kernel" in finding.title, flat(finding)
    assert any("came only in 2024.1.0" in line for line in finding.evidence)
    assert finding.fix[0].startswith("if the line names the core: find the other MKL") and "rm *mkl*" in finding.fix[0]
    # English words after a library are the loader's or ld's own, not a translation
    assert not blindset.findings("libfoo.so: 'x' is fine\n")


def test_a_scalapack_rejection_that_mkl_2018_made():
    """UCL Research Computing's NWChem notes (PDSTEDC's 'parameter number 10 had an illegal value' under MKL 2018, gone
    with the Intel 2017 compiler's MKL) and GlobalArrays/ga PR #122 (GA's work array too small for MKL 2018 and newer):
    Global Arrays' workspace leads, with its fix first and the older MKL as the stopgap."""
    finding = only_error(_log("pdstedc"))
    assert finding.evidence[1].startswith("possible cause: Global Arrays' ga_pdsyevd"), flat(finding)
    assert finding.fix[0].startswith("NWChem or another program on Global Arrays: a GA release with PR #122's")
    assert any(line.startswith("query the workspace: call PDSTEDC once with LWORK=-1, then allocate what it returns")
               for line in finding.fix), finding.fix


def test_a_project_that_downloads_mklml_for_itself():
    """intel/caffe#170 ('you missed the mklml libraries') and ideep#34: the project gets MKL's headers from MKLML, which its
    own prepare_mkl.sh downloads; that script is the first fix. Another project's missing MKL header does not name it."""
    caffe = only_error(_log("intel-caffe-170"))
    assert caffe.fix[0].startswith("Intel's Caffe (intel/caffe) builds on MKLML"), flat(caffe)
    assert "external/scripts/prepare_mkl.sh" in caffe.fix[0]
    ideep = only_error(_log("ideep-34"))
    assert "scripts/prepare_mkl.sh of its MKL-DNN source" in ideep.fix[0], flat(ideep)
    other = only_error("src/solver.cpp:3:10: fatal error: mkl_vml_functions.h: No such file or directory\n")
    assert not any("MKLML" in line for line in other.fix), flat(other)


def test_a_wheels_incomplete_mkl_beside_the_environments_own():
    """ActiveSpaceFinder#6 (block2's debugging hints): the maintainers' one-line workaround, the environment's own MKL of the
    wheel's release preloaded, comes right after a working build of the package, before reports and copies."""
    finding = only_error(_log("block2-wheel"))
    assert finding.id == "mkl-vendored-incomplete", flat(finding)
    assert "LD_PRELOAD=/XXXX/miniconda/envs/block2/lib/libmkl_core.so.1:" in finding.fix[1], flat(finding)
