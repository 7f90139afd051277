"""The modules of CMake's own that a configure step runs rather than reads, modelled: the link tests
(``check_function_exists`` and the like: do the libraries exist, does one define the function, does an MKL link
have its three layers and its threading layer's runtime), ``find_package_handle_standard_args`` with CMake's own
words, FindThreads, FindOpenMP (gcc's ``-fopenmp`` and libgomp) and FindPkgConfig's ``pkg_check_modules``."""

from __future__ import annotations

import os

from mkldoctor.binary.paths import Problem
from mkldoctor.binary.symbols import find_definitions
from mkldoctor.diagnose import pcfiles
from mkldoctor.errors import MkldoctorError
from mkldoctor.diagnose.cmakeread import linkline
from mkldoctor.diagnose.cmakeread.commands import _error, _values
from mkldoctor.diagnose.cmakeread.condition import Word
from mkldoctor.diagnose.cmakeread.expand import join, split_list
from mkldoctor.diagnose.cmakeread.interp import Interpreter
from mkldoctor.diagnose.cmakeread.machine import which
from mkldoctor.diagnose.cmakeread.registry import module_command, on_include
from mkldoctor.diagnose.cmakeread.state import LinkTest, Message, Stop, Target, truthy
from mkldoctor.diagnose.cmakeread.syntax import Command
from mkldoctor.knowledge import layout

_DEFINES: dict[tuple[str, str], bool] = {}  # (file, symbol) -> defined: big archives are read once a run


# -- find_package_handle_standard_args ----------------------------------------------------------------------


@module_command("FindPackageHandleStandardArgs", "find_package_handle_standard_args")
def handle_standard_args(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if not args:
        raise _error(command, "called with incorrect number of arguments")
    name, rest = args[0], args[1:]
    keys = ("FOUND_VAR", "REQUIRED_VARS", "VERSION_VAR", "FAIL_MESSAGE", "REASON_FAILURE_MESSAGE", "HANDLE_COMPONENTS",
            "CONFIG_MODE", "NAME_MISMATCHED", "HANDLE_VERSION_RANGE")
    required: list[str] = []
    fail, reason, version_var, found_var = "DEFAULT_MSG", "", None, None
    if rest and rest[0] not in keys:  # the old signature: a message, then the variables
        fail, required = rest[0], rest[1:]
    else:
        mode = None
        for word in rest:
            if word in keys:
                mode = word
            elif mode == "REQUIRED_VARS":
                required.append(word)
            elif mode == "VERSION_VAR":
                version_var = word
            elif mode == "FAIL_MESSAGE":
                fail = word
            elif mode == "REASON_FAILURE_MESSAGE":
                reason = word
            elif mode == "FOUND_VAR":
                found_var = word
    if "CONFIG_MODE" in rest:
        required = [f"{name}_CONFIG"] + required
    missing = [v for v in required if not truthy(run.get(v))]
    found = not missing and bool(required or version_var)
    for var in {found_var or f"{name.upper()}_FOUND", f"{name}_FOUND", f"{name.upper()}_FOUND"}:
        run.set_var(var, "TRUE" if found else "FALSE")
    if found:
        first = run.get(required[0]) if required else ""
        run.record.messages.append(Message("STATUS", f"Found {name}: {first}", command.path, command.line))
        return
    head = f"Could NOT find {name}" if fail == "DEFAULT_MSG" else fail
    text = f"{head} (missing: {' '.join(missing)})" + (f"\n      Reason given by package: {reason}" if reason else "")
    if truthy(run.get(f"{name}_FIND_REQUIRED")):
        raise Stop(text, command.path, command.line)
    if not truthy(run.get(f"{name}_FIND_QUIETLY")):
        run.record.messages.append(Message("STATUS", text, command.path, command.line))


@module_command("FindPackageMessage", "find_package_message")
def package_message(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) >= 2:
        run.record.messages.append(Message("STATUS", args[1], command.path, command.line))


# -- link tests --------------------------------------------------------------------------------------------


def _defines(run: Interpreter, path: str, symbol: str) -> bool:
    key = (path, symbol)
    if key not in _DEFINES:
        host = path if run._host(path) else run.fs.host(path)
        problems: list[Problem] = []
        try:
            _DEFINES[key] = bool(find_definitions(host, [symbol], problems))
        except (OSError, MkldoctorError):  # a linker script (libm.so) defines nothing itself
            _DEFINES[key] = False
    return _DEFINES[key]


def link_test(run: Interpreter, command: Command, function: str, variable: str, extra: list[str] = ()) -> None:
    """A program calling ``function`` linked with CMAKE_REQUIRED_LIBRARIES (and ``extra``): passes when every
    library is there, one of them (or the C library) defines it, and an MKL link has what it needs."""
    if run.cache.get(variable) is not None:
        return  # CMake keeps the first answer in the cache
    items = split_list(run.get("CMAKE_REQUIRED_LIBRARIES")) + list(extra) \
        + split_list(run.get("CMAKE_REQUIRED_LINK_OPTIONS")) + split_list(run.get("CMAKE_REQUIRED_FLAGS"))
    passed, why = _links(run, items, function)
    run.record.tests.append(LinkTest(function, variable, tuple(items), passed, why, command.path, command.line))
    run.set_cache(variable, "1" if passed else "", "INTERNAL", force=True)


def _links(run: Interpreter, items: list[str], function: str) -> tuple[bool, str]:
    flags: list[str] = []
    for item in items:
        if item in run.targets:
            flags += [linkline._as_flag(i) for i in linkline.dependency_items(run, [item])]
        elif item.endswith("-NOTFOUND") or item == "":
            return False, f"{item or 'an empty library'} is on the link line"
        else:
            flags.append(linkline._as_flag(item))
    library_path = [d for d in run.env.get("LIBRARY_PATH", "").split(":") if d]
    files = linkline.resolve(flags, library_path, list(run.machine.gcc_dirs), run.isfile)
    missing = [f for f in files if f.startswith("-l") and f not in ("-lm", "-ldl", "-lpthread", "-lc", "-lrt")]
    if missing:
        return False, f"ld cannot find {', '.join(missing)}"
    gone = [f for f in files if f.startswith("/") and not run.isfile(f)]
    if gone:
        return False, f"{gone[0]} does not exist"
    problem = mkl_link_problem(files, flags)
    if problem:
        return False, problem
    libc = next((p for d in run.machine.gcc_dirs if run.isfile(p := os.path.join(d, "libc.so.6"))), None)
    for path in [f for f in files if f.startswith("/")] + ([libc] if libc else []):
        if _defines(run, path, function):
            return True, f"{os.path.basename(path)} defines {function}"
    return False, f"no library on the line defines {function}"


def mkl_link_problem(files: list[str], flags: list[str]) -> str | None:
    """What an MKL link line lacks for ld: an interface, threading and core layer each (or libmkl_rt alone), and
    the runtime the threading layer's threads run on."""
    names = {}
    for f in files:
        entry = layout.get(os.path.basename(f)) if f.startswith("/") else layout.get(f[2:]) if f.startswith("-l") else None
        if entry is not None:
            names[entry.name] = entry
    roles = {e.role for e in names.values()}
    if not roles & {"interface", "threading", "core"}:
        return None
    if "rt" in roles and not roles & {"interface", "threading"}:
        return None
    lacking = [role for role in ("interface", "threading", "core") if role not in roles]
    if lacking:
        return f"an MKL link without its {' and '.join(lacking)} layer: ld leaves MKL's own symbols undefined"
    for entry in names.values():
        if entry.role == "threading" and entry.runtime:
            runtime = entry.runtime
            present = runtime in names or any(layout.get(os.path.basename(f)) and layout.get(os.path.basename(f)).name
                                              == runtime for f in files if f.startswith("/"))
            if runtime == "gomp" and any(f in ("-fopenmp", "-lgomp") or f.endswith("/libgomp.so") or f.endswith("/libgomp.a")
                                         for f in flags + files):
                present = True
            if not present:
                return (f"lib{entry.name} needs lib{runtime} (its threads' runtime), which is not on the line: "
                        "ld leaves its symbols undefined")
    return None


@module_command("CheckFunctionExists", "check_function_exists")
def check_function_exists(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) < 2:
        raise _error(command, "called with incorrect number of arguments")
    link_test(run, command, args[0], args[1])


@module_command("CheckFortranFunctionExists", "check_fortran_function_exists")
def check_fortran_function_exists(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if not truthy(run.get("CMAKE_Fortran_COMPILER_LOADED")):
        raise Stop("check_fortran_function_exists needs a Fortran compiler: none is enabled", command.path, command.line)
    link_test(run, command, args[0] + "_", args[1])


@module_command("CheckLibraryExists", "check_library_exists")
def check_library_exists(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) < 4:
        raise _error(command, "called with incorrect number of arguments")
    library, function, location, variable = args[:4]
    extra = ([f"-L{location}"] if location else []) + [library if "/" in library else "-l" + library]
    link_test(run, command, function, variable, extra)


@module_command("CheckSymbolExists", "check_symbol_exists")
@module_command("CheckCXXSymbolExists", "check_cxx_symbol_exists")
def check_symbol_exists(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) < 3:
        raise _error(command, "called with incorrect number of arguments")
    run.note(f"{command.spelled}({args[0]}) compiles a program against {args[1]}: modelled as a link test of "
             f"{args[0]} (whether the header declares it is not read)", command)
    link_test(run, command, args[0], args[2])


@module_command("CheckTypeSize", "check_type_size")
def check_type_size(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    sizes = {"void*": "8", "int": "4", "long": "8", "long long": "8", "size_t": "8", "short": "2", "char": "1",
             "float": "4", "double": "8", "int64_t": "8", "int32_t": "4", "uint64_t": "8", "uint32_t": "4"}
    size = sizes.get(args[0].strip())
    if size is None:
        run.note(f"check_type_size({args[0]}) is not modelled: its size is left unset", command)
        return
    run.set_cache(args[1], size, "INTERNAL", force=True)
    run.set_cache(f"HAVE_{args[1]}", "TRUE", "INTERNAL", force=True)


@module_command("CheckIncludeFile", "check_include_file")
@module_command("CheckIncludeFileCXX", "check_include_file_cxx")
@module_command("CheckIncludeFiles", "check_include_files")
def check_include_file(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    dirs = split_list(run.get("CMAKE_REQUIRED_INCLUDES")) + ["/usr/local/include", "/usr/include"]
    found = all(any(run.isfile(os.path.join(d, h)) for d in dirs) for h in split_list(args[0]))
    run.set_cache(args[1], "1" if found else "", "INTERNAL", force=True)


@module_command("CheckCSourceCompiles", "check_c_source_compiles")
@module_command("CheckCXXSourceCompiles", "check_cxx_source_compiles")
@module_command("CheckCSourceRuns", "check_c_source_runs")
@module_command("CheckCXXSourceRuns", "check_cxx_source_runs")
def check_source(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    run.note(f"{command.spelled}() compiles a program of the project's: not modelled, {args[1] if len(args) > 1 else ''} "
             "is taken as failed", command)
    if len(args) > 1:
        run.set_cache(args[1], "", "INTERNAL", force=True)


@module_command("CMakePushCheckState", "cmake_push_check_state", "cmake_pop_check_state", "cmake_reset_check_state")
def check_state(run: Interpreter, command: Command, words: list[Word]) -> None:
    keys = ("CMAKE_REQUIRED_LIBRARIES", "CMAKE_REQUIRED_FLAGS", "CMAKE_REQUIRED_DEFINITIONS", "CMAKE_REQUIRED_INCLUDES",
            "CMAKE_REQUIRED_LINK_OPTIONS", "CMAKE_REQUIRED_QUIET")
    stack = run.global_props.setdefault("__check_state", [])  # type: ignore[arg-type]
    if command.name == "cmake_push_check_state":
        stack.append({k: run.scope.vars.get(k) for k in keys})
        if _values(words)[:1] == ["RESET"]:
            for k in keys:
                run.unset_var(k)
    elif command.name == "cmake_pop_check_state" and stack:
        for k, v in stack.pop().items():
            run.set_var(k, v) if v is not None else run.unset_var(k)
    elif command.name == "cmake_reset_check_state":
        for k in keys:
            run.unset_var(k)


@module_command("GNUInstallDirs", "gnuinstalldirs_get_absolute_install_dir")
def _gnu_install_dirs(run: Interpreter, command: Command, words: list[Word]) -> None:
    run.note("GNUInstallDirs_get_absolute_install_dir is not modelled", command)


@on_include("GNUInstallDirs")
def enable_gnu_install_dirs(run: Interpreter) -> None:
    for key, value in (("BINDIR", "bin"), ("LIBDIR", "lib"), ("INCLUDEDIR", "include"), ("DATADIR", "share")):
        run.set_cache(f"CMAKE_INSTALL_{key}", value, "PATH")


@on_include("CTest")
def enable_ctest(run: Interpreter) -> None:
    if "BUILD_TESTING" not in run.cache:
        run.set_cache("BUILD_TESTING", "ON", "BOOL", "Build the testing tree.")


# -- the packages modelled ------------------------------------------------------------------------------------


def native_package(run: Interpreter, command: Command, request) -> bool:
    name = request.name
    if name == "Threads":
        _imported(run, "Threads::Threads", "")
        for key, value in (("Threads_FOUND", "TRUE"), ("CMAKE_THREAD_LIBS_INIT", ""), ("CMAKE_USE_PTHREADS_INIT", "1"),
                           ("CMAKE_HAVE_LIBC_PTHREAD", "1")):
            run.set_var(key, value)
        return True
    if name == "OpenMP":
        return _openmp(run, command, request)
    executable = which(run.fs, run.machine.path, "pkg-config") or which(run.fs, run.machine.path, "pkgconf")
    run.set_var("PKG_CONFIG_FOUND", "TRUE" if executable else "FALSE")
    run.set_var("PkgConfig_FOUND", "TRUE" if executable else "FALSE")
    if executable:
        run.set_cache("PKG_CONFIG_EXECUTABLE", executable, "FILEPATH")
        run.enabled_modules.add("FindPkgConfig")
    elif request.required:
        raise Stop("Could NOT find PkgConfig (missing: PKG_CONFIG_EXECUTABLE)", command.path, command.line)
    return bool(executable)


def _imported(run: Interpreter, name: str, links: str, options: str = "") -> None:
    if name not in run.targets:
        run.targets[name] = Target(name, "INTERFACE_LIBRARY", True, None,
                                   {"TYPE": "INTERFACE_LIBRARY", "INTERFACE_LINK_LIBRARIES": links,
                                    "INTERFACE_COMPILE_OPTIONS": options})


def _openmp(run: Interpreter, command: Command, request) -> bool:
    """gcc's OpenMP: -fopenmp, libgomp and libpthread found in gcc's implicit folders (FindOpenMP's answer)."""
    gomp = _implicit_library(run, "gomp")
    pthread = _implicit_library(run, "pthread")
    languages = [lang for lang in ("C", "CXX", "Fortran") if truthy(run.get(f"CMAKE_{lang}_COMPILER_LOADED"))
                 and (not request.components or lang in request.components)]
    if gomp is None or not languages:
        run.set_var("OpenMP_FOUND", "FALSE")
        if request.required:
            raise Stop("Could NOT find OpenMP (missing: OpenMP_C_FOUND OpenMP_CXX_FOUND)", command.path, command.line)
        return False
    libraries = [gomp] + ([pthread] if pthread else [])
    run.set_cache("OpenMP_gomp_LIBRARY", gomp, "FILEPATH")
    if pthread:
        run.set_cache("OpenMP_pthread_LIBRARY", pthread, "FILEPATH")
    for lang in languages:
        for key, value in (("FLAGS", "-fopenmp"), ("LIB_NAMES", "gomp;pthread" if pthread else "gomp"),
                           ("LIBRARIES", join(libraries)), ("FOUND", "TRUE"), ("SPEC_DATE", "201511"),
                           ("VERSION", "4.5")):
            run.set_var(f"OpenMP_{lang}_{key}", value)
        _imported(run, f"OpenMP::OpenMP_{lang}", join(libraries), "-fopenmp")
    for key, value in (("OpenMP_FOUND", "TRUE"), ("OPENMP_FOUND", "TRUE"), ("OpenMP_VERSION", "4.5")):
        run.set_var(key, value)
    return True


def _implicit_library(run: Interpreter, name: str) -> str | None:
    for folder in run.machine.implicit_dirs:
        for suffix in (".so", ".a"):
            path = os.path.join(folder, f"lib{name}{suffix}")
            if run.isfile(path):
                return path
    return None


# -- pkg_check_modules ------------------------------------------------------------------------------------


@module_command("FindPkgConfig", "pkg_check_modules", "pkg_search_module")
def pkg_check_modules(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) < 2:
        raise _error(command, "called with incorrect number of arguments")
    prefix, rest = args[0], args[1:]
    flags = {w for w in rest if w in ("REQUIRED", "QUIET", "NO_CMAKE_PATH", "NO_CMAKE_ENVIRONMENT_PATH",
                                      "IMPORTED_TARGET", "GLOBAL")}
    modules = [w for w in rest if w not in flags]
    extra = _cmake_prefix_pc_dirs(run, flags)
    dirs = pcfiles.search_path(run.env, extra, run.fs.is_host)
    answers = []
    for spec in modules:
        name, constraint = _spec(spec)
        answer = pcfiles.query(name, dirs, lambda p: run.read_text(p, 1 << 20), constraint=constraint)
        answers.append(answer)
        if command.name == "pkg_search_module" and answer.found:
            answers = [answer]
            break
    good = [a for a in answers if a.found]
    ok = bool(good) if command.name == "pkg_search_module" else (len(good) == len(answers) and bool(answers))
    for key in ("FOUND", "LIBRARIES", "LINK_LIBRARIES", "LIBRARY_DIRS", "LDFLAGS", "LDFLAGS_OTHER", "INCLUDE_DIRS",
                "CFLAGS", "CFLAGS_OTHER", "VERSION"):
        run.unset_var(f"{prefix}_{key}")
    if not ok:
        failed = next(a for a in answers if not a.found)
        run.record.messages.append(Message("STATUS", f"Checking for module '{failed.name}'\n  -- {failed.error}",
                                           command.path, command.line))
        if "REQUIRED" in flags:
            raise Stop("A required package was not found", command.path, command.line)
        return
    libs = [f for a in good for f in a.libs]
    cflags = [f for a in good for f in a.cflags]
    lib_dirs = [f[2:] for f in libs if f.startswith("-L")]
    names = [f[2:] for f in libs if f.startswith("-l")]
    full = [f for f in libs if f.startswith("/")]
    link_libraries = full + [p for n in names if (p := _find_in(run, n, lib_dirs))]
    values = {"FOUND": "1", "LIBRARIES": join(names), "LIBRARY_DIRS": join(lib_dirs), "LDFLAGS": join(libs),
              "LDFLAGS_OTHER": join([f for f in libs if not f.startswith(("-L", "-l"))]),
              "LINK_LIBRARIES": join(link_libraries), "INCLUDE_DIRS": join(pcfiles.include_dirs(good[0])),
              "CFLAGS": join(cflags), "CFLAGS_OTHER": join([f for f in cflags if not f.startswith("-I")]),
              "VERSION": good[0].version}
    for key, value in values.items():
        run.set_var(f"{prefix}_{key}", value)
    for answer in good:
        run.set_var(f"{prefix}_{answer.name}_VERSION", answer.version)
    if "IMPORTED_TARGET" in flags:
        _imported(run, f"PkgConfig::{prefix}", join(link_libraries))


def _spec(spec: str) -> tuple[str, str]:
    for op in (">=", "<=", "=", "<", ">"):
        if op in spec:
            name, _, version = spec.partition(op)
            return name.strip(), f"{op} {version.strip()}"
    return spec, ""


def _cmake_prefix_pc_dirs(run: Interpreter, flags: set[str]) -> list[str]:
    """pkg_check_modules adds CMAKE_PREFIX_PATH's lib/pkgconfig folders (PKG_CONFIG_USE_CMAKE_PREFIX_PATH)."""
    use = run.definition("PKG_CONFIG_USE_CMAKE_PREFIX_PATH")
    if (use is not None and not truthy(use)) or (use is None and run.policy_version < (3, 1)):
        return []
    prefixes = [] if "NO_CMAKE_PATH" in flags else split_list(run.get("CMAKE_PREFIX_PATH"))
    if "NO_CMAKE_ENVIRONMENT_PATH" not in flags:
        prefixes += [p for p in run.env.get("CMAKE_PREFIX_PATH", "").split(":") if p]
    out = []
    for prefix in prefixes:
        out += [os.path.join(prefix, sub, "pkgconfig") for sub in ("lib/x86_64-linux-gnu", "lib", "share")]
    return out


def _find_in(run: Interpreter, name: str, dirs: list[str]) -> str | None:
    for folder in dirs:
        for suffix in (".so", ".a"):
            path = os.path.join(folder, f"lib{name}{suffix}")
            if run.isfile(path):
                return path
    return None


@module_command("FindPkgConfig", "pkg_get_variable")
def pkg_get_variable(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    dirs = pcfiles.search_path(run.env, _cmake_prefix_pc_dirs(run, set()), run.fs.is_host)
    answer = pcfiles.query(args[1], dirs, lambda p: run.read_text(p, 1 << 20))
    run.set_var(args[0], (answer.variable(args[2]) or "") if answer.found else "")
