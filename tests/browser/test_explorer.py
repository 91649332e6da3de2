"""The explorer page in Chromium: every filter against counts computed here from `python -m generator dump`,
the address round trip, key-word chips, "Show all", the BibTeX download, layout and speed."""

from __future__ import annotations

import re
import shutil
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from harness import ROOT, add_synthetic_explorer, bib_keys, fold, has_code, sections_of, text_matches
from playwright.sync_api import Locator, Page, expect

Papers = list[dict[str, Any]]
OpenPage = Callable[..., Page]
LIMIT = 200  # what the explorer renders before "Show all"
HARNESS_FIXTURES = ROOT / "tests" / "fixtures" / "explorer"


def open_explorer(open_page: OpenPage, query: str = "", path: str = "explorer/", **options: Any) -> Page:
    page = open_page(path + query, **options)
    page.wait_for_function("() => window.dlpExplorer && window.dlpExplorer.total > 0")
    return page


def explorer(page: Page) -> Locator:
    return page.locator("#dlp-explorer")


def control(page: Page, label: str) -> Locator:
    """A filter by its visible label: the labels are what a screen reader announces."""
    return explorer(page).get_by_label(label, exact=True)


def count_text(n: int, total: int) -> str:
    return f"{n:,} of {total:,} papers"


def expect_count(page: Page, n: int, total: int) -> None:
    expect(explorer(page).locator(".dlp-x-count")).to_have_text(count_text(n, total))


def shown_ids(page: Page) -> list[str]:
    """The ids of the papers in the list, in order, from their permalinks."""
    ids: list[str] = page.eval_on_selector_all(
        "#dlp-explorer .dlp-x-results .dlp-x-title", "links => links.map(a => new URL(a.href).hash.slice(1))"
    )
    return ids


def expect_papers(page: Page, expected: Papers, total: int) -> None:
    expect_count(page, len(expected), total)
    assert shown_ids(page) == [p["id"] for p in expected][:LIMIT]


def add_keyword(page: Page, keyword: str) -> None:
    box = control(page, "Key words")
    box.fill(keyword)
    box.press("Enter")
    expect(box).to_have_value("")


def chips(page: Page) -> list[str]:
    texts: list[str] = page.eval_on_selector_all("#dlp-explorer .dlp-x-chip", "chips => chips.map(c => c.dataset.kw)")
    return texts


def test_all_papers_newest_first(open_page: OpenPage, papers: Papers) -> None:
    page = open_explorer(open_page)
    expect_papers(page, papers, len(papers))
    first = explorer(page).locator(".dlp-x-paper").first
    expect(first.locator(".dlp-x-title")).to_have_text(papers[0]["title"])
    href = first.locator(".dlp-x-title").get_attribute("href") or ""
    assert urlsplit(href).path == f"/{papers[0]['section']}/" and urlsplit(href).fragment == papers[0]["id"]
    years = sorted({p["year"] for p in papers})
    for label in ("From year", "to year"):
        options = control(page, label).locator("option").all_text_contents()
        assert options == [str(y) for y in range(years[-1], years[0] - 1, -1)]
    expect(control(page, "From year")).to_have_value(str(years[0]))
    expect(control(page, "to year")).to_have_value(str(years[-1]))
    expect(explorer(page).get_by_role("button", name=f"Show all {len(papers)}")).to_be_visible()
    assert page.url.endswith("/explorer/")  # an unfiltered view keeps a clean address


def test_section_filter(open_page: OpenPage, papers: Papers) -> None:
    page = open_explorer(open_page)
    control(page, "Section").select_option("neural-collapse")
    expect_papers(page, [p for p in papers if "neural-collapse" in sections_of(p)], len(papers))
    # a paper listed in two sections is found under both
    shared = next(p for p in papers if p.get("also_in"))
    control(page, "Section").select_option(shared["also_in"][0])
    expect_papers(page, [p for p in papers if shared["also_in"][0] in sections_of(p)], len(papers))
    assert shared["id"] in shown_ids(page)


def test_year_range(open_page: OpenPage, papers: Papers) -> None:
    page = open_explorer(open_page)
    control(page, "From year").select_option("2020")
    control(page, "to year").select_option("2021")
    expect_papers(page, [p for p in papers if 2020 <= p["year"] <= 2021], len(papers))
    # a "from" after "to" moves "to" along rather than showing nothing
    control(page, "From year").select_option("2023")
    expect(control(page, "to year")).to_have_value("2023")
    expect_papers(page, [p for p in papers if p["year"] == 2023], len(papers))


def test_keywords_combine_with_and(open_page: OpenPage, papers: Papers) -> None:
    collapse = [p for p in papers if "Neural Collapse" in p.get("keywords", [])]
    partner, _ = Counter(k for p in collapse for k in p["keywords"] if k != "Neural Collapse").most_common(1)[0]
    both = [p for p in collapse if partner in p["keywords"]]
    assert 0 < len(both) < len(collapse)

    page = open_explorer(open_page)
    add_keyword(page, "neural collapse")  # any case; the chip shows the key word as the list spells it
    assert chips(page) == ["Neural Collapse"]
    expect_papers(page, collapse, len(papers))
    add_keyword(page, partner)
    assert chips(page) == ["Neural Collapse", partner]
    expect_papers(page, both, len(papers))

    explorer(page).get_by_role("button", name="Remove key word Neural Collapse").click()
    assert chips(page) == [partner]
    expect_papers(page, [p for p in papers if partner in p.get("keywords", [])], len(papers))
    expect(explorer(page).get_by_role("button", name=f"Remove key word {partner}")).to_be_focused()


def test_typed_keyword_waits_for_enter(open_page: OpenPage, papers: Papers) -> None:
    """Some key words start another ("Grokking", "Grokking Dynamics"): typing must not stop at the shorter."""
    keywords = {k for p in papers for k in p.get("keywords", [])}
    longer = next(k for k in sorted(keywords) if any(o != k and k.startswith(o) for o in keywords))
    page = open_explorer(open_page)
    box = control(page, "Key words")
    box.press_sequentially(longer)
    assert chips(page) == []
    box.press("Enter")
    assert chips(page) == [longer]
    expect_papers(page, [p for p in papers if longer in p.get("keywords", [])], len(papers))


def test_has_code(open_page: OpenPage, papers: Papers) -> None:
    page = open_explorer(open_page)
    control(page, "Has code").check()
    expect_papers(page, [p for p in papers if has_code(p)], len(papers))
    assert all(item.locator(".dlp-x-has-code").count() == 1 for item in explorer(page).locator(".dlp-x-paper").all()[:20])


def test_free_text(open_page: OpenPage, papers: Papers) -> None:
    """Title, authors and digest; any case, no accents needed (Huszár, Płotka), every word must match."""
    page = open_explorer(open_page)
    box = control(page, "Search")
    box.press_sequentially("grokking")  # the list follows every key stroke
    expect_papers(page, [p for p in papers if text_matches(p, "grokking")], len(papers))
    for query in ("LOTTERY pruning", "huszar", "plotka szymon", "double-descent", "Ferre Giroire"):
        expected = [p for p in papers if text_matches(p, query)]
        assert expected, query
        box.fill(query)
        expect_papers(page, expected, len(papers))


def test_venue(open_page: OpenPage, papers: Papers) -> None:
    page = open_explorer(open_page)
    control(page, "Venue").fill("iclr")
    expect_papers(page, [p for p in papers if "iclr" in fold(p.get("venue", ""))], len(papers))
    control(page, "Venue").fill("NeurIPS 2020")
    expect_papers(page, [p for p in papers if p.get("venue") == "NeurIPS 2020"], len(papers))


def test_filters_round_trip_through_the_address(open_page: OpenPage, papers: Papers) -> None:
    # every filter at once, taken from one paper so that the view is never empty
    paper = next(p for p in papers if has_code(p) and p.get("venue") and len(p.get("keywords", [])) >= 2 and p.get("digest"))
    word = max(fold(paper["title"]).split(), key=len)
    venue = paper["venue"].split()[0]
    keywords = paper["keywords"][:2]
    expected = [
        p for p in papers
        if paper["section"] in sections_of(p) and p["year"] == paper["year"] and all(k in p.get("keywords", []) for k in keywords)
        and fold(venue) in fold(p.get("venue", "")) and has_code(p) and text_matches(p, word)
    ]
    page = open_explorer(open_page)
    control(page, "Search").fill(word)
    control(page, "Section").select_option(paper["section"])
    control(page, "From year").select_option(str(paper["year"]))
    control(page, "to year").select_option(str(paper["year"]))
    for keyword in keywords:
        add_keyword(page, keyword)
    control(page, "Venue").fill(venue)
    control(page, "Has code").check()
    expect_papers(page, expected, len(papers))
    expect(page).to_have_url(re.compile(r"code=1"))  # the address follows a moment after the last change
    query = parse_qs(urlsplit(page.url).query)
    assert query == {
        "text": [word], "section": [paper["section"]], "from": [str(paper["year"])], "to": [str(paper["year"])],
        "kw": keywords, "venue": [venue], "code": ["1"],
    }

    shared = open_explorer(open_page, page.url.split("/explorer/", 1)[1])  # a fresh context: nothing but the address
    expect(control(shared, "Search")).to_have_value(word)
    expect(control(shared, "Section")).to_have_value(paper["section"])
    expect(control(shared, "From year")).to_have_value(str(paper["year"]))
    expect(control(shared, "to year")).to_have_value(str(paper["year"]))
    expect(control(shared, "Venue")).to_have_value(venue)
    expect(control(shared, "Has code")).to_be_checked()
    assert chips(shared) == keywords
    expect_papers(shared, expected, len(papers))
    # Material's search owns ?q=: the explorer's text must not open the search dialog
    assert not shared.evaluate("document.getElementById('__search')?.checked")

    explorer(shared).get_by_role("button", name="Clear filters").click()
    expect_papers(shared, papers, len(papers))
    expect(shared).to_have_url(re.compile(r"/explorer/$"))


def test_unknown_values_in_the_address(open_page: OpenPage, papers: Papers) -> None:
    page = open_explorer(open_page, "?section=nowhere&from=1900&to=abc&kw=No+Such+Key+Word")
    expect(control(page, "Section")).to_have_value("")
    expect(control(page, "From year")).to_have_value(str(min(p["year"] for p in papers)))
    expect(control(page, "to year")).to_have_value(str(max(p["year"] for p in papers)))
    assert chips(page) == ["No Such Key Word"]  # shown, so the reader can remove it
    expect_count(page, 0, len(papers))


def test_keyword_button_in_a_paper_adds_the_filter(open_page: OpenPage, papers: Papers) -> None:
    page = open_explorer(open_page)
    first = papers[0]["keywords"][0]
    buttons = explorer(page).locator(".dlp-x-paper").first.locator("button.dlp-x-kw")
    expect(buttons.first).to_have_text(first)
    buttons.first.click()
    assert chips(page) == [first]
    expect_papers(page, [p for p in papers if first in p.get("keywords", [])], len(papers))
    buttons.first.click()  # a second time adds nothing
    assert chips(page) == [first]
    explorer(page).locator(".dlp-x-chip").click()
    assert chips(page) == []
    expect(explorer(page).locator(".dlp-x-chips")).to_be_hidden()
    expect_papers(page, papers, len(papers))


def test_show_all(open_page: OpenPage, papers: Papers) -> None:
    assert len(papers) > LIMIT
    page = open_explorer(open_page)
    items = explorer(page).locator(".dlp-x-paper")
    expect(items).to_have_count(LIMIT)
    more = explorer(page).get_by_role("button", name=f"Show all {len(papers)}")
    more.click()
    expect(items).to_have_count(len(papers))
    expect(more).to_be_hidden()
    assert shown_ids(page) == [p["id"] for p in papers]
    control(page, "Search").fill("a")  # a new filter goes back to the first 200
    expect(items).to_have_count(min(LIMIT, sum(text_matches(p, "a") for p in papers)))


def download_bibtex(page: Page, tmp_path: Path, name: str) -> str:
    with page.expect_download() as info:
        explorer(page).get_by_role("button", name="Download these as BibTeX").click()
    download = info.value
    assert download.suggested_filename == "papers-filtered.bib"
    target = tmp_path / name
    download.save_as(target)
    return target.read_text(encoding="utf-8")


def test_bibtex_download(open_page: OpenPage, papers: Papers, site: Path, tmp_path: Path) -> None:
    whole = (site / "papers.bib").read_text(encoding="utf-8")
    page = open_explorer(open_page)
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if request.url.endswith("/papers.bib") else None)

    everything = download_bibtex(page, tmp_path, "all.bib")  # all matches, not only the 200 shown
    assert bib_keys(everything) == [p["id"] for p in papers]
    assert everything.strip() == whole.strip()

    control(page, "Section").select_option("neural-collapse")
    control(page, "From year").select_option("2021")
    expected = [p["id"] for p in papers if "neural-collapse" in sections_of(p) and p["year"] >= 2021]
    expect_count(page, len(expected), len(papers))
    some = download_bibtex(page, tmp_path, "some.bib")
    assert bib_keys(some) == expected
    blocks = {key: block for key, block in zip(bib_keys(whole), re.split(r"\n(?=@)", whole.strip()), strict=True)}
    assert some.strip() == "\n".join(blocks[key].strip() + "\n" for key in expected).strip()
    assert len(fetched) == 1  # fetched once, then reused

    control(page, "Search").fill("no paper has this zzqx")
    expect_count(page, 0, len(papers))
    expect(explorer(page).get_by_role("button", name="Download these as BibTeX")).to_be_disabled()


def test_instant_navigation(open_page: OpenPage, papers: Papers) -> None:
    """Material swaps pages without reloading scripts: the explorer starts on each visit, once."""
    page = open_page("")
    data_requests = []
    page.on("request", lambda request: data_requests.append(request.url) if "explorer.json" in request.url else None)
    page.locator("article a[href$='/explorer/']").first.click()  # Material makes links absolute
    page.wait_for_function("() => window.dlpExplorer && window.dlpExplorer.total > 0")
    expect(page).to_have_url(re.compile(r"/explorer/$"))
    expect(page.locator(".dlp-x-filters")).to_have_count(1)
    expect_count(page, len(papers), len(papers))

    # leave before the address is updated: the pending update must not touch the next page's address
    control(page, "Section").select_option("neural-collapse")
    target = next(p for p in papers if "neural-collapse" in sections_of(p))
    explorer(page).locator(".dlp-x-title").first.click()
    expect(page).to_have_url(re.compile(rf"/{target['section']}/#{target['id']}$"))
    page.wait_for_timeout(500)
    assert urlsplit(page.url).query == ""

    page.go_back()
    expect(page).to_have_url(re.compile(r"/explorer/$"))
    expect(page.locator(".dlp-x-filters")).to_have_count(1)
    expect_count(page, len(papers), len(papers))
    assert len(data_requests) == 1  # the data is kept across pages


def test_hostile_data_stays_text(open_page: OpenPage, site: Path) -> None:
    """Without Material (DOMContentLoaded), with markup and script URLs in every field."""
    harness = site / "harness" / "hostile"
    harness.mkdir(parents=True, exist_ok=True)
    for name in ("index.html", "data.json", "data.bib"):
        shutil.copy(HARNESS_FIXTURES / name, harness / name)
    page = open_explorer(open_page, path="harness/hostile/")
    ex = explorer(page)
    expect(ex.locator(".dlp-x-count")).to_have_text("3 of 3 papers")
    assert ex.locator("img, script, iframe, b, [onerror], [onclick]").count() == 0
    assert page.evaluate("window.pwned") is None
    titles = ex.locator(".dlp-x-title")
    expect(titles.nth(0)).to_have_text('<img src=x onerror="window.pwned=1"> Title')
    hrefs = [a.get_attribute("href") for a in ex.locator("a").all()]
    assert all(h and h.startswith(("http://127.0.0.1:", "https://example.org/")) for h in hrefs), hrefs
    assert titles.nth(1).evaluate("node => node.tagName") == "SPAN"  # its javascript: URL is dropped, not linked
    ex.get_by_role("button", name="</button><script>window.pwned=1</script>").first.click()
    assert chips(page) == ["</button><script>window.pwned=1</script>"]
    assert page.evaluate("window.pwned") is None


def test_labels_and_names(open_page: OpenPage) -> None:
    page = open_explorer(open_page)
    add_keyword(page, "Grokking")
    unnamed = page.evaluate("""() => {
        const root = document.getElementById("dlp-explorer");
        const bad = [];
        for (const c of root.querySelectorAll("input, select")) {
            if (!(c.labels && c.labels.length) && !c.getAttribute("aria-label")) bad.push(c.outerHTML);
        }
        for (const b of root.querySelectorAll("button")) {
            if (!(b.getAttribute("aria-label") || b.textContent.trim())) bad.push(b.outerHTML);
        }
        return bad;
    }""")
    assert unnamed == []


def test_layout_and_screenshots(open_page: OpenPage, screenshot: Callable[[Page, str], list[Path]]) -> None:
    page = open_explorer(open_page, viewport={"width": 360, "height": 740})
    add_keyword(page, "Neural Collapse")
    control(page, "Search").fill("geometry")
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1] == 360, f"the page scrolls sideways at 360 px: {sizes}"
    for paths in (screenshot(page, "explorer"), screenshot(open_explorer(open_page, color_scheme="dark"), "explorer-dark")):
        assert all(p.stat().st_size > 10_000 for p in paths)


def test_update_speed_with_20_times_the_papers(open_page: OpenPage, site: Path, papers: Papers) -> None:
    """The target is under 100 ms per update for 11,000 papers; bench/bench_explorer.py measures it in detail."""
    path = add_synthetic_explorer(site, 20)
    page = open_explorer(open_page, path=path)
    total = 20 * len(papers)
    expect_count(page, total, total)
    before = page.evaluate("window.dlpExplorer.times().length")
    control(page, "Search").press_sequentially("neural collapse")
    control(page, "Section").select_option("neural-collapse")
    control(page, "Has code").check()
    expect_count(page, 20 * sum(has_code(p) and "neural-collapse" in sections_of(p) and text_matches(p, "neural collapse")
                                for p in papers), total)
    times = page.evaluate("window.dlpExplorer.times()")[before:]
    assert len(times) == len("neural collapse") + 2 + 1  # and one more when the digests arrive
    assert statistics.median(times) < 100, times

    # "Show all" adds the papers a chunk per frame, and a change of filter stops it
    control(page, "Has code").uncheck()
    control(page, "Section").select_option("")
    control(page, "Search").fill("")
    expect_count(page, total, total)
    explorer(page).get_by_role("button", name=f"Show all {total:,}").click()
    items = explorer(page).locator(".dlp-x-paper")
    page.wait_for_function(f"() => document.querySelectorAll('.dlp-x-paper').length > {2 * LIMIT}")
    # by CSS: finding a control by its label means looking at every one of the thousands of new elements
    explorer(page).locator("input[type=search]").fill("grokking")
    expected = 20 * sum(text_matches(p, "grokking") for p in papers)
    expect_count(page, expected, total)
    page.wait_for_timeout(300)
    expect(items).to_have_count(min(LIMIT, expected))


def test_digests_come_when_free_text_asks_for_them(open_page: OpenPage, site: Path, papers: Papers) -> None:
    """The first result waits for the short fields only: the digests are fetched when a reader first types free text."""
    data = (site / "explorer.json").read_text(encoding="utf-8")
    assert '"digest"' not in data
    # a word found only in digests: its papers appear once the digests are in
    only_in_digests = next(word for p in papers for word in fold(p.get("digest", "")).split()
                           if len(word) > 6 and not any(word in fold(" ".join([q["title"], *q.get("authors", [])])) for q in papers))
    requests: list[str] = []
    page = open_explorer(open_page)
    page.on("request", lambda request: requests.append(request.url))
    expect_count(page, len(papers), len(papers))
    control(page, "Section").select_option(papers[0]["section"])
    assert not any("explorer-digests.json" in url for url in requests)
    control(page, "Section").select_option("")
    control(page, "Search").fill(only_in_digests)
    expect_count(page, sum(text_matches(p, only_in_digests) for p in papers), len(papers))
    assert sum("explorer-digests.json" in url for url in requests) == 1
