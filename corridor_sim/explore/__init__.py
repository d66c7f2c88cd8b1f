"""`corridor-sim explore`: the planner's desk in a browser — a local web app (Dash) over run,
replications and sweep directories, offline, bound to 127.0.0.1.

    views    what a run shows: KPI cards, the map with hover details, monthly tonnes, transit, bottlenecks
    pages    those as page pieces (cards, tables, the lever form, the side-by-side comparison)
    levers   what a planner may change, as `api.run` overrides, and the background runs with progress
    app      the Dash app and its server

A face like the CLI: it reads through `rundir`, runs through `api`; nothing in the core imports it.
Dash is an optional dependency (`pip install corridor-sim[explore]`).
"""
