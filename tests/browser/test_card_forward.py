"""A paper's card in Chromium: a reader who opens it is forwarded to the paper's place in the list,
`?stay` keeps the card, and "Copy link" on a section page copies the card's address."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from playwright.sync_api import Page, expect

OpenPage = Callable[..., Page]


def forward_of(site: Path, base_url: str, paper_id: str) -> str:
    """The address of the card's "Open in the list" link, as the built card has it."""
    card = (site / "p" / f"{paper_id}.html").read_text(encoding="utf-8")
    match = re.search(r'<a class="dlp-card-forward" href="([^"]+)">Open in the list</a>', card)
    assert match is not None
    return urljoin(f"{base_url}p/{paper_id}.html", match.group(1))


def test_a_card_forwards_a_reader_to_the_paper(open_page: OpenPage, papers: list[dict[str, Any]], site: Path, base_url: str) -> None:
    paper = papers[0]
    expected = forward_of(site, base_url, paper["id"])
    assert expected.endswith(f"#{paper['id']}")
    page = open_page(f"p/{paper['id']}.html")
    page.wait_for_url(lambda url: url == expected)
    expect(page.locator(f"h3[id='{paper['id']}']")).to_be_in_viewport()
    page.go_back()  # the card left the history: Back goes where the reader was before it, not to the card again
    assert not page.url.startswith(f"{base_url}p/")


def test_stay_keeps_the_card(open_page: OpenPage, papers: list[dict[str, Any]], base_url: str, screenshot: Callable[[Page, str], list[Path]]) -> None:
    paper = papers[0]
    card = f"{base_url}p/{paper['id']}.html?stay"
    page = open_page(f"p/{paper['id']}.html?stay")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # time enough for card.js to have forwarded, were it going to
    assert page.url == card
    expect(page.locator("h1")).to_have_text(paper["title"])
    expect(page.get_by_role("link", name="Open in the list")).to_be_visible()
    screenshot(page, "card")
    dark = open_page(f"p/{paper['id']}.html?stay", color_scheme="dark")
    background = dark.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)"


def test_copy_link_copies_the_card_and_the_card_leads_back(open_page: OpenPage, papers: list[dict[str, Any]], site: Path,
                                                           base_url: str) -> None:
    paper = papers[0]
    place = forward_of(site, base_url, paper["id"])
    page = open_page(place.removeprefix(base_url))
    page.locator(f"h3[id='{paper['id']}'] + .dlp-entry button[data-dlp-copy-link]").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{base_url}p/{paper['id']}.html"
    page.goto(copied)
    page.wait_for_url(lambda url: url == place)
