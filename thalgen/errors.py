"""The one exception type for bad input: it carries the offending path and the problem.

The CLI turns it into ``thalgen: error: <path>: <problem>`` and a non-zero exit.
"""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input that the user must fix (missing file, malformed record, wrong build...)."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self):
        # picklable, so an error raised in a worker process reaches the CLI intact
        return (InputError, (self.path, self.problem))
