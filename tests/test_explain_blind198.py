"""Blind set 198's misses (tests/data/explain_corpus/blind198.json, scored with the other sets in test_explain_blind173):
a program built without any BLAS (Marian's words), the C++ runtime's names at a link (produced with gcc and ld), MATLAB's
own code crashing in the MKL it ships, AVX code at load shown by a debugger, and MKL-DNN's library where its build
installed it (produced with ld)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests import blindset
from tests.test_explain_families import errors_of, failed, flat, only_error

ENTRIES = blindset.entries(198)


def test_a_program_built_without_any_blas():
    """bergamot-translator#469 (unrecognised): 'Marian must be compiled with a BLAS library', its ABORT's echo after it."""
    finding = only_error(blindset.log_of(ENTRIES, "marian-no-blas"))
    assert finding.id == "program-built-without-mkl" and "without a BLAS library" in finding.title, flat(finding)
    assert "-DUSE_STATIC_LIBS=OFF" in finding.fix[1], finding.fix
    # MKL alone left out keeps MKL's words; a status line that only says so is no failure
    fds = only_error("Error: MKL Library compile flag was not defined for ULMAT as pressure solver.\n")
    assert "without MKL" in fds.title, flat(fds)
    assert "program-built-without-mkl" not in [f.id for f in errors_of("-- Building without BLAS\n")]


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs g++")
def test_the_cxx_runtimes_names_at_a_link(tmp_path):
    """oneDNN#53 (partly: 'not MKL's names'): __cxa_throw_bad_array_new_length, GCC 4.9's, which an older libstdc++ first
    on the link's path lacks. Produced: a C++ library linked by gcc without libstdc++, then a program linked against it."""
    (tmp_path / "foo.cpp").write_text("#include <cstddef>\nextern \"C\" int foo(std::size_t n) { int *a = new int[n]; "
                                      "a[0] = 1; int r = a[0]; delete[] a; return r; }\n")
    (tmp_path / "main.c").write_text("int foo(unsigned long);\nint main(void) { return foo(3) - 1; }\n")
    subprocess.run(["g++", "-c", "-fPIC", "foo.cpp"], cwd=tmp_path, check=True)
    subprocess.run(["gcc", "-shared", "-o", "libfoo.so", "foo.o"], cwd=tmp_path, check=True)
    produced = failed(["gcc", "main.c", "-L.", "-lfoo", "-o", "m"], tmp_path)
    assert "undefined reference to `operator new[](unsigned long)'" in produced, produced
    finding = only_error(produced)
    assert finding.id == "cxx-runtime-symbol-missing" and "operator new[](unsigned long)" in finding.title, flat(finding)
    assert any("CXXABI_1.3.8" in e for e in finding.evidence) and "link with the C++ compiler" in finding.fix[2]
    said = only_error(blindset.log_of(ENTRIES, "old-libstdcxx"))
    assert said.id == "cxx-runtime-symbol-missing" and said.fix[0].startswith("see which libstdc++ the link takes"), flat(said)
    # a conda installation's lib folder on the line is named as the likely older libstdc++
    line = f"gcc main.c -L/opt/anaconda3/lib -lmkl_rt -L{tmp_path} -lfoo -o m\n" + produced
    assert any("/opt/anaconda3/lib, a conda installation's lib folder" in e for e in only_error(line).evidence)


def test_matlabs_own_code_in_the_mkl_it_ships():
    """Kilosort#199 (partly: read as a MEX file's calls): MATLAB's MAGMA called its own MKL's sgetf2 and crashed."""
    log = blindset.log_of(ENTRIES, "kilosort")
    finding = only_error(log)
    assert finding.id == "matlab-mkl-interposed" and "called by MATLAB's own code (libmwmagma" in finding.title, flat(finding)
    assert "BLAS_VERSION=<newer MKL>" in finding.fix[0], finding.fix
    # a MEX file on the stack: its calls bound to MATLAB's MKL, as before
    mex = log + "\n[ 13] 0x00007fe8b6c65ff9  /home/dprn/kilosort/mexGPUall.mexa64+00012345\n"
    assert "MEX or S-function's BLAS/LAPACK calls" in only_error(mex).title


def test_avx_code_at_load_shown_by_a_debugger():
    """openvino#387 (partly: MKL's variables and a rebuild): WinDbg shows vpxor ymm0 in MKLDNNPlugin at the stop."""
    finding = only_error(blindset.log_of(ENTRIES, "mkldnnplugin-avx"))
    assert finding.id == "mkl-illegal-instruction" and finding.title.endswith(": AVX code in MKLDNNPlugin"), flat(finding)
    assert finding.fix[0].startswith("run it on a CPU with AVX"), finding.fix
    plain = only_error("Illegal instruction (core dumped)\n")
    assert plain.title == "the program stopped on an instruction the CPU does not have", flat(plain)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_mkldnns_library_where_its_build_installed_it(tmp_path):
    """intel/caffe#286 (partly: read as MKL's): -lmkldnn in lib where the makefile said lib64. Produced with ld."""
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    produced = failed(["gcc", "main.c", "-lmkldnn"], tmp_path)
    assert "cannot find -lmkldnn" in produced, produced
    for log in (produced, blindset.log_of(ENTRIES, "lib-vs-lib64")):
        finding = only_error(log)
        assert finding.id == "library-not-found" and any("MKL-DNN's (oneDNN's)" in e for e in finding.evidence)
        assert "-DCMAKE_INSTALL_LIBDIR=lib" in finding.fix[-1] and not any("install MKL" in f for f in finding.fix)
    assert any("install MKL's development files" in f for f in only_error(produced.replace("mkldnn", "mkl_core")).fix)
