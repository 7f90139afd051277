"""A compiled module built for NumPy 1.x imported under NumPy 2 (Intel's mkl_fft, mkl_random and mkl-service among such
modules in 2024 and later environments), produced here: an extension that asks for NumPy's C API as a NumPy 1.x build
does (``numpy.core._multiarray_umath``'s ``_ARRAY_API``, what 1.x's import_array() reads), imported by the pinned
environment's NumPy 2.4.6, whose shim prints its banner and refuses it."""

from __future__ import annotations

import subprocess

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain

# NumPy 1.x's import_array(), as its __multiarray_api.h writes it: the C API from numpy.core._multiarray_umath
OLD_ABI = r"""#include <Python.h>
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "oldabi", NULL, -1, NULL};
PyMODINIT_FUNC PyInit_oldabi(void) {
    PyObject *numpy = PyImport_ImportModule("numpy.core._multiarray_umath");
    if (numpy == NULL) goto fail;
    PyObject *api = PyObject_GetAttrString(numpy, "_ARRAY_API");
    Py_DECREF(numpy);
    if (api == NULL) goto fail;
    Py_DECREF(api);
    return PyModule_Create(&def);
fail:
    PyErr_Print();
    PyErr_SetString(PyExc_ImportError, "numpy.core.multiarray failed to import");
    return NULL;
}
"""


def _errors(log: str):
    return [f for f in explain(logparse.parse_bytes(log.encode()), []) if f.severity == "error"]


def test_a_numpy_1_build_under_numpy_2(pyenv, tmp_path):
    python = str(pyenv.python)
    paths = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['include']); "
                            "print(sysconfig.get_config_var('EXT_SUFFIX'))"], capture_output=True, text=True, check=True)
    include, suffix = paths.stdout.split()
    (tmp_path / "oldabi.c").write_text(OLD_ABI)
    subprocess.run(["gcc", "-shared", "-fPIC", f"-I{include}", str(tmp_path / "oldabi.c"), "-o", str(tmp_path / f"oldabi{suffix}")],
                   check=True, capture_output=True)
    done = subprocess.run([python, "-c", "import oldabi"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "A module that was compiled using NumPy 1.x cannot be run in" in done.stderr, done.stderr
    [finding] = _errors(done.stderr)
    assert finding.id == "numpy-abi-mismatch" and finding.title.endswith(
        "built against NumPy 1.x and is imported under NumPy 2.4.6: their binary interfaces differ"), finding
    assert "numpy<2" in finding.fix[1]


def test_the_mkl_package_in_the_traceback_is_named():
    log = ("A module that was compiled using NumPy 1.x cannot be run in\nNumPy 2.0.0 as it may crash.\n"
           "Traceback (most recent call last):\n  File \"/home/u/env/lib/python3.11/site-packages/mkl_fft/__init__.py\", "
           "line 27, in <module>\n    from ._pydfti import fft\nImportError: numpy.core.multiarray failed to import\n")
    [finding] = _errors(log)
    assert finding.title.startswith("mkl_fft was built against NumPy 1.x") and finding.fix[0].startswith(
        "install a build of mkl_fft made for NumPy 2: python -m pip install -U mkl_fft")
    assert any("Intel's MKL-based NumPy packages" in line for line in finding.evidence)


def test_numpys_own_version_check_both_ways():
    [older] = _errors("RuntimeError: module compiled against API version 0x10 but this version of numpy is 0xe\n")
    assert older.fix[0].startswith("upgrade NumPy in that environment")
    [abi] = _errors("ImportError: module compiled against ABI version 0x1000009 but this version of numpy is 0x2000000\n")
    assert "built against NumPy 1.x and is imported under NumPy 2.x" in abi.title
