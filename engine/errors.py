"""Errors the user can act on: bad input named by file, row and column; cancellation."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One defect in an input: where it is and what is wrong (CASE_FORMAT.md §2)."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return f"{', '.join(parts)}: {self.message}"


class InputError(Exception):
    """Bad input the user must fix; carries every problem found (up to a cap)."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems: list[Problem] = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str, row: int | None, column: str | None, message: str) -> "InputError":
        """Shorthand for an error with one problem."""
        return cls(Problem(file, row, column, message))


class CaseFileError(Exception):
    """A case file that cannot be opened: not a case, newer schema, damaged."""


class Cancelled(Exception):
    """Raised by Reporter.check() when the user cancelled the running task."""


class UsageError(Exception):
    """A request that cannot be met as asked (unknown event id, empty reference period)."""


class SchedulerError(Exception):
    """The Dask scheduler given cannot be used (unreachable, no workers, another version)."""
