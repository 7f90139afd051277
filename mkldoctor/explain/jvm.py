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


SIGNATURES = (
    Signature("java-no-library", "jvm", "UnsatisfiedLinkError",
              re.compile(r"UnsatisfiedLinkError: no (?P<name>[\w.+-]+) in (?:java\.library\.path|system library path)"),
              lambda m, _: JavaNoLibrary(m.group("name"))),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
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
