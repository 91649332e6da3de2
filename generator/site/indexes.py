"""The ways into the list besides sections: key words, authors, years, recent additions.

Pure functions over the catalog; anchors are unique slugs so every index entry is a permalink.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from generator.list.catalog import Catalog, newest_first
from generator.list.identifiers import ascii_words, normalize_title, slugify, without_name_suffixes
from generator.model import Entry, Section


@dataclass(frozen=True)
class KeywordGroup:
    keyword: str
    anchor: str
    entries: tuple[Entry, ...]
    by_section: tuple[tuple[Section, tuple[Entry, ...]], ...]
    variants: tuple[str, ...]  # spellings that the alias file maps here: their anchors stay valid


@dataclass(frozen=True)
class Author:
    name: str
    anchor: str
    sort_key: tuple[str, str]
    entries: tuple[Entry, ...]

    @property
    def letter(self) -> str:
        first = self.sort_key[0][:1].upper()
        return first if first.isalpha() else "#"


def script_words(text: str) -> list[str]:
    """Lower-case words of any script (NFKC; letters, digits and their combining marks): a slug for
    a name whose ASCII words are none ("王小明", "Дмитрий"), so such names do not all share one anchor."""
    chars = (c if c.isalnum() or unicodedata.category(c).startswith("M") else " " for c in unicodedata.normalize("NFKC", text).casefold())
    return "".join(chars).split()


def unique_anchors(prefix: str, names: Iterable[str]) -> dict[str, str]:
    """A stable, unique anchor per name: `prefix-slug`, then `-2`, `-3` in the given order.

    Linear: each base remembers the next suffix to try, so a thousand names with one slug cost a
    thousand probes, not half a million. The anchors are those of probing from `-2` every time:
    a suffix passed over was taken then and is taken still."""
    anchors: dict[str, str] = {}
    used: set[str] = set()
    next_suffix: dict[str, int] = {}
    for name in names:
        base = f"{prefix}-{slugify(name) or '-'.join(script_words(name)) or 'x'}"
        anchor, n = base, next_suffix.get(base, 2)
        if anchor in used:
            while (anchor := f"{base}-{n}") in used:
                n += 1
            n += 1
        next_suffix[base] = n
        used.add(anchor)
        anchors[name] = anchor
    return anchors


def keyword_anchors(catalog: Catalog) -> dict[str, str]:
    """Anchor of every key word, canonical or alias (an alias shares its canonical's anchor
    on the index page through an extra anchor of its own)."""
    keywords = sorted({k for e in catalog.entries for k in e.keywords} | set(catalog.info.aliases), key=lambda k: (k.casefold(), k))
    return unique_anchors("kw", keywords)


def keyword_index(catalog: Catalog, anchors: dict[str, str] | None = None) -> list[KeywordGroup]:
    anchors = anchors or keyword_anchors(catalog)
    carriers: dict[str, list[Entry]] = defaultdict(list)
    for entry in catalog.entries:  # already newest first
        for keyword in entry.keywords:
            carriers[keyword].append(entry)
    variants: dict[str, list[str]] = defaultdict(list)
    for variant, canonical in catalog.info.aliases.items():
        variants[canonical].append(variant)
    groups = []
    for keyword in sorted(carriers, key=lambda k: (k.casefold(), k)):
        entries = carriers[keyword]
        by_section = tuple(
            (section, tuple(e for e in entries if e.section == section.slug))
            for section in catalog.sections
            if any(e.section == section.slug for e in entries)
        )
        groups.append(KeywordGroup(keyword, anchors[keyword], tuple(entries), by_section, tuple(sorted(variants[keyword]))))
    return groups


@lru_cache(maxsize=1 << 16)  # kept: a rebuild under `mkdocs serve` asks again for every author
def family_sort_key(name: str) -> tuple[str, str]:
    """Family name first (the last word, skipping suffixes like Jr.), then the whole name."""
    words = without_name_suffixes(ascii_words(name))
    family = words[-1] if words else name.casefold()
    return (family, " ".join(words))


def author_index(catalog: Catalog) -> list[Author]:
    """Every author with their papers. The catalog already spells each person as author-aliases.yaml
    says; spellings that still differ only by case or accents are one author too."""
    papers: dict[str, dict[str, Entry]] = defaultdict(dict)  # author key -> paper id -> paper, in order
    spellings: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entry in catalog.entries:
        for name in dict.fromkeys(entry.authors):
            key = normalize_title(name)
            papers[key].setdefault(entry.id, entry)
            spellings[key][name] += 1
    names = {key: max(counts, key=lambda n: (counts[n], n)) for key, counts in spellings.items()}
    order = sorted(names, key=lambda key: (family_sort_key(names[key]), names[key]))
    anchors = unique_anchors("au", (names[key] for key in order))
    return [Author(names[key], anchors[names[key]], family_sort_key(names[key]), tuple(papers[key].values())) for key in order]


def author_anchors(authors: list[Author]) -> dict[str, str]:
    """Anchor of each author key (normalized name), for links from a paper's byline."""
    return {normalize_title(a.name): a.anchor for a in authors}


def by_letter(authors: list[Author]) -> list[tuple[str, list[Author]]]:
    letters: dict[str, list[Author]] = defaultdict(list)
    for author in authors:
        letters[author.letter].append(author)
    return sorted(letters.items(), key=lambda item: (item[0] == "#", item[0]))


def year_index(catalog: Catalog) -> list[tuple[int, list[Entry]]]:
    """Every paper once, by year across sections, newest first."""
    years: dict[int, list[Entry]] = defaultdict(list)
    for entry in catalog.entries:
        years[entry.year].append(entry)
    return sorted(years.items(), reverse=True)


def added_on(entry: Entry, catalog: Catalog) -> str:
    """When a paper joined the list: its `added`, else the day the original list was imported."""
    return entry.added or catalog.info.imported


def recent_additions(catalog: Catalog, count: int) -> list[Entry]:
    """The `count` latest additions, newest addition first, then newest paper first."""
    by_paper = sorted(catalog.entries, key=newest_first)
    return sorted(by_paper, key=lambda e: added_on(e, catalog), reverse=True)[:count]


def additions_by_day(catalog: Catalog, count: int) -> list[tuple[str, list[Entry]]]:
    """The latest additions grouped by the day they joined, latest day first."""
    days: dict[str, list[Entry]] = {}
    for entry in recent_additions(catalog, count):
        days.setdefault(added_on(entry, catalog), []).append(entry)
    return list(days.items())


def short_authors(authors: tuple[str, ...], limit: int = 3) -> str:
    if len(authors) <= limit:
        return ", ".join(authors)
    return f"{', '.join(authors[:limit])} et al."


def section_counts_by_year(catalog: Catalog) -> tuple[list[int], dict[str, dict[int, int]]]:
    """Years (oldest first) and, per section, papers listed there per year (also_in included)."""
    counts: dict[str, dict[int, int]] = {s.slug: defaultdict(int) for s in catalog.sections}
    for entry in catalog.entries:
        for slug in entry.sections:
            counts[slug][entry.year] += 1
    years = sorted({e.year for e in catalog.entries})
    return years, {slug: dict(per_year) for slug, per_year in counts.items()}


def top_keywords(groups: list[KeywordGroup], count: int) -> list[KeywordGroup]:
    return sorted(groups, key=lambda g: (-len(g.entries), g.keyword.casefold()))[:count]
