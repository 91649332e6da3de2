"""Group and order the validated entries: the one place that decides what goes where."""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import groupby

from generator.list.aliases import canonical_authors
from generator.list.identifiers import arxiv_sort_key
from generator.model import Entry, ListInfo, Section


@dataclass(frozen=True)
class Catalog:
    info: ListInfo
    entries: tuple[Entry, ...]

    @property
    def sections(self) -> tuple[Section, ...]:
        return self.info.sections

    def in_section(self, slug: str) -> list[Entry]:
        """Papers listed in a section (their own or through also_in), newest first."""
        return [e for e in self.entries if slug in e.sections]  # entries are kept newest first

    def moved_from(self, slug: str) -> list[Entry]:
        """Papers that left a section (moved.yaml), so its old anchors can point to them."""
        ids = set(self.info.moved.get(slug, ()))
        return [e for e in self.entries if e.id in ids]

    def by_year(self, slug: str) -> list[tuple[int, list[Entry]]]:
        return group_by_year(self.in_section(slug))


def newest_first(entry: Entry) -> tuple[int, int, int, int, str]:
    """Sort key: year group, then date, else the month and sequence an arXiv id encodes.

    Papers with neither come last in their year, by title, so the order is always the same.
    """
    if entry.date:
        parts = [int(p) for p in entry.date.split("-")]
        year, month, day = parts[0], parts[1], parts[2] if len(parts) > 2 else 0
        sequence = arxiv_sort_key(entry.arxiv)[2] if entry.arxiv else 0
    elif entry.arxiv:
        (year, month, sequence), day = arxiv_sort_key(entry.arxiv), 0
    else:
        return (-entry.year, 1, 0, 0, entry.title.casefold())
    return (-entry.year, 0, -(year * 10000 + month * 100 + day), -sequence, entry.title.casefold())


def group_by_year(entries: list[Entry]) -> list[tuple[int, list[Entry]]]:
    """Consecutive runs of one year; `entries` must already be sorted newest first."""
    return [(year, list(group)) for year, group in groupby(entries, key=lambda e: e.year)]


def canonical_keywords(entry: Entry, info: ListInfo) -> Entry:
    """The entry with its key words spelled as the alias file says, each once."""
    keywords = tuple(dict.fromkeys(info.canonical(k) for k in entry.keywords))
    return entry if keywords == entry.keywords else replace(entry, keywords=keywords)


def canonical_names(entry: Entry, info: ListInfo) -> Entry:
    """The entry with its authors spelled as author-aliases.yaml says, each person once."""
    authors = canonical_authors(entry.authors, info.author_aliases)
    return entry if authors == entry.authors else replace(entry, authors=authors)


def build_catalog(info: ListInfo, entries: list[Entry]) -> Catalog:
    """The one place names and key words are resolved: every page, index and download reads the catalog."""
    entries = [canonical_names(canonical_keywords(e, info), info) for e in entries]
    return Catalog(info, tuple(sorted(entries, key=newest_first)))
