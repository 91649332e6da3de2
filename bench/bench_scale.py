#!/usr/bin/env python3
"""How the site and its search grow: the list at 1x, 5x and 20x its size, each size built twice and searched side by side.

    python bench/bench_scale.py [--scales 1,5,20] [--engines pagefind,material] [--entries DIR] [--out bench/out] [--keep]

For each size (synthetic copies of the list, as bench_build.py makes them), the same list is built
with each search engine and served at the address it was built for:

- pagefind, the product: the repo's mkdocs.yml. The reading-list plugin writes a Pagefind index
  with one record per paper to SITE/pagefind/, searched by our dialog (docs/assets/search.js);
- material, the old way: the same config with the plugin's `pagefind: false`, the theme's overrides
  without partials/search.html and no assets/search.js: Material's own search box and index.

Both: the build's wall time and peak memory, the largest page, the index on disk. In Chromium, through
each engine's own search box: what a reader downloads before the first result, the first query's
latency, the median of the warm queries, and whether a paper's title finds the paper at section/#id.
The queries are the same for both engines.

Prints a table; writes OUT/scale.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from common import (  # first: it makes `generator` and tests/browser's `harness` importable
    OUT,
    PLUGIN,
    REPO,
    chromium,
    derived_config,
    env,
    make_synthetic,
    measured_run,
    repo_docs_dir,
    say,
    temp_dir,
    write_config,
    write_results,
)
from harness import dump, serve

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page, Request

ENGINES = ("pagefind", "material")
BUDGET = 1_000_000  # bytes a reader may download before the first result
QUERIES = ["grokking", "neural collapse", "lottery ticket", "double descent", "information bottleneck", "tangent kernel", "emergent"]
HIT_SAMPLE = 20  # papers whose title is searched to see where the first hit lands
SEED = 7  # of the hit sample: the same papers for both engines
SEARCH_JS = "assets/search.js"  # our dialog's script, dropped from the material build
SEARCH_PARTIAL = Path("partials") / "search.html"  # our dialog, dropped from the material build's overrides
QUERY_TIMEOUT_MS = 120_000  # the first and warm queries: longer is a failure of the search
HIT_TIMEOUT_MS = 20_000  # a title query that shows nothing within this counts as a miss


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


# --- builds -----------------------------------------------------------------------------------------------------


def _script_path(item: Any) -> str:
    return str(item.get("path", "")) if isinstance(item, dict) else str(item)


def engine_config(engine: str, entries: Path, work: Path) -> Path:
    """The repo's mkdocs.yml with absolute paths and the plugin's cache in `work` (bench_build.derived_config);
    for material also `pagefind: false`, the overrides without our search partial, and no assets/search.js."""
    config = derived_config(repo_docs_dir(), str(entries), None, cache_dir=work / f"cache-{engine}")
    if engine == "material":
        options = next(p[PLUGIN] for p in config["plugins"] if isinstance(p, dict) and PLUGIN in p)
        options["pagefind"] = False
        theme = config["theme"]
        source = Path(theme["custom_dir"])
        overrides = work / "overrides-material"
        shutil.rmtree(overrides, ignore_errors=True)
        shutil.copytree(source, overrides, ignore=lambda folder, names: [n for n in names if Path(folder) / n == source / SEARCH_PARTIAL])
        theme["custom_dir"] = str(overrides)
        config["extra_javascript"] = [js for js in config.get("extra_javascript", []) if _script_path(js) != SEARCH_JS]
    path = work / f"mkdocs.{engine}.yml"
    write_config(path, config)
    return path


def build(engine: str, entries: Path, work: Path, site: Path, url: str) -> dict[str, Any]:
    """`python -m generator build` with the engine's config, for the address it is served at."""
    config = engine_config(engine, entries, work)
    seconds, usage, _ = measured_run(
        [sys.executable, "-m", "generator", "build", "--config-file", str(config), "--entries", str(entries), "--site-dir", str(site)],
        cwd=REPO, env=env(PYTHONDONTWRITEBYTECODE="1", SITE_URL=url))  # no bytecode written into the repo
    pages = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "largest_page": str(pages[-1].relative_to(site)),
            "largest_page_bytes": pages[-1].stat().st_size, "html_bytes": sum(p.stat().st_size for p in pages)}


def pagefind_kind(url: str) -> str:
    """What a file of the Pagefind bundle is, by its name; `other` outside it."""
    path = urlsplit(url).path
    if "/pagefind/" not in path:
        return "other"
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".js"):
        return "worker" if "worker" in name else "js"
    if name.endswith(".pf_meta"):
        return "meta"
    for kind, suffix in (("entry", ".json"), ("wasm", ".pagefind"), ("index", ".pf_index"), ("fragments", ".pf_fragment"),
                         ("filter", ".pf_filter")):
        if name.endswith(suffix):
            return kind
    return "pagefind-other"


def material_kind(url: str) -> str:
    path = urlsplit(url).path
    if path.endswith("/search/search_index.json"):
        return "index"
    if "/workers/search." in path:
        return "worker"
    return "other"


def pagefind_index(site: Path) -> dict[str, Any]:
    bundle = files_in(site / "pagefind")
    by_kind: dict[str, int] = {}
    for path in bundle:
        kind = pagefind_kind("/pagefind/" + path.name)
        by_kind[kind] = by_kind.get(kind, 0) + path.stat().st_size
    return {"bytes": sum(p.stat().st_size for p in bundle), "files": len(bundle), "by_kind_bytes": dict(sorted(by_kind.items()))}


def material_index(site: Path) -> dict[str, Any]:
    index = (site / "search" / "search_index.json").read_bytes()
    worker = next((site / "assets" / "javascripts" / "workers").glob("search.*.min.js")).read_bytes()
    return {"bytes": len(index), "gzip_bytes": gz(index), "docs": len(json.loads(index)["docs"]),
            "worker_bytes": len(worker), "worker_gzip_bytes": gz(worker)}


# --- in Chromium ----------------------------------------------------------------------------------------------


class Traffic:
    """Every request of a page and of its workers, in order. tally() sums the response bodies of a
    stretch of them as sent (Pagefind's files are compressed already, so they count as they are)."""

    def __init__(self, page: Page, kind: Callable[[str], str]) -> None:
        self.requests: list[Request] = []
        self.kind = kind
        page.context.on("request", lambda request: self.requests.append(request))  # the context's: its workers' fetches too

    def mark(self) -> int:
        return len(self.requests)

    @staticmethod
    def body_bytes(request: Request) -> int:
        """The encoded body size Chromium reports; for a worker's own script it reports 0, so its Content-Length."""
        response = request.response()
        if response is None:  # failed or blocked
            return 0
        size = request.sizes()["responseBodySize"]
        if size == 0 and response.status == 200:
            size = int(response.header_value("content-length") or 0)
        return size

    def tally(self, start: int, end: int | None = None) -> dict[str, Any]:
        chosen = self.requests[start:end]
        by_kind: dict[str, int] = {}
        for request in chosen:
            kind = self.kind(request.url)
            by_kind[kind] = by_kind.get(kind, 0) + self.body_bytes(request)
        return {"bytes": sum(by_kind.values()), "requests": len(chosen), "by_kind_bytes": dict(sorted(by_kind.items()))}


def lands_on(href: str, base: str, paper: dict[str, Any]) -> bool:
    """The link goes to the paper's anchor on its own section page, or on the page of its section that holds
    it when the section is split by years (`section/2022/`; a query string, as Material's `?h=`, aside)."""
    parts = urlsplit(urljoin(base, href))
    section = f"/{paper['section']}/"
    at = parts.path.rfind(section)
    return at >= 0 and parts.path[at + len(section):].count("/") <= 1 and parts.fragment == paper["id"]


def hit_rank(page: Page, base: str, paper: dict[str, Any]) -> int | None:
    """1-based place of the first result link that lands on the paper, among all shown; None if none does."""
    hrefs: list[str] = page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.getAttribute('href'))")
    return next((n for n, href in enumerate(hrefs, 1) if lands_on(href, base, paper)), None)


def title_ranks(page: Page, sample: list[dict[str, Any]], clear: Callable[[], None], type_in: Callable[[str], None],
                done: str) -> dict[str, int | None]:
    """Each sampled paper's whole title searched; where its first link lands (None: nothing shown within HIT_TIMEOUT_MS)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    ranks: dict[str, int | None] = {}
    for paper in sample:
        clear()
        type_in(title_query(paper["title"]))
        try:
            page.wait_for_function(done, polling="raf", timeout=HIT_TIMEOUT_MS)
        except PlaywrightTimeout:  # a query that shows nothing at all: a miss
            ranks[paper["id"]] = None
            continue
        ranks[paper["id"]] = hit_rank(page, page.url, paper)
    return ranks


def hits_summary(ranks: dict[str, int | None]) -> dict[str, Any]:
    hits = sum(1 for rank in ranks.values() if rank is not None and rank <= 3)
    return {"hits": hits, "sample": len(ranks), "rate": f"{hits}/{len(ranks)}", "ranks": ranks}


def latency_summary(first_s: float, warm_s: list[float]) -> dict[str, Any]:
    return {"first_query_ms": round(first_s * 1000), "median_ms": round(statistics.median(warm_s) * 1000),
            "warm_ms": [round(s * 1000) for s in warm_s]}


def title_query(title: str) -> str:
    """A whole title as a reader types it, words only (lunr reads `field:` and `+`/`-`/`~`/`^` as query syntax).
    Whole: a synthetic copy's title differs from the others' only in its last words, "(variant k)"."""
    return " ".join("".join(c if c.isalnum() else " " for c in title).split())


# Our dialog: meta says "Searching…" while a query runs, then "N matching results" with the list
# filled, or "No matching papers or pages"; "Type to search the papers" for an empty box.
PAGEFIND_FIRST = "() => { const item = document.querySelector('.md-search-result__item'); return !!item && item.checkVisibility(); }"
PAGEFIND_DONE = """() => {
  const meta = document.querySelector("[data-dlp-search-meta]").textContent;
  if (/Searching|Type to search/.test(meta)) return false;
  return document.querySelectorAll(".md-search-result__item").length > 0 || /No matching|unavailable/.test(meta);
}"""
PAGEFIND_CLEARED = """() => /Type to search/.test(document.querySelector("[data-dlp-search-meta]").textContent)
  && document.querySelectorAll(".md-search-result__item").length === 0"""


def pagefind_search(page: Page, url: str, sample: list[dict[str, Any]]) -> dict[str, Any]:
    """Our dialog over the Pagefind bundle. Bytes count from the focus of the search box (which starts
    loading the engine) to the first result on screen; latencies from the last key press."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    traffic = Traffic(page, pagefind_kind)
    page.goto(url)
    page.wait_for_load_state("networkidle")  # the page's own requests stay out of the count
    box = page.locator("input[data-dlp-search-input]")
    meta = page.locator("[data-dlp-search-meta]")

    def type_in(query: str) -> None:
        """All but the last character set without an event, the last one pressed: one `input` event, one search."""
        box.evaluate("(input, text) => { input.value = text; }", query[:-1])
        box.press_sequentially(query[-1])

    def clear() -> None:
        box.fill("")
        page.wait_for_function(PAGEFIND_CLEARED, polling="raf", timeout=QUERY_TIMEOUT_MS)

    def wait(predicate: str, query: str, timeout: int) -> None:
        try:
            page.wait_for_function(predicate, polling="raf", timeout=timeout)
        except PlaywrightTimeout:
            raise SystemExit(f"{url}: no result for {query!r} after {timeout / 1000:.0f} s; the dialog says "
                             f"{meta.text_content()!r}, {page.locator('.md-search-result__item').count()} items") from None
        if "unavailable" in (meta.text_content() or ""):
            raise SystemExit(f"{url}: {meta.text_content()!r} for {query!r}")

    start = traffic.mark()
    focused = time.perf_counter()
    box.click()
    pressed = time.perf_counter()
    type_in(QUERIES[0])
    wait(PAGEFIND_FIRST, QUERIES[0], QUERY_TIMEOUT_MS)
    shown = time.perf_counter()
    first = traffic.tally(start)
    warm = []
    for query in QUERIES[1:]:
        clear()
        started = time.perf_counter()
        type_in(query)
        wait(PAGEFIND_DONE, query, QUERY_TIMEOUT_MS)
        warm.append(time.perf_counter() - started)
    ranks = title_ranks(page, sample, clear, type_in, PAGEFIND_DONE)
    return {"before_first_result": first, "after_all_queries": traffic.tally(start),
            "latency": {**latency_summary(shown - pressed, warm), "first_query_from_focus_ms": round((shown - focused) * 1000)},
            "queries": 1 + len(warm) + len(sample), "hits": hits_summary(ranks)}


MATERIAL_FIRST = """() => {
  const meta = document.querySelector(".md-search-result__meta");
  return document.querySelectorAll(".md-search-result__item").length > 0 || (meta && /No matching/.test(meta.textContent));
}"""


def material_search(page: Page, url: str, sample: list[dict[str, Any]]) -> dict[str, Any]:
    """Material's own search box. Its index is fetched on page load; latencies from the last key press."""

    traffic = Traffic(page, material_kind)
    page.goto(url)
    box: Locator = page.locator("input[data-md-component=search-query]")
    box.click()

    def type_in(query: str) -> None:
        """Material searches on key events: the query is typed, its last character as a key press."""
        box.fill(query[:-1])
        box.press(query[-1])

    def clear() -> None:
        box.fill("")
        box.press("Backspace")
        page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length === 0")

    latencies, first = [], 0
    for n, query in enumerate(QUERIES):
        if n:
            clear()
        started = time.perf_counter()
        type_in(query)
        page.wait_for_function(MATERIAL_FIRST, polling="raf", timeout=QUERY_TIMEOUT_MS)
        latencies.append(time.perf_counter() - started)
        if not n:
            first = traffic.mark()
    ranks = title_ranks(page, sample, clear, type_in, MATERIAL_FIRST)
    return {"measured_from_page_load": {"before_first_result": traffic.tally(0, first), "after_all_queries": traffic.tally(0)},
            "latency": latency_summary(latencies[0], latencies[1:]), "queries": len(latencies) + len(sample), "hits": hits_summary(ranks)}


def in_chromium(url: str, measure: Callable[[Page, str, list[dict[str, Any]]], dict[str, Any]],
                sample: list[dict[str, Any]]) -> dict[str, Any]:
    """A fresh browser (empty cache), requests to any other host blocked, service workers off."""
    with chromium() as browser:
        context = browser.new_context(base_url=url, service_workers="block")
        context.set_default_timeout(QUERY_TIMEOUT_MS)
        context.route(lambda u: not u.startswith(url) and u.startswith(("http:", "https:")), lambda route: route.abort())
        return {"chromium": browser.version, **measure(context.new_page(), url, sample)}


# --- one size -------------------------------------------------------------------------------------------------


def scaled_list(source: Path, scale: int, temp: Path) -> Path:
    """1x is the list itself; larger sizes are synthetic copies in `temp`."""
    if scale <= 1:
        return source
    entries = temp / f"entries-{scale}x"
    entries.mkdir()
    say(f"[{scale}x] writing the synthetic list")
    make_synthetic(source, entries, scale)
    return entries


def measure_engine(engine: str, label: str, entries: Path, work: Path, sample: list[dict[str, Any]]) -> dict[str, Any]:
    site = work / f"site-{engine}"
    with serve(site) as url:
        say(f"[{label}] {engine}: building for {url}")
        row: dict[str, Any] = {"build": build(engine, entries, work, site, url)}
        say(f"[{label}] {engine}: built in {row['build']['seconds']} s, {row['build']['peak_rss_mb']} MB; searching in Chromium")
        if engine == "pagefind":
            row["index"] = pagefind_index(site)
            row.update(in_chromium(url, pagefind_search, sample))
            row["before_first_result_bytes"] = row["before_first_result"]["bytes"]
            row["within_budget"] = row["before_first_result_bytes"] <= BUDGET
        else:
            row["index"] = index = material_index(site)
            row["before_first_result_bytes"] = index["bytes"] + index["worker_bytes"]
            row["before_first_result_gzip_bytes"] = index["gzip_bytes"] + index["worker_gzip_bytes"]
            row.update(in_chromium(url, material_search, sample))
            row["within_budget"] = {"raw": row["before_first_result_bytes"] <= BUDGET, "gzip": row["before_first_result_gzip_bytes"] <= BUDGET}
        say(f"[{label}] {engine}: first query {row['latency']['first_query_ms']} ms, median {row['latency']['median_ms']} ms, "
            f"hits {row['hits']['rate']}")
    return row


# --- report ---------------------------------------------------------------------------------------------------


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def kinds(by_kind: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n / 1e3:.0f} kB" for kind, n in by_kind.items() if n)


def report(results: dict[str, Any]) -> str:
    meta = results["meta"]
    lines = [f"Reading list at scale: {meta['date']}, {meta['cpus']} CPUs, Python {meta['python']}, Chromium {meta.get('chromium', '?')}", ""]
    head = (f"{'size':<6}{'papers':>7}  {'engine':<9}{'build s':>8}{'peak RSS':>10}  {'before first result':<30}"
            f"{'first query':>12}{'median':>9}{'hits':>7}  index size")
    lines += [head, "-" * (len(head) + 36)]
    for label, size in results["scales"].items():
        for n, engine in enumerate(e for e in ENGINES if e in size):
            r = size[engine]
            if engine == "pagefind":
                before = f"{mb(r['before_first_result_bytes'])} ({r['before_first_result']['requests']} requests)"
                index = f"pagefind/ {mb(r['index']['bytes'])} in {r['index']['files']} files"
            else:
                before = f"{mb(r['before_first_result_bytes'])} raw, {mb(r['before_first_result_gzip_bytes'])} gzip"
                index = f"search_index.json {mb(r['index']['bytes'])} ({mb(r['index']['gzip_bytes'])} gzip)"
            lines.append(f"{label if not n else '':<6}{size['papers'] if not n else '':>7}  {engine:<9}{r['build']['seconds']:>8.1f}"
                         f"{r['build']['peak_rss_mb']:>7.0f} MB  {before:<30}{r['latency']['first_query_ms']:>9} ms"
                         f"{r['latency']['median_ms']:>6} ms{r['hits']['rate']:>7}  {index}")
    lines += ["", f"1 MB budget (what a reader downloads before the first result, {BUDGET:,} bytes):"]
    for label, size in results["scales"].items():
        verdicts = []
        if "pagefind" in size:
            r = size["pagefind"]
            verdicts.append(f"pagefind {mb(r['before_first_result_bytes'])} {'within' if r['within_budget'] else 'OVER'}")
        if "material" in size:
            r = size["material"]
            verdicts.append(f"material {mb(r['before_first_result_bytes'])} raw {'within' if r['within_budget']['raw'] else 'OVER'}, "
                            f"{mb(r['before_first_result_gzip_bytes'])} gzip {'within' if r['within_budget']['gzip'] else 'OVER'}")
        lines.append(f"  {label:<5} " + "; ".join(verdicts))
    lines += ["", "details:"]
    for label, size in results["scales"].items():
        if "pagefind" in size:
            r = size["pagefind"]
            lines.append(f"  {label:<5} pagefind: before the first result {kinds(r['before_first_result']['by_kind_bytes'])}; "
                         f"after all {r['queries']} queries {mb(r['after_all_queries']['bytes'])} in {r['after_all_queries']['requests']} "
                         f"requests; first query from the focus {r['latency']['first_query_from_focus_ms']} ms")
        if "material" in size:
            r = size["material"]
            seen = r["measured_from_page_load"]["before_first_result"]
            lines.append(f"  {label:<5} material: {r['index']['docs']} index docs; fetched from page load to the first result "
                         f"{mb(seen['bytes'])} ({kinds(seen['by_kind_bytes'])})")
        for engine in ENGINES:
            if engine in size:
                b = size[engine]["build"]
                ranks = size[engine]["hits"]["ranks"]
                misses = [f"{pid}:{rank or '-'}" for pid, rank in ranks.items() if rank is None or rank > 3]
                lines.append(f"  {label:<5} {engine}: largest page {b['largest_page']} {mb(b['largest_page_bytes'])}; "
                             f"warm ms {size[engine]['latency']['warm_ms']}; not in the top 3 (id:rank) {', '.join(misses) or 'none'}")
    lines += ["", f"total {meta['total_s']:.0f} s"]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--entries", default=str(REPO / "entries"), help="the list directory (default: entries)")
    parser.add_argument("--scales", default="1,5,20", help="sizes in copies of the list (default 1,5,20)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="search engines to build and measure (default pagefind,material)")
    parser.add_argument("--out", default=str(OUT), help="where scale.json goes (default bench/out)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir with the lists, configs and sites")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if not engines or set(engines) - set(ENGINES):
        parser.error(f"--engines: a comma-separated subset of {','.join(ENGINES)}")
    source = Path(args.entries).resolve()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, Any] = {"meta": {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"), "python": platform.python_version(), "cpus": os.cpu_count(),
        "machine": platform.platform(), "entries_dir": str(source), "scales": scales, "engines": engines, "budget_bytes": BUDGET,
        "queries": QUERIES, "hit_sample": HIT_SAMPLE, "hit_seed": SEED}, "scales": {}}
    with temp_dir("bench-scale-", args.keep) as temp:
        for scale in scales:
            label = f"{scale}x"
            entries = scaled_list(source, scale, temp)
            listed = dump(entries)
            sample = random.Random(SEED).sample(listed, min(HIT_SAMPLE, len(listed)))
            size: dict[str, Any] = {"papers": len(listed), "hit_sample": {p["id"]: title_query(p["title"]) for p in sample}}
            results["scales"][label] = size
            work = temp / label
            work.mkdir()
            for engine in engines:
                size[engine] = measure_engine(engine, label, entries, work, sample)
                results["meta"]["chromium"] = size[engine].pop("chromium")
                if not args.keep:
                    shutil.rmtree(work / f"site-{engine}", ignore_errors=True)
    results["meta"]["total_s"] = round(time.perf_counter() - started, 1)
    write_results(out / "scale.json", results, report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
