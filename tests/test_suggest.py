"""Text similarity and the suggestions `new` makes from the list itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.model import ListInfo
from generator.similarity import TextIndex
from generator.source import read_list
from generator.suggest import Suggester, sentences

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "neural collapse of last-layer features to a simplex equiangular tight frame",
    "double descent of test error as model size grows",
    "lottery tickets: sparse subnetworks that train in isolation",
    "neural collapse under the mean squared error loss",
    "the, and of",  # nothing but stop words
]


def test_query_ranks_by_cosine_and_leaves_out_unrelated_texts() -> None:
    index = TextIndex(TEXTS)
    found = index.query("when does neural collapse happen to features", 10)
    assert [i for i, _ in found] == [0, 3]
    assert 1 >= found[0][1] > found[1][1] > 0


def test_neighbours_leave_out_the_text_itself_and_agree_with_query() -> None:
    index = TextIndex(TEXTS)
    neighbours = index.neighbours(2)
    assert len(neighbours) == len(TEXTS)
    assert [i for i, _ in neighbours[0]] == [3]
    assert [i for i, _ in neighbours[3]] == [0, 1]  # "error" in common with the double descent text
    assert neighbours[4] == []
    assert neighbours[0][0][1] == pytest.approx(dict(index.query(TEXTS[0], 5))[3], rel=1e-5)


def test_degenerate_collections() -> None:
    assert TextIndex([]).neighbours(3) == []
    assert TextIndex(["the and", "of"]).neighbours(3) == [[], []]
    assert TextIndex(["one text"]).neighbours(3) == [[]]
    assert TextIndex(["one text"]).query("text", 0) == []


def test_sentences_do_not_end_at_abbreviations() -> None:
    assert sentences("We use e.g.  ResNets, cf. Fig. 3. Results hold (Zhang et al. 2017). Done!") == [
        "We use e.g. ResNets, cf. Fig. 3.", "Results hold (Zhang et al. 2017).", "Done!",
    ]


@pytest.fixture(scope="module")
def real_list() -> tuple[ListInfo, Suggester]:
    info, entries, _ = read_list(str(ROOT / "entries"))
    assert info is not None
    return info, Suggester(entries, info)


@pytest.mark.parametrize(
    ("title", "abstract", "section", "keyword"),
    [
        (
            "On the geometry of last-layer features at the terminal phase of training",
            "Late in training, the within-class variability of last-layer features collapses to zero and the class means "
            "form a simplex equiangular tight frame. We show that this neural collapse also happens with the mean squared "
            "error loss and study what it implies for generalization and transfer.",
            "neural-collapse", "Neural Collapse",
        ),
        (
            "Winning tickets at initialization",
            "Iterative magnitude pruning finds sparse subnetworks that, trained in isolation from their original "
            "initialization, match the accuracy of the dense network. We find such winning tickets early in training.",
            "lottery-ticket-hypothesis", "Lottery Ticket Hypothesis",
        ),
        (
            "When does test error peak?",
            "Test error rises near the interpolation threshold and falls again as the number of parameters grows: "
            "model-wise and epoch-wise double descent in deep networks and random features regression.",
            "deep-double-descent", "Deep Double Descent",
        ),
    ],
)
def test_suggestions_on_the_real_list(real_list: tuple[ListInfo, Suggester], title: str, abstract: str, section: str, keyword: str) -> None:
    _, suggester = real_list
    found = suggester.suggest(title, abstract)
    assert found.section == section
    assert keyword in found.keywords
    assert len(found.keywords) == 3


def test_key_words_are_the_lists_own_in_canonical_spelling(real_list: tuple[ListInfo, Suggester]) -> None:
    info, suggester = real_list
    found = suggester.suggest("Neural scaling laws of language models", "Loss falls as a power law in compute, data and parameters.", keywords=10)
    assert "Neural Scaling Laws" in found.keywords
    assert not set(found.keywords) & set(info.aliases)
    assert set(found.keywords) <= set(suggester.keyword_uses)


def test_leaving_a_paper_out_takes_its_own_key_words_out_of_the_vocabulary(real_list: tuple[ListInfo, Suggester]) -> None:
    _, suggester = real_list
    uses = suggester.keyword_uses
    index, paper = next((i, e) for i, e in enumerate(suggester.entries) if any(uses[k] == 1 for k in e.keywords))
    only_its_own = {k for k in paper.keywords if uses[k] == 1}
    with_it = suggester.suggest(paper.title, paper.digest, keywords=50)
    without = suggester.suggest(paper.title, paper.digest, keywords=50, exclude=index)
    assert only_its_own & set(with_it.keywords)
    assert not only_its_own & set(without.keywords)
