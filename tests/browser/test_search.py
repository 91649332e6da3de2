"""Search (Pagefind's index, one record per paper, in Material's header) finds a paper by its title,
an author and a key word, and the hit lands on the paper's anchor; the reader downloads only a small
part of the index; the keyboard works (the dialog in detail, and the ranking: test_finding.py); every
page links the Atom feed; screenshots of every page type, desktop and mobile."""

from __future__ import annotations

import re
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
    box = page.locator("input[data-dlp-search-input]")
    box.click()
    box.fill(query)
    expect(page.locator("[data-dlp-search-meta]")).to_have_text(re.compile(r"^\d+ matching results?$"))
    expect(page.locator(".md-search-result__item").first).to_be_visible()


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


def test_a_hand_written_page_is_found(open_page: OpenPage, base_url: str) -> None:
    page = open_page("neural-collapse/")
    search(page, "pull request")
    expect(page.locator(f".md-search-result__item a[href='{base_url}contributing/']").first).to_be_attached()


def test_the_first_result_costs_a_small_part_of_the_index(open_page: OpenPage, site: Path) -> None:
    """The reader fetches the engine, the index chunks the query needs and one record per result shown
    (bench/bench_scale.py measures the same at 20 times the list)."""
    page = open_page(None)
    fetched: list[str] = []
    everything: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url) if "/pagefind/" in request.url else None)
    page.on("request", lambda request: everything.append(request.url))
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert not any("/pagefind/" in url for url in everything)  # nothing of the index before the reader searches
    search(page, "grokking")
    assert [url for url in everything if "search_index" in url or "/workers/search" in url] == []  # Material's search stays idle
    expect(page.locator(".md-search-result__item")).to_have_count(10)
    names = [url.split("/pagefind/", 1)[1].split("?")[0] for url in fetched]
    fragments = [n for n in names if n.startswith("fragment/")]
    chunks = [n for n in names if n.startswith("index/")]
    assert 10 <= len(set(fragments)) <= 13  # the ten shown, and up to three key words or sections checked for the exact name
    assert 1 <= len(chunks) < len(list((site / "pagefind" / "index").iterdir()))
    assert not (site / "pagefind" / "pagefind-ui.js").exists()
    assert "pagefind-worker.js" not in names  # the engine runs on the page: its worker would be 40 KB more
    assert "vocabulary.gz" not in names  # only a query that finds little asks the vocabulary
    assert sum((site / "pagefind" / n).stat().st_size for n in set(names)) < 250_000


def test_keyboard_opens_walks_and_closes_the_search(open_page: OpenPage) -> None:
    page = open_page("neural-collapse/")
    page.keyboard.press("/")
    box = page.locator("input[data-dlp-search-input]")
    expect(box).to_be_focused()
    assert page.locator("#__search").is_checked()
    page.keyboard.type("Prevalence of Neural Collapse")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(page.locator(".md-search-result__link").first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(box).to_be_focused()
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    page.keyboard.press("/")
    page.keyboard.press("Enter")  # the query is still there: Enter opens the first result
    page.wait_for_url(f"**/neural-collapse/#{PAPER}")
    assert not page.locator("#__search").is_checked()


def test_no_match_and_clearing(open_page: OpenPage) -> None:
    page = open_page("")
    box = page.locator("input[data-dlp-search-input]")
    box.click()
    box.fill("zzqqxxjjw")
    expect(page.locator("[data-dlp-search-meta]")).to_have_text("No matching papers or pages")
    expect(page.locator(".md-search-result__item")).to_have_count(0)
    page.locator(".md-search__options button[type=reset]").click()
    expect(page.locator("[data-dlp-search-meta]")).to_have_text("Type to search the papers")
    expect(box).to_have_value("")


def test_feed_link_in_every_head(open_page: OpenPage, base_url: str) -> None:
    page = open_page(None)
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
        page = open_page(None, color_scheme=scheme)
        for name, path in pages.items():
            response = page.goto(path or "/")
            assert response is not None and response.status == 200, path
            shots = screenshot(page, name if scheme == "light" else f"{name}-dark")
            assert all(shot.stat().st_size > 10_000 for shot in shots)


def test_the_header_button_opens_the_search_on_a_phone(open_page: OpenPage) -> None:
    """A key word or section the query names exactly comes right after the best paper."""
    page = open_page("neural-collapse/", viewport={"width": 390, "height": 844})
    page.locator("label.md-header__button[for=__search]").click()
    expect(page.locator("input[data-dlp-search-input]")).to_be_focused()
    page.keyboard.type("lottery ticket hypothesis")
    first = page.locator(".md-search-result__item").first
    expect(first).to_be_in_viewport()
    expect(first.locator("a")).to_have_attribute("href", re.compile(r"/lottery-ticket-hypothesis/#[^/]+$"))
    named = {page.locator(".md-search-result__item").nth(n).locator("a").get_attribute("href") or "" for n in (1, 2)}
    assert {re.sub(r"^.*?//[^/]+", "", href) for href in named} == {"/keywords/#kw-lottery-ticket-hypothesis", "/lottery-ticket-hypothesis/"}
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()


def test_show_more_adds_the_next_ten(open_page: OpenPage) -> None:
    page = open_page("")
    search(page, "neural")
    total = int(page.locator("[data-dlp-search-meta]").inner_text().split()[0])
    assert total > 20
    items = page.locator(".md-search-result__item")
    expect(items).to_have_count(10)
    more = page.locator("[data-dlp-search-more]")
    more.click()
    expect(items).to_have_count(20)
    hrefs = [a.get_attribute("href") for a in page.locator(".md-search-result__link").all()]
    assert len(set(hrefs)) == 20
    expect(more).to_be_visible()
