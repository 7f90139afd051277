"""The options commands share, declared once, so that a flag means the same on every command.

Each command takes the ones it can use (README, "Options every command shares"): ``--install``,
``--search``, ``--root``, ``--image`` and its limits, ``--format``, ``-v/--verbose``, ``-q/--quiet``,
``--ignore``. A command that must say something of its own in a help text passes it to the factory;
the flag, its short form and its metavar stay these.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from mkldoctor.output import formats

# --image's limits, the same on list, check and deps (discover/limits.py says why these defaults)
MaxImageSize = Annotated[str, typer.Option(
    "--max-image-size", metavar="SIZE",
    help="With --image: stop when its layers inflate past SIZE in all (K, M, G, T suffixes).")]
MaxImageEntries = Annotated[int, typer.Option(
    "--max-image-entries", metavar="N", help="With --image: stop past N tar entries in all its layers.")]

Root = Annotated[str, typer.Option("--root", metavar="DIR", help="Look inside this sysroot (an unpacked image) instead of /.")]
Image = Annotated[Optional[str], typer.Option(
    "--image", metavar="IMAGE", help="Look inside this image: a docker save tarball or an OCI layout (folder or tar).")]

SEARCH_HELP = "Also look for MKL in this folder (repeatable; with --root or --image, a folder inside it)."
INSTALL_HELP = "An MKL copy to consider: its prefix or lib folder (repeatable)."
VERBOSE_HELP = "Say more (progress lines on stderr even when it is no terminal)"
QUIET = "Say less: no progress and no warnings on stderr; the result and errors only."


def search(help: str = SEARCH_HELP):
    return Annotated[Optional[list[str]], typer.Option("--search", "-s", metavar="DIR", help=help)]


def installs(help: str = INSTALL_HELP):
    """``-i/--install PATH``, repeatable (check, list, deps, explain, bench)."""
    return Annotated[Optional[list[str]], typer.Option("--install", "-i", metavar="PATH", help=help)]


def install(help: str):
    """``-i/--install PATH|VERSION``, once (link: the one copy it links)."""
    return Annotated[Optional[str], typer.Option("--install", "-i", metavar="PATH|VERSION", help=help)]


def verbose(more: str = ""):
    """``-v/--verbose``; ``more``: what else the command says with it."""
    return Annotated[bool, typer.Option("--verbose", "-v", help=f"{VERBOSE_HELP}{': ' + more if more else ''}.")]


Quiet = Annotated[bool, typer.Option("--quiet", "-q", help=QUIET)]
Search = search()
Installs = installs()
Verbose = verbose()
Ignore = Annotated[Optional[list[str]], typer.Option(
    "--ignore", metavar="RULE", help="Leave out the findings of this rule (a finding id, e.g. several-versions; "
    "repeatable; the config's ignore adds to it): not shown, not counted for the exit status.")]
Strict = Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")]


def _format(kind, words: tuple[str, ...], help: str | None = None):
    return Annotated[kind, typer.Option("--format", help=help or formats.help_text(words))]


FindingsFormat = _format(formats.FindingsFormat, formats.FINDINGS)
ListingFormat = _format(formats.Format, formats.LISTING)
DepsFormat = _format(formats.DepsFormat, formats.DEPS)
LinkFormat = _format(formats.LinkFormat, formats.LINK)


choice = formats.choice  # --link, --interface, --threading, --table: choices as --format's are


# -- the checks every command makes of the shared options, before it starts any work ------------------


def known_rules(ids: list[str] | None) -> None:
    """``--ignore RULE``: each a finding id of the rule catalogue, else a usage error naming the closest one."""
    from mkldoctor.errors import UsageError
    from mkldoctor.knowledge.rule_catalogue import unknown_rule

    for id in ids or ():
        if problem := unknown_rule(id):
            raise UsageError(f"--ignore {id}: {problem}")


def folders(search: list[str] | None, installs: list[str] | None = None, root: str = "/", image: str | None = None,
            *, flag: str = "--search") -> list[str]:
    """The folders to look for MKL in: each ``--search`` (and each ``--install``, a copy's prefix or lib folder)
    must be a folder there (inside ``root`` when given): one that is not is a usage error, on every command
    alike, never a search quietly narrowed."""
    from mkldoctor.discover import search_problem
    from mkldoctor.errors import UsageError

    def refuse(option: str, folder: str, problem: str) -> UsageError:
        inside = f" inside {image or root}" if root != "/" and problem in ("no such folder", "not a folder") else ""
        return UsageError(f"{option} {folder}: {problem}{inside}")

    for folder in search or ():
        if problem := search_problem(root, folder):
            raise refuse(flag, folder, problem)
    for folder in installs or ():
        if root == "/":
            from mkldoctor.inventory.locate import install_at

            install_at(folder)  # explain's and link's refusal: no such file or folder, no MKL library there
        elif problem := search_problem(root, folder):
            raise refuse("--install", folder, problem)
    return list(search or ()) + list(installs or ())


def image_root(image: str, root: str, wanted: list[str] | None = None, max_size: str = "8G",
               max_entries: int = 1_000_000, *, quiet: bool = False, progress=None):
    """The :class:`~mkldoctor.discover.image.ImageRoot` an ``--image`` is read into (its warnings on stderr,
    unless ``quiet``); ``--root`` with it is a usage error."""
    from mkldoctor.discover.image import open_image
    from mkldoctor.discover.limits import Limits, parse_size
    from mkldoctor.errors import UsageError
    from mkldoctor.inert import inert

    if root != "/":
        raise UsageError("--root and --image: give one of them")
    if max_entries < 1:
        raise UsageError(f"--max-image-entries {max_entries}: must be at least 1")
    opened = open_image(image, wanted=wanted or [], limits=Limits(parse_size(max_size), max_entries), progress=progress)
    for warning in () if quiet else opened.warnings:
        sys.stderr.write(f"mkldoctor: warning: {inert(warning)}\n")
    return opened
