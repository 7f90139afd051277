"""Windows' and wheels' run-time and link shapes of the third blind set, each with variants of its own shape, and the
failures that can be made here made for real:

- OpenMP's ``Error #15`` with its ``OMP: `` prefix cut off (a pasted line), for libiomp5.so, libiomp5md.dll and
  libomp.dylib alike, and PyPI's mkl 2024.0 for Windows named for two libiomp5md.dll (knowledge.broken);
- MKL's Windows ``FATAL ERRROR`` spelling, read as its ``FATAL ERROR``;
- a name only one kind of MKL library defines (knowledge.kinds: ``i_malloc`` in the static libraries, ``i_malloc_dll``
  from the DLLs) in link.exe's LNK2019, and ld's ``undefined reference to `i_malloc'`` (on Linux both kinds define it);
- the runtimes MKL's threading layers need, by their own folders: ``LNK1104 ... tbb12.lib`` (the TBB layer's
  DEFAULTLIB), ``cannot find -ltbb``;
- MKL in a wheel's own folder (auditwheel's ``<package>.libs``, delocate's ``.dylibs``) without what MKL opens itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.findings import Finding
from mkldoctor.inventory.locate import install_from_path
from mkldoctor.knowledge import exports, kinds, layout

CORPUS = Path(__file__).parent / "data" / "explain_corpus"


def findings_of(log: str, *prefixes: Path) -> list[Finding]:
    installs = [install_from_path(str(p)) for p in prefixes]
    return explain(logparse.parse_bytes(log.encode()), [i for i in installs if i is not None])


def flat(finding: Finding) -> str:
    return "\n".join((finding.title, *finding.evidence, finding.explanation, *finding.fix, *finding.confirm))


def only(findings: list[Finding], fid: str) -> Finding:
    assert not [f.title for f in findings if f.id == "unrecognised-failure"], [(f.id, f.title) for f in findings]
    chosen = [f for f in findings if f.id == fid]
    assert len(chosen) == 1, [(f.id, f.title) for f in findings]
    return chosen[0]


def run_log(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[int, str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    return done.returncode, " ".join(cmd) + "\n" + done.stdout


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "MKL_THREADING_LAYER", "LD_PRELOAD",
                                                            "KMP_DUPLICATE_LIB_OK", "MKLROOT", "LIBRARY_PATH")}
    env.update(extra)
    return env


def test_the_expectations_name_blind3_entries():
    expect = json.loads((CORPUS / "expect_blind3_win-rt.json").read_text())["expect"]
    ids = {e["id"] for e in json.loads((CORPUS / "blind3.json").read_text())["entries"]}
    assert set(expect) <= ids and len(expect) == 5


# -- OpenMP's Error #15, whatever the paste kept of its prefix ------------------------------------------------------

HINT = "OMP: Hint This means that multiple copies of the OpenMP runtime have been linked into the program."


@pytest.mark.parametrize("prefix", ["OMP: ", "MP: ", "P: ", ": ", ""])
@pytest.mark.parametrize("first,second", [("libiomp5.so", "libiomp5.so"), ("libiomp5md.dll", "libiomp5md.dll"),
                                          ("libomp.dylib", "libiomp5.dylib")])
def test_error_15_is_read_whatever_the_paste_kept_of_its_prefix(prefix, first, second):
    log = f"{prefix}Error #15: Initializing {first}, but found {second} already initialized.\n{HINT}\n"
    finding = only(findings_of(log), "openmp-duplicate")
    assert first in finding.title and "KMP_DUPLICATE_LIB_OK" in finding.fix[-1] and "not a fix" in finding.fix[-1]
    pinned = any("mkl!=2024.0" in line for line in finding.fix)
    assert pinned == first.endswith(".dll")  # PyPI's mkl 2024.0 for Windows: a Windows cause only
    if first.endswith(".dll"):
        assert finding.fix[-1].startswith("not a fix") and "set KMP_DUPLICATE_LIB_OK=TRUE" in finding.fix[-1]
        assert "ldd" not in flat(finding)  # Windows' own commands for a Windows log


def test_error_15_made_here_by_two_copies_of_libiomp5(mkl, tmp_path):
    """Two files of one libiomp5.so, each initialised: OpenMP's own message, then a paste that lost its first letters."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        shutil.copy(mkl.pip_lib / "libiomp5.so", tmp_path / name / "libiomp5.so")
    script = ("import ctypes, sys\n"
              "for folder in sys.argv[1:]:\n"
              "    ctypes.CDLL(folder + '/libiomp5.so').omp_get_max_threads()\n")
    rc, log = run_log([sys.executable, "-c", script, str(tmp_path / "a"), str(tmp_path / "b")], tmp_path, clean_env())
    assert rc != 0 and "OMP: Error #15: Initializing libiomp5.so" in log, log
    for cut in (0, 1, 2):
        pasted = log.replace("OMP: Error #15", "OMP: Error #15"[cut:])
        finding = only(findings_of(pasted), "openmp-duplicate")
        assert "two copies of libiomp5.so" in finding.title
    again = subprocess.run([sys.executable, "-c", script, str(tmp_path / "a")], env=clean_env(), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr  # one runtime in the process: the fix


# -- MKL's Windows "FATAL ERRROR" -----------------------------------------------------------------------------------

@pytest.mark.parametrize("log,fid", [
    ("Intel oneMKL ERROR: The specified module could not be found. mkl_intel_thread.1.dll.\n"
     "Intel oneMKL FATAL ERRROR: Cannot load mkl_intel_thread.1.dll.\n", "windows-library-not-loaded"),
    ("Intel MKL FATAL ERRROR: Cannot load mkl_core.2.dll\n", "windows-library-not-loaded"),
    ("Intel MKL FATAL ERRROR: Cannot load libmkl_avx2.so.2 or libmkl_def.so.2.\n", "mkl-cannot-load-kernels"),
])
def test_fatal_errror_is_mkls_fatal_error(log, fid):
    finding = only(findings_of(log), fid)
    assert "ERRROR" not in finding.title


def test_a_bundler_is_told_to_carry_the_dlls_mkl_opens_itself():
    log = ("main.dist\\main.exe\nIntel MKL ERROR: The specified module could not be found. mkl_sequential.2.dll.\n"
           "Intel MKL FATAL ERRROR: Cannot load mkl_sequential.2.dll.\n")
    finding = only(findings_of(log), "windows-library-not-loaded")
    assert any("Nuitka" in line and "beside the .exe" in line for line in finding.fix)


# -- a name only one kind of MKL library defines ------------------------------------------------------------------

def test_the_kinds_table_agrees_with_the_export_table():
    """On Linux the shared core exports the static set (every release read), and no release exports the DLL set."""
    for name, entry in kinds.NAMES.items():
        found = exports.history(name)
        if entry.kind == "static":
            assert found is not None and "libmkl_core" in {s.library for s in found.libraries}, name
            assert not found.overall.gaps
        else:
            assert found is None, name
        assert kinds.kind_only(entry.twin).twin == name


@pytest.mark.parametrize("symbol", ["i_malloc", "_i_free", "__imp_i_realloc"])
def test_lnk2019_on_the_static_set_with_the_dlls(symbol):
    log = textwrap.dedent(f"""\
        link.exe /nologo /DLL /OUT:bin\\alloc.dll alloc.obj /LIBPATH:C:\\oneAPI\\mkl\\2025.0\\lib mkl_intel_lp64_dll.lib mkl_sequential_dll.lib mkl_core_dll.lib
        alloc.obj : error LNK2019: unresolved external symbol {symbol} referenced in function set_allocator
        bin\\alloc.dll : fatal error LNK1120: 1 unresolved externals
        """)
    finding = only(findings_of(log), "mkl-link-kind-mismatch")
    text = flat(finding)
    assert "static libraries only" in finding.title and "mkl_core_dll.lib" in text
    assert "mkl_core.lib" in finding.fix[0] and any("_dll" in line for line in finding.fix)
    assert "LNK1120" in text  # the echo joins it


def test_lnk2019_on_the_dll_set_with_the_static_libraries():
    log = ("2>memhooks.obj : error LNK2019: unresolved external symbol __imp_i_malloc_dll referenced in function main\n"
           "2>memhooks.obj : error LNK2019: unresolved external symbol __imp_i_free_dll referenced in function main\n"
           "2>app.exe : fatal error LNK1120: 2 unresolved externals\n")
    finding = only(findings_of(log), "mkl-link-kind-mismatch")
    assert "only MKL's DLLs" in finding.title and "i_malloc, i_free" in flat(finding)
    assert "mkl_core_dll.lib" in finding.fix[0]


def test_lds_undefined_windows_name_on_linux():
    log = "/usr/bin/ld: hooks.o: in function `setup':\nhooks.c:(.text+0x11): undefined reference to `i_calloc_dll'\n"
    finding = only(findings_of(log), "mkl-link-kind-mismatch")
    assert "_WIN32" in flat(finding)


@pytest.mark.mkl
def test_i_malloc_undefined_made_here_and_both_kinds_define_it_on_linux(mkl, tmp_path):
    (tmp_path / "hooks.c").write_text(textwrap.dedent("""\
        #include <stdlib.h>
        #include <i_malloc.h>
        static void *counted(size_t n) { return malloc(n); }
        int main(void) { i_malloc = counted; return 0; }
        """))
    subprocess.run(["gcc", "-c", "hooks.c", f"-I{mkl.pip}/include"], cwd=tmp_path, check=True)
    rc, log = run_log(["gcc", "hooks.o", "-o", "hooks"], tmp_path)
    assert rc != 0 and "undefined reference to `i_malloc'" in log
    finding = only(findings_of(log), "mkl-layer-missing")
    assert "libmkl_core" in finding.title and "libmkl_rt" in flat(finding) and "-lmkl_rt" in finding.fix[0]
    lib = mkl.pip_lib
    static = ["-Wl,--start-group", *(str(lib / f"libmkl_{n}.a") for n in ("intel_lp64", "sequential", "core")),
              "-Wl,--end-group", "-lpthread", "-lm", "-ldl"]
    for kind, flags in (("shared", [f"-L{lib}", "-l:libmkl_rt.so.3"]), ("static", static)):
        done = subprocess.run(["gcc", "hooks.o", "-o", f"hooks-{kind}", *flags], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, (kind, done.stderr[-500:])  # the fix, either kind: Linux defines i_malloc in both
    dynsym = subprocess.run(["nm", "-D", "--defined-only", str(lib / "libmkl_core.so.3")], capture_output=True, text=True).stdout
    archive = subprocess.run(["nm", "-g", "--defined-only", str(lib / "libmkl_core.a")], capture_output=True, text=True).stdout
    for name in ("i_malloc", "i_calloc", "i_realloc", "i_free"):
        assert f" {name}\n" in dynsym and f" {name}\n" in archive
    assert "i_malloc_dll" not in dynsym and "i_malloc_dll" not in archive  # Windows' name only


# -- the runtimes MKL's threading layers need, in their own folders -------------------------------------------------

@pytest.mark.parametrize("library", ["tbb12.lib", "tbb12_debug.lib", "tbb.lib"])
def test_lnk1104_on_tbbs_import_library(library):
    log = textwrap.dedent(f"""\
        link.exe /OUT:solver.exe solver.obj /LIBPATH:"C:\\Program Files (x86)\\Intel\\oneAPI\\mkl\\2023.2.0\\lib\\intel64" mkl_intel_lp64.lib mkl_tbb_thread.lib mkl_core.lib
        2>LINK : fatal error LNK1104: cannot open file '{library}'
        """)
    finding = only(findings_of(log), "msvc-library-not-found")
    text = flat(finding)
    assert library in finding.title and "DEFAULTLIB" in text and "the link names MKL's tbb_thread layer" in text
    assert any("tbb\\<ver>\\lib\\intel64\\vc14" in line for line in finding.fix)
    assert not any("mkl\\<ver>\\lib\\intel64" in line for line in finding.fix)  # TBB's folders, not MKL's


def test_lnk1181_on_tbbs_import_library_named_on_the_line():
    """An input file of the command (LNK1181), not a DEFAULTLIB: the same folder is the fix, and it is said so."""
    finding = only(findings_of("LINK : fatal error LNK1181: cannot open input file 'tbb12.lib'\n"), "msvc-library-not-found")
    assert "named on the link line" in finding.title and "tbb\\<ver>\\lib" in "\n".join(finding.fix)


def test_lnk1104_on_libiomp5md_is_the_compilers():
    finding = only(findings_of("LINK : fatal error LNK1104: cannot open file 'libiomp5md.lib'\n"), "msvc-library-not-found")
    assert any("compiler" in line for line in finding.fix)


def test_cannot_find_ltbb_from_another_machine():
    log = ("g++ app.o -L/opt/intel/oneapi/mkl/2023.1.0/lib/intel64 -Wl,--start-group -lmkl_intel_lp64 -lmkl_tbb_thread "
           "-lmkl_core -Wl,--end-group -ltbb -lstdc++ -lpthread -lm -ldl -o app\n"
           "/usr/bin/ld: cannot find -ltbb: No such file or directory\ncollect2: error: ld returned 1 exit status\n")
    finding = only(findings_of(log), "library-not-found")
    text = flat(finding)
    assert "oneTBB" in text and "/opt/intel/oneapi/tbb/<ver>/lib/intel64/gcc4.8" in text
    assert "install MKL's development files" not in text


@pytest.mark.mkl
def test_cannot_find_ltbb_made_here(mkl, tmp_path):
    """MKL's archives in a folder of their own, its TBB layer linked: -ltbb is not there; TBB's folder is the fix."""
    mkl_only = tmp_path / "mkl"
    mkl_only.mkdir()
    for archive in mkl.pip_lib.glob("libmkl_*.a"):
        os.symlink(archive, mkl_only / archive.name)
    (tmp_path / "g.c").write_text("#include <mkl.h>\nint main(void) { double a[4] = {1, 2, 3, 4}, c[4]; cblas_dgemm("
                                  "CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0, a, 2, a, 2, 0.0, c, 2); return 0; }\n")
    subprocess.run(["gcc", "-c", "g.c", f"-I{mkl.pip}/include"], cwd=tmp_path, check=True)
    line = ["gcc", "g.o", f"-L{mkl_only}", "-Wl,--start-group", "-lmkl_intel_lp64", "-lmkl_tbb_thread", "-lmkl_core",
            "-Wl,--end-group", "-ltbb", "-lstdc++", "-lpthread", "-lm", "-ldl", "-o", "g"]
    rc, log = run_log(line, tmp_path, clean_env())
    assert rc != 0 and "cannot find -ltbb" in log
    alone = only(findings_of(log), "library-not-found")
    assert "oneTBB" in alone.title and any("tbb-devel" in line for line in alone.fix)
    beside = only(findings_of(log, mkl.pip), "library-not-found")
    assert f"-L{mkl.pip_lib}" in "\n".join(beside.fix)
    fixed = subprocess.run(line + [f"-L{mkl.pip_lib}"], cwd=tmp_path, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr[-500:]
    assert layout.runtime_of("libtbb.so") is layout.get("tbb") and layout.layer_for_runtime("tbb").name == "mkl_tbb_thread"


# -- MKL in a wheel's own folder, without what MKL opens itself ------------------------------------------------------

def test_delocates_dylibs_folder():
    log = ("INTEL MKL ERROR: dlopen(/Users/me/venv/lib/python3.9/site-packages/pyfoo/.dylibs/libmkl_avx2.2.dylib, 9): "
           "image not found.\nIntel MKL FATAL ERROR: Cannot load libmkl_avx2.2.dylib or libmkl_def.2.dylib.\n")
    finding = only(findings_of(log), "mkl-vendored-incomplete")
    assert "pyfoo" in finding.title and "delocate" in flat(finding) and "DYLD" not in "\n".join(finding.fix)


def test_delvewheels_libs_folder():
    log = ("C:\\> where /r C:\\Users\\me\\venv mkl_rt.2.dll\nC:\\Users\\me\\venv\\Lib\\site-packages\\pyfoo.libs\\mkl_rt.2.dll\n"
           "C:\\> python -c \"import pyfoo; pyfoo.solve()\"\n"
           "Intel MKL FATAL ERROR: Cannot load mkl_avx2.2.dll or mkl_def.2.dll.\n")
    finding = only(findings_of(log), "mkl-vendored-incomplete")
    text = flat(finding)
    assert "delvewheel" in text and "site-packages\\pyfoo.libs" in text and "LD_LIBRARY_PATH" not in text


def test_a_core_missing_from_such_a_folder_stays_the_environments():
    """mkl-service's own relative path to a folder its release did not have (dpnp#2505): the environment's lib has MKL."""
    log = ("INTEL oneMKL ERROR: /home/u/venv/lib/python3.12/site-packages/mkl/../mkl_service.libs/libmkl_core.so.2: cannot "
           "open shared object file: No such file or directory.\nIntel oneMKL FATAL ERROR: Cannot load libmkl_core.so.2.\n")
    assert {f.id for f in findings_of(log)} == {"mkl-cannot-load-kernels"}


def _fake_wheel(mkl, root: Path, package: str, keep: tuple[str, ...]) -> Path:
    """A package as auditwheel repairs it: its extension's MKL libraries in site-packages/<package>.libs, no kernels."""
    site = root / "venv/lib/python3.11/site-packages"
    libs = site / f"{package}.libs"
    (site / package).mkdir(parents=True)
    libs.mkdir()
    for name in keep:
        shutil.copy(mkl.pip_lib / name, libs / name)
    (site / package / "__init__.py").write_text(textwrap.dedent(f"""\
        import ctypes, os
        rt = ctypes.CDLL(os.path.join(os.path.dirname(__file__), "..", "{package}.libs", "libmkl_rt.so.3"))
        n, one, zero = ctypes.c_int(2), ctypes.c_double(1.0), ctypes.c_double(0.0)
        a, c = (ctypes.c_double * 4)(1, 2, 3, 4), (ctypes.c_double * 4)()
        rt.dgemm(b"N", b"N", *(ctypes.byref(x) for x in (n, n, n, one)), a, ctypes.byref(n), a, ctypes.byref(n),
                 ctypes.byref(zero), c, ctypes.byref(n))
        print("ok", list(c))
        """))
    return site


LAYERS = ("libmkl_rt.so.3", "libmkl_core.so.3", "libmkl_intel_lp64.so.3", "libmkl_sequential.so.3", "libmkl_intel_thread.so.3",
          "libiomp5.so")


@pytest.mark.mkl
def test_a_wheel_without_mkls_kernels_made_here(mkl, tmp_path):
    site = _fake_wheel(mkl, tmp_path, "solverpkg", LAYERS)
    rc, log = run_log([sys.executable, "-c", "import solverpkg"], site, clean_env(MKL_THREADING_LAYER="SEQUENTIAL"))
    assert rc != 0 and "solverpkg.libs/libmkl_" in log and "Cannot load" in log, log
    finding = only(findings_of(log), "mkl-vendored-incomplete")
    text = flat(finding)
    assert "solverpkg" in finding.title and "CPU kernels" in finding.title and "auditwheel" in text
    assert "solverpkg!=" in finding.fix[0] and "LD_LIBRARY_PATH" not in "\n".join(finding.fix[:-1])
    # the stopgap it names: the kernels of the very release the wheel carries, copied in beside its core
    for kernel in mkl.pip_lib.glob("libmkl_*.so.3"):
        if getattr(layout.get(kernel.name), "role", None) in ("kernel", "vml-kernel"):
            shutil.copy(kernel, site / "solverpkg.libs" / kernel.name)
    again = subprocess.run([sys.executable, "-c", "import solverpkg"], cwd=site, env=clean_env(MKL_THREADING_LAYER="SEQUENTIAL"),
                           capture_output=True, text=True)
    assert again.returncode == 0 and "ok" in again.stdout, again.stdout + again.stderr


@pytest.mark.mkl
def test_a_wheel_without_mkls_threading_layer_made_here(mkl, tmp_path):
    site = _fake_wheel(mkl, tmp_path, "fitpkg", tuple(n for n in LAYERS if "sequential" not in n))
    rc, log = run_log([sys.executable, "-c", "import fitpkg"], site, clean_env(MKL_THREADING_LAYER="SEQUENTIAL"))
    assert rc != 0 and "libmkl_sequential.so.3" in log, log
    finding = only(findings_of(log), "mkl-vendored-incomplete")
    assert "libmkl_sequential.so.3" in finding.title and "threading layer" in flat(finding)
