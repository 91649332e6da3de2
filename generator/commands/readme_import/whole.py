"""Stage 4: the whole list. Every listing collected in its section and year group, a year settled
for each listing outside one, listings of the same paper merged, ids given; parse_readme runs the
four stages and returns the ImportResult.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.commands.ids import base_id, unique_id
from generator.commands.readme_import.listing import Listing, indent_unit_of, parse_listing
from generator.commands.readme_import.structure import list_info, paper_sections, section_level, section_owners
from generator.commands.readme_import.tokens import (
    Bullet,
    DetailsEnd,
    Heading,
    Notes,
    Token,
    YearMark,
    shorten,
    split_lines,
    tokenize,
)
from generator.errors import Problem
from generator.list.identifiers import arxiv_sort_key, normalize_title, slugify
from generator.model import FIELDS

_VENUE_YEAR = re.compile(r"\b((?:19|20)[0-9]{2})\b")


@dataclass
class ImportResult:
    """What a README holds, before anything is written."""

    info: dict[str, Any]  # the sections-file mapping: title, description, sections [{slug, title, description}]
    entries: list[dict[str, Any]]  # one per distinct paper, keys in FIELDS order, with "section"
    notes: list[Problem]  # every irregularity absorbed, as warnings at their source line
    listings: int  # paper listings seen, a paper listed twice counted twice
    skipped: list[Problem]  # bullets that are not paper listings (contents, resources, templates)


def _collect(
    tokens: list[Token],
    owners: list[Heading | None],
    slugs: dict[int, str],
    indent_unit: int,
    notes: Notes,
) -> tuple[list[Listing | None], list[Problem]]:
    """Every paper listing in the sections, in source order, and the bullets left out."""
    listings: list[Listing | None] = []
    skipped: list[Problem] = []
    year: YearMark | None = None
    nearest: Heading | None = None
    for token, owner in zip(tokens, owners, strict=True):
        if isinstance(token, Heading):
            nearest = token
            if year and (year.kind != "heading" or token.level <= year.level):
                year = None
        elif isinstance(token, YearMark):
            year = token
            _check_year_label(token, owner, slugs, notes)
        elif isinstance(token, DetailsEnd) and year and year.kind == "details":
            year = None
        elif isinstance(token, Bullet):
            where = f'under "{nearest.title}"' if nearest else "before the first heading"
            text = shorten(token.text)
            if owner is None or owner.line not in slugs:
                reason = f"bullet {where}, not in a paper section"
            elif token.in_page_link:
                reason = f"bullet {where} is an in-page link"
            elif not (year or token.looks_like_paper):
                reason = f"bullet {where}, outside a year group, has no [[paper]] link and no lines under it"
            else:
                listings.append(parse_listing(token, slugs[owner.line], year.year if year else None, indent_unit, notes))
                continue
            skipped.append(Problem(notes.source, token.line, f"{reason}; not imported: {text}", "warning"))
    return listings, skipped


def _check_year_label(mark: YearMark, owner: Heading | None, slugs: dict[int, str], notes: Notes) -> None:
    if mark.label and owner is not None and owner.line in slugs and slugify(mark.label) != slugs[owner.line]:
        notes(mark.line, f'year heading "{mark.text}" names another section than "{owner.title}"; its papers stay in "{owner.title}"')


def _settle_year(listing: Listing, notes: Notes) -> bool:
    """A listing outside any year group takes the year of its arXiv id, else of its venue."""
    if listing.year is not None:
        return True
    arxiv = listing.arxiv
    if arxiv and arxiv_sort_key(arxiv)[0]:
        listing.year = arxiv_sort_key(arxiv)[0]
        notes(listing.line, f"not under a year heading; year {listing.year} taken from the arXiv id {arxiv}")
        return True
    found = _VENUE_YEAR.search(listing.venue or "")
    if found:
        listing.year = int(found.group(1))
        notes(listing.line, f'not under a year heading; year {listing.year} taken from the venue "{listing.venue}"')
        return True
    notes(listing.line, "not under a year heading, and neither an arXiv id nor a venue gives a year; not imported (put it under a year heading)")
    return False


def _identity(listing: Listing) -> list[tuple[str, str]]:
    keys = []
    if listing.arxiv:
        keys.append(("arXiv", listing.arxiv))
    if listing.doi:
        keys.append(("DOI", listing.doi))
    if "paper" in listing.links:
        keys.append(("link", listing.links["paper"]))
    if normalize_title(listing.title):
        keys.append(("title", normalize_title(listing.title)))
    return keys


def _same_paper(first: Listing, other: Listing) -> bool:
    """A matching title is not enough when the arXiv ids say they are two papers."""
    return not (first.arxiv and other.arxiv and first.arxiv != other.arxiv)


def _merge(first: Listing, other: Listing, how: tuple[str, str], notes: Notes) -> None:
    """One entry for a paper listed twice: the first listing's fields, the second's additions."""
    done = []
    if other.section != first.section and other.section not in first.also_in:
        first.also_in.append(other.section)
        done.append(f"also_in {other.section}")
    new_words = [k for k in other.keywords if k not in first.keywords]
    if new_words:
        first.keywords += new_words
        done.append("key words combined")
    if other.digest and " ".join(other.digest.split()) != " ".join(first.digest.split()):
        first.digest = f"{first.digest}\n\n{other.digest}" if first.digest else other.digest
        done.append("digests combined")
    for label, url in other.links.items():
        if label not in first.links:
            first.links[label] = url
            done.append(f"{label} link added")
    if not first.authors and other.authors:
        first.authors, done = other.authors, [*done, "authors taken"]
    first.venue = first.venue or other.venue
    value = how[1] if how[0] != "title" else "the same title"
    what = f"{how[0]} {value}" if how[0] != "title" else value
    tail = f": {', '.join(done)}" if done else ""
    notes(other.line, f"same paper as line {first.line} ({what}); merged into one entry{tail}")


def _distinct(listings: list[Listing], notes: Notes) -> list[Listing]:
    papers: list[Listing] = []
    index: dict[tuple[str, str], Listing] = {}
    for listing in listings:
        keys = _identity(listing)
        match = next(((k, index[k]) for k in keys if k in index and _same_paper(index[k], listing)), None)
        if match:
            _merge(match[1], listing, match[0], notes)
            continue
        papers.append(listing)
        for key in keys:
            index.setdefault(key, listing)
    return papers


def _assign_ids(papers: list[Listing]) -> list[str]:
    ids: list[str] = []
    taken: set[str] = set()
    for paper in papers:
        assert paper.year is not None
        ids.append(unique_id(base_id(paper.title, paper.authors, paper.year), taken))
        taken.add(ids[-1])
    return ids


def _entry(paper: Listing, paper_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": paper_id,
        "title": paper.title,
        "authors": list(paper.authors),
        "venue": paper.venue,
        "year": paper.year,
        "arxiv": paper.arxiv,
        "doi": paper.doi,
        "links": dict(paper.links),
        "keywords": list(paper.keywords),
        "digest": paper.digest,
        "section": paper.section,
        "also_in": list(paper.also_in),
    }
    return {k: data[k] for k in FIELDS if k in data and data[k] not in (None, "", [], {})}


def parse_readme(text: str, source: str) -> ImportResult:
    """Read a README in the awesome-list entry format; nothing is written."""
    notes = Notes(source)
    tokens = tokenize(split_lines(text))
    owners = section_owners(tokens, section_level(tokens))
    info, slugs = list_info(tokens, paper_sections(tokens, owners), notes)
    found, skipped = _collect(tokens, owners, slugs, indent_unit_of(tokens), notes)
    dated = [listing for listing in found if listing is not None and _settle_year(listing, notes)]
    papers = _distinct(dated, notes)
    entries = [_entry(paper, paper_id) for paper, paper_id in zip(papers, _assign_ids(papers), strict=True)]
    used = {e["section"] for e in entries} | {s for e in entries for s in e.get("also_in", [])}
    info["sections"] = [s for s in info["sections"] if s["slug"] in used]
    by_line = sorted(notes.problems, key=lambda p: p.line)  # stable: notes on one line keep their order
    return ImportResult(info, entries, by_line, len(found), skipped)
