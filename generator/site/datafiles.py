"""The list as data files beside the pages: for the explorer, for downloads, for feed readers."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from mkdocs.plugins import get_plugin_logger

from generator.list.catalog import Catalog
from generator.model import ENTRY_FIELDS, Entry
from generator.site import indexes
from generator.site.bibtex import bibliography, entry_type
from generator.site.coins import explorer_coins
from generator.site.render import page_name, page_url, prose
from generator.text.digest import UNWRITABLE

log = get_plugin_logger(__name__)
_TAGS = re.compile(r"<[^>]+>")
_SURROGATE = re.compile("[\ud800-\udfff]")
# what a spreadsheet may read as the start of a formula (OWASP's CSV Injection page: = + - @ TAB CR; NUL and
# LF too; the full-width forms, which some spreadsheets take for the ASCII ones), after any leading white space
_FORMULA_START = re.compile(r"[\s\x00]*[=+\-@\uff1d\uff0b\uff0d\uff20\t\r\n\x00]")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
# papers.csv's published column order (scripts read columns by position): the table's csv fields plus
# the paper and code links and the permalink; a field added to the table later gets a column at the end
_CSV_ORDER = ("id", "title", "authors", "venue", "year", "date", "arxiv", "doi", "section", "also_in",
              "keywords", "paper", "code", "url", "added", "digest")
CSV_FIELDS = (*_CSV_ORDER, *(f.name for f in ENTRY_FIELDS if f.csv and f.name not in _CSV_ORDER))
_CSV_ENTRY_FIELDS = tuple(f.name for f in ENTRY_FIELDS if f.csv)


def permalink(entry: Entry, directory_urls: bool = True) -> str:
    """The paper's permalink relative to the site root: `section/#id`."""
    return f"{page_url(page_name(entry.section), directory_urls)}#{entry.id}"


def html_text(fragment: str) -> str:
    """An HTML fragment as the text a reader sees."""
    return html.unescape(_TAGS.sub("", fragment)).strip()


def plain_text(markdown_text: str) -> str:
    """Restricted Markdown (a digest, a section description) as the plain text a reader sees."""
    return html_text(prose(markdown_text))


def digest_text(entry: Entry) -> str:
    return plain_text(entry.digest)


# The explorer's data comes in files of at most this many bytes of UTF-8, newest papers first: explorer.json,
# which its first result waits for, then explorer-1.json, explorer-2.json, ..., which it fetches after
# (issue 11: under 1 MB before the first result at 20 times the list). The list today fits in one.
EXPLORER_FILE_BYTES = 400_000
# a paper's fields left out of the explorer's data when they are empty: docs/assets/explorer.js reads a missing one as empty
_EXPLORER_OPTIONAL = frozenset({"authors", "venue", "keywords", "code", "added"})
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one encoder for the thousands of papers


def explorer_files(catalog: Catalog, directory_urls: bool = True, place: Callable[[Entry], str] | None = None,
                   budget: int = EXPLORER_FILE_BYTES) -> dict[str, str]:
    """What the explorer filters, as files of at most `budget` bytes (explorer_chunks): the sections, the
    years the list spans, and the papers, compact, newest first, key words in canonical spelling; each
    paper's address is where it is shown (`place`: its section's page, or the page of its year), and
    its COinS (`coins`: the ContextObject its section page gives it, less the title and authors the
    explorer fills in from the fields beside it, coins.explorer_coins). A paper's empty fields (no
    authors, venue, key words, code or date added) are left out."""

    def url(e: Entry) -> str:
        return f"{page_url(place(e), directory_urls)}#{e.id}" if place else permalink(e, directory_urls)

    head: dict[str, object] = {"sections": [{"slug": s.slug, "title": s.title} for s in catalog.sections]}
    if catalog.entries:  # the year filters span the whole list from the first result, not only explorer.json's papers
        years = [e.year for e in catalog.entries]
        head["years"] = [min(years), max(years)]
    papers = []
    for e in catalog.entries:
        paper = {
            "id": e.id, "title": e.title, "authors": list(e.authors), "venue": e.venue, "year": e.year,
            "sections": list(e.sections), "keywords": list(e.keywords), "code": e.link("code") is not None,
            "url": url(e), "added": indexes.added_on(e, catalog), "coins": explorer_coins(e),
        }
        papers.append({name: value for name, value in paper.items() if value or name not in _EXPLORER_OPTIONAL})
    return explorer_chunks(head, papers, budget=budget)


def explorer_chunks(head: Mapping[str, object], papers: Sequence[Mapping[str, object]], name: str = "explorer",
                    budget: int = EXPLORER_FILE_BYTES) -> dict[str, str]:
    """The explorer's data as files of at most `budget` bytes of UTF-8, name -> content, in the order the
    explorer reads them. `name`.json holds `head`'s fields, the number of papers (`total`), the names of
    the further files (`chunks`, relative to it) and the first papers; each further file, `name`-1.json,
    `name`-2.json, ..., holds `{"papers": [...]}`: the next ones, in order. A file takes as many papers as
    fit, and at least one: a file over the budget holds a single paper."""
    texts = [_COMPACT.encode(paper) for paper in papers]
    # a lone surrogate takes 3 bytes, as the U+FFFD that _json_file writes in its place does
    sizes = [len(text.encode("utf-8", "surrogatepass")) for text in texts]
    rest_room = budget - len(_json_file({}, []).encode("utf-8"))
    # explorer.json's list of the further files takes room of its own: more files, a longer list, maybe fewer
    # papers beside it. The number of files never shrinks from one round to the next, so this ends; in two
    # rounds as a rule (the first finds how many files, the second that their names leave the room it assumed).
    chunks: list[str] = []
    while True:
        first = {**head, "total": len(papers), "chunks": chunks}
        runs = _runs(sizes, budget - len(_json_file(first, []).encode("utf-8")), rest_room)
        if len(runs) == len(chunks) + 1:
            break
        chunks = [f"{name}-{i}.json" for i in range(1, len(runs))]
    files = {f"{name}.json": _json_file(first, texts[runs[0].start:runs[0].stop])}
    for chunk, run in zip(chunks, runs[1:], strict=True):
        files[chunk] = _json_file({}, texts[run.start:run.stop])
    return files


def _runs(sizes: Sequence[int], first_room: int, room: int) -> list[range]:
    """The items in consecutive runs whose sizes, with a comma between two, fit in `room` bytes (the
    first run in `first_room`); an item that fits nowhere makes a run alone. At least one run."""
    runs: list[range] = []
    start = used = 0
    for i, size in enumerate(sizes):
        if i > start and used + 1 + size > (room if runs else first_room):
            runs.append(range(start, i))
            start = i
        used = size if i == start else used + 1 + size
    runs.append(range(start, len(sizes)))
    return runs


def _json_file(fields: Mapping[str, object], papers: Sequence[str]) -> str:
    """A JSON object: `fields`, then `papers`, a list of the papers given as JSON texts (so that the file's
    length is the sum of theirs, their commas and the rest's)."""
    empty = _COMPACT.encode({**fields, "papers": []})
    return _utf8_text(f"{empty[:-2]}{','.join(papers)}]}}")


def explorer_digests(catalog: Catalog) -> str:
    """The papers' digests as text, by paper id: the explorer fetches them only when a
    reader first searches free text, so its first result waits for the short fields alone."""
    digests = {e.id: digest_text(e) for e in catalog.entries if e.digest}
    return _utf8_text(_COMPACT.encode({"digests": digests}))


def _utf8_text(text: str) -> str:
    """Text UTF-8 can hold: a lone surrogate (which no valid UTF-8 holds) becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def papers_json(catalog: Catalog, directory_urls: bool = True) -> str:
    """The whole list with the guide's field names, plus each paper's permalink."""
    papers = ",\n".join(_paper_json(e, directory_urls) for e in catalog.entries)
    return _utf8_text(f"[\n{papers}\n]" if papers else "[]") + "\n"  # json.dumps(the list, indent=1), made of kept parts


@lru_cache(maxsize=1 << 14)
def _paper_json(e: Entry, directory_urls: bool) -> str:
    """A paper's object in papers.json, indented as one item of the list; kept per entry, for rebuilds.
    Its only line breaks are the indentation's: json.dumps writes a line break in a string as `\\n`."""
    return " " + json.dumps({**e.to_dict(), "url": permalink(e, directory_urls)}, ensure_ascii=False, indent=1).replace("\n", "\n ")


def papers_csv(catalog: Catalog, directory_urls: bool = True) -> str:
    """One row per paper; lists joined with '; ', so a spreadsheet opens it as it is.

    No cell is a formula (CSV injection, OWASP): a text cell whose first character, after any white
    space, is `= + - @`, a full-width one of these, TAB, CR, LF or NUL gets a single quote in front,
    which spreadsheets read as "this is text". A plain number (`-3`, `+2.5`) stays as it is: it is no
    formula and means what it says. None of our own columns starts so (ids, years, dates, arXiv ids,
    DOIs and URLs begin with a letter or digit): only text from an entry (a title, a name, a venue,
    a key word, a digest) can be quoted.
    """
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(CSV_FIELDS)
    return _utf8_text(out.getvalue() + "".join(_csv_row(e, directory_urls) for e in catalog.entries))


@lru_cache(maxsize=1 << 14)
def _csv_row(e: Entry, directory_urls: bool) -> str:
    """A paper's line of papers.csv; kept per entry, for rebuilds."""
    row = {name: _cell(getattr(e, name)) for name in _CSV_ENTRY_FIELDS}
    row = {**row, "paper": e.link("paper") or "", "code": e.link("code") or "", "url": permalink(e, directory_urls)}
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n").writerow({name: inert_cell(value) for name, value in row.items()})
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, tuple):
        return "; ".join(value)
    return "" if value is None else value


def inert_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text, never runs (papers_csv says the rule)."""
    if isinstance(value, str) and _FORMULA_START.match(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


# RIS type of each BibTeX type (bibtex.entry_type decides it from the venue), and the tag that names the venue
RIS_TYPES = {"article": ("JOUR", "JO"), "inproceedings": ("CONF", "T2"), "misc": ("GEN", None)}
# what would end a RIS line early (a reader would take the rest for a tag of its own: `ER  - `), and tabs
_RIS_BREAKS = re.compile("[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")


def ris_value(text: str) -> str:
    """A value on one RIS line: line breaks and tabs become spaces, characters no file should hold are dropped."""
    return UNWRITABLE.sub("", _RIS_BREAKS.sub(" ", text)).strip()


def papers_ris(catalog: Catalog) -> str:
    """One RIS record per paper, for reference managers (Zotero, EndNote, Mendeley): TY from the venue as
    BibTeX decides it (JOUR, CONF, GEN), TI, an AU per author, PY, the venue (JO, or T2 for a conference), DO,
    UR (the paper's link), AB (the digest's text), ER. Every value is one line; an empty one is left out."""
    return "\r\n".join(line for e in catalog.entries for line in ris_record(e))


@lru_cache(maxsize=1 << 14)
def ris_record(e: Entry) -> tuple[str, ...]:
    """A paper's RIS lines, the closing ER and a blank line included; kept per entry, for rebuilds."""
    kind, venue_tag = RIS_TYPES[entry_type(e)]
    tags = [("TY", kind), ("ID", e.id), ("TI", e.title), *(("AU", name) for name in e.authors), ("PY", str(e.year))]
    if venue_tag and e.venue:
        tags.append((venue_tag, e.venue))
    tags += [("DO", e.doi or ""), ("UR", e.link("paper") or ""), ("AB", digest_text(e) if e.digest else "")]
    return (*(f"{tag}  - {value}" for tag, value in ((t, ris_value(v)) for t, v in tags) if value), "ER  - ", "")


def atom_feed(catalog: Catalog, site_url: str, items: int, directory_urls: bool = True) -> str:
    """The latest additions as an Atom feed, one item per paper with its digest.

    XML 1.0 cannot hold every character (C0 controls but TAB, LF and CR; U+FFFE, U+FFFF; lone
    surrogates) and lxml refuses to write them: such a character, and any other control or
    noncharacter, is left out of the feed with a warning that names the file and line (a strict
    build fails on it), never a crash."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    recent = indexes.recent_additions(catalog, items)
    list_title = _xml_text(catalog.info.title, "sections.yaml: title")
    from feedgen.feed import FeedGenerator  # loaded only when the feed is made: a build that keeps its output never needs it

    feed = FeedGenerator()
    feed.id(base)
    feed.title(f"{list_title}: new papers")
    feed.subtitle(f"The latest additions to {list_title}.")
    feed.link(href=base, rel="alternate")
    feed.link(href=f"{base}feed.xml", rel="self")
    feed.language("en")
    newest = max((indexes.added_on(e, catalog) for e in recent), default="") or dt.date.today().isoformat()
    feed.updated(_moment(newest))
    for entry in reversed(recent):  # feedgen puts the last added item first
        item = feed.add_entry()
        url = base + permalink(entry, directory_urls)
        item.id(url)
        item.title(_entry_text(entry, "title", entry.title) or entry.id)  # Atom requires a title
        item.link(href=url)
        added = _moment(indexes.added_on(entry, catalog) or newest)
        item.published(added)
        item.updated(added)
        authors = [_entry_text(entry, f"authors[{i}]", name) for i, name in enumerate(entry.authors)]
        for name in authors:
            if name.strip():
                item.author(name=name)
        for i, keyword in enumerate(entry.keywords):
            if term := _entry_text(entry, f"keywords[{i}]", keyword).strip():
                item.category(term=term)
        if entry.digest:
            item.content(UNWRITABLE.sub("", str(prose(_entry_text(entry, "digest", entry.digest)))), type="html")
        venue = _entry_text(entry, "venue", entry.venue) if entry.venue else ""
        item.summary(f"{indexes.short_authors(tuple(a for a in authors if a.strip()))}. {venue or entry.year}.")
    return str(feed.atom_str(pretty=True).decode("utf-8"))


def _entry_text(entry: Entry, field: str, text: str) -> str:
    return _xml_text(text, f"{entry.path}:{entry.line(field)}: {field}")


def _xml_text(text: str, where: str) -> str:
    """`text` without the characters XML 1.0 (or a reader) cannot take; a warning at `where` for each field that had one."""
    bad = UNWRITABLE.search(text)
    if bad is None:
        return text
    log.warning(f"{where}: the character U+{ord(bad.group()):04X} cannot go into feed.xml and is left out of it; remove it from the entry")
    return UNWRITABLE.sub("", text)


SHORT_NAME = 16  # OpenSearch 1.1: a ShortName of at most 16 characters


def opensearch(catalog: Catalog, site_url: str) -> str:
    """The site's search as an OpenSearch description, which the pages link (overrides/main.html): a browser
    offers it from its address bar, and a query opens the header's search on any page (`?q=`, assets/search.js)."""
    from xml.sax.saxutils import escape, quoteattr

    base = site_url if site_url.endswith("/") else site_url + "/"
    title = UNWRITABLE.sub("", catalog.info.title)  # what XML cannot hold (the feed warns of it)
    short = title[:SHORT_NAME + 1].rsplit(" ", 1)[0] if len(title) > SHORT_NAME and " " in title[:SHORT_NAME + 1] else title[:SHORT_NAME]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">\n'
            f"  <ShortName>{escape(short)}</ShortName>\n"
            f"  <Description>{escape(f'Search {title}: papers, key words and pages')}</Description>\n"
            "  <InputEncoding>UTF-8</InputEncoding>\n"
            f'  <Url type="text/html" method="get" template={quoteattr(base + "?q={searchTerms}")}/>\n'
            "</OpenSearchDescription>\n")


def _moment(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc)


def data_files(catalog: Catalog, site_url: str, feed_items: int, directory_urls: bool = True,
               place: Callable[[Entry], str] | None = None) -> dict[str, str]:
    """Every generated data file: name (relative to the site root) -> content. The downloads give each
    paper's permalink (`section/#id`); the explorer links where the paper is shown (`place`)."""
    return {
        **explorer_files(catalog, directory_urls, place),
        "explorer-digests.json": explorer_digests(catalog),
        "papers.json": papers_json(catalog, directory_urls),
        "papers.csv": papers_csv(catalog, directory_urls),
        "papers.bib": bibliography(catalog.entries),
        "papers.ris": papers_ris(catalog),
        "feed.xml": atom_feed(catalog, site_url, feed_items, directory_urls),
        "opensearch.xml": opensearch(catalog, site_url),
    }
