"""Text similarity between papers: TF-IDF vectors compared by cosine.

The core of two features: the section and key words `new` suggests for a paper, and the related
papers under each entry. Vectors are L2-normalised, so a dot product is the cosine; products are
taken a block of rows at a time, so memory stays bounded at 20 times the size of today's list.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, pairwise, repeat

import numpy as np
from scipy.sparse import csr_matrix

# Rows per block of the all-pairs product: a block is BLOCK x len(texts) floats of 4 bytes,
# 10 MB at 11,000 papers.
BLOCK = 256
_WORD = re.compile(r"\b\w\w+\b")
# Function words that say nothing about a paper's topic (written here for this list's prose).
STOP_WORDS = frozenset("""
    a about above after again against all also although am an and any are as at be because been
    before being below between both but by can could did do does doing down during each either
    few for from further had has have having he her here hers herself him himself his how however
    i if in into is it its itself just may me might more most must my myself no nor not now of off
    often on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through thus to too
    under until up upon us very via was we were what when where whether which while who whom why
    will with within without would yet you your yours yourself yourselves we've it's
    paper papers show shows shown study studies propose proposed present presents using use used
    new work results result find finds found
""".split())


def terms(text: str) -> list[str]:
    """Words (accents and case folded, stop words dropped) and the pairs of neighbouring words:
    pairs catch "neural collapse" and "double descent", which single words miss."""
    text = text.casefold()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = [w for w in _WORD.findall(text) if w not in STOP_WORDS]
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@lru_cache(maxsize=1 << 16)
def term_counts(text: str) -> Counter[str]:
    """`terms` counted; kept per text, so that `mkdocs serve` tokenizes only the texts that changed.
    Callers must not change the Counter they get."""
    return Counter(terms(text))


class _Ids(dict[str, int]):
    """Each term a number, in the order the terms come."""

    def __missing__(self, term: str) -> int:
        self[term] = number = len(self)
        return number


class TextIndex:
    """A fixed collection of texts, searchable by similarity to a new text or to each other.

    TF-IDF with sublinear term frequency (a digest that repeats "network" ten times is not ten times
    more about networks) and smoothed inverse document frequency, rows L2-normalised, built with
    scipy.sparse directly: scikit-learn's vectorizer does the same but costs a second to import,
    more than the rest of a build of today's list.
    """

    def __init__(self, texts: Sequence[str], keep_terms: bool = True) -> None:
        """`keep_terms`: each text's terms stay cached (`term_counts`) for the next index, as a `mkdocs serve`
        session's next rebuild needs them; a one-off build spares the memory (100 MB at 20 times the list).
        Each text's terms are read once and kept as numbers (a term's place in the order terms came in)."""
        ids = _Ids()
        columns, counts, lengths = array("q"), array("d"), array("q")
        for text in texts:
            count = term_counts(text) if keep_terms else Counter(terms(text))
            lengths.append(len(count))
            columns.extend(map(ids.__getitem__, count))
            counts.extend(count.values())
        came = list(ids)
        del ids
        order = np.array(sorted(range(len(came)), key=came.__getitem__), dtype=np.int64)  # the terms sorted: the columns
        rank = np.empty(len(came), dtype=np.int64)
        rank[order] = np.arange(len(came))
        self._vocabulary = {came[i]: column for column, i in enumerate(order.tolist())}
        del came
        n = len(lengths)
        seen = np.frombuffer(columns, dtype=np.int64)
        document_frequency = np.bincount(seen, minlength=len(rank))[order]
        self._idf = np.array([math.log((1 + n) / (1 + df)) + 1 for df in document_frequency.tolist()], dtype=np.float32)
        rows = np.repeat(np.arange(n), np.frombuffer(lengths, dtype=np.int64))
        self._matrix = self._weighted(rows, rank[seen], np.frombuffer(counts, dtype=np.float64), n)
        self._transposed = self._matrix.T.tocsr()

    def _vectors(self, counts: Sequence[Counter[str]]) -> csr_matrix:
        # every term of every text at once: its column (-1 for a term the index does not know) and count
        columns = np.fromiter(map(self._vocabulary.get, chain.from_iterable(counts), repeat(-1)), dtype=np.int64)
        values = np.fromiter(chain.from_iterable(count.values() for count in counts), dtype=np.float64, count=len(columns))
        rows = np.repeat(np.arange(len(counts)), [len(count) for count in counts])
        known = columns >= 0
        return self._weighted(rows[known], columns[known], values[known], len(counts))

    def _weighted(self, rows: np.ndarray, columns: np.ndarray, counts: np.ndarray, n: int) -> csr_matrix:
        """The rows' TF-IDF vectors, L2-normalised, from each term's row (ascending), column and count."""
        indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n))))
        matrix = csr_matrix(
            ((1.0 + np.fromiter(map(math.log, counts.tolist()), dtype=np.float64, count=len(counts))).astype(np.float32),
             columns.astype(np.int32), indptr.astype(np.int64)),
            shape=(n, len(self._vocabulary)),
        )
        matrix.sort_indices()
        matrix = matrix.multiply(self._idf).tocsr() if len(self._vocabulary) else matrix
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return csr_matrix(matrix.multiply(1.0 / norms[:, None]), dtype=np.float32)

    def __len__(self) -> int:
        return int(self._matrix.shape[0])

    def query(self, text: str, k: int) -> list[tuple[int, float]]:
        """The (index, cosine) of the k texts most similar to `text`, best first; none with nothing in common."""
        if not self._vocabulary:
            return []
        vector = self._vectors([Counter(terms(text))])
        scores = np.asarray((vector @ self._transposed).todense()).ravel()
        return _top(scores, k)

    def neighbours(self, k: int) -> list[list[tuple[int, float]]]:
        """For every text, the (index, cosine) of its k most similar other texts, best first."""
        # A term found in one text only adds nothing to any product between two texts: leave it out
        # of the product (the vectors keep their norms, so the cosines do not change).
        shared = np.flatnonzero(np.diff(self._transposed.indptr) > 1)
        rows = self._matrix[:, shared].tocsr()
        columns = rows.T.tocsr()
        k = min(k, len(self) - 1)

        found: list[list[tuple[int, float]]] = []
        for start in range(0, len(self), BLOCK):
            scores = (rows[start : start + BLOCK] @ columns).toarray()
            scores[np.arange(len(scores)), np.arange(start, start + len(scores))] = -1.0  # a text is not its own neighbour
            found += _top_rows(scores, k)
        return found


def _top_rows(scores: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
    """`_top` of every row of a block at once: numpy picks, Python only builds the short lists."""
    if k <= 0:
        return [[] for _ in range(len(scores))]
    picked = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(scores, picked, axis=1)
    order = np.lexsort((picked, -values), axis=1)  # best first, ties by index
    picked, values = np.take_along_axis(picked, order, axis=1), np.take_along_axis(values, order, axis=1)
    return [[(int(i), float(v)) for i, v in zip(row_i, row_v, strict=True) if v > 0] for row_i, row_v in zip(picked, values, strict=True)]


def _top(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best (index, score) pairs with a positive score, best first, ties by index."""
    k = min(k, len(scores))
    if k <= 0:
        return []
    candidates = np.argpartition(-scores, k - 1)[:k]
    ranked = sorted(candidates.tolist(), key=lambda i: (-scores[i], i))
    return [(int(i), float(scores[i])) for i in ranked if scores[i] > 0]
