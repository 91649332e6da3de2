"""A complete project for an engine that runs no MkDocs plugin: `python -m generator pages --out DIR --project`.

Zensical reads mkdocs.yml but not third-party plugins, so what the reading-list plugin does in memory
is done here once, on disk: the generated pages and data files, the hand-written docs/, the theme
overrides, the contribution guide as the site's page, and a copy of mkdocs.yml without the plugin and
with the navigation written out (the plugin's order: home, sections, browse pages, hand-written pages,
guide). `zensical build` in DIR then needs nothing else; `search-index` adds the Pagefind index.

The project uses `use_directory_urls: false`. The generated pages link to each other with addresses
relative to the built page, while Zensical reads a relative link in raw HTML as relative to the page's
source file and rewrites it for the built page: with directory URLs `memorization.md` becomes
`memorization/index.html` and `../generalization/` would resolve one level too high. Without them a
page's source and its built page sit in the same place, and the links come through unchanged.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.list.catalog import Catalog
from generator.list.emit import write_text
from generator.site import pages
from generator.site.generate import generate
from generator.site.guide import site_guide

PLUGIN = "reading-list"
MARKER = "# Written by `python -m generator pages --project`"
DOCS, OVERRIDES, SITE = "docs", "overrides", "site"  # the project's folders
DEFAULT_RELATED = 5
DEFAULT_CACHE = ".cache/reading-list"  # the plugin's cache_dir default


class Tagged:
    """A value YAML tags for the engine (`!ENV [SITE_URL, ...]`, `!relative`, `!!python/name:...`): kept as written."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag = tag
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tagged) and (self.tag, self.value) == (other.tag, other.value)


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    value: Any
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
    return Tagged(node.tag, value)


def _represent_tagged(dumper: yaml.SafeDumper, tagged: Tagged) -> yaml.Node:
    if isinstance(tagged.value, dict):
        return dumper.represent_mapping(tagged.tag, tagged.value)
    if isinstance(tagged.value, list):
        return dumper.represent_sequence(tagged.tag, tagged.value, flow_style=True)
    return dumper.represent_scalar(tagged.tag, str(tagged.value))


_Loader.add_multi_constructor("!", _construct_tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_Dumper.add_representer(Tagged, _represent_tagged)


def read_config(path: str) -> dict[str, Any]:
    """mkdocs.yml as a mapping, its tagged values kept as Tagged."""
    with open(path, encoding="utf-8") as handle:
        config = yaml.load(handle, Loader=_Loader)  # a SafeLoader that keeps tags as Tagged, never runs them
    if not isinstance(config, dict):
        raise ValueError(f"{path}: not a mapping of settings")
    return config


def dump_config(config: dict[str, Any]) -> str:
    """A config mapping as YAML, its Tagged values written back with their tags."""
    return yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


def resolved(value: Any) -> Any:
    """A setting's value as MkDocs reads it: `!ENV [A, B, default]` is the first of A, B that is set, else the default."""
    if not isinstance(value, Tagged) or value.tag != "!ENV":
        return value
    names = value.value if isinstance(value.value, list) else [value.value]
    default = names[-1] if isinstance(value.value, list) and len(names) > 1 else None
    for name in names[:-1] if default is not None else names:
        if str(name) in os.environ:
            return os.environ[str(name)]
    return default


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    """The reading-list plugin's options in mkdocs.yml (a list of names or one-key mappings, or a mapping)."""
    plugins = config.get("plugins") or []
    items = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items())) if isinstance(p, dict) else (p, None) for p in plugins)
    for name, options in items:
        if name == PLUGIN:
            return dict(options or {})
    return {}


def without_plugin(plugins: Any) -> Any:
    if isinstance(plugins, dict):
        return {name: options for name, options in plugins.items() if name != PLUGIN}
    return [p for p in plugins if p != PLUGIN and not (isinstance(p, dict) and PLUGIN in p)]


@dataclass
class Project:
    config: str  # the written mkdocs.yml
    pages: int  # Markdown pages in docs/, generated and hand-written
    notes: list[str] = field(default_factory=list)  # what the project lacks, and how to give it


def _check_target(out: str, sources: list[str]) -> None:
    """Refuse a folder this command did not write (`--out .` would replace the repository's docs/)."""
    config = os.path.join(out, "mkdocs.yml")
    ours = False
    if os.path.isfile(config):
        with open(config, encoding="utf-8") as handle:
            ours = handle.readline().startswith(MARKER)
    taken = [name for name in ("mkdocs.yml", DOCS, OVERRIDES) if os.path.exists(os.path.join(out, name))]
    if taken and not ours:
        raise ValueError(f"{out} already holds {', '.join(taken)}, not written by `pages --project`: choose a new or empty folder")
    target = os.path.realpath(out)
    for source in sources:
        if os.path.commonpath([target, os.path.realpath(source)]) in (target, os.path.realpath(source)):
            raise ValueError(f"{out}: the project cannot contain {source} or lie inside it: choose a folder outside both")


def write_project(catalog: Catalog, out: str, config_file: str = "mkdocs.yml", *, templates: str | None = None,
                  site_url: str | None = None, related: int | None = None) -> Project:
    """Write DIR/mkdocs.yml, DIR/docs (generated and hand-written pages, data files, assets) and
    DIR/overrides. Options not given are the plugin's in `config_file`."""
    config = read_config(config_file)
    root = os.path.dirname(os.path.abspath(config_file))
    options = plugin_options(config)

    def path(setting: Any) -> str:
        return os.path.normpath(os.path.join(root, str(setting)))

    docs_dir = path(config.get("docs_dir", "docs"))
    theme = dict(config.get("theme") or {}) if not isinstance(config.get("theme"), str) else {"name": config["theme"]}
    custom_dir = path(theme["custom_dir"]) if theme.get("custom_dir") else None
    _check_target(out, [docs_dir, *([custom_dir] if custom_dir else [])])

    templates = templates or (path(options["templates"]) if options.get("templates") else None)
    cache = options.get("cache_dir", DEFAULT_CACHE)
    cache_dir = path(cache) if cache else None
    site, files, _ = generate(catalog, templates=templates, directory_urls=False, site_url=site_url or resolved(config.get("site_url")),
                           related=related if related is not None else int(options.get("related", DEFAULT_RELATED)), cache_dir=cache_dir)
    notes = []
    if options.get("contributing"):
        guide_path = path(options["contributing"])
        with open(guide_path, encoding="utf-8") as handle:
            guide = handle.read()
        repo_url = resolved(config.get("repo_url"))
        if repo_url:
            guide = site_guide(guide, str(repo_url), os.path.relpath(guide_path, root).replace(os.sep, "/"), root)
        else:
            notes.append(f"{config_file}: no repo_url, so the guide's links to files of the repository stay relative; set repo_url")
        files[pages.GUIDE] = guide

    handwritten = pages.handwritten_pages(docs_dir) if os.path.isdir(docs_dir) else []
    for name in files:
        if os.path.exists(os.path.join(docs_dir, name)):
            raise ValueError(f"{docs_dir}/{name} has the name of a generated file; rename or remove it")

    for folder in (DOCS, OVERRIDES):
        shutil.rmtree(os.path.join(out, folder), ignore_errors=True)
    if os.path.isdir(docs_dir):
        shutil.copytree(docs_dir, os.path.join(out, DOCS))
    if custom_dir:
        shutil.copytree(custom_dir, os.path.join(out, OVERRIDES))
        theme["custom_dir"] = OVERRIDES
    for name, text in files.items():
        write_text(os.path.join(out, DOCS, name), text)

    written = {key: value for key, value in config.items() if key not in ("docs_dir", "site_dir", "use_directory_urls", "nav")}
    if "theme" in config:
        written["theme"] = theme
    if "plugins" in config:
        written["plugins"] = without_plugin(config["plugins"])
    written.update(docs_dir=DOCS, site_dir=SITE, use_directory_urls=False,
                   nav=pages.navigation(pages.site_navigation(site), handwritten, pages.GUIDE in files))
    header = (f"{MARKER} from {config_file}: the reading-list plugin's pages are in {DOCS}/, so this\n"
              f"# configuration runs without it: `zensical build` here, then `python -m generator search-index {os.path.join(out, SITE)}`\n"
              "# (with the list's --entries) from the repository, for search.\n")
    target = os.path.join(out, "mkdocs.yml")
    write_text(target, header + dump_config(written))
    count = len([n for n in files if n.endswith(".md")]) + len(handwritten)
    return Project(target, count, notes)
