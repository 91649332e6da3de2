"""The explorer for reference managers, in Chromium: one COinS span per paper shown, the same ContextObject as
on the paper's section page (what Zotero's connector reads), following the filters; and the shown papers as
RIS (papers.ris, fetched once, cut to the view in its order), checked with rispy."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import rispy  # type: ignore[import-untyped]
from harness import bib_keys, sections_of
from playwright.sync_api import Page, expect
from test_explorer import HARNESS_FIXTURES, control, download_bibtex, expect_count, explorer, open_explorer, shown_ids

Papers = list[dict[str, Any]]
OpenPage = Callable[..., Page]
RIS_BUTTON = "Download these as RIS"


class SectionCoins(HTMLParser):
    """A page's COinS by paper: the title of the Z3988 span after each paper's heading (entry.html.j2)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paper = ""
        self.coins: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "h3" and values.get("id"):
            self.paper = values["id"]
        elif tag == "span" and values.get("class") == "Z3988":
            self.coins.setdefault(self.paper, values["title"])


def section_coins(site: Path, href: str, cache: dict[str, dict[str, str]]) -> str:
    """The COinS title the paper has on the page the explorer links it to (`/section/#id`, `/section/2023/#id`)."""
    parts = urlsplit(href)
    if parts.path not in cache:
        parser = SectionCoins()
        parser.feed((site / parts.path.strip("/") / "index.html").read_text(encoding="utf-8"))
        cache[parts.path] = parser.coins
    return cache[parts.path][parts.fragment]


def explorer_coins(page: Page) -> list[tuple[str, str, str]]:
    """(paper id, link, COinS title) of every COinS span in the explorer, in page order."""
    found: list[list[str]] = page.eval_on_selector_all("#dlp-explorer .Z3988", """spans => spans.map(span => {
        const link = span.closest(".dlp-x-paper").querySelector(".dlp-x-title");
        return [new URL(link.href).hash.slice(1), link.href, span.getAttribute("title")];
    })""")
    return [(paper, href, title) for paper, href, title in found]


def test_coins_follow_the_view(open_page: OpenPage, papers: Papers, site: Path) -> None:
    pages: dict[str, dict[str, str]] = {}
    page = open_explorer(open_page)
    assert page.locator(".Z3988").count() == len(shown_ids(page))  # the first 200: one span each, none elsewhere

    section = papers[0]["section"]
    control(page, "Section").select_option(section)
    control(page, "From year").select_option(str(papers[0]["year"]))
    expected = [p["id"] for p in papers if section in sections_of(p) and p["year"] >= papers[0]["year"]]
    expect_count(page, len(expected), len(papers))
    spans = explorer_coins(page)
    assert [paper for paper, _, _ in spans] == shown_ids(page) == expected[:200]
    assert page.locator(".Z3988").count() == len(spans)
    for paper, href, title in spans:
        on_section_page = section_coins(site, href, pages)
        assert title == on_section_page, paper  # byte for byte, so the fields are the same too
        assert parse_qs(title, strict_parsing=True) == parse_qs(on_section_page, strict_parsing=True)

    # every paper of the list: each span as its section page has it (every kind of venue, names with accents, ...)
    control(page, "Section").select_option("")
    control(page, "From year").select_option(str(min(p["year"] for p in papers)))
    explorer(page).get_by_role("button", name=re.compile(r"^Show all")).click()
    expect(page.locator(".Z3988")).to_have_count(len(papers))
    spans = explorer_coins(page)
    assert [paper for paper, _, _ in spans] == [p["id"] for p in papers]
    assert [title for _, _, title in spans] == [section_coins(site, href, pages) for _, href, _ in spans]
    by_id = {p["id"]: p for p in papers}
    for paper, _, title in spans:
        fields = parse_qs(title, strict_parsing=True)
        assert fields["ctx_ver"] == ["Z39.88-2004"]
        assert fields.get("rft.atitle", fields.get("rft.title")) == [by_id[paper]["title"]]
        assert fields.get("rft.au", fields.get("rft.creator", [])) == by_id[paper].get("authors", [])

    control(page, "Search").fill("no paper has this zzqx")
    expect_count(page, 0, len(papers))
    expect(page.locator(".Z3988")).to_have_count(0)


def ris_records(text: str) -> dict[str, str]:
    """papers.ris's records by their ID tag, each as written (TY line to ER line)."""
    records = re.findall(r"^TY  - .*?^ER  - \r?\n", text, flags=re.MULTILINE | re.DOTALL)
    return {re.search(r"^ID  - (.*?)\r?$", record, flags=re.MULTILINE).group(1): record for record in records}  # type: ignore[union-attr]


def download_ris(page: Page, tmp_path: Path, name: str) -> str:
    with page.expect_download() as info:
        explorer(page).get_by_role("button", name=RIS_BUTTON).click()
    download = info.value
    assert download.suggested_filename == "papers-filtered.ris"
    target = tmp_path / name
    download.save_as(target)
    return target.read_bytes().decode("utf-8")


def test_ris_download(open_page: OpenPage, papers: Papers, site: Path, tmp_path: Path) -> None:
    whole = (site / "papers.ris").read_bytes().decode("utf-8")
    records = ris_records(whole)
    assert list(records) == [p["id"] for p in papers]
    page = open_explorer(open_page)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if request.url.endswith("/papers.ris") else None)

    everything = download_ris(page, tmp_path, "all.ris")  # every match, not only the 200 shown
    assert [r["id"] for r in rispy.loads(everything)] == [p["id"] for p in papers]
    assert everything == whole

    section = Counter(s for p in papers for s in sections_of(p)).most_common(1)[0][0]
    control(page, "Section").select_option(section)
    control(page, "Sort").select_option("title")
    expect(page).to_have_url(re.compile(r"sort=title"))
    expected = page.evaluate("window.dlpExplorer.ids()")  # the shown order: by title
    assert sorted(expected) == sorted(p["id"] for p in papers if section in sections_of(p))
    assert expected != [p["id"] for p in papers if section in sections_of(p)]
    some = download_ris(page, tmp_path, "some.ris")
    parsed = rispy.loads(some)
    assert [r["id"] for r in parsed] == expected
    whole_parsed = {r["id"]: r for r in rispy.loads(whole)}
    assert parsed == [whole_parsed[i] for i in expected]
    assert some == "\r\n".join(records[i] for i in expected)
    assert len(fetched) == 1  # fetched once, then reused
    assert bib_keys(download_bibtex(page, tmp_path, "some.bib")) == expected  # BibTeX in the shown order too

    button = explorer(page).get_by_role("button", name=RIS_BUTTON)
    control(page, "Search").fill("no paper has this zzqx")
    expect_count(page, 0, len(papers))
    expect(button).to_be_disabled()
    control(page, "Search").fill("")
    expect(button).to_be_enabled()


def coins_of(entry: dict[str, Any]) -> str:
    """generator/site/coins.py's query string for a dc-format paper, written out here."""
    pairs = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"), ("rft.type", "document"),
             ("rft.title", entry["title"]), *(("rft.creator", a) for a in entry["authors"]), ("rft.date", str(entry["year"]))]
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs)


def test_hostile_coins_stay_text(open_page: OpenPage, site: Path) -> None:
    """Markup, quotes, placeholders and every character urlencode treats specially, in a title and names."""
    harness = site / "harness" / "library"
    harness.mkdir(parents=True, exist_ok=True)
    index = (HARNESS_FIXTURES / "index.html").read_text(encoding="utf-8")
    (harness / "index.html").write_text(index.replace('data-bib="data.bib"', 'data-bib="data.bib" data-ris="data.ris"'), encoding="utf-8")
    shutil.copy(HARNESS_FIXTURES / "data.bib", harness / "data.bib")
    head = "ctx_ver=Z39.88-2004&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Adc&rft.type=document"
    entries = [
        {"id": "h1", "title": '"><script>window.pwned=1</script> {authors} & x={title} ~!*\'()% é 𝔼', "year": 2020,
         "authors": ["Ann \"Q\" O'Brien & Co", "{title}", "</span><img src=x onerror=window.pwned=1>"]},
        {"id": "h2", "title": "No authors", "year": 2021, "authors": []},
    ]
    data = {"sections": [{"slug": "s", "title": "S"}], "papers": [
        {**e, "sections": ["s"], "keywords": [], "url": f"s/#{e['id']}",
         "coins": f"{head}&rft.title={{title}}&rft.creator={{authors}}&rft.date={e['year']}"} for e in entries]}
    (harness / "data.json").write_text(json.dumps(data), encoding="utf-8")
    (harness / "data.ris").write_text("TY  - GEN\r\nID  - h2\r\nTI  - No authors\r\nER  - \r\n", encoding="utf-8")
    page = open_explorer(open_page, path="harness/library/")
    expect(explorer(page).locator(".dlp-x-count")).to_have_text("2 of 2 papers")
    assert [title for _, _, title in explorer_coins(page)] == [coins_of(e) for e in entries]
    assert page.locator("#dlp-explorer img, #dlp-explorer script").count() == 0
    assert page.evaluate("window.pwned") is None
    expect(explorer(page).get_by_role("button", name=RIS_BUTTON)).to_be_enabled()
