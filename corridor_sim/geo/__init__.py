"""Where the corridor lies: the ground under its map, the lines its links are drawn along, and the
network with its results as GeoJSON.

    basemap     land, lakes, the Caspian, borders and sea names from Natural Earth 1:50m, shipped with the
                package (corridor_sim/data/basemap.geojson, made by scripts/make_basemap.py): nothing is
                fetched at run time
    alignment   each link as a line from its `from` node through its `path` to its `to` node; links between
                the same two nodes drawn side by side, not on top of each other
    network     nodes as points and links as lines with what the run measured on them (network.geojson)

The figures (`plots.map`), the report, the exports and the explorer all draw from here.
"""
