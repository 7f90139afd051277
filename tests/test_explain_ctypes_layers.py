"""MKL's threading layer opened alone by ctypes (the pinned wheel's libmkl_intel_thread.so.3): the loader's undefined
name is one only some releases' cores export, which had been read as two MKL releases mixed. No core of any release was
in the layer's scope; opening libmkl_rt of the same folder instead, as the fix says, serves MKL's calls."""

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
    assert f"ctypes.CDLL('{rt}', mode=ctypes.RTLD_GLOBAL)" in finding.fix[0]
    code, out = run([sys.executable, "-c", "import ctypes; b = ctypes.create_string_buffer(256); "
                     f"ctypes.CDLL({str(layer.parent / rt)!r}, mode=ctypes.RTLD_GLOBAL).mkl_get_version_string(b, 256); "
                     "print(b.value.decode())"], tmp_path, clean_env())
    assert code == 0 and "Math Kernel Library" in out, out
