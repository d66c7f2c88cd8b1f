"""One error type for every way a scenario can be wrong."""

from __future__ import annotations

from ..messages import one_line
from ..parameters import PYTHON, ParameterNames


class ScenarioError(Exception):
    """A scenario that cannot be run: names the file, the field path and the problem.

    When the fault is not in the file but in what was laid over it, the error carries that as
    data: `override`, the `path=value` text of the override at fault (an item of `overrides`),
    and `grid_point`, the `path=value` settings of the sweep's grid point whose scenario is
    wrong. `describe` names them by the caller's words: `overrides 'x=1'` from Python,
    `--set 'x=1'` on the command line. When the fault is in a parent file, `file` is that
    file and `reached_from` the chain of `extends` that led to it from the file the user
    named, so the message says where to look and why that file was read at all.

    The message is one line whatever the file names and ids hold: a newline or another
    control character in them is written as an escape (`\\n`). `keys` is the field path as the
    keys that lead to the field, where they are known (an id may hold a dot the path cannot show).
    """

    def __init__(self, file: str, path: str, problem: str, *, override: str | None = None,
                 grid_point: tuple[str, ...] = (), reached_from: tuple[str, ...] = (), keys: tuple = ()):
        self.file = file
        self.path = path
        self.keys = tuple(keys)
        self.problem = problem
        self.override = override
        self.grid_point = tuple(grid_point)
        self.reached_from = tuple(reached_from)
        super().__init__(str(self))

    def through(self, files: tuple[str, ...]) -> "ScenarioError":
        """The same error, found in a parent reached through `extends` from `files` (the user's file first)."""
        return ScenarioError(self.file, self.path, self.problem, override=self.override, grid_point=self.grid_point,
                             reached_from=(*files, *self.reached_from), keys=self.keys)

    def describe(self, names: ParameterNames = PYTHON) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        fault = "" if self.override is None else f"{names.parameter('overrides')} {self.override!r}: "
        via = f" (reached through extends from {' -> '.join(self.reached_from)})" if self.reached_from else ""
        point = f" (in {names.parameter('vary')} {', '.join(self.grid_point)})" if self.grid_point else ""
        return one_line(f"{where}: {fault}{self.problem}{via}{point}")

    def __str__(self) -> str:
        return self.describe()


def format_path(loc: tuple) -> str:
    """('nodes', 'dostyk', 'station', 'servers') -> 'nodes.dostyk.station.servers'; list indices as [i].

    A key of more than 60 characters is cut short (`nodes.aaaaaaaa…`): the message names the field, it
    does not repeat a page of text."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        text = str(part)
        out += ("." if out else "") + (text if len(text) <= 60 else text[:50] + "…")
    return out
