"""The seventh round of raw public pastes (59 from issue threads, read without their causes; each got a finding of its
own as gathered, one a warning only): what reading them against their threads found still wrong, each produced here
where it can run (gcc and the loader, autoconf), the thread's text where it cannot (Windows, Intel's compilers)."""

from __future__ import annotations

import subprocess

from tests.test_explain_families import errors_of, flat, only_error


def test_a_library_ldd_found_and_the_run_did_not(tmp_path):
    """RRZE-HPC/likwid#17: ldd, run in the user's shell, finds libiomp5.so; the same program started by likwid (a setuid
    tool) does not, as a setuid start ignores LD_LIBRARY_PATH. It read as a library to install. Produced here: ldd with
    LD_LIBRARY_PATH, the run without it; the run path the finding offers runs without it."""
    (tmp_path / "f.c").write_text("int f(void) { return 1; }\n")
    (tmp_path / "m.c").write_text("int f(void);\nint main(void) { return f() - 1; }\n")
    lib = tmp_path / "lib"
    lib.mkdir()
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(lib / "libiomp5.so"), str(tmp_path / "f.c")], check=True)
    subprocess.run(["gcc", "-o", str(tmp_path / "prog"), str(tmp_path / "m.c"), f"-L{lib}", "-liomp5"], check=True)
    ldd = subprocess.run(["ldd", str(tmp_path / "prog")], capture_output=True, text=True, env={"LD_LIBRARY_PATH": str(lib)})
    run = subprocess.run([str(tmp_path / "prog")], capture_output=True, text=True, env={})
    assert "libiomp5.so => " + str(lib) in ldd.stdout and "cannot open shared object file" in run.stderr, run.stderr
    for log in (ldd.stdout + run.stderr,  # this machine's log (its paths are here)
                "./helloflops3_xphi: error while loading shared libraries: libiomp5.so: cannot open shared object file: No "
                "such file or directory\n[...]\n        linux-vdso.so.1 =>  (0x00007fff67bff000)\n\tlibm.so.6 => /lib64/libm.so.6 "
                "(0x00007f28b3d64000)\n\tlibiomp5.so => /home/echristof/libraries/libiomp5.so (0x00007f28b3a4e000)\n"):
        said = only_error(log)
        assert said.id == "loader-cannot-find" and "ldd finds libiomp5.so" in flat(said), flat(said)
        assert "setuid" in flat(said) and "-Wl,-rpath" in said.fix[0], said.fix
        assert not any("install" in line.split(":")[0] or "LD_LIBRARY_PATH=" in line for line in said.fix), said.fix
    subprocess.run(["gcc", "-o", str(tmp_path / "prog"), str(tmp_path / "m.c"), f"-L{lib}", "-liomp5", f"-Wl,-rpath,{lib}"],
                   check=True)
    assert subprocess.run([str(tmp_path / "prog")], env={}).returncode == 0
    # a library ldd did not find ("=> not found") is no such evidence
    missed = only_error("./p: error while loading shared libraries: libiomp5.so: cannot open shared object file: No such "
                        "file or directory\n\tlibiomp5.so => not found\n")
    assert "ldd finds" not in flat(missed), flat(missed)


def test_intel_openmps_older_number_for_its_affinity_error():
    """pandas-dev/pandas#6720: "OMP: Error #134: Cannot set thread affinity mask." (the number older runtimes gave the
    words #135 has now), then Windows' errno. The errno was explained and the error itself was left unrecognised."""
    said = only_error("OMP: Error #134: Cannot set thread affinity mask.\nOMP: System error #87: The parameter is incorrect.\n")
    assert said.id == "openmp-system-error" and "Error #134" in flat(said) and "KMP_AFFINITY=disabled" in said.fix[0], flat(said)


def test_configures_own_words_after_a_scalapack_check_said_no(tmp_path):
    """qsimulate-open/bagel#176: "checking for main in -lmkl_scalapack_lp64... no" then configure's own error, "Linking
    against scalapack library failed.", which read as a second, unrecognised error. Produced with the real autoconf."""
    (tmp_path / "configure.ac").write_text(
        "AC_INIT([t], [1])\nAC_PROG_CC\nAC_CHECK_LIB([mkl_scalapack_lp64], [main], [], "
        "[AC_MSG_ERROR([\"Linking against scalapack library failed.\"])])\nAC_OUTPUT\n")
    assert subprocess.run(["autoconf"], cwd=tmp_path).returncode == 0
    ran = subprocess.run(["sh", "configure"], cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode != 0 and "checking for main in -lmkl_scalapack_lp64... no" in ran.stdout, ran.stdout
    said = only_error(ran.stdout + ran.stderr)
    assert said.id == "mkl-finder-failed" and "-lmkl_scalapack_lp64" in said.title, flat(said)
    assert any("Linking against scalapack library failed" in line and "consequence" in line for line in said.evidence), flat(said)


AUTOCMAKE_94 = (
    "milias@login.grid.umb.sk:~/Work/qch/software/software_projects/autocmake_devel/autocmake_miroi/test/fc_blas/"
    "build_ifort_mklpar_static/./mnt/apps/intel/composer_xe_2013_sp1.1.106/bin/intel64/ifort   -static -static-libgcc "
    "-static-intel     -mkl=parallel    -O3 src/CMakeFiles/example.dir/example.f90.o  -o bin/example\n"
    "/usr/lib/gcc/x86_64-redhat-linux/4.4.7/../../../../lib64/libpthread.a(libpthread.o): In function `sem_open':\n"
    "(.text+0x774d): warning: the use of `mktemp' is dangerous, better use `mkstemp'\n"
    "src/CMakeFiles/example.dir/example.f90.o: In function `MAIN__':\n"
    "/home/milias/Work/qch/software/software_projects/autocmake_devel/autocmake_miroi/test/fc_blas/src/example.f90:"
    "(.text+0x37a): undefined reference to `dgemm_'\n")


def test_a_static_link_whose_mkl_was_the_compilers_option():
    """dev-cafe/autocmake#94: ifort -static -mkl=parallel, then dgemm_ undefined. It read as a link line with no MKL on it
    ("add MKL's link line"), though -mkl=parallel stood for MKL there. Intel's compilers cannot run here: the thread's text."""
    said = only_error(AUTOCMAKE_94)
    assert said.id == "mkl-option-static-link" and "dgemm_" in said.title and "-mkl=parallel" in said.title, flat(said)
    assert "--start-group" in said.fix[0] and "libmkl_core.a" in said.fix[0], said.fix
    # the option without -static: a dynamic link, whose unresolved names are not this finding's
    dynamic = only_error(AUTOCMAKE_94.replace("-static -static-libgcc -static-intel", ""))
    assert dynamic.id != "mkl-option-static-link", flat(dynamic)


def test_nan_printed_before_mkls_argument_check(tmp_path, mkl):
    """Blealtan/efficient-kan#20: a progress bar's "mse_loss=nan", then "Parameter 6 was incorrect on entry to SGELSY":
    NaN was one possible cause among four, the log's own NaN not said. Produced here: a program that prints its NaN loss,
    then gives MKL 2026.2's DGELSD a matrix holding it (MKL rejects A, parameter 4)."""
    import sys
    import textwrap

    (tmp_path / "nan.py").write_text(textwrap.dedent('''\
        import ctypes, sys
        mkl = ctypes.CDLL(sys.argv[1])
        a = (ctypes.c_double * 9)(1.0, 2.0, 3.0, 4.0, float("nan"), 6.0, 7.0, 8.0, 10.0)
        b, s, work, iwork = (ctypes.c_double * 3)(1.0, 2.0, 3.0), (ctypes.c_double * 3)(), (ctypes.c_double * 1000)(), (ctypes.c_int * 1000)()
        print(f"step 20, loss={sum(a) / 9}", flush=True)
        n, one, lwork, rank, info, rcond = ctypes.c_int(3), ctypes.c_int(1), ctypes.c_int(1000), ctypes.c_int(), ctypes.c_int(), ctypes.c_double(-1)
        mkl.dgelsd_(*map(ctypes.byref, (n, n, one)), a, ctypes.byref(n), b, ctypes.byref(n), s, ctypes.byref(rcond),
                    ctypes.byref(rank), work, ctypes.byref(lwork), iwork, ctypes.byref(info))
        print("info", info.value)
        '''))
    ran = subprocess.run([sys.executable, str(tmp_path / "nan.py"), str(mkl.pip_lib / "libmkl_rt.so.3")],
                         capture_output=True, text=True, env={"LD_LIBRARY_PATH": str(mkl.pip_lib)})
    log = ran.stdout + ran.stderr
    assert "loss=nan" in log and "Parameter 4 was incorrect on entry to DGELSD" in log and "info -4" in log, log
    said = only_error(log)
    assert said.id == "mkl-parameter-error" and "loss=nan" in said.evidence[1], flat(said)
    assert "NaN" in said.fix[0], said.fix
    paste = (" 20%|██        | 20/100 [00:01<00:06, 12.66it/s, mse_loss=nan, reg_loss=nan]\n"
             "Intel oneMKL ERROR: Parameter 6 was incorrect on entry to SGELSY.\n")
    kan = only_error(paste)
    assert kan.id == "mkl-parameter-error" and "mse_loss=nan" in kan.evidence[1], flat(kan)
    # without a NaN printed, NaN stays one possible cause among the others
    alone = only_error("Intel oneMKL ERROR: Parameter 6 was incorrect on entry to SGELSY.\n")
    assert not any("printed NaN" in line for line in alone.evidence), flat(alone)
    # an error word given NaN is an error's line, not a value's: it is not taken for one
    for line in ("RuntimeError: nan\n", "ValueError: the input's loss: nan\n"):
        assert errors_of(line), line
