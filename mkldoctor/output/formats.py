"""Every ``--format`` word, once: what it means, and which commands take it.

Each command's choices are an enum made here from one list, so that typer shows them in ``--help``
(``<text|json|junit|github|sarif>``), refuses any other word with the choices named, and a word
means the same on every command (``text``: plain lines, never wrapped; ``json``: a versioned schema).
"""

from __future__ import annotations

import enum

# the word, and what it is (help texts and the README's table are made from these)
FORMATS: dict[str, str] = {
    "auto": "table on a terminal, text when piped",
    "table": "rich table",
    "text": "plain lines",
    "json": "JSON",
    "junit": "JUnit XML",
    "github": "GitHub annotations",
    "sarif": "SARIF 2.1.0, for code scanning",
    "copy": "Dockerfile COPY --from lines",
    "flags": "compiler and linker flags",
    "cmake": "CMake find_package lines",
    "cargo": "Cargo features and environment",
    "pkg-config": "pkg-config's name and flags",
    "env": "environment variables",
}

# each family of commands, the words it takes; the first is the default
LISTING = ("auto", "table", "text", "json")  # list, symbols, bench: a table (or tree) a person reads
FINDINGS = ("text", "json", "junit", "github", "sarif")  # check, explain, python: findings
DEPS = LISTING + ("copy",)
LINK = ("flags", "cmake", "cargo", "pkg-config", "env", "json")


def choice(name: str, words) -> type[enum.Enum]:
    """An enum of ``words`` for typer: the choices ``--help`` shows, the shell completes and typer checks
    (``pkg-config`` is the member ``pkg_config``)."""
    return enum.Enum(name, [(word.replace("-", "_"), word) for word in words], type=str)  # type: ignore[return-value]


Format = choice("Format", LISTING)
FindingsFormat = choice("FindingsFormat", FINDINGS)
DepsFormat = choice("DepsFormat", DEPS)
LinkFormat = choice("LinkFormat", LINK)


def choices(words: tuple[str, ...]) -> str:
    """``text, json, junit, github, sarif``: the one list help texts and errors name."""
    return ", ".join(words)


def help_text(words: tuple[str, ...]) -> str:
    """``--format``'s help: each word with what it is, the default first."""
    return "; ".join(f"{word}: {FORMATS[word]}" for word in words) + "."
