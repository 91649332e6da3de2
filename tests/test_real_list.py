"""The committed list: it checks clean, keeps every paper of its source, and builds strictly."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest

from generator.cli import main
from generator.importer import parse_readme
from generator.search import indexed_records
from generator.source import read_list

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = ROOT / "entries"
SOURCE = ROOT / "sources" / "awesome-deep-phenomena" / "README.md"


def test_check_passes_on_the_committed_entries(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--entries", str(ENTRIES)]) == 0
    summary = capsys.readouterr().err.splitlines()[-1]
    assert re.fullmatch(r"\d+ valid entries; 0 error\(s\), \d+ warning\(s\)", summary)


def test_every_paper_of_the_source_is_still_listed() -> None:
    imported = parse_readme(SOURCE.read_text(encoding="utf-8"), "README.md")
    info, entries, _ = read_list(str(ENTRIES))
    assert info is not None
    by_id = {e.id: e for e in entries}
    missing = [paper["id"] for paper in imported.entries if paper["id"] not in by_id]
    assert missing == []
    moved = [p["id"] for p in imported.entries if set(by_id[p["id"]].sections) != {p["section"], *p.get("also_in", [])}]
    assert moved == []
    assert len(imported.entries) == 542 and imported.listings == 543


def test_licence_notice_travels_with_the_data() -> None:
    notice = (ENTRIES / "LICENSE").read_text(encoding="utf-8")
    assert notice.startswith("MIT License\n\nCopyright (c) 2022 Minghui Chen\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    assert main(["build", "--config-file", str(ROOT / "mkdocs.yml"), "--entries", str(ENTRIES), "--site-dir", str(target)]) == 0
    return target


def test_every_entry_is_a_heading_with_its_anchor_on_each_of_its_pages(site: Path) -> None:
    info, entries, _ = read_list(str(ENTRIES))
    assert info is not None
    headings: dict[str, dict[str, str]] = {}
    for section in info.sections:
        page = (site / section.slug / "index.html").read_text(encoding="utf-8")
        found = re.findall(r'<h3 id="([^"]+)">(.*?)<a class="headerlink" href="#\1"', page)
        headings[section.slug] = {anchor: html.unescape(text) for anchor, text in found}
        assert len(found) == len(headings[section.slug]), f"an anchor appears twice on {section.slug}"
    for entry in entries:
        for slug in entry.sections:
            assert headings[slug].get(entry.id) == entry.title, (slug, entry.id)
    assert sum(len(h) for h in headings.values()) == len(entries) + sum(len(e.also_in) for e in entries) == 543


def test_every_entry_is_its_own_search_record(site: Path) -> None:
    """One Pagefind record per paper, linking its anchor on its own section page; plus one per key word and section."""
    info, entries, _ = read_list(str(ENTRIES))
    records = indexed_records(str(site))
    papers = [r for r in records if r["meta"]["kind"] == "paper"]
    hits = Counter(r["meta"]["url"] for r in papers)
    titles = {r["meta"]["url"]: r["meta"]["title"] for r in papers}
    for entry in entries:
        location = f"{entry.section}/#{entry.id}"
        assert hits[location] == 1, location
        assert titles[location] == entry.title
    assert len(papers) == len(entries) == 542
    kinds = Counter(r["meta"]["kind"] for r in records)
    assert kinds["section"] == len(info.sections) == 9
    assert kinds["page"] == 1  # docs/contributing.md
    assert kinds["key word"] == len({kw for e in entries for kw in (info.canonical(k) for k in e.keywords)})
