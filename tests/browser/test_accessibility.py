"""Every kind of page passes axe-core's checks (WCAG 2 A and AA, and its best practices), in light and
dark, on a desktop and on a phone, with the search dialog open, the explorer filtered and a preview's
problems on top too. axe-core
comes with its PyPI package (axe-playwright-python), run in the page as a reader's browser has it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Page, expect

from generator.site.cards import card_url
from generator.site.plugin import error_banner

OpenPage = Callable[..., Page]
SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def violations(page: Page) -> list[str]:
    """What axe-core finds, a line per element: the rule, its impact, the element and what fails."""
    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}) {' '.join(node['target'])}: {' '.join((node.get('failureSummary') or '').split())[:300]}"
            for v in found for node in v["nodes"]]


def pages(papers: list[dict[str, Any]]) -> list[str]:
    """A page of each kind, of the list as it is (its first paper's section and card)."""
    first = papers[0]
    keyword = next(p["keywords"][0] for p in papers if p.get("keywords"))
    return ["", f"{first['section']}/", "explorer/", f"explorer/?kw={keyword}&code=1", "explorer/?text=zzzqqqxxx", "keywords/",
            "authors/", "years/", "whats-new/", "stats/", "contributing/", f"{card_url(first['id'])}?stay"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_kind_of_page_passes_axe(open_page: OpenPage, papers: list[dict[str, Any]], screen: str,
                                       scheme: Literal["light", "dark"]) -> None:
    page = open_page(None, viewport=SCREENS[screen], color_scheme=scheme)
    found = {}
    long = ("keywords/", "authors/")  # the longest pages (16 s of axe): their layout is the desktop's, narrower
    for path in [p for p in pages(papers) if screen == "desktop" or p not in long]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        if problems := violations(page):
            found[path] = problems
    assert found == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_open_search_dialog_passes_axe(open_page: OpenPage, papers: list[dict[str, Any]], scheme: Literal["light", "dark"]) -> None:
    page = open_page("", color_scheme=scheme)
    word = next(w for p in papers for w in re.findall(r"[A-Za-z]{6,}", p["title"]))
    page.locator("input[data-dlp-search-input]").click()
    page.keyboard.type(word)
    expect(page.locator("[data-dlp-search]")).to_have_attribute("data-dlp-answered", word)
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    expect(page.locator(".md-search__output")).to_have_css("opacity", "1")  # faded in: axe reads the colours as they end
    assert violations(page) == []


@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_previews_problems_read_whole_without_scrolling_sideways(open_page: OpenPage, papers: list[dict[str, Any]], screen: str) -> None:
    """The box `mkdocs serve` puts on every page while the list has a problem (plugin.error_banner, as the
    plugin writes it, in a page of the site): its fix comes at the end of a long line."""
    problem = (f"entries/{papers[0]['section']}/{papers[0]['id']}.yaml:2: the value of title contains ': ', which YAML reads as "
               "another field; put the whole value in quotes (YAML parser: mapping values are not allowed in this context)")
    page = open_page(f"{papers[0]['section']}/", viewport=SCREENS[screen])
    page.locator("article.md-content__inner").evaluate("(article, html) => article.insertAdjacentHTML('afterbegin', html)",
                                                       error_banner(f"1 problem(s) in the list:\n{problem}", True))
    box = page.locator("pre.dlp-problems > code")
    expect(box).to_contain_text("put the whole value in quotes")
    assert box.evaluate("code => code.scrollWidth <= code.clientWidth")  # nothing out of sight to the right
    assert violations(page) == []
