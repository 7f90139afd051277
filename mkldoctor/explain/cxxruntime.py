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
from mkldoctor.explain.wording import q

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
