"""How scenario files are read: `extends:` families, `--set` overrides, the JSON Schema, `validate`.

Each test is a small worked example of one rule.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from corridor_sim.cli import cli
from corridor_sim.scenario import ScenarioError, load_scenario
from corridor_sim.scenario.loader import merge

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
TINY_SEA = DATA / "tiny_sea.yaml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())
    return path


@pytest.fixture()
def parent(tmp_path) -> Path:
    """tiny.yaml, copied to base/tiny.yaml."""
    return write(tmp_path / "base" / "tiny.yaml", TINY.read_text())


# --------------------------------------------------------------------------
# extends
# --------------------------------------------------------------------------


def test_extends_child_overrides_parent(parent, tmp_path):
    child = write(tmp_path / "base" / "study.yaml", """
        extends: tiny.yaml
        name: study
        horizon_days: 30
    """)
    scenario, resolved = load_scenario(child)
    assert scenario.name == "study"
    assert scenario.horizon_days == 30
    assert scenario.warmup_days == 30  # not in the child: the parent's
    assert "extends" not in resolved  # resolved away


def test_extends_merges_mappings_key_by_key(parent, tmp_path):
    """Naming one field of one node's station changes that field only."""
    child = write(tmp_path / "base" / "more_servers.yaml", """
        extends: tiny.yaml
        nodes:
          station:
            station: {servers: 5}
    """)
    scenario, _ = load_scenario(child)
    station = scenario.nodes["station"]
    assert station.station.servers == 5
    assert station.station.serves == "consignment"  # sibling fields kept
    assert station.station.service_hours.mean == 2.0
    assert station.kind == "station" and station.lon == 1  # the node's other fields kept
    assert set(scenario.nodes) == {"source", "station", "sink"}  # other nodes kept


def test_extends_replaces_lists_whole(parent, tmp_path):
    child = write(tmp_path / "base" / "seasonal.yaml", """
        extends: tiny.yaml
        flows:
          demand: {seasonality: [2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1]}
    """)
    scenario, _ = load_scenario(child)
    assert scenario.flows["demand"].seasonality == [2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    assert scenario.flows["demand"].tonnes_per_year == 10512


def test_extends_null_removes_a_key(parent, tmp_path):
    """`null` deletes what the parent defined: here a link, then the node it served and its flow's route."""
    child = write(tmp_path / "base" / "shortcut.yaml", """
        extends: tiny.yaml
        nodes:
          station: null
        links:
          in: null
          out: null
          direct: {mode: transfer, from: source, to: sink, travel_hours: 6}
    """)
    scenario, resolved = load_scenario(child)
    assert set(scenario.nodes) == {"source", "sink"}
    assert set(scenario.links) == {"direct"}
    assert "station" not in resolved["nodes"]


def test_merge_rules_in_one_example():
    parent = {"a": 1, "m": {"x": 1, "y": 2}, "l": [1, 2, 3], "gone": {"deep": 1}}
    child = {"a": 2, "m": {"y": 20, "z": 30}, "l": [9], "gone": None}
    assert merge(parent, child) == {"a": 2, "m": {"x": 1, "y": 20, "z": 30}, "l": [9]}
    assert parent == {"a": 1, "m": {"x": 1, "y": 2}, "l": [1, 2, 3], "gone": {"deep": 1}}  # not modified


def test_extends_path_is_relative_to_the_file_not_the_working_directory(parent, tmp_path, monkeypatch):
    child = write(tmp_path / "studies" / "2030" / "study.yaml", """
        extends: ../../base/tiny.yaml
        name: study_2030
    """)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    scenario, _ = load_scenario(child)
    assert scenario.name == "study_2030"

    # Through the command line, from another directory, with a relative FILE.
    monkeypatch.chdir(tmp_path / "studies")
    result = CliRunner().invoke(cli, ["validate", "2030/study.yaml"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("2030/study.yaml: ok (study_2030:")


def test_extends_chains_resolve_each_parent_relative_to_its_own_file(parent, tmp_path):
    write(tmp_path / "base" / "mid.yaml", """
        extends: tiny.yaml
        name: mid
        seed: 7
    """)
    child = write(tmp_path / "top" / "leaf.yaml", """
        extends: ../base/mid.yaml
        name: leaf
    """)
    scenario, _ = load_scenario(child)
    assert (scenario.name, scenario.seed, scenario.horizon_days) == ("leaf", 7, 365)


def test_extends_cycle_is_an_error(tmp_path):
    write(tmp_path / "a.yaml", "extends: b.yaml\nname: a\n")
    write(tmp_path / "b.yaml", "extends: a.yaml\nname: b\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "a.yaml")
    assert info.value.path == "extends"
    assert info.value.problem.startswith("cycle of extends: ")
    assert "a.yaml -> " in info.value.problem and "b.yaml -> " in info.value.problem


def test_extends_cycle_pair_on_disk():
    """tests/data/bad_extends/ holds a pair of files extending each other."""
    for name in ("cycle_a.yaml", "cycle_b.yaml"):
        with pytest.raises(ScenarioError, match="cycle of extends"):
            load_scenario(DATA / "bad_extends" / name)


def test_a_file_extending_itself_is_a_cycle(tmp_path):
    path = write(tmp_path / "self.yaml", "extends: self.yaml\nname: me\n")
    with pytest.raises(ScenarioError, match="cycle of extends"):
        load_scenario(path)


def test_extends_missing_parent_names_the_child_and_the_field(tmp_path):
    path = write(tmp_path / "child.yaml", "extends: nowhere.yaml\nname: me\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert (info.value.file, info.value.path) == (str(path), "extends")
    assert "parent scenario not found" in info.value.problem


def test_errors_in_the_merged_scenario_name_the_child(tmp_path, parent):
    child = write(tmp_path / "base" / "broken.yaml", """
        extends: tiny.yaml
        nodes:
          station:
            station: {servers: 0}
    """)
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert str(info.value) == f"{child}: nodes.station.station.servers: Input should be greater than 0"


# --------------------------------------------------------------------------
# --set
# --------------------------------------------------------------------------


def test_set_values_are_yaml_scalars():
    scenario, resolved = load_scenario(TINY, [
        "nodes.station.station.servers=4",            # int
        "horizon_days=30.5",                           # float
        "description=two words",                       # plain string
        "start_date=2025-03-01",                       # YAML date
        "flows.demand.seasonality=[2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",  # flow list
        "nodes.station.station.service_hours={dist: deterministic, value: 1.5}",  # flow mapping
    ])
    assert resolved["nodes"]["station"]["station"]["servers"] == 4
    assert resolved["horizon_days"] == 30.5
    assert scenario.description == "two words"
    assert str(scenario.start_date) == "2025-03-01"
    assert scenario.flows["demand"].seasonality[0] == 2
    assert scenario.nodes["station"].station.service_hours.value == 1.5


def test_set_applies_after_extends(parent, tmp_path):
    child = write(tmp_path / "base" / "study.yaml", "extends: tiny.yaml\nname: study\n")
    scenario, _ = load_scenario(child, ["name=study_b", "nodes.station.station.servers=6"])
    assert scenario.name == "study_b"
    assert scenario.nodes["station"].station.servers == 6


def test_set_values_are_never_evaluated():
    """An expression stays a string, which the schema then rejects."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(TINY, ["horizon_days=365*2"])
    assert info.value.path == "horizon_days"
    assert "valid number" in info.value.problem


def test_set_python_tag_is_a_plain_string_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    payload = f'!!python/object/apply:os.system ["touch {marker}"]'
    # description is free text: the tag is kept verbatim, as text.
    scenario, _ = load_scenario(TINY, [f"description={payload}"])
    assert scenario.description == payload
    # name must be an identifier: the same text is rejected.
    result = CliRunner().invoke(cli, ["validate", str(TINY), "--set", f"name={payload}"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {TINY}: name: ")
    assert not marker.exists()


def test_python_tag_in_a_file_is_an_error_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    text = TINY.read_text().replace("name: mmc", f'name: !!python/object/apply:os.system ["touch {marker}"]')
    path = write(tmp_path / "evil.yaml", text)
    with pytest.raises(ScenarioError, match="could not determine a constructor"):
        load_scenario(path)
    assert not marker.exists()


def test_seed_option_is_a_set(tmp_path):
    """`run --seed N` is `--set seed=N`; checked in validate the same way."""
    scenario, _ = load_scenario(TINY, ["seed=42"])
    assert scenario.seed == 42


# --------------------------------------------------------------------------
# corridor-sim schema / validate
# --------------------------------------------------------------------------


def test_schema_prints_json_schema():
    proc = subprocess.run([sys.executable, "-m", "corridor_sim.cli", "schema"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    whole = doc["$defs"]["Scenario"]      # (a file with `extends` is checked against ScenarioPartial)
    assert {"nodes", "flows", "links", "fleets", "horizon_days"} <= set(whole["properties"])
    assert set(whole["required"]) >= {"name", "nodes", "flows"}
    assert doc["$schema"].startswith("https://json-schema.org/")
    # Links are written with `from`, as in scenario files, not the Python name `from_`.
    assert "from" in doc["$defs"]["RailLink"]["properties"]


@pytest.mark.parametrize("path", [TINY, TINY_SEA], ids=lambda p: p.name)
def test_validate_good_file(path):
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    name = yaml.safe_load(path.read_text())["name"]
    assert result.stdout.startswith(f"{path}: ok ({name}: ")


def test_validate_good_file_subprocess():
    proc = subprocess.run([sys.executable, "-m", "corridor_sim.cli", "validate", str(TINY)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (f"{TINY}: ok (mmc: 3 nodes, 2 links, 0 fleets, 1 flows; the run: about 182,411 events "
                           f"and 17 MB, limits 20,000,000 and 2,048)\n")


def test_run_good_file_writes_the_run_directory(tmp_path):
    """The positive control for the bad-input tests: good input does create --out, and nothing else."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(TINY), "--out", str(out), "--quiet",
                                       "--set", "warmup_days=0", "--set", "horizon_days=10"])
    assert result.exit_code == 0, result.stderr
    assert (out / "summary.json").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
