"""Java and the JVM languages (Scala, Kotlin) loading MKL through JNI or JavaCPP.

``java.lang.UnsatisfiedLinkError: no mkl_rt in java.library.path`` comes from ``System.loadLibrary("mkl_rt")``:
the JVM looks for ``libmkl_rt.so`` (Linux), ``mkl_rt.dll`` (Windows) or ``libmkl_rt.dylib`` only in the folders
of ``java.library.path`` (set from LD_LIBRARY_PATH, PATH or DYLD_LIBRARY_PATH when the JVM starts, unless
``-Djava.library.path`` replaces it). What the library itself needs is then found by the system's loader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class JavaNoLibrary:
    name: str  # "mkl_rt", as System.loadLibrary was given it


@dataclass(frozen=True, slots=True)
class JvmNativeLoad:
    """Any other UnsatisfiedLinkError: the JVM loaded a native library and the system's loader failed on it (its own
    message, on this line or the next, says why)."""

    line: str


SIGNATURES = (
    Signature("java-no-library", "jvm", "UnsatisfiedLinkError",
              re.compile(r"UnsatisfiedLinkError: no (?P<name>[\w.+-]+) in (?:java\.library\.path|system library path)"),
              lambda m, _: JavaNoLibrary(m.group("name"))),
    Signature("java-native-load", "jvm", "UnsatisfiedLinkError", re.compile(r"UnsatisfiedLinkError"),
              lambda m, _: JvmNativeLoad(m.string.strip()[:200])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.hosts import LoaderMissing

    out = []
    loads = events.of(JvmNativeLoad)
    if loads and not events.of(LoaderMissing):  # the loader's own reason was not in the log, or not one it knows
        out.append(Finding(
            "host-cannot-load", "error", "a JVM could not load a native library: " + loads[0].line[:160],
            tuple(f"the log says: {e.line}" for e in loads[:3]),
            ("read the reason the JVM gives after the library's path (cannot open shared object file: a library it needs is "
             "not on the loader's path; undefined symbol: another release of it is loaded first; wrong ELF class: another "
             "architecture's file), or run again with -Djava.library.path and LD_DEBUG=libs set",),
            "UnsatisfiedLinkError wraps the system loader's own message for a native library (a Java binding's JNI library, "
            "and MKL behind it).",
        ))

    for event in events.of(JavaNoLibrary)[:2]:
        name = event.name
        files = f"lib{name}.so (Linux), {name}.dll or {name}.N.dll (Windows), lib{name}.dylib (macOS)"
        out.append(Finding(
            "host-cannot-load", "error", f"java could not load {name}: no folder of java.library.path holds it",
            (f"System.loadLibrary(\"{name}\") looked for {files} in java.library.path and found none",
             "java.library.path is taken from LD_LIBRARY_PATH (Linux), PATH (Windows) or DYLD_LIBRARY_PATH (macOS) when the JVM "
             "starts, unless -Djava.library.path replaces it; an IDE or a service started from the desktop has its own"),
            (f"start the JVM with the folder that holds {name}: java -Djava.library.path=<that folder> ... (Maven/Gradle: the "
             "run configuration's JVM options)",
             "Windows: put MKL's DLL folder on PATH before the JVM starts (oneAPI: mkl\\<ver>\\bin, 2021-2023 "
             "mkl\\<ver>\\redist\\intel64; a package that bundles the DLLs: its bin folder); Linux: LD_LIBRARY_PATH",
             "a library that ships the native files (a -platform or natives artifact) instead of relying on an installed MKL"),
            "The JVM loads native libraries only from java.library.path; the library's own dependencies (the other MKL "
            "libraries, libiomp5) are then looked up by the system's loader on PATH or LD_LIBRARY_PATH.",
            ("java -XshowSettings:properties -version 2>&1 | grep java.library.path   # the folders it searches",),
        ))
    return out
