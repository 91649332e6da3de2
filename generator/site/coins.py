"""One paper as COinS (ContextObjects in Spans): an OpenURL ContextObject (Z39.88-2004) in KEV form, the
`title` of an empty `<span class="Z3988">`, which Zotero's connector and other reference managers read to
save every paper of a page. One definition for the section pages (templates/coins.html.j2, through the
`coins` global) and the explorer (datafiles.explorer_files gives each paper `explorer_coins`).

The kind is BibTeX's (bibtex.entry_type decides it from the venue): a journal article in the journal format
(genre article); a conference paper in the book format with genre proceeding, the venue as the proceedings'
title (Zotero reads any journal-format object as a journal article, whatever its genre); anything else (a
preprint, a thesis, a blog post) in Dublin Core with rft.type preprint when it has an arXiv id, else document
(Zotero's item types). Every key and value is percent-encoded (urlencode), so no text of an entry can end a
pair, and the template escapes the attribute.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import quote_plus, urlencode

from generator.model import Entry
from generator.site.bibtex import entry_type

VERSION = ("ctx_ver", "Z39.88-2004")


class _Slot(str):
    """A placeholder the explorer fills with a field it already has: kept apart from any text of an entry by type."""


# explorer_coins' placeholders for the paper's title and its authors (one pair each): urlencode writes `{` and `}`
# as %7B and %7D, so no text of an entry reads as one
TITLE, AUTHORS = _Slot("{title}"), _Slot("{authors}")


def coins_pairs(entry: Entry, title: str | None = None, authors: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """The ContextObject's keys and values, in order; `title` and `authors` stand in for the entry's own."""
    title = entry.title if title is None else title
    kind = entry_type(entry)
    if kind == "article":
        pairs = [VERSION, ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"), ("rft.genre", "article"),
                 ("rft.atitle", title), ("rft.jtitle", entry.venue or "")]
        author = "rft.au"
    elif kind == "inproceedings":
        pairs = [VERSION, ("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"), ("rft.genre", "proceeding"),
                 ("rft.atitle", title), ("rft.btitle", entry.venue or "")]
        author = "rft.au"
    else:
        pairs = [VERSION, ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"), ("rft.type", "preprint" if entry.arxiv else "document"),
                 ("rft.title", title), *([("rft.source", entry.venue)] if entry.venue else [])]
        author = "rft.creator"
    pairs += [(author, name) for name in (entry.authors if authors is None else authors)]
    # the entry's date when it is in the paper's year, else the year (first on arXiv in 2016, at ICLR 2017: 2017)
    pairs.append(("rft.date", entry.date if entry.date and entry.date.startswith(str(entry.year)) else str(entry.year)))
    if entry.doi:
        pairs.append(("rft_id", f"info:doi/{entry.doi}"))
    if entry.arxiv:
        pairs.append(("rft_id", f"info:arxiv/{entry.arxiv}"))
    paper = entry.link("paper")
    if paper:
        pairs.append(("rft_id", paper))
    return pairs


@lru_cache(maxsize=1 << 14)
def coins(entry: Entry) -> str:
    """The span's `title`: the ContextObject as a query string (urlencode: spaces as `+`, everything but
    letters, digits and `_.-~` percent-encoded), not yet HTML-escaped."""
    return urlencode(coins_pairs(entry))


@lru_cache(maxsize=1 << 14)
def explorer_coins(entry: Entry) -> str:
    """`coins(entry)` with `{title}` for the title's value and one `key={authors}` where the authors' pairs go:
    explorer.json already holds both, and they are most of the bytes. docs/assets/explorer.js fills them in,
    percent-encoded as urlencode does, which gives back `coins(entry)` exactly."""
    pairs = coins_pairs(entry, TITLE, [AUTHORS])
    return "&".join(f"{quote_plus(key)}={value if isinstance(value, _Slot) else quote_plus(value)}" for key, value in pairs)
