"""The classes of the forty-fourth blind set (tests/data/explain_corpus/blind44.json): an OpenMP name both runtimes define,
undefined in a library a script's note cut (block2's wheel and z4c-CMM's preloads: MKL's GNU layer without libgomp);
CMake's imported target that names a search that failed (libtorch's MKL_INCLUDE_DIR-NOTFOUND); a finder's typed error and
its 'Found CBLAS: None'; the loader's LD_DEBUG=bindings giving a library's MKL call to another BLAS (see blind43's test of
it, produced); mkl-service's hint line; the distribution's MKL found in place of the one a program was built with."""

from __future__ import annotations

import subprocess
import textwrap

from tests.test_explain_blind29 import explain_all
from tests.test_explain_families import DGEMM_C, clean_env, errors_of, flat, run

def test_mkls_gnu_layer_without_libgomp_named_and_cut(tmp_path, mkl):
    """A real program on MKL's GNU threading layer with no libgomp in the process (linked as a module is, its shared
    libraries' names left to run time): the loader names the layer, and the finding is GCC's runtime; the same line as the
    scripts' notes cut it ('symbol lookup error: ... undefined symbol: omp_get_num_procs') names both runtimes, Intel's
    first (libmkl_rt's default layer), with each one's fix."""
    lib = mkl.pip_lib
    layers = [str(next(lib.glob(f"libmkl_{name}.so.*"))) for name in ("intel_lp64", "gnu_thread", "core")]
    (tmp_path / "g.c").write_text(DGEMM_C)
    subprocess.run(["gcc", "g.c", "-o", "g", "-Wl,--no-as-needed", *layers, "-lm", "-Wl,--unresolved-symbols=ignore-in-shared-libs",
                    f"-Wl,-rpath,{lib}"], cwd=tmp_path, check=True)
    rc, log = run(["./g"], tmp_path, clean_env())
    assert rc != 0 and "libmkl_gnu_thread.so" in log and "undefined symbol: omp_" in log, log
    [named] = errors_of(log)
    assert named.id == "openmp-runtime-missing" and "GNU's OpenMP runtime (libgomp)" in named.title, flat(named)
    symbol = log.rsplit("undefined symbol: ", 1)[1].split()[0]
    [cut] = errors_of(f"symbol lookup error: ... undefined symbol: {symbol}\n")
    assert cut.id == "openmp-runtime-missing" and "libgomp for mkl_gnu_thread" in cut.title, flat(cut)
    assert "-liomp5" in cut.fix[1] and "LD_PRELOAD=libgomp.so.1" in cut.fix[2]


def test_an_imported_target_that_names_a_failed_search(tmp_path):
    """libtorch's config puts MKL_INCLUDE_DIR into its caffe2::mkl target where no MKL is installed (metatensor's notes):
    produced with real CMake, an imported target 'torch' whose include folders hold MKL_INCLUDE_DIR-NOTFOUND. The
    NOTFOUND line is the target's, not a project's MKL search; the line alone (metatomic's GROMACS) is read too."""
    (tmp_path / "CMakeLists.txt").write_text(textwrap.dedent(
        """
        cmake_minimum_required(VERSION 3.16)
        project(p C)
        add_library(torch INTERFACE IMPORTED)
        set(MKL_INCLUDE_DIR MKL_INCLUDE_DIR-NOTFOUND)
        set_target_properties(torch PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${CMAKE_SOURCE_DIR};${MKL_INCLUDE_DIR}")
        file(WRITE ${CMAKE_BINARY_DIR}/m.c "int main(void) { return 0; }\\n")
        add_executable(app ${CMAKE_BINARY_DIR}/m.c)
        target_link_libraries(app torch)
        """))
    done = subprocess.run(["cmake", "-S", ".", "-B", "build"], cwd=tmp_path, capture_output=True, text=True)
    log = done.stdout + done.stderr
    assert done.returncode != 0 and 'Imported target "torch" includes non-existent path' in log, log
    [finding] = errors_of(log)
    assert finding.id == "cmake-imported-target-path-missing" and "MKL_INCLUDE_DIR-NOTFOUND" in finding.title, flat(finding)
    assert "-DMKL_INCLUDE_DIR=/usr/include" in finding.fix[0] and "list(FILTER" in finding.fix[1]
    [alone] = errors_of('Imported target "torch" includes non-existent path\n')
    assert alone.id == "cmake-imported-target-path-missing" and "MKL_INCLUDE_DIR" in flat(alone)


def test_a_finders_words_typed_by_hand_and_its_found_none():
    typed = ("CMake error at /usr/share/cmake-3.16/Modules/FindPackageHandleStandaradArgs.cmake:146 (message) :\n[...]\n"
             "could not find CBLAS ( missing CBLAS_file)\n")
    [finding] = errors_of(typed)
    assert finding.id == "dependency-not-mkl" and "CBLAS" in finding.title, flat(finding)
    assert "-DREF_BLAS_ROOT=" in finding.fix[0] and "BUILD_FUNCTIONAL_TESTS=OFF" in finding.fix[0]  # oneMath's FindCBLAS
    [found] = explain_all("-- Found CBLAS: None\n")  # CLBlast's FindCBLAS read MKL_ROOT, setvars sets MKLROOT
    assert found.id == "mkl-finder-failed" and found.severity == "warning" and "MKL_ROOT" in flat(found), flat(found)
    assert not explain_all("-- Found BLAS: /usr/lib/x86_64-linux-gnu/libblas.so\n")  # a finder that found one


def test_mkl_services_hint_is_its_messages_second_line():
    log = ("ERROR 10-25 10:55:54 registry.py:267] Error: mkl-service + Intel(R) MKL: MKL_THREADING_LAYER=INTEL is "
           "incompatible with libgomp-a34b3233.so.1 library.\n"
           "ERROR 10-25 10:55:54 registry.py:267]   Try to import numpy first or set the threading layer accordingly. "
           "Set MKL_SERVICE_FORCE_INTEL to force it.\n")
    [finding] = errors_of(log)
    assert finding.id == "threading-layer-conflict" and "update numpy" in flat(finding), flat(finding)


def test_a_parameter_error_names_calls_made_in_parallel():
    [finding] = errors_of("Intel oneMKL ERROR: Parameter 6 was incorrect on entry to ZLASWP\n")
    assert any("MKL_NUM_THREADS=1" in line for line in finding.fix) and any("MKL_NUM_THREADS=1" in c for c in finding.confirm)


def test_the_distributions_mkl_found_in_place_of_the_one_built_with():
    log = "symbol lookup error: /lib/x86_64-linux-gnu/libmkl_gf_lp64.so: undefined symbol: mkl_lapack_zhesvxx\n"
    [finding] = errors_of(log)
    assert finding.id == "mkl-layers-not-loaded" and "the distribution's MKL" in flat(finding), flat(finding)
    assert finding.fix[0].startswith("load the MKL the program was built with") and "libmkl_gnu_thread.so" in finding.fix[0]
