"""The one exception family mkldoctor raises for problems a user can act on.

The CLI turns each into a single red line and an exit status; nothing below the
CLI prints. Messages name the path and what is wrong with it, never a traceback.
"""

from __future__ import annotations


class MkldoctorError(Exception):
    """A problem with the user's input or system, explained in one line."""


class InputError(MkldoctorError):
    """A file or folder that cannot be read as what it claims to be."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UsageError(MkldoctorError):
    """Options that contradict each other or name something unknown."""
