"""``mkldoctor check``: the main job, diagnose the machine and the project."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from mkldoctor.errors import UsageError


def check(
    project: Annotated[str, typer.Argument(help="The project folder (Cargo, CMake, pyproject); with --image, a binary inside the image.")] = ".",
    root: Annotated[str, typer.Option("--root", help="Look for MKL inside this sysroot instead of /.")] = "/",
    image: Annotated[Optional[str], typer.Option("--image", help="Look inside this image (docker save tarball, OCI layout folder or tar); with BINARY, check what it needs at run time.")] = None,
    host_search: Annotated[Optional[list[str]], typer.Option("--host-search", help="With --image: a folder on this machine with MKL (the probe, and where a missing file is).")] = None,
    search: Annotated[Optional[list[str]], typer.Option("--search", "-s", help="Also look for MKL in this folder.")] = None,
    require_symbol: Annotated[
        Optional[list[str]], typer.Option("--require-symbol", help="A symbol the build needs (repeatable).")
    ] = None,
    link: Annotated[Optional[str], typer.Option("--link", help="static, dynamic or sdl.")] = None,
    interface: Annotated[Optional[str], typer.Option("--interface", help="lp64 or ilp64.")] = None,
    threading: Annotated[Optional[str], typer.Option("--threading", help="sequential, intel, gnu or tbb.")] = None,
    min_version: Annotated[Optional[str], typer.Option("--min-version", help="Oldest MKL acceptable, e.g. 2021.4.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also show scan notes.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="text, json, junit or github.")] = "text",
) -> None:
    """Diagnose this machine and the project: every problem that will break or slow an MKL build, with the fix.

    Exit status: 0 nothing blocks, 1 an error finding (--strict: or a warning), 2 usage error.
    """
    from mkldoctor.diagnose.check import run_check
    from mkldoctor.findings import exit_status
    from mkldoctor.output.findings import FindingsFormat, render

    try:
        chosen = FindingsFormat(fmt)
    except ValueError:
        raise UsageError(f"--format must be text, json, junit or github, not {fmt!r}")
    binary, image_env = None, {}
    if image:
        from mkldoctor.commands import image_root

        binary = project if project != "." else None
        project = "."
        opened = image_root(image, root, [binary] if binary else [])
        root, image_env = opened.root, opened.env
    options = {"require-symbol": require_symbol or [], "link": link, "interface": interface,
               "threading": threading, "min-version": min_version}
    import functools

    from mkldoctor.runtime.kernels import observe_install

    report = run_check(project, root, search, options,
                       observe_kernels=functools.partial(observe_install, root=root, image=image, search=host_search))
    if binary:
        from mkldoctor.runtime.deps import compute_deps
        from mkldoctor.runtime.findings import runtime_findings

        deps = compute_deps(binary, root, image_env, "native", host_search, image=image)
        report.findings[:0] = runtime_findings(deps, host_search)
    extra = {"command": "check",
             "picked": {"version": report.choice.version, "how": report.choice.how, "steps": report.choice.steps,
                        "lib_dir": report.choice.install.lib_dirs[0] if report.choice.install else None}}
    shown = report.findings
    if image:  # the cache folder the image was read into is no name for a user: IMAGE:/path
        import dataclasses

        from mkldoctor.discover.image import in_image

        def named(finding):
            return dataclasses.replace(finding, **{key: in_image(value, opened) if isinstance(value, str)
                                                   else tuple(in_image(v, opened) for v in value)
                                                   for key in ("title", "evidence", "fix", "explanation", "confirm")
                                                   for value in (getattr(finding, key),)})

        shown = [named(f) for f in shown]
        extra["picked"]["lib_dir"] = extra["picked"]["lib_dir"] and in_image(extra["picked"]["lib_dir"], opened)
    if chosen is FindingsFormat.text and not verbose:
        shown = [f for f in shown if f.id != "scan-warning"]
    render(shown, chosen, suite="mkldoctor.check", extra=extra if chosen is FindingsFormat.json else None)
    raise typer.Exit(exit_status(report.findings, strict))
