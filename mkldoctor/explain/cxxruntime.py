"""A name of the C++ runtime missing at run time: a library linked without libstdc++, or an older one loaded first.

``block2.cpython-39-x86_64-linux-gnu.so: undefined symbol: _ZTISt13runtime_error`` (block-hczhai/block2-preview#11):
typeinfo for std::runtime_error, which libstdc++ defines. The extension needs it and nothing loaded defines it: its link
left libstdc++ out (a C compiler's link step, or C++ code in a static library linked into it, as an MKL's static
libraries can hold) or the process loaded a libstdc++ older than the one it was built with. The thread's fix was a
rebuild against a newer MKL; the names tell which runtime, and ``ldd`` whether the library asks for it at all.
"""

from __future__ import annotations

import re

from mkldoctor.findings import Finding
from mkldoctor.explain.wording import more, needed_by, q

_CXX_RUNTIME = re.compile(r"^(?:_ZT[ISV]N?St|_ZNS[tais]|_ZNKS[tais]|_ZSt|_ZNSt|_ZNKSt|_ZTVN10__cxxabiv|__cxa_|__gxx_personality|_Znwm$|_Znam$|_ZdlPv|_ZdaPv)")
_TYPEINFO = re.compile(r"^_ZT(?P<kind>[ISV])St(?P<n>\d+)(?P<rest>\w+)$")
_KINDS = {"I": "typeinfo for", "S": "typeinfo name for", "V": "vtable for"}


def _readable(symbol: str) -> str:
    m = _TYPEINFO.match(symbol)
    if m and len(m["rest"]) == int(m["n"]):
        return f" ({_KINDS[m['kind']]} std::{m['rest']})"
    return ""


def at_run_time(event) -> Finding | None:
    """The finding for a symbol lookup error (:class:`hosts.SymbolLookupError`) of a C++ runtime name, else None."""
    if not _CXX_RUNTIME.match(event.symbol):
        return None
    needer = event.library or event.binary
    return Finding(
        "cxx-runtime-symbol-missing", "error",
        f"{needer} needs {event.symbol}{_readable(event.symbol)}, a name of the C++ runtime (libstdc++), and no library "
        "loaded defines it",
        (f"{event.binary}: {needer} needs {event.symbol}",
         "libstdc++ defines the C++ runtime's names (std::, typeinfo, vtables, operator new): a library that needs one "
         "either does not list libstdc++ among its dependencies (its link step left it out: a C compiler's link, or C++ "
         "code inside a static library linked into it, such as an MKL's static libraries or oneTBB's) or runs with a "
         "libstdc++ older than the one it was built with"),
        ("relink with the C++ compiler (g++, or CMake's CXX linker language), or add -lstdc++ after the static libraries "
         "on the link line",
         "if MKL is linked in statically: link the layers of one current MKL with the line mkldoctor link prints, or build "
         "against a newer MKL (its headers and its libraries: -DMKL_INCLUDE_DIR=<newer MKL>/include)",
         "if libstdc++ is listed but older: load the newer one first (conda's libstdcxx-ng in the environment, or the "
         "compiler's lib64 folder on LD_LIBRARY_PATH)"),
        "A C++ library carries its runtime's names as undefined symbols and counts on libstdc++ being loaded; linked "
        "without it, the first name the loader cannot bind fails the load.",
        (f"ldd {q(needer)} | grep -E 'stdc\\+\\+|mkl'   # whether it asks for libstdc++ at all, and which MKL",
         f"nm -D --undefined-only {q(needer)} | grep -c _ZNSt   # how many C++ runtime names it needs"),
    )


# the runtime's names that a libstdc++ older than GCC 4.9's lacks (CXXABI_1.3.8), which a library built with a
# newer GCC (or Intel's compilers on it) calls
_SINCE_GCC49 = ("__cxa_throw_bad_array_new_length", "__cxa_throw_bad_array_length")
_CONDA_LIB = re.compile(r"(?i)[\\/](?:ana|mini)conda\d?[\\/](?:envs[\\/][^\\/]+[\\/])?lib/?$|[\\/](?:mini)?forge\d?[\\/]lib/?$")


def at_link(symbols: list[str], by_symbol, lib_dirs: tuple[str, ...]) -> Finding:
    """The C++ runtime's names undefined at a link: a libstdc++ older than the one a library was built against is found
    first on the link's path, or none is linked (oneDNN#53: anaconda3/lib, which Anaconda's libmkl_rt brought onto the
    line, holds an older libstdc++ than the one MKL-DNN was built with)."""
    conda = [d for d in lib_dirs if _CONDA_LIB.search(d)]
    newer = [s for s in symbols if s in _SINCE_GCC49]
    return Finding(
        "cxx-runtime-symbol-missing", "error",
        f"{symbols[0]}{' and more' if len(symbols) > 1 else ''} undefined: a name of the C++ runtime (libstdc++), which the "
        "libstdc++ this link found lacks, or the link has none",
        (*needed_by(symbols, by_symbol),
         *([f"{more(newer, 2)} came with GCC 4.9's libstdc++ (CXXABI_1.3.8): a library built with GCC 4.9 or newer (or Intel's "
            "compilers on it) needs a libstdc++ at least as new, and an older one first on the link's path serves the "
            "link"] if newer else []),
         *([f"the link searches {more(conda, 2)}, a conda installation's lib folder, whose libstdc++ may be older than the "
            "compiler's (a library of that installation on the line, such as Anaconda's libmkl_rt, brings it)"]
           if conda else [])),
        ("see which libstdc++ the link takes: g++ -print-file-name=libstdc++.so (the compiler's) against each -L folder of "
         "the link (ls <folder>/libstdc++.so*): take the folder with the older one off the line, or put the compiler's "
         "before it (-L\"$(dirname \"$(g++ -print-file-name=libstdc++.so)\")\")",
         "a library taken from a conda installation brings its lib folder onto the line: link MKL from its own "
         "installation instead (MKLROOT's lib folder), or give that environment a newer libstdc++ (conda install "
         "libstdcxx-ng)",
         "or, where a C driver linked C++ code, link with the C++ compiler (g++), which adds libstdc++"),
        "A C++ library calls its runtime's names; the link takes libstdc++ from the first folder that has one, and a "
        "folder with an older libstdc++ before the compiler's lacks the names a newer compiler emits.",
        ("strings <the libstdc++ the link took> | grep -c CXXABI_1.3.8   # 0: older than GCC 4.9's",),
    )
