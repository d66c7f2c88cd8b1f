"""Display names: what a figure, the report, an export or the explorer shows a person for an id.

Every element of a resolved scenario (a mapping, as scenario.resolved.yaml holds it) is named by
its `label` when it has one, else by its id made readable ("kars_divrigi" -> "Kars Divrigi"). A
resource is named by its element: a fleet or a link by theirs, a station, berth group, yard,
weather or train formation by its node's and what it is ("Alat berths (ferry)"), read from its
`element` (`analysis.elements`), never from its display `name`.
"""

from __future__ import annotations

from .elements import element_key

SECTIONS = ("nodes", "links", "fleets", "flows", "groups", "rolling_stock")
AT_NODE = {"station": "station", "yard": "yard", "weather": "weather", "train_formation": "train formation",
           "embargo": "embargo", "berths": "berths"}


def readable(element_id: str) -> str:
    """An id as words: "kars_divrigi" -> "Kars Divrigi" (ids hold letters, digits, _ and -)."""
    return element_id.replace("_", " ").title()


def label(scenario: dict, section: str, element_id: str) -> str:
    """The display name of `scenario[section][element_id]`: its `label`, else its id as words."""
    entry = (scenario.get(section) or {}).get(element_id)
    text = entry.get("label") if isinstance(entry, dict) else None
    return str(text) if text else readable(str(element_id))


def group_label(scenario: dict, group: str) -> str:
    """A flow group's display name (groups need no entry in `groups:` to exist: flows name them)."""
    return label(scenario, "groups", group)


def resource_label(resource: dict, scenario: dict) -> str:
    """A resource of a summary by its element's display name ("ASCO ferries", "Alat berths (ferry)"); a
    rail section by its link's and its direction, from the node it is waited for at. Without an element,
    its own `name`."""
    key = element_key(resource)
    if key is None:
        return str(resource.get("name", "?"))
    section, element_id = key
    if section == "nodes":
        parts = str(resource.get("element", "")).split(".")[2:]
        what = AT_NODE.get(parts[0], readable(parts[0])) if parts else ""
        detail = f" ({parts[1]})" if len(parts) > 1 else ""
        return f"{label(scenario, 'nodes', element_id)} {what}{detail}".strip()
    name = label(scenario, section, element_id)
    if section == "links":
        link = (scenario.get("links") or {}).get(element_id) or {}
        waited = [n for n in resource.get("nodes") or [] if n in (link.get("from"), link.get("to"))]
        if resource.get("kind") == "rail_section" and waited and link.get("tracks", 2) != 1:
            other = link["to"] if waited[0] == link.get("from") else link.get("from")
            return f"{name} ({label(scenario, 'nodes', waited[0])} → {label(scenario, 'nodes', other)})"
    if section == "rolling_stock":
        return f"{name} (rolling stock)"
    return name


def resource_labels(resources: list[dict], scenario: dict) -> dict[str, str]:
    """Every resource's display name by its `name`; two that would read alike (a yard's wagons and TEU,
    which share their element) say which they are ("Alat (Baku) yard (vehicles)")."""
    shown = {r["name"]: resource_label(r, scenario) for r in resources if "name" in r}
    seen: dict[str, int] = {}
    for text in shown.values():
        seen[text] = seen.get(text, 0) + 1
    told = {name: text if seen[text] == 1 else f"{text} ({_detail(name)})" for name, text in shown.items()}
    if len(set(told.values())) < len(told):   # still alike: their own names beside
        told = {name: text if seen[text] == 1 else f"{text} [{name}]" for name, text in shown.items()}
    return told


def _detail(name: str) -> str:
    """What tells two resources of one element apart: the last part of their names ("yard:alat.vehicles"
    -> "vehicles"), or the whole name."""
    return name.rsplit(".", 1)[-1] if "." in name else name
