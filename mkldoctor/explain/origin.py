"""Where a log's evidence comes from: this machine, or another one.

``explain -- CMD`` runs CMD here, so its output is this machine's. A log file or standard input may
come from anywhere: a colleague's build, a CI runner, a container, an issue thread. What this
machine's loader cache, compiler folders and MKL copies hold says nothing about that machine, so
a log from elsewhere is explained from what the log itself shows and from mkldoctor's knowledge,
and a fact only that machine can tell is asked for with the one command to run there.

The verdict rests on what the log says of its machine (a sample of its paths and prompts, kept by
the parser in :attr:`Parsed.places`) compared with this one: the same files (a library path that
resolves here to the same kind of file, an ``-L`` folder that exists), the same home and user, the
same host, an interpreter prefix that exists here; another platform's paths (``C:\\``,
``/Users/``) are elsewhere. ``--origin here|elsewhere`` overrides it.
"""

from __future__ import annotations

from dataclasses import dataclass

HERE, ELSEWHERE, UNKNOWN = "here", "elsewhere", "unknown"


@dataclass(frozen=True)
class Origin:
    """The verdict on where the log's evidence comes from, and why."""

    verdict: str = HERE  # HERE, ELSEWHERE or UNKNOWN
    reasons: tuple[str, ...] = ()
    forced: bool = False  # given with --origin

    @property
    def here(self) -> bool:
        """Whether this machine's files, loader and copies may explain the log."""
        return self.verdict == HERE

    def as_json(self) -> dict:
        return {"verdict": self.verdict, "reasons": list(self.reasons), "forced": self.forced}
