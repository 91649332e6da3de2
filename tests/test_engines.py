"""The site from the other engines, each a real build of the small list: ProperDocs runs the plugin;
Zensical builds the project `pages --project` writes, and `search-index` adds the search.

The engines come with the `test` extra (`make setup`); nothing is installed here."""

from __future__ import annotations

import html
import os
import posixpath
import re
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.list.source import load_catalog
from generator.site.datafiles import permalink
from generator.site.search import indexed_records

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_LIST = ROOT / "tests" / "fixtures" / "memorization"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
CATALOG, _ = load_catalog(str(FIXTURE_LIST))


def executable(name: str) -> str:
    """An engine's command, beside this Python; missing is a failure, since `make setup` installs it."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        pytest.fail(f"{name} is not installed; pip install -e '.[test]' (make setup) installs it", pytrace=False)
    return str(path)


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def repository_copy(target: Path) -> Path:
    """What `mkdocs build` reads in the repository, with the small list as its entries/."""
    target.mkdir()
    for name in ("mkdocs.yml", "CONTRIBUTING.md"):
        shutil.copy(ROOT / name, target / name)
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copytree(FIXTURE_LIST, target / "entries")
    return target


@pytest.fixture(scope="module")
def properdocs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small list built by `properdocs build --strict` with the repository's mkdocs.yml."""
    repo = repository_copy(tmp_path_factory.mktemp("properdocs") / "repo")
    done = run([executable("properdocs"), "build", "--strict", "-f", "mkdocs.yml", "-d", "site"], repo)
    assert "WARNING" not in done.stderr
    return repo / "site"


@pytest.fixture(scope="module")
def zensical_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project `pages --project` writes for the small list, built by `zensical build --strict`, then indexed."""
    project = tmp_path_factory.mktemp("zensical") / "project"
    assert main(["pages", "--entries", str(FIXTURE_LIST), "--out", str(project), "--project", "-f", str(ROOT / "mkdocs.yml")]) == 0
    run([executable("zensical"), "build", "--strict"], project)
    assert main(["search-index", str(project / "site"), "--entries", str(FIXTURE_LIST)]) == 0
    return project


def anchors(page: Path) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8")))


def records_by_url(site: Path) -> dict[str, dict[str, Any]]:
    """The search index's records by the address a hit opens; without the record document's own
    path, which names a temporary file (the search dialog opens `meta.url`)."""
    records: list[dict[str, Any]] = indexed_records(str(site))
    return {record["meta"]["url"]: {k: v for k, v in record.items() if k != "url"} for record in records}


def nav_pages(page: Path) -> list[str]:
    """The pages the primary navigation links, in order, as names without `.html` or `/`."""
    text = page.read_text(encoding="utf-8")
    names: list[str] = []
    for href in re.findall(r'<a href="([^"#]*)" class="md-nav__link', text[text.index('<nav class="md-nav md-nav--primary'):]):
        name = href.removeprefix("./").removesuffix("index.html").removesuffix(".html").rstrip("/").strip(".") or "index"
        if name not in names:
            names.append(name)
    return names


def test_the_plugin_declares_properdocs_support() -> None:
    declared = {ep.name: ep.value for ep in entry_points(group="properdocs.plugins")}
    assert declared["reading-list"] == "generator.site.plugin:ReadingListPlugin"


def test_properdocs_builds_the_site_with_the_plugin(properdocs_site: Path) -> None:
    home = (properdocs_site / "index.html").read_text(encoding="utf-8")
    assert '<meta name="generator" content="mkdocs-ProperDocs 1.6.7' in home  # ProperDocs built it, not MkDocs
    for entry in CATALOG.entries:
        for section in (entry.section, *entry.also_in):
            assert entry.id in anchors(properdocs_site / section / "index.html"), (entry.id, section)
    records = records_by_url(properdocs_site)
    assert {permalink(e) for e in CATALOG.entries} | {f"{s.slug}/" for s in CATALOG.sections} | {"contributing/"} <= set(records)
    assert records["memorization/#lee2022deduplicating"]["meta"]["title"] == "Deduplicating Training Data Makes Language Models Better"
    assert any(url.startswith("keywords/#kw-") for url in records)
    assert nav_pages(properdocs_site / "index.html") == [
        "index", "memorization", "generalization", "explorer", "keywords", "authors", "years", "whats-new", "stats", "contributing"]


def test_search_index_of_a_built_site_is_the_plugins(properdocs_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(properdocs_site, site, ignore=shutil.ignore_patterns("pagefind"))
    assert main(["search-index", str(site), "--entries", str(FIXTURE_LIST)]) == 0
    assert records_by_url(site) == records_by_url(properdocs_site)  # the hand-written pages' from their HTML included


def test_zensical_builds_the_written_project_and_search_index_adds_search(zensical_project: Path, properdocs_site: Path) -> None:
    config = (zensical_project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "site_url: !ENV [SITE_URL, 'http://127.0.0.1:8000/']" in config  # kept for the engine to read
    settings = yaml.load(config.replace("!ENV", ""), Loader=yaml.SafeLoader)
    assert settings["plugins"] == ["search"]
    assert (settings["docs_dir"], settings["use_directory_urls"], settings["theme"]["custom_dir"]) == ("docs", False, "overrides")
    site = zensical_project / "site"
    for entry in CATALOG.entries:
        for section in (entry.section, *entry.also_in):
            assert entry.id in anchors(site / f"{section}.html"), (entry.id, section)
    records = records_by_url(site)
    assert {permalink(e, False) for e in CATALOG.entries} | {f"{s.slug}.html" for s in CATALOG.sections} | {"contributing.html"} <= set(records)
    assert any(url.startswith("keywords.html#kw-") for url in records)
    assert nav_pages(site / "index.html") == nav_pages(properdocs_site / "index.html")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-dlp-bundle="./pagefind/"' in home and "assets/search.js" in home  # the theme overrides: our search dialog
    assert (site / "contributing.html").is_file() and (site / "papers.bib").is_file() and (site / "feed.xml").is_file()


def test_every_link_of_the_zensical_site_resolves(zensical_project: Path) -> None:
    site = zensical_project / "site"
    pages = {p.relative_to(site).as_posix(): p for p in site.rglob("*.html")}
    broken = []
    for name, page in pages.items():
        if name == "404.html":  # addresses from the site root, for any missing address
            continue
        for href in map(html.unescape, re.findall(r'href="([^"]*)"', page.read_text(encoding="utf-8"))):
            if re.match(r"[a-z][a-z0-9+.-]*:|//", href) or not href.split("#")[0]:
                continue
            path, _, anchor = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
            target = posixpath.join(target, "index.html") if path.endswith("/") or (site / target).is_dir() else target
            if not (site / target).is_file() or (anchor and target.endswith(".html") and anchor not in anchors(site / target)):
                broken.append(f"{name}: {href}")
    assert broken == []


def test_project_replaces_its_own_folder_and_refuses_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    args = ["pages", "--entries", str(FIXTURE_LIST), "--out", str(project), "--project", "-f", str(ROOT / "mkdocs.yml"), "--related", "0"]
    assert main(args) == 0
    (project / "docs" / "stale.md").write_text("# A page of an earlier list\n", encoding="utf-8")
    assert main(args) == 0
    assert not (project / "docs" / "stale.md").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "mkdocs.yml").write_text("site_name: Mine\n", encoding="utf-8")
    capsys.readouterr()
    assert main([*args[:4], str(other), *args[5:]]) == 1
    assert capsys.readouterr().err == (
        f"error: {other} already holds mkdocs.yml, not written by `pages --project`: choose a new or empty folder\n")
    assert (other / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Mine\n"
