"""`extends:` chains are read within bounds, and their errors say where they are and how they were reached.

- A scenario with its parents is at most 1 MiB of text: a parent such as `/dev/zero` or a log
  file named by mistake is refused after reading that much, never read to its end.
- A chain of more than 16 files is refused as a chain, naming the file the user gave (not the
  last, innocent file, with "YAML nested too deeply").
- An error in a parent file (its YAML, or a value it wrote) names that file and says
  `reached through extends from <the user's file>`; what the user's own file or a `--set`
  wrote stays theirs.
- Every message is one line, whatever the file names and ids hold.
"""

from __future__ import annotations

import math
import os
import time

import pytest
from click.testing import CliRunner

from corridor_sim.analysis.stability import over_capacity
from corridor_sim.cli import cli
from corridor_sim.scenario import ScenarioError, load_scenario
from corridor_sim.scenario.loader import MAX_EXTENDS, MAX_SCENARIO_BYTES

from conftest import DATA

TINY = DATA / "tiny.yaml"


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path, sets=()) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, list(sets))
    return info.value


# --------------------------------------------------------------------------
# Bounded reads
# --------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_parent_that_never_ends_is_refused_after_a_mebibyte(tmp_path):
    child = write(tmp_path / "study.yaml", "extends: /dev/zero\nname: study\n")
    started = time.perf_counter()
    exc = error_of(child)
    assert time.perf_counter() - started < 5
    assert exc.file == "/dev/zero" and exc.reached_from == (str(child),)
    assert str(exc) == (f"/dev/zero: more than 1 MiB of text (with the files that extend it): not a scenario "
                        f"file (the shipped ones are at most 50 KB) (reached through extends from {child})")


def test_a_huge_scenario_file_is_refused_without_parsing_it(tmp_path):
    path = write(tmp_path / "huge.yaml", TINY.read_text() + "# padding\n" * (MAX_SCENARIO_BYTES // 10 + 1))
    started = time.perf_counter()
    exc = error_of(path)
    assert time.perf_counter() - started < 5
    assert (exc.file, exc.path) == (str(path), "") and exc.problem.startswith("more than 1 MiB of text: ")


def test_the_size_limit_counts_the_whole_family(tmp_path):
    """Each file under the limit, together over it: the parent that passes the mark is named."""
    half = "# padding\n" * (MAX_SCENARIO_BYTES // 20 + 10)
    write(tmp_path / "parent.yaml", TINY.read_text() + half)
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\nname: child\n" + half)
    exc = error_of(child)
    assert exc.file == str(tmp_path / "parent.yaml") and "with the files that extend it" in exc.problem


# --------------------------------------------------------------------------
# Long chains and cycles
# --------------------------------------------------------------------------


def test_a_chain_of_1200_files_is_refused_as_a_chain_naming_the_users_file(tmp_path):
    """Issue 16: it recursed until 'YAML nested too deeply', blaming the last, innocent file."""
    write(tmp_path / "c0000.yaml", TINY.read_text())
    for i in range(1, 1200):
        write(tmp_path / f"c{i:04d}.yaml", f"extends: c{i - 1:04d}.yaml\n")
    top = tmp_path / "c1199.yaml"
    result = CliRunner().invoke(cli, ["validate", str(top)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    line = result.stderr.strip()
    assert line.startswith(f"error: {top}: extends: a chain of more than {MAX_EXTENDS} files, each extending "
                           f"the next ({top} -> ")
    assert "nested too deeply" not in line and line.endswith("make it shorter")


def test_a_chain_of_sixteen_files_is_fine(tmp_path):
    write(tmp_path / "c00.yaml", TINY.read_text())
    for i in range(1, MAX_EXTENDS):
        write(tmp_path / f"c{i:02d}.yaml", f"extends: c{i - 1:02d}.yaml\n")
    sc, _ = load_scenario(tmp_path / f"c{MAX_EXTENDS - 1:02d}.yaml")
    assert sc.name == "mmc"


# --------------------------------------------------------------------------
# Errors in a parent: that file, reached through extends from the user's
# --------------------------------------------------------------------------


def test_a_yaml_error_in_a_parent_names_the_parent_reached_from_the_users_file(tmp_path):
    write(tmp_path / "base" / "parent.yaml", TINY.read_text() + "broken: [\n")
    child = write(tmp_path / "study.yaml", "extends: base/parent.yaml\nname: study\n")
    result = CliRunner().invoke(cli, ["validate", str(child)])
    assert result.exit_code == 2
    parent = tmp_path / "study.yaml"
    assert result.stderr == (f"error: {tmp_path / 'base' / 'parent.yaml'}: line 16, column 1: YAML syntax error: "
                             f"expected the node content, but found '<stream end>' (reached through extends from "
                             f"{parent})\n")


def test_a_bad_value_written_in_a_grandparent_names_it_and_the_way_there(tmp_path):
    write(tmp_path / "a.yaml", TINY.read_text().replace("servers: 3", "servers: -3"))
    write(tmp_path / "b.yaml", "extends: a.yaml\nhorizon_days: 30\n")
    c = write(tmp_path / "c.yaml", "extends: b.yaml\nname: c\n")
    exc = error_of(c)
    assert str(exc) == (f"{tmp_path / 'a.yaml'}: nodes.station.station.servers: Input should be greater than 0 "
                        f"(reached through extends from {c} -> {tmp_path / 'b.yaml'})")


def test_a_bad_value_the_users_file_wrote_over_its_parent_stays_the_users(tmp_path):
    write(tmp_path / "parent.yaml", TINY.read_text())
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\nnodes: {station: {station: {servers: 0}}}\n")
    exc = error_of(child)
    assert (exc.file, exc.reached_from) == (str(child), ())


def test_a_bad_value_set_on_the_command_line_is_not_blamed_on_a_parent(tmp_path):
    write(tmp_path / "parent.yaml", TINY.read_text())
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\nname: child\n")
    exc = error_of(child, ["nodes.station.station.servers=0"])
    assert (exc.file, exc.reached_from) == (str(child), ())


def test_a_missing_parent_is_the_fault_of_the_file_that_names_it(tmp_path):
    write(tmp_path / "mid.yaml", "extends: nowhere.yaml\n")
    top = write(tmp_path / "top.yaml", "extends: mid.yaml\nname: top\n")
    exc = error_of(top)
    assert (exc.file, exc.path, exc.reached_from) == (str(tmp_path / "mid.yaml"), "extends", (str(top),))
    assert "parent scenario not found" in exc.problem


@pytest.mark.parametrize("ref", ["a\0b.yaml", "x" * 5000 + ".yaml", "", "[1, 2]"])
def test_an_unusable_extends_path_is_one_line(tmp_path, ref):
    child = write(tmp_path / "child.yaml", f"extends: {ref!r}\nname: child\n" if ref != "[1, 2]"
                  else f"extends: {ref}\nname: child\n")
    result = CliRunner().invoke(cli, ["validate", str(child)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {child}: extends: ")


# --------------------------------------------------------------------------
# One line, whatever the names hold
# --------------------------------------------------------------------------


def test_a_file_name_with_a_newline_in_it_stays_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "no\nsuch.yaml")])
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path}/no\\nsuch.yaml: file not found\n"


def test_a_very_long_id_is_cut_short_in_the_field_path(tmp_path):
    # An explicit key (`? key`): YAML allows no plain key of more than 1024 characters.
    path = write(tmp_path / "long.yaml", TINY.read_text().replace("  sink: {", "  ? " + "s" * 5000 + ".x\n  : {"))
    exc = error_of(path)
    assert exc.path == "nodes." + "s" * 50 + "…"


@pytest.mark.parametrize("ratio, words", [
    (1.52, "at 152% of its capacity"),
    (9.0, "at 900% of its capacity"),
    (250.0, "at 250 times its capacity"),
    (5.6e307, "at 5.6e+307 times its capacity"),
    (math.inf, "can carry nothing in the window (closed or out of order for all of it)"),
])
def test_demand_over_capacity_reads_as_words_never_inf_percent(ratio, words):
    """Issue 16: `capacity_trains_per_day: 1e-308` printed 'at inf% of its capacity'."""
    assert over_capacity(ratio) == words
