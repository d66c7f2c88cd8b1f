"""Which corridor element a resource belongs to, read from its `element`.

Every resource of a summary carries `element`, the scenario path of the element it is
part of: `links.<id>` (both directions of a rail section, a pipeline), `fleets.<id>`,
`nodes.<id>.station`, `nodes.<id>.berths.<group>`, `nodes.<id>.yard`,
`nodes.<id>.weather`, `nodes.<id>.train_formation`, `rolling_stock.<id>`. Its display
`name` ("rail:a->b", "fleet:x") is for people and is never taken apart.
"""

from __future__ import annotations


def element_key(resource: dict) -> tuple[str, str] | None:
    """The section and the id of a resource's element — ("links", "kuryk_alat"), ("nodes", "kuryk") —
    or None without one. Ids hold no "." (the loader refuses them), so these are the path's first two steps."""
    element = resource.get("element")
    if not element:
        return None
    section, _, rest = element.partition(".")
    return section, rest.partition(".")[0]


def resource_links(resource: dict, links: dict) -> list[str]:
    """The scenario's links a resource works on: a rail section's or a pipeline's own link, every
    link its fleet sails; none for a resource at a node."""
    key = element_key(resource)
    if key is None:
        return []
    section, element_id = key
    if section == "links":
        return [element_id] if element_id in links else []
    if section == "fleets":
        return [lid for lid, link in links.items() if link.get("fleet") == element_id]
    return []


def resource_node(resource: dict) -> str | None:
    """The node a resource stands at (its station, berths, yard, weather, train formation), or None."""
    key = element_key(resource)
    return key[1] if key is not None and key[0] == "nodes" else None
