"""Split pages in Chromium: an old address section/#id or index/#anchor opens the page that now holds it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from harness import ROOT, serve

from generator.cli import main
from generator.list.source import load_catalog

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SPLIT = {"split_kb": 150, "index_split_kb": 100}  # the list's sections and indexes over several pages


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("split")
    config = work / "mkdocs.yml"
    options = "".join(f"      {key}: {value}\n" for key, value in SPLIT.items())
    config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {ROOT / 'docs'}\ntheme:\n  name: material\n  custom_dir: {ROOT / 'overrides'}\n"
                      f"plugins:\n  - search\n  - reading-list:\n      contributing: {ROOT / 'CONTRIBUTING.md'}\n{options}", encoding="utf-8")
    site = work / "site"
    with serve(site) as url:
        os.environ["SITE_URL"] = url
        try:
            assert main(["build", "--config-file", str(config), "--entries", str(ROOT / "entries"), "--site-dir", str(site)]) == 0
        finally:
            del os.environ["SITE_URL"]
        yield url


def test_old_addresses_reach_the_split_pages(browser: Browser, split_site: str) -> None:
    catalog, _ = load_catalog(str(ROOT / "entries"))
    section = max(catalog.sections, key=lambda s: len(catalog.in_section(s.slug)))
    # the oldest paper with authors and key words: on the section's last page
    oldest = next(e for e in reversed(catalog.in_section(section.slug)) if e.authors and e.keywords)
    context = browser.new_context()
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{split_site}{section.slug}/#{oldest.id}")
        page.wait_for_url(re.compile(rf"/{section.slug}/[^/]+/#{oldest.id}$"))
        assert page.locator(f"h3[id='{oldest.id}']").is_visible()
        entry = page.locator(f"h3[id='{oldest.id}'] + .dlp-entry")
        anchors = {index: (entry.locator(f"a.dlp-{kind}").first.get_attribute("href") or "").split("#")[-1]
                   for index, kind in (("keywords", "keyword"), ("authors", "author"))}
        for index, anchor in anchors.items():
            page.goto(f"{split_site}{index}/#{anchor}")
            page.wait_for_url(re.compile(rf"/{index}/[^/]+/#{anchor}$"))
            assert page.locator(f"[id='{anchor}']").is_visible()
        page.goto(f"{split_site}{section.slug}/#no-such-paper")  # an unknown anchor stays where it is
        page.wait_for_timeout(300)
        assert page.url.endswith(f"/{section.slug}/#no-such-paper")
    finally:
        context.close()
    assert errors == []
