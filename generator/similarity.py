"""Text similarity between papers: TF-IDF vectors compared by cosine.

The core of two features: the section and key words `new` suggests for a paper, and the related
papers under each entry. Vectors are L2-normalised, so a dot product is the cosine; products are
taken a block of rows at a time, so memory stays bounded at 20 times the size of today's list.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

# Rows per block of the all-pairs product: a block is BLOCK x len(texts) floats of 4 bytes,
# 10 MB at 11,000 papers.
BLOCK = 256


class TextIndex:
    """A fixed collection of texts, searchable by similarity to a new text or to each other."""

    def __init__(self, texts: Sequence[str]) -> None:
        # English stop words and sublinear term frequency: a digest that repeats "network" ten
        # times is not ten times more about networks. Bigrams catch "neural collapse", "double descent".
        self._vectorizer: TfidfVectorizer | None = TfidfVectorizer(
            stop_words="english", sublinear_tf=True, ngram_range=(1, 2), min_df=1, dtype=np.float32, strip_accents="unicode",
        )
        try:
            self._matrix = self._vectorizer.fit_transform(list(texts)).tocsr()
        except ValueError:  # no texts, or nothing but stop words: an index where nothing is similar
            self._vectorizer = None
            self._matrix = csr_matrix((len(texts), 0), dtype=np.float32)
        self._transposed = self._matrix.T.tocsr()

    def __len__(self) -> int:
        return int(self._matrix.shape[0])

    def query(self, text: str, k: int) -> list[tuple[int, float]]:
        """The (index, cosine) of the k texts most similar to `text`, best first; none with nothing in common."""
        if self._vectorizer is None:
            return []
        vector = self._vectorizer.transform([text])
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
