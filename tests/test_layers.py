"""The package's layers, bottom to top: a module imports only from its own layer or below.

The order is the data's way through the tool (bytes -> symbols -> copies -> findings -> people);
``diagnose`` and ``explain`` are siblings and do not import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mkldoctor"

LAYERS: dict[str, int] = {
    "errors": 0, "findings": 0, "rootfs": 0, "cache": 0, "digest": 0, "inert": 0, "programs": 0,
    "cacheentry": 0.5,  # cache entries verified against their record (uses digest)
    "binary": 1,
    "knowledge": 2,
    "inventory": 3,
    "discover": 4,
    "verdicts": 4.5,  # judgements shared by diagnose and explain (missing-symbol)
    "observe": 4.7,  # this machine running MKL (the kernel probe): asked by diagnose and runtime alike
    "diagnose": 5, "explain": 5,
    "link": 6, "runtime": 6,
    "bench": 7,
    "output": 8,
    "commands": 9,
    "cli": 10, "__main__": 11,
}


def area(module: str) -> str | None:
    """'mkldoctor.explain.logparse' -> 'explain'; the package itself -> None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "mkldoctor" else None


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "mkldoctor" else [f"mkldoctor.{a.name}" for a in node.names]
            found += [(node.lineno, name) for name in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return [(line, name) for line, name in found if name.startswith("mkldoctor.")]


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_area_has_a_layer():
    areas = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in MODULES} - {"__init__"}
    assert areas <= set(LAYERS), f"no layer for {sorted(areas - set(LAYERS))}: add it to LAYERS"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_reaches_up(path: Path):
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    if own == "__init__":
        return
    wrong = []
    for line, name in imports(path):
        other = area(name)
        if other is None or other == own or other == "__version__":
            continue
        if LAYERS[other] > LAYERS[own] or (LAYERS[other] == LAYERS[own]):
            wrong.append(f"line {line}: {own} (layer {LAYERS[own]}) imports {name} (layer {LAYERS[other]})")
    assert not wrong, "\n".join(wrong)
