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
from functools import cache, lru_cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from generator import cachefile
from generator.list.catalog import Catalog
from generator.list.identifiers import normalize_title
from generator.model import Entry, Section, papers
from generator.site import coins, indexes
from generator.site.bibtex import cite
from generator.site.safety import nh3_version, sanitize
from generator.site.store import Store, code_version, memo_key
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


def _relative_page(from_page: str, to_name: str, directory_urls: bool) -> str:
    source = page_url(from_page, directory_urls)
    return _relative_from(source.rstrip("/") if source.endswith("/") else posixpath.dirname(source), to_name, directory_urls)


@cache
def _relative_from(source_dir: str, to_name: str, directory_urls: bool) -> str:
    """Kept by folder, not by page: the cards of every paper share theirs."""
    target = page_url(to_name, directory_urls)
    url = posixpath.relpath(target.rstrip("/") or ".", source_dir or ".")
    if target.endswith("/") or not target:
        url = "./" if url == "." else url + "/"
    return url


SPLIT_KB = 750  # a section whose papers would pass this many KB of HTML gets a page per year (the theme adds ~200 KB)


def paper_bytes(entry: Entry) -> int:
    """About the HTML a paper takes on a section page (measured on the list: within 20% of it)."""
    return int(1.1 * (1500 + 1.15 * len(entry.digest) + 3 * len(entry.title) + sum(len(a) + 95 for a in entry.authors)
                      + 60 * len(entry.keywords) + 2 * sum(len(url) for _, url in entry.links)))


@dataclass(frozen=True)
class SectionPage:
    """One page of a section: the whole section, or when it has more papers than fit one page, its
    index (`parts`, the pages of its years) or one of those pages (a year, a range of years, or part of a year)."""

    section: Section
    name: str  # the file: "others.md", or "others/2023.md" for a page of a split section
    label: str  # "" for the section's own page; "2023", "2019-2021", "2023 (part 2)" for its pages
    years: tuple[tuple[int, tuple[Entry, ...]], ...]
    parts: tuple[SectionPage, ...] = ()

    @property
    def count(self) -> int:
        return sum(len(listed) for _, listed in self.years)


def letter_anchor(letter: str) -> str:
    """The anchor of a letter's heading in the author index."""
    return "letter-other" if letter == "#" else f"letter-{letter.lower()}"


def _initial(text: str) -> str:
    first = text.strip()[:1].upper()
    return first if first.isalpha() else "#"


def section_pages(section: Section, years: list[tuple[int, list[Entry]]], limit: int,
                  size: Callable[[Entry], int] = paper_bytes) -> list[SectionPage]:
    """The section's page, or its index followed by pages whose papers' `size` adds up to at most `limit`:
    whole years, newest first, neighbouring years together while they fit, a year too big for one page in parts."""
    whole = tuple((year, tuple(listed)) for year, listed in years)
    if sum(size(e) for _, listed in whole for e in listed) <= limit:
        return [SectionPage(section, page_name(section.slug), "", whole)]
    groups: list[list[tuple[int, tuple[Entry, ...]]]] = [[]]
    used = 0
    for year, listed in whole:
        year_size = sum(map(size, listed))
        if year_size > limit:  # a page or more of its own
            chunks: list[list[Entry]] = [[]]
            taken = 0
            for entry in listed:
                if chunks[-1] and taken + size(entry) > limit:
                    chunks.append([])
                    taken = 0
                chunks[-1].append(entry)
                taken += size(entry)
            groups += [[(year, tuple(chunk))] for chunk in chunks]
            groups.append([])
            used = 0
            continue
        if groups[-1] and used + year_size > limit:
            groups.append([])
            used = 0
        groups[-1].append((year, listed))
        used += year_size
    parts = []
    seen: dict[int, int] = {}
    for group in filter(None, groups):
        newest, oldest = group[0][0], group[-1][0]
        if newest == oldest:
            seen[newest] = seen.get(newest, 0) + 1
            label = f"{newest}" if seen[newest] == 1 else f"{newest} (part {seen[newest]})"
            stem = f"{newest}" if seen[newest] == 1 else f"{newest}-part-{seen[newest]}"
        else:
            label, stem = f"{oldest}-{newest}", f"{oldest}-{newest}"
        parts.append(SectionPage(section, f"{section.slug}/{stem}.md", label, tuple(group)))
    return [SectionPage(section, page_name(section.slug), "", whole, tuple(parts)), *parts]


INDEX_SPLIT_KB = 700  # an index page (key words, authors, years) whose listing would pass this many KB is split
# the HTML an index's item takes, measured on the built list: per key word or author, and per paper link under it
_INDEX_BYTES = {"keywords.md": (300, 300), "authors.md": (150, 150), "years.md": (100, 250)}


@dataclass(frozen=True)
class IndexPart:
    """A page of an index too big for one: a run of its items (key word groups, authors, years) with
    the anchors they hold; or, with `parts`, the index's own page, which lists them."""

    name: str  # "keywords/a-c.md"; the index's own file for the page that lists the parts
    label: str  # "A-C", "D", "D (part 2)", "2019-2021"; "" on the index's own page
    items: tuple[Any, ...]
    parts: tuple[IndexPart, ...] = ()


def index_parts(index: str, items: list[Any], size: Callable[[Any], int], key: Callable[[Any], str],
                limit: int) -> list[IndexPart]:
    """An index's pages: none when its items fit one page, else its own page followed by pages of at
    most `limit` (in `size`'s unit; an item bigger than that alone), each named by the keys it spans."""
    if sum(map(size, items)) <= limit:
        return []
    groups: list[list[Any]] = [[]]
    for item in items:
        if groups[-1] and sum(map(size, groups[-1])) + size(item) > limit:
            groups.append([])
        groups[-1].append(item)
    parts: list[IndexPart] = []
    seen: dict[str, int] = {}
    stem_of = index.removesuffix(".md")
    for group in groups:
        first, last = key(group[0]), key(group[-1])
        ends = [first] if first == last else sorted((first, last))
        label = "-".join(ends)
        seen[label] = seen.get(label, 0) + 1
        stem = "-".join(re.sub(r"[^a-z0-9]+", "", end.lower()) or "other" for end in ends)
        if seen[label] > 1:
            label, stem = f"{label} (part {seen[label]})", f"{stem}-part-{seen[label]}"
        parts.append(IndexPart(f"{stem_of}/{stem}.md", label, tuple(group)))
    return [IndexPart(index, "", tuple(items), tuple(parts)), *parts]


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
    split_kb: int = SPLIT_KB
    section_pages: dict[str, list[SectionPage]] = field(init=False)  # slug -> its page, or its index and pages
    places: dict[tuple[str, str], str] = field(init=False)  # (slug, paper id) -> the page that shows it, where not the section's own
    index_split_kb: int = INDEX_SPLIT_KB
    years: list[tuple[int, list[Entry]]] = field(init=False)  # every paper once, by year, newest first
    # index file -> its own page and its pages, when it is too big for one ("keywords.md", "authors.md", "years.md")
    index_pages: dict[str, list[IndexPart]] = field(init=False)
    anchor_pages: dict[tuple[str, str], str] = field(init=False)  # (index file, anchor) -> its page, where split

    def __post_init__(self) -> None:
        self.keyword_anchor = indexes.keyword_anchors(self.catalog)
        self.keyword_groups = indexes.keyword_index(self.catalog, self.keyword_anchor)
        self.authors = indexes.author_index(self.catalog)
        self.author_anchor = indexes.author_anchors(self.authors)
        self.section_pages = {s.slug: section_pages(s, self.catalog.by_year(s.slug), self.split_kb * 1000) for s in self.catalog.sections}
        self.places = {(sp.section.slug, entry.id): sp.name
                       for pages in self.section_pages.values() for sp in pages[1:] for _, papers in sp.years for entry in papers}
        self.years = indexes.year_index(self.catalog)
        limit = self.index_split_kb * 1000

        def size(index: str, links: int) -> int:
            item, link = _INDEX_BYTES[index]
            return item + link * links

        self.index_pages = {
            "keywords.md": index_parts("keywords.md", self.keyword_groups, lambda g: size("keywords.md", len(g.entries)),
                                       lambda g: _initial(g.keyword), limit),
            "authors.md": index_parts("authors.md", self.authors, lambda a: size("authors.md", len(a.entries)), lambda a: str(a.letter), limit),
            "years.md": index_parts("years.md", self.years, lambda y: size("years.md", len(y[1])), lambda y: str(y[0]), limit),
        }
        anchors: dict[str, Callable[[Any], list[str]]] = {
            "keywords.md": lambda g: [g.anchor, *(self.keyword_anchor[v] for v in g.variants)],
            "authors.md": lambda a: [a.anchor, letter_anchor(a.letter)],
            "years.md": lambda y: [f"year-{y[0]}"],
        }
        self.anchor_pages = {}
        for index, parts in self.index_pages.items():
            for part in parts[1:]:
                for item in part.items:
                    for anchor in anchors[index](item):
                        self.anchor_pages.setdefault((index, anchor), part.name)  # a letter's heading: its first page

    def anchor_page(self, index: str, anchor: str) -> str:
        """The page of an index ("keywords.md") that holds an anchor: the index itself unless it is split."""
        return self.anchor_pages.get((index, anchor)) or index

    def place(self, entry: Entry, slug: str | None = None) -> str:
        """The page that shows a paper in a section (its own section unless `slug` names another)."""
        slug = slug or entry.section
        return self.places.get((slug, entry.id)) or page_name(slug)

    def paper_a(self, page: str, entry: Entry, slug: str | None = None) -> Markup:
        """A link from `page` to a paper's place in a section: its own, unless `slug` names another."""
        url = relative_url(page, self.place(entry, slug), entry.id, self.directory_urls)
        return Markup(f'<a href="{escape(url)}">{escape(entry.title)}</a>')  # Markup.format's output, in under half its time

    def linker(self, page: str) -> Callable[..., str]:
        def link(to_name: str, anchor: str | None = None) -> str:
            return relative_url(page, to_name, anchor, self.directory_urls)

        return link

    def author_link(self, page: str, name: str) -> str:
        anchor = self.author_anchor[normalize_title(name)]
        return relative_url(page, self.anchor_page("authors.md", anchor), anchor, self.directory_urls)

    def keyword_link(self, page: str, keyword: str) -> str:
        anchor = self.keyword_anchor[keyword]
        return relative_url(page, self.anchor_page("keywords.md", anchor), anchor, self.directory_urls)

    def entry_key(self, entry: Entry, page: str, clean: bool = False) -> str:
        """Everything a paper's HTML on a page is made of (entry.html.j2 reads no more): the entry, the
        page its links start from, the anchors they reach, its related papers, and the code; `clean`
        (sanitized, as UTF-8 bytes: Slots), with the sanitizer's version."""
        return memo_key((
            page, self.directory_urls, entry, nh3_version() if clean else None,
            tuple(self.keyword_link(page, k) for k in entry.keywords),
            tuple(self.author_link(page, a) for a in entry.authors),
            tuple((other.id, other.title, self.place(other)) for other in self.related.get(entry.id, ())),
        ))


class Slots:
    """The HTML a build's templates render, kept out of the Markdown that MkDocs converts.

    A page template wraps its own HTML in `{% filter html %}...{% endfilter %}`: the page's Markdown
    gets a placeholder paragraph instead, and `fill` puts the HTML (`parts`) in place of it after conversion.
    Its headings come from `heading()`, as HTML with the anchor and permalink that MkDocs' toc
    extension would give them, and `toc` keeps them for the page's table of contents. Python-Markdown
    then reads a page title and a few placeholders, not hundreds of papers' HTML.

    `Slots(html_headings=False)` is for engines that convert the Markdown themselves: headings are
    Markdown (`### Title { #id }`, so the engine's own table of contents sees them) and `inline`
    gives the Markdown with the HTML in place. The placeholders carry a key drawn for each build, so
    no text of the list can spell one.

    A paper's own HTML (`entry_html`), sanitized on its own, goes into a block as a placeholder of its own
    (`paper`): a rebuild sanitizes again only the papers that changed, and the store keeps each paper once,
    sanitized. The plugin sanitizes each block on its own too, and fills blocks and papers into the HTML
    file MkDocs writes, so that MkDocs never holds the HTML of every page at once.

    The HTML is kept as UTF-8 bytes: a text past ASCII takes up to four bytes a character as a Python
    string, and pickling one (the kept build) leaves a UTF-8 copy of it in memory as long as it lives
    (48 MB at 20 times the list). A paper's bytes are the store's (one copy for the build).
    """

    def __init__(self, html_headings: bool = True) -> None:
        self.html_headings = html_headings
        self.key = f"dlpslot{secrets.token_hex(8)}n"
        self.blocks: list[bytes] = []
        self.papers: list[bytes] = []
        self.toc: dict[str, list[tuple[int, str, str]]] = {}  # page -> (level, id, title as HTML) of each heading
        self._filled = re.compile(f"<p>{self.key}([0-9]+)</p>")
        self._inlined = re.compile(f"^{self.key}([0-9]+)$", re.MULTILINE)
        self._papers = re.compile(f"{self.key}p([0-9]+)x")
        self._paper_bytes = re.compile(f"{self.key}p([0-9]+)x".encode("ascii"))

    def put(self, html: str) -> Markup:
        self.blocks.append(str(html).strip("\n").encode("utf-8", "surrogatepass"))
        return Markup(f"\n\n{self.key}{len(self.blocks) - 1}\n\n")

    def paper(self, html: bytes) -> Markup:
        """A paper's HTML (UTF-8), sanitized: `fill` puts it in as it is."""
        self.papers.append(html)
        return Markup(f"{self.key}p{len(self.papers) - 1}x")

    def heading(self, page: str, level: int, anchor: str, text: object) -> Markup:
        if not self.html_headings:
            return Markup(f"\n\n{'#' * level} {md_text(text)} {{ #{anchor} }}\n\n")
        title, anchor = escape(text), escape(anchor)
        self.toc.setdefault(page, []).append((level, anchor, str(title).replace("&#34;", "&quot;")))  # as the toc extension writes it
        return Markup(f'<h{level} id="{anchor}">{title}<a class="headerlink" href="#{anchor}" title="Permanent link">\u00b6</a></h{level}>')

    def parts(self, html: str, clean: Callable[[bytes], bytes]) -> dict[str, bytes]:
        """What the placeholders of a converted page stand for, by placeholder: each block's HTML passed
        through `clean`, and each paper's (in the blocks, sanitized already). `fill` puts them in."""
        found = {m.group(0): clean(self.blocks[int(m.group(1))]) for m in self._filled.finditer(html)}
        for text in (html.encode("utf-8", "surrogatepass"), *found.values()):
            found.update((m.group(0).decode("ascii"), self.papers[int(m.group(1))]) for m in self._paper_bytes.finditer(text))
        return found

    def fill(self, html: str, parts: dict[str, bytes]) -> str:
        """A page (or the whole HTML file around it) with the HTML of its placeholders (`parts`) in place of them."""
        html = self._filled.sub(lambda m: decoded(parts[m.group(0)]), html)
        return self._papers.sub(lambda m: decoded(parts[m.group(0)]), html)

    def inline(self, markdown: str) -> str:
        """A page's Markdown with its HTML as raw HTML blocks."""
        blocks = self._inlined.sub(lambda m: decoded(self.blocks[int(m.group(1))]), markdown)
        return self._papers.sub(lambda m: decoded(self.papers[int(m.group(1))]), blocks)


def decoded(data: bytes) -> str:
    """UTF-8 bytes as text (Slots' HTML)."""
    return data.decode("utf-8", "surrogatepass")


@jinja2.pass_context
def _html_block(context: jinja2.runtime.Context, html: str) -> Markup:
    slots: Slots = context["slots"]
    return slots.put(html)


COMPILED_FOLDER = "jinja"  # in the cache folder: compiled templates, the theme's and the plugin's (SealedBytecode)


class SealedBytecode(jinja2.BytecodeCache):
    """Jinja's compiled templates in the cache folder, each a file sealed as every cache file is
    (generator.cachefile): Jinja runs what it loads, and the folder is in the working tree, where a
    pull request could put a compiled template of its own (Jinja's FileSystemBytecodeCache checks
    only the template's source, which anyone can read)."""

    def __init__(self, folder: str, salt: str = "") -> None:
        """`salt`: what else than a template's source made its code (the environment's settings: their code's
        version). It goes into the checksum Jinja compares with the source's: a template compiled under other
        settings is never loaded, but compiled again, in the same file (the folder does not grow)."""
        self.folder = folder
        self.salt = salt

    def get_source_checksum(self, source: str) -> str:
        return super().get_source_checksum(f"{self.salt}\0{source}")

    def _path(self, bucket: jinja2.bccache.Bucket) -> str:
        return os.path.join(self.folder, f"{bucket.key}.sealed")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = cachefile.load(self._path(bucket))
        if isinstance(data, bytes):
            bucket.bytecode_from_string(data)  # its own checks (Jinja's version, the source's checksum) still apply

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        cachefile.dump(self._path(bucket), bucket.bytecode_to_string())


def make_environment(override_dir: str | None = None, compiled: str | None = None) -> jinja2.Environment:
    """Templates from `override_dir` first (a maintainer's own), then the package's. One environment
    serves every build of a process while that folder holds the same files: a rebuild under `mkdocs
    serve` compiles no template again unless it changed (Jinja checks each template's file), and a
    template added to or removed from the folder makes a new one. `compiled`: a folder that keeps the
    compiled templates for the next process (SealedBytecode; by each template's source)."""
    return _environment(override_dir, _listing(override_dir) if override_dir else (), compiled)


def _listing(folder: str) -> tuple[str, ...]:
    """The template files under `folder` (relative paths), which decide which loader a name comes from."""
    return tuple(sorted(os.path.relpath(os.path.join(root, name), folder) for root, _, names in os.walk(folder) for name in names))


@lru_cache(maxsize=4)
def _environment(override_dir: str | None, listing: tuple[str, ...], compiled: str | None) -> jinja2.Environment:
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
        bytecode_cache=SealedBytecode(compiled, f"reading-list {code_version()}") if compiled else None,
    )
    env.filters["md_text"] = md_text
    env.filters["prose"] = prose
    env.filters["short_authors"] = indexes.short_authors
    env.filters["papers"] = papers
    env.filters["html"] = _html_block
    env.filters["sanitize"] = lambda html: Markup(sanitize(str(html)))  # templates/card.html.j2: a card's body
    env.globals["page_name"] = page_name
    env.globals["letter_anchor"] = letter_anchor
    env.globals["cite"] = cite
    env.globals["coins"] = coins.coins  # templates/coins.html.j2: the ContextObject of a paper
    return env


def render_page(env: jinja2.Environment, site: Site, template: str, page: str, slots: Slots, **context: object) -> str:
    catalog = site.catalog
    titles = {s.slug: s.title for s in catalog.sections}

    def paper_a(entry: Entry, slug: str | None = None) -> Markup:
        return site.paper_a(page, entry, slug)

    def render_entry(entry: Entry) -> str:
        return env.get_template("entry.html.j2").render(
            entry=entry, site=site, page=page, link=site.linker(page), titles=titles, paper_a=paper_a,
            author_link=lambda name: site.author_link(page, name),
        )

    def entry_html(entry: Entry) -> Markup:
        if not slots.html_headings:  # for an engine that converts the Markdown itself
            return Markup(render_entry(entry) if site.store is None else site.store.get(site.entry_key(entry, page), lambda: render_entry(entry)))

        def clean() -> bytes:  # the sanitizer backstop, on each paper alone (the plugin cleans the page around it)
            return sanitize(render_entry(entry)).encode("utf-8", "surrogatepass")

        return slots.paper(clean() if site.store is None else site.store.get(site.entry_key(entry, page, clean=True), clean))

    return env.get_template(template).render(
        catalog=catalog, info=catalog.info, site=site, page=page, link=site.linker(page), titles=titles,
        entry_html=entry_html, paper_a=paper_a, slots=slots, heading=lambda level, anchor, text: slots.heading(page, level, anchor, text), **context,
    )


def stats_chart(catalog: Catalog, per_year: tuple[list[int], dict[str, dict[int, int]]]) -> Markup:
    from generator.site.charts import stacked_bars

    years, counts = per_year
    series = [(s.title, [counts[s.slug].get(y, 0) for y in years]) for s in catalog.sections]
    return stacked_bars(years, series, title="Papers per year, by section")
