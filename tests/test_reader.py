"""What a reader gets besides the section pages: indexes, downloads, citations, feed, math."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from sitecheck import broken_links

from generator.cli import main
from generator.list.source import load_catalog
from generator.model import Entry
from generator.site.bibtex import bibtex, entry_type
from generator.site.indexes import author_index, family_sort_key, keyword_index, recent_additions
from generator.site.safety import sanitize
from generator.text.digest import MATHML_TAGS, render_digest

ROOT = Path(__file__).resolve().parent.parent


def paper(**fields: object) -> Entry:
    base: dict[str, object] = {"id": "x2020y", "title": "A title", "year": 2020, "section": "s", "path": "p.yaml"}
    return Entry(**{**base, **fields})  # type: ignore[arg-type]


def test_bibtex_types_keys_and_escaping() -> None:
    arxiv = paper(id="xiao2024rethinking", title="Rethinking 50% of {Wisdom} & the Café_1", authors=("Lechao Xiao", "Sébastien Bubeck"),
                  year=2024, arxiv="2409.15156", links=(("paper", "https://arxiv.org/abs/2409.15156"),))
    assert bibtex([arxiv]) == (
        "@misc{xiao2024rethinking,\n"
        "  title = {Rethinking 50\\% of \\{Wisdom\\} \\& the Caf\\'e\\_1},\n"
        "  author = {Lechao Xiao and S\\'ebastien Bubeck},\n"
        "  year = {2024},\n"
        "  eprint = {2409.15156},\n"
        "  archivePrefix = {arXiv},\n"
        "  url = {https://arxiv.org/abs/2409.15156}\n"
        "}\n"
    )
    conference = paper(venue="ICLR 2019", authors=("A B",), links=(("paper", "https://openreview.net/forum?id=a_b{c}"),))
    assert bibtex([conference]).splitlines()[:4] == ["@inproceedings{x2020y,", "  title = {A title},", "  author = {A B},",
                                                      "  booktitle = {ICLR 2019},"]
    assert "  url = {https://openreview.net/forum?id=a_b%7Bc%7D}" in bibtex([conference])
    assert [entry_type(paper(venue=v)) for v in ("Nature", "PNAS", "PhD Thesis", "NeurIPS 2020 Workshop on X", "CVPR 2019")] == [
        "article", "article", "misc", "inproceedings", "inproceedings"]
    assert entry_type(paper()) == "misc"


def test_math_and_tex_leftovers_in_digests() -> None:
    html = render_digest(r"With \(N\) points, $x_i^2 < y$ costs $5 and $10; ``grokking'' and \emph{tensor} 1\% in `a$b$c`.")
    assert html.count('<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">') == 2
    assert "<mi>N</mi>" in html and "<mo>&#x0003C;</mo>" in html
    assert "costs $5 and $10; \u201cgrokking\u201d and <em>tensor</em> 1% in <code>a$b$c</code>." in html
    assert "<script" not in render_digest(r"$\text{<script>alert(1)</script>}$")


# Formulas as abstracts on arXiv write them
ABSTRACT_MATH = [
    r"\ell_2", r"O(1/\sqrt{n})", r"n^{-1/2}", r"n \to \infty", r"\Theta(n)", r"\epsilon", r"\mathbb{E}[\|\nabla L\|^2]", r"\tilde{O}(d^2)",
    r"\sigma(Wx + b)", r"\frac{1}{\sqrt{d}}", r"x \in \mathbb{R}^d", r"\sum_{i=1}^n \alpha_i", r"\alpha \approx 0.5", r"L \propto N^{-\alpha}",
    r"\sqrt[3]{n}", r"\|W\|_F", r"\langle x, y \rangle", r"\lim_{t\to\infty} f(t)", r"\lambda_{\max}", r"\arg\min_\theta L(\theta)",
    r"\operatorname{tr}(A)", r"\begin{pmatrix}a & b\\ c & d\end{pmatrix}", r"\underbrace{a+b}_{c}", r"\phantom{x}", r"\text{if } x > 0",
    r"\mathbf{x}", r"\bar{x}", r"e^{-\lambda t}", r"\partial L/\partial w", r"\mathop{\mathbb{E}}_{x}[f(x)]", r"\hat{\theta}_{\text{MLE}}",
]


class Markup(HTMLParser):
    """Elements, attributes and text, in order: what a sanitizer could take away."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append((tag, *sorted(f"{k}={v}" for k, v in attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.events.append((f"/{tag}",))

    def handle_data(self, data: str) -> None:
        self.events.append(("text", data))


@pytest.mark.parametrize("tex", ABSTRACT_MATH)
def test_the_sanitizer_keeps_all_the_mathml_a_digest_holds(tex: str) -> None:
    html = str(render_digest(f"Costs ${tex}$ at most."))
    math = Markup(html).events
    assert Markup(sanitize(html)).events == math
    assert {event[0] for event in math if event[0].startswith("m")} <= MATHML_TAGS


def test_math_the_sanitizer_would_empty_is_shown_as_tex() -> None:
    # \mathop puts <mi> inside <mo>: an HTML parser reads it as HTML there, and the sanitizer drops it with its text
    assert render_digest(r"$\mathop{\mathbb{E}}_{x}[f(x)]$") == "<p><code>\\mathop{\\mathbb{E}}_{x}[f(x)]</code></p>"
    assert sum("<math" in render_digest(f"${tex}$") for tex in ABSTRACT_MATH) >= len(ABSTRACT_MATH) - 2


def test_indexes_of_the_real_list() -> None:
    catalog, _ = load_catalog(str(ROOT / "entries"))
    groups = {g.keyword: g for g in keyword_index(catalog)}
    aliases = catalog.info.aliases
    assert aliases and not set(aliases) & set(groups)  # a variant is never a group of its own
    for keyword, group in groups.items():
        users = [e for e in catalog.entries if keyword in {aliases.get(k, k) for k in e.keywords}]
        assert sorted(e.id for e in group.entries) == sorted(e.id for e in users) != []
        assert group.variants == tuple(sorted(v for v, c in aliases.items() if c == keyword))
    assert len(groups) == len({aliases.get(k, k) for e in catalog.entries for k in e.keywords})
    authors = author_index(catalog)
    assert [a.sort_key for a in authors] == sorted(a.sort_key for a in authors)
    assert len({a.anchor for a in authors}) == len(authors)
    zhang = next(a for a in authors if a.name == "Chiyuan Zhang")
    assert len(zhang.entries) == len([e for e in catalog.entries if "Chiyuan Zhang" in e.authors])
    assert family_sort_key("Marleen de Bruijne") == ("bruijne", "marleen de bruijne")
    assert family_sort_key("John Smith Jr.") == ("smith", "john smith")
    added = [e.added or catalog.info.imported for e in recent_additions(catalog, 20)]
    assert added == sorted(added, reverse=True) and len(added) == min(20, len(catalog.entries))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    assert main(["build", "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(target)]) == 0
    return target


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    assert broken_links(site) == []


def test_downloads(site: Path) -> None:
    catalog, _ = load_catalog(str(ROOT / "entries"))
    data = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in data] == [e.id for e in catalog.entries]
    assert data[0]["url"] == f"{data[0]['section']}/#{data[0]['id']}"
    rows = list(csv.DictReader(io.StringIO((site / "papers.csv").read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == [e.id for e in catalog.entries]
    bib = (site / "papers.bib").read_text(encoding="utf-8")
    assert re.findall(r"^@\w+\{([^,]+),$", bib, re.MULTILINE) == [e.id for e in catalog.entries]
    explorer = json.loads((site / "explorer.json").read_text(encoding="utf-8"))
    assert len(explorer["papers"]) == len(catalog.entries) and [s["slug"] for s in explorer["sections"]] == [s.slug for s in catalog.sections]


def test_feed_parses_and_every_page_links_it(site: Path) -> None:
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.bozo == 0 and feed.version == "atom10"
    assert feed.feed.title == "Deep Learning Phenomena: new papers"
    catalog, _ = load_catalog(str(ROOT / "entries"))
    assert len(feed.entries) == min(100, len(catalog.entries))
    first = feed.entries[0]
    newest = recent_additions(catalog, 1)[0]
    assert first.title == newest.title and first.link == f"http://127.0.0.1:8000/{newest.section}/#{newest.id}"
    assert first.content[0].type == "text/html" and first.content[0].value.startswith("<p>")
    for html_file in site.rglob("*.html"):
        head = html_file.read_text(encoding="utf-8").split("</head>")[0]
        assert '<link rel="alternate" type="application/atom+xml" title="Deep Learning Phenomena: new papers"' in head, html_file


def test_keyword_and_author_links_on_a_paper(site: Path) -> None:
    page = (site / "neural-collapse" / "index.html").read_text(encoding="utf-8")
    block = page[page.index('<h3 id="papyan2020prevalence">') :].split("</div>")[0]
    assert '<a class="dlp-author" href="../authors/#au-vardan-papyan">Vardan Papyan</a>' in block
    assert '<a class="dlp-keyword" href="../keywords/#kw-neural-collapse">Neural Collapse</a>' in block
    assert 'data-dlp-copy="@article{papyan2020prevalence,' in block
    assert '<button type="button" class="dlp-button" data-dlp-copy-link="../p/papyan2020prevalence.html"' in block
