r"""Plain text inside GitHub-flavoured Markdown: what export-readme and the link report write.

Plain text (a title, a name, a key word) must show as typed, never as emphasis, a link, HTML,
math, strikethrough or a table. Every character GitHub Markdown reads as syntax gets a CommonMark
backslash escape, which GitHub shows as the bare character and the importer undoes; the others are
left alone so the Markdown stays readable. GitHub turns `:name:` into an emoji and bare `www.`
addresses into links after parsing, past any escape; neither can run anything.
"""

from __future__ import annotations

import re

# `\` escapes, `` ` `` code, `* _` emphasis, `[ ]` links, `< >` HTML and autolinks, `&` entities,
# `|` tables, `~` strikethrough, `$` GitHub's math
SYNTAX = "\\`*_[]<>&|~$"
# what starts a block at the start of a line: heading, list item, setext underline, ordered list
_BLOCK_START = re.compile(r"^(?:[#+\-=]|[0-9]{1,9}(?=[.)]))")
_UNBALANCED = re.compile(r"[()]")
_ONE_LEVEL = re.compile(r"(?:[^()\s]|\([^()\s]*\))+")


def escape(text: str, *, line_start: bool = False, also: str = "") -> str:
    """`text` as Markdown that shows it literally; `also`: separators of the surrounding format
    (`;` between key words, `,` between authors) escaped too so they stay inside one item."""
    special = SYNTAX + also
    escaped = "".join("\\" + char if char in special else char for char in text)
    if line_start and (start := _BLOCK_START.match(escaped)):
        # a heading mark or bullet is escaped itself; after a number, the dot or parenthesis is
        cut = start.end() if start.group()[0].isdigit() else 0
        escaped = escaped[:cut] + "\\" + escaped[cut:]
    return escaped


def link_destination(url: str) -> str:
    """A URL as a Markdown link destination: parentheses percent-encoded unless they nest
    one level deep, as in Wikipedia addresses (what CommonMark and the importer both read)."""
    if _ONE_LEVEL.fullmatch(url):
        return url
    return _UNBALANCED.sub(lambda m: "%28" if m.group() == "(" else "%29", url)


def heading_anchor(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
