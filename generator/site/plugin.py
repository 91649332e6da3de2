"""The MkDocs plugin: a thin adapter that validates the list and adds the generated pages."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from html import escape
from typing import Any

import jinja2
import jinja2.meta
import markdown
import mkdocs
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.meta import get_data

from generator import cachefile, forked
from generator.errors import ListError, Problem
from generator.forked import Forked
from generator.list.catalog import Catalog
from generator.list.source import load_catalog
from generator.site import cards, pages
from generator.site.blobs import Blobs, LinkedFiles
from generator.site.datafiles import html_text
from generator.site.generate import Build, RenderError, keep_build, site_build
from generator.site.guide import site_guide
from generator.site.live import LiveSearch
from generator.site.pages import GUIDE
from generator.site.render import COMPILED_FOLDER, INDEX_SPLIT_KB, SPLIT_KB, SealedBytecode, Slots, decoded, make_environment
from generator.site.safety import nh3_version, sanitize, scan_site
from generator.site.search import Records, SearchIndexer, SearchIndexError, pack_records, page_record, word_counts
from generator.site.store import Store, code_version
from generator.site.watch import NativeWatch

log = get_plugin_logger(__name__)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>')  # the toc extension's permalinks (¶)
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">')
_ID = re.compile(r'\sid="([^"]+)"')
_ID_BYTES = re.compile(rb'\sid="([^"]+)"')
ERROR_HOME = "# The list has errors\n\nThe site is built again as soon as they are fixed.\n"




CARDS = f"{cards.FOLDER}/"
PAGES_FILE = "pages.sealed"  # sanitized pages and the site scan's findings, by content (generator.cachefile)


def _pages_version() -> str:
    """What the sanitizer and the scan are: the package's code (safety.py) and nh3's version."""
    return f"{code_version()} nh3 {nh3_version()}"


class ReadingListConfig(Config):
    entries = config_options.Type(str, default="entries")
    """The list directory: sections.yaml and one YAML file per paper, relative to mkdocs.yml."""
    templates = config_options.Optional(config_options.Type(str))
    """A folder of templates that override the package's (home.md.j2, section.md.j2, entry.html.j2, ...)."""
    split_kb = config_options.Type(int, default=SPLIT_KB)
    """A section whose papers would pass this many KB of HTML gets an index page and a page per year (or
    range of years, or part of a year): every page stays small. Permalinks section/#id keep reaching their papers."""
    index_split_kb = config_options.Type(int, default=INDEX_SPLIT_KB)
    """An index (key words, authors, years) whose listing would pass this many KB gets a page per run
    of letters or years; its addresses index/#anchor keep reaching them."""
    related = config_options.Type(int, default=5)
    """How many related papers to show under each paper (0 to turn them off)."""
    pagefind = config_options.Type(bool, default=True)
    """Index one search record per paper with Pagefind for overrides/partials/search.html (docs/assets/search.js).
    False leaves search to Material's own plugin, which then needs its own search partial back."""
    cache_dir = config_options.Type(str, default=".cache/reading-list")
    """Where results that are slow to compute (checked entry files, rendered papers, related papers, compiled
    theme templates) are kept between builds, relative to mkdocs.yml; "" keeps nothing."""
    contributing = config_options.Optional(config_options.Type(str))
    """The contribution guide (CONTRIBUTING.md), relative to mkdocs.yml: published as the page contributing.md,
    its links to files of the repository made links to them under repo_url."""


def error_banner(message: str, last_good: bool) -> str:
    """The box on top of every page of a preview whose build failed: the problems, escaped."""
    shown = "the pages show the list as it last built" if last_good else "this preview has none of its pages yet"
    return (
        '<div class="admonition failure" role="alert">'
        f'<p class="admonition-title">The site cannot be built from the list: {shown}</p>'
        f'<pre class="dlp-problems"><code>{escape(message)}</code></pre>'
        "<p>Fix the file and save it: this page reloads by itself.</p></div>\n"
    )


def missing_assets(config: MkDocsConfig) -> list[Problem]:
    """Stylesheets and scripts that mkdocs.yml names but the site lacks: every page would 404 on them."""
    names = [str(css) for css in config.extra_css] + [str(getattr(js, "path", js)) for js in config.extra_javascript]
    return [
        Problem("mkdocs.yml", 0, f"{name} is listed in extra_css or extra_javascript but is not in the site; add it to {config.docs_dir}")
        for name in names
        if "://" not in name and not os.path.isfile(os.path.join(config.site_dir, name))
    ]


def add_headings(toc: TableOfContents, headings: list[tuple[int, str, str]]) -> None:
    """Headings (level, id, title as HTML) in the table of contents, below the page title when it
    has one, nested by level as the toc extension nests them."""
    parents: list[AnchorLink] = list(toc.items[:1])
    for level, anchor, title in headings:
        link = AnchorLink(title, anchor, level)
        while parents and parents[-1].level >= level:
            parents.pop()
        (parents[-1].children if parents else toc.items).append(link)
        parents.append(link)


class _Warnings(logging.Handler):
    """Counts warnings during a build, to know before the swap whether strict mode will abort."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def compile_templates(config: MkDocsConfig, folder: str, templates: str | None = None, theme: bool = True) -> None:
    """Compiled into `folder` (SealedBytecode) as a build compiles them: the plugin's own templates (with a maintainer's
    `templates`), which a build renders first; then, with `theme`, the templates MkDocs renders with the theme
    (main.html and its static templates) and every template they name by a constant (extends, include, import).
    A first build has a child do it while the list is read (`on_config`)."""
    own = make_environment(templates, folder)  # its bytecode cache compiles and keeps what it loads
    for name in own.list_templates(extensions=["j2"]):
        with contextlib.suppress(jinja2.TemplateError):
            own.get_template(name)
    env = config.theme.get_env()
    assert env.loader is not None
    cache = theme_bytecode(folder)
    todo, seen = ["main.html", *config.theme.static_templates] if theme else [], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source, filename, _ = env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            continue
        bucket = cache.get_bucket(env, name, filename, source)
        if bucket.code is None:
            try:
                tree = env.parse(source, name, filename)
                bucket.code = env.compile(tree, name, filename)
            except jinja2.TemplateError:  # the build compiles it too, and says what is wrong
                continue
            cache.set_bucket(bucket)
            todo += [other for other in jinja2.meta.find_referenced_templates(tree) if other]


def theme_bytecode(folder: str) -> SealedBytecode:
    """Where the theme's templates are kept compiled: by MkDocs' version too, which makes their environment."""
    return SealedBytecode(folder, f"theme, MkDocs {mkdocs.__version__}")


def _changes_environment(plugin: object) -> bool:
    """Whether a plugin (or a hook module) has an `on_env`: a template compiled before it ran could differ."""
    return callable(getattr(plugin, "on_env", None))


class ReadingListPlugin(BasePlugin[ReadingListConfig]):
    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.entries_dir = ""
        self.cache_dir: str | None = None  # the cache_dir option, resolved against mkdocs.yml
        self.templates_dir: str | None = None
        self.generated: set[str] = set()
        self.indexer: SearchIndexer | None = None
        self.live: LiveSearch | None = None  # under `mkdocs serve`: the search index, kept up to date beside the preview
        self.linked: LinkedFiles | None = None  # under `mkdocs serve`: the cards, written once and linked into each preview
        self.native_watch: NativeWatch | None = None  # under `mkdocs serve`: native file events beside MkDocs' polling
        self.serving = False
        self.final_site_dir: str | None = None  # where the site goes; we build beside it, then swap
        self.building_dir: str | None = None
        self.warnings = _Warnings()
        self.guide: str | None = None
        self.own_nav = False
        self.failure: str | None = None  # under `mkdocs serve`: why this build shows the last good pages
        self.last_good: Build | None = None
        self.compiling: Forked[None] | None = None  # a first build's child compiling the templates (compile_templates)
        self.kept: tuple[str, Build] | None = None  # the last Build and its key, for a rebuild from the same inputs
        self.blobs: Blobs | None = None  # where the data files and cards are written (a build's; a `mkdocs serve` session's)
        self.used: set[str] = set()  # the digests of the files of `blobs` this build uses
        self.cards: dict[str, str] = {}  # the papers' cards (site.cards), their digests in `blobs` by file name in the site
        self.slots = Slots()  # the generated pages' HTML, put into them after MkDocs converts their Markdown
        self.parts: dict[str, dict[str, bytes]] = {}  # a generated page's HTML, by placeholder (Slots.parts), until MkDocs writes it
        # rendered papers kept between builds; MkDocs keeps a plugin with on_startup for the whole `mkdocs serve`
        self.store: Store | None = None
        # sanitized HTML (a page around its papers, each paper) by its HTML, for what a rebuild did not change (this build's, the last's)
        self.sanitizing: dict[str, bytes] = {}
        self.sanitized: dict[str, bytes] = {}
        self.scanned: dict[str, list[str]] = {}  # the site scan's findings by content (of a page, of a part of one: safety.scan_site)
        self.checked_pages: str | None = None  # the cache file of those two (PAGES_FILE), once read
        self.page_records: dict[str, str] = {}  # the hand-written pages' search records, by what they are made of (_page_records)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_shutdown(self) -> None:
        """The end of a `mkdocs serve` session: what it kept in memory goes to the cache folder for the next build."""
        if self.live is not None:
            self.live.close()
            self.live = None
        if self.linked is not None:
            self.linked.close()
            self.linked = None
        if self.native_watch is not None:
            self.native_watch.stop()
            self.native_watch = None
        if self.store is not None:
            self.store.write_out()
        if self.store is not None and self.store.cache_dir and self.kept is not None:
            keep_build(self.store.cache_dir, self.kept)
        if self.blobs is not None:
            self.blobs.finish(set(), prune=False)  # the files stay (another build may use them): vouched for
            self.blobs = None
        if self.checked_pages:
            self._write_checked_pages()

    def _resolve(self, config: MkDocsConfig, path: str) -> str:
        base = os.path.dirname(config.config_file_path or os.path.abspath("mkdocs.yml"))
        return os.path.normpath(os.path.join(base, path))

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.live is not None:
            self.live.hold()  # MkDocs is about to clear the preview's folder
        self.entries_dir = self._resolve(config, self.config.entries)
        self.templates_dir = self._resolve(config, self.config.templates) if self.config.templates else None
        self.cache_dir = self._resolve(config, self.config.cache_dir) if self.config.cache_dir else None
        self.guide = self._resolve(config, self.config.contributing) if self.config.contributing else None
        if self.guide and not os.path.isfile(self.guide):
            log.warning(f"contributing: {self.guide} is not a file; set the option to the guide's path relative to mkdocs.yml")
            self.guide = None
        self.failure = None
        self.compiling = self._compile_aside(config)
        try:
            self.catalog, notes = load_catalog(self.entries_dir, pages.reserved_slugs(), self.cache_dir)
        except ListError as exc:
            errors = exc.errors or exc.problems
            self._fail(config, f"{len(errors)} problem(s) in the list:\n" + "\n".join(map(str, errors)))
        else:
            log.info(
                "%d papers in %d sections from %s%s", len(self.catalog.entries), len(self.catalog.sections),
                self.entries_dir, f"; {len(notes)} advisory notes (python -m generator check lists them)" if notes else "",
            )
        self.own_nav = config.nav is None  # set in on_files, from the catalog whose pages the site gets
        if not self.serving:
            self._build_aside(config)
        return config

    def _compile_aside(self, config: MkDocsConfig) -> Forked[None] | None:
        """In a first build (no compiled templates in the cache folder), a child at idle priority compiles the
        templates (compile_templates) while this process reads the list: the second core has little else to do
        then, and the build would compile them as it renders (a tenth of a second or more). Not the theme's
        while another plugin changes their environment (`on_env`): this one would compile them without its changes."""
        if self.serving or not self.cache_dir or not forked.available() or os.path.isdir(os.path.join(self.cache_dir, COMPILED_FOLDER)):
            return None
        theme = not any(_changes_environment(plugin) for plugin in config.plugins.values() if plugin is not self)
        folder = os.path.join(self.cache_dir, COMPILED_FOLDER)
        return Forked(functools.partial(compile_templates, config, folder, self.templates_dir, theme), idle=True)

    def _stop_compiling(self) -> None:
        """The end of `_compile_aside`: what the child compiled is in the cache folder once it has finished; a
        child still at work (a busy machine) is stopped, and the file it was writing removed: the build compiles
        the templates it renders itself, as always."""
        compiling, self.compiling = self.compiling, None
        if compiling is None:
            return
        finished = compiling.done()
        compiling.discard()
        folder = os.path.join(self.cache_dir or "", COMPILED_FOLDER)
        for name in [] if finished or not os.path.isdir(folder) else os.listdir(folder):
            if not name.endswith(".sealed"):
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(folder, name))

    def _fail(self, config: MkDocsConfig, message: str) -> None:
        """A build fails; a preview instead shows the message on every page and serves until the fix.

        MkDocs' dev server never answers while a rebuild has failed, so the browser would just wait.
        In the terminal the message is an error, or information under strict mode, where an error
        would abort the rebuild and bring that wait back."""
        if not self.serving:
            raise PluginError(message) from None
        self.failure = message
        log.log(logging.INFO if config.strict else logging.ERROR, "%s\nThe preview shows this on every page until it is fixed.", message)

    def _build_aside(self, config: MkDocsConfig) -> None:
        """Atomic builds: write into a new folder beside the site, swap it in only on success."""
        self.final_site_dir = os.path.abspath(config.site_dir)
        parent = os.path.dirname(self.final_site_dir)
        os.makedirs(parent, exist_ok=True)
        self.building_dir = tempfile.mkdtemp(prefix=f".{os.path.basename(self.final_site_dir)}.building-", dir=parent)
        config.site_dir = self.building_dir
        self.warnings.count = 0
        logging.getLogger("mkdocs").addHandler(self.warnings)

    def _generate(self, config: MkDocsConfig, made_records: Callable[[Records, Counter[str]], None] | None) -> Build | None:
        """What the list adds to the site (generate.Build): the list's, else (in a failed preview) the last good one.
        `made_records`: see generate.Written."""
        if self.failure is None:
            assert self.catalog is not None
            cache_dir = self.cache_dir
            if self.store is None or self.store.cache_dir != cache_dir:
                self.store = Store(cache_dir)
            if self.blobs is None or self.blobs.folder != Blobs.folder_of(cache_dir):
                if self.blobs is not None:
                    self.blobs.finish(set(), prune=False)
                self.blobs = Blobs(cache_dir, os.path.dirname(os.path.abspath(config.site_dir)))
            self._read_checked_pages(cache_dir)
            try:
                self.kept = site_build(self.catalog, kept=self.kept, cache_dir=cache_dir, store=self.store, templates=self.templates_dir,
                                       records=self.config.pagefind, persist=not self.serving, directory_urls=config.use_directory_urls,
                                       site_url=config.site_url, related=self.config.related, split_kb=self.config.split_kb,
                                       index_split_kb=self.config.index_split_kb, blobs=self.blobs, made_records=made_records,
                                       favicon=config.theme.get("favicon"))
            except RenderError as exc:
                self._fail(config, str(exc))
            else:
                log.debug("papers rendered: %d, kept from an earlier build: %d", self.store.misses, self.store.hits)
                self.last_good = self.kept[1]
        return self.last_good

    def _read_checked_pages(self, cache_dir: str | None) -> None:
        """The sanitized pages and the site scan's findings of the last build (on the command line, where no
        session keeps them): a page whose bytes are those of then is neither sanitized nor scanned again."""
        path = os.path.join(cache_dir, PAGES_FILE) if cache_dir else None
        if path == self.checked_pages:
            return
        self.checked_pages = path
        loaded = cachefile.load(path) if path else None
        if isinstance(loaded, tuple) and len(loaded) == 3 and loaded[0] == _pages_version():
            self.sanitized, self.scanned = loaded[1], loaded[2]

    def _write_checked_pages(self) -> None:
        assert self.checked_pages is not None
        cachefile.dump(self.checked_pages, (_pages_version(), self.sanitized, self.scanned))

    def _guide_text(self, config: MkDocsConfig) -> dict[str, str]:
        if self.guide is None:
            return {}
        with open(self.guide, encoding="utf-8") as handle:
            text = handle.read()
        if not config.repo_url:
            log.warning("contributing: set repo_url in mkdocs.yml, so that the guide's links to files of the repository lead to them")
            return {GUIDE: text}
        root = os.path.dirname(config.config_file_path or os.path.abspath("mkdocs.yml"))
        source = os.path.relpath(self.guide, root).replace(os.sep, "/")
        return {GUIDE: site_guide(text, config.repo_url, source, root)}

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        guide = self._guide_text(config)
        # the search records of the pages written in Markdown (the hand-written ones, the guide): known before the list's
        markdown_pages = [*files.documentation_pages(), *(File.generated(config, name, content=text) for name, text in guide.items())]
        search = self.config.pagefind and self.failure is None
        texts = self._page_records(markdown_pages, config) if search else {}
        indexed: list[Records] = []

        def index(records: Records, words: Counter[str]) -> None:
            """Start indexing every record: in a first build, as soon as the list's are made, while the pages are rendered."""
            assert self.blobs is not None
            indexed.append(records | pack_records(texts, self.blobs))
            every, parent = words + word_counts(texts.values()), os.path.dirname(os.path.abspath(config.site_dir))
            if self.serving:
                self.live = self.live or LiveSearch(parent)
                self.live.update(indexed[0], self.blobs, every)
            else:
                self.indexer = SearchIndexer(indexed[0], self.blobs, every, parent, self.cache_dir)

        built = self._generate(config, index if search else None)
        generated = built.files if built else {"index.md": ERROR_HOME}
        self.slots = built.slots if built else Slots()
        self.parts = {}
        written = built.blobs if built else {}
        self.used = set(written.values())  # the files of `blobs` this build uses (the others go when it ends)
        for name in [*generated, *guide, *written]:
            if files.get_file_from_path(name) is not None:
                raise PluginError(f"{config.docs_dir}/{name} has the name of a generated file; rename or remove it")
        for name, text in {**generated, **guide}.items():
            files.append(File.generated(config, name, content=text))
        # linked into the site in on_post_build: MkDocs need not know hundreds of cards, nor copy them
        self.cards = {name: digest for name, digest in written.items() if name.startswith(CARDS)}
        for name, digest in written.items():
            if not name.startswith(CARDS) and self.blobs is not None:
                files.append(File.generated(config, name, abs_src_path=self.blobs.path(digest)))
        self.generated = {name for name in generated if name.endswith(".md")}
        if self.own_nav:
            config.nav = pages.navigation(built.nav if built else None, pages.handwritten_pages(config.docs_dir), self.guide is not None)
        if search and built is not None and self.failure is None and self.blobs is not None:  # a failed preview goes without search
            if not indexed:  # a kept Build: its records were made by an earlier build
                assert isinstance(built.records, Records)
                index(built.records, built.words)
            self.used |= set(indexed[0].packs)
        return files

    def _page_records(self, markdown_pages: list[File], config: MkDocsConfig) -> dict[str, str]:
        """Search records of the pages written in Markdown, from their Markdown as MkDocs would render it; kept by
        page and Markdown settings, so a rebuild under `mkdocs serve` converts only the pages that changed."""
        converter: markdown.Markdown | None = None
        settings = repr((config.markdown_extensions, config.mdx_configs))
        records, kept = {}, {}
        for file in markdown_pages:
            content = file.content_string
            key = hashlib.sha256("\0".join((settings, file.src_uri, file.url, file.name, content)).encode("utf-8", "surrogatepass")).hexdigest()
            record = self.page_records.get(key)
            if record is None:
                converter = converter or markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
                text, meta = get_data(content)
                body = _HEADERLINK.sub("", converter.reset().convert(text))
                heading = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.DOTALL)
                if heading:  # the record's title
                    body = body[:heading.start()] + body[heading.end():]
                title = str(meta.get("title") or (html_text(heading.group(1)) if heading else file.name))
                record = page_record(file.url, title, body)
            records[f"page/{file.src_uri}.html"] = kept[key] = record
        self.page_records = kept
        return records

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        """The theme's templates compiled once, not at every build: Jinja keeps their bytecode in the cache folder
        (keyed by each template's source, so an edited override is compiled again), sealed (SealedBytecode)."""
        self._stop_compiling()
        if self.cache_dir and env.bytecode_cache is None:
            env.bytecode_cache = theme_bytecode(os.path.join(self.cache_dir, COMPILED_FOLDER))
        return env

    def on_page_markdown(self, text: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        if self.config.pagefind and page.file.src_uri in self.generated:  # search reads the papers from their own records (generator/site/search.py)
            page.meta["search"] = {"exclude": True}
        return text

    def on_page_content(self, html: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        """A generated page gets its HTML back (generator.site.render.Slots), with its headings in the
        table of contents and its anchors known to MkDocs' link check; each part of it went through the
        sanitizer backstop (the page around its blocks, each block, each paper): it keeps only allowlisted
        tags, attributes, URLs. A failed preview puts its problems on top of every page.

        With Pagefind's search, the HTML goes into the file MkDocs writes (on_post_page), not into the
        page's content: MkDocs keeps every page's content until the build ends (80 MB at 20 times the list),
        and nothing reads it in between (Material's search, which would, then leaves these pages out)."""
        if page.file.src_uri in self.generated:
            html = decoded(self._sanitize(html.encode("utf-8", "surrogatepass")))
            parts = self.slots.parts(html, self._sanitize)
            add_headings(page.toc, self.slots.toc.get(page.file.src_uri, []))
            anchors = set(_ID.findall(html)) | {decoded(anchor) for part in parts.values() for anchor in _ID_BYTES.findall(part)}
            page.present_anchor_ids = (page.present_anchor_ids or set()) | anchors
            if self.config.pagefind:
                self.parts[page.file.src_uri] = parts
            else:
                html = self.slots.fill(html, parts)
        return error_banner(self.failure, self.last_good is not None) + html if self.failure else html

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        parts = self.parts.pop(page.file.src_uri, None)
        return output if parts is None else self.slots.fill(output, parts)

    def _sanitize(self, html: bytes) -> bytes:
        """`sanitize` of UTF-8 HTML, kept by content: a rebuild cleans only what changed (a page around its
        blocks, a block; the papers were cleaned as they were rendered). As bytes: held for the whole build
        and written to the cache (`PAGES_FILE`) as they are."""
        key = hashlib.sha256(html).hexdigest()
        clean = self.sanitizing.get(key) or self.sanitized.get(key)
        if clean is None:
            clean = sanitize(decoded(html)).encode("utf-8", "surrogatepass")
        self.sanitizing[key] = clean
        return clean

    def on_post_template(self, output: str, *, template_name: str, config: MkDocsConfig) -> str:
        """A failed preview's 404 page (MkDocs serves it for every address the site lacks) shows the problems too."""
        if not self.failure or template_name != "404.html":
            return output
        opening = _ARTICLE.search(output)
        at = opening.end() if opening else 0
        return output[:at] + error_banner(self.failure, self.last_good is not None) + output[at:]

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.cards and self.blobs is not None:
            if self.serving:
                self.linked = self.linked or LinkedFiles(os.path.dirname(os.path.abspath(config.site_dir)))
                self.linked.place(self.cards, self.blobs, config.site_dir)
            else:
                self.blobs.place(self.cards, config.site_dir)
        if self.blobs is not None and not self.serving:
            self.blobs.finish(self.used)
            self.blobs = None
        before = set(self.scanned)
        problems = scan_site(config.site_dir, self.scanned, self.cards) + missing_assets(config)
        if problems:
            raise PluginError("unsafe or broken site:\n" + "\n".join(map(str, problems)))
        if self.store is not None:
            self.store.finish(write=not self.serving)
        changed = before != set(self.scanned) or self.sanitizing.keys() != self.sanitized.keys()
        self.sanitized, self.sanitizing = self.sanitizing, {}
        if changed and self.checked_pages and not self.serving:  # a session writes them when it ends
            self._write_checked_pages()
        if self.live is not None:
            self.live.place(config.site_dir)
        if self.indexer is not None:
            indexer, self.indexer = self.indexer, None
            try:
                indexer.finish(config.site_dir)
            except SearchIndexError as exc:
                raise PluginError(f"search index: {exc}") from None
        if self.final_site_dir is None or self.building_dir is None:
            return
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if config.strict and self.warnings.count:
            self._discard()  # MkDocs aborts right after this event: the previous site stays
            return
        old = None
        if os.path.exists(self.final_site_dir):
            old = tempfile.mkdtemp(prefix=f".{os.path.basename(self.final_site_dir)}.old-", dir=os.path.dirname(self.final_site_dir))
            os.replace(self.final_site_dir, os.path.join(old, "site"))
        os.replace(self.building_dir, self.final_site_dir)
        config.site_dir = self.final_site_dir
        self.building_dir = None
        if old:
            shutil.rmtree(old, ignore_errors=True)

    def on_build_error(self, *, error: Exception) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.blobs is not None and not self.serving:
            self.blobs.finish(set(), prune=False)
            self.blobs = None
        if self.indexer is not None:
            self.indexer.discard()
            self.indexer = None
        self._stop_compiling()
        self._discard()

    def _discard(self) -> None:
        if self.building_dir is not None:
            shutil.rmtree(self.building_dir, ignore_errors=True)
            self.building_dir = None

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        watched = [self.entries_dir, *([self.templates_dir] if self.templates_dir else [])]
        if self.native_watch is None:
            self.native_watch = NativeWatch.start(server, watched)  # a save seen at once, not at the next poll
        if self.native_watch is None:
            for path in watched:
                server.watch(path)
        return server
