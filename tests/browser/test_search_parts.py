"""Search over an index in parts, in Chromium: a list past `search.PART_RECORDS` records is indexed by one
Pagefind run per part (its memory grows with what it indexes), and search.js merges the parts in the
reader's browser. Here test_finding's list is indexed in parts of four records: the reader finds the same
papers, first where test_finding finds them, and the browser fetches each part."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import build_site, serve
from test_finding import PAPERS, OpenPage, ask, paper, write_list

from generator.site import search
from generator.site.search import indexed_records

PART_RECORDS = 4


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    tmp = tmp_path_factory.mktemp("parts")
    entries = write_list(tmp / "entries")
    with serve(tmp / "site") as url, pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "PART_RECORDS", PART_RECORDS)
        build_site(tmp / "site", url, entries)
        yield tmp / "site", url


def parts(site: Path) -> list[str]:
    listed: list[str] = json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))["parts"]
    return listed


def test_the_index_is_in_parts_of_the_size_set(site: Path) -> None:
    records = indexed_records(str(site))
    count = -(-len(records) // PART_RECORDS)
    assert parts(site) == [f"part-{k}/" for k in range(1, count)]
    for k in range(1, count):  # a part holds what a merged index reads, not a second copy of the script
        folder = site / "pagefind" / f"part-{k}"
        assert sorted(p.name for p in folder.iterdir() if p.is_file())[0] == "pagefind-entry.json"
        assert not list(folder.glob("*.js")) and not list(folder.glob("wasm.*"))
    urls = [str(r["meta"]["url"]) for r in records]  # type: ignore[index]
    assert len(urls) == len(set(urls)) and {f"memorization/#{paper_id}" for paper_id in PAPERS} <= set(urls)


def test_every_part_is_searched(open_page: OpenPage, site: Path) -> None:
    page = open_page("")
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url))
    hrefs = ask(page, "grokking")
    assert {paper(i) for i in ("power2022grokking", "liu2022omnigrok", "kumar2023grokking", "beck2024grokking")} <= set(hrefs)
    assert {part for part in parts(site) if any(f"/pagefind/{part}pagefind-entry.json" in url for url in fetched)} == set(parts(site))


def test_the_paper_that_named_a_phenomenon_still_comes_first(open_page: OpenPage) -> None:
    page = open_page("")
    hrefs = ask(page, "grokking")
    assert hrefs[0] == paper("power2022grokking")
    assert hrefs[1] == "/keywords/#kw-grokking"
    hrefs = ask(page, "NTK")
    assert hrefs[0] == paper("jacot2018neural")
    assert hrefs[1] == "/keywords/#kw-neural-tangent-kernel"


@pytest.mark.parametrize(("query", "meant"), [
    ("Arthur Jacot", "jacot2018neural"),
    ("hongler", "jacot2018neural"),
    ("omnigrok", "liu2022omnigrok"),
    ("lazy to rich", "kumar2023grokking"),
    ("edge of linear separability", "beck2024grokking"),
    ("deduplicating training data", "lee2022deduplicating"),
])
def test_titles_and_authors(open_page: OpenPage, query: str, meant: str) -> None:
    assert ask(open_page(""), query)[0] == paper(meant)
