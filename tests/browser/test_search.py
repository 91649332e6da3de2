"""Material's search finds a paper by its title, an author and a key word, and the hit lands on the
paper's anchor; every page links the Atom feed; screenshots of every page type, desktop and mobile."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

OpenPage = Callable[..., Page]

PAPER = "papyan2020prevalence"
TITLE = "Prevalence of Neural Collapse during the terminal phase of deep learning training"


def search(page: Page, query: str) -> None:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    expect(page.locator(".md-search-result__meta")).not_to_have_text("Initializing search", timeout=20_000)
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=20_000)


@pytest.mark.parametrize(
    ("query", "paper", "title"),
    [
        ("Prevalence of Neural Collapse during the terminal phase", PAPER, TITLE),
        ("Vardan Papyan", PAPER, TITLE),
        ("Canonical Representation Hypothesis", "ziyin2024formation", "Formation of Representations in Neural Networks"),
    ],
    ids=["title", "author", "keyword"],
)
def test_search_hit_lands_on_the_papers_anchor(open_page: OpenPage, query: str, paper: str, title: str) -> None:
    page = open_page("")
    search(page, query)
    hit = page.locator(f".md-search-result__item a[href*='neural-collapse/'][href$='#{paper}']").first
    expect(hit).to_be_visible()
    hit.click()
    page.wait_for_url(f"**/neural-collapse/**#{paper}")
    heading = page.locator(f"h3#{paper}")
    expect(heading).to_be_in_viewport()
    expect(heading).to_contain_text(title)


def test_key_word_search_finds_the_key_word_entry(open_page: OpenPage) -> None:
    page = open_page("")
    search(page, "Lottery Ticket Hypothesis")
    expect(page.locator(".md-search-result__item a[href*='keywords/'][href$='#kw-lottery-ticket-hypothesis']").first).to_be_attached()


def test_feed_link_in_every_head(open_page: OpenPage, base_url: str) -> None:
    page = open_page(None, site_search=False)
    for path in ["", "others/", "keywords/", "explorer/", "404.html"]:
        page.goto(path or "/")
        link = page.locator("head link[rel='alternate'][type='application/atom+xml']")
        assert link.evaluate("link => link.href") == f"{base_url}feed.xml", path
    response = page.request.get(f"{base_url}feed.xml")
    assert response.ok and b"<feed xmlns=\"http://www.w3.org/2005/Atom\"" in response.body()


def test_screenshots_of_every_page_type(open_page: OpenPage, papers: list[dict[str, Any]],
                                        screenshot: Callable[[Page, str], list[Path]]) -> None:
    largest = Counter(p["section"] for p in papers).most_common(1)[0][0]
    pages = {"home": "", "section": "neural-collapse/", "section-largest": f"{largest}/", "keywords": "keywords/",
             "authors": "authors/", "years": "years/", "whats-new": "whats-new/", "stats": "stats/",
             "contributing": "contributing/", "not-found": "404.html", "explorer": "explorer/"}
    for scheme in ("light", "dark"):
        page = open_page(None, site_search=False, color_scheme=scheme)
        for name, path in pages.items():
            response = page.goto(path or "/")
            assert response is not None and response.status == 200, path
            shots = screenshot(page, name if scheme == "light" else f"{name}-dark")
            assert all(shot.stat().st_size > 10_000 for shot in shots)
