#!/usr/bin/env python3
"""Build-time and reload benchmarks of the reading-list plugin against a plain MkDocs floor.

    python bench/bench_build.py [--entries entries] [--scale 20] [--repeat 3] [--out bench/out]

Measures, on this machine and in one run:

1. the full `mkdocs build` of the list with the plugin (`python -m generator build`), next to the
   floor: the same pages as static Markdown built by plain MkDocs + Material (no plugin), runs
   interleaved, median of --repeat each;
2. the same at --scale times the size, on a synthetic list made from the real one;
3. the reload time of `mkdocs serve` after one entry file changes (real list);
4. entries, generated pages, section-page HTML bytes and search index bytes for both sizes.

Prints a table and writes the same figures to OUT/results.json. See bench/README.md.
Only the standard library and the project's venv are used. Nothing outside temp dirs and OUT is written.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
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
    make_synthetic,
    read_config,
    read_config_file,
    repo_docs_dir,
    say,
    temp_dir,
    write_config,
    write_results,
)

from generator.list.catalog import newest_first
from generator.list.emit import format_entry
from generator.list.load import load_bytes
from generator.list.source import SECTIONS_FILE, read_info, read_list
from generator.site.render import page_name

TARGET_OVERHEAD = 0.30  # plugin build at most 30% slower than the floor
TARGET_RELOAD = 1.0  # seconds from saving an entry to the served page showing it
RELOAD_EDITS = 5
LARGE_BUDGET = 300.0  # seconds for the timed builds at the large size, unless --repeat-large is given
POLL = 0.02  # seconds between GETs while waiting for a reload
BUILT_IN = re.compile(r"Documentation built in ([0-9.]+) seconds")
SERVING_ON = re.compile(r"Serving on (http://\S+)")


def section_html(site: Path, slug: str, directory_urls: bool) -> Path:
    return site / slug / "index.html" if directory_urls else site / f"{slug}.html"


# --- builds -----------------------------------------------------------------------------------------------


def try_run(cmd: Sequence[str], cwd: Path = REPO) -> tuple[float, str, int]:
    """Run a command; (wall seconds, stdout+stderr, exit code)."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    return seconds, proc.stdout + proc.stderr, proc.returncode  # stderr last: MkDocs' log, check's summary


def run_build(cmd: Sequence[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds (user+sys of the child and its children), output); exit on failure.
    CPU time hardly moves when other work shares the cores; wall time does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, output = run(cmd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, output


def run(cmd: Sequence[str], cwd: Path = REPO) -> tuple[float, str]:
    """Run a command; (wall seconds, stdout+stderr). Exit on failure with its output."""
    seconds, output, code = try_run(cmd, cwd)
    if code != 0:
        say(output[-4000:])
        raise SystemExit(f"failed (exit {code}): {' '.join(map(str, cmd))}")
    return seconds, output


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


_CAPTURE = """
import json, os, sys, time
t0 = time.perf_counter()
from mkdocs.config import load_config
from mkdocs.structure.files import Files
import generator.site.plugin
t1 = time.perf_counter()
entries, config_file, plugin_name, out, site_dir = sys.argv[1:6]
config = load_config(config_file, site_dir=site_dir)
config.plugins[plugin_name].config.entries = entries
t2 = time.perf_counter()
config = config.plugins.on_config(config)
t3 = time.perf_counter()
files = config.plugins.on_files(Files([]), config=config)
t4 = time.perf_counter()
for f in files:
    path = os.path.join(out, f.src_uri)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(f.content_bytes)
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


def prepare_floor(entries: Path, work: Path, compare_cli: bool) -> tuple[Path, dict[str, Any]]:
    """The plugin's output as static files beside the repo's docs, and a plugin-less config whose
    explicit nav is the plugin's. With compare_cli, `python -m generator pages` runs too, and every
    file where it differs from what the plugin feeds MkDocs is reported."""
    docs = work / "docs"
    shutil.copytree(repo_docs_dir(), docs)
    captured = work / "captured"
    nav, names, stages = plugin_output(entries, captured, work / "scratch")
    shutil.copytree(captured, docs, dirs_exist_ok=True)
    pages = sorted(name for name in names if name.endswith(".md"))
    seconds, differs = None, []
    if compare_cli:
        cli_out = work / "cli-pages"
        seconds, output, code = try_run([sys.executable, "-m", "generator", "pages", "--entries", str(entries), "--out", str(cli_out)])
        if code == 0:
            cli_files = {p.relative_to(cli_out).as_posix() for p in cli_out.rglob("*") if p.is_file()}
            differs = sorted(n for n in cli_files | set(names)
                             if n not in cli_files or n not in names or (cli_out / n).read_bytes() != (captured / n).read_bytes())
        else:
            last = output.strip().splitlines()[-1] if output.strip() else ""
            say(f"  `python -m generator pages` failed (exit {code}): {last}")
            differs = [f"(generator pages failed, exit {code}: {last})"]
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
        "generator_pages_s": seconds,
        "generator_pages_differ": differs,
    }


_EMPTY_ATTRIBUTE = re.compile(r'(\s[\w:-]+)=""')
_BLANK_LINES = re.compile(r"\n\s*\n")


def compare_html(floor: Path, plugin: Path) -> str:
    """'identical'; 'same after normalizing' when only the serialization differs (character
    references against characters, `attr` against `attr=""`, as an HTML re-serializer such as the
    plugin's sanitizer changes them; runs of blank lines: Material's templates leave a few more
    after the content of the plugin's pages); else 'differs'."""
    a, b = floor.read_text(encoding="utf-8"), plugin.read_text(encoding="utf-8")
    if a == b:
        return "identical"
    normal = [_BLANK_LINES.sub("\n", html.unescape(_EMPTY_ATTRIBUTE.sub(r"\1", text))) for text in (a, b)]
    return "same after normalizing" if normal[0] == normal[1] else "differs"


def site_stats(site: Path, slugs: list[str], directory_urls: bool) -> dict[str, int]:
    index = site / "search" / "search_index.json"
    return {
        "section_html_bytes": sum(section_html(site, s, directory_urls).stat().st_size for s in slugs),
        "search_index_bytes": index.stat().st_size if index.exists() else 0,
    }


def bench_builds(label: str, entries: Path, work: Path, repeat: int, warmup: bool, budget: float | None = None,
                 compare_cli: bool = True, warm_cache: bool = False) -> dict[str, Any]:
    """Interleaved floor and plugin builds. With a budget (seconds), stop early, after at least one
    pair, when the next pair would not fit: the large size must not make the run take forever."""
    work.mkdir(parents=True)
    floor_config, floor_info = prepare_floor(entries, work / "floor", compare_cli)
    info, _ = read_info(str(entries))
    assert info is not None
    slugs = [s.slug for s in info.sections]
    directory_urls = read_config().get("use_directory_urls", True) is not False
    floor_site, plugin_site = work / "site-floor", work / "site-plugin"
    # the repo's config with absolute paths and the plugin's disk cache in the temp dir
    plugin_config, plugin_cache = work / "mkdocs.plugin.yml", work / "plugin-cache"
    write_config(plugin_config, derived_config(repo_docs_dir(), str(entries), None, cache_dir=plugin_cache))
    commands = {
        "floor": [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(floor_config), "-d", str(floor_site)],
        "plugin": [
            sys.executable, "-m", "generator", "build",
            "--entries", str(entries), "--site-dir", str(plugin_site), "--config-file", str(plugin_config),
        ],
    }
    load_before = os.getloadavg()[0]
    times: dict[str, list[float]] = {"floor": [], "plugin": []}
    cpu_times: dict[str, list[float]] = {"floor": [], "plugin": []}
    internal: dict[str, list[float | None]] = {"floor": [], "plugin": []}
    started = time.perf_counter()
    for i in range(-1 if warmup else 0, repeat):
        spent = time.perf_counter() - started
        if budget is not None and i > 0 and spent / i * (i + 1) > budget:
            say(f"  [{label}] stopping after {i} run(s) of each: another would pass the {budget:.0f} s budget (--repeat-large N forces N)")
            break
        for kind in ("floor", "plugin"):
            site = floor_site if kind == "floor" else plugin_site
            shutil.rmtree(site, ignore_errors=True)
            if kind == "plugin" and not warm_cache:
                shutil.rmtree(plugin_cache, ignore_errors=True)  # a full build: as from a fresh checkout
            seconds, cpu, output = run_build(commands[kind])
            inside = built_in(output)
            tag = "warm-up" if i < 0 else f"run {i + 1}/{repeat}"
            say(f"  [{label}] {tag} {kind:6}: {seconds:6.2f} s wall, {cpu:6.2f} s CPU"
                + (f", MkDocs says built in {inside:.2f} s" if inside is not None else ""))
            if i >= 0:
                times[kind].append(seconds)
                cpu_times[kind].append(cpu)
                internal[kind].append(inside)
    load_after = os.getloadavg()[0]
    repeat = len(times["plugin"])
    result: dict[str, Any] = {
        "loadavg_1min_before_after": [round(load_before, 2), round(load_after, 2)],
        "entries": None, "pages": floor_info["pages"], "other_generated_files": floor_info["other_files"], "repeat": repeat,
    }
    for kind in ("floor", "plugin"):
        inside_values = [v for v in internal[kind] if v is not None]
        site = floor_site if kind == "floor" else plugin_site
        result[kind] = {
            "median_s": statistics.median(times[kind]),
            "runs_s": [round(t, 3) for t in times[kind]],
            "cpu_median_s": statistics.median(cpu_times[kind]),
            "cpu_runs_s": [round(t, 3) for t in cpu_times[kind]],
            "mkdocs_built_in_median_s": statistics.median(inside_values) if inside_values else None,
            **site_stats(site, slugs, directory_urls),
        }
    result["ratio_cpu"] = result["plugin"]["cpu_median_s"] / result["floor"]["cpu_median_s"]
    result["ratio"] = result["plugin"]["median_s"] / result["floor"]["median_s"]
    result["overhead_pct"] = (result["ratio"] - 1) * 100
    fi, pi = result["floor"]["mkdocs_built_in_median_s"], result["plugin"]["mkdocs_built_in_median_s"]
    result["ratio_mkdocs_built_in"] = pi / fi if fi and pi else None
    result["overhead_target_met"] = result["ratio"] - 1 < TARGET_OVERHEAD
    verdicts = [compare_html(section_html(floor_site, s, directory_urls), section_html(plugin_site, s, directory_urls)) for s in slugs]
    result["section_html_vs_floor"] = next((v for v in ("differs", "same after normalizing") if v in verdicts), "identical")
    result["generator_pages_s"] = floor_info["generator_pages_s"]
    result["generator_pages_differ"] = floor_info["generator_pages_differ"]
    result["plugin_stages"] = floor_info["stages"]
    return result


# --- mkdocs serve ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)  # what Ctrl-C does: mkdocs shuts the server down and removes its temp site
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve_reload(label: str, config_path: Path, page: str, target: Path, edit: Any, ready: str, log: Path) -> dict[str, Any]:
    """Start `mkdocs serve`, then RELOAD_EDITS times: write edit(marker) to `target` and time until GET
    of the page shows the marker; put the file back and wait until the page no longer shows it."""
    original = target.read_bytes()
    port = free_port()
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-f", str(config_path), "--dev-addr", f"127.0.0.1:{port}"]
    latencies: list[float] = []
    restores: list[float] = []
    started = time.perf_counter()
    with open(log, "wb") as log_handle:
        proc = subprocess.Popen(cmd, cwd=config_path.parent, env=env(), stdout=log_handle, stderr=subprocess.STDOUT)
    try:
        url = served_at(proc, log, 180) + f"{page}/"  # the server's own address: site_url's path is its mount point
        wait_for(url, proc, log, lambda text: ready in text, 180)
        startup = time.perf_counter() - started
        say(f"  [{label}] first page served {startup:.2f} s after start; editing {target.name}")
        time.sleep(1.0)  # let the watcher take its first snapshot
        for i in range(1, RELOAD_EDITS + 1):
            marker = f"BenchReload{i:02d}p{os.getpid()}"
            time.sleep(random.uniform(0, 0.5))  # a random phase against the watcher's 0.5 s polling
            target.write_text(edit(marker), encoding="utf-8")
            latency = wait_for(url, proc, log, lambda text, m=marker: m in text, 120)
            target.write_bytes(original)
            restore = wait_for(url, proc, log, lambda text, m=marker: m not in text, 120)
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
    result["reload_target_met"] = result["reload_median_s"] < TARGET_RELOAD and result["reload_max_s"] < TARGET_RELOAD
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
    anchor = f"{{ #{entry_id} }}"
    if anchor not in text:
        raise SystemExit(f"{page}: no heading with {anchor}")

    def edit(marker: str) -> str:
        return text.replace(f" {anchor}", f" {marker} {anchor}", 1)

    return serve_reload("serve floor", config_path, slug, page, edit, entry_id, out / "serve-floor.log")


# --- report ------------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(results: dict[str, Any]) -> str:
    meta = results["meta"]
    lines = [
        f"Reading-list build benchmark — {meta['date']}, {meta['cpus']} CPUs, Python {meta['python']}, "
        f"MkDocs {meta['mkdocs']}, Material {meta['material']}",
        f"list: {meta['entries_dir']}",
        "",
        "1-2. Full build: plugin (python -m generator build) vs floor (plain MkDocs + Material on the same pages as static .md)",
        "     seconds = wall clock of the whole build subprocess, median of the runs; [MkDocs' own \"built in\" median]",
    ]
    head = f"{'size':<8}{'entries':>8}{'pages':>7}{'runs':>6}{'floor s':>17}{'plugin s':>17}{'plugin/floor':>14}{'overhead':>10}   target <30%"
    lines += [head, "-" * len(head)]
    for label, row in results["builds"].items():
        f, p = row["floor"], row["plugin"]
        fi = f"[{f['mkdocs_built_in_median_s']:.2f}]" if f["mkdocs_built_in_median_s"] is not None else ""
        pi = f"[{p['mkdocs_built_in_median_s']:.2f}]" if p["mkdocs_built_in_median_s"] is not None else ""
        lines.append(
            f"{label:<8}{row['entries']:>8}{row['pages']:>7}{row['repeat']:>6}{f['median_s']:>9.2f} {fi:>7}{p['median_s']:>9.2f} {pi:>7}"
            f"{row['ratio']:>14.2f}{row['overhead_pct']:>+9.1f}%   {verdict(row['overhead_target_met'])}"
        )
    for label, row in results["builds"].items():
        st = row["plugin_stages"]
        lines.append(f"  {label}: CPU time (user+sys), median: floor {row['floor']['cpu_median_s']:.2f} s, "
                     f"plugin {row['plugin']['cpu_median_s']:.2f} s, plugin/floor {row['ratio_cpu']:.2f} "
                     f"(overhead {(row['ratio_cpu'] - 1) * 100:+.1f}%; barely moved by other load)")
        lines.append(f"  {label}: wall runs floor {row['floor']['runs_s']}, plugin {row['plugin']['runs_s']}; "
                     f"1-min load average before/after {row['loadavg_1min_before_after']} (2 cores: above ~2 means other work competed)")
        lines.append(f"  {label}: the plugin's hooks alone, fresh interpreter: on_config (read, validate, catalog) {st['on_config_s']:.2f} s, "
                     f"on_files (pages, data files) {st['on_files_s']:.2f} s; imports {st['import_s']:.2f} s")
        if row["generator_pages_differ"]:
            names = row["generator_pages_differ"]
            lines.append(f"  {label}: NOTE `python -m generator pages` differs from what the plugin feeds MkDocs in {len(names)} file(s): "
                         + ", ".join(names[:6]) + (" ..." if len(names) > 6 else "") + " (the floor uses the plugin's)")
    lines += ["", "4. Output: generated Markdown pages and other generated files (plugin site; the floor's is the same unless noted)"]
    head = (f"{'size':<8}{'entries':>8}{'pages':>7}{'data files':>12}{'section HTML bytes':>20}{'search_index.json bytes':>25}"
            "   section HTML vs the floor's")
    lines += [head, "-" * len(head)]
    for label, row in results["builds"].items():
        p, f = row["plugin"], row["floor"]
        same = (p["section_html_bytes"], p["search_index_bytes"]) == (f["section_html_bytes"], f["search_index_bytes"])
        note = "" if same else f"  (floor: {f['section_html_bytes']:,} / {f['search_index_bytes']:,})"
        lines.append(f"{label:<8}{row['entries']:>8}{row['pages']:>7}{row['other_generated_files']:>12}"
                     f"{p['section_html_bytes']:>20,}{p['search_index_bytes']:>25,}   "
                     f"{row['section_html_vs_floor'].upper() if row['section_html_vs_floor'] == 'differs' else row['section_html_vs_floor']}{note}")
    if "synthetic" in results:
        s = results["synthetic"]
        lines += ["", f"synthetic list: {s['entries']} entries ({s['scale']} x {s['source_entries']}), written in {s['seconds']:.1f} s, "
                      f"largest folder {s['largest_folder']} files; `python -m generator check` exit 0 in {s['check_s']:.2f} s: {s['check_summary']}"]
    if "reload" in results:
        r = results["reload"]
        lines += ["", f"3. mkdocs serve reload: save an entry file -> GET {r['url_path']} (every {POLL * 1000:.0f} ms) shows the edit",
                  f"   {r['entries']} entries, {len(r['reload_runs_s'])} edits of the title in {r['edited']}"]
        head = f"{'server':<34}{'median s':>10}{'max s':>8}   runs                                   target <{TARGET_RELOAD:.0f} s"
        lines += [head, "-" * len(head)]
        lines.append(f"{'plugin (repo mkdocs.yml)':<34}{r['reload_median_s']:>10.3f}{r['reload_max_s']:>8.3f}   {r['reload_runs_s']!s:<38} "
                     f"{verdict(r['reload_target_met'])}")
        fr = results.get("reload_floor")
        if fr:
            lines.append(f"{'floor (static .md edited), ref.':<34}{fr['reload_median_s']:>10.3f}{fr['reload_max_s']:>8.3f}   "
                         f"{fr['reload_runs_s']!s:<38}")
        lines.append(f"  after restoring the file: plugin {r['restore_runs_s']}" + (f", floor {fr['restore_runs_s']}" if fr else ""))
        lines.append("  a reload is a full rebuild plus MkDocs 1.6's file watcher, which polls every 0.5 s, then waits 0.1 s for quiet")
        lines.append(f"  server start to first page: plugin {r['startup_s']:.2f} s" + (f", floor {fr['startup_s']:.2f} s" if fr else "")
                     + f"; servers stopped with exit code {r['server_exit_code']}" + (f" and {fr['server_exit_code']}" if fr else ""))
    lines += ["", f"total benchmark time {meta['total_s']:.0f} s"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--entries", default="entries", help="the list directory (default: entries)")
    parser.add_argument("--scale", type=int, default=20, help="size of the synthetic list, in copies of the real one; 0 or 1 skips it (default: 20)")
    parser.add_argument("--repeat", type=int, default=3, help="timed builds of each kind at the real size (default: 3)")
    parser.add_argument("--repeat-large", type=int, default=None,
                        help=f"timed builds of each kind at the large size (default: --repeat, fewer if they would take over {LARGE_BUDGET:.0f} s)")
    parser.add_argument("--warm-cache", action="store_true",
                        help="keep the plugin's disk cache (related papers) between timed builds (default: each plugin build starts empty)")
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
            "targets": {"overhead_below": TARGET_OVERHEAD, "reload_below_s": TARGET_RELOAD},
        },
        "builds": {},
    }
    with temp_dir("bench-build-", args.keep) as temp:
        PYCACHE[:] = [str(temp / "pycache")]
        say(f"checking {entries}")
        _, check_output = run([sys.executable, "-m", "generator", "check", "--entries", str(entries)])
        say(f"building {entries} (real size), repeat {args.repeat}")
        real = bench_builds("real", entries, temp / "real", args.repeat, warmup=True, warm_cache=args.warm_cache)
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
            large = bench_builds(f"{args.scale}x", synthetic, temp / "large", repeat, warmup=False, budget=budget,
                                 compare_cli=False, warm_cache=args.warm_cache)
            large["entries"] = made["entries"]
            results["builds"][f"{args.scale}x"] = large
        if not args.no_serve:
            say("mkdocs serve reload, the list at its own size")
            results["reload"] = reload = bench_reload(entries, temp / "serve", out)
            if not args.no_floor_serve:
                say("mkdocs serve reload, floor (plain MkDocs, static pages) for reference")
                results["reload_floor"] = bench_floor_reload(
                    temp / "real" / "floor", temp / "serve-floor", out, reload["section"], reload["entry_id"]
                )
    results["meta"]["total_s"] = time.perf_counter() - started
    write_results(out / "results.json", results, report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
