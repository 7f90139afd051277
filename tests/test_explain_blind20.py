"""The classes of the twentieth blind set (tests/data/explain_corpus/blind20.json).

None of them can be produced here: PyTorch built without MKL (no torch in the test environment, and the failure is a
build for ARM, PowerPC or iOS), dyld, MATLAB, PyInstaller, R Open's installer, an MKLConfig.cmake without its target
guard (the pinned 2026.2 copy has it: checked below), Intel's compiler runtime. Each is read from the public text, and
what the text says of MKL is checked against the pinned wheel where it can be.
"""

from __future__ import annotations

import pytest

from tests.test_explain_families import errors_of, flat
from tests.test_explain_heldback_linux import findings_of


def test_pytorch_built_without_mkl():
    for log in ("Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\n"
                "RuntimeError: fft: ATen not compiled with MKL support\n",
                "c10::Error: false CHECK FAILED at /Users/distiller/project/aten/src/ATen/native/mkl/SpectralOps.cpp "
                "(_fft_mkl at /Users/distiller/project/aten/src/ATen/native/mkl/SpectralOps.cpp:15)\n"):
        [finding] = errors_of(log)
        assert finding.id == "torch-built-without-mkl" and "fft" in finding.title, flat(finding)
        assert finding.fix[0].startswith("update PyTorch") and "ARM" in finding.evidence[2]


def test_a_reporters_sentence_with_the_undefined_symbol_at_import():
    [finding] = errors_of("importing pytorch from within that environment raises an `undefined symbol: iJIT_NotifyEvent` error.\n")
    assert finding.id == "runtime-symbol-missing" and "gone since 2024.1" in finding.title, flat(finding)
    # a name MKL's table does not know, in a sentence: not read as MKL's
    assert not any(f.id == "runtime-symbol-missing" for f in findings_of("it raises an `undefined symbol: my_own_function`.\n"))


def test_cmakes_openmp_search_fails_after_it_found_mkl():
    log = ("-- Found BLAS: MKL (/opt/intel/2016.4.072/mkl/lib/intel64/libmkl_rt.so)\n"
           "-- Could NOT find MathOpenMP (missing:  MathOpenMP_MESSAGE) \n")
    [finding] = [f for f in findings_of(log) if f.id == "cmake-openmp-for-mkl-not-found"]
    assert "libiomp5" in finding.evidence[1] and "OpenMP_LIBRARY_DIRS" in finding.fix[0]
    assert not findings_of("-- Could NOT find OpenMP_C (missing: OpenMP_C_FLAGS)\n")  # no MKL in the log: not this rule's


def test_dyld_tried_list_alone_and_a_ci_runners_folders():
    [finding] = errors_of("Reason: tried: '/Users/runner/hostedtoolcache/Python/3.8.12/x64/lib/libiomp5.dylib' (no such file), "
                          "'/usr/local/lib/libiomp5.dylib' (no such file)\n")
    assert finding.id == "macos-library-not-loaded" and "libiomp5.dylib" in finding.title, flat(finding)
    assert "intel-openmp" in finding.fix[0] and any("CI runner" in line for line in finding.evidence)


def test_runtimes_that_are_not_mkls_named_for_what_they_are():
    [gomp] = errors_of("llama-server: error while loading shared libraries: libgomp.so.1: cannot open shared object file: "
                       "No such file or directory\n")
    assert any("GCC's OpenMP runtime" in line and "libgomp1" in line for line in gomp.fix), flat(gomp)
    [svml] = errors_of("ImportError: libsvml.so: cannot open shared object file: No such file or directory\n")
    assert any("Intel's compiler runtime" in line and "intel-cmplr-lib-rt" in line for line in svml.fix), flat(svml)


def test_bundles_markdown_and_two_runtimes_in_matlab():
    [bundle] = errors_of("symbol lookup error: /tmp/_MEIeysz5d/libmkl_intel_thread.so: undefined symbol: omp_get_num_procs\n")
    assert bundle.id == "openmp-runtime-missing" and bundle.fix[0].startswith("put libiomp5.so into the bundle")
    [bold] = errors_of("**Intel MKL FATAL ERROR: Cannot load libmkl_core.so.**\n")
    assert bold.title.endswith("libmkl_core.so"), bold.title
    [matlab] = errors_of("/Applications/MATLAB_R2023a.app/bin/matlab -batch test\n"
                         "OMP: Error #15: Initializing libomp.dylib, but found libiomp5.dylib already initialized.\n")
    assert matlab.id == "openmp-duplicate" and matlab.fix[0].startswith("the process is MATLAB's"), flat(matlab)


@pytest.mark.mkl
def test_mklconfig_run_twice_and_the_guard_of_the_pinned_copy(mkl):
    config = (mkl.pip / "lib/cmake/mkl/MKLConfig.cmake").read_text()
    assert "if(NOT TARGET MKL::MKL)" in config  # the 2026.2 copy guards its targets, as the finding says
    [finding] = errors_of("CMake Error at /opt/conda/envs/p/lib/cmake/mkl/MKLConfig.cmake:744 (add_library):\n"
                          '  add_library cannot create imported target "MKL::MKL" because another target\n'
                          "  with the same name already exists.\n")
    assert finding.id == "cmake-mkl-target-twice" and "Intel's MKLConfig.cmake ran a second time" in finding.title, flat(finding)
    assert "if(NOT TARGET torch) find_package(Torch)" in finding.fix[0]


def test_r_opens_mkl_installer_refusing_another_r():
    [finding] = errors_of("error: To use RevoUtilsMath you must first install the MKL Math Library.\n"
                          "Error: Microsoft R Open was detected; however, it is not the correct version.\n")
    assert finding.id == "r-package-mkl-missing" and finding.fix[0].startswith("remove the old R Open first"), flat(finding)


def test_a_container_with_the_hosts_folder_over_its_opt():
    log = ("docker run -itd --net=host -v /opt:/opt --name=vllm img:2.2.0\n"
           "ImportError: libmkl_intel_lp64.so.2: cannot open shared object file: No such file or directory\n")
    [finding] = errors_of(log)
    assert finding.id == "loader-cannot-find" and "-v /opt:/opt" in finding.evidence[1], flat(finding)
    assert finding.fix[0].startswith("mount the host's folder elsewhere")
    [plain] = errors_of(log.replace("-v /opt:/opt", "-v /data:/data"))  # another mount: nothing said of it
    assert not any("/opt" in line for line in plain.evidence[1:2])
