"""Where a rebuild under `mkdocs serve` goes, and how soon a save starts one.

1. Stages: on a temp copy of the list, MkDocs' own `build()` is run the way `mkdocs serve` runs it
   (one plugin instance for the session, a new config per build, the same site folder), once, then
   again after each of `--edits` saves of one entry's title. Each stage (the plugin's hooks, MkDocs'
   page steps, the generator's parts) has a timer; the report gives the median of each over the edits,
   the first edit left out (it compiles what the first build did not need). In-process and without
   the watcher: what the build itself costs.
2. Detection: `mkdocs serve` on another copy; after each save (at a random phase against MkDocs'
   half-second polling), the time until the server logs "Detected file changes". What the watcher
   adds before a rebuild starts.

`bench_build.py`'s reload row is the two together, end to end, against plain MkDocs.

    python bench/bench_rebuild.py [--entries entries] [--edits 10] [--out bench/out]
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from common import (  # first: it makes `generator` importable from a checkout
    OUT,
    derived_config,
    env,
    free_port,
    repo_docs_dir,
    say,
    stop,
    temp_dir,
    write_config,
    write_results,
)

import generator.list.source as source_module
import generator.site.generate as generate_module
import generator.site.plugin as plugin_module
import generator.site.related as related_module
from generator.list.source import read_list

DETECTED = "Detected file changes"
HOOKS = ("on_config", "on_files", "on_page_content", "on_post_build")


def target_entry(entries: Path) -> Path:
    """An entry whose title is a plain `title:` line, so that the edit stays valid YAML."""
    info, entry_list, _ = read_list(str(entries))
    assert info is not None
    for entry in entry_list:
        path = Path(entry.path)
        if any(line.startswith("title: ") and not line.startswith(("title: '", 'title: "', "title: >", "title: |"))
               for line in path.read_text(encoding="utf-8").splitlines()):
            return path
    raise SystemExit("no entry with a plain title line to edit")


def edited(text: str, marker: str) -> str:
    return text.replace("title: ", f"title: {marker} ", 1)


def timed(owner: Any, name: str, label: str, spent: dict[str, float]) -> None:
    """Wrap owner.name so that its time adds to spent[label]."""
    real: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(real)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def bench_stages(entries: Path, work: Path, edits: int) -> dict[str, Any]:
    import mkdocs.commands.build as build_module
    import mkdocs.utils as mkdocs_utils
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    copy = work / "entries"
    shutil.copytree(entries, copy)
    config_path = work / "mkdocs.serve.yml"
    write_config(config_path, derived_config(repo_docs_dir(), str(copy), None, cache_dir=work / "cache"))
    spent: dict[str, float] = collections.defaultdict(float)
    for name in HOOKS:
        timed(plugin_module.ReadingListPlugin, name, f"plugin {name}", spent)
    timed(build_module, "_populate_page", "MkDocs: Markdown of each page", spent)
    timed(build_module, "_build_page", "MkDocs: theme templates of each page", spent)
    timed(Files, "add_files_from_theme", "MkDocs: listing the theme's files", spent)
    timed(Files, "copy_static_files", "MkDocs: copying static files", spent)
    timed(mkdocs_utils, "clean_directory", "MkDocs: emptying the site folder", spent)
    timed(source_module, "read_list", "  list: reading and checking", spent)
    timed(generate_module, "render_site", "  generate: pages", spent)
    timed(generate_module, "data_files", "  generate: data files", spent)
    timed(related_module, "related_ids", "  generate: related papers", spent)
    timed(plugin_module, "scan_site", "  post-build: site scan", spent)

    site = work / "site"
    serve_url = "http://127.0.0.1:8000/"

    def build() -> float:
        config = load_config(config_file=str(config_path), site_dir=str(site))
        config.site_url = serve_url
        started = time.perf_counter()
        build_module.build(config, serve_url=serve_url)
        return time.perf_counter() - started

    first = load_config(config_file=str(config_path), site_dir=str(site))
    first.plugins.on_startup(command="serve", dirty=False)
    first.site_url = serve_url
    build_module.build(first, serve_url=serve_url)
    plugin = first.plugins["reading-list"]
    assert isinstance(plugin, plugin_module.ReadingListPlugin)
    target = target_entry(copy)
    original = target.read_text(encoding="utf-8")
    totals: list[float] = []
    stages: dict[str, list[float]] = collections.defaultdict(list)
    try:
        for i in range(edits):
            if plugin.live is not None:
                plugin.live.wait()  # the search index of the last build: not this build's cost
            target.write_text(edited(original, f"Rebuild{i:02d}"), encoding="utf-8")
            spent.clear()
            totals.append(build())
            for label, seconds in spent.items():
                stages[label].append(seconds)
            say(f"  [stages] edit {i + 1}/{edits}: rebuilt in {totals[-1]:.3f} s")
    finally:
        target.write_text(original, encoding="utf-8")
        first.plugins.on_shutdown()
    kept = totals[1:] or totals
    return {
        "edited": str(target.relative_to(copy)),
        "rebuild_runs_s": [round(t, 3) for t in totals],
        "rebuild_median_s": statistics.median(kept),
        "stages_median_s": {label: round(statistics.median(runs[1:] or runs), 4) for label, runs in stages.items()},
    }


def bench_detection(entries: Path, work: Path, edits: int) -> dict[str, Any]:
    copy = work / "entries"
    shutil.copytree(entries, copy)
    config_path = work / "mkdocs.serve.yml"
    write_config(config_path, derived_config(repo_docs_dir(), str(copy), None, cache_dir=work / "cache"))
    target = target_entry(copy)
    original = target.read_text(encoding="utf-8")
    log = work / "serve.log"
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config_path), "--dev-addr", f"127.0.0.1:{free_port()}"]
    with open(log, "wb") as handle:  # SIGINT at its default: Ctrl-C stops it even from a background shell
        server = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env(),
                                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    def logged() -> str:
        return log.read_text(encoding="utf-8", errors="replace")

    latencies: list[float] = []
    try:
        deadline = time.monotonic() + 300
        while "Serving on" not in logged():
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"mkdocs serve did not start:\n{logged()[-3000:]}")
            time.sleep(0.1)
        time.sleep(2.0)
        for i in range(edits):
            time.sleep(random.uniform(0, 0.5))
            seen, builds = logged().count(DETECTED), logged().count("Reloading browsers")
            started = time.perf_counter()
            target.write_text(edited(original, f"Detect{i:02d}"), encoding="utf-8")
            while logged().count(DETECTED) == seen:
                if time.perf_counter() - started > 30:
                    raise SystemExit(f"no rebuild 30 s after a save:\n{logged()[-3000:]}")
                time.sleep(0.002)
            latencies.append(time.perf_counter() - started)
            while logged().count("Reloading browsers") == builds:
                time.sleep(0.01)
            time.sleep(1.5)  # the search index of that build, in the background
            say(f"  [detection] save {i + 1}/{edits}: seen after {latencies[-1]:.3f} s")
        seen = logged().count(DETECTED)
        target.write_text(original, encoding="utf-8")
        restored = time.monotonic() + 30
        while logged().count(DETECTED) == seen and time.monotonic() < restored:
            time.sleep(0.01)
    finally:
        stop(server)
    return {
        "detection_runs_s": [round(t, 4) for t in latencies],
        "detection_median_s": statistics.median(latencies),
        "rebuilds_logged": logged().count(DETECTED),
        "saves": edits + 1,
    }


def report(results: dict[str, Any]) -> str:
    stages, detection = results["stages"], results["detection"]
    lines = [f"Rebuild under mkdocs serve, {results['entries']} entries: {len(stages['rebuild_runs_s'])} saves of the title of {stages['edited']}",
             f"rebuild, median (first edit left out): {stages['rebuild_median_s']:.3f} s   runs {stages['rebuild_runs_s']}", ""]
    width = max(len(label) for label in stages["stages_median_s"])
    lines += [f"  {label:<{width}}  {seconds:.3f} s" for label, seconds in
              sorted(stages["stages_median_s"].items(), key=lambda item: -item[1])]
    lines += ["", f"save -> '{DETECTED}', median: {detection['detection_median_s']:.3f} s   runs {detection['detection_runs_s']}",
              f"rebuilds the server logged: {detection['rebuilds_logged']} for {detection['saves']} saves (the last one restores the file)"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", default="entries", help="the list directory (default: entries)")
    parser.add_argument("--edits", type=int, default=10, help="saves measured in each part (default: 10)")
    parser.add_argument("--out", default=str(OUT), help="where rebuild.json goes (default: bench/out)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print its path")
    args = parser.parse_args(argv)
    entries = Path(args.entries).resolve()
    info, entry_list, _ = read_list(str(entries))
    if info is None:
        raise SystemExit(f"{entries}: not a list")
    with temp_dir("bench-rebuild-", args.keep) as temp:
        (temp / "stages").mkdir()
        (temp / "detection").mkdir()
        say("rebuild stages, in process")
        stages = bench_stages(entries, temp / "stages", max(2, args.edits))
        say("save -> detection under mkdocs serve")
        detection = bench_detection(entries, temp / "detection", args.edits)
    results = {"entries": len(entry_list), "stages": stages, "detection": detection}
    write_results(Path(args.out) / "rebuild.json", results, report(results))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    sys.exit(main())
