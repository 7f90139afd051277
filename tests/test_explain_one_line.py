"""One line of a public log pasted alone (an issue's title, a post that quotes only the last line, a paste cut to its
failure): a tool's failure line is never "no problem found". Each line below is a corpus log's own, which explained alone
said nothing before: the loader's line with its reason cut to the next line, link.exe's code and words without "error",
Apple's ld's "symbol(s) not found", torch's 'Error loading "...c10.dll"', make's "recipe for target ... failed", ninja's,
CMake's, Bazel's, go's, conda's, Julia's, a shell's and Fortran's runtime's stops, PARDISO's and MAGMA's errors.
(test_explain_lines_alone holds every line the net calls error-looking to a finding; this list holds these lines to being
error-looking, and to an error, not a warning.) In a whole log the same lines join the failure explained as its echo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.blindset import findings

CORPUS = Path(__file__).parent / "data/explain_corpus"

# (the corpus file, the entry's id, the start of its line)
ALONE = [
    ('blind106.json', 'macos-rjags-symbol-not-found-jags-na-mkl-makevars-rsigmac-2010-10',
     "Error : .onLoad failed in loadNamespace() for 'r"),
    ('blind107.json', 'cmake-compile-mklh-petscblaslapack-nothrow-syevd-usm-petsc-cbf68160',
     '1 error generated.'),
    ('blind11.json', 'linux-link-paddle-debug-mkl-scsrmm-dynload-missing-definition-19711',
     'paddle/fluid/operators/benchmark/CMakeFiles/op_t'),
    ('blind11.json', 'linux-link-skimcaffe-mixed-intel-mkl-env-libirc-hidden-symbol-7',
     'ld: final link failed: Nonrepresentable section '),
    ('blind119.json', 'macos-link-undef-cblas_domatcopy-mkl-extension-parallelaccelerator-147',
     'ld: symbol(s) not found for architecture x86_64'),
    ('blind123.json', 'mkl-runtime-omp-error34-threads-alphaimpute-faq',
     'forrtl: error (76): Abort trap signal'),
    ('blind125.json', 'cmake-fortran-configure-ifort-env-unset-mkl-abinit-forum-3693',
     "Makefile:766: recipe for target 'stamps/libxc-co"),
    ('blind125.json', 'cmake-fortran-configure-ifort-env-unset-mkl-abinit-forum-3693',
     "Makefile:731: recipe for target 'all-local' fail"),
    ('blind125.json', 'cmake-fortran-configure-ifort-env-unset-mkl-abinit-forum-3693',
     "Makefile:2457: recipe for target 'all-recursive'"),
    ('blind125.json', 'cmake-fortran-configure-ifort-env-unset-mkl-abinit-forum-3693',
     "Makefile:2385: recipe for target 'all' failed"),
    ('blind13.json', 'linux-make-mkl_dfti-h-missing-empty-mklroot-opensource-5',
     "/Make_include:124: recipe for target '/home/zign"),
    ('blind13.json', 'linux-make-mkl_dfti-h-missing-empty-mklroot-opensource-5',
     "Makefile:4: recipe for target 'all' failed"),
    ('blind13.json', 'julia-mkljl-windows-kmp-registered-lib-env-mutated-tests-130',
     'Error During Test at C:\\Users\\RUNNER~1\\AppData\\L'),
    ('blind14.json', 'cmake-onemkl-mklcpu-cannot-find-lopencl-onemath-254',
     'bin/blas/backends/mklcpu/CMakeFiles/onemkl_blas_'),
    ('blind14.json', 'linklink-suitesparse-llapack-default-overrides-mkl-pr8',
     "Makefile:541: recipe for target '/home/matthew/c"),
    ('blind15.json', 'link-yggdrasil-oneapi-support-missing-mkl-cdft-core-12084',
     '[22:54:01] ninja: subcommand failed'),
    ('blind150.json', 'cmake-mkl-include-dir-notfound-torch-lammps-nequip-151',
     'CMake Generate step failed.  Build files cannot '),
    ('blind16.json', 'cmake-dftd4-lFALSE-old-cmake-lapack-target-124',
     '_deps/multicharge-build/app/CMakeFiles/multichar'),
    ('blind17.json', 'macos-intel-mkl2024-not-on-osx64-megadetector-147',
     'Solving environment: failed'),
    ('blind174.json', 'mkl-runtime-sgesdd-param12-lwork-float-rounding-magma-results170',
     'magma_sgesdd returned error -12: invalid argumen'),
    ('blind174.json', 'mkl-runtime-sgesdd-param12-lwork-float-rounding-magma-results170',
     'lapackf77_sgesdd returned error -12: invalid arg'),
    ('blind178.json', 'python-runtime-libmkl_rt-so2-jupyter-subshell-setvars-votca-d202cbf',
     'zsh:1: command not found: icc'),
    ('blind178.json', 'mkl-runtime-fatal-cannot-load-avx512-def-ldpreload-faiss-839',
     "Makefile:89: recipe for target 'test' failed"),
    ('blind18.json', 'pyrt-wsl-iomp-affinity-abort-gprmax-95',
     'OMP:` System error #22: Invalid argument'),
    ('blind18.json', 'linux-loader-docker-mkl-thread-lib-not-installed-colmap-3453',
     '>colmap: error while loading shared libraries: l'),
    ('blind2.json', '3dmm-cnn-dgesdd-dso-missing-mkl-rt',
     'config/CMakeFiles/TestVisualization.dir/build.ma'),
    ('blind20.json', 'r-mro-revomath-installer-old-rro-detected-revoutilsmath-onload-rro-306',
     "Error : .onLoad failed in loadNamespace() for 'R"),
    ('blind23.json', 'linux-link-mkl-h-missing-wrong-mkl-root-graphnn-14',
     "Makefile:53: recipe for target 'build/objs/cxx/t"),
    ('blind41.json', 'windows-iomp-numa-affinity-wine-torch-touchdesigner-linux-troubleshooting',
     'Error loading "...torch\\\\lib\\\\c10.dll" or one of'),
    ('blind43.json', 'win-lnk2019-pardiso-then-lnk1104-mkl_rt-lib-visual-studio-tarcisiofischer-blog-pt',
     'LNK2019 unresolved external symbol PARDISO refer'),
    ('blind43.json', 'mac-arm64-ld-ignoring-oneapi-mkl-ipp-x86_64-dylibs-undefined-symbols-fitswebqlse',
     'ld: symbol(s) not found for architecture arm64'),
    ('blind44.json', 'cmake-onemkl-interfaces-cblas-notfound-refblasroot-onemath-266',
     'CMake error at /usr/share/cmake-3.16/Modules/Fin'),
    ('blind47.json', 'linux-link-blasopt-semicolon-list-libtool-mkl-nwchem-forum-3495',
     "Makefile:1070: recipe for target 'libcomex.la' f"),
    ('blind51.json', 'macos-gosl-cgo-linux-mkl-paths-intel64-missing-gosl-pr25',
     'FAIL\tgithub.com/jasonmoo/gosl/la/mkl [build fail'),
    ('blind54.json', 'linux-loader-libmkl-intel-lp64-pbs-compute-node-sprkkr-ompi-users-28827',
     '/home/emoujaes/Elie/SPRKKR/bin/kkrscf6.3MPI: err'),
    ('blind57.json', 'julia-circuitscape-pardiso-could-not-load-libmkl-rt-bare-name-vs-mkl-jll-artifact-circuitscape-302',
     'Raster Advanced: Error During Test at /pub28/eve'),
    ('blind60.json', 'macos-torch7-luajit-libsys-libmkl-intel-lp64-dylib-not-loaded-trepl-37',
     '/Users/___/torch/install/share/lua/5.1/trepl/ini'),
    ('blind60.json', 'macos-torch7-luajit-libsys-libmkl-intel-lp64-dylib-not-loaded-trepl-37',
     "luajit: error loading module 'libsys' from file "),
    ('blind60.json', 'macos-itorch-luajit-libsys-mkl-dylib-dyld-library-path-fix-itorch-110',
     '/Users/lc/codes/torch/install/bin/luajit: error '),
    ('blind61.json', 'linux-link-ci-cannot-find-lmkl-test-target-torch-xla-4375',
     'Step #0: CMakeFiles/test_ptxla.dir/build.make:28'),
    ('blind65.json', 'windows-dll-not-found-mkl-tbb-thread-tbb-msvcr110-dynadjust-68',
     'Dll not found:'),
    ('blind67.json', 'python-runtime-conda-intel-channel-403-mkl-static-pytorch-131802',
     'Collecting package metadata (repodata.json): fai'),
    ('blind67.json', 'python-runtime-ci-script-conda-intel-channel-gone-mkl-include-cm4mlops-229',
     'Collecting package metadata (current_repodata.js'),
    ('blind76.json', 'linux-bazel-mkl_util-stringpiece-tostring-tensorflow-21938',
     'Target //tensorflow/tools/pip_package:build_pip_'),
    ('blind76.json', 'linux-loader-libmkl_rt-missing-freebsd-osqp-532',
     '*** Error code 1'),
    ('blind77.json', 'windows-xpu-linalg-access-violation-mkl-lapack-exception-what-across-dll-torch-xpu-ops-4048',
     'test_linalg_xpu.py::TestLinalgXPU::test_cond_err'),
    ('blind91.json', 'linux-loader-libiomp5-psock-worker-rhelp-2015-09',
     '/sw/r-3.2.0/lib64/R/bin/Rscript: error while loa'),
    ('blind92.json', 'r-julia-loader-libmkl_rt-nosoname-pardiso-yggdrasil-946',
     'solving: Error During Test at /home/parallels/.j'),
    ('blind99.json', 'julia-pardiso-reordering-error-180-mkl-interface-layer-ilp64-pardiso-jl-88',
     '*** error PARDISO: reordering, symbolic factoriz'),
    ('blind15.json', 'link-yggdrasil-oneapi-support-missing-mkl-cdft-core-12084',
     '[22:54:01] ninja: job failed: : && /opt/bin/x86_6'),
    ('heldback.json', 'julia-fftw-mkl-jll-2024-no-macos-libmkl-rt-path-fftw-jl-287',
     'Failed to precompile FFTW [7a1cc6ca-52ef-59f5-83'),
    ('openings173.json', 'linearsolve-446',
     'Failed to precompile LinearSolve [7ed4a6bd-45f5-'),
]


def _lines(name: str, entry_id: str, start: str) -> list[str]:
    [log] = [e["log"] for e in json.loads((CORPUS / name).read_text())["entries"] if e["id"] == entry_id]
    lines = sorted({line.strip() for line in log.splitlines() if line.strip().startswith(start)})
    assert lines, start
    return lines


@pytest.mark.parametrize("name, entry_id, start", ALONE, ids=[f"{n[:-5]}-{s[:20]}" for n, _, s in ALONE])
def test_a_failure_line_alone_is_never_silent(name, entry_id, start):
    for line in _lines(name, entry_id, start):
        said = findings(line + "\n")
        assert any(f.severity == "error" for f in said), (line, [(f.id, f.title) for f in said])


@pytest.mark.parametrize("line, finding", [
    (">colmap: error while loading shared libraries: libmkl_intel_thread.so:", "loader-cannot-find"),
    ("LNK2019 unresolved external symbol PARDISO referenced in function \"void __cdecl solve(double const *)\"",
     "msvc-unresolved-mkl"),
    ('Error loading "...torch\\lib\\c10.dll" or one of its dependencies.', "windows-library-not-loaded"),
])
def test_a_failure_line_alone_that_names_its_library_gets_its_finding(line, finding):
    """Where the one line names what failed (the library the loader wanted, the MKL name link.exe missed, the DLL torch
    loaded), it gets that failure's finding, not an unrecognised one."""
    assert finding in [f.id for f in findings(line + "\n")]


def test_ninjas_failed_job_alone_is_an_error_and_its_command_still_read():
    """ninja's "job failed: <the command>" said the build failed: an echo, which left the command's -L folders unread when
    it was claimed (stop 60); now both: an error alone, and the folders a cut log's line names."""
    said = findings("ninja: job failed: /usr/bin/c++ -O3 main.o -o app -L/opt/intel/mkl/lib -lmkl_rt\n")
    assert [f.id for f in said if f.severity == "error"] == ["unrecognised-failure"], [(f.id, f.title) for f in said]
    assert said[0].title.startswith("the log says the build failed"), said[0].title
    assert any("/opt/intel/mkl/lib" in line for f in said for line in f.evidence), [(f.id, f.evidence) for f in said]


@pytest.mark.parametrize("line", [
    "make[2]: [all-local] Error 2 (ignored)",  # make's own word: not a failure
    "Residual standard error: 1.914 on 9998 degrees of freedom",  # R's summary of a model
    "-- Looking for Fortran sgemm - not found",  # a CMake check's answer, on the way to another
])
def test_lines_that_only_look_like_failures_stay_quiet(line):
    assert not any(f.severity == "error" for f in findings(line + "\n")), line
