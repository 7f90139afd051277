"""What ``check`` is told besides what it reads: the command line's options, or the same keys in the
project's ``mkldoctor.toml`` / ``[tool.mkldoctor]``, as one frozen record applied to the project's needs."""

from __future__ import annotations

from dataclasses import dataclass

from mkldoctor.errors import UsageError
from mkldoctor.knowledge import layout

# the words of --link, --interface and --threading (and of the config keys)
LINKS = layout.LINK_MODES
INTERFACES = layout.words("mkldoctor", "interface")
THREADINGS = layout.words("mkldoctor", "threading")


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
    require_symbols: tuple[str, ...] = ()  # symbols the build needs
    link: str | None = None  # static, dynamic, sdl
    interface: str | None = None  # lp64, ilp64
    threading: str | None = None  # sequential, intel, gnu, tbb
    min_version: str | None = None  # the oldest MKL acceptable
    search: tuple[str, ...] = ()  # more folders to look for MKL in (a config's ``search``)
    build: BuildOptions = BuildOptions()  # what goes to the project's build tool

    @classmethod
    def from_table(cls, table: dict) -> CheckOptions:
        """A config file's table: the flags' names (``require-symbol``, ``min-version``) or Python's (``require_symbol``)."""
        symbols = table.get("require-symbol", table.get("require_symbol", [])) or []
        min_version = next((str(table[key]) for key in ("min-version", "min_version") if table.get(key)), None)
        return cls(tuple(symbols), table.get("link"), table.get("interface"), table.get("threading"), min_version,
                   tuple(table.get("search", []) or []))

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
        needs.search += list(self.search)
