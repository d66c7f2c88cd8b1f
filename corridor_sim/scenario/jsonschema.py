"""The JSON Schema of scenario files, for editors: the same checks as the typed scenario, in JSON Schema words.

pydantic writes a number's bounds under its own names where a validator wraps the type
(`gt`, `ge`, `lt`, `le`); they become `exclusiveMinimum`, `minimum`, `exclusiveMaximum` and
`maximum`, which every JSON Schema validator checks. A file that `extends` another is a
*partial* scenario — it may give one field of one node — so it is checked against the
same definitions with nothing required, a `null` allowed where the loader takes it to
remove an entry, and the discriminated unions as plain `anyOf` (a partial flow need not
repeat its `cargo`).

`schema/scenario.schema.json` in the repository is this document (a test keeps them equal);
the shipped scenarios name it on their first line for the YAML language server.
"""

from __future__ import annotations

import copy

from .schema import Scenario

BOUNDS = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum", "le": "maximum"}
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _json_bounds(node):
    """The tree with pydantic's bound names replaced by JSON Schema's, in a numeric type's schema."""
    if isinstance(node, list):
        return [_json_bounds(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    numeric = node.get("type") in ("number", "integer")
    for key, value in node.items():
        out[BOUNDS[key] if numeric and key in BOUNDS else key] = _json_bounds(value)
    return out


def _partial(node, rename: dict[str, str]):
    """A definition as a partial file may give it: nothing required, unions as anyOf, refs to partial defs,
    and an entry of a collection may be null (removed)."""
    if isinstance(node, list):
        return [_partial(x, rename) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("required", "minProperties", "discriminator"):
            continue
        if key == "$ref":
            out[key] = rename.get(value, value)
        elif key == "oneOf":
            out["anyOf"] = _partial(value, rename)
        elif key == "patternProperties":
            out[key] = {p: {"anyOf": [_partial(v, rename), {"type": "null"}]} for p, v in value.items()}
        else:
            out[key] = _partial(value, rename)
    return out


def scenario_json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a scenario file, full or (with `extends`) partial."""
    doc = _json_bounds(Scenario.model_json_schema(by_alias=True))
    defs = doc.pop("$defs", {})
    defs["Scenario"] = doc
    rename = {f"#/$defs/{name}": f"#/$defs/{name}Partial" for name in defs}
    partial = {f"{name}Partial": _partial(copy.deepcopy(d), rename) for name, d in defs.items()}
    return {
        "$schema": DRAFT,
        "title": "corridor-sim scenario",
        "description": "A corridor-sim scenario file; with `extends`, a partial one laid over its parent.",
        "if": {"required": ["extends"]},
        "then": {"$ref": "#/$defs/ScenarioPartial"},
        "else": {"$ref": "#/$defs/Scenario"},
        "$defs": {**defs, **partial},
    }
