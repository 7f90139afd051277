"""The fifth round of raw public pastes (issue threads read without their causes): packaging and CI (Intel's old apt
repository, Nix's unfree MKL, conda's cache), and Microsoft R Open's banner inside a package's build."""

from __future__ import annotations

import pytest

from tests.test_explain_families import flat, only_error

CASES = [
    # Wenchao-Ma/GDINA#6 (and microsoft-r-open#120): MRO's banner in the link line, the compiler's refusals its echo (the
    # banner's package mirror host replaced by HOST)
    ("* installing *source* package ‘GDINA’ ...\n** libs\ng++ -shared -L/opt/microsoft/ropen/4.0.2/lib64/R/lib -o GDINA.so "
     "Lik.o util.o varsigma.o Microsoft R Open 4.0.2 The enhanced R distribution from Microsoft Microsoft packages Copyright "
     "(C) 2020 Microsoft Corporation Using the Intel MKL for parallel mathematical computing (using 1 cores). Default CRAN "
     "mirror snapshot taken on 2020-07-16. See: https://HOST/. -L/opt/microsoft/ropen/4.0.2/lib64/R/lib "
     "-lRlapack -lRblas -lgfortran -lm -lR\ng++: error: Microsoft: No such file or directory\ng++: error: R: No such file or "
     "directory\n", "mro-banner-in-build", "Rscript --quiet"),
    # tweag/jupyenv#67: nixpkgs' mkl is unfree
    ("error: Package ‘mkl-2019.5.281’ in /nix/store/mi8xmwmybbxa8w7062j1b00q6x42x6gc-source/pkgs/development/libraries/"
     "science/math/mkl/default.nix:110 has an unfree license (‘issl’), refusing to evaluate.\n", "nix-mkl-unfree",
     "allowUnfree"),
    # ContinuumIO/anaconda-issues#1372: conda linking a file its cache's copy of mkl lacks
    ("ERROR conda.core.link:_execute_actions(318): An error occurred while installing package 'defaults::mkl-2017.0.1-0'.\n"
     "CondaError: Cannot link a source that does not exist. /Users/msarahan/miniconda2/pkgs/mkl-2017.0.1-0/lib/"
     "libmkl_core.dylib\n", "conda-package-cache-corrupted", "lib/libmkl_core.dylib"),
    # intel/intel-qs#116: Docker BuildKit's seconds before apt's words, a package of Intel's old MKL repository
    (" > [15/31] RUN apt-get install -y intel-mkl-64bit-2019.2-057:\n0.276 Reading package lists...\n0.803 E: Unable to "
     "locate package intel-mkl-64bit-2019.2-057\n0.803 E: Couldn't find any package by glob 'intel-mkl-64bit-2019.2-057'\n",
     "mkl-package-not-in-sources", "Intel's old apt repository"),
    # radical-cybertools/radical.pilot#1238: a site's intel/2013 modulefile loading an 'mkl' module the site lacks
    ("intel/2013.1.117(49):ERROR:105: Unable to locate a modulefile for 'mkl'\n", "mkl-module-not-found", "module spider mkl"),
    # intel/ipex-llm PR #6432: conda's download of mkl's package in CI (the channel's host is left out: the repo names none)
    ("An HTTP error occurred when trying to retrieve this URL.\nHTTP errors are often intermittent, and a simple retry will get "
     "you on your way.\n\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://CHANNEL/pkgs/main/linux-64/mkl-2020.2-256"
     ".tar.bz2>\nElapsed: -\n", "conda-mkl-download-failed", "remote_read_timeout_secs"),
    # brunodev85/winlator-app#11: Intel OpenMP under Wine on Android, its affinity call refused
    ("OMP: Error #135: Cannot set thread affinity mask.\nOMP: System error #22: Invalid argument\n", "openmp-system-error",
     "Error #135"),
    # vlfeat/matconvnet#116: MATLAB's "Error in <function> (line N)" frames are the error's trace, not failures of their own
    ("Error using  * \nBLAS loading error:\ndlopen: cannot load any more object with static TLS\n\nError in vl_compilenn>"
     "mex_cuda_config (line 446)\nmver = [1e4 1e2 1] * sscanf(version, '%d.%d.%d') ;\n\nError in vl_compilenn (line 322)\n"
     "  flags.mexcu(end+1:end+2) = {'-f' mex_cuda_config(root)} ;\n", "static-tls-exhausted", "static TLS"),
    # numpy/numpy-tutorials#149: numpy's mkl-service warning and its failed C extension, one cause; pandas' line its echo
    ("E:\\anaconda3\\envs\\myenv\\Lib\\site-packages\\numpy\\__init__.py:142: UserWarning: mkl-service package failed to "
     "import, therefore Intel(R) MKL initialization ensuring its correct out-of-the box operation under condition when Gnu "
     "OpenMP had already been loaded by Python process is not assured. Please install mkl-service package, see http://github."
     "com/IntelPython/mkl-service\n  from . import _distributor_init\nImportError: Unable to import required dependencies:\n"
     "numpy: \n\nIMPORTANT: PLEASE READ THIS FOR ADVICE ON HOW TO SOLVE THIS ISSUE!\n\nImporting the numpy C-extensions "
     "failed. This error can happen for\n", "numpy-extension-failed", "before it, numpy warned"),
    # tensorflow#12849: TensorFlow 1.3's --config=mkl given a full MKL where it links MKL-ML
    ("    yes \"\" | TF_NEED_CUDA=0 TF_NEED_MKL=1 TF_DOWNLOAD_MKL=0 MKL_INSTALL_PATH=<path>/l_mkl_2017.3.196/inst/mkl "
     "./configure\n\nError message:\n\n    ERROR: missing input file '//third_party/mkl:libmklml_intel.so'\n    ERROR: <path>/"
     "tensorflow/test/third_party/mkl/BUILD:16:1: //third_party/mkl:intel_binary_blob: missing input file '//third_party/mkl:"
     "libmklml_intel.so'\n    Target //tensorflow/tools/pip_package:build_pip_package failed to build\n",
     "bazel-mkl-input-missing", "TF_DOWNLOAD_MKL=1"),
    # uxlfoundation/oneMath#286: oneAPI's online installer's check of the parts it downloaded
    ("Integrity check failed. X\nChecksum of file /home/szh2/intel/installercache/downloadcache/intel.oneapi.\nlin.condaindex,"
     "v=2023.0.0-25326/cupPayload.cup is not correct.\nIntegrity check failed.\n", "intel-installer-refused",
     "installercache/downloadcache"),
    # microsoft/vcpkg PR #30204: ninja's words for an MKL file in vcpkg's debug folder, which the port did not fill
    ("`ninja: error: '/mnt/vcpkg-ci/installed/x64-linux/debug/lib/intel64/libmkl_intel_lp64.a', needed by 'src/exe/colmap', "
     "missing and no known rule to make it`\n", "mkl-file-missing", "debug library folder"),
    # tensorflow#39490: TensorFlow's own MKL header refused by MSVC under --config=mkl on Windows
    ("ERROR: D:/tensorflow-2.2.0/tensorflow/core/kernels/BUILD:7965:1: C++ compilation of rule '//tensorflow/core/kernels:"
     "mkl_input_conversion_op' failed (Exit 2)\n.\\tensorflow/core/util/mkl_util.h(1263): error C2131: expression did not "
     "evaluate to a constant\n", "project-mkl-code-broken", "MSVC refuses"),
    # simonlui/Docker_IPEX_ComfyUI#3: Intel's runtime packages pinned, their exact-version dependencies not (BuildKit's
    # seconds before apt's lines)
    ("3.540 The following packages have unmet dependencies:\n3.757  intel-oneapi-runtime-dpcpp-cpp : Depends: intel-oneapi-"
     "runtime-compilers (= 2023.2.1-16) but it is not going to be installed\n3.757                                   Depends: "
     "intel-oneapi-runtime-dpcpp-cpp-common (= 2023.2.1-16) but 2023.2.2-47 is to be installed\n3.763 E: Unable to correct "
     "problems, you have held broken packages.\n", "apt-intel-dependency-unmet", "exact version"),
    # Comfy-Org/ComfyUI#3513: a pinned intel-oneapi-runtime-mkl whose versioned meta package apt would not install
    ("whackjob@WhackjobONE:~$ sudo apt install intel-oneapi-runtime-mkl=2024.1.0-691\nThe following packages have unmet "
     "dependencies:\n intel-oneapi-runtime-mkl : Depends: intel-oneapi-runtime-mkl-2024 but it is not going to be installed\n"
     " libegl1 : Depends: libglvnd0 (= 1.7.0-2101~22.04) but 1.4.0-1 is to be installed\n", "apt-intel-dependency-unmet",
     "intel-oneapi-runtime-mkl-2024"),
]


def test_condas_own_crash_mid_download_is_never_no_problem():
    """conda#3762: conda's "An unexpected error has occurred." after its progress bar on mkl's package: no rule knows
    why, so it is said as unrecognised, with its line (it was "no problem found")."""
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    log = ("Fetching packages ...\nmkl-11.3.3-0.t  15% |#######################                    An unexpected error "
           "has occurred.:  0:00:04  25.97 MB/s\nPlease consider posting the following information to the\n")
    said = explain(logparse.parse_bytes(log.encode()), [])
    assert [f.id for f in said] == ["unrecognised-failure"] and "An unexpected er" in said[0].title, [f.title for f in said]


@pytest.mark.parametrize("log, finding, word", CASES, ids=[c[1] + "-" + str(i) for i, c in enumerate(CASES)])
def test_a_raw_paste(log, finding, word):
    said = only_error(log)
    assert said.id == finding and word in flat(said), flat(said)


def test_candles_mkl_calls_with_their_names_cut():
    """huggingface/text-embeddings-inference#64: cargo's link failure, each undefined reference in candle-core's mkl.rs cut
    after its quote by the paste, under a reporter's opening quote: candle's MKL left unlinked, one finding; the quoted
    paste's lines stay lines of their own."""
    log = ('"  Installing text-embeddings-router v0.3.0 (/workspace/matrix/text-embeddings-inference/router)\n[...]\n'
           "   Compiling text-embeddings-router v0.3.0 (/workspace/matrix/text-embeddings-inference/router)\n"
           "error: linking with `cc` failed: exit status: 1\n\n...\n          /root/.cargo/git/checkouts/candle-2c6db576e0f06e81/"
           "9f2b408/candle-core/src/mkl.rs:134: undefined reference to `\n")
    said = only_error(log)
    assert said.id == "mkl-symbol-unresolved" and "extern crate intel_mkl_src" in flat(said), flat(said)
