"""How good are the section and key words `python -m generator new` suggests? Leave-one-out over a list.

Each paper of the list is in turn a "new" paper: its title and digest (never its key words) go in,
the other papers vote, and the suggestion is compared with where the paper really is. Key words the
left-out paper alone uses are not vocabulary for it (the list could not have suggested them).

A second figure comes from the seeds (`--seeds DIR`, default ../shared/seeds beside the repo; skipped
with a note when missing): pages that list memorization papers with their abstracts, in three
layouts (an arXiv listing: abstract, then `arXiv:ID`; a profile: `preprint2020arXiv`, title,
abstract; a topic page: title, `arXiv.org Machine Learning`, abstract). A seed paper is a
memorization paper when a word of its title or abstract has the stem of "memorization"; the same
paper on two pages counts once. Each goes in as title + abstract (a listed one left out of the
votes) and is scored against the list's own memorization papers (those with a key word of that
stem): section top-1 against the section most of them are in, key word precision against the key
words they use, the share of suggested key words that are grounded (`Suggester.grounded`: words in
the title or abstract, or the suggested section's phenomenon; must be 100%), and filler: suggested
key words whose words are not in the paper's text, and how often the same one recurs.

The draft digests of the seed papers are classed by their first sentence, with a rule simpler than
and apart from the one that picks them: a *finding* when "we" or "our results/experiments/analysis/
findings/work" goes with show, find, found, prove, demonstrate, observe, discover, reveal, identify
or confirm, or "this/which/it implies/suggests/shows"; otherwise *method* when it speaks of the paper
itself (we, our, this paper/work); otherwise *background*. The abstract's first two sentences, the
old draft, are classed the same way for comparison.

    .venv/bin/python bench/bench_suggest.py [--entries entries] [--seeds DIR] [--out bench/out] [--sweep] [--scale 20]

Prints a table and writes OUT/suggest.json. `--sweep` also tries other settings (a few minutes);
`--scale N` times the text index on the list copied N times (`neighbours(5)`, as related papers use it)
and the search for near-identical titles that `check` runs.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from common import write_json  # first: it makes `generator` importable from a checkout

from generator.commands.suggest import Suggester, SuggestSettings, finding_sentences, sentences, stem
from generator.list.catalog import canonical_keywords
from generator.list.duplicates import near_title_pairs
from generator.list.identifiers import normalize_title
from generator.list.source import read_list
from generator.model import Entry, ListInfo
from generator.site.related import paper_text
from generator.text.similarity import TextIndex

KEYWORD_COUNTS = (1, 3, 5)


def evaluate(entries: list[Entry], info: ListInfo, settings: SuggestSettings) -> dict[str, Any]:
    """Top-1 section accuracy and key word precision/recall at 1, 3 and 5, leaving each paper out; the
    recall ceilings: own key words some other paper uses, and of those the ones grounded in the
    paper's title and digest or naming its section (the most a suggester that proposes only grounded
    key words can find)."""
    suggester = Suggester(entries, info, settings)
    papers = suggester.entries
    uses = Counter(k for e in papers for k in e.keywords)
    right = 0
    hits = dict.fromkeys(KEYWORD_COUNTS, 0)
    suggested = dict.fromkeys(KEYWORD_COUNTS, 0)
    wanted = reachable = grounded = 0
    for i, paper in enumerate(papers):
        found = suggester.suggest(paper.title, paper.digest, keywords=max(KEYWORD_COUNTS), exclude=i)
        right += found.section == paper.section
        own = set(paper.keywords)
        wanted += len(own)
        reachable += sum(1 for k in own if uses[k] > 1)
        grounded += sum(1 for k in own if uses[k] > 1 and suggester.grounded(k, paper.title, paper.digest, paper.section))
        for count in KEYWORD_COUNTS:
            top = found.keywords[:count]
            suggested[count] += len(top)
            hits[count] += len(own & set(top))
    result: dict[str, Any] = {"section_accuracy": right / len(papers)}
    for count in KEYWORD_COUNTS:
        result[f"keyword_precision@{count}"] = hits[count] / max(suggested[count], 1)
        result[f"keyword_recall@{count}"] = hits[count] / max(wanted, 1)
    result["keyword_recall_ceiling"] = reachable / max(wanted, 1)
    result["keyword_recall_grounded_ceiling"] = grounded / max(wanted, 1)
    return result


def centroid_accuracy(entries: list[Entry], info: ListInfo, settings: SuggestSettings) -> float:
    """The alternative to voting: each section one document (all its papers' texts), nearest section wins.
    Leave-one-out exactly: the section documents are rebuilt without the paper."""
    papers = [canonical_keywords(e, info) for e in entries]
    texts = [paper_text(e, settings.title_weight, settings.keyword_weight) for e in papers]
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
    texts = [paper_text(canonical_keywords(e, info), SuggestSettings.title_weight, SuggestSettings.keyword_weight) for e in entries]
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


# --- the seeds: memorization papers from outside the list -------------------------------------------

MEMORIZATION = stem("memorization")
_ARXIV_ID = re.compile(r"arXiv:(\d{4}\.\d{4,5})(?:v\d+)?")
# a profile page: "preprint2020arXiv", the title, the abstract; a topic page: the title, "arXiv.org Machine Learning", the abstract
_PROFILE = re.compile(r"^[a-z]+\d{4}\w*\n\n(?P<title>[^\n]+)\n\n(?P<abstract>[^\n]+)$", re.MULTILINE)
_TOPIC = re.compile(r"^(?P<title>[^\n]+)\n\n(?:arXiv\.org [A-Z][\w ]+|Robohub)\n\n(?P<abstract>[^\n]+)$", re.MULTILINE)


@dataclass
class SeedPaper:
    title: str
    abstract: str
    arxiv: str | None
    pages: list[str]


def parse_seed_page(text: str, name: str) -> list[SeedPaper]:
    """The papers of one page, in any of the three layouts; none from a page in another layout."""
    found = [SeedPaper(m["title"].strip(), m["abstract"].strip(), None, [name]) for pattern in (_PROFILE, _TOPIC) for m in pattern.finditer(text)]
    start = 0
    for match in _ARXIV_ID.finditer(text):  # an arXiv listing: the abstract is the longest line before the id
        lines = [line.strip() for line in text[start : match.start()].splitlines() if not line.startswith("Created:")]
        abstract = max(lines, key=len, default="")
        if len(abstract.split()) >= 40:
            found.append(SeedPaper("", abstract, match[1], [name]))
        start = match.end()
    return found


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]{4,}", text.lower()))


def read_seeds(folder: str) -> list[SeedPaper]:
    """Every paper of the seed pages, the same paper (same id, title or most words of its abstract) once."""
    papers: list[SeedPaper] = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            for paper in parse_seed_page(handle.read(), name):
                same = next((p for p in papers if _same_seed(p, paper)), None)
                if same is None:
                    papers.append(paper)
                    continue
                same.title = same.title or paper.title
                same.arxiv = same.arxiv or paper.arxiv
                same.pages.append(name)
    return papers


def _same_seed(a: SeedPaper, b: SeedPaper) -> bool:
    if a.arxiv and b.arxiv:
        return a.arxiv == b.arxiv
    if a.title and b.title and normalize_title(a.title) == normalize_title(b.title):
        return True
    mine, theirs = _words(a.abstract), _words(b.abstract)
    return len(mine & theirs) >= 0.6 * min(len(mine), len(theirs))


def is_memorization(text: str) -> bool:
    return MEMORIZATION in {stem(w) for w in re.findall(r"[a-z]+", text.lower())}


_DRAFT_FINDING = re.compile(
    r"\b(?:we|our\s+(?:results?|experiments?|analysis|findings?|work))\b.*\b(?:show|shows|find|finds|found|prove|proves|demonstrate|demonstrates|"
    r"observe|discover|reveal|reveals|identify|confirm)\b|\b(?:this|which|it)\s+(?:implies|suggests|shows)\b",
    re.IGNORECASE,
)
_ABOUT_ITSELF = re.compile(r"\b(?:we|our|this\s+(?:paper|work))\b", re.IGNORECASE)


def draft_start(draft: list[str]) -> str:
    """finding, method or background: what the first sentence of a draft is (the rule in the docstring)."""
    first = draft[0] if draft else ""
    if _DRAFT_FINDING.search(first):
        return "finding"
    return "method" if _ABOUT_ITSELF.search(first) else "background"


def evaluate_seeds(entries: list[Entry], info: ListInfo, seeds: list[SeedPaper], settings: SuggestSettings) -> dict[str, Any]:
    """The seeds' memorization papers against the list's own memorization papers (see the docstring)."""
    suggester = Suggester(entries, info, settings)
    papers = suggester.entries
    own = [e for e in papers if any(MEMORIZATION in suggester.forms[k].stems for k in e.keywords)]
    target_section = Counter(e.section for e in own).most_common(1)[0][0] if own else None
    target_keywords = {k for e in own for k in e.keywords}
    main_keyword = Counter(k for e in own for k in e.keywords if MEMORIZATION in suggester.forms[k].stems).most_common(1)
    listed = {e.arxiv: i for i, e in enumerate(papers) if e.arxiv} | {normalize_title(e.title): i for i, e in enumerate(papers)}
    chosen = [p for p in seeds if is_memorization(f"{p.title} {p.abstract}")]
    right = precise = grounded = suggested = with_main = 0
    repeated: Counter[str] = Counter()
    filler: Counter[str] = Counter()
    drafts: dict[str, Counter[str]] = {"first two sentences": Counter(), "draft": Counter()}
    rows = []
    for paper in chosen:
        exclude = listed.get(paper.arxiv or "", listed.get(normalize_title(paper.title))) if paper.title or paper.arxiv else None
        found = suggester.suggest(paper.title, paper.abstract, keywords=3, exclude=exclude)
        right += found.section == target_section
        suggested += len(found.keywords)
        precise += sum(k in target_keywords for k in found.keywords)
        grounded += sum(suggester.grounded(k, paper.title, paper.abstract, found.section) for k in found.keywords)
        with_main += bool(main_keyword) and main_keyword[0][0] in found.keywords
        repeated.update(found.keywords)
        filler.update(k for k in found.keywords if not suggester.grounded(k, paper.title, paper.abstract, None))
        drafts["first two sentences"][draft_start(sentences(paper.abstract)[:2])] += 1
        drafts["draft"][draft_start(finding_sentences(paper.abstract, 2))] += 1
        rows.append({"title": paper.title or paper.abstract[:60] + "...", "arxiv": paper.arxiv, "listed": exclude is not None,
                     "section": found.section, "keywords": found.keywords})
    n = max(len(chosen), 1)
    return {
        "seed_papers": len(seeds),
        "memorization_papers": len(chosen),
        "list_memorization_papers": len(own),
        "target_section": target_section,
        "target_keywords": sorted(target_keywords),
        "section_accuracy": right / n,
        "keyword_precision": precise / max(suggested, 1),
        "main_keyword": main_keyword[0][0] if main_keyword else None,
        "main_keyword_rate": with_main / n,
        "grounded": grounded / max(suggested, 1),
        "keywords_per_paper": suggested / n,
        "filler": sum(filler.values()),
        "most_repeated": repeated.most_common(5),
        "most_repeated_filler": filler.most_common(3),
        "drafts": {name: dict(counts) for name, counts in drafts.items()},
        "papers": rows,
    }


def seed_report(r: dict[str, Any]) -> str:
    n = r["memorization_papers"]
    drafts = ", ".join(f"{name}: {c.get('finding', 0)} finding / {c.get('method', 0)} method / {c.get('background', 0)} background"
                       for name, c in r["drafts"].items())
    return "\n".join([
        f"seeds: {n} memorization papers of {r['seed_papers']} parsed; the list has {r['list_memorization_papers']}, mostly in {r['target_section']}",
        f"  section top-1 ({r['target_section']}): {r['section_accuracy']:.1%}",
        f"  key word precision (against the {len(r['target_keywords'])} key words of the list's memorization papers): {r['keyword_precision']:.1%}",
        f"  '{r['main_keyword']}' suggested: {r['main_keyword_rate']:.1%}; key words per paper: {r['keywords_per_paper']:.2f}",
        f"  grounded: {r['grounded']:.1%}; filler (words not in the text): {r['filler']}"
        + (f", most repeated: {', '.join(f'{k} ({c})' for k, c in r['most_repeated_filler'])}" if r["filler"] else ""),
        f"  most repeated key words: {', '.join(f'{k} ({c}/{n})' for k, c in r['most_repeated'])}",
        f"  drafts start with: {drafts}",
    ])


# other values `--sweep` tries for each setting, one at a time
SWEEP: dict[str, tuple[float, ...]] = {
    "neighbours": (5, 20, 40),
    "section_neighbours": (10, 20, 40),
    "power": (0.25, 1.0, 2.0),
    "also_in": (0.0, 1.0),
    "keyword_in_text": (0.0, 0.25, 1.0),
    "keyword_in_title": (0.0, 0.5),
    "min_score": (0.0, 0.2, 0.3),
    "section_size_power": (0.0, 0.5),
    "section_in_text": (0.0, 1.0),
    "prior_weight": (0.5, 3.0),
    "phenomenon_share": (0.0, 1.1),
    "title_weight": (1, 3),
}


def variants() -> list[tuple[str, SuggestSettings]]:
    base = SuggestSettings()
    tried = [("default", base)]
    for name, values in SWEEP.items():
        kind = type(getattr(base, name))
        tried += [(f"{name}={kind(v)}", replace(base, **{name: kind(v)})) for v in values if kind(v) != getattr(base, name)]
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
    args.add_argument("--seeds", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "seeds"),
                      help="pages of memorization papers from outside the list (default: ../shared/seeds beside the repo)")
    args.add_argument("--out", default=os.path.join("bench", "out"))
    args.add_argument("--sweep", action="store_true", help="also try other settings")
    args.add_argument("--scale", type=int, default=0, metavar="N", help="also time the index on the list copied N times")
    options = args.parse_args()
    info, entries, _ = read_list(options.entries)
    if info is None or not entries:
        print(f"{options.entries}: no valid list", file=sys.stderr)
        return 1
    baseline = majority_baseline(entries)
    rows = [(name, evaluate(entries, info, settings)) for name, settings in (variants() if options.sweep else [("default", SuggestSettings())])]
    report: dict[str, Any] = {
        "papers": len(entries),
        "majority_baseline": {"section": baseline[0], "accuracy": baseline[1]},
        "settings": asdict(SuggestSettings()),
        "results": dict(rows),
    }
    if options.sweep:
        report["centroid_section_accuracy"] = centroid_accuracy(entries, info, SuggestSettings())
        rows.append(("centroid (section doc)", {**rows[0][1], "section_accuracy": report["centroid_section_accuracy"]}))
    print(table(rows, baseline))
    print(f"key word recall ceiling (own key words some other paper uses): {rows[0][1]['keyword_recall_ceiling']:.1%}; "
          f"of those, grounded in the title and digest (or the section's phenomenon): {rows[0][1]['keyword_recall_grounded_ceiling']:.1%}")
    if os.path.isdir(options.seeds):
        report["seeds"] = evaluate_seeds(entries, info, read_seeds(options.seeds), SuggestSettings())
        print(seed_report(report["seeds"]))
    else:
        print(f"seeds: {options.seeds} not found; skipped the memorization papers")
    if options.scale:
        report["timing"] = time_index(entries, info, options.scale)
        report["titles"] = time_titles(entries, options.scale)
        timing = report["timing"]
        print(f"index of {timing['papers']} papers: {timing['index_seconds']} s, neighbours(5): {timing['neighbours_seconds']} s")
        titles = report["titles"]
        print(f"near-identical titles among {titles['titles']}: {titles['seconds']} s ({titles['near_pairs']} pairs)")
    write_json(Path(options.out) / "suggest.json", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
