"""Reading scenario files: YAML, `extends:` families, overrides (`path=value`), validation.

Everything that can go wrong with a user's file surfaces here as one
`ScenarioError` naming the file, the field path and the problem.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from pydantic import ValidationError

from .economics import economics_problems
from .errors import ScenarioError, format_path
from .market_checks import market_problems
from .network import check_network
from .schema import Scenario


class SafeLoader(yaml.SafeLoader):
    """The one YAML loader of scenario text (files, overrides, swept values).

    yaml.SafeLoader (no Python object tags, ever), except that an impossible
    date such as 2024-02-30 stays a string, for the schema to reject with its
    field path instead of a ValueError escaping from the YAML parser."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


    def construct_mapping(self, node, deep=False):
        # A key given twice is a typo (two links with one id), not "the last one wins".
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: let the base class report it
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key '{key}' appears twice in one mapping", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", SafeLoader.construct_yaml_timestamp)

_YAML_TYPE = {"str": "text", "int": "number", "float": "number", "bool": "true/false", "list": "list"}


# A scenario with its parents is at most this much text: the 2024 baseline is 50 KB, and the YAML parser
# reads about 0.25 MB a second (a device such as /dev/zero, or a log file named by mistake, is never read
# to its end).
MAX_SCENARIO_BYTES = 2**20
# Files in one chain of `extends` (the shipped studies use 2).
MAX_EXTENDS = 16


def _read_mapping(path: Path, shown: str, budget: int) -> tuple[dict, int]:
    """The mapping in one scenario file and its size, reading at most `budget` bytes of it."""
    try:
        if not path.exists():
            raise ScenarioError(shown, "", "file not found")
        if path.is_dir():
            raise ScenarioError(shown, "", "is a directory, not a scenario file")
        with path.open("rb") as f:
            raw = f.read(budget + 1)
    except OSError as exc:
        raise ScenarioError(shown, "", f"cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:   # a path with a NUL byte in it
        raise ScenarioError(shown, "", f"not a usable file name ({exc})") from None
    if len(raw) > budget:
        whole = "" if budget == MAX_SCENARIO_BYTES else " (with the files that extend it)"
        raise ScenarioError(shown, "", f"more than {MAX_SCENARIO_BYTES // 2**20} MiB of text{whole}: not a "
                                       "scenario file (the shipped ones are at most 50 KB)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(shown, f"line {line}", "not UTF-8 text (save the file as UTF-8)") from None
    try:
        data = yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(shown, where, f"YAML syntax error: {problem}") from None
    except RecursionError:
        raise ScenarioError(shown, "", "YAML nested too deeply") from None
    if data is None:
        raise ScenarioError(shown, "", "the file is empty")
    if not isinstance(data, dict):
        kind = _YAML_TYPE.get(type(data).__name__, type(data).__name__)
        raise ScenarioError(shown, "", f"the top level must be a mapping of fields (name: value), not a {kind}")
    return data, len(raw)


def merge(parent: dict, child: dict) -> dict:
    """Child overrides parent; mappings merge key by key, lists and scalars are replaced.

    A child value of `null` removes the key (e.g. drop a link in a study scenario).
    """
    out = copy.deepcopy(parent)
    for key, value in child.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


class Family(NamedTuple):
    """A scenario file and the parents it extends, the file the user named first: each as it was written
    (shown as the path it was reached by) and its mapping without `extends`."""

    files: tuple[str, ...]
    data: tuple[dict, ...]

    def merged(self) -> dict:
        """The scenario as one mapping: each file laid over the one it extends."""
        out: dict = {}
        for data in reversed(self.data):
            out = merge(out, data)
        return out

    def blame(self, exc: ScenarioError, overrides: list[str] = ()) -> ScenarioError:
        """`exc`, a value found wrong in the merged scenario, moved to the parent file that wrote it (the one
        holding the longest part of its path), unless the user's file or an override wrote it.

        Only a value wrong in itself (a type, a range: `exc.keys` known) is moved: a cross-check between
        fields (a route that finds no vessel for its cargo) stays with the file the user named."""
        keys = exc.keys
        if not keys or len(self.files) == 1 or any(_overlaps(keys, _override_keys(o)) for o in overrides):
            return exc
        depths = [_depth(data, keys) for data in self.data]
        best = max(range(len(depths)), key=lambda i: (depths[i], -i))
        if best == 0 or depths[best] == 0:
            return exc
        return ScenarioError(self.files[best], exc.path, exc.problem, override=exc.override,
                             grid_point=exc.grid_point, reached_from=self.files[:best], keys=keys)


def read_family(path: str | Path) -> Family:
    """The file at `path` and its parents through `extends`: every file read once, at most MAX_EXTENDS of
    them and MAX_SCENARIO_BYTES in all. A fault in a parent names the parent, reached from the user's file."""
    path = Path(path)
    files: list[str] = []
    datas: list[dict] = []
    seen: list[Path] = []
    budget = MAX_SCENARIO_BYTES
    while True:
        shown = str(path)
        try:
            data, size = _read_mapping(path, shown, budget)
        except ScenarioError as exc:
            raise exc.through(tuple(files)) if files else exc from None
        budget -= size
        files.append(shown)
        datas.append(data)
        seen.append(path.resolve())
        parent_ref = data.pop("extends", None)
        if parent_ref is None:
            return Family(tuple(files), tuple(datas))
        path = _parent(path, parent_ref, seen, files)


def _parent(path: Path, ref, seen: list[Path], files: list[str]) -> Path:
    """The parent a file's `extends: ref` names; refused if it is not a file, closes a cycle, or makes the
    chain too long (the fault of the chain, so the user's file is named)."""
    def fault(problem: str) -> ScenarioError:
        exc = ScenarioError(files[-1], "extends", problem)
        return exc.through(tuple(files[:-1])) if len(files) > 1 else exc

    if not isinstance(ref, str) or not ref:
        raise fault("must be the path of a scenario file")
    parent = path.parent / ref
    try:
        found, resolved = parent.is_file() or parent.exists(), parent.resolve()
    except (OSError, ValueError, RuntimeError) as exc:    # a NUL byte, a name too long, a symlink loop
        raise fault(f"not a usable path ({exc})") from None
    if not found:
        raise fault(f"parent scenario not found: {parent}")
    if resolved in seen:
        cycle = " -> ".join(str(p) for p in (*seen, resolved))
        raise ScenarioError(files[0], "extends", f"cycle of extends: {cycle}")
    if len(files) >= MAX_EXTENDS:
        raise ScenarioError(files[0], "extends", f"a chain of more than {MAX_EXTENDS} files, each extending the "
                            f"next ({files[0]} -> {files[1]} -> … -> {files[-1]} -> {parent} …): make it shorter")
    return parent


def load_raw(path: str | Path) -> dict:
    """The scenario as a plain mapping with `extends:` resolved (the key itself removed)."""
    return read_family(path).merged()


def _override_keys(text: str) -> tuple:
    return tuple(text.partition("=")[0].strip().split("."))


def _overlaps(a: tuple, b: tuple) -> bool:
    """Whether one path lies within the other."""
    n = min(len(a), len(b))
    return n > 0 and a[:n] == b[:n]


def _depth(data, keys: tuple) -> int:
    """How many of `keys`, from the first, `data` holds."""
    n = 0
    for key in keys:
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            break
        n += 1
    return n


def parse_override(text: str) -> tuple[list[str], Any]:
    """'nodes.dostyk.station.servers=4' -> (['nodes', 'dostyk', 'station', 'servers'], 4).

    The value is read as one YAML scalar (or flow list): parsed, never evaluated. A text that is
    not an override raises ValueError with the problem (the caller knows which text it was).
    """
    if "=" not in text:
        raise ValueError("it is not path.to.field=value")
    key, _, raw = text.partition("=")
    parts = [p for p in key.strip().split(".")]
    if not key.strip() or any(not p for p in parts):
        raise ValueError("empty field name in the path")
    try:
        value = yaml.load(raw, Loader=SafeLoader) if raw.strip() else ""
    except (yaml.YAMLError, RecursionError):
        value = raw
    return parts, value


_COLLECTIONS = {"nodes": "node", "links": "link", "fleets": "fleet", "flows": "flow"}


def apply_overrides(data: dict, overrides: list[str], shown: str) -> dict:
    """`data` with each `path=value` of `overrides` laid over it; a bad one is a ScenarioError
    that carries it as its `override`."""
    data = copy.deepcopy(data)
    for text in overrides:
        try:
            parts, value = parse_override(text)
        except ValueError as exc:
            raise ScenarioError(shown, "", str(exc), override=text) from None
        collection = data.get(parts[0]) if parts[0] in _COLLECTIONS else None
        if isinstance(collection, dict) and len(parts) > 2 and parts[1] not in collection:
            raise ScenarioError(shown, ".".join(parts[:2]), f"no {_COLLECTIONS[parts[0]]} '{parts[1]}' in the scenario",
                                override=text)
        node: Any = data
        for depth, part in enumerate(parts[:-1]):
            if not isinstance(node, dict):
                raise ScenarioError(shown, ".".join(parts[:depth]), "not a mapping of fields", override=text)
            if part not in node:
                # A field left at its default: create it; validation names a wrong path.
                node[part] = {}
            node = node[part]
        if not isinstance(node, dict):
            raise ScenarioError(shown, ".".join(parts[:-1]), "not a mapping of fields", override=text)
        if value is None:  # as in `extends`: null removes the field (a flow, a link, a weather spec)
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return data


def validate(data: dict, shown: str) -> Scenario:
    """Typed validation, then the cross-checks between nodes, links, fleets and flows."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        errors = _relevant(data, exc.errors())
        err = errors[0]
        loc = _user_path(data, err["loc"], keep_last=err["type"] == "missing")
        loc, msg = _plain(err, loc)
        more = len(errors) - 1
        if more:
            msg += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ScenarioError(shown, format_path(loc), msg, keys=loc) from None
    problems = (check_network(scenario) or economics_problems(scenario)   # prices need the routes: a sound network
                or market_problems(scenario))
    if problems:
        path, msg = problems[0]
        if len(problems) > 1:
            msg += f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})"
        raise ScenarioError(shown, path, msg)
    return scenario


def _plain(err: dict, loc: tuple) -> tuple[tuple, str]:
    """pydantic's message in the words of a scenario file."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "extra_forbidden":
        return loc, "unknown field"
    if kind == "missing":
        return loc, "required field is missing"
    if kind == "union_tag_not_found":
        return (*loc, ctx.get("discriminator", "").strip("'")), "required field is missing"
    if kind == "union_tag_invalid":
        return (*loc, ctx.get("discriminator", "").strip("'")), (
            f"{ctx.get('tag')!r} is not one of {ctx.get('expected_tags')}")
    if kind == "string_pattern_mismatch":
        return loc, "an id may hold only letters, digits, '_' and '-', and must not start with '-'"
    if kind == "too_short" and isinstance(err.get("input"), dict):
        return loc, "must not be empty"
    if kind == "bool_type" or kind.endswith("_type") and isinstance(err.get("input"), bool):
        return loc, "expected a number, not true/false"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return loc, msg


def _relevant(data: Any, errors: list) -> list:
    """The errors worth reporting.

    A value that fails a union (a duration is a number or a distribution) gets one
    error per member; a member the value plainly was not written for reports only a
    type mismatch ('Input should be a valid number' for a mapping). Drop those when
    another member of the same union has something to say.
    """

    def tags(err: dict) -> list[int]:
        node, out = data, []  # indices of the location parts absent from the input: union members' tags
        for i, part in enumerate(err["loc"]):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                out.append(i)
        return out

    def wrong_member(err: dict) -> bool:
        loc = err["loc"]
        return err["type"].endswith("_type") and any(
            other["loc"][:i] == loc[:i] and len(other["loc"]) > i and other["loc"][i] != loc[i]
            for i in tags(err)
            for other in errors
        )

    return [e for e in errors if not wrong_member(e)] or errors


def _user_path(data: Any, loc: tuple, keep_last: bool) -> tuple:
    """The error location as the user wrote it.

    pydantic puts the chosen member of a union ('rail', 'exponential', 'float',
    'function-after[...]') into error locations; users never wrote those. Walk the
    input along the location and keep only the keys that are really there.
    """
    out = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif last and keep_last:
            out.append(part)
    return tuple(out)


def load_scenario(path: str | Path, overrides: list[str] | None = None) -> tuple[Scenario, dict]:
    """Load, resolve and validate a scenario file. Returns the typed scenario and the resolved mapping."""
    shown = str(path)
    family = read_family(path)
    data = apply_overrides(family.merged(), overrides or [], shown)
    try:
        return validate(data, shown), data
    except ScenarioError as exc:
        raise family.blame(exc, overrides or []) from None
