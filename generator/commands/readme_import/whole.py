"""Stage 4: the whole list. Every listing collected in its section and year group (headings, bold
lines or `<details>` blocks, ranges such as "2019 and Before" included), a year settled for each
listing outside one, listings of the same paper merged (the same arXiv id, DOI, link or title, or
nearly the same title by the same first author), two papers with one title told apart in
`distinct_from`, ids given; parse_readme runs the four stages and returns the ImportResult.

A listing that cannot become an entry is never dropped silently: it is an error of the import
(ImportResult.unimportable), which the user fixes in the README or skips on purpose.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from generator.commands.ids import base_id, unique_id
from generator.commands.readme_import.links import PAPER_LABEL
from generator.commands.readme_import.listing import Listing, indent_unit_of, parse_listing
from generator.commands.readme_import.structure import list_info, paper_sections, section_level, section_owners
from generator.commands.readme_import.tokens import (
    Bullet,
    DetailsEnd,
    Group,
    Heading,
    Notes,
    Paragraph,
    Token,
    YearMark,
    prose,
    shorten,
    split_lines,
    tokenize,
)
from generator.errors import Problem
from generator.list.duplicates import near_title_clusters, told_apart
from generator.list.identifiers import arxiv_from_url, arxiv_sort_key, doi_from_url, normalize_doi, normalize_title, slugify
from generator.model import FIELDS

_VENUE_YEAR = re.compile(r"\b((?:19|20)[0-9]{2})\b")
_DIGEST_GROUPS = frozenset({"digest", "abstract", "summary", "tl;dr", "tldr"})
_VERSION_YEARS = 1  # a preprint and its publication are a year apart at most


@dataclass
class ImportResult:
    """What a README holds, before anything is written."""

    info: dict[str, Any]  # the sections-file mapping: title, description, sections [{slug, title, description}]
    entries: list[dict[str, Any]]  # one per distinct paper, keys in FIELDS order, with "section"
    notes: list[Problem]  # every irregularity absorbed, as warnings at their source line
    listings: int  # paper listings seen, a paper listed twice counted twice, the unimportable ones too
    skipped: list[Problem]  # bullets that are not paper listings (contents, resources, templates)
    unimportable: list[Problem] = field(default_factory=list)  # listings that cannot become entries: errors
    lines: list[int] = field(default_factory=list)  # the source line of each entry's (first) listing
    failing: list[Problem] = field(default_factory=list)  # what `check` still refuses in the written files, at their listings
    written: list[str] = field(default_factory=list)  # sections.yaml and the entry files, once written
    source: str = ""  # the README read


def _is_details(mark: YearMark | Group) -> bool:
    return isinstance(mark, Group) or mark.kind == "details"


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
    marks: list[YearMark | Group] = []  # year groups and other <details> groups open here, innermost last
    nearest: Heading | None = None
    usual = Counter(t.indent for t in tokens if isinstance(t, Bullet) and not t.fenced and t.inside is None).most_common(1)
    margin = usual[0][0] if usual else 0

    def in_papers(owner: Heading | None) -> bool:
        return owner is not None and owner.line in slugs

    def close_all(at: str, owner: Heading | None) -> None:
        """A new section ends every group; on GitHub, a group left open would hold the next section too."""
        for mark in marks:
            if _is_details(mark) and in_papers(owner):
                notes(mark.line, f'<details> group "{_name(mark)}" is not closed before {at}; closed there (add "</details>")')
        marks.clear()

    previous_owner: Heading | None = None
    in_list = False  # past the section's introduction: a year mark or a listing came
    for token, owner in zip(tokens, owners, strict=True):
        if isinstance(token, Heading):
            nearest = token
            if owner is token or owner is None:  # a new section, or none: every group ends here
                close_all(f'the heading "{token.title}"', previous_owner)
                in_list = False
            else:
                marks[:] = [m for m in marks if not _ended_by(m, token)]
        elif isinstance(token, YearMark):
            in_list = True
            _check_year_label(token, owner, slugs, notes)
            if token.kind != "details":
                marks[:] = [m for m in marks if not _ended_by(m, token)]
            outer = next((m for m in reversed(marks) if isinstance(m, YearMark) and m.kind == "details"), None)
            if token.kind == "details" and outer is not None and in_papers(owner):
                notes(token.line, f'year group "{token.name}" opens inside the year group "{outer.name}" (line {outer.line}), '
                                  'which has no "</details>" before it; its papers are filed under the inner one')
            marks.append(token)
        elif isinstance(token, Group):
            if in_papers(owner):
                _check_group(token, any(isinstance(m, YearMark) for m in marks), notes)
            marks.append(token)
        elif isinstance(token, DetailsEnd):
            opened = [i for i, m in enumerate(marks) if _is_details(m)]
            if opened:
                del marks[opened[-1]:]
            elif in_papers(owner):
                notes(token.line, '"</details>" closes no <details> group; ignored')
        elif isinstance(token, Paragraph):
            text = prose(token)
            if text and in_list and in_papers(owner):
                notes(token.line, f'text among the listings is not part of a listing; not imported: "{shorten(text)}"')
        elif isinstance(token, Bullet):
            year = next((m for m in reversed(marks) if isinstance(m, YearMark)), None)
            where = f'under "{nearest.title}"' if nearest else "before the first heading"
            text = shorten(token.text)
            if token.fenced:
                reason = f"bullet {where} is inside a fenced code block"
            elif not in_papers(owner):
                reason = f"bullet {where}, not in a paper section"
            elif token.in_page_link:
                reason = f"bullet {where} is an in-page link"
            elif not (year or token.looks_like_paper):
                reason = f"bullet {where}, outside a year group, has no [[paper]] link and no lines under it"
            else:
                assert owner is not None
                in_list = True
                _check_indent(token, margin, notes)
                listings.append(parse_listing(token, slugs[owner.line], year.year if year else None, indent_unit, notes,
                                              _name(year) if year and year.before else ""))
                continue
            skipped.append(Problem(notes.source, token.line, f"{reason}; not imported: {text}", "warning"))
        previous_owner = owner
    return listings, skipped


def _ended_by(mark: YearMark | Group, token: Heading | YearMark) -> bool:
    """A bold year mark lasts to the next heading or bold year; a year heading to the next heading of
    its level or above; a <details> group to its "</details>" (or the next section)."""
    if isinstance(mark, Group) or mark.kind == "details":
        return False
    if mark.kind == "bold":
        return True
    return (isinstance(token, Heading) or token.kind == "heading") and token.level <= mark.level


def _name(mark: YearMark | Group) -> str:
    return mark.summary if isinstance(mark, Group) else mark.name


def _check_indent(bullet: Bullet, margin: int, notes: Notes) -> None:
    if bullet.inside is not None:
        notes(bullet.line, f"listing is indented {bullet.indent} spaces, under the listing at line {bullet.inside}; "
                           "read as a listing of its own")
    elif bullet.bare:
        notes(bullet.line, 'listing has no "- " bullet; read as a listing')
    elif bullet.indent != margin:
        notes(bullet.line, f"listing is indented {bullet.indent} spaces instead of {margin}; read as a listing")


def _check_group(group: Group, in_year: bool, notes: Notes) -> None:
    if group.summary.lower() in _DIGEST_GROUPS:
        notes(group.line, f'<details> block "{group.summary}" is not under a listing; not imported (indent it under its listing)')
    elif _VENUE_YEAR.search(group.summary) and not in_year:
        notes(group.line, f'<details> group "{group.summary}" names a year but not as a year group ("2024", "Survey: 2024", '
                          '"Survey: 2019 and Before"); its papers take the years of their arXiv ids or venues')


def _check_year_label(mark: YearMark, owner: Heading | None, slugs: dict[int, str], notes: Notes) -> None:
    if mark.label and owner is not None and owner.line in slugs and slugify(mark.label) != slugify(owner.title):
        notes(mark.line, f'year heading "{mark.text}" names another section than "{owner.title}"; its papers stay in "{owner.title}"')


def _year_found(listing: Listing) -> tuple[int, str] | None:
    """The year of the listing's arXiv id, else of its venue, and where it comes from."""
    arxiv = listing.arxiv
    if arxiv and arxiv_sort_key(arxiv)[0]:
        return arxiv_sort_key(arxiv)[0], f"the arXiv id {arxiv}"
    found = _VENUE_YEAR.search(listing.venue or "")
    return (int(found.group(1)), f'the venue "{listing.venue}"') if found else None


def _settle_year(listing: Listing, notes: Notes) -> bool:
    """A listing outside any year group takes the year of its arXiv id, else of its venue; one in a
    group such as "2019 and Before" takes that year when it is the group's or earlier."""
    found = _year_found(listing)
    if listing.year is not None and listing.before:
        if found and found[0] <= listing.year:
            listing.year = found[0]
        elif found:
            notes(listing.line, f'in the year group "{listing.before}", but {found[1]} says {found[0]}; filed under {listing.year}')
        else:
            notes(listing.line, f'in the year group "{listing.before}", and neither an arXiv id nor a venue gives a year; '
                                f"filed under {listing.year}")
        return True
    if listing.year is not None:
        return True
    if found:
        listing.year = found[0]
        notes(listing.line, f"not under a year heading; year {listing.year} taken from {found[1]}")
        return True
    notes.refuse(listing.line, "not under a year heading, and neither an arXiv id nor a venue gives a year; "
                               "not imported (put it under a year heading)")
    return False


def _identity(listing: Listing) -> list[tuple[str, str]]:
    keys = []
    if listing.arxiv:
        keys.append(("arXiv", listing.arxiv))
    if listing.doi:
        keys.append(("DOI", listing.doi))
    if PAPER_LABEL in listing.links:
        keys.append(("link", listing.links[PAPER_LABEL]))
    if normalize_title(listing.title):
        keys.append(("title", normalize_title(listing.title)))
    return keys


def _ids(listing: Listing) -> tuple[set[str], set[str]]:
    """The arXiv ids and DOIs of every link, as `check` reads them to tell two papers apart."""
    arxivs = {a for url in listing.links.values() if (a := arxiv_from_url(url))}
    dois = {normalize_doi(d) for url in listing.links.values() if not arxiv_from_url(url) and (d := doi_from_url(url))}
    return arxivs, dois


def _first_author(listing: Listing) -> str:
    words = normalize_title(listing.authors[0]).split() if listing.authors else []
    return words[-1] if words else ""


def _two_papers(first: Listing, other: Listing, near: bool) -> str | None:
    """Why two listings with (nearly) one title are two papers, or None when nothing says so: their
    arXiv ids or DOIs differ, or their first authors (family names), or, for titles only nearly the
    same, their years lie further apart than a preprint and its publication."""
    if told_apart(_ids(first), _ids(other)):
        return "other arXiv ids or DOIs"
    a, b = _first_author(first), _first_author(other)
    if a and b and a != b:
        return "another first author"
    years = sorted(y for y in (first.year, other.year) if y is not None)
    if near and len(years) == 2 and years[1] - years[0] > _VERSION_YEARS:
        return f"listed under {years[0]} and {years[1]}"
    return None


def _merge(first: Listing, other: Listing, how: str, notes: Notes) -> None:
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
        elif url != first.links[label] and not (arxiv_from_url(url) and arxiv_from_url(url) == arxiv_from_url(first.links[label])):
            extra = next(f"{label}-{n}" for n in range(2, 99) if f"{label}-{n}" not in first.links)
            first.links[extra] = url
            done.append(f"its {label} link added as {extra}")
    if not first.authors and other.authors:
        first.authors, done = other.authors, [*done, "authors taken"]
    first.venue = first.venue or other.venue
    tail = f": {', '.join(done)}" if done else ""
    notes(other.line, f"same paper as line {first.line} ({how}); merged into one entry{tail}")


@dataclass
class _Papers:
    """The distinct papers, and the pairs of them that share a title but are two papers."""

    papers: list[Listing]
    distinct: list[tuple[Listing, Listing]]


def _distinct(listings: list[Listing], notes: Notes) -> _Papers:
    """Listings of one paper merged: the same arXiv id, DOI, paper link or title, or nearly the same
    title with nothing telling the two apart and the same first author. Two listings with (nearly)
    one title that their arXiv ids, DOIs or first authors tell apart are two papers, each naming the
    other in distinct_from, as `check` asks."""
    papers: list[Listing] = []
    distinct: list[tuple[Listing, Listing]] = []
    index: dict[tuple[str, str], Listing] = {}
    for listing in listings:
        keys = _identity(listing)
        match = next(((k, index[k]) for k in keys if k in index), None)
        why = _two_papers(match[1], listing, near=False) if match and match[0][0] == "title" else None
        if match and why:
            distinct.append((match[1], listing))
            _note_two_papers(match[1], listing, "the same title", why, notes)
        elif match and not (listing.arxiv and match[1].arxiv and listing.arxiv != match[1].arxiv):
            kind, value = match[0]
            _merge(match[1], listing, f"{kind} {value}" if kind != "title" else "the same title", notes)
            continue
        papers.append(listing)
        for key in keys:
            index.setdefault(key, listing)
    ids = [_ids(p) for p in papers]
    titles = [normalize_title(p.title) for p in papers]
    merged: set[int] = set()
    for cluster in near_title_clusters(titles, lambda i, j: told_apart(ids[i], ids[j]) or bool(ids[i][0] & ids[j][0])):
        first = papers[cluster[0]]
        for j in cluster[1:]:
            why = _two_papers(first, papers[j], near=True)
            if why:
                distinct.append((first, papers[j]))
                _note_two_papers(first, papers[j], f'nearly the same title as "{shorten(first.title, 60)}"', why, notes)
            else:
                _merge(first, papers[j], f'nearly the same title: "{shorten(first.title, 60)}"', notes)
                merged.add(j)
    return _Papers([p for i, p in enumerate(papers) if i not in merged], distinct)


def _note_two_papers(first: Listing, other: Listing, how: str, why: str, notes: Notes) -> None:
    notes(other.line, f"{how} (line {first.line}), but {why}: imported as two papers, each naming the other in distinct_from "
                      "(if they are one paper, delete one listing)")


def _assign_ids(papers: list[Listing]) -> list[str]:
    ids: list[str] = []
    taken: set[str] = set()
    for paper in papers:
        assert paper.year is not None
        ids.append(unique_id(base_id(paper.title, paper.authors, paper.year), taken))
        taken.add(ids[-1])
    return ids


def _entry(paper: Listing, paper_id: str, distinct_from: list[str]) -> dict[str, Any]:
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
        "distinct_from": distinct_from,
    }
    return {k: data[k] for k in FIELDS if k in data and data[k] not in (None, "", [], {})}


def parse_readme(text: str, source: str, reserved: Collection[str] = ()) -> ImportResult:
    """Read a README in the awesome-list entry format; nothing is written. `reserved`: names a
    section slug must not take (the site's own pages)."""
    notes = Notes(source)
    tokens = tokenize(split_lines(text))
    owners = section_owners(tokens, section_level(tokens))
    info, slugs = list_info(tokens, paper_sections(tokens, owners), notes, reserved)
    found, skipped = _collect(tokens, owners, slugs, indent_unit_of(tokens), notes)
    dated = [listing for listing in found if listing is not None and _settle_year(listing, notes)]
    distinct = _distinct(dated, notes)
    papers = distinct.papers
    ids = {id(paper): paper_id for paper, paper_id in zip(papers, _assign_ids(papers), strict=True)}
    others: dict[int, list[str]] = {}
    for a, b in distinct.distinct:
        others.setdefault(id(a), []).append(ids[id(b)])
        others.setdefault(id(b), []).append(ids[id(a)])
    entries = [_entry(paper, ids[id(paper)], others.get(id(paper), [])) for paper in papers]
    used = {e["section"] for e in entries} | {s for e in entries for s in e.get("also_in", [])}
    info["sections"] = [s for s in info["sections"] if s["slug"] in used]
    by_line = sorted(notes.problems, key=lambda p: p.line)  # stable: notes on one line keep their order
    return ImportResult(info, entries, by_line, len(found), skipped, sorted(notes.unimportable), [p.line for p in papers], source=source)
