"""The probe ``mkldoctor python --import`` runs in the user's own interpreter (``python -c`` with this
file's text): it imports the modules in the order given, then writes what the process mapped.

Standard library only, and nothing of mkldoctor: it runs in someone else's environment. It never
loads a library of its own accord: each MKL is asked through a handle opened with ``RTLD_NOLOAD``
(a library already in the process, or nothing). What it writes, as JSON to the file named first:

- ``modules``: each import and its error, written after each one (an abort, ``OMP: Error #15``,
  leaves the file as it was before the import that killed the process);
- ``mapped``: the files ``/proc/self/maps`` shows after the imports (what the loader mapped);
- ``mkl``: each loaded library that exports ``MKL_Get_Version_String``, with MKL's own answer and
  ``mkl_get_max_threads()``; that call is MKL's first when the imports made none, so what it maps
  (``mapped_after``) is the layer MKL picks at its first call;
- ``bindings``: for each library exporting the plain BLAS names, the file the process's global
  scope resolves them to (``dlsym(RTLD_DEFAULT)``, then ``dladdr``): where its own PLT calls go.
"""

import ctypes
import importlib
import json
import os
import sys

PLAIN = ("sgemm_", "dgemm_", "cblas_sgemm", "cblas_dgemm")
VARIABLES = ("MKL_THREADING_LAYER", "MKL_INTERFACE_LAYER", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "OPENBLAS_NUM_THREADS", "KMP_DUPLICATE_LIB_OK", "LD_LIBRARY_PATH")


class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def _write(path, report):
    with open(path + ".part", "w") as handle:
        json.dump(report, handle)
    os.replace(path + ".part", path)  # whole or not at all, even if the next import aborts the process


def _mapped():
    files = []
    with open("/proc/self/maps") as handle:
        for line in handle:
            parts = line.split(None, 5)
            if len(parts) == 6 and parts[5].startswith("/"):
                path = parts[5].rstrip("\n")
                files.append(path[: -len(" (deleted)")] if path.endswith(" (deleted)") else path)
    return list(dict.fromkeys(files))


def _loaded(path):
    try:
        return ctypes.CDLL(path, mode=os.RTLD_NOLOAD | os.RTLD_LOCAL)
    except OSError:
        return None


def _address(handle, name):
    try:
        return ctypes.cast(getattr(handle, name), ctypes.c_void_p).value
    except AttributeError:
        return None


def _file_of(address):
    info = _DlInfo()
    if address and ctypes.CDLL(None).dladdr(ctypes.c_void_p(address), ctypes.byref(info)) and info.dli_fname:
        return os.path.realpath(info.dli_fname.decode("utf-8", "replace"))
    return None


def _shared(mapped):
    return [p for p in mapped if ".so" in os.path.basename(p)]


def _mkl(mapped):
    found = []
    for path in _shared(mapped):
        handle = _loaded(path)
        if handle is None or _file_of(_address(handle, "MKL_Get_Version_String")) != os.path.realpath(path):
            continue  # not loaded, or the name comes from a library it depends on
        buffer = ctypes.create_string_buffer(512)
        handle.MKL_Get_Version_String(buffer, ctypes.c_int(len(buffer)))
        threads = handle.mkl_get_max_threads() if _address(handle, "mkl_get_max_threads") else None
        found.append({"path": os.path.realpath(path), "version": buffer.value.decode("utf-8", "replace").strip(),
                      "max_threads": threads})
    return found


def _bindings(mapped):
    scope = ctypes.CDLL(None)  # the global scope: the program, its libraries, and what was opened RTLD_GLOBAL
    out = []
    for path in _shared(mapped):
        handle = _loaded(path)
        if handle is None:
            continue
        for name in PLAIN:
            own = _address(handle, name)
            if own is None or _file_of(own) != os.path.realpath(path):
                continue
            bound = _address(scope, name)
            out.append({"library": os.path.realpath(path), "name": name, "bound": _file_of(bound) if bound else None})
    return out


def main():
    out, modules = sys.argv[1], sys.argv[2:]
    report = {"executable": sys.executable, "python": sys.version.split()[0], "pid": os.getpid(),
              "environ": {v: os.environ.get(v) for v in VARIABLES}, "modules": [], "importing": None}
    for name in modules:
        report["importing"] = name
        _write(out, report)
        try:
            importlib.import_module(name)
            report["modules"].append({"name": name, "error": None})
        except BaseException as exc:  # a failed import is what the user asked to see, not the probe's end
            report["modules"].append({"name": name, "error": f"{type(exc).__name__}: {exc}"})
    report["importing"] = None
    report["mapped"] = [os.path.realpath(p) for p in _mapped()]
    report["stage"] = "at MKL's first call, after the imports"  # what an abort from here on happened in
    _write(out, report)
    report["mkl"] = _mkl(report["mapped"])
    report["mapped_after"] = [os.path.realpath(p) for p in _mapped()]
    report["bindings"] = _bindings(report["mapped_after"])
    report["done"] = True
    _write(out, report)


if __name__ == "__main__":
    main()
