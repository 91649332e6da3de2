"""Turn an awesome-list README into one entry per paper, reporting every irregularity it absorbs.

The README is read in three passes: lines become tokens (headings, year marks, bullets with the
lines under them, prose paragraphs); the heading structure says which headings are sections and
which bullets sit in a year group; each listing is parsed into fields, and listings of the same
paper are merged. Nothing about one particular list is hard-coded: the section level is the level
just above the year marks (or, without year marks, the level of the headings that hold entries).
"""

from __future__ import annotations

import itertools
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from generator.commands.ids import base_id, unique_id
from generator.commands.readme_files import gather
from generator.errors import Problem
from generator.list.emit import format_entry, format_sections, write_text
from generator.list.identifiers import (
    arxiv_from_url,
    arxiv_sort_key,
    doi_from_url,
    normalize_title,
    slugify,
)
from generator.list.source import MAX_FILES_PER_FOLDER
from generator.model import FIELDS

MAX_SLUG = 60

_KEYWORD_LABELS = frozenset({"Key Word", "Key Words", "Keyword", "Keywords"})
_DIGEST_SUMMARIES = frozenset({"digest", "abstract", "summary", "tl;dr", "tldr"})
_MISSING = {
    "authors": "no author line; imported without authors",
    "keywords": 'no "Key Word:" line; imported without key words',
    "digest": "no digest; imported without one",
}
_KIND_NAMES = {"authors": "author", "keywords": "key words", "digest": "digest", "other": "unrecognised"}

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_YEAR_TEXT = re.compile(r"^(?:(?P<label>.*?)\s*[:\-–—]\s*)?(?P<year>(?:19|20)[0-9]{2})$")
_BOLD = re.compile(r"^(?:\*\*|__)(?P<text>[^*_]+?)(?:\*\*|__)\s*:?$")
_DETAILS = re.compile(r"^<details(?:\s[^>]*)?>\s*<summary>(?P<summary>.*?)</summary>\s*(?P<rest>.*)$", re.I)
_DETAILS_END = re.compile(r"^</details>\s*$", re.I)
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")
_TOP_BULLET = re.compile(r"^[-*+]\s+(?P<text>\S.*)$")
_SUB_BULLET = re.compile(r"^[-*+](?P<spaces>\s+)(?P<text>.*)$")
_KEYWORD_LINE = re.compile(r"^(?P<label>key[ _-]?w[a-z]{2,5})\s*:(?P<space>\s*)(?P<rest>.*)$", re.I)
_URL = r"(?P<url>(?:[^()\s]|\([^()\s]*\))+)"  # one level of parentheses, as in Wikipedia URLs
_LABELED_LINK = re.compile(r"\[\[(?P<label>[^\[\]]+)\]\]\(" + _URL + r"\)")
_PLAIN_LINK = re.compile(r"\[(?P<label>[^\[\]]+)\]\(" + _URL + r"\)")
_TITLE_LINK = re.compile(r"^\[(?P<title>[^\[\]]+)\]\(" + _URL + r"\)")
_ANCHOR_LINK = re.compile(r"^\[[^\]]*\]\(#")
# an escaped star (`\*`, as export-readme writes one) belongs to the names or the venue, never closes it
_VENUE = re.compile(r"^(?P<names>(?:\\.|[^\\])*?)\s*\*{1,2}(?P<venue>(?:\\.|[^*\\])+)\*{1,2}\s*\.?$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark backslash escapes: ASCII punctuation only
_LINKED_IMAGE = re.compile(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]+>")
_AND = re.compile(r"\s+(&|and)\s+")
_LEADING_AND = re.compile(r"^(&|and)\s+")
_VENUE_YEAR = re.compile(r"\b((?:19|20)[0-9]{2})\b")
_LINK_LABEL = re.compile(r"^[a-z][a-z0-9-]{0,29}$")


@dataclass
class ImportResult:
    """What a README holds, before anything is written."""

    info: dict[str, Any]  # the sections-file mapping: title, description, sections [{slug, title, description}]
    entries: list[dict[str, Any]]  # one per distinct paper, keys in FIELDS order, with "section"
    notes: list[Problem]  # every irregularity absorbed, as warnings at their source line
    listings: int  # paper listings seen, a paper listed twice counted twice
    skipped: list[Problem]  # bullets that are not paper listings (contents, resources, templates)


# --- tokens -------------------------------------------------------------------------------------


@dataclass
class _Heading:
    line: int
    level: int
    title: str  # markdown stripped


@dataclass
class _YearMark:
    line: int
    year: int
    label: str  # what precedes the year: "Empirical Study" in "Empirical Study: 2024"
    level: int  # heading level; 0 for a bold line or a details summary
    kind: str  # "heading", "bold" or "details"
    text: str


@dataclass
class _DetailsEnd:
    line: int


@dataclass
class _Bullet:
    line: int
    text: str
    lines: list[tuple[int, str]]  # the lines under it, raw, with their numbers

    @property
    def in_page_link(self) -> bool:
        return bool(_ANCHOR_LINK.match(self.text))

    @property
    def looks_like_paper(self) -> bool:
        """Outside a year group, a paper listing has a [[label]](url) link or lines under it;
        a bare `[Blog](url)` bullet is a resource, an in-page link a table of contents."""
        if _LABELED_LINK.search(self.text):
            return True
        return not self.in_page_link and any(raw.strip() for _, raw in self.lines)


@dataclass
class _Paragraph:
    line: int
    lines: list[str]


_Token = _Heading | _YearMark | _DetailsEnd | _Bullet | _Paragraph


def _split_lines(text: str) -> list[str]:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip())


def _year_of(text: str) -> tuple[int, str] | None:
    match = _YEAR_TEXT.match(text.strip())
    return (int(match.group("year")), (match.group("label") or "").strip()) if match else None


def _marker(raw: str, number: int) -> _Heading | _YearMark | _DetailsEnd | None:
    """A line that shapes the structure: a heading, a year mark or the end of a details group."""
    stripped = raw.strip()
    heading = _HEADING.match(raw)
    if heading:
        level, title = len(heading.group(1)), _plain_text(heading.group(2))
        year = _year_of(title)
        if year:
            return _YearMark(number, year[0], year[1], level, "heading", stripped)
        return _Heading(number, level, title)
    if _indent(raw) > 0:
        return None
    bold = _BOLD.match(stripped)
    details = _DETAILS.match(stripped)
    label = bold.group("text") if bold else details.group("summary") if details and not details.group("rest") else None
    year = _year_of(_plain_text(label)) if label else None
    if year:
        return _YearMark(number, year[0], year[1], 0, "bold" if bold else "details", stripped)
    if _DETAILS_END.match(stripped):
        return _DetailsEnd(number)
    return None


def _top_bullet(raw: str) -> re.Match[str] | None:
    """A listing starts with `- ` or `* ` at the margin; `* * *` is a rule, not a bullet."""
    return None if _RULE.match(raw) else _TOP_BULLET.match(raw)


def _block_end(lines: list[str], start: int) -> int:
    """Index after the last line of the bullet at `start`: indented lines, across blank lines,
    plus unindented lines that directly continue it (Markdown's lazy continuation)."""
    last = start
    index = start + 1
    while index < len(lines):
        raw = lines[index]
        if not raw.strip():
            index += 1
            continue
        if _top_bullet(raw) or _FENCE.match(raw) or _marker(raw, index + 1):
            break
        lazy = index == last + 1 and not _IMAGE.match(raw.strip()) and not raw.lstrip().startswith("<")
        if _indent(raw) == 0 and not lazy:
            break
        last = index
        index += 1
    return last + 1


def _tokenize(lines: list[str]) -> list[_Token]:
    tokens: list[_Token] = []
    paragraph: list[str] = []
    paragraph_line = 0
    fenced = False
    index = 0

    def flush() -> None:
        if paragraph:
            tokens.append(_Paragraph(paragraph_line, list(paragraph)))
            paragraph.clear()

    while index < len(lines):
        raw, number = lines[index], index + 1
        if _FENCE.match(raw):  # code blocks hold examples, never listings
            flush()
            fenced = not fenced
        elif fenced:
            pass
        elif not raw.strip():
            flush()
        elif marker := _marker(raw, number):
            flush()
            tokens.append(marker)
        elif bullet := _top_bullet(raw):
            flush()
            end = _block_end(lines, index)
            text = bullet.group("text")
            under = [(n + 1, lines[n]) for n in range(index + 1, end)]
            tokens.append(_Bullet(number, text.strip(), under))
            index = end
            continue
        else:
            if not paragraph:
                paragraph_line = number
            paragraph.append(raw)
        index += 1
    flush()
    return tokens


# --- structure ----------------------------------------------------------------------------------


def _section_level(tokens: list[_Token]) -> int | None:
    """The heading level just above the year marks; without year marks, the level of the
    headings that directly hold paper listings. The most common level wins."""
    open_levels: dict[int, _Heading] = {}
    last: _Heading | None = None
    year_parents: list[int] = []
    entry_parents: list[int] = []
    for token in tokens:
        if isinstance(token, _Heading):
            for level in [lv for lv in open_levels if lv >= token.level]:
                del open_levels[level]
            open_levels[token.level] = token
            last = token
        elif isinstance(token, _YearMark):
            if token.level:
                for level in [lv for lv in open_levels if lv >= token.level]:
                    del open_levels[level]
                above = [lv for lv in open_levels if lv < token.level]
                if above:
                    year_parents.append(max(above))
            elif last:
                year_parents.append(last.level)
        elif isinstance(token, _Bullet) and token.looks_like_paper and last:
            entry_parents.append(last.level)
    counts = Counter(year_parents or entry_parents)
    return counts.most_common(1)[0][0] if counts else None


def _owners(tokens: list[_Token], level: int | None) -> list[_Heading | None]:
    """For each token, the section-level heading it sits under (None outside any)."""
    owners: list[_Heading | None] = []
    current: _Heading | None = None
    for token in tokens:
        if isinstance(token, _Heading) and level is not None:
            if token.level == level:
                current = token
            elif token.level < level:
                current = None
        owners.append(current)
    return owners


def _paper_sections(tokens: list[_Token], owners: list[_Heading | None]) -> list[_Heading]:
    """Sections that hold year groups (or, in a list without years, paper listings)."""
    has_years = any(isinstance(t, _YearMark) for t in tokens)
    found: dict[int, _Heading] = {}
    for token, owner in zip(tokens, owners, strict=True):
        holds = isinstance(token, _YearMark) if has_years else (
            isinstance(token, _Bullet) and token.looks_like_paper
        )
        if holds and owner is not None:
            found.setdefault(owner.line, owner)
    return list(found.values())


def _plain_text(markdown: str) -> str:
    """Heading text without badges, images, HTML, link targets or emphasis markers."""
    text = _LINKED_IMAGE.sub("", markdown)
    text = _IMAGE.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = _PLAIN_LINK.sub(lambda m: m.group("label"), text)
    text = re.sub(r"\*\*|__|`", "", text)
    return _unescape(" ".join(text.split()))


def _unescape(text: str) -> str:
    r"""Plain text as Markdown shows it: `\*` is a star (export-readme escapes what GitHub would interpret)."""
    return _ESCAPED.sub(r"\1", text)


def _split_plain(text: str, separator: str) -> list[str]:
    r"""`text` split at each `separator` that is not backslash-escaped (`\;` stays inside a key word)."""
    parts = [""]
    for token in re.findall(r"\\.|[^\\]|\\$", text):
        if token == separator:
            parts.append("")
        else:
            parts[-1] += token
    return parts


def _prose(paragraph: _Paragraph) -> str | None:
    """A paragraph as one line of Markdown, links kept; None when it is only images or HTML."""
    text = " ".join(line.strip() for line in paragraph.lines)
    text = _HTML_TAG.sub("", _IMAGE.sub("", _LINKED_IMAGE.sub("", text)))
    text = " ".join(text.split())
    return text if re.search(r"\w", text) else None


def _first_prose(tokens: list[_Token], after: int) -> str | None:
    """The first prose paragraph after token `after`, before the next heading, year or bullet."""
    for token in tokens[after + 1:]:
        if not isinstance(token, _Paragraph):
            return None
        text = _prose(token)
        if text:
            return text
    return None


class _Notes:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def __call__(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message, "warning"))


def _list_info(
    tokens: list[_Token], sections: list[_Heading], notes: _Notes
) -> tuple[dict[str, Any], dict[int, str]]:
    """The sections-file mapping, and the slug of each section heading (by its line)."""
    headings = [t for t in tokens if isinstance(t, _Heading)]
    title_heading = next((h for h in headings if h.level == 1), headings[0] if headings else None)
    info: dict[str, Any] = {"title": "Reading list"}
    if title_heading is None or not title_heading.title:
        notes(1, 'no "# " title heading; the list is called "Reading list" until you rename it in sections.yaml')
    else:
        info["title"] = title_heading.title
        intro = _first_prose(tokens, tokens.index(title_heading))
        if intro:
            info["description"] = intro
        else:
            notes(title_heading.line, "no introduction paragraph after the title; write one in sections.yaml")
    slugs: dict[int, str] = {}
    rows: dict[str, dict[str, str]] = {}
    for heading in sections:
        slug = slugify(heading.title)[:MAX_SLUG].strip("-") or f"section-{len(rows) + 1}"
        slugs[heading.line] = slug
        if slug in rows:
            notes(heading.line, f'section "{heading.title}" repeats section "{rows[slug]["title"]}"; its papers join that section')
            continue
        description = _first_prose(tokens, tokens.index(heading))
        if not description:
            description = f"Papers on {heading.title}."
            notes(heading.line, f'section "{heading.title}" has no introduction paragraph; '
                                f'described as "{description}" until you write one in sections.yaml')
        rows[slug] = {"slug": slug, "title": heading.title, "description": description}
    info["sections"] = list(rows.values())
    return info, slugs


# --- one listing --------------------------------------------------------------------------------


@dataclass
class _Listing:
    line: int
    section: str
    year: int | None
    title: str
    authors: list[str] = field(default_factory=list)
    venue: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)
    digest: str = ""
    also_in: list[str] = field(default_factory=list)

    @property
    def arxiv(self) -> str | None:
        paper = self.links.get("paper")
        return arxiv_from_url(paper) if paper else None

    @property
    def doi(self) -> str | None:
        paper = self.links.get("paper")
        return doi_from_url(paper) if paper else None


@dataclass
class _Item:
    """One line (with its continuation lines) under a listing's title line."""

    line: int
    kind: str  # "authors", "keywords", "digest" or "other"
    text: str
    label: str = ""  # the key-word label as written, or the details summary
    space_after_label: bool = True


def _shorten(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _classify(body: str) -> _Item:
    details = _DETAILS.match(body)
    if details:
        summary = _plain_text(details.group("summary"))
        if summary.lower() in _DIGEST_SUMMARIES:
            return _Item(0, "digest", details.group("rest"), summary)
        if summary.lower().startswith("author"):
            return _Item(0, "authors", details.group("rest"), summary)
        return _Item(0, "other", body)
    keyword = _KEYWORD_LINE.match(body)
    if keyword:
        return _Item(0, "keywords", keyword.group("rest"), keyword.group("label"), bool(keyword.group("space")))
    return _Item(0, "other", body)


def _items(bullet: _Bullet, indent_unit: int, notes: _Notes) -> tuple[str, list[_Item]]:
    """The title line (with any continuation) and the items under it, odd layout noted."""
    title_line = bullet.text
    items: list[_Item] = []
    blank = False
    for number, raw in bullet.lines:
        body = raw.strip()
        if not body:
            blank = True
            continue
        after_blank, blank = blank, False
        sub = _SUB_BULLET.match(body)
        if sub:
            body = sub.group("text").strip()
        item = _classify(body)
        item.line = number
        has = {i.kind for i in items}
        if item.kind == "other" and (not sub or "digest" in has):
            # Markdown reads an unbulleted line, and anything after the digest, as a continuation
            if items:
                # a blank line inside a digest starts a new paragraph of it, as Markdown reads it
                paragraph = after_blank and items[-1].kind == "digest" and items[-1].text.strip()
                items[-1].text += ("\n\n" if paragraph else " ") + body
            else:
                title_line += " " + body
            continue
        if item.kind == "other" and "authors" not in has:
            item.kind = "authors"
        name = _KIND_NAMES[item.kind]
        if not sub:
            notes(number, f'{name} line has no "- " bullet; read as the {name} anyway')
        elif len(sub.group("spaces")) != 1:
            notes(number, f'{name} line has {len(sub.group("spaces"))} spaces after the bullet; read as one')
        if _indent(raw) != indent_unit:
            notes(number, f"{name} line is indented {_indent(raw)} spaces instead of {indent_unit}; read as part of the entry above")
        items.append(item)
    return title_line, items


def _indent_unit(tokens: list[_Token]) -> int:
    """How far this list indents the lines under a listing (2 for most lists)."""
    counts = Counter(
        _indent(raw) for t in tokens if isinstance(t, _Bullet) for _, raw in t.lines
        if _SUB_BULLET.match(raw.strip())
    )
    return counts.most_common(1)[0][0] if counts else 2


def _title_and_links(text: str, line: int, notes: _Notes) -> tuple[str, dict[str, str]]:
    """`Title. [[paper]](url) [[code]](url)` or `[Title](url) ...`: the title and labelled links."""
    titled = _TITLE_LINK.match(text)
    if titled:
        title, rest = titled.group("title"), text[titled.end():]
        found = [("paper", titled.group("url"))]
    else:
        cut = text.find("[[")
        title, rest = (text, "") if cut < 0 else (text[:cut], text[cut:])
        found = []
    pattern = _LABELED_LINK if "[[" in rest else _PLAIN_LINK
    found += [(m.group("label"), m.group("url")) for m in pattern.finditer(rest)]
    leftover = pattern.sub("", rest).strip()
    if leftover:
        notes(line, f'text after the links is not a link and was left out: "{_shorten(leftover)}"')
    title = title.strip()
    if title.endswith("."):
        title = title[:-1].rstrip()
    return _unescape(title), _labelled(found, line, notes)


def _labelled(found: list[tuple[str, str]], line: int, notes: _Notes) -> dict[str, str]:
    links: dict[str, str] = {}
    for written, url in found:
        label = written.strip().lower()
        if not _LINK_LABEL.match(label):
            label = slugify(label)[:30].strip("-") or "link"
            if not label[0].isalpha():
                label = "link-" + label
            notes(line, f'link label "{written}" is not a plain word; filed as "{label}"')
        base, count = label, 1
        while label in links:
            count += 1
            label = f"{base}-{count}"
        if label != base:
            notes(line, f'second "{base}" link filed as "{label}"')
        if not re.match(r"^https?://", url):
            notes(line, f'{label} link "{_shorten(url)}" is not an http(s) URL; fix it in the entry file')
        links[label] = url
    return links


def _split_run_together(name: str) -> list[str]:
    """Names written without separators ("Jeffrey S BowersGaurav Malhotra") split where a
    lower-case letter meets an upper-case one; only for a "name" of many words."""
    cuts = [i for i in range(1, len(name)) if name[i - 1].islower() and name[i].isupper()]
    if len(name.split()) < 5 or len(cuts) < 2:
        return [name]
    bounds = [0, *cuts, len(name)]
    return [name[a:b].strip() for a, b in itertools.pairwise(bounds)]


def _authors(text: str, line: int, notes: _Notes) -> tuple[list[str], str | None]:
    """Names in order and the venue of an author line `A, B. *Venue*`."""
    text = re.sub(r"\s*</details>\s*$", "", text.strip(), flags=re.I)
    venue: str | None = None
    match = _VENUE.match(text)
    if match:
        text, venue = match.group("names").strip(), _unescape(match.group("venue").strip()) or None
    if text.endswith("."):
        text = text[:-1]
    elif text:
        notes(line, "author line has no final period")
    separator = ","
    if len(_split_plain(text, ";")) > 1:
        separator = ";"
        notes(line, 'authors separated by ";" instead of ","; split at ";"')
    names: list[str] = []
    for part in _split_plain(text, separator):
        part = _LEADING_AND.sub("", part.strip())
        joined = _AND.split(part)
        if len(joined) > 1:
            part_names = [p.strip() for p in joined[::2]]
            notes(line, f'authors joined by "{joined[1]}" ({" / ".join(part_names)}); split there')
        else:
            part_names = [part]
        for name in part_names:
            split = _split_run_together(name)
            if len(split) > 1:
                notes(line, f"{len(split)} author names run together without separators; "
                            f"split where a lower-case letter meets an upper-case one: check {', '.join(split)}")
            names += [_unescape(n) for n in split if n]
    _note_repeated_authors(names, line, notes)
    return names, venue


def _note_repeated_authors(names: list[str], line: int, notes: _Notes) -> None:
    seen: dict[str, str] = {}
    for name in names:
        key = normalize_title(name)
        if key in seen:
            spelled = "" if seen[key] == name else f' (as "{name}")'
            notes(line, f'author "{seen[key]}" is listed twice{spelled}; kept as written')
        else:
            seen[key] = name


def _keywords(item: _Item, notes: _Notes) -> list[str]:
    label = " ".join(item.label.split())
    if label not in _KEYWORD_LABELS:
        notes(item.line, f'unusual key-word label "{item.label}:"; read as "Key Word:"')
    if not item.space_after_label:
        notes(item.line, f'no space after "{item.label}:"')
    text = item.text.strip()
    if text.endswith("."):
        text = text[:-1]
    elif text:
        notes(item.line, "key words line has no final period")
    separator = ";"
    if len(_split_plain(text, ";")) == 1 and len(_split_plain(text, ",")) > 1:
        # a list typed with commas: the vocabulary wants each key word on its own
        separator = ","
        notes(item.line, 'key words separated by "," instead of ";"; split at ","')
    words: list[str] = []
    for word in (_unescape(w.strip()) for w in _split_plain(text, separator)):
        if word and word in words:
            notes(item.line, f'key word "{word}" repeated; kept once')
        elif word:
            words.append(word)
    return words


def _digest(text: str) -> str:
    return re.sub(r"\s*</details>\s*$", "", text.strip(), flags=re.I).strip()


def _parse_listing(
    bullet: _Bullet, section: str, year: int | None, indent_unit: int, notes: _Notes
) -> _Listing | None:
    title_line, items = _items(bullet, indent_unit, notes)
    title, links = _title_and_links(title_line, bullet.line, notes)
    if not title:
        notes(bullet.line, "listing has no title; not imported (write the title before the links)")
        return None
    listing = _Listing(bullet.line, section, year, title, links=links)
    if not links:
        notes(bullet.line, "paper has no link; imported without links (add a [[paper]](URL) link)")
    for item in items:
        _apply(listing, item, notes)
    kinds = {item.kind for item in items}
    for kind, missing in _MISSING.items():
        if kind not in kinds:
            notes(bullet.line, missing)
    return listing


def _apply(listing: _Listing, item: _Item, notes: _Notes) -> None:
    if item.kind == "authors":
        if item.label:
            notes(item.line, f'authors are inside a <details> block ("{item.label}"); read as the author line')
        if listing.authors or listing.venue:
            notes(item.line, "second author line; its names are added to the first")
        names, venue = _authors(item.text, item.line, notes)
        listing.authors += names
        listing.venue = listing.venue or venue
    elif item.kind == "keywords":
        listing.keywords += [k for k in _keywords(item, notes) if k not in listing.keywords]
    elif item.kind == "digest":
        digest = _digest(item.text)
        if listing.digest and digest:
            notes(item.line, "second digest; appended to the first after a blank line")
            listing.digest += "\n\n" + digest
        elif digest:
            listing.digest = digest
    else:
        notes(item.line, f'line not recognised as authors, key words or digest; not imported: "{_shorten(item.text)}"')


# --- the whole list -----------------------------------------------------------------------------


def _collect(
    tokens: list[_Token],
    owners: list[_Heading | None],
    slugs: dict[int, str],
    indent_unit: int,
    notes: _Notes,
) -> tuple[list[_Listing | None], list[Problem]]:
    """Every paper listing in the sections, in source order, and the bullets left out."""
    listings: list[_Listing | None] = []
    skipped: list[Problem] = []
    year: _YearMark | None = None
    nearest: _Heading | None = None
    for token, owner in zip(tokens, owners, strict=True):
        if isinstance(token, _Heading):
            nearest = token
            if year and (year.kind != "heading" or token.level <= year.level):
                year = None
        elif isinstance(token, _YearMark):
            year = token
            _check_year_label(token, owner, slugs, notes)
        elif isinstance(token, _DetailsEnd) and year and year.kind == "details":
            year = None
        elif isinstance(token, _Bullet):
            where = f'under "{nearest.title}"' if nearest else "before the first heading"
            text = _shorten(token.text)
            if owner is None or owner.line not in slugs:
                reason = f"bullet {where}, not in a paper section"
            elif token.in_page_link:
                reason = f"bullet {where} is an in-page link"
            elif not (year or token.looks_like_paper):
                reason = f"bullet {where}, outside a year group, has no [[paper]] link and no lines under it"
            else:
                listings.append(_parse_listing(token, slugs[owner.line], year.year if year else None, indent_unit, notes))
                continue
            skipped.append(Problem(notes.source, token.line, f"{reason}; not imported: {text}", "warning"))
    return listings, skipped


def _check_year_label(mark: _YearMark, owner: _Heading | None, slugs: dict[int, str], notes: _Notes) -> None:
    if mark.label and owner is not None and owner.line in slugs and slugify(mark.label) != slugs[owner.line]:
        notes(mark.line, f'year heading "{mark.text}" names another section than "{owner.title}"; its papers stay in "{owner.title}"')


def _settle_year(listing: _Listing, notes: _Notes) -> bool:
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


def _identity(listing: _Listing) -> list[tuple[str, str]]:
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


def _same_paper(first: _Listing, other: _Listing) -> bool:
    """A matching title is not enough when the arXiv ids say they are two papers."""
    return not (first.arxiv and other.arxiv and first.arxiv != other.arxiv)


def _merge(first: _Listing, other: _Listing, how: tuple[str, str], notes: _Notes) -> None:
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


def _distinct(listings: list[_Listing], notes: _Notes) -> list[_Listing]:
    papers: list[_Listing] = []
    index: dict[tuple[str, str], _Listing] = {}
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


def _assign_ids(papers: list[_Listing]) -> list[str]:
    ids: list[str] = []
    taken: set[str] = set()
    for paper in papers:
        assert paper.year is not None
        ids.append(unique_id(base_id(paper.title, paper.authors, paper.year), taken))
        taken.add(ids[-1])
    return ids


def _entry(paper: _Listing, paper_id: str) -> dict[str, Any]:
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
    notes = _Notes(source)
    tokens = _tokenize(_split_lines(text))
    owners = _owners(tokens, _section_level(tokens))
    info, slugs = _list_info(tokens, _paper_sections(tokens, owners), notes)
    found, skipped = _collect(tokens, owners, slugs, _indent_unit(tokens), notes)
    dated = [listing for listing in found if listing is not None and _settle_year(listing, notes)]
    papers = _distinct(dated, notes)
    entries = [_entry(paper, paper_id) for paper, paper_id in zip(papers, _assign_ids(papers), strict=True)]
    used = {e["section"] for e in entries} | {s for e in entries for s in e.get("also_in", [])}
    info["sections"] = [s for s in info["sections"] if s["slug"] in used]
    by_line = sorted(notes.problems, key=lambda p: p.line)  # stable: notes on one line keep their order
    return ImportResult(info, entries, by_line, len(found), skipped)


# --- writing ------------------------------------------------------------------------------------


def _refuse_used_folder(out_dir: str) -> None:
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise ValueError(f"{out_dir} is a file; give a folder to import into")
    for folder, _, files in os.walk(out_dir):
        yaml_files = sorted(f for f in files if f.endswith((".yaml", ".yml")))
        if yaml_files:
            example = os.path.join(folder, yaml_files[0])
            raise ValueError(f"{out_dir} already holds YAML files (e.g. {example}); import into an empty folder so no entry is overwritten")


def entry_path(out_dir: str, entry: dict[str, Any], section_size: int) -> str:
    """`OUT/<section>/<id>.yaml`, or `OUT/<section>/<year>/<id>.yaml` for a section too big
    for one folder."""
    folder = os.path.join(out_dir, entry["section"])
    if section_size > MAX_FILES_PER_FOLDER:
        folder = os.path.join(folder, str(entry["year"]))
    return os.path.join(folder, f"{entry['id']}.yaml")


def write_import(result: ImportResult, out_dir: str) -> list[str]:
    """Write sections.yaml and one file per paper; refuse a folder that already holds YAML."""
    _refuse_used_folder(out_dir)
    if not result.entries:
        raise ValueError("no paper listings found; nothing to write")
    sections_path = os.path.join(out_dir, "sections.yaml")
    write_text(sections_path, format_sections(result.info, sections_path))
    written = [sections_path]
    sizes = Counter(entry["section"] for entry in result.entries)
    for entry in result.entries:
        path = entry_path(out_dir, entry, sizes[entry["section"]])
        data = {k: v for k, v in entry.items() if k != "section"}  # the folder says the section
        write_text(path, format_entry(data, path))
        written.append(path)
    return written


def import_readme(src_path: str, out_dir: str, *, follow_links: bool = False) -> ImportResult:
    """Read a README (UTF-8), parse it, and write its entries under out_dir. With follow_links,
    the local Markdown files its list items link to are read as if they followed it (a README
    split into section files, as export-readme writes one); problems name the file they are in."""
    _refuse_used_folder(out_dir)
    document = gather(src_path, follow_links)
    result = parse_readme(document.text, src_path)
    result.notes = [document.locate(p) for p in result.notes]
    result.skipped = [document.locate(p) for p in result.skipped]
    write_import(result, out_dir)
    return result
