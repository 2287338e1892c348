"""Every property in the committed OpenAPI schema has a type (issue 6, hardening).

Untyped properties (a plan's lists, a clock's pauses) left client generators guessing.  Walks
docs/openapi.yaml: components and inline schemas, nested properties and array items.
"""

from pathlib import Path

import yaml

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
TYPED = ("type", "$ref", "allOf", "oneOf", "anyOf")


def untyped(schema, path, found):
    if not isinstance(schema, dict):
        return found
    for name, prop in (schema.get("properties") or {}).items():
        where = f"{path}.{name}"
        if not any(key in prop for key in TYPED):
            found.append(where)
        untyped(prop, where, found)
    if isinstance(schema.get("items"), dict):
        if not any(key in schema["items"] for key in TYPED):
            found.append(f"{path}[]")
        untyped(schema["items"], f"{path}[]", found)
    for key in ("allOf", "oneOf", "anyOf"):
        for n, part in enumerate(schema.get(key) or []):
            untyped(part, f"{path}.{key}[{n}]", found)
    return found


def test_every_schema_property_has_a_type():
    doc = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    found = []
    for name, schema in doc["components"]["schemas"].items():
        untyped(schema, name, found)
    for url, operations in doc["paths"].items():
        for method, operation in operations.items():
            for status, response in (operation.get("responses") or {}).items():
                for media in (response.get("content") or {}).values():
                    untyped(media.get("schema"), f"{method.upper()} {url} {status}", found)
    assert found == []
