"""Every SARIF document a test produces goes through here: validated against the vendored OASIS schema."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

SCHEMA = Path(__file__).resolve().parent / "data" / "sarif" / "sarif-schema-2.1.0.json"


@lru_cache(maxsize=1)
def validator():
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def errors(document: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(document)]


def valid_sarif(text: str) -> dict:
    """The parsed document, after asserting it is valid SARIF 2.1.0."""
    document = json.loads(text)
    problems = errors(document)
    assert not problems, "\n".join(problems[:20])
    return document
