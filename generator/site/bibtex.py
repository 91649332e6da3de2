"""BibTeX for every paper: stable keys (the entry id), types from the venue, LaTeX-escaped text.

bibtexparser builds and writes the entries and pylatexenc (through bibtexparser's
LatexEncodingMiddleware) escapes the text fields; identifiers and URLs are added after the
escaping, because BibTeX wants them verbatim.
"""

from __future__ import annotations

import re
from functools import cache

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import LatexEncodingMiddleware
from bibtexparser.middlewares.parsestack import default_unparse_stack
from bibtexparser.model import Block, Field
from bibtexparser.model import Entry as BibEntry
from bibtexparser.writer import BibtexFormat

from generator.model import Entry

# Venues whose papers appear in proceedings; anything else with a venue is a journal article.
CONFERENCES = frozenset({
    "AAAI", "ACCV", "ACL", "AISTATS", "ALT", "COLING", "COLT", "CoLLAs", "CVPR", "ECCV", "ECML", "EMNLP",
    "ICASSP", "ICCV", "ICLR", "ICML", "IJCAI", "IJCNN", "Interspeech", "KDD", "LoG", "MIDL", "MLSys",
    "NAACL", "NeurIPS", "NIPS", "SIGIR", "UAI", "WACV", "WWW",
})
_PROCEEDINGS_WORDS = re.compile(r"\b(conference|workshop|symposium|proceedings of the \d|meeting)\b", re.IGNORECASE)
_PLAIN_LATEX = re.compile(r"[A-Za-z0-9 ,.:;!?()'/+=@*<>\[\]-]*")
_THESIS = re.compile(r"\bthesis\b", re.IGNORECASE)
_FORMAT = BibtexFormat()  # type: ignore[no-untyped-call]
_FORMAT.indent = "  "


def entry_type(entry: Entry) -> str:
    venue = entry.venue or ""
    if _THESIS.search(venue):
        return "misc"  # a thesis without its school would be an incomplete @phdthesis
    first_word = re.split(r"[\s\d]", venue.strip(), maxsplit=1)[0] if venue else ""
    if first_word in CONFERENCES or _PROCEEDINGS_WORDS.search(venue):
        return "inproceedings"
    return "article" if venue else "misc"


def _text_fields(entry: Entry, kind: str) -> list[Field]:
    fields = [Field("title", entry.title)]
    if entry.authors:
        fields.append(Field("author", " and ".join(entry.authors)))
    if kind == "inproceedings" and entry.venue:
        fields.append(Field("booktitle", entry.venue))
    elif kind == "article" and entry.venue:
        fields.append(Field("journal", entry.venue))
    elif entry.venue:
        fields.append(Field("howpublished", entry.venue))
    fields.append(Field("year", str(entry.year)))
    return fields


def _verbatim(url: str) -> str:
    """URLs keep their characters; braces, which would end a BibTeX value, are percent-encoded."""
    return url.replace("{", "%7B").replace("}", "%7D")


def _verbatim_fields(entry: Entry) -> list[Field]:
    fields = []
    if entry.arxiv:
        fields += [Field("eprint", entry.arxiv), Field("archivePrefix", "arXiv")]
    if entry.doi:
        fields.append(Field("doi", _verbatim(entry.doi)))
    url = entry.link("paper")
    if url:
        fields.append(Field("url", _verbatim(url)))
    return fields


def _needs_latex(fields: list[Field]) -> bool:
    """Text with a LaTeX special character or anything beyond ASCII: most titles have neither."""
    return any(not _PLAIN_LATEX.fullmatch(str(f.value)) for f in fields)


def bibtex_library(entries: list[Entry] | tuple[Entry, ...]) -> Library:
    bib_entries = [BibEntry(entry_type(e), e.id, _text_fields(e, entry_type(e))) for e in entries]
    special: list[Block] = [b for b in bib_entries if _needs_latex(b.fields)]
    if special:  # the encoder is slow: run it only where there is something to encode
        encoded = {b.key: b for b in LatexEncodingMiddleware(keep_math=True, enclose_urls=False).transform(Library(special)).entries}
        bib_entries = [encoded.get(b.key, b) for b in bib_entries]
    blocks: list[Block] = list(bib_entries)
    library = Library(blocks)
    for bib, entry in zip(library.entries, entries, strict=True):
        for field in _verbatim_fields(entry):
            bib.set_field(field)
    return library


def bibtex(entries: list[Entry] | tuple[Entry, ...]) -> str:
    """BibTeX entries in the given order, separated by a blank line, ending in a newline."""
    if not entries:
        return ""
    # the library is ours and thrown away: let the writer's middleware work in place, not on a deep copy
    text: str = bibtexparser.write_string(  # type: ignore[attr-defined]
        bibtex_library(entries), unparse_stack=default_unparse_stack(allow_inplace_modification=True), bibtex_format=_FORMAT)
    return text.strip() + "\n"


@cache
def cite(entry: Entry) -> str:
    """One paper's BibTeX, cached: `mkdocs serve` redoes only the papers that changed."""
    return bibtex([entry])


def bibliography(entries: list[Entry] | tuple[Entry, ...]) -> str:
    """The whole list as one .bib file."""
    return "\n".join(cite(e) for e in entries)
