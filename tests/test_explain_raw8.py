"""Round 8 of raw public pastes (issue threads read without their causes, none used before): what was silent, unrecognised
or wrong in them, each as the paste showed it, and produced here where it can be (ld's output cut after its context line)."""

from __future__ import annotations

import subprocess

import pytest

from tests.test_explain_families import errors_of, flat, only_error

IPOPT_527 = ('checking for mkl_get_version_string... yes\nchecking whether user-supplied Pardiso library "" works... yes\n\n'
             'Setting: "pardisomkl" is not a valid setting for Option: linear_solver. Check the option documentation.\n\n'
             "### linear_solver (String) ###\nCategory: Linear Solver\nValid Settings:\n\tma27 (use the Harwell routine MA27)\n"
             "\tpardiso (use the Pardiso package)\n\tmumps (use MUMPS package)\n")
IPOPT_239 = ('checking whether user supplied BLASLIB="C:/Progra~2/Intel/Compos~1/mkl/lib/intel64/mkl_intel_lp64_dll.lib '
             'C:/Progra~2/Intel/Compos~1/mkl/lib/intel64/mkl_intel_thread_dll.lib" works... no\nconfigure: error: user supplied '
             'BLAS library "C:/Progra~2/Intel/Compos~1/mkl/lib/intel64/mkl_intel_lp64_dll.lib C:/Progra~2/Intel/Compos~1/mkl/lib/'
             'intel64/mkl_intel_thread_dll.lib" does not work\n')
SPACK_15853 = ("==> Error: ProcessError: Command exited with status 4:\n    './install.sh' '--silent' 'silent.cfg'\n\n"
               "1 error found in build log:\n  >> 4    ./install.sh: line 74: cd: /private/var/folders/gz/T/spack-stage/"
               "spack-stage-intel-mkl-2020.0.166-g2nrw562/spack-src/./../Resources/pset: No such file or directory\n"
               "     5    The IA-32 architecture host installation is no longer supported.\n"
               "     6    The product cannot be installed on this system.\n")
CAFFE_280 = ("(gdb) bt\n#0  _int_malloc (av=av@entry=0x7ffff5925b20 <main_arena>, bytes=bytes@entry=3711960)\n    at malloc.c:3622\n"
             "#1  0x00007ffff55e5184 in __GI___libc_malloc (bytes=3711960) at malloc.c:2913\n"
             "#2  0x00007fffe8c1199a in mkl_serv_malloc ()\n   from /home/yeyj/intel-caffe/external/mkl/mklml_lnx_2019.0.1.20180928/"
             "lib/libmklml_intel.so\n#3  0x00007ffff67b9e52 in caffe::SyncedMemory::mutable_cpu_data() ()\n")
MRO_38 = ("Preparing to unpack .../microsoft-r-open-mkl-3.4.deb ...\nmv: cannot stat '/usr/lib64/microsoft-r/3.4/lib64/R/backup/"
          "lib/*.so': No such file or directory\ndpkg: warning: subprocess old pre-removal script returned error exit status 1\n"
          "dpkg: trying script from the new package instead ...\nrm: cannot remove '/usr/lib64/microsoft-r/3.4/lib64/R/lib/*.so': "
          "No such file or directory\ndpkg: error processing archive /home/reed/microsoft-r-open-mkl-3.4.deb (--install):\n"
          " subprocess new pre-removal script returned error exit status 1\ncp: cannot stat '/usr/lib64/microsoft-r/3.4/ [...]\n")

CASES = [
    # coin-or/Ipopt#527: Ipopt 3.13's configure (its "user-supplied Pardiso library" test), asked for 3.14's name of MKL's PARDISO
    (IPOPT_527, "ipopt-no-pardisomkl", "linear_solver pardiso, in a build configured with MKL's line"),
    # coin-or/Ipopt#239: Windows' .lib names under MSYS were not read as MKL's: "the build failed, but not why"
    (IPOPT_239, "mkl-library-list-incomplete", "libiomp5md.lib"),
    # spack#15853: Intel's installer's host check on macOS, after it could not cd to its ../Resources/pset
    (SPACK_15853, "intel-installer-refused", "../Resources (an app bundle's layout)"),
    # anaconda-issues#13121: OMP Error #15 cut after its first name
    ("OMP: Error #15: Initializing libiomp5md.dll, bu [...]\n", "openmp-duplicate", "libiomp5md.dll"),
    # anaconda-issues#12144: zsh's job line for SIGILL under numpy's slogdet
    ("from numpy.linalg import slogdet\nK = rand.uniform(size=(2000, 2000))\nprint(slogdet(K))\n\n"
     "[1]    1925 illegal hardware instruction  python\n", "mkl-illegal-instruction", "instruction"),
    # intel/caffe#280: gdb's backtrace from glibc's malloc, under MKL-ML's allocator, with no signal line
    (CAFFE_280, "heap-damaged-in-mkl-call", "MKL_DISABLE_FAST_MM=1"),
    # microsoft-r-open#38: the removal script's own mv, rm and cp errors are that failure's, not three more
    (MRO_38, "package-script-failed", "dpkg --remove --force-remove-reinstreq microsoft-r-open-mkl-3.4"),
]


@pytest.mark.parametrize("log, finding, word", CASES, ids=[c[1] + "-" + str(i) for i, c in enumerate(CASES)])
def test_a_raw_paste(log, finding, word):
    said = only_error(log)
    assert said.id == finding and word in flat(said), flat(said)


def test_an_ipopt_option_value_it_has_no_rule_for_is_an_error_all_the_same():
    other = errors_of('Setting: "ma57" is not a valid setting for Option: linear_solver. Check the option documentation.\n')
    assert [f.id for f in other] == ["unrecognised-failure"], [(f.id, f.title) for f in other]
    newer = only_error(IPOPT_527.replace("checking whether user-supplied", "checking whether the"))
    assert newer.fix[0].startswith("see which Ipopt the program loads"), newer.fix  # no 3.13 configure: the loaded one first


def test_a_shell_error_outside_a_package_install_stays_unrecognised():
    said = errors_of("mv: cannot stat 'build/libx.so': No such file or directory\n")
    assert [f.id for f in said] == ["unrecognised-failure"], [(f.id, f.title) for f in said]


def test_lds_context_line_that_ends_a_cut_paste(tmp_path):
    """firemodels/fds#11404's paste ends at ld's "pres.o: in function `__globmat_s [...]": 'no problem found'. Produced
    here: ld's real output for an undefined MKL name, cut after its context line, is an error all the same."""
    (tmp_path / "pres.c").write_text("void pardiso_(void);\nint main(void) { pardiso_(); return 0; }\n")
    linked = subprocess.run(["gcc", "pres.c", "-o", "pres"], cwd=tmp_path, capture_output=True, text=True)
    lines = linked.stderr.splitlines()
    context = next(i for i, line in enumerate(lines) if "in function" in line)
    assert linked.returncode != 0 and "undefined reference to `pardiso_'" in linked.stderr, linked.stderr
    cut = "\n".join(lines[:context + 1]) + "\n"
    said = only_error(cut)
    assert said.id == "unrecognised-failure" and "in function `main'" in said.title, flat(said)
    assert only_error(linked.stderr).id != "unrecognised-failure"  # whole, it is ld's undefined reference
    # the public paste, its function name cut too
    fds = "/opt/rh/devtoolset-11/root/usr/libexec/gcc/x86_64-redhat-linux/11/ld: pres.o: in function `__globmat_s [...]\n"
    assert only_error(fds).id == "unrecognised-failure"


def test_spacks_listing_of_a_short_build_log_keeps_each_line_whole():
    """Spack pads a listed line's number to the widest number and four spaces more ("  >> 4    ./install.sh"): a listing
    of lines 4 to 9 lost two letters of each line ("e IA-32 architecture ..."), and spack#15853's refusal was not read."""
    import io

    from mkldoctor.explain.logparse import logical_lines

    lines = list(logical_lines(io.BytesIO(SPACK_15853.encode())))
    assert "The IA-32 architecture host installation is no longer supported." in lines, lines
    assert any(line.startswith("./install.sh: line 74") for line in lines), lines
    wide = "1 error found in build log:\n     118    make[2]: Entering directory '/b'\n  >> 120    /usr/bin/ld: cannot find -lmkl_core\n"
    assert "/usr/bin/ld: cannot find -lmkl_core" in list(logical_lines(io.BytesIO(wide.encode())))
