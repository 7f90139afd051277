"""Words of a compiler driver or a shell that name an MKL file or a signal, produced here where they can run.

- an MKL library given to the driver by a bare file name without its ``lib`` (``mkl_blas95_lp64.a``): the real gcc looks
  for it in the current folder and stops; named as ``-L<lib> -lmkl_blas95_lp64`` the pinned wheel's archive is found.
  Intel's classic ifort says it as ``error #10236: File not found`` (public text: no ifort here);
- zsh's ``illegal hardware instruction`` (macOS's shell; an x86-64 Python under Rosetta 2 on Apple silicon).
"""

from __future__ import annotations

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
