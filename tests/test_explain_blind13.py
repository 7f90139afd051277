"""The classes of the thirteenth blind set (tests/data/explain_corpus/blind13.json), produced here where they can run.

- a makefile that turns MKL on with ``-I$(MKLROOT)/include`` where MKLROOT is unset (JanThorbecke/OpenSource#5): gcc's
  real ``fatal error: mkl_dfti.h`` after ``-I/include``, read through a pasted log's Markdown marks; MKLROOT set to the
  pinned wheel's prefix compiles;
- a compile line of a terminal's width followed by the compiler's own diagnostic stays two lines.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.test_explain_families import clean_env, errors_of, flat

MAKEFILE = "CFLAGS = -O2 -DMKL -I$(MKLROOT)/include -I$(MKLROOT)/include/fftw\nfft.o: fft.c\n\tgcc -c $(CFLAGS) fft.c -o fft.o\n"


def test_an_empty_mklroot_in_a_makefile_is_said_and_setting_it_compiles(tmp_path, mkl):
    (tmp_path / "Makefile").write_text(MAKEFILE)
    (tmp_path / "fft.c").write_text('#include "mkl_dfti.h"\nint main(void) { return 0; }\n')
    env = clean_env()
    env.pop("MKLROOT", None)
    failed = subprocess.run(["make"], cwd=tmp_path, env=env, capture_output=True, text=True)
    log = failed.stdout + failed.stderr
    assert failed.returncode != 0 and "-I/include" in log and "mkl_dfti.h" in log, log
    for pasted in (log, log.replace("fft.c:1:10: fatal", ". fft.c:1:10: fatal").replace("directory\n", "directory**\n", 1)):
        [finding] = errors_of(pasted)
        assert finding.id == "mkl-header-not-found", flat(finding)
        assert "MKLROOT" in finding.fix[0] and "-I/include" in flat(finding)
    fixed = subprocess.run(["make", f"MKLROOT={mkl.pip}"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr


def test_a_compile_line_of_a_wrap_width_and_the_diagnostic_after_it_stay_two_lines():
    command = "mpicc -c -Wall -fPIC -I../../include mklmpi-impl.c -o obj_lp64/mklmpi-impl.o"
    command += " " * (80 - len(command))  # the width a terminal cut it at
    from mkldoctor.explain import lines
    import io

    got = list(lines.logical_lines(io.BytesIO(f"{command}\nmklmpi-impl.c:87:25: error: expected expression\n".encode())))
    assert got == [command, "mklmpi-impl.c:87:25: error: expected expression"]


DOUBLE_FREE = "#include <stdlib.h>\nint main(void) { float *x = malloc(64); free(x); free(x); return 0; }\n"


def test_a_heap_glibc_found_corrupted_is_a_crash_and_in_a_pardiso_run_its_arrays_are_read(tmp_path):
    """glibc's own abort for a corrupted heap (GALAHAD#121 ended so, after PARDISO ran in double precision on float
    arrays) is a crash, never silent; in a log that names PARDISO the arrays PARDISO read come first, the precision
    first when the log says single."""
    (tmp_path / "t.c").write_text(DOUBLE_FREE)
    assert subprocess.run(["gcc", "-O0", "t.c", "-o", "pardiso_single"], cwd=tmp_path).returncode == 0
    ran = subprocess.run(["./pardiso_single"], cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode != 0 and "double free" in ran.stderr, ran.stderr
    [plain] = errors_of(ran.stderr)
    assert plain.id == "program-crashed", flat(plain)
    [named] = errors_of(f"user@host:~/build$ ./pardiso_single\n{ran.stderr}")
    assert named.id == "mkl-pardiso-arrays" and "iparm(1) = 0" in named.fix[0], flat(named)
    # a Python wrapper's call of pardiso and an access violation (PyPardiso#77): the index width first
    [wrapped] = errors_of("... in _call_pardiso\n  self._mkl_pardiso( ...\nOSError: exception: access violation reading 0x1B50671E300\n")
    assert wrapped.id == "mkl-pardiso-arrays" and "pardiso_64" in wrapped.fix[0]
