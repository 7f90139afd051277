"""A C++ name the loader could not find that belongs to neither MKL nor a runtime: PyTorch's C++ API (``torch::``,
``c10::``, ``at::``) needed by an extension built against another torch release (xFasterTransformer#233: a wheel built
with torch 2.0's libtorch, imported under torch 2.2), and a project's own name needed by a module of its build tree (a
module left from an earlier build of another configuration: Paddle#9877's core.so, rebuilt clean). Read by
:mod:`lookups`' chain, after MKL's, SYCL's, libstdc++'s and Intel's compiler runtime's readers.
"""

from __future__ import annotations

import os
import re

from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes

# torch's C++ namespaces, mangled (_ZN5torch..., _ZNK3c10..., _ZN2at...) or as a demangler prints them
_TORCH = re.compile(r"^_ZN[KVR]*(?:5torch|3c10|2at)\d|^(?:torch|c10|at)::")
_TORCH_OWN = re.compile(r"[\\/](?:torch|functorch)[\\/]lib[\\/]|[\\/]libtorch[\w.-]*\.so|[\\/]libc10[\w.-]*\.so")
_PACKAGE = re.compile(r"[\\/]site-packages[\\/](?P<pkg>[A-Za-z][\w.-]*?)[\\/]")
_BUILD_TREE = re.compile(r"(?:^|[\\/])(?:build|cmake-build-\w+|_build)[\\/]")
_NOT_OWN = re.compile(r"^_ZN?K?S[taiosd]|^_ZNSt|^_ZSt|mkl|^_ZN\d*(?:sycl|cl|oneapi|dnnl|mkldnn)\d")


def at_run_time(event) -> Finding | None:
    """The finding for a C++ name of torch's, or of a build tree's own module; None for any other name (``event``: hosts'
    SymbolLookupError)."""
    library = event.library or ""
    if _TORCH.match(event.symbol) and library and not _TORCH_OWN.search(library):
        return _torch(event, library)
    if event.symbol.startswith("_Z") and _BUILD_TREE.search(library) and not _NOT_OWN.search(event.symbol):
        return _stale(event, library)
    return None


def _torch(event, library: str) -> Finding:
    package = _PACKAGE.search(library)
    name = package["pkg"] if package else os.path.basename(library)
    return Finding(
        "torch-extension-other-release", "error",
        f"{os.path.basename(library)} was built against another release of PyTorch: the torch imported lacks its C++ name "
        f"{event.symbol[:80]}",
        (f"{event.binary}: {library} needs {event.symbol}",
         "the name is PyTorch's C++ API (torch::, c10::, at::), whose signatures change from one torch release to the next: "
         "an extension links against the libtorch it was built with and loads only under that release (xFasterTransformer's "
         "wheel, built with torch 2.0, under torch 2.2: xFasterTransformer#233)"),
        (f"install the torch release {name} was built for: python3 -m pip show {name} (its Requires, or the project's "
         "requirements, name it), then " + recipes.pip_install('"torch==<that release>"'),
         f"or build {name} from source against the torch installed (python3 -m pip install --no-build-isolation "
         f"--no-binary :all: {name}, or the project's own build instructions)"),
        "A C++ extension of PyTorch calls the C++ API of the libtorch it was compiled against; another torch release "
        "mangles those functions differently, so the loader finds none of them.",
        ("python3 -c 'import torch; print(torch.__version__)'   # the torch imported",),
    )


def _stale(event, library: str) -> Finding:
    tree = _BUILD_TREE.search(library)
    root = library[:tree.end()] if tree else os.path.dirname(library)
    return Finding(
        "build-tree-module-stale", "error",
        f"{os.path.basename(library)} of the project's own build tree needs {event.symbol[:80]}, a name of the project's own "
        "that the libraries it loads do not define",
        (f"{event.binary}: {library} needs {event.symbol}",
         "the module is in a build folder, and the name is neither MKL's nor a runtime's: a module or library left there from "
         "an earlier build with other options (WITH_MKL, WITH_MKLDNN and the like) is loaded with the new one (Paddle#9877: "
         "a core.so of another configuration, fixed by building again from a clean tree)"),
        (f"build again from a clean tree: remove {root} (or make clean, and the Python package's own build folder), configure "
         "with the options wanted, and build; then import the module the build made",),
        "A build folder reused across configurations keeps objects and modules of the old one; a module that expects a "
        "name only the other configuration defines fails when it is loaded.",
        (f"ls -l --time-style=full-iso {library}   # older than the rest of the build: left from before",),
    )
