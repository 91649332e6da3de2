"""The typed data model: what a validated entry and a list's sections are."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Pages the site generates besides the section pages: no section may take these slugs.
RESERVED_SLUGS = frozenset({"index", "keywords", "authors", "years", "explorer", "whats-new", "stats", "assets", "search", "contributing"})

DRAFT_MARK = "DRAFT: "  # how `python -m generator new` marks a digest drafted from the abstract

# The field names, in the canonical order of an entry file and of `dump`.
FIELDS = (
    "id", "title", "authors", "venue", "year", "date", "arxiv", "doi",
    "links", "keywords", "digest", "section", "also_in", "distinct_from", "added",
)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    year: int
    section: str
    path: str
    authors: tuple[str, ...] = ()
    venue: str | None = None
    date: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    keywords: tuple[str, ...] = ()
    digest: str = ""
    also_in: tuple[str, ...] = ()
    # ids of listed papers whose titles are (nearly) this one's but that are other papers
    distinct_from: tuple[str, ...] = ()
    added: str | None = None
    # line of each field and item in its file ('title', 'keywords[2]', 'links.code'), for messages
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def link(self, label: str) -> str | None:
        return dict(self.links).get(label)

    @property
    def sections(self) -> tuple[str, ...]:
        """Every section that lists the paper, its own first."""
        return (self.section, *self.also_in)

    def line(self, name: str) -> int:
        return self.lines.get(name, 1)

    def to_dict(self) -> dict[str, Any]:
        """The entry with the guide's field names; empty optional fields left out."""
        data: dict[str, Any] = {}
        for name in FIELDS:
            value = getattr(self, name)
            if name == "links":
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            if value in (None, "", [], {}) and name not in ("id", "title", "year", "section"):
                continue
            data[name] = value
        return data


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    description: str


@dataclass(frozen=True)
class ListInfo:
    """The list as a whole: its name, introduction, credits and ordered sections."""

    title: str
    sections: tuple[Section, ...]
    description: str = ""
    credits: str = ""
    # the day the list was first imported: when papers without `added` joined it
    imported: str = ""
    # key word spelling variant -> the canonical key word (keyword-aliases.yaml)
    aliases: Mapping[str, str] = field(default_factory=dict)
    # section slug -> ids of papers moved out of it, whose old permalinks must still work (moved.yaml)
    moved: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def canonical(self, keyword: str) -> str:
        return self.aliases.get(keyword, keyword)

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)
