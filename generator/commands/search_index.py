"""`python -m generator search-index SITE_DIR`: the site's Pagefind index, for a site any engine built.

The MkDocs plugin indexes while MkDocs renders. An engine that runs no plugin (Zensical, building the
project `pages --project` writes) builds the site first, and this adds the same index afterwards: one
record per paper, key word and section from the list (generator/site/search.py), and one per
hand-written page from its built HTML, into SITE_DIR/pagefind, where docs/assets/search.js reads it.
"""

from __future__ import annotations

import os
import re

from generator.list.catalog import Catalog
from generator.site import pages
from generator.site.blobs import Blobs
from generator.site.datafiles import html_text
from generator.site.render import Site, page_url
from generator.site.search import SearchIndexer, pack_records, page_record, word_counts

_ARTICLE = re.compile(r'<article\b[^>]*\bclass="[^"]*\bmd-content__inner\b[^"]*"[^>]*>(.*?)</article>', re.DOTALL)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)  # the toc extension's permalinks (¶)
_HEADING = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.DOTALL)
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
SKIPPED = ("404.html",)  # the theme's, not a page of the site


def directory_urls(catalog: Catalog, site_dir: str) -> bool:
    """Whether the site was built with directory URLs (`memorization/`) or without (`memorization.html`)."""
    slug = catalog.sections[0].slug
    if os.path.isfile(os.path.join(site_dir, slug, "index.html")):
        return True
    if os.path.isfile(os.path.join(site_dir, f"{slug}.html")):
        return False
    raise ValueError(f"{site_dir} has no page of the section {slug!r} ({slug}/index.html or {slug}.html): "
                     "build the site of this list first, or name its --entries")


def built_page_records(site_dir: str, skip: set[str], use_directory_urls: bool) -> dict[str, str]:
    """A record per built page whose address is not in `skip` (the generated pages): its title, its article's text."""
    records = {}
    for folder, dirs, names in os.walk(site_dir):
        dirs[:] = sorted(d for d in dirs if folder != site_dir or d not in pages.SITE_FOLDERS)
        for name in sorted(names):
            rel = os.path.relpath(os.path.join(folder, name), site_dir).replace(os.sep, "/")
            if not name.endswith(".html") or rel in SKIPPED:
                continue
            url = rel.removesuffix("index.html") if use_directory_urls else rel
            if url in skip:
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                text = handle.read()
            article = _ARTICLE.search(text)
            if article is None:  # not a page of the theme (a verification file, a redirect)
                continue
            body = _HEADERLINK.sub("", article.group(1))
            heading = _HEADING.search(body)
            if heading:
                body = body[:heading.start()] + body[heading.end():]
            title_tag = _TITLE.search(text)
            title = html_text(heading.group(1)) if heading else html_text(title_tag.group(1)) if title_tag else rel
            records[f"page/{rel}"] = page_record(url, title, body)
    return records


def site_records(catalog: Catalog, site_dir: str) -> dict[str, str]:
    """Every record of the site: the list's (as the plugin makes them) and the hand-written pages'."""
    use_directory_urls = directory_urls(catalog, site_dir)
    site = Site(catalog, use_directory_urls)
    generated = {page_url(name, use_directory_urls) for page in pages.PAGES for name, _ in page.names(site)}
    return {**pages.search_records(site, use_directory_urls), **built_page_records(site_dir, generated, use_directory_urls)}


def index_site(catalog: Catalog, site_dir: str) -> int:
    """Write SITE_DIR/pagefind; the number of records. Raises search.SearchIndexError."""
    records = site_records(catalog, site_dir)
    parent = os.path.dirname(os.path.abspath(site_dir))
    blobs = Blobs(None, parent)
    try:
        SearchIndexer(pack_records(records, blobs), blobs, word_counts(records.values()), parent).finish(site_dir)
    finally:
        blobs.close()
    return len(records)
