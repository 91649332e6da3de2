#!/usr/bin/env python3
"""How the site grows: the list at 1x, 5x and 20x its size (synthetic copies, as bench_build.py makes them).

    python bench/bench_scale.py [--scales 1,5,20] [--out bench/out] [--pagefind auto|always|never]

For each size: the build's wall time and peak memory (ru_maxrss of the build subprocess), the largest
page, what a reader downloads before the first search result (Material loads search_index.json
whole, plus its search worker), raw and gzip-compressed, and search latency in Chromium (typing a
query into Material's search box until the first result is rendered; the first query after page
load, then the median of the others), and whether a paper's title finds the paper at section/#id.

When the reader's download passes 1 MB at the largest size (or with --pagefind always), Pagefind
(the `pagefind` PyPI package and its `pagefind_bin` binary) indexes the same built site as a
post-step here, not in the product, and is measured the same way side by side.

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
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench"), str(REPO / "tests" / "browser")]

from bench_build import make_synthetic  # noqa: E402
from harness import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

BUDGET = 1_000_000  # bytes a reader may download before the first result
QUERIES = ["grokking", "neural collapse", "lottery ticket", "double descent", "information bottleneck", "tangent kernel", "emergent"]
HIT_SAMPLE = 20  # papers whose title is searched to see where the first hit lands
LIMIT_MS = 20_000  # a Pagefind query (search, then the data of the top three pages) that takes longer counts as a timeout


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1", **extra}


def measured_run(cmd: list[str], **kwargs: Any) -> tuple[float, int, str]:
    """Wall seconds, peak resident memory in bytes (ru_maxrss of this process alone), output."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, **kwargs)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read().decode("utf-8", errors="replace")
    if proc.returncode != 0:
        say(output[-3000:])
        raise SystemExit(f"failed (exit {proc.returncode}): {' '.join(cmd)}")
    return seconds, usage.ru_maxrss * 1024, output


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def build(entries: Path, site: Path, url: str) -> dict[str, Any]:
    seconds, peak, _ = measured_run(
        [sys.executable, "-m", "generator", "build", "--entries", str(entries), "--site-dir", str(site)], cwd=REPO, env=env(SITE_URL=url))
    pages = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    index = (site / "search" / "search_index.json").read_bytes()
    worker = next((site / "assets" / "javascripts" / "workers").glob("search.*.min.js")).read_bytes()
    return {
        "build_s": round(seconds, 2), "peak_rss_mb": round(peak / 2**20, 1),
        "largest_page": str(pages[-1].relative_to(site)), "largest_page_bytes": pages[-1].stat().st_size,
        "html_bytes": sum(p.stat().st_size for p in pages),
        "search_index_bytes": len(index), "search_index_gzip_bytes": gz(index),
        "search_docs": len(json.loads(index)["docs"]),
        "material_before_first_result_bytes": len(index) + len(worker),
        "material_before_first_result_gzip_bytes": gz(index) + gz(worker),
    }


def papers(entries: Path, n: int) -> list[dict[str, Any]]:
    out = subprocess.run([sys.executable, "-m", "generator", "dump", "--entries", str(entries)], cwd=REPO, env=env(),
                         capture_output=True, text=True, check=True).stdout
    listed: list[dict[str, Any]] = json.loads(out)
    return random.Random(7).sample(listed, min(n, len(listed)))


def title_query(title: str) -> str:
    """A title as a reader types it: words only (lunr reads `field:` and `+`/`-`/`~`/`^` as query syntax)."""
    return " ".join("".join(c if c.isalnum() else " " for c in title).split()[:8])


# --- Material's search in Chromium ------------------------------------------------------------------------------

FIRST_RESULT = """() => {
  const meta = document.querySelector(".md-search-result__meta");
  return document.querySelectorAll(".md-search-result__item").length > 0 || (meta && /No matching/.test(meta.textContent));
}"""


def material_search(page: Any, url: str, sample: list[dict[str, Any]]) -> dict[str, Any]:
    page.goto(url)
    box = page.locator("input[data-md-component=search-query]")
    box.click()

    def type_in(query: str) -> None:
        """Material searches on key events: the query is typed, its last character as a key press."""
        box.fill(query[:-1])
        box.press(query[-1])

    def clear() -> None:
        box.fill("")
        box.press("Backspace")
        page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length === 0")

    latencies = []
    for n, query in enumerate(QUERIES):
        if n:
            clear()
        started = time.perf_counter()
        type_in(query)
        page.wait_for_function(FIRST_RESULT, polling="raf", timeout=120_000)
        latencies.append(time.perf_counter() - started)
    hits = 0
    for paper in sample:
        clear()
        type_in(title_query(paper["title"]))
        try:
            page.wait_for_function(FIRST_RESULT, polling="raf", timeout=20_000)
        except PlaywrightTimeout:  # Material shows nothing at all for some queries: a miss
            continue
        first = page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.getAttribute('href'))")
        hits += any(href.split("?")[0].endswith(paper["section"] + "/") and href.endswith("#" + paper["id"]) for href in first[:3])
    return {"first_query_ms": round(latencies[0] * 1000), "median_ms": round(statistics.median(latencies[1:]) * 1000),
            "queries": len(latencies), "paper_hit_rate": f"{hits}/{len(sample)}"}


# --- Pagefind over the same site ------------------------------------------------------------------------------

# Pagefind ranks pages; within a page its sub-results (one per heading with an id) come in page order,
# so the hit for a paper is the sub-result of the top pages that matches the most query words
PAGEFIND_QUERY = """async ([query, limit]) => {
  const started = performance.now();
  const work = (async () => {
    const search = await window.pf.search(query);
    const pages = await Promise.all(search.results.slice(0, 3).map(r => r.data()));
    const subs = pages.flatMap(p => p.sub_results).sort((a, b) => (b.locations || []).length - (a.locations || []).length);
    return {count: search.results.length, subs: subs.slice(0, 3).map(s => s.url)};
  })();
  const late = new Promise(resolve => setTimeout(() => resolve({timeout: true, subs: []}), limit));
  const result = await Promise.race([work, late]);
  return {...result, ms: performance.now() - started};
}"""
PAGEFIND_BYTES = """() => performance.getEntriesByType('resource').filter(e => e.name.includes('/pagefind/'))
  .reduce((sum, e) => sum + e.encodedBodySize, 0)"""


def pagefind_index(site: Path) -> dict[str, Any]:
    seconds, peak, _ = measured_run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--root-selector", "article.md-content__inner",
         "--exclude-selectors", "[data-search-exclude]", "--force-language", "en", "--quiet"], cwd=REPO, env=env())
    bundle = site / "pagefind"
    return {"index_s": round(seconds, 2), "peak_rss_mb": round(peak / 2**20, 1),
            "bundle_bytes": sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()),
            "bundle_files": sum(1 for p in bundle.rglob("*") if p.is_file())}


def pagefind_search(page: Any, url: str, sample: list[dict[str, Any]]) -> dict[str, Any]:
    """Pagefind's own JS API in one page: the first query loads pagefind.js, its WebAssembly, the entry
    and the index chunks it needs (bytes fetched from /pagefind/); later queries fetch only new chunks."""
    page.goto(url + "404.html")
    started = time.perf_counter()
    page.evaluate("async () => { window.pf = await import('/pagefind/pagefind.js'); await window.pf.options({}); }")
    first = page.evaluate(PAGEFIND_QUERY, [QUERIES[0], LIMIT_MS])
    first_s = time.perf_counter() - started
    first_bytes = page.evaluate(PAGEFIND_BYTES)
    warm, timeouts = [], int(bool(first.get("timeout")))
    for query in QUERIES[1:]:
        run = page.evaluate(PAGEFIND_QUERY, [query, LIMIT_MS])
        warm.append(run["ms"] / 1000)
        timeouts += bool(run.get("timeout"))
    hits = 0
    for paper in sample:
        run = page.evaluate(PAGEFIND_QUERY, [title_query(paper["title"]), LIMIT_MS])
        timeouts += bool(run.get("timeout"))
        hits += any(u.split("#")[0].rstrip("/").endswith(paper["section"]) and u.endswith("#" + paper["id"]) for u in run["subs"][:3])
    total = page.evaluate(PAGEFIND_BYTES)
    return {"first_query_ms": round(first_s * 1000), "median_ms": round(statistics.median(warm) * 1000),
            "before_first_result_bytes": first_bytes, "after_all_queries_bytes": total, "queries": 1 + len(warm) + len(sample),
            "timeouts": timeouts,
            "paper_hit_rate": f"{hits}/{len(sample)}"}


def in_chromium(site: Path, url: str, measure: Any, *args: Any) -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=url, service_workers="block")
            context.set_default_timeout(120_000)
            context.route(lambda u: not u.startswith(url) and u.startswith(("http:", "https:")), lambda route: route.abort())
            return measure(context.new_page(), url, *args)
        finally:
            browser.close()


# --- report ---------------------------------------------------------------------------------------------------------


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def report(results: dict[str, Any]) -> str:
    rows = results["sizes"]
    lines = [f"Reading list at scale: {results['meta']['date']}, {results['meta']['cpus']} CPUs, Python {results['meta']['python']}", ""]
    head = (f"{'size':<6}{'papers':>7}{'build s':>9}{'peak RSS':>10}{'largest page':>30}{'search_index.json':>19}{'gzip':>10}"
            f"{'first query':>13}{'median':>8}{'hits':>7}")
    lines += [head, "-" * len(head)]
    for label, r in rows.items():
        m = r["material"]
        lines.append(f"{label:<6}{r['papers']:>7}{r['build_s']:>9.1f}{r['peak_rss_mb']:>7.0f} MB"
                     f"{r['largest_page'] + ' ' + mb(r['largest_page_bytes']):>30}{mb(r['search_index_bytes']):>19}"
                     f"{mb(r['search_index_gzip_bytes']):>10}{m['first_query_ms']:>10} ms{m['median_ms']:>5} ms{m['paper_hit_rate']:>7}")
    lines += ["", "before the first result a reader downloads (Material: search_index.json + search worker; served uncompressed by "
              "`mkdocs serve`/python, gzip by most hosts):"]
    for label, r in rows.items():
        over = r["material_before_first_result_bytes"] > BUDGET or r["material_before_first_result_gzip_bytes"] > BUDGET
        lines.append(f"  {label:<5} Material {mb(r['material_before_first_result_bytes'])} raw, "
                     f"{mb(r['material_before_first_result_gzip_bytes'])} gzip{'  > 1 MB' if over else ''}")
        if "pagefind" in r:
            p = r["pagefind"]
            lines.append(f"        Pagefind {mb(p['before_first_result_bytes'])} for the first query (its files are compressed already), "
                         f"{mb(p['after_all_queries_bytes'])} after all {p['queries']} queries; "
                         f"bundle {mb(p['bundle_bytes'])} in {p['bundle_files']} files, "
                         f"indexed in {p['index_s']:.1f} s")
    if any("pagefind" in r for r in rows.values()):
        lines += ["", "search latency and where a paper's title lands (first hit at section/#id):"]
        for label, r in rows.items():
            if "pagefind" in r:
                m, p = r["material"], r["pagefind"]
                lines.append(f"  {label:<5} Material first {m['first_query_ms']} ms, median {m['median_ms']} ms, hits {m['paper_hit_rate']}; "
                             f"Pagefind first {p['first_query_ms']} ms, median {p['median_ms']} ms, hits {p['paper_hit_rate']}, "
                             f"{p['timeouts']} of {p['queries']} queries over {LIMIT_MS / 1000:.0f} s")
    lines += ["", f"total {results['meta']['total_s']:.0f} s"]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--entries", default=str(REPO / "entries"))
    parser.add_argument("--scales", default="1,5,20", help="sizes in copies of the list (default 1,5,20)")
    parser.add_argument("--pagefind", choices=("auto", "always", "never"), default="auto",
                        help="index with Pagefind too: when the largest size passes 1 MB (auto), always, or never")
    parser.add_argument("--out", default=str(REPO / "bench" / "out"))
    parser.add_argument("--keep", action="store_true", help="keep the temp dir with the lists and sites")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    source = Path(args.entries).resolve()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    temp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    results: dict[str, Any] = {"meta": {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "python": platform.python_version(),
                                        "cpus": os.cpu_count(), "scales": scales, "budget_bytes": BUDGET}, "sizes": {}}
    try:
        for scale in scales:
            label = f"{scale}x"
            entries = source
            if scale > 1:
                entries = temp / f"entries-{label}"
                entries.mkdir()
                say(f"[{label}] writing the synthetic list")
                make_synthetic(source, entries, scale)
            site = temp / f"site-{label}"
            sample = papers(entries, HIT_SAMPLE)
            with serve(site) as url:
                say(f"[{label}] building")
                row: dict[str, Any] = {"papers": len(json.loads(subprocess.run(
                    [sys.executable, "-m", "generator", "dump", "--entries", str(entries)], cwd=REPO, env=env(),
                    capture_output=True, text=True, check=True).stdout))}
                row.update(build(entries, site, url))
                say(f"[{label}] {row['build_s']} s, {row['peak_rss_mb']} MB; searching in Chromium")
                row["material"] = in_chromium(site, url, material_search, sample)
                results["sizes"][label] = row
                largest = scale == max(scales)
                over = row["material_before_first_result_bytes"] > BUDGET or row["material_before_first_result_gzip_bytes"] > BUDGET
                if args.pagefind == "always" or (args.pagefind == "auto" and largest and over):
                    say(f"[{label}] Pagefind over the same site")
                    row["pagefind"] = pagefind_index(site)
                    row["pagefind"].update(in_chromium(site, url, pagefind_search, sample))
            if not args.keep:
                shutil.rmtree(site, ignore_errors=True)
    finally:
        if args.keep:
            say(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    results["meta"]["total_s"] = time.perf_counter() - started
    (out / "scale.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(report(results))
    print(f"\nwritten: {out / 'scale.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
