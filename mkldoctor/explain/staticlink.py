"""A fully static link (``-static``) given a shared library: ld.bfd and lld say ``attempted static link of dynamic object
`X'``, gold ``cannot mix -static with dynamic object X``. No shared library can go into a static executable.

For MKL the usual cause is a line written for MKL's shared libraries (``libmkl_rt.so``, the single dynamic library, has no
static archive at all) built with ``-static`` or ``CMAKE_EXE_LINKER_FLAGS=-static``: MKL's static link is its three
archives of one folder in a group (interface, threading layer, core), or MKL's archives in an executable that is not
itself fully static. Produced here with the three linkers and the pinned wheel's ``libmkl_rt.so.3``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.edits import Edit
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout


@dataclass(frozen=True, slots=True)
class StaticOfShared:
    path: str  # the shared library the static link was given
    line: str


SIGNATURES = (
    Signature("static-link-of-shared", "staticlink", "dynamic object",
              re.compile(r"(?:attempted static link of|cannot mix -static with) dynamic object [`']?(?P<path>[^`'\s]{1,500})"),
              lambda m, _: StaticOfShared(m.group("path"), m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return [_finding(e, events, ctx) for e in events.of(StaticOfShared)[:1]]


def _finding(e: StaticOfShared, events: Parsed, ctx: Context) -> Finding:
    name = os.path.basename(e.path)
    role = layout.role(name)
    why = ("A fully static executable (-static, -Wl,-Bstatic for the whole line, CMAKE_EXE_LINKER_FLAGS=-static) takes no "
           "shared library: ld needs each library as a static archive (.a), and refuses a .so named on the line by path or "
           "-l:file.")
    evidence = [e.line]
    if role is None:
        return Finding("static-link-of-shared", "error", f"a static link was given the shared library {name}", tuple(evidence),
                       (f"link {name.split('.so', 1)[0]}.a in its place, or drop -static (link only some libraries "
                        "statically, between -Wl,-Bstatic and -Wl,-Bdynamic)",), why)
    folder = os.path.dirname(e.path)
    at = f"{folder}/" if folder else ""
    if role in ("openmp", "tbb"):  # MKL's threading layer's runtime, not MKL itself
        return Finding("static-link-of-shared", "error", f"a fully static link (-static) was given {name}, the runtime of "
                       "MKL's threading layer", tuple(evidence),
                       (f"MKL's sequential layer needs no runtime: {at}libmkl_sequential.a in place of the threading layer's "
                        f"archive, and no {name}",
                        "or libmkl_gnu_thread.a with -fopenmp (GCC's libgomp.a links statically)",
                        "or drop -static: MKL's archives link into a dynamic executable as well"),
                       why + " Intel's OpenMP runtime and oneTBB are meant to be linked shared.",
                       locations=ctx.located([e], "static link of dynamic object"))
    group = ("-Wl,--start-group", f"{at}libmkl_intel_lp64.a", f"{at}libmkl_sequential.a", f"{at}libmkl_core.a",
             "-Wl,--end-group", "-lpthread", "-lm", "-ldl")
    if role == "rt":
        evidence.append(f"{name} is MKL's single dynamic library: it has no static archive in any MKL (it picks its layers "
                        "at run time, which a static executable cannot do)")
    archives = folder and os.path.isdir(folder) and ctx.local and os.path.exists(f"{folder}/libmkl_core.a")
    if archives:
        evidence.append(f"{folder} holds MKL's static archives (libmkl_core.a) on this machine")
    command = ctx.main_command()
    fix = []
    said = (f"link MKL's static archives of that folder in place of {name}, its three layers as a group: {' '.join(group)} "
            "(libmkl_gnu_thread.a with -fopenmp, or libmkl_intel_thread.a with -liomp5, for MKL's own threads)")
    if command is not None and e.path in command.argv:
        fix.append(ctx.edited(said, Edit(paths=((e.path, group),))))
    else:
        fix.append(said)
    if not archives:
        fix.append(f"where that folder has no libmkl_core.a, install MKL's static archives: {ctx.recipe_ref('static')}")
    fix.append("or keep MKL shared and drop -static: a dynamic executable can still link MKL statically (its archives without "
               "-static), or only the project's own libraries (-Wl,-Bstatic ... -Wl,-Bdynamic around them)")
    return Finding("static-link-of-shared", "error", f"a fully static link (-static) was given MKL's shared library {name}",
                   tuple(evidence), tuple(fix),
                   why + " MKL's static link is its archives: an interface, a threading layer and the core, of one folder, "
                   "in a group; libmkl_rt, the single dynamic library, is shared only.",
                   ("ls <MKL lib folder>/libmkl_core.a: the static archives are there, or are not installed",),
                   locations=ctx.located([e], "static link of dynamic object"))
