"""Fuzzing the shipped scenarios: whatever a user's mistake makes of them, the program answers in one
line or runs, bounded (the harness and its mutations: tests/fuzzing.py).

- In the normal suite, a small fixed sample: SAMPLE cases of campaign SAMPLE_SEED through
  `validate` in process, the first RUNS of those that validate run in a watched child process,
  and a few cases through the real `corridor-sim` command.
- The full campaign (`-m fuzz`, not run by default): `--fuzz-cases` cases (1,200) of campaign
  `--fuzz-seed` (16), every one that validates run; its last result is in the README
  ("Reliability", "Fuzz campaign"):

      python -m pytest -m fuzz tests/test_fuzz.py -q -s [--fuzz-cases 1200] [--fuzz-seed 16]

A failure names the case by its seed and index: `fuzzing.make_case(seed, index)` makes it again.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

import fuzzing

SAMPLE_SEED = 2024
SAMPLE = 30
RUNS = 3


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return fuzzing.workspace(tmp_path_factory.mktemp("fuzz"))


def test_a_case_is_made_again_from_its_seed_and_index():
    a, b = fuzzing.make_case(7, 123), fuzzing.make_case(7, 123)
    assert (a.base, a.mutations, a.files) == (b.base, b.mutations, b.files)
    assert fuzzing.make_case(7, 124).files != a.files


def test_the_mutations_cover_every_class_the_campaign_promises():
    kinds = {m.split()[0] for i in range(120) for m in fuzzing.make_case(1, i).mutations}
    assert {"number", "scale", "type", "delete", "duplicate", "clone", "odd_id", "extends", "unknown",
            "resolved"} <= kinds


def test_a_sample_of_hostile_scenarios_validates_or_is_refused_in_one_line_and_runs_bounded(workspace):
    tally = fuzzing.campaign(workspace, SAMPLE_SEED, range(SAMPLE), runs=RUNS)
    assert tally.failures == [], "\n".join(tally.failures)
    assert tally.cases == SAMPLE and tally.validated + tally.refused == SAMPLE
    assert tally.refused > 0 and tally.ran == min(RUNS, tally.validated) > 0


@pytest.mark.parametrize("index", [0, 1, 2])
def test_the_real_command_keeps_the_contract_on_hostile_scenarios(workspace, index):
    """`corridor-sim validate` as users run it, on cases of the sample: the same verdict as in process."""
    case = fuzzing.make_case(SAMPLE_SEED, index)
    path = fuzzing.write_case(workspace, case)
    proc = subprocess.run([sys.executable, "-m", "corridor_sim.cli", "validate", str(path)], capture_output=True,
                          text=True, timeout=fuzzing.VALIDATE_SECONDS + 30)
    verdict, problems = fuzzing.contract(proc.returncode, proc.stdout, proc.stderr)
    assert problems == [], case.describe()
    assert (verdict, []) == fuzzing.check_validate(path)


@pytest.mark.fuzz
def test_the_full_campaign(workspace, request):
    seed, cases = request.config.getoption("--fuzz-seed"), request.config.getoption("--fuzz-cases")
    started = time.perf_counter()

    def progress(tally, case, verdict, problems):
        if problems:
            print(f"\nFAILED {case.describe()}: {'; '.join(problems)}", flush=True)
        if tally.cases % 100 == 0:
            print(f"\n{tally.line()} ({time.perf_counter() - started:,.0f} s)", flush=True)

    tally = fuzzing.campaign(workspace, seed, range(cases), progress=progress)
    print(f"\nfuzz campaign, seed {seed}: {tally.line()} ({time.perf_counter() - started:,.0f} s)")
    assert tally.failures == [], "\n".join(tally.failures)
