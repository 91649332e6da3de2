#!/usr/bin/env python3
"""Build-time, reload and size benchmarks of the reading-list plugin against two plain MkDocs floors.

    python bench/bench_build.py [--entries entries] [--scale 20] [--repeat 3] [--repeat-large N] [--out bench/out]

Measures, on this machine and in one run, and reports against the goals of issue 11 (PASS/MISS):

1. full builds of the list, runs interleaved, median of --repeat each:
   - floor (a), *section pages*: plain Material (no plugin) on one plain Markdown page per section
     written from the list (headings, authors, links, key words, digests), plus an index page;
   - floor (b), *same pages*: the plugin's own generated files as static input to plain Material;
   - the plugin (`python -m generator build`) with an empty cache (cold, as from a fresh checkout)
     and with the cache its previous build left (warm, the list unchanged);
   with the wall time, CPU time and peak memory (max RSS) of each build process;
2. the same at --scale times the size, on a synthetic list made from the real one, with the
   largest HTML page, the pages over 1 MB and the bytes the explorer fetches before its first result;
3. the reload time of `mkdocs serve` after one entry file changes (real list), against plain
   MkDocs reloading the floor's static pages, median of 5 each.

Prints a table and writes the same figures to OUT/results.json. See bench/README.md.
Only the standard library and the project's venv are used. Nothing outside temp dirs and OUT is written.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from common import (  # first: it makes `generator` importable from a checkout
    OUT,
    PLUGIN,
    PYCACHE,
    REPO,
    derived_config,
    env,
    free_port,
    make_synthetic,
    measured_run,
    read_config,
    read_config_file,
    repo_docs_dir,
    say,
    stop,
    temp_dir,
    write_config,
    write_results,
)

from generator.list.catalog import Catalog, newest_first
from generator.list.emit import format_entry
from generator.list.load import load_bytes
from generator.list.source import SECTIONS_FILE, load_catalog, read_info, read_list
from generator.model import Entry
from generator.site.render import md_text, page_name

# The goals of issue 11
GOAL_SECTIONS_FLOOR = 1.30  # a build at most 1.3 times floor (a), at both sizes
GOAL_PAGES_FLOOR = 1.00  # at the list's size no slower than floor (b); at --scale, 1.3 times it too
GOAL_RELOAD_FLOOR = 1.00  # a reload no slower than plain MkDocs reloading the floor's static pages
GOAL_RELOAD_S = 1.0  # and under 1 s (median of the 5 edits)
GOAL_PAGE_BYTES = 1_000_000  # at --scale no HTML page over 1 MB
GOAL_EXPLORER_BYTES = 1_000_000  # at --scale the explorer's data under 1 MB before its first result
GOAL_MEMORY_FLOOR = 2.00  # at --scale peak memory at most twice floor (a)'s
# What the explorer page fetches before it shows its first result, relative to the site root: change
# this when the explorer loads its data differently (chunks, an index first, ...).
EXPLORER_FIRST_RESULT: tuple[str, ...] = ("explorer.json",)

RELOAD_EDITS = 5
LARGE_BUDGET = 300.0  # seconds for the timed builds at the large size, unless --repeat-large is given
POLL = 0.02  # seconds between GETs while waiting for a reload
BUILT_IN = re.compile(r"Documentation built in ([0-9.]+) seconds")
SERVING_ON = re.compile(r"Serving on (http://\S+)")

# The builds of one round, in the order they run: each plugin build next to a floor build, and the
# warm build right after the cold one whose cache it reads (floor (b) in between touches no cache).
KINDS = ("floor_sections", "plugin_cold", "floor_pages", "plugin_warm")
LABELS = {
    "floor_sections": "floor (a) section pages",
    "floor_pages": "floor (b) same pages",
    "plugin_cold": "plugin, cold cache",
    "plugin_warm": "plugin, warm cache",
}
FLOORS = ("floor_sections", "floor_pages")
PLUGINS = ("plugin_cold", "plugin_warm")


def section_html(site: Path, slug: str, directory_urls: bool) -> Path:
    return site / slug / "index.html" if directory_urls else site / f"{slug}.html"


def loadavg() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


# --- builds -----------------------------------------------------------------------------------------------


def try_run(cmd: Sequence[str], cwd: Path = REPO) -> tuple[float, str, int]:
    """Run a command; (wall seconds, stdout+stderr, exit code)."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    return seconds, proc.stdout + proc.stderr, proc.returncode  # stderr last: MkDocs' log, check's summary


def run(cmd: Sequence[str], cwd: Path = REPO) -> tuple[float, str]:
    """Run a command; (wall seconds, stdout+stderr). Exit on failure with its output."""
    seconds, output, code = try_run(cmd, cwd)
    if code != 0:
        say(output[-4000:])
        raise SystemExit(f"failed (exit {code}): {' '.join(map(str, cmd))}")
    return seconds, output


def run_build(cmd: Sequence[str]) -> dict[str, Any]:
    """One build subprocess: wall seconds, CPU seconds (user+sys, and sys alone: mostly the file system's
    work) and peak memory (ru_maxrss, MiB) of that process and the children it waited for (the pagefind
    binary). Exit on failure."""
    seconds, usage, output = measured_run(list(cmd), cwd=REPO, env=env())
    return {"wall": seconds, "cpu": usage.ru_utime + usage.ru_stime, "sys": usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "built_in": built_in(output)}


def built_in(output: str) -> float | None:
    found = BUILT_IN.findall(output)
    return float(found[-1]) if found else None


def floor_nav(docs: Path, info: Any, pages: list[str]) -> list[Any]:
    """A nav for when the plugin leaves MkDocs' own: home, sections in order, any other generated
    page, then the hand-written pages. Every page is in it, so strict MkDocs has nothing to warn about."""
    nav: list[Any] = [{"Home": "index.md"}]
    nav += [{s.title: page_name(s.slug)} for s in info.sections]
    generated = {page_name(s.slug) for s in info.sections} | {"index.md"}
    nav += [name for name in pages if name.endswith(".md") and name not in generated]
    generated |= set(pages)
    for folder, dirs, names in os.walk(docs):
        dirs.sort()
        for name in sorted(names):
            rel = os.path.relpath(os.path.join(folder, name), docs).replace(os.sep, "/")
            if name.endswith(".md") and rel not in generated:
                nav.append(rel)
    return nav


# Runs the plugin's on_config and on_files in a fresh interpreter and writes every file it hands
# MkDocs. The Markdown pages are skeletons whose HTML the plugin keeps in `plugin.slots` (issue 11):
# they are written with the HTML inline (`slots.inline`), as `python -m generator pages` writes them.
_CAPTURE = """
import json, os, sys, time
t0 = time.perf_counter()
from mkdocs.config import load_config
from mkdocs.structure.files import Files
import generator.site.plugin
t1 = time.perf_counter()
entries, config_file, plugin_name, out, site_dir = sys.argv[1:6]
config = load_config(config_file, site_dir=site_dir)
plugin = config.plugins[plugin_name]
plugin.config.entries = entries
t2 = time.perf_counter()
config = config.plugins.on_config(config)
t3 = time.perf_counter()
files = config.plugins.on_files(Files([]), config=config)
t4 = time.perf_counter()
slots = getattr(plugin, "slots", None)  # older plugins put the HTML into the Markdown themselves
for f in files:
    path = os.path.join(out, f.src_uri)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = f.content_bytes
    if slots is not None and f.src_uri.endswith(".md"):
        data = slots.inline(f.content_string).encode("utf-8")
    with open(path, "wb") as handle:
        handle.write(data)
stages = {"import_s": t1 - t0, "load_config_s": t2 - t1, "on_config_s": t3 - t2, "on_files_s": t4 - t3}
print("CAPTURE " + json.dumps({"nav": config.nav, "files": [f.src_uri for f in files], "stages": stages}))
"""


def plugin_output(entries: Path, out: Path, scratch: Path) -> tuple[list[Any] | None, list[str], dict[str, float]]:
    """Write every file the plugin hands MkDocs (pages and data files) for the list `entries` into
    `out`; return the nav it sets and the time of its hooks. A fresh interpreter loads the config
    as `generator build` does and runs only the hooks that produce them (on_config, on_files), with
    an empty plugin cache: the timings are the plugin's own work; the rest of a build is MkDocs'."""
    scratch.mkdir(parents=True, exist_ok=True)  # site_dir and cache: nothing is written beside the repo
    config = scratch / "mkdocs.capture.yml"
    write_config(config, derived_config(repo_docs_dir(), str(entries), None, cache_dir=scratch / "cache"))
    _, output = run([sys.executable, "-c", _CAPTURE, str(entries), str(config), PLUGIN, str(out), str(scratch / "site")])
    line = next(line for line in output.splitlines() if line.startswith("CAPTURE "))
    data = json.loads(line[len("CAPTURE "):])
    return data["nav"], data["files"], {k: round(v, 3) for k, v in data["stages"].items()}


def prepare_pages_floor(entries: Path, work: Path) -> tuple[Path, dict[str, Any]]:
    """Floor (b): the plugin's pages as static Markdown beside the repo's docs (as `python -m generator
    pages` writes them for other engines: Markdown headings, the papers' HTML inline), and a plugin-less
    config whose explicit nav is the plugin's. MkDocs then converts what the plugin hands it as HTML."""
    docs = work / "docs"
    shutil.copytree(repo_docs_dir(), docs)
    captured = work / "captured"
    nav, names, stages = plugin_output(entries, captured, work / "scratch")  # the nav, and the plugin's own timings
    written = work / "cli-pages"
    seconds, _ = run([sys.executable, "-m", "generator", "pages", "--entries", str(entries), "--out", str(written)])
    shutil.copytree(written, docs, dirs_exist_ok=True)
    for name in names:  # what the plugin adds beside the generated pages (the contributing page)
        if not (written / name).exists():
            (docs / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(captured / name, docs / name)
    pages = sorted(name for name in names if name.endswith(".md"))
    if nav is None:
        info, problems = read_info(str(entries))
        if info is None:
            raise SystemExit("\n".join(map(str, problems)))
        nav = floor_nav(docs, info, pages)
    config_path = work / "mkdocs.floor.yml"
    write_config(config_path, derived_config(docs, None, nav))
    return config_path, {
        "stages": stages,
        "pages": len(pages),
        "other_files": len(names) - len(pages),
        "markdown_bytes": sum((docs / name).stat().st_size for name in pages),
        "generator_pages_s": seconds,
    }


def paper_markdown(entry: Entry) -> str:
    """One paper on a plain section page: heading with its id, authors · venue, links, key words, digest."""
    byline = " · ".join(part for part in (", ".join(entry.authors), entry.venue or "") if part)
    parts = [f"### {md_text(entry.title)} {{#{entry.id}}}"]
    if byline:
        parts.append(md_text(byline))
    if entry.links:
        parts.append(" · ".join(f"[{md_text(label)}](<{url}>)" for label, url in entry.links))
    if entry.keywords:
        parts.append(md_text(", ".join(entry.keywords)))
    if entry.digest:
        parts.append(entry.digest.strip())
    return "\n\n".join(parts) + "\n"


def section_pages(catalog: Catalog) -> dict[str, str]:
    """Floor (a)'s docs: an index page and one plain Markdown page per section, years newest first."""
    pages = {}
    index = [f"# {md_text(catalog.info.title)}", ""]
    for section in catalog.sections:
        years = catalog.by_year(section.slug)
        index.append(f"- [{md_text(section.title)}]({page_name(section.slug)}): {sum(len(p) for _, p in years)} papers")
        text = [f"# {md_text(section.title)}\n", section.description.strip() + "\n" if section.description else ""]
        for year, papers in years:
            text.append(f"## {year}\n")
            text += [paper_markdown(entry) for entry in papers]
        pages[page_name(section.slug)] = "\n".join(t for t in text if t)
    pages["index.md"] = "\n".join(index) + "\n"
    return pages


def prepare_sections_floor(entries: Path, work: Path) -> tuple[Path, dict[str, Any]]:
    """Floor (a): plain Material on the papers as section pages, beside a copy of the repo's docs
    (the stylesheets and scripts mkdocs.yml names); the repo's config without the plugin, its nav
    the index and the sections."""
    catalog, _ = load_catalog(str(entries))
    docs = work / "docs"
    shutil.copytree(repo_docs_dir(), docs)
    pages = section_pages(catalog)
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    nav: list[Any] = [{"Home": "index.md"}, *({s.title: page_name(s.slug)} for s in catalog.sections)]
    config_path = work / "mkdocs.floor-sections.yml"
    write_config(config_path, derived_config(docs, None, nav))
    return config_path, {"pages": len(pages), "markdown_bytes": sum(len(t.encode("utf-8")) for t in pages.values())}


_EMPTY_ATTRIBUTE = re.compile(r'(\s[\w:-]+)=""')
_SINGLE_QUOTED = re.compile(r"(\s[\w:-]+)='([^']*)'")
_BLANK_LINES = re.compile(r"\n\s*\n")
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.DOTALL)
SAME_CONTENT = "same content, not the same page"
VERDICTS = ("differs", SAME_CONTENT, "same after normalizing", "identical")  # worst first


def compare_html(floor: Path, plugin: Path) -> str:
    """'identical'; 'same after normalizing' when only the serialization differs (character
    references against characters, `attr` against `attr=""`, `attr='v'` against `attr="v"`, as an HTML
    re-serializer such as the plugin's sanitizer changes them; runs of blank lines: Material's templates leave a few more
    after the content of the plugin's pages); SAME_CONTENT when that holds for the page's article
    but not for the rest (the table of contents: MkDocs' toc extension does not see headings in raw
    HTML, which the plugin adds to the page's toc itself); else 'differs'."""
    a, b = floor.read_text(encoding="utf-8"), plugin.read_text(encoding="utf-8")
    if a == b:
        return "identical"

    def normal(text: str) -> str:
        quoted = _SINGLE_QUOTED.sub(lambda m: f'{m.group(1)}="{m.group(2).replace(chr(34), "&quot;")}"', text)
        return _BLANK_LINES.sub("\n", html.unescape(_EMPTY_ATTRIBUTE.sub(r"\1", quoted)))

    if normal(a) == normal(b):
        return "same after normalizing"
    articles = [_ARTICLE.search(text) for text in (a, b)]
    if articles[0] and articles[1] and normal(articles[0].group(1)) == normal(articles[1].group(1)):
        return SAME_CONTENT
    return "differs"


def html_pages(site: Path) -> dict[str, int]:
    """Every HTML page of a site (path relative to the site) and its bytes."""
    return {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html") if p.is_file()}


def site_stats(site: Path, slugs: list[str], directory_urls: bool) -> dict[str, Any]:
    index = site / "search" / "search_index.json"
    pages = html_pages(site)
    largest = max(pages, key=lambda name: pages[name]) if pages else None
    over = sorted((name for name, size in pages.items() if size > GOAL_PAGE_BYTES), key=lambda name: -pages[name])
    explorer = {name: (site / name).read_bytes() for name in EXPLORER_FIRST_RESULT if (site / name).is_file()}
    return {
        "section_html_bytes": sum(section_html(site, s, directory_urls).stat().st_size for s in slugs),
        "search_index_bytes": index.stat().st_size if index.exists() else 0,
        "html_pages": len(pages),
        "largest_html_page": largest,
        "largest_html_bytes": pages[largest] if largest else 0,
        "html_pages_over_1mb": len(over),
        "html_pages_over_1mb_list": {name: pages[name] for name in over[:20]},
        "explorer_files": sorted(explorer),
        "explorer_bytes": sum(len(data) for data in explorer.values()) if explorer else None,
        "explorer_gzip_bytes": sum(len(gzip.compress(data, compresslevel=6)) for data in explorer.values()) if explorer else None,
    }


def same_output(a: Path, b: Path) -> list[str]:
    """The HTML pages and explorer files that differ between two sites (or that one lacks)."""
    names = set(html_pages(a)) | set(html_pages(b)) | set(EXPLORER_FIRST_RESULT)
    return sorted(n for n in names if (a / n).is_file() != (b / n).is_file() or ((a / n).is_file() and (a / n).read_bytes() != (b / n).read_bytes()))


def bench_builds(label: str, entries: Path, work: Path, repeat: int, warmup: bool, budget: float | None = None) -> dict[str, Any]:
    """Rounds of interleaved builds (KINDS). With a budget (seconds), stop early, after at least one
    round, when the next round would not fit: the large size must not make the run take forever."""
    work.mkdir(parents=True)
    say(f"  [{label}] writing floor (b), the plugin's own pages")
    pages_config, pages_info = prepare_pages_floor(entries, work / "floor")
    say(f"  [{label}] writing floor (a), the papers as plain section pages")
    sections_config, sections_info = prepare_sections_floor(entries, work / "floor-sections")
    info, _ = read_info(str(entries))
    assert info is not None
    slugs = [s.slug for s in info.sections]
    directory_urls = read_config().get("use_directory_urls", True) is not False
    sites = {kind: work / f"site-{kind.replace('_', '-')}" for kind in KINDS}
    # the repo's config with absolute paths and the plugin's disk cache in the temp dir
    plugin_config, plugin_cache = work / "mkdocs.plugin.yml", work / "plugin-cache"
    write_config(plugin_config, derived_config(repo_docs_dir(), str(entries), None, cache_dir=plugin_cache))

    def command(kind: str) -> list[str]:
        if kind in FLOORS:
            config = sections_config if kind == "floor_sections" else pages_config
            return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(sites[kind])]
        return [sys.executable, "-m", "generator", "build", "--entries", str(entries), "--site-dir", str(sites[kind]),
                "--config-file", str(plugin_config)]

    load_before = loadavg()
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    started = time.perf_counter()
    for i in range(-1 if warmup else 0, repeat):
        spent = time.perf_counter() - started
        if budget is not None and i > 0 and spent / i * (i + 1) > budget:
            say(f"  [{label}] stopping after {i} round(s): another would pass the {budget:.0f} s budget (--repeat-large N forces N)")
            break
        for kind in KINDS:
            shutil.rmtree(sites[kind], ignore_errors=True)
            if kind == "plugin_cold":
                shutil.rmtree(plugin_cache, ignore_errors=True)  # as from a fresh checkout; plugin_warm then reads what this build kept
            measured = run_build(command(kind))
            tag = "warm-up" if i < 0 else f"run {i + 1}/{repeat}"
            inside = measured["built_in"]
            say(f"  [{label}] {tag} {LABELS[kind]:<24}: {measured['wall']:6.2f} s wall, {measured['cpu']:6.2f} s CPU "
                f"({measured['sys']:.2f} sys), "
                f"{measured['rss_mb']:6.0f} MiB peak" + (f", MkDocs says built in {inside:.2f} s" if inside is not None else ""))
            if i >= 0:
                runs[kind].append(measured)
    result: dict[str, Any] = {
        "loadavg_before_after": [load_before, loadavg()],
        "entries": None,
        "pages": pages_info["pages"],
        "other_generated_files": pages_info["other_files"],
        "repeat": len(runs["plugin_warm"]),
        "floor_pages_markdown_bytes": pages_info["markdown_bytes"],
        "floor_sections_pages": sections_info["pages"],
        "floor_sections_markdown_bytes": sections_info["markdown_bytes"],
        "kinds": {},
    }
    for kind in KINDS:
        inside_values = [r["built_in"] for r in runs[kind] if r["built_in"] is not None]
        result["kinds"][kind] = {
            "median_s": statistics.median(r["wall"] for r in runs[kind]),
            "runs_s": [round(r["wall"], 3) for r in runs[kind]],
            "cpu_median_s": statistics.median(r["cpu"] for r in runs[kind]),
            "cpu_runs_s": [round(r["cpu"], 3) for r in runs[kind]],
            "sys_median_s": statistics.median(r["sys"] for r in runs[kind]),
            "sys_runs_s": [round(r["sys"], 3) for r in runs[kind]],
            "peak_rss_mb": round(max(r["rss_mb"] for r in runs[kind]), 1),
            "rss_runs_mb": [round(r["rss_mb"], 1) for r in runs[kind]],
            "mkdocs_built_in_median_s": statistics.median(inside_values) if inside_values else None,
            **site_stats(sites[kind], slugs, directory_urls),
        }
    kinds = result["kinds"]
    result["ratios"] = {
        f"{plugin}/{floor}": {
            "wall": kinds[plugin]["median_s"] / kinds[floor]["median_s"],
            "cpu": kinds[plugin]["cpu_median_s"] / kinds[floor]["cpu_median_s"],
            "peak_rss": kinds[plugin]["peak_rss_mb"] / kinds[floor]["peak_rss_mb"],
        }
        for plugin in PLUGINS for floor in FLOORS
    }
    verdicts = [compare_html(section_html(sites["floor_pages"], s, directory_urls), section_html(sites["plugin_cold"], s, directory_urls))
                for s in slugs]
    result["section_html_vs_floor_pages"] = next(v for v in VERDICTS if v in verdicts or v == "identical")
    result["warm_differs_from_cold"] = same_output(sites["plugin_cold"], sites["plugin_warm"])
    result["generator_pages_s"] = pages_info["generator_pages_s"]
    result["plugin_stages"] = pages_info["stages"]
    return result


# --- mkdocs serve ---------------------------------------------------------------------------------------


def fetch(url: str, timeout: float = 60) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, test: Any, limit: float) -> float:
    """Seconds until GET url returns a page for which test(text) is true."""
    started = time.perf_counter()
    while True:
        text = fetch(url)
        if text is not None and test(text):
            return time.perf_counter() - started
        if proc.poll() is not None:
            say(log.read_text(errors="replace")[-4000:])
            raise SystemExit(f"mkdocs serve exited with {proc.returncode}")
        if time.perf_counter() - started > limit:
            say(log.read_text(errors="replace")[-4000:])
            raise SystemExit(f"gave up after {limit:.0f} s waiting for {url}")
        time.sleep(POLL)


LIVERELOAD = re.compile(r"livereload\((\d+), (\d+)\);")  # the script MkDocs puts into each page it serves


def browser_reload(base: str, page: str, proc: subprocess.Popen[bytes], log: Path, test: Any, limit: float) -> float:
    """Seconds until the page, loaded as a reader's browser does under `mkdocs serve`, passes test(text):
    its livereload script long-polls /livereload/<epoch>/<id> and loads the page again once a newer
    build is visible. Unlike GETs every 20 ms, this leaves the server's process alone while it rebuilds."""
    started = time.perf_counter()
    text = fetch(page)
    while text is None or not test(text):
        found = LIVERELOAD.search(text or "")
        if found is None:
            return wait_for(page, proc, log, test, limit - (time.perf_counter() - started))  # a page without the script
        origin = "{0.scheme}://{0.netloc}/".format(urlsplit(base))  # the script asks the server's root, whatever the mount point
        fetch(f"{origin}livereload/{found.group(1)}/{found.group(2)}", timeout=max(1.0, limit))
        if proc.poll() is not None or time.perf_counter() - started > limit:
            say(log.read_text(errors="replace")[-4000:])
            raise SystemExit(f"gave up after {limit:.0f} s waiting for {page} (server exit code {proc.poll()})")
        text = fetch(page)
    return time.perf_counter() - started


def served_at(proc: subprocess.Popen[bytes], log: Path, limit: float) -> str:
    """The address `mkdocs serve` logs once its first build is done ("Serving on http://.../")."""
    started = time.perf_counter()
    while True:
        found = SERVING_ON.search(log.read_text(errors="replace"))
        if found:
            return found.group(1).rstrip("/") + "/"
        if proc.poll() is not None or time.perf_counter() - started > limit:
            say(log.read_text(errors="replace")[-4000:])
            raise SystemExit(f"mkdocs serve did not start (exit code {proc.poll()})")
        time.sleep(POLL)


def serve_reload(label: str, config_path: Path, page: str, target: Path, edit: Any, ready: str, log: Path) -> dict[str, Any]:
    """Start `mkdocs serve`, then RELOAD_EDITS times: write edit(marker) to `target` and time until GET
    of the page shows the marker; put the file back and wait until the page no longer shows it."""
    original = target.read_bytes()
    port = free_port()
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-f", str(config_path), "--dev-addr", f"127.0.0.1:{port}"]
    latencies: list[float] = []
    restores: list[float] = []
    load_before = loadavg()
    started = time.perf_counter()
    with open(log, "wb") as log_handle:
        proc = subprocess.Popen(cmd, cwd=config_path.parent, env=env(), stdout=log_handle, stderr=subprocess.STDOUT)
    try:
        base = served_at(proc, log, 180)
        url = base + f"{page}/"  # the server's own address: site_url's path is its mount point
        wait_for(url, proc, log, lambda text: ready in text, 180)
        startup = time.perf_counter() - started
        say(f"  [{label}] first page served {startup:.2f} s after start; editing {target.name}")
        time.sleep(1.0)  # let the watcher take its first snapshot
        for i in range(1, RELOAD_EDITS + 1):
            marker = f"BenchReload{i:02d}p{os.getpid()}"
            time.sleep(random.uniform(0, 0.5))  # a random phase against the watcher's 0.5 s polling
            target.write_text(edit(marker), encoding="utf-8")
            latency = browser_reload(base, url, proc, log, lambda text, m=marker: m in text, 120)
            target.write_bytes(original)
            restore = browser_reload(base, url, proc, log, lambda text, m=marker: m not in text, 120)
            time.sleep(0.3)
            latencies.append(latency)
            restores.append(restore)
            say(f"  [{label}] edit {i}/{RELOAD_EDITS}: page updated after {latency:.3f} s (after the restore: {restore:.3f} s)")
    finally:
        target.write_bytes(original)
        stop(proc)
    return {
        "url_path": urlsplit(url).path,
        "startup_s": startup,
        "reload_runs_s": [round(v, 3) for v in latencies],
        "reload_median_s": statistics.median(latencies),
        "reload_max_s": max(latencies),
        "restore_runs_s": [round(v, 3) for v in restores],
        "server_exit_code": proc.returncode,
        "loadavg_before_after": [load_before, loadavg()],
    }


def bench_reload(entries: Path, work: Path, out: Path) -> dict[str, Any]:
    """The plugin under `mkdocs serve` on a temp copy of the list: edit one entry's title."""
    work.mkdir(parents=True)
    copy = work / "entries"
    shutil.copytree(entries, copy)
    config_path = work / "mkdocs.serve.yml"
    write_config(config_path, derived_config(repo_docs_dir(), str(copy), None, cache_dir=work / "cache"))
    info, entry_list, _ = read_list(str(copy))
    assert info is not None
    section = info.sections[0]
    # the newest paper of the first section: the top of the page a contributor would be looking at
    target = sorted((e for e in entry_list if e.section == section.slug), key=newest_first)[0]
    path = Path(os.path.abspath(target.path))
    loaded, _ = load_bytes(str(path), path.read_bytes())
    assert loaded is not None

    def edit(marker: str) -> str:
        return format_entry({**loaded.data, "title": f"{loaded.data['title']} {marker}"}, str(path))

    result = serve_reload("serve", config_path, section.slug, path, edit, target.id, out / "serve.log")
    return {"entries": len(entry_list), "edited": os.path.relpath(path, copy), "section": section.slug, "entry_id": target.id, **result}


def bench_floor_reload(floor: Path, work: Path, out: Path, slug: str, entry_id: str) -> dict[str, Any]:
    """Reference: plain MkDocs serving the floor's static pages, editing the same heading in the .md page."""
    work.mkdir(parents=True)
    docs = work / "docs"
    shutil.copytree(floor / "docs", docs)
    config = read_config_file(floor / "mkdocs.floor.yml")
    config["docs_dir"] = str(docs)
    config_path = work / "mkdocs.floor-serve.yml"
    write_config(config_path, config)
    page = docs / page_name(slug)
    text = page.read_text(encoding="utf-8")
    # the paper's heading: Markdown (`### Title { #id }`) or, in a page whose HTML the plugin writes
    # itself, an HTML heading (`<h3 id="id">Title<a class="headerlink" ...`)
    markdown = re.search(rf" \{{ ?#{re.escape(entry_id)} ?\}}", text)
    tag = re.search(rf'<h[1-6] id="{re.escape(entry_id)}">', text)
    if markdown is not None:
        at, before, after = markdown.start(), " ", ""
    elif tag is not None:
        at, before, after = tag.end(), "", " "
    else:
        raise SystemExit(f"{page}: no heading with the anchor {entry_id}")

    def edit(marker: str) -> str:
        return f"{text[:at]}{before}{marker}{after}{text[at:]}"

    return serve_reload("serve floor", config_path, slug, page, edit, entry_id, out / "serve-floor.log")


# --- goals and report ------------------------------------------------------------------------------------


def mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


def goal_row(measure: str, project: str, floor: str, ratio: float | None, goal: str, ok: bool, **figures: Any) -> dict[str, Any]:
    return {"measure": measure, "project": project, "floor": floor, "ratio": None if ratio is None else round(ratio, 3),
            "goal": goal, "verdict": "PASS" if ok else "MISS", **figures}


def build_goals(size: str, row: dict[str, Any], pages_goal: float) -> list[dict[str, Any]]:
    kinds, out = row["kinds"], []
    for plugin in PLUGINS:
        for floor, goal in (("floor_sections", GOAL_SECTIONS_FLOOR), ("floor_pages", pages_goal)):
            p, f = kinds[plugin], kinds[floor]
            ratio = p["median_s"] / f["median_s"]
            out.append(goal_row(
                f"build {size}, {plugin.split('_')[1]} vs {'(a)' if floor == 'floor_sections' else '(b)'}",
                f"{p['median_s']:.2f} s", f"{f['median_s']:.2f} s", ratio,
                f"<= {goal:.2f} x floor ({'a' if floor == 'floor_sections' else 'b'})", ratio <= goal,
                size=size, plugin=plugin, against=floor, cpu_ratio=round(p["cpu_median_s"] / f["cpu_median_s"], 3),
            ))
    return out


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of issue 11's goal, in its order."""
    rows: list[dict[str, Any]] = []
    builds = results["builds"]
    if "real" in builds:
        rows += build_goals("1x", builds["real"], GOAL_PAGES_FLOOR)
    reload, floor_reload = results.get("reload"), results.get("reload_floor")
    if reload:
        if floor_reload:
            ratio = reload["reload_median_s"] / floor_reload["reload_median_s"]
            rows.append(goal_row("reload (serve), median of 5", f"{reload['reload_median_s']:.3f} s", f"{floor_reload['reload_median_s']:.3f} s",
                                 ratio, f"<= {GOAL_RELOAD_FLOOR:.2f} x plain MkDocs", ratio <= GOAL_RELOAD_FLOOR))
        rows.append(goal_row("reload (serve), median of 5", f"{reload['reload_median_s']:.3f} s", "-", None,
                             f"< {GOAL_RELOAD_S:.0f} s (load {reload['loadavg_before_after'][0][0]:.2f})",
                             reload["reload_median_s"] < GOAL_RELOAD_S))
    large = next((label for label in builds if label != "real"), None)
    if large:
        row = builds[large]
        rows += build_goals(large, row, GOAL_SECTIONS_FLOOR)
        p = row["kinds"]["plugin_cold"]
        rows.append(goal_row(f"largest HTML page {large} ({p['largest_html_page']})", mb(p["largest_html_bytes"]), "-", None,
                             f"<= {mb(GOAL_PAGE_BYTES)}", p["largest_html_bytes"] <= GOAL_PAGE_BYTES))
        rows.append(goal_row(f"HTML pages over 1 MB {large}", f"{p['html_pages_over_1mb']} of {p['html_pages']}", "-", None,
                             "0", p["html_pages_over_1mb"] == 0))
        files = "+".join(EXPLORER_FIRST_RESULT)
        for key, how in (("explorer_bytes", "raw"), ("explorer_gzip_bytes", "gzip")):
            value = p[key]
            rows.append(goal_row(f"explorer data {large} ({files}), {how}", "missing" if value is None else mb(value), "-", None,
                                 f"< {mb(GOAL_EXPLORER_BYTES)}", value is not None and value < GOAL_EXPLORER_BYTES))
        f = row["kinds"]["floor_sections"]
        for plugin in PLUGINS:
            q = row["kinds"][plugin]
            ratio = q["peak_rss_mb"] / f["peak_rss_mb"]
            rows.append(goal_row(f"peak memory {large}, {plugin.split('_')[1]}", f"{q['peak_rss_mb']:.0f} MiB", f"{f['peak_rss_mb']:.0f} MiB",
                                 ratio, f"<= {GOAL_MEMORY_FLOOR:.2f} x floor (a)", ratio <= GOAL_MEMORY_FLOOR))
    return rows


def table(head: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [line(head), "-" * len(line(head)), *map(line, rows)]


def report(results: dict[str, Any]) -> str:
    meta = results["meta"]
    lines = [
        f"Reading-list build benchmark — {meta['date']}, {meta['cpus']} CPUs, Python {meta['python']}, "
        f"MkDocs {meta['mkdocs']}, Material {meta['material']}",
        f"list: {meta['entries_dir']}; 1-min load average at start {meta['loadavg_start'][0]:.2f}, at end {meta['loadavg_end'][0]:.2f}"
        " (2 cores: above ~2 means other work competed)",
        "",
        "Goals (issue 11)",
    ]
    rows = [[g["measure"], g["project"], g["floor"], "-" if g["ratio"] is None else f"{g['ratio']:.2f}", g["goal"], g["verdict"]]
            for g in results["goals"]]
    lines += table(["measure", "the project", "floor", "ratio", "goal", ""], rows, {1, 2, 3})
    lines += ["  builds: median wall clock of the whole subprocess; (a) plain Material on plain section pages, (b) plain Material",
              "  on the plugin's own pages as static Markdown; both floors keep the repo's `search` plugin (on), as the plugin build does.",
              "  cold: empty cache_dir (fresh checkout); warm: the cache of the cold build just before, list unchanged.",
              "  peak memory: max RSS of the build process (or a child it waited for), the largest of the runs."]
    for label, row in results["builds"].items():
        lines += ["", f"Builds, {label}: {row['entries']} entries, {row['pages']} generated pages + {row['other_generated_files']} data files; "
                      f"{row['repeat']} round(s); 1-min load average before/after {row['loadavg_before_after'][0][0]:.2f}/"
                      f"{row['loadavg_before_after'][1][0]:.2f}"]
        body = []
        for kind in KINDS:
            k = row["kinds"][kind]
            inside = "-" if k["mkdocs_built_in_median_s"] is None else f"{k['mkdocs_built_in_median_s']:.2f}"
            vs = [row["ratios"][f"{kind}/{floor}"]["wall"] for floor in FLOORS] if kind in PLUGINS else []
            body.append([LABELS[kind], f"{k['median_s']:.2f}", inside, f"{k['cpu_median_s']:.2f}", f"{k['sys_median_s']:.2f}",
                         f"{k['peak_rss_mb']:.0f}",
                         " / ".join(f"{v:.2f}" for v in vs) or "-", f"{k['largest_html_bytes'] / 1e6:.2f} ({k['largest_html_page']})",
                         str(k["html_pages_over_1mb"]),
                         "-" if k["explorer_bytes"] is None else f"{k['explorer_bytes']:,} / {k['explorer_gzip_bytes']:,}",
                         " ".join(f"{v:.1f}" for v in k["runs_s"])])
        lines += table(["build", "wall s", "built in", "CPU s", "sys s", "MiB", "vs (a) / (b)", "largest HTML MB", ">1MB",
                        "explorer raw / gzip", "wall runs"], body, {1, 2, 3, 4, 5, 6, 8, 9})
        st = row["plugin_stages"]
        lines.append(f"  CPU ratios (cold, warm) vs (a): {row['ratios']['plugin_cold/floor_sections']['cpu']:.2f}, "
                     f"{row['ratios']['plugin_warm/floor_sections']['cpu']:.2f}; vs (b): {row['ratios']['plugin_cold/floor_pages']['cpu']:.2f}, "
                     f"{row['ratios']['plugin_warm/floor_pages']['cpu']:.2f} (CPU time hardly moves with other load; its sys part,"
                     " the file system's work, moves with the disk: on a VM it can grow run after run)")
        lines.append(f"  the plugin's hooks alone, fresh interpreter, empty cache: on_config {st['on_config_s']:.2f} s, "
                     f"on_files {st['on_files_s']:.2f} s; imports {st['import_s']:.2f} s")
        lines.append(f"  Markdown MkDocs converts: floor (a) {row['floor_sections_markdown_bytes'] / 1e6:.1f} MB "
                     f"in {row['floor_sections_pages']} pages, "
                     f"floor (b) {row['floor_pages_markdown_bytes'] / 1e6:.1f} MB (the plugin's pages with their HTML inline)")
        verdict, differ = row["section_html_vs_floor_pages"], row["warm_differs_from_cold"]
        lines.append(f"  section HTML, plugin vs floor (b): {verdict.upper() if verdict == 'differs' else verdict}; "
                     + ("warm build's HTML and explorer data identical to the cold build's" if not differ
                        else f"WARM DIFFERS FROM COLD in {len(differ)} file(s): " + ", ".join(differ[:6])))
        over = row["kinds"]["plugin_cold"]["html_pages_over_1mb_list"]
        if over:
            lines.append("  plugin pages over 1 MB: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in list(over.items())[:8]))
    if "synthetic" in results:
        s = results["synthetic"]
        lines += ["", f"synthetic list: {s['entries']} entries ({s['scale']} x {s['source_entries']}), written in {s['seconds']:.1f} s, "
                      f"largest folder {s['largest_folder']} files; `python -m generator check` exit 0 in {s['check_s']:.2f} s: {s['check_summary']}"]
    if "reload" in results:
        r, fr = results["reload"], results.get("reload_floor")
        lines += ["", f"Reload under mkdocs serve: save an entry file -> {r['url_path']}, loaded as the livereload script does, shows it; "
                      f"{r['entries']} entries, {len(r['reload_runs_s'])} edits of the title in {r['edited']}"]
        body = [["plugin (repo mkdocs.yml)", f"{r['reload_median_s']:.3f}", f"{r['reload_max_s']:.3f}", str(r["reload_runs_s"]),
                 str(r["restore_runs_s"]), f"{r['loadavg_before_after'][0][0]:.2f}/{r['loadavg_before_after'][1][0]:.2f}"]]
        if fr:
            body.append(["plain MkDocs, floor (b) .md edited", f"{fr['reload_median_s']:.3f}", f"{fr['reload_max_s']:.3f}",
                         str(fr["reload_runs_s"]), str(fr["restore_runs_s"]),
                         f"{fr['loadavg_before_after'][0][0]:.2f}/{fr['loadavg_before_after'][1][0]:.2f}"])
        lines += table(["server", "median s", "max s", "runs", "after restoring", "load before/after"], body, {1, 2})
        lines.append(f"  server start to first page: plugin {r['startup_s']:.2f} s" + (f", floor {fr['startup_s']:.2f} s" if fr else "")
                     + f"; servers stopped with exit code {r['server_exit_code']}" + (f" and {fr['server_exit_code']}" if fr else ""))
    lines += ["", f"total benchmark time {meta['total_s']:.0f} s"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--entries", default="entries", help="the list directory (default: entries)")
    parser.add_argument("--scale", type=int, default=20, help="size of the synthetic list, in copies of the real one; 0 or 1 skips it (default: 20)")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds of builds at the real size (default: 3)")
    parser.add_argument("--repeat-large", type=int, default=None,
                        help=f"timed rounds at the large size (default: --repeat, fewer if they would take over {LARGE_BUDGET:.0f} s)")
    parser.add_argument("--warm-cache", action="store_true", help="no effect, kept for old command lines: cold and warm builds are both measured")
    parser.add_argument("--no-serve", action="store_true", help="skip the mkdocs serve reload benchmark")
    parser.add_argument("--no-floor-serve", action="store_true", help="skip the reference reload of plain MkDocs serving the floor's pages")
    parser.add_argument("--out", default=str(OUT), help="where results.json goes (default: bench/out)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (sites, synthetic list, logs) and print its path")
    args = parser.parse_args(argv)

    entries = Path(args.entries).resolve()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not (entries / SECTIONS_FILE).is_file():
        raise SystemExit(f"{entries}: no {SECTIONS_FILE}; point --entries at a list directory")
    started = time.perf_counter()
    from importlib.metadata import version

    import mkdocs

    results: dict[str, Any] = {
        "meta": {
            "date": time.strftime("%Y-%m-%d %H:%M:%S"),
            "entries_dir": str(entries),
            "python": platform.python_version(),
            "mkdocs": mkdocs.__version__,
            "material": version("mkdocs-material"),
            "cpus": os.cpu_count(),
            "machine": platform.platform(),
            "args": vars(args),
            "loadavg_start": loadavg(),
            "goals": {"sections_floor_ratio": GOAL_SECTIONS_FLOOR, "pages_floor_ratio_1x": GOAL_PAGES_FLOOR,
                      "pages_floor_ratio_large": GOAL_SECTIONS_FLOOR, "reload_floor_ratio": GOAL_RELOAD_FLOOR,
                      "reload_s": GOAL_RELOAD_S, "page_bytes": GOAL_PAGE_BYTES, "explorer_bytes": GOAL_EXPLORER_BYTES,
                      "memory_floor_ratio": GOAL_MEMORY_FLOOR, "explorer_first_result_files": list(EXPLORER_FIRST_RESULT)},
        },
        "builds": {},
    }
    with temp_dir("bench-build-", args.keep) as temp:
        PYCACHE[:] = [str(temp / "pycache")]
        say(f"checking {entries}")
        _, check_output = run([sys.executable, "-m", "generator", "check", "--entries", str(entries)])
        say(f"building {entries} (real size), repeat {args.repeat}")
        real = bench_builds("real", entries, temp / "real", args.repeat, warmup=True)
        real["entries"] = int(check_output.strip().splitlines()[-1].split()[0])
        results["builds"]["real"] = real
        if args.scale > 1:
            synthetic = temp / f"entries-x{args.scale}"
            synthetic.mkdir()
            say(f"writing a {args.scale}x synthetic list to {synthetic}")
            made = make_synthetic(entries, synthetic, args.scale)
            check_s, check_output = run([sys.executable, "-m", "generator", "check", "--entries", str(synthetic)])
            summary = check_output.strip().splitlines()[-1]
            made.update(scale=args.scale, check_s=check_s, check_summary=summary)
            results["synthetic"] = made
            say(f"  {made['entries']} entries in {made['seconds']:.1f} s; check passed in {check_s:.1f} s: {summary}")
            repeat = args.repeat_large if args.repeat_large is not None else args.repeat
            budget = None if args.repeat_large is not None else LARGE_BUDGET
            large = bench_builds(f"{args.scale}x", synthetic, temp / "large", repeat, warmup=False, budget=budget)
            large["entries"] = made["entries"]
            results["builds"][f"{args.scale}x"] = large
        if not args.no_serve:
            say("mkdocs serve reload, the list at its own size")
            results["reload"] = reload = bench_reload(entries, temp / "serve", out)
            if not args.no_floor_serve:
                say("mkdocs serve reload, floor (b) (plain MkDocs, the plugin's pages as static .md) for reference")
                results["reload_floor"] = bench_floor_reload(
                    temp / "real" / "floor", temp / "serve-floor", out, reload["section"], reload["entry_id"]
                )
    results["meta"]["loadavg_end"] = loadavg()
    results["meta"]["total_s"] = time.perf_counter() - started
    results["goals"] = goals(results)
    write_results(out / "results.json", results, report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
