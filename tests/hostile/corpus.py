"""The hostile corpus: one file per attack in tests/hostile/cases/, its expected outcome in its header.

Header lines (the file's leading `#` comments; a UTF-16 case carries them in UTF-16):

    # hostile: CATEGORY             what kind of attack (the issue's list)
    # outcome: reject | inert       refused by `check` with exact messages, or built and shown as text
    # why: TEXT                     what the case tries
    # place: PATH                   where it goes in the list (default: memorization/<file name>)
    # expect: LINE: MESSAGE         reject: every error of `check`, in order, all in the placed file
    # shows: TEXT                   inert: text the paper's section page shows as text
    # shows-on: PAGE TEXT           inert: text another page shows (PAGE as in the site: `/`, `keywords/`)
    # data: JSON                    inert: what the paper's record in papers.json holds
    # gap: TEXT                     a known hole, not fixed yet: the case is expected to fail (xfail, strict)

Each case is placed into a copy of the small memorization list (tests/fixtures/memorization).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.list.source import LIST_FILES  # the list's own files (sections.yaml, ...), as the reader knows them

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
BASE_LIST = HERE.parent / "fixtures" / "memorization"


@dataclass
class Case:
    name: str
    raw: bytes
    hostile: str = ""
    outcome: str = ""
    why: str = ""
    place: str = ""
    expect: list[str] = field(default_factory=list)
    shows: list[tuple[str, str]] = field(default_factory=list)  # (page, text); page "" is the paper's section page
    data: dict[str, Any] | None = None
    gap: str = ""

    @property
    def list_file(self) -> bool:
        """A case that replaces one of the list's own files (sections.yaml, ...) rather than adding an entry."""
        return self.place in LIST_FILES

    @property
    def section(self) -> str:
        return self.place.split("/")[0] if "/" in self.place else ""

    @property
    def entry_id(self) -> str:
        return Path(self.place).stem


def _header_text(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")


def read_case(path: Path) -> Case:
    raw = path.read_bytes()
    case = Case(path.name, raw, place=f"memorization/{path.name}")
    for line in _header_text(raw).splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(": ")
        if key in ("hostile", "outcome", "why", "place", "gap"):
            setattr(case, key, value)
        elif key == "expect":
            case.expect.append(value)
        elif key == "shows":
            case.shows.append(("", value))
        elif key == "shows-on":
            page, _, text = value.partition(" ")
            case.shows.append((page.lstrip("/"), text))
        elif key == "data":
            case.data = json.loads(value)
    return case


def all_cases() -> list[Case]:
    return [read_case(p) for p in sorted(CASES.iterdir()) if p.is_file()]


def base_list(target: Path) -> Path:
    """A copy of the small list the cases go into."""
    shutil.copytree(BASE_LIST, target)
    return target


def place(case: Case, entries: Path) -> Path:
    path = entries / case.place
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(case.raw)
    return path


def list_with(cases: list[Case], target: Path) -> Path:
    """The small list plus `cases`, each at its place."""
    base_list(target)
    for case in cases:
        place(case, target)
    return target
