"""The third blind set (tests/data/explain_corpus/blind3.json): scored once before any change made from it, then
development data. Never silent; what was right stays right; and the logs fixed after the score get the diagnosis
their thread established.

tests/data/explain_corpus/expect_blind3*.json (one file per piece of work, so that parallel branches do not touch
one file) say, for each entry they hold, the finding a right diagnosis has and the words it must say, as expect.json
does for the development corpus (a word written ``fix:WORD`` is looked for in the fix lines only).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_explain_heldback_linux import findings_of, said

CORPUS = Path(__file__).parent / "data" / "explain_corpus"
BLIND3 = json.loads((CORPUS / "blind3.json").read_text())
BY_ID = {entry["id"]: entry for entry in BLIND3["entries"]}
EXPECT: dict[str, dict] = {}
for _file in sorted(CORPUS.glob("expect_blind3*.json")):
    for _id, _expect in json.loads(_file.read_text())["expect"].items():
        assert _id not in EXPECT, (_file.name, _id)
        EXPECT[_id] = _expect


def test_the_score_counts_its_verdicts():
    verdicts = BLIND3["scored"]["verdicts"]
    assert set(verdicts) == set(BY_ID) and len(BY_ID) == 44
    counts = {k: sum(v["verdict"] == k for v in verdicts.values()) for k in BLIND3["scored"]["counts"]}
    assert counts == BLIND3["scored"]["counts"]
    assert set(EXPECT) <= set(BY_ID)


@pytest.mark.parametrize("entry_id", sorted(BY_ID))
def test_never_silent_and_right_stays_right(entry_id):
    findings = findings_of(BY_ID[entry_id]["log"])
    assert any(f.severity == "error" for f in findings), [(f.id, f.severity) for f in findings]
    verdict = BLIND3["scored"]["verdicts"][entry_id]
    if verdict["verdict"] == "right":
        assert verdict["finding"] in {f.id for f in findings}


@pytest.mark.parametrize("entry_id", sorted(EXPECT))
def test_the_thread_cause_is_the_diagnosis(entry_id):
    expect = EXPECT[entry_id]
    findings = findings_of(BY_ID[entry_id]["log"])
    chosen = [f for f in findings if f.id == expect["finding"]]
    assert chosen, (expect["finding"], [(f.id, f.title) for f in findings])
    assert chosen[0].severity == "error"
    for word in expect["contains"]:
        assert any(said(f, word) for f in chosen), (word, [f.title for f in chosen], chosen[0].fix)
    unrecognised = [f.title for f in findings if f.id == "unrecognised-failure"]
    assert not unrecognised, f"an unrecognised failure beside {expect['finding']}: {unrecognised}"


# the later blind sets, each scored once before any change made from it; what their wrong, partly, unrecognised and
# silent diagnoses are read as now, where a rule for the class fits (the finding, and a word it must say)
LATER = {name: json.loads((CORPUS / f"{name}.json").read_text()) for name in ("blind4", "blind5", "blind6", "blind7", "blind8", "blind9", "blind10", "blind11", "blind12", "blind13", "blind14", "blind15", "blind16", "blind17", "blind18", "blind19", "blind20", "blind21", "blind22", "blind23", "blind24", "blind25", "blind26", "blind27", "blind28", "blind29", "blind30", "blind31", "blind32", "blind33", "blind34", "blind35", "blind36", "blind37", "blind38", "blind39", "blind40", "blind41", "blind42", "blind43", "blind44", "blind45", "blind46", "blind47", "blind48", "blind49", "blind50", "blind51", "blind52", "blind53", "blind54", "blind55", "blind56")}
AFTER = {
    # blind13's wrong one: Julia's crash in macOS's words after MKL's refusals (two OpenMP runtimes)
    "macos-mljmodels-julia13-libgomp-vs-libiomp-dlaswp-212": ("mkl-parameter-error", "BinaryBuilder.jl#700"),
    # blind5's wrong one: MKL 10's VML kernel without the core's mkl_serv_mkl_malloc (numexpr linked without all layers)
    "py-numexpr-vml-mkl_serv_mkl_malloc-missing-solver-lib-numexpr-27": ("mkl-core-not-visible", "fix:mkl_libs = mkl_rt"),
    # blind31's wrong one: MKL's own fault in ScaLAPACK's PCGEEVX (Intel's bug-fix list of MKL 2020)
    "mkl-runtime-param15-pcgeevx-mkl-bug-intel-2020-bugfix-list": ("mkl-parameter-error", "fix:releases before 2020.2"),
    # blind56
    "windows-conda-mkl-libdir-not-searched-pytensor-515": ("theano-blas-flags", "fix:pytensor#517"),
    # blind55
    "linux-link-leading-space-mkl-link-flags-tmv-scons-galsim-704": ("link-flags-one-argument", "fix:Split("),
    "linux-loader-dynload-libmklml-intel-not-found-paddle-lite-9225": ("loader-cannot-find", "libmklml_intel.so"),
    "python-runtime-libmkldnn-undefined-cblas-sgemm-alloc-torch100-bere-2": ("runtime-symbol-missing", "older than 2019.0"),
    "cmake-opencvfindmkl-mkl-version-h-cannot-be-read-opencv-8037": ("tool-mkl-code-crashed", "mkl_version.h"),
    "r-julia-conda-mkl-rt-so1-igraph-install-rigraph-477": ("loader-cannot-find", "fix:conda deactivate"),
    # blind54
    "windows-openfast-lnk1104-mkl_intel_c-32bit-oneapi2025-2688": ("msvc-library-not-found", "32-bit x86"),
    "cmake-spack-static-oneapi-mkl-liblist-no-joined-armadillo-spack-41803": ("tool-mkl-code-crashed", "fix:intel-oneapi-mkl+shared"),
    "pyrt-pyinstaller-conda-missing-libiomp5md-silent-crash-rc-pyinstaller-5413": ("windows-delayload-failed", "fix:--add-binary"),
    "win-pyinstaller-anaconda-torch-mkl-dlls-not-collected-silent-exit-pyinstaller-9222": ("frozen-extension-missing", "torch._C"),
    # blind53
    "python-simpeg-pymatsolver-pardiso-import-mkl2021-channel-mix-1015": ("pardiso-wrapper-missing", "fix:mkl=2020.4"),
    # blind52
    "linux-link-icc-not-on-path-r-mkl-rpmbuild-r-sig-fedora-thread-bfdb8919b1e4": ("intel-command-not-found", "icc"),
    "windows-meson-mkl_sycl-library-not-found-oneapi-2026-1-lc0-2465": ("mkl-finder-failed", "fix:mkl_sycl_blas"),
    # blind51
    "cmake-mklml-download-fail-paddle-docs-faq": ("mkl-download-failed", "extern_mklml"),
    "linux-loader-postgres-extension-libmkl-intel-lp64-so3-rpath-stripped-laplace": ("loader-cannot-find", "fix:CMAKE_INSTALL_RPATH"),
    "cmake-mkldnn-werror-deprecated-cblas-sgemm-alloc-newer-mkl-torchcraftai-17": ("mkl-deprecated-as-error", "fix:-Wno-error=deprecated-declarations"),
    "build-cblas-layout-undeclared-old-mkl-mkldnn-43": ("mkl-api-changed", "CBLAS_LAYOUT"),
    "linux-link-lapack-row-major-undefined-intel17-mkl-kokkos-kernels-701": ("mkl-api-changed", "LAPACK_ROW_MAJOR"),
    "linux-hpddm-mkl-lapack-noexcept-mismatch-128": ("blas-prototype-clash", "noexcept"),
    "linux-visp-mkl-gsl-cblas-redeclaration-735": ("cblas-headers-clash", "gsl_cblas.h"),
    "macos-gosl-cgo-linux-mkl-paths-intel64-missing-gosl-pr25": ("library-not-found", "on macOS"),
    "windows-randlapack-blaspp-onemkl-space-in-path-156": ("path-split-at-space", "fix:8.3"),
    "linux-loader-libmkl-intel-thread-kmpc-undefined-caffe-runtest-zackzhang-rcnn-memo": ("openmp-runtime-missing", "fix:/opt/intel/lib/intel64_lin"),
    "cmake-arrayfire-oneapi-mkl-not-found-3117": ("mkl-finder-failed", "Could NOT find MKL: Source"),
    "python-virnggeometric-param5-p-equals-1-mkl-random-15": ("mkl-parameter-error", "0 < p < 1"),
    # blind50
    "python-runtime-invalid-elf-libmkl_core-conda-hegza-black-scholes-py": ("library-wrong-platform", "then MKL says it cannot load"),
    # blind49
    "py-pyabacus-cblacs-exit-undefined-abacus-3742": ("mkl-symbol-unresolved", "fix:-lmkl_blacs_intelmpi_lp64"),
    # blind48
    "runtime-lapack-info-minus4-mkl2022-svd-internal-assert-pytorch-71645": ("mkl-parameter-error", "MKL 2022"),
    "r-lapack-dlascl-code-4-flexiblas-mkl-backend-r-flexiblas-2": ("mkl-parameter-error", "fix:FlexiBLAS"),
    "cmake-mkl-include-dir-notfound-molecularGSM-4": ("cmake-variables-notfound", "fix:-DMKL_INCLUDE_DIR"),
    "julia-mkl-jll-artifact-hash-mismatch-binarybuilder-618": ("julia-artifact-not-installed", "fix:Registry.update"),
    "linux-link-spack-oneapi-mkl-cluster-hpcx-nolibs-spack-39629": ("spack-mpi-libraries-not-found", "fix:39750"),
    "windows-deadlock-mklimports-loadlibrary-tests-hang-mlnet-1073": ("windows-loader-lock-deadlock", "fix:first call"),
    "cmake-vcpkg-intel-mkl-port-linux-could-not-find-mkl-vcpkg-15204": ("mkl-finder-failed", "BUILD_FAILED"),
    "runtime-getrf-pivots-32bit-in-int64-onemkl-dpcpp-onemath-79": ("integers-read-wrong-width", "fix:update oneMKL"),
    "mkl-runtime-ma-sizeof-invalid-datatype-ilp64-mkl-blas-size-4-nwchem-awc-1776": ("nwchem-integer-size-mismatch", "fix:BLAS_SIZE=8"),
    # blind47
    "runtime-ilp64-segfault-openmeeg-252": ("program-crashed", "SEGFAULT"),
    "mkl-runtime-onemkl-gemm-cannot-allocate-host-pip-oneapi-ipexllm-llamacpp-quickstart": ("onemkl-sycl-allocation-failed", "fix:pip"),
    "linux-link-mkl-lp64-no-64to32-dgesv-nwchem-forum-1654": ("integers-read-wrong-width", "fix:64_to_32"),
    "linux-link-blasopt-semicolon-list-libtool-mkl-nwchem-forum-3495": ("link-line-run-as-commands", "fix:';'"),
    "linux-link-mkl-link-line-in-libmpi-undefined-mpi-symbols-nwchem-awc-1330": ("mpi-not-linked", "fix:BLASOPT"),
    "cmake-petsc-scalapack-dir-and-lib-both-mkl-spack-pr4341": ("configure-options-conflict", "fix:--with-scalapack-lib"),
    "linux-loader-magma-tests-libgfortran-missing-mkl-blasprovider-nixpkgs-334940": ("nix-dependency-unsatisfied", "fix:gfortran.cc.lib"),
    "linux-link-ipopt-configure-forces-mkl-pardiso-static-mkl2017-parpe-67": ("configure-pardiso-rejected", "fix:--disable-pardisomkl"),
    "linux-link-cannot-find-l64to32-mkl-ilp64-nwchem-forum-1690": ("library-not-found", "fix:builds lib64to32 itself"),
    "linux-link-mkl-lp64-with-blas8-pulay-singularity-nwchem-forum-1602": ("lp64-with-64-bit-integers", "fix:BLAS_SIZE=8"),
    "linux-loader-ipex-needs-libmkl_sycl.so.2-after-oneapi-2023-upgrade-ipex-280": ("oneapi-runtime-other-year", "libmkl_sycl.so.3"),
    "cmake-codim-ipc-cpm-mkl-include-anaconda-download-404-codim-ipc18": ("mkl-download-failed", "mkl-include"),
    "linux-link-as-needed-drops-mkl-core-ipopt-430": ("mkl-layer-missing", "fix:--no-as-needed"),
    "macos-mxnet-mkl-start-group-apple-ld-759": ("apple-ld-gnu-option", "--start-group"),
    "loader-spfft-rpath-cleared-cp2k-605": ("loader-cannot-find", "fix:give libspfft.so a run path"),
    "cmake-mklconfig-sycl-target-missing-onemath-pr319": ("cmake-mkl-target-missing", "SYCL compiler"),
    "rustbuild-macos-pkgconfig-mklroot-undefined-intel-mkl-src-66": ("mkl-pc-variable-undefined", "fix:--define-variable"),
    "julia-pardisojl-libgomp-not-dlopened-25": ("openmp-runtime-missing", "fix:Libdl.dlopen"),
    "python-conda-numexpr-mkl-serv-getenv-2031": ("mkl-core-not-visible", "fix:conda update --all"),
    "mklrt-dgemm-param8-zero-rank-hilbert-7": ("mkl-parameter-error", "fix:an empty matrix"),
    # (since stop 64: names every release has beside the newer ones make one finding, the link took no MKL at all)
    "linuxlink-dnnl-cblas-undefined-use-mkl-flag-onednn-732": ("mkl-symbol-unresolved",
                                                               "fix:first see whether MKL is on the failing link line"),
    "pyrt-numexpr-sitecfg-mkl-avx-undefined-ownLastTriangle-numexpr-148": ("mkl-kernel-linked", "fix:site.cfg"),
    "linux-link-onedal-static-pc-mkl-shared-3788": ("mkl-layer-missing", "fix:-l:libmkl_tbb_thread.a"),
    "windows-cmake-omp-dll-dir-conda-onemath-368": ("mklconfig-file-not-found", "fix:-DOMP_DLL_DIR="),
    # blind7
    "macos-neanderthal-vml-dylib-missing-63": ("mkl-cannot-load-kernels", "libmkl_vml_mc.dylib"),
    "macos-webml-mkldnn-libiomp5-not-found-859": ("macos-library-not-loaded", "fix:libiomp5.dylib"),
    "windows-devsim-mkl_rt-versioned-dll-68": ("mkl-rt-name-not-found", "mkl_rt.1.dll"),
    "windows-openfast-mkl-sequential-dll-not-on-path-693": ("windows-library-not-loaded", "fix:setvars.bat"),
    "py-old-conda-cvxopt-mkl-fatal-avx2-cvxopt-119": ("mkl-core-not-visible", "fix:conda install -c conda-forge"),
    "py-nomkl-replaced-numpy-scipy-mkl-fatal-cvxpy-388": ("mkl-core-not-visible", "fix:conda remove nomkl"),
    "py-mkl-2024.1-ijit-notifyevent-torch-mobile-ar-depth-1": ("runtime-symbol-missing", "fix:mkl=2024.0"),
    "mklrt-zero-stride-vector-cblas-dgemv-param9-ndarray-1085": ("mkl-parameter-error", "fix:must not be 0"),
    "mklrt-nan-input-lstsq-sgelsy-param4-pytorch-90606": ("mkl-parameter-error", "fix:NaN"),
    "mklrt-all-nan-lstsq-dgelsd-param4-numpy-17835": ("mkl-parameter-error", "fix:NaN"),
    "ldr-gadgetron-mricore-dlopen-fails-libmkl-ilp64-rpath-pr824": ("loader-cannot-find", "gadgetron_mricore"),
    "linux-link-bare-no-as-needed-gcc-error-libCEED-402": ("linker-option-to-driver", "fix:-Wl,--no-as-needed"),
    "cmake-meson-fortran-xtb-meson-forced-static-cannot-find-lm-40": ("libc-library-not-found", "fix:-Dstatic=false"),
    # blind8
    "linklink-ldflags-as-needed-overrides-no-as-needed-mkl-def-pytorch-50211": ("mkl-core-not-visible", "fix:-Wl,--no-as-needed"),
    "cmake-sirius-findmkl-mkl_found-clash-dlaf-mklconfig-target-missing-sirius-pr964": ("cmake-mkl-target-missing", "fix:FindMKL.cmake"),
    "pyrt-intel-openmp-2019.5-fork-assert-anaconda-11294": ("openmp-assertion", "fix:KMP_INIT_AT_FORK=FALSE"),
    "pyrt-omp13-z_Linux_util-2338-kmp-init-at-fork-modelci-276": ("openmp-assertion", "fix:KMP_INIT_AT_FORK=FALSE"),
    "mklrt-julia-dgemm-param10-strided-view-9504": ("mkl-parameter-error", "fix:check the value: LDB"),
    "windows-system32-libiomp5md-shadows-conda-mkl-anaconda-10213": ("windows-library-not-loaded", "fix:System32"),
    "macos-anaconda-mkl-bare-install-name-theano-compiled-module-1871": ("macos-library-not-loaded", "fix:DYLD_FALLBACK_LIBRARY_PATH"),    # blind9
    "win-vcpkg-intel-mkl-port-needs-preinstalled-mkl-14362": ("mkl-finder-failed", "fix:vcpkg's intel-mkl port"),
    "win-osqp-pardiso-loader-hardcodes-mkl_rt.dll-renamed-mkl_rt.2.dll-387": ("windows-library-not-loaded", "fix:open it by the name"),
    "win-pypardiso-error-3-mkl2021.4-with-intel-openmp2022-conda-forge-36": ("mkl-pardiso-error", "fix:intel-openmp"),
    "win-fds-ordinal-747-libiomp5md-old-copy-earlier-on-path-5057": ("windows-entry-point-missing", "libiomp5md"),
    "win-anaconda-spyder-ordinal-242-mkl_intel_thread-stale-libiomp5md-system32-10830": ("windows-entry-point-missing", "fix:System32"),
    "win-mumps-findlapack-libiomp5md-notfound-oneapi-compiler-dir-37": ("mkl-finder-failed", "fix:compiler/<ver>/lib"),
    "meson-xtb-ifx-intel-llvm-mkl-not-supported-1206": ("mkl-finder-failed", "fix:intel-llvm"),
    "cmake-votca-findmkl-duplicate-imported-target-246": ("cmake-mkl-target-twice", "fix:if(NOT TARGET"),
    "make-mxnet-use-intel-path-wrong-mkl-include-928": ("mkl-path-missing", "fix:the build's MKL variable"),
    "autotools-kaldi-configure-ubuntu-mkl-package-includes-4262": ("mkl-header-not-found", "fix:/usr/include/mkl"),
    "cmake-hoomd-dfftlib-findmkl-dfti-undefined-581": ("mkl-symbol-unresolved", "fix:first see whether MKL is on the failing link line"),
    "linux-link-lammps-intel-makefile-no-mkl-vsl-1144": ("mkl-symbol-unresolved", "fix:first see whether MKL is on the failing link line"),
    "mklrt-scipy-qr-insert-geqrf-null-tau-mkl11.3.3-6132": ("mkl-parameter-error", "LWORK"),
    "mklrt-torch-fft-dfti-inconsistent-config-mkl2024-154477": ("mkl-dfti-error", "fix:DFTI_INPUT_DISTANCE"),
    "mklrt-mkl-fft-rfft-large-dfti-pack-inconsistent-50": ("mkl-dfti-error", "fix:upgrade the package"),
    "julia-mkl-startupjl-lbt-empty-config-49593": ("julia-blas-interface-missing", "fix:1.9.1"),
    "linux-link-cp2k-quip-mkl-blacs-openmpi-serial-1617": ("mkl-cluster-needs-mpi", "fix:a serial build"),
    "julia-mkl-gfortran-arpack-zdotc-calling-convention-11921": ("mkl-crash", "fix:mkl_gf_lp64"),
    "linux-link-qe-mkl-intelmpi-blacs-with-openmpi-segv-17174": ("mkl-blacs-mpi-mismatch", "fix:-lmkl_blacs_openmpi_lp64"),    # blind10
    "windows-mklml-dll-needs-libiomp5md-paddle-412": ("windows-library-not-loaded", "fix:libiomp5md.dll"),
    "windows-llvm-openmp-clobbers-intel-openmp-fbgemm-robotology-1702": ("windows-entry-point-missing", "fix:llvm-openmp"),
    "macos-quarantined-bundled-libiomp5-library-validation-dreampower-107": ("macos-library-not-loaded", "fix:com.apple.quarantine"),
    "macos-osx64-conda-under-rosetta-mkl-sse42-warning-anaconda-13236": ("mkl-cpu-deprecated", "fix:arm64"),
    "macos-m1-miniforge-no-mkl-package-ogzaf-3": ("mkl-not-for-this-platform", "mkl"),
    "mklrt-cbwr-auto-illegal-instruction-amd-old-mkl-redrock242": ("mkl-illegal-instruction", "fix:MKL_CBWR=COMPATIBLE"),
    "pyrt-mkl_fft-pypi-missing-mkl-service-dep-mklfft152": ("mkl-service-missing", "fix:mkl-service"),
    "pyrt-win-conda-env-not-activated-vscode-coderunner-mkl-dll-numpy15588": ("mkl-service-failed", "fix:conda activate"),
    "linux-link-petsc-configure-mkl-intel-thread-no-iomp5-spack-4636": ("mkl-library-list-incomplete", "fix:libiomp5.so"),
    "cmake-caffe2-mkl-imported-target-torch-found-twice-pytorch-118862": ("cmake-mkl-target-twice", "fix:find_package(Torch) once"),
    "linux-link-bart-mkl-no-cblas-h-bart-207": ("mkl-header-not-found", "fix:#include <mkl.h>"),
    "cmake-trilinos-tpl-blas-not-found-with-mkl-candi-26": ("mkl-finder-failed", "fix:-DTPL_BLAS_LIBRARIES"),
    "java-nd4j-uberjar-missing-mkl_mc3-def-261": ("mkl-core-not-visible", "fix:first see whether the kernel is there"),
    "loader-triton-container-missing-mkl-vml-2379": ("mkl-core-not-visible", "fix:first see whether the kernel is there"),
    "macos-mkl-feature-forces-x86_64-on-m1-mistralrs-252": ("library-wrong-platform", "arm64"),
    "windows-vcpkg-libiomp5md-file-conflict-llvm-intel-mkl-30457": ("package-file-conflict", "fix:llvm without its openmp feature"),
    # a Rust program on intel-mkl-src's default (ILP64) configuration, and an ILP64 MKL reached by an LP64 caller
    "rust-tei-intel-mkl-src-default-ilp64-sgemm-param-636": ("mkl-parameter-error", "fix:mkl-static-lp64-iomp"),
    "rust-build-tei-candle-intel-mkl-src-no-link-feature-ilp64-sgemm-candle-3018": ("mkl-parameter-error", "fix:mkl-static-lp64-iomp"),
    "julia-pyplot-ilp64-mkl-vs-numpy-segfault-165": ("mkl-crash", "ILP64 interface"),
    # blind11
    "win-vcpkg-intelmkl-oneapi-path-polatory-114": ("mkl-finder-failed", "fix:update vcpkg"),
    "mac-dyld-bare-install-name-libmkl_intel_lp64-sklearn-source-build-6699": ("macos-library-not-loaded", "bare install name"),
    "win-conda-forge-mkl-llvm-openmp-vs-intel-openmp-torch-dll-cf-963": ("windows-entry-point-missing", "fix:intel-openmp"),
    "win-conda-procedure-not-found-old-mkl-system32-numpy-anaconda-3463": ("windows-entry-point-missing", "fix:System32"),
    "win-rro-revoutilsmath-mkl_get_max_threads-procedure-not-found-RRO-135": ("windows-entry-point-missing", "fix:MKL Math Library"),
    "pyrt-dpnp-built-mkldpcpp2021-runs-2022-libmkl_sycl-so1-dpnp-1141": ("loader-cannot-find", "fix:mkl-dpcpp=2021"),
    "pyrt-ipex-ldpath-other-mkl-kmpc-ipex-573": ("openmp-runtime-missing", "fix:names another MKL"),
    "pyrt-aarch64-static-tls-pyarrow-then-sklearn-libgomp-lightgbm-6509": ("static-tls-exhausted", "fix:LD_PRELOAD="),
    "pyrt-old-glibc-static-tls-tensorflow-before-sklearn-aizynthfinder-30": ("static-tls-exhausted", "fix:import the module"),
    "pyrt-openblas-thread-pool-exceeds-rlimit-nproc-at-numpy-import-mavis-185": ("blas-threads-refused", "fix:OPENBLAS_NUM_THREADS"),
    "linux-link-ctranslate2-sgemm-batch-strided-old-apt-mkl-800": ("missing-symbol", "fix:intel-mkl"),
    "linux-link-paddle-debug-mkl-scsrmm-dynload-missing-definition-19711": ("undefined-symbol", "the project's own"),
    "linux-link-pytorch-vmdlog2-mkl-header-lib-mismatch-12597": ("mkl-symbol-unresolved", "fix:headers of a newer release"),
    "linux-link-qmcpack-mkl2026-removed-mkl_dcsrmm-5948": ("missing-symbol", "fix:mkl_sparse_?_mm"),
    "linux-link-inline-c-makemaker-drops-liomp5-kmpc-48": ("openmp-runtime-missing", "fix:-liomp5"),
    "linux-link-prk-dgemm-missing-mkl-flag-cblas-256": ("mkl-symbol-unresolved", "fix:-qmkl"),
    "linux-link-minkowski-lmkl-not-lmkl_rt-266": ("library-not-found", "fix:-lmkl_rt"),
    "linux-link-skimcaffe-mixed-intel-mkl-env-libirc-hidden-symbol-7": ("intel-runtime-mixed", "fix:compilervars.sh"),
    "linux-link-spconv-two-mkl-installs-cannot-find-mkl_intel_ilp64-471": ("library-not-found", "fix:-L/opt/intel/oneapi/mkl/2021.4.0/lib/intel64"),
    "cmake-mklconfig-icpx-invalid-interface-abacus-4636": ("mklconfig-rejected-value", "fix:2023.2 or newer"),
    "meson-dftd4-mkl_intel_thread-not-found-intel2021-161": ("mkl-finder-failed", "fix:cc.find_library"),
    "julia-mkl-ilp64-vs-python-lp64-segfault-mkljl-97": ("mkl-crash", "fix:libblastrampoline"),
    "cmake-mklconfig-scalapack-target-missing-dso-abacus-4657": ("mkl-dso-not-named", "fix:-DENABLE_SCALAPACK=ON"),
    "cmake-arrayfire-mkl-getrs-batch-strided-const-api-3180": ("mkl-api-changed", "getrs_batch_strided"),
    "cmake-ginkgo-onemkl2025-release-matrix-handle-removed-1717": ("mkl-api-changed", "MKL 2025.0.0"),
    # blind12
    "rjjm-fftw-jl-windows-libmkl_rt-name-120": ("windows-library-not-loaded", "fix:open it by the name the installed release has"),
    "cmake-macos-conda-mkl2021.3-mklconfig-list-prepend-61773": ("tool-mkl-code-crashed", "fix:a newer CMake"),
    "win-giraffe-mklconfig-omp_dll_dir-path-4": ("mklconfig-file-not-found", "fix:-DOMP_DLL_DIR="),
    "linux-lammps-intel-makefile-missing-mkl-include-mkl_dfti-1627": ("mkl-header-not-found", "fix:-I<MKL prefix>/include"),
    "rjjm-fftw-jl-mkl_jll-missing-intelopenmp-macos-127": ("openmp-runtime-missing", "fix:IntelOpenMP_jll"),
    "pyrt-itex-gpu-libmkl-sycl-so2-missing-oneapi-13": ("loader-cannot-find", "fix:setvars.sh"),
    "pyrt-paddle-wheel-libmklml-kmpc-version-libiomp5-12134": ("loader-symbol-version-missing", "fix:LD_LIBRARY_PATH="),
    "cmake-febio-mkl-omp-lib-not-found-82": ("mkl-finder-failed", "fix:-DMKL_OMP_LIB="),
    "cmake-meson-fortran-easybuild-imkl-fftw-libdir-petsc-3987": ("configure-blas-rejected", "fix:imkl-FFTW"),
    "cmake-pytorch-mkl-headers-not-found-5933": ("mkl-finder-failed", "fix:mkl-include"),
    "cmake-pytorch-findmkl-if-unix-and-empty-use-static-mkl-143980": ("tool-mkl-code-crashed", "Unknown arguments"),
    "python-nutils-pip-mkl-not-on-loader-path-wsl-673": ("mkl-rt-name-not-found", "fix:LD_LIBRARY_PATH=<python prefix>/lib"),
    "link-fds-built-without-mkl-ulmat-13609": ("program-built-without-mkl", "fix:rebuild the program with its MKL option"),
    "cmake-megengine-mkl-include-package-missing-479": ("mkl-finder-failed", "Can not find MKL"),
    "meson-xtb-ifort-find-library-mkl-intel-thread-kmpc-402": ("mkl-finder-failed", "meson log shows the following error"),
    "cmake-onemkl-interfaces-tests-need-reference-cblas-onemath-451": ("dependency-not-mkl", "fix:-DBUILD_FUNCTIONAL_TESTS=OFF"),
    # blind13
    "windows-anaconda-vs2015-ptvs-numpy-mkl-dll-not-activated-11141": ("numpy-extension-failed", "fix:conda activate"),
    "windows-aesara-blas-ldflags-bare-lmkl_rt-no-libdir-1249": ("theano-blas-flags", 'fix:-L"<env>\\Library\\bin"'),
    "windows-julia-arpack-libtool-lmkl_rt-no-libprefix-21588": ("libtool-dropped-library", "fix:-Wl,-lmkl_rt"),
    "windows-theano-mkl2018-picks-mkl_gnu_thread-no-such-dll-6599": ("theano-blas-flags", "fix:mkl_intel_thread"),
    "pyrt-condaforge-numpybase-mkl-iomp-vs-llvm-openmp-osx-727": ("openmp-duplicate", "libomp.dylib"),
    "pyrt-lightgbm-azure-condaenv-task-not-activated-numpy-dll-2010": ("windows-library-not-loaded", "fix:conda activate"),
    "mklrt-xtb4stda-dsygvd-lwork-int32-overflow-3": ("mkl-parameter-error", "overflowed"),
    "mklrt-trilinos-mkl2018-dgeev-suboptimal-lwork-corruption-3497": ("mkl-memory-error", "fix:MKL 2018.4"),
    "mklrt-galahad-pardiso-single-iparm1-default-overrides-precision-121": ("mkl-pardiso-arrays", "fix:iparm(1) = 0"),
    "mklrt-pypardiso-csr-array-int64-indices-lp64-access-violation-77": ("mkl-pardiso-arrays", "fix:pardiso_64"),
    "cmake-mkldnn-intel-openmp-not-found-havemkl-unset-pytorch-24070": ("mkl-finder-failed", "fix:Intel's OpenMP runtime"),
    "windows-openfast-cmake-findmkl-mklroot-unset-plain-cmd-174": ("mkl-finder-failed", "fix:setvars.bat"),
    "link-numpy-distutils-mkl_lapack95_lp64-missing-in-anaconda-conda-2308": ("library-not-found", "fix:drop -lmkl_lapack95_lp64"),
    "linux-make-mkl_dfti-h-missing-empty-mklroot-opensource-5": ("mkl-header-not-found", "fix:MKLROOT"),
    "linux-link-ipopt-configure-mkl-ilp64-interface-only-159": ("mkl-library-list-incomplete", "fix:mkl_intel_lp64"),
    "julia-mkljl-pyplot-ilp64-vs-lp64-access-violation-xsdot-89": ("mkl-crash", "PyPlot"),
    "julia-mkljl-pycall-numpy-cannot-load-mkl-intel-thread-dgelsd-46": ("mkl-julia-python", "fix:Julia (1.7 or newer)"),
    "juliacall-r-embeds-mkl-julia-libmkl-rt-not-found-r-resets-ld-library-path-10": ("loader-cannot-find", "fix:R_LD_LIBRARY_PATH"),
    "dl4j-javacpp-no-jniopenblas-anaconda-mkl-on-path-2981": ("host-cannot-load", "fix:-Djava.library.path="),
    "jnumpy-julia-mkl-libiomp5-before-sklearn-kmeans-segfault-22": ("openmp-runtime-crashed", "libiomp5.so"),
    "java-netlib-natives-property-pointed-at-mkl-rt-dll-unsatisfiedlink-slamch-90": ("jni-method-missing", "slamch"),
    "windows-cqeditor-amplitube-system32-dll-90": ("windows-library-not-loaded", "MKL's own"),
    "macos-fds-mkl-blacs-wrapper-openmpi4-mpi1-removed-7949": ("mkl-blacs-wrapper-build-failed", "fix:--enable-mpi1-compatibility"),
    "cmake-spack-blaspp-clang-intel-mkl-openmp-bare-libomp-38509": ("mkl-library-list-inconsistent", "fix:full path"),
    "julia-mkljl-windows-kmp-registered-lib-env-mutated-tests-130": ("julia-env-mutated-by-openmp", "__KMP_REGISTERED_LIB"),
    # blind14
    "loader-ipex-libmkl_sycl-so3-after-oneapi2024-sdnext-2601": ("loader-cannot-find", "fix:oneAPI 2023"),
    "loader-ipex-xpu-libmkl_sycl-so3-basekit-not-sourced-devcloud-ipex-298": ("loader-cannot-find", "fix:setvars.sh"),
    "windows-torch230-shm-dll-mkl-user-install-pytorch-125109": ("windows-library-not-loaded", "fix:os.add_dll_directory"),
    "windows-torch230-shm-dll-mkl-pip-target-dir-dream-textures-796": ("windows-library-not-loaded", "fix:os.add_dll_directory"),
    "mklrt-faiss-py312-libmkl_def-so2-undefined-symbol-mkl2023-0-faiss-4126": ("mkl-core-not-visible", "fix:a build of faiss"),
    "pyrt-faiss-pytorch-channel-mkl-kernel-undefined-symbol-colab-faiss-2021": ("mkl-core-not-visible", "fix:a build of faiss"),
    "windows-lnk1181-mkl_core-lib-mkl-not-installed-neuro-1": ("msvc-library-not-found", "mkl_core.lib"),
    "windows-ci-oneapi2025-mkl_sycl_blas-4-dll-missing-llamacpp-10327": ("mkl-file-missing", "fix:mkl_sycl_blas.*.dll"),
    "mklrt-scipy-eigvalsh-dsbrdb-workspace-mkl-bug-scipy-8205": ("mkl-parameter-error", "fix:2019.0"),
    "cmake-mklconfig-sycl-flag-leaks-to-fortran-onemath-116": ("mkl-sycl-option-leaked", "fix:2021.4"),
    "cmake-onemkl-mklcpu-cannot-find-lopencl-onemath-254": ("library-not-found", "ocl-icd"),
    "cmake-trilinos-kokkoskernels-onemkl-sycl-blas-undefined-kokkos-kernels-2023": ("mkl-sycl-api-not-linked", "fix:MKL::MKL_SYCL"),
    "cmake-onemkl-install-missing-findmkl-cmake-adaptivecpp-1049": ("cmake-install-file-missing", "FindMKL.cmake"),
    "fortran-ifort-mkl-flag-deprecated-qmkl-abacus-784": ("mkl-compiler-option-retired", "fix:-qmkl=cluster"),
    "rjava-carma-undefined-dsyevd-no-mkl-preload-24": ("blas-not-loaded", "fix:LD_PRELOAD"),
    "linklink-suitesparse-llapack-default-overrides-mkl-pr8": ("library-not-found", "fix:drop -llapack"),
    "rjava-neanderthal-dll-not-found-missing-mkl-dll-68": ("windows-library-not-loaded", "Dependencies.exe"),
    "linklink-pytorch-as-needed-drops-mkl-core-dsyrk-pr25445": ("mkl-layers-not-loaded", "fix:--no-as-needed"),
    "rjava-matlab-calls-pytorch-mm-segv-ilp64-vs-lp64-mkl-6591": ("matlab-mkl-interposed", "fix:OutOfProcess"),
    "build-mxnet-mkl-ilp64-lapacke-long-vs-longlong-18954": ("mkl-ilp64-compile-mismatch", "fix:#define MKL_INT int64_t"),
    "windows-pytorch-mkl-int-int64-cblas-sgemm-batch-c2664-pr118734": ("mkl-ilp64-compile-mismatch", "cblas_sgemm_batch"),
    "rjava-julia-pardiso-undefined-dswap-ilp64-renamed-blas-2": ("blas-not-loaded", "dswap_"),
    "pyrt-torch04-win-dll-load-failed-missing-intel-openmp-mkl-pytorch-4518": ("windows-library-not-loaded", "fix:intel-openmp"),
    # blind15
    "windows-omp15-faiss-libomp140-vs-torch-libiomp5md-scio-20": ("openmp-duplicate", "fix:faiss-cpu>=1.12"),
    "windows-omp15-txtai-faiss-vs-torch-iomp-830": ("openmp-duplicate", "fix:faiss-cpu"),
    "windows-lnk2038-runtimelibrary-static-mkl-sparse-torch-97352": ("msvc-runtime-mismatch", "fix:mkl_rt.lib"),
    "windows-pypardiso-access-violation-mkl2021.4-intel-openmp2022-ab-694": ("mkl-pardiso-arrays", "intel-openmp=2021"),
    "pyrt-torch-xla-colab-wheel-needs-libmkl-intel-lp64-so1-colabtools-3502": ("loader-cannot-find", "mkl==2021.4.0"),
    "windows-mklinit-dll-load-failed-pip-mkl-service-pypardiso-26": ("windows-library-not-loaded", "fix:pip's mkl"),
    "loader-pytorch-static-mkl-local-symbols-cuda-linalg-146551": ("prebuilt-mkl-internals", "libtorch_cpu.so does not export"),
    "link-yggdrasil-oneapi-support-missing-mkl-cdft-core-12084": ("library-not-found", "fix:copy step"),
    "link-pytorch-torch-cuda-mkl-lapack-claed0-not-exported-45922": ("prebuilt-mkl-internals", "fix:--undefined list"),
    "loader-pytorch-wheel-missing-libmklml-intel-18836": ("loader-cannot-find", "fix:MKL-ML"),
    "fortran-vasp-mkl-fftw-include-missing-spackpkgs3333": ("fftw-header-not-found", "fix:include/fftw"),
    "cmake-palace-scalapack-name-mkl_scalapack_lp64-palace647": ("cmake-library-not-found", "fix:mkl_scalapack_lp64"),
    "julia-oneapi-onemkl-clGetPlatformIDs-libOpenCL-oneapijl357": ("gpu-runtime-loader-missing", "libOpenCL"),
    "julia-yggdrasil-oneapi-support-clang-mangling-undefined-onemkl-ygg9766": ("mkl-sycl-name-mismatch", "Clang"),
    "cmake-suitesparse-blas-threading-empty-bla_vendor-mkl-ss1049": ("tool-mkl-code-crashed", "fix:-DBLA_VENDOR"),
    "cmake-heffte-sycl-onemkl2026-dfti-hpp-removed-spackpkgs4651": ("mkl-header-not-found", "fix:oneapi/mkl/dft.hpp"),
    "julia-oneapijl-windows-liboneapi_support-undefvar-oneapijl289": ("mkl-not-for-this-platform", "fix:WSL2"),
    "mkl-runtime-dfti-number-of-transforms-without-distance-onemath-339": ("mkl-dfti-error", "fix:own code"),
    "mkl-runtime-pardiso-lp64-ints-vs-ilp64-mkl-sysimage-pardisojl-64": ("mkl-pardiso-error", "fix:pardiso_64"),
    "mkl-runtime-conda-libblas-mkl-activate-unbound-mkl-interface-layer-espnet-5473": ("mkl-env-script-unbound", "fix:set +u"),
    "mkl-runtime-iomp-affinity-einval-in-k8s-pod-flan-alpaca-16": ("openmp-system-error", "fix:KMP_AFFINITY=disabled"),
    "macos-arm64-uv-no-mkl-wheel-for-macos-pypardiso-dep-dqp-4": ("mkl-not-for-this-platform", "Apple silicon"),
    "macos-m3-pip-resolutionimpossible-pypardiso-mkl-fealpy-687": ("mkl-not-for-this-platform", "Apple silicon"),
    # blind16
    "win-sklearn-kmeans-mkl-vcomp-memleak-warning-reeds-100": ("sklearn-kmeans-mkl-leak", "fix:OMP_NUM_THREADS=1"),
    "windows-sycl-release-missing-libiomp5md-llamacpp-9378": ("windows-library-not-loaded", "fix:package must carry it"),
    "linux-link-bigdl-core-cannot-find-lmklml_intel-hardcoded-opt-mklml-165": ("library-not-found", "MKL-ML"),
    "cmake-kaldi-configure-mkl-default-not-found-docker-kaldi-gstreamer-65": ("mkl-finder-failed", "fix:--mathlib"),
    "linux-link-tfserving-mkl_linux-libs-missing-tf24-1797": ("mkl-file-missing", "fix:TensorFlow 2.4"),
    "cmake-dftd4-lFALSE-old-cmake-lapack-target-124": ("library-not-found", "fix:BLAS::BLAS"),
    "cmake-spack-heffte-mkl2025-sycl-needs-icpx2025-47264": ("mkl-sycl-runtime-too-old", "2024.2.1"),
    "fortran-libsparse-mkl2026-removed-spblas-6580-72": ("mkl-api-changed", "NIST-style sparse BLAS"),
    "julia-fftw-mkl-provider-subdim-plan-fails-242": ("mkl-fftw-plan-refused", "fix:set_provider!"),
    "mkl-runtime-dfti-empty-dim-fft2-pytorch-117252": ("mkl-dfti-error", "empty list of dimensions"),
    "mkl-runtime-dfti-empty-batch-rfft-pytorch-174984": ("mkl-dfti-error", "empty batch"),
    "mkl-runtime-onemkl-sycl-dft-number-of-transforms-zero-torch-xpu-ops-5004": ("mkl-dfti-error", "NUMBER_OF_TRANSFORMS"),
    "mkl-runtime-cpu-specific-dynamic-library-not-loaded-paddle-27842": ("mkl-kernel-not-loaded", "fix:numpy and scipy"),
    "macos-omp15-libiomp5-vs-libomp-conda-nightly-torchvision-6087": ("openmp-duplicate", "fix:1.12.1"),
    "mkl-runtime-onemkl-portblas-vendor-check-powervr-not-supported-onemath-542": ("onemath-device-not-supported", "fix:portBLAS"),
    "mkl-runtime-vml-spurious-invalid-value-sqrt-anaconda-numpy-11448": ("numpy-vml-invalid-warning", "MKL 2018"),
    "meson-lc0-stray-mkl_rt-selects-mkl-path-cblas_sgemm_batch-1782": ("mkl-api-changed", "fix:several BLAS"),
    "linux-loader-libonemkl-so-0-not-found-under-nsight-compute-onemath-221": ("loader-cannot-find", "Nsight Compute"),
    # earlier sets, read after blind16
    "py-threadpoolctl-mkl-get-version-string-undefined-81": ("mkl-name-missing", "fix:threadpoolctl 2.2.0"),
    "linux-link-kaldi-configure-static-mkl-missing-L-path-kaldi-4218": ("configure-blas-rejected", "fix:#4218"),
    # blind17
    "macos-libiomp5-rpath-matlab-makeinc-finufft-157": ("macos-library-not-loaded", "fix:-name 'libiomp5.dylib'"),
    "macos-applesilicon-no-mkl-osx-arm64-env-tbpmonty-95": ("mkl-not-for-this-platform", "fix:CONDA_SUBDIR=osx-64"),
    "windows-pyinstaller-gohlke-numpy-mkl-libiomp5md-not-found-620": ("bundle-mkl-dll-not-found", "fix:--add-binary"),
    "windows-opencv-mkl-root-dir-wrong-level-9954": ("cmake-blas-not-found", "fix:include/ holds mkl.h"),
    "py-scipy-mkl-complex-abi-segfault-3193": ("mkl-crash", "fix:mkl_gf_lp64"),
    "py-scipy-mkl-blas-openblas-lapack-mix-5341": ("blas-lapack-mixed", "fix:site.cfg"),
    "julia-arrayfire-mkl-avx2-undef-mkl-sparse-2912": ("mkl-core-not-visible", "fix:libmkl_sequential"),
    "linux-link-mklml-iomp5-multiple-definition-omp-pytorch-22294": ("openmp-linked-twice", "fix:drop -liomp5"),
    "configure-kaldi-mkl-libdir-not-found-no-mkl-installed-pykaldi-303": ("mkl-finder-failed", "fix:install_mkl.sh"),
    "cmake-arrayfire-find-package-mkl-2023.1-rejects-2024-config-3539": ("mklconfig-version-rejected", "fix:find_package(MKL 2024.0)"),
    "cmake-superlu-dist-tpl-blas-mkl-ignored-picks-system-libblas-42": ("cmake-blas-check-failed", "fix:CMakeError.log"),
    "linux-link-spack-hpl-static-mkl-core-before-sequential-7279": ("mkl-static-order", "fix:--start-group"),
    "cmake-macaulay2-mkl-headers-conflicting-dgesv-declaration-3372": ("blas-prototype-clash", "fix:_MKL_LAPACK_H_"),
    "cmake-relion-mklfft-fftw3h-not-found-mkl-include-fftw-missing-441": ("fftw-header-not-found", "fix:include/fftw"),
    "mkl-runtime-blacs-intelmpi-with-openmpi-segfault-sparc-182": ("program-crashed", "fix:-lmkl_blacs_openmpi_lp64"),
    "loader-libmkldnn-undefined-cblas_sgemm_alloc-old-mkl-mdr-19": ("runtime-symbol-missing", "fix:mkl=2020.4"),
    "loader-scs-3.3.0-wheel-missing-mkl-kernels-openspiel-pr-1603": ("mkl-vendored-incomplete", "fix:scs!=<that version>"),
    "mkl-runtime-vml-threader-segfault-mkl2020.4-pytorch2.1-elastic-ml-cpp-2617": ("mkl-crash", "fix:update the bundled MKL"),
    "mkl-runtime-dfti-invalid-config-over-2pow24-ctypes-createdescriptor-pycbc-4395": ("mkl-dfti-error", "fix:c_long"),
    "linux-loader-mkl-fftw-symbol-interposition-rtld-global-segfault-pycbc-4052": ("mkl-fftw-names-interposed", "fix:RTLD_DEEPBIND"),
    # blind18
    "win-dlib-msvs-manual-mkl-link-unresolved-cblas-816": ("msvc-unresolved-mkl", "fix:build for 64-bit Windows"),
    "win-ideep-setup-unresolved-cblas-sgemm-16": ("msvc-unresolved-mkl", "32-bit"),
    "pyrt-galsim-tmv-mkl-dispatch-libs-undefined-symbol-261": ("mkl-core-not-visible", "fix:libmkl_rt"),
    "cmake-dealii-scalapack-symbolcheck-mkl-7852": ("cmake-blas-check-failed", "fix:BLACS layer"),
    "make-onedal-mklfpk-download-failed-libdaal_vmlipp_core-169": ("mkl-file-missing", "fix:mklfpk.sh"),
    "configure-freefem-pardiso-plugin-not-built-without-mkl-201": ("loader-cannot-find", "fix:configure the project again"),
    "linux-loader-ldpath-points-to-file-mkl-ilp64-kaldifeat-46": ("ld-library-path-file", "fix:streaming_asr/lib"),
    "linux-loader-docker-mkl-thread-lib-not-installed-colmap-3453": ("loader-cannot-find", "libmkl_intel_thread.so"),
    "julia-mkljl-vendor-still-openblas64-use_blas64-81": ("julia-blas-not-mkl", "fix:USE_BLAS64"),
    "fortran-gfortran-module-flag-mkl-lapack-f90-coral-6": ("fortran-module-flag-refused", "fix:-J"),
    "win-openfast-ifort-vs-mkl-libs-missing-1692": ("msvc-library-not-found", "mkl_sequential.lib"),
    # blind19
    "macos-undefined-dgemm-DMKL-without-mkl-rtklib-248": ("mkl-not-linked", "fix:-DMKL"),
    "rjjm-rro-revomath-mkl-already-installed-133": ("installer-product-installed", "fix:RevoMath"),
    "rjjm-deepforestr-reticulate-omp15-mkl-conda-DeepForest-391": ("openmp-duplicate", "fix:keep one"),
    "cmake-fortran-imkl-fftw-rpath-werror-unused-linker-input-easyblocks-2975": ("linker-input-unused-werror", "fix:-Wno-unused-command-line-argument"),
    "cmake-ggml-mkl-detect-unquoted-blas-include-list-whispercpp-3426": ("tool-mkl-code-crashed", "fix:quote the variable"),
    "julia-fftw-set-provider-mkl-to-fftw-preference-already-set-fftwjl-201": ("julia-fftw-provider-locked", "fix:LocalPreferences.toml"),
    "linux-loader-openfastlib-undefined-kmpc-end-critical-cxx-no-openmp-weis-88": ("openmp-runtime-missing", "fix:-qopenmp"),
    "windows-faiss-mkl-build-lnk2019-omp-lock-missing-intel-openmp-faiss-feedstock-83": ("undefined-symbol", "fix:intel-openmp"),
    "linux-link-imkl-fftw3x-cdft-pic-mpi-transpose-not-fpic-easyblocks-977": ("static-archive-not-pic", "fix:-fPIC"),
    "linux-loader-paddle-libmkldnn-no-rpath-mklml-iomp5-not-found-paddle-11806": ("loader-cannot-find", "fix:$ORIGIN"),
    "linux-link-intelcaffe-anaconda-old-mklrt-dnn-undefined-8": ("missing-symbol", "mkldoctor's table starts at 2019.0"),
    "linux-loader-htmd-libiomp5-root-only-permissions-138": ("loader-cannot-find", "fix:chmod a+rx"),
    "linux-link-vosk-kaldi-mkl-vsPowx-undefined-reference-188": ("mkl-symbol-unresolved", "fix:turn the project's MKL use off"),
    "linux-loader-vosk-java-jni-vdPowx-kaldi-built-with-mkl-249": ("runtime-mkl-not-linked", "fix:rebuild the static library"),
    "macos-pymrmr-libiomp5-dylib-homebrew-path-not-found-98": ("macos-library-not-loaded", "fix:brew install libomp"),
    "linux-link-pytorch-build-picks-system-mkl-usr-local-zgetrf-7083": ("runtime-symbol-missing", "fix:CMAKE_PREFIX_PATH"),
    "mkl-runtime-volesti-ilp64-link-without-MKL_ILP64-dgemv-param6-220": ("mkl-parameter-error", "fix:-DMKL_ILP64"),
    "rjjm-oneapijl-onemkl-sycl-pvc-opencl-icd-loader-406": ("sycl-device-runtime-error", "fix:LD_PRELOAD"),
    # residuals read after blind19: a reporter's quote of ld's line, and echoes beside a right finding
    "autotools-nfft-icc-mkl-fftw3-libs-lne-32": ("library-not-found", "none required"),
    "mkl-runtime-dgemm-bad-ld-caller-bug-bagel-19": ("mkl-parameter-error", "fatal error in"),
    "julia-pardiso-mkl-jll-unavailable-macos-libmkl-rt-path-93": ("mkl-not-for-this-platform", 'could not load library ""'),
    "rjjm-julia-mkl-jll-2019-no-is-available-downgrade-linearsolve-1068": ("julia-jll-too-old", "fix:compat floor"),
    "spack-macos-external-mkl-blacs-intelmpi-not-found-19937": ("spack-mkl-cluster-missing", "libmkl_blacs_mpich_"),
    "rjjm-yggdrasil-mkl2021-windows-versioned-dll-names-2308": ("binarybuilder-mkl-product-unsatisfied", "fix:mkl_core.1"),
    # blind20
    "macos-ios-libtorch-fft-no-mkl-pytorch-29796": ("torch-built-without-mkl", "fix:update PyTorch"),
    "linux-ppc64le-torch-fft-no-mkl-pytorch-42426": ("torch-built-without-mkl", "ARM"),
    "linux-aarch64-rpi-torch-stft-no-mkl-pytorch-aarch64-6": ("torch-built-without-mkl", "fix:update PyTorch"),
    "macos-pip-torch120-stft-no-mkl-fastai-audio-50": ("torch-built-without-mkl", "torch 1.1 and 1.2"),
    "macos-pip-torch-fft-no-mkl-gpytorch-194": ("torch-built-without-mkl", "fix:torch.backends.mkl.is_available()"),
    "py-torch-import-undefined-ijit-notifyevent-mkl-2024-1-megadetector-127": ("runtime-symbol-missing", "fix:mkl==2024.0.0"),
    "macos-dyld-libiomp5-pip-wheel-venv-block2-4": ("macos-library-not-loaded", "fix:intel-openmp"),
    "linux-loader-container-missing-libgomp-llama-cpp-docker-8": ("loader-cannot-find", "fix:libgomp1"),
    "linux-loader-libsvml-missing-daal4py-sklearnex-1098": ("loader-cannot-find", "fix:intel-cmplr-lib-rt"),
    "py-conda-old-anaconda-mkl-cannot-load-libmkl-core-build-ext-centermask-38": ("mkl-cannot-load-kernels", "libmkl_core.so"),
    "py-pyinstaller-bundle-mkl-intel-thread-undefined-omp-get-num-procs-anaconda-12766": ("openmp-runtime-missing", "fix:--add-binary"),
    "cmake-executorch-mklconfig-duplicate-MKL-target-8407": ("cmake-mkl-target-twice", "fix:if(NOT TARGET torch)"),
    "r-mro-revomath-installer-old-rro-detected-revoutilsmath-onload-rro-306": ("r-package-mkl-missing", "fix:remove the old R Open"),
    "matlab-omp15-libomp-vs-matlab-libiomp5-idyntree-1109": ("openmp-duplicate", "fix:libblas=*=*netlib"),
    "linux-loader-docker-bind-mount-hides-oneapi-mkl-ipex-llm-12515": ("loader-cannot-find", "fix:mount the host's folder elsewhere"),
    # blind21
    "win-pytorch-mkl-omp-libiomp5md-not-on-LIB-32914": ("msvc-unresolved-mkl", "fix:intel64_win"),
    "mac-openfast-ifort-mkl-env-not-sourced-lapack-undefined-60": ("mkl-symbol-unresolved", "fix:compilervars.sh"),
    "pyrt-numpy-mklinit-dll-not-activated-15294": ("windows-library-not-loaded", "fix:start Python from the activated"),
    "pyrt-mpl-mkl-intel-thread-omp-get-num-procs-channel-mix-23124": ("openmp-runtime-missing", "fix:recreate the environment"),
    "julia-mkl-jll-windows-access-denied-perms-38993": ("windows-library-not-loaded", "fix:icacls"),
    "r-rro-mkl-lpsolve-lpslink-segfault-218": ("program-crashed", "fix:reference BLAS"),
    "linux-link-bazel-as-needed-mkl-sycl-order-onedal-3801": ("mkl-layer-missing", "fix:put MKL's SYCL libraries"),
    "cmake-cp2k-fftw3-mkl-define-missing-3115": ("program-built-without-fftw", "fix:-D__FFTW3 -D__FFTW3_MKL"),
    "loader-spack-cmake-install-rpath-drops-mkl-dir-pwx-19970": ("loader-cannot-find", "fix:CMAKE_INSTALL_RPATH_USE_LINK_PATH=ON"),
    # blind22
    "windows-mkldnn-lnk2001-vs2019-debug-oneDNN-456": ("undefined-symbol", "not MKL's names"),
    "julia-pyplot-mkl-ilp64-vs-numpy-lp64-segfault-pyplot280": ("mkl-crash", "fix:default OpenBLAS"),
    "julia-mkl-build-pyplot-numpy-segfault-mkl-avx2-xdcopy-pyplot100": ("mkl-crash", "mkl_blas_avx2_xdcopy"),
    "cmake-vcpkg-intel-mkl-port-needs-2020-flashlight-431": ("mkl-release-required", "fix:update vcpkg"),
    "cmake-gadgetron-mkl-too-old-min-11.2-gadgetron-477": ("mkl-release-required", "11.0.1"),
    "cmake-openmeeg-findblas-mkl-notfound-msvc-openmeeg-448": ("mkl-finder-failed", "fix:written for an old MKL"),
    # read after blind22
    "windows-ipex-missing-oneapi-runtime-wheels-winerror126-ipex-653": ("windows-library-not-loaded", "fix:dpcpp-cpp-rt"),
    # blind23
    "python-runtime-libiomp-libomp-segfault-sklearn-kmeans-anaconda-13221": ("openmp-runtimes-mixed", "fix:keep one OpenMP runtime"),
    "windows-lnk1181-libmklml_intel-dll-linux-cmake-paddle-24610": ("msvc-library-not-found", "fix:mklml.lib"),
    "linux-link-fftw3xf-intel-missing-ucl-rcps-97": ("library-not-found", "fix:interfaces/fftw3xf"),
    "mkl-runtime-fatal-cannot-load-libctranslate2-whisper-ctranslate2-108": ("mkl-cannot-load-kernels", "fix:CT2_USE_MKL=0"),
    "mkl-runtime-heevr-isuppz-crash-scipy-11770": ("program-crashed", "fix:threadpoolctl"),
    "cmake-findarmadillo-mkl-lapack-mlpack-507": ("cmake-blas-not-found", "fix:a7a05d8"),
    "cmake-meson-fortran-kaldi-configure-no-mkl-dir-gentle-343": ("mkl-finder-failed", "fix:install_mkl.sh"),
    "macos-ld-lmkl_intel_ilp64-conda-env-kaldifeat-10": ("library-not-found", "fix:$CONDA_PREFIX/lib"),
    "macos-mklimports-libomp8-dotnet-ml-3694": ("macos-library-not-loaded", "fix:otool -L"),
    "cmake-mklconfig-mkl_core-dll-not-found-conda-wenet-1584": ("mklconfig-file-not-found", "fix:mkl=<its version>"),
    "python-runtime-anaconda-mkl-cannot-load-avx2-def-imgaug-30": ("mkl-core-not-visible", "fix:conda update mkl"),
    "rjjm-julia-ilp64-mkl-init-order-lp64-pivots-julia-15957": ("integers-read-wrong-width", "fix:MKL_INTERFACE_LAYER"),
    "windows-cxfreeze-numpy-mkl-wheel-frozen-import-1110": ("frozen-package-broken", "fix:cx_Freeze"),
    # blind24
    "julia-mkljl-set-num-threads-segfault-fortran-abi-mkljl-67": ("mkl-crash", "fix:MKL_Set_Num_Threads"),
    "mkl-runtime-cannot-load-avx512-def-findmkl-linkage-turbotransformers-84": ("mkl-core-not-visible", "fix:FindMKL.cmake"),
    "mklrt-spackstack-numpy126-meson-missing-mkl_core-1437": ("mkl-core-not-visible", "fix:readelf -d"),
    # read after blind24
    "link-spack-xsdk-plasma-default-makeinc-mkl-8555": ("library-not-found", "fix:not meant to use MKL"),
    "cmake-onnxruntime-eager-inherits-torch-caffe2-mkl-link-libs-9170": ("library-not-found", "caffe2::mkl"),
    "pyrt-anaconda-mkl-cannot-load-avx-def-conda-update-mkl-anaconda-698": ("mkl-core-not-visible", "fix:conda update mkl"),
    "linux-loader-ipex-needs-libmkl_sycl.so.3-oneapi-2024-ipex-llm-9646": ("loader-cannot-find", "fix:oneAPI 2023"),
    "julia-pyplot-mkl-build-segfault-no-frames-385": ("program-crashed", "fix:BLAS.get_config()"),
    # blind25 (right at its score; the C spelling of the function that crashed, after it)
    "julia-macos-mkl_set_dynamic-fortran-abi-segfault-mkljl-103": ("mkl-crash", "fix:MKL_Set_Dynamic, or pass a pointer"),
    # read after blind23: a reporter's comment that a value is wrong, where the log names MKL (wrongvalues)
    "rjjm-mklsparse-after-mkl-lp64-ilp64-wrong-result-mklsparse-36": ("results-wrong-with-mkl", "fix:MKL_VERBOSE=1"),
    # blind26, read after its score (tests/test_explain_blind26.py)
    "cmake-spack-blacs-for-mpi-nompi-pynumpy-spack-11289": ("spack-mkl-blacs-no-mpi", "fix:spack/spack#11384"),
    "cmake-spack-blacs-for-mpi-nompi-mkldnn-spack-11314": ("spack-mkl-blacs-no-mpi", "fix:spack/spack#11384"),
    "loader-old-mkl-undefined-libstdcxx-typeinfo-block2-11": ("cxx-runtime-symbol-missing", "fix:newer MKL"),
    "pyrt-mkl-openmp-fork-hang-mxnet-12710": ("mkl-two-releases-in-process", "fix:KMP_INIT_AT_FORK=false"),
    "macos-libiomp5-dlc-install-name-libtorch-pytorch-74120": ("macos-install-name-elsewhere", "fix:install_name_tool -id @rpath/libiomp5.dylib"),
    "windows-msvc-unresolved-vml-cblas-axpby-no-mkl-lib-caffe-windows-1": ("msvc-unresolved-mkl", "fix:mkl_rt.lib"),
    "windows-dll-load-failed-core-avx-mkldnn-paddle-1-7-22797": ("windows-entry-point-missing", "another release"),
    # read after blind23 (MKL's "Cannot load" of the library MKL is linked into)
    "pyrt-mkl-cannot-load-libtorch-cpu-deleted-cwd-lmdeploy-2258": ("mkl-cannot-load-kernels", "fix:a folder that exists"),
    # blind29
    "linux-link-apt-mkl-mixed-with-oneapi-sycl-stable-diffusion-cpp-493": ("mkl-installs-mixed-in-link", "fix:apt remove --purge"),
    "mklrt-function-load-error-vslnewstreamex-old-mkl2021-pytorch-pr151218": ("mkl-kernel-function-missing", "fix:LD_DEBUG=libs"),
    "macos-precompile-mklsparse-mkljll2024-no-mac-MKLSparse.jl-38": ("mkl-not-for-this-platform", "fix:MKL_jll@2023"),
    "rjjm-neanderthal-bytedeco-redist-not-discovered-97": ("host-cannot-load", "fix:mkl-platform-redist"),
    "rjjm-julia-mkl-jll-mac-intel-thread-dylib-hang-ivm-46": ("process-killed", "fix:MKL_NUM_THREADS=1"),
    "rjjm-r-rocker-openblas-not-mkl-mkl4deb-8": ("r-blas-not-mkl", "fix:libopenblas.so.0"),
    # blind31 (projects' troubleshooting pages)
    "python-runtime-libmkl_intel_lp64-so2-missing-ipex-known-issues": ("loader-cannot-find", "libmkl_intel_lp64.so.2"),
    "mkl-runtime-undefined-mkl_lapack_dspevd-vml-ipex-known-issues": ("mkl-core-not-visible", "mkl_lapack_dspevd"),
    "rust-build-undefined-sgemm_-mkl-feature-candle-readme-faq": ("mkl-symbol-unresolved", "fix:extern crate intel_mkl_src"),
    "windows-cannot-load-mkl_intel_thread-dll-conda-troubleshooting": ("windows-entry-point-missing", "fix:System32"),
    "linux-loader-cannot-load-mc3-def-dlopen-rtld-global-intel-sdl-article": ("mkl-core-not-visible", "fix:libmkl_rt alone"),
    "cmake-meson-fortran-eigen-lapack-int-long-long-mkl-ilp64-icpx-eigen-2586": ("mkl-ilp64-compile-mismatch", "fix:MKL_INTERFACE lp64"),
    "r-julia-java-matlab-mex-eigen-lp64-vs-matlab-ilp64-mkl-dgemv-param6-eigen-2475": ("mkl-parameter-error", "25769803780"),
    "linux-loader-omp-get-num-procs-libmkl-intel-thread-mlip2-43": ("openmp-runtime-missing", "fix:--no-as-needed -liomp5"),
    # blind32 (scientific applications' and packagers' pages)
    "mkl-runtime-omp-error-18-kmp-registered-lib-static-threaded-mkl-dirac-docs": ("openmp-registration-failed", "fix:sequential"),
    "linux-loader-libmkl_vml_avx2-undefined-mkl_blas4vml_dptrmm-python-wrapper-nitty-gritty-readme": ("mkl-core-not-visible", "mkl_blas4vml_dptrmm"),
    "windows-mkl_sycl_blas-entry-point-not-found-system-oneapi-dll-shadowing-intellicrack-dllfix": ("windows-entry-point-missing", "mkl_sycl_blas.5.dll"),
    "matlab-nojvm-symbol-lookup-mkl_serv_getenv-vml-avx2-teaser-known-issues": ("mkl-core-not-visible", "mkl_serv_getenv"),
    "python-runtime-gtsam-wrapper-vml-avx2-mkl_serv_getenv-gtsam-install-md": ("mkl-core-not-visible", "fix:LD_PRELOAD"),
    "linux-link-libtool-reorders-start-group-mkl-static-undefined-mkl_pds-ipopt-ultblog": ("prebuilt-mkl-internals", "fix:-Wl,--start-group,"),
    "java-nd4j-windows-cannot-load-mkl_intel_thread-dll-dl4j-quickstart": ("windows-library-not-loaded", "the message is MKL's own"),
    "rust-build-lld-undefined-MKLMPI_Get_wrappers-libmkl_core-a-ipopt-sys-readme": ("mkl-layer-missing", "MKLMPI_Get_wrappers"),
    "python-runtime-petsc4py-mkl_cpardiso-cannot-load-symbol-MKLMPI_Get_wrappers-firedrake-notes": ("mkl-layer-not-loaded", "fix:-lmkl_blacs_intelmpi_lp64"),
    "cmake-meson-fortran-petsc-could-not-find-blas-library-mkl-flag-cactus-et2-986": ("mkl-finder-failed", "fix:compiler option -mkl"),
    # blind33 (ML frameworks', numerical libraries' and packagers' pages)
    "macos-k2-faq-libmkl-intel-ilp64-2-dylib-not-loaded": ("macos-library-not-loaded", "fix:mkl>=2022.0.1"),
    "cmake-config-kaldi-configure-mathlib-atlas-still-mkl-mklroot-default-3217": ("mkl-finder-failed", "fix:the build ignored --mathlib=ATLAS"),
    # blind34
    "py-mkl-threading-layer-libgomp-opencompass-850": ("threading-layer-conflict", "fix:MKL_SERVICE_FORCE_INTEL=1"),
    "macos-mkl-mc3-dylib-missing-rosetta-rinla-87": ("mkl-cannot-load-kernels", "libmkl_mc3.2.dylib"),
    # blind35
    "win-mkl-os-cannot-run-percent1-mkl-intel-thread-system32-libiomp5md-demucs-27": ("windows-entry-point-missing", "fix:System32"),
    "win-mkl-os-cannot-run-percent1-libiomp5md-copy-to-env-root-deepgo-problems-md": ("windows-entry-point-missing", "error 182"),
    "macos-dyld-libmkl_intel_lp64-rpath-summerschool-readme": ("macos-library-not-loaded", "fix:mklvars.sh intel64"),
    # blind36
    "linux-link-dlib-built-with-mkl-mkl_dfti-h-missing-ofxdlib-troubleshooting": ("mkl-header-not-found", "fix:dlib was built with MKL"),
    "linux-loader-paddle-core-so-undefined-mkldnn-primitive-attr-destroy-17045": ("runtime-symbol-missing", "fix:site-packages/paddle/libs"),
    "mkl-runtime-dlopen-ownLastTriangle-mkl-fatal-pyscf-readme": ("mkl-core-not-visible", "ownLastTriangle_64fc"),
    "python-threading-mkl2018-gnu-openmp-runtimeerror-theano-configdefaults": ("threading-layer-conflict", "fix:MKL_THREADING_LAYER=GNU"),
    "linux-link-blacs-openmpi-with-intel-mpi-undefined-ompi-symbols-nwchem-forum-3527": ("mkl-cluster-needs-mpi", "fix:mkl_blacs_intelmpi_*"),
    "macos-deadstrip-mkl-blas-caxpy-pytorch-cpu-feedstock-buildsh": ("macos-symbol-not-found", "fix:-dead_strip_dylibs"),
    "cmake-findpython-numpy-mkl-avx-deprecation-warning-stdout-cmake-df551ee5": ("mkl-cpu-deprecated", "fix:MKL_ENABLE_INSTRUCTIONS=SSE4_2"),
    "java-netlib-nativeblas-failed-load-jniblas-spark-ml-linalg-guide": ("netlib-native-blas-not-loaded", "fix:libmkl_rt.so"),
    "cmake-build-ctranslate2-stale-mkl-headers-vsfmax-cblas-transpose-194": ("mkl-api-changed", "mkl_vml_functions"),
    # blind37
    "linux-link-ldwarn-blacs-openmpi-vs-intelmpi-rokko-306": ("library-versions-conflict", "two MPIs in one link"),
    "pyrt-numpy-first-old-mkl-dpnp-132": ("runtime-symbol-missing", "fix:import the module that needs libmkl_sequential.so before"),
    "macos-mkl-cpu0-not-supported-ryzen-hackintosh-pytorch-31106": ("mkl-cpu-unsupported", "MKL refused the processor"),
    "linux-link-mkl-avx2-def-undefined-symbol-as-needed-mixed-so1-block2-hints": ("runtime-symbol-missing", "two MKLs mixed"),
    "linux-loader-pyatb-mkl-sparse-optimize-anaconda-vs-oneapi-installation-md": ("mkl-core-not-visible", "fix:LD_PRELOAD="),
    # blind38
    "mkl-runtime-dual-openmp-libgomp-libiomp5-omp-error13-jamma": ("openmp-assertion", "fix:no -lgomp"),
    "windows-0xc06d007e-module-not-found-mkl-rt-2-dll-delayload-xamp2-readme": ("windows-delayload-failed", "fix:mkl_core.N.dll"),
    "windows-omp15-libiomp5md-vs-libomp-dll-psi4-ci-notes": ("openmp-duplicate", "fix:libiomp5md.lib"),
    "julia-macos-libiomp5-dylib-not-loaded-conda-mkl-nomkl-autonomousriskframework-readme": ("macos-library-not-loaded", "fix:Conda.add(\"nomkl\")"),
    "julia-macos-pyplot-mkl-intel-thread-libiomp5-pycall-python-env-hsom-poolballworld-readme": ("macos-library-not-loaded", "fix:Pkg.build(\"PyCall\")"),
    "macos-pyinstaller-app-libmkl-intel-thread-1-libiomp5-conda-platform-sanpy-readme-dev": ("macos-library-not-loaded", "fix:own architecture"),
    # blind39
    "macos-mkl-sse42-deprecated-rosetta-x86-python-pycat-napari": ("program-crashed", "fix:platform.machine()"),
    "python-runtime-ctypes-load-mkl-intel-lp64-undefined-mkl-blas-dgemm-quantumsim": ("mkl-core-not-visible", "fix:ctypes.CDLL('libmkl_rt.so.2'"),
    "linux-loader-colmap-faiss-mkl-variant-libmkl-intel-lp64-so2-openclimbing-3d": ("loader-cannot-find", "libmkl_intel_lp64.so.2"),
    "mkl-runtime-cannot-load-intel-thread-mkl-rt-gnu-openmp-jasmine": ("openmp-runtime-missing", "fix:MKL_THREADING_LAYER=SEQUENTIAL"),
    "linux-loader-cp2k-psmp-libmkl-intel-thread-so2-missing-modules-cp2k-benchmarks": ("loader-cannot-find", "libmkl_intel_thread.so.2"),
    "rust-build-mkl-static-group-link-arg-not-propagated-cblas-sgemm-nuvai-mkl": ("mkl-symbol-unresolved", "fix:did not reach this link"),
    "mkl-runtime-bazel-missing-isa-kernel-libs-cannot-load-avx512-so2-onedal": ("mkl-cannot-load-kernels", "libmkl_def.so.2"),
    "python-runtime-mkl-service-dropped-cannot-load-avx2-so3-ilp64-numpy-jamma": ("mkl-cannot-load-kernels", "fix:--no-deps"),
    "rust-build-mold-drops-libiomp5-omp-in-parallel-nuvai-mkl-44": ("openmp-runtime-missing", "fix:-Wl,--no-as-needed -liomp5"),
    "r-julia-java-matlab-mex-reorders-l-before-L-cannot-find-liomp5-scs-matlab": ("library-not-found", "-liomp5"),
    "linux-link-fftw3-multiple-definition-vs-mkl-fftw-wrappers-wien2k-minyez-blog": ("mkl-api-defined-twice", "fix:drop -lfftw3"),
    "linux-loader-gpaw-icc-no-libmpi-blacs-intelmpi-undefined-mpi-finalize-minyez-blog": ("mkl-cluster-needs-mpi", "fix:mpiicc"),
    "rust-build-macos-arm64-intel-mkl-src-undefined-cblas-cgemm-thermite": ("mkl-symbol-unresolved", "fix:Accelerate"),
    "linux-link-libtorch-cpu-cannot-find-mkl-intel-lp64-conda-lib-not-on-L-pearu-sandbox": ("library-not-found", "fix:-L$CONDA_PREFIX/lib"),
    "linux-loader-rust-dynamic-mkl-as-needed-drops-libiomp5-kmpc-global-thread-num-nuvai-mkl-72": ("openmp-runtime-missing", "fix:-Wl,--no-as-needed -liomp5"),
    "windows-status-dll-not-found-0xc0000135-ccx-mkl-dlls-auto-cae-readme": ("windows-library-not-loaded", "fix:beside the .exe"),
    "windows-lnk1104-cannot-open-mkl-lib-vars-bat-not-run-convopeq-build-guide": ("msvc-library-not-found", "fix:setvars.bat"),
    "windows-cannot-load-mkl-avx2-1-dll-libtorch-needs-mkl-2021-4-linlccc-blog": ("mkl-cannot-load-kernels", "fix:mkl==2021.4.0"),
    "windows-conda-env-create-cannot-load-mkl-intel-thread-dll-system32-robowski-readme": ("windows-library-not-loaded", "fix:System32"),
    # blind45
    "python-runtime-torch-mkl-fft-inconsistent-config-ci-spectrans-troubleshooting": ("mkl-dfti-error", "Inconsistent configuration"),
    "mkl-runtime-cannot-load-avx2-def-so1-conda-preload-altar2-docs": ("mkl-cannot-load-kernels", "fix:LD_PRELOAD="),
    "windows-omp-error15-libomp-vs-ctranslate2-iomp-mkl-tbb-layer-winocr-llamacpp-doc": ("openmp-duplicate", "fix:MKL_THREADING_LAYER=TBB"),
    # blind44
    "mkl-runtime-gnu-thread-without-libgomp-omp-get-num-procs-spectre-z4ccmm": ("openmp-runtime-missing", "fix:LD_PRELOAD=libgomp.so.1"),
    "mkl-runtime-block2-wheel-missing-mkl-def-and-libgomp-lili2014-with-block2": ("openmp-runtime-missing", "fix:LD_PRELOAD=libgomp.so.1"),
    "cmake-torch-mkl-include-notfound-metatensor-installdoc": ("cmake-imported-target-path-missing", "fix:-DMKL_INCLUDE_DIR=/usr/include"),
    "cmake-caffe2-mkl-notfound-include-gromacs-metatomic": ("cmake-imported-target-path-missing", "fix:list(FILTER"),
    "cmake-onemkl-interfaces-cblas-notfound-refblasroot-onemath-266": ("dependency-not-mkl", "fix:-DREF_BLAS_ROOT="),
    "cmake-findcblas-mklroot-vs-mkl_root-clblast-435": ("mkl-finder-failed", "fix:MKL_ROOT"),
    "loader-libtorch-bundled-mkl-cblas-dgemm-batch-interposed-openblas-cp2k-5516": ("blas-names-interposed", "fix:one BLAS"),
    "python-runtime-mkl-threading-libgomp-vllm-registry-9678": ("threading-layer-conflict", "fix:update numpy"),
    "mkl-runtime-batched-lu-zlaswp-threads-pgml-dense-lapack": ("mkl-parameter-error", "fix:MKL_NUM_THREADS=1"),
    "linux-loader-system-mkl-gf-lp64-zhesvxx-spectre-solvexcts-z4ccmm": ("mkl-layers-not-loaded", "fix:load the MKL the program was built with"),
    # blind43
    "win-lnk2005-mkl-static-dynamic-mix-opensees-ladruno-gotchas10": ("mkl-link-kinds-mixed", "fix:LAPACK_LIBRARIES"),
    "win-lnk1104-ifconsol-mkl-scalapack-oneapi2026-no-fortran-opensees-ladruno-gotchas8": ("intel-compiler-runtime-not-found", "fix:setvars.bat"),
    "win-devsim-could-not-find-mkl-rt-2-dll-venv-missing-mkl-tcad": ("mkl-rt-name-not-found", "fix:pip install"),
    "linux-link-skipping-incompatible-mkl-lib64-ia64-dir-blopex-wiki": ("library-incompatible", "fix:lib/em64t"),
    "linux-loader-tensorflow-bundled-mkl-libiomp5-invalid-elf-header-alliance-tensorflow-wiki": ("library-wrong-platform", "fix:ln -sf"),
    "python-runtime-omp-error15-tensorflow-bundled-libiomp5-vs-system-skimage-alliance-wiki": ("openmp-duplicate", "fix:ln -sf"),
    "mkl-runtime-cblas-dgemm-param9-zero-virtual-space-bagel-caspt2-nexusqc": ("mkl-parameter-error", "fix:empty matrix"),
    "mkl-runtime-cblas-dgemv-param7-dlars-normalize-chimes-lsq-agentic-chimes": ("mkl-parameter-error", "fix:empty matrix"),
    "windows-f2py-meson-cannot-find-lmkl_rt-setvars-liverpool-code-project": ("library-not-found", "-lmkl_rt"),
    # blind42
    "mkl-runtime-fatal-error-loading-function-mkl-blas-mc3-idamax-tianhe-hpc-help-manual": ("mkl-kernel-other-release", "fix:LD_LIBRARY_PATH"),
    "python-runtime-omp-info273-omp-set-nested-numba-pr10612": ("openmp-nested-deprecated", "fix:numba"),
    # blind40
    "r-j-j-m-reticulate-pytorch-libmkl-intel-lp64-so2-no-condaenv-torchbench-benchmark-r": ("loader-cannot-find", "fix:use_condaenv"),
    "matlab-blas-loading-error-static-tls-bug-961964-archwiki-matlab": ("static-tls-exhausted", "static TLS"),
    # blind41
    "linux-loader-paddle-libmklml-intel-bare-dlopen-frozen-omnicrawler-zh-troubleshooting": ("loader-cannot-find", "fix:FLAGS_mklml_dir"),
    "linux-loader-paddle-libmklml-intel-frozen-site-paths-build-machine-ocrroute-changelog": ("loader-cannot-find", "fix:FLAGS_mklml_dir"),
    "linux-loader-mkl-rt-dlopen-core-undefined-log10-freepascal-newvm": ("mkl-system-library-missing", "fix:-lm"),
    "python-runtime-conda-mkl-def-undefined-symbol-mpirun-slepc-eigensolve-mlibra": ("mkl-core-not-visible", "fix:libmkl_rt"),
    "windows-iomp-numa-affinity-wine-torch-touchdesigner-linux-troubleshooting": ("openmp-system-error", "fix:KMP_AFFINITY=disabled"),
    "macos-omp15-libomp-vs-mkl-libiomp5-ipex-findomp-cmake": ("openmp-duplicate", "fix:OpenMP_libomp_LIBRARY"),
    "mkl-runtime-onednn-bf16-matmul-fallback-slow-vllm-cpu-m1-mininfra-ch3": ("onednn-primitive-failed", "fix:--dtype float16"),
}
# right logs a later change reads by another finding that still says the thread's fix: blind12's PyCall log, whose lines
# a triple quote (py""") had joined into one until 2026-12-05 (MKL's dlopen line, then dyld's, each its own line since)
RIGHT_SINCE = {"rjjm-pycall-conda-mkl-libiomp5-rpath-macos-921": ("macos-library-not-loaded", 'fix:Conda.add("nomkl")'),
               # blind4: oneMKL 2022's SYCL library where oneAPI 2023's is installed: the year finding says both (blind76)
               "linux-loader-ipex-needs-libmkl_sycl.so.2-after-oneapi-2023-upgrade-ipex-280": (
                   "oneapi-runtime-other-year", "built with oneAPI 2022's runtime")}
# blind23's logs that hold no failure line (a wrong result no line says is wrong, a frozen program's silent exit, a
# package's status report): no finding is the honest answer for them, and the score counts them as silent (a comment
# that a value is wrong is a failure line: pytorch-cpu-feedstock#398's names no MKL, so it is said as unrecognised)
NO_FAILURE_LINE = {"python-runtime-pyinstaller-torch-mkl-dlls-not-collected-8348",
                   "python-runtime-qutip-mkl-versioned-mkl_rt-not-found-2496",
                   "rjjm-r-nix-mkl-intel-thread-gnu-r-wrong-matmul-nixpkgs-83888",
                   # blind26: MKLConfig's list and CMake's "Cannot generate a safe runtime search path" (its warning,
                   # cut from its header), two oneAPI releases' folders: no failure line, and no rule reads it yet
                   "cmake-mklconfig-latest-libiomp5-mixes-oneapi-versions-onemath-719",
                   # blind28: Julia's name of a loaded MKL (a project's test of it was wrong), a benchmark's slower
                   # numbers whose log names no MKL
                   "julia-mkl-rt-windows-name-misdetected-recursivefactorization-52",
                   "windows-slow-static-mkl-wrong-threading-lib-pytorch-130619",
                   # blind30: Pardiso.jl's build output before the error the reporter did not paste
                   "macos-pardiso-jl-mkl-jll-unavailable-apple-silicon-94",
                   # blind44: a backtrace's frames into pdpotrf, the crash's own line not quoted
                   "runtime-prebuilt-libtorch-bundled-mkl-vs-onemkl-pdpotrf-segv-cp2k-5422",
                   # blind48: a hang after fork shown by strace, a dot product's two outputs, two timings (no failure line)
                   "runtime-hang-after-fork-iomp5-mkl2018-numpy-testsuite-numpy-10993",
                   "runtime-sdot-zero-accelerate-loaded-before-mkl-pyqt-numpy-8577", "perf-mkl-slower-than-nomkl-on-amd-conda-2476",
                   # blind52: a configure's check result (MKL not detected: the symptom was speed), R's eigen() giving two
                   # answers under MKL's threads (identical() prints FALSE)
                   "cmake-meson-fortran-configure-mkl-not-detected-cblas-libs-grep-fflas-ffpack-406",
                   "mkl-runtime-threaded-eigen-nonreproducible-r-help-2025-thread-6e749e835b4a",
                   # blind54: Julia REPLs printing Inf, timings and thread counts; numexpr printing nan+nanj
                   "julia-macos-mkljll-libiomp-libgomp-symbol-clash-vdTGamma-inf-binarybuilder-700",
                   "julia-macos-mkl-forced-single-thread-slow-lu-julia-47233",
                   "julia-mkljl-blas-set-num-threads-only-blas-domain-mkl-get-max-threads-mkljl-174",
                   "pyrt-numexpr-built-without-vml-mkl2018-exp-nan-numexpr-293"}
# the logs of these that say no failure by themselves: a CMake finder's "Could NOT find" with nothing after it, and MKL's
# own deprecation warning
WARNING_ONLY = {"windows-cmake-omp-dll-dir-conda-onemath-368", "cmake-febio-mkl-omp-lib-not-found-82",
                # blind56: PyTensor's fallback to numpy's C-API (it runs on, slower)
                "windows-conda-mkl-libdir-not-searched-pytensor-515",
                # blind51: ArrayFire's FindMKL's status lines (cmake went on; the log ends there)
                "cmake-arrayfire-oneapi-mkl-not-found-3117",
                # blind29: R running OpenBLAS after MKL's install (a warning: R works, without MKL)
                # blind32: Cactus' PETSc thorn reading the compiler flag -mkl as a library name (a warning the build goes past)
                "cmake-meson-fortran-petsc-could-not-find-blas-library-mkl-flag-cactus-et2-986",
                # blind33: netlib's fallback to its Java BLAS, MKL's notice for AVX-only processors (both warnings)
                "java-netlib-nativeblas-failed-load-jniblas-spark-ml-linalg-guide",
                "cmake-findpython-numpy-mkl-avx-deprecation-warning-stdout-cmake-df551ee5",
                # blind41: vLLM's fallback from oneDNN (it runs on, slower), ifort's remark on -mkl (it compiles)
                "mkl-runtime-onednn-bf16-matmul-fallback-slow-vllm-cpu-m1-mininfra-ch3",
                "fortran-ifort-mkl-flag-deprecated-remark-10412-cesm-eclm-gen-domain",
                # blind44: a finder's status that it found CBLAS as None (the build failed later, not in the log)
                "cmake-findcblas-mklroot-vs-mkl_root-clblast-435",
                # blind43: MKL's notice of its SSE4.2 path (an osx-64 environment under Rosetta 2)
                "macos-mkl-sse42-deprecated-warning-osx64-conda-env-on-apple-silicon-lmc-blog",
                # blind42: the OpenMP runtime's notice of a deprecated call
                "python-runtime-omp-info273-omp-set-nested-numba-pr10612",
                # blind37: ld's warning of two MPIs in one link (the link succeeds)
                "linux-link-ldwarn-blacs-openmpi-vs-intelmpi-rokko-306",
                # blind36: NWChem's configure falling back to its own BLAS (a warning: it builds)
                "linux-link-configure-blas-not-found-blasopt-includes-scalapack-blacs-nwchem-forum-1735",
                "rjjm-r-rocker-openblas-not-mkl-mkl4deb-8",
                # blind13: Theano's fallback to numpy's C-API (it runs, slower); an arm64 link told of x86_64 MKL (cut
                # before the link's failure); OpenFAST's and flashlight's and PyTorch's finders that the build went past
                "windows-theano-mkl2018-picks-mkl_gnu_thread-no-such-dll-6599", "macos-fds-gha-arm64-runner-x86-mkl-12851",
                "windows-openfast-cmake-findmkl-mklroot-unset-plain-cmd-174", "cmake-findmkl-mac-no-intel64-libdir-flashlight-27",
                "cmake-pytorch-findmkl-prefix-not-searched-spack-pytorch-24334",
                # blind14: Intel's remark that -mkl is deprecated (the build goes on)
                "fortran-ifort-mkl-flag-deprecated-qmkl-abacus-784",
                "macos-osx64-conda-under-rosetta-mkl-sse42-warning-anaconda-13236",
                # blind16: scikit-learn's KMeans warning, numpy's invalid-value warning (the programs ran on)
                "win-sklearn-kmeans-mkl-vcomp-memleak-warning-reeds-100",
                "mkl-runtime-vml-spurious-invalid-value-sqrt-anaconda-numpy-11448",
                # blind20: CMake's OpenMP search failed after it found MKL (a status line; the build failed later), and a
                # project's finder's status lines of an MKL it did not find (the log cut before the build's failure)
                "cmake-torch-xpu-ops-pip-cmake-mkl-not-found-1422",
                "cmake-linux-psi4-mathopenmp-not-found-mkl-iomp5-psi4-1118",
                # blind21: the same psi4 search; numpy's invalid-value warning; CP2K's fallback from FFTW3 (it runs on)
                "cmake-psi4-mathopenmp-iomp5-not-found-1041", "pyrt-numpy-mkl-vml-sqrt-spurious-warning-9129",
                "cmake-cp2k-fftw3-mkl-define-missing-3115",
                # blind47: a configure's invocation line (config.log's head) asking for 8-byte BLAS beside MKL's LP64 layer
                "linux-link-mkl-lp64-with-blas8-pulay-singularity-nwchem-forum-1602"}


@pytest.mark.parametrize("name, entry", [(n, e) for n, doc in LATER.items() for e in doc["entries"]],
                         ids=lambda v: v if isinstance(v, str) else v["id"])
def test_the_later_blind_sets_are_never_silent_and_keep_what_was_right(name, entry):
    findings = findings_of(entry["log"])
    if entry["id"] in NO_FAILURE_LINE:
        assert not any(f.id == "unrecognised-failure" for f in findings), [(f.id, f.title) for f in findings]
        return
    assert findings and (any(f.severity == "error" for f in findings) or entry["id"] in WARNING_ONLY), \
        [(f.id, f.severity) for f in findings]
    verdict = LATER[name]["scored"]["verdicts"][entry["id"]]
    if verdict["verdict"] == "right" and entry["id"] in RIGHT_SINCE:  # read by another finding since, with the thread's fix
        finding_id, word = RIGHT_SINCE[entry["id"]]
        assert any(f.id == finding_id and said(f, word) for f in findings), [(f.id, f.title) for f in findings]
    elif verdict["verdict"] == "right":
        assert verdict["finding"] in {f.id for f in findings}
    if entry["id"] in AFTER:
        finding_id, word = AFTER[entry["id"]]
        chosen = [f for f in findings if f.id == finding_id]
        assert chosen and said(chosen[0], word), [(f.id, f.title) for f in findings]
        assert "unrecognised-failure" not in {f.id for f in findings}, [(f.id, f.title) for f in findings]


def test_every_fix_after_a_score_names_an_entry_of_its_set():
    ids = {e["id"] for doc in LATER.values() for e in doc["entries"]}
    assert set(AFTER) <= ids and NO_FAILURE_LINE <= ids
