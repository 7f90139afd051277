"""``cannot find -lmkl_rt`` from a MinGW linker on a Unix host: a Windows program cross-built on Linux (Debian's
mingw-w64 packages, Julia's BinaryBuilder), ``/usr/bin/x86_64-w64-mingw32-ld: cannot find -lmkl_rt``.

That linker wants Windows MKL's files: ``mkl_rt.lib`` (an import library, which MinGW's ld takes for ``-lmkl_rt``) or a
``libmkl_rt.dll.a``, in a folder on the link line; Linux MKL's ``libmkl_rt.so`` is no library for a Windows program, so
the host's MKL, however installed, and its search (``gcc -print-search-dirs``: the host's folders) say nothing about this
link. Windows MKL's import libraries come on any host in the Windows wheel of ``mkl-devel``, unpacked: its data folder's
``Library/lib`` holds ``mkl_rt.lib`` and the layered libraries' import libraries, named ``mkl_core_dll.lib`` and so on.
"""

from __future__ import annotations

from mkldoctor.explain.context import Context
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout, platforms

_LAYERED_IMPORT = "_dll"  # Windows MKL's import library of a layered DLL: mkl_core_dll.lib
_LAYERED = ("interface", "threading", "core", "cluster")


def is_cross(linker: str) -> bool:
    """The linker a line named is a MinGW one on a Unix host (:func:`mkldoctor.explain.refblocks.linker_name`)."""
    return linker.endswith("-w64-mingw32-ld")


def finding(ctx: Context, names: list[str], linker: str, events) -> Finding:
    triple = linker[:-len("-ld")]
    bits32 = triple.startswith("i686")
    mkl = [n for n in names if n.startswith("mkl_")]
    given = [f"-l{n}" if layout.role(n) not in _LAYERED else f"-l{n}{_LAYERED_IMPORT}" for n in mkl]
    evidence = [f"{linker} is MinGW's linker for Windows ({'32' if bits32 else '64'}-bit) on a Unix host: the program it links "
                "is a Windows program, which takes Windows MKL's import libraries (mkl_rt.lib, mkl_core_dll.lib, or "
                "libmkl_rt.dll.a), never Linux MKL's lib*.so or lib*.a",
                f"{linker} looked for {more(['-l' + n for n in names], 4)} only in the line's -L folders and its own "
                f"(/usr/{triple}/lib and the cross compiler's): the host's MKL and its folders are not part of this link"]
    fix, wheel, wanted = [], "win_amd64", "mkl-devel"
    if bits32:
        platform = platforms.platform("windows-x86")
        evidence.append(f"{platform.words}: {platform.said}")
        fix.append(f"build for 64-bit Windows (x86_64-w64-mingw32-gcc) with MKL's 64-bit libraries; for 32-bit, MKL "
                   f"{platform.last} or older for Windows (its 32-bit wheel below, whose interface layer is mkl_intel_c)")
        wheel, wanted = "win32", f"'mkl-devel=={platform.last}.*'"
    fix += [
        "put Windows MKL's import libraries on this host and give their folder to the link: python3 -m pip download "
        f"{wanted} --platform {wheel} --only-binary=:all: --no-deps -d winmkl && unzip -o 'winmkl/*.whl' -d winmkl, then "
        "-L winmkl/mkl_devel-<version>.data/data/Library/lib",
        ("name the layered libraries by their import libraries: " + " ".join(given) + " (MinGW's ld takes NAME.lib for "
         "-lNAME; -lmkl_rt needs only mkl_rt.lib)") if given and given != ["-lmkl_rt"] else
        "MinGW's ld takes mkl_rt.lib for -lmkl_rt: no renaming",
        f"the program needs Windows MKL's DLLs when it runs: the mkl wheel for {wheel} (its data folder's Library/bin: "
        "mkl_rt.N.dll and the libraries it loads) beside the .exe or on the Windows machine's PATH",
    ]
    return Finding(
        "library-not-found", "error",
        f"cannot find {more(['-l' + n for n in names], 3)}: a Windows program cross-linked on a Unix host ({linker}) needs "
        "Windows MKL's import libraries in a folder on its link line",
        tuple(evidence), tuple(fix),
        "A cross toolchain links for its target: MinGW's ld searches its -L folders and its own target folders for "
        "libNAME.dll.a, libNAME.a, NAME.lib and NAME.dll. A Linux MKL on the same host is built for Linux, and no folder of "
        "it can serve a Windows link.",
        (f"find / \\( -name 'mkl_rt.lib' -o -name 'libmkl_rt.dll.a' \\) 2>/dev/null   # a Windows MKL already on this host",
         f"{triple}-gcc ... -Wl,--verbose 2>&1 | grep -i mkl   # each file the linker tried"),
        locations=ctx.located(events, "cannot find"),
    )
