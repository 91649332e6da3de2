"""Problems found in list data: data, not exceptions, until the edge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at one line (1-based; 0 when the whole file is meant)."""

    path: str
    line: int
    message: str
    severity: Severity = "error"
    # other files the problem is about (the first copy of a duplicate): `check FILE` shows it for them too
    related: tuple[str, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


class ListError(Exception):
    """Raised once, at the edge, when a list has errors; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return errors_in(self.problems)
