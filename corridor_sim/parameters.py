"""How an error names the parameter at fault: in Python's terms here, by its flag on the command line.

The core's errors that name what the caller set (`ScenarioError`, `ExperimentError`,
`RunTimedOut`) keep the parameter and the value given to it as data, and write their message
through a `ParameterNames`. This one names them as the Python call was written (`workers=0`,
`overrides 'x=1'`, `run_timeout`); the command line's (`corridor_sim/cli/flags.py`) names the
flags that set them (`--workers 0`, `--set 'x=1'`, `--run-timeout`). So the core never knows
a flag, and no face rewrites a message.
"""

from __future__ import annotations

import os
from typing import NamedTuple


class ParameterNames:
    """The names of a Python call's parameters, as its caller wrote them."""

    def parameter(self, name: str) -> str:
        """The parameter itself: `run_timeout`."""
        return name

    def setting(self, name: str, value) -> str:
        """The parameter with the value given to it: `workers=0`, `out='runs/a'`."""
        return f"{name}={shown(value)}"

    def rule(self, name: str, rule: str) -> str:
        """A rule the value broke, stated in the units of the parameter (`must be a fraction in [0, 1)`)."""
        return rule


class Remedy(NamedTuple):
    """The setting that would put the input right, with the advice around it:
    `an unfinished experiment: finish it with` resume=True."""

    advice: str
    parameter: str
    value: object

    def describe(self, names: ParameterNames) -> str:
        return f"{self.advice} {names.setting(self.parameter, self.value)}"


def shown(value) -> str:
    """A value as Python writes it (a path as the string it was given as, not `PosixPath(...)`)."""
    return repr(os.fspath(value)) if isinstance(value, os.PathLike) else repr(value)


PYTHON = ParameterNames()
