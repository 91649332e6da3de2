"""The corners where a pull request can make the generator quadratic: many author names with one
ASCII slug (non-Latin names), and many near-identical titles. A script, not a test.

Two lists are written in a temp dir, each a copy of tests/fixtures/memorization plus:
  corner    (a) 10 files of 3,000 non-Latin author names each (CJK pairs: no ASCII letters at all),
            (b) 400 files whose titles differ only in a number (every pair near-identical);
  baseline  the same counts of distinct Latin names and of unrelated titles.
Timed on each, in this process: `python -m generator check` (main(), output counted, not shown),
author_index + author_anchors, keyword_anchors, and unique_anchors over all the names; the report
gives the corner's seconds as a ratio to the baseline's. With --old the same is timed with HEAD's
unique_anchors and near_title_problems (from `git show HEAD:...`, printing every problem as
HEAD's check did), at --old-scale, since the old code takes minutes at full size.

    .venv/bin/python bench/bench_corners.py                 # full size: about 20 s
    .venv/bin/python bench/bench_corners.py --old            # also HEAD's code at --old-scale 0.25
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from common import REPO, say, temp_dir

import generator.cli as cli
import generator.list.validate as validate
import generator.site.indexes as indexes
from generator.list.catalog import build_catalog
from generator.list.source import read_list

FIXTURE = REPO / "tests" / "fixtures" / "memorization"
TITLE = "Memorization and Generalization in Very Deep Convolutional Networks Trained With Noisy Labels, Part {}"
WORDS = ("grokking lottery ticket double descent neural collapse memorization scaling laws sharpness edge stability "
         "tangent kernel emergence induction heads superposition plasticity forgetting calibration spurious features "
         "implicit bias mode connectivity loss landscape pruning distillation robustness feature learning").split()


def write_list(target: Path, name_files: int, names_per_file: int, titles: int, corner: bool) -> None:
    shutil.copytree(FIXTURE, target)
    rng = random.Random(3)
    folder = target / "generalization"
    seen: set[str] = set()

    def unrelated_title() -> str:
        while (title := " ".join(rng.sample(WORDS, 8)).title()) in seen:
            pass
        seen.add(title)
        return title

    for f in range(name_files):
        if corner:  # two CJK characters: no ASCII word, so HEAD's slug is `au-x` for all of them
            names = [chr(0x4E00 + (f * names_per_file + k) // 200) + chr(0x4E00 + 10000 + (f * names_per_file + k) % 200)
                     for k in range(names_per_file)]
        else:
            names = [f"N{f}x{k} F{k}" for k in range(names_per_file)]  # short: an entry file is at most 64 KiB
        authors = "".join(f"  - {name}\n" for name in names)
        (folder / f"names{f}.yaml").write_text(f"id: names{f}\ntitle: {unrelated_title()}\nyear: 2020\nauthors:\n{authors}",
                                              encoding="utf-8")
    for t in range(titles):
        title = TITLE.format(1000 + t) if corner else unrelated_title()
        (folder / f"title{t}.yaml").write_text(f"id: title{t}\ntitle: {title}\nyear: 2020\n", encoding="utf-8")


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def check(entries: Path, *extra: str) -> tuple[int, int]:
    """Exit status and lines printed of `python -m generator check`."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["check", "--entries", str(entries), *extra])
    return status, len(out.getvalue().splitlines()) + len(err.getvalue().splitlines())


def measure(entries: Path) -> dict[str, Any]:
    check_s, (status, lines) = timed(lambda: check(entries))
    info, entries_read, _ = read_list(str(entries))  # the near titles are errors: a catalog of what loaded
    assert info is not None
    catalog = build_catalog(info, entries_read)
    authors_s, authors = timed(lambda: indexes.author_anchors(indexes.author_index(catalog)))
    keywords_s, _ = timed(lambda: indexes.keyword_anchors(catalog))
    names = [a for e in catalog.entries for a in e.authors]
    anchors_s, _ = timed(lambda: indexes.unique_anchors("au", dict.fromkeys(names)))
    suffixed = sum(1 for anchor in authors.values() if anchor.rsplit("-", 1)[-1].isdigit())
    return {"check_s": check_s, "check_status": status, "check_lines": lines, "author_anchors_s": authors_s,
            "keyword_anchors_s": keywords_s, "unique_anchors_s": anchors_s, "authors": len(authors), "suffixed_anchors": suffixed}


def head_module(path: str, name: str) -> ModuleType:
    source = subprocess.run(["git", "show", f"HEAD:{path}"], cwd=REPO, check=True, capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = sys.modules[name] = importlib.util.module_from_spec(spec)  # dataclasses look their module up
    exec(compile(source, f"HEAD:{path}", "exec"), module.__dict__)  # the repo's own committed code
    return module


@contextlib.contextmanager
def head_code() -> Iterator[None]:
    """HEAD's unique_anchors and near_title_problems, and check printing every problem."""
    old_indexes = head_module("generator/site/indexes.py", "head_indexes")
    old_duplicates = head_module("generator/list/duplicates.py", "head_duplicates")
    saved = indexes.unique_anchors, validate.near_title_problems, cli.CHECK_LIMIT
    indexes.unique_anchors, validate.near_title_problems = old_indexes.unique_anchors, old_duplicates.near_title_problems
    cli.CHECK_LIMIT = 10**9  # type: ignore[misc]
    try:
        yield
    finally:
        indexes.unique_anchors, validate.near_title_problems, cli.CHECK_LIMIT = saved  # type: ignore[misc]


def run(temp: Path, scale: float, label: str) -> dict[str, dict[str, Any]]:
    names, titles = round(3000 * scale), round(400 * scale)
    figures = {}
    for kind in ("baseline", "corner"):
        target = temp / f"{label}-{kind}"
        write_list(target, 10, names, titles, corner=kind == "corner")
        say(f"{label} {kind}: 10 x {names} names, {titles} titles")
        figures[kind] = measure(target)
    return figures


def report(label: str, figures: dict[str, dict[str, Any]]) -> None:
    base, corner = figures["baseline"], figures["corner"]
    print(f"\n{label}")
    print(f"{'':22} {'baseline':>10} {'corner':>10} {'ratio':>8}")
    for key in ("check_s", "author_anchors_s", "keyword_anchors_s", "unique_anchors_s"):
        print(f"{key:22} {base[key]:10.3f} {corner[key]:10.3f} {corner[key] / max(base[key], 1e-9):8.1f}")
    for key in ("check_lines", "check_status", "authors", "suffixed_anchors"):
        print(f"{key:22} {base[key]:10} {corner[key]:10}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="names per file / 3,000 and titles / 400 (default 1)")
    parser.add_argument("--old", action="store_true", help="also time HEAD's code, at --old-scale")
    parser.add_argument("--old-scale", type=float, default=0.25, help="the size for HEAD's code (default 0.25)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print its path")
    args = parser.parse_args()
    with temp_dir("bench-corners-", args.keep) as temp:
        report(f"working tree, scale {args.scale}", run(temp, args.scale, "new"))
        if args.old:
            report(f"working tree, scale {args.old_scale}", run(temp, args.old_scale, "new-small"))
            with head_code():
                report(f"HEAD, scale {args.old_scale}", run(temp, args.old_scale, "old-small"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
