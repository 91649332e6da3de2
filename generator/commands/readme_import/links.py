"""Stage 1: the links of a listing's title line, the one place that knows how lists write them.

Lists of this format write a paper's links after its title as `[[paper]](URL)`; some write
`[[paper](URL)]`, a few a plain `[code](URL)`, and some write the title itself as the paper link,
`[Title](URL) [[code]](URL)`. split_title_line reads all of these; which link is the paper's is
decided here too (PAPER_LABEL, or the title written as a link), and so is whether a line starts a
listing (starts_listing) and whether a bullet carries list links at all (has_list_link).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

PAPER_LABEL = "paper"
_URL = r"(?P<url>(?:[^()\s]|\([^()\s]*\))+)"  # one level of parentheses, as in Wikipedia URLs
_LABEL = r"(?P<label>[^\[\]]+)"
# [[label]](url) | [[label](url)] | [label](url), in that order: the first two are the list's own
_ANY_LINK = re.compile(  # an escaped "\[" (as export-readme writes one in a title) opens no link
    r"(?<!\\)\[\[" + _LABEL + r"\]\]\(" + _URL + r"\)"
    r"|(?<!\\)\[\[(?P<label2>[^\[\]]+)\]\((?P<url2>(?:[^()\s]|\([^()\s]*\))+)\)\]"
    r"|(?<!\\)\[(?P<label3>[^\[\]]+)\]\((?P<url3>(?:[^()\s]|\([^()\s]*\))+)\)"
)
_TITLE_LINK = re.compile(r"^\[(?P<title>[^\[\]]+)\]\(" + _URL + r"\)")
BRACKETED = "[[label]](URL)"
INSIDE_OUT = "[[label](URL)]"
PLAIN = "[label](URL)"


@dataclass(frozen=True)
class Link:
    label: str  # as written
    url: str
    spelling: str  # BRACKETED, INSIDE_OUT or PLAIN
    start: int
    end: int


@dataclass
class TitleLine:
    """A listing's first line taken apart: the title (Markdown, as written) and its links in order."""

    title: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (label as written, URL); a title link is ("paper", URL)
    leftover: str = ""  # text after the links that is no link
    inside_out: list[str] = field(default_factory=list)  # labels written [[label](URL)]


def find_links(text: str) -> list[Link]:
    found = []
    for match in _ANY_LINK.finditer(text):
        if match.group("label") is not None:
            label, url, spelling = match.group("label"), match.group("url"), BRACKETED
        elif match.group("label2") is not None:
            label, url, spelling = match.group("label2"), match.group("url2"), INSIDE_OUT
        else:
            label, url, spelling = match.group("label3"), match.group("url3"), PLAIN
        found.append(Link(label, url, spelling, match.start(), match.end()))
    return found


def has_list_link(text: str) -> bool:
    """A `[[label]]` link in either spelling: outside a year group, what tells a listing from a resource."""
    return any(link.spelling != PLAIN for link in find_links(text))


def starts_listing(text: str) -> bool:
    """A title with a `[[paper]]` link in either spelling is the first line of a listing, however
    indented; a `[[paper]](URL)` alone under a listing is one more link of it."""
    paper = any(link.spelling != PLAIN and is_paper_label(link.label) for link in find_links(text))
    return paper and bool(split_title_line(text).title)


def is_paper_label(label: str) -> bool:
    return label.strip().lower() == PAPER_LABEL


def only_links(text: str) -> list[Link] | None:
    """The links of a line that holds nothing else (`[[code]](URL) [[blog]](URL)`), else None."""
    found = find_links(text)
    rest = text
    for link in reversed(found):
        rest = rest[: link.start] + rest[link.end :]
    return found if found and not rest.strip(" \t.;,|") else None


def split_title_line(text: str) -> TitleLine:
    """`Title. [[paper]](url) [[code]](url)`, `Title. [[paper](url)]` or `[Title](url) [[code]](url)`.

    The title ends where the links begin: at the first link in a double-bracket spelling, or, in a
    line without one, at the first plain link from which on the line holds only links."""
    titled = _TITLE_LINK.match(text)
    if titled:
        links = [(PAPER_LABEL, titled.group("url"))]
        title, rest = titled.group("title"), text[titled.end():]
        found = find_links(rest)
    else:
        found = find_links(text)
        cut = next((i for i, link in enumerate(found) if link.spelling != PLAIN), None)
        if cut is None:
            cut = next((i for i in range(len(found)) if _links_to_the_end(text, found[i:])), None)
        if cut is None:
            return TitleLine(text.strip())
        links = []
        title, rest = text[: found[cut].start], text[found[cut].start:]
        found = find_links(rest)
    leftover = rest
    for link in reversed(found):
        leftover = leftover[: link.start] + " " + leftover[link.end :]
    return TitleLine(
        title.strip(),
        links + [(link.label, link.url) for link in found],
        " ".join(leftover.split()),
        [link.label for link in found if link.spelling == INSIDE_OUT],
    )


def _links_to_the_end(text: str, links: list[Link]) -> bool:
    between = [text[a.end : b.start] for a, b in itertools.pairwise(links)] + [text[links[-1].end :]]
    return all(not part.strip(" \t.;,|\\") for part in between)
