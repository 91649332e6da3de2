"""What a reader downloads cannot be turned against them (issue 12): papers.bib, each paper's BibTeX copy
button, the explorer's BibTeX download, papers.csv, papers.json, explorer.json and feed.xml, built from
the small list plus the `download-*` cases of the hostile corpus and read back with real parsers.

A case's header may say, besides what tests/hostile/corpus.py reads:

    # bib: FIELD = VALUE     the field's exact value (inside its braces) in papers.bib
    # csv: COLUMN = VALUE    the cell's exact text in papers.csv
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import feedparser  # type: ignore[import-untyped]
import pytest
from bibtexparser.library import Library
from bibtexparser.middlewares import SeparateCoAuthors
from hostile.corpus import Case, all_cases, list_with
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db  # type: ignore[import-untyped]

from generator.cli import main
from generator.list.catalog import Catalog, build_catalog
from generator.list.source import load_catalog
from generator.model import Entry
from generator.site.bibtex import bibliography, bibtex, cite, entry_type, latex_text, safe_math, verbatim
from generator.site.datafiles import SHORT_NAME, atom_feed, explorer_files, inert_cell, opensearch, papers_csv, papers_json
from generator.site.render import FEED_ITEMS

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / "mkdocs.yml")
CASES = [c for c in all_cases() if c.name.startswith("download-")]
# what a spreadsheet may take for a formula: the cell's first character after spaces
FORMULA = re.compile(r"[\s\x00]*[=+\-@\uff1d\uff0b\uff0d\uff20\t\r\n]")
# explorer.js `bibEntries`: an entry starts with `@type{key,` at a line start, `^` of a JavaScript
# multiline regex: the text's start or after \n, \r, U+2028, U+2029
JS_ENTRY_START = re.compile(r"(?<![^\n\r\u2028\u2029])@[A-Za-z]+\s*\{\s*([^,\s]+)\s*,")


def header(case: Case, key: str) -> dict[str, str]:
    """FIELD -> VALUE of the case's `# key: FIELD = VALUE` lines."""
    found = {}
    for line in case.raw.decode("utf-8").splitlines():
        if not line.startswith("#"):
            break
        name, _, value = line[1:].strip().partition(": ")
        if name == key:
            field, _, text = value.partition(" = ")
            found[field] = text
    return found


def js_bib_entries(text: str) -> dict[str, str]:
    """The explorer's split of papers.bib into entries by key, as explorer.js does it."""
    starts = [(m.start(), m.group(1)) for m in JS_ENTRY_START.finditer(text)]
    ends = [s for s, _ in starts[1:]] + [len(text)]
    return {key: text[start:end].strip() + "\n" for (start, key), end in zip(starts, ends, strict=True)}


def bib_fields(entry: Entry) -> set[str]:
    """The fields a paper's BibTeX entry has, from what the paper has."""
    names = {"title", "year"} | ({"author"} if entry.authors else set())
    if entry.venue:
        names.add({"inproceedings": "booktitle", "article": "journal"}.get(entry_type(entry), "howpublished"))
    if entry.arxiv:
        names |= {"eprint", "archivePrefix"}
    if entry.doi:
        names.add("doi")
    if entry.link("paper"):
        names.add("url")
    return names


def balanced(value: str) -> bool:
    """Braces balanced as BibTeX counts them: every brace, a backslash escapes none."""
    depth = 0
    for char in value:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def parse_bib(text: str) -> Library:
    library: Library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors()])  # type: ignore[attr-defined]
    assert library.failed_blocks == [] and library.comments == [] and library.strings == [] and library.preambles == []
    return library


def _latex_to_text() -> LatexNodes2Text:
    """pylatexenc's LaTeX to text, with LaTeX's own \\textbraceleft and \\textbraceright, which it lacks."""
    context = get_default_latex_context_db()
    context.add_context_category("braces", prepend=True, macros=[
        MacroTextSpec("textbraceleft", simplify_repl="{"), MacroTextSpec("textbraceright", simplify_repl="}")])
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


LATEX_TO_TEXT = _latex_to_text()


def as_text(latex: str) -> str:
    """A BibTeX value as a reader sees it: LaTeX to text, math as written."""
    text = str(LATEX_TO_TEXT.latex_to_text(latex))
    return text.replace("\u201d", '"').replace("\u02c6", "^").replace("\u02dc", "~")  # its ” ˆ ˜ for '' ^ ~


class CopyButtons(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.texts += [v or "" for k, v in attrs if k == "data-dlp-copy"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, Path]:
    tmp = tmp_path_factory.mktemp("downloads")
    entries = list_with(CASES, tmp / "entries")
    catalog, _ = load_catalog(str(entries))
    assert main(["build", "--config-file", CONFIG, "--entries", str(entries), "--site-dir", str(tmp / "site")]) == 0
    return catalog, tmp / "site"


def test_the_cases_are_in_the_list(built: tuple[Catalog, Path]) -> None:
    catalog, _ = built
    assert len(CASES) >= 5 and all(c.outcome == "inert" for c in CASES)
    assert {c.entry_id for c in CASES} <= {e.id for e in catalog.entries}


def test_papers_bib_has_one_entry_per_paper_with_its_fields(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    text = (site / "papers.bib").read_text(encoding="utf-8")
    library = parse_bib(text)
    assert [b.key for b in library.entries] == [e.id for e in catalog.entries]
    for bib, entry in zip(library.entries, catalog.entries, strict=True):
        assert set(bib.fields_dict) == bib_fields(entry), entry.id
        assert len(bib["author"] if entry.authors else []) == len(entry.authors), entry.id  # one name stays one author
        assert all(balanced(f.value) for f in bib.fields if isinstance(f.value, str)), entry.id
        assert as_text(bib["title"]) == entry.title.replace("\u201d", '"'), entry.id  # what the reader's document prints
    # every line is the writer's: an entry's head, one field, its end, or the blank line between entries
    assert [line for line in text.splitlines() if not re.fullmatch(r"@\w+\{[a-z0-9-]+,|  \w+ = \{.*\},?|\}|", line)] == []


@pytest.mark.parametrize("case", [c for c in CASES if header(c, "bib")], ids=lambda c: c.name)
def test_bib_fields_of_a_case(case: Case, built: tuple[Catalog, Path]) -> None:
    _, site = built
    library = parse_bib((site / "papers.bib").read_text(encoding="utf-8"))
    bib = {b.key: b for b in library.entries}[case.entry_id]
    for field, value in header(case, "bib").items():
        raw = bib.fields_dict[field].value
        assert (" and ".join(raw) if isinstance(raw, list) else raw) == value, field


def test_the_explorer_download_splits_papers_bib_exactly(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    text = (site / "papers.bib").read_text(encoding="utf-8")
    parts = js_bib_entries(text)
    assert list(parts) == [e.id for e in catalog.entries]
    for entry in catalog.entries:
        assert parts[entry.id] == cite(entry)
        assert [b.key for b in parse_bib(parts[entry.id]).entries] == [entry.id]


def test_each_copy_button_holds_one_entry(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    copied: dict[str, str] = {}
    for section in {e.section for e in catalog.entries}:
        parser = CopyButtons()
        parser.feed((site / section / "index.html").read_text(encoding="utf-8"))
        for text in parser.texts:
            entries = parse_bib(text).entries
            assert len(entries) == 1 and len(js_bib_entries(text)) == 1, text
            copied[entries[0].key] = text
    assert copied == {e.id: cite(e) for e in catalog.entries}


def test_papers_csv_has_no_formula(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    rows = list(csv.DictReader(io.StringIO((site / "papers.csv").read_text(encoding="utf-8"), newline="")))
    assert [r["id"] for r in rows] == [e.id for e in catalog.entries]
    cells = [(r["id"], name, cell) for r in rows for name, cell in r.items()]
    assert [c for c in cells if FORMULA.match(c[2]) and not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", c[2])] == []
    by_id = {r["id"]: r for r in rows}
    for case in CASES:
        for column, value in header(case, "csv").items():
            assert by_id[case.entry_id][column] == value, (case.name, column)


def test_json_files_have_one_record_per_paper(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    papers = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in papers] == [e.id for e in catalog.entries]
    assert [p["title"] for p in papers] == [e.title for e in catalog.entries]
    explorer = json.loads((site / "explorer.json").read_text(encoding="utf-8"))
    for name in explorer["chunks"]:  # none for a list this small, but the explorer reads them all
        explorer["papers"] += json.loads((site / name).read_text(encoding="utf-8"))["papers"]
    assert [p["id"] for p in explorer["papers"]] == [e.id for e in catalog.entries]


def test_feed_is_well_formed_with_one_item_per_paper(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    raw = (site / "feed.xml").read_bytes()
    root = ET.fromstring(raw)
    assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) == min(FEED_ITEMS, len(catalog.entries))
    feed = feedparser.parse(raw)
    assert feed.bozo == 0
    assert sorted(e.title for e in feed.entries) == sorted(e.title for e in catalog.entries)


OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def test_opensearch_describes_the_sites_search_and_every_page_links_it(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    base = feedparser.parse((site / "feed.xml").read_bytes()).feed.links[0].href.removesuffix("feed.xml")  # the site's address
    root = ET.fromstring((site / "opensearch.xml").read_bytes())
    short = root.findtext(f"{OPENSEARCH}ShortName") or ""
    assert 0 < len(short) <= SHORT_NAME and catalog.info.title.startswith(short)
    assert root.findtext(f"{OPENSEARCH}InputEncoding") == "UTF-8"
    [url] = root.findall(f"{OPENSEARCH}Url")
    assert url.attrib == {"type": "text/html", "method": "get", "template": f"{base}?q={{searchTerms}}"}  # what search.js opens
    for page in site.rglob("*.html"):
        if page.parent.name != "p":  # the cards are standalone pages, outside the theme
            assert '<link rel="search" type="application/opensearchdescription+xml"' in page.read_text(encoding="utf-8"), page


@pytest.mark.parametrize(("title", "short"), [
    ("Deep Learning Phenomena", "Deep Learning"), ("Memorization", "Memorization"), ("Sixteen letters!", "Sixteen letters!"),
    ("Supercalifragilisticexpialidocious", "Supercalifragili"), ('<Tom & "Jerry">\ufffe reading list', '<Tom & "Jerry">'),
])
def test_opensearch_short_names_and_text_that_xml_must_escape(tmp_path: Path, title: str, short: str) -> None:
    catalog = small_catalog(tmp_path)
    catalog = build_catalog(dataclasses.replace(catalog.info, title=title), catalog.entries)
    root = ET.fromstring(opensearch(catalog, 'https://example.org/a&b/"list"'))
    assert root.findtext(f"{OPENSEARCH}ShortName") == short
    assert root.findtext(f"{OPENSEARCH}Description") == f"Search {title.replace(chr(0xFFFE), '')}: papers, key words and pages"
    assert root.find(f"{OPENSEARCH}Url").attrib["template"] == 'https://example.org/a&b/"list"/?q={searchTerms}'  # type: ignore[union-attr]


# --- the writers on their own: what `check` does not (yet) keep out ----------------------------------------------


def paper(**fields: object) -> Entry:
    base: dict[str, object] = {"id": "x2020y", "title": "A title", "year": 2020, "section": "memorization", "path": "p.yaml"}
    return Entry(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize("formula", [
    r"\ell_2", r"O(1/\sqrt{n})", r"n^{-1/2}", r"n \to \infty", r"\Theta(n)", r"\mathbb{E}[x]", r"\tilde{O}(d^2)",
    r"\frac{1}{\sqrt{d}}", r"x \in \mathbb{R}^d", r"\sum_{i=1}^n \alpha_i", r"\alpha \approx 0.5", r"\{x_i\}",
    r"\|W\|_F", r"\langle x, y \rangle", r"\lambda_{\max}", r"\operatorname{tr}(A)", r"\text{if } x > 0", r"a\,b",
])
def test_safe_math_is_kept(formula: str) -> None:
    assert safe_math(formula)
    assert latex_text(f"On ${formula}$ alone") == f"On ${formula}$ alone"


@pytest.mark.parametrize("formula", [
    r"\input{/etc/passwd}", r"\include{x}", r"\def\x{y}", r"\catcode`\^=0", r"\write18{id}", r"\immediate\openout1=x",
    r"\csname input\endcsname", r"\read16 to \x", r"\expandafter", r"x^^5cinput", "}", "{", "x}{", r"\{ }", "50% of",
    "#1", "a & b", r"a \\ b", "\\", r"\verb|x|", "x\u00e9", r"\left\{ x \right.", r"\usepackage{x}",
])
def test_unsafe_math_becomes_text(formula: str) -> None:
    assert not safe_math(formula)
    value = latex_text(f"On ${formula}$ alone")
    assert balanced(value) and not re.search(r"\\(input|include|def|catcode|write|immediate|openout|csname|read|expandafter|verb|usepackage)", value)
    assert "^^" not in value
    assert as_text(value) == f"On ${formula}$ alone"


def test_line_breaks_never_start_a_line_of_papers_bib() -> None:
    entries = [paper(id=f"p{i}", title=f"A{sep}@misc{{evil{i}, title={{x}}}}", authors=(f"B{sep}@book{{c,",))
               for i, sep in enumerate(("\n", "\r", "\u2028", "\u2029", "\x85", "\t", "\x0b"))]
    text = bibliography(entries)
    assert list(js_bib_entries(text)) == [e.id for e in entries]
    assert [b.key for b in parse_bib(text).entries] == [e.id for e in entries]
    assert not re.search("[\r\u2028\u2029\x85\t\x0b]", text)


def test_identifiers_and_names_stay_inside_their_fields() -> None:
    entry = paper(arxiv="2102.06062}, note={x", doi="10.1/a}\n@misc{b,", links=(("paper", "https://e.org/\\x{y} z"),),
                  id="x2020y", authors=("Ada\u2028and Bob", "X and", "and Y", "others"), venue="Nature", title="\ufffe")
    library = parse_bib(bibtex([entry]))
    assert len(library.entries) == 1
    fields = library.entries[0].fields_dict
    assert set(fields) == {"title", "author", "journal", "year", "eprint", "archivePrefix", "doi", "url"}
    assert len(fields["author"].value) == 4
    assert fields["eprint"].value == "2102.06062%7D,%20note=%7Bx"
    assert fields["doi"].value == "10.1/a%7D%0A@misc%7Bb,"
    assert fields["url"].value == "https://e.org/%5Cx%7By%7D%20z" == verbatim("https://e.org/\\x{y} z")
    assert fields["title"].value == ""


def test_the_braces_of_a_text_pair_where_they_can() -> None:
    assert latex_text("Rethinking {Wisdom} }{ and }") == r"Rethinking \{Wisdom\} {\textbraceright}\{ and \}"
    assert latex_text("{ $\\{x\\}$ } {") == r"\{ $\{x\}$ \} {\textbraceleft}"


def test_titles_keep_their_capitals_and_venues_give_the_entry_type() -> None:
    """A word with a capital after its first letter is braced whole in the title, so that a style
    that lower-cases titles prints it as written; the venue decides @inproceedings, @article or @misc."""
    entries = [
        paper(id="hu2021lora", title="LoRA: Low-Rank Adaptation of Large Language Models", venue="ICLR 2022"),
        paper(id="jacot2018neural", title="Neural Tangent Kernel (NTK): Convergence and Generalization", venue="NeurIPS 2018"),
        paper(id="a2023tmlr", title="GPT-3 and PAC-Bayes in 3D for ResNets", venue="TMLR 2023"),
        paper(id="b2020nature", title="Café networks of the ÉCOLE {Wisdom}", venue="Nature"),
        paper(id="c2024arxiv", title="A Self-Attention Study of Part I", venue="arXiv preprint", arxiv="2401.00001"),
        paper(id="d2024plain", title="Embedding in $\\mathbb{R}^d$ with MLPs", arxiv="2401.00002"),
        paper(id="e2023icra", title="Robots", venue="ICRA 2023"),
    ]
    text = bibliography(entries)
    library = parse_bib(text)
    got = {b.key: (b.entry_type, b["title"], {f.key: f.value for f in b.fields if f.key in ("booktitle", "journal", "howpublished")})
           for b in library.entries}
    assert got == {
        "hu2021lora": ("inproceedings", "{LoRA}: Low-Rank Adaptation of Large Language Models", {"booktitle": "ICLR 2022"}),
        "jacot2018neural": ("inproceedings", "Neural Tangent Kernel ({NTK}): Convergence and Generalization", {"booktitle": "NeurIPS 2018"}),
        "a2023tmlr": ("article", "{GPT-3} and {PAC-Bayes} in {3D} for {ResNets}", {"journal": "TMLR 2023"}),
        "b2020nature": ("article", "Caf\\'e networks of the {\\'ECOLE} \\{Wisdom\\}", {"journal": "Nature"}),
        "c2024arxiv": ("misc", "A Self-Attention Study of Part I", {"howpublished": "arXiv preprint"}),
        "d2024plain": ("misc", "Embedding in $\\mathbb{R}^d$ with {MLPs}", {}),
        "e2023icra": ("inproceedings", "Robots", {"booktitle": "ICRA 2023"}),
    }
    for bib, entry in zip(library.entries, entries, strict=True):
        assert balanced(bib["title"]) and as_text(bib["title"]) == entry.title, entry.id


@pytest.mark.parametrize(("venue", "kind"), [
    (None, "misc"), ("arXiv", "misc"), ("arXiv preprint arXiv:2401.00001", "misc"), ("CoRR", "misc"), ("PhD Thesis", "misc"),
    ("Technical Report", "misc"), ("Under review at ICLR 2024", "misc"), ("ICLR 2021 Blog Track", "misc"),
    ("ICLR 2022", "inproceedings"), ("NeurIPS 2020 Workshop on X", "inproceedings"), ("CoRL 2022", "inproceedings"),
    ("Conference on Learning Theory", "inproceedings"), ("Nature", "article"), ("PNAS", "article"), ("TMLR 2023", "article"),
    ("JMLR 2021", "article"), ("IEEE Transactions on Neural Networks and Learning Systems", "article"),
    ("Physical Review Letters", "article"), ("Scientific Reports", "article"), ("Proceedings of the IEEE", "article"),
])
def test_entry_type_from_the_venue(venue: str | None, kind: str) -> None:
    assert entry_type(paper(venue=venue)) == kind


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("  =1", "'  =1"), ("\u00a0=1", "'\u00a0=1"), ("\uff1d1", "'\uff1d1"), ("-", "'-"), ("\n@x", "'\n@x"),
    ("-3", "-3"), ("+2.5", "+2.5"), (2020, 2020), ("2021-03-15", "2021-03-15"), ("2102.06062", "2102.06062"),
    ("cs/0112017", "cs/0112017"), ("10.1000/x", "10.1000/x"), ("A = B", "A = B"), ("", ""), ("'=1", "'=1"),
])
def test_csv_cells_are_neutralised(cell: object, written: object) -> None:
    assert inert_cell(cell) == written


def small_catalog(tmp_path: Path, **changes: object) -> Catalog:
    """The small list with its first paper changed as no `check` would let through."""
    from hostile.corpus import base_list

    catalog, _ = load_catalog(str(base_list(tmp_path / "entries")))
    first = dataclasses.replace(catalog.entries[0], **changes)  # type: ignore[arg-type]
    return build_catalog(catalog.info, [first, *catalog.entries[1:]])


def test_the_feed_drops_what_xml_cannot_hold_and_says_where(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    catalog = small_catalog(tmp_path, title="Noncharacter \ufffe\uffff canary\x0b", authors=("Ada \ufffe", "\uffff"),
                            keywords=("Memorization\ufdd0",), digest="A digest \ufffe here.", venue="ICLR\x01 2020")
    entry = catalog.entries[0]
    with caplog.at_level(logging.WARNING):
        text = atom_feed(catalog, "https://example.org/", 10)
    feed = feedparser.parse(text.encode("utf-8"))
    assert feed.bozo == 0 and len(feed.entries) == len(catalog.entries)
    item = next(i for i in feed.entries if i.id.endswith(f"#{entry.id}"))
    assert item.title == "Noncharacter  canary" and [a.name for a in item.authors] == ["Ada"]
    messages = [r.getMessage().removeprefix("generator: ") for r in caplog.records]  # the plugin logger's prefix
    assert f"{entry.path}:{entry.line('title')}: title: the character U+FFFE cannot go into feed.xml and is left out of it; " \
           "remove it from the entry" in messages
    assert any(m.startswith(f"{entry.path}:{entry.line('authors[1]')}: authors[1]: the character U+FFFF") for m in messages)
    assert any(m.startswith(f"{entry.path}:{entry.line('digest')}: digest: ") for m in messages)


def test_json_and_csv_hold_any_text(tmp_path: Path) -> None:
    catalog = small_catalog(tmp_path, title="Lone \ud800 surrogate \ufffe")
    for text in (papers_json(catalog), *explorer_files(catalog).values(), papers_csv(catalog)):
        text.encode("utf-8")  # a lone surrogate would raise here, and in the build's write
    assert json.loads(papers_json(catalog))[0]["title"] == "Lone \ufffd surrogate \ufffe"
