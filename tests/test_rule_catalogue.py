"""Every finding id the code can emit has one entry in the rule catalogue, and every entry is emitted.

The ids are read from the source itself (``Finding("id", ...)``, ``Finding(id="id", ...)``, a module
constant, or a conditional between two literals; ``replace(finding, id="id")`` with a literal), so a new rule without a description fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from mkldoctor.knowledge.rule_catalogue import RULES

PACKAGE = Path(__file__).resolve().parent.parent / "mkldoctor"


def _ids(node: ast.AST, constants: dict[str, str]) -> set[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, other = _ids(node.body, constants), _ids(node.orelse, constants)
        return body | other if body is not None and other is not None else None
    if isinstance(node, ast.Name) and node.id in constants:
        return {constants[node.id]}
    return None


def emitted_ids() -> tuple[dict[str, str], list[str]]:
    """(id -> first place it is emitted, places whose id is not a literal)."""
    found: dict[str, str] = {}
    unknown: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        constants = {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                     and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                     for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name == "replace":  # dataclasses.replace(finding, id="other-id"): a literal id given there is emitted too
                given = next((k.value for k in node.keywords if k.arg == "id"), None)
                for one in (_ids(given, constants) or ()) if given is not None else ():
                    found.setdefault(one, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
                continue
            if name != "Finding":
                continue
            arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "id"), None)
            ids = _ids(arg, constants) if arg is not None else None
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            if ids is None:
                unknown.append(where)
            for one in ids or ():
                found.setdefault(one, where)
    return found, unknown


def test_every_emitted_id_has_an_entry_and_every_entry_is_emitted():
    found, unknown = emitted_ids()
    assert not unknown, f"finding ids that are not literals (the catalogue cannot be checked): {unknown}"
    assert len(found) >= 50  # the walk found the rules (57 when this test was written)
    lacking = {i: where for i, where in found.items() if i not in RULES}
    assert not lacking, f"finding ids with no entry in knowledge/rule_catalogue.py: {lacking}"
    assert not set(RULES) - set(found), f"catalogue entries no code emits: {sorted(set(RULES) - set(found))}"


def test_entries_are_whole():
    for rule in RULES.values():
        assert rule.short and rule.full and rule.help, rule.id
        assert "\n" not in rule.short and len(rule.short) <= 120, rule.id
        assert rule.id == rule.id.lower() and " " not in rule.id
