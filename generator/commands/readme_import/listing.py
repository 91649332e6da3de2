"""Stage 3: one listing. A bullet and the lines under it become a Listing: the title and labelled
links, the author line (names and venue), key words and digest, each odd layout noted. What a
person meant is repaired where it is clear, and said: a misspelt key-word label ("Ke Word:"),
prose typed into the key-word line (moved to the digest), raw HTML in a digest (written as
Markdown, which `check` accepts, by markup.repair_html). A line it cannot place is reported, never folded silently
into the author line or the digest.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from generator.commands.readme_import.links import PAPER_LABEL, only_links, split_title_line
from generator.commands.readme_import.markup import repair_html
from generator.commands.readme_import.tokens import Bullet, Notes, Token, indent, plain_text, shorten, unescape
from generator.list.identifiers import arxiv_from_url, doi_from_url, normalize_title, slugify
from generator.list.validate import load_schema

_KEYWORD_LABELS = frozenset({"Key Word", "Key Words", "Keyword", "Keywords"})
_KEYWORD_SPELLINGS = ("keyword", "keywords")
_MAX_LABEL_TYPOS = 2  # "Ke Word", "Kew Word", "Key Wrod": one or two letters off
_DIGEST_NAMES = frozenset({"digest", "abstract", "summary", "tl;dr", "tldr"})
_AUTHOR_NAMES = frozenset({"author", "authors", "authorlist"})
_MISSING = {
    "authors": "no author line; imported without authors",
    "keywords": 'no "Key Word:" line; imported without key words',
    "digest": "no digest; imported without one",
}
_KIND_NAMES = {"authors": "author", "keywords": "key words", "digest": "digest", "links": "links", "labelled": "labelled", "other": "unrecognised"}
_SUB_BULLET = re.compile(r"^[-*+](?P<spaces>\s+)(?P<text>.*)$")
_ITEM_DETAILS = re.compile(r"^<details(?:\s[^>]*)?>\s*<summary(?:\s[^>]*)?>(?P<summary>.*?)</summary>\s*(?P<rest>.*)$", re.I)
_LABEL_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ;'’_-]{0,30}?)\s*:(?P<space>\s*)(?P<rest>.*)$")
_CLOSE_ONLY = re.compile(r"^</details>\s*$", re.I)
# an escaped star (`\*`, as export-readme writes one) belongs to the names or the venue, never closes it
_VENUE = re.compile(r"^(?P<names>(?:\\.|[^\\])*?)\s*\*{1,2}(?P<venue>(?:\\.|[^*\\])+)\*{1,2}\s*\.?$")
_AND = re.compile(r"\s+(&|and)\s+|\s*(?<!\\)(&)\s*")  # an escaped "\&" (as export-readme writes one) is part of a name
_LEADING_AND = re.compile(r"^(&|and)\s+")
_LINK_LABEL = re.compile(r"^[a-z][a-z0-9-]{0,29}$")
_KEYWORD_LENGTH: int = load_schema("entry.schema.json")["properties"]["keywords"]["items"]["maxLength"]
_KEYWORD_WORDS = 8  # more words than any key word of the lists of this format has: a sentence
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])")
_HEAD_WORDS = 6  # a key word before the prose starts ("Robustness. We show ...")
_COMMA_ITEM_WORDS = 4  # at most this many words between commas, on average, in key words typed with commas


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
    before: str = ""  # the name of a group such as "2019 and Before", where `year` means that year or an earlier one

    @property
    def arxiv(self) -> str | None:
        paper = self.links.get(PAPER_LABEL)
        return arxiv_from_url(paper) if paper else None

    @property
    def doi(self) -> str | None:
        paper = self.links.get(PAPER_LABEL)
        return doi_from_url(paper) if paper else None


@dataclass
class _Item:
    """One line (with its continuation lines) under a listing's title line."""

    line: int
    kind: str  # "authors", "keywords", "digest", "links", "labelled" (a label or summary it does not know) or "other"
    text: str
    label: str = ""  # the label or details summary as written
    how: str = ""  # "details" or "label": how an author line or digest was marked
    space_after_label: bool = True


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from a to b."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1]


def _label_kind(label: str) -> str | None:
    """What a line's label marks: key words (spelt within two letters of "Keyword(s)"), authors, a digest."""
    key = re.sub(r"[\s_'’-]", "", label).lower()
    if len(label.split()) > 3:
        return None
    if len(key) >= 5 and min(_distance(key, spelling) for spelling in _KEYWORD_SPELLINGS) <= _MAX_LABEL_TYPOS:
        return "keywords"
    if key in _AUTHOR_NAMES:
        return "authors"
    return "digest" if key in _DIGEST_NAMES else None


def _classify(body: str, sub: bool) -> _Item:
    details = _ITEM_DETAILS.match(body)
    if details:
        summary = plain_text(details.group("summary"))
        if summary.lower() in _DIGEST_NAMES:
            return _Item(0, "digest", details.group("rest"), summary, "details")
        if summary.lower().startswith("author"):
            return _Item(0, "authors", details.group("rest"), summary, "details")
        return _Item(0, "labelled", body, summary, "details")
    labelled = _LABEL_LINE.match(body)
    if labelled:
        label, rest = labelled.group("label").strip(), labelled.group("rest")
        kind = _label_kind(label)
        if kind == "keywords":
            return _Item(0, "keywords", rest, label, "label", bool(labelled.group("space")))
        if kind and sub:  # unbulleted, "Summary: ..." may be a line of the digest above
            return _Item(0, kind, rest, label, "label")
        if sub:
            return _Item(0, "links", rest, label, "label") if only_links(rest) else _Item(0, "labelled", body, label, "label")
    if sub and only_links(body):
        return _Item(0, "links", body)
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
        if _CLOSE_ONLY.match(body) and indent(raw) <= bullet.indent:
            notes(number, '"</details>" at the margin closes a <details> of the listing above; read as part of the listing '
                          "(indent it under the listing: at the margin, GitHub reads it as the end of the year group)")
        sub = _SUB_BULLET.match(body)
        if sub:
            body = sub.group("text").strip()
        item = _classify(body, bool(sub))
        item.line = number
        has = {i.kind for i in items}
        if (item.kind == "other" and (not sub or "digest" in has)) or (item.kind == "labelled" and not sub):
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
        if indent(raw) - bullet.indent != indent_unit:
            notes(number, f"{name} line is indented {indent(raw)} spaces instead of {bullet.indent + indent_unit}; "
                          "read as part of the entry above")
        items.append(item)
    return title_line, items


def indent_unit_of(tokens: list[Token]) -> int:
    """How far this list indents the lines under a listing (2 for most lists)."""
    counts = Counter(
        indent(raw) - t.indent for t in tokens if isinstance(t, Bullet) for _, raw in t.lines
        if _SUB_BULLET.match(raw.strip())
    )
    return counts.most_common(1)[0][0] if counts else 2


def _title_and_links(text: str, line: int, notes: Notes) -> tuple[str, dict[str, str]]:
    """`Title. [[paper]](url) [[code]](url)` or `[Title](url) ...`: the title and labelled links."""
    parts = split_title_line(text)
    if parts.leftover:
        notes(line, f'text after the links is not a link and was left out: "{shorten(parts.leftover)}"')
    for label in parts.inside_out:
        notes(line, f'link written [[{label}](URL)]; read as [[{label}]](URL)')
    title = parts.title
    if title.endswith("."):
        title = title[:-1].rstrip()
    return unescape(title), _labelled(parts.links, line, notes)


def _labelled(found: list[tuple[str, str]], line: int, notes: Notes, links: dict[str, str] | None = None) -> dict[str, str]:
    links = {} if links is None else links
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
    """Names in order and the venue of an author line `A, B. *Venue*`: names separated by commas,
    or by ";" (when the line has one), with " and " and "&" joining the last two or any two."""
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
        joined = [p for p in _AND.split(part) if p is not None]
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


def _is_prose(word: str) -> bool:
    return len(word) > _KEYWORD_LENGTH or len(word.split()) > _KEYWORD_WORDS


def _keywords(item: _Item, notes: Notes) -> tuple[list[str], str]:
    """The key words of a key-word line, and the prose typed into it (from the first "key word"
    that is a sentence on; a short key word before that sentence's start stays a key word)."""
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
    parts = _split_plain(text, ";")
    commas = _split_plain(text, ",")
    if len(parts) == 1 and len(commas) > 1 and len(text.split()) <= _COMMA_ITEM_WORDS * len(commas):
        # a list typed with commas (a sentence has longer stretches between them): each key word on its own
        separator = ","
        parts = commas
        notes(item.line, 'key words separated by "," instead of ";"; split at ","')
    first_prose = next((i for i, part in enumerate(parts) if _is_prose(part.strip())), None)
    prose = ""
    if first_prose is not None:
        sentence = parts[first_prose].strip()
        end = _SENTENCE_END.search(sentence)
        head = sentence[: end.start()] if end else ""
        if head and len(head.split()) <= _HEAD_WORDS:
            sentence = sentence[end.end():] if end else sentence
        else:
            head = ""
        prose = f"{separator} ".join([sentence, *(p.strip() for p in parts[first_prose + 1:])]).strip()
        prose += "" if prose.endswith(("?", "!")) else "."  # the line's final period, taken off above
        parts = [*parts[:first_prose], head]
    words: list[str] = []
    for word in (unescape(w.strip()) for w in parts):
        if word and word in words:
            notes(item.line, f'key word "{word}" repeated; kept once')
        elif word:
            words.append(word)
    return words, prose


def _digest(text: str) -> str:
    return re.sub(r"\s*</details>\s*$", "", text.strip(), flags=re.I).strip()


def parse_listing(
    bullet: Bullet, section: str, year: int | None, indent_unit: int, notes: Notes, before: str = ""
) -> Listing | None:
    title_line, items = _items(bullet, indent_unit, notes)
    title, links = _title_and_links(title_line, bullet.line, notes)
    if not title:
        notes.refuse(bullet.line, "listing has no title; not imported (write the title before the links)")
        return None
    listing = Listing(bullet.line, section, year, title, links=links, before=before)
    prose = [(item, _apply(listing, item, notes)) for item in items]
    for item, text in prose:  # after the digest, which it follows
        if text:
            where = "added to the digest as a paragraph of its own" if listing.digest else "moved to the digest"
            notes(item.line, f'key words line holds prose, not key words ({len(text)} characters: "{shorten(text, 60)}"); {where}')
            listing.digest = f"{listing.digest}\n\n{text}" if listing.digest else text
    if not listing.links:
        notes(bullet.line, "paper has no link; imported without links (add a [[paper]](URL) link)")
    if listing.digest:
        listing.digest, done = repair_html(listing.digest)
        if done:
            notes(next((i.line for i in items if i.kind == "digest"), bullet.line), f"digest had {done}")
    kinds = {item.kind for item in items} | ({"digest"} if listing.digest else set())  # prose from the key-word line is one
    for kind, missing in _MISSING.items():
        if kind not in kinds:
            notes(bullet.line, missing)
    return listing


def _apply(listing: Listing, item: _Item, notes: Notes) -> str:
    """The item's content put in the listing; prose found in a key-word line is returned, for the digest."""
    if item.kind == "authors":
        if item.how == "details":
            notes(item.line, f'authors are inside a <details> block ("{item.label}"); read as the author line')
        elif item.how == "label":
            notes(item.line, f'author line starts with "{item.label}:"; read as the author line')
        if listing.authors or listing.venue:
            notes(item.line, "second author line; its names are added to the first")
        names, venue = _authors(item.text, item.line, notes)
        listing.authors += names
        listing.venue = listing.venue or venue
    elif item.kind == "keywords":
        words, prose = _keywords(item, notes)
        listing.keywords += [k for k in words if k not in listing.keywords]
        return prose
    elif item.kind == "digest":
        if item.how == "label":
            notes(item.line, f'digest written as "{item.label}:" instead of a <details> block; read as the digest')
        digest = _digest(item.text)
        if listing.digest and digest:
            notes(item.line, "second digest; appended to the first after a blank line")
            listing.digest += "\n\n" + digest
        elif digest:
            listing.digest = digest
    elif item.kind == "links":
        found = only_links(item.text) or []
        notes(item.line, f"links on a line of their own under the title ({', '.join(link.label for link in found)}); added to the listing's links")
        _labelled([(link.label, link.url) for link in found], item.line, notes, listing.links)
    elif item.kind == "labelled" and item.how == "details":
        notes(item.line, f'<details> block "{item.label}" is not authors or a digest; not imported: "{shorten(item.text)}"')
    elif item.kind == "labelled":
        notes(item.line, f'line labelled "{item.label}:" is not authors, key words or digest; not imported: "{shorten(item.text)}"')
    else:
        notes(item.line, f'line not recognised as authors, key words or digest; not imported: "{shorten(item.text)}"')
    return ""


def _split_plain(text: str, separator: str) -> list[str]:
    r"""`text` split at each `separator` that is not backslash-escaped (`\;` stays inside a key word)."""
    parts = [""]
    for token in re.findall(r"\\.|[^\\]|\\$", text):
        if token == separator:
            parts.append("")
        else:
            parts[-1] += token
    return parts
