"""``mkldoctor list``: every MKL copy on the machine or in a sysroot."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from mkldoctor.commands import options as opt
from mkldoctor.output import Format

Symbol = Annotated[Optional[list[str]], typer.Option(
    "--symbol", metavar="SYM", help="Symbols to look for in each copy (repeatable).")]
Verbose = opt.verbose("every evidence line of each copy, not three per source")


def list_(
    root: opt.Root = "/",
    image: opt.Image = None,
    search: opt.Search = None,
    install: opt.Installs = None,
    symbol: Symbol = None,
    fmt: opt.ListingFormat = Format.auto,
    max_image_size: opt.MaxImageSize = "8G",
    max_image_entries: opt.MaxImageEntries = 1_000_000,
    verbose: Verbose = False,
    quiet: opt.Quiet = False,
) -> None:
    """Find every MKL on the machine (or in --root) and say what each copy can link."""
    import os

    from mkldoctor import output
    from mkldoctor.discover import DEFAULT_SYMBOLS, discover
    from mkldoctor.output import inventory as render
    from mkldoctor.output.progress import progress

    opened = None
    with progress("looking for MKL", quiet=quiet, verbose=verbose) as say:
        if image:
            opened = opt.image_root(image, root, max_size=max_image_size, max_entries=max_image_entries,
                                    quiet=quiet, progress=say)
            root = opened.root
        folders = opt.folders(search, install, root, image)
        inventory = discover(root, folders, project=os.getcwd() if root == "/" else None,
                             symbols=tuple(symbol) if symbol else DEFAULT_SYMBOLS, progress=say)
    chosen = output.resolve(fmt)
    if opened is None:
        render.render(inventory, chosen, verbose=verbose)
        return
    # paths as a user names them (IMAGE:/opt/mkl/lib), not by the cache folder the image was read into;
    # plain text, where no line wraps a path in two
    import dataclasses
    import io

    from mkldoctor.discover.image import in_image

    inventory = dataclasses.replace(inventory, root=image)
    buffer = io.StringIO()
    render.render(inventory, Format.text if chosen is Format.table else chosen, buffer, verbose=verbose)
    sys.stdout.write(in_image(buffer.getvalue(), opened))
