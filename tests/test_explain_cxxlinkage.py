"""MKL's C name referenced with C++ linkage, produced with g++ against the pinned MKL: GNU ld's demangled words, its
--no-demangle name, lld's block; the fix (MKL's own header, extern "C") links. A C++ function of the project's own in the
same words is not MKL's."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.test_explain_families import errors_of, flat

OWN = ("void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*, const int*, "
       "const double*, const int*, const double*, double*, const int*);\n")
CALL = ("int main() { double a[4] = {1, 0, 0, 1}, b[4] = {1, 2, 3, 4}, c[4]; int n = 2; double one = 1, zero = 0;\n"
        "  dgemm_(\"N\", \"N\", &n, &n, &n, &one, a, &n, b, &n, &zero, c, &n); return 0; }\n")


def _link(tmp_path, mkl, declaration: str, *flags: str) -> subprocess.CompletedProcess:
    (tmp_path / "m.cpp").write_text(declaration + CALL)
    return subprocess.run(["g++", "m.cpp", "-o", "m", f"-I{mkl.pip}/include", *flags, str(mkl.pip_lib / "libmkl_rt.so.3"),
                           f"-Wl,-rpath,{mkl.pip_lib}"], cwd=tmp_path, capture_output=True, text=True)


@pytest.mark.parametrize("flags", [(), ("-Wl,--no-demangle",), ("-fuse-ld=lld",)])
def test_an_own_declaration_without_extern_c(tmp_path, mkl, flags):
    if flags == ("-fuse-ld=lld",) and shutil.which("ld.lld") is None:
        pytest.skip("needs lld")
    failed = _link(tmp_path, mkl, OWN, *flags)
    assert failed.returncode != 0, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-cxx-linkage" and finding.title.startswith("dgemm_ referenced with C++ linkage"), flat(finding)
    (tmp_path / "h.cpp").write_text('#include "mkl.h"\n' + CALL.replace("dgemm_(", "dgemm("))  # the name the header declares
    assert "dgemm(" in finding.fix[0] and subprocess.run(["g++", "h.cpp", "-o", "h", f"-I{mkl.pip}/include", str(mkl.pip_lib / "libmkl_rt.so.3")],
                                                       cwd=tmp_path).returncode == 0
    assert _link(tmp_path, mkl, 'extern "C" ' + OWN).returncode == 0


def test_the_projects_own_cxx_function_is_not_mkls(tmp_path):
    (tmp_path / "o.cpp").write_text("void solve(const double*, int);\nint main() { double x = 0; solve(&x, 1); return 0; }\n")
    failed = subprocess.run(["g++", "o.cpp", "-o", "o"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0
    assert all(f.id != "mkl-cxx-linkage" for f in errors_of(failed.stderr)), failed.stderr
