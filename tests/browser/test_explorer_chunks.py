"""The explorer with its data in several files (explorer.json, then its further files), in Chromium: the first
result as soon as the first file is in, a count that says the rest is loading, then every paper; the same
results and choices as from one file; filters set before the rest came applied to it; a file that fails named in
the count and fetched again; "Show all", the keyboard and the BibTeX download over every paper.

The list's own data, cut into small files by the build's own function (harness.add_synthetic_explorer); the
responses of the further files are held back with Playwright's routing, so each test decides when they come.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
from harness import add_synthetic_explorer, bib_keys, has_code, sections_of, text_matches
from playwright.sync_api import Page, Route, expect
from test_explorer import LIMIT, chips, control, expect_count, explorer, open_explorer, shown_ids

Papers = list[dict[str, Any]]
OpenPage = Callable[..., Page]
NAME = "explorer-chunks"  # the data's files: explorer-chunks.json, explorer-chunks-1.json, ...
BUDGET = 40_000  # bytes per file: the list in some ten files, the first with fewer than LIMIT papers
SUFFIX = "-x0"  # the synthetic copy's ids: each paper's own id and this


class Chunked:
    """The explorer page reading the list in small files, and what each file holds (paper ids, in order)."""

    def __init__(self, site: Path) -> None:
        self.path = add_synthetic_explorer(site, 1, budget=BUDGET, name=NAME)
        head = json.loads((site / f"{NAME}.json").read_text(encoding="utf-8"))
        further = [json.loads((site / name).read_text(encoding="utf-8"))["papers"] for name in head["chunks"]]
        self.names: list[str] = head["chunks"]
        self.files: list[list[str]] = [[p["id"].removesuffix(SUFFIX) for p in file] for file in [head["papers"], *further]]


@pytest.fixture(scope="module")
def chunked(site: Path) -> Chunked:
    data = Chunked(site)
    # several files; "Show all" can be chosen before the last comes
    assert len(data.files) >= 4 and len(data.files[0]) < LIMIT < sum(map(len, data.files[:-1]))
    return data


class Held:
    """The responses of the further files, held until a test lets them through."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.routes: dict[str, Route] = {}
        page.route(f"**/{NAME}-*.json", lambda route: self.routes.setdefault(route.request.url.rsplit("/", 1)[1], route))

    def requested(self, names: list[str]) -> None:
        """Wait until the explorer has asked for every one of `names` (it asks for them all at once)."""
        deadline = time.monotonic() + 10
        while set(self.routes) != set(names):
            assert time.monotonic() < deadline, f"requested {sorted(self.routes)}, not {names}"
            self.page.wait_for_timeout(20)

    def release(self, names: list[str]) -> None:
        for name in names:
            self.routes.pop(name).continue_()


def open_held(open_page: OpenPage, chunked: Chunked, query: str = "", path: str | None = None) -> tuple[Page, Held]:
    """The page at its first result, every further file asked for and held."""
    page = open_page(None)
    held = Held(page)
    page.goto((path or chunked.path) + query)
    page.wait_for_function("() => window.dlpExplorer && window.dlpExplorer.total > 0")
    held.requested(chunked.names)
    return page, held


def wait_complete(page: Page) -> None:
    page.wait_for_function("() => window.dlpExplorer.complete")


def loading_text(n: int, loaded: int, total: int) -> str:
    return f"{n:,} of the {loaded:,} newest papers; loading the other {total - loaded:,} papers…"


def explorer_ids(page: Page) -> list[str]:
    """Every match, in order (not only the papers shown)."""
    ids: list[str] = page.evaluate("window.dlpExplorer.ids()")
    return [i.removesuffix(SUFFIX) for i in ids]


def choices(page: Page) -> dict[str, list[list[str]]]:
    """What the filters offer: sections and years with their labels, key words and venues with their counts."""
    found: dict[str, list[list[str]]] = page.evaluate("""() => {
        const root = document.getElementById("dlp-explorer");
        const options = (selector) => [...root.querySelectorAll(selector)].map((o) => [o.value, o.label || o.textContent]);
        return {sections: options("select[id$=section] option"), years: options("select[id$=from] option"),
                keywords: options("datalist[id$=kw-list] option"), venues: options("datalist[id$=venue-list] option")};
    }""")
    return found


def test_first_result_then_every_paper(open_page: OpenPage, chunked: Chunked, papers: Papers) -> None:
    total, first = len(papers), chunked.files[0]
    page, held = open_held(open_page, chunked)
    count = explorer(page).locator(".dlp-x-count")
    expect(count).to_have_text(loading_text(len(first), len(first), total))
    expect(count).to_have_attribute("aria-busy", "")  # a screen reader waits for the whole count
    assert shown_ids(page) == first
    # explorer.json gives the whole list's size and years: every year can be chosen before its papers came
    years = sorted({p["year"] for p in papers})
    assert control(page, "From year").locator("option").all_text_contents() == [str(y) for y in range(years[-1], years[0] - 1, -1)]
    expect(control(page, "Section").locator("option").first).to_have_text(f"All sections ({total})")
    assert page.evaluate("window.dlpExplorer.loaded") == len(first) and not page.evaluate("window.dlpExplorer.complete")

    # the files are taken in their order, whatever the order they arrive in
    held.release(chunked.names[::-1])
    wait_complete(page)
    expect_count(page, total, total)
    expect(count).not_to_have_attribute("aria-busy", "")
    assert explorer_ids(page) == [p["id"] for p in papers]
    assert shown_ids(page) == [p["id"] for p in papers][:LIMIT]
    assert "+" not in "".join(label for _, label in choices(page)["sections"])


def test_years_follow_the_papers_when_explorer_json_gives_none(open_page: OpenPage, chunked: Chunked, papers: Papers,
                                                               site: Path) -> None:
    """Data from before explorer.json gave the list's years: the year filters grow with the papers, and a range
    open at an end (the reader chose no year) stays open."""
    head = json.loads((site / f"{NAME}.json").read_text(encoding="utf-8"))
    del head["years"]
    (site / "explorer-undeclared.json").write_text(json.dumps(head), encoding="utf-8")
    (site / "explorer-undeclared").mkdir(exist_ok=True)
    page_html = (site / NAME / "index.html").read_text(encoding="utf-8")
    (site / "explorer-undeclared" / "index.html").write_text(
        page_html.replace(f'data-src="../{NAME}.json"', 'data-src="../explorer-undeclared.json"'), encoding="utf-8")
    by_id = {p["id"]: p for p in papers}
    first_years = sorted({by_id[i]["year"] for i in chunked.files[0]})
    years = sorted({p["year"] for p in papers})
    assert first_years != years

    page, held = open_held(open_page, chunked, path="explorer-undeclared/")
    assert control(page, "From year").locator("option").all_text_contents() == [str(y) for y in range(first_years[-1], first_years[0] - 1, -1)]
    held.release(chunked.names)
    wait_complete(page)
    assert control(page, "From year").locator("option").all_text_contents() == [str(y) for y in range(years[-1], years[0] - 1, -1)]
    expect(control(page, "From year")).to_have_value(str(years[0]))
    expect(control(page, "to year")).to_have_value(str(years[-1]))
    expect_count(page, len(papers), len(papers))


def test_the_same_results_and_choices_as_from_one_file(open_page: OpenPage, chunked: Chunked, papers: Papers) -> None:
    keyword, _ = Counter(k for p in papers for k in p.get("keywords", [])).most_common(1)[0]
    shared = next(p for p in papers if p.get("also_in"))["also_in"][0]
    queries = ["", "?section=neural-collapse", "?from=2020&to=2021", f"?kw={quote_plus(keyword)}", "?code=1&venue=iclr",
               "?sort=title", "?sort=added", f"?sort=oldest&section={shared}", "?to=2019&code=1"]
    for query in queries:
        whole = open_explorer(open_page, query)
        page = open_explorer(open_page, query, path=chunked.path)
        wait_complete(page)
        expect(explorer(page).locator(".dlp-x-count")).to_have_text(explorer(whole).locator(".dlp-x-count").inner_text())
        assert explorer_ids(page) == explorer_ids(whole), query
        assert shown_ids(page) == shown_ids(whole), query
        assert choices(page) == choices(whole), query
    # and the digests' words, which come in a file of their own
    page = open_explorer(open_page, path=chunked.path)
    control(page, "Search").fill("grokking")
    expected = [p["id"] for p in papers if text_matches(p, "grokking")]
    expect_count(page, len(expected), len(papers))
    assert explorer_ids(page) == expected


def test_filters_set_before_the_rest_came_apply_to_it(open_page: OpenPage, chunked: Chunked, papers: Papers) -> None:
    total, loaded = len(papers), len(chunked.files[0])
    first = set(chunked.files[0])
    # a key word of older papers only, in the address as a reader may type it: the list's spelling once it is known
    keyword = next(k for p in papers for k in p.get("keywords", []) if p["id"] not in first and k != k.lower()
                   and not any(k in q.get("keywords", []) for q in papers if q["id"] in first))
    page, held = open_held(open_page, chunked, f"?kw={quote_plus(keyword.lower())}")
    assert chips(page) == [keyword.lower()]
    expect(explorer(page).locator(".dlp-x-count")).to_have_text(loading_text(0, loaded, total))
    control(page, "Section").select_option("neural-collapse")
    control(page, "Has code").check()
    held.release(chunked.names)
    wait_complete(page)
    assert chips(page) == [keyword]
    expected = [p["id"] for p in papers if keyword in p.get("keywords", []) and "neural-collapse" in sections_of(p) and has_code(p)]
    expect_count(page, len(expected), total)
    assert explorer_ids(page) == expected

    # and one chosen from the controls, with an order
    page, held = open_held(open_page, chunked)
    control(page, "Section").select_option("neural-collapse")
    control(page, "Sort").select_option("oldest")
    by_id = {p["id"]: p for p in papers}
    partial = [i for i in chunked.files[0] if "neural-collapse" in sections_of(by_id[i])]
    expect(explorer(page).locator(".dlp-x-count")).to_have_text(loading_text(len(partial), loaded, total))
    assert explorer_ids(page) == partial[::-1]
    held.release(chunked.names)
    expected = [p["id"] for p in papers if "neural-collapse" in sections_of(p)][::-1]
    expect_count(page, len(expected), total)
    assert explorer_ids(page) == expected and shown_ids(page) == expected[:LIMIT]
    expect(page).to_have_url(re.compile(r"[?&]sort=oldest(&|$)"))  # the address follows after a quiet moment (URL_DELAY)
    expect(page).to_have_url(re.compile(r"[?&]section=neural-collapse(&|$)"))


def test_a_file_that_fails_is_named_and_fetched_again(open_page: OpenPage, chunked: Chunked, papers: Papers, base_url: str) -> None:
    failing = chunked.names[1]
    failures: list[str] = []

    # cut short, the first time (an error status would also be logged by Chromium, which fails any test here)
    def fail_once(route: Route) -> None:
        if failures:
            route.continue_()
        else:
            failures.append(route.request.url)
            route.fulfill(status=200, content_type="application/json", body='{"papers": [{"id": ')

    page = open_page(None)
    page.route(f"**/{failing}", fail_once)
    page.goto(chunked.path)
    count = explorer(page).locator(".dlp-x-count")
    loaded = len(chunked.files[0]) + len(chunked.files[1])  # the files before the one that failed
    expect(count).to_have_text(re.compile(
        rf"{loaded} of the {loaded} newest papers; could not load the other {len(papers) - loaded} papers "
        rf"\({re.escape(base_url + failing)}: [^)]+\); change a filter to try again"))
    expect(count).to_have_class("dlp-x-count dlp-x-error")
    assert page.evaluate("window.dlpExplorer.loaded") == loaded and shown_ids(page) == [*chunked.files[0], *chunked.files[1]]

    control(page, "Has code").check()  # the reader's next change fetches it again
    expected = [p["id"] for p in papers if has_code(p)]
    expect_count(page, len(expected), len(papers))
    expect(count).to_have_class("dlp-x-count")
    assert explorer_ids(page) == expected and failures == [base_url + failing]


def test_show_all_goes_on_as_papers_come(open_page: OpenPage, chunked: Chunked, papers: Papers) -> None:
    page, held = open_held(open_page, chunked)
    items = explorer(page).locator(".dlp-x-paper")
    came = 1
    while sum(map(len, chunked.files[:came])) <= LIMIT:
        held.release([chunked.names[came - 1]])
        came += 1
        page.wait_for_function(f"() => window.dlpExplorer.loaded === {sum(map(len, chunked.files[:came]))}")
    loaded = sum(map(len, chunked.files[:came]))
    more = explorer(page).get_by_role("button", name=f"Show all {loaded}")
    more.click()
    expect(items).to_have_count(loaded)
    held.release(chunked.names[came - 1:])
    expect(items).to_have_count(len(papers))
    expect(more).to_be_hidden()
    assert shown_ids(page) == [p["id"] for p in papers]


def test_the_keyboard_stays_where_it_was(open_page: OpenPage, chunked: Chunked, papers: Papers) -> None:
    page, held = open_held(open_page, chunked)
    button = explorer(page).locator(".dlp-x-results button.dlp-x-kw").first
    button.focus()
    held.release(chunked.names)
    wait_complete(page)
    expect_count(page, len(papers), len(papers))
    expect(button).to_be_focused()
    keyword = button.get_attribute("data-kw") or ""
    page.keyboard.press("Enter")
    assert chips(page) == [keyword]
    expect_count(page, sum(keyword in p.get("keywords", []) for p in papers), len(papers))


def test_the_download_waits_for_every_paper(open_page: OpenPage, chunked: Chunked, papers: Papers, tmp_path: Path) -> None:
    page, held = open_held(open_page, chunked)
    control(page, "Section").select_option("neural-collapse")
    button = explorer(page).get_by_role("button", name="Download these as BibTeX")
    with page.expect_download() as info:
        button.click()
        page.wait_for_timeout(200)
        assert not page.evaluate("window.dlpExplorer.complete")  # nothing yet: the file waits for the rest
        held.release(chunked.names)
    target = tmp_path / "some.bib"
    info.value.save_as(target)
    expected = [p["id"] for p in papers if "neural-collapse" in sections_of(p)]
    assert [key.removesuffix(SUFFIX) for key in bib_keys(target.read_text(encoding="utf-8"))] == expected
    expect_count(page, len(expected), len(papers))
