"""`corridor-sim validate` and `corridor-sim schema`: scenario files without running them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..scenario import ScenarioError, load_scenario
from ..scenario.jsonschema import scenario_json_schema
from ..scenario.workload import count, estimate
from .exits import fail
from .flags import COMMAND_LINE


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help="Override a field before checking.")
def validate(scenario: Path, overrides: tuple[str, ...]) -> None:
    """Check SCENARIO (schema, references, routes) without running it."""
    try:
        sc, _ = load_scenario(scenario, list(overrides))
    except ScenarioError as exc:
        fail(exc.describe(COMMAND_LINE))
    events, memory_mb = estimate(sc)
    click.echo(f"{scenario}: ok ({sc.name}: {len(sc.nodes)} nodes, {len(sc.links)} links, "
               f"{len(sc.fleets)} fleets, {len(sc.flows)} flows; the run: about {count(events)} events and "
               f"{count(memory_mb)} MB, limits {count(sc.limits.events)} and {count(sc.limits.memory_mb)})")


@click.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    click.echo(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))
