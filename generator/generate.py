"""Everything a build adds to the docs: the pages and the data files, from one catalog."""

from __future__ import annotations

from generator.catalog import Catalog
from generator.datafiles import data_files
from generator.render import FEED_ITEMS, render_pages

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


def generate(catalog: Catalog, *, templates: str | None = None, directory_urls: bool = True,
             site_url: str | None = None, related: int = 5) -> dict[str, str]:
    """File name (relative to the docs folder) -> content, for every generated page and file."""
    neighbours = {}
    if related:
        from generator.related import related_papers  # scikit-learn loads only when related papers are on

        neighbours = related_papers(catalog, related)
    pages = render_pages(catalog, templates, directory_urls=directory_urls, related=neighbours)
    return {**pages, **data_files(catalog, site_url or DEFAULT_SITE_URL, FEED_ITEMS, directory_urls)}
