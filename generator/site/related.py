"""Related papers: the most similar papers of the list by text, computed once per content.

The similarity is TF-IDF over titles, key words and digests (generator.text.similarity). The result is
cached by a hash of those texts, so `mkdocs serve` recomputes it only when one of them changed.
"""

from __future__ import annotations

import hashlib
import os

from generator import cachefile
from generator.list.catalog import Catalog
from generator.model import Entry

MIN_SCORE = 0.05  # below this, "related" would be noise
VERSION = "2"  # of the similarity method: a new one invalidates cached results
_cache: dict[str, dict[str, list[str]]] = {}


def paper_text(entry: Entry, title_weight: int = 2, keyword_weight: int = 2) -> str:
    """What a listed paper is about: title and key words, each repeated (by default they count
    twice: they say what the paper is about most densely), then the digest."""
    keywords = " ".join(entry.keywords)
    return " ".join([entry.title] * title_weight + [keywords] * keyword_weight + [entry.digest])


def related_ids(catalog: Catalog, count: int, cache_dir: str | None = None, session: bool = False) -> dict[str, list[str]]:
    """Paper id -> ids of its most similar papers. Cached in memory (for `mkdocs serve`) and, when
    `cache_dir` is given, on disk (for the next build), by a hash of every text that counts. In a
    `session` the texts' terms are kept for the next rebuild too (TextIndex's `keep_terms`)."""
    texts = [paper_text(e) for e in catalog.entries]
    ids = [e.id for e in catalog.entries]
    key = hashlib.sha256("\x00".join([VERSION, str(count), *ids, *texts]).encode("utf-8")).hexdigest()
    if key in _cache:
        return _cache[key]
    found = _read_cache(cache_dir, key)
    if found is None:
        from generator.text.similarity import TextIndex  # numpy and scipy load only when the result is not cached

        neighbours = TextIndex(texts, keep_terms=session).neighbours(count) if len(texts) > 1 else [[] for _ in texts]
        found = {ids[i]: [ids[j] for j, score in near if score >= MIN_SCORE] for i, near in enumerate(neighbours)}
        _write_cache(cache_dir, key, found)
    _cache.clear()
    _cache[key] = found
    return found


def _cache_file(cache_dir: str) -> str:
    return os.path.join(cache_dir, "related.sealed")  # generator.cachefile: JSON, sealed


def _read_cache(cache_dir: str | None, key: str) -> dict[str, list[str]] | None:
    data = cachefile.load_json(_cache_file(cache_dir)) if cache_dir else None
    if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("related"), dict):
        return None
    related: dict[str, list[str]] = data["related"]
    return related


def _write_cache(cache_dir: str | None, key: str, related: dict[str, list[str]]) -> None:
    if cache_dir:
        cachefile.dump_json(_cache_file(cache_dir), {"key": key, "related": related})


def related_entries(catalog: Catalog, ids: dict[str, list[str]]) -> dict[str, list[Entry]]:
    """`related_ids`' ids as the catalog's entries."""
    by_id = {e.id: e for e in catalog.entries}
    return {paper: [by_id[other] for other in others if other in by_id] for paper, others in ids.items()}
