"""The fuzz harness: hostile copies of the shipped scenarios, and what the program must do with each.

A *case* is one shipped scenario (scenarios/*.yaml), as its file is written (with its `extends`)
or resolved (flattened), with one to three mutations:

- `number`   a number becomes 0, tiny (1e-308, 5e-324), huge (1e308, 2**63 - 1), a fraction where a
             count was, or (three times in ten) negative, NaN or infinite (`.nan`, `.inf`, `1e999`,
             `nan`), or a seed beyond 64 bits;
- `type`     any field becomes text, true/false, a list, a mapping, null, an impossible date, a
             Python tag, a recursive alias or an undefined one;
- `scale`    a unit slip: a number x 1e3, 1e6, 10, or divided by them;
- `delete`   a key disappears;
- `duplicate` a key appears twice in its mapping;
- `clone`    an element (flow, link, node, fleet, pool, disruption) given again under a second id;
- `odd_id`   an id (node, link, fleet, flow, pool, disruption) holds a newline, another alphabet,
             a dot, a slash, 100 to 5,000 characters, or nothing — alone, or renamed everywhere
             it is referred to (then it may be valid);
- `extends`  the parent is missing, a directory, /dev/zero, itself, a cycle, a chain of 21 files,
             2 MiB of text, broken YAML, a list, not UTF-8, a parent with a bad value, a number;
- `unknown`  a field nobody defined.

Every case must satisfy the contract of bad input (`check_validate`): `corridor-sim validate`
exits 0 or 2, with exactly one line on stderr (`error: …`) when it refuses, never a traceback,
within VALIDATE_SECONDS. A case that validates must run (`check_run`): shortened to at most
10 days of warm-up and 20 measured, in a child process forked from a server that has imported
corridor-sim (a crash or a hang takes only the child), within RUN_SECONDS and RUN_RSS_MB of
resident memory (watched, and killed past it), with its tonnes balanced.

`make_case(seed, index)` is a pure function of its arguments: a failing case is reproduced from
the two numbers the campaign prints.
"""

from __future__ import annotations

import copy
import functools
import multiprocessing
import random
import shutil
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from click.testing import CliRunner

from corridor_sim.cli import cli
from corridor_sim.scenario import load_scenario
from corridor_sim.scenario.loader import SafeLoader

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
VALIDATE_SECONDS = 30
RUN_SECONDS = 120
RUN_RSS_MB = 2_500

# Extreme numbers a type check may well accept (the run must then be bounded), and numbers that are wrong.
EXTREME = [0, 0.0, 1e-308, 5e-324, 1e-9, 0.5, 1e6, 1e15, 1e308, 2**31, 2**63 - 1, "RAW:1e308", "RAW:-0.0"]
BROKEN = [-1, -0.5, -1e308, 2**63, 2**70, "RAW:.nan", "RAW:.inf", "RAW:-.inf", "RAW:1e999", "RAW:nan", "RAW:NaN"]
WRONG_TYPES = ["abc", True, [1, 2], {"x": 1}, "", "RAW:null", "RAW:yes", "RAW:2024-02-30", "RAW:[[[[]]]]",
               "RAW:!!python/object/apply:os.getcwd []", "RAW:&loop [*loop]", "RAW:*undefined", "RAW:~",
               "RAW:!!binary aGVsbG8=", "RAW:{a: {b: {c: {d: [1, {e: 2}]}}}}", "RAW:'1e3'"]
ODD_IDS = ["a\nb", "Düsseldorf", "東京", "x" * 100, "x" * 1025, "x" * 5000, "a.b", "../x", "", " ", "-x", "1",
           "a b", "a/b", "\t", "null", "true", "ok_" + "y" * 60]
EXTENDS = ["nowhere.yaml", "adir", "/dev/zero", "SELF", "cycle_a.yaml", "chain_20.yaml", "huge.yaml",
           "broken.yaml", "listtop.yaml", "latin1.yaml", "badvalue_parent.yaml", "empty.yaml", "RAW:5",
           "RAW:[a.yaml]", "", 'RAW:"a\\0b.yaml"', "baseline_2024.yaml", "target_2030.yaml", "x" * 5000]
COLLECTIONS = ("nodes", "links", "fleets", "flows", "rolling_stock", "disruptions")
# How often each mutation is drawn: numbers most (a number is what a user mistypes most), then the rest.
KINDS = ("number",) * 8 + ("scale",) * 3 + ("type", "type", "delete", "duplicate", "clone", "odd_id", "odd_id",
                                              "extends", "extends", "unknown")


@dataclass
class Case:
    """One hostile scenario: its file (and any parent written for it) in the workspace."""

    seed: int
    index: int
    base: str                                    # the shipped scenario it mutates
    mutations: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"fuzz_{self.seed}_{self.index:05d}.yaml"

    def describe(self) -> str:
        return f"case {self.index} (seed {self.seed}) of {self.base}: " + "; ".join(self.mutations)


# --------------------------------------------------------------------------
# Making cases
# --------------------------------------------------------------------------


def make_case(seed: int, index: int) -> Case:
    """Case `index` of the campaign `seed`: the same two numbers, the same files."""
    rnd = random.Random(f"{seed}/{index}")
    base = rnd.choice(SHIPPED)
    written, resolved = _shipped(base)
    data = copy.deepcopy(written)
    case = Case(seed, index, base.name)
    if rnd.random() < 0.5 and "extends" in data:       # the family flattened: every field within reach
        data = copy.deepcopy(resolved)
        case.mutations.append("resolved (no extends)")
    raws: dict[str, str] = {}
    for _ in range(rnd.choice([1, 1, 1, 1, 1, 2, 2, 3])):
        kind = rnd.choice(KINDS)
        case.mutations.append(MUTATE[kind](rnd, data, raws, case))
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**9)
    for token, raw in raws.items():
        body = body.replace(token, raw)
    case.files[case.name] = body.encode("utf-8")
    return case


@functools.cache
def _shipped(path: Path) -> tuple[dict, dict]:
    """A shipped scenario as its file is written, and resolved (read once; copied before each mutation)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader), load_scenario(path)[1]


def _placeholder(raws: dict, value):
    """A value to put in the data: itself, or a token the dumped text gets the raw YAML for."""
    if isinstance(value, str) and value.startswith("RAW:"):
        token = f"__RAW_{len(raws)}__"
        raws[token] = value[4:]
        return token
    return copy.deepcopy(value)


def _paths(data, prefix=()) -> list[tuple]:
    """Every path to a value in the mapping (leaves and containers)."""
    out = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        out.append((*prefix, key))
        out.extend(_paths(value, (*prefix, key)))
    return out


def _get(data, path):
    for key in path:
        data = data[key]
    return data


def _where(path) -> str:
    return ".".join(str(p) for p in path)[:120]


def _number(rnd, data, raws, case) -> str:
    paths = [p for p in _paths(data) if isinstance(_get(data, p), (int, float)) and not isinstance(_get(data, p), bool)]
    if not paths:
        return _wrong_type(rnd, data, raws, case)
    path, value = rnd.choice(paths), rnd.choice(EXTREME if rnd.random() < 0.7 else BROKEN)
    _get(data, path[:-1])[path[-1]] = _placeholder(raws, value)
    return f"number {_where(path)} = {value!r}"


def _wrong_type(rnd, data, raws, case) -> str:
    path, value = rnd.choice(_paths(data)), rnd.choice(WRONG_TYPES)
    _get(data, path[:-1])[path[-1]] = _placeholder(raws, value)
    return f"type {_where(path)} = {value!r}"


def _delete(rnd, data, raws, case) -> str:
    path = rnd.choice([p for p in _paths(data) if isinstance(_get(data, p[:-1]), dict)])
    del _get(data, path[:-1])[path[-1]]
    return f"delete {_where(path)}"


def _duplicate(rnd, data, raws, case) -> str:
    mappings = [p for p in [()] + _paths(data) if isinstance(_get(data, p), dict) and _get(data, p)]
    path = rnd.choice(mappings)
    mapping = _get(data, path)
    key = rnd.choice([k for k in mapping if isinstance(k, str) and k.isidentifier()] or [None])
    if key is None:
        return _unknown(rnd, data, raws, case)
    token = f"__DUP_{len(raws)}__"
    raws[token] = key
    mapping[token] = copy.deepcopy(mapping[key])
    return f"duplicate {_where((*path, key))}"


def _scale(rnd, data, raws, case) -> str:
    """A unit slip: a number a thousand times too large or too small (often valid: the run must be bounded)."""
    paths = [p for p in _paths(data) if isinstance(_get(data, p), (int, float)) and not isinstance(_get(data, p), bool)]
    if not paths:
        return _unknown(rnd, data, raws, case)
    path, factor = rnd.choice(paths), rnd.choice([1e3, 1e-3, 10, 0.1, 1e6, 1e-6])
    value = _get(data, path)
    _get(data, path[:-1])[path[-1]] = type(value)(value * factor) if isinstance(value, int) and factor >= 1 \
        else value * factor
    return f"scale {_where(path)} x {factor:g}"


def _clone(rnd, data, raws, case) -> str:
    """An element given twice under two ids: a second flow, link, node, fleet, pool or disruption like it."""
    collections = [c for c in COLLECTIONS if isinstance(data.get(c), dict) and data[c]]
    if not collections:
        return _unknown(rnd, data, raws, case)
    coll = rnd.choice(collections)
    old = rnd.choice(list(data[coll]))
    data[coll][f"{old}_twin"] = copy.deepcopy(data[coll][old])
    return f"clone {coll}.{old}"


def _odd_id(rnd, data, raws, case) -> str:
    collections = [c for c in COLLECTIONS if isinstance(data.get(c), dict) and data[c]]
    if not collections:
        return _unknown(rnd, data, raws, case)
    coll = rnd.choice(collections)
    old = rnd.choice(list(data[coll]))
    new = rnd.choice(ODD_IDS)
    everywhere = rnd.random() < 0.5
    data[coll] = {(new if k == old else k): v for k, v in data[coll].items()}
    if everywhere:      # every reference to it too: a valid id then runs
        _rename(data, old, new)
    return f"odd_id {coll}.{old} -> {new[:40]!r}{'…' if len(new) > 40 else ''}" + (" everywhere" if everywhere else "")


def _rename(node, old: str, new: str):
    targets = {f"{c}.{old}": f"{c}.{new}" for c in ("nodes", "links", "fleets")}
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in list(items):
        if value == old:
            node[key] = new
        elif isinstance(value, str) and any(value == t or value.startswith(t + ".") for t in targets):
            head = next(t for t in targets if value == t or value.startswith(t + "."))
            node[key] = targets[head] + value[len(head):]
        else:
            _rename(value, old, new)


def _extends(rnd, data, raws, case) -> str:
    ref = rnd.choice(EXTENDS)
    if ref == "SELF":
        ref = case.name
    if ref == "badvalue_parent.yaml":      # a parent of its own, with a bad value in it
        ref = case.name.replace(".yaml", "_parent.yaml")
        case.files[ref] = b"extends: baseline_2024.yaml\nnodes: {dostyk: {station: {servers: -2}}}\n"
    data["extends"] = _placeholder(raws, ref)
    return f"extends = {ref[:40]!r}"


def _unknown(rnd, data, raws, case) -> str:
    mappings = [p for p in [()] + _paths(data) if isinstance(_get(data, p), dict)]
    path = rnd.choice(mappings)
    _get(data, path)["surprise_field"] = 1
    return f"unknown {_where((*path, 'surprise_field'))}"


MUTATE = {"number": _number, "scale": _scale, "type": _wrong_type, "delete": _delete, "duplicate": _duplicate,
          "clone": _clone, "odd_id": _odd_id, "extends": _extends, "unknown": _unknown}


# --------------------------------------------------------------------------
# The workspace: the shipped scenarios, the hostile parents, the cases
# --------------------------------------------------------------------------


def workspace(directory: Path) -> Path:
    """A directory holding copies of the shipped scenarios (so that `extends` finds them) and the
    parents the `extends` mutation names."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in SHIPPED:
        shutil.copy(path, directory / path.name)
    (directory / "adir").mkdir(exist_ok=True)
    (directory / "huge.yaml").write_text("name: huge\n" + "# padding padding padding\n" * 90_000)
    (directory / "broken.yaml").write_text("nodes: [\n")
    (directory / "listtop.yaml").write_text("- 1\n- 2\n")
    (directory / "latin1.yaml").write_bytes(b"name: caf\xe9\n")
    (directory / "empty.yaml").write_text("")
    (directory / "cycle_a.yaml").write_text("extends: cycle_b.yaml\n")
    (directory / "cycle_b.yaml").write_text("extends: cycle_a.yaml\n")
    (directory / "chain_00.yaml").write_text("extends: baseline_2024.yaml\n")
    for i in range(1, 21):
        (directory / f"chain_{i:02d}.yaml").write_text(f"extends: chain_{i - 1:02d}.yaml\n")
    return directory


def write_case(directory: Path, case: Case) -> Path:
    for name, body in case.files.items():
        (directory / name).write_bytes(body)
    return directory / case.name


# --------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------


class Hung(BaseException):
    """Validation took longer than VALIDATE_SECONDS (a BaseException: nothing on the way catches it)."""


def _alarm(signum, frame):
    raise Hung()


def check_validate(path: Path) -> tuple[str, list[str]]:
    """`corridor-sim validate PATH` in process: ("ok" | "refused", problems with the contract)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, VALIDATE_SECONDS)
    try:
        result = CliRunner().invoke(cli, ["validate", str(path)])
    except Hung:
        return "hung", [f"validate took more than {VALIDATE_SECONDS} s"]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return contract(result.exit_code, result.stdout, result.stderr,
                    None if isinstance(result.exception, (SystemExit, type(None))) else result.exception)


def contract(code: int, stdout: str, stderr: str, exception=None) -> tuple[str, list[str]]:
    """What `validate` must do: exit 0 with its one line on stdout, or 2 with one `error:` line on stderr."""
    problems = []
    if exception is not None:
        problems.append(f"raised {type(exception).__name__}: {exception}")
    if "Traceback" in stdout + stderr:
        problems.append("a traceback")
    if code == 0:
        if stderr or stdout.count("\n") != 1 or ": ok (" not in stdout:
            problems.append(f"exit 0 but stdout {stdout[:200]!r}, stderr {stderr[:200]!r}")
        return "ok", problems
    if code != 2:
        problems.append(f"exit code {code}")
    if stderr.count("\n") != 1 or not stderr.startswith("error: ") or stdout:
        problems.append(f"not one error line: stderr {stderr[:300]!r}, stdout {stdout[:100]!r}")
    return "refused", problems


def _run_child(path: str, overrides: list[str], out: str, conn) -> None:
    """In the child: the shortened run, its directory written, and what the parent checks."""
    import resource
    import traceback

    from corridor_sim.api import run

    started = time.perf_counter()
    try:
        result = run(path, overrides=overrides, out=out)
        balance = result.summary["mass_balance"]
        conn.send({"ok": True, "balanced": bool(balance["balanced"]), "events": result.summary["events"],
                   "written": (Path(out) / "summary.json").is_file(),
                   "seconds": time.perf_counter() - started,
                   "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
    except BaseException:
        conn.send({"ok": False, "error": traceback.format_exc()[-2000:]})


_SERVER = multiprocessing.get_context("forkserver")
_SERVER.set_forkserver_preload(["corridor_sim.api", "fuzzing"])


def check_run(path: Path, out: Path) -> tuple[dict, list[str]]:
    """A case that validated, run for at most 10 + 20 days in a watched child: (its report, problems)."""
    sc, _ = load_scenario(path)
    overrides = [f"warmup_days={min(sc.warmup_days, 10.0)!r}", f"horizon_days={min(sc.horizon_days, 20.0)!r}"]
    receive, send = _SERVER.Pipe(duplex=False)
    child = _SERVER.Process(target=_run_child, args=(str(path), overrides, str(out), send), daemon=True)
    started = time.perf_counter()
    child.start()
    send.close()
    report, problems, peak = None, [], 0.0
    try:
        while report is None:
            if receive.poll(0.05):
                report = receive.recv()
                break
            peak = max(peak, _rss_mb(child.pid))
            if peak > RUN_RSS_MB:
                problems.append(f"the run took more than {RUN_RSS_MB} MB of memory")
            elif time.perf_counter() - started > RUN_SECONDS:
                problems.append(f"the run took more than {RUN_SECONDS} s")
            elif not child.is_alive():
                problems.append(f"the run's process died (exit code {child.exitcode})")
            else:
                continue
            break
    except EOFError:
        problems.append(f"the run's process died (exit code {child.exitcode})")
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
        shutil.rmtree(out, ignore_errors=True)
    if report is not None:
        if not report["ok"]:
            problems.append(f"the run failed: {report['error']}")
        elif not report["balanced"]:
            problems.append("the tonnes do not balance")
        elif not report["written"]:
            problems.append("no summary.json in the run directory")
    return report or {}, problems


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * 4096 / 2**20
    except (OSError, IndexError, ValueError):
        return 0.0


@dataclass
class Tally:
    cases: int = 0
    validated: int = 0
    refused: int = 0
    ran: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.cases} cases: {self.validated} validated, {self.refused} refused, {self.ran} ran with their "
                f"tonnes balanced; {len(self.failures)} failures")


def campaign(directory: Path, seed: int, indices, *, runs: int | None = None, progress=None) -> Tally:
    """Check cases `indices` of campaign `seed` in `directory` (a workspace); run at most `runs` of those that
    validate (all if None)."""
    tally = Tally()
    for index in indices:
        case = make_case(seed, index)
        path = write_case(directory, case)
        verdict, problems = check_validate(path)
        tally.cases += 1
        tally.validated += verdict == "ok"
        tally.refused += verdict == "refused"
        if verdict == "ok" and not problems and (runs is None or tally.ran < runs):
            _, problems = check_run(path, directory / f"out_{case.index}")
            tally.ran += not problems
        if problems:
            tally.failures.append(f"{case.describe()}: {'; '.join(problems)}")
        for name in case.files:
            (directory / name).unlink(missing_ok=True)
        if progress is not None:
            progress(tally, case, verdict, problems)
    return tally
