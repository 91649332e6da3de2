"""The page registry (generator/site/pages.py): the navigation, the home page's list, the reserved slugs,
the render loop and the search records all follow its rows."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.list.source import load_catalog
from generator.model import Section
from generator.site import pages
from generator.site.pages import BROWSE, GUIDE, HOME, PAGES, SECTIONS, SITE_FOLDERS, Page, render_pages, reserved_slugs, search_records
from generator.site.render import Site, page_url

ROOT = Path(__file__).resolve().parent.parent


def test_every_row_renders_its_pages(small_list: Path) -> None:
    catalog, _ = load_catalog(str(small_list))
    pages = render_pages(catalog)
    expected = [HOME.name, *(f"{s.slug}.md" for s in catalog.sections), *(page.name for page in BROWSE)]
    assert list(pages) == expected
    assert [row.template for row in PAGES] == ["home.md.j2", "section.md.j2", *(f"{p.name[:-3]}.md.j2" for p in BROWSE)]


def test_the_home_page_lists_every_browse_row(small_list: Path) -> None:
    catalog, _ = load_catalog(str(small_list))
    home = render_pages(catalog)["index.md"]
    listed = re.findall(r"^- \[(.+?)\]\((\S+?\.md)\): ", home, re.MULTILINE)
    assert [(html.unescape(title), name) for title, name in listed] == [(page.nav, page.name) for page in BROWSE]


def test_reserved_slugs_are_the_rows_the_guide_and_the_site_folders() -> None:
    assert reserved_slugs() == {"index", "explorer", "keywords", "authors", "years", "whats-new", "stats", "contributing",
                                "assets", "search", "pagefind", "p"}
    assert GUIDE == "contributing.md" and set(SITE_FOLDERS) <= reserved_slugs()


@pytest.mark.parametrize("slug", sorted(reserved_slugs()))
def test_check_refuses_a_section_named_like_a_page_of_the_site(slug: str, small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sections = small_list / "sections.yaml"
    data = yaml.safe_load(sections.read_text(encoding="utf-8"))
    data["sections"].append({"slug": slug, "title": "Taken", "description": "A section whose page the site already has."})
    sections.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    line = sections.read_text(encoding="utf-8").splitlines().index(f"- slug: {slug}") + 1
    assert main(["check", "--entries", str(small_list)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"entries/sections.yaml:{line}: sections[2]: slug '{slug}' is the name of a page or folder of the site; choose another")


def test_search_records_point_into_the_pages_of_their_rows(small_list: Path) -> None:
    catalog, _ = load_catalog(str(small_list))
    site = Site(catalog)
    records = search_records(site)
    assert SECTIONS.records is not None and BROWSE[1].records is not None
    assert set(records) == set(SECTIONS.records(site, True)) | set(BROWSE[1].records(site, True))
    kinds = {name.split("/")[0] for name in records}
    assert kinds == {"paper", "section", "keyword"}
    assert all(f'content="{page_url("keywords.md", True)}#' in text for name, text in records.items() if name.startswith("keyword/"))


def test_the_built_navigation_follows_the_registry(small_list: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["build", "--config-file", str(ROOT / "mkdocs.yml"), "--entries", str(small_list), "--site-dir", str(site)]) == 0
    home = (site / "index.html").read_text(encoding="utf-8")
    nav = re.findall(r'<a href="([^"]*)" class="md-nav__link">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', home)
    browse = [(url, title) for url, title in nav if url.rstrip("/") in {p.name[:-3] for p in BROWSE}]
    assert [html.unescape(title) for _, title in browse][: len(BROWSE)] == [p.nav for p in BROWSE]
    for page in PAGES:
        for name in ([f"{s}.md" for s in ("memorization", "generalization")] if page.per_section else [page.name]):
            assert (site / page_url(name, True) / "index.html").is_file(), name


def test_a_new_index_page_is_one_row_one_template_one_function(small_list: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The promise of the registry, kept: a "Venues" page, added as a row (with its function) and a
    template, is rendered, in the navigation, on the home page and a reserved slug; nothing else changes."""
    def venues(site: Site, _: Section | None) -> dict[str, object]:
        return {"venues": sorted({e.venue for e in site.catalog.entries if e.venue})}

    row = Page("venues.md", "venues.md.j2", venues, nav="Venues", summary="every venue with its papers")
    monkeypatch.setattr(pages, "BROWSE", (*pages.BROWSE, row))
    monkeypatch.setattr(pages, "PAGES", (*pages.PAGES, row))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "venues.md.j2").write_text("# Venues\n\n{% for venue in venues %}\n- {{ venue | md_text }}\n{% endfor %}\n", encoding="utf-8")
    assert "venues" in reserved_slugs()
    site = tmp_path / "site"
    assert main(["build", "--config-file", str(ROOT / "mkdocs.yml"), "--entries", str(small_list), "--site-dir", str(site),
                 "--templates", str(templates)]) == 0
    assert "<li>ACL 2022</li>" in (site / "venues" / "index.html").read_text(encoding="utf-8")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="venues/">Venues</a>: every venue with its papers' in home
    assert re.search(r'<a href="venues/" class="md-nav__link">\s*<span class="md-ellipsis">\s*Venues', home)
