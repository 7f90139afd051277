"""Words of a compiler driver or a shell that name an MKL file or a signal, produced here where they can run.

- an MKL library given to the driver by a bare file name without its ``lib`` (``mkl_blas95_lp64.a``): the real gcc looks
  for it in the current folder and stops; named as ``-L<lib> -lmkl_blas95_lp64`` the pinned wheel's archive is found.
  Intel's classic ifort says it as ``error #10236: File not found`` (public text: no ifort here);
- a Makefile's ``$MKLROOT``, which make reads as ``$M`` and ``KLROOT`` (produced with the real make; ifort's and ifx's
  ``error #10236`` for it and for a 2023 release's folder in 2024's layout are public text);
- zsh's ``illegal hardware instruction`` (macOS's shell; an x86-64 Python under Rosetta 2 on Apple silicon).
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.test_explain_families import errors_of, flat


@pytest.mark.mkl
def test_an_mkl_library_by_a_bare_file_name(mkl, tmp_path):
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    failed = subprocess.run(["gcc", "main.c", "mkl_blas95_lp64.a", "-o", "main"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "mkl_blas95_lp64.a: No such file or directory" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-path-missing", flat(finding)
    assert finding.fix[0].startswith("name it as MKL's library: -L$MKLROOT/lib -lmkl_blas95_lp64"), finding.fix
    # the fix: the library by its name, from the folder that holds libmkl_blas95_lp64.a
    fixed = subprocess.run(["gcc", "main.c", f"-L{mkl.pip_lib}", "-Wl,--whole-archive", "-l:libmkl_blas95_lp64.a",
                            "-Wl,--no-whole-archive", "-Wl,--unresolved-symbols=ignore-all", "-o", "main"],
                           cwd=tmp_path, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr
    found = subprocess.run(["gcc", "main.c", f"-L{mkl.pip_lib}", "-lmkl_blas95_lp64", "-o", "main"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert found.returncode == 0, found.stderr  # -l finds lib<name>.a (nothing in it is needed, so nothing else is)
    [ifort] = errors_of("ifort: error #10236: File not found:  'mkl_blas95_lp64.a'\n")
    assert ifort.id == "mkl-path-missing" and ifort.fix[0] == finding.fix[0], flat(ifort)


def test_zshs_illegal_hardware_instruction():
    [finding] = errors_of('zsh: illegal hardware instruction  python -c "import numpy"\n')
    assert finding.id == "mkl-illegal-instruction", flat(finding)
    assert "Rosetta 2" in finding.evidence[-1] and finding.fix[0].startswith("on Apple silicon: an arm64 environment")


def test_a_header_error_whose_location_a_paste_cut(tmp_path):
    (tmp_path / "x.c").write_text("#include <mkl.h>\n")
    failed = subprocess.run(["gcc", "-c", "x.c"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "fatal error: mkl.h: No such file or directory" in failed.stderr, failed.stderr
    [whole] = errors_of(failed.stderr)
    cut = "\n".join(line.split(": ", 1)[1] if line.startswith("x.c:") else line for line in failed.stderr.splitlines())
    [finding] = errors_of(cut + "\n")
    assert whole.id == finding.id == "mkl-header-not-found" and "mkl.h" in finding.title, (flat(whole), flat(finding))


def test_a_makefiles_mklroot_read_as_dollar_m(tmp_path):
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    (tmp_path / "Makefile").write_text("app: main.c\n\tgcc main.c $MKLROOT/lib/intel64/libmkl_blas95_lp64.a -o app\n")
    failed = subprocess.run(["make"], cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "MKLROOT": "/opt/x"})
    log = failed.stdout + failed.stderr
    assert failed.returncode != 0 and "KLROOT/lib/intel64/libmkl_blas95_lp64.a" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-path-missing" and finding.fix[0].startswith("in the Makefile, write $(MKLROOT)"), flat(finding)
    # the fix: $(MKLROOT) is the environment's value
    (tmp_path / "Makefile").write_text("app: main.c\n\techo $(MKLROOT)/lib\n")
    fixed = subprocess.run(["make"], cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "MKLROOT": "/opt/x"})
    assert fixed.returncode == 0 and "/opt/x/lib" in fixed.stdout, fixed.stdout
    # ifort's words for it (public text), and a 2023 release's folder given in 2024's layout
    [ifort] = errors_of("ifort: error #10236: File not found:  'KLROOT/lib/intel64/libmkl_blas95_lp64.a'\n")
    assert ifort.fix[0] == finding.fix[0], flat(ifort)
    [ifx] = errors_of("ifx: error #10236: File not found: '/opt/intel/oneapi/mkl/2023.2.0/lib/libmkl_scalapack_lp64.a'\n")
    assert any("keeps its libraries in lib/intel64" in line for line in ifx.evidence), flat(ifx)
