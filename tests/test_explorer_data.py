"""The explorer's data in files of a byte budget (datafiles.explorer_files, explorer_chunks): every paper once,
newest first, each file within the budget and as full as it can be (a paper larger than the budget alone in its
file), explorer.json naming the further files, which are among the files a build writes; one file at the
default budget for a list that fits in one."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.list.catalog import Catalog
from generator.list.source import load_catalog
from generator.site import datafiles
from generator.site.datafiles import EXPLORER_FILE_BYTES, explorer_chunks, explorer_files

ROOT = Path(__file__).resolve().parent.parent
UNLIMITED = 1 << 40


@pytest.fixture(scope="module")
def real_list() -> Catalog:
    catalog, _ = load_catalog(str(ROOT / "entries"))
    return catalog


def compact(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def papers_by_file(files: dict[str, str], name: str = "explorer") -> list[list[dict[str, Any]]]:
    """The papers of each file, checking that the first names the others, in the order they were made."""
    head = json.loads(files[f"{name}.json"])
    assert list(files) == [f"{name}.json", *head["chunks"]]
    further = [json.loads(files[chunk]) for chunk in head["chunks"]]
    assert all(list(file) == ["papers"] for file in further)
    runs = [head["papers"], *(file["papers"] for file in further)]
    assert head["total"] == sum(map(len, runs))
    return runs


def check_files(files: dict[str, str], budget: int, ids: list[str], name: str = "explorer") -> None:
    """Every paper once, in order; each file within the budget, or holding one paper; none that could have
    taken the next file's first paper."""
    runs = papers_by_file(files, name)
    assert [p["id"] for run in runs for p in run] == ids
    sizes = [len(text.encode("utf-8")) for text in files.values()]
    for i, (run, size) in enumerate(zip(runs, sizes, strict=True)):
        assert run or len(ids) == 0, f"file {i} is empty"
        assert size <= budget or len(run) == 1, f"file {i}: {size} bytes with {len(run)} papers, over {budget}"
        if i + 1 < len(runs):
            assert size + 1 + len(compact(runs[i + 1][0])) > budget, f"file {i} had room for the next paper"


@pytest.mark.parametrize("parts", [2, 3, 5])
def test_the_small_list_in_several_files(small_list: Path, parts: int) -> None:
    catalog, _ = load_catalog(str(small_list))
    whole = explorer_files(catalog, budget=UNLIMITED)
    budget = len(whole["explorer.json"].encode("utf-8")) // parts
    files = explorer_files(catalog, budget=budget)
    assert len(files) > 1
    check_files(files, budget, [e.id for e in catalog.entries])
    # the further files change nothing but where the papers are
    head = json.loads(files["explorer.json"])
    one = json.loads(whole["explorer.json"])
    assert {k: v for k, v in head.items() if k not in ("papers", "chunks")} == {k: v for k, v in one.items() if k not in ("papers", "chunks")}
    assert [p for run in papers_by_file(files) for p in run] == one["papers"]


@pytest.mark.parametrize("budget", [5_000, 20_000, 120_000])
def test_the_real_list_in_small_files(real_list: Catalog, budget: int) -> None:
    files = explorer_files(real_list, budget=budget)
    check_files(files, budget, [e.id for e in real_list.entries])
    whole = explorer_files(real_list, budget=UNLIMITED)["explorer.json"]
    assert len(files) >= len(whole.encode("utf-8")) // budget


def test_one_file_at_the_default_budget_while_the_list_fits(real_list: Catalog) -> None:
    whole = explorer_files(real_list, budget=UNLIMITED)
    files = explorer_files(real_list)
    if len(whole["explorer.json"].encode("utf-8")) <= EXPLORER_FILE_BYTES:
        assert files == whole  # the explorer reads one file, as before there were further ones
        assert json.loads(files["explorer.json"])["chunks"] == []
    else:  # the list has grown past the budget: in files within it
        check_files(files, EXPLORER_FILE_BYTES, [e.id for e in real_list.entries])


def test_a_paper_larger_than_the_budget_goes_alone() -> None:
    papers = [{"id": f"p{i}", "title": "x" * (5_000 if i in (2, 3) else 100)} for i in range(8)]
    files = explorer_chunks({"sections": []}, papers, budget=1_000)
    check_files(files, 1_000, [p["id"] for p in papers])
    assert [[p["id"] for p in run] for run in papers_by_file(files)] == [["p0", "p1"], ["p2"], ["p3"], ["p4", "p5", "p6", "p7"]]
    # a budget smaller than any paper: one file each
    files = explorer_chunks({"sections": []}, papers, budget=10)
    assert [len(run) for run in papers_by_file(files)] == [1] * len(papers)


def test_the_budget_counts_bytes_of_utf8_as_written() -> None:
    """A lone surrogate is written as U+FFFD (3 bytes); é is 2 bytes: a file exactly at the budget stays whole,
    one byte less splits it."""
    papers = [{"id": "a", "title": "Lone \ud800 surrogate, café"}, {"id": "b", "title": "Über"}]
    whole = explorer_chunks({"sections": []}, papers, budget=UNLIMITED)["explorer.json"]
    assert "\ufffd" in whole and "\ud800" not in whole
    size = len(whole.encode("utf-8"))
    assert list(explorer_chunks({"sections": []}, papers, budget=size)) == ["explorer.json"]
    split = explorer_chunks({"sections": []}, papers, budget=size - 1)
    check_files(split, size - 1, ["a", "b"])
    assert len(split) == 2


def test_no_papers_one_file() -> None:
    files = explorer_chunks({"sections": [{"slug": "s", "title": "S"}]}, [], budget=10)
    assert files == {"explorer.json": '{"sections":[{"slug":"s","title":"S"}],"total":0,"chunks":[],"papers":[]}'}


def test_empty_fields_are_left_out(small_list: Path) -> None:
    catalog, _ = load_catalog(str(small_list))
    (papers,) = papers_by_file(explorer_files(catalog))
    head = json.loads(explorer_files(catalog)["explorer.json"])
    assert head["years"] == [min(e.year for e in catalog.entries), max(e.year for e in catalog.entries)]
    assert head["sections"] == [{"slug": s.slug, "title": s.title} for s in catalog.sections]
    for entry, paper in zip(catalog.entries, papers, strict=True):
        assert {"id", "title", "year", "sections", "url", "coins"} <= set(paper)
        assert paper.get("venue") == entry.venue
        assert paper.get("code", False) == (entry.link("code") is not None)
        assert paper.get("keywords", []) == list(entry.keywords) and paper.get("authors", []) == list(entry.authors)
        assert all(paper[name] for name in ("authors", "venue", "keywords", "code", "added") if name in paper)
    assert any("venue" not in p for p in papers) and any("code" not in p for p in papers)  # the fixture has both kinds


def test_the_further_files_are_written_with_the_others(small_list: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages command writes what the plugin adds to a build (test_site): the further files too."""
    catalog, _ = load_catalog(str(small_list))
    budget = len(explorer_files(catalog)["explorer.json"].encode("utf-8")) // 3
    monkeypatch.setattr(datafiles, "explorer_files", functools.partial(explorer_files, budget=budget))
    out = tmp_path / "pages"
    assert main(["pages", "--entries", str(small_list), "--out", str(out), "--related", "0"]) == 0
    written = {p.name: p.read_text(encoding="utf-8") for p in out.glob("explorer*.json") if p.name != "explorer-digests.json"}
    head = json.loads(written["explorer.json"])
    assert len(head["chunks"]) >= 2
    assert sorted(written) == sorted(["explorer.json", *head["chunks"]])
    check_files({name: written[name] for name in ["explorer.json", *head["chunks"]]}, budget, [e.id for e in catalog.entries])
