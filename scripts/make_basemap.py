"""Make corridor_sim/data/basemap.geojson: the ground under the corridor map, from Natural Earth.

Natural Earth (public domain) at 1:50m, clipped to the corridor's region (lon 20–120, lat 25–60)
and simplified so that the file stays small (< 2 MB) and draws fast:

    land     ne_50m_land                       polygons; the Caspian, Black, Marmara and Aegean seas are its holes
    lake     ne_50m_lakes (scalerank <= 3)      the larger lakes (Aral, Balkhash, Issyk-Kul, Van, Sevan, Urmia, ...)
    border   ne_50m_admin_0_boundary_lines_land land borders between countries
    water    ne_50m_geography_marine_polys     the Caspian Sea, which ne_50m_land counts as land (an inland sea)
    sea      ne_50m_geography_marine_polys     a label point per named sea of the region

Each feature carries `layer` and, for lakes, water and seas, `name`. Coordinates are rounded to 0.001°
(about 100 m, well below what a map of 100° of longitude shows).

Made with (Python 3.11, shapely 2.x — `pip install shapely`; not a dependency of corridor-sim):

    python scripts/make_basemap.py NE_DIR corridor_sim/data/basemap.geojson

where NE_DIR holds the four Natural Earth 1:50m layers above as GeoJSON (`ne_50m_land.json` or
`.geojson`, ...): Natural Earth's own shapefiles converted with `ogr2ogr -f GeoJSON`, or the ready
conversion of the GitHub repository martynafford/natural-earth-geojson (CC0; the shipped file was
made from its commit 0b9a6ceb0a7032713abd9460ac1e995a9c60cd1e, 2024-01-24, folders 50m/physical and
50m/cultural). Rerunning it on the same input gives the same file byte for byte.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shapely.geometry import box, mapping, shape
from shapely.ops import unary_union

REGION = (20.0, 25.0, 120.0, 60.0)      # lon_min, lat_min, lon_max, lat_max
TOLERANCE = 0.01                        # degrees: Douglas-Peucker tolerance (~1 km)
MIN_AREA = 0.02                         # square degrees: smaller islands and lakes are left out
DIGITS = 3
SEAS = ("Caspian Sea", "Black Sea", "Sea of Marmara", "Aegean Sea", "Mediterranean Sea", "Persian Gulf",
        "Gulf of Oman", "Adriatic Sea", "Ionian Sea", "Yellow Sea")
INLAND = ("Caspian Sea",)              # seas that ne_50m_land covers: drawn as water from their own polygon
LAKE_RANK = 5                           # Natural Earth's scalerank: 0 the largest lakes


def read(directory: Path, stem: str) -> list[dict]:
    for suffix in (".json", ".geojson"):
        f = directory / f"{stem}{suffix}"
        if f.is_file():
            return json.loads(f.read_text(encoding="utf-8"))["features"]
    raise SystemExit(f"{directory}: no {stem}.json or {stem}.geojson")


def rounded(geometry) -> dict:
    """GeoJSON of a shapely geometry, coordinates rounded to DIGITS decimals."""

    def walk(c):
        if isinstance(c[0], (int, float)):
            return [round(c[0], DIGITS), round(c[1], DIGITS)]
        return [walk(x) for x in c]

    g = mapping(geometry)
    if g["type"] == "GeometryCollection":
        raise ValueError("a collection: clip to one kind first")
    return {"type": g["type"], "coordinates": walk(g["coordinates"])}


def polygons(features: list[dict], region) -> list:
    """Each feature's polygons clipped to the region, simplified, without the tiny ones."""
    out = []
    for f in features:
        g = shape(f["geometry"]).intersection(region)
        if g.is_empty:
            continue
        g = g.simplify(TOLERANCE, preserve_topology=True)
        parts = getattr(g, "geoms", [g])
        kept = [p for p in parts if p.geom_type == "Polygon" and p.area >= MIN_AREA]
        if kept:
            out.append((f, unary_union(kept)))
    return out


def lines(features: list[dict], region) -> list:
    out = []
    for f in features:
        g = shape(f["geometry"]).intersection(region)
        if g.is_empty:
            continue
        g = g.simplify(TOLERANCE, preserve_topology=False)
        parts = [p for p in getattr(g, "geoms", [g]) if p.geom_type == "LineString" and p.length > 0]
        if parts:
            out.append((f, parts[0] if len(parts) == 1 else unary_union(parts)))
    return out


def main(ne_dir: str, target: str) -> None:
    directory = Path(ne_dir)
    region = box(*REGION)
    features = []
    for _, g in polygons(read(directory, "ne_50m_land"), region):
        features.append({"type": "Feature", "properties": {"layer": "land"}, "geometry": rounded(g)})
    lakes = [f for f in read(directory, "ne_50m_lakes") if (f["properties"].get("scalerank") or 0) <= LAKE_RANK]
    for f, g in polygons(lakes, region):
        features.append({"type": "Feature", "properties": {"layer": "lake", "name": f["properties"].get("name")},
                         "geometry": rounded(g)})
    for _, g in lines(read(directory, "ne_50m_admin_0_boundary_lines_land"), region):
        if g.geom_type == "MultiLineString" or g.geom_type == "LineString":
            features.append({"type": "Feature", "properties": {"layer": "border"}, "geometry": rounded(g)})
    for f in read(directory, "ne_50m_geography_marine_polys"):
        name = " ".join(str(f["properties"].get("name") or "").split())
        if name not in SEAS:
            continue
        g = shape(f["geometry"]).intersection(region)
        if g.is_empty:
            continue
        if name in INLAND:
            water = unary_union([p for p in getattr(g, "geoms", [g]) if p.geom_type == "Polygon"])
            features.append({"type": "Feature", "properties": {"layer": "water", "name": name},
                             "geometry": rounded(water.simplify(TOLERANCE, preserve_topology=True))})
        point = g.representative_point() if name != "Caspian Sea" else g.centroid
        features.append({"type": "Feature", "properties": {"layer": "sea", "name": name},
                         "geometry": rounded(point)})
    collection = {"type": "FeatureCollection",
                  "source": "Natural Earth 1:50m (public domain), clipped and simplified by scripts/make_basemap.py",
                  "region": list(REGION), "features": features}
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    Path(target).write_text(text + "\n", encoding="utf-8")
    print(f"{target}: {len(features)} features, {len(text) / 1e6:.2f} MB")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: python scripts/make_basemap.py NE_DIR OUT.geojson")
    main(sys.argv[1], sys.argv[2])
