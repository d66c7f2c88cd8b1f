"""The corridor model on a SimPy environment: one corridor element a module.

Where each part of the corridor lives (corridor term → module):

| corridor term | module |
|---|---|
| consignment (wagon group, block of containers, oil parcel) | `consignment` |
| demand: a flow's consignments arriving at its origin, by month | `demand`, `calendar` |
| route, stop, leg compilation; legs shared between flows | `routes` |
| leg: a train, a vessel crossing, a transfer, a pipeline (departure, yard unit, expected time) | `legs` |
| route choice: fixed shares, least expected time | `routing` |
| hand-over at stops: yards, stations, next carrier, delivery | `corridor` |
| train formation, rail section (paths, headway), trains and empty stock running back | `rail` |
| gauge change, border, customs: servers, service, dwell | `station`, `server` |
| port berths | `berths` |
| port yard: finite buffer that blocks the carrier unloading into it | `yard` |
| Caspian ferries, feeders, tankers: a fleet shuttling between two ports | `vessels` |
| storms: a port's open and closed spells | `weather` |
| pipeline (BTC quota) | `pipeline` |
| container flat wagons, locomotives | `rolling_stock` |
| closures and breakdowns of any element | `disruptions` |
| batch departures (wait for a full train or vessel, or a maximum time) | `batching` |
| building every element from the scenario; the disruption targets by scenario path | `elements` |
| the run's context: environment, streams, calendar, window, logs, monitors | `context`, `streams`, `distributions` |
| a resource's raw counters (snapshot at the end: `records.ResourceSnapshot`) | `monitor` |

The model records what happens (`records`, `recording`) and computes no KPI;
`simulate.run_model` builds and runs it and returns its records.
"""
