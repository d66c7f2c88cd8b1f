"""One error type for every way a scenario can be wrong."""

from __future__ import annotations

from ..parameters import PYTHON, ParameterNames


class ScenarioError(Exception):
    """A scenario that cannot be run: names the file, the field path and the problem.

    When the fault is not in the file but in what was laid over it, the error carries that as
    data: `override`, the `path=value` text of the override at fault (an item of `overrides`),
    and `grid_point`, the `path=value` settings of the sweep's grid point whose scenario is
    wrong. `describe` names them by the caller's words: `overrides 'x=1'` from Python,
    `--set 'x=1'` on the command line.
    """

    def __init__(self, file: str, path: str, problem: str, *, override: str | None = None,
                 grid_point: tuple[str, ...] = ()):
        self.file = file
        self.path = path
        self.problem = problem
        self.override = override
        self.grid_point = tuple(grid_point)
        super().__init__(str(self))

    def describe(self, names: ParameterNames = PYTHON) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        fault = "" if self.override is None else f"{names.parameter('overrides')} {self.override!r}: "
        point = f" (in {names.parameter('vary')} {', '.join(self.grid_point)})" if self.grid_point else ""
        return f"{where}: {fault}{self.problem}{point}"

    def __str__(self) -> str:
        return self.describe()


def format_path(loc: tuple) -> str:
    """('nodes', 'dostyk', 'station', 'servers') -> 'nodes.dostyk.station.servers'; list indices as [i]."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
