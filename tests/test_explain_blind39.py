"""The classes of the thirty-ninth blind set (tests/data/explain_corpus/blind39.json), repository files that quote an
error as their authors cut it: the loader's 'cannot open' elided or wrapped, MKL's Cannot load and ld's cannot find
without their tools' prefixes, two lines a paste joined with '...', a name quoted in 'undefined symbol 'X'', ld64's
block cut after 'referenced from:', LNK1104 with its name elided, Windows' STATUS_DLL_NOT_FOUND alone, MKL's FFTW3
wrappers beside FFTW's own library, MKL's BLACS layer without MPI at run time (produced here with the pinned wheel's
layer), a crash after MKL's SSE4.2 notice, and a bare 'undefined symbol' of a name programs call (a link's)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.test_explain_families import errors_of, flat


def _ids(log: str) -> list[str]:
    return [f.id for f in errors_of(log)]


def test_quotes_cut_by_their_authors():
    assert _ids("libmkl_intel_lp64.so.2: cannot open...\n") == ["loader-cannot-find"]
    assert _ids("libmkl_intel_thread.so.2: cannot open ...\n") == ["loader-cannot-find"]
    [wrapped] = errors_of("INTEL oneMKL ERROR: .../libmkl_avx512.so.2: cannot open shared object\n  file\n"
                          "Intel oneMKL FATAL ERROR: Cannot load libmkl_avx512.so.2 or\n  libmkl_def.so.2.\n")
    assert wrapped.id == "mkl-cannot-load-kernels" and wrapped.title.endswith("libmkl_avx512.so.2, libmkl_def.so.2"), flat(wrapped)
    assert _ids("Cannot load libmkl_intel_thread.so\n") == ["openmp-runtime-missing"]
    [elided] = errors_of("LNK1104: cannot open file 'mkl_...'\n")
    assert elided.id == "msvc-library-not-found" and "setvars.bat" in elided.fix[0], flat(elided)
    assert _ids("STATUS_DLL_NOT_FOUND (0xC0000135)\n") == ["windows-library-not-loaded"]


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is needed to link")
def test_lds_words_without_its_name_and_joined_by_an_elision(tmp_path):
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    linked = subprocess.run(["gcc", "m.c", "-o", "m", "-liomp5_not_here"], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    said = next(line for line in linked.stderr.splitlines() if "cannot find -liomp5_not_here" in line)
    bare = said.split("ld: ", 1)[1]  # as a page quotes it: "cannot find -liomp5_not_here: No such file or directory"
    [finding] = errors_of(bare + "\n")
    assert finding.id == "library-not-found" and "iomp5_not_here" in finding.title, flat(finding)
    [joined] = errors_of(f"Linking CXX shared library lib/libtorch_cpu.so ... {said}\n")
    assert joined.id == "library-not-found", flat(joined)


def test_a_quoted_name_and_an_ld64_block_cut_short():
    [finding] = errors_of("libmkl_blacs_intelmpi_lp64.so: undefined symbol 'MPI_Finalize'\n")
    assert finding.id == "mkl-cluster-needs-mpi" and "mpiicc" in finding.fix[0], flat(finding)
    log = ('    error: linking with `cc` failed: exit status: 1\n    ...\n              Undefined symbols for architecture arm64:\n'
           '                "_cblas_cgemm", referenced from: ...\n')
    [arm] = errors_of(log)
    assert arm.id == "mkl-symbol-unresolved" and "Accelerate" in arm.fix[0], flat(arm)


@pytest.mark.mkl
def test_mkls_blacs_layer_loaded_without_mpi(mkl, tmp_path):
    """The pinned wheel's BLACS layer for Intel MPI names no MPI library as a dependency: opened with RTLD_NOW where no
    MPI is loaded, the loader refuses it on its first MPI name (Python's own message, produced here)."""
    blacs = next(mkl.pip_lib.glob("libmkl_blacs_intelmpi_lp64.so.*"))
    run = subprocess.run([sys.executable, "-c", f"import ctypes, os; ctypes.CDLL({str(blacs)!r}, mode=os.RTLD_NOW)"],
                         capture_output=True, text=True, env={**os.environ, "LD_PRELOAD": ""})
    assert run.returncode != 0 and "undefined symbol: MPI_" in run.stderr, run.stderr
    [finding] = errors_of(run.stderr)
    assert finding.id == "mkl-cluster-needs-mpi" and "Intel MPI" in finding.title, flat(finding)


def test_mkls_fftw3_wrappers_beside_fftws_own_library():
    log = ("libfftw3.a (apiplan.o): In function `fftw_destroy_plan’:\n"
           "apiplan.c:(.text+0x430): multiple definition of `fftw_destroy_plan’\n"
           "mkl/lib/intel64/libmkl_intel_lp64.a(fftw_destroy_panl.o):fftw_destroy_plan.c(.text+0x0): first defined here\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-api-defined-twice" and "libmkl_intel_lp64.a" in finding.title, flat(finding)
    assert finding.fix[0].startswith("keep one FFTW3: drop -lfftw3")
    # a name MKL does not define stays an unrecognised line, never an undefined one
    assert _ids("x.c:(.text+0x10): multiple definition of `my_helper’\n") == ["unrecognised-failure"]


def test_a_crash_after_mkls_sse42_notice_and_a_bare_undefined_api_name():
    [crash] = errors_of("Intel MKL WARNING: ... SSE4.2 ... deprecated\n[...]\nzsh: segmentation fault run-pycat\n")
    assert "Rosetta 2" in crash.title and "platform.machine()" in crash.fix[0], flat(crash)
    [link] = errors_of("undefined symbol: cblas_sgemm\n")
    assert link.id == "mkl-symbol-unresolved", flat(link)
    [alone] = errors_of("undefined symbol: mkl_blas_dgemm\n")
    assert alone.id == "mkl-core-not-visible" and any("ctypes.CDLL('libmkl_rt.so.2'" in line for line in alone.fix), flat(alone)


def test_a_windows_kernels_number_names_its_release():
    [finding] = errors_of("Intel MKL FATAL ERROR: Cannot load mkl_avx2.1.dll or mkl_def.1.dll\n")
    assert finding.id == "mkl-cannot-load-kernels" and "MKL 2021.1.1 to 2021.4.0" in flat(finding), flat(finding)
    assert finding.fix[0].startswith("copy MKL's kernels") and "mkl==2021.4.0" in finding.fix[1]


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is needed to link")
def test_a_paste_whose_selection_started_inside_its_first_word(tmp_path):
    """The real linker's lines, pasted from a selection that began one to three characters into the first one: the head
    is made whole ("defined reference to" is ld's "undefined reference to"); a first line that only looks like a cut
    head's tail ("resolved 3 packages") is left as it is."""
    (tmp_path / "m.c").write_text("void dgemm_(void);\nint main(void) { dgemm_(); return 0; }\n")
    linked = subprocess.run(["gcc", "m.c", "-o", "m"], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    line = next(x for x in linked.stderr.splitlines() if "undefined reference to" in x)
    said = line[line.index("undefined reference to"):]
    whole = [f.id for f in errors_of(said + "\n")]
    assert whole == ["mkl-symbol-unresolved"], whole
    for cut in (1, 2, 3):
        assert [f.id for f in errors_of(said[cut:] + "\n")] == whole, said[cut:]
    assert errors_of("resolved 3 packages\n") == []
