"""Where a scenario comes from: a file, a mapping built in a notebook, or a `Scenario` already typed.

Every entry point of the API (`run`, `run_replications`, `sweep`) takes any of the three,
and overrides either as `path.to.field=value` texts (as `--set` on the command line) or as
a mapping `{"fleets.asco_ferries.vessels": 16}`. A mapping's `extends` is relative to the
current directory (a file's, to the file).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ScenarioError
from .loader import apply_overrides, load_raw, load_scenario, merge, validate
from .schema import Scenario

MAPPING = "(scenario mapping)"


def _as_text(value: Any) -> str:
    """A value as the YAML scalar or flow collection an override takes (JSON is both)."""
    return json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else str(v))


def override_texts(overrides: Mapping[str, Any] | list[str] | tuple[str, ...] | None) -> list[str]:
    """Overrides as `path=value` texts, from texts or from a mapping of paths to values."""
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return [f"{path}={_as_text(value)}" for path, value in overrides.items()]
    if isinstance(overrides, str):
        raise TypeError("overrides: give a list of 'path=value' texts or a mapping, not one text")
    return list(overrides)


def load_any(scenario: str | Path | Mapping | Scenario, overrides=None) -> tuple[Scenario, dict, str]:
    """The typed scenario, its resolved mapping, and how to name it in messages."""
    sets = override_texts(overrides)
    if isinstance(scenario, (str, Path)):
        sc, resolved = load_scenario(scenario, sets)
        return sc, resolved, str(scenario)
    if isinstance(scenario, Scenario):
        scenario = scenario.model_dump(by_alias=True, mode="json", exclude_none=True)
    if not isinstance(scenario, Mapping):
        raise TypeError(f"scenario: give a file path, a mapping or a Scenario, not {type(scenario).__name__}")
    data = copy.deepcopy(dict(scenario))
    parent_ref = data.pop("extends", None)
    if parent_ref is not None:
        if not isinstance(parent_ref, str):
            raise ScenarioError(MAPPING, "extends", "must be the path of a scenario file")
        parent = Path(parent_ref)
        if not parent.exists():
            raise ScenarioError(MAPPING, "extends", f"parent scenario not found: {parent}")
        data = merge(load_raw(parent), data)
    data = apply_overrides(data, sets, MAPPING)
    return validate(data, MAPPING), data, MAPPING
