"""A link line printed the way a build takes it: flags, environment, pkg-config, cargo, CMake, JSON."""

from __future__ import annotations

import os
import shlex

from mkldoctor.inventory.install import label
from mkldoctor.knowledge.recipes import CARGO_CLEAN_EXPLAINED
from mkldoctor.link.linkline import LinkLine

q = shlex.quote


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
                f"set(MKL_THREADING {config.spelled('cmake', 'threading')})",
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
