"""The JSON Schema editors use checks what the scenario checks, in JSON Schema's own keywords.

`corridor-sim schema` is a valid draft 2020-12 schema, the file kept in the repository is that
schema, every shipped scenario names it on its first line and is valid under it — a file that
`extends` another as a partial file, with nothing required — and a negative vessel count is not.
"""

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from corridor_sim.scenario.jsonschema import scenario_json_schema

from conftest import ROOT

SCHEMA_FILE = ROOT / "schema" / "scenario.schema.json"
SHIPPED = sorted([*(ROOT / "scenarios").glob("*.yaml"), *(ROOT / "scenarios" / "validation").glob("*.yaml"),
                  *(ROOT / "benchmarks" / "scenarios").glob("*.yaml")])


class AsWritten(yaml.SafeLoader):
    """YAML as an editor sees it: dates stay text."""


AsWritten.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


@pytest.fixture(scope="module")
def validator():
    doc = scenario_json_schema()
    Draft202012Validator.check_schema(doc)
    return Draft202012Validator(doc)


def test_the_schema_file_in_the_repository_is_what_corridor_sim_schema_prints():
    assert json.loads(SCHEMA_FILE.read_text()) == scenario_json_schema()


def test_the_schema_uses_json_schema_keywords_for_bounds():
    text = json.dumps(scenario_json_schema())
    for pydantic_name in ('"gt"', '"ge"', '"lt"', '"le"'):
        assert pydantic_name not in text
    assert '"exclusiveMinimum"' in text and '"minimum"' in text


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_every_shipped_scenario_names_the_schema_and_is_valid_under_it(path, validator):
    first = path.read_text().splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    assert (path.parent / first.split("$schema=", 1)[1]).resolve() == SCHEMA_FILE.resolve()
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(yaml.load(path.read_text(), Loader=AsWritten))]
    assert errors == []


def test_a_negative_vessel_count_is_invalid_in_a_whole_file_and_in_a_partial_one(validator):
    whole = yaml.load((ROOT / "scenarios" / "baseline_2024.yaml").read_text(), Loader=AsWritten)
    whole["fleets"]["asco_ferries"]["vessels"] = -3
    assert not validator.is_valid(whole)
    partial = {"extends": "baseline_2024.yaml", "name": "x", "fleets": {"asco_ferries": {"vessels": -3}}}
    assert not validator.is_valid(partial)
    partial["fleets"]["asco_ferries"]["vessels"] = 16
    assert validator.is_valid(partial)                 # a partial file repeats nothing it does not change


def test_a_whole_file_must_give_what_a_scenario_requires(validator):
    assert not validator.is_valid({"name": "x"})
    errors = {e.message for e in validator.iter_errors({"name": "x"})}
    assert any("'nodes' is a required property" in m for m in errors)


def test_bounds_are_checked_as_the_scenario_checks_them(validator):
    base = {"extends": "baseline_2024.yaml"}
    assert not validator.is_valid({**base, "nodes": {"kuryk": {"weather": {"closed_share_by_month": [1.0] * 12}}}})
    assert validator.is_valid({**base, "nodes": {"kuryk": {"weather": {"closed_share_by_month": [0.5] * 12}}}})
    assert not validator.is_valid({**base, "horizon_days": 0})
