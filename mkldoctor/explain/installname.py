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
from mkldoctor.knowledge.recipes import q


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


@dataclass(frozen=True, slots=True)
class RpathColonList:
    """A macOS run path that is a colon-separated list (``LC_RPATH: @loader_path/../..:@loader_path/../../..``): ld64
    records each -rpath as one path, whole (mkl-service PR #222: meson's joined '$ORIGIN/../..:$ORIGIN/../../..')."""

    path: str
    line: str


_COLON_RPATH = re.compile(r"(?P<p>@(?:loader|executable)_path[^\s:]*:(?:@(?:loader|executable)_path|/)[^\s]*)")

SIGNATURES = (
    Signature("macos-install-name-elsewhere", "installname", "compatibility version", _ENTRY, _entry),
    Signature("macos-rpath-colon-list", "installname", "_path/", _COLON_RPATH,
              lambda m, _: RpathColonList(m["p"], m.string.strip()[:200])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = [_colon(e) for e in events.of(RpathColonList)[:1]]
    said = events.of(ForeignInstallName)
    if not said:
        return out
    return out + [_foreign(said, ctx)]


def _foreign(said: list[ForeignInstallName], ctx: Context) -> Finding:
    first = said[0]
    base = first.name.rsplit("/", 1)[1]
    return Finding(
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
    )


def _colon(said: RpathColonList) -> Finding:
    parts = said.path.split(":")
    return Finding(
        "macos-rpath-colon-list", "error",
        "a macOS run path holds a colon-separated list: dyld takes it as one folder, which does not exist",
        (said.line, f"ld64 records each -rpath as one LC_RPATH, whole: '{said.path}' is one path to dyld, not the {len(parts)} "
                    "folders it lists (a colon list is the ELF loader's convention, as in $ORIGIN/a:$ORIGIN/b), so @rpath/"
                    "libmkl_rt.*.dylib is looked for in none of them"),
        ("give each folder its own option: " + " ".join(q(f"-Wl,-rpath,{p}") for p in parts) + " (mkl-service PR #222 did so "
         "in its meson.build; CMake's INSTALL_RPATH, a ;-list, makes one each)",
         "until then: install_name_tool -delete_rpath '<the joined path>' and -add_rpath for each folder, on the installed "
         "extension"),
        "Apple's ld64 and dyld treat a run path as a single folder; only the ELF loader splits one at colons.",
        ("otool -l <the extension> | grep -A2 LC_RPATH   # one entry per folder",),
    )
