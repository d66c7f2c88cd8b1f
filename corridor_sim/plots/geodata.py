"""The ground under the corridor map: simplified coastlines and where to write country names.

For orientation only: a few dozen points per sea, a point inside each country. Nodes carry
their own coordinates in the scenario.
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

# Simplified coastlines (lon, lat), for orientation only.
SEAS = {
    "Caspian Sea": [
        (47.5, 45.6), (48.5, 45.8), (49.5, 46.3), (50.5, 46.7), (51.8, 46.95), (53.0, 46.8), (53.2, 46.2),
        (53.0, 45.4), (52.0, 45.4), (51.2, 45.1), (50.3, 44.6), (50.4, 44.3), (51.0, 43.9), (51.15, 43.6),
        (51.6, 43.15), (52.2, 42.6), (52.7, 42.0), (52.9, 41.3), (52.8, 40.4), (53.0, 40.0), (52.9, 39.3),
        (53.2, 38.8), (53.9, 37.5), (54.0, 36.9), (53.0, 36.7), (51.5, 36.75), (50.2, 37.3), (49.4, 37.5),
        (48.9, 38.4), (48.85, 38.8), (49.2, 39.3), (49.4, 39.9), (49.55, 40.2), (50.35, 40.45), (49.6, 40.6),
        (49.0, 41.2), (48.5, 41.8), (47.9, 42.6), (47.5, 43.0), (47.5, 43.6), (47.0, 44.3), (46.9, 44.8),
        (47.2, 45.3)],
    "Black Sea": [
        (28.0, 41.6), (27.5, 42.5), (27.95, 43.2), (28.65, 44.15), (29.7, 45.1), (30.2, 45.8), (30.7, 46.5),
        (31.7, 46.6), (32.5, 46.0), (32.5, 45.4), (33.5, 44.6), (34.2, 44.45), (35.4, 44.9), (36.5, 45.3),
        (37.3, 44.9), (37.8, 44.7), (38.8, 44.2), (39.7, 43.6), (41.0, 43.0), (41.66, 42.15), (41.6, 41.6),
        (40.5, 41.0), (39.7, 41.0), (37.9, 41.05), (36.3, 41.3), (35.1, 42.0), (33.3, 42.0), (31.8, 41.45),
        (30.0, 41.2), (29.1, 41.2), (28.3, 41.5)],
    "Mediterranean": [
        (26.5, 36.0), (28.0, 36.6), (29.7, 36.2), (30.6, 36.8), (31.7, 36.6), (32.8, 36.05), (34.0, 36.3),
        (34.64, 36.78), (35.6, 36.6), (35.9, 36.85), (36.2, 36.6), (35.8, 35.9), (35.8, 34.5), (34.5, 33.0),
        (26.5, 33.0)],
}

# Where each sea's name goes (lon, lat); a sea not listed is named at the mean of its points.
SEA_LABELS = {"Caspian Sea": (50.6, 41.8), "Black Sea": (34.5, 43.3), "Mediterranean": (30.5, 34.5)}
