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
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import jinja2
from markupsafe import Markup, escape

from generator.list.catalog import Catalog
from generator.list.identifiers import normalize_title
from generator.model import Entry, papers
from generator.site import indexes
from generator.site.bibtex import cite
from generator.site.store import Store, memo_key
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


def paper_a(entry: Entry, link: Callable[..., str], slug: str | None = None) -> Markup:
    """A link to a paper's place on a section page: its own section's, unless `slug` names another.
    A function, not a template macro: the index pages call it thousands of times."""
    return Markup('<a href="{}">{}</a>').format(link(page_name(slug or entry.section), entry.id), entry.title)


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
    # where rendered papers are kept between builds; None (a maintainer's own templates) renders every one
    store: Store | None = None

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

    def entry_key(self, entry: Entry, page: str) -> str:
        """Everything a paper's HTML on a page is made of (entry.html.j2 reads no more): the entry, the
        page its links start from, the anchors they reach, its related papers, and the code."""
        return memo_key((
            page, self.directory_urls, entry,
            tuple(self.keyword_anchor[k] for k in entry.keywords),
            tuple(self.author_anchor[normalize_title(a)] for a in entry.authors),
            tuple((other.id, other.title, other.section) for other in self.related.get(entry.id, ())),
        ))


class Slots:
    """The HTML a build's templates render, kept out of the Markdown that MkDocs converts.

    A page template wraps its own HTML in `{% filter html %}...{% endfilter %}`: the page's Markdown
    gets a placeholder paragraph instead, and `fill` puts the HTML in place of it after conversion.
    Its headings come from `heading()`, as HTML with the anchor and permalink that MkDocs' toc
    extension would give them, and `toc` keeps them for the page's table of contents. Python-Markdown
    then reads a page title and a few placeholders, not hundreds of papers' HTML.

    `Slots(html_headings=False)` is for engines that convert the Markdown themselves: headings are
    Markdown (`### Title { #id }`, so the engine's own table of contents sees them) and `inline`
    gives the Markdown with the HTML in place. The placeholders carry a key drawn for each build, so
    no text of the list can spell one.
    """

    def __init__(self, html_headings: bool = True) -> None:
        self.html_headings = html_headings
        self.key = f"dlpslot{secrets.token_hex(8)}n"
        self.blocks: list[str] = []
        self.toc: dict[str, list[tuple[int, str, str]]] = {}  # page -> (level, id, title as HTML) of each heading
        self._filled = re.compile(f"<p>{self.key}([0-9]+)</p>")
        self._inlined = re.compile(f"^{self.key}([0-9]+)$", re.MULTILINE)

    def put(self, html: str) -> Markup:
        self.blocks.append(str(html).strip("\n"))
        return Markup(f"\n\n{self.key}{len(self.blocks) - 1}\n\n")

    def heading(self, page: str, level: int, anchor: str, text: object) -> Markup:
        if not self.html_headings:
            return Markup(f"\n\n{'#' * level} {md_text(text)} {{ #{anchor} }}\n\n")
        title, anchor = escape(text), escape(anchor)
        self.toc.setdefault(page, []).append((level, anchor, str(title).replace("&#34;", "&quot;")))  # as the toc extension writes it
        return Markup(f'<h{level} id="{anchor}">{title}<a class="headerlink" href="#{anchor}" title="Permanent link">\u00b6</a></h{level}>')

    def fill(self, html: str) -> str:
        """A converted page with its HTML back in place of the placeholders."""
        return self._filled.sub(lambda m: self.blocks[int(m.group(1))], html)

    def inline(self, text: str) -> str:
        """A page's Markdown with its HTML as raw HTML blocks."""
        return self._inlined.sub(lambda m: self.blocks[int(m.group(1))], text)


@jinja2.pass_context
def _html_block(context: jinja2.runtime.Context, html: str) -> Markup:
    slots: Slots = context["slots"]
    return slots.put(html)


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
    env.filters["html"] = _html_block
    env.globals["page_name"] = page_name
    env.globals["paper_a"] = paper_a
    env.globals["cite"] = cite
    return env


def render_page(env: jinja2.Environment, site: Site, template: str, page: str, slots: Slots, **context: object) -> str:
    catalog = site.catalog
    titles = {s.slug: s.title for s in catalog.sections}

    def render_entry(entry: Entry) -> str:
        return env.get_template("entry.html.j2").render(
            entry=entry, site=site, page=page, link=site.linker(page), titles=titles,
            author_link=lambda name: site.author_link(page, name),
        )

    def entry_html(entry: Entry) -> Markup:
        if site.store is None:
            return Markup(render_entry(entry))
        return Markup(site.store.get(site.entry_key(entry, page), lambda: render_entry(entry)))

    return env.get_template(template).render(
        catalog=catalog, info=catalog.info, site=site, page=page, link=site.linker(page), titles=titles,
        entry_html=entry_html, slots=slots, heading=lambda level, anchor, text: slots.heading(page, level, anchor, text), **context,
    )


def stats_chart(catalog: Catalog, per_year: tuple[list[int], dict[str, dict[int, int]]]) -> Markup:
    from generator.site.charts import stacked_bars

    years, counts = per_year
    series = [(s.title, [counts[s.slug].get(y, 0) for y in years]) for s in catalog.sections]
    return stacked_bars(years, series, title="Papers per year, by section")
