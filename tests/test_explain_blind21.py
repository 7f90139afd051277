"""The classes of the twenty-first blind set (tests/data/explain_corpus/blind21.json), produced here where they can run.

- R's own report of a crash in a package's compiled code (RRO#218, lpSolve under Revolution R's MKL): the real R, its
  routine named, and the command the fix names prints the BLAS this R runs;
- an MKL library that needs MKL's API from layers --as-needed dropped (oneDAL#3801: oneMKL's SYCL libraries after the
  classic ones): the real ld with the pinned wheel's ScaLAPACK named after the layers, one finding for every name, and
  the line with ScaLAPACK first leaves none of MKL's names undefined;
- a run path an install step rewrote (spack#19970): the real cmake, readelf and loader with the pinned wheel's
  libmkl_rt: the build tree's program runs, the installed one does not, and installed with the option the fix names it
  runs;
- public text (no Windows, macOS, conda solve or CP2K here): link.exe's unresolved name in a member of MKL's threading
  layer, the name cut off, with a link line that has no libiomp5md.lib (pytorch#32914); Windows' "Access is denied."
  under Julia's load of an MKL_jll DLL (julia#38993); an Anaconda environment's numpy not activated in an IPython
  traceback (numpy#15294); conda's GNU OpenMP mutex beside MKL's Intel threading layer (matplotlib#23124); ld64's
  LAPACK names with no link line, configured without MKL's environment (OpenFAST#60); CP2K's "FFT library FFTW3 is
  not available" (cp2k#3115: __FFTW3_MKL without __FFTW3).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.test_explain_families import errors_of, flat
from mkldoctor.knowledge import exports


@pytest.mark.skipif(not shutil.which("Rscript"), reason="R is not installed (dev/test installs r-base-core)")
def test_r_reports_a_crash_in_compiled_code(tmp_path):
    (tmp_path / "c.c").write_text("void lpslink(int *x) { *(volatile int *)0 = *x; }\n")
    assert subprocess.run(["gcc", "-shared", "-fPIC", "c.c", "-o", "c.so"], cwd=tmp_path).returncode == 0
    crashed = subprocess.run(["Rscript", "-e", 'dyn.load("c.so"); .C("lpslink", 1L)'], cwd=tmp_path, capture_output=True,
                             text=True)
    assert crashed.returncode != 0 and "caught segfault" in crashed.stderr, crashed.stderr
    [finding] = errors_of(crashed.stderr)
    assert finding.id == "program-crashed" and "(lpslink)" in finding.title, flat(finding)
    assert finding.fix[0].startswith("see which BLAS the R session runs")
    # the command it gives prints the BLAS and LAPACK this R runs
    told = subprocess.run(["Rscript", "-e", "sessionInfo()"], capture_output=True, text=True)
    assert "BLAS" in told.stdout, told.stdout
    # the session goes on after the crash (a prompt, a loader's failure of its own): those lines are not its frames
    (tmp_path / "n.c").write_text("void mkl_blas_dgemm(void);\nvoid f(void) { mkl_blas_dgemm(); }\n")
    # a library that needs libmkl_rt.so.2, which is then gone
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", "libmkl_rt.so.2", "-Wl,-soname,libmkl_rt.so.2", "-x", "c", "/dev/null"],
                   cwd=tmp_path, check=True)
    subprocess.run(["gcc", "-shared", "-fPIC", "n.c", "-o", "n.so", "-L.", "-Wl,--no-as-needed", "-l:libmkl_rt.so.2",
                    "-Wl,--unresolved-symbols=ignore-all"], cwd=tmp_path, check=True)
    (tmp_path / "libmkl_rt.so.2").unlink()
    loaded = subprocess.run(["Rscript", "-e", 'dyn.load("n.so")'], cwd=tmp_path, capture_output=True, text=True)
    assert "libmkl_rt.so.2" in loaded.stderr, loaded.stderr
    session = f"{crashed.stderr}$ Rscript -e 'dyn.load(\"n.so\")'\n{loaded.stderr}"
    found = {f.id: f for f in errors_of(session)}
    assert set(found) == {"program-crashed", "loader-cannot-find"}, [flat(f) for f in found.values()]
    assert not any("libmkl_rt" in line for line in found["program-crashed"].evidence)


def test_windows_access_denied_is_the_files_permission_not_its_name():
    log = ('ERROR: LoadError: InitError: could not load library "C:\\Users\\runneradmin\\.julia\\artifacts\\6de083f4770c1a6b'
           '49d179e2aa0f30c4bffde4a4\\bin\\mkl_core.dll"\nAccess is denied. \nStacktrace:\n')
    [finding] = errors_of(log)
    assert finding.id == "windows-library-not-loaded" and "Access is denied" in finding.evidence[1], flat(finding)
    assert finding.fix[0].startswith("give the user read and execute") and "MKL_jll" in finding.fix[0]
    assert not any(line.startswith("open it by the name") for line in finding.fix)
    # a quoted name that ends a line of a terminal's width (160 here) ends that line: the next is not joined to it
    head = 'ERROR: LoadError: InitError: could not load library "C:\\Users\\u\\'
    wide = head + "a" * (160 - len(head) - len('\\mkl_core.dll"')) + '\\mkl_core.dll"'
    assert len(wide) == 160
    [cut] = errors_of(wide + "\nAccess is denied. \n")
    assert "Access is denied" in cut.evidence[1], flat(cut)
    [plain] = errors_of('ERROR: could not load library "C:\\x\\mkl_core.dll"\n')
    assert not any("Access is denied" in line for line in plain.evidence)


def test_an_anaconda_numpy_outside_its_activated_environment():
    log = ("~\\Anaconda3\\lib\\site-packages\\numpy\\__init__.py in <module>\n"
           "---> 34     from . import _mklinit\n\nImportError: DLL load failed: The specified module could not be found.\n")
    [finding] = errors_of(log)
    assert finding.id == "windows-library-not-loaded" and finding.fix[0].startswith("start Python from the activated"), flat(finding)


def test_gnu_openmp_mutex_beside_mkls_intel_threading_layer():
    lib = "/home/u/miniconda3/envs/py3.10/lib/libmkl_intel_thread.so.1"
    log = (f"python: symbol lookup error: {lib}: undefined symbol: omp_get_num_procs\n"
           "_libgcc_mutex             0.1                        main\n"
           "_openmp_mutex             5.1                       1_gnu\n")
    [finding] = errors_of(log)
    assert finding.id == "openmp-runtime-missing" and finding.fix[0].startswith("recreate the environment from one channel")
    assert any("_openmp_mutex 1_gnu" in line for line in finding.evidence)
    # LLVM's mutex is what conda-forge's mkl runs on: not this cause
    [llvm] = errors_of(log.replace("1_gnu", "2_kmp_llvm"))
    assert not llvm.fix[0].startswith("recreate")


@pytest.mark.mkl
def test_an_mkl_library_that_needs_layers_as_needed_dropped(mkl, tmp_path):
    (tmp_path / "m.c").write_text("void pdgesv_(void);\nint main(void) { pdgesv_(); return 0; }\n")
    assert subprocess.run(["gcc", "-c", "m.c"], cwd=tmp_path).returncode == 0
    lib = mkl.pip_lib
    names = {stem: next(lib.glob(f"lib{stem}.so.*")).name for stem in
             ("mkl_scalapack_lp64", "mkl_blacs_intelmpi_lp64", "mkl_intel_lp64", "mkl_sequential", "mkl_core")}
    layers = [f"-l:{names[s]}" for s in ("mkl_intel_lp64", "mkl_sequential", "mkl_core")]

    def link(*libs):
        return subprocess.run(["gcc", "m.o", "-o", "m", "-Wl,--as-needed", f"-L{lib}", *libs], cwd=tmp_path,
                              capture_output=True, text=True)

    failed = link(*layers, f"-l:{names['mkl_scalapack_lp64']}", "-lm")  # the layers first, as a list sorted by name
    assert failed.returncode != 0 and "libmkl_scalapack_lp64" in failed.stderr
    mkl_findings = [f for f in errors_of(failed.stderr) if f.id.startswith("mkl-")]
    assert [f.id for f in mkl_findings] == ["mkl-layer-missing"], [(f.id, f.title) for f in mkl_findings]
    assert "dropped by --as-needed" in mkl_findings[0].title
    fixed = link(f"-l:{names['mkl_scalapack_lp64']}", f"-l:{names['mkl_blacs_intelmpi_lp64']}", *layers, "-lm")
    left = set(re.findall(r"undefined reference to `([^']+)'", fixed.stderr))
    assert left and not {s for s in left if exports.history(s) is not None}, sorted(left)[:5]  # only MPI's names
    assert all(s.startswith(("MPI_", "PMPI_")) for s in left), sorted(left)[:5]


def test_onemkls_sycl_libraries_before_the_classic_layers():
    log = ("/usr/bin/ld: .../libmkl_sycl_blas.so: undefined reference to `cblas_ddot_64'\n"
           "/usr/bin/ld: .../libmkl_sycl_lapack.so: undefined reference to `mkl_lapack_zungqr'\n"
           "/usr/bin/ld: .../libmkl_sycl_rng.so: undefined reference to `vslDeleteStream'\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-layer-missing" and finding.fix[0].startswith("with --as-needed, put MKL's SYCL libraries"), flat(finding)
    # the PR's own summary put first (its failure said ahead of ld's lines) joins it as that, not as its consequence
    summary = ("`bazel build //examples/oneapi/dpc:all` failed to build the 45 example binaries, with **660 distinct undefined "
               "references** reported against the oneMKL SYCL domain libraries:\n\n")
    [finding] = errors_of(summary + log)
    said = [e for e in finding.evidence if "line 1)" in e]
    assert len(said) == 1 and said[0].startswith("before it, the log says:") and "consequence" not in said[0], finding.evidence
    [finding] = errors_of(log + summary.replace("`bazel", "ERROR: `bazel"))
    assert any(e.startswith("then the log says:") and "consequence" in e for e in finding.evidence), finding.evidence


def test_lapack_names_undefined_with_no_link_line_name_the_environment_at_configure():
    """OpenFAST#60: CMake configured before Intel's compilervars.sh; ld64's block for LAPACK's names (public text)."""
    log = ("[ 28%] Linking Fortran executable aerodyn_driver\nUndefined symbols for architecture x86_64:\n"
           '  "_dgbsv_", referenced from:\n      _nwtc_lapack_mp_lapack_dgbsv_ in libnwtclibs.a(NWTC_LAPACK.f90.o)\n'
           "ld: symbol(s) not found for architecture x86_64\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-symbol-unresolved" and "compilervars.sh" in finding.fix[1] and "MKLROOT" in finding.fix[1], flat(finding)


def test_link_exe_unresolved_in_mkls_threading_layer_with_the_name_cut_off():
    link = ('LINK Pass 1: command "C:\\VS\\link.exe /nologo a.obj /out:a.exe /debug C:\\mkl\\mkl_intel_lp64.lib '
            'C:\\mkl\\mkl_intel_thread.lib C:\\mkl\\mkl_core.lib kernel32.lib" failed (exit code 1120) with the following output:\n')
    cut = "mkl_intel_thread.lib(s__gemv_omp.obj) : error LNK2001: unre\n"
    [finding] = errors_of(link + cut)
    assert finding.id == "msvc-unresolved-mkl" and "libiomp5md.lib" in finding.title, flat(finding)
    assert "names no libiomp5md.lib" in finding.evidence[-1] and "intel64_win" in finding.fix[0]
    # with the runtime on the line, the evidence says so, not that it is missing
    [named] = errors_of(link.replace("kernel32.lib", "libiomp5md.lib kernel32.lib") + cut)
    assert "names it" in named.evidence[-1], flat(named)
    # a whole line with its OpenMP name is read by name, as before
    [whole] = errors_of(link + "mkl_intel_thread.lib(s__gemv_omp.obj) : error LNK2001: unresolved external symbol "
                        "__kmpc_global_thread_num\n")
    assert "__kmpc_global_thread_num" in whole.title


@pytest.mark.mkl
@pytest.mark.skipif(not shutil.which("cmake") or not shutil.which("readelf"), reason="cmake and readelf (binutils) are needed")
def test_the_run_path_an_install_step_rewrote(mkl, tmp_path):
    rt = next(mkl.pip_lib.glob("libmkl_rt.so.*"))
    (tmp_path / "m.c").write_text("int MKL_Get_Max_Threads(void);\nint main(void) { return MKL_Get_Max_Threads() > 0 ? 0 : 1; }\n")
    (tmp_path / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.16)\nproject(p C)\nset(CMAKE_INSTALL_RPATH \"${CMAKE_INSTALL_PREFIX}/lib\")\n"
        f"add_executable(app m.c)\ntarget_link_libraries(app {rt})\ninstall(TARGETS app)\n")

    def installed(*options: str) -> subprocess.CompletedProcess:
        build = tmp_path / ("b" + str(len(options)))
        for step in (["cmake", "-S", str(tmp_path), "-B", str(build), f"-DCMAKE_INSTALL_PREFIX={tmp_path / 'inst'}", *options],
                     ["cmake", "--build", str(build)], ["cmake", "--install", str(build)]):
            done = subprocess.run(step, capture_output=True, text=True)
            assert done.returncode == 0, done.stdout + done.stderr
        return subprocess.run([str(tmp_path / "inst" / "bin" / "app")], capture_output=True, text=True)

    failed = installed()
    assert failed.returncode != 0 and "cannot open shared object file" in failed.stderr, failed.stderr
    assert subprocess.run([str(tmp_path / "b0" / "app")]).returncode == 0  # the build tree's program runs
    shown = [subprocess.run(["readelf", "-d", str(p)], capture_output=True, text=True).stdout
             for p in (tmp_path / "b0" / "app", tmp_path / "inst" / "bin" / "app")]
    log = "".join(f"$ readelf -d app\n{s}" for s in shown) + failed.stderr
    [finding] = errors_of(log)
    assert finding.id == "loader-cannot-find" and "run path twice" in finding.evidence[1], flat(finding)
    assert str(rt.parent) in finding.evidence[1] and "CMAKE_INSTALL_RPATH_USE_LINK_PATH=ON" in finding.fix[0]
    assert not any(line.startswith("if it is not installed") for line in finding.fix)
    assert installed("-DCMAKE_INSTALL_RPATH_USE_LINK_PATH=ON").returncode == 0  # the fix it names


def test_cp2k_says_its_fftw3_backend_is_not_in_its_build():
    from tests.test_explain_heldback_linux import findings_of

    log = (" *** WARNING in environment.F:1046 :: FFT library FFTW3 is not available. ***\n"
           " *** Trying FFT library FFTSG.                                            ***\n")
    [finding] = findings_of(log)
    assert finding.id == "program-built-without-fftw" and finding.severity == "warning", flat(finding)
    assert "-D__FFTW3 -D__FFTW3_MKL" in finding.fix[0]


def test_a_run_path_of_any_length_is_said_in_a_few_folders():
    folders = ":".join(f"/opt/intel/mkl/d{i}" for i in range(3000))
    log = (f" 0x1 (RPATH) Library rpath: [{folders}]\n 0x1 (RPATH) Library rpath: [/x]\n"
           "./app: error while loading shared libraries: libmkl_rt.so.2: cannot open shared object file: No such file or directory\n")
    [finding] = errors_of(log)
    assert "(3000 folders)" in finding.evidence[1] and max(len(line) for line in finding.evidence + finding.fix) < 1000, flat(finding)


def test_an_unversioned_soname_is_mkl_2020_and_older():
    """spack#19970's libmkl_scalapack_lp64.so from a 2020.3 install: not 'what MKL 2019.0 provides' alone."""
    [finding] = errors_of("./pw.x: error while loading shared libraries: libmkl_scalapack_lp64.so: cannot open shared object "
                          "file: No such file or directory\n")
    said = next(line for line in finding.evidence if "no version number" in line)
    assert "MKL 2020 and older" in said and "MKL 2019.0 ships it" in said, flat(finding)
