"""The list as data files beside the pages: for the explorer, for downloads, for feed readers."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re

from feedgen.feed import FeedGenerator

from generator.site import indexes
from generator.site.bibtex import bibliography
from generator.list.catalog import Catalog
from generator.model import ENTRY_FIELDS, Entry
from generator.site.render import page_name, page_url, prose

_TAGS = re.compile(r"<[^>]+>")
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


def explorer_json(catalog: Catalog, directory_urls: bool = True) -> str:
    """What the explorer filters: compact, newest first, key words in canonical spelling."""
    data = {
        "sections": [{"slug": s.slug, "title": s.title} for s in catalog.sections],
        "papers": [
            {
                "id": e.id, "title": e.title, "authors": list(e.authors), "venue": e.venue, "year": e.year,
                "sections": list(e.sections), "keywords": list(e.keywords), "code": e.link("code") is not None,
                "url": permalink(e, directory_urls), "digest": digest_text(e),
            }
            for e in catalog.entries
        ],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def papers_json(catalog: Catalog, directory_urls: bool = True) -> str:
    """The whole list with the guide's field names, plus each paper's permalink."""
    return json.dumps(
        [{**e.to_dict(), "url": permalink(e, directory_urls)} for e in catalog.entries], ensure_ascii=False, indent=1
    ) + "\n"


def papers_csv(catalog: Catalog, directory_urls: bool = True) -> str:
    """One row per paper; lists joined with '; ', so a spreadsheet opens it as it is."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for e in catalog.entries:
        row = {name: _cell(getattr(e, name)) for name in _CSV_ENTRY_FIELDS}
        writer.writerow({**row, "paper": e.link("paper") or "", "code": e.link("code") or "", "url": permalink(e, directory_urls)})
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, tuple):
        return "; ".join(value)
    return "" if value is None else value


def atom_feed(catalog: Catalog, site_url: str, items: int, directory_urls: bool = True) -> str:
    """The latest additions as an Atom feed, one item per paper with its digest."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    recent = indexes.recent_additions(catalog, items)
    feed = FeedGenerator()
    feed.id(base)
    feed.title(f"{catalog.info.title}: new papers")
    feed.subtitle(f"The latest additions to {catalog.info.title}.")
    feed.link(href=base, rel="alternate")
    feed.link(href=f"{base}feed.xml", rel="self")
    feed.language("en")
    newest = max((indexes.added_on(e, catalog) for e in recent), default="") or dt.date.today().isoformat()
    feed.updated(_moment(newest))
    for entry in reversed(recent):  # feedgen puts the last added item first
        item = feed.add_entry()
        url = base + permalink(entry, directory_urls)
        item.id(url)
        item.title(entry.title)
        item.link(href=url)
        added = _moment(indexes.added_on(entry, catalog) or newest)
        item.published(added)
        item.updated(added)
        for name in entry.authors:
            item.author(name=name)
        for keyword in entry.keywords:
            item.category(term=keyword)
        if entry.digest:
            item.content(str(prose(entry.digest)), type="html")
        item.summary(f"{indexes.short_authors(entry.authors)}. {entry.venue or entry.year}.")
    return str(feed.atom_str(pretty=True).decode("utf-8"))


def _moment(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc)


def data_files(catalog: Catalog, site_url: str, feed_items: int, directory_urls: bool = True) -> dict[str, str]:
    """Every generated data file: name (relative to the site root) -> content."""
    return {
        "explorer.json": explorer_json(catalog, directory_urls),
        "papers.json": papers_json(catalog, directory_urls),
        "papers.csv": papers_csv(catalog, directory_urls),
        "papers.bib": bibliography(catalog.entries),
        "feed.xml": atom_feed(catalog, site_url, feed_items, directory_urls),
    }
