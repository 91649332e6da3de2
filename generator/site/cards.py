"""A card per paper: a small page of its own, `p/<id>/`, for whatever reads a page's metadata rather
than the page: link previews (Open Graph, Twitter), Google Scholar and reference managers such as
Zotero's connector (the `citation_*` tags). A reader who opens one is forwarded to the paper's place in
its section by docs/assets/card.js; `?stay` keeps the card.

The card is a standalone HTML file (templates/card.html.j2), not a page of the theme: MkDocs copies it
as it is, so it is in neither the navigation, the sitemap nor the search index. Its body goes through
the sanitizer like every generated page, and sits in the `<article>` the site scan reads.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from generator.model import Entry
from generator.site.bibtex import entry_type
from generator.site.blobs import Blobs
from generator.site.datafiles import digest_text
from generator.site.render import Site, make_environment, relative_url
from generator.site.store import memo_key
from generator.text.digest import UNWRITABLE

FOLDER = "p"  # pages.SITE_FOLDERS has it: no section may take the name
DESCRIPTION = 300  # characters of the digest a link preview gets at most
ARXIV_PDF = "https://arxiv.org/pdf/{}"


def card_file(entry_id: str, directory_urls: bool = True) -> str:
    """The card's file, relative to the site root: one flat folder of files, whatever the site's
    addresses (a folder per card would cost a folder per paper at every build and every preview)."""
    return f"{FOLDER}/{entry_id}.html"


def card_url(entry_id: str, directory_urls: bool = True) -> str:
    """The card's address, relative to the site root (entry.html.j2's "Copy link" spells the same)."""
    return card_file(entry_id, directory_urls)


def meta_text(text: str) -> str:
    """Text for a meta tag: one line, without the characters no page should hold."""
    return " ".join((text if text.isprintable() else UNWRITABLE.sub("", text)).split())  # isprintable: the common case, in C


def description(entry: Entry) -> str:
    """What a link preview says of the paper: the digest's text, cut at a word near DESCRIPTION characters."""
    text = meta_text(digest_text(entry)) if entry.digest else ""
    if not text:
        return meta_text(", ".join(entry.authors) + f" ({entry.venue or entry.year})")
    if len(text) <= DESCRIPTION:
        return text
    return text[:DESCRIPTION].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def publication_date(entry: Entry) -> str:
    """Google Scholar's spelling (2020/03/16, 2020/03 or 2020): the entry's date when it is in the paper's
    year, else the year (a paper first on arXiv in 2016 and published at ICLR 2017 is of 2017)."""
    if entry.date and entry.date.startswith(str(entry.year)):
        return entry.date.replace("-", "/")
    return str(entry.year)


def pdf_url(entry: Entry) -> str | None:
    """A link of the entry that is a PDF (its paper link first), else arXiv's PDF of it."""
    links = sorted(entry.links, key=lambda link: link[0] != "paper")
    found = next((url for _, url in links if url.split("?")[0].split("#")[0].lower().endswith(".pdf")), None)
    return found or (ARXIV_PDF.format(entry.arxiv) if entry.arxiv else None)


def citation_meta(entry: Entry, url: str) -> list[tuple[str, str]]:
    """The `citation_*` meta tags Google Scholar (and Zotero's connector) read: (name, content) in order.
    Journal or conference as BibTeX decides from the venue (bibtex.entry_type)."""
    tags = [("citation_title", entry.title), *(("citation_author", name) for name in entry.authors),
            ("citation_publication_date", publication_date(entry)), ("citation_year", str(entry.year))]
    kind = entry_type(entry)
    if entry.venue and kind in ("article", "inproceedings"):
        tags.append(("citation_journal_title" if kind == "article" else "citation_conference_title", entry.venue))
    if entry.arxiv:
        tags.append(("citation_arxiv_id", entry.arxiv))
    if entry.doi:
        tags.append(("citation_doi", entry.doi))
    pdf = pdf_url(entry)
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    tags.append(("citation_abstract_html_url", url))
    return [(name, meta_text(value)) for name, value in tags if meta_text(value)]


def social_meta(entry: Entry, url: str, list_title: str, text: str) -> list[tuple[str, str]]:
    """Open Graph (property=) and Twitter card (name=) tags, `text` the description: (key, content) in order."""
    title = meta_text(entry.title)
    return [("og:type", "article"), ("og:site_name", meta_text(list_title)), ("og:title", title), ("og:description", text),
            ("og:url", url), ("twitter:card", "summary"), ("twitter:title", title), ("twitter:description", text)]


def _absolute(url: str) -> bool:
    """An address MkDocs' `url` filter leaves as it is: with a scheme, or from the server's root."""
    return url.startswith("/") or bool(urlsplit(url).scheme)


def cards(site: Site, site_url: str, blobs: Blobs | None = None, compiled: str | None = None,
          favicon: str | None = None) -> dict[str, str]:
    """File name (relative to the site root) -> HTML, one card per paper; with `blobs`, its digest there
    (the card written to it). With `site.store`, a card made by an earlier build from the same inputs is
    reused (its digest, while `blobs` has the file). `favicon`: the theme's icon (a file of the site, or an
    address), which a card links as the theme's pages do: a standalone page has no theme to add it."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    catalog, urls = site.catalog, site.directory_urls
    titles = {s.slug: s.title for s in catalog.sections}
    env = make_environment(compiled=compiled)
    template = env.get_template("card.html.j2")

    def render(entry: Entry, name: str) -> str:
        url = base + card_url(entry.id, urls)

        def link(to_name: str, anchor: str | None = None) -> str:
            return relative_url(name, to_name, anchor, urls)

        text = description(entry)
        return template.render(
            entry=entry, info=catalog.info, section=titles[entry.section], link=link, place=site.place(entry),
            social=social_meta(entry, url, catalog.info.title, text), citation=citation_meta(entry, url), description=text,
            url=url, year=str(entry.year), favicon=favicon and (favicon if _absolute(favicon) else link(favicon)),
        )

    def written(entry: Entry, name: str) -> str:
        html = render(entry, name)
        return html if blobs is None else blobs.put(html.encode("utf-8", "surrogatepass"))

    made = {}
    for entry in catalog.entries:
        name = card_file(entry.id, urls)
        if site.store is None:
            made[name] = written(entry, name)
        else:
            key = memo_key(("card", base, urls, blobs is None, favicon, entry, site.place(entry), titles[entry.section], catalog.info.title))
            made[name] = site.store.get(key, functools.partial(written, entry, name), valid=None if blobs is None else blobs.has)
    return made
