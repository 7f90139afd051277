"""The classes of the eleventh blind set (tests/data/explain_corpus/blind11.json), produced here where they can run.

- ``-lmkl``, a name no MKL release has (MinkowskiEngine#266's setup.py): ld's real failure against the pip MKL's folder,
  and ``-lmkl_rt`` there links;
- a library with initial-exec thread-local storage opened by dlopen when glibc's static TLS surplus is spent
  (LightGBM#6509, aizynthfinder#30 with libgomp): the real dlerror, and the two fixes the finding offers, run;
- code written for MKL 2021.3's ``sgetrs_batch_strided`` (non-const arrays) compiled against oneMKL 2026.2's headers
  (arrayfire#3180): g++'s real error, and the same code against 2021.3's headers compiles;
- ``mkl_dcsrmm``, which oneMKL 2026.0 dropped (QMCPACK#5948), linked against the 2026.2 wheel: the real undefined
  reference, told as the name MKL no longer exports.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

from tests.test_explain_families import clean_env, errors_of, flat


def _sh(cmd: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=clean_env(**env), capture_output=True, text=True)


def test_dash_lmkl_names_no_mkl_library_and_lmkl_rt_links(mkl, tmp_path):
    (tmp_path / "x.c").write_text("extern double cblas_ddot(int, const double*, int, const double*, int);\n"
                                  "int main(void) { double a = 1; return (int)cblas_ddot(1, &a, 1, &a, 1) - 1; }\n")
    command = ["gcc", "x.c", f"-L{mkl.pip_lib}", "-lmkl", "-o", "x"]
    failed = _sh(command, tmp_path)
    assert failed.returncode != 0 and "cannot find -lmkl" in failed.stderr, failed.stderr
    [finding] = errors_of(" ".join(command) + "\n" + failed.stderr)
    assert finding.id == "library-not-found" and "no MKL release has such a library" in finding.title
    assert "-lmkl_rt" in finding.fix[0] and not any("find /" in f for f in finding.fix)
    devel = tmp_path / "devel"  # the development link mkl-devel adds beside the mkl wheel's libmkl_rt.so.3
    devel.mkdir()
    (devel / "libmkl_rt.so").symlink_to(mkl.pip_lib / "libmkl_rt.so.3")
    fixed = _sh(["gcc", "x.c", f"-L{devel}", "-lmkl_rt", "-o", "x"], tmp_path)
    assert fixed.returncode == 0, fixed.stderr


BIG_TLS = """
__attribute__((tls_model("initial-exec"))) __thread char block[1 << 20];
char *touch(void) { block[0] = 1; return block; }
"""
OPENS = """
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv) {
    if (!dlopen(argv[1], RTLD_NOW)) { fprintf(stderr, "ImportError: %s\\n", dlerror()); return 1; }
    puts("loaded");
    return 0;
}
"""


def test_a_late_dlopen_of_initial_exec_tls_and_both_fixes_offered(tmp_path):
    (tmp_path / "big.c").write_text(BIG_TLS)
    (tmp_path / "opens.c").write_text(OPENS)
    assert _sh(["gcc", "-shared", "-fPIC", "big.c", "-o", "libbigtls.so"], tmp_path).returncode == 0
    assert _sh(["gcc", "opens.c", "-o", "opens", "-ldl"], tmp_path).returncode == 0
    library = str(tmp_path / "libbigtls.so")
    failed = _sh(["./opens", library], tmp_path)
    assert failed.returncode == 1 and "static TLS" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "static-tls-exhausted" and finding.title.startswith("libbigtls.so")
    preload = next(f for f in finding.fix if "LD_PRELOAD=" in f)
    assert f"LD_PRELOAD={library}" in preload  # the path the message gave
    assert _sh(["./opens", library], tmp_path, LD_PRELOAD=library).stdout.strip() == "loaded"
    tunable = next(f for f in finding.fix if "GLIBC_TUNABLES=" in f)
    setting = tunable.split("GLIBC_TUNABLES=", 1)[1].split()[0].replace("4096", str(2 << 20))  # room for this 1 MB block
    assert _sh(["./opens", library], tmp_path, GLIBC_TUNABLES=setting).stdout.strip() == "loaded"


# arrayfire's function-pointer type, as written for MKL 2021.3's declaration (arrays not const)
GETRS = """
#include <mkl_lapack.h>
typedef void (*getrs_t)(const char*, const MKL_INT*, const MKL_INT*, float*, const MKL_INT*, const MKL_INT*,
                        MKL_INT*, const MKL_INT*, float*, const MKL_INT*, const MKL_INT*, const MKL_INT*, MKL_INT*);
getrs_t pick() { return &sgetrs_batch_strided; }
"""


def test_code_for_2021_3s_getrs_batch_strided_against_2026_2s_headers(mkl, tmp_path):
    (tmp_path / "solve.cpp").write_text(GETRS)
    failed = _sh(["g++", "-fsyntax-only", f"-I{mkl.pip / 'include'}", "solve.cpp"], tmp_path)
    assert failed.returncode != 0 and "invalid conversion" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-api-changed" and "getrs_batch_strided" in finding.title, flat(finding)
    old = tmp_path / "2021.3"
    wheel = mkl.root / "mkl-include/mkl_include-2021.3.0-py2.py3-none-manylinux1_x86_64.whl"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(old, [n for n in archive.namelist() if "/include/" in n and n.endswith(".h")])
    include = next(old.rglob("mkl_lapack.h")).parent
    built = _sh(["g++", "-fsyntax-only", f"-I{include}", "solve.cpp"], tmp_path)
    assert built.returncode == 0, built.stderr  # the headers the code was written for: MKL's release is the cause


def test_mkl_dcsrmm_against_the_2026_2_wheel_is_a_name_mkl_dropped(mkl, tmp_path):
    (tmp_path / "sparse.c").write_text("extern void mkl_dcsrmm(void);\nint main(void) { mkl_dcsrmm(); return 0; }\n")
    failed = _sh(["gcc", "sparse.c", f"-L{mkl.pip_lib}", "-l:libmkl_rt.so.3", "-o", "sparse"], tmp_path)
    assert failed.returncode != 0 and "undefined reference to `mkl_dcsrmm'" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    text = flat(finding)
    assert finding.id == "missing-symbol" and "2026.0" in finding.title, text
    assert "mkl_sparse_?_mm" in text and "install an MKL that has" not in text


def test_cblas_hgemm_against_debian_2020_4s_headers_is_a_release_older_than_the_code(mkl, tmp_path):
    (tmp_path / "half.cpp").write_text("#include <mkl_cblas.h>\nvoid f() { cblas_hgemm(CblasRowMajor, CblasNoTrans, "
                                       "CblasNoTrans, 1, 1, 1, 1, nullptr, 1, nullptr, 1, 0, nullptr, 1); }\n")
    debian = mkl.debian_shared / "usr/include/mkl"
    failed = _sh(["g++", "-fsyntax-only", f"-I{debian}", "half.cpp"], tmp_path)
    assert failed.returncode != 0 and "cblas_hgemm" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-api-changed" and "2021.4" in finding.title, flat(finding)
    built = _sh(["g++", "-fsyntax-only", f"-I{mkl.pip / 'include'}", "half.cpp"], tmp_path)
    assert built.returncode == 0, built.stderr  # the release the finding names, or newer, declares it
