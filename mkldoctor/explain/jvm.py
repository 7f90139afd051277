"""Java and the JVM languages (Scala, Kotlin) loading MKL through JNI or JavaCPP.

``java.lang.UnsatisfiedLinkError: no mkl_rt in java.library.path`` comes from ``System.loadLibrary("mkl_rt")``:
the JVM looks for ``libmkl_rt.so`` (Linux), ``mkl_rt.dll`` (Windows) or ``libmkl_rt.dylib`` only in the folders
of ``java.library.path`` (set from LD_LIBRARY_PATH, PATH or DYLD_LIBRARY_PATH when the JVM starts, unless
``-Djava.library.path`` replaces it). What the library itself needs is then found by the system's loader.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.platforms import file_platform
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.wording import more
from mkldoctor.explain.rblas import ALTERNATIVES
from mkldoctor.findings import Finding
from mkldoctor.knowledge.recipes import q


@dataclass(frozen=True, slots=True)
class JavaNoLibrary:
    name: str  # "mkl_rt", as System.loadLibrary was given it
    javacpp: bool = False  # the frames under it are JavaCPP's Loader (org.bytedeco.javacpp)
    searched: tuple[str, ...] = ()  # the folders JDK 17+ names after its message ("in java.library.path: /a:/b")
    wants: int = field(default=8, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "JavaNoLibrary":
        return replace(self, javacpp=any("org.bytedeco.javacpp" in line for line in lines), wants=0)


@dataclass(frozen=True, slots=True)
class JavaCppProbe:
    """JavaCPP's ``Failed to load for iomp5: java.lang.UnsatisfiedLinkError: no iomp5 in java.library.path``: a library
    its loader tries and may do without (context, not the failure)."""

    name: str


@dataclass(frozen=True, slots=True)
class JvmNativeLoad:
    """Any other UnsatisfiedLinkError: the JVM loaded a native library and the system's loader failed on it (its own
    message, on this line or the next, says why)."""

    line: str


@dataclass(frozen=True, slots=True)
class JniMethodMissing:
    """``UnsatisfiedLinkError: com.github.fommil.netlib.NativeSystemLAPACK.slamch(Ljava/lang/String;)F``: the library
    loaded for a class has no JNI function for this native method (netlib-java#90: its natives property named mkl_rt.dll,
    a BLAS, not netlib-java's JNI wrapper)."""

    method: str  # "com.github.fommil.netlib.NativeSystemLAPACK.slamch"
    line: str


@dataclass(frozen=True, slots=True)
class JvmMklClassFailed(FollowOn):
    """``NoClassDefFoundError: Could not initialize class uncomplicate.neanderthal.internal.host.MKL``: the class that
    binds MKL failed its static initialiser the first time it was used (neanderthal#97: MKL's native libraries not found).
    After the first failure's own finding, its consequence; alone, :func:`mkl_class_failed` says it."""

    cls: str = ""


@dataclass(frozen=True, slots=True)
class NetlibFallback:
    """netlib's ``WARN NativeBLAS: Failed to load implementation from:dev.ludovic.netlib.blas.JNIBLAS`` (Spark 3.2+;
    netlib-java's ``com.github.fommil.netlib.NativeSystemBLAS`` before): no native BLAS loaded, the Java one runs."""

    line: str


@dataclass(frozen=True, slots=True)
class JarNativeMissing:
    """``java.lang.Error: Can't find the library libjdnn.dylib in the resource folder.`` (BigDL's MKL loader,
    com.intel.analytics.bigdl.mkl.Loader, BigDL#2075): a library that extracts its natives from its own jar found none of
    that name there."""

    library: str
    line: str


_LIBRARY_PATH_SHOWN = ("java -XshowSettings:properties -version 2>&1 | grep java.library.path   # the folders it searches",)

SIGNATURES = (
    Signature("netlib-native-fallback", "jvm", "ailed to load implementation",
              re.compile(r"Failed to load implementation from:\s*(?:dev\.ludovic\.netlib|com\.github\.fommil\.netlib)\.\S+"),
              lambda m, _: NetlibFallback(m.string.strip()[:300])),
    Signature("jvm-mkl-class-init", "jvm", "rror",
              re.compile(r"NoClassDefFoundError: Could not initiali[sz]e class (?P<cls>[\w.$]{0,300}?(?:MKL|Mkl|mkl)[\w$]*)"),
              lambda m, _: JvmMklClassFailed(m.string.strip()[:300], m.group("cls"))),
    # Java's two spellings of a native method: "pkg.Class.m(Ljava/lang/String;)F", and since Java 17 "'float pkg.Class.m(java.lang.String)'"
    Signature("java-jni-method-missing", "jvm", "UnsatisfiedLinkError",
              re.compile(r"UnsatisfiedLinkError: '?(?:[\w.$\[\]]+ )?(?P<method>(?:[a-z_][\w$]*\.)+[A-Z][\w$]*\.\w+)\([^)]*\)"),
              lambda m, _: JniMethodMissing(m.group("method"), m.string.strip()[:200])),
    # JavaCPP's loader (its debug log) trying a library it may do without: an optional preload (openblas' preset trying
    # MKL's iomp5 and mkl_avx, nd4j#2261) or another platform's name (libiomp5md on macOS, javacpp-presets#1013); it goes on
    Signature("javacpp-probe", "jvm", "UnsatisfiedLinkError",
              re.compile(r"^\s*(?:Debug: )?Failed to load for (?P<name>[\w.+-]+): java\.lang\.UnsatisfiedLinkError"),
              lambda m, _: JavaCppProbe(m["name"])),
    Signature("java-no-library", "jvm", "UnsatisfiedLinkError",
              re.compile(r"UnsatisfiedLinkError: no (?P<name>[\w.+-]+) in (?:java\.library\.path|system library path)"
                         r"(?:: (?P<path>\S{1,2000}))?"),
              lambda m, _: JavaNoLibrary(m.group("name"), searched=tuple(p for p in (m.group("path") or "").split(os.pathsep) if p))),
    Signature("jar-native-missing", "jvm", "an't find the library",
              re.compile(r"Can't find the library (?P<lib>[\w.+-]{1,200}) in the resource folder"),
              lambda m, _: JarNativeMissing(m["lib"], m.string.strip()[:300])),
    # the JVM's crash report's header, its signal line below it (nd4j#1460): the crash's echo
    Signature("jvm-fatal-error-header", "jvm", "fatal error has been detected",
              re.compile(r"^#\s*A fatal error has been detected by the Java Runtime Environment"),
              lambda m, _: FollowOn(m.string.strip())),
    Signature("java-native-load", "jvm", "UnsatisfiedLinkError", re.compile(r"UnsatisfiedLinkError"),
              lambda m, _: JvmNativeLoad(m.string.strip()[:200])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.hosts import LoaderMissing

    probes = list(dict.fromkeys(e.name for e in events.of(JavaCppProbe)))
    out = [Finding(
        "javacpp-probes", "info",
        f"JavaCPP's loader tried {more(probes, 4)} and went on without {'it' if len(probes) == 1 else 'them'}",
        (f"{len(probes)} 'Failed to load for' lines of its debug log: libraries a preset may preload (MKL's iomp5 and kernels "
         "under openblas' preset) or another platform's names (libiomp5md on macOS); each is tried and skipped",),
        ("these lines are no failure by themselves: the failure, if the program failed, is said after them (the last "
         "exception of the log); run without -Dorg.bytedeco.javacpp.logger.debug to see it alone",),
        "JavaCPP's Loader tries several names and optional libraries for each preset and logs each miss in debug mode.")] \
        if probes else []
    from mkldoctor.explain.symver import MuslRelocation

    loads = events.of(JvmNativeLoad)
    if loads and not events.of(LoaderMissing) and not events.of(MuslRelocation):  # the loader's own reason: not in the log
        from mkldoctor.explain import rtnames

        # a Windows DLL of MKL the log names by a release's name (neanderthal#119: a JNI DLL built against mkl_rt.dll,
        # oneAPI 2021's redistributable shipping mkl_rt.1.dll)
        renamed = next((named for kind, place in events.places if kind in ("foreign", "windows") and place.lower().endswith(".dll")
                        and (named := rtnames.windows_name(place))[0]), ([], []))
        said = "UnsatisfiedLinkError:" in loads[0].line or len(loads[0].line) < 120  # the exception, not a sentence about it
        imports = _imports_missing(loads)
        out.append(Finding(
            "host-cannot-load", "error", "a JVM could not load a native library" + (": " + loads[0].line[:160] if said else ""),
            (*(f"the log says: {e.line}" for e in loads[:3]), *renamed[0], *imports[0]),
            (*imports[1], *renamed[1], "read the reason the JVM gives after the library's path (cannot open shared object file: a library it needs is "
             "not on the loader's path; undefined symbol: another release of it is loaded first; wrong ELF class: another "
             "architecture's file), or run again with -Djava.library.path and LD_DEBUG=libs set",),
            "UnsatisfiedLinkError wraps the system loader's own message for a native library (a Java binding's JNI library, "
            "and MKL behind it).",
        ))

    for event in events.of(JarNativeMissing)[:1]:
        platform = file_platform(event.library)
        out.append(Finding(
            "jar-native-library-missing", "error", f"a JVM library's jar carries no {event.library}: its build for {platform} "
            "lacks that native library",
            (event.line, "the library's loader extracts its native libraries (its JNI wrappers of MKL and MKL-DNN) from its "
             f"own jar's resources, by this platform's file name; a {platform} file was asked for and the jar has none",
             *(("libjdnn is BigDL's JNI library of MKL-DNN: BigDL's MKL-DNN engine was not built for macOS, so its macOS jar "
                "holds none (BigDL#2075)",) if "jdnn" in event.library else ())),
            (f"run it on a platform whose jar carries {event.library}'s build (jar tf <the jar> | grep -E '\\.(so|dylib|dll)$': "
             "the natives the jar holds), or use a release or an engine of the library that needs none on this platform "
             "(BigDL#2075: MKL-DNN was Linux-only)",
             "a jar built from source: build its native part for this platform, so that the jar's resources hold it"),
            "A Java library that ships native code packs it into its jar per platform and extracts it at start; a platform "
            "the build did not cover finds nothing to extract.",
            ("jar tf <the library's jar> | grep -E '\\.(so|dylib|dll)$'   # the native libraries it carries",),
        ))

    fallbacks = events.of(NetlibFallback)
    for event in fallbacks[:1]:  # Spark's MLlib linear algebra guide
        # netlib-java's bundled reference natives failed too: its JNI jars are not there (oweissbarth's post, Spark MLlib)
        ref = next((e.line for e in fallbacks if "fommil.netlib.NativeRef" in e.line), "")
        out.append(Finding(
            "netlib-native-blas-not-loaded", "warning", ("netlib-java's native jars are not on the classpath" if ref else
                                                         "netlib found no native BLAS (MKL or OpenBLAS) to load")
            + ": the JVM runs its pure Java BLAS instead, correct and slower",
            (event.line, "netlib loads the system's BLAS by the name libblas.so.3 (and liblapack.so.3) through JNI; where no "
                         "native library answers that name, it says so once and computes in Java",
             *((ref, "NativeRef is netlib-java's own reference BLAS, compiled into its netlib-native_ref jar: it needs no "
                "system library, so its failing too says that netlib-java's JNI jars are missing (Spark's spark-mllib "
                "brings only netlib-java's core, for its licence), and no BLAS installed on the machine is loaded "
                "without them") if ref else ())),
            (*(("add netlib-java's native jars to the application: com.github.fommil.netlib:all:1.1.2 (a POM: sbt's "
                "libraryDependencies += \"com.github.fommil.netlib\" % \"all\" % \"1.1.2\" pomOnly(); Maven's "
                "<type>pom</type>), or only this platform's netlib-native_system-linux-x86_64 and "
                "netlib-native_ref-linux-x86_64 (classifier natives); Spark built from source: -Pnetlib-lgpl",)
               if ref else ()),
             "install MKL on every node and make it the system's BLAS and LAPACK (Debian, Ubuntu: update-alternatives "
             f"--config {ALTERNATIVES[0]}, then {ALTERNATIVES[1]}: choose libmkl_rt.so)",
             *(("then check: in spark-shell, com.github.fommil.netlib.BLAS.getInstance().getClass.getName names "
                "NativeSystemBLAS",) if "fommil" in event.line else  # netlib-java's (Spark before 3.2) has no nativeLib
               ("or name MKL's library for netlib: -Ddev.ludovic.netlib.blas.nativeLib=libmkl_rt.so (and "
                "-Ddev.ludovic.netlib.lapack.nativeLib=libmkl_rt.so), with its folder on LD_LIBRARY_PATH",
                "then check: spark-shell, then dev.ludovic.netlib.blas.NativeBLAS.getInstance() loads without the warning"))),
            "netlib is a JVM wrapper over the system's BLAS; MKL serves it only where the loader finds MKL under the name "
            "netlib asks for.",
        ))
    for event in events.of(JniMethodMissing)[:1]:
        cls, method = event.method.rsplit(".", 1)
        symbol = "Java_" + cls.replace("_", "_1").replace(".", "_") + "_" + method.replace("_", "_1")
        out.append(Finding(
            "jni-method-missing", "error",
            f"the native library loaded for {cls.rsplit('.', 1)[-1]} has no JNI function for {method}: it is not that class's "
            "JNI library",
            (event.line, f"the JVM found a library for {cls} but no {symbol} in it: a library of plain C functions (a BLAS such "
                         "as mkl_rt, which exports dgemm_ and slamch_, not Java_ functions) loaded where the binding's JNI "
                         "wrapper belongs, or a JNI library of another release of the binding"),
            (*(("BigDL supports Linux and macOS only (its maintainers, intel/ipex-llm#3126): its MKL wrapper's (bigdl-core's) "
                "JNI library is not there on Windows: run it on Linux (WSL, a container) or macOS",) if cls.startswith("com.intel.analytics.bigdl") else ()),
             "leave the binding's native library setting at its own JNI wrapper and make MKL the library behind it (netlib-java: "
             "do not set com.github.fommil.netlib.NativeSystemBLAS.natives or ...LAPACK.natives to mkl_rt; its native_system "
             "wrapper loads the system's libblas3/liblapack3, which can be MKL's mkl_rt under those names)",
             "or take the binding's JNI library of the same release as its jar"),
            "A Java native method is bound to a C function named Java_<class>_<method> in the library the class loaded; "
            "a BLAS library has the routines but not those functions.",
            (f"nm -D <the library loaded> | grep {symbol}   # (Windows: dumpbin /exports) none: not the JNI library",),
        ))

    for event in events.of(JavaNoLibrary)[:2]:
        name = event.name
        if event.javacpp and name.startswith("jniopenblas"):
            out.append(_javacpp_openblas(name))
            continue
        files = f"lib{name}.so (Linux), {name}.dll or {name}.N.dll (Windows), lib{name}.dylib (macOS)"
        # a folder it searched that holds the library by its versioned name only (PyPI's wheels: libmkl_rt.so.3, no link)
        versioned = [f for d in (event.searched if ctx.local else ()) if os.path.isdir(d) and not os.path.exists(os.path.join(d, f"lib{name}.so"))
                     for f in sorted(glob.glob(os.path.join(glob.escape(d), f"lib{name}.so.*")))[:1]]
        if versioned:
            out.append(Finding(
                "host-cannot-load", "error",
                f"java could not load {name}: {os.path.dirname(versioned[0])} holds only {os.path.basename(versioned[0])}, "
                f"and System.loadLibrary looks for lib{name}.so",
                (f"java.library.path names {os.path.dirname(versioned[0])}, which has {os.path.basename(versioned[0])} and no "
                 f"lib{name}.so: a wheel's MKL has versioned files only (no development links)",),
                (f"load the file by its path: System.load(\"{versioned[0]}\") in place of System.loadLibrary(\"{name}\")",
                 f"or give java.library.path a folder with a link named lib{name}.so: ln -s {q(versioned[0])} <that folder>/lib{name}.so"),
                "System.loadLibrary maps a name to one file name per platform (lib<name>.so on Linux) and takes no versioned one.",
                (),
            ))
            continue
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
            _LIBRARY_PATH_SHOWN,
        ))
    return out


def _javacpp_openblas(name: str) -> Finding:
    """deeplearning4j#2981: JavaCPP's openblas preset took an MKL it found on PATH (Anaconda's) instead of its own
    OpenBLAS, and its JNI library then failed to load."""
    return Finding(
        "host-cannot-load", "error", f"JavaCPP could not load {name}: its OpenBLAS preset may have taken an MKL found on the "
        "library path instead of the OpenBLAS it bundles",
        (f"System.loadLibrary(\"{name}\") failed under JavaCPP's Loader (org.bytedeco.javacpp)",
         "JavaCPP's openblas preset loads MKL's mkl_rt in place of its bundled OpenBLAS when it finds one on the system's "
         "library path (java.library.path: PATH on Windows, LD_LIBRARY_PATH on Linux): an MKL there (Anaconda's "
         "Library\\bin on PATH) that does not load, or lacks what the preset expects, fails the JNI library's load"),
        ("start the JVM without the system's folders in its library path: java -Djava.library.path= ... (empty), or take "
         "the MKL folder (Anaconda's) off PATH for the JVM",
         "newer presets choose the library with a property: -Dorg.bytedeco.openblas.load=openblas (or =mkl_rt to use MKL "
         "on purpose, with MKL's folder and its libiomp5 reachable)",
         "keep JavaCPP's cache clean after a change: delete ~/.javacpp/cache"),
        "JavaCPP extracts a preset's native libraries from its -platform jar at first use, but prefers a system library of "
        "a name the preset knows; which one it took decides what must be on the path.",
        ("java -Dorg.bytedeco.javacpp.logger.debug=true ...   # JavaCPP's log of each library it tried and from where",),
    )


def mkl_class_failed(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """A fallback: the JVM's later answer for a class that binds MKL, and no finding explains its first failure."""
    out: list[Finding] = []
    if any(f.severity == "error" for f in found):
        return out
    for event in events.of(JvmMklClassFailed)[:1]:
        out.append(Finding(
            "host-cannot-load", "error", f"the JVM's class for MKL ({event.cls}) failed to initialise: most "
            "often it could not load MKL's native libraries",
            (event.line, f"'Could not initialize class' is the JVM's answer to every use after the first: the first use of "
                         f"{event.cls} failed in its static initialiser, which loads the native MKL, and printed the reason "
                         "then (an UnsatisfiedLinkError or ExceptionInInitializerError earlier in the output)"),
            ("find the first failure: the earliest ExceptionInInitializerError or UnsatisfiedLinkError in the whole output",
             "make MKL's native libraries reachable for the JVM: their folder on java.library.path (-Djava.library.path, or "
             "LD_LIBRARY_PATH / PATH / DYLD_LIBRARY_PATH before the JVM starts), or a jar that bundles them on the classpath "
             "(bytedeco's mkl-platform-redist) with a release of the binding that loads it"),
            "A Java binding of MKL loads MKL's native libraries when its class initialises; if that fails, the JVM marks the "
            "class unusable and says only 'Could not initialize class' afterwards.",
            _LIBRARY_PATH_SHOWN,
        ))
    return out


def _imports_missing(loads: list) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Windows' words, "Can't find dependent libraries": the DLL is there, and one it imports is not (djl#3232:
    torch_cpu.dll, MKL's DLLs not shipped); the evidence and the fix, or nothing."""
    dependent = next((e for e in loads if "Can't find dependent libraries" in e.line), None)
    if dependent is None:
        return (), ()
    dll = re.search(r"([^\\/\s:]+\.dll)\b", dependent.line)
    name = dll.group(1) if dll else "the DLL"
    return ((f"Windows found {name} and not a DLL it imports: a library's own dependencies (MKL's mkl_*.dll and libiomp5md.dll "
             "behind a binding built on MKL) must be beside it or on PATH; java.library.path finds only the library named",),
            (f"list what {name} imports and which is missing: Dependencies.exe {name} (or dumpbin /dependents {name}); put that "
             f"DLL beside {name} or its folder on PATH before the JVM starts (a native bundle that left MKL's DLLs out: the "
             "binding's release that ships them, djl#3232: PyTorch 2.3's torch_cpu.dll and mkl_intel_thread.1.dll)",))
