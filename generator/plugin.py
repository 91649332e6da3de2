"""The MkDocs plugin: a thin adapter that validates the list and adds the generated pages."""

from __future__ import annotations

import os
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from generator.catalog import Catalog
from generator.errors import ListError
from generator.generate import generate
from generator.render import page_name
from generator.source import load_catalog

log = get_plugin_logger(__name__)

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


class ReadingListPlugin(BasePlugin[ReadingListConfig]):
    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.entries_dir = ""
        self.templates_dir: str | None = None

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
        return config

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
        generated = generate(self.catalog, templates=self.templates_dir, directory_urls=config.use_directory_urls,
                             site_url=config.site_url, related=self.config.related)
        for name, text in generated.items():
            if files.get_file_from_path(name) is not None:
                raise PluginError(f"{config.docs_dir}/{name} has the name of a generated file; rename or remove it")
            files.append(File.generated(config, name, content=text))
        return files

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(self.entries_dir)
        if self.templates_dir:
            server.watch(self.templates_dir)
        return server
