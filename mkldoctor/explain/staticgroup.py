"""A link line that takes MKL's static archives in an order ld cannot resolve, with no group around them.

spack/spack#7279: ``mpiicc ... libhpl.a .../libmkl_intel_lp64.a .../libmkl_core.a .../libmkl_sequential.a`` (Spack's
intel-mkl listed its static libraries as interface, core, threading). ld reads each archive once, left to right, and
takes from it only what the objects before it asked for: the threading layer read after the core needs names of the
core that nobody takes any more. MKL's archives call each other in both directions, so Intel's link lines wrap them in
``--start-group ... --end-group``. The log need not show the undefined references that follow (cut, or after the line);
with them, the undefined-symbol reading says the same (mkl-layer-missing), and this rule stays quiet.
"""

from __future__ import annotations

import os

from mkldoctor.explain import linkorder
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import LinkCommand, Parsed, UndefinedSymbol
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout
from mkldoctor.knowledge.recipes import q

_INTERFACES = ("interface", "fortran95")  # the layers a link line gives before the threading layer and the core


def _static_mkl(line: linkorder.Line) -> list[tuple[str, str]]:
    """(role in MKL's layout, as the line spells it) of each static MKL archive, in the line's order."""
    out = []
    for unit in line.units:
        if unit.kind == "file" and unit.value.endswith(".a") and os.path.basename(unit.value).startswith("libmkl_"):
            name, spelled = os.path.basename(unit.value)[:-2], unit.value
        elif unit.kind == "lib" and unit.static and unit.value.startswith("mkl_"):
            name, spelled = unit.value, "-l" + unit.value
        elif unit.kind == "lib" and unit.value.startswith(":libmkl_") and unit.value.endswith(".a"):
            name, spelled = unit.value[1:-2], "-l" + unit.value
        else:
            continue
        found = layout.get(name)
        out.append((found.role if found else "", spelled))
    return out


def _out_of_order(archives: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The first archive that needs the core and comes after the core's last appearance, or None."""
    cores = [n for n, (role, _) in enumerate(archives) if role == "core"]
    if not cores:
        return None
    return next(((role, spelled) for role, spelled in archives[cores[-1] + 1:]
                 if role == "threading" or role in _INTERFACES), None)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    if events.of(UndefinedSymbol):  # the undefined references' own reading covers it, with the names
        return []
    for command in events.of(LinkCommand):
        if command.groups:
            continue
        archives = _static_mkl(linkorder.read(command))
        late = _out_of_order(archives)
        if late is None:
            continue
        order = [spelled for _, spelled in archives]
        interface = [s for role, s in archives if role in _INTERFACES]
        threading = [s for role, s in archives if role == "threading"]
        core = [s for role, s in archives if role == "core"][:1]
        grouped = " ".join(("-Wl,--start-group", *dict.fromkeys(interface + threading + core), "-Wl,--end-group"))
        return [Finding(
            "mkl-static-order", "error",
            f"the link line reads MKL's static archives in an order ld cannot resolve: {os.path.basename(late[1])} after "
            "libmkl_core.a, with no --start-group", (
                f"{command.tool} links, in this order: {', '.join(os.path.basename(s) for s in order)}",
                f"{os.path.basename(late[1])} needs names of libmkl_core.a, which ld has already read: an archive is read "
                "once, and only for the names asked before it, so they stay undefined (ld's errors name "
                f"{os.path.basename(late[1])}'s members)",
            ), (
                f"wrap MKL's archives in a group, interface, threading, core: {' '.join(q(p) if not p.startswith('-') else p for p in grouped.split())}",
                "or give them in that order (interface, threading, core) and repeat libmkl_core.a's neighbours as ld asks; "
                "the group is Intel's own form (mkldoctor link --link static --format flags prints it)",
                "a package recipe that lists MKL's libraries (Spack's intel-mkl before spack#7280): update it, or give the "
                "build the grouped line yourself",
            ),
            "MKL's interface, threading and core archives call each other in both directions; ld resolves such archives only "
            "when they are read together in a group (or in an order with repeats).",
            ("add -Wl,--trace-symbol=<a name ld's errors list> to the line: ld says which archive asks for it and which "
             "defines it",),
        )]
    return []
