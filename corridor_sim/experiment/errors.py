"""Bad input to an experiment (a malformed option, a directory that cannot be used)."""

from __future__ import annotations

from ..parameters import PYTHON, ParameterNames, Remedy

_NOT_GIVEN = object()


class ExperimentError(ValueError):
    """Raised before anything runs or is written; the CLI prints it as one line and exits with 2.

    It keeps the parameter at fault and the value given to it as data, and says what is wrong
    in the parameter's terms:

    - a value:       `workers=0: must be a whole number >= 1`
    - no value:      `run_timeout works in process and with the local process pool, not with Dask`
                     (the problem goes on from the parameter's name)
    - no parameter:  `runs/a: no such directory`

    `describe(names)` writes the same message with a face's names for the parameters (the
    command line's flags, in their units); `str()` is Python's.
    """

    def __init__(self, parameter: str | None, problem: str, *, value=_NOT_GIVEN, remedy: Remedy | None = None):
        self.parameter = parameter
        self.problem = problem
        self.value = value
        self.remedy = remedy
        super().__init__(str(self))

    @property
    def has_value(self) -> bool:
        return self.value is not _NOT_GIVEN

    def describe(self, names: ParameterNames = PYTHON) -> str:
        if self.parameter is None:
            text = self.problem
        elif self.has_value:
            text = f"{names.setting(self.parameter, self.value)}: {names.rule(self.parameter, self.problem)}"
        else:
            text = f"{names.parameter(self.parameter)} {names.rule(self.parameter, self.problem)}"
        if self.remedy is not None:
            text += f" ({self.remedy.describe(names)})"
        return text

    def __str__(self) -> str:
        return self.describe()


class ExperimentInterrupted(KeyboardInterrupt):
    """Ctrl-C during an experiment: the runs that finished are kept in `out` (continue with resume=True)."""

    def __init__(self, finished: int, total: int, out):
        self.finished = finished
        self.total = total
        self.out = out
        kept = f" and kept in {out}" if out is not None and finished else ""
        super().__init__(f"interrupted: {finished} of {total} runs finished{kept}")
