"""What a reader meets, in Chromium, on a small list this module writes (the memorization fixture plus a
few papers on grokking and the neural tangent kernel): search that finds the paper a reader means (the
paper that named a phenomenon, through typos and acronyms), a search dialog that is correct for the
keyboard and for screen readers, arriving at a paper by its permalink, legible digests and chart labels,
and the explorer's order and key word box. Screenshots of the dialog's states go to
test-artifacts/screenshots/search-*.png."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from harness import ROOT, build_site, serve
from playwright.sync_api import Locator, Page, expect

OpenPage = Callable[..., Page]
Shots = Callable[[Page, str], list[Path]]

# Papers added to the memorization fixture: three filed under Grokking (the earliest named it), one
# under Grokking Dynamics, three under Neural Tangent Kernel (NTK in their titles, the earliest first)
PAPERS: dict[str, dict[str, Any]] = {
    "power2022grokking": {
        "title": "Grokking: Generalization Beyond Overfitting on Small Algorithmic Datasets",
        "authors": ["Alethea Power", "Yuri Burda", "Harri Edwards"], "year": 2022, "arxiv": "2201.02177",
        "keywords": ["Grokking", "Overfitting"],
        "digest": "Networks trained on small algorithmic datasets generalize long after they fit the training set.",
    },
    "liu2022omnigrok": {
        "title": "Omnigrok: Grokking Beyond Algorithmic Data",
        "authors": ["Ziming Liu", "Eric J. Michaud", "Max Tegmark"], "year": 2022, "arxiv": "2210.01117",
        "keywords": ["Grokking"],
        "digest": "Grokking, grokking everywhere: grokking on images, grokking on text, grokking on molecules.",
    },
    "kumar2023grokking": {
        "title": "Grokking as the Transition from Lazy to Rich Training Dynamics",
        "authors": ["Tanishq Kumar", "Blake Bordelon"], "year": 2023, "arxiv": "2310.06110",
        "keywords": ["Grokking"], "digest": "Grokking is a late move from lazy to rich training dynamics.",
    },
    "beck2024grokking": {
        "title": "Grokking at the Edge of Linear Separability",
        "authors": ["Alon Beck", "Noam Levi"], "year": 2024, "arxiv": "2410.04489",
        "keywords": ["Grokking Dynamics"],
        "digest": "A linear model near the interpolation threshold groks, after a grokking-like delay.",
    },
    "jacot2018neural": {
        "title": "Neural Tangent Kernel: Convergence and Generalization in Neural Networks",
        "authors": ["Arthur Jacot", "Franck Gabriel", "Clément Hongler"], "year": 2018, "arxiv": "1806.07572",
        "keywords": ["Neural Tangent Kernel"],
        "digest": "During gradient descent a network's function follows a kernel that stays constant at infinite width.",
    },
    "vyas2022limitations": {
        "title": "Limitations of the NTK for Understanding Generalization in Deep Learning",
        "authors": ["Nikhil Vyas", "Yamini Bansal"], "year": 2022, "arxiv": "2206.10012",
        "keywords": ["Neural Tangent Kernel"], "digest": "The NTK scales worse with data than the network it linearizes; the NTK, the NTK.",
    },
    "dwaraknath2023fixing": {
        "title": "Fixing the NTK: From Neural Network Linearizations to Exact Convex Programs",
        "authors": ["Rajat Vadiraj Dwaraknath", "Tolga Ergen"], "year": 2023, "arxiv": "2309.15096",
        "keywords": ["Neural Tangent Kernel"], "digest": "A gated ReLU network trained as a convex program fixes the NTK.",
    },
}
SECTION = "memorization"
LAST = "zhang2017understanding"  # the oldest paper of the section (the fixture's): the last on its page
ROOT_SEL = "[data-dlp-search]"


def write_list(target: Path) -> Path:
    shutil.copytree(ROOT / "tests" / "fixtures" / "memorization", target)
    for paper_id, fields in PAPERS.items():
        data = {"id": paper_id, **fields, "links": {"paper": f"https://arxiv.org/abs/{fields['arxiv']}"}}
        (target / SECTION / f"{paper_id}.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


# This module's pages come from a small list it writes: it overrides the conftest's `served` (its `site` and `base_url` follow)
@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    tmp = tmp_path_factory.mktemp("finding")
    entries = write_list(tmp / "entries")
    with serve(tmp / "site") as url:
        build_site(tmp / "site", url, entries)
        yield tmp / "site", url



# --- helpers ------------------------------------------------------------------------------------------


def box(page: Page) -> Locator:
    return page.locator("input[data-dlp-search-input]")


def is_open(page: Page) -> bool:
    return bool(page.evaluate("document.getElementById('__search').checked"))


def settled(page: Page) -> None:
    expect(page.locator("[data-dlp-search-meta]")).to_have_text(re.compile(r"^(\d+ matching results?|No matching papers or pages)$"))


def answered(page: Page, query: str) -> None:
    expect(page.locator(ROOT_SEL)).to_have_attribute("data-dlp-answered", query.strip())
    settled(page)


def ask(page: Page, query: str) -> list[str]:
    """Open the dialog with a click, put the query in, and return the result links (site paths)."""
    box(page).click()
    box(page).fill(query)
    answered(page, query)
    hrefs: list[str] = page.eval_on_selector_all(".md-search-result__link", "ls => ls.map(a => new URL(a.href).pathname + new URL(a.href).hash)")
    return hrefs


def paper(paper_id: str) -> str:
    return f"/{SECTION}/#{paper_id}"


def active_in_dialog(page: Page) -> bool:
    return bool(page.evaluate(f"document.querySelector('{ROOT_SEL}').contains(document.activeElement)"))


# --- search that finds what a reader means ---------------------------------------------------------


def test_a_phenomenon_finds_the_paper_that_named_it(open_page: OpenPage) -> None:
    """The first paper filed under a key word (or naming it) comes first; the key word the query names
    exactly comes right after it; another key word that only contains the query comes after the papers."""
    page = open_page("")
    hrefs = ask(page, "grokking")
    assert hrefs[0] == paper("power2022grokking")
    assert hrefs[1] == "/keywords/#kw-grokking"
    grokking_papers = [paper(i) for i in ("liu2022omnigrok", "kumar2023grokking", "beck2024grokking")]
    assert set(grokking_papers) <= set(hrefs)
    assert hrefs.index("/keywords/#kw-grokking-dynamics") > max(hrefs.index(h) for h in grokking_papers)
    # a word of the digest repeated many times does not outrank the paper that named the key word
    assert hrefs.index(paper("power2022grokking")) < hrefs.index(paper("liu2022omnigrok"))


def test_an_acronym_finds_the_papers_of_its_key_word(open_page: OpenPage) -> None:
    """NTK is what the list writes for Neural Tangent Kernel: the key word's first paper comes first,
    though NTK is in the titles of the others and not in its own."""
    page = open_page("")
    hrefs = ask(page, "NTK")
    assert hrefs[0] == paper("jacot2018neural")
    assert hrefs[1] == "/keywords/#kw-neural-tangent-kernel"
    assert {paper("vyas2022limitations"), paper("dwaraknath2023fixing")} <= set(hrefs)


@pytest.mark.parametrize(("query", "meant"), [
    ("jacot", "jacot2018neural"),
    ("Arthur Jacot", "jacot2018neural"),
    ("hongler", "jacot2018neural"),  # an author who is not the first
    ("omnigrok", "liu2022omnigrok"),
    ("lazy to rich", "kumar2023grokking"),
    ("edge of linear separability", "beck2024grokking"),
    ("deduplicating training data", "lee2022deduplicating"),
])
def test_titles_and_authors(open_page: OpenPage, query: str, meant: str) -> None:
    page = open_page("")
    assert ask(page, query)[0] == paper(meant)


def test_a_typo_is_corrected_from_the_lists_vocabulary(open_page: OpenPage, screenshot: Shots) -> None:
    page = open_page("")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    hrefs = ask(page, "grokin")
    assert hrefs[0] == paper("power2022grokking")
    note = page.locator("[data-dlp-search-note]")
    expect(note).to_contain_text("Showing results for “grokking”")
    assert any(url.endswith("/pagefind/vocabulary.gz") for url in fetched)
    screenshot(page, "search-corrected")
    note.get_by_role("button", name="Search for “grokin” instead").click()
    expect(note).to_be_hidden()
    expect(box(page)).to_have_value("grokin")
    for query, meant in (("neural tangent kernal", "jacot2018neural"), ("tangnet kernel", "jacot2018neural"), ("jacto", "jacot2018neural")):
        assert ask(page, query)[0] == paper(meant), query


def test_the_start_of_a_word_finds_what_the_word_finds(open_page: OpenPage) -> None:
    """Search runs as the reader types. Pagefind's index holds stems ("grokking" as "grok") and takes the
    last word as the start of one; the start of a word past its stem ("grokki") finds what starts so
    among the words it keeps whole (a compound: "grokking-like" is also "grokkinglike"): here, one paper."""
    page = open_page("")
    for start, word in (("grokki", "grokking"), ("grokkin", "grokking"), ("omnigrok grokki", "omnigrok grokking")):
        whole = ask(page, word)
        found = ask(page, start)
        assert found[0] == whole[0] and set(whole) <= set(found), start
        expect(page.locator("[data-dlp-search-note]")).to_be_hidden()  # a word being typed is no typo
    assert len(whole := ask(page, "grokking")) >= 4 and whole[0] == paper("power2022grokking")
    assert ask(page, "grokki ") == [paper("beck2024grokking")]  # a space ends the word: the reader means "grokki"


def test_an_address_with_a_query_opens_the_search_on_it(open_page: OpenPage) -> None:
    page = open_page("?q=grokking")
    assert is_open(page)
    expect(box(page)).to_have_value("grokking")
    expect(box(page)).to_be_focused()
    answered(page, "grokking")
    hrefs = page.eval_on_selector_all(".md-search-result__link", "ls => ls.map(a => new URL(a.href).pathname + new URL(a.href).hash)")
    assert hrefs[0] == paper("power2022grokking")
    hostile = '"><img src=x onerror=alert(1)>'
    page = open_page(f"memorization/?q={quote(hostile)}")  # text in the box, nothing on the page
    expect(box(page)).to_have_value(hostile)
    answered(page, hostile)
    assert page.locator("img[src=x]").count() == 0
    page = open_page("?q=%20")  # nothing asked: the page as it is
    assert not is_open(page)


def test_a_query_that_finds_plenty_loads_no_vocabulary(open_page: OpenPage) -> None:
    page = open_page("")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    ask(page, "neural tangent kernel")
    expect(page.locator("[data-dlp-search-note]")).to_be_hidden()
    assert not any("vocabulary" in url for url in fetched)
    assert not any(url.endswith("pagefind-worker.js") for url in fetched)  # the engine runs on the page: one file fewer


def test_the_vocabulary_file(site: Path) -> None:
    """Title words, key words and family names, most frequent first, one a line, gzip-compressed."""
    words = gzip.decompress((site / "pagefind" / "vocabulary.gz").read_bytes()).decode("utf-8").split("\n")
    assert len(words) == len(set(words))
    for word in ("grokking", "tangent", "jacot", "hongler", "dwaraknath", "deduplicating", "memorization"):
        assert word in words
    assert words.index("grokking") < words.index("omnigrok")  # in four titles, against one
    assert all(word == word.lower() and " " not in word for word in words)


# --- the dialog, for the keyboard and screen readers ----------------------------------------------


def test_tab_passes_the_search_box_without_opening_it(open_page: OpenPage) -> None:
    page = open_page(None)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto("explorer/")
    page.wait_for_function("() => window.dlpExplorer && window.dlpExplorer.total > 0")
    reached_box = False
    for _ in range(120):
        page.keyboard.press("Tab")
        reached_box = reached_box or bool(page.evaluate("document.activeElement.matches('input[data-dlp-search-input]')"))
        assert not is_open(page)
        if page.evaluate("document.activeElement.closest('#dlp-explorer') !== null"):
            break
    assert reached_box, "Tab never reached the header's search box"
    assert page.evaluate("document.activeElement.closest('#dlp-explorer') !== null"), "Tab never reached the explorer's filters"
    page.keyboard.press("Tab")  # on through the filters: still closed
    assert not is_open(page)
    assert not any("/pagefind/" in url for url in fetched)  # nor did the index start downloading
    assert page.locator(ROOT_SEL).get_attribute("role") is None


@pytest.mark.parametrize("how", ["slash", "s", "click", "enter"])
def test_what_opens_the_dialog(open_page: OpenPage, how: str) -> None:
    page = open_page(f"{SECTION}/")
    if how == "slash":
        page.keyboard.press("/")
    elif how == "s":
        page.keyboard.press("s")
    elif how == "click":
        box(page).click()
    else:
        box(page).focus()
        assert not is_open(page)  # focus alone does not
        page.keyboard.press("Enter")
    assert is_open(page)
    expect(box(page)).to_be_focused()
    root = page.locator(ROOT_SEL)
    expect(root).to_have_attribute("role", "dialog")
    expect(root).to_have_attribute("aria-modal", "true")
    expect(box(page)).to_have_attribute("aria-expanded", "true")
    expect(box(page)).to_have_attribute("role", "combobox")  # the role that may have aria-expanded (a search box may not)
    page.keyboard.press("Escape")
    assert not is_open(page)
    expect(box(page)).to_have_attribute("aria-expanded", "false")
    assert root.get_attribute("role") is None


def test_focus_returns_to_where_it_was(open_page: OpenPage) -> None:
    page = open_page(f"{SECTION}/")
    link = page.locator(f"h3#{LAST} + .dlp-entry a.dlp-author").first
    link.focus()
    page.keyboard.press("/")
    page.keyboard.type("grokking")
    answered(page, "grokking")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator(".md-search-result__link").nth(1)).to_be_focused()
    page.keyboard.press("Escape")
    assert not is_open(page)
    expect(link).to_be_focused()
    # opened from nowhere in particular (the page itself): the focus leaves the closed dialog
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("s")
    page.keyboard.press("Control+A")  # the box keeps the last query
    page.keyboard.type("ntk")
    answered(page, "ntk")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert not active_in_dialog(page)


def test_tab_stays_in_the_open_dialog(open_page: OpenPage) -> None:
    page = open_page(f"{SECTION}/")
    page.keyboard.press("/")
    page.keyboard.type("grokking")
    answered(page, "grokking")
    seen = set()
    for _ in range(15):
        page.keyboard.press("Tab")
        assert active_in_dialog(page)
        seen.add(page.evaluate("document.activeElement.getAttribute('href') || document.activeElement.tagName"))
    assert "INPUT" in seen and len(seen) > 3  # it goes round: the box, the results
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
        assert active_in_dialog(page)
    assert is_open(page)


def test_the_active_result_has_an_outline(open_page: OpenPage, screenshot: Shots) -> None:
    page = open_page(f"{SECTION}/")
    page.keyboard.press("/")
    screenshot(page, "search-open")
    page.keyboard.type("grokking")
    answered(page, "grokking")
    screenshot(page, "search-results")
    page.keyboard.press("ArrowDown")
    first = page.locator(".md-search-result__link").first
    expect(first).to_be_focused()
    style = first.evaluate("a => { const s = getComputedStyle(a); return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }")
    assert style[0] == "solid" and style[1] >= 2, style
    second = page.locator(".md-search-result__link").nth(1)
    assert second.evaluate("a => getComputedStyle(a).outlineStyle") == "none"
    shots = screenshot(page, "search-active")
    assert all(shot.stat().st_size > 10_000 for shot in shots)
    dark = open_page(f"{SECTION}/", color_scheme="dark")
    dark.keyboard.press("/")
    dark.keyboard.type("ntk")
    answered(dark, "ntk")
    dark.keyboard.press("ArrowDown")
    screenshot(dark, "search-active-dark")


# --- arriving at a paper ----------------------------------------------------------------------------


def expect_arrived(page: Page, paper_id: str) -> None:
    heading = page.locator(f"h3#{paper_id}")
    expect(heading).to_be_in_viewport()
    marked = "el => getComputedStyle(el).backgroundColor"
    assert heading.evaluate(marked) not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.locator(f"h3#{paper_id} + .dlp-entry").evaluate(marked) not in ("rgba(0, 0, 0, 0)", "transparent")
    other = page.locator("h3[id]:not(.dlp-target)").first
    assert other.evaluate(marked) == "rgba(0, 0, 0, 0)"
    # the table of contents follows the paper, not the one above it
    active = page.locator(".md-sidebar--secondary .md-nav__link--active")
    expect(active.last).to_have_attribute("href", re.compile(f"#{paper_id}$"))
    top = heading.evaluate("h => h.getBoundingClientRect().top")
    assert top < 200, f"the paper is {top:.0f} px down the window"


@pytest.mark.parametrize("paper_id", [LAST, "jacot2018neural"], ids=["last", "last-but-one"])
def test_a_permalink_at_the_end_of_a_page(open_page: OpenPage, screenshot: Shots, paper_id: str) -> None:
    """A tall window: the last papers all fit in the page's last screen, which Material's table of
    contents would take for the last heading's."""
    page = open_page(f"{SECTION}/#{paper_id}", viewport={"width": 1280, "height": 1400})
    order = page.evaluate("() => [...document.querySelectorAll('article h3[id]')].map(h => h.id)")
    assert order[-2:] == ["jacot2018neural", LAST]  # the two oldest papers of the section end its page
    assert page.evaluate(f"document.getElementById('{paper_id}').matches(':target')")
    expect_arrived(page, paper_id)
    byline = page.locator(f"h3#{paper_id} + .dlp-entry .dlp-byline")
    # year and venue in the byline: the year heading is far above
    expect(byline).to_contain_text("ICLR 2017" if paper_id == LAST else "2018")
    screenshot(page, f"arrived-{paper_id}")


def test_a_search_result_arrives_at_its_paper(open_page: OpenPage) -> None:
    """Through Material's instant navigation, which changes the address without the browser's :target."""
    page = open_page("")
    ask(page, "rethinking generalization")
    page.locator(f".md-search-result__link[href$='#{LAST}']").click()
    page.wait_for_url(f"**/{SECTION}/#{LAST}")
    expect(page.locator(f"h3#{LAST}")).to_have_class(re.compile(r"\bdlp-target\b"))
    expect_arrived(page, LAST)
    assert not is_open(page)


def test_the_byline_names_venue_and_year_once(site: Path) -> None:
    page = (site / SECTION / "index.html").read_text(encoding="utf-8")
    assert '<span class="dlp-venue">ACL 2022</span></p>' in page  # the venue says the year: not twice
    assert re.search(r'Satrajit Chatterjee</a> · <span class="dlp-year">2020</span></p>', page)  # no venue: the year
    assert re.search(r'Clément Hongler</a> · <span class="dlp-year">2018</span></p>', page)


# --- legible text ------------------------------------------------------------------------------------


def test_digests_are_body_text(open_page: OpenPage) -> None:
    page = open_page(f"{SECTION}/")
    page.locator("details.dlp-digest").first.evaluate("d => d.open = true")
    digest = page.locator("details.dlp-digest p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    body = page.locator("article .dlp-intro p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert digest == body >= 15, (digest, body)


def test_chart_labels_read_on_a_phone(open_page: OpenPage, screenshot: Shots) -> None:
    page = open_page("stats/", viewport={"width": 390, "height": 844})
    heights = page.eval_on_selector_all(".dlp-chart text", "ts => ts.map(t => t.getBoundingClientRect().height)")
    assert heights and min(heights) >= 11, f"chart labels {min(heights):.1f} px tall"
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], f"the page scrolls sideways: {sizes}"
    figure = page.locator(".dlp-figure").first
    expect(figure).to_have_attribute("tabindex", "0")  # it scrolls: the keyboard can scroll it too
    screenshot(page, "stats-phone")


# --- the explorer ------------------------------------------------------------------------------------


def explorer_ids(page: Page) -> list[str]:
    ids: list[str] = page.evaluate("window.dlpExplorer.ids()")
    return ids


def test_the_explorer_sorts_and_keeps_the_order_in_the_address(open_page: OpenPage, site: Path) -> None:
    # the copy of the list this test controls says when each paper joined it
    data_path = site / "explorer.json"
    data = json.loads(data_path.read_text(encoding="utf-8"))
    added = {p["id"]: f"2025-01-{n:02d}" for n, p in enumerate(data["papers"], 1)}
    added["kumar2023grokking"] = "2025-06-01"
    for p in data["papers"]:
        p["added"] = added[p["id"]]
    data_path.write_text(json.dumps(data), encoding="utf-8")
    listed = [p["id"] for p in data["papers"]]
    titles = {p["id"]: p["title"] for p in data["papers"]}

    page = open_page("explorer/")
    page.wait_for_function("() => window.dlpExplorer && window.dlpExplorer.total > 0")
    sort = page.locator("#dlp-explorer").get_by_label("Sort", exact=True)
    assert explorer_ids(page) == listed  # newest first, the list's own order
    sort.select_option("title")
    assert explorer_ids(page) == sorted(listed, key=lambda i: titles[i].casefold())
    sort.select_option("oldest")
    assert explorer_ids(page) == listed[::-1]
    sort.select_option("added")
    assert explorer_ids(page) == sorted(listed, key=lambda i: added[i], reverse=True)
    assert explorer_ids(page)[0] == "kumar2023grokking"
    expect(page).to_have_url(re.compile(r"[?&]sort=added$"))
    shared = open_page(page.url.split("/", 3)[3])
    shared.wait_for_function("() => window.dlpExplorer && window.dlpExplorer.total > 0")
    expect(shared.locator("#dlp-explorer").get_by_label("Sort", exact=True)).to_have_value("added")
    assert explorer_ids(shared) == explorer_ids(page)
    shared.locator("#dlp-explorer").get_by_role("button", name="Clear filters").click()
    expect(shared).to_have_url(re.compile(r"/explorer/$"))  # the default order stays out of the address
    assert explorer_ids(shared) == listed


def test_enter_in_the_key_word_box_takes_the_best_match(open_page: OpenPage) -> None:
    page = open_page("explorer/")
    page.wait_for_function("() => window.dlpExplorer && window.dlpExplorer.total > 0")
    keyword = page.locator("#dlp-explorer").get_by_label("Key words", exact=True)
    keyword.fill("grok")  # Grokking (3 papers) and Grokking Dynamics (1) contain it
    keyword.press("Enter")
    expect(keyword).to_have_value("")
    assert page.evaluate("window.dlpExplorer.state().keywords") == ["Grokking"]
    expect(page.locator(".dlp-x-kw-status")).to_have_text("Added Grokking; 1 other key word matches")
    assert sorted(explorer_ids(page)) == sorted(["power2022grokking", "liu2022omnigrok", "kumar2023grokking"])
    keyword.fill("zzz")
    keyword.press("Enter")
    expect(page.locator(".dlp-x-kw-status")).to_have_text("No key word contains “zzz”")
    expect(keyword).to_have_value("zzz")


def test_the_explorer_script_loads_on_the_explorer_page_only(open_page: OpenPage) -> None:
    page = open_page(None)
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url) if request.url.endswith(".js") else None)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert not any(url.endswith("/assets/explorer.js") for url in scripts)
    assert any(url.endswith("/assets/search.js") for url in scripts)
    page.locator("article a[href$='/explorer/']").first.click()  # instant navigation brings the script in
    page.wait_for_function("() => window.dlpExplorer && window.dlpExplorer.total > 0")
    assert sum(url.endswith("/assets/explorer.js") for url in scripts) == 1
