"""The link-line advisor: compile and link flags for an MKL copy that really has the files.

For a configuration (static/dynamic/sdl x lp64/ilp64 x sequential/intel/gnu/tbb) and
an :class:`~mkldoctor.inventory.install.MklInstall`, :func:`advise` gives the flags (the static
archives inside ``--start-group``, ``-lpthread -lm -ldl``, ``libiomp5`` from wherever
it lives), the environment needed at run time, the CMake route, the cargo route
(``MKLROOT``, ``PKG_CONFIG_PATH``, the intel-mkl-src feature name) and the matching
``mkl-*.pc`` name. It refuses, naming each missing file, when the install lacks one.

How a line is printed is :mod:`mkldoctor.link.formats`; :mod:`mkldoctor.link.verify` builds and runs
a program with it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass, field

from mkldoctor.errors import EXIT_FINDING, MkldoctorError
from mkldoctor.inventory.install import MklInstall, label
from mkldoctor.knowledge import layout
from mkldoctor.knowledge.recipes import recipes
from mkldoctor.programs import find_program

LINKS = layout.LINK_MODES
INTERFACES = layout.words("mkldoctor", "interface")
THREADINGS = layout.words("mkldoctor", "threading")
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
        return [layout.layer(self.interface, "interface").name, layout.layer(self.threading, "threading").name, "mkl_core"]

    def spelled(self, tool: str, role: str) -> str | None:
        """This configuration's interface or threading layer in ``tool``'s word (``cmake``: ``intel_thread``)."""
        return layout.translate(self.interface if role == "interface" else self.threading, "mkldoctor", tool, role)

    @property
    def cargo_feature(self) -> str | None:
        """intel-mkl-src's feature for it (the crate has no sdl, GNU or TBB one)."""
        return layout.config_name(self.link, self.interface, self.threading, "intel-mkl-src") if self.link != "sdl" else None


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
    libs = _mkl_libraries(install, config, missing, hints)
    threading_flags, files, runtime_dirs = _threading_runtime(install, config, cc, missing, hints)
    if missing:
        _refuse(install, config, missing, hints)
    return _line(install, config, libs, threading_flags, [lib.path for lib in libs] + files, runtime_dirs)


def _mkl_libraries(install: MklInstall, config: LinkConfig, missing: list[str], hints: list[str]) -> list:
    """The copy's libraries for the configuration, and its headers; what it lacks goes to ``missing``."""
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
    return libs


def _threading_runtime(install: MklInstall, config: LinkConfig, cc: str, missing: list[str],
                       hints: list[str]) -> tuple[list[str], list[str], list[str]]:
    """The threading layer's runtime (libiomp5, libgomp, libtbb): its flags, its file, its folder at run time."""
    runtime_dirs: list[str] = []
    threading_flags: list[str] = []
    files: list[str] = []
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
    return threading_flags, files, runtime_dirs


def _line(install: MklInstall, config: LinkConfig, libs: list, threading_flags: list[str], files: list[str],
          runtime_dirs: list[str]) -> LinkLine:
    """The compile and link flags, and what the program needs at run time, for the files the copy has."""
    lib_dir = os.path.dirname(libs[0].path) if libs else install.lib_dir
    compile_flags = [f"-I{d}" for d in install.include_dirs[:1]]
    if config.interface == "ilp64":
        compile_flags += ["-DMKL_ILP64", "-m64"]
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
        env["MKL_INTERFACE_LAYER"] = config.spelled("MKL_INTERFACE_LAYER", "interface")
        env["MKL_THREADING_LAYER"] = config.spelled("MKL_THREADING_LAYER", "threading")
        if config.threading == "intel":
            link_flags = [f for f in link_flags if f != "-liomp5" and not (f.startswith("-L") and f != f"-L{lib_dir}")]
            notes.append("libmkl_rt loads libiomp5 itself at run time: it must be on the loader path")
        elif layout.layer(config.threading, "threading").threaded:  # GCC's OpenMP, oneTBB: not MKL's to ship
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
        names = list(layout.sdl_config_names(config.interface))
    else:
        names = [layout.config_name(config.link, config.interface, config.threading, "pkg-config")]
    for pc in line.install.pkgconfig:
        base = os.path.basename(pc)[:-3]
        if base in names:
            line.pkg_config = base
            line.pkg_config_dir = os.path.dirname(pc)
            return
