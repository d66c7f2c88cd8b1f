"""Untrusted input stays data: a scenario file, a --set or --vary value, or an `extends:`
chain can neither run code nor make the command write outside --out.

- YAML is read with a safe loader: a Python object tag is an error, never a call
  (each test uses a tag that would create a file if it were ever executed).
- `--set` and `--vary` values are parsed as YAML scalars or flow collections, never
  evaluated: `1+1` is the text "1+1", not 2.
- An `extends:` cycle, however long, is an error naming the files.
- Ids cannot hold '/' or '..', and run directories are named by index
  (rep-0000, g000-r0000), never by a value: nothing lands outside --out.
- A YAML alias bomb (billion laughs) is refused quickly, not expanded.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from corridor_sim.cli import cli

from conftest import DATA

TINY = DATA / "tiny.yaml"


def _refused(result, fragment: str) -> str:
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("error: ") and fragment in line, line
    return line


def _scenario(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _tiny_with(replace: str, by: str) -> str:
    text = TINY.read_text(encoding="utf-8")
    assert replace in text
    return text.replace(replace, by)


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.mkdir [{pwned}]",
    "!!python/object/new:os.mkdir [{pwned}]",
    "!!python/name:os.system",
    "!!python/object:argparse.Namespace {{x: 1}}",
])
def test_a_python_tag_in_a_scenario_file_is_an_error_never_a_call(tmp_path, tag):
    pwned = tmp_path / "pwned"
    text = _tiny_with("seed: 1", f"seed: {tag.format(pwned=str(pwned))}")
    path = _scenario(tmp_path, text)
    result = CliRunner().invoke(cli, ["run", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    _refused(result, "YAML syntax error: could not determine a constructor for the tag")
    assert not pwned.exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_set_values_are_parsed_never_evaluated(tmp_path, command):
    pwned = tmp_path / "pwned"
    extra = ["--vary", "nodes.station.station.servers=3,4"] if command == "sweep" else []
    for value, fragment in [
        (f"!!python/object/apply:os.mkdir [{pwned}]", "name: an id may hold only"),
        (f"__import__('os').mkdir({str(pwned)!r})", "name: an id may hold only"),
    ]:
        result = CliRunner().invoke(cli, [command, str(TINY), *extra, "--out", str(tmp_path / "out"), "--quiet",
                                          "--set", f"name={value}"])
        _refused(result, fragment)
        assert not pwned.exists()
    result = CliRunner().invoke(cli, ["validate", str(TINY), "--set", "horizon_days=1+1"])
    _refused(result, "horizon_days: Input should be a valid number")     # the text '1+1', not 2
    assert not (tmp_path / "out").exists()


def test_vary_values_are_parsed_never_evaluated(tmp_path):
    pwned = tmp_path / "pwned"
    result = CliRunner().invoke(cli, ["sweep", str(TINY), "--out", str(tmp_path / "out"), "--quiet",
                                      "--vary", f"nodes.station.station.servers=!!python/object/apply:os.mkdir [{pwned}]"])
    assert result.exit_code == 2, result.output
    assert not pwned.exists() and not (tmp_path / "out").exists()


def test_a_long_extends_cycle_is_an_error_naming_every_file(tmp_path):
    body = TINY.read_text(encoding="utf-8")
    _scenario(tmp_path, "extends: b.yaml\n" + body, "a.yaml")
    _scenario(tmp_path, "extends: c.yaml\n", "b.yaml")
    _scenario(tmp_path, "extends: a.yaml\n", "c.yaml")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "a.yaml")])
    line = _refused(result, "extends: cycle of extends: ")
    assert all(f"{n}.yaml" in line for n in "abc")


@pytest.mark.parametrize("setting, fragment", [
    ("name=../../outside", "name: an id may hold only"),
    ("name=a/b", "name: an id may hold only"),
])
def test_names_that_could_walk_out_of_the_output_directory_are_refused(tmp_path, setting, fragment):
    result = CliRunner().invoke(cli, ["run", str(TINY), "--out", str(tmp_path / "out"), "--quiet", "--set", setting])
    _refused(result, fragment)
    assert list(tmp_path.iterdir()) == []


def test_an_id_with_a_path_in_it_is_refused(tmp_path):
    path = _scenario(tmp_path, _tiny_with("  sink: {", "  ../sink: {"))
    result = CliRunner().invoke(cli, ["validate", str(path)])
    _refused(result, "nodes.../sink: an id may hold only")


def test_experiments_write_only_inside_out_whatever_the_values(tmp_path):
    """Run directories are named by index: a varied value that looks like a path is only a value."""
    work = tmp_path / "work"
    work.mkdir()
    before = set(tmp_path.rglob("*"))
    result = CliRunner().invoke(cli, [
        "sweep", str(TINY), "--out", str(work / "out"), "--quiet", "--replications", "2",
        "--set", "horizon_days=20",
        "--vary", "nodes.station.station.service_hours={dist: exponential, mean: 2},{dist: uniform, low: 1, high: 3}"])
    assert result.exit_code == 0, result.output
    created = set(tmp_path.rglob("*")) - before
    assert all(p.is_relative_to(work / "out") or p == work / "out" for p in created), sorted(created)
    assert sorted(p.name for p in (work / "out" / "runs").iterdir()) == \
        ["g000-r0000", "g000-r0001", "g001-r0000", "g001-r0001"]


def test_a_yaml_alias_bomb_is_refused_without_being_expanded(tmp_path):
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")   # 9**9 strings if expanded
    path = _scenario(tmp_path, TINY.read_text(encoding="utf-8") + "\n".join(levels) + "\n")
    result = CliRunner().invoke(cli, ["run", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    _refused(result, ": a: unknown field")
    assert not (tmp_path / "out").exists()
