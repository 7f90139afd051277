"""Blind sets 103-114 (tests/data/explain_corpus/blind103.json ...): public logs gathered by helpers who never read the
tool, scored once, then each miss made a test here: the failure produced with the real tool where it can run here,
the thread's own text where it cannot (macOS, Windows, a 2010 R)."""

from __future__ import annotations

import shutil

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, flat, only_error, run

SETS = blindset.load(103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114)
MAIN = 'extern "C" {\n    fn MKL_Get_Max_Threads() -> i32;\n}\nfn main() {\n    println!("{}", unsafe { MKL_Get_Max_Threads() });\n}\n'


@pytest.mark.skipif(shutil.which("cargo") is None, reason="needs cargo")
def test_a_rust_program_run_by_cargo_without_mkls_folder(tmp_path, mkl):
    """A crate whose build script links MKL's shared libraries from a folder outside target/ builds, and ``cargo run``
    cannot start it: cargo puts only target/'s folders on the loader's path (ndarray-linalg#229's doctests, the same)."""
    dev = tmp_path / "mkl"
    dev.mkdir()
    (dev / "libmkl_rt.so").symlink_to(next(mkl.pip_lib.glob("libmkl_rt.so.*")))  # a development link, as mkl-devel has
    crate = tmp_path / "crate"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text('[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n')
    (crate / "src" / "main.rs").write_text(MAIN)
    (crate / "build.rs").write_text(f'fn main() {{\n    println!("cargo:rustc-link-search=native={dev}");\n'
                                    '    println!("cargo:rustc-link-lib=dylib=mkl_rt");\n}\n')
    code, log = run(["cargo", "run", "--offline"], crate, clean_env())
    assert code != 0 and "error while loading shared libraries: libmkl_rt.so" in log, log
    finding = only_error(log)
    assert finding.id == "loader-cannot-find", flat(finding)
    assert finding.fix[0].startswith("a Rust program linked against MKL's shared libraries"), finding.fix
    # the fix's second way, MKL's lib folder on LD_LIBRARY_PATH for the run, starts it
    code, out = run(["cargo", "run", "--offline"], crate, clean_env(LD_LIBRARY_PATH=str(mkl.pip_lib)))
    assert code == 0 and out.strip().splitlines()[-1].isdigit(), out


def test_ldds_not_found_with_a_checkers_words_after_it():
    # pytorch#18398: a CI check's ldd lines carry the run path after "not found"
    [finding] = errors_of("ImportError: libmklml_intel.so: cannot open shared object file: No such file or directory\n"
                          "Aug 13 03:13:57 \tlibiomp5.so => not found with runpath   RUNPATH     $ORIGIN:$ORIGIN/lib'\n")
    assert finding.id == "loader-cannot-find" and "libiomp5.so" in flat(finding), flat(finding)


def test_a_name_not_mkls_in_the_flat_namespace():
    # r-sig-mac 2010-10: rjags.so linked by a ~/.R/Makevars set up for MKL, without the package's -ljags
    log = ("g++ -arch x86_64 -dynamiclib -Wl,-headerpad_max_install_names -undefined dynamic_lookup -single_module "
           "-L/opt/intel/Compiler/11.1/089/Frameworks/mkl/Libraries/em64t -o rjags.so jags.o -lgsl -lmkl_intel_lp64 "
           "-lmkl_sequential -lmkl_core -lpthread -F/Library/Frameworks/R.framework/.. -framework R\n"
           "  error: unable to load shared library '/Users/u/.R/Library/rjags/libs/x86_64/rjags.so':\n"
           "  dlopen(/Users/u/.R/Library/rjags/libs/x86_64/rjags.so, 10): Symbol not found: _JAGS_NA\n"
           "  Referenced from: /Users/u/.R/Library/rjags/libs/x86_64/rjags.so\n  Expected in: flat namespace\n"
           "ERROR: installing package indices failed\n")
    [finding] = errors_of(log)
    assert finding.id == "macos-symbol-not-found" and "JAGS_NA, which is not MKL's" in finding.title, flat(finding)
    assert "-lmkl_core" in flat(finding) and "PKG_LIBS" in finding.fix[0], flat(finding)
    # a name MKL's layers define stays the MKL finding
    [mkl_name] = errors_of(log.replace("_JAGS_NA", "_mkl_blas_caxpy"))
    assert "JAGS" not in mkl_name.title and "mkl_blas_caxpy" in mkl_name.title, flat(mkl_name)


def test_an_undefined_reference_whose_quotes_markdown_ate():
    # lorrax's notes: ld's `MPI_Waitall' with both quotes taken by markdown, the name last on the line
    [finding] = errors_of("libmkl_blacs_intelmpi_lp64.so: undefined reference to MPI_Waitall\n")
    assert finding.id == "mkl-cluster-needs-mpi", flat(finding)
    [versioned] = errors_of("libmpi.so: undefined reference to fi_getinfo@FABRIC_1.1\n")
    assert versioned.id == "undefined-symbol" and "fi_getinfo" in versioned.title, flat(versioned)
    # words, not a name, after it stay words: an error no rule knows
    [prose] = errors_of("error: undefined reference to the function\n")
    assert prose.id == "unrecognised-failure", flat(prose)


PETSC = """\
In file included from /opt/aurora/26.26.0/oneapi/mkl/latest/include/mkl.h:35:
/opt/aurora/26.26.0/oneapi/mkl/latest/include/mkl_blas.h:754:8: error: exception specification in declaration does not match previous declaration
  754 | double dasum(const MKL_INT *n, const double *x, const MKL_INT *incx) NOTHROW;
      |        ^
/home/u/petsc/include/petscblaslapack.h:97:23: note: previous declaration is here
   97 | BLAS_EXTERN PetscReal BLASasum_(const PetscBLASInt *, const PetscScalar *, const PetscBLASInt *);
      |                       ^
/home/u/petsc/src/ml/letkf_local_analysis.kokkos.cxx:354:7: error: no matching function for call to 'syevd'
  354 |       oneapi::mkl::lapack::syevd(*q, oneapi::mkl::job::vec, oneapi::mkl::uplo::upper, n, A, n, W, d_work, lwork, info_ptr);
      |       ^~~~~~~~~~~~~~~~~~~~~~~~~~
/opt/aurora/26.26.0/oneapi/mkl/latest/include/oneapi/mkl/lapack/lapack.hpp:747:24: note: candidate function not viable: no known conversion from 'int *' to
      'const std::vector<sycl::event>' for 10th argument
"""


def test_clangs_words_for_mkls_noexcept_and_for_an_info_argument_onemkl_has_not():
    # PETSc cbf68160 (clang, Aurora's oneAPI): the project's own BLAS prototype before mkl.h, and a USM call with LAPACK's
    # info pointer where oneMKL takes its events
    found = {f.id: f for f in errors_of(PETSC)}
    assert set(found) == {"blas-prototype-clash", "onemkl-events-argument"}, [flat(f) for f in found.values()]
    clash = found["blas-prototype-clash"]
    assert "dasum" in clash.title and "petscblaslapack.h declares them" in flat(clash) and "noexcept" in flat(clash), flat(clash)
    call = found["onemkl-events-argument"]
    assert "'int *' as its 10th argument" in call.title and "drop the info argument" in call.fix[0], flat(call)
    # the same call with no note of the events: MKL's declaration changed, as before
    [changed] = errors_of(PETSC.split("/home/u/petsc/src/", 1)[0].replace("error: exception", "warning: exception")
                          + "/home/u/a.cxx:3:7: error: no matching function for call to 'syevd'\n"
                          "  3 |       oneapi::mkl::lapack::syevd(*q, n);\n")
    assert changed.id == "mkl-api-changed", flat(changed)


def test_spacks_blacs_for_an_mpi_mkl_has_none_for():
    # spack/spack#14109: namd fftw=mkl on charmpp, which provides mpi: MKL's ScaLAPACK asked for, no BLACS to pick
    [finding] = errors_of("==> Error: InstallError: Cannot find a BLACS library for the given MPI.\n")
    assert finding.id == "spack-mkl-blacs-no-mpi" and "charmpp" in flat(finding), flat(finding)
    assert any("namd fftw=3" in line for line in finding.fix), finding.fix


R_CHECK = """\
Testing examples for package 'stats'
  comparing 'stats-Ex.Rout' to 'stats-Ex.Rout.save' ...
6466c6466
< Grand Mean: 291.5937
---
> Grand Mean: 291.5938
12881c12881
< Murder   -0.536  0.418  0.341  0.649
---
> Murder   -0.536  0.418 -0.341  0.649
running code in 'lapack.R' ... OK
"""


def test_rs_check_on_mkl_differs_in_signs_and_last_digits_only():
    # r-devel 2014-10: R built with -mkl=sequential; Ripley and Plummer: signs are arbitrary, 291.59375 rounds either way
    [note] = blindset.findings(R_CHECK)
    assert note.id == "r-check-output-differs" and note.severity == "info", flat(note)
    assert "only in signs and last digits" in note.title and note.fix[0].startswith("nothing to fix"), flat(note)
    # a value that is neither: a warning, with the reference BLAS to tell MKL's part
    [other] = blindset.findings(R_CHECK.replace("> Grand Mean: 291.5938", "> Grand Mean: 291.6203"))
    assert other.severity == "warning" and "291.6203" in flat(other) and "reference BLAS" in other.fix[0], flat(other)
    # and the same lines with the mail's "> " gone, as a log reader takes them for a quote
    [quoted] = blindset.findings(R_CHECK.replace("> ", ""))
    assert quoted.severity == "info", flat(quoted)


def test_a_finding_has_one_of_the_three_severities():
    from mkldoctor.findings import Finding

    with pytest.raises(ValueError, match="severity 'note'"):
        Finding("x", "note", "t", (), ())


def test_a_library_built_for_a_newer_glibc_than_the_links():
    # oneDNN#312: MKL-ML's libiomp5 linked on CentOS 5 (glibc 2.5) for a manylinux1 wheel
    log = ("Linking C executable simple-net-c\n"
           "../../external/mklml_lnx_2019.0.20180710/lib/libiomp5.so: undefined reference to `sched_getcpu@GLIBC_2.6'\n"
           "collect2: error: ld returned 1 exit status\n")
    [finding] = errors_of(log)
    assert finding.id == "glibc-too-old" and "glibc 2.6" in finding.title and "libiomp5.so" in finding.title, flat(finding)
    assert any("-DMKLDNN_THREADING=OMP:COMP" in line for line in finding.fix), finding.fix
    # an unversioned name of another library stays undefined-symbol
    [plain] = errors_of(log.replace("@GLIBC_2.6", ""))
    assert plain.id == "undefined-symbol", flat(plain)


def test_gfortrans_crash_names_the_integer_size_against_mkls_layer():
    # champ#25: FindMKL linked mkl_intel_ilp64 to a build with default (4-byte) integers; gfortran's runtime said only this
    [finding] = errors_of("Program received signal SIGSEGV: Segmentation fault - invalid memory reference.\n")
    assert finding.id == "program-crashed" and finding.fix[0].startswith("gfortran's runtime said it"), flat(finding)
    # another program's crash: no Fortran line
    [other] = errors_of("Segmentation fault (core dumped)\n")
    assert not any("gfortran" in line for line in other.fix), other.fix


def test_macos_mkls_interface_layer_leaves_the_layers_names_to_the_program():
    # intel_repack-feedstock's mkl-devel test (58cc108): fixed by linking the program -Wl,-flat_namespace
    [finding] = errors_of("dyld: Symbol not found: _mkl_blas_caxpy\n"
                          "  Referenced from: /Users/b/env/lib/libmkl_intel_ilp64.2.dylib\n"
                          "  Expected in: flat namespace in /Users/b/env/lib/libmkl_intel_ilp64.2.dylib\n")
    assert finding.id == "macos-symbol-not-found" and "the program did not link them" in finding.title, flat(finding)
    assert "-lmkl_intel_ilp64 -lmkl_sequential -lmkl_core" in finding.fix[0] and "-flat_namespace" in finding.fix[0], finding.fix


def test_a_library_delocate_grafted_without_the_one_it_needs():
    # CTranslate2 PR #382: oneDNN's libdnnl in the wheel's .dylibs, libiomp5.dylib left out (no run path to it for delocate)
    [finding] = errors_of("ImportError: dlopen(/usr/local/lib/python3.8/site-packages/ctranslate2/"
                          "translator.cpython-38-darwin.so, "
                          "2): Library not loaded: @rpath/libiomp5.dylib\n  Referenced from: /usr/local/lib/python3.8/"
                          "site-packages/ctranslate2/.dylibs/libdnnl.2.0.dylib\n  Reason: image not found\n")
    assert finding.id == "macos-library-not-loaded", flat(finding)
    assert finding.fix[0].startswith("put libiomp5.dylib where the package expects it, in /usr/local/lib/python3.8/site-packages/"
                                     "ctranslate2/.dylibs"), finding.fix


@pytest.mark.parametrize("n, entry", blindset.scored_entries(SETS))
def test_never_silent_and_right_stays_right(n, entry):
    blindset.assert_never_silent_and_right_stays_right(SETS, n, entry)


@pytest.mark.skipif(shutil.which("autoconf") is None, reason="needs autoconf")
def test_configures_test_program_that_cannot_find_mkl_at_run_time(tmp_path, mkl):
    # the forum of abinit, t=1560: configure linked its test with MKL's flags and could not run it
    import subprocess

    (tmp_path / "configure.ac").write_text("AC_INIT([probe], [1.0])\nAC_PROG_CC\nAC_OUTPUT\n")
    assert subprocess.run(["autoconf"], cwd=tmp_path).returncode == 0
    lib = mkl.debian_lib(mkl.debian_shared)
    args = ["./configure", f"LDFLAGS=-L{lib}", "LIBS=-Wl,--no-as-needed -lmkl_rt"]  # as a linalg option gives them
    code, log = run(args, tmp_path, clean_env())
    assert code != 0 and "cannot run C compiled programs" in log, log
    # configure's own words say only that: never "no problem found"
    assert {f.id for f in errors_of(log)} == {"unrecognised-failure"}, [flat(f) for f in errors_of(log)]
    # config.log has the loader's: configure's test program, and the folder on LD_LIBRARY_PATH for the run of configure
    finding = only_error((tmp_path / "config.log").read_text())
    assert finding.id == "loader-cannot-find" and finding.fix[0].startswith("./conftest is configure's test"), flat(finding)
    code, log = run(args, tmp_path, clean_env(LD_LIBRARY_PATH=str(lib)))
    assert code == 0, log


def test_glibcs_words_for_thread_local_data_of_a_library_opened_late():
    # GPAW's notes for HPC2N's Akka: MKL 10's shared libraries in Python; linking MKL statically fixed it
    [finding] = errors_of("cannot allocate memory for thread-local data: ABORT\n")
    assert finding.id == "static-tls-exhausted" and any("static archives" in line for line in finding.fix), flat(finding)


def test_a_link_that_wrote_lib_into_l(tmp_path, mkl):
    # the forum of abinit, t=722: --with-linalg-libs="... -llibmkl_intel_lp64 -llibmkl_sequential -llibmkl_core"
    [finding] = errors_of("ld: cannot find -llibmkl_intel_lp64\n")
    assert finding.fix[0] == "-lmkl_intel_lp64, not -llibmkl_intel_lp64", flat(finding)
    # produced with gcc against Debian's MKL, and the name it offers links
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    lib = mkl.debian_lib(mkl.debian_shared)
    code, log = run(["gcc", "m.c", f"-L{lib}", "-llibmkl_rt"], tmp_path, clean_env())
    assert code != 0 and "-llibmkl_rt" in log, log
    produced = only_error(log)
    assert produced.fix[0] == "-lmkl_rt, not -llibmkl_rt", flat(produced)
    code, log = run(["gcc", "m.c", f"-L{lib}", "-lmkl_rt"], tmp_path, clean_env())
    assert code == 0, log


def test_a_crash_in_mkls_blacs_functions_names_no_library():
    # the forum of abinit, t=4504: UCX's backtrace, MKLMPI_Comm_size under mkl_blacs_init, no layer's file named
    log = ("==== backtrace ====\n 1 0x0000000000097201 PMPI_Comm_size()  ???:0\n 2 0x0000000000029de9 MKLMPI_Comm_size()  ???:0\n"
           " 3 0x0000000000027fb1 mkl_blacs_init()  ???:0\n 6 0x00000000000181ce blacs_gridinit_()  ???:0\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-blacs-mpi-mismatch" and "-lmkl_blacs_openmpi_lp64 for Open MPI" in finding.fix[0], flat(finding)


def test_a_programs_own_check_of_its_lapack():
    # the forum of abinit, t=1000: ABINIT's normev on the MKL of Intel 11.1.046
    log = ("normev : BUG\n   Starting xnorm should be close to one (tol is 0.001).\n"
           "   It might be that your LAPACK library has not been correctly installed.\n")
    assert [f.id for f in errors_of(log)] == ["unrecognised-failure"]  # no MKL in the log: a failure, not MKL's
    [mkl_named] = errors_of('with_linalg_flavor="mkl"\n' + log)
    assert mkl_named.id == "results-wrong-with-mkl", flat(mkl_named)


def test_a_workspace_query_below_the_routines_minimum():
    # PyTorch's geqrf kernel: the query may return an lwork below n, which MKL's ?geqrf then rejects (max(n, queried))
    [finding] = errors_of("Intel MKL ERROR: Parameter 7 was incorrect on entry to SGEQRF.\n")
    assert finding.id == "mkl-parameter-error" and "?geqrf's LWORK >= N" in flat(finding), flat(finding)


def test_a_configure_that_takes_linker_words_only():
    # the forum of abinit, t=361: MKL's archives by their paths in --with-linalg-libs
    [finding] = errors_of("configure: error: invalid library statement in with_linalg_libs: "
                          "/usr/local/intel-11.1.056/mkl/lib/em64t/libmkl_intel_lp64.a\n")
    assert finding.id == "configure-library-item-refused", flat(finding)
    assert finding.fix[0].startswith('--with-linalg-libs="-L/usr/local/intel-11.1.056/mkl/lib/em64t -lmkl_intel_lp64'), \
        finding.fix


def test_mkls_blacs_beside_a_packages_stub_blacs():
    # the forum of abinit, t=3561 (link) and t=2235 (run): BigDFT's blacs_fake.o beside MKL's BLACS layer
    link = ("/opt/intel/mkl/lib/intel64/libmkl_blacs_lp64.a(blacs_gridinfo_.o): In function `blacs_gridinfo_':\n"
            "../../../../scalapack/BLACS/SRC/MPI/blacs_gridinfo_.c:(.text+0x0): multiple definition of `blacs_gridinfo_'\n"
            "/home/u/abinit/fallbacks/exports/lib/libbigdft-1.a(blacs_fake.o):/home/u/bigdft/src/modules/blacs_fake.f90:21: "
            "first defined here\n")
    [twice] = errors_of(link)
    assert twice.id == "mkl-api-defined-twice" and "BLACS's blacs_gridinfo_" in twice.title, flat(twice)
    assert "libbigdft-1.a" in flat(twice) and twice.fix[0].startswith("keep one BLACS"), flat(twice)
    [stub] = errors_of("FAKE BLACS_GRIDINIT\n")
    assert stub.id == "blacs-stub-called", flat(stub)


def test_a_mail_fill_that_moved_the_c_librarys_words_after_a_header(tmp_path):
    # bart#207 as a mail or a forum fills it at 72 columns: "fatal error: mkl.h:" / "No such file or directory"
    import textwrap

    (tmp_path / "m.c").write_text("#include <mkl.h>\nint main(void) { return 0; }\n")
    code, log = run(["gcc", "-c", "m.c"], tmp_path, clean_env())
    head = next(text for text in log.splitlines() if "fatal error: mkl.h" in text).split(" No such file")[0]
    folder = "d" * (72 - len(head) - 1)  # a folder's name whose length puts the fill's break just before "No such file"
    (tmp_path / folder).mkdir()
    (tmp_path / folder / "m.c").write_text((tmp_path / "m.c").read_text())
    code, log = run(["gcc", "-c", f"{folder}/m.c"], tmp_path, clean_env())
    assert code != 0 and "No such file" in log, log
    filled = "\n".join(textwrap.fill(text, 72) for text in log.splitlines())
    assert "mkl.h:\nNo such file" in filled, filled
    assert only_error(log).id == only_error(filled).id == "mkl-header-not-found", filled


def test_a_binary_of_mkl_2020_copied_to_a_machine_without_its_environment():
    # akrr's notes: NWChem 6.8 built with Intel 2018, run on another machine; compilervars.sh intel64 fixed it
    [finding] = errors_of("/home/u/nwchem-6.8/bin/LINUX64/nwchem: error while loading shared libraries: libmkl_intel_ilp64.so: "
                          "cannot open shared object file: No such file or directory\n")
    assert any("compilervars.sh intel64" in line for line in finding.fix), finding.fix
    # a oneAPI release's versioned name keeps oneAPI's script, not Parallel Studio's
    [oneapi] = errors_of("./a.out: error while loading shared libraries: libmkl_intel_ilp64.so.2: "
                         "cannot open shared object file\n")
    assert any("setvars.sh" in line for line in oneapi.fix) and not any("compilervars" in line for line in oneapi.fix), oneapi.fix


LINALG_AC = """AC_INIT([probe], [1.0])
AC_PROG_CC
AC_ARG_WITH([linalg-libs], [AS_HELP_STRING([--with-linalg-libs], [libraries])], [LIBS="$withval $LIBS"])
AC_MSG_CHECKING([whether linear algebra libraries work])
AC_LINK_IFELSE([AC_LANG_CALL([], [dgemm_])], [AC_MSG_RESULT([yes])],
               [AC_MSG_RESULT([no]); AC_MSG_ERROR([no working linear algebra libraries have been found])])
AC_OUTPUT
"""


@pytest.mark.skipif(shutil.which("autoconf") is None, reason="needs autoconf")
def test_a_configures_own_check_of_its_linear_algebra(tmp_path, mkl):
    # the forum of abinit, t=1618 (MKL given in FC_LDFLAGS, not in --with-linalg-libs) and t=2931: its check said no
    import subprocess

    (tmp_path / "configure.ac").write_text(LINALG_AC)
    assert subprocess.run(["autoconf"], cwd=tmp_path).returncode == 0
    lib = mkl.debian_lib(mkl.debian_shared)
    code, log = run(["./configure", "--with-linalg-libs=-lmkl_rt"], tmp_path, clean_env())
    assert code != 0 and "checking whether linear algebra libraries work... no" in log, log
    finding = only_error(log)
    assert finding.id == "configure-check-failed" and "config.log" in finding.fix[0], flat(finding)
    assert any("no working linear algebra libraries" in line and "consequence" in line
               for line in finding.evidence), flat(finding)
    # config.log has the linker's words, and MKL's line in the option passes the check
    assert only_error((tmp_path / "config.log").read_text()).id == "library-not-found"
    code, log = run(["./configure", f"--with-linalg-libs=-L{lib} -lmkl_rt"], tmp_path, clean_env())
    assert code == 0 and "linear algebra libraries work... yes" in log, log


def test_a_fill_that_cut_a_compilers_message_after_its_place(tmp_path, mkl):
    # arrayfire#3180 and ginkgo#1717 as a mail fills them: "solve.cpp:124:12:" / "error: invalid conversion ..."
    import textwrap

    folder = "d" * (70 - len("/m.cpp:2:38:"))  # the place ends at column 70: the fill moves "error: ..." down
    (tmp_path / folder).mkdir()
    (tmp_path / folder / "m.cpp").write_text("#include <mkl.h>\nint main(void) { return LAPACKE_dgesv(1, 2); }\n")
    code, log = run(["g++", "-c", f"-I{mkl.pip / 'include'}", f"{folder}/m.cpp"], tmp_path, clean_env())
    assert code != 0 and f"{folder}/m.cpp:2:38: error: too few arguments" in log, log
    filled = "\n".join(textwrap.fill(text, 72) for text in log.splitlines())
    assert f"{folder}/m.cpp:2:38:\nerror: too few" in filled, filled
    assert only_error(log).id == only_error(filled).id == "mkl-api-changed", filled
    # and CMake's head, "CMake Error at" with the file's place under it (MKLConfig.cmake under vcpkg, filled)
    [cmake] = errors_of("CMake Error at\nC:/vcpkg/installed/x64-windows/share/mkl/MKLConfig.cmake:103 (message):\n"
                        "  Unsupported MKL_INTERFACE\n")
    assert "CMake Error at C:/vcpkg/installed/x64-windows/share/mkl/MKLConfig.cmake:103" in flat(cmake), flat(cmake)


@pytest.mark.parametrize(("n", "fragment"), [(10, "mklrt-wheel-lacks-libmkl_def-amd-cpu-block2-128"),
                                             (10, "macos-numpy-mismatch-libiomp5-rpath-jep-300"),
                                             (11, "linux-link-inline-c-makemaker-drops-liomp5-kmpc-48")])
def test_mkls_own_message_filled_by_a_mail_reads_as_printed(n, fragment):
    # "INTEL MKL ERROR:" / its path / "cannot open shared object file", dlopen's argument list cut after its comma, and
    # "undefined symbol:" / the name
    blindset.assert_fill_reads_as_printed(n, fragment)


def test_a_dependency_ld_did_not_find_and_the_versioned_names_it_gives(tmp_path):
    # lorrax's notes: libmpi.so's fi_getinfo@FABRIC_1.1 undefined, libfabric on LD_LIBRARY_PATH only; one failure
    dep = tmp_path / "fabric"
    dep.mkdir()
    (tmp_path / "dep.c").write_text("int fi_getinfo(void) { return 1; }\n")
    (tmp_path / "dep.map").write_text("FABRIC_1.1 { global: fi_getinfo; local: *; };\n")
    (tmp_path / "mpi.c").write_text("int fi_getinfo(void);\nint mpi_x(void) { return fi_getinfo(); }\n")
    (tmp_path / "main.c").write_text("int mpi_x(void);\nint main(void) { return mpi_x(); }\n")
    for argv in (["gcc", "-shared", "-fPIC", "-o", "fabric/libfabric.so.1", "dep.c", "-Wl,-soname,libfabric.so.1",
                  "-Wl,--version-script=dep.map"], ["ln", "-s", "libfabric.so.1", "fabric/libfabric.so"],
                 ["gcc", "-shared", "-fPIC", "-o", "libmpi.so", "mpi.c", "-Lfabric", "-lfabric"]):
        assert run(argv, tmp_path, clean_env())[0] == 0
    code, log = run(["gcc", "-o", "app", "main.c", "-L.", "-lmpi"], tmp_path, clean_env())
    assert code != 0 and "undefined reference to `fi_getinfo@FABRIC_1.1'" in log, log
    finding = only_error(log)
    assert finding.id == "needed-library-not-found" and "fi_getinfo@FABRIC_1.1" in finding.title, flat(finding)
    assert "-Wl,-rpath-link," in finding.fix[0]
    code, log = run(["gcc", "-o", "app", "main.c", "-L.", "-lmpi", "-Wl,-rpath-link,fabric"], tmp_path, clean_env())
    assert code == 0, log
