"""How ``meson setup`` finds a dependency (meson 1.x upstream): ``dependency(name)`` asks pkg-config for
``name.pc`` (its version constraint checked), then CMake (only when a ``Find<name>.cmake`` or ``<name>Config.cmake``
exists, case-insensitively, where CMake would look: meson's own preliminary check; upstream meson has no ``mkl`` or
``blas`` dependency of its own); ``cc.find_library(name)`` asks the compiler's folders (``LIBRARY_PATH``, gcc's) for
``libname.so`` or ``libname.a``. The link arguments are pkg-config's, ``-lNAME`` turned into the file meson finds
in the ``-L`` folders (kept as written when none has it)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from mkldoctor.diagnose import pcfiles
from mkldoctor.diagnose.cmakeread.machine import ARCH, Machine


@dataclass
class Dependency:
    name: str
    found: bool
    kind: str = "pkgconfig"  # pkgconfig, cmake, library, internal, not-found
    version: str = ""
    link_args: list[str] = field(default_factory=list)
    compile_args: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)  # declare_dependency(dependencies: ...)
    tried: list[str] = field(default_factory=list)
    why: str = ""  # why not found (or how found)
    pc_path: str | None = None

    def all_link_args(self) -> list[str]:
        out = list(self.link_args)
        for child in self.children:
            if isinstance(child, Dependency) and child.found:
                out += child.all_link_args()
        return out


def pkgconfig(name: str, env: dict[str, str], read, exists, static: bool = False, version: list[str] = ()) -> Dependency:
    dirs = pcfiles.search_path(env)
    answer = pcfiles.query(name, dirs, read, static=static)
    if not answer.found:
        return Dependency(name, False, "pkgconfig", why=answer.error or "")
    for constraint in version:
        op, wanted = _constraint(constraint)
        if not pcfiles.satisfies(answer.version, f"{op} {wanted}"):
            return Dependency(name, False, "pkgconfig", answer.version,
                              why=f"found {answer.version} but need: '{constraint}'", pc_path=answer.path)
    return Dependency(name, True, "pkgconfig", answer.version, _link_args(list(answer.libs), exists, static),
                      list(answer.cflags), dict(answer.variables), why=f"pkg-config {answer.path}", pc_path=answer.path)


def _constraint(text: str) -> tuple[str, str]:
    text = text.strip()
    for op in (">=", "<=", "==", "!=", ">", "<", "="):
        if text.startswith(op):
            return ("=" if op == "==" else op), text[len(op):].strip()
    return "=", text


def _link_args(libs: list[str], exists, static: bool) -> list[str]:
    """meson turns pkg-config's -lNAME into the library file found in its -L folders (shared first)."""
    dirs = [f[2:] for f in libs if f.startswith("-L")]
    out = []
    for flag in libs:
        if flag.startswith("-L"):
            continue
        if flag.startswith("-l") and flag not in ("-lpthread", "-lm", "-ldl", "-lc", "-lrt"):
            names = [f"lib{flag[2:]}.a"] if static else [f"lib{flag[2:]}.so", f"lib{flag[2:]}.a"]
            found = next((os.path.join(d, n) for d in dirs for n in names if exists(os.path.join(d, n))), None)
            out.append(os.path.normpath(found) if found else flag)
        else:
            out.append(flag)
    return out


def cmake_candidates(name: str, env: dict[str, str], machine: Machine, listdir) -> bool:
    """meson's preliminary check before it runs CMake: a Find<name>.cmake, <name>Config.cmake or
    <name>-config.cmake (any case) in CMake's modules or under CMAKE_PREFIX_PATH's config folders."""
    if machine.cmake_modules is None:
        return False
    wanted = {f"find{name}.cmake".lower(), f"{name}config.cmake".lower(), f"{name}-config.cmake".lower()}
    folders = [machine.cmake_modules]
    for prefix in [p for p in env.get("CMAKE_PREFIX_PATH", "").split(":") if p]:
        for base in ("lib/cmake", f"lib/{ARCH}/cmake", "share/cmake", "lib64/cmake"):
            root = os.path.join(prefix, base)
            folders += [os.path.join(root, d) for d in listdir(root)]
        folders += [prefix, os.path.join(prefix, "cmake")]
    return any(entry.lower() in wanted for folder in folders for entry in listdir(folder))


def find_library(name: str, machine: Machine, env: dict[str, str], exists, static: bool = False,
                 dirs: list[str] = ()) -> Dependency:
    """``cc.find_library``: ``dirs:`` given, else LIBRARY_PATH and the compiler's own folders."""
    search = list(dirs) or ([d for d in env.get("LIBRARY_PATH", "").split(":") if d] + list(machine.gcc_dirs))
    names = [f"lib{name}.a"] if static else [f"lib{name}.so", f"lib{name}.a"]
    for folder in search:
        for file in names:
            path = os.path.join(folder, file)
            if exists(path):
                arg = path if dirs else f"-l{name}"  # in the compiler's own folders meson passes -lNAME
                return Dependency(name, True, "library", link_args=[arg], why=f"found {path}")
    return Dependency(name, False, "library", why=f"no lib{name}.so or lib{name}.a in {', '.join(search[:4])}")
