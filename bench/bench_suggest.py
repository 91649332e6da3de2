"""How good are the section and key words `python -m generator new` suggests? Leave-one-out over a list.

Each paper of the list is in turn a "new" paper: its title and digest (never its key words) go in,
the other papers vote, and the suggestion is compared with where the paper really is. Key words the
left-out paper alone uses are not vocabulary for it (the list could not have suggested them).

    .venv/bin/python bench/bench_suggest.py [--entries entries] [--out bench/out] [--sweep] [--scale 20]

Prints a table and writes OUT/suggest.json. `--sweep` also tries other settings (a few minutes);
`--scale N` times the text index on the list copied N times (`neighbours(5)`, as related papers use it)
and the search for near-identical titles that `check` runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, replace
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from generator.catalog import canonical_keywords
from generator.duplicates import near_title_pairs
from generator.identifiers import normalize_title
from generator.model import Entry, ListInfo
from generator.similarity import TextIndex
from generator.source import read_list
from generator.suggest import Settings, Suggester, paper_text

KEYWORD_COUNTS = (1, 3, 5)


def evaluate(entries: list[Entry], info: ListInfo, settings: Settings) -> dict[str, Any]:
    """Top-1 section accuracy and key word precision/recall at 1, 3 and 5, leaving each paper out."""
    suggester = Suggester(entries, info, settings)
    papers = suggester.entries
    uses = Counter(k for e in papers for k in e.keywords)
    right = 0
    hits = dict.fromkeys(KEYWORD_COUNTS, 0)
    suggested = dict.fromkeys(KEYWORD_COUNTS, 0)
    wanted = reachable = 0
    for i, paper in enumerate(papers):
        found = suggester.suggest(paper.title, paper.digest, keywords=max(KEYWORD_COUNTS), exclude=i)
        right += found.section == paper.section
        own = set(paper.keywords)
        wanted += len(own)
        reachable += sum(1 for k in own if uses[k] > 1)
        for count in KEYWORD_COUNTS:
            top = found.keywords[:count]
            suggested[count] += len(top)
            hits[count] += len(own & set(top))
    result: dict[str, Any] = {"section_accuracy": right / len(papers)}
    for count in KEYWORD_COUNTS:
        result[f"keyword_precision@{count}"] = hits[count] / max(suggested[count], 1)
        result[f"keyword_recall@{count}"] = hits[count] / max(wanted, 1)
    result["keyword_recall_ceiling"] = reachable / max(wanted, 1)
    return result


def centroid_accuracy(entries: list[Entry], info: ListInfo, settings: Settings) -> float:
    """The alternative to voting: each section one document (all its papers' texts), nearest section wins.
    Leave-one-out exactly: the section documents are rebuilt without the paper."""
    papers = [canonical_keywords(e, info) for e in entries]
    texts = [paper_text(e, settings) for e in papers]
    slugs = [s.slug for s in info.sections]
    right = 0
    for i, paper in enumerate(papers):
        documents = [" ".join(t for j, (t, e) in enumerate(zip(texts, papers, strict=True)) if j != i and slug in e.sections) for slug in slugs]
        found = TextIndex(documents).query(f"{paper.title} {paper.title} {paper.digest}", 1)
        right += bool(found) and slugs[found[0][0]] == paper.section
    return right / len(papers)


def majority_baseline(entries: list[Entry]) -> tuple[str, float]:
    slug, count = Counter(e.section for e in entries).most_common(1)[0]
    return slug, count / len(entries)


def time_index(entries: list[Entry], info: ListInfo, scale: int) -> dict[str, float]:
    """Seconds to index the list copied `scale` times (words shuffled between copies) and find 5 neighbours of each."""
    rng = random.Random(0)
    texts = [paper_text(canonical_keywords(e, info), Settings()) for e in entries]
    words = [w for t in texts for w in t.split()]
    copies = [" ".join(w if rng.random() > 0.3 else rng.choice(words) for w in t.split()) for _ in range(scale) for t in texts]
    start = time.perf_counter()
    index = TextIndex(copies)
    fitted = time.perf_counter()
    index.neighbours(5)
    done = time.perf_counter()
    return {"papers": len(copies), "index_seconds": round(fitted - start, 2), "neighbours_seconds": round(done - fitted, 2)}


def time_titles(entries: list[Entry], scale: int) -> dict[str, float]:
    """Seconds to find near-identical titles (what check does) among the titles copied `scale` times,
    half the words of each copy swapped for others of the list and one letter changed."""
    rng = random.Random(1)
    titles = [normalize_title(e.title) for e in entries]
    words = [w for t in titles for w in t.split()]

    def copy(title: str) -> str:
        text = " ".join(w if rng.random() > 0.5 else rng.choice(words) for w in title.split())
        at = rng.randrange(len(text))
        return text[:at] + rng.choice("abcdefghij") + text[at + 1 :]

    copies = titles + [copy(t) for _ in range(scale - 1) for t in titles]
    start = time.perf_counter()
    pairs = sum(1 for _ in near_title_pairs(copies))
    return {"titles": len(copies), "near_pairs": pairs, "seconds": round(time.perf_counter() - start, 2)}


def variants() -> list[tuple[str, Settings]]:
    base = Settings()
    tried = [("default", base)]
    tried += [(f"neighbours={k}", replace(base, neighbours=k)) for k in (1, 5, 10, 40) if k != base.neighbours]
    tried += [(f"power={p}", replace(base, power=p)) for p in (0.5, 2.0, 4.0) if p != base.power]
    tried += [(f"also_in={a}", replace(base, also_in=a)) for a in (0.0, 1.0) if a != base.also_in]
    tried += [(f"keyword_in_text={b}", replace(base, keyword_in_text=b)) for b in (0.0, 0.25, 1.0, 2.0) if b != base.keyword_in_text]
    tried += [(f"title_weight={w}", replace(base, title_weight=w)) for w in (1, 3) if w != base.title_weight]
    return tried


def table(rows: list[tuple[str, dict[str, Any]]], baseline: tuple[str, float]) -> str:
    head = f"{'settings':<22} {'section':>8} {'P@1':>6} {'R@1':>6} {'P@3':>6} {'R@3':>6} {'P@5':>6} {'R@5':>6}"
    lines = [head, "-" * len(head), f"{'majority: ' + baseline[0]:<22} {baseline[1]:>8.1%}"]
    for name, r in rows:
        cells = [r["section_accuracy"]] + [r[f"keyword_{m}@{c}"] for c in KEYWORD_COUNTS for m in ("precision", "recall")]
        lines.append(f"{name:<22} " + " ".join(f"{v:>{8 if i == 0 else 6}.1%}" for i, v in enumerate(cells)))
    return "\n".join(lines)


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--entries", default="entries")
    args.add_argument("--out", default=os.path.join("bench", "out"))
    args.add_argument("--sweep", action="store_true", help="also try other settings")
    args.add_argument("--scale", type=int, default=0, metavar="N", help="also time the index on the list copied N times")
    options = args.parse_args()
    info, entries, _ = read_list(options.entries)
    if info is None or not entries:
        print(f"{options.entries}: no valid list", file=sys.stderr)
        return 1
    baseline = majority_baseline(entries)
    rows = [(name, evaluate(entries, info, settings)) for name, settings in (variants() if options.sweep else [("default", Settings())])]
    report: dict[str, Any] = {
        "papers": len(entries),
        "majority_baseline": {"section": baseline[0], "accuracy": baseline[1]},
        "settings": asdict(Settings()),
        "results": dict(rows),
    }
    if options.sweep:
        report["centroid_section_accuracy"] = centroid_accuracy(entries, info, Settings())
        rows.append(("centroid (section doc)", {**rows[0][1], "section_accuracy": report["centroid_section_accuracy"]}))
    print(table(rows, baseline))
    print(f"key word recall ceiling (own key words some other paper uses): {rows[0][1]['keyword_recall_ceiling']:.1%}")
    if options.scale:
        report["timing"] = time_index(entries, info, options.scale)
        report["titles"] = time_titles(entries, options.scale)
        timing = report["timing"]
        print(f"index of {timing['papers']} papers: {timing['index_seconds']} s, neighbours(5): {timing['neighbours_seconds']} s")
        titles = report["titles"]
        print(f"near-identical titles among {titles['titles']}: {titles['seconds']} s ({titles['near_pairs']} pairs)")
    os.makedirs(options.out, exist_ok=True)
    with open(os.path.join(options.out, "suggest.json"), "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
        handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
