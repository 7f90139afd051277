"""What ``check`` is told besides what it reads: the command line's options, or the same keys in the
project's ``mkldoctor.toml`` / ``[tool.mkldoctor]``, as one frozen record applied to the project's needs.

A field with a :class:`Key` in its metadata is a config key: the schema ``diagnose/config.py`` checks a
config file against is read from these fields, so a new option is a config key by declaring it here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from mkldoctor.errors import UsageError
from mkldoctor.knowledge import layout

# the words of --link, --interface and --threading (and of the config keys)
LINKS = layout.LINK_MODES
INTERFACES = layout.words("mkldoctor", "interface")
THREADINGS = layout.words("mkldoctor", "threading")


@dataclass(frozen=True)
class Key:
    """A config key: its spelling (the flag's, without ``--``), what its value is, the words it takes.

    ``kind``: ``names`` (a list of strings), ``word`` (one of ``words``), ``version`` (a string such as
    "2021.4"), ``folders`` (a list of paths, expanded and checked), ``rules`` (a list of finding ids)."""

    name: str
    kind: str
    words: tuple[str, ...] = ()
    example: str = ""


def _key(name: str, kind: str, words: tuple[str, ...] = (), example: str = "") -> dict:
    return {"config": Key(name, kind, tuple(words), example)}


@dataclass(frozen=True)
class BuildOptions:
    """What the user passes to the project's own build tool, as that tool takes it (issue 22)."""

    defines: tuple[str, ...] = ()  # -D NAME=VALUE (cmake: NAME:TYPE=VALUE too), repeatable
    preset: str | None = None  # cmake --preset NAME (CMakePresets.json / CMakeUserPresets.json)
    features: tuple[str, ...] = ()  # cargo --features (comma or space separated, repeatable; crate/feature too)
    all_features: bool = False  # cargo --all-features
    no_default_features: bool = False  # cargo --no-default-features
    configure: bool = False  # run the real configure step in a scratch folder and compare (it runs the project's files)

    @property
    def cargo_features(self) -> tuple[str, ...]:
        return tuple(f for item in self.features for f in item.replace(",", " ").split() if f)


@dataclass(frozen=True)
class CheckOptions:
    require_symbols: tuple[str, ...] = field(default=(), metadata=_key("require-symbol", "names", example='["hgemm_"]'))
    link: str | None = field(default=None, metadata=_key("link", "word", LINKS))
    interface: str | None = field(default=None, metadata=_key("interface", "word", INTERFACES))
    threading: str | None = field(default=None, metadata=_key("threading", "word", THREADINGS))
    min_version: str | None = field(default=None, metadata=_key("min-version", "version", example='"2021.4"'))
    # more folders to look for MKL in (the config's, expanded; the command line's go to discover directly)
    search: tuple[str, ...] = field(default=(), metadata=_key("search", "folders", example='["~/mkl"]'))
    # finding ids left out of the report and the exit status
    ignore: tuple[str, ...] = field(default=(), metadata=_key("ignore", "rules", example='["several-versions"]'))
    build: BuildOptions = BuildOptions()  # what goes to the project's build tool (command line only)

    @classmethod
    def keys(cls) -> dict[str, tuple[str, Key]]:
        """Every config key by its spelling: (the field's name, the key)."""
        return {f.metadata["config"].name: (f.name, f.metadata["config"]) for f in fields(cls) if "config" in f.metadata}

    def apply(self, needs, why: str, *, override: bool = False) -> None:
        """Add these to ``needs`` (a :class:`~mkldoctor.diagnose.project.Needs`), each said to come from ``why``;
        ``override``: over what the project's files said (the command line's say)."""
        for symbol in self.require_symbols:
            needs.add_symbol(symbol, why)
        for key, value, allowed in (("link", self.link, LINKS), ("interface", self.interface, INTERFACES),
                                    ("threading", self.threading, THREADINGS)):
            if value is None:
                continue
            if value not in allowed:
                raise UsageError(f"{why}: {key} must be one of {', '.join(allowed)}, not {value!r}")
            needs.set(key, value, why, override=override)
        if self.min_version:
            needs.set("min_version", self.min_version, why, override=override)
        needs.search += [folder for folder in self.search if folder not in needs.search]
        needs.ignore += [id for id in self.ignore if id not in needs.ignore]
