"""The core's parameters as the flags that set them: one table, for the messages of bad input.

The core names what was wrong in Python's terms (`workers=0: must be a whole number >= 1`,
`overrides 'x=1': …`, `min_gain=1.5: must be a fraction in [0, 1)`); a command passes each
error's `describe` these names instead, so that the line printed names what the user typed
(`--workers 0: …`, `--set 'x=1': …`, `--min-gain 150: must be a percentage in [0, 100)`).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from ..parameters import ParameterNames


def _as_percent(fraction) -> str:
    """A fraction given to the core, as the percentage the flag took."""
    if isinstance(fraction, (int, float)) and not isinstance(fraction, bool):
        return f"{fraction * 100:g}"
    return repr(fraction)


class Flag(NamedTuple):
    option: str
    shown: Callable[[object], str] = repr   # a value as it is written after the flag
    switch: bool = False                    # a flag without a value (--resume)
    rule: str | None = None                 # the rule in the flag's units, where they are not the parameter's


FLAGS = {
    "overrides": Flag("--set"),
    "vary": Flag("--vary"),
    "replications": Flag("--replications"),
    "seed": Flag("--seed"),
    "workers": Flag("--workers"),
    "executor": Flag("--executor"),
    "scheduler": Flag("--scheduler"),
    "run_timeout": Flag("--run-timeout"),
    "resume": Flag("--resume", switch=True),
    "out": Flag("--out", shown=str),
    "plot": Flag("--plot", shown=str),
    "excel": Flag("--excel", shown=str),
    "csv": Flag("--csv", shown=str),
    "min_gain": Flag("--min-gain", shown=_as_percent, rule="must be a percentage in [0, 100)"),
    "threshold": Flag("--fail-if"),
    "kpis": Flag("--kpi"),
    "top": Flag("--top"),
    "levers": Flag("--lever"),
}


class CommandLineNames(ParameterNames):
    """A parameter by its flag (a parameter no flag sets keeps its Python name)."""

    def parameter(self, name: str) -> str:
        flag = FLAGS.get(name)
        return name if flag is None else flag.option

    def setting(self, name: str, value) -> str:
        flag = FLAGS.get(name)
        if flag is None:
            return super().setting(name, value)
        return flag.option if flag.switch else f"{flag.option} {flag.shown(value)}"

    def rule(self, name: str, rule: str) -> str:
        flag = FLAGS.get(name)
        return rule if flag is None or flag.rule is None else flag.rule


COMMAND_LINE = CommandLineNames()
