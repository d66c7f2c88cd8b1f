"""`corridor-sim compare DIR_A DIR_B`: KPIs side by side, the difference, and whether it is real.

Replication i of two scenarios run with the same seed drew the same random
numbers (common random numbers), so the differences run by run give a paired 95%
interval that sees through the noise both share. `--fail-if` turns a comparison
into a check: exit 1 when a threshold is crossed, 2 for bad input.
"""

import math

import pytest
from click.testing import CliRunner

from corridor_sim.cli import cli
from corridor_sim.experiment import ExperimentError, check_thresholds, compare, parse_threshold, run_replications

from conftest import DATA, ROOT

MINI = DATA / "mini_corridor.yaml"
BASELINE = ROOT / "scenarios" / "baseline_2024.yaml"
# One more crane move per hour at the container berths of the first port: a small improvement.
FASTER_BOXES = "nodes.port_a.berths.boxes.rate_per_hour=44"


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    run_replications(MINI, replications=5, out=root / "a")
    run_replications(MINI, replications=5, out=root / "b", overrides=["fleets.ferries.vessels=3"])
    run_replications(MINI, replications=5, out=root / "b_other_seed", overrides=["fleets.ferries.vessels=3"],
                     seed=99)
    return root


def _row(table, metric):
    return table.set_index("metric").loc[metric]


def test_a_third_ferry_is_a_real_gain_with_a_paired_interval(dirs):
    table = compare(dirs / "a", dirs / "b")
    row = _row(table, "delivered_tonnes_per_year")
    assert row.method == "paired" and row.pairs == 5
    assert row["diff"] == pytest.approx(row.b - row.a)
    assert row.diff_pct == pytest.approx(100 * row["diff"] / row.a)
    assert row.diff_ci95_low > 0                                  # more tonnes, and not by chance
    # Pairing removes the noise both share: the interval of the difference is much narrower
    # than the two intervals side by side would suggest.
    width = row.diff_ci95_high - row.diff_ci95_low
    assert width < 0.75 * math.hypot(row.a_ci95_high - row.a_ci95_low, row.b_ci95_high - row.b_ci95_low)
    assert "runtime_seconds" in set(table.metric)


def test_without_shared_seeds_the_interval_is_welch(dirs):
    paired = _row(compare(dirs / "a", dirs / "b"), "delivered_tonnes_per_year")
    welch = _row(compare(dirs / "a", dirs / "b_other_seed"), "delivered_tonnes_per_year")
    assert welch.method == "welch" and welch.pairs == 0
    assert (welch.diff_ci95_high - welch.diff_ci95_low) > (paired.diff_ci95_high - paired.diff_ci95_low)


def test_a_directory_compared_with_itself_shows_no_difference(dirs):
    row = _row(compare(dirs / "a", dirs / "a"), "transit_days.boxes_west.p95")
    assert row["diff"] == 0 and row.diff_pct == 0 and row.diff_ci95_low == row.diff_ci95_high == 0


def test_thresholds():
    t = parse_threshold("delivered_tonnes_per_year<-5%")
    assert (t.metric, t.op, t.value, t.percent) == ("delivered_tonnes_per_year", "<", -5.0, True)
    assert t.fails(diff=-100, diff_pct=-6) and not t.fails(diff=-100, diff_pct=-4)
    t = parse_threshold(" transit_days.*.p95 >= 1.5 ")
    assert (t.metric, t.op, t.value, t.percent) == ("transit_days.*.p95", ">=", 1.5, False)
    for bad in ("delivered_tonnes_per_year", "x<<5", "x<five%", "<5%", "x<5%%", "x=5"):
        with pytest.raises(ExperimentError, match="threshold="):
            parse_threshold(bad)


def test_fail_if_exit_codes(dirs):
    a, b = str(dirs / "a"), str(dirs / "b")
    runner = CliRunner()
    ok = runner.invoke(cli, ["compare", a, b, "--fail-if", "delivered_tonnes_per_year<-5%"], terminal_width=160)
    assert ok.exit_code == 0, ok.output
    assert "paired t over 5 replications" in ok.output and "ok      --fail-if delivered_tonnes_per_year<-5%" in ok.output

    # B is the improvement; compared the other way round it is a drop of about a third.
    failed = runner.invoke(cli, ["compare", b, a, "--fail-if", "delivered_tonnes_per_year<-5%",
                                 "--fail-if", "transit_days.*.p95>50%"])
    assert failed.exit_code == 1
    lines = [ln for ln in failed.output.splitlines() if ln.startswith("FAILED")]
    assert len(lines) == 3  # tonnes, and the p95 transit of both flows
    assert lines[0].startswith("FAILED  --fail-if delivered_tonnes_per_year<-5%: delivered_tonnes_per_year changed by -")

    for args, message in (
        (["--fail-if", "delivered_tonnes_per_year<<5%"], "--fail-if 'delivered_tonnes_per_year<<5%': expected"),
        (["--fail-if", "delivered_tones_per_year<-5%"], "no metric 'delivered_tones_per_year'"),
    ):
        bad = runner.invoke(cli, ["compare", a, b, *args])
        assert bad.exit_code == 2 and bad.stdout == ""
        assert bad.stderr.count("\n") == 1 and message in bad.stderr, bad.stderr
    missing = runner.invoke(cli, ["compare", a, str(dirs / "nowhere")])
    assert missing.exit_code == 2 and missing.stderr == f"error: {dirs / 'nowhere'}: no such directory\n"


def test_single_runs_compare_without_an_interval(tmp_path):
    runner = CliRunner()
    for name, extra in (("a", []), ("b", ["--set", FASTER_BOXES])):
        assert runner.invoke(cli, ["run", str(MINI), "--out", str(tmp_path / name), "--quiet", *extra]).exit_code == 0
    table = compare(tmp_path / "a", tmp_path / "b")
    row = _row(table, "delivered_teu_per_year")
    assert row.n_a == row.n_b == 1 and row.pairs == 0 and row.diff_ci95_low != row.diff_ci95_low  # NaN
    assert row["diff"] == row.b - row.a
    assert check_thresholds(table, [parse_threshold("delivered_teu_per_year<-1000")]) == []


def test_a_comparison_on_the_shipped_baseline(tmp_path):
    """Half the Kuryk–Alat ferries in the calibrated corridor, 3 paired replications (shortened horizon)."""
    short = ["horizon_days=120"]
    run_replications(BASELINE, replications=3, out=tmp_path / "a", overrides=short)
    run_replications(BASELINE, replications=3, out=tmp_path / "b",
                     overrides=short + ["fleets.asco_ferries.vessels=6"])
    row = _row(compare(tmp_path / "a", tmp_path / "b"), "delivered_tonnes_per_year")
    assert row.method == "paired" and row.pairs == 3
    assert row.diff_ci95_high < 0  # 12 → 6 ferries: fewer tonnes, and the interval says it is real
