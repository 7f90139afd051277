"""A compiler that cannot find MKL's header, in MSVC's words and in other languages: ``main.cpp(1): fatal error C1083:
Cannot open include file: 'mkl.h': No such file or directory`` (in any language: ``无法打开包括文件: “mkl.h”``), gcc's
``致命错误：mkl.h：没有那个文件或目录`` and ``schwerwiegender Fehler: mkl.h: Datei oder Verzeichnis nicht gefunden``.
Their event is :mod:`mkldoctor.explain.build`'s, whose finding says Windows' folders for MSVC's.
"""

from __future__ import annotations

import re
from dataclasses import replace

from mkldoctor.explain import build
from mkldoctor.explain.catalogue import Signature


def _msvc(m: re.Match, before):
    event = build.header_event(m, before)
    return replace(event, msvc=True) if isinstance(event, build.HeaderMissing) else event


SIGNATURES = (
    Signature("msvc-header-missing", "headerwords", "error C1083",
              re.compile(r"^(?:\d+>)?(?:(?P<src>[^(\s]{1,300})\(\d+(?:,\d+)?\)\s*:\s*)?fatal error C1083: .{0,200}?"
                         r"['\"“‘「](?P<h>[\w/\\.+-]{1,300}\.h(?:pp)?)['\"”’」]"), _msvc),
    *(Signature(f"header-missing-translated-{i}", "headerwords", needle,
                re.compile(r"(?:^|\s)(?P<src>[^:\s]{1,300}):\d+:\d+: [^:：]{1,40}[:：] ?(?P<h>[\w/.-]{1,300}\.h(?:pp)?) ?[:：]"),
                build.header_event) for i, needle in enumerate(("错误", "Fehler", "rreur", "шибка", "rrore", "エラー"))),
)

# MSVC finds a header in the /I folders of the compile line and the INCLUDE variable, which setvars.bat sets
WINDOWS_FIX = (
    'set up the MKL the build means in the shell that builds: call "C:\\Program Files (x86)\\Intel\\oneAPI\\setvars.bat" '
    "(it sets INCLUDE, which cl.exe searches), or MSBuild's C/C++ > General > Additional Include Directories",
    'or add /I"<MKL prefix>\\include" to the compile line (CMake: link the target to MKL::MKL, which carries it); pip\'s '
    "and conda's mkl-include put the headers in <python prefix>\\Library\\include",
    "no MKL installed: see the recipe below",
)
