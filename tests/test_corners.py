"""Inputs that grow: anchors of many names with one slug, clusters of near-identical titles, and
`check` printing at most CHECK_LIMIT problems of one kind. Exact behaviour on small inputs; the
timings are bench/bench_corners.py's."""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

import pytest

from generator.cli import CHECK_LIMIT, main, problem_kind
from generator.errors import Problem
from generator.list.identifiers import slugify
from generator.list.source import read_list
from generator.site.indexes import unique_anchors

TITLE = "Memorization and Generalization in Very Deep Convolutional Networks Trained With Noisy Labels, Part {}"


def probing_anchors(prefix: str, names: Iterable[str]) -> dict[str, str]:
    """The anchors as unique_anchors gave them before it remembered suffixes (ASCII names only)."""
    anchors: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        base = f"{prefix}-{slugify(name) or 'x'}"
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        anchors[name] = anchor
    return anchors


def test_fifty_names_without_letters_count_up_in_order() -> None:
    names = ["!" * k for k in range(1, 51)]
    assert list(unique_anchors("au", names).values()) == ["au-x", *(f"au-x-{n}" for n in range(2, 51))]


def test_a_suffix_another_name_took_is_passed_over() -> None:
    assert unique_anchors("au", ["A", "a 2", "a.", "A!", "a-3"]) == {
        "A": "au-a", "a 2": "au-a-2", "a.": "au-a-3", "A!": "au-a-4", "a-3": "au-a-3-2"}


def test_the_anchors_are_those_of_probing() -> None:
    rng = random.Random(5)
    names = list(dict.fromkeys(" ".join(rng.choice(["a", "b", "2", "3", "-"]) for _ in range(rng.randint(1, 3))) for _ in range(400)))
    assert unique_anchors("kw", names) == probing_anchors("kw", names)


def test_names_of_other_scripts_keep_their_letters() -> None:
    assert unique_anchors("au", ["王小明", "Дмитрий Иванов", "王小明 ", "अनिल कुमार", "Łukasz Kaiser"]) == {
        "王小明": "au-王小明", "Дмитрий Иванов": "au-дмитрий-иванов", "王小明 ": "au-王小明-2",
        "अनिल कुमार": "au-अनिल-कुमार", "Łukasz Kaiser": "au-ukasz-kaiser"}


def write(entries: Path, rel: str, title: str) -> None:
    (entries / rel).write_text(f"id: {Path(rel).stem}\ntitle: {title}\nyear: 2020\n", encoding="utf-8")


def near_title_errors(entries: Path) -> list[Problem]:
    _, _, problems = read_list(str(entries))
    return [p for p in problems if p.severity == "error" and "nearly the same title" in p.message]


def test_thirty_near_titles_are_one_cluster_named_after_its_first_file(small_list: Path) -> None:
    for k in range(10, 40):
        write(small_list, f"generalization/part{k}.yaml", TITLE.format(k))
    problems = near_title_errors(small_list)
    assert [p.path for p in problems] == [f"entries/generalization/part{k}.yaml" for k in range(11, 40)]
    assert problems[0].message == (
        f"nearly the same title as entries/generalization/part10.yaml ('{TITLE.format(10)}'): if it is the same paper, keep "
        "one file and list extra sections in also_in; if they are two papers, add distinct_from: [part10] to "
        "entries/generalization/part11.yaml and distinct_from: [part11] to entries/generalization/part10.yaml (or give both "
        "their arxiv or doi); 28 other file(s) have nearly this title too, each reported against entries/generalization/part10.yaml")
    assert all(p.related == ("entries/generalization/part10.yaml",) for p in problems)


def test_a_file_told_apart_from_the_first_is_reported_against_the_next(small_list: Path) -> None:
    write(small_list, "generalization/part10.yaml", TITLE.format(10) + "\ndistinct_from: [part11]")
    write(small_list, "generalization/part11.yaml", TITLE.format(11) + "\ndistinct_from: [part10]")
    write(small_list, "generalization/part12.yaml", TITLE.format(12))
    assert [(p.path, p.related) for p in near_title_errors(small_list)] == [
        ("entries/generalization/part12.yaml", ("entries/generalization/part10.yaml",))]


def test_check_prints_twenty_of_a_kind_then_how_many_more(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for k in range(10, 36):  # 26 files: 25 problems of one kind
        write(small_list, f"generalization/part{k}.yaml", TITLE.format(k))
    assert main(["check", "--entries", str(small_list)]) == 1
    lines = capsys.readouterr().err.splitlines()
    near = [line for line in lines if "nearly the same title" in line]
    assert len(near) == CHECK_LIMIT == 20
    assert lines[lines.index(near[-1]) + 1] == "... and 5 more like this (python -m generator check --all shows every one)"
    assert lines[-1].endswith("; 25 error(s), 105 warning(s)")  # the summary counts every problem
    assert main(["check", "--all", "--entries", str(small_list)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len([line for line in lines if "nearly the same title" in line]) == 25
    assert not any(line.startswith("... and") for line in lines)


def test_a_kind_is_the_message_without_its_files_numbers_and_quoted_values() -> None:
    def kind(message: str) -> str:
        return problem_kind(Problem("a.yaml", 1, message))[1]

    assert kind("distinct_from[3]: no paper has the id 'x'") == kind("distinct_from[0]: no paper has the id 'y'")
    assert kind("nearly the same title as entries/a/b.yaml ('T'): ...") == "nearly the same title as FILE "
    assert kind("no key words; add a few") != kind("no paper link; add links")
