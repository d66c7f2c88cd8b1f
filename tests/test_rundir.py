"""The one reader of run directories: what it takes for a run, what it refuses, and how.

`compare`, the figures and the report, and `--resume` all read a run through
`corridor_sim.rundir`; a directory that is not a run gives the same one line to each.
"""

from __future__ import annotations

import copy
import json

import pytest

from corridor_sim.analysis.elements import resource_links, resource_node
from corridor_sim.analysis.links import link_utilization
from corridor_sim.experiment import ExperimentError, compare
from corridor_sim.output import VISITS, write_failed_run, write_run
from corridor_sim.plots import NotARunDirectory, load_run
from corridor_sim.rundir import RunDirectory, finished_run
from corridor_sim.simulate import failure, provenance


@pytest.fixture
def run_dir(tmp_path, mini_corridor):
    return write_run(tmp_path / "run", mini_corridor.summary, mini_corridor.resolved, mini_corridor.records)


def test_a_finished_run_is_found_for_its_own_scenario_only(run_dir, mini_corridor):
    assert finished_run(run_dir, mini_corridor.resolved) == json.loads((run_dir / "summary.json").read_text())
    other = copy.deepcopy(mini_corridor.resolved)
    other["seed"] = other["seed"] + 1
    assert finished_run(run_dir, other) is None
    (run_dir / VISITS).unlink()                      # records missing: not finished, run it again
    assert finished_run(run_dir, mini_corridor.resolved) is None
    assert finished_run(run_dir.parent / "nowhere", mini_corridor.resolved) is None


def test_a_sweep_is_refused_with_one_line_by_every_reader(tmp_path):
    sweep = tmp_path / "sweep"
    (sweep / "runs").mkdir(parents=True)            # unfinished: no sweep.json yet, no summary.json
    expected = f"{sweep}: is a sweep directory, not a run directory (its runs are in {sweep / 'runs'}/)"
    with pytest.raises(NotARunDirectory) as plotted:
        load_run(sweep)
    with pytest.raises(ExperimentError) as compared:
        compare(sweep, sweep)
    assert str(plotted.value) == str(compared.value) == expected


def test_a_failed_run_is_read_as_one_and_has_no_run_to_show(tmp_path, mini_corridor):
    head = provenance("mini_corridor", "mini_corridor.yaml", 1, 0)
    failed = write_failed_run(tmp_path / "failed", failure(head, RuntimeError("boom"), 0.1),
                              mini_corridor.resolved, "Traceback ...")
    run = RunDirectory.read(failed)
    assert run.error == "RuntimeError: boom" and run.successful_runs() == [] and not run.complete
    with pytest.raises(NotARunDirectory, match=r"the run failed \(RuntimeError: boom\); see .*error.txt$"):
        load_run(failed)
    with pytest.raises(ExperimentError, match="no successful run to compare"):
        compare(failed, failed)


def test_resources_are_placed_by_their_element_never_by_their_name():
    links = {"kuryk_alat": {"from": "kuryk", "to": "alat", "mode": "sea", "fleet": "ferries"},
             "alat_tbilisi": {"from": "alat", "to": "tbilisi", "mode": "rail"}}
    # display names that say something else: only `element` counts
    ferries = {"name": "rail:x->y", "element": "fleets.ferries", "utilization": {"mean": 0.9, "ci95": None}}
    section = {"name": "fleet:ferries", "element": "links.alat_tbilisi", "utilization": 0.4}
    berth = {"name": "berths:alat.ferry", "element": "nodes.alat.berths.ferry", "utilization": 0.99}
    assert resource_links(ferries, links) == ["kuryk_alat"] and resource_links(berth, links) == []
    assert resource_node(berth) == "alat" and resource_node(section) is None
    assert link_utilization([ferries, section, berth], links) == {"kuryk_alat": 0.9, "alat_tbilisi": 0.4}
