"""Property (issue 12, item 4): any list `python -m generator check` accepts builds in strict mode.

Lists are the memorization fixture plus 1-3 entry files whose fields mix ordinary values with hostile
ones (every Unicode category, bidi, noncharacters, combining marks, CJK, emoji, Markdown, HTML, `$`
math, odd URLs, trailing newlines, long strings; ids on and near the id pattern), written by
yaml.safe_dump so the YAML itself is valid. Whenever `check` exits 0:

- cheap, many examples: the pages generate, and each page, rendered by Markdown with the site's
  extensions and sanitized as the plugin does, passes the post-build scan;
- a real strict `build` of a few examples exits 0.
"""

from __future__ import annotations

import datetime
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import markdown
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from generator.cli import main, site_names
from generator.list.source import load_catalog
from generator.site.generate import generate
from generator.site.safety import sanitize, scan_page

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_LIST = ROOT / "tests" / "fixtures" / "memorization"
SECTIONS = ("memorization", "generalization")
ID_PATTERN = r"[a-z0-9]+(-[a-z0-9]+)*"

# Pieces a page must show as text; `check` refuses those in REFUSED (and raw HTML or headings in a digest)
INERT = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</div>", "<!--", "-->", "]]>", "&amp;", "&#106;", "&lt;b&gt;",
    "{{ 7*7 }}", "{% raw %}", "{: onclick=x }", "{#id}", "*", "**", "_", "__", "`", "``", "~~", "==", "^", "|", "# ", "> ", "- ", "1. ",
    "---", "[x](javascript:alert(1))", "[y](https://example.org/a_(b))", "![i](https://evil.example/p.png)", "<https://x.example>",
    "[^1]", "[TOC]", "--8<-- 'x'", "\\", "\\\\", "$", "$$", "$x^2$", "$\\frac{a}{b}$", "$\\text{<b>}$", "${}$", "$}{$", "\\(y\\)",
    "$\\href{javascript:alert(1)}{x}$", "$\\begin{matrix}a&b\\\\c\\end{matrix}$", "\\$5", "dlpmath0x", "\u0301", "\u0301" * 40,
    "e\u0301", "\u00a0", "\u3000", "深度学习", "記憶", "한국어", "עברית", "العربية", "🧠", "🏳️", "\U0001d400", "ﬁ", "Ⅻ",
    " ", "'", '"', "\"'", "%", "%41", "#", "?", "&", ";", ":", "<", ">", "(", ")", "[", "]", "{", "}",
])
REFUSED = st.sampled_from([
    "\u200b", "\u200d", "👩\u200d👩\u200d👧", "\u202e", "\u2066", "\u061c", "\ufeff", "\ufdd0", "\uffff", "\U0010ffff", "\ue000",
    "\u0000", "\x1b[2J", "\x7f", "\u0085", "\u2028", "\n", "\r\n", "\t",
])
VISIBLE = st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Cf", "Co", "Cn", "Zl", "Zp"])
INERT_TEXT = st.lists(INERT | st.text(VISIBLE, max_size=8), min_size=1, max_size=10).map("".join)
TEXT = st.one_of(
    INERT_TEXT, INERT_TEXT, INERT_TEXT,
    st.lists(INERT | REFUSED | st.text(max_size=8), min_size=1, max_size=10).map("".join),
    st.text(max_size=30),
    st.text(VISIBLE, min_size=150, max_size=450),
)
ORDINARY = st.sampled_from(["Deep double descent", "Grokking", "A. Author", "NeurIPS 2021", "Memorization", "Scaling Laws", "x"])
VALID_ID = st.from_regex(rf"\A{ID_PATTERN}\Z", fullmatch=True).filter(lambda s: len(s) <= 80)
NEAR_ID = st.one_of(
    st.sampled_from(sorted(site_names())),
    st.sampled_from(["Paper", "a_b", "a--b", "-a", "a-", "a\n", "a.b", "a/b", "..", "é", "a" * 80, "a" * 81, "zhang2017understanding", "1"]),
    VALID_ID.map(lambda s: s + "-"),
)
HOST = st.sampled_from([
    "example.org", "xn--nxasmq6b.example", "例え.jp", "127.0.0.1", "[::1]", "user:pass@host.example", "host.example:99999", "a..b", "-",
    "localhost", "%41.example", "x", "a.b.c.d.e.f.g.example",
])
URL_PATH = st.text(st.characters(codec="ascii", categories=["L", "N", "P", "S"], exclude_characters="\"'<>`\\"), max_size=30)
ODD_URL = st.one_of(
    st.builds(lambda scheme, host, path: f"{scheme}://{host}/{path}", st.sampled_from(["https", "http", "HTTPS", "javascript", "ftp"]), HOST,
              URL_PATH | st.sampled_from("\"'<>`\\") | st.text(max_size=10) | INERT | REFUSED),
    st.sampled_from(["https://example.org/\n", "http:/x", ""]),
)
LABEL = st.sampled_from(["paper", "code", "project", "blog", "slides"]) | st.from_regex(r"\A[a-z][a-z0-9-]{0,29}\Z", fullmatch=True)
PAST = st.dates(datetime.date(1990, 1, 1), datetime.date(2023, 12, 31))
ODD_DATE = st.one_of(
    st.dates(datetime.date(1899, 1, 1), datetime.date(2101, 12, 31)),
    st.dates().map(lambda d: d.isoformat()),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}(-[0-9]{2})?\Z", fullmatch=True),
    st.sampled_from(["2021-02-30", "2021-13", "2021-3-5", "2021-03-15\n", "2021"]),
)
ARXIV = st.from_regex(r"\A([0-9]{4}\.[0-9]{4,5}|[a-z]+(-[a-z]+)*(\.[A-Z]{2})?/[0-9]{7})\Z", fullmatch=True)
DOI = st.from_regex(r"\A10\.[0-9]{4,9}/[^\s\"<>]+\Z", fullmatch=True)
PRINTABLE_DOI = st.from_regex(r"\A10\.[0-9]{4,9}/[!-~]+\Z", fullmatch=True).filter(lambda s: not set(s) & set('"<>'))


def strategies(hostile: bool) -> dict[str, st.SearchStrategy[Any]]:
    """Each field's values: inert ones a page must show as text, or (hostile) anything near them too."""
    line = st.one_of(ORDINARY, INERT_TEXT)
    digest = st.one_of(ORDINARY, INERT_TEXT)
    if hostile:
        line = st.one_of(line, TEXT, TEXT.map(lambda s: f"{s}\n"))
        digest = st.one_of(digest, TEXT, TEXT.map(lambda s: f"{s}\n"))
    url = st.builds(lambda host, path: f"https://{host}/{path}", HOST, URL_PATH)
    return {
        "id": st.one_of(VALID_ID, NEAR_ID) if hostile else VALID_ID,
        "title": line,
        "year": st.one_of(st.integers(1899, 2101), st.sampled_from(["2020", 2020.0, True, None])) if hostile else st.integers(1900, 2100),
        "authors": st.lists(line, max_size=4),
        "venue": line,
        "date": st.one_of(PAST, PAST.map(lambda d: d.isoformat()[:7]), *([ODD_DATE] if hostile else [])),
        "arxiv": ARXIV | st.sampled_from(["1611.03530", "arXiv:2102.06062", "2102.06062v2"]) if hostile else ARXIV,
        "doi": DOI | st.sampled_from(["10.1038/x y", "https://doi.org/10.1/x"]) if hostile else PRINTABLE_DOI,
        "links": st.dictionaries(LABEL | st.text(max_size=6) if hostile else LABEL, url | ODD_URL if hostile else url, max_size=3),
        "keywords": st.lists(line, max_size=3, unique=True),
        "digest": digest,
        "also_in": st.lists(st.sampled_from([*SECTIONS, "index", "nope"] if hostile else SECTIONS), max_size=2, unique=True),
        "added": PAST | ODD_DATE if hostile else PAST.map(datetime.date.isoformat),
    }


REQUIRED = ("id", "title", "year")
INERT_FIELDS, HOSTILE_FIELDS = strategies(hostile=False), strategies(hostile=True)


@st.composite
def entry_files(draw: st.DrawFn) -> list[tuple[str, dict[str, Any]]]:
    """1-3 (relative path, mapping) pairs, the entry files added to the fixture list; most are inert."""
    files = []
    for number in range(draw(st.integers(1, 3))):
        fields = draw(st.sampled_from([INERT_FIELDS, INERT_FIELDS, HOSTILE_FIELDS]))
        names = [*REQUIRED, *sorted(draw(st.sets(st.sampled_from(sorted(set(fields) - set(REQUIRED))))))]
        entry: dict[str, Any] = {name: draw(fields[name]) for name in names}
        section = draw(st.sampled_from(SECTIONS))
        if fields is INERT_FIELDS and "also_in" in entry:
            entry["also_in"] = [other for other in entry["also_in"] if other != section]
        stem = entry["id"] if re.fullmatch(ID_PATTERN, entry["id"]) else f"added{number}"
        if draw(st.booleans()):
            files.append((f"{section}/{stem}.yaml", entry))
        else:  # directly in the list folder: the section named in the file
            files.append((f"{stem}.yaml", {**entry, "section": section if fields is INERT_FIELDS else draw(st.sampled_from([*SECTIONS, "x"]))}))
    return files


def checked_list(directory: str, files: list[tuple[str, dict[str, Any]]]) -> tuple[str, bool]:
    """The fixture list plus `files`, written under `directory`, and whether `check` accepts it."""
    entries = str(write_list(Path(directory), files))
    accepted = main(["check", "--entries", entries]) == 0
    event(f"check {'accepts' if accepted else 'refuses'}")
    return entries, accepted


def write_list(directory: Path, files: list[tuple[str, dict[str, Any]]]) -> Path:
    entries = directory / "entries"
    shutil.copytree(FIXTURE_LIST, entries)
    for relative, mapping in files:
        path = entries / relative
        path.write_text(yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return entries


SITE_MARKDOWN = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["markdown_extensions"]
EXTENSIONS = [e if isinstance(e, str) else next(iter(e)) for e in SITE_MARKDOWN]
CONFIGS = {next(iter(e)): next(iter(e.values())) for e in SITE_MARKDOWN if isinstance(e, dict)}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(entry_files())
def test_what_check_accepts_renders_and_passes_the_scan(files: list[tuple[str, dict[str, Any]]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        entries, accepted = checked_list(directory, files)
        if not accepted:
            return
        catalog, _ = load_catalog(entries, site_names())
        _, generated, _ = generate(catalog, related=0)
    converter = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    for name, text in generated.items():
        if name.endswith(".md"):
            content = sanitize(converter.reset().convert(text))
            assert scan_page(name, f'<article class="md-content__inner md-typeset">{content}</article>') == []


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much], derandomize=True)
@given(entry_files())
def test_what_check_accepts_builds_in_strict_mode(files: list[tuple[str, dict[str, Any]]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        entries, accepted = checked_list(directory, files)
        assume(accepted)  # examples count only once `check` accepts them: each one a real build
        site = str(Path(directory) / "site")
        assert main(["build", "--config-file", str(ROOT / "mkdocs.yml"), "--entries", entries, "--site-dir", site]) == 0
