#!/usr/bin/env python3
"""How long one update of the explorer takes, in Chromium, at the list's size and at 20 times it.

    .venv/bin/python bench/bench_explorer.py [--scale 20] [--repeat 5] [--out bench/out]

Builds the site of entries/ into a temp dir, adds a copy of the explorer page that reads
synthetic data holding every paper --scale times (each copy with its own id; in files of the
build's size, as explorer.json and its further files are), serves both on 127.0.0.1 and drives
Debian's Chromium (/usr/bin/chromium, or $DLP_CHROMIUM) with Playwright. The scenarios start once
every file of the data is in.

Two scenarios, each repeated --repeat times:

- *typed query*: the search box gets "neural collapse geometry" one character at a time (an
  `input` event per character, as typing does), then is cleared;
- *filter toggles*: each section in turn then all sections, "has code" on and off, three "from"
  years and back, a venue typed and cleared, a key word added from the first paper and removed.

Per update, two figures, both measured inside the page with performance.now():

- `update`: the explorer's own work, from the event to the list in the DOM (filter, render,
  count); what `window.dlpExplorer.lastUpdateMs` reports. The target is under 100 ms.
- `frame`: from the event until the next frame has been produced (requestAnimationFrame, then a
  task): adds style, layout and paint, and up to one frame interval (16.7 ms) of waiting.

Also reported: the time from the start of the script to the first list (`ready`, with the fetch
of explorer.json), the part of it spent preparing the data (`prepare`), the time until every
paper is in (`complete`, with the further files, fetched after the first list), and one "Show
all": how long until every match is in the list (added a chunk per frame), its longest frame,
and the update after it, which has to take all those items out again.

Prints a table and writes the figures to OUT/explorer.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import OUT, chromium, say, write_json  # first: it makes tests/browser's `harness` importable
from harness import CHROMIUM, HOST, add_synthetic_explorer, build_site, serve

QUERY = "neural collapse geometry"
TARGET_MS = 100.0

# Runs in the page: returns {scenario: {"update": [ms...], "frame": [ms...]}}
SCENARIOS_JS = """
async ({query, repeat}) => {
  const root = document.getElementById("dlp-explorer");
  const x = window.dlpExplorer;
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const out = {"typed query": {update: [], frame: []}, "filter toggles": {update: [], frame: []}};
  async function step(name, action) {
    const before = x.updates;
    const t0 = performance.now();
    action();
    if (x.updates !== before + 1) throw new Error(`${name}: ${x.updates - before} updates, not 1`);
    out[name].update.push(x.lastUpdateMs);
    await frame();
    out[name].frame.push(performance.now() - t0);
  }
  const set = (control, value, type) => () => {
    if (control.type === "checkbox") control.checked = value; else control.value = value;
    control.dispatchEvent(new Event(type, {bubbles: true}));
  };
  const search = root.querySelector("input[type=search]");
  const section = root.querySelector("select[id$=section]");
  const from = root.querySelector("select[id$=from]");
  const code = root.querySelector("input[type=checkbox]");
  const venue = root.querySelector("input[id$=venue]");
  for (let r = 0; r < repeat; r++) {
    for (let i = 1; i <= query.length; i++) {
      await step("typed query", set(search, query.slice(0, i), "input"));
    }
    set(search, "", "input")();
    await frame();
    const toggles = "filter toggles";
    for (const option of [...section.options].slice(1)) await step(toggles, set(section, option.value, "change"));
    await step(toggles, set(section, "", "change"));
    await step(toggles, set(code, true, "change"));
    await step(toggles, set(code, false, "change"));
    const years = [...from.options].map((o) => o.value).sort();
    for (const year of [years[Math.floor(years.length / 2)], years[years.length - 2], years[0]]) {
      await step(toggles, set(from, year, "change"));
    }
    await step(toggles, set(venue, "ICLR", "input"));
    await step(toggles, set(venue, "", "input"));
    await step(toggles, () => root.querySelector(".dlp-x-results button[data-kw]").click());
    await step(toggles, () => root.querySelector(".dlp-x-chips button").click());
  }
  return out;
}
"""

SHOW_ALL_JS = """
async () => {
  const root = document.getElementById("dlp-explorer");
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const t0 = performance.now();
  root.querySelector(".dlp-x-more").click();
  const first = performance.now() - t0;
  const frames = [];
  let last = performance.now();
  while (root.querySelector(".dlp-x-results").hasAttribute("aria-busy")) {
    await frame();
    frames.push(performance.now() - last);
    last = performance.now();
  }
  const all = performance.now() - t0;
  const shown = root.querySelectorAll(".dlp-x-paper").length;
  const search = root.querySelector("input[type=search]");
  search.value = "a";
  search.dispatchEvent(new Event("input", {bubbles: true}));
  return {shown, first_chunk_ms: first, all_ms: all, longest_frame_ms: Math.max(0, ...frames),
          next_update_ms: window.dlpExplorer.lastUpdateMs};
}
"""


def summary(samples: list[float]) -> dict[str, Any]:
    return {"n": len(samples), "median_ms": round(statistics.median(samples), 2), "max_ms": round(max(samples), 2),
            "runs_ms": [round(s, 2) for s in samples]}


def measure(browser: Any, url: str, repeat: int) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    errors: list[str] = []

    def block(route: Any) -> None:
        errors.append(f"request to another host: {route.request.url}")
        route.abort()

    context.route(re.compile(rf"^(?!https?://{re.escape(HOST)}[:/])[a-z][a-z0-9+.-]*://"), block)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("() => window.dlpExplorer && window.dlpExplorer.complete", timeout=60_000)
    ready = page.evaluate("({total: dlpExplorer.total, ready: dlpExplorer.readyMs, prepare: dlpExplorer.prepareMs, "
                          "complete: dlpExplorer.completeMs})")
    runs = page.evaluate(SCENARIOS_JS, {"query": QUERY, "repeat": repeat})
    show_all = page.evaluate(SHOW_ALL_JS)
    context.close()
    if errors:
        raise RuntimeError(f"{url}: the page reported errors: {errors}")
    return {
        "papers": ready["total"], "ready_ms": round(ready["ready"], 1), "prepare_ms": round(ready["prepare"], 1),
        "complete_ms": round(ready["complete"], 1),
        "scenarios": {name: {kind: summary(values) for kind, values in figures.items()} for name, figures in runs.items()},
        "show_all": {k: round(v, 1) if isinstance(v, float) else v for k, v in show_all.items()},
    }


def chromium_version() -> str:
    try:
        return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "?"


def report(results: dict[str, dict[str, Any]]) -> str:
    lines = [f"{'data':<6} {'papers':>7} {'scenario':<15} {'updates':>7} {'update median':>14} {'update max':>11} "
             f"{'frame median':>13} {'frame max':>10}"]
    for label, r in results.items():
        for name, figures in r["scenarios"].items():
            u, f = figures["update"], figures["frame"]
            lines.append(f"{label:<6} {r['papers']:>7,} {name:<15} {u['n']:>7} {u['median_ms']:>11.1f} ms {u['max_ms']:>8.1f} ms "
                         f"{f['median_ms']:>10.1f} ms {f['max_ms']:>7.1f} ms")
    lines.append("")
    for label, r in results.items():
        s = r["show_all"]
        lines.append(f"{label}: first list {r['ready_ms']:.0f} ms after the script started ({r['prepare_ms']:.0f} ms of it preparing "
                     f"the data), every paper in after {r['complete_ms']:.0f} ms; Show all: {s['shown']:,} papers in {s['all_ms']:.0f} ms, "
                     f"a chunk per frame (longest frame {s['longest_frame_ms']:.0f} ms), then the next update {s['next_update_ms']:.0f} ms")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=20, help="copies of each paper in the large data (default 20)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each scenario (default 5)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    load_before = [round(x, 2) for x in os.getloadavg()]
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-explorer-") as tmp:
        site = Path(tmp) / "site"
        with serve(site) as base:
            say("building the site ...")
            build_site(site, base)
            large = add_synthetic_explorer(site, args.scale)
            with chromium() as browser:
                for label, path in (("1x", "explorer/"), (f"{args.scale}x", large)):
                    say(f"measuring {label} ...")
                    results[label] = measure(browser, base + path, args.repeat)

    print(report(results))
    print(f"\nload average (1, 5, 15 min) before: {load_before}, after: {[round(x, 2) for x in os.getloadavg()]} on {os.cpu_count()} CPUs")
    slowest = max(r["scenarios"][s]["update"]["median_ms"] for r in results.values() for s in r["scenarios"])
    print(f"\ntarget: update median under {TARGET_MS:.0f} ms at every size: {'met' if slowest < TARGET_MS else 'NOT met'}")
    meta = {
        "date": dt.datetime.now().isoformat(timespec="seconds"), "chromium": chromium_version(),
        "python": platform.python_version(), "cpus": os.cpu_count(), "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()], "query": QUERY, "repeat": args.repeat,
        "scale": args.scale, "target_update_ms": TARGET_MS, "target_met": slowest < TARGET_MS,
    }
    out = write_json(args.out / "explorer.json", {"meta": meta, "results": results}, indent=1)
    say(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
