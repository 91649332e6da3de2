"""Render the catalog to Markdown pages and data files, with no MkDocs needed.

Any engine can use the result: MkDocs through the plugin, another engine through `pages`.
Autoescape is on. Titles, authors, key words and venues are plain text: HTML-escaped everywhere,
and Markdown-escaped where they land in Markdown (headings, link texts). Digests and descriptions
go through the restricted digest renderer and arrive as finished HTML.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import jinja2
from markupsafe import Markup

from generator.list.catalog import Catalog
from generator.list.identifiers import normalize_title
from generator.model import Entry, papers
from generator.site import indexes
from generator.site.bibtex import cite
from generator.text.digest import render_digest

TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), "templates")
RECENT = 50  # papers on the What's new page
FEED_ITEMS = 100  # items in the Atom feed
# HTML's own characters become entities; Python-Markdown unescapes a backslash before its syntax
# characters; the syntax characters of Markdown extensions (~ ^ = $ |) become numeric entities
_HTML_CHARS = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;"}
_PLAIN_TEXT = re.compile(r"[<>&\"'\\`*_{}\[\]()#+\-.!~^=$|]")


def _plain_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _HTML_CHARS:
        return _HTML_CHARS[char]
    return f"&#{ord(char)};" if char in "~^=$|" else "\\" + char


def md_text(value: object) -> Markup:
    """Plain text that stays plain text inside Markdown: no emphasis, links, attributes or HTML."""
    return Markup(_PLAIN_TEXT.sub(_plain_char, str(value)))


def page_name(slug: str) -> str:
    return f"{slug}.md"


@cache
def prose(text: str) -> Markup:
    """Digest Markdown to HTML, cached: `mkdocs serve` re-renders only what changed."""
    return render_digest(text)


def page_url(name: str, directory_urls: bool) -> str:
    """The URL of a generated page or file, relative to the site root, as MkDocs makes it."""
    if not name.endswith(".md"):
        return name
    stem = name[:-3]
    if not directory_urls:
        return f"{stem}.html"
    return "" if stem == "index" else f"{stem}/"


def relative_url(from_page: str, to_name: str, anchor: str | None, directory_urls: bool) -> str:
    """A link from one generated page to a page or data file, with an optional anchor."""
    suffix = f"#{anchor}" if anchor else ""
    if from_page == to_name and anchor:
        return suffix
    return _relative_page(from_page, to_name, directory_urls) + suffix


@cache
def _relative_page(from_page: str, to_name: str, directory_urls: bool) -> str:
    source = page_url(from_page, directory_urls)
    source_dir = source.rstrip("/") if source.endswith("/") else posixpath.dirname(source)
    target = page_url(to_name, directory_urls)
    url = posixpath.relpath(target.rstrip("/") or ".", source_dir or ".")
    if target.endswith("/") or not target:
        url = "./" if url == "." else url + "/"
    return url


@dataclass
class Site:
    """Everything the templates need besides the catalog, computed once per build."""

    catalog: Catalog
    directory_urls: bool = True
    keyword_groups: list[indexes.KeywordGroup] = field(init=False)
    keyword_anchor: dict[str, str] = field(init=False)
    authors: list[indexes.Author] = field(init=False)
    author_anchor: dict[str, str] = field(init=False)
    related: dict[str, list[Entry]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.keyword_anchor = indexes.keyword_anchors(self.catalog)
        self.keyword_groups = indexes.keyword_index(self.catalog, self.keyword_anchor)
        self.authors = indexes.author_index(self.catalog)
        self.author_anchor = indexes.author_anchors(self.authors)

    def linker(self, page: str) -> Callable[..., str]:
        def link(to_name: str, anchor: str | None = None) -> str:
            return relative_url(page, to_name, anchor, self.directory_urls)

        return link

    def author_link(self, page: str, name: str) -> str:
        return relative_url(page, "authors.md", self.author_anchor[normalize_title(name)], self.directory_urls)


def make_environment(override_dir: str | None = None) -> jinja2.Environment:
    """Templates from `override_dir` first (a maintainer's own), then the package's."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(TEMPLATE_DIR)]
    if override_dir:
        loaders.insert(0, jinja2.FileSystemLoader(override_dir))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md_text"] = md_text
    env.filters["prose"] = prose
    env.filters["short_authors"] = indexes.short_authors
    env.filters["papers"] = papers
    env.globals["page_name"] = page_name
    env.globals["cite"] = cite
    return env


def render_page(env: jinja2.Environment, site: Site, template: str, page: str, **context: object) -> str:
    catalog = site.catalog
    titles = {s.slug: s.title for s in catalog.sections}

    def entry_html(entry: Entry) -> Markup:
        return Markup(env.get_template("entry.html.j2").render(
            entry=entry, site=site, page=page, link=site.linker(page), titles=titles,
            author_link=lambda name: site.author_link(page, name),
        ))

    return env.get_template(template).render(
        catalog=catalog, info=catalog.info, site=site, page=page, link=site.linker(page), titles=titles,
        entry_html=entry_html, **context,
    )


def stats_chart(catalog: Catalog, per_year: tuple[list[int], dict[str, dict[int, int]]]) -> Markup:
    from generator.site.charts import stacked_bars

    years, counts = per_year
    series = [(s.title, [counts[s.slug].get(y, 0) for y in years]) for s in catalog.sections]
    return stacked_bars(years, series, title="Papers per year, by section")
