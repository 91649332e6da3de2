"""The committed list, and the list with one more paper added as a contributor would: each checks
clean, keeps every paper of its source, and builds strictly. Nothing here knows how many papers the
list has: a pull request that adds one correctly must pass unchanged."""

from __future__ import annotations

import html
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from generator.cli import main
from generator.commands.readme_import import parse_readme
from generator.list.source import entry_files, read_list
from generator.model import DRAFT_MARK
from generator.site.search import indexed_records

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = ROOT / "entries"
SOURCE = ROOT / "sources" / "awesome-deep-phenomena" / "README.md"
SOURCE_PAPERS, SOURCE_LISTINGS = 542, 543  # that README's own counts: it never changes, the list grows
NEW_PAPER = ROOT / "tests" / "fixtures" / "arxiv" / "contributor-paper.xml"


def add_paper_as_a_contributor(entries: Path) -> Path:
    """`new` from a saved arXiv answer, then the one edit `check` asks for: the draft line goes."""
    assert main(["new", "--entries", str(entries), "--atom-file", str(NEW_PAPER)]) == 0
    [written] = [p for p in entries.rglob("*.yaml") if "2611.00042" in p.read_text(encoding="utf-8")]
    text = written.read_text(encoding="utf-8")
    assert f"\n  {DRAFT_MARK.strip()}\n" in text
    written.write_text(text.replace(f"\n  {DRAFT_MARK.strip()}\n", "\n"), encoding="utf-8")
    assert main(["check", "--strict", str(written), "--entries", str(entries)]) == 0
    assert main(["fmt", "--check", str(written)]) == 0
    return written


@pytest.fixture(scope="module", params=["committed", "plus-one-paper"])
def entries(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if request.param == "committed":
        return ENTRIES
    copy = tmp_path_factory.mktemp("list") / "entries"
    shutil.copytree(ENTRIES, copy)
    add_paper_as_a_contributor(copy)
    return copy


def test_check_passes(entries: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--entries", str(entries)]) == 0
    summary = capsys.readouterr().err.splitlines()[-1]
    _, listed, _ = read_list(str(entries))
    assert re.fullmatch(rf"{len(listed)} valid entries; 0 error\(s\), \d+ warning\(s\)", summary)
    assert len(listed) == len(entry_files(str(entries))[0])  # every entry file is a valid entry


def test_every_paper_of_the_source_is_still_listed(entries: Path) -> None:
    imported = parse_readme(SOURCE.read_text(encoding="utf-8"), "README.md")
    info, listed, _ = read_list(str(entries))
    assert info is not None
    by_id = {e.id: e for e in listed}
    missing = [paper["id"] for paper in imported.entries if paper["id"] not in by_id]
    assert missing == []
    # a paper that left a section of the source is recorded in moved.yaml, so its old permalink still works
    left = [(slug, p["id"]) for p in imported.entries for slug in {p["section"], *p.get("also_in", [])} - set(by_id[p["id"]].sections)]
    assert [(slug, paper_id) for slug, paper_id in left if paper_id not in info.moved.get(slug, ())] == []
    assert len(imported.entries) == SOURCE_PAPERS and imported.listings == SOURCE_LISTINGS  # the fixed README, not the list


def test_licence_notice_travels_with_the_data() -> None:
    notice = (ENTRIES / "LICENSE").read_text(encoding="utf-8")
    assert notice.startswith("MIT License\n\nCopyright (c) 2022 Minghui Chen\n")


@pytest.fixture(scope="module")
def site(entries: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    assert main(["build", "--config-file", str(ROOT / "mkdocs.yml"), "--entries", str(entries), "--site-dir", str(target)]) == 0
    return target


def test_every_entry_is_a_heading_with_its_anchor_on_each_of_its_pages(entries: Path, site: Path) -> None:
    info, listed, _ = read_list(str(entries))
    assert info is not None
    headings: dict[str, dict[str, str]] = {}
    for section in info.sections:
        # the section's page, and the pages of its years once it is too big for one (render.section_pages)
        pages = [site / section.slug / "index.html", *sorted((site / section.slug).glob("*/index.html"))]
        page = "".join(path.read_text(encoding="utf-8") for path in pages)
        found = re.findall(r'<h3 id="([^"]+)">(.*?)<a class="headerlink" href="#\1"', page)
        headings[section.slug] = {anchor: html.unescape(text) for anchor, text in found}
        assert len(found) == len(headings[section.slug]), f"an anchor appears twice on {section.slug}"
    for entry in listed:
        for slug in entry.sections:
            assert headings[slug].get(entry.id) == entry.title, (slug, entry.id)
    assert sum(len(h) for h in headings.values()) == len(listed) + sum(len(e.also_in) for e in listed)


def test_every_entry_is_its_own_search_record(entries: Path, site: Path) -> None:
    """One Pagefind record per paper, linking its anchor on the page of its own section that shows it; plus one per key word and section."""
    info, listed, _ = read_list(str(entries))
    assert info is not None
    records = indexed_records(str(site))
    papers = [r for r in records if r["meta"]["kind"] == "paper"]
    hits = Counter(r["meta"]["url"] for r in papers)
    titles = {r["meta"]["url"]: r["meta"]["title"] for r in papers}
    for entry in listed:
        # its section's page, or the page of its year once the section is too big for one
        [location] = [url for url in hits if url.startswith(f"{entry.section}/") and url.endswith(f"/#{entry.id}")]
        assert hits[location] == 1, location
        assert titles[location] == entry.title
        assert f'<h3 id="{entry.id}">' in (site / location.split("#")[0] / "index.html").read_text(encoding="utf-8")
    assert len(papers) == len(listed)
    kinds = Counter(r["meta"]["kind"] for r in records)
    assert kinds["section"] == len(info.sections)
    assert kinds["page"] == 1  # the contributing page
    assert kinds["key word"] == len({kw for e in listed for kw in (info.canonical(k) for k in e.keywords)})
