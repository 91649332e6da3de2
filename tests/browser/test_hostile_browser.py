"""The hostile corpus in Chromium: a site built from the small list plus every inert case of
tests/hostile/cases/, served on 127.0.0.1. Every page is opened, its digests opened, mouse and focus
events sent to every element of its content; nothing may open a dialog, inject an element or an
event handler, or request another host. Search results, search highlighting and the explorer get
the same hostile words typed in. A site built with a hostile template override (the sanitizer's
backstop) is opened the same way.

The conftest's `open_page` is reused: `base_url` is overridden below so it serves this site, and its
recorder fails a test on console errors and on requests to other hosts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import ROOT, build_site, serve
from hostile.corpus import Case, all_cases, base_list, list_with
from playwright.sync_api import Browser, Page, expect

from generator.cli import main

OpenPage = Callable[..., Page]
INERT = [c for c in all_cases() if c.outcome == "inert"]
BACKSTOP_TEMPLATES = Path(__file__).resolve().parents[1] / "hostile" / "backstop" / "templates"
PAGES = ["", "memorization/", "generalization/", "keywords/", "authors/", "years/", "whats-new/", "stats/", "explorer/",
         "contributing/", "404.html"]

# Elements and attributes no page content of ours has; `scope` is a CSS selector
CONTENT_NEVER = ["script", "iframe", "frame", "object", "embed", "img", "image", "form", "input", "base", "meta", "link", "style",
                 "video", "audio", "source", "use", "foreignobject", "textarea", "select", "portal", "template"]
THEME_NEVER = ["iframe", "frame", "object", "embed", "img", "image", "base", "meta", "link", "style", "foreignobject"]
FIND_INJECTED = """([scope, never]) => {
  const dangerous = new Set(never);
  const urls = new Set(["href", "src", "xlink:href", "action", "formaction", "data", "srcdoc", "poster"]);
  const found = [];
  for (const top of document.querySelectorAll(scope)) {
    for (const el of [top, ...top.querySelectorAll("*")]) {
      const tag = el.localName;
      if (dangerous.has(tag)) found.push(`<${tag}>`);
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        if (name.startsWith("on")) found.push(`${tag}[${name}]`);
        if (urls.has(name)) {
          let url = null;
          try { url = new URL(attr.value, document.baseURI); } catch (e) { found.push(`${tag}[${name}=${attr.value}] (not a URL)`); continue; }
          if (!["http:", "https:"].includes(url.protocol)) found.push(`${tag}[${name}=${attr.value}]`);
        }
      }
    }
  }
  return found;
}"""
HANDLERS_ANYWHERE = """() => [...document.querySelectorAll("*")].flatMap(
  el => [...el.attributes].filter(a => a.name.toLowerCase().startsWith("on")).map(a => `${el.localName}[${a.name}]`))"""
# Every script of a page: Material's own inline ones (by how they start), or a file of this site
FOREIGN_SCRIPTS = """(origin) => [...document.scripts].filter(s => s.src ? !s.src.startsWith(origin)
  : !(s.id === "__config" || /^(__md_scope=|var palette=|var target=document.getElementById\\(location.hash)/.test(s.text.trim())))
  .map(s => s.src || s.text.slice(0, 80))"""
# What a reader does that could fire a handler: open every digest, point at and focus every element
PROVOKE = """(scope) => {
  for (const d of document.querySelectorAll("details")) d.open = true;
  for (const el of document.querySelectorAll(scope + " *")) {
    for (const type of ["mouseover", "mouseenter", "focus", "animationstart"]) el.dispatchEvent(new Event(type, {bubbles: true}));
  }
}"""


# This module's pages come from the hostile site: it overrides the conftest's `served` (its `site` and `base_url` follow)
@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The small list plus every inert case, built for the address it is served at."""
    tmp = tmp_path_factory.mktemp("hostile-browser")
    entries = list_with(INERT, tmp / "entries")
    with serve(tmp / "site") as url:
        build_site(tmp / "site", url, entries)
        yield tmp / "site", url



class Watch:
    """Dialogs a page opened and every request it made."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self.requests.append(request.url))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def foreign(self, base_url: str) -> list[str]:
        return [url for url in self.requests if url.startswith(("http:", "https:", "ws:", "wss:")) and not url.startswith(base_url)]


def visit(open_page: OpenPage, path: str) -> tuple[Page, Watch]:
    page = open_page(None)
    watch = Watch(page)
    page.goto(path)
    page.wait_for_load_state("load")
    return page, watch


def assert_inert(page: Page, watch: Watch, base_url: str, scope: str = ".md-content__inner", never: list[str] = CONTENT_NEVER) -> None:
    page.evaluate(PROVOKE, scope)
    page.wait_for_timeout(150)  # an onerror or onload fires on its own; give it the time
    assert watch.dialogs == []
    assert page.evaluate(FIND_INJECTED, [scope, never]) == []
    assert page.evaluate(FIND_INJECTED, [".md-nav, .md-header, .md-footer", THEME_NEVER]) == []
    assert page.evaluate(HANDLERS_ANYWHERE) == []
    assert page.evaluate(FOREIGN_SCRIPTS, base_url) == []
    assert "<" not in page.title() and "alert" not in page.title()
    assert watch.foreign(base_url) == []


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_every_page_is_inert(open_page: OpenPage, base_url: str, path: str) -> None:
    page, watch = visit(open_page, path)
    if path == "explorer/":
        page.wait_for_function("() => window.dlpExplorer && window.dlpExplorer.total > 0")
        assert_inert(page, watch, base_url, ".md-content__inner", THEME_NEVER)  # the explorer's own form and inputs
        assert_inert(page, watch, base_url, "#dlp-explorer .dlp-x-results")
    else:
        assert_inert(page, watch, base_url)


@pytest.mark.parametrize("case", INERT, ids=lambda c: c.name)
def test_inert_case_is_shown_as_text(open_page: OpenPage, base_url: str, case: Case) -> None:
    pages: dict[str, list[str]] = {}
    for where, text in case.shows:
        pages.setdefault(where or f"{case.section}/", []).append(text)
    if not case.list_file:
        pages.setdefault(f"{case.section}/", [])
    for where, texts in pages.items():
        page, watch = visit(open_page, where)
        shown = " ".join(page.evaluate("() => document.querySelector('.md-content__inner').textContent").split())
        assert [text for text in texts if " ".join(text.split()) not in shown] == []
        if where == f"{case.section}/" and not case.list_file:
            expect(page.locator(f"h3#{case.entry_id}")).to_have_count(1)
        assert_inert(page, watch, base_url)


def test_search_results_are_inert(open_page: OpenPage, base_url: str) -> None:
    """Pagefind's records hold the hostile text; the results show it as text, its excerpt keeps only <mark>."""
    page, watch = visit(open_page, "")
    page.keyboard.press("/")
    page.keyboard.type("canary", delay=20)
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible()
    assert results.count() >= 2
    more = page.locator("[data-dlp-search-more]")
    while more.is_visible():  # every result: many cases carry "canary" in their title
        shown = results.count()
        more.click()
        expect(results).not_to_have_count(shown)
    text = page.locator(".md-search-result").text_content() or ""
    page.locator("input[data-dlp-search-input]").focus()  # back from "Show more results"
    assert '<script>alert("title")</script><img src=x onerror=alert(1)>' in text  # the hostile title, as text
    assert page.evaluate("() => [...document.querySelectorAll('.dlp-search-excerpt *')].filter(e => e.tagName !== 'MARK').length") == 0
    assert_inert(page, watch, base_url, ".md-search-result")
    page.keyboard.type(" authors paper", delay=20)  # more cases carry "canary" than one page of results shows
    expect(page.locator("[data-dlp-search]")).to_have_attribute("data-dlp-answered", "canary authors paper")
    hit = page.locator(".md-search-result__link", has_text="Canary authors paper").first
    hit.click()
    page.wait_for_url("**/memorization/#authors-raw-html")
    expect(page.locator("h3#authors-raw-html")).to_be_in_viewport()
    assert_inert(page, watch, base_url)


@pytest.mark.parametrize("words", ["script", "img onerror", "alert", "iframe", "svg", "javascript", "<img src=x onerror=alert(1)>"])
def test_searching_hostile_words_is_inert(open_page: OpenPage, base_url: str, words: str) -> None:
    page, watch = visit(open_page, "memorization/")
    page.keyboard.press("/")
    page.keyboard.type(words, delay=10)
    expect(page.locator("[data-dlp-search-meta]")).not_to_have_text(re.compile("Type to search|Searching"))
    assert_inert(page, watch, base_url, ".md-search-result")
    assert_inert(page, watch, base_url)


def test_explorer_shows_hostile_papers_as_text(open_page: OpenPage, base_url: str) -> None:
    page, watch = visit(open_page, "explorer/?q=canary")
    page.wait_for_function("() => window.dlpExplorer && window.dlpExplorer.total > 0")
    explorer = page.locator("#dlp-explorer")
    expect(explorer.locator(".dlp-x-paper").first).to_be_visible()
    assert '<script>alert("title")</script>' in (explorer.text_content() or "")
    assert_inert(page, watch, base_url, "#dlp-explorer .dlp-x-results")
    assert_inert(page, watch, base_url, "#dlp-explorer", THEME_NEVER)  # the explorer's own form and inputs


def test_a_hostile_template_override_is_inert_in_the_browser(browser: Browser, tmp_path: Path) -> None:
    """The sanitizer's backstop: tests/hostile/backstop/templates/entry.html.j2 tries everything; nothing runs."""
    entries = base_list(tmp_path / "entries")
    site = tmp_path / "site"
    with serve(site) as url:
        os.environ["SITE_URL"] = url
        try:
            assert main(["build", "--config-file", str(ROOT / "mkdocs.yml"), "--entries", str(entries),
                         "--site-dir", str(site), "--templates", str(BACKSTOP_TEMPLATES)]) == 0
        finally:
            del os.environ["SITE_URL"]
        context = browser.new_context(base_url=url)
        blocked: list[str] = []
        context.route(lambda u: not u.startswith(url), lambda route: (blocked.append(route.request.url), route.abort()))
        try:
            for path in ("memorization/", "generalization/"):
                page = context.new_page()
                watch = Watch(page)
                page.goto(path)
                page.wait_for_load_state("load")
                assert_inert(page, watch, url)
                expect(page.locator(".dlp-entry a").first).to_be_visible()
        finally:
            context.close()
    assert blocked == []
