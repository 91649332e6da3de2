"""Render the catalog to Markdown pages with Jinja2: no MkDocs needed, so any engine can use them.

Autoescape is on. Titles, authors, key words and venues are plain text: HTML-escaped everywhere,
and Markdown-escaped where they land in Markdown (headings, link texts). Digests and descriptions
go through the restricted digest renderer and arrive as finished HTML.
"""

from __future__ import annotations

import os
import re

import jinja2
from markupsafe import Markup

from generator.catalog import Catalog
from generator.digest import render_digest
from generator.model import Entry

TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), "templates")
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
    env.filters["prose"] = render_digest
    env.globals["page_name"] = page_name
    return env


def render_home(env: jinja2.Environment, catalog: Catalog) -> str:
    counts = {s.slug: len(catalog.in_section(s.slug)) for s in catalog.sections}
    return env.get_template("home.md.j2").render(catalog=catalog, info=catalog.info, counts=counts)


def render_section(env: jinja2.Environment, catalog: Catalog, slug: str) -> str:
    section = catalog.info.section(slug)
    years = catalog.by_year(slug)
    titles = {s.slug: s.title for s in catalog.sections}
    return env.get_template("section.md.j2").render(
        catalog=catalog, section=section, years=years, titles=titles,
        count=sum(len(papers) for _, papers in years), entry_html=lambda e: entry_html(env, e),
    )


def entry_html(env: jinja2.Environment, entry: Entry) -> Markup:
    return Markup(env.get_template("entry.html.j2").render(entry=entry))


def render_pages(catalog: Catalog, override_dir: str | None = None) -> dict[str, str]:
    """Every generated page: file name (relative to docs/) -> Markdown."""
    env = make_environment(override_dir)
    pages = {"index.md": render_home(env, catalog)}
    for section in catalog.sections:
        pages[page_name(section.slug)] = render_section(env, catalog, section.slug)
    return pages
