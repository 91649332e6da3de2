"""Every kind of page of the built site loads in Chromium without errors or requests elsewhere, and the
copy buttons of an entry put its BibTeX and its permalink on the clipboard."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from harness import bib_keys
from playwright.sync_api import Page, expect

OpenPage = Callable[..., Page]


def test_every_kind_of_page_loads_cleanly(open_page: OpenPage, papers: list[dict[str, Any]], site: Path) -> None:
    """The page fixture fails the test on any console error, page error or request to another host."""
    # the longest section page and one that lists a paper of another section; every index page (the
    # explorer has its own tests)
    largest = Counter(p["section"] for p in papers).most_common(1)[0][0]
    shared = next(p["also_in"][0] for p in papers if p.get("also_in"))
    paths = ["", f"{largest}/", f"{shared}/", "keywords/", "authors/", "years/", "whats-new/", "stats/",
             "contributing/", "404.html"]
    assert all((site / path / "index.html").exists() or (site / path).is_file() for path in paths)
    page = open_page(None)
    for path in paths:
        response = page.goto(path or "/", wait_until="load")
        assert response is not None and response.status == 200, path
        expect(page.locator("article h1").first).to_be_visible()


def test_copy_buttons(open_page: OpenPage, papers: list[dict[str, Any]], site: Path) -> None:
    paper = next(p for p in papers if p["section"] == "neural-collapse")
    whole = (site / "papers.bib").read_text(encoding="utf-8")
    entry = next(block for key, block in zip(bib_keys(whole), re.split(r"\n(?=@)", whole.strip()), strict=True) if key == paper["id"])
    page = open_page("neural-collapse/")
    buttons = page.locator(f"h3#{paper['id']} + .dlp-entry")
    bibtex = buttons.locator("button[data-dlp-copy]")
    bibtex.click()
    expect(bibtex).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()").strip() == entry.strip()
    link = buttons.locator("button[data-dlp-copy-link]")
    link.click()
    copied = page.evaluate("navigator.clipboard.readText()")  # the link the button names, made absolute
    assert copied == urljoin(page.url, link.get_attribute("data-dlp-copy-link") or "") and paper["id"] in copied
