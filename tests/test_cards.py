"""A card per paper (p/<id>/: link previews, Google Scholar, reference managers), COinS on the section
pages and papers.ris: what Zotero and the others read, exactly, and a hostile entry inert in all three."""

from __future__ import annotations

import dataclasses
import html
import os
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urldefrag, urljoin

import pytest
import rispy  # type: ignore[import-untyped]
from sitecheck import site_pages

from generator.cli import main
from generator.list.catalog import Catalog, build_catalog
from generator.list.source import load_catalog
from generator.site.cards import card_file, card_url, cards
from generator.site.datafiles import papers_ris
from generator.site.pages import reserved_slugs
from generator.site.render import Site, make_environment
from generator.site.safety import scan_site
from generator.site.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_LIST = ROOT / "tests" / "fixtures" / "memorization"
SITE_URL = "https://example.org/list/"
LIST_TITLE = "Memorization in Deep Learning"

HOSTILE_TITLE = '</title><script>alert(1)</script> "Quoted" & <b>bold</b>'
HOSTILE_AUTHORS = ["</title><script>alert(2)</script>", "Ann \"Q\" O'Brien & Co"]
HOSTILE_VENUE = 'ICML 2021 "</title><script>alert(3)</script>" & more'
HOSTILE = f"""\
id: hostile2021card
title: '{HOSTILE_TITLE}'
authors:
  - '{HOSTILE_AUTHORS[0]}'
  - 'Ann "Q" O''Brien & Co'
venue: {HOSTILE_VENUE}
year: 2021
date: 2021-02-03
arxiv: '2102.00001'
doi: 10.1000/a&b'c
links:
  paper: https://example.org/paper?a=1&b=2
keywords:
  - Memorization
digest: A digest with & and "quotes" and 1 < 2 > 0.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Catalog, Path]]:
    """The small list plus a hostile paper, built for SITE_URL."""
    tmp = tmp_path_factory.mktemp("cards")
    entries = tmp / "entries"
    shutil.copytree(FIXTURE_LIST, entries)
    (entries / "memorization" / "hostile2021card.yaml").write_text(HOSTILE, encoding="utf-8")
    saved = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = SITE_URL
    try:
        code = main(["build", "--config-file", str(ROOT / "mkdocs.yml"), "--entries", str(entries), "--site-dir", str(tmp / "site")])
    finally:
        if saved is None:
            del os.environ["SITE_URL"]
        else:
            os.environ["SITE_URL"] = saved
    assert code == 0
    catalog, _ = load_catalog(str(entries), reserved_slugs())
    yield catalog, tmp / "site"


class Page(HTMLParser):
    """A card or page as a browser reads it: its meta tags, title, elements, links and COinS."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []  # (name or property, content), in order
        self.title = ""
        self.h1 = ""
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.coins: list[str] = []
        self.copy_links: list[str] = []
        self.h3: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if tag == "meta" and "content" in values:
            self.meta.append((values.get("property") or values.get("name") or "", values["content"]))
        if tag in ("title", "h1"):
            self._in = tag
        if tag == "span" and values.get("class") == "Z3988":
            self.coins.append(values["title"])
        if tag == "button" and "data-dlp-copy-link" in values:
            self.copy_links.append(values["data-dlp-copy-link"])
        if tag == "h3" and values.get("id"):
            self.h3.append(values["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data

    @classmethod
    def of(cls, path: Path) -> Page:
        page = cls()
        page.feed(path.read_text(encoding="utf-8"))
        page.close()
        return page

    def links(self, css_class: str) -> list[str]:
        return [values["href"] for tag, values in self.tags if tag == "a" and css_class in values.get("class", "").split()]


def parse(path: Path) -> Page:
    return Page.of(path)


def card(site: Path, entry_id: str) -> Page:
    return parse(site / card_file(entry_id))


# --- the card ---------------------------------------------------------------------------------------------------------


def test_every_paper_has_a_card_and_nothing_else_is_in_p(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    found = sorted(p.relative_to(site).as_posix() for p in (site / "p").rglob("*") if p.is_file())
    assert found == sorted(card_file(e.id) for e in catalog.entries)
    # out of the sitemap, the navigation and the search
    assert f"{SITE_URL}p/" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "p/" not in " ".join(Page.of(site / "index.html").links("md-nav__link"))


def test_the_meta_tags_of_a_preprint_card(built: tuple[Catalog, Path]) -> None:
    url = f"{SITE_URL}p/zielinski2020explaining.html"
    title = "Explaining Memorization and Generalization: A Large-Scale Study with Coherent Gradients"
    digest = ("Intervention experiments on VGG, Inception and ResNet support the coherent gradients hypothesis: memorization occurs "
              "when few examples are responsible for most of the gradient.")
    page = card(built[1], "zielinski2020explaining")
    assert page.title == f"{title} - {LIST_TITLE}" and page.h1 == title
    assert page.meta == [
        ("viewport", "width=device-width, initial-scale=1"), ("color-scheme", "light dark"), ("description", digest),
        ("og:type", "article"), ("og:site_name", LIST_TITLE), ("og:title", title), ("og:description", digest), ("og:url", url),
        ("twitter:card", "summary"), ("twitter:title", title), ("twitter:description", digest),
        ("citation_title", title),
        ("citation_author", "Piotr Zielinski"), ("citation_author", "Shankar Krishnan"), ("citation_author", "Satrajit Chatterjee"),
        ("citation_publication_date", "2020/03/16"), ("citation_year", "2020"),
        ("citation_arxiv_id", "2003.07422"), ("citation_pdf_url", "https://arxiv.org/pdf/2003.07422"),
        ("citation_abstract_html_url", url),
    ]
    assert ("link", {"rel": "canonical", "href": url}) in page.tags


def test_a_conference_paper_names_its_conference_and_the_year_it_appeared(built: tuple[Catalog, Path]) -> None:
    meta = card(built[1], "zhang2017understanding").meta
    assert ("citation_conference_title", "ICLR 2017") in meta and ("citation_publication_date", "2017") in meta
    assert not any(name == "citation_journal_title" for name, _ in meta)
    assert [content for name, content in meta if name == "citation_author"] == [
        "Chiyuan Zhang", "Samy Bengio", "Moritz Hardt", "Benjamin Recht", "Oriol Vinyals"]


def test_open_in_the_list_reaches_the_paper_and_the_card_loads_its_script(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    pages = site_pages(site)
    for entry in catalog.entries:
        path = "/" + card_file(entry.id)
        page = card(site, entry.id)
        [forward] = page.links("dlp-card-forward")
        target, anchor = urldefrag(urljoin(path, forward))
        assert anchor == entry.id and target == f"/{entry.section}/", forward
        assert entry.id in pages[target + "index.html"].ids
        scripts = [values for tag, values in page.tags if tag == "script"]
        assert scripts == [{"type": "module", "src": "../assets/card.js"}]
        assert (site / "assets" / "card.js").is_file() and (site / "assets" / "card.css").is_file()


def test_a_card_shows_the_sites_icon_as_every_page_does(built: tuple[Catalog, Path]) -> None:
    """A standalone page has no theme to add the icon: without the link a browser asks the server's
    root for /favicon.ico, a 404 on a project site (user.github.io/list/)."""
    catalog, site = built
    [theirs] = [values["href"] for tag, values in Page.of(site / "index.html").tags if tag == "link" and values.get("rel") == "icon"]
    assert (site / urljoin("/", theirs).lstrip("/")).is_file()
    for entry in catalog.entries:
        path = "/" + card_file(entry.id)
        [icon] = [values["href"] for tag, values in card(site, entry.id).tags if tag == "link" and values.get("rel") == "icon"]
        assert urljoin(path, icon) == urljoin("/", theirs), icon


def test_a_cards_icon_from_the_theme_option_as_it_is_written(small_list: Path) -> None:
    catalog, _ = load_catalog(str(small_list))
    name = "p/zielinski2020explaining.html"
    for favicon, link in (("images/logo.svg", '<link rel="icon" href="../images/logo.svg">'),
                          ("https://cdn.example.org/icon.png", '<link rel="icon" href="https://cdn.example.org/icon.png">'),
                          ("/icon.png", '<link rel="icon" href="/icon.png">')):
        assert link in cards(Site(catalog, directory_urls=False), SITE_URL, favicon=favicon)[name]
    assert 'rel="icon"' not in cards(Site(catalog, directory_urls=False), SITE_URL)[name]  # a theme without one


def test_copy_link_copies_the_card(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    for section in catalog.sections:
        page = parse(site / section.slug / "index.html")
        assert len(page.copy_links) == len(page.h3) > 0
        for entry_id, link in zip(page.h3, page.copy_links, strict=True):
            assert urljoin(f"/{section.slug}/", link) == "/" + card_url(entry_id)


def test_cards_without_directory_urls_and_from_the_store(small_list: Path) -> None:
    catalog, _ = load_catalog(str(small_list))
    flat = cards(Site(catalog, directory_urls=False), SITE_URL)
    assert sorted(flat) == sorted(f"p/{e.id}.html" for e in catalog.entries)
    text = flat["p/zielinski2020explaining.html"]
    assert 'href="../memorization.html#zielinski2020explaining">Open in the list</a>' in text
    assert f'<meta property="og:url" content="{SITE_URL}p/zielinski2020explaining.html">' in text
    store = Store()
    first = cards(Site(catalog, store=store), SITE_URL)
    store.finish()
    again = cards(Site(catalog, store=store), SITE_URL)
    assert again == first and (store.hits, store.misses) == (len(catalog.entries), 0)


def test_the_site_scan_reads_the_body_of_a_card(built: tuple[Catalog, Path], tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built[1] / "p", site / "p")
    assert scan_site(str(site)) == []
    path = site / card_file("lee2022deduplicating")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("<h1>", '<h1><img src="https://tracker.example/x.gif">'), encoding="utf-8")
    assert [p.message for p in scan_site(str(site))] == ["a request to another host in src= on <img> in the page content"]


# --- COinS ------------------------------------------------------------------------------------------------------------


def test_coins_of_each_paper_on_a_section_page(built: tuple[Catalog, Path]) -> None:
    page = parse(built[1] / "memorization" / "index.html")
    assert len(page.coins) == len(page.h3)
    coins = {entry_id: parse_qs(title, strict_parsing=True) for entry_id, title in zip(page.h3, page.coins, strict=True)}
    assert coins["lee2022deduplicating"] == {
        "ctx_ver": ["Z39.88-2004"], "rft_val_fmt": ["info:ofi/fmt:kev:mtx:book"], "rft.genre": ["proceeding"],
        "rft.atitle": ["Deduplicating Training Data Makes Language Models Better"], "rft.btitle": ["ACL 2022"],
        "rft.au": ["Katherine Lee", "Daphne Ippolito", "Andrew Nystrom", "Chiyuan Zhang", "Douglas Eck", "Chris Callison-Burch",
                   "Nicholas Carlini"],
        "rft.date": ["2022"], "rft_id": ["info:arxiv/2107.06499", "https://arxiv.org/abs/2107.06499"],
    }
    assert coins["zielinski2020explaining"] == {
        "ctx_ver": ["Z39.88-2004"], "rft_val_fmt": ["info:ofi/fmt:kev:mtx:dc"], "rft.type": ["preprint"],
        "rft.title": ["Explaining Memorization and Generalization: A Large-Scale Study with Coherent Gradients"],
        "rft.creator": ["Piotr Zielinski", "Shankar Krishnan", "Satrajit Chatterjee"],
        "rft.date": ["2020-03-16"], "rft_id": ["info:arxiv/2003.07422", "https://arxiv.org/abs/2003.07422"],
    }
    # a paper listed in a second section has its COinS there too
    other = parse(built[1] / "generalization" / "index.html")
    assert len(other.coins) == len(other.h3) and "zhang2017understanding" in other.h3


def test_coins_of_a_journal_article() -> None:
    catalog, _ = load_catalog(str(FIXTURE_LIST))
    entry = next(e for e in catalog.entries if e.id == "zielinski2020explaining")
    entry = dataclasses.replace(entry, venue="Nature", doi="10.1038/x")
    text = make_environment().get_template("coins.html.j2").render(entry=entry)
    assert text.startswith('<span class="Z3988" title="') and text.endswith('"></span>\n')
    fields = parse_qs(html.unescape(text.split('title="')[1].split('"')[0]), strict_parsing=True)
    assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"] and fields["rft.genre"] == ["article"]
    assert fields["rft.jtitle"] == ["Nature"] and fields["rft.atitle"] == [entry.title]
    assert fields["rft_id"] == ["info:doi/10.1038/x", "info:arxiv/2003.07422", "https://arxiv.org/abs/2003.07422"]


# --- RIS --------------------------------------------------------------------------------------------------------------


def test_papers_ris_has_one_record_per_paper_with_its_fields(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    text = (site / "papers.ris").read_bytes().decode("utf-8")
    records = rispy.loads(text)
    assert [r["id"] for r in records] == [e.id for e in catalog.entries]
    by_id = {r["id"]: r for r in records}
    assert by_id["lee2022deduplicating"] == {
        "type_of_reference": "CONF", "id": "lee2022deduplicating", "title": "Deduplicating Training Data Makes Language Models Better",
        "authors": ["Katherine Lee", "Daphne Ippolito", "Andrew Nystrom", "Chiyuan Zhang", "Douglas Eck", "Chris Callison-Burch",
                    "Nicholas Carlini"],
        "year": "2022", "secondary_title": "ACL 2022", "urls": ["https://arxiv.org/abs/2107.06499"],
        "abstract": "Language modeling datasets contain many near-duplicates; removing them means models emit memorized text ten times less often.",
    }
    assert by_id["zhang2022layers"] == {
        "type_of_reference": "GEN", "id": "zhang2022layers", "title": "Are All Layers Created Equal?",
        "authors": ["Chiyuan Zhang", "Samy Bengio", "Yoram Singer"], "year": "2022", "urls": ["https://arxiv.org/abs/1902.01996"],
        "abstract": "Layers of large networks are either robust or critical to re-initialization after training; see the paper.",
    }
    assert text.startswith("TY  - ") and text.endswith("ER  - \r\n") and "\n" not in text.replace("\r\n", "")


def test_a_journal_article_in_ris() -> None:
    catalog, _ = load_catalog(str(FIXTURE_LIST))
    first = dataclasses.replace(catalog.entries[0], venue="Nature", doi="10.1038/x")
    [record] = rispy.loads(papers_ris(build_catalog(catalog.info, [first])))
    assert record["type_of_reference"] == "JOUR" and record["journal_name"] == "Nature" and record["doi"] == "10.1038/x"


def test_a_line_break_cannot_start_a_record_or_a_tag_in_ris() -> None:
    catalog, _ = load_catalog(str(FIXTURE_LIST))
    injected = "A title\r\nER  - \r\n\r\nTY  - JOUR\nTI  - Injected\u2028AU  - X\x00"
    first = dataclasses.replace(catalog.entries[0], title=injected, authors=("Ann\nER  - ", "\ud800"), digest="One.\n\nTwo.")
    records = rispy.loads(papers_ris(build_catalog(catalog.info, [first, *catalog.entries[1:]])))
    assert len(records) == len(catalog.entries)
    assert records[0]["title"] == "A title ER  -  TY  - JOUR TI  - Injected AU  - X"
    assert records[0]["authors"] == ["Ann ER  -"] and records[0]["abstract"] == "One. Two."


# --- hostile text ------------------------------------------------------------------------------------------------------


def test_a_hostile_paper_is_text_in_its_card(built: tuple[Catalog, Path]) -> None:
    page = card(built[1], "hostile2021card")
    assert page.title == f"{HOSTILE_TITLE} - {LIST_TITLE}" and page.h1 == HOSTILE_TITLE
    meta = dict(page.meta)
    assert meta["citation_title"] == meta["og:title"] == meta["twitter:title"] == HOSTILE_TITLE
    assert [content for name, content in page.meta if name == "citation_author"] == HOSTILE_AUTHORS
    assert meta["citation_conference_title"] == HOSTILE_VENUE and meta["citation_doi"] == "10.1000/a&b'c"
    assert meta["og:description"] == 'A digest with & and "quotes" and 1 < 2 > 0.'
    tags = [tag for tag, _ in page.tags]
    assert tags.count("script") == 1 and "b" not in tags  # only card.js; the title's <script> and <b> are text
    assert not any(name.startswith("on") for _, values in page.tags for name in values)


def test_a_hostile_paper_is_text_in_its_coins_and_ris(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    page = parse(site / "memorization" / "index.html")
    coins = parse_qs(page.coins[page.h3.index("hostile2021card")], strict_parsing=True)
    assert coins["rft.atitle"] == [HOSTILE_TITLE] and coins["rft.au"] == HOSTILE_AUTHORS and coins["rft.btitle"] == [HOSTILE_VENUE]
    assert coins["rft_id"] == ["info:doi/10.1000/a&b'c", "info:arxiv/2102.00001", "https://example.org/paper?a=1&b=2"]
    assert "b" not in [tag for tag, _ in page.tags]
    records = {r["id"]: r for r in rispy.loads((site / "papers.ris").read_text(encoding="utf-8"))}
    assert len(records) == len(catalog.entries)
    record = records["hostile2021card"]
    assert (record["title"], record["authors"], record["secondary_title"]) == (HOSTILE_TITLE, HOSTILE_AUTHORS, HOSTILE_VENUE)
    assert record["doi"] == "10.1000/a&b'c" and record["urls"] == ["https://example.org/paper?a=1&b=2"]


def test_a_section_cannot_take_the_cards_folder() -> None:
    assert "p" in reserved_slugs()
