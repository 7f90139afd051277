"""The classes of the forty-seventh blind set (tests/data/explain_corpus/blind47.json), produced here where they can run:
a link line the shell ran as commands (make with a ';' list of MKL's libraries: NWChem's forum), MPI's names with no MPI
on the link, CTest's list of tests that died of a signal, LAPACK's status written in 32 bits into a 64-bit integer (MKL's
LP64 dgesv called with a 64-bit info: NWChem's 'dgesv failed -4294967296'); and from public texts: oneMKL's SYCL API that
could not allocate (IPEX-LLM's notes), PETSc's configure given a prefix and a list (spack#4341), Ipopt's configure that
enables MKL's Pardiso by itself (parPE#67), Nix's auto-patchelf (nixpkgs#334940)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_explain_families import errors_of, failed, flat
from tests.test_explain_heldback_linux import findings_of

BLIND47 = {e["id"]: e["log"] for e in json.loads(
    (Path(__file__).parent / "data/explain_corpus/blind47.json").read_text())["entries"]}



@pytest.mark.mkl
def test_a_link_line_written_as_a_list_is_run_by_the_shell(tmp_path, mkl):
    """make runs its recipe through /bin/sh: a BLASOPT of ';'-separated parts (a CMake list) ends the link at the first
    ';', and the shell runs MKL's libraries and the options after it as commands."""
    (tmp_path / "call.c").write_text("int main(void) { return 0; }\n")
    lib = mkl.pip_lib
    core = sorted(lib.glob("libmkl_core.so.*"))[0]
    (tmp_path / "Makefile").write_text(
        f"BLASOPT = -L{lib};{core};-Wl,--end-group;-lmkl_sequential\n"
        "call: call.c\n\tgcc call.c -o call $(BLASOPT)\n")
    log = failed(["make"], tmp_path)
    assert core.name in log and ("not found" in log or "denied" in log or "fault" in log), log
    [finding] = errors_of(log)
    assert finding.id == "link-line-run-as-commands" and "MKL libraries" in finding.title, flat(finding)
    assert any("';'" in line for line in finding.fix)


def test_the_shells_words_for_a_library_it_ran(tmp_path):
    """bash's report of a library that crashed as a command, its refusal of one without the x bit, dash's words for an
    option, and NWChem's log (libtool given half of the line first)."""
    lines = ("/bin/sh: line 1: 23346 Segmentation fault      /opt/intel/mkl/lib/intel64/libmkl_core.so\n",
             "/bin/sh: /usr/lib64/libpthread.so: Permission denied\n", "/bin/sh: 1: -lmkl_core: not found\n")
    for line in lines:
        [finding] = errors_of(line)
        assert finding.id == "link-line-run-as-commands", (line, flat(finding))
    [finding] = errors_of(BLIND47["linux-link-blasopt-semicolon-list-libtool-mkl-nwchem-forum-3495"])
    assert finding.id == "link-line-run-as-commands" and "you must specify an output file" in flat(finding), flat(finding)
    # a program of the user's that crashed is a crash, not a split line
    assert errors_of("/bin/sh: line 1: 4242 Segmentation fault      ./solver input.dat\n")[0].id != "link-line-run-as-commands"


def test_mpis_names_with_no_mpi_on_the_link(tmp_path):
    """The program's own objects call MPI (ompi_mpi_char is Open MPI's mpi.h's MPI_CHAR) and the link has no MPI library:
    NWChem's LIBMPI given MKL's line (its forum, thread 1330)."""
    (tmp_path / "m.c").write_text("extern int MPI_Alltoall(void);\nextern char ompi_mpi_char;\n"
                                  "int main(void) { return MPI_Alltoall() + ompi_mpi_char; }\n")
    log = failed(["gcc", "m.c", "-o", "m", "-lm"], tmp_path)
    [finding] = errors_of(log)
    assert finding.id == "mpi-not-linked" and "MPI_Alltoall" in finding.title, flat(finding)
    assert "Open MPI" in flat(finding) and any("mpicc" in line for line in finding.fix)
    [finding] = errors_of(BLIND47["linux-link-mkl-link-line-in-libmpi-undefined-mpi-symbols-nwchem-awc-1330"])
    assert finding.id == "mpi-not-linked" and any("BLASOPT" in line for line in finding.fix), flat(finding)


@pytest.mark.skipif(shutil.which("ctest") is None, reason="needs cmake's ctest")
def test_ctests_list_of_tests_that_died_of_a_signal(tmp_path):
    (tmp_path / "crash.c").write_text("#include <signal.h>\nint main(void) { raise(SIGSEGV); return 0; }\n")
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(p C)\nenable_testing()\n"
                                             "add_executable(crash crash.c)\nadd_test(NAME MathsTest-vector COMMAND crash)\n")
    subprocess.run(["cmake", "-S", ".", "-B", "build"], cwd=tmp_path, check=True, capture_output=True, timeout=300)
    subprocess.run(["cmake", "--build", "build"], cwd=tmp_path, check=True, capture_output=True, timeout=300)
    log = failed(["ctest", "--test-dir", "build"], tmp_path)
    assert "(SEGFAULT)" in log and "SegFault" in log, log
    [finding] = errors_of(log)
    assert finding.id == "program-crashed" and "MathsTest-vector" in finding.title, flat(finding)
    assert errors_of(BLIND47["runtime-ilp64-segfault-openmeeg-252"])[0].id == "program-crashed"


@pytest.mark.mkl
def test_a_lapack_status_written_in_32_bits_into_a_64_bit_integer(tmp_path, mkl):
    """MKL's LP64 dgesv called by code built for 64-bit integers (NWChem without make 64_to_32): its info of 0 lands in
    the low half of an integer that held -1, which the caller prints as -4294967296."""
    (tmp_path / "s.c").write_text(
        "#include <stdio.h>\n#include <stdint.h>\n"
        "extern void dgesv_(const int*, const int*, double*, const int*, int*, double*, const int*, int64_t*);\n"
        "int main(void) { int n = 2, one = 1, ipiv[2]; double a[4] = {2, 0, 0, 2}, b[2] = {1, 1}; int64_t info = -1;\n"
        "  dgesv_(&n, &one, a, &n, ipiv, b, &n, &info);\n"
        "  if (info != 0) { printf(\"ga_iter_lsolve: dgesv failed %10ld\\n\", (long) info); return 1; } return 0; }\n")
    lib = mkl.pip_lib
    subprocess.run(["gcc", "s.c", "-o", "s", f"-L{lib}", f"-Wl,-rpath,{lib}", "-l:" + sorted(lib.glob("libmkl_rt.so.*"))[0].name],
                   cwd=tmp_path, check=True, capture_output=True, timeout=300)
    log = failed(["./s"], tmp_path)
    assert "-4294967296" in log, log
    [finding] = errors_of(log)
    assert finding.id == "integers-read-wrong-width" and "a status of 0" in flat(finding), flat(finding)
    assert any("64_to_32" in line for line in finding.fix)  # NWChem's words in the log: its own settings
    # a large negative number that is no LAPACK status, and one whose low half is not small, are none
    assert not errors_of("allocated -4294967296 bytes\n") or errors_of("allocated -4294967296 bytes\n")[0].id != "integers-read-wrong-width"
    assert all(f.id != "integers-read-wrong-width" for f in errors_of("dgesv failed -4294000000\n"))


def test_onemkl_sycl_could_not_allocate():
    [finding] = errors_of(BLIND47["mkl-runtime-onemkl-gemm-cannot-allocate-host-pip-oneapi-ipexllm-llamacpp-quickstart"])
    assert finding.id == "onemkl-sycl-allocation-failed" and "blas::gemm" in finding.title, flat(finding)
    assert "could not create an engine" in flat(finding) and any("pip" in line for line in finding.fix)
    [alone] = errors_of("could not create an engine\n")  # oneDNN's words alone: said, as what no rule explains
    assert alone.id == "unrecognised-failure"


def test_configure_scripts_own_checks_of_mkl():
    [petsc] = errors_of(BLIND47["cmake-petsc-scalapack-dir-and-lib-both-mkl-spack-pr4341"])
    assert petsc.id == "configure-options-conflict" and "scalapack" in petsc.title, flat(petsc)
    assert any("--with-scalapack-lib=" in line and "mkl_scalapack" in line for line in petsc.fix)
    [ipopt] = errors_of(BLIND47["linux-link-ipopt-configure-forces-mkl-pardiso-static-mkl2017-parpe-67"])
    assert ipopt.id == "configure-pardiso-rejected", flat(ipopt)
    assert any("--disable-pardisomkl" in line for line in ipopt.fix) and "empty" in flat(ipopt)


def test_nix_auto_patchelf_with_mkl_as_the_blas_provider():
    [finding] = errors_of(BLIND47["linux-loader-magma-tests-libgfortran-missing-mkl-blasprovider-nixpkgs-334940"])
    assert finding.id == "nix-dependency-unsatisfied" and "libgfortran.so.5" in finding.title, flat(finding)
    assert any("gfortran.cc.lib" in line for line in finding.fix) and any("blasProvider" in line for line in finding.fix)
    assert "615 dependencies" in flat(finding)  # the count line is its consequence, not an error of its own


@pytest.mark.mkl
def test_one_command_with_64_bit_integers_and_mkls_lp64_layer(tmp_path, mkl):
    """make's echo of a build that compiles for MKL's ILP64 interface (-DMKL_ILP64) and links its LP64 layer; a configure
    line asking for 8-byte BLAS beside it (NWChem's forum, thread 1602); a line naming both layers is a list of choices."""
    lib = mkl.pip_lib
    (tmp_path / "s.c").write_text("#include <mkl.h>\nint main(void) { MKL_INT n = 2; return (int) n; }\n")
    (tmp_path / "Makefile").write_text(
        f"s: s.c\n\tgcc -DMKL_ILP64 -I{mkl.pip / 'include'} s.c -o s -L{lib} -lmkl_intel_lp64 -lmkl_sequential "
        "-lmkl_core -lpthread -lm -ldl && ./s\n")
    log = failed(["make"], tmp_path)
    finding = next(f for f in findings_of(log) if f.id == "lp64-with-64-bit-integers")
    assert "-DMKL_ILP64" in finding.title and "mkl_intel_lp64" in finding.title, flat(finding)
    [nwchem] = findings_of(BLIND47["linux-link-mkl-lp64-with-blas8-pulay-singularity-nwchem-forum-1602"])
    assert nwchem.id == "lp64-with-64-bit-integers" and "--with-blas8" in nwchem.title
    assert not findings_of("choose -lmkl_intel_lp64, or -DMKL_ILP64 with -lmkl_intel_ilp64\n")


def test_words_of_failures_no_rule_reads_are_said():
    """'cannot allocate' and 'could not create' (oneMKL's and oneDNN's words, blind47's silent ipex-llm notes) in lines no
    rule reads are failures said as unrecognised, never 'no problem found'."""
    for line in ("cufft plan: cannot allocate memory for the work area\n", "dnnl: could not create a memory object\n"):
        assert [f.id for f in errors_of(line)] == ["unrecognised-failure"], line


def test_nwchems_allocator_given_an_unknown_datatype():
    """NWChem's 'MA sizeof: invalid datatype' with BLAS_SIZE=4 and MKL's ILP64 libraries (its forum, thread 1776)."""
    [finding] = errors_of(BLIND47["mkl-runtime-ma-sizeof-invalid-datatype-ilp64-mkl-blas-size-4-nwchem-awc-1776"])
    assert finding.id == "nwchem-integer-size-mismatch" and any("BLAS_SIZE=8" in line for line in finding.fix), flat(finding)
