"""Everything a build adds to the docs: the pages and the data files, from one catalog."""

from __future__ import annotations

import traceback

import jinja2

from generator.list.catalog import Catalog
from generator.site.cards import cards
from generator.site.datafiles import data_files
from generator.site.pages import render_site
from generator.site.render import FEED_ITEMS, INDEX_SPLIT_KB, SPLIT_KB, Site, Slots
from generator.site.store import Store

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


class RenderError(ValueError):
    """A template failed: `template:line: message`, never a traceback."""


def _template_error(exc: jinja2.TemplateError) -> RenderError:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else getattr(exc, "filename", None) or "template"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or exc.name}:{exc.lineno}"
    return RenderError(f"{where}: {exc.message or exc}")


def generate(catalog: Catalog, *, templates: str | None = None, directory_urls: bool = True,
             site_url: str | None = None, related: int = 5, cache_dir: str | None = None,
             slots: Slots | None = None, store: Store | None = None, split_kb: int = SPLIT_KB,
             index_split_kb: int = INDEX_SPLIT_KB) -> tuple[Site, dict[str, str]]:
    """File name (relative to the docs folder) -> content, for every generated page and file; and the
    Site they were made from (its indexes also give the search records). With `slots`, the pages
    hold placeholders for their HTML, which `slots.fill` puts back into the converted page. With
    `store`, papers rendered by an earlier build from the same inputs are reused (never with a
    maintainer's own `templates`, whose inputs the store cannot know). A section whose papers
    would pass `split_kb` KB gets an index and a page per year (or range of years, or part of a year); an index
    (key words, authors, years) whose listing would pass `index_split_kb` KB, a page per run of letters or years."""
    neighbours = {}
    if related:
        from generator.site.related import related_papers  # numpy and scipy load only when related papers are on

        neighbours = related_papers(catalog, related, cache_dir)
    site = Site(catalog, directory_urls, related=neighbours, store=None if templates else store, split_kb=split_kb, index_split_kb=index_split_kb)
    try:
        pages = render_site(site, templates, slots)
    except jinja2.TemplateError as exc:
        raise _template_error(exc) from None
    return site, {**pages, **data_files(catalog, site_url or DEFAULT_SITE_URL, FEED_ITEMS, directory_urls, site.place),
                  **cards(site, site_url or DEFAULT_SITE_URL)}
