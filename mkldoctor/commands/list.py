"""``mkldoctor list``: every MKL copy on the machine or in a sysroot."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from mkldoctor.commands import MaxImageEntries, MaxImageSize
from mkldoctor.output import Format


def list_(
    root: Annotated[str, typer.Option("--root", help="Look inside this sysroot (an unpacked image) instead of /.")] = "/",
    image: Annotated[Optional[str], typer.Option("--image", help="Look inside this image: a docker save tarball or an OCI layout (folder or tar).")] = None,
    search: Annotated[
        Optional[list[str]], typer.Option("--search", "-s", help="Also look in this folder (repeatable; inside --root).")
    ] = None,
    symbol: Annotated[
        Optional[list[str]], typer.Option("--symbol", help="Symbols to look for in each copy (repeatable).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="auto: a tree on a terminal, text when piped; json.")] = Format.auto,
    max_image_size: MaxImageSize = "8G",
    max_image_entries: MaxImageEntries = 1_000_000,
) -> None:
    """Find every MKL on the machine (or in --root) and say what each copy can link."""
    import os

    from mkldoctor import output
    from mkldoctor.discover import DEFAULT_SYMBOLS, discover
    from mkldoctor.output import inventory as render

    from mkldoctor.errors import UsageError

    opened = None
    if image:
        from mkldoctor.commands import image_root

        opened = image_root(image, root, max_size=max_image_size, max_entries=max_image_entries)
        root = opened.root
    for folder in search or []:
        if not os.path.isdir(os.path.join(root, folder.lstrip("/")) if root != "/" else folder):
            raise UsageError(f"--search {folder}: no such folder" + (f" inside {image or root}" if root != "/" else ""))
    chosen = output.resolve(fmt)
    progress = None
    if chosen is Format.table and sys.stderr.isatty():
        status = output.console(stderr=True).status("looking for MKL")
        status.start()
        progress = lambda label: status.update(f"looking for MKL: {label}")  # noqa: E731
    else:
        status = None
    try:
        inventory = discover(root, search, project=os.getcwd() if root == "/" else None,
                             symbols=tuple(symbol) if symbol else DEFAULT_SYMBOLS, progress=progress)
    finally:
        if status:
            status.stop()
    if opened is None:
        render.render(inventory, chosen)
        return
    # paths as a user names them (IMAGE:/opt/mkl/lib), not by the cache folder the image was read into;
    # plain text, where no line wraps a path in two
    import dataclasses
    import io

    from mkldoctor.discover.image import in_image

    inventory = dataclasses.replace(inventory, root=image)
    buffer = io.StringIO()
    render.render(inventory, Format.text if chosen is Format.table else chosen, buffer)
    sys.stdout.write(in_image(buffer.getvalue(), opened))
