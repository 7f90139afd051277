"""Round 13 of raw public pastes (issue threads of 2024 to 2026 read without their causes, none used before): what was
read wrong in them, as the paste showed it."""

from __future__ import annotations

from tests.test_explain_families import errors_of, flat

MKL_FFT_105 = r"""Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
  File "C:\...\lib\site-packages\numpy\__init__.py", line 165, in <module>
    from . import fft
  File "C:\...\lib\site-packages\numpy\fft\__init__.py", line 216, in <module>
    import mkl_fft._numpy_fft as _nfft
  File "C:\...\lib\site-packages\mkl_fft\__init__.py", line 27, in <module>
    from ._pydfti import (fft, ifft, fft2, ifft2, fftn, ifftn, rfft, irfft,
  File "mkl_fft\\_pydfti.pyx", line 32, in init mkl_fft._pydfti
AttributeError: partially initialized module 'numpy' has no attribute '__version__' (most likely due to a circular import)
"""


def test_an_mkl_fft_made_for_another_numpy_imported_by_numpys_own_import():
    """IntelPython/mkl_fft#105: numpy 1.23.5's import of mkl_fft, whose newer release reads numpy.__version__ while numpy
    starts: read as 'the tool's own MKL support crashed ... update the tool'."""
    [finding] = errors_of(MKL_FFT_105)
    assert finding.id == "package-code-raised" and "made for another numpy" in finding.title, flat(finding)
    assert finding.fix[0].startswith("install the two as one channel's pair"), finding.fix


AMICI_1270 = """abort 0x00007fff6ea4f808
__kmp_abort_process 0x0000000120d34440
__kmp_fatal 0x0000000120cf5d17
__kmp_register_library_startup() 0x0000000120cfd500
__kmp_do_serial_initialize() 0x0000000120cf6362
__kmp_get_global_thread_id_reg 0x0000000120cf6321
"""
DLBFOAM_4 = ("could not open file mkl_lapack.h for source file ODESolvers/seulex_LAPACK/seulex_LAPACK.C due to No such "
             "file or directory\n")
SEXTRACTOR_65 = """checking whether INTEL's MKL is enabled... yes
checking for gcc... icc
checking whether the C compiler works... no
configure: error: in `/home/u/sextractor-2.25.0':
configure: error: C compiler cannot create executables
See `config.log' for more details
"""


def test_the_openmp_runtimes_startup_check_in_a_crash_reports_frames():
    """AMICI#1270: macOS's crash report, __kmp_fatal under __kmp_register_library_startup (OMP Error #15's check, its
    message not shown): nothing was said."""
    [finding] = errors_of(AMICI_1270)
    assert finding.id == "openmp-duplicate" and "another copy of itself" in finding.title, flat(finding)
    assert "OMP: Error #15:" not in finding.evidence[0], finding.evidence  # no message the log does not show
    assert not errors_of("__kmp_register_library_startup() 0x0000000120cfd500\n")  # the frame alone: no such check said


def test_openfoams_wmkdep_without_mkls_header():
    """DLBFoam#4: OpenFOAM's wmkdep could not open mkl_lapack.h for a source: nothing was said."""
    [finding] = errors_of(DLBFOAM_4)
    assert finding.id == "mkl-header-not-found" and "mkl_lapack.h" in finding.title, flat(finding)


def test_configure_with_icc_that_cannot_build_its_test_program():
    """astromatic/sextractor#65: configure took icc ('checking for gcc... icc') and could not build with it: an
    unrecognised error."""
    [finding] = errors_of(SEXTRACTOR_65)
    assert finding.id == "intel-compiler-test-failed" and "icc" in finding.title, flat(finding)


def test_make_ran_mkls_include_flag_as_the_command(tmp_path):
    """easyblocks PR #2221: Quantum ESPRESSO's make.inc without CPP, so make ran 'I<imkl>/mkl/include' (its '-' taken as
    'ignore errors'): read as a project's search for MKL. Produced with make (its 'No such file or directory'; make 3.8x
    said 'Command not found', as the paste did)."""
    import subprocess

    (tmp_path / "Makefile").write_text("CPP =\nall:\n\t$(CPP) -I/opt/intel/oneapi/mkl/latest/include -D__MPI laxlib.h "
                                       "-o laxlib.fh\n")
    done = subprocess.run(["make"], cwd=tmp_path, capture_output=True, text=True)
    log = done.stdout + done.stderr
    assert "Error 127 (ignored)" in log, log
    for said in (log, "make[1]: I/software/imkl/2020.1.217-gompi-2020a/mkl/include: Command not found\n"):
        [finding] = errors_of(said)
        assert finding.id == "make-program-variable-empty" and "include as the command" in finding.title, flat(finding)
        assert "CPP = cpp -P -traditional" in finding.fix[0], finding.fix
