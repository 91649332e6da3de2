"""Real MkDocs + Material builds of a list, checked in the HTML and the search index."""

from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.cli import main
from generator.list.source import load_catalog
from generator.site.generate import generate
from generator.site.pages import render_pages
from generator.site.search import indexed_records

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / "mkdocs.yml")


def build(entries: Path, site: Path) -> int:
    return main(["build", "--config-file", CONFIG, "--entries", str(entries), "--site-dir", str(site)])


class Tags(HTMLParser):
    """Every element, event-handler attribute and non-http(s) link of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.handlers: list[str] = []
        self.bad_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag}[{name}]")
            if name in ("href", "src") and value and not value.startswith(("https://", "http://", "#", "../", "./")):
                self.bad_links.append(value)


def article(page: Path) -> str:
    """The content of a built page, without the theme's head, header and scripts."""
    text = page.read_text(encoding="utf-8")
    return text[text.index("<article") : text.index("</article>")]


HOSTILE = """\
id: hostile
title: "<script>alert(1)</script> *not bold* [link](javascript:alert(1)) {: onclick=alert(1) } # end"
authors:
  - <img src=x onerror=alert(1)>
  - "{{ config.site_name }} {% raw %}"
venue: "**ICLR** <b>2020</b>"
year: 2020
links:
  paper: https://example.org/paper?a=1&b=2
keywords:
  - </span><script>alert(2)</script>
  - $x$ ~~struck~~ ==marked==
digest: Safe *emphasis*, a [good link](https://example.org) and a <script>alert(3)</script> tag.
"""


def test_strict_build_of_a_small_list(small_list: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(small_list, site) == 0
    page = article(site / "memorization" / "index.html")
    headings = re.findall(r'<h3 id="([^"]+)">([^<]+)<a class="headerlink"', page)
    assert headings == [
        ("lee2022deduplicating", "Deduplicating Training Data Makes Language Models Better"),
        ("zielinski2020explaining", "Explaining Memorization and Generalization: A Large-Scale Study with Coherent Gradients"),
        ("zhang2017understanding", "Understanding deep learning requires rethinking generalization"),
    ]
    assert re.findall(r'<h2 id="year-(\d+)">', page) == ["2022", "2020", "2017"]
    assert '<p>Also listed in: <a href="../generalization/#zhang2017understanding">Generalization</a></p>' in page
    home = article(site / "index.html")
    assert "<strong>4 papers</strong> in 2 sections" in home
    assert re.findall(r'<h2 id="[^"]+"><a href="([^"]+)">([^<]+)</a>', home) == [
        ("memorization/", "Memorization"),
        ("generalization/", "Generalization"),
    ]
    assert re.findall(r'<p class="dlp-count">(\d+) papers?</p>', home) == ["3", "2"]
    hits = {r["meta"]["url"]: r for r in indexed_records(str(site))}
    assert hits["generalization/#zhang2022layers"]["meta"]["title"] == "Are All Layers Created Equal?"
    assert hits["generalization/#zhang2022layers"]["meta"]["info"] == "Chiyuan Zhang, Samy Bengio, Yoram Singer · 2022 · Generalization"
    assert "Yoram Singer" in hits["generalization/#zhang2022layers"]["content"]
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    heading = re.search(r"^# (.+)$", guide, re.MULTILINE)
    assert heading is not None
    assert hits["contributing/"]["meta"]["title"] == heading.group(1)  # the page made of CONTRIBUTING.md
    assert sorted(hits) == [  # a record per paper, key word, section and hand-written page
        "contributing/", "generalization/", "generalization/#zhang2022layers", "keywords/#kw-coherent-gradients",
        "keywords/#kw-large-language-model", "keywords/#kw-large-language-models", "keywords/#kw-memorization", "memorization/",
        "memorization/#lee2022deduplicating", "memorization/#zhang2017understanding", "memorization/#zielinski2020explaining",
    ]


def test_strict_build_escapes_hostile_fields(small_list: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (small_list / "generalization" / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    assert build(small_list, tmp_path / "site") == 1  # the digest's raw HTML is refused ...
    assert "entries/generalization/hostile.yaml:13: digest: raw HTML is not allowed" in capsys.readouterr().err

    text = HOSTILE.replace("a <script>alert(3)</script> tag", "a tag")
    (small_list / "generalization" / "hostile.yaml").write_text(text, encoding="utf-8")
    assert build(small_list, tmp_path / "site") == 0  # ... and everything else is shown as text
    page = article(tmp_path / "site" / "generalization" / "index.html")
    tags = Tags()
    tags.feed(page)
    assert "script" not in tags.names and tags.handlers == [] and tags.bad_links == []
    heading = re.search(r'<h3 id="hostile">(.*?)<a class="headerlink"', page)
    assert heading is not None
    assert html.unescape(heading.group(1)) == (
        "<script>alert(1)</script> *not bold* [link](javascript:alert(1)) {: onclick=alert(1) } # end"
    )
    assert (
        '<a class="dlp-author" href="../authors/#au-img-src-x-onerror-alert-1">&lt;img src=x onerror=alert(1)&gt;</a>, '
        '<a class="dlp-author" href="../authors/#au-config-site-name-raw">{{ config.site_name }} {% raw %}</a>'
    ) in page
    assert '<span class="dlp-venue">**ICLR** &lt;b&gt;2020&lt;/b&gt;</span>' in page
    assert 'href="https://example.org/paper?a=1&amp;b=2"' in page
    assert '<a class="dlp-keyword" href="../keywords/#kw-span-script-alert-2-script">&lt;/span&gt;&lt;script&gt;alert(2)&lt;/script&gt;</a>' in page
    assert '<a class="dlp-keyword" href="../keywords/#kw-x-struck-marked">$x$ ~~struck~~ ==marked==</a>' in page
    keywords = article(tmp_path / "site" / "keywords" / "index.html")
    assert '<h2 id="kw-x-struck-marked">$x$ ~~struck~~ ==marked==<a class="headerlink"' in html.unescape(keywords)
    assert '<p>Safe <em>emphasis</em>, a <a href="https://example.org" rel="nofollow noopener">good link</a> and a tag.</p>' in page
    record = {r["meta"]["url"]: r for r in indexed_records(str(tmp_path / "site"))}["generalization/#hostile"]
    assert record["meta"]["title"] == "<script>alert(1)</script> *not bold* [link](javascript:alert(1)) {: onclick=alert(1) } # end"
    assert record["meta"]["info"].startswith("<img src=x onerror=alert(1)>, {{ config.site_name }} {% raw %} · **ICLR** <b>2020</b>")


def test_build_fails_with_the_check_messages(small_list: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (small_list / "memorization" / "broken.yaml").write_text("id: broken\ntitle: A\nyear: 2020\ndate: 2020-13\n", encoding="utf-8")
    site = tmp_path / "site"
    assert build(small_list, site) == 1
    err = capsys.readouterr().err
    assert "1 problem(s) in the list:\nentries/memorization/broken.yaml:4: date: 2020-13 is not a real date" in err
    assert not (site / "index.html").exists()


def test_pages_command_writes_what_the_plugin_serves(small_list: Path, tmp_path: Path) -> None:
    out = tmp_path / "pages"
    assert main(["pages", "--entries", str(small_list), "--out", str(out), "--related", "0"]) == 0
    catalog, _ = load_catalog(str(small_list))
    _, expected, _ = generate(catalog, related=0)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == sorted(expected)
    assert sorted({name.split("/")[0] for name in expected}) == [
        "authors.md", "explorer-digests.json", "explorer.json", "explorer.md", "feed.xml", "generalization.md", "index.md", "keywords.md",
        "memorization.md", "opensearch.xml", "p", "papers.bib", "papers.csv", "papers.json", "papers.ris", "stats.md", "whats-new.md",
        "years.md",
    ]
    assert sorted(name for name in expected if name.startswith("p/")) == sorted(f"p/{e.id}.html" for e in catalog.entries)
    for name, text in expected.items():
        assert (out / name).read_bytes().decode("utf-8") == text  # as written: papers.ris keeps its CRLF
    section = expected["memorization.md"]
    assert section.startswith("# Memorization\n")
    assert "### Deduplicating Training Data Makes Language Models Better { #lee2022deduplicating }\n" in section


def test_template_override(small_list: Path, tmp_path: Path) -> None:
    override = tmp_path / "templates"
    override.mkdir()
    (override / "entry.html.j2").write_text('<p class="mine">{{ entry.title }}</p>\n', encoding="utf-8")
    catalog, _ = load_catalog(str(small_list))
    page = render_pages(catalog, str(override))["generalization.md"]
    assert '<p class="mine">Are All Layers Created Equal?</p>' in page


def test_moved_papers_keep_their_old_anchor(small_list: Path, tmp_path: Path) -> None:
    (small_list / "moved.yaml").write_text("moved:\n  generalization: [zielinski2020explaining]\n", encoding="utf-8")
    assert build(small_list, tmp_path / "site") == 0
    page = article(tmp_path / "site" / "generalization" / "index.html")
    assert (
        '<li><span id="zielinski2020explaining"></span><a href="../memorization/#zielinski2020explaining">Explaining Memorization and '
        "Generalization: A Large-Scale Study with Coherent Gradients</a> is now listed in Memorization.</li>"
    ) in page


def config_with_page(tmp_path: Path, about: str) -> Path:
    """The repo's mkdocs.yml over a docs folder of its assets and one hand-written page, about.md."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    (docs / "about.md").write_text(about, encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"INHERIT: {CONFIG}\ndocs_dir: {docs}\ntheme:\n  name: material\n  custom_dir: {ROOT / 'overrides'}\n"
                      f"plugins:\n  - search\n  - reading-list:\n      contributing: {ROOT / 'CONTRIBUTING.md'}\n", encoding="utf-8")
    return config


def test_builds_are_atomic(small_list: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    assert build(small_list, site) == 0
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    (small_list / "memorization" / "broken.yaml").write_text("id: broken\ntitle: A\nyear: 20x\n", encoding="utf-8")
    assert build(small_list, site) == 1  # validation fails
    (small_list / "memorization" / "broken.yaml").unlink()
    override = tmp_path / "templates"
    override.mkdir()
    (override / "stats.md.j2").write_text("{{ no_such_variable }}\n", encoding="utf-8")
    assert main(["build", "--config-file", CONFIG, "--entries", str(small_list), "--site-dir", str(site),
                 "--templates", str(override)]) == 1  # rendering fails
    assert f"{override}/stats.md.j2:1: 'no_such_variable' is undefined" in capsys.readouterr().err
    config = config_with_page(tmp_path, "# About\n\nSee [the missing page](missing.md).\n")
    assert main(["build", "--config-file", str(config), "--entries", str(small_list), "--site-dir", str(site)]) == 1
    assert "Aborted with 1 warnings in strict mode!" in capsys.readouterr().err  # a strict-mode warning
    with monkeypatch.context() as patch:
        patch.setattr("generator.site.search.pagefind_binary", lambda: "/bin/false")
        assert build(small_list, site) == 1  # the search index fails
    assert "search index: pagefind failed (exit 1):" in capsys.readouterr().err
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    # none half-built (the plugin's cache folder beside mkdocs.yml is no site)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".cache") == ["docs", "entries", "mkdocs.yml", "site", "templates"]


HOOK = """\
import json, os

def on_post_page(output, page, config):
    with open(os.environ["DLP_TEST_CONTENT"], "a", encoding="utf-8") as f:
        f.write(json.dumps([page.file.src_uri, page.content]) + "\\n")
    return output
"""
DIGEST = "removing them means models emit memorized text ten times less often"


@pytest.mark.parametrize("pagefind", [True, False])
def test_the_papers_are_in_the_written_pages_and_in_the_content_only_when_a_plugin_reads_it(
        small_list: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pagefind: bool) -> None:
    """With Pagefind's search the papers go into each HTML file as MkDocs writes it, not into the page's
    content, which MkDocs keeps for every page until the build ends; without, Material's search indexes
    the content, papers included. The HTML files are the same either way, with no placeholder left."""
    hook, seen = tmp_path / "hook.py", tmp_path / "content.jsonl"
    hook.write_text(HOOK, encoding="utf-8")
    monkeypatch.setenv("DLP_TEST_CONTENT", str(seen))
    config = tmp_path / "mkdocs.test.yml"
    config.write_text(f"INHERIT: {CONFIG}\ndocs_dir: {ROOT / 'docs'}\ntheme:\n  name: material\n  custom_dir: {ROOT / 'overrides'}\n"
                      f"hooks:\n  - {hook}\nplugins:\n  - search\n  - reading-list:\n      pagefind: {str(pagefind).lower()}\n"
                      f"      contributing: {ROOT / 'CONTRIBUTING.md'}\n", encoding="utf-8")
    site = tmp_path / "site"
    assert main(["build", "--config-file", str(config), "--entries", str(small_list), "--site-dir", str(site)]) == 0
    contents = dict(json.loads(line) for line in seen.read_text(encoding="utf-8").splitlines())
    assert (DIGEST in contents["memorization.md"]) is not pagefind
    assert DIGEST in article(site / "memorization" / "index.html")
    assert len(re.findall(r'<h3 id="[^"]+">', article(site / "memorization" / "index.html"))) == 3
    assert [p for p in site.rglob("*.html") if "dlpslot" in p.read_text(encoding="utf-8")] == []
    index = site / "search" / "search_index.json"
    assert (index.exists() and DIGEST in index.read_text(encoding="utf-8")) is not pagefind


def test_sanitizer_and_scan_are_a_backstop(small_list: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    override = tmp_path / "templates"
    override.mkdir()
    (override / "entry.html.j2").write_text(
        '<div class="dlp-entry" onclick="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">{{ entry.title }}</a>'
        '<img src="x" onerror="alert(4)"></div>\n', encoding="utf-8")
    site = tmp_path / "site"
    assert main(["build", "--config-file", CONFIG, "--entries", str(small_list), "--site-dir", str(site),
                 "--templates", str(override)]) == 0
    page = article(site / "memorization" / "index.html")
    assert '<div class="dlp-entry"><a>Deduplicating Training Data Makes Language Models Better</a></div>' in page
    tags = Tags()
    tags.feed(page)
    assert "script" not in tags.names and "img" not in tags.names and tags.handlers == [] and tags.bad_links == []

    config = config_with_page(tmp_path, '# About\n\n<p onclick="alert(1)">A hand-written page.</p>\n')
    capsys.readouterr()
    assert main(["build", "--config-file", str(config), "--entries", str(small_list), "--site-dir", str(site)]) == 1
    assert "unsafe or broken site:\nabout/index.html:0: an event-handler attribute onclick= on <p> in the page content" in (
        capsys.readouterr().err)


GUIDE = """\
# Contributing

Every paper is one small YAML file, checked by `python -m generator check`.

The sections are listed in [the sections file](entries/sections.yaml), the papers in [their folder](entries/),
the fields in [the schema][schema]; [Suggest a paper](../../issues/new?template=suggest-a-paper.yml) instead,
or read [the fields](#the-fields) below. Code stays as written: `[a link](README.md)`.

```md
[an example](entries/example.yaml)
```

## The fields

[schema]: generator/schema/entry.schema.json
"""


def test_the_contributing_page_is_the_repository_guide(small_list: Path, tmp_path: Path) -> None:
    """CONTRIBUTING.md is the one text: the site's page is made of it, its links to the repository made absolute."""
    assert not (ROOT / "docs" / "contributing.md").exists()
    (tmp_path / "CONTRIBUTING.md").write_text(GUIDE, encoding="utf-8")
    config = config_with_page(tmp_path, "# About\n\nA hand-written page.\n")
    config.write_text(config.read_text(encoding="utf-8").replace(str(ROOT / "CONTRIBUTING.md"), "CONTRIBUTING.md")
                      + "repo_url: https://github.com/someone/a-list\n", encoding="utf-8")
    site = tmp_path / "site"
    assert main(["build", "--config-file", str(config), "--entries", str(small_list), "--site-dir", str(site)]) == 0
    page = article(site / "contributing" / "index.html")
    assert "<p>Every paper is one small YAML file, checked by <code>python -m generator check</code>.</p>" in page
    assert re.findall(r'<a href="([^"]+)">', page) == [
        "https://github.com/someone/a-list/blob/main/entries/sections.yaml",
        "https://github.com/someone/a-list/tree/main/entries",
        "https://github.com/someone/a-list/blob/main/generator/schema/entry.schema.json",
        "https://github.com/someone/a-list/issues/new?template=suggest-a-paper.yml",
        "#the-fields",
    ]
    assert "<code>[a link](README.md)</code>" in page and "[an example](entries/example.yaml)" in page
    nav = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)" class="md-nav__link">\s*<span class="md-ellipsis">\s*([^<]*?)\s*</span>', nav)
    assert [link for link in links if link[0] in ("about/", "contributing/")] == [("about/", "About"), ("contributing/", "Contributing")]
    hits = {r["meta"]["url"]: r for r in indexed_records(str(site))}
    assert hits["contributing/"]["meta"]["title"] == "Contributing"
    assert hits["contributing/"]["content"].startswith("Contributing. Every paper is one small YAML file")


def test_the_real_guide_has_no_link_left_that_only_works_on_github(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(ROOT / "tests" / "fixtures" / "memorization", site) == 0
    tags = Tags()
    tags.feed(article(site / "contributing" / "index.html"))
    assert tags.bad_links == []
