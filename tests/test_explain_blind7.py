"""The classes of the seventh blind set (tests/data/explain_corpus/blind7.json), each produced here where it can run:
a linker option given to gcc without -Wl, (libCEED#402's Makefile), a static link whose C library archives are not where ld
looks (xtb#39's -static on a system without glibc-static: ld given an empty sysroot), a zero increment handed to
cblas_dgemv (ndarray#1085's broadcast vector), NaN handed to DGELSD (numpy#17835's lstsq). Each is run with its fix, and the
fix holds."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.test_explain_families import clean_env, errors_of, flat

GEMV = textwrap.dedent(
    """
    import ctypes, sys
    rt = ctypes.CDLL(sys.argv[1])
    incx = int(sys.argv[2])
    a, x, y = (ctypes.c_double * 9)(*([1.0] * 9)), (ctypes.c_double * 3)(1.0, 2.0, 3.0), (ctypes.c_double * 3)()
    rt.cblas_dgemv.argtypes = [ctypes.c_int] * 4 + [ctypes.c_double, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p,
                                                    ctypes.c_int, ctypes.c_double, ctypes.c_void_p, ctypes.c_int]
    rt.cblas_dgemv(101, 111, 3, 3, 1.0, a, 3, x, incx, 0.0, y, 1)  # row major, no transpose
    print("y", list(y))
    """
)

GELSD = textwrap.dedent(
    """
    import ctypes, sys
    rt = ctypes.CDLL(sys.argv[1])
    v = float(sys.argv[2])
    i = lambda n: ctypes.byref(ctypes.c_int(n))
    a, b, s = (ctypes.c_double * 9)(*([v] * 9)), (ctypes.c_double * 3)(*([v] * 3)), (ctypes.c_double * 3)()
    rank, info = ctypes.c_int(), ctypes.c_int()
    work, iwork = (ctypes.c_double * 1000)(), (ctypes.c_int * 1000)()
    rt.dgelsd_(i(3), i(3), i(1), a, i(3), b, i(3), s, ctypes.byref(ctypes.c_double(-1.0)), ctypes.byref(rank), work, i(1000),
               iwork, ctypes.byref(info))
    print("info", info.value)
    """
)


def _run(cmd: list[str], cwd) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace", timeout=120)


def _object(tmp_path):
    (tmp_path / "x.c").write_text("int main(void) { return 0; }\n")
    _run(["gcc", "-c", "x.c", "-o", "x.o"], tmp_path).check_returncode()


def test_a_linker_option_without_wl_is_named_and_the_wl_form_links(tmp_path):
    _object(tmp_path)
    bare = _run(["gcc", "x.o", "-o", "x", "--no-as-needed", "-lm"], tmp_path)
    assert bare.returncode != 0 and "--no-as-needed" in bare.stdout, bare.stdout
    [finding] = errors_of(bare.stdout)
    assert finding.id == "linker-option-to-driver" and "--no-as-needed" in finding.title
    assert "-Wl,--no-as-needed" in finding.fix[0]
    fixed = _run(["gcc", "x.o", "-o", "x", "-Wl,--no-as-needed", "-lm"], tmp_path)
    assert fixed.returncode == 0, fixed.stdout


def test_a_static_link_without_the_c_librarys_archives_is_not_told_to_install_mkl(tmp_path):
    _object(tmp_path)
    (tmp_path / "empty").mkdir()
    line = ["ld", "-static", f"--sysroot={tmp_path / 'empty'}", "x.o", "-o", "xs", "-lm"]
    failed = _run(line, tmp_path)
    assert failed.returncode != 0 and "cannot find -lm" in failed.stdout, failed.stdout
    log = " ".join(line) + "\n" + failed.stdout  # the command as a build log shows it, then ld's words
    [finding] = errors_of(log)
    assert finding.id == "libc-library-not-found" and "-static" in finding.title, (finding.id, finding.title)
    assert "glibc-static" in finding.fix[0] and "install-mkl" not in flat(finding) and not finding.recipes
    # without -static in the log: the development files, still not MKL
    [plain] = errors_of(failed.stdout)
    assert plain.id == "libc-library-not-found" and "development files" in plain.title


@pytest.mark.mkl
def test_a_zero_increment_is_named_before_the_integer_size(tmp_path, mkl):
    (tmp_path / "gemv.py").write_text(GEMV)
    rt = str(mkl.pip_lib / "libmkl_rt.so.3")
    done = _run([sys.executable, "gemv.py", rt, "0"], tmp_path)
    assert "Parameter 9 was incorrect on entry to cblas_dgemv" in done.stdout, done.stdout
    [finding] = errors_of(done.stdout)
    assert finding.id == "mkl-parameter-error" and "(INCX," in finding.title
    assert "INCX is 0" in finding.evidence[1] and "must not be 0" in finding.fix[0]
    done = _run([sys.executable, "gemv.py", rt, "1"], tmp_path)  # the fix: a real stride
    assert done.stdout.strip() == "y [6.0, 6.0, 6.0]", done.stdout


@pytest.mark.mkl
def test_nan_handed_to_a_least_squares_driver_is_named_as_nan(tmp_path, mkl):
    (tmp_path / "gelsd.py").write_text(GELSD)
    rt = str(mkl.pip_lib / "libmkl_rt.so.3")
    done = _run([sys.executable, "gelsd.py", rt, "nan"], tmp_path)
    assert "Parameter 4 was incorrect on entry to DGELSD" in done.stdout and "info -4" in done.stdout, done.stdout
    [finding] = errors_of(done.stdout)
    assert finding.id == "mkl-parameter-error" and "NaN" in finding.fix[0]
    assert _run([sys.executable, "gelsd.py", rt, "1.5"], tmp_path).stdout.strip() == "info 0"


def test_numpys_words_for_lapacks_scaling_step_name_nan():
    [finding] = errors_of("ValueError: On entry to DLASCL parameter number 4 had an illegal value\n")
    assert finding.id == "mkl-parameter-error" and "CFROM" in finding.title and "NaN" in finding.fix[0]
