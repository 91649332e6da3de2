"""Properties over arbitrary input (hypothesis), bounded to run in seconds:

- the loader, the validator and the renderers never raise anything but ListError on random bytes,
  random text and random YAML documents built from our field names and YAML's tricky scalars;
- md_text round-trips: Python-Markdown with the site's extensions shows exactly the text it was given;
- render_digest never emits a tag or an attribute outside its allowlist;
- the site scan's first look (safety._suspect) passes on everything its parser would flag, in every
  spelling a browser reads the same.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import markdown
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.errors import ListError, Problem
from generator.list.catalog import build_catalog
from generator.list.load import Loaded, load_bytes, load_text
from generator.list.validate import entry_problems, make_entry, make_list_info
from generator.model import FIELDS, ListInfo, Section
from generator.site.pages import render_pages
from generator.site.render import md_text
from generator.text.digest import digest_problems, render_digest

ROOT = Path(__file__).resolve().parent.parent
BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
INFO = ListInfo("A list", (Section("memorization", "Memorization", "Memorized."), Section("generalization", "Generalization", "Why.")))

# Scalars YAML misreads, script URLs, Markdown, HTML and Jinja: what a stranger's file holds
TRICKY = st.sampled_from([
    "no", "yes", "Off", "~", "null", "2103.10000", "1e3", "0x1F", "0o17", ".inf", "-.nan", "2021-03-15", "2021-02-30", "12:30:00",
    "javascript:alert(1)", "&#106;avascript:alert(1)", "https://example.org/a_(b)", "<script>alert(1)</script>", "{: onclick=x }",
    "[a](javascript:x)", "![i](https://x/y.png)", "--8<-- '/etc/passwd'", "{{ 7*7 }}", "{% raw %}", "# h", "- item", "$x^2$", "\\(y\\)",
    "``q''", "`code`", "*em*", "a | b", "\u202e", "\u200b", "dlpmath0x", "year-2020", "memorization", "",
])
SCALARS = st.one_of(TRICKY, st.text(max_size=40), st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.booleans(), st.none())
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | TRICKY, inner, max_size=4),
                      max_leaves=12)
KEYS = st.sampled_from([*FIELDS, "titel", "<<", "on_click", "links"]) | st.text(max_size=10)


@st.composite
def yaml_documents(draw: st.DrawFn) -> str:
    """A YAML file: a mapping of our fields (or anything else) to random values, in a random style."""
    mapping = draw(st.dictionaries(KEYS, VALUES, max_size=len(FIELDS) + 2))
    if draw(st.booleans()):  # most files look like entries: an id, a title, a year
        mapping = {"id": draw(st.sampled_from(["paper", "a-b", "x"])), "title": draw(SCALARS), "year": draw(st.sampled_from([2020, "2020", 99])),
                   **mapping}
    text = yaml.safe_dump(mapping, default_flow_style=draw(st.sampled_from([None, True, False])), allow_unicode=draw(st.booleans()))
    extra = draw(st.sampled_from(["", "---\nid: two\n", "a: &x 1\nb: *x\n", "c: !!binary aGk=\n", "<<: {d: 1}\n", "e: [[[[[[[[[[1]]]]]]]]]]\n",
                                  "title: dup\n", "\t- tab\n", "f: \"\\e[2J\"\n"]))
    return text + extra


def pipeline(path: str, raw: bytes) -> None:
    """Load, validate, and render what validates; only ListError may escape."""
    loaded, problems = load_bytes(path, raw)
    assert all(isinstance(p, Problem) for p in problems)
    if loaded is None:
        assert problems
        return
    assert isinstance(loaded, Loaded) and isinstance(loaded.data, dict)
    problems = entry_problems(loaded, "memorization", INFO)
    info, info_problems = make_list_info(loaded)  # the same mapping read as a sections file
    assert info is not None or info_problems
    if any(p.severity == "error" for p in problems):
        return
    entry = make_entry(loaded, "memorization")
    try:
        pages = render_pages(build_catalog(INFO, [entry]))
    except ListError:
        return
    assert "memorization.md" in pages


@BOUNDED
@given(st.binary(max_size=600))
def test_random_bytes(raw: bytes) -> None:
    pipeline("memorization/paper.yaml", raw)


@BOUNDED
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    load_text("memorization/paper.yaml", text)
    pipeline("memorization/paper.yaml", text.encode("utf-8", errors="surrogatepass"))


@BOUNDED
@given(yaml_documents())
def test_random_yaml_documents(text: str) -> None:
    pipeline("memorization/paper.yaml", text.encode("utf-8"))


# --- md_text: what goes in is what a reader sees ---------------------------------------------------------------

SITE_EXTENSIONS = [e if isinstance(e, str) else next(iter(e)) for e in yaml.load(
    (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["markdown_extensions"]]
SITE_CONFIGS = {next(iter(e)): next(iter(e.values())) for e in yaml.load(
    (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["markdown_extensions"] if isinstance(e, dict)}


def one_line(text: str) -> bool:
    return "\n" not in text and not any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in text)


LINES = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=80).map(str.strip).filter(bool)
SYNTAX = [*"\\`*_{}[]()#+-.!~^=$|<>&\"':; ", "&amp;", "&#60;", "**", "__", "![", "](", "{:", "{#", "<!--", "-->", "[TOC]", "--8<--",
          "http://x", "<b>"]
MARKDOWNISH = st.lists(st.sampled_from(SYNTAX) | st.text(max_size=3), min_size=1, max_size=30).map("".join).map(str.strip).filter(bool)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(LINES, MARKDOWNISH).filter(one_line))
def test_md_text_round_trips(text: str) -> None:
    md = markdown.Markdown(extensions=SITE_EXTENSIONS, extension_configs=SITE_CONFIGS)
    rendered = md.convert(md_text(text))
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    assert html.unescape(rendered[3:-4]) == text


# --- render_digest: only its allowlist ---------------------------------------------------------------------------

MATHML = {"math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot", "munder", "mover",
          "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "semantics", "annotation"}
ALLOWED = {"p": set(), "em": set(), "strong": set(), "code": set(), "span": set(), "br": set(), "a": {"href", "rel"}}
MATH_ATTRIBUTES = {"display", "xmlns", "stretchy", "fence"}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag in ALLOWED:
            if names - ALLOWED[tag]:
                self.bad.append(f"{tag}[{','.join(sorted(names - ALLOWED[tag]))}]")
            href = dict(attrs).get("href")
            if tag == "a" and not re.match(r"https?://[^\s\"'<>]", href or ""):
                self.bad.append(f"a[href={href!r}]")
        elif tag in MATHML:
            if names - MATH_ATTRIBUTES:
                self.bad.append(f"{tag}[{','.join(sorted(names - MATH_ATTRIBUTES))}]")
        else:
            self.bad.append(tag)


DIGESTS = st.lists(st.sampled_from([
    "Fine prose. ", "*em* ", "**strong** ", "`code` ", "[a](https://example.org/x) ", "[b](javascript:alert(1)) ", "<https://example.org> ",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{: onclick=alert(1) }", "![i](https://evil.example/p.png)", "$x^2$ ",
    "$\\text{<b>}$ ", "\\(\\frac{a}{b}\\) ", "$\\href{javascript:alert(1)}{x}$ ", "``quoted'' ", "\n", "\n\n", "# h\n", "> q\n", "    code\n",
    "[r][ref]\n\n[ref]: javascript:alert(1)\n", "--8<-- 'x'", "&#106;avascript:", "[c](https://example.org/$y$) ", "dlpmath0x ",
    "[d](https://x.example \"t\" onclick=alert(1)) ", "<!-- c -->", "&lt;b&gt;", "|a|b|\n", "~~s~~ ", "==m== ", "^s^ ", "\\emph{e} ",
]) | st.text(max_size=6), max_size=16).map("".join)


@BOUNDED
@given(DIGESTS)
def test_render_digest_stays_inside_its_allowlist(text: str) -> None:
    digest_problems(text)  # never raises either
    tags = Tags()
    tags.feed(str(render_digest(text)))
    tags.close()
    assert tags.bad == []


@BOUNDED
@given(st.text(max_size=200))
def test_render_digest_on_any_text(text: str) -> None:
    digest_problems(text)
    tags = Tags()
    tags.feed(str(render_digest(text)))
    tags.close()
    assert tags.bad == []


# --- the site scan's first look misses nothing its parser flags (generator.site.safety) --------------------------------

SCAN_TAGS = st.sampled_from(["a", "img", "p", "svg", "image", "use", "feImage", "link", "meta", "animate", "set", "rect", "IMG", "Link"])
SCAN_NAMES = st.sampled_from([
    "href", "src", "srcset", "lowsrc", "imagesrcset", "poster", "background", "ping", "data", "action", "formaction", "xlink:href",
    "onclick", "ONLOAD", "on", "style", "fill", "filter", "values", "to", "http-equiv", "title", "class", "data-src",
])
SCAN_VALUES = st.sampled_from([
    "javascript:alert(1)", "vbscript:x", "data:text/html,x", "https://e.example/p.png", "//e.example/p", "\\\\e.example/p", "http:e.example/p",
    "a.png 1x, //e.example/b.png 2x", "url(//e.example/a)", "src('//e.example/f')", "image-set('a.png' 1x, '//e.example/b' 2x)",
    "-webkit-image-set('//e.example/b' 1x)", "\\75 rl(//e.example/a)", "u\\72 l(https://e.example/a)", "#;javascript:x", "refresh", "../a.png",
])
REFERENCES = {":": ["&#58;", "&colon;", "&#x3A;"], "a": ["&#97;", "&#x61;"], "s": ["&#115;"], "/": ["&sol;", "&#47;"], "(": ["&lpar;", "&#40;"]}
NOISE = ["\t", "\n", "&#x09;", "&Tab;", "&NewLine;", "\x00", "\u200b", "\u00a0", " "]


@st.composite
def spelled(draw: st.DrawFn, value: str) -> str:
    """A value in one of the spellings a browser reads the same (or nearly): references, noise, case."""
    out = []
    for char in value:
        if char in REFERENCES and draw(st.booleans()):
            char = draw(st.sampled_from(REFERENCES[char]))
        elif char.isalpha() and draw(st.integers(0, 3)) == 0:
            char = char.upper()
        out.append(char)
        if draw(st.integers(0, 9)) == 0:
            out.append(draw(st.sampled_from(NOISE)))
    return "".join(out)


def test_the_scans_first_look_misses_no_single_attribute_the_parser_flags() -> None:
    """Every element, attribute and value above, in five spellings each: as written, with references,
    cut by tabs, upper case, with a zero-width space."""
    from generator.site.safety import _found, _suspect

    spellings = (
        lambda v: v, lambda v: "".join(REFERENCES.get(c, [c])[0] for c in v), lambda v: "&#x09;".join(v), str.upper,
        lambda v: v[:1] + "\u200b" + v[1:],
    )
    flagged, missed = 0, []
    for tag in SCAN_TAGS.elements:  # type: ignore[attr-defined]
        for name in SCAN_NAMES.elements:  # type: ignore[attr-defined]
            for value in SCAN_VALUES.elements:  # type: ignore[attr-defined]
                for spell in spellings:
                    fragment = f'<{tag} {name}="{spell(value)}">text</{tag}>'
                    if _found(fragment):
                        flagged += 1
                        if not _suspect(fragment.encode()):
                            missed.append(fragment)
    assert flagged > 2000 and missed == []


@st.composite
def scan_fragments(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        attributes = ""
        for _ in range(draw(st.integers(0, 3))):
            quoted = draw(st.sampled_from(["{}", '"{}"', "{!r}"])).format(draw(spelled(draw(SCAN_VALUES))))
            attributes += f'{draw(st.sampled_from([" ", "/", chr(10), chr(9)]))}{draw(SCAN_NAMES)}={quoted}'
        tag = draw(SCAN_TAGS)
        parts.append(f"<{tag}{attributes}>text</{tag}>")
    if draw(st.booleans()):
        parts.append(f"<style>p {{ background: {draw(spelled(draw(SCAN_VALUES)))} }}</style>")
    return draw(st.sampled_from(["", "<!-->", "<![CDATA[>", "<p>"])) + "".join(parts)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(scan_fragments())
def test_the_scans_first_look_misses_nothing_its_parser_flags(fragment: str) -> None:
    from generator.site.safety import _found, _suspect

    found = _found(fragment)
    event("the parser flags it" if found else "nothing to flag")
    assert not found or _suspect(fragment.encode()), (fragment, found)
