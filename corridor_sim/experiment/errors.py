"""Bad input to an experiment (a malformed option, a directory that cannot be used)."""

from __future__ import annotations


class ExperimentError(ValueError):
    """Raised before anything runs or is written; the CLI prints it as one line and exits with 2."""


class ExperimentInterrupted(KeyboardInterrupt):
    """Ctrl-C during an experiment: the runs that finished are kept in `out` (continue with resume=True)."""

    def __init__(self, finished: int, total: int, out):
        self.finished = finished
        self.total = total
        self.out = out
        kept = f" and kept in {out}" if out is not None and finished else ""
        super().__init__(f"interrupted: {finished} of {total} runs finished{kept}")
