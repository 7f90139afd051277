"""The seventh round of raw public pastes (59 from issue threads, read without their causes; each got a finding of its
own as gathered, one a warning only): what reading them against their threads found still wrong, each produced here
where it can run (gcc and the loader, autoconf), the thread's text where it cannot (Windows, Intel's compilers)."""

from __future__ import annotations

import subprocess

from tests.test_explain_families import flat, only_error


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
