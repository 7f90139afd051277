"""MKL's threading layer opened alone by ctypes, R's dyn.load and Java's System.load (the pinned wheel's
libmkl_intel_thread.so.3): the loader's undefined name is one only some releases' cores export, which had been read as
two MKL releases mixed. No core of any release was in the layer's scope; opening libmkl_rt of the same folder instead,
in each host's own call, as the fix says, loads (R's own last line no longer glued to the name); and Java's
loadLibrary of the wheel's folder, which holds the versioned file only."""

from __future__ import annotations

import sys

from tests.test_explain_families import clean_env, errors_of, flat, run


def test_a_threading_layer_opened_alone_by_ctypes(tmp_path, mkl):
    layer = next(mkl.pip_lib.glob("libmkl_intel_thread.so.*"))
    code, log = run([sys.executable, "-c", f"import ctypes; ctypes.CDLL({str(layer)!r})"], tmp_path, clean_env())
    assert code != 0 and "undefined symbol: mkl_" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-core-not-visible" and not finding.title.startswith("two MKLs mixed"), flat(finding)
    assert any("opened libmkl_intel_thread" in line and "alone" in line for line in finding.evidence), flat(finding)
    rt = layer.name.replace("libmkl_intel_thread", "libmkl_rt")
    assert f"ctypes.CDLL('{layer.parent / rt}', mode=ctypes.RTLD_GLOBAL)" in finding.fix[0]
    code, out = run([sys.executable, "-c", "import ctypes; b = ctypes.create_string_buffer(256); "
                     f"ctypes.CDLL({str(layer.parent / rt)!r}, mode=ctypes.RTLD_GLOBAL).mkl_get_version_string(b, 256); "
                     "print(b.value.decode())"], tmp_path, clean_env())
    assert code == 0 and "Math Kernel Library" in out, out


def test_the_same_layer_opened_by_rs_dyn_load(tmp_path, mkl):
    """R's dyn.load opens by path and locally: the same layer alone; R's own call of the fix loads libmkl_rt."""
    layer = next(mkl.pip_lib.glob("libmkl_intel_thread.so.*"))
    code, log = run(["Rscript", "-e", f"dyn.load('{layer}')"], tmp_path, clean_env())
    assert code != 0 and "undefined symbol: mkl_" in log and "Execution halted" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-core-not-visible" and "Execution" not in finding.title, flat(finding)  # R's last line apart
    rt = layer.parent / layer.name.replace("libmkl_intel_thread", "libmkl_rt")
    assert f'dyn.load("{rt}", local = FALSE)' in finding.fix[0], flat(finding)
    code, out = run(["Rscript", "-e", f'dyn.load("{rt}", local = FALSE); cat("loaded\\n")'], tmp_path, clean_env())
    assert code == 0 and "loaded" in out, out


def test_the_same_layer_opened_by_javas_system_load(tmp_path, mkl):
    """The JVM's System.load, by path: its UnsatisfiedLinkError carries the loader's words; System.load of libmkl_rt,
    the fix's call, loads."""
    layer = next(mkl.pip_lib.glob("libmkl_intel_thread.so.*"))
    (tmp_path / "J.java").write_text("public class J { public static void main(String[] a) { System.load(a[0]); "
                                     "System.out.println(\"loaded\"); } }\n")
    code, log = run(["java", "J.java", str(layer)], tmp_path, clean_env())
    assert code != 0 and "UnsatisfiedLinkError" in log and "undefined symbol: mkl_" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-core-not-visible", flat(finding)
    rt = layer.parent / layer.name.replace("libmkl_intel_thread", "libmkl_rt")
    assert f'System.load("{rt}")' in finding.fix[0], flat(finding)
    code, out = run(["java", "J.java", str(rt)], tmp_path, clean_env())
    assert code == 0 and "loaded" in out, out


def test_javas_load_library_of_a_folder_with_the_versioned_file_only(tmp_path, mkl):
    """System.loadLibrary("mkl_rt") with java.library.path at the wheel's folder: it holds libmkl_rt.so.3 only, and the JVM
    looks for libmkl_rt.so; the file loads by its path, as the fix says."""
    (tmp_path / "L.java").write_text("public class L { public static void main(String[] a) { if (a.length > 0) "
                                     "System.load(a[0]); else System.loadLibrary(\"mkl_rt\"); System.out.println(\"loaded\"); } }\n")
    code, log = run(["java", f"-Djava.library.path={mkl.pip_lib}", "L.java"], tmp_path, clean_env())
    assert code != 0 and "no mkl_rt in java.library.path" in log, log
    [finding] = errors_of(log)  # the log is this machine's (its folder is here): the folder is read
    assert finding.id == "host-cannot-load" and "holds only libmkl_rt.so." in finding.title, flat(finding)
    rt = next(mkl.pip_lib.glob("libmkl_rt.so.*"))
    assert f'System.load("{rt}")' in finding.fix[0], flat(finding)
    code, out = run(["java", "L.java", str(rt)], tmp_path, clean_env())
    assert code == 0 and "loaded" in out, out


def test_ctypes_opening_the_unversioned_name(tmp_path, mkl):
    """ctypes.CDLL('libmkl_rt.so') with the wheel's folder on LD_LIBRARY_PATH: the wheel has libmkl_rt.so.3 only. The fix
    opens the versioned file, which loads, where it had said to install MKL 2019.0 (the last release of that soname)."""
    code, log = run([sys.executable, "-c", "import ctypes; ctypes.CDLL('libmkl_rt.so')"], tmp_path,
                    clean_env(LD_LIBRARY_PATH=str(mkl.pip_lib)))
    assert code != 0 and "libmkl_rt.so: cannot open shared object file" in log, log
    [finding] = errors_of(log)
    assert finding.id == "loader-cannot-find" and finding.fix[0].startswith("the program opens libmkl_rt.so by that name"), flat(finding)
    assert not any("mkl==2019" in line for line in finding.fix), flat(finding)
    code, out = run([sys.executable, "-c", "import ctypes; ctypes.CDLL('libmkl_rt.so.3'); print('loaded')"], tmp_path,
                    clean_env(LD_LIBRARY_PATH=str(mkl.pip_lib)))
    assert code == 0 and "loaded" in out, out
