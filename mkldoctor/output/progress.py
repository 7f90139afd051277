"""What a command is doing while a person waits: a rich spinner with the step on stderr.

Only on a terminal, and only once a wait has lasted :data:`DELAY` seconds (a quick command shows nothing
at all); never on stdout, so never in JSON, SARIF or a pipe's text. ``-q`` turns it off; ``-v`` where
stderr is no terminal writes each step as a plain line instead (``mkldoctor: looking for MKL: pip``), for
a CI log that wants to see where the time went.

Used as ``with progress("looking for MKL", quiet=q, verbose=v) as say: ... say("pip")``; ``say`` is a
callable the domain modules take as their ``progress`` argument and know nothing else of.
"""

from __future__ import annotations

import sys
import threading
from typing import TextIO

from mkldoctor.inert import inert

DELAY = 1.0  # seconds before the spinner appears: the "any wait over a second"


class Progress:
    """The spinner (or the plain lines); a no-op when neither is wanted."""

    def __init__(self, label: str, stream: TextIO, *, spinner: bool, lines: bool) -> None:
        self.label = inert(label)
        self.stream = stream
        self.spinner = spinner
        self.lines = lines
        self._text = self.label
        self._status = None
        self._spinner = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._done = False

    def __enter__(self) -> Progress:
        if self.spinner:
            self._timer = threading.Timer(DELAY, self._start)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._done = True
            if self._timer is not None:
                self._timer.cancel()
            if self._status is not None:
                self._status.stop()  # transient: the line goes, the command's output follows

    def _start(self) -> None:
        from rich.live import Live
        from rich.spinner import Spinner

        from mkldoctor.output import console

        with self._lock:
            if self._done:
                return
            self._spinner = Spinner("dots", text=self._markup(self._text))
            # stdout is the command's own (its result): only stderr's lines are drawn above the spinner
            self._status = Live(self._spinner, console=console(self.stream), transient=True, refresh_per_second=12.5,
                                redirect_stdout=False, redirect_stderr=True)
            self._status.start()

    @staticmethod
    def _markup(text: str):
        from rich.text import Text

        return Text(text)

    def __call__(self, step: str) -> None:
        """The step now under way (``pip``, ``layer 2 of 5``)."""
        text = f"{self.label}: {inert(step)}" if step else self.label
        if self.lines:
            self.stream.write(f"mkldoctor: {text}\n")
            self.stream.flush()
        with self._lock:
            self._text = text
            if self._status is not None:
                self._spinner.update(text=self._markup(text))


def progress(label: str, *, quiet: bool = False, verbose: bool = False, stream: TextIO | None = None) -> Progress:
    """A :class:`Progress` on ``stream`` (stderr): a spinner on a terminal, lines with ``verbose`` elsewhere,
    nothing with ``quiet``."""
    stream = stream or sys.stderr
    terminal = bool(getattr(stream, "isatty", lambda: False)())
    return Progress(label, stream, spinner=terminal and not quiet, lines=verbose and not quiet and not terminal)
