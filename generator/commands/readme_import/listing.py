"""Stage 3: one listing. A bullet and the lines under it become a Listing: the title and labelled
links, the author line (names and venue), key words and digest, each odd layout noted.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from generator.commands.readme_import.tokens import (
    DETAILS,
    LABELED_LINK,
    PLAIN_LINK,
    TITLE_LINK,
    Bullet,
    Notes,
    Token,
    indent,
    plain_text,
    shorten,
    unescape,
)
from generator.list.identifiers import arxiv_from_url, doi_from_url, normalize_title, slugify

_KEYWORD_LABELS = frozenset({"Key Word", "Key Words", "Keyword", "Keywords"})
_DIGEST_SUMMARIES = frozenset({"digest", "abstract", "summary", "tl;dr", "tldr"})
_MISSING = {
    "authors": "no author line; imported without authors",
    "keywords": 'no "Key Word:" line; imported without key words',
    "digest": "no digest; imported without one",
}
_KIND_NAMES = {"authors": "author", "keywords": "key words", "digest": "digest", "other": "unrecognised"}
_SUB_BULLET = re.compile(r"^[-*+](?P<spaces>\s+)(?P<text>.*)$")
_KEYWORD_LINE = re.compile(r"^(?P<label>key[ _-]?w[a-z]{2,5})\s*:(?P<space>\s*)(?P<rest>.*)$", re.I)
# an escaped star (`\*`, as export-readme writes one) belongs to the names or the venue, never closes it
_VENUE = re.compile(r"^(?P<names>(?:\\.|[^\\])*?)\s*\*{1,2}(?P<venue>(?:\\.|[^*\\])+)\*{1,2}\s*\.?$")
_AND = re.compile(r"\s+(&|and)\s+")
_LEADING_AND = re.compile(r"^(&|and)\s+")
_LINK_LABEL = re.compile(r"^[a-z][a-z0-9-]{0,29}$")


@dataclass
class Listing:
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


def _classify(body: str) -> _Item:
    details = DETAILS.match(body)
    if details:
        summary = plain_text(details.group("summary"))
        if summary.lower() in _DIGEST_SUMMARIES:
            return _Item(0, "digest", details.group("rest"), summary)
        if summary.lower().startswith("author"):
            return _Item(0, "authors", details.group("rest"), summary)
        return _Item(0, "other", body)
    keyword = _KEYWORD_LINE.match(body)
    if keyword:
        return _Item(0, "keywords", keyword.group("rest"), keyword.group("label"), bool(keyword.group("space")))
    return _Item(0, "other", body)


def _items(bullet: Bullet, indent_unit: int, notes: Notes) -> tuple[str, list[_Item]]:
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
        if indent(raw) != indent_unit:
            notes(number, f"{name} line is indented {indent(raw)} spaces instead of {indent_unit}; read as part of the entry above")
        items.append(item)
    return title_line, items


def indent_unit_of(tokens: list[Token]) -> int:
    """How far this list indents the lines under a listing (2 for most lists)."""
    counts = Counter(
        indent(raw) for t in tokens if isinstance(t, Bullet) for _, raw in t.lines
        if _SUB_BULLET.match(raw.strip())
    )
    return counts.most_common(1)[0][0] if counts else 2


def _title_and_links(text: str, line: int, notes: Notes) -> tuple[str, dict[str, str]]:
    """`Title. [[paper]](url) [[code]](url)` or `[Title](url) ...`: the title and labelled links."""
    titled = TITLE_LINK.match(text)
    if titled:
        title, rest = titled.group("title"), text[titled.end():]
        found = [("paper", titled.group("url"))]
    else:
        cut = text.find("[[")
        title, rest = (text, "") if cut < 0 else (text[:cut], text[cut:])
        found = []
    pattern = LABELED_LINK if "[[" in rest else PLAIN_LINK
    found += [(m.group("label"), m.group("url")) for m in pattern.finditer(rest)]
    leftover = pattern.sub("", rest).strip()
    if leftover:
        notes(line, f'text after the links is not a link and was left out: "{shorten(leftover)}"')
    title = title.strip()
    if title.endswith("."):
        title = title[:-1].rstrip()
    return unescape(title), _labelled(found, line, notes)


def _labelled(found: list[tuple[str, str]], line: int, notes: Notes) -> dict[str, str]:
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
            notes(line, f'{label} link "{shorten(url)}" is not an http(s) URL; fix it in the entry file')
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


def _authors(text: str, line: int, notes: Notes) -> tuple[list[str], str | None]:
    """Names in order and the venue of an author line `A, B. *Venue*`."""
    text = re.sub(r"\s*</details>\s*$", "", text.strip(), flags=re.I)
    venue: str | None = None
    match = _VENUE.match(text)
    if match:
        text, venue = match.group("names").strip(), unescape(match.group("venue").strip()) or None
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
            names += [unescape(n) for n in split if n]
    _note_repeated_authors(names, line, notes)
    return names, venue


def _note_repeated_authors(names: list[str], line: int, notes: Notes) -> None:
    seen: dict[str, str] = {}
    for name in names:
        key = normalize_title(name)
        if key in seen:
            spelled = "" if seen[key] == name else f' (as "{name}")'
            notes(line, f'author "{seen[key]}" is listed twice{spelled}; kept as written')
        else:
            seen[key] = name


def _keywords(item: _Item, notes: Notes) -> list[str]:
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
    for word in (unescape(w.strip()) for w in _split_plain(text, separator)):
        if word and word in words:
            notes(item.line, f'key word "{word}" repeated; kept once')
        elif word:
            words.append(word)
    return words


def _digest(text: str) -> str:
    return re.sub(r"\s*</details>\s*$", "", text.strip(), flags=re.I).strip()


def parse_listing(
    bullet: Bullet, section: str, year: int | None, indent_unit: int, notes: Notes
) -> Listing | None:
    title_line, items = _items(bullet, indent_unit, notes)
    title, links = _title_and_links(title_line, bullet.line, notes)
    if not title:
        notes(bullet.line, "listing has no title; not imported (write the title before the links)")
        return None
    listing = Listing(bullet.line, section, year, title, links=links)
    if not links:
        notes(bullet.line, "paper has no link; imported without links (add a [[paper]](URL) link)")
    for item in items:
        _apply(listing, item, notes)
    kinds = {item.kind for item in items}
    for kind, missing in _MISSING.items():
        if kind not in kinds:
            notes(bullet.line, missing)
    return listing


def _apply(listing: Listing, item: _Item, notes: Notes) -> None:
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
        notes(item.line, f'line not recognised as authors, key words or digest; not imported: "{shorten(item.text)}"')


def _split_plain(text: str, separator: str) -> list[str]:
    r"""`text` split at each `separator` that is not backslash-escaped (`\;` stays inside a key word)."""
    parts = [""]
    for token in re.findall(r"\\.|[^\\]|\\$", text):
        if token == separator:
            parts.append("")
        else:
            parts[-1] += token
    return parts
