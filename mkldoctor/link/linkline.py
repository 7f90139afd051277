"""The link-line advisor: compile and link flags for an MKL copy that really has the files.

For a configuration (static/dynamic/sdl x lp64/ilp64 x sequential/intel/gnu/tbb) and
an :class:`~mkldoctor.inventory.install.MklInstall`, :func:`advise` gives the flags (the static
archives inside ``--start-group``, ``-lpthread -lm -ldl``, ``libiomp5`` from wherever
it lives), the environment needed at run time, the CMake route, the cargo route
(``MKLROOT``, ``PKG_CONFIG_PATH``, the intel-mkl-src feature name) and the matching
``mkl-*.pc`` name. It refuses, naming each missing file, when the install lacks one.

:func:`verify` compiles and runs a tiny C program with that line in a temporary
folder; its log (the command echoed as make does, then the output) goes to
``explain`` when it fails.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

from mkldoctor.errors import EXIT_FINDING, MkldoctorError
from mkldoctor.inventory.install import INTERFACE_CHOICES as INTERFACES, LINK_MODES as LINKS, THREAD_LIB, THREADING_CHOICES as THREADINGS, MklInstall, label
from mkldoctor.knowledge.recipes import CARGO_CLEAN_EXPLAINED, recipes
from mkldoctor.programs import find_program

PC_THREAD = {"sequential": "seq", "intel": "iomp", "gnu": "gomp", "tbb": "tbb"}
SDL_LAYER = {"sequential": "SEQUENTIAL", "intel": "INTEL", "gnu": "GNU", "tbb": "TBB"}
CMAKE_THREADING = {option: lib.removeprefix("mkl_") for option, lib in THREAD_LIB.items()}  # MKLConfig's MKL_THREADING
SYSTEM_LIBS = ["-lpthread", "-lm", "-ldl"]
q = shlex.quote


class LinkLineError(MkldoctorError):
    """The install lacks a file that the configuration needs; ``details`` say what to install."""

    exit_code = EXIT_FINDING

    def __init__(self, message: str, missing: list[str], hints: list[str]) -> None:
        super().__init__(message, hints)
        self.missing = missing


@dataclass(frozen=True)
class LinkConfig:
    link: str = "dynamic"
    interface: str = "lp64"
    threading: str = "sequential"

    def __post_init__(self) -> None:
        from mkldoctor.errors import UsageError

        if self.link not in LINKS:
            raise UsageError(f"--link must be one of {', '.join(LINKS)}, not {self.link!r}")
        if self.interface not in INTERFACES:
            raise UsageError(f"--interface must be one of {', '.join(INTERFACES)}, not {self.interface!r}")
        if self.threading not in THREADINGS:
            raise UsageError(f"--threading must be one of {', '.join(THREADINGS)}, not {self.threading!r}")

    @property
    def name(self) -> str:
        return f"{self.link} {self.interface} {self.threading}"

    @property
    def libraries(self) -> list[str]:
        """MKL's own libraries for this configuration, in link order."""
        if self.link == "sdl":
            return ["mkl_rt"]
        return [f"mkl_intel_{self.interface}", THREAD_LIB[self.threading], "mkl_core"]

    @property
    def cargo_feature(self) -> str | None:
        if self.link == "sdl" or self.threading not in ("sequential", "intel"):
            return None
        return f"mkl-{self.link}-{self.interface}-{'iomp' if self.threading == 'intel' else 'seq'}"


@dataclass
class LinkLine:
    config: LinkConfig
    install: MklInstall
    compile_flags: list[str]
    link_flags: list[str]
    runtime_env: dict[str, str]
    files: list[str]  # every file the line relies on, checked present
    runtime_dirs: list[str] = field(default_factory=list)
    pkg_config: str | None = None  # name of the matching mkl-*.pc shipped with the install
    pkg_config_dir: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def cargo_feature(self) -> str | None:
        return self.config.cargo_feature


# -- where the runtimes live ------------------------------------------------------------


def _find_in_dirs(filename: str, dirs: list[str]) -> str | None:
    for folder in dirs:
        path = os.path.join(folder, filename)
        if os.path.exists(path):
            return path
    return None


def find_iomp5(install: MklInstall) -> str | None:
    """libiomp5.so (else .a) for this install: its own folders, oneAPI's compiler folder, then the system."""
    shared = [lib.path for lib in install.iomp5 if lib.kind == "shared"]
    if shared:
        return shared[0]
    from mkldoctor.discover.loader import host_cache
    from mkldoctor.explain.linksearch import compiler_default_dirs, ld_default_dirs

    cached = host_cache().get("libiomp5.so")
    if cached:
        return cached[0]
    found = _find_in_dirs("libiomp5.so", list(compiler_default_dirs()) + list(ld_default_dirs()))
    if found:
        return found
    static = [lib.path for lib in install.iomp5 if lib.kind == "static"]
    return static[0] if static else None


def find_gomp(cc: str = "gcc") -> str | None:
    tool = find_program(cc)
    if not tool:
        return None
    try:
        out = subprocess.run([tool, "-print-file-name=libgomp.so"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out if out and os.path.isabs(out) and os.path.exists(out) else None


def _tbb_gap(install: MklInstall, config: LinkConfig, tbb: str) -> list[str]:
    from mkldoctor.inventory.tbbabi import abi_gap

    return abi_gap(install, "static" if config.link == "static" else "shared", tbb)


def find_tbb(install: MklInstall) -> str | None:
    from mkldoctor.discover.loader import host_cache
    from mkldoctor.explain.linksearch import ld_default_dirs

    found = _find_in_dirs("libtbb.so", install.lib_dirs)
    if found:
        return found
    for name in ("libtbb.so", "libtbb.so.12", "libtbb.so.2"):
        if host_cache().get(name):
            return host_cache()[name][0]
    return _find_in_dirs("libtbb.so", list(ld_default_dirs()))


# -- the advisor ------------------------------------------------------------------------


def _refuse(install: MklInstall, config: LinkConfig, missing: list[str], hints: list[str]) -> None:
    message = f"{label(install)} cannot be linked {config.name}: missing {', '.join(missing)}"
    raise LinkLineError(message, missing, hints)


def advise(install: MklInstall, config: LinkConfig, cc: str = "gcc") -> LinkLine:
    """Flags for ``config`` against ``install``; :class:`LinkLineError` when a file is missing."""
    missing: list[str] = []
    hints: list[str] = []
    kind = "static" if config.link == "static" else "shared"
    libs = []
    for name in config.libraries:
        library = install.find(name, kind)
        if library is None:
            missing.append(f"lib{name}.{'a' if kind == 'static' else 'so'}")
        else:
            libs.append(library)
    if missing:
        if kind == "static" and install.shared:
            hints.append("this copy has shared libraries only: use --link dynamic, or install the static archives:")
        hints += ["  " + line for line in recipes(kind)]
    if not any(os.path.isfile(os.path.join(d, "mkl.h")) for d in install.include_dirs):
        missing.append("mkl.h (the headers)")
        hints += ["install MKL's headers:"] + ["  " + line for line in recipes("headers")]

    lib_dir = os.path.dirname(libs[0].path) if libs else install.lib_dir
    runtime_dirs: list[str] = []
    threading_flags: list[str] = []
    files = [lib.path for lib in libs]
    if config.threading == "intel":
        iomp5 = find_iomp5(install)
        if iomp5 is None:
            missing.append("libiomp5.so (Intel OpenMP)")
            hints.append("no libiomp5 in this copy nor on the system: use --threading sequential or gnu, or install it:")
            hints += ["  " + line for line in recipes("openmp")]
        else:
            folder = os.path.dirname(iomp5)
            threading_flags = [f"-L{folder}", "-liomp5"] if iomp5.endswith((".so", ".a")) else [iomp5]
            files.append(iomp5)
            if iomp5.endswith(".so") or ".so." in iomp5:
                runtime_dirs.append(folder)
    elif config.threading == "gnu":
        gomp = find_gomp(cc)
        if gomp is None:
            missing.append("libgomp.so (GNU OpenMP)")
            hints.append("install GCC's OpenMP runtime (Debian: libgomp1 and gcc), or use --threading sequential")
        else:
            threading_flags = ["-lgomp"]
            files.append(gomp)
    elif config.threading == "tbb":
        tbb = find_tbb(install)
        if tbb is None:
            missing.append("libtbb.so (oneTBB)")
            hints.append("install oneTBB (pip: tbb; Debian: libtbb-dev), or use --threading sequential")
        elif gap := _tbb_gap(install, config, tbb):
            missing.append(f"a TBB with the classic interface (libtbb.so.2): {tbb} lacks {len(gap)} tbb:: symbols "
                           f"this copy's libmkl_tbb_thread needs")
            hints.append("MKL 2020 and older use the TBB interface that oneTBB 2021 (libtbb.so.12) dropped: use "
                         "--threading sequential, intel or gnu, or a oneMKL 2021+ copy with oneTBB (pip: mkl-static tbb)")
        else:
            threading_flags = [f"-L{os.path.dirname(tbb)}", "-ltbb", "-lstdc++"] if tbb.endswith("libtbb.so") else [tbb, "-lstdc++"]
            files.append(tbb)
            runtime_dirs.append(os.path.dirname(tbb))
    if missing:
        _refuse(install, config, missing, hints)

    compile_flags = [f"-I{d}" for d in install.include_dirs[:1]]
    if config.interface == "ilp64":
        compile_flags += ["-DMKL_ILP64", "-m64"]
    link_flags: list[str] = []
    env: dict[str, str] = {}
    notes: list[str] = []
    if config.link == "static":
        link_flags = ["-Wl,--start-group", *[lib.path for lib in libs], "-Wl,--end-group"]
    else:
        link_flags = [f"-L{lib_dir}", "-Wl,--no-as-needed"]
        for lib in libs:
            if lib.soname_suffix == ".so":
                link_flags.append(f"-l{lib.name}")
            else:  # only versioned names (pip wheels): -lNAME would not find them
                link_flags.append(lib.path)
        runtime_dirs.insert(0, lib_dir)
        if any(lib.soname_suffix != ".so" for lib in libs):
            notes.append(f"{lib_dir} has no unversioned development links (lib{libs[0].name}.so): the libraries are named by path")
    link_flags += [f for f in threading_flags if not (f.startswith("-L") and f in link_flags)] + SYSTEM_LIBS
    if config.link == "sdl":
        env["MKL_INTERFACE_LAYER"] = "ILP64" if config.interface == "ilp64" else "LP64"
        env["MKL_THREADING_LAYER"] = SDL_LAYER[config.threading]
        if config.threading == "intel":
            link_flags = [f for f in link_flags if f != "-liomp5" and not (f.startswith("-L") and f != f"-L{lib_dir}")]
            notes.append("libmkl_rt loads libiomp5 itself at run time: it must be on the loader path")
        if config.threading in ("gnu", "tbb"):
            notes.append(f"libmkl_rt loads the {config.threading} threading layer at run time, which needs its runtime on the loader path")
    dirs = list(dict.fromkeys(runtime_dirs))
    if dirs:
        env["LD_LIBRARY_PATH"] = ":".join(dirs) + ":$LD_LIBRARY_PATH"
    line = LinkLine(config, install, compile_flags, link_flags, env, files, dirs, notes=notes)
    _pkg_config(line)
    return line


def _pkg_config(line: LinkLine) -> None:
    config = line.config
    if config.link == "sdl":
        names = ["mkl-sdl", f"mkl-sdl-{config.interface}"]
    else:
        names = [f"mkl-{config.link}-{config.interface}-{PC_THREAD[config.threading]}"]
    for pc in line.install.pkgconfig:
        base = os.path.basename(pc)[:-3]
        if base in names:
            line.pkg_config = base
            line.pkg_config_dir = os.path.dirname(pc)
            return


# -- formats ----------------------------------------------------------------------------


def _join(flags: list[str]) -> str:
    return " ".join(q(f) for f in flags)


def _env_lines(env: dict[str, str]) -> list[str]:
    out = []
    for key, value in env.items():
        if key == "LD_LIBRARY_PATH":
            dirs = value.replace(":$LD_LIBRARY_PATH", "")
            out.append(f"export LD_LIBRARY_PATH={q(dirs)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
        else:
            out.append(f"export {key}={q(value)}")
    return out


def render(line: LinkLine, fmt: str) -> str:
    config = line.config
    head = f"# {label(line.install)}: {config.name}"
    if fmt == "flags":
        out = [head, f"compile: {_join(line.compile_flags)}", f"link:    {_join(line.link_flags)}"]
        out += [f"run:     {e}" for e in _env_lines(line.runtime_env)]
        out += [f"# {n}" for n in line.notes]
        return "\n".join(out) + "\n"
    if fmt == "env":
        env = {"MKLROOT": line.install.root}
        if line.pkg_config_dir:
            env["PKG_CONFIG_PATH"] = line.pkg_config_dir + ":$PKG_CONFIG_PATH"
        out = [head, f"export MKLROOT={q(line.install.root)}"]
        if line.pkg_config_dir:
            out.append(f"export PKG_CONFIG_PATH={q(line.pkg_config_dir)}${{PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}}")
        out += _env_lines(line.runtime_env)
        return "\n".join(out) + "\n"
    if fmt == "pkg-config":
        if not line.pkg_config:
            return head + f"\n# this copy ships no .pc file for {config.name}; the flags are:\n# compile: {_join(line.compile_flags)}\n# link: {_join(line.link_flags)}\n"
        out = [head, f"export PKG_CONFIG_PATH={q(line.pkg_config_dir)}${{PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}}",
               f"pkg-config --cflags --libs {line.pkg_config}"]
        out += _env_lines(line.runtime_env)
        return "\n".join(out) + "\n"
    if fmt == "cargo":
        out = [head]
        feature = config.cargo_feature
        if feature is None:
            out.append(f"# intel-mkl-src has no feature for {config.name} (only static/dynamic x lp64/ilp64 x iomp/seq);")
            out.append("# link it from your own build.rs with the flags of --format flags")
        else:
            out.append(f'# Cargo.toml: intel-mkl-src = {{ version = "0.8", features = ["{feature}"] }}')
            out.append(f"export MKLROOT={q(line.install.root)}")
            if line.pkg_config_dir and line.pkg_config:
                out.append(f"export PKG_CONFIG_PATH={q(line.pkg_config_dir)}${{PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}}   # {line.pkg_config}.pc"
                           + (" and openmp.pc" if config.threading == "intel" and any(p.endswith("openmp.pc") for p in line.install.pkgconfig) else ""))
            out.append(CARGO_CLEAN_EXPLAINED)
            out.append("cargo build")
            if config.link == "dynamic" and any(lib.soname_suffix != ".so" for lib in line.install.libraries if lib.name == "mkl_core" and lib.kind == "shared"):
                out.append("# note: intel-mkl-src's dynamic features look for libmkl_core.so, which this copy lacks (only versioned names):")
                out.append("#       use the static feature, or create the development links (ln -s libmkl_core.so.N libmkl_core.so ...)")
            out += _env_lines({k: v for k, v in line.runtime_env.items() if k == "LD_LIBRARY_PATH"})
        return "\n".join(out) + "\n"
    if fmt == "cmake":
        return "\n".join([head] + cmake_snippet(line)) + "\n"
    if fmt == "json":
        import json

        return json.dumps({
            "schema": "mkldoctor.link", "version": 1,
            "install": {"root": line.install.root, "version": line.install.version, "lib_dirs": line.install.lib_dirs},
            "config": {"link": config.link, "interface": config.interface, "threading": config.threading},
            "compile_flags": line.compile_flags, "link_flags": line.link_flags, "runtime_env": line.runtime_env,
            "files": line.files, "pkg_config": line.pkg_config, "cargo_feature": config.cargo_feature, "notes": line.notes,
        }, indent=1) + "\n"
    raise ValueError(fmt)


def cmake_uses_config(line: LinkLine) -> str | None:
    """The copy's MKLConfig.cmake folder when that config can find this line's libraries in the copy itself."""
    from mkldoctor.diagnose.cmake import read_config

    cmake_dir = os.path.join(line.install.lib_dirs[0], "cmake", "mkl") if line.install.lib_dirs else ""
    if not os.path.isfile(os.path.join(cmake_dir, "MKLConfig.cmake")):
        return None
    config = read_config(os.path.join(cmake_dir, "MKLConfig.cmake"))
    if line.config.link != "static" and not config.versioned_names and \
            any(lib.soname_suffix != ".so" for lib in line.install.libraries if lib.name in line.config.libraries and lib.kind == "shared"):
        return None  # an older config looks for libmkl_*.so only, and this copy has .so.N names
    return cmake_dir


PIN = ("CMAKE_FIND_USE_CMAKE_PATH", "CMAKE_FIND_USE_CMAKE_ENVIRONMENT_PATH", "CMAKE_FIND_USE_SYSTEM_ENVIRONMENT_PATH",
       "CMAKE_FIND_USE_CMAKE_SYSTEM_PATH")


def cmake_snippet(line: LinkLine) -> list[str]:
    """CMake lines for target ``app`` that take this copy and no other, whatever else is installed."""
    config = line.config
    cmake_dir = cmake_uses_config(line)
    out: list[str] = []
    if cmake_dir:
        root = os.path.normpath(os.path.join(os.path.realpath(cmake_dir), "..", "..", ".."))
        out += [f'set(MKL_ROOT "{root}")   # else MKLConfig.cmake takes $MKLROOT, which may name another copy',
                f"set(MKL_LINK {config.link})",
                f"set(MKL_INTERFACE {config.interface})",
                f"set(MKL_THREADING {CMAKE_THREADING[config.threading]})",
                "# libraries from MKL_ROOT only: not from CMAKE_PREFIX_PATH, PATH or the system folders (another MKL)"]
        out += [f"set({v} FALSE)" for v in PIN]
        out += [f'find_package(MKL CONFIG REQUIRED PATHS "{cmake_dir}" NO_DEFAULT_PATH)']
        out += [f"unset({v})" for v in PIN]
        out += ["target_compile_options(app PUBLIC $<TARGET_PROPERTY:MKL::MKL,INTERFACE_COMPILE_OPTIONS>)",
                "target_include_directories(app PUBLIC $<TARGET_PROPERTY:MKL::MKL,INTERFACE_INCLUDE_DIRECTORIES>)",
                "target_link_libraries(app PUBLIC $<LINK_ONLY:MKL::MKL>)"]
    else:
        includes = " ".join(f'"{f[2:]}"' for f in line.compile_flags if f.startswith("-I"))
        defines = " ".join(f[2:] for f in line.compile_flags if f.startswith("-D"))
        why = "ships no MKLConfig.cmake" if not os.path.isfile(os.path.join(line.install.lib_dirs[0] if line.install.lib_dirs else "", "cmake", "mkl", "MKLConfig.cmake")) \
            else "has an MKLConfig.cmake that cannot find its versioned-only libraries"
        out.append(f"# this copy {why}: the same flags, by hand (full paths: no other MKL can be taken)")
        if includes:
            out.append(f"target_include_directories(app PRIVATE {includes})")
        if defines:
            out.append(f"target_compile_definitions(app PRIVATE {defines})")
        out.append(f"target_link_libraries(app PRIVATE {' '.join(_cmake_quote(f) for f in line.link_flags)})")
    out += [f"# run: {e}" for e in _env_lines(line.runtime_env)]
    return out


def _cmake_quote(flag: str) -> str:
    return f'"{flag}"' if any(c in flag for c in ' ;()"') else flag


# -- verification -----------------------------------------------------------------------

PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include <mkl.h>
%(hgemm_decl)s
int main(void) {
    float a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4] = {0, 0, 0, 0};
    char version[256];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
    if (c[0] != 1.0f || c[1] != 2.0f || c[2] != 3.0f || c[3] != 4.0f) {
        printf("cblas_sgemm gave %%g %%g %%g %%g, not 1 2 3 4\n", c[0], c[1], c[2], c[3]);
        return 3;
    }
%(hgemm_call)s
    mkl_get_version_string(version, sizeof version);
    printf("mkldoctor-verify ok: %%s (MKL_INT %%d bytes)\n", version, (int)sizeof(MKL_INT));
    return 0;
}
"""

HGEMM_DECL = r"""
/* declared here: MKL before 2021.4 has no hgemm_ and its headers declare neither it nor MKL_F16 */
typedef unsigned short mkldoctor_f16;
extern void hgemm_(const char *transa, const char *transb, const MKL_INT *m, const MKL_INT *n, const MKL_INT *k,
                   const mkldoctor_f16 *alpha, const mkldoctor_f16 *a, const MKL_INT *lda, const mkldoctor_f16 *b,
                   const MKL_INT *ldb, const mkldoctor_f16 *beta, mkldoctor_f16 *c, const MKL_INT *ldc);
"""

HGEMM_CALL = r"""
    {
        MKL_INT one = 1;
        mkldoctor_f16 ha = 0x3c00, hb = 0x4000, halpha = 0x3c00, hbeta = 0, hc = 0; /* 1.0 * 2.0 = 2.0 (0x4000) */
        hgemm_("N", "N", &one, &one, &one, &halpha, &ha, &one, &hb, &one, &hbeta, &hc, &one);
        if (hc != 0x4000) { printf("hgemm_ gave 0x%%04x, not 0x4000\n", (unsigned)hc); return 4; }
    }
"""


@dataclass
class VerifyResult:
    ok: bool
    stage: str  # "compile", "run", "ok"
    log: str  # the commands, echoed as make does, and their output
    command: list[str]
    output: str = ""


def program_env(line: LinkLine) -> dict[str, str]:
    """This environment with the line's run-time settings, as its ``run:`` lines would make it
    (``LD_LIBRARY_PATH`` put in front of the one already set)."""
    env = dict(os.environ)
    for key, value in line.runtime_env.items():
        if key == "LD_LIBRARY_PATH":
            old = env.get("LD_LIBRARY_PATH")
            value = value.replace(":$LD_LIBRARY_PATH", "") + (":" + old if old else "")
        env[key] = value
    return env


def verify(line: LinkLine, *, hgemm: bool = False, cc: str = "gcc", timeout: float = 180.0, keep: str | None = None) -> VerifyResult:
    """Compile, link and run a program that calls cblas_sgemm (and hgemm_) with ``line``."""
    source = PROGRAM % {"hgemm_decl": HGEMM_DECL if hgemm else "", "hgemm_call": HGEMM_CALL if hgemm else ""}
    work = keep or tempfile.mkdtemp(prefix="mkldoctor-verify-")
    try:
        src = os.path.join(work, "verify.c")
        exe = os.path.join(work, "verify")
        with open(src, "w", encoding="utf-8") as handle:
            handle.write(source)
        command = [cc, src, "-o", exe, *line.compile_flags, *line.link_flags]
        log = [shlex.join(command)]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=timeout, errors="replace")
        except (OSError, subprocess.SubprocessError) as exc:
            return VerifyResult(False, "compile", "\n".join(log + [str(exc)]) + "\n", command)
        log.append(run.stdout + run.stderr)
        if run.returncode != 0:
            return VerifyResult(False, "compile", "\n".join(log), command)
        env = program_env(line)
        prefix = " ".join(f"{k}={q(env[k])}" for k in line.runtime_env)
        log.append(f"{prefix} {q(exe)}".strip())
        try:
            ran = subprocess.run([exe], capture_output=True, text=True, timeout=timeout, env=env, errors="replace")
        except subprocess.TimeoutExpired:
            return VerifyResult(False, "run", "\n".join(log + [f"timed out after {timeout:g}s"]) + "\n", command)
        output = ran.stdout + ran.stderr
        log.append(output)
        ok = ran.returncode == 0 and "mkldoctor-verify ok" in ran.stdout
        return VerifyResult(ok, "ok" if ok else "run", "\n".join(log), command, output)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
