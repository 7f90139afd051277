"""Every finding id mkldoctor can emit, with its description: the one home of each rule's text.

SARIF's rule list (``tool.driver.rules``) is rendered from this table, and a test walks the code
for every ``Finding("id", ...)`` and holds it against this table, both ways: a rule without an
entry, or an entry no code emits, fails it. ``short`` is one line (SARIF shortDescription),
``full`` what the rule means (fullDescription), ``help`` what to do in general (each finding
still carries its own exact fix).
"""

from __future__ import annotations

from dataclasses import dataclass

from mkldoctor.knowledge import rule_catalogue_explain2 as _explain2_rules
from mkldoctor.knowledge import rule_catalogue_explain3 as _explain3_rules
from mkldoctor.knowledge import rule_catalogue_explain4 as _explain4_rules
from mkldoctor.knowledge import rule_catalogue_python as _python_rules


@dataclass(frozen=True)
class Rule:
    id: str
    short: str
    full: str
    help: str


def _r(id: str, short: str, full: str, help: str) -> Rule:
    return Rule(id, short, full, help)


_CHECK = (
    _r("missing-symbol", "A symbol the build needs is not in the MKL it uses",
       "The copy of MKL the build takes (or linked) does not define a function the code calls: the link stops with "
       "`undefined reference`, or the program with `undefined symbol`. The finding says which release first has it, "
       "or since which release it is gone.",
       "Point the build at a copy that has the symbol (the finding names it), or install a release that has it."),
    _r("runtime-without-devel", "A static link is asked for, but only MKL runtime packages are installed",
       "Runtime packages (pip's mkl, intel-oneapi-mkl, Debian's libmkl-rt) hold shared objects only; a static link "
       "needs the archives (libmkl_core.a) of a devel package.",
       "Install the devel package that holds the static archives (mkl-static, intel-oneapi-mkl-devel, libmkl-full-dev)."),
    _r("too-old", "The MKL the build uses is older than the minimum version asked for",
       "`--min-version` or `min-version` in the configuration names a release newer than the copy the build takes.",
       "Install that release or newer and point the build at it."),
    _r("version-unknown", "Nothing states the version of the MKL the build uses",
       "A minimum version is asked for, but the chosen copy has no mkl_version.h, package record or .pc Version.",
       "Install that copy's headers, or point the build at a copy whose version is known."),
    _r("pkgconfig-missing-files", "A pkg-config file names MKL library files that do not exist",
       "A build that trusts the .pc file (pkg-config, intel-mkl-src) fails with `cannot find` or a missing file.",
       "Install the package that holds those files, or remove the stale .pc file."),
    _r("pkgconfig-points-nowhere", "A pkg-config file does not point at one MKL copy",
       "Its libdir or includedir does not exist, or its libraries resolve to another copy: the compiler and the "
       "linker take parts of different releases, or fail.",
       "Fix the .pc file's libdir, take the copy's files by path, or take the file off PKG_CONFIG_PATH."),
    _r("pkgconfig-missing-requires", "A pkg-config file requires a package whose .pc is not on the search path",
       "`pkg-config --libs` fails for this file until the required package's .pc file is found (often openmp.pc).",
       "Add the folder with the required .pc file to PKG_CONFIG_PATH, or install it."),
    _r("iomp-missing", "The intel threading layer is asked for, but libiomp5 is missing",
       "mkl_intel_thread needs Intel's OpenMP runtime, libiomp5: the link fails with `cannot find -liomp5` or "
       "undefined __kmpc_* symbols.",
       "Install Intel's OpenMP runtime, or use the sequential threading layer."),
    _r("several-versions", "Several MKL versions are installed",
       "Headers from one release with libraries from another, or two libmkl_core in one process, give undefined "
       "symbols or crashes.",
       "Point every build at one copy (MKLROOT) and keep the others off LD_LIBRARY_PATH and PKG_CONFIG_PATH."),
    _r("cmake-default-ilp64", "CMake's find_package(MKL) defaults to the ilp64 interface",
       "MKLConfig.cmake links the ilp64 interface unless MKL_INTERFACE says otherwise; code written for 32-bit "
       "integers then passes the wrong integer size: wrong results or crashes, no link error.",
       'Set MKL_INTERFACE to "lp64" before find_package(MKL), or pass -DMKL_INTERFACE=lp64.'),
    _r("interface-missing", "The chosen MKL has no interface library of the kind asked for",
       "The copy the build takes lacks libmkl_intel_lp64 or libmkl_intel_ilp64 (static or shared, as the link asks).",
       "Use another copy (mkldoctor list) or the other interface."),
    _r("mklroot-empty", "MKLROOT points at a folder without MKL libraries",
       "Build tools that read MKLROOT (intel-mkl-src, MKLConfig.cmake, Makefiles) find nothing there.",
       "Unset MKLROOT, or set it to the prefix of a copy that mkldoctor list shows."),
    _r("mklroot-older", "MKLROOT points at an older MKL than another one installed",
       "Builds that read MKLROOT take the older copy.",
       "Point MKLROOT at the newer copy, if that is the one meant."),
    _r("not-on-loader-path", "The shared MKL the build uses is not on the loader's path",
       "Programs linked against it stop at start-up with `error while loading shared libraries`.",
       "Add its folder to LD_LIBRARY_PATH, link with -Wl,-rpath, or add it to /etc/ld.so.conf.d."),
    _r("kernels-missing", "MKL's CPU kernel libraries are missing",
       "libmkl_core opens a CPU-specific kernel library at run time (observed by a probe, never guessed); without "
       "it MKL stops with `Cannot load`.",
       "Install the full runtime, or copy the kernel libraries that `mkldoctor deps BINARY` lists."),
    _r("one-cpu-threaded-layer", "A threaded MKL layer under a CPU quota smaller than the threads MKL starts",
       "MKL starts one thread per physical core and does not read cgroup quotas: under a small quota its threads "
       "are throttled together and each product waits for the slowest.",
       "Use the sequential layer, or start fewer threads (MKL_NUM_THREADS); confirm with mkldoctor bench --cpus N."),
    _r("amd-old-mkl", "An MKL older than 2020.1 on an AMD CPU",
       "MKL before 2020.1 runs generic kernels on non-Intel CPUs: its slowest code path.",
       "Install a newer MKL."),
    _r("no-usable-mkl", "intel-mkl-src will find no MKL it can use",
       "No installed copy has the files the feature needs, and the build script may not (or for dynamic features, "
       "never does) download one: the build script fails.",
       "Use a feature that fits an installed copy, install one, or let intel-mkl-src download (its download feature)."),
    _r("cmake-mixed-copies", "CMake would combine the files of two MKL copies",
       "Predicted from CMake's find_package search and MKLConfig.cmake's own find_library calls: the config of one "
       "copy picks libraries of another.",
       "Pin the copy: MKL_DIR and MKL_ROOT at one prefix, or the files by path."),
    _r("configure-fails", "The build tool will not configure (cmake, meson setup)",
       "Predicted by reading the project's build files as the tool reads them: a required package is not found "
       "(find_package, dependency()), a find module or MKLConfig.cmake refuses what it found (TBB or OpenMP missing "
       "for the threading layer, a version mismatch), the project's own error(), or a missing compiler. The finding "
       "carries the tool's own message and the project's line.",
       "Apply the fix the finding prints: each was checked by predicting the build with it."),
    _r("mkl-not-linked", "The build configures but links no MKL",
       "The project's MKL is optional or opt-in and, with the options and environment given, its link lines name no "
       "libmkl_* file. A note, not a problem, unless MKL was asked for.",
       "Turn MKL on as the finding says (an option, or where MKL is): each change was checked by predicting the build."),
    _r("build-not-modelled", "Part of the build files is read without being modelled",
       "The reader of CMake and meson files met something it does not model (a command that compiles or runs a "
       "program, a module of CMake's it does not read): it says how it took it, or where it stopped predicting.",
       "Compare with the real tool: mkldoctor check --configure."),
    _r("build-differs-from-asked", "The build does not take the link, interface or threading layer asked for",
       "--link, --interface or --threading (or the config file) state one thing; the build the project's files make "
       "takes another (intel-mkl-src's mkl-* feature, or the build tool's link line). Findings judge the build.",
       "Make the build ask for it (another feature or option of the project), or drop the statement."),
    _r("configure-observed", "What the real configure step did (check --configure)",
       "The project's real cmake or meson setup, run in a scratch folder: whether it configured and which MKL files "
       "its link lines name.",
       "Nothing to do; the prediction is compared with it."),
    _r("configure-differs", "The real configure step did not do what check predicted",
       "check --configure ran the real tool and it disagrees with the prediction (configured or not, the MKL files, "
       "static or shared, interface, threading): check's other findings are judged against the prediction.",
       "Trust the real tool's outcome; report the difference so the reader can learn it."),
    _r("no-mkl", "No MKL found", "No MKL copy was found on the machine, in the root or image, or in the folders searched.",
       "Install MKL, or tell mkldoctor where it is (--search DIR)."),
    _r("picked", "The MKL copy the build will use", "A note: which copy the build takes, and why, as the build tool chooses.",
       "Nothing to do; this is what the other findings are judged against."),
    _r("intel-mkl-src-config", "intel-mkl-src gets two mkl-* features, or none where it needs one",
       "intel-mkl-src's build script turns each mkl-* feature into one const: two of them, or none where the "
       "version has no default, do not compile.",
       "Give intel-mkl-src exactly one mkl-* feature; `cargo tree -e features -i intel-mkl-src` shows who asks for which."),
    _r("ilp64-with-int32", "The build links MKL's ILP64 interface, but its BLAS calls pass 32-bit integers",
       "ILP64 MKL reads every integer argument as 64 bits; code declared with c_int or i32 passes 32: wrong results "
       "or `Parameter N was incorrect`, nothing at link time.",
       "Use an LP64 intel-mkl-src feature (or a crate version that names one), then cargo clean -p intel-mkl-src."),
    _r("last-build", "The MKL the last cargo build linked", "A note read from intel-mkl-src's build-script output.",
       "Nothing to do."),
    _r("last-build-differs", "The last cargo build linked another MKL than a fresh build would",
       "intel-mkl-src's build-script output names the copy the last build linked; cargo keeps that choice until the "
       "build script reruns, which it may not do when MKLROOT changes.",
       "cargo clean -p intel-mkl-src, then cargo build."),
    _r("project-unreadable", "A project file could not be read", "A Cargo.toml, pyproject.toml or mkldoctor.toml that is "
       "not valid TOML: what it says is not taken into account.", "Fix the file."),
    _r("root-broken-file", "A file of an MKL copy inside --root or --image was not read",
       "A link that climbs out of the root or dangles inside it is never followed; the copy is described without it.",
       "Fix or remove the link inside the image."),
    _r("scan-warning", "Something the scan could not read", "A note from the inventory: a link that loops, a record "
       "that cannot be parsed.", "Read the note; shown with --verbose."),
    _r("runtime-missing", "A file the binary needs at run time is missing from the image",
       "The loader's search replayed inside the image, plus the files libmkl_rt opens itself, finds no copy of it.",
       "COPY the file into the image (the finding gives the line), or rebuild against the MKL the image has."),
)

_EXPLAIN = (
    _r("undefined-symbol", "Undefined symbols that are not MKL's names",
       "The linker could not resolve the names, and none of the MKL copies searched defines them.",
       "Check the spelling and the library that should provide them; mkldoctor list --symbol NAME looks everywhere."),
    _r("mkl-not-linked", "MKL symbols are undefined: no MKL library is on the link line",
       "The code calls MKL, but the link line names no libmkl_* library.", "Add MKL's libraries: mkldoctor link prints the line."),
    _r("system-libraries-missing", "C library parts are missing from the link line",
       "Symbols of libm, libdl or libpthread are undefined: a static MKL link must name them after the archives.",
       "Add -lpthread -lm -ldl at the end of the link line."),
    _r("mkl-archive-order", "MKL's internal symbols are undefined between its archives",
       "The archives are out of order (no --start-group) or of two releases.",
       "Group the archives with -Wl,--start-group ... -Wl,--end-group, all from one release."),
    _r("mkl-layer-missing", "An MKL layer library is missing from the link line",
       "Symbols of the interface, threading or core layer are undefined: one of the three layers is not linked.",
       "Link all three layers: mkldoctor link prints the line."),
    _r("openmp-runtime-missing", "Intel's OpenMP runtime (libiomp5) is missing",
       "mkl_intel_thread needs libiomp5: at link time __kmpc_* symbols are undefined, at run time it is not loaded.",
       "Link -liomp5 (or use the sequential layer), and put its folder on the loader's path."),
    _r("gnu-openmp-missing", "GNU OpenMP symbols are undefined: libmkl_gnu_thread needs libgomp",
       "mkl_gnu_thread runs MKL's threads on GCC's OpenMP runtime, which must be linked too.", "Add -lgomp or -fopenmp."),
    _r("library-not-found", "The linker cannot find an MKL library",
       "`cannot find -lmkl_*`: the -L folders and the linker's defaults hold no file of that name and kind.",
       "Add the folder that has it with -L, or install the package that holds it."),
    _r("needed-library-not-found", "A library needed by another one was not found at link time",
       "ld could not find a DT_NEEDED library of a shared object on the link line.", "Add -Wl,-rpath-link to its folder."),
    _r("loader-cannot-find", "The loader cannot find an MKL shared library",
       "`error while loading shared libraries`: no run path, LD_LIBRARY_PATH entry or ld.so.cache entry leads to it.",
       "Add its folder to LD_LIBRARY_PATH, the program's run path, or ld.so.conf."),
    _r("host-cannot-load", "A host program (Python, R, Julia) could not load an MKL library",
       "The host opened the library with dlopen, which did not find it or one of its dependencies.",
       "Put the folder on LD_LIBRARY_PATH before starting the host, or install MKL's shared libraries."),
    _r("runtime-symbol-missing", "A symbol is missing at run time from the MKL loaded",
       "`undefined symbol` or `symbol lookup error`: the program was built against another MKL release than the one "
       "it runs with.", "Run it with the MKL it was built against, or rebuild."),
    _r("mkl-cannot-load-kernels", "MKL cannot load its own libraries at run time",
       "libmkl_rt and the dynamic libmkl_core open the threading layer and the CPU kernels with dlopen; a copy of "
       "libmkl_rt alone cannot.", "Install or copy MKL's other shared libraries, of the same release, beside libmkl_rt."),
    _r("mkl-vendored-incomplete", "A wheel carries MKL without the libraries MKL opens itself",
       "auditwheel, delvewheel and delocate copy into a wheel (<package>.libs, <package>/.dylibs) the libraries its "
       "extensions name; MKL's CPU kernels, which its core opens at run time, are not among them.",
       "Install another build of the package (another release, conda-forge's), and report it to the package."),
    _r("mkl-kernel-other-release", "MKL loaded a kernel library of another release than its core",
       "The kernels call the core's internal functions, which change between releases.",
       "Put the kernels of the same release beside libmkl_core."),
    _r("openmp-duplicate", "Two OpenMP runtimes in one process",
       "`OMP: Error #15`: libiomp5 and another OpenMP runtime (or two copies of libiomp5) are loaded together.",
       "Load one OpenMP runtime: one MKL, one libiomp5 per process."),
    _r("threading-layer-conflict", "MKL_THREADING_LAYER conflicts with the OpenMP runtime loaded",
       "The threading layer asked for is incompatible with the OpenMP runtime already in the process.",
       "Choose the layer that matches the process's OpenMP runtime, or load MKL first."),
    _r("tbb-abi-mismatch", "MKL's TBB threading layer with a oneTBB that dropped the classic interface",
       "MKL 2020's TBB layer needs the classic tbb:: symbols that oneTBB 2021+ removed.",
       "Use another threading layer, or a TBB that still has the classic interface."),
    _r("tbb-runtime-missing", "MKL's TBB threading layer cannot load: the TBB it was built for is not loaded",
       "At run time libmkl_tbb_thread needs a tbb:: name no loaded TBB defines: no TBB in the environment, or oneTBB 2021+ "
       "(which removed tbb::task) under an MKL 2020 layer.",
       "Install the TBB generation the layer was built for (tbb=2020 for MKL 2020), or use another threading layer."),
    _r("cmake-mkl-config-not-found", "CMake's find_package(MKL) found no MKLConfig.cmake",
       "No folder on CMake's search holds MKLConfig.cmake (Debian's libmkl-dev and some wheels ship none).",
       "Point MKL_DIR at a copy's lib/cmake/mkl, or install one that ships it."),
    _r("mklconfig-rejected-value", "MKLConfig.cmake rejects a value of MKL_INTERFACE, MKL_THREADING or MKL_LINK",
       "MKLConfig.cmake accepts a fixed set of values for each option.", "Use one of the values it lists."),
    _r("mkl-header-not-found", "The compiler cannot find MKL's headers", "`fatal error: mkl.h: No such file or directory`.",
       "Add -I for the copy's include folder, or install its headers (mkl-include, libmkl-dev)."),
    _r("macos-library-not-loaded", "macOS could not load an MKL library",
       "dyld resolves @rpath names through the binary's run paths and DYLD_LIBRARY_PATH; none held it.",
       "Add the folder to the run path (install_name_tool -add_rpath) or DYLD_LIBRARY_PATH."),
    _r("windows-library-not-loaded", "Windows could not load an MKL DLL",
       "Windows looks beside the program, in os.add_dll_directory folders and on PATH; none held it.",
       "Add its folder to PATH, or os.add_dll_directory in Python."),
    _r("windows-msvc-runtime-missing", "Microsoft's C/C++ runtime DLL that an MKL DLL needs is not installed",
       "VCRUNTIME140.dll, MSVCP140.dll or the Universal C Runtime was not found: Intel's libiomp5md.dll and other DLLs built "
       "with Microsoft's compiler import them, and only the Microsoft Visual C++ Redistributable installs them.",
       "Install the Microsoft Visual C++ Redistributable (vc_redist.x64.exe) on that machine."),
    _r("mkl-rt-name-not-found", "A program looked for MKL's single dynamic library by a name the release does not have",
       "A package's own search for mkl_rt (ctypes.util.find_library, mkl_rt.dll, libmkl_rt.so) found nothing: since oneAPI "
       "2021 the files carry an interface number (mkl_rt.2.dll, libmkl_rt.so.2), and the wheels keep them in the "
       "environment's own library folder.",
       "Upgrade the package to a release that searches the numbered names, or give it the name it asks for."),
    _r("mkl-core-not-visible", "An MKL kernel or layer cannot see MKL's core and threading layer",
       "A name that every release's core or threading layer exports is undefined in a kernel (libmkl_avx2, "
       "libmkl_vml_*) or a layer: the layers were loaded without RTLD_GLOBAL (a Python, Julia, R or Java extension, a "
       "plugin) or linked statically, not a mix of releases.",
       "Link the module against libmkl_rt, load the layers with RTLD_GLOBAL (Python: sys.setdlopenflags), or LD_PRELOAD "
       "the core and the threading layer."),
    _r("mkl-layers-not-loaded", "A program loads MKL's interface layer without the layers it calls",
       "The threading layer and core were dropped at link time (--as-needed), so the interface layer's calls into "
       "them fail at run time.", "Link with -Wl,--no-as-needed before MKL's libraries, or link libmkl_rt."),
    _r("mkl-parameter-error", "MKL rejected a parameter of a call",
       "`Intel MKL ERROR: Parameter N was incorrect`: an integer argument read with the wrong size (ILP64/LP64 mixed, "
       "or an older MKL found first on the path), NaN in a matrix, or a workspace too small.",
       "Check which MKL the loader takes and the interface the program is compiled and linked for; check the inputs."),
    _r("library-incompatible", "The linker found the library only for another architecture",
       "ld skipped a file of the right name but of another ELF class or machine (a 32-bit MKL folder in a 64-bit link).",
       "Link from the 64-bit folder (intel64), and fix what chose the other one."),
    _r("mkl-link-order", "What calls MKL comes after MKL's libraries on the link line",
       "Names MKL exports (every release, or the one the build uses, by the export table) are undefined in an archive or "
       "object placed after MKL's libraries: ld searches a static archive once, where it stands, and with --as-needed "
       "drops a shared library nothing before it needed. Not MKL's version.",
       "Move MKL's libraries after the last library that calls them (the finding gives the reordered line)."),
    _r("mkl-dropped-as-needed", "--as-needed dropped MKL's shared libraries before a library that calls them",
       "With -Wl,--as-needed on the line, MKL's libraries come before a shared library that calls MKL: nothing before "
       "them needed them, so ld dropped them, and that library's MKL names are undefined.",
       "Move MKL's libraries after that library, put -Wl,--no-as-needed before them, or link that library against MKL."),
    _r("mkl-symbol-unresolved", "Names every MKL exports are undefined: the link did not take them from MKL",
       "The export table says the MKL of the build (or every release) has the names, and the log does not show the "
       "link line's order: MKL is missing from the line, comes before what calls it, or was dropped by --as-needed.",
       "Put MKL's libraries after what calls them (or -Wl,--no-as-needed before them); mkldoctor link prints the line."),
    _r("mkl-libraries-before-objects", "The link line names MKL's libraries before the objects that call them",
       "With --as-needed (the default of Debian's and Ubuntu's toolchains) a library before every object is dropped.",
       "Put the libraries after the objects, or link with -Wl,--no-as-needed."),
    _r("msvc-library-not-found", "link.exe cannot open an MKL .lib file (or a runtime's its layers need)",
       "LNK1181/LNK1104: no /LIBPATH or LIB folder holds it; MKL's .lib folder moved between releases (lib\\intel64 in "
       "oneAPI 2021-2023, lib in 2024 and newer); oneTBB's tbb12.lib, which MKL's TBB layer asks for by a DEFAULTLIB "
       "directive, and the compiler's libiomp5md.lib are in folders of their own.",
       "Add the folder that holds it with /LIBPATH, or set LIB (setvars.bat)."),
    _r("mkl-link-kind-mismatch", "A name only one kind of MKL library defines, in a link of the other kind",
       "MKL's memory-function pointers exist twice on Windows (i_malloc.h): i_malloc... in the static libraries, "
       "i_malloc_dll... exported by the DLLs. Code that sets one set and links the other kind leaves it unresolved "
       "(LNK2019); on Linux only the first set exists.",
       "Link the kind the code was written for (mkl_core.lib and the other static libraries, pip's mkl-static), or set "
       "the other set of pointers."),
    _r("msvc-unresolved-mkl", "link.exe: MKL's functions are unresolved externals",
       "LNK2019/LNK2001 for MKL names: no MKL .lib (or a layer of it) took part in the link.",
       "Name the interface, threading and core .lib files (or mkl_rt.lib) and their folder."),
    _r("windows-entry-point-missing", "Windows loaded an MKL DLL of another release",
       "`The procedure entry point ... could not be located`: an MKL DLL found first (often an old copy in System32) "
       "lacks a name the other DLLs call.", "Remove the stray MKL DLLs from System32, or load the right folder first."),
    _r("cargo-build-script-failed", "A crate's build script failed",
       "cargo ran a crate's build.rs and it panicked: the finding names the crate, quotes its message and says what "
       "that crate's script looks for (intel-mkl-src 0.5-0.7 download MKL from a retired address).",
       "Give the script what it looks for (MKLROOT, pkg-config's mkl-*.pc), or a version of the crate that finds MKL."),
    _r("rust-crate-known-breakage", "A crate of the MKL build chain no longer compiles, for a known reason",
       "rustc stops in a crate at a version mkldoctor's knowledge of the chain lists as broken (intel-mkl-tool 0.2 with "
       "anyhow 1.0.49+: error[E0532] on `Ok`).",
       "Pin the dependency that broke it, or move to the crate version that fixed it (the finding says which)."),
    _r("oci-registry-auth-failed", "An OCI registry refused the token request of a download",
       "ocipkg (intel-mkl-src 0.8+'s MKL download) said `Authorization failed: https://<registry>/token`: the credentials "
       "~/.docker/config.json holds for that registry are stale, and even a public image is refused.",
       "Fix or remove that registry's credentials (docker logout/login), or give intel-mkl-src a local MKL (MKLROOT)."),
    _r("mkl-finder-failed", "A project's own search for MKL found none",
       "A project's FindMKL.cmake, configure check or CMake's FindBLAS said MKL was not found; it searches only where "
       "its authors wrote, often pre-oneAPI folders.",
       "Point the finder at MKL with the variable it reads (MKLROOT, MKL_ROOT...) or use Intel's MKLConfig.cmake."),
    _r("prebuilt-mkl-internals", "A library outside MKL references MKL's internal names",
       "A shared library that is not MKL's needs mkl_dft_*, mkl_lapack_*, mkl_serv_* names that no MKL header declares "
       "and only MKL's own layers define: it was built with part of MKL's static archives.",
       "Use another build or release of that library; building it yourself, link MKL's three layers together or libmkl_rt."),
    _r("meson-dependency-not-found", "Meson found no dependency for MKL's name",
       "meson's dependency('NAME') is pkg-config's NAME.pc: MKL's .pc files are mkl-<link>-<interface>-<threading> and "
       "mkl-sdl, so a name such as mkl_rt is found by no MKL, and one of them needs its folder on PKG_CONFIG_PATH.",
       "Ask for one of MKL's .pc names (mkl-sdl, mkl-dynamic-lp64-iomp) and put <MKL prefix>/lib/pkgconfig on PKG_CONFIG_PATH."),
    _r("mklconfig-file-not-found", "Intel's MKLConfig.cmake did not find one of MKL's files",
       "MKLConfig.cmake stopped naming a library or DLL it looked for in the copy it belongs to.",
       "Check the file is where it looks; fix a package manager's copy of MKLConfig.cmake, or link statically."),
    _r("cmake-variable-without-d", "cmake was given a variable without -D",
       "A bare NAME=VALUE is a path argument to cmake and -NAME=VALUE an unknown option: the variable stays unset.",
       "Pass it as -DNAME=VALUE."),
    _r("cmake-mkl-target-missing", "A target links MKL::MKL, which no find_package(MKL) defined",
       "The imported target exists only after find_package(MKL) found Intel's MKLConfig.cmake in the same run.",
       "Call find_package(MKL CONFIG REQUIRED) before linking MKL::MKL, and point MKL_DIR at the copy."),
    _r("mkl-ilp64-compile-mismatch", "Code passes 32-bit int where MKL's ILP64 headers take 64-bit integers",
       "With MKL_ILP64 defined, MKL_INT is long long; code written with int compiles only against LP64.",
       "Build with LP64 (no -DMKL_ILP64), or declare the variables MKL_INT."),
    _r("intel-env-script-unconfigured", "An Intel environment script still holds its installer's placeholder",
       "The script (tbbvars.sh) looks under SUBSTITUTE_INSTALL_DIR_HERE: it was never given its install folder.",
       "Call it with auto_tbbroot, or set TBBROOT yourself."),
    _r("mkl-cpu-unsupported", "MKL's CPU check failed",
       "The processor (or an emulator: Rosetta 2, a VM's CPU model) lacks the instruction sets the MKL release requires, or "
       "is one MKL has no code for (an AMD processor under MKL for macOS: CPU 0 is not supported).",
       "Run an arm64 build without MKL on Apple Silicon, give a VM the host's CPU, or use an MKL the CPU supports."),
    _r("mkl-not-for-this-platform", "No MKL package exists for this platform",
       "MKL is built for x86 processors only, for macOS up to 2023.2 and for 32-bit x86 up to 2024.2: conda and mamba cannot "
       "resolve mkl on osx-arm64 or linux-aarch64, nor mkl 2024 on osx-64; pip finds no mkl wheel for ARM or musl; Anaconda's "
       "nomkl has no Windows build; Julia's MKL_jll defines no library there (UndefVarError: libmkl_rt_path not defined).",
       "Build without MKL there (Accelerate, OpenBLAS), run MKL's job on an x86-64 machine, pin the last release built for "
       "the platform (mkl<2024 on an Intel Mac, MKL_jll@2023), and on Windows pin mkl rather than install nomkl."),
    _r("mkl-package-unavailable", "The package manager could not provide an MKL package that exists for the platform",
       "The release asked for is built for the log's platform, but the channels or the index searched do not serve it "
       "(a channel list without conda-forge, a mirror, --no-index), this pip cannot take its wheels (manylinux_2_28), or "
       "conda found the specifications in conflict with it (UnsatisfiableError).",
       "Install from a channel or index that has it (conda-forge, PyPI), upgrade pip, or relax the MKL pin."),
    _r("library-wrong-platform", "A library of another platform, processor or word size (or no library) was loaded or linked",
       "The loader or linker found the file and refused it: a Linux (ELF) library on macOS, an x86-64 library in an arm64 "
       "process, a 32-bit library in a 64-bit process (wrong ELF class, %1 is not a valid Win32 application), or a file that "
       "is no library (invalid ELF header: a git-lfs pointer, a failed download).",
       "Install the build of that library for the process's platform and word size (MKL: x86-64 only; lib/intel64, not ia32)."),
    _r("apple-ld-gnu-option", "Apple's ld was given an option only GNU ld has",
       "A Linux MKL link line (--start-group, --as-needed, -rpath-link) reached Apple's ld64, which stops at it.",
       "Drop GNU's grouping and dependency options on macOS, or link MKL's CMake target."),
    _r("cmake-mkl-target-missing", "CMake: a target links an MKL:: target that is not defined",
       "MKLConfig.cmake defines each imported target only for the options and compiler it detected (SYCL targets only "
       "for a SYCL compiler).", "Configure so MKLConfig.cmake defines it, or link a target it does define."),
    _r("mkl-pc-variable-undefined", "An MKL .pc file uses a variable it does not define",
       "pkg-config cannot expand ${MKLROOT} in some oneAPI 2021 .pc files: it gives no flags, and no build finds MKL.",
       "Define the variable in the .pc files, or pass --define-variable, or use .pc files that define their prefix."),
    _r("mkl-kernel-linked", "An extension links one of MKL's CPU kernel libraries itself",
       "A kernel (libmkl_avx2, libmkl_def, libmkl_vml_*) is for MKL's dispatcher; linked directly it loads before the core.",
       "Take the kernels out of the link; link mkl_rt, or the three layers."),
    _r("mkl-download-failed", "A build's own download of an MKL package failed",
       "The project fetches MKL at configure time or in an ExternalProject step, from an address it wrote down, and the "
       "server no longer serves it or the machine that builds cannot reach it.",
       "Install MKL and point the build at it, or change the address in the project's build files (or give the step the file)."),
    _r("mkl-name-missing", "A host looked up an MKL name that the MKL it opened does not export",
       "Julia's ccall or JNA asks the library for a name when it is called; MKL's export table says which releases have it.",
       "Give the environment a release that exports the name (a compat bound on MKL_jll, a pinned mkl package)."),
    _r("mkl-name-unknown", "A host looked up a name that no MKL release exports",
       "The caller asks MKL for a routine it never had: another integer interface's suffix, another library's extension.",
       "Fix the name the caller builds, or point it at the library that has it."),
    _r("julia-blas-interface-missing", "Julia's libblastrampoline has no BLAS for the interface a caller uses",
       "libblastrampoline forwards LP64 and ILP64 calls separately; a distribution's Julia calls LP64, MKL.jl loads ILP64.",
       "Use the official Julia binaries, whose LinearAlgebra is ILP64."),
    _r("matlab-mkl-interposed", "Code running in MATLAB crashed inside MATLAB's own MKL",
       "A MEX file's or S-function's BLAS/LAPACK calls were bound to MATLAB's MKL, whose interface is ILP64.",
       "Link the code's BLAS statically (or -Bsymbolic), or build it for MATLAB's BLAS."),
    _r("mkl-link-tool-rejected", "Intel's mkl_link_tool refused an option's value",
       "mkl_link_tool's choices depend on the compiler and OS it is told; a build that calls it gets no link line.",
       "Pass one of the values it lists, or print a checked line with mkldoctor link."),
    _r("mkl-dso-not-named", "An MKL library the link needs was reached only through another library",
       "ld takes symbols only from libraries named on the line (DSO missing from command line).",
       "Name the MKL library on the link line after the objects that call it, or link MKL to the executable too."),
    _r("julia-mkl-jl-old", "Julia resolved MKL.jl 0.3 or older, whose build rewrites Julia's system image",
       "MKL.jl before 0.4 spliced MKL into base/sysimg.jl (write access to Julia's install); a compat bound held it back.",
       "Lift the bound so MKL.jl 0.4 or newer (libblastrampoline, Julia 1.7+) resolves; it needs no build step."),
    _r("r-package-mkl-missing", "An R package did not find the MKL it ships with",
       "Microsoft R Open's RevoUtilsMath looks for its MKL in the R library tree it was installed into.",
       "Install the MKL Math Libraries into this R's own library (.libPaths())."),
    _r("link-failed-unrecognised", "rustc's link failed for a reason mkldoctor does not recognise",
       "The linker's own message was not one mkldoctor reads.", "Rerun with cargo build -v and explain the whole output."),
    _r("unrecognised-failure", "An error line mkldoctor does not recognise",
       "A line that looks like an error and that no signature explains: mkldoctor never calls such a log clean.",
       "Read the marked line; if it concerns MKL, report it so that a signature can be added."),
    _r("command-failed", "The command failed, and mkldoctor recognised no MKL cause in its output",
       "explain -- COMMAND ran a command that exited non-zero (or past --timeout).", "Read the command's output."),
)

# mkldoctor python's rules (and check's, on the project's Python environment): kept in a module of their own
_EXPLAIN2 = tuple(_r(*entry) for entry in _explain2_rules.EXPLAIN)
_EXPLAIN3 = tuple(_r(*entry) for entry in _explain3_rules.EXPLAIN)
_EXPLAIN4 = tuple(_r(*entry) for entry in _explain4_rules.EXPLAIN)
_PYTHON = tuple(_r(*entry) for entry in _python_rules.PYTHON)

RULES: dict[str, Rule] = {rule.id: rule for rule in _CHECK + _EXPLAIN + _EXPLAIN2 + _EXPLAIN3 + _EXPLAIN4 + _PYTHON}


def rule(id: str) -> Rule:
    """The entry for ``id``; an id the table lacks gets a plain entry (a test keeps that from happening)."""
    return RULES.get(id) or Rule(id, id.replace("-", " "), id.replace("-", " "), "See the finding's fix.")


def unknown_rule(id: str) -> str | None:
    """None for a finding id of this table; else what is wrong with it: ``unknown rule; did you mean several-versions?``."""
    from mkldoctor.errors import did_you_mean

    if id in RULES:
        return None
    return "unknown rule" + (did_you_mean(id, RULES) or " (a finding's id, the word in brackets: several-versions, missing-symbol, ...)")
