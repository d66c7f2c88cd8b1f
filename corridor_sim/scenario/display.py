"""What people read and see of a scenario: display names, and where a link runs on the map.

A scenario's ids (`asco_ferries`, `kz_wagon_tbilisi`) are keys of field paths; a figure, a report
or the explorer shows a person the element's `label` instead (a short display name: "ASCO
ferries", "Kazakh wagons to Tbilisi"), and its id where it has none. Nodes, links, fleets, flows
and groups may each carry one (a node's `name` is its longer description).

A link is drawn from its `from` node to its `to` node through the points of its `path`, if it has
one: the alignment a sea line or a pipeline really follows (around the Absheron peninsula, along
the BTC's route), not the straight chord between its ends. It is drawing only: the model takes a
link's `distance_km`, never the length of its path.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .types import Number, Strict

MAX_PATH_POINTS = 500    # a drawn alignment, not a survey: bounds what a scenario may make the map draw

Label = Annotated[str, Field(min_length=1, max_length=80)]
LonLat = Annotated[tuple[Annotated[Number, Field(ge=-180, le=180)], Annotated[Number, Field(ge=-90, le=90)]],
                   Field(description="[longitude, latitude] in degrees (WGS84)")]

LABEL = "Display name for figures, reports and the explorer (default: the id)."
PATH = ("Intermediate points [lon, lat] the link is drawn through, from its `from` node to its `to` node "
        "(drawing only: the model uses distance_km).")


class Displayed(Strict):
    """An element with a display name."""

    label: Label | None = Field(default=None, description=LABEL)


class Drawn(Displayed):
    """A link: a display name, and the alignment it is drawn along."""

    path: Annotated[list[LonLat], Field(min_length=1, max_length=MAX_PATH_POINTS)] | None = Field(
        default=None, description=PATH)
