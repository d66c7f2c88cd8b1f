"""Where to write country names on the corridor map: a point inside each country, by the `country`
code the scenario's nodes carry. The ground itself (coastlines, borders, lakes, the seas' names) is
Natural Earth's, in `corridor_sim.geo.basemap`.
"""

from __future__ import annotations

COUNTRIES = {  # code: (name, label lat, label lon) — an approximate point inside the country
    "CN": ("China", 38.5, 100.0), "KZ": ("Kazakhstan", 48.3, 67.0), "UZ": ("Uzbekistan", 41.6, 63.5),
    "TM": ("Turkmenistan", 38.9, 58.8), "AZ": ("Azerbaijan", 41.0, 47.6), "GE": ("Georgia", 42.6, 44.0),
    "AM": ("Armenia", 40.1, 45.0), "TR": ("Türkiye", 38.6, 33.5), "RO": ("Romania", 46.0, 25.0),
    "BG": ("Bulgaria", 42.7, 25.2), "RU": ("Russia", 50.5, 45.0), "IR": ("Iran", 35.0, 53.0),
    "UA": ("Ukraine", 48.8, 32.0), "GR": ("Greece", 39.5, 22.0), "DE": ("Germany", 51.0, 10.0),
    "PL": ("Poland", 52.0, 19.5), "HU": ("Hungary", 47.1, 19.4), "RS": ("Serbia", 44.0, 20.9),
}

# Countries too small to name on the whole corridor's map (named on a detail only).
SMALL_COUNTRIES = {"AZ", "GE", "AM"}
