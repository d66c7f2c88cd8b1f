"""One error type for every way a scenario can be wrong."""

from __future__ import annotations


class ScenarioError(Exception):
    """A scenario that cannot be run: names the file, the field path and the problem."""

    def __init__(self, file: str, path: str, problem: str):
        self.file = file
        self.path = path
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.problem}"


def format_path(loc: tuple) -> str:
    """('nodes', 'dostyk', 'station', 'servers') -> 'nodes.dostyk.station.servers'; list indices as [i]."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
