"""One paper once: near-identical titles (a word inserted or dropped too), distinct_from, arXiv DOIs."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest

from generator.cli import main
from generator.list.duplicates import near_title_pairs, near_titles
from generator.list.emit import format_entry
from generator.list.identifiers import arxiv_from_url, normalize_arxiv, normalize_title
from generator.list.source import read_list


def errors(entries: Path) -> list[str]:
    _, _, problems = read_list(str(entries))
    return [str(p) for p in problems if p.severity == "error"]


def write(entries: Path, rel: str, title: str, *lines: str) -> None:
    stem = Path(rel).stem
    (entries / rel).write_text("\n".join([f"id: {stem}", f"title: {title}", "year: 2020", *lines, ""]), encoding="utf-8")


# --- which titles are near-identical ------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("A Closer Look at Memorization in Deep Networks", "A Closer Look at Memorization in Deep Neural Networks", True),
        ("Understanding deep learning requires rethinking generalization",
         "Understanding deep learning (still) requires rethinking generalization", True),
        ("A Closer Look at Memorization in Deep Networks", "A Closer Look at the Memorization in Deep Neural Networks", True),
        ("Deep Learning Scaling is Predictable", "Deep Learning Scaling is Predictable, Empirically", True),
        ("Are All Layers Created Equal?", "Are all the layers created equal", True),  # the difflib ratio
        # a replaced word makes another paper
        ("Expressivity of Deep Neural Networks", "Robustness of Deep Neural Networks", False),
        ("A Closer Look at Memorization in Deep Networks", "A Closer Look at Generalization in Deep Networks", False),
        # three inserted words, or a title too short to say
        ("Scaling Laws for Neural Language Models", "Scaling Laws for Neural Language Models of Source Code", False),
        ("Deep Double Descent", "Deep Double Descent Revisited", False),
        ("Grokking", "Grokking Explained", False),
        ("Deep Learning", "Deep Learning", False),  # equal: validate's own same-title check
    ],
)
def test_near_titles(a: str, b: str, near: bool) -> None:
    assert near_titles(normalize_title(a), normalize_title(b)) is near
    assert near_titles(normalize_title(b), normalize_title(a)) is near


def test_the_blocks_find_every_near_pair() -> None:
    """near_title_pairs, which compares only titles that share a rare word, finds what comparing
    every pair finds, on titles made to have words inserted, dropped and changed."""
    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(60)]
    titles = []
    for _ in range(120):
        words = rng.sample(vocabulary, rng.randint(3, 9))
        titles.append(" ".join(words))
        for _ in range(2):
            variant = list(words)
            for _ in range(rng.randint(1, 3)):
                variant.insert(rng.randrange(len(variant) + 1), rng.choice(vocabulary))
            if rng.random() < 0.3:
                variant[rng.randrange(len(variant))] = rng.choice(vocabulary)
            titles.append(" ".join(variant))
    expected = {(i, j) for i, j in itertools.combinations(range(len(titles)), 2) if near_titles(titles[i], titles[j])}
    assert len(expected) > 100
    assert {(i, j) for i, j, _ in near_title_pairs(titles)} == expected


# --- check: near titles and distinct_from --------------------------------------------------------


def test_check_reports_a_word_inserted_and_distinct_from_settles_it(small_list: Path) -> None:
    write(small_list, "memorization/arpit2017closer.yaml", "A Closer Look at Memorization in Deep Networks")
    write(small_list, "generalization/other2021closer.yaml", "A Closer Look at Memorization in Deep Neural Networks")
    assert errors(small_list) == [
        "entries/memorization/arpit2017closer.yaml:2: nearly the same title as entries/generalization/other2021closer.yaml "
        "('A Closer Look at Memorization in Deep Neural Networks'): if it is the same paper, keep one file and list extra "
        "sections in also_in; if they are two papers, add distinct_from: [other2021closer] to entries/memorization/arpit2017closer.yaml "
        "and distinct_from: [arpit2017closer] to entries/generalization/other2021closer.yaml (or give both their arxiv or doi)"
    ]
    write(small_list, "memorization/arpit2017closer.yaml", "A Closer Look at Memorization in Deep Networks", "distinct_from: [other2021closer]")
    assert errors(small_list) == [
        "entries/memorization/arpit2017closer.yaml:4: distinct_from[0]: entries/generalization/other2021closer.yaml does not name "
        "this paper back; add distinct_from: [arpit2017closer] to entries/generalization/other2021closer.yaml"
    ]
    write(small_list, "generalization/other2021closer.yaml", "A Closer Look at Memorization in Deep Neural Networks",
          "distinct_from:", "  - arpit2017closer")
    assert errors(small_list) == []


def test_the_still_paper_is_flagged_until_both_say_they_are_two(small_list: Path) -> None:
    write(small_list, "generalization/zhang2021understanding.yaml",
          "Understanding deep learning (still) requires rethinking generalization", "doi: 10.1145/3446776")
    assert errors(small_list) == [
        "entries/memorization/zhang2017understanding.yaml:2: nearly the same title as entries/generalization/zhang2021understanding.yaml "
        "('Understanding deep learning (still) requires rethinking generalization'): if it is the same paper, keep one file and "
        "list extra sections in also_in; if they are two papers, add distinct_from: [zhang2021understanding] to "
        "entries/memorization/zhang2017understanding.yaml and distinct_from: [zhang2017understanding] to "
        "entries/generalization/zhang2021understanding.yaml (or give both their arxiv or doi)"
    ]
    write(small_list, "generalization/zhang2021understanding.yaml",
          "Understanding deep learning (still) requires rethinking generalization", "doi: 10.1145/3446776",
          "distinct_from: [zhang2017understanding]")
    own = small_list / "memorization" / "zhang2017understanding.yaml"
    own.write_text(own.read_text(encoding="utf-8") + "distinct_from: [zhang2021understanding]\n", encoding="utf-8")
    assert errors(small_list) == []


def test_the_same_title_twice_is_two_papers_when_both_say_so(small_list: Path) -> None:
    write(small_list, "memorization/lecun2015deep.yaml", "Deep Learning", "distinct_from: [goodfellow2016deep]")
    write(small_list, "generalization/goodfellow2016deep.yaml", "Deep learning.", "distinct_from: [lecun2015deep]")
    assert errors(small_list) == []
    write(small_list, "generalization/again2020deep.yaml", "Deep Learning")
    assert errors(small_list) == [
        "entries/generalization/goodfellow2016deep.yaml:2: same paper as entries/generalization/again2020deep.yaml (the same title); "
        "keep one file and list extra sections in also_in; if they are two papers, add again2020deep to the distinct_from of "
        "entries/generalization/goodfellow2016deep.yaml and distinct_from: [goodfellow2016deep] to entries/generalization/again2020deep.yaml",
        "entries/memorization/lecun2015deep.yaml:2: same paper as entries/generalization/again2020deep.yaml (the same title); "
        "keep one file and list extra sections in also_in; if they are two papers, add again2020deep to the distinct_from of "
        "entries/memorization/lecun2015deep.yaml and distinct_from: [lecun2015deep] to entries/generalization/again2020deep.yaml",
    ]


def test_distinct_from_names_other_listed_papers(small_list: Path) -> None:
    write(small_list, "memorization/solo.yaml", "A Paper Alone", "distinct_from:", "  - solo", "  - nobody",
          "  - zhang2022layers")
    assert errors(small_list) == [
        "entries/memorization/solo.yaml:5: distinct_from[0]: 'solo' is this paper's own id; name the other paper",
        "entries/memorization/solo.yaml:6: distinct_from[1]: no paper has the id 'nobody'",
        "entries/memorization/solo.yaml:7: distinct_from[2]: entries/generalization/zhang2022layers.yaml does not name "
        "this paper back; add distinct_from: [solo] to entries/generalization/zhang2022layers.yaml",
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("distinct_from: []", "4: distinct_from: must not be empty"),
        ("distinct_from: other", "4: distinct_from: must be a list, not text"),
        ("distinct_from: [a, a]", "4: distinct_from: 'a' is listed twice"),
    ],
)
def test_distinct_from_schema(small_list: Path, line: str, message: str) -> None:
    write(small_list, "memorization/x.yaml", "A Paper Alone", line)
    _, _, problems = read_list(str(small_list))
    assert [f"{p.line}: {p.message}" for p in problems if p.severity == "error"] == [message]


def test_distinct_from_in_dump_and_in_the_file_order(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(small_list, "memorization/lecun2015deep.yaml", "Deep Learning", "distinct_from: [goodfellow2016deep]", "added: '2024-01-02'",
          "also_in: [generalization]")
    write(small_list, "generalization/goodfellow2016deep.yaml", "Deep Learning", "distinct_from: [lecun2015deep]")
    assert main(["dump", "--entries", str(small_list)]) == 0
    dumped = {d["id"]: d for d in json.loads(capsys.readouterr().out)}
    assert dumped["lecun2015deep"]["distinct_from"] == ["goodfellow2016deep"]
    assert "distinct_from" not in dumped["zhang2022layers"]
    data = {"added": "2024-01-02", "distinct_from": ["goodfellow2016deep"], "also_in": ["generalization"], "id": "x", "title": "T"}
    assert format_entry(data) == "id: x\ntitle: T\nalso_in:\n  - generalization\ndistinct_from:\n  - goodfellow2016deep\nadded: '2024-01-02'\n"


# --- arXiv DOIs are arXiv ids ------------------------------------------------------------------


def test_an_arxiv_doi_is_the_same_paper_as_its_arxiv_id(small_list: Path) -> None:
    write(small_list, "generalization/by-doi.yaml", "Title of by-doi", "doi: 10.48550/arXiv.1611.03530")
    write(small_list, "generalization/by-doi-link.yaml", "Title of by-doi-link",
          "links: {paper: 'https://doi.org/10.48550/ARXIV.2003.07422'}")
    assert errors(small_list) == [
        "entries/memorization/zhang2017understanding.yaml:11: same paper as entries/generalization/by-doi.yaml (arXiv 1611.03530); "
        "keep one file and list extra sections in also_in",
        "entries/memorization/zielinski2020explaining.yaml:9: same paper as entries/generalization/by-doi-link.yaml (arXiv 2003.07422); "
        "keep one file and list extra sections in also_in",
    ]


def test_an_arxiv_doi_and_a_journal_doi_do_not_tell_a_paper_apart(small_list: Path) -> None:
    """A journal DOI beside the arXiv id, and the arXiv DOI on the other file: one paper, not two
    papers told apart by different DOIs."""
    write(small_list, "generalization/journal.yaml", "Are All Layers Created Equal", "arxiv: '1902.01996'", "doi: 10.5555/jmlr.1")
    write(small_list, "memorization/preprint.yaml", "Are all the layers created equal", "doi: 10.48550/arXiv.1902.01996")
    assert [e.split(": same paper as ")[0] for e in errors(small_list)] == [
        "entries/generalization/zhang2022layers.yaml:8", "entries/memorization/preprint.yaml:4"]


@pytest.mark.parametrize(
    ("spelling", "arxiv"),
    [
        ("math/0211159", "math/0211159"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("arXiv:hep-th/9901001", "hep-th/9901001"),
        ("MATH.gt/0309136", "math.GT/0309136"),
        ("https://arxiv.org/abs/math.GT/0309136v1", "math.GT/0309136"),
        ("10.48550/arXiv.math/0211159", "math/0211159"),
        ("arXiv:2008.03703v2 [cs.LG]", "2008.03703"),
        ("https://arxiv.org/html/2008.03703v2", "2008.03703"),
        ("2008", None),
        ("2008.03703x", None),
        ("https://example.org/abs/2008.03703", None),
        ("10.1145/3446776", None),
        ("https://doi.org/10.1145/3446776", None),
    ],
)
def test_normalize_arxiv(spelling: str, arxiv: str | None) -> None:
    assert normalize_arxiv(spelling) == arxiv


def test_arxiv_from_url_knows_arxiv_dois() -> None:
    assert arxiv_from_url("https://doi.org/10.48550/arXiv.2008.03703") == "2008.03703"
    assert arxiv_from_url("https://doi.org/10.1145/3446776") is None
