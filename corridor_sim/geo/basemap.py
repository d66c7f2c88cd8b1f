"""The ground under the corridor map: Natural Earth 1:50m land, lakes, the Caspian, land borders and
sea names, clipped to lon 20–120, lat 25–60 (corridor_sim/data/basemap.geojson).

The file ships with the package (see scripts/make_basemap.py for how it was made, and from what):
a map drawn offline, in a figure, a report or the explorer, never fetched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FILE = Path(__file__).resolve().parent.parent / "data" / "basemap.geojson"   # package data (pyproject)

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Basemap:
    land: tuple[tuple[Ring, ...], ...]      # polygons: the outer ring, then its holes
    water: tuple[tuple[Ring, ...], ...]     # lakes and the Caspian, drawn over the land
    borders: tuple[Ring, ...]               # land borders between countries, as lines
    seas: tuple[tuple[str, float, float], ...]   # (name, lon, lat) where each sea's name goes
    region: tuple[float, float, float, float]    # lon_min, lat_min, lon_max, lat_max it covers
    source: str


def _polygons(geometry: dict) -> list[tuple[Ring, ...]]:
    if geometry["type"] == "Polygon":
        return [tuple(_ring(r) for r in geometry["coordinates"])]
    if geometry["type"] == "MultiPolygon":
        return [tuple(_ring(r) for r in p) for p in geometry["coordinates"]]
    return []


def _lines(geometry: dict) -> list[Ring]:
    if geometry["type"] == "LineString":
        return [_ring(geometry["coordinates"])]
    if geometry["type"] == "MultiLineString":
        return [_ring(line) for line in geometry["coordinates"]]
    return []


def _ring(points) -> Ring:
    return [(float(x), float(y)) for x, y in points]


@lru_cache(maxsize=1)
def load_basemap() -> Basemap:
    """The shipped basemap (read once per process: it is package data that never changes)."""
    doc = json.loads(FILE.read_text(encoding="utf-8"))
    land, water, borders, seas = [], [], [], []
    for f in doc["features"]:
        layer, g = f["properties"]["layer"], f["geometry"]
        if layer == "land":
            land += _polygons(g)
        elif layer in ("lake", "water"):
            water += _polygons(g)
        elif layer == "border":
            borders += _lines(g)
        elif layer == "sea":
            seas.append((str(f["properties"]["name"]), *map(float, g["coordinates"])))
    return Basemap(tuple(land), tuple(water), tuple(borders), tuple(seas), tuple(doc["region"]), doc["source"])
