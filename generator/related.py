"""Related papers: the most similar papers of the list by text, computed once per content.

The similarity is TF-IDF over titles, key words and digests (generator.similarity). The result is
cached by a hash of those texts, so `mkdocs serve` recomputes it only when one of them changed.
"""

from __future__ import annotations

import hashlib

from generator.catalog import Catalog
from generator.model import Entry

MIN_SCORE = 0.05  # below this, "related" would be noise
_cache: dict[str, dict[str, list[str]]] = {}


def paper_text(entry: Entry) -> str:
    """Title and key words count twice: they say what the paper is about most densely."""
    keywords = " ".join(entry.keywords)
    return f"{entry.title} {entry.title} {keywords} {keywords} {entry.digest}"


def related_ids(catalog: Catalog, count: int) -> dict[str, list[str]]:
    from generator.similarity import TextIndex  # scikit-learn loads only when related papers are on

    texts = [paper_text(e) for e in catalog.entries]
    key = hashlib.sha256("\x00".join([str(count), *texts]).encode("utf-8")).hexdigest()
    if key not in _cache:
        ids = [e.id for e in catalog.entries]
        neighbours = TextIndex(texts).neighbours(count) if len(texts) > 1 else [[] for _ in texts]
        _cache.clear()
        _cache[key] = {ids[i]: [ids[j] for j, score in found if score >= MIN_SCORE] for i, found in enumerate(neighbours)}
    return _cache[key]


def related_papers(catalog: Catalog, count: int) -> dict[str, list[Entry]]:
    """For every paper id, up to `count` most similar other papers, most similar first."""
    by_id = {e.id: e for e in catalog.entries}
    return {paper: [by_id[other] for other in others] for paper, others in related_ids(catalog, count).items()}
