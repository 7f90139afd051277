"""A macOS library whose install name is a folder of the machine that built it: ``otool -L``'s listing.

``otool -L lib/libiomp5.dylib`` prints the library's own install name first: what a program linked against it records,
and where dyld then looks. A package meant to be unpacked anywhere names its libraries ``@rpath/libiomp5.dylib``;
libtorch 1.11.0's for macOS named it ``/DLC/torch/.dylibs/libiomp5.dylib`` (pytorch/pytorch#74120: delocate run over
the archive by its packaging). No line of the listing is an error; the name is the evidence. A name under the system's
or a package manager's folders (``/usr``, ``/opt/homebrew``, ``/Library``) is an installed library's own, and not this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class ForeignInstallName:
    """A library (``file``, as otool was given it) whose install name is ``name``, a path of another machine's."""

    file: str
    name: str


_ENTRY = re.compile(r"^\s+(?P<name>/[^\s()]{1,400}?/(?P<base>[\w.+-]{1,100}\.dylib)) \(compatibility version ")
_HEADER = re.compile(r"^(?P<file>[^\s:]{0,400}?(?P<base>[\w.+-]{1,100}\.dylib)):\s*$")
_INSTALLED = ("/usr/", "/opt/homebrew/", "/opt/local/", "/Library/", "/System/", "/Applications/", "/opt/intel/")


def _entry(m: re.Match, before) -> ForeignInstallName | object:
    header = _HEADER.match(before[-1].strip()) if before else None
    file, name = (header["file"], m["name"]) if header else ("", "")
    if not header or header["base"] != m["base"] or name.startswith(_INSTALLED):
        return NOT_MINE  # a dependency's line, or an installed library's own name
    given = file.removeprefix("./")
    if name == given or (not given.startswith("/") and name.endswith("/" + given)):
        return NOT_MINE  # the name is where the file is
    return ForeignInstallName(file, name)


SIGNATURES = (
    Signature("macos-install-name-elsewhere", "installname", "compatibility version", _ENTRY, _entry),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(ForeignInstallName)
    if not said:
        return []
    first = said[0]
    base = first.name.rsplit("/", 1)[1]
    return [Finding(
        "macos-install-name-elsewhere", "error",
        f"{base}'s install name is {first.name}, a folder of the machine that built it, not @rpath/{base}: a program "
        "linked against it records that path, and dyld looks for the library there",
        tuple([f"otool -L {e.file}: its own install name (the first line under it) is {e.name}" for e in said[:3]]
              + ["a library shipped to be unpacked anywhere (a libtorch archive, a wheel, a conda package) names itself "
                 "@rpath/<name>, and the programs linked against it carry an LC_RPATH to its folder; a path of the build "
                 "machine (a packaging step such as delocate rewrote it: pytorch/pytorch#74120) exists on no other"]),
        (f"install_name_tool -id @rpath/{base} {first.file}   # then, on Apple silicon: codesign --force -s - {first.file}",
         f"a program already linked against it: install_name_tool -change {first.name} @rpath/{base} <the program>, and "
         "-add_rpath <the library's folder> if it has no LC_RPATH there",
         "or take a release of the package whose libraries name themselves @rpath/ (the packager's fix)"),
        "macOS records each library by the install name the library itself declares (LC_ID_DYLIB), not by where the "
        "linker found it: a library that declares a path of another machine is found by no program linked against it.",
        (f"otool -D {first.file}   # its install name; @rpath/{base} once fixed",),
        locations=ctx.located(said, "an install name of another machine"),
    )]
