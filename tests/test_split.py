"""A section with more papers than one page should hold: an index and a page per year or range of
years, every permalink `section/#id` still reaching its paper, and a rebuild that reuses what it kept
making the same bytes as a clean build."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from sitecheck import broken_links, site_pages

from generator.cli import main
from generator.list.source import load_catalog
from generator.model import Entry, Section
from generator.site.render import section_pages

ROOT = Path(__file__).resolve().parent.parent


def config(tmp_path: Path, **options: object) -> Path:
    """The repo's mkdocs.yml with plugin options of the test's own."""
    lines = "".join(f"      {key}: {value}\n" for key, value in options.items())
    path = tmp_path / "mkdocs.test.yml"
    path.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {ROOT / 'docs'}\ntheme:\n  name: material\n  custom_dir: {ROOT / 'overrides'}\n"
                    f"plugins:\n  - search\n  - reading-list:\n      contributing: {ROOT / 'CONTRIBUTING.md'}\n{lines}", encoding="utf-8")
    return path


def build(entries: Path, site: Path, config_file: Path) -> int:
    return main(["build", "--config-file", str(config_file), "--entries", str(entries), "--site-dir", str(site)])


def paper(year: int, n: int) -> Entry:
    return Entry(id=f"p{year}n{n}", title=f"Paper {n} of {year}", year=year, section="s", path=f"p{year}n{n}.yaml")


def test_years_are_grouped_while_they_fit_and_cut_when_one_does_not() -> None:
    sizes = {2024: 5, 2023: 1, 2022: 1, 2021: 7}
    years = [(year, [paper(year, n) for n in range(count)]) for year, count in sizes.items()]
    pages = section_pages(Section("s", "S", ""), years, 4, size=lambda _: 1)
    assert [(p.name, p.label, p.count) for p in pages] == [
        ("s.md", "", 14), ("s/2024.md", "2024", 4), ("s/2024-part-2.md", "2024 (part 2)", 1), ("s/2022-2023.md", "2022-2023", 2),
        ("s/2021.md", "2021", 4), ("s/2021-part-2.md", "2021 (part 2)", 3),
    ]
    assert pages[0].parts == tuple(pages[1:])
    assert [e.id for p in pages[1:] for _, papers in p.years for e in papers] == [e.id for _, papers in years for e in papers]
    assert [(p.name, p.count) for p in section_pages(Section("s", "S", ""), years, 14, size=lambda _: 1)] == [("s.md", 14)]


def test_a_split_section_keeps_every_permalink(small_list: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(small_list, site, config(tmp_path, split_kb=1)) == 0  # each paper over the size: a page each
    catalog, _ = load_catalog(str(small_list))
    listed = {e.id: e for e in catalog.entries if "memorization" in e.sections}
    pages = site_pages(site)
    parts = sorted(path for path in pages if re.fullmatch(r"/memorization/[^/]+/index\.html", path))
    years = sorted({e.year for e in listed.values()})
    assert parts == sorted(f"/memorization/{year}/index.html" for year in years)
    # each paper is a heading on exactly one page of the section, never on its index
    shown = {paper_id: [p for p in parts if paper_id in pages[p].ids] for paper_id in listed}
    assert all(len(where) == 1 for where in shown.values()), shown
    index = (site / "memorization" / "index.html").read_text(encoding="utf-8")
    assert not set(listed) & pages["/memorization/index.html"].ids
    forward = json.loads(re.search(r'data-dlp-forward="([^"]*)"', index).group(1).replace("&quot;", '"'))
    assert {paper_id: f"/memorization/{target}index.html" for paper_id, target in forward.items()} == {k: v[0] for k, v in shown.items()}
    for year in years:
        assert f'<a href="{year}/">{year}</a>' in index
    # the navigation lists the section's pages; the explorer and every link lead straight to a paper's page
    assert "All years" in index and re.search(rf'href="{years[0]}/"[^>]*class="md-nav__link', index)
    explorer = json.loads((site / "explorer.json").read_text(encoding="utf-8"))
    for item in explorer["papers"]:
        if item["sections"][0] == "memorization":
            assert f"/{item['url'].split('#')[0]}index.html" == shown[item["id"]][0]
    assert broken_links(site) == []
    # the downloads keep the permanent address
    assert all(d["url"] == f"{d['section']}/#{d['id']}" for d in json.loads((site / "papers.json").read_text(encoding="utf-8")))


def files(site: Path) -> dict[str, bytes]:
    """The built site, but Pagefind's bundle, whose file names are new hashes at every build."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file() and "pagefind" not in p.parts}


def test_a_rebuild_from_the_cache_makes_the_same_bytes_as_a_clean_build(small_list: Path, tmp_path: Path) -> None:
    kept, fresh = tmp_path / "kept-cache", tmp_path / "fresh-cache"
    (tmp_path / "warm").mkdir()
    (tmp_path / "cold").mkdir()
    warm, cold = config(tmp_path / "warm", cache_dir=kept), config(tmp_path / "cold", cache_dir=fresh)
    assert build(small_list, tmp_path / "first", warm) == 0
    assert (kept / "rendered.sealed").is_file()
    assert build(small_list, tmp_path / "again", warm) == 0
    assert files(tmp_path / "again") == files(tmp_path / "first")

    entry = small_list / "memorization" / "zhang2017understanding.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("title: ", "title: Revisited ", 1), encoding="utf-8")
    assert build(small_list, tmp_path / "edited-warm", warm) == 0
    shutil.rmtree(fresh, ignore_errors=True)
    assert build(small_list, tmp_path / "edited-cold", cold) == 0
    assert files(tmp_path / "edited-warm") == files(tmp_path / "edited-cold")
    assert "Revisited Understanding" in (tmp_path / "edited-warm" / "memorization" / "index.html").read_text(encoding="utf-8")


def forward_map(page: Path) -> dict[str, str]:
    found = re.search(r'data-dlp-forward="([^"]*)"', page.read_text(encoding="utf-8"))
    assert found, page
    return dict(json.loads(found.group(1).replace("&quot;", '"')))


def test_split_indexes_keep_every_anchor(small_list: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(small_list, site, config(tmp_path, index_split_kb=0)) == 0  # every item a page of its own
    catalog, _ = load_catalog(str(small_list))
    pages = site_pages(site)
    for index in ("keywords", "authors", "years"):
        parts = sorted(path for path in pages if re.fullmatch(rf"/{index}/[^/]+/index\.html", path))
        assert len(parts) > 1, index
        forward = forward_map(site / index / "index.html")
        # every anchor the index's own page used to hold is on the page its forward names
        for anchor, target in forward.items():
            assert anchor in pages[f"/{index}/{target}index.html"].ids, (index, anchor)
    keywords = {keyword for entry in catalog.entries for keyword in entry.keywords}
    assert len(forward_map(site / "keywords" / "index.html")) >= len(keywords)
    assert {f"year-{entry.year}" for entry in catalog.entries} <= set(forward_map(site / "years" / "index.html"))
    # the papers' own links go straight to the page that holds a key word or an author
    section = (site / "memorization" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'class="dlp-keyword" href="\.\./keywords/[^/"]+/#kw-', section)
    assert re.search(r'class="dlp-author" href="\.\./authors/[^/"]+/#au-', section)
    assert broken_links(site) == []
