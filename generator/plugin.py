"""The MkDocs plugin: a thin adapter that validates the list and adds the generated pages."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from typing import Any

import markdown
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils.meta import get_data

from generator.catalog import Catalog
from generator.datafiles import html_text
from generator.errors import ListError, Problem
from generator.generate import RenderError, generate
from generator.render import page_name
from generator.safety import sanitize, scan_site
from generator.search import SearchIndexer, SearchIndexError, page_record, search_records
from generator.source import load_catalog

log = get_plugin_logger(__name__)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>')  # the toc extension's permalinks (¶)

BROWSE = (
    ("Explorer", "explorer.md"), ("Key words", "keywords.md"), ("Authors", "authors.md"),
    ("Years", "years.md"), ("What's new", "whats-new.md"), ("Statistics", "stats.md"),
)


class ReadingListConfig(Config):
    entries = config_options.Type(str, default="entries")
    """The list directory: sections.yaml and one YAML file per paper, relative to mkdocs.yml."""
    templates = config_options.Optional(config_options.Type(str))
    """A folder of templates that override the package's (home.md.j2, section.md.j2, entry.html.j2, ...)."""
    related = config_options.Type(int, default=5)
    """How many related papers to show under each paper (0 to turn them off)."""
    pagefind = config_options.Type(bool, default=True)
    """Index one search record per paper with Pagefind for overrides/partials/search.html (docs/assets/search.js).
    False leaves search to Material's own plugin, which then needs its own search partial back."""
    cache_dir = config_options.Type(str, default=".cache/reading-list")
    """Where results that are slow to compute (related papers) are kept between builds, relative to mkdocs.yml."""


def missing_assets(config: MkDocsConfig) -> list[Problem]:
    """Stylesheets and scripts that mkdocs.yml names but the site lacks: every page would 404 on them."""
    names = [str(css) for css in config.extra_css] + [str(getattr(js, "path", js)) for js in config.extra_javascript]
    return [
        Problem("mkdocs.yml", 0, f"{name} is listed in extra_css or extra_javascript but is not in the site; add it to {config.docs_dir}")
        for name in names
        if "://" not in name and not os.path.isfile(os.path.join(config.site_dir, name))
    ]


class _Warnings(logging.Handler):
    """Counts warnings during a build, to know before the swap whether strict mode will abort."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class ReadingListPlugin(BasePlugin[ReadingListConfig]):
    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.entries_dir = ""
        self.templates_dir: str | None = None
        self.generated: set[str] = set()
        self.indexer: SearchIndexer | None = None
        self.serving = False
        self.final_site_dir: str | None = None  # where the site goes; we build beside it, then swap
        self.building_dir: str | None = None
        self.warnings = _Warnings()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def _resolve(self, config: MkDocsConfig, path: str) -> str:
        base = os.path.dirname(config.config_file_path or os.path.abspath("mkdocs.yml"))
        return os.path.normpath(os.path.join(base, path))

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.entries_dir = self._resolve(config, self.config.entries)
        self.templates_dir = self._resolve(config, self.config.templates) if self.config.templates else None
        try:
            self.catalog, notes = load_catalog(self.entries_dir)
        except ListError as exc:
            errors = exc.errors or exc.problems
            raise PluginError(f"{len(errors)} problem(s) in the list:\n" + "\n".join(map(str, errors))) from None
        log.info(
            "%d papers in %d sections from %s%s", len(self.catalog.entries), len(self.catalog.sections),
            self.entries_dir, f"; {len(notes)} advisory notes (python -m generator check lists them)" if notes else "",
        )
        if config.nav is None:
            config.nav = self._nav(config)
        if not self.serving:
            self._build_aside(config)
        return config

    def _build_aside(self, config: MkDocsConfig) -> None:
        """Atomic builds: write into a new folder beside the site, swap it in only on success."""
        self.final_site_dir = os.path.abspath(config.site_dir)
        parent = os.path.dirname(self.final_site_dir)
        os.makedirs(parent, exist_ok=True)
        self.building_dir = tempfile.mkdtemp(prefix=f".{os.path.basename(self.final_site_dir)}.building-", dir=parent)
        config.site_dir = self.building_dir
        self.warnings.count = 0
        logging.getLogger("mkdocs").addHandler(self.warnings)

    def _nav(self, config: MkDocsConfig) -> list[Any]:
        """Home, the sections in the sections file's order, the indexes, then the hand-written pages."""
        assert self.catalog is not None
        generated = {page_name(s.slug) for s in self.catalog.sections} | {"index.md"} | {name for _, name in BROWSE}
        nav: list[Any] = [
            {"Home": "index.md"},
            {"Sections": [{s.title: page_name(s.slug)} for s in self.catalog.sections]},
            {"Browse": [{title: name} for title, name in BROWSE]},
        ]
        for folder, dirs, names in os.walk(config.docs_dir):
            dirs.sort()
            for name in sorted(names):
                rel = os.path.relpath(os.path.join(folder, name), config.docs_dir).replace(os.sep, "/")
                if name.endswith(".md") and rel not in generated:
                    nav.append(rel)
        return nav

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.catalog is not None
        try:
            generated = generate(self.catalog, templates=self.templates_dir, directory_urls=config.use_directory_urls,
                                 site_url=config.site_url, related=self.config.related,
                                 cache_dir=self._resolve(config, self.config.cache_dir) if self.config.cache_dir else None)
        except RenderError as exc:
            raise PluginError(str(exc)) from None
        for name, text in generated.items():
            if files.get_file_from_path(name) is not None:
                raise PluginError(f"{config.docs_dir}/{name} has the name of a generated file; rename or remove it")
            files.append(File.generated(config, name, content=text))
        self.generated = {name for name in generated if name.endswith(".md")}
        if self.config.pagefind:
            records = search_records(self.catalog, config.use_directory_urls)
            records.update(self._page_records(files, config))
            self.indexer = SearchIndexer(records, os.path.dirname(os.path.abspath(config.site_dir)))
        return files

    def _page_records(self, files: Files, config: MkDocsConfig) -> dict[str, str]:
        """Search records of the hand-written pages, from their Markdown as MkDocs would render it."""
        converter = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
        records = {}
        for file in files.documentation_pages():
            if file.src_uri in self.generated:
                continue
            text, meta = get_data(file.content_string)
            body = _HEADERLINK.sub("", converter.reset().convert(text))
            heading = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.DOTALL)
            if heading:  # the record's title
                body = body[:heading.start()] + body[heading.end():]
            title = str(meta.get("title") or (html_text(heading.group(1)) if heading else file.name))
            records[f"page/{file.src_uri}.html"] = page_record(file.url, title, body)
        return records

    def on_page_markdown(self, text: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        if self.config.pagefind and page.file.src_uri in self.generated:  # search reads the papers from their own records (generator/search.py)
            page.meta["search"] = {"exclude": True}
        return text

    def on_page_content(self, html: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        """The sanitizer backstop: our generated pages keep only allowlisted tags, attributes, URLs."""
        return sanitize(html) if page.file.src_uri in self.generated else html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        problems = scan_site(config.site_dir) + missing_assets(config)
        if problems:
            raise PluginError("unsafe or broken site:\n" + "\n".join(map(str, problems)))
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
        if self.indexer is not None:
            self.indexer.discard()
            self.indexer = None
        self._discard()

    def _discard(self) -> None:
        if self.building_dir is not None:
            shutil.rmtree(self.building_dir, ignore_errors=True)
            self.building_dir = None

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(self.entries_dir)
        if self.templates_dir:
            server.watch(self.templates_dir)
        return server
