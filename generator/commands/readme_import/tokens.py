"""Stage 1: the README's lines as tokens, and the Markdown-as-text helpers the later stages share.

A token is a heading, a year mark (a heading, bold line or `<details>` summary that names a year,
or a range such as "2019 and Before"), another `<details>` group, the end of a `<details>` group,
a bullet with the lines under it, or a prose paragraph. A bullet starts a listing at any
indentation (Markdown allows up to three spaces; more is reported later, never dropped), and a line
with a `[[paper]]` link indented under a listing starts a listing of its own. In fenced code, only
bullets with links are kept, marked fenced, so that they are reported rather than lost.
Also here: plain_text, unescape and prose, and Notes, where every stage records what it absorbed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.commands.readme_import.links import find_links, has_list_link, split_title_line, starts_listing
from generator.errors import Problem

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_YEAR_TEXT = re.compile(
    r"^(?:(?P<label>.*?)\s*[:\-–—]\s*)?(?P<year>(?:19|20)[0-9]{2})"
    r"(?:(?:\s+(?:and|or)\s+|\s*&\s*)(?P<before>before|earlier|older|prior))?$",
    re.I,
)
_BOLD = re.compile(r"^(?:\*\*|__)(?P<text>[^*_]+?)(?:\*\*|__)\s*:?$")
# a `<details>` group at the margin: the summary on its line or on the next one, nothing else
_DETAILS_OPEN = re.compile(r"^<details(?:\s[^>]*)?>\s*(?P<after>.*)$", re.I)
_SUMMARY_ONLY = re.compile(r"^<summary(?:\s[^>]*)?>(?P<summary>.*?)</summary>\s*$", re.I)
_DETAILS_END = re.compile(r"^</details>\s*$", re.I)
_OPENS = re.compile(r"<details\b", re.I)
_CLOSES = re.compile(r"</details\s*>", re.I)
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")
_BULLET = re.compile(r"^\s*[-*+]\s+(?P<text>\S.*)$")
_MAX_MARGIN = 3  # what Markdown still reads as the margin: block markup may be indented up to three spaces
_PLAIN_LINK = re.compile(r"\[(?P<label>[^\[\]]+)\]\((?:[^()\s]|\([^()\s]*\))+\)")
_ANCHOR_LINK = re.compile(r"^\[[^\]]*\]\(#")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark backslash escapes: ASCII punctuation only
_LINKED_IMAGE = re.compile(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]+>")


@dataclass
class Heading:
    line: int
    level: int
    title: str  # markdown stripped


@dataclass
class YearMark:
    line: int
    year: int
    label: str  # what precedes the year: "Empirical Study" in "Empirical Study: 2024"
    level: int  # heading level; 0 for a bold line or a details summary
    kind: str  # "heading", "bold" or "details"
    text: str
    before: bool = False  # "2019 and Before": the year or any earlier one
    name: str = ""  # the group's name as shown: "Survey: 2019 and Before"


@dataclass
class Group:
    """A `<details>` group whose summary names no year ("Older papers"): its listings keep the year around it."""

    line: int
    summary: str


@dataclass
class DetailsEnd:
    line: int


@dataclass
class Bullet:
    line: int
    text: str
    lines: list[tuple[int, str]]  # the lines under it, raw, with their numbers
    indent: int = 0
    fenced: bool = False  # inside a fenced code block: an example, never a listing
    bare: bool = False  # a title line with a [[paper]] link but no "- " bullet
    inside: int | None = None  # the line of the listing it is indented under, for a listing nested in another

    @property
    def in_page_link(self) -> bool:
        return bool(_ANCHOR_LINK.match(self.text))

    @property
    def looks_like_paper(self) -> bool:
        """Outside a year group, a paper listing has a [[label]] link or lines under it;
        a bare `[Blog](url)` bullet is a resource, an in-page link a table of contents."""
        if has_list_link(self.text):
            return True
        return not self.in_page_link and any(raw.strip() for _, raw in self.lines)


@dataclass
class Paragraph:
    line: int
    lines: list[str]


Token = Heading | YearMark | Group | DetailsEnd | Bullet | Paragraph


@dataclass
class _Marker:
    token: Heading | YearMark | Group | DetailsEnd
    end: int  # index of the line after it (a details group may take its summary from the next line)


def split_lines(text: str) -> list[str]:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip())


def year_of(text: str) -> tuple[int, str, bool] | None:
    """(year, label, before) of a year group's name: "2024", "Survey: 2024", "Survey: 2019 and Before"."""
    match = _YEAR_TEXT.match(text.strip())
    if not match:
        return None
    return int(match.group("year")), (match.group("label") or "").strip(), bool(match.group("before"))


def _details_group(lines: list[str], index: int) -> _Marker | None:
    """`<details><summary>S</summary>` or `<details>` with `<summary>S</summary>` on the next line."""
    opened = _DETAILS_OPEN.match(lines[index].strip())
    if not opened:
        return None
    after, end, summary_line = opened.group("after"), index + 1, lines[index].strip()
    if not after:
        following = next((i for i in range(index + 1, min(index + 3, len(lines))) if lines[i].strip()), None)
        if following is not None and _SUMMARY_ONLY.match(lines[following].strip()):
            after, end, summary_line = lines[following].strip(), following + 1, lines[following].strip()
    summary = _SUMMARY_ONLY.match(after)
    if after and not summary:
        return None  # `<details><summary>Digest</summary> text`: prose, not a group
    name = plain_text(summary.group("summary")) if summary else ""
    year = year_of(name)
    if year:
        return _Marker(YearMark(index + 1, year[0], year[1], 0, "details", summary_line, year[2], name), end)
    return _Marker(Group(index + 1, name), end)


def _marker(lines: list[str], index: int) -> _Marker | None:
    """A line that shapes the structure: a heading, a year mark, a details group or its end."""
    raw = lines[index]
    stripped, number = raw.strip(), index + 1
    heading = _HEADING.match(raw)
    if heading:
        level, title = len(heading.group(1)), plain_text(heading.group(2))
        year = year_of(title)
        if year:
            return _Marker(YearMark(number, year[0], year[1], level, "heading", stripped, year[2], title), index + 1)
        return _Marker(Heading(number, level, title), index + 1)
    if indent(raw) > _MAX_MARGIN:
        return None
    bold = _BOLD.match(stripped)
    name = plain_text(bold.group("text")) if bold else ""
    year = year_of(name) if bold else None
    if year:
        return _Marker(YearMark(number, year[0], year[1], 0, "bold", stripped, year[2], name), index + 1)
    if _DETAILS_END.match(stripped):
        return _Marker(DetailsEnd(number), index + 1)
    return _details_group(lines, index)


def _bullet(raw: str) -> re.Match[str] | None:
    """`- `, `* ` or `+ ` and text; `* * *` is a rule, not a bullet."""
    return None if _RULE.match(raw) else _BULLET.match(raw)


def _bare_listing(raw: str) -> bool:
    """A paragraph's first line that is a title and its links and nothing else: a listing without its "- "."""
    return indent(raw) <= _MAX_MARGIN and starts_listing(raw.strip()) and not split_title_line(raw.strip()).leftover


def _open_details(lines: list[str]) -> bool:
    text = "\n".join(lines)
    return len(_OPENS.findall(text)) > len(_CLOSES.findall(text))


def _block_end(lines: list[str], start: int) -> tuple[int, bool]:
    """Index after the last line of the bullet at `start`, and whether a listing nested in it comes
    next: lines indented further than the bullet, across blank lines; unindented lines that directly
    continue it (Markdown's lazy continuation); a `</details>` right under it that closes a
    `<details>` it opened. A line with a `[[paper]]` link starts a listing of its own."""
    base = indent(lines[start])
    titled = has_list_link(lines[start])  # a line with a [[paper]] link after this one is another listing, not the title's end
    last = start
    index = start + 1
    while index < len(lines):
        raw = lines[index]
        if not raw.strip():
            index += 1
            continue
        if _FENCE.match(raw):
            break
        bullet = _bullet(raw)
        if bullet and starts_listing(bullet.group("text")):
            return index, indent(raw) > base
        if not bullet and titled and _bare_listing(raw):
            break
        if indent(raw) > base:
            last = index
            index += 1
            continue
        next_to_it = index == last + 1
        if next_to_it and _DETAILS_END.match(raw.strip()) and _open_details(lines[start:index]):
            last = index
            index += 1
            continue
        if bullet or _marker(lines, index):
            break
        if not next_to_it or _IMAGE.match(raw.strip()) or raw.lstrip().startswith("<"):
            break
        last = index
        index += 1
    return last + 1, False


def tokenize(lines: list[str]) -> list[Token]:
    tokens: list[Token] = []
    paragraph: list[str] = []
    paragraph_line = 0
    fenced = False
    nested_in: int | None = None
    index = 0

    def flush() -> None:
        if paragraph:
            tokens.append(Paragraph(paragraph_line, list(paragraph)))
            paragraph.clear()

    while index < len(lines):
        raw, number = lines[index], index + 1
        inside, nested_in = nested_in, None
        if _FENCE.match(raw):  # code blocks hold examples, never listings; bullets with links are kept to be reported
            flush()
            fenced = not fenced
        elif fenced:
            bullet = _bullet(raw)
            if bullet and indent(raw) <= _MAX_MARGIN and find_links(bullet.group("text")):
                tokens.append(Bullet(number, bullet.group("text").strip(), [], indent(raw), fenced=True))
        elif not raw.strip():
            flush()
        elif marker := _marker(lines, index):
            flush()
            tokens.append(marker.token)
            index = marker.end
            continue
        elif (bullet := _bullet(raw)) or (not paragraph and _bare_listing(raw)):
            flush()
            end, nested = _block_end(lines, index)
            under = [(n + 1, lines[n]) for n in range(index + 1, end)]
            text = bullet.group("text") if bullet else raw
            tokens.append(Bullet(number, text.strip(), under, indent(raw), inside=inside, bare=not bullet))
            nested_in = number if nested else None
            index = end
            continue
        else:
            if not paragraph:
                paragraph_line = number
            paragraph.append(raw)
        index += 1
    flush()
    return tokens


def plain_text(markdown: str) -> str:
    """Heading text without badges, images, HTML, link targets or emphasis markers."""
    text = _LINKED_IMAGE.sub("", markdown)
    text = _IMAGE.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = _PLAIN_LINK.sub(lambda m: m.group("label"), text)
    text = re.sub(r"\*\*|__|`", "", text)
    return unescape(" ".join(text.split()))


def unescape(text: str) -> str:
    r"""Plain text as Markdown shows it: `\*` is a star (export-readme escapes what GitHub would interpret)."""
    return _ESCAPED.sub(r"\1", text)


def prose(paragraph: Paragraph) -> str | None:
    """A paragraph as one line of Markdown, links kept; None when it is only images or HTML."""
    text = " ".join(line.strip() for line in paragraph.lines)
    text = _HTML_TAG.sub("", _IMAGE.sub("", _LINKED_IMAGE.sub("", text)))
    text = " ".join(text.split())
    return text if re.search(r"\w", text) else None


@dataclass
class Notes:
    """What an import found, each at its source line: the irregularities every stage absorbed
    (warnings), and the listings that cannot become entries (errors, unless the user skips them)."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    unimportable: list[Problem] = field(default_factory=list)

    def __call__(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message, "warning"))

    def refuse(self, line: int, message: str) -> None:
        self.unimportable.append(Problem(self.source, line, message, "error"))


def shorten(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
