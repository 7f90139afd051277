"""The command line: typer commands that hand off to the domain modules.

Each command parses its options, calls plain functions that return data or raise
:class:`~mkldoctor.errors.MkldoctorError`, and renders. Heavy modules are imported
inside the commands so that ``--help`` stays instant.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from mkldoctor import __version__


def _usage_error_class():
    try:
        from typer._click.exceptions import UsageError  # typer 0.20+ carries its own click
    except ImportError:  # pragma: no cover - older typer, on click itself
        from click.exceptions import UsageError  # type: ignore[no-redef]
    return UsageError


def one_line(error, ctx=None):
    """A usage error (a value not among the choices, an option no command has, a missing argument) said the
    way every mkldoctor error is said: one line on stderr, ``mkldoctor: ...``, exit status 2."""
    UsageError = _usage_error_class()

    class OneLine(UsageError):
        def show(self, file=None) -> None:
            from mkldoctor.inert import inert

            where = f" (see {self.ctx.command_path} -h)" if self.ctx is not None else ""
            sys.stderr.write(f"mkldoctor: {inert(self.format_message().rstrip('.'))}{where}\n")

    return OneLine(error.format_message(), error.ctx or ctx)


def _command_class():
    """typer's command with a plain usage line (``mkldoctor deps [OPTIONS] BINARY``, where typer writes a
    required argument as ``{BINARY}``) and usage errors on one line."""
    from typer.core import TyperCommand

    UsageError = _usage_error_class()

    class Command(TyperCommand):
        def collect_usage_pieces(self, ctx) -> list[str]:
            return [piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece
                    for piece in super().collect_usage_pieces(ctx)]

        def parse_args(self, ctx, args):
            # what followed a bare "--": explain runs a command only when it was given so (a file named without it
            # is a log to read, whatever its mode: a project's or a download's file is never run unasked)
            ctx.meta["mkldoctor.after_dashdash"] = list(args[args.index("--") + 1:]) if "--" in args else None
            try:
                return super().parse_args(ctx, args)
            except UsageError as exc:
                raise one_line(exc, ctx) from None

    return Command


def _group_class():
    """typer's group, whose usage errors (an unknown command: click names the closest) are one line too."""
    from typer.core import TyperGroup

    UsageError = _usage_error_class()

    class Group(TyperGroup):
        def resolve_command(self, ctx, args):
            try:
                return super().resolve_command(ctx, args)
            except UsageError as exc:
                raise one_line(exc, ctx) from None

        def parse_args(self, ctx, args):
            try:
                return super().parse_args(ctx, args)
            except UsageError as exc:
                raise one_line(exc, ctx) from None

    return Group


app = typer.Typer(
    name="mkldoctor",
    cls=_group_class(),
    help="A doctor for Intel MKL linking: finds every MKL, reads its symbols, explains link failures.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion SHELL (bash, zsh, fish, powershell)
    context_settings={"help_option_names": ["-h", "--help"]},  # every command's context inherits it
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)




def _version(value: bool) -> None:
    if value:
        typer.echo(f"mkldoctor {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """A doctor for Intel MKL linking."""


def guarded(func):
    """The one catch: a command's domain error becomes one line on stderr (its details indented
    under it) and the exit status the error carries; Ctrl-C (or SIGTERM, which unwinds the same
    way) becomes ``mkldoctor: interrupted`` and 130, the shell's status for SIGINT; a closed pipe (``| head``), nothing
    more and 141, the shell's status for SIGPIPE; any other
    exception, a fault of mkldoctor's own, one line and 70 (EX_SOFTWARE), unless MKLDOCTOR_RAISE is set."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from mkldoctor.errors import MkldoctorError
        from mkldoctor.inert import inert

        restore = _unwind_on_sigterm()
        try:
            return func(*args, **kwargs)
        except MkldoctorError as exc:  # its message names input (paths, names): printed inert, on one line
            sys.stderr.write(f"mkldoctor: {inert(str(exc))}\n" + "".join(f"  {inert(line)}\n" for line in exc.details))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            sys.stderr.write("mkldoctor: interrupted\n")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, _usage_error_class().__base__):  # typer's own ways out (its ClickException)
            raise
        except BrokenPipeError:  # the reader went away (mkldoctor explain x | head): quiet, as a program killed by SIGPIPE
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so that the interpreter's last flush has somewhere to go
            raise typer.Exit(141) from None
        except Exception as exc:  # a fault of mkldoctor's own: one line, and 70 (EX_SOFTWARE), never a traceback
            if os.environ.get("MKLDOCTOR_RAISE"):
                raise
            sys.stderr.write(f"mkldoctor: internal error: {type(exc).__name__}: {inert(str(exc))[:300]} (a fault of "
                             "mkldoctor's: please report it with the input; MKLDOCTOR_RAISE=1 prints the traceback)\n")
            raise typer.Exit(70) from None
        finally:
            restore()

    return wrapper


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _unwind_on_sigterm():
    """SIGTERM (a CI job cancelled, ``kill``) unwinds a command as Ctrl-C does, so that what it started is
    ended and its temporary folders are removed (``explain -- CMD``'s process group, half-built cache entries);
    returns what puts the previous handler back."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _interrupt)
    return lambda: signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _register() -> None:
    from mkldoctor.commands.bench import bench
    from mkldoctor.commands.check import check
    from mkldoctor.commands.deps import deps
    from mkldoctor.commands.explain import explain
    from mkldoctor.commands.link import link
    from mkldoctor.commands.list import list_
    from mkldoctor.commands.python import python
    from mkldoctor.commands.symbols import symbols

    command = _command_class()
    for name, function in (("symbols", symbols), ("list", list_), ("check", check), ("explain", explain),
                           ("link", link), ("deps", deps), ("python", python), ("bench", bench)):
        app.command(name=name, cls=command)(guarded(function))


_register()


def main() -> None:
    """Console entry point: domain errors and interrupts inside a command are caught by :func:`guarded`;
    here only an interrupt before a command runs (while the modules load) or a closed pipe."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("mkldoctor: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        # `mkldoctor symbols lib.a | head`: the reader left; that is not an error.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
