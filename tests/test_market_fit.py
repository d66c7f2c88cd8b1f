"""The market's choice model is fitted on 2019-2024 only, and predicts 2025 from 2025 inputs without
refitting (issue 15 item 3)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml

from corridor_sim.market import fit as fitting
from corridor_sim.market.fit import FIT_YEARS, PREDICT_YEAR, anchor_constant, fit, predict
from corridor_sim.market.history import load_history


def history_text() -> str:
    return resources.files("corridor_sim.data").joinpath("market_history.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def fitted():
    return fit(load_history(FIT_YEARS))


def test_the_fit_years_end_in_2024():
    assert max(FIT_YEARS) == 2024 and PREDICT_YEAR == 2025


def test_the_history_the_fit_reads_holds_no_2025_figure():
    past = load_history(FIT_YEARS)
    assert past.years == FIT_YEARS
    assert max(past.inputs) <= 2024 and max(past.observed) <= 2024 and not past.capacity_teu
    assert 2025 in load_history([2025]).observed       # it is in the file: the loader filters it out


def test_the_fit_reads_no_2025_observation(fitted, tmp_path):
    """Change every 2025 figure of the history file (outcomes and inputs): the fit is the same."""
    raw = yaml.safe_load(history_text())
    raw["observed"][2025] = {"corridor": 1.0, "northern": 9e9, "sea": 1.0}
    raw["inputs"][2025] = {r: {"usd_per_feu": 1.0, "days": 1.0, "spread_days": 0.0} for r in raw["inputs"][2025]}
    path = tmp_path / "history.yaml"
    path.write_text(yaml.safe_dump(raw))
    other = fit(load_history(FIT_YEARS, path))
    assert other.cost_scale_per_kusd == fitted.cost_scale_per_kusd and other.constants == fitted.constants
    assert fitted.years == FIT_YEARS


def test_the_fit_sees_only_the_years_it_is_given(monkeypatch):
    seen = []
    real = fitting.observations

    def spy(history):
        seen.extend(history.inputs)
        seen.extend(history.observed)
        return real(history)

    monkeypatch.setattr(fitting, "observations", spy)
    fit(load_history(FIT_YEARS))
    assert seen and max(seen) == 2024


def test_the_2025_prediction_reads_2025_inputs_but_not_the_2025_outcome(fitted):
    past = load_history(FIT_YEARS)
    coming = load_history([2025])
    a = predict(fitted, past, coming)
    blind = type(coming)(**{**coming.__dict__, "observed": {}})
    assert predict(fitted, past, blind) == a
    assert 0 < a["corridor_teu"] <= coming.capacity_teu[2025]


def test_the_fit_reports_its_error_per_year(fitted):
    rows = {r["year"]: r for r in fitted.rows}
    assert set(rows) == set(FIT_YEARS)
    for y in range(2020, 2025):
        r = rows[y]
        assert math.isclose(r["corridor_teu_error"], r["fitted_corridor_teu"] / r["observed_corridor_teu"] - 1)
        assert abs(r["corridor_teu_error"]) < 0.5
    assert fitted.cost_scale_per_kusd > 0


def test_the_anchor_gives_the_corridor_its_target_share(fitted):
    past = load_history(FIT_YEARS)
    c = anchor_constant(fitted, past, 2024, 9000.0, 0.003)
    anchored = type(fitted)(fitted.cost_scale_per_kusd, fitted.nest_scale, {**fitted.constants, "corridor": c},
                            fitted.years)
    assert math.isclose(anchored.shares(past, 2024, 9000.0)["corridor"], 0.003, rel_tol=1e-6)


def test_market_fit_prints_the_fit_and_the_prediction_as_json():
    p = subprocess.run([sys.executable, "-m", "corridor_sim.cli", "market-fit", "--json"], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["fit_years"] == list(FIT_YEARS)
    assert out["prediction"]["year"] == 2025 and out["prediction"]["observed_corridor_teu"] == 77000
    assert {r["year"] for r in out["fit"]} == set(FIT_YEARS)
