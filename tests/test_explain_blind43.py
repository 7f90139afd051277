"""The classes of the forty-third blind set (tests/data/explain_corpus/blind43.json): MKL's argument check quoted without its
prefix (a project's notes: BAGEL's 'Parameter 9 was incorrect on entry to cblas_dgemm' from a degenerate active space,
ChIMES' cblas_dgemv), ld's words in a sentence's case ('Cannot find -lmkl_rt', a Windows build note)."""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from pathlib import Path

from tests.test_explain_families import clean_env, errors_of, flat, run

EMPTY_GEMM_C = textwrap.dedent(
    """
    #include <mkl_cblas.h>
    int main(void) {  /* an active space with no virtual orbitals: a product of matrices with no columns, lda 0 */
        double a[1] = {0}, b[1] = {0}, c[1] = {0};
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 0, 0, 0, 1.0, a, 0, b, 1, 0.0, c, 1);
        return 0;
    }
    """
)


def test_mkls_argument_check_quoted_without_its_prefix(tmp_path, mkl):
    """A real MKL rejects an empty matrix's leading dimension of 0; the same line without 'Intel MKL ERROR: ' (as a
    project's notes or a program relaying MKL's output quote it) is read as MKL's argument check, not passed over."""
    (tmp_path / "empty.c").write_text(EMPTY_GEMM_C)
    subprocess.run(["gcc", "empty.c", "-o", "empty", f"-I{mkl.pip}/include", str(mkl.pip_lib / "libmkl_rt.so.3"),
                    f"-Wl,-rpath,{mkl.pip_lib}"], cwd=tmp_path, check=True)
    rc, log = run(["./empty"], tmp_path, clean_env())
    said = re.search(r"Intel (?:one)?MKL ERROR: (Parameter 9 was incorrect on entry to cblas_dgemm\.?)", log)
    assert said, log
    for quoted in (said.group(0), said.group(1) + "\ndsyev/pdsyevd failed in Matrix\n"):
        [finding] = errors_of(quoted)
        assert finding.id == "mkl-parameter-error" and "parameter 9 of cblas_dgemm" in finding.title, flat(finding)
        assert "empty matrix" in finding.fix[0], flat(finding)
    # the relayed line amid a solver's own output: the argument check, and the solver's NaN as its consequence
    log = ("Warning: normalize should not be used with chimes_lsq\n[...]\nParameter 7 was incorrect on entry to cblas_dgemv\n"
           "[...]\nRMS Error: -nan\nNumber of vars: 0\n")
    assert [f.id for f in errors_of(log)] == ["mkl-parameter-error"]


def test_lds_words_in_a_sentences_case():
    [finding] = errors_of("Cannot find -lmkl_rt\n")
    assert finding.id == "library-not-found" and "-lmkl_rt" in finding.title, flat(finding)


def test_msvc_names_defined_twice_by_the_kind_of_library():
    """link.exe's LNK2005 (the OpenSees fork's notes): MKL's static core beside its DLLs' import libraries, the first line
    wrapped by the notes' author; a BLAS beside MKL's; OpenMP's names from Intel's runtime and Microsoft's; and a name of
    no MKL library (the C runtime's /MT against /MD) left to the unrecognised lines."""
    log = ("mkl_core.lib(mkl_verbose.obj) : error LNK2005: mkl_serv_verbose_mode already\n"
           "    defined in mkl_intel_thread_dll.lib(mkl_intel_thread.3.dll)\n"
           "mkl_core.lib(mkl_xerbla.obj)  : error LNK2005: mkl_serv_xerbla already defined ...\n"
           "ladruno_cms_mumps_check.exe : fatal error LNK1169: one or more multiply defined\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-link-kinds-mixed" and "mkl_core.lib" in finding.title and "mkl_intel_thread_dll.lib" in finding.title
    assert "LAPACK_LIBRARIES" in finding.fix[1] and "LNK1169" in flat(finding), flat(finding)
    blas = "libopenblas.lib(dgemm.obj) : error LNK2005: dgemm_ already defined in mkl_intel_lp64.lib(_dgemm.obj)\n"
    [finding] = errors_of(blas)
    assert finding.id == "mkl-api-defined-twice" and "libopenblas.lib" in finding.fix[0], flat(finding)
    omp = "libiomp5md.lib(libiomp5md.dll) : error LNK2005: omp_get_num_threads already defined in vcomp.lib(VCOMP140.dll)\n"
    [finding] = errors_of(omp)
    assert finding.id == "openmp-linked-twice" and "/NODEFAULTLIB:vcomp.lib" in finding.fix[0], flat(finding)
    crt = ('LIBCMT.lib(exe_main.obj) : error LNK2005: "int __cdecl main(void)" (?main@@YAHXZ) already defined in main.obj\n')
    assert [f.id for f in errors_of(crt)] == ["unrecognised-failure"]


def test_the_intel_compilers_runtime_a_link_cannot_open(tmp_path):
    """Windows (the OpenSees fork's notes): ifconsol.lib, Intel Fortran's runtime that MKL's ScaLAPACK and BLACS libraries
    ask for; Linux, produced here: a real ld told -lifcore, with no Intel compiler's folder on the line."""
    [finding] = errors_of("LINK : fatal error LNK1104: cannot open file 'ifconsol.lib'\n")
    assert finding.id == "intel-compiler-runtime-not-found" and "Fortran" in finding.title, flat(finding)
    assert "setvars.bat" in finding.fix[0] and "mkl_blacs_" in finding.fix[2]
    assert errors_of("LINK : fatal error LNK1104: cannot open file 'libmmd.lib'\n")[0].id == "intel-compiler-runtime-not-found"
    (tmp_path / "f.c").write_text("int main(void) { return 0; }\n")
    done = subprocess.run(["gcc", "f.c", "-lifcore"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "-lifcore" in done.stderr, done.stderr
    [finding] = errors_of(done.stderr)
    assert finding.id == "library-not-found" and "Intel Fortran" in flat(finding), flat(finding)
    assert "setvars.sh" in finding.fix[0] and "pip install intel-fortran-rt" in finding.fix[1], flat(finding)


def test_a_linker_scripts_group_member_of_another_architecture(tmp_path):
    """MKL 10's libmkl_em64t.a was a linker script, GROUP (libmkl_intel_lp64.a ...): ld searches the -L folders for each
    member by file name, skips one of another architecture and then says 'cannot find libmkl_intel_lp64.a' (the BLOPEX
    wiki's link against MKL 10.1's lib/64, its Itanium folder). Produced here with real ld: an s390x archive in a folder
    named as MKL 10's, behind a linker script, on an x86-64 link."""
    lib = tmp_path / "mkl" / "10.1.1.019" / "lib" / "64"
    lib.mkdir(parents=True)
    (tmp_path / "k.s").write_text(".text\n.globl dgemm_\ndgemm_:\n br %r14\n")
    subprocess.run(["s390x-linux-gnu-as", "k.s", "-o", "k.o"], cwd=tmp_path, check=True)
    subprocess.run(["ar", "rcs", str(lib / "libmkl_intel_lp64.a"), "k.o"], cwd=tmp_path, check=True)
    (lib / "libmkl_em64t.a").write_text("GROUP (libmkl_intel_lp64.a)\n")
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    done = subprocess.run(["gcc", "m.c", f"-L{lib}", "-lmkl_em64t"], cwd=tmp_path, capture_output=True, text=True)
    assert "when searching for libmkl_intel_lp64.a" in done.stderr and "cannot find libmkl_intel_lp64.a" in done.stderr
    for log in (done.stderr, done.stderr.replace("/usr/bin/ld", "usr/bin/ld", 1)):  # a paste that lost its first character
        [finding] = errors_of(log)
        assert finding.id == "library-incompatible" and "Itanium" in flat(finding), flat(finding)
        assert f"-L{lib.parent / 'em64t'} in place of -L{lib}" in finding.fix[0], flat(finding)
        assert "no such file" not in flat(finding)


def test_a_symbolic_link_kept_as_a_text_file(tmp_path):
    """TensorFlow's bundled MKL folder sometimes held libiomp5.so as a text file naming its target (the Alliance wiki):
    the loader's 'invalid ELF header', produced here with Python's ctypes on such a file; the fix names the relink."""
    import sys

    # a target's name longer than an ELF header reads as a wrong header; a shorter one as a file cut short
    for target, said in (("../../_solib_local/_U_S_Smkl_Ulinux_Slib/external/mkl_linux/lib/libiomp5.so", "invalid ELF header"),
                         ("libiomp5.so.5", "file too short")):
        (tmp_path / "libiomp5.so").write_text(target)
        done = subprocess.run([sys.executable, "-c", f"import ctypes; ctypes.CDLL({str(tmp_path / 'libiomp5.so')!r})"],
                              capture_output=True, text=True)
        assert said in done.stderr, done.stderr
        [finding] = errors_of(done.stderr)
        assert finding.id == "library-wrong-platform", flat(finding)
        assert any('ln -sf "$(cat libiomp5.so)" libiomp5.so' in line for line in finding.fix), flat(finding)


def test_two_copies_of_one_openmp_runtime_in_a_python_process(tmp_path, mkl):
    """TensorFlow's bundled libiomp5.so beside the system's (the Alliance wiki's scikit-image note): produced here with two
    copies of the MKL wheel's libiomp5.so in two folders, each opened by Python; the fix keeps one copy (a link to the
    other), before the link line's advice."""
    import shutil
    import sys

    for folder in ("tensorflow_solib", "system"):
        (tmp_path / folder).mkdir()
        shutil.copy(mkl.pip_lib / "libiomp5.so", tmp_path / folder / "libiomp5.so")
    call = ("import ctypes\nfor f in ('tensorflow_solib', 'system'):\n"
            "    ctypes.CDLL(f'{f}/libiomp5.so').omp_get_max_threads()\n")
    done = subprocess.run([sys.executable, "-c", call], cwd=tmp_path, capture_output=True, text=True)
    assert "OMP: Error #15: Initializing libiomp5.so, but found libiomp5.so already initialized" in done.stderr, done.stderr
    [finding] = errors_of(done.stderr)
    assert finding.id == "openmp-duplicate" and "two copies of libiomp5.so" in finding.title, flat(finding)
    assert "LD_DEBUG=files" in finding.fix[0] and "ln -sf" in finding.fix[1], flat(finding)


def test_a_program_that_tries_mkls_names_up_to_the_newest_it_knows():
    """DEVSIM's math library loader (a devsim user's notes: the environment had lost its mkl wheel): each BLAS it tried,
    then MKL up to the newest name it knows. The names and their releases are the table's: mkl_rt.2.dll is 2022 to 2025,
    and a release with a newer name is one it does not try."""
    from mkldoctor.knowledge import platforms

    log = ('Loading "libopenblas.dll": MISSING DLL\nLoading "liblapack.dll": MISSING DLL\nLoading "libblas.dll": MISSING DLL\n'
           'Could not find Intel MKL. The maximum tested version is "mkl_rt.2.dll"\n')
    [finding] = errors_of(log)
    names = platforms.file_names("mkl_rt", "windows")
    after = [n for n in names if n.file > "mkl_rt.2.dll" and n.file != "mkl_rt.dll"]
    assert finding.id == "mkl-rt-name-not-found" and "up to mkl_rt.2.dll" in finding.title, flat(finding)
    assert f'mkl<{after[0].span.split()[0]}' in finding.fix[0] and "Library\\bin" in finding.fix[0], flat(finding)
    assert any(after[0].file in line for line in finding.evidence) and "DEVSIM_MATH_LIBS" in finding.fix[1]


def test_a_library_that_carries_mkl_has_its_calls_bound_to_another_blas(tmp_path, mkl):
    """cp2k#5516 (blind set 44): the prebuilt libtorch_cpu.so links MKL in and leaves its MKL calls interposable; a BLAS in
    the global scope before it answers them. Produced here: a shared library built the way libtorch_cpu.so is (MKL's static
    archives linked into it), a program on it, and the system's reference BLAS (libblas.so.3, which R's package brings)
    preloaded: the loader's own LD_DEBUG=bindings line binds the library's cblas_dgemm to libblas."""
    import os

    reference = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    found = re.search(r"libblas\.so\.3 \(libc6,x86-64\) => (\S+)", reference)
    assert found, "libblas.so.3 (r-base-core's dependency libblas3) is not installed"
    (tmp_path / "torch.c").write_text(
        "#include <mkl_cblas.h>\nvoid torch_mm(double *a, double *b, double *c) {\n"
        "    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2);\n}\n")
    lib = mkl.pip_lib
    subprocess.run(["gcc", "-shared", "-fPIC", "torch.c", f"-I{mkl.pip}/include", "-o", "libtorch_cpu.so", "-Wl,--start-group",
                    str(lib / "libmkl_intel_lp64.a"), str(lib / "libmkl_sequential.a"), str(lib / "libmkl_core.a"),
                    "-Wl,--end-group", "-lpthread", "-lm", "-ldl"], cwd=tmp_path, check=True)
    (tmp_path / "app.c").write_text("void torch_mm(double*, double*, double*);\n"
                                    "int main(void) { double a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4]; torch_mm(a, b, c); return 0; }\n")
    subprocess.run(["gcc", "app.c", "-L.", "-ltorch_cpu", f"-Wl,-rpath,{tmp_path}", "-o", "app"], cwd=tmp_path, check=True)
    env = dict(os.environ, LD_PRELOAD=found.group(1), LD_DEBUG="bindings")
    done = subprocess.run(["./app"], cwd=tmp_path, env=env, capture_output=True, text=True)
    dump = done.stderr
    assert re.search(r"binding file \S+/libtorch_cpu\.so \[0\] to \S+libblas\.so\.3 \[0\]: normal symbol `cblas_dgemm'", dump), dump[-2000:]
    [finding] = errors_of(dump)  # thousands of bindings; one of them gives one BLAS's call to another
    assert finding.id == "blas-names-interposed" and "cblas_dgemm" in finding.title, flat(finding)
    assert "MKL calls are answered by reference BLAS/LAPACK" in finding.title and "RTLD_DEEPBIND" in finding.fix[1]
    # the same program with nothing preloaded: every binding is MKL's own, nothing is said
    env.pop("LD_PRELOAD")
    clean = subprocess.run(["./app"], cwd=tmp_path, env=env, capture_output=True, text=True).stderr
    assert "normal symbol" in clean and not errors_of(clean)


def test_apples_linker_skipping_each_library_of_one_architecture_is_one_finding():
    """fitswebqlse's link on arm64: ld skips five x86_64 files of oneAPI's MKL and IPP, one warning each; one failure."""
    log = next(e["log"] for e in json.loads((Path(__file__).parent / "data/explain_corpus/blind43.json").read_text())["entries"]
               if e["id"] == "mac-arm64-ld-ignoring-oneapi-mkl-ipp-x86_64-dylibs-undefined-symbols-fitswebqlse")
    [finding] = [f for f in errors_of(log) if f.id == "library-wrong-platform"]
    assert "libmkl_intel_lp64.dylib" in finding.title and "they are built for x86_64, and the link is arm64" in finding.title
    assert finding.fix[0].startswith("MKL has no arm64 build"), finding.fix
