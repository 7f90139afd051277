"""The classes of the twenty-fourth blind set (tests/data/explain_corpus/blind24.json), produced here where they can run.

- MKL's threading control called by its Fortran spelling with the count by value (MKL.jl#67: libblastrampoline before
  #32): a program that looks up mkl_set_num_threads in the pinned wheel's libmkl_rt and passes 4 crashes in gdb, and
  the C spelling the fix names, MKL_Set_Num_Threads, runs;
- MKL's kernels shown present by the log's own ls (TurboTransformers#84): the real ls's columns of a folder that holds
  them, under MKL's "Cannot load" line;
- public text: a kernel that needs a name of MKL's core, from a numpy built without libmkl_core (spack-stack#1437).
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.test_explain_families import errors_of, flat

SET_THREADS = """\
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv) {
  void *rt = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
  if (!rt) { puts(dlerror()); return 2; }
  void (*set)(long) = (void (*)(long))dlsym(rt, argv[2]);
  set(4);
  puts("ok");
  return 0;
}
"""


@pytest.mark.mkl
@pytest.mark.skipif(not shutil.which("gdb"), reason="gdb is not installed (dev/test installs it)")
def test_mkls_thread_count_by_value_to_its_fortran_spelling(mkl, tmp_path):
    (tmp_path / "s.c").write_text(SET_THREADS)
    subprocess.run(["gcc", "s.c", "-o", "s", "-ldl"], cwd=tmp_path, check=True)
    lib = mkl.pip_lib
    rt = str(next(lib.glob("libmkl_rt.so.*")))
    env = {"LD_LIBRARY_PATH": str(lib), "PATH": "/usr/bin:/bin"}
    crashed = subprocess.run(["gdb", "-q", "-batch", "-ex", "run", "-ex", "bt", "--args", "./s", rt, "mkl_set_num_threads"],
                             cwd=tmp_path, capture_output=True, text=True, env=env)
    assert "SIGSEGV" in crashed.stdout, crashed.stdout + crashed.stderr
    [finding] = errors_of(crashed.stdout + crashed.stderr)
    assert finding.id == "mkl-crash" and "Fortran spelling" in finding.title, flat(finding)
    assert "MKL_Set_Num_Threads" in finding.fix[0]
    # the fix: the C spelling takes the count by value
    ran = subprocess.run(["./s", rt, "MKL_Set_Num_Threads"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert ran.returncode == 0 and ran.stdout.strip() == "ok", ran.stdout + ran.stderr
    # and the library exports the plain lower-case name at the Fortran entry's address, as the finding says
    symbols = subprocess.run(["nm", "-D", "--defined-only", rt], capture_output=True, text=True, check=True).stdout
    at = {name: addr for addr, _, name in (line.split() for line in symbols.splitlines() if len(line.split()) == 3)}
    assert at["mkl_set_num_threads"] == at["MKL_SET_NUM_THREADS"] != at["MKL_Set_Num_Threads"]


def test_kernels_the_logs_own_listing_shows_are_not_missing_files(tmp_path):
    folder = tmp_path / "intel64_lin"
    folder.mkdir()
    for name in ("libmkl_avx2.so", "libmkl_avx512.so", "libmkl_core.so", "libmkl_def.so", "libmkl_intel_lp64.so",
                 "libmkl_mc3.so", "libmkl_rt.so", "libmkl_sequential.so", "libmkl_vml_avx512.so", "libmkl_vml_def.so"):
        (folder / name).write_bytes(b"")
    listing = subprocess.run(["ls", "-C", str(folder)], capture_output=True, text=True, env={"COLUMNS": "80"}, check=True).stdout
    assert "libmkl_def.so" in listing and "  " in listing, listing
    log = f"Intel MKL FATAL ERROR: Cannot load libmkl_avx512.so or libmkl_def.so.\n[...]\n# ls $LD_LIBRARY_PATH\n{listing}"
    [finding] = errors_of(log)
    assert finding.id == "mkl-core-not-visible" and "listing shows the files there" in finding.title, flat(finding)
    assert finding.fix[0].startswith("link the module that uses MKL with libmkl_rt")
    assert not any(line.startswith("first see whether the kernel is there") for line in finding.fix)
    # the same line without the listing: whether the file is there comes first
    [alone] = errors_of("Intel MKL FATAL ERROR: Cannot load libmkl_avx512.so or libmkl_def.so.\n")
    assert alone.fix[0].startswith("first see whether the kernel is there")


def test_a_kernel_that_needs_the_core_names_the_modules_link():
    [finding] = errors_of("libmkl_def.so.2: undefined symbol: mkl_sparse_optimize_bsr_trsm_i8\n")
    assert finding.id == "mkl-core-not-visible" and "linked without libmkl_core" in finding.title, flat(finding)
    assert any(line.startswith("see which of MKL's layers the module") and "readelf -d" in line for line in finding.fix)


# -- read after blind24, from the residuals of earlier sets ---------------------------------------------------------------


def test_pytorchs_caffe2_mkl_names_without_their_folder(tmp_path):
    # pytorch/audio#2784, k2#1031, onnxruntime#9170: the real ld's words for the set torch's CMake config hands on
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    linked = subprocess.run(["gcc", "m.c", "-o", "m", "-lmkl_intel_ilp64", "-lmkl_core", "-lmkl_intel_thread"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert linked.returncode != 0 and "-lmkl_intel_ilp64" in linked.stderr, linked.stderr
    [finding] = errors_of(linked.stderr)
    assert finding.id == "library-not-found" and finding.fix[0].startswith("a project that links libtorch"), flat(finding)
    assert "pytorch#89359" in finding.fix[0] and any("caffe2::mkl" in line for line in finding.evidence)
    # another set of MKL's names: not torch's
    [other] = errors_of(linked.stderr.replace("mkl_intel_ilp64", "mkl_intel_lp64"))
    assert not other.fix[0].startswith("a project that links libtorch")
    # a build not meant to use MKL is named among the fixes (spack#8555: plasma's makefile defaults)
    assert any(line.startswith("or, if the build is not meant to use MKL") for line in other.fix)


def test_a_symbol_lookup_error_that_names_no_library_asks_ldd_of_the_program():
    # mxnet#3581's shape: LD_DEBUG's own line, with no library named. Its scalable_malloc is a name MKL looks up as optional,
    # which every working run records so (tests/test_explain_ld_debug.py): no failure; a name nothing defines is one
    assert not errors_of("     62803: python: error: symbol lookup error: undefined symbol: scalable_malloc (fatal)\n")
    [finding] = errors_of("     62803: python: error: symbol lookup error: undefined symbol: my_missing_helper (fatal)\n")
    assert finding.id == "runtime-symbol-missing", flat(finding)
    assert "ldd ''" not in flat(finding) and any(line.startswith("ldd ./your-program") for line in finding.fix)


def test_a_julia_session_with_python_that_crashed_without_frames():
    # PyPlot.jl#385: a Julia built on MKL, numpy's BLAS beside it, and no frame printed
    log = ("julia> using PyPlot\njulia> x = 1:10;\njulia> plot(x)\nsignal (11): Segmentation fault\n"
           "in expression starting at no file:0\nSegmentation fault (core dumped)\n")
    [finding] = errors_of(log)
    assert finding.id == "program-crashed" and "after loading PyPlot" in finding.title, flat(finding)
    assert "BLAS.get_config()" in finding.fix[0]
    # no Python in the session: the plain crash
    [plain] = errors_of(log.replace("julia> using PyPlot\n", "julia> using Plots\n"))
    assert "cannot tell" in plain.title


def test_a_rust_build_scripts_pkg_config_probe_for_mkls_pc_file():
    # the pkg-config crate's words under cargo's build-script failure, and system-deps' one line
    log = ("error: failed to run custom build command for `intel-mkl-sys v0.2.0`\n\nCaused by:\n  process didn't exit "
           "successfully: `/t/build/intel-mkl-sys-1/build-script-build` (exit status: 101)\n  --- stderr\n"
           "  The system library `mkl-dynamic-lp64-iomp` required by crate `intel-mkl-sys` was not found.\n"
           "  The file `mkl-dynamic-lp64-iomp.pc` needs to be installed and the PKG_CONFIG_PATH environment variable must "
           "contain its parent directory.\n  The PKG_CONFIG_PATH environment variable is not set.\n")
    [finding] = errors_of(log)
    assert finding.id == "cargo-mkl-pc-not-found" and "mkl-dynamic-lp64-iomp.pc" in finding.title, flat(finding)
    assert "PKG_CONFIG_PATH" in finding.fix[0] and "cargo clean -p intel-mkl-sys" in finding.fix[0]
    [deps] = errors_of("error: could not find system library 'mkl-static-lp64-iomp' required by the 'intel-mkl-sys' crate\n")
    assert deps.id == "cargo-mkl-pc-not-found"
    # another library's .pc is not MKL's
    [other] = errors_of("error: could not find system library 'openssl' required by the 'openssl-sys' crate\n")
    assert other.id == "unrecognised-failure"


def test_the_crashed_threading_controls_own_c_spelling_is_named():
    log = ("signal (11): Segmentation fault: 11\nin expression starting at REPL[7]:1\n"
           "MKL_SET_DYNAMIC at /Users/u/.julia/artifacts/x/lib/libmkl_intel_ilp64.1.dylib (unknown line)\n")
    [finding] = errors_of(log)
    said = "\n".join(finding.evidence)
    assert "C's is MKL_Set_Dynamic" in said and "mkl_set_dynamic macro" in said and "MKL_Set_Num_Threads(n)" not in said, said
    assert finding.fix[1] == "meanwhile set it before the program starts: MKL_DYNAMIC=FALSE"
