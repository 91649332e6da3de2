"""The generated pages of the site, in one table: everything else about them is derived from it.

Each row says a page's file, its title under "Browse" in the navigation, its template, the function
that builds the template's context, the line the home page shows for it, and which search records
point into it. From the table come the render loop (`render_site`), the navigation (`navigation`:
the plugin's, and that of a project for another engine), the home page's list of pages
(home.md.j2), the section slugs a list may not use (`reserved_slugs`, checked by validate) and the
search records (`search_records`).

A new index page is one row here, one template in templates/ and one context function.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from generator.list.catalog import Catalog
from generator.model import Entry
from generator.site import indexes
from generator.site.render import FEED_ITEMS, RECENT, IndexPart, SectionPage, Site, Slots, make_environment, render_page, stats_chart
from generator.site.search import BUNDLE, keyword_records, paper_records, section_records

Part = SectionPage | IndexPart | None  # what one of a row's pages shows, when the row makes several
Context = Callable[[Site, Any], dict[str, object]]
Records = Callable[[Site, bool], dict[str, str]]


@dataclass(frozen=True)
class Page:
    """One generated page, or with `per_section` the pages of every section (render.SectionPage: its
    own page, or the index and the pages of a section too big for one)."""

    name: str  # the file under docs/ ("keywords.md"); "{slug}.md" (and "{slug}/{years}.md") for per_section pages
    template: str
    context: Context
    nav: str | None = None  # its title under "Browse"; None: the home page and the sections have places of their own
    summary: str = ""  # what the home page says of it, after the link (Markdown of ours, never of the list)
    records: Records | None = None  # the search records whose hits open this page
    per_section: bool = False

    def names(self, site: Site) -> list[tuple[str, Part]]:
        """(file name, what the page shows) of each page this row makes: a section's pages, the pages
        of an index too big for one page (render.IndexPart), or the row's one page."""
        if self.per_section:
            return [(page.name, page) for pages in site.section_pages.values() for page in pages]
        parts = site.index_pages.get(self.name)
        return [(part.name, part) for part in parts] if parts else [(self.name, None)]


def _home(site: Site, _: Part) -> dict[str, object]:
    return {"counts": {s.slug: len(site.catalog.in_section(s.slug)) for s in site.catalog.sections}, "browse": BROWSE}


def _section(site: Site, page: Part) -> dict[str, object]:
    assert isinstance(page, SectionPage)
    forward = {entry.id: site.linker(page.name)(part.name) for part in page.parts for _, papers in part.years for entry in papers}
    return {"section": page.section, "part": page, "years": page.years, "count": page.count, "forward": forward}


def _explorer(site: Site, _: Part) -> dict[str, object]:
    return {}


def _forward(site: Site, part: IndexPart | None) -> dict[str, str]:
    """On the own page of a split index: anchor -> the page that holds it, so that index/#anchor still reaches it."""
    if part is None or not part.parts:
        return {}
    link = site.linker(part.name)
    return {anchor: link(page) for (index, anchor), page in site.anchor_pages.items() if index == part.name}


def _shown(part: IndexPart | None, everything: list[Any]) -> list[Any]:
    """What a page of an index lists: its part's items; nothing on a split index's own page; else everything."""
    if part is None:
        return everything
    return [] if part.parts else list(part.items)


def _keywords(site: Site, part: IndexPart | None) -> dict[str, object]:
    return {"groups": _shown(part, site.keyword_groups), "cloud": site.keyword_groups, "part": part, "forward": _forward(site, part)}


def _authors(site: Site, part: IndexPart | None) -> dict[str, object]:
    return {"letters": indexes.by_letter(_shown(part, site.authors)), "all_letters": [letter for letter, _ in indexes.by_letter(site.authors)],
            "count": len(site.authors), "part": part, "forward": _forward(site, part)}


def _years(site: Site, part: IndexPart | None) -> dict[str, object]:
    return {"years": _shown(part, site.years), "all_years": [year for year, _ in site.years], "part": part, "forward": _forward(site, part)}


def _whats_new(site: Site, _: Part) -> dict[str, object]:
    return {"days": indexes.additions_by_day(site.catalog, RECENT), "count": RECENT, "feed_items": FEED_ITEMS}


def _stats(site: Site, _: Part) -> dict[str, object]:
    per_year = indexes.section_counts_by_year(site.catalog)
    return {"chart": stats_chart(site.catalog, per_year), "top": indexes.top_keywords(site.keyword_groups, 30), "per_year": per_year}


HOME = Page("index.md", "home.md.j2", _home)
SECTIONS = Page("{slug}.md", "section.md.j2", _section, records=lambda site, urls: {**section_records(site, urls), **paper_records(site, urls)},
                per_section=True)
BROWSE = (
    Page("explorer.md", "explorer.md.j2", _explorer, nav="Explorer",
         summary="combine filters: section, years, key words, venue, code and free text"),
    Page("keywords.md", "keywords.md.j2", _keywords, nav="Key words", summary="every key word with its papers",
         records=keyword_records),
    Page("authors.md", "authors.md.j2", _authors, nav="Authors", summary="every author, by family name"),
    Page("years.md", "years.md.j2", _years, nav="Years", summary="the papers of each year"),
    Page("whats-new.md", "whats-new.md.j2", _whats_new, nav="What's new",
         summary="the latest additions, also as an [Atom feed](feed.xml)"),
    Page("stats.md", "stats.md.j2", _stats, nav="Statistics", summary="papers per year and section, and the most used key words"),
)
PAGES = (HOME, SECTIONS, *BROWSE)

GUIDE = "contributing.md"  # the plugin's page of the repository's CONTRIBUTING.md (its `contributing` option)
# folders of the built site that are not pages of this table: a section of that name would lose its page
SITE_FOLDERS = ("assets", "search", BUNDLE, "p")  # "p": the papers' cards, cards.FOLDER (not imported: `check` stays light)


def reserved_slugs() -> frozenset[str]:
    """Names a section's slug may not take: each is the address of another page or folder of the site."""
    pages = [page.name for page in PAGES if not page.per_section] + [GUIDE]
    return frozenset(name.removesuffix(".md") for name in pages) | set(SITE_FOLDERS)


def handwritten_pages(docs_dir: str) -> list[str]:
    """The Markdown pages under docs/, sorted folder by folder: where the navigation lists them."""
    found = []
    for folder, dirs, names in os.walk(docs_dir):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(".md"):
                found.append(os.path.relpath(os.path.join(folder, name), docs_dir).replace(os.sep, "/"))
    return found


def section_nav(pages: list[SectionPage]) -> dict[str, Any]:
    """A section in the navigation: its page, or its index and the pages of its years."""
    own = pages[0]
    if not own.parts:
        return {own.section.title: own.name}
    return {own.section.title: [{"All years": own.name}, *({part.label: part.name} for part in own.parts)]}


def browse_nav(site: Site, page: Page) -> dict[str, Any]:
    """A Browse row in the navigation: its page, or the index's own page and the pages of a split index."""
    title, parts = page.nav or page.name, site.index_pages.get(page.name)
    if not parts:
        return {title: page.name}
    return {title: [{"Overview": page.name}, *({part.label: part.name} for part in parts[1:])]}


@dataclass(frozen=True)
class SiteNav:
    """The generated part of the navigation: its rows (Sections, Browse) and the pages it names."""

    rows: tuple[dict[str, Any], ...]
    names: frozenset[str]


def site_navigation(site: Site) -> SiteNav:
    """The Sections and Browse rows of a site's navigation, with the names of the pages they hold."""
    return SiteNav(
        ({"Sections": [section_nav(pages) for pages in site.section_pages.values()]},
         {"Browse": [browse_nav(site, page) for page in BROWSE]}),
        frozenset(name for page in (SECTIONS, *BROWSE) for name, _ in page.names(site)),
    )


def navigation(site: SiteNav | None, handwritten: list[str], guide: bool) -> list[Any]:
    """Home, the sections in the sections file's order, the Browse rows of the table (`site_navigation`),
    the hand-written pages, then the guide: the plugin's navigation, and the `nav` of a project for
    another engine. Without a site (a preview whose list never built) only home and the rest."""
    generated = {HOME.name, GUIDE} | (site.names if site else frozenset())
    nav: list[Any] = [{"Home": HOME.name}, *(site.rows if site else ())]
    nav += [name for name in handwritten if name not in generated]
    return [*nav, GUIDE] if guide else nav


def render_pages(catalog: Catalog, override_dir: str | None = None, *, directory_urls: bool = True,
                 related: dict[str, list[Entry]] | None = None) -> dict[str, str]:
    """Every generated page: file name (relative to docs/) -> Markdown."""
    return render_site(Site(catalog, directory_urls, related=related or {}), override_dir)


def render_site(site: Site, override_dir: str | None = None, slots: Slots | None = None,
                before_sections: Callable[[], None] | None = None, compiled: str | None = None) -> dict[str, str]:
    """The pages of every row of the table, for a Site made once per build. With `slots`, the
    templates' own HTML stays in it and the pages hold placeholders (the plugin fills them after
    MkDocs' conversion, and their table of contents); without, the pages are complete Markdown
    with that HTML inline and Markdown headings. The section pages, the only ones that show papers (and
    their related papers, `Site.related`), come last: `before_sections` is called just before them.
    `compiled`: where the compiled templates are kept (make_environment)."""
    env = make_environment(override_dir, compiled)
    kept = slots or Slots(html_headings=False)

    def render(pages: Iterable[Page]) -> dict[str, str]:
        return {name: render_page(env, site, page.template, name, kept, **page.context(site, section))
                for page in pages for name, section in page.names(site)}

    rendered = render(page for page in PAGES if not page.per_section)
    if before_sections is not None:
        before_sections()
    rendered.update(render(page for page in PAGES if page.per_section))
    in_order = {name: rendered[name] for page in PAGES for name, _ in page.names(site)}  # the table's order, as always
    return in_order if slots else {name: kept.inline(text) for name, text in in_order.items()}


def search_records(site: Site, directory_urls: bool = True) -> dict[str, str]:
    """Every search record of the generated pages, by record file name."""
    records: dict[str, str] = {}
    for page in PAGES:
        if page.records is not None:
            records.update(page.records(site, directory_urls))
    return records
