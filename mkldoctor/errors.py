"""The one exception family mkldoctor raises for problems a user can act on.

The CLI turns each into a single red line and the exit status the error carries
(``exit_code``); nothing below the CLI prints. Messages name the path and what is
wrong with it, never a traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDING = 1  # a symbol not found, an error finding, a build or check that failed
EXIT_USAGE = 2  # bad options or input
EXIT_UNREADABLE = 3  # some input could not be read


class MkldoctorError(Exception):
    """A problem with the user's input or system, explained in one line.

    ``details`` are lines printed indented under it (what to install, what to try).
    """

    exit_code = EXIT_USAGE

    def __init__(self, message: str = "", details: tuple[str, ...] | list[str] = ()) -> None:
        super().__init__(message)
        self.details = tuple(details)


class InputError(MkldoctorError):
    """A file or folder that cannot be read as what it claims to be."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UsageError(MkldoctorError):
    """Options that contradict each other or name something unknown."""


class NotFoundError(MkldoctorError):
    """What the user asked for (an MKL of some version, any MKL) is not on this machine."""

    exit_code = EXIT_FINDING


def did_you_mean(word: str, known) -> str:
    """``"; did you mean require-symbol?"`` when one of ``known`` is close to ``word``, else ``""``."""
    import difflib

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""
