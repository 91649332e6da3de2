#!/usr/bin/env python3
"""Does the search find what a reader means? Reader queries on the real list, each with the paper it means,
typed into the built site's search dialog in Chromium.

    .venv/bin/python bench/bench_search.py [--site DIR] [--out bench/out] [--show N]

Builds the site of entries/ into a temp dir (or takes an already built site with --site: to measure
another version of the code, build it there first, e.g. from `git archive HEAD`), serves it on
127.0.0.1 and, for every query, opens the home page in a fresh browser context (an empty cache: what a
first visit downloads), clicks the header's search box, puts the query in at once (one `input` event,
one search) and reads the result links once the dialog has settled.

Per query: the place of the first result that lands on the paper (`section/#id`; any of the papers when
a query names more than one acceptable), counting every result shown, key words and sections included;
and the bytes downloaded from the click to the first result on screen (Chromium's encoded body sizes:
Pagefind's files are compressed already, so this is what any host sends). Reported: top-1 and top-3
(how many queries have their paper first, or among the first three), the bytes before the first
result (median and largest; the budget is 250 KB for every query) and the misses.

While typing: the same queries cut inside their last word (after its fourth letter, and each letter
after, up to the whole word less one), put in one after another in one dialog, as a reader typing sees
them: how many of those have the paper among the first three results, and among the first ten.

Prints a table and writes the figures to OUT/search.json. A benchmark, not a test: it reads the real
list, whose papers the queries name.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from bench_scale import PAGEFIND_DONE, PAGEFIND_FIRST, Traffic, pagefind_kind
from common import OUT, chromium, say, write_results  # first: it makes `generator` and tests/browser's `harness` importable
from harness import build_site, dump, serve

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

BUDGET = 250_000  # bytes a reader may download before the first result
TIMEOUT_MS = 60_000

# (what the reader types, the paper(s) meant, what kind of query). Written down before the search was
# tuned: the paper that named or founded a phenomenon for its name, the paper a title phrase or a
# surname points at, the same with the typos and acronyms readers type.
QUERIES: list[tuple[str, tuple[str, ...], str]] = [
    # a phenomenon's name: the paper that named it, or founded it
    ("grokking", ("power2022grokking",), "name"),
    ("lottery ticket hypothesis", ("frankle2018lottery",), "name"),
    ("lottery ticket", ("frankle2018lottery",), "name"),
    ("neural tangent kernel", ("jacot2018neural",), "name"),
    ("neural collapse", ("papyan2020prevalence",), "name"),
    ("double descent", ("belkin2018reconciling", "nakkiran2019deep"), "name"),
    ("deep double descent", ("nakkiran2019deep",), "name"),
    ("information bottleneck", ("shwartzziv2017opening",), "name"),
    ("benign overfitting", ("bartlett2019benign",), "name"),
    ("edge of stability", ("cohen2021gradient",), "name"),
    ("sharpness aware minimization", ("foret2020sharpness",), "name"),
    ("lazy training", ("chizat2018lazy",), "name"),
    ("emergent abilities", ("schaeffer2023emergent",), "name"),
    # words of a title
    ("grokking generalization beyond overfitting", ("power2022grokking",), "title"),
    ("rethinking generalization", ("zhang2016understanding",), "title"),
    ("git re-basin", ("ainsworth2022git",), "title"),
    ("deep image prior", ("ulyanov2017deep",), "title"),
    ("progress measures for grokking", ("nanda2023progress",), "title"),
    ("omnigrok", ("liu2022omnigrok",), "title"),
    ("imagenet trained cnns texture bias", ("geirhos2018imagenet",), "title"),
    ("shortcut learning", ("geirhos2020shortcut",), "title"),
    ("critical learning periods", ("achille2017critical",), "title"),
    ("linear mode connectivity lottery ticket", ("frankle2019linear",), "title"),
    ("platonic representation hypothesis", ("huh2024platonic",), "title"),
    ("neural ordinary differential equations", ("chen2018neural",), "title"),
    ("deep neural networks as gaussian processes", ("lee2017deep",), "title"),
    ("wide networks evolve as linear models", ("lee2019wide",), "title"),
    ("fantastic generalization measures", ("jiang2019fantastic",), "title"),
    ("rigging the lottery", ("evci2019rigging",), "title"),
    ("early bird tickets", ("you2019drawing",), "title"),
    ("reconciling modern machine learning bias variance", ("belkin2018reconciling",), "title"),
    ("universal law of robustness", ("bubeck2021universal",), "title"),
    ("deep bootstrap", ("nakkiran2020deep",), "title"),
    ("model collapse recursively generated data", ("shumailov2024ai",), "title"),
    ("dormant neuron", ("sokar2023dormant",), "title"),
    ("sparks of agi gpt-4", ("bubeck2023sparks",), "title"),
    # surnames, alone or with a word
    ("papyan", ("papyan2020prevalence",), "surname"),
    ("frankle carbin", ("frankle2018lottery",), "surname"),
    ("jacot", ("jacot2018neural",), "surname"),
    ("tishby", ("shwartzziv2017opening",), "surname"),
    ("foret", ("foret2020sharpness",), "surname"),
    ("nakkiran double descent", ("nakkiran2019deep",), "surname"),
    ("chizat bach", ("chizat2018lazy",), "surname"),
    ("power grokking", ("power2022grokking",), "surname"),
    ("shwartz-ziv tishby", ("shwartzziv2017opening",), "surname"),
    # acronyms
    ("NTK", ("jacot2018neural",), "acronym"),
    ("SAM", ("foret2020sharpness",), "acronym"),
    ("SNIP", ("lee2018snip",), "acronym"),
    ("MAML", ("raghu2019rapid",), "acronym"),
    # typos
    ("grokin", ("power2022grokking",), "typo"),
    ("lotery tiket", ("frankle2018lottery",), "typo"),
    ("neural tangent kernal", ("jacot2018neural",), "typo"),
    ("nueral collapse", ("papyan2020prevalence",), "typo"),
    ("double decent", ("belkin2018reconciling", "nakkiran2019deep"), "typo"),
    ("sharpnes aware minimisation", ("foret2020sharpness",), "typo"),
    ("informaton bottleneck", ("shwartzziv2017opening",), "typo"),
    ("edge of stabilty", ("cohen2021gradient",), "typo"),
    ("papyn", ("papyan2020prevalence",), "typo"),
    ("platonic representaton", ("huh2024platonic",), "typo"),
]

# The dialog has settled: not searching, and results or a "no match" message
DONE = PAGEFIND_DONE
# The first result is on screen, or the dialog says there is none
FIRST = f"() => ({PAGEFIND_FIRST})() || /No matching/.test(document.querySelector('[data-dlp-search-meta]').textContent)"


def lands_on(href: str, base: str, papers: list[dict[str, Any]]) -> bool:
    parts = urlsplit(urljoin(base, href))
    return any(parts.path.endswith(f"/{p['section']}/") and parts.fragment == p["id"] for p in papers)


@contextmanager
def fresh_page(browser: Browser, url: str) -> Iterator[Page]:
    """A page in a context of its own (an empty cache), every other host blocked."""
    context = browser.new_context(base_url=url, service_workers="block", viewport={"width": 1280, "height": 800})
    try:
        context.set_default_timeout(TIMEOUT_MS)
        context.route(lambda u: not u.startswith(url) and u.startswith(("http:", "https:")), lambda route: route.abort())
        yield context.new_page()
    finally:
        context.close()


def shown(page: Page, papers: list[dict[str, Any]]) -> tuple[list[str], int | None]:
    """The result links the dialog shows, and the place of the first that lands on one of the papers (None: none)."""
    hrefs: list[str] = page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.getAttribute('href'))")
    return hrefs, next((n for n, href in enumerate(hrefs, 1) if lands_on(href, page.url, papers)), None)


def run_query(browser: Browser, url: str, query: str, papers: list[dict[str, Any]], show: int) -> dict[str, Any]:
    """One query from a cold start: a fresh context, the home page, a click into the search box, the query."""
    with fresh_page(browser, url) as page:
        traffic = Traffic(page, pagefind_kind)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        box = page.locator("input[data-dlp-search-input]")
        start = traffic.mark()
        clicked = time.perf_counter()
        box.click()
        box.fill(query)
        page.wait_for_function(FIRST, polling="raf", timeout=TIMEOUT_MS)
        first = traffic.tally(start)
        first_ms = (time.perf_counter() - clicked) * 1000
        page.wait_for_function(DONE, polling="raf", timeout=TIMEOUT_MS)
        page.wait_for_timeout(150)  # a search that settles in two steps (a correction) has finished its second
        page.wait_for_function(DONE, polling="raf", timeout=TIMEOUT_MS)
        hrefs, rank = shown(page, papers)
        titles: list[str] = page.eval_on_selector_all(".md-search-result__link h1", "hs => hs.map(h => h.textContent)")
        return {"rank": rank, "shown": len(hrefs), "top": titles[:show], "before_first_result": first,
                "first_result_ms": round(first_ms), "meta": page.locator("[data-dlp-search-meta]").text_content()}


def typed_starts(query: str) -> list[str]:
    """The query cut inside its last word: after its fourth letter, and each letter after, short of the whole word."""
    head, _, last = query.rpartition(" ")
    lead = f"{head} " if head else ""
    return [lead + last[:n] for n in range(4, len(last))]


def run_typing(browser: Browser, url: str, starts: list[str], papers: list[dict[str, Any]]) -> list[int | None]:
    """The rank of the paper (None: not shown) after each start of a query, typed into one dialog in turn."""
    with fresh_page(browser, url) as page:
        page.goto(url)
        box = page.locator("input[data-dlp-search-input]")
        box.click()
        ranks = []
        for start in starts:
            box.fill(start)
            page.wait_for_function("q => document.querySelector('[data-dlp-search]').dataset.dlpAnswered === q", arg=start.strip(),
                                   polling="raf", timeout=TIMEOUT_MS)
            ranks.append(shown(page, papers)[1])
        return ranks


def report(results: dict[str, Any]) -> str:
    meta, rows = results["meta"], results["queries"]
    lines = [f"Search benchmark: {meta['date']}, {len(rows)} queries, site {meta['site']}, Chromium {meta['chromium']}", ""]
    head = f"{'query':<52}{'kind':<9}{'rank':>5}{'KB first':>10}  top results"
    lines += [head, "-" * 120]
    for row in rows:
        rank = row["rank"] if row["rank"] is not None else "-"
        top = " | ".join(t[:38] for t in row["top"][:3])
        lines.append(f"{row['query']:<52}{row['kind']:<9}{rank!s:>5}{row['before_first_result']['bytes'] / 1e3:>10.1f}  {top}")
    s = results["summary"]
    lines += ["", f"top-1 {s['top1']}/{s['queries']} ({s['top1_pct']:.0f}%), top-3 {s['top3']}/{s['queries']} ({s['top3_pct']:.0f}%)"]
    for kind, k in s["by_kind"].items():
        lines.append(f"  {kind:<9} top-1 {k['top1']}/{k['queries']}, top-3 {k['top3']}/{k['queries']}")
    lines.append(f"bytes before the first result: median {s['first_bytes_median'] / 1e3:.1f} KB, largest {s['first_bytes_max'] / 1e3:.1f} KB "
                 f"({s['first_bytes_max_query']!r}); budget {BUDGET / 1e3:.0f} KB: {'met' if s['within_budget'] else 'NOT met'}")
    largest = max(rows, key=lambda r: r["before_first_result"]["bytes"])["before_first_result"]["by_kind_bytes"]
    lines.append("  largest, by kind: " + ", ".join(f"{k} {v / 1e3:.1f} KB" for k, v in largest.items() if v))
    lines.append(f"misses (not in the top 3): {', '.join(repr(r['query']) for r in rows if not r['rank'] or r['rank'] > 3) or 'none'}")
    typing = [(start, rank) for r in rows for start, rank in zip(r["typed_starts"], r["typed_ranks"], strict=True)]
    if typing:
        top3 = sum(rank is not None and rank <= 3 for _, rank in typing)
        top10 = sum(rank is not None and rank <= 10 for _, rank in typing)
        lines.append(f"while typing: {len(typing)} queries cut inside their last word; the paper in the top 3 for {top3} "
                     f"({100 * top3 / len(typing):.0f}%), in the top 10 for {top10} ({100 * top10 / len(typing):.0f}%)")
        lost = [start for start, rank in typing if rank is None or rank > 10]
        lines.append(f"  not in the top 10: {', '.join(repr(start) for start in lost) or 'none'}")
    return "\n".join(lines)


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def counts(chosen: list[dict[str, Any]]) -> dict[str, int]:
        return {"queries": len(chosen), "top1": sum(r["rank"] == 1 for r in chosen),
                "top3": sum(r["rank"] is not None and r["rank"] <= 3 for r in chosen)}

    total = counts(rows)
    sizes = [r["before_first_result"]["bytes"] for r in rows]
    largest = max(rows, key=lambda r: r["before_first_result"]["bytes"])
    return {**total, "top1_pct": 100 * total["top1"] / len(rows), "top3_pct": 100 * total["top3"] / len(rows),
            "by_kind": {kind: counts([r for r in rows if r["kind"] == kind]) for kind in dict.fromkeys(r["kind"] for r in rows)},
            "first_bytes_median": statistics.median(sizes), "first_bytes_max": max(sizes), "first_bytes_max_query": largest["query"],
            "within_budget": max(sizes) <= BUDGET}


def measure(site: Path, url: str, show: int) -> dict[str, Any]:
    listed = {p["id"]: p for p in dump()}
    unknown = sorted({i for _, ids, _ in QUERIES for i in ids} - set(listed))
    if unknown:
        raise SystemExit(f"the list has no paper {', '.join(unknown)}; update QUERIES")
    rows = []
    with chromium() as browser:
        for query, ids, kind in QUERIES:
            row = run_query(browser, url, query, [listed[i] for i in ids], show)
            starts = typed_starts(query)
            ranks = run_typing(browser, url, starts, [listed[i] for i in ids]) if starts else []
            rows.append({"query": query, "kind": kind, "means": list(ids), **row, "typed_starts": starts, "typed_ranks": ranks})
            say(f"{query!r}: rank {row['rank']}, {row['before_first_result']['bytes'] / 1e3:.1f} KB before the first result")
        version = browser.version
    return {"meta": {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "python": platform.python_version(), "chromium": version,
                     "site": str(site), "budget_bytes": BUDGET},
            "queries": rows, "summary": summarize(rows)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--site", help="an already built site to search (default: build entries/ with this checkout into a temp dir)")
    parser.add_argument("--out", default=str(OUT), help="where search.json goes (default bench/out)")
    parser.add_argument("--show", type=int, default=5, help="titles of the first N results kept per query (default 5)")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    if args.site:
        site = Path(args.site).resolve()
        if not (site / "pagefind" / "pagefind.js").is_file():
            raise SystemExit(f"{site}: no Pagefind bundle (pagefind/pagefind.js); build the site first")
        with serve(site) as url:
            results = measure(site, url, args.show)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-search-") as temp:
            site = Path(temp) / "site"
            with serve(site) as url:
                say(f"building entries/ for {url}")
                build_site(site, url)
                results = measure(site, url, args.show)
            results["meta"]["site"] = "entries/, built by this checkout"
    write_results(out / "search.json", results, report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
