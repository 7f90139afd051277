"""Blind set 186's misses (tests/data/explain_corpus/blind186.json, scored with the other sets in test_explain_blind173):
R's sessionInfo() naming libmkl_rt, whose default threading layer is Intel's OpenMP beside R's GCC one (mkl4deb#13), and
a Python package's setup.py that finds no BLAS in a pip environment (fdasrsf_python#41), produced here with pip."""

from __future__ import annotations

import os
import subprocess
import sys

from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

SESSION = ("R version 4.3.2 (2023-10-31)\nPlatform: x86_64-pc-linux-gnu (64-bit)\nRunning under: Ubuntu 22.04.3 LTS\n\n"
           "Matrix products: default\n{lines}\nlocale:\n [1] LC_CTYPE=en_US.UTF-8\n")


def test_r_on_libmkl_rt_with_its_default_threading_layer():
    """mkl4deb#13: sessionInfo() alone, BLAS/LAPACK /opt/intel's libmkl_rt.so, wrong results on large data; the cause was
    libmkl_rt's Intel OpenMP beside GCC's (#16: MKL_THREADING_LAYER=GNU fixed it). It was 'no problem found'."""
    said = [f for f in blindset.findings(blindset.log_of(blindset.entries(186), "mkl4deb")) if f.id == "r-mkl-rt-threading"]
    assert said and said[0].severity == "warning", [(f.id, f.title) for f in said]
    assert "libmkl_rt.so" in said[0].evidence[0] and "MKL_THREADING_LAYER=GNU" in said[0].fix[0], flat(said[0])
    assert "~/.Renviron" in said[0].fix[0], said[0].fix
    # blind set 62's R-help thread of draws that differ in their last digits (MKL's threads): the same warning, with CNR
    [draws] = [f for f in blindset.findings(blindset.log_of(blindset.entries(62), "mvrnorm")) if f.id == "r-mkl-rt-threading"]
    assert any("MKL_CBWR=AUTO,STRICT" in line for line in draws.fix), draws.fix
    # R 4's two lines, Debian's libmkl_rt.so through the system alternative's own path: the same warning
    debian = SESSION.format(lines="BLAS:   /usr/lib/x86_64-linux-gnu/libmkl_rt.so\nLAPACK: /usr/lib/x86_64-linux-gnu/libmkl_rt.so\n")
    assert [f.id for f in blindset.findings(debian)].count("r-mkl-rt-threading") == 1
    # MKL's layers linked by name (no libmkl_rt: the threading layer was chosen at link time), or OpenBLAS: no such warning
    for path in ("/opt/mkl/lib/libmkl_gf_lp64.so", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"):
        other = SESSION.format(lines=f"BLAS/LAPACK: {path}\n")
        assert "r-mkl-rt-threading" not in [f.id for f in blindset.findings(other)], path


def test_a_setup_py_that_finds_no_blas_in_the_environment(tmp_path):
    """fdasrsf_python#41: a setup.py that lists a folder for BLAS files and raises ValueError; produced here with pip's own
    words around it. The fixes were CMake's (-D variables, FindBLAS, CMakeCache.txt): now a BLAS into the environment."""
    package = tmp_path / "needsblas"
    (package / "blaslib").mkdir(parents=True)
    (package / "setup.py").write_text(
        "import os, re\nfrom setuptools import setup\n"
        "path_np = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'blaslib')\n"
        "if not [f for f in os.listdir(path_np) if re.search('blas', f)]:\n"
        "    raise ValueError(\"Could not locate MKL, OpenBLAS, BLIS, ATLAS or GSL libraries - you'll need to manually "
        "modify setup.py to add BLAS path.\")\nsetup(name='needsblas', version='0.1')\n")
    done = subprocess.run([sys.executable, "-m", "pip", "--isolated", "--disable-pip-version-check", "install", "--no-index",
                           "--no-build-isolation", "--no-deps", "--dry-run", str(package)],
                          env={**os.environ, "PIP_CONSTRAINT": "", "PIP_FIND_LINKS": ""}, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120)
    assert done.returncode != 0 and "ValueError: Could not locate MKL" in done.stdout, done.stdout
    for log in (done.stdout, blindset.log_of(blindset.entries(186), "fdasrsf")):
        said = only_error(log)
        assert said.id == "mkl-finder-failed" and any("own setup.py" in line for line in said.evidence), flat(said)
        assert "pip install mkl-devel" in said.fix[0] and not any("cmake" in line for line in said.fix), said.fix
    # a CMake finder's words keep CMake's fixes
    cmake = errors_of("CMake Error at cmake/FindMKL.cmake:40 (message):\n  MKL not found: set MKLROOT\n")
    assert any("cmake" in line for f in cmake for line in f.fix), [(f.id, f.fix) for f in cmake]
