"""Stage 1: the README's lines as tokens, and the Markdown-as-text helpers the later stages share.

A token is a heading, a year mark (a heading, bold line or `<details>` summary that ends in a year),
the end of a `<details>` group, a bullet at the margin with the lines under it, or a prose paragraph;
fenced code yields none. Also here: the link spellings (LABELED_LINK, PLAIN_LINK, TITLE_LINK),
plain_text, unescape and prose, and Notes, where every stage records what it absorbed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.errors import Problem

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_YEAR_TEXT = re.compile(r"^(?:(?P<label>.*?)\s*[:\-–—]\s*)?(?P<year>(?:19|20)[0-9]{2})$")
_BOLD = re.compile(r"^(?:\*\*|__)(?P<text>[^*_]+?)(?:\*\*|__)\s*:?$")
DETAILS = re.compile(r"^<details(?:\s[^>]*)?>\s*<summary>(?P<summary>.*?)</summary>\s*(?P<rest>.*)$", re.I)
_DETAILS_END = re.compile(r"^</details>\s*$", re.I)
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")
_TOP_BULLET = re.compile(r"^[-*+]\s+(?P<text>\S.*)$")
_URL = r"(?P<url>(?:[^()\s]|\([^()\s]*\))+)"  # one level of parentheses, as in Wikipedia URLs
LABELED_LINK = re.compile(r"\[\[(?P<label>[^\[\]]+)\]\]\(" + _URL + r"\)")
PLAIN_LINK = re.compile(r"\[(?P<label>[^\[\]]+)\]\(" + _URL + r"\)")
TITLE_LINK = re.compile(r"^\[(?P<title>[^\[\]]+)\]\(" + _URL + r"\)")
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


@dataclass
class DetailsEnd:
    line: int


@dataclass
class Bullet:
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
        if LABELED_LINK.search(self.text):
            return True
        return not self.in_page_link and any(raw.strip() for _, raw in self.lines)


@dataclass
class Paragraph:
    line: int
    lines: list[str]


Token = Heading | YearMark | DetailsEnd | Bullet | Paragraph


def split_lines(text: str) -> list[str]:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip())


def _year_of(text: str) -> tuple[int, str] | None:
    match = _YEAR_TEXT.match(text.strip())
    return (int(match.group("year")), (match.group("label") or "").strip()) if match else None


def _marker(raw: str, number: int) -> Heading | YearMark | DetailsEnd | None:
    """A line that shapes the structure: a heading, a year mark or the end of a details group."""
    stripped = raw.strip()
    heading = _HEADING.match(raw)
    if heading:
        level, title = len(heading.group(1)), plain_text(heading.group(2))
        year = _year_of(title)
        if year:
            return YearMark(number, year[0], year[1], level, "heading", stripped)
        return Heading(number, level, title)
    if indent(raw) > 0:
        return None
    bold = _BOLD.match(stripped)
    details = DETAILS.match(stripped)
    label = bold.group("text") if bold else details.group("summary") if details and not details.group("rest") else None
    year = _year_of(plain_text(label)) if label else None
    if year:
        return YearMark(number, year[0], year[1], 0, "bold" if bold else "details", stripped)
    if _DETAILS_END.match(stripped):
        return DetailsEnd(number)
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
        if indent(raw) == 0 and not lazy:
            break
        last = index
        index += 1
    return last + 1


def tokenize(lines: list[str]) -> list[Token]:
    tokens: list[Token] = []
    paragraph: list[str] = []
    paragraph_line = 0
    fenced = False
    index = 0

    def flush() -> None:
        if paragraph:
            tokens.append(Paragraph(paragraph_line, list(paragraph)))
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
            tokens.append(Bullet(number, text.strip(), under))
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
    text = PLAIN_LINK.sub(lambda m: m.group("label"), text)
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


class Notes:
    """The warnings of an import, each at its source line; every stage adds to them."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def __call__(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message, "warning"))


def shorten(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
