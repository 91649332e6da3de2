"""Problems as GitHub workflow commands, so a pull request shows each one on its file and line.

`::error file=PATH,line=N::MESSAGE` (or `::warning`), escaped as GitHub's workflow-command docs
require: in the message `%`, CR and LF; in a property also `:` and `,`.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.errors import Problem


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    """One problem as a workflow command; a whole-file problem (line 0) names no line."""
    properties = [f"file={escape_property(problem.path)}"]
    if problem.line > 0:
        properties.append(f"line={problem.line}")
    kind = "error" if problem.severity == "error" else "warning"
    return f"::{kind} {','.join(properties)}::{escape_data(problem.message)}"


def as_annotations(problems: Iterable[Problem]) -> list[str]:
    return [annotation(p) for p in sorted(problems)]
