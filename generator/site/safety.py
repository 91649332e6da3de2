"""The backstop after rendering: what our pages may contain, and a scan of what was built.

Earlier layers already refuse or escape everything a contributor could inject. These two checks
assume they have a gap: the sanitizer (nh3, an allowlist of tags, attributes and URL schemes)
cleans the HTML of every generated page, and the scan fails the build if any page's content, or
any hand-written page, still holds a script, an event handler or a javascript: URL, or makes the
reader's browser fetch from another host (an image, a stylesheet, a refresh, a ping): the site
loads nothing from elsewhere, so a reader is not tracked by whoever wrote a page.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache
from html.parser import HTMLParser
from importlib import metadata

import nh3

from generator.errors import Problem
from generator.text.digest import MATHML_ATTRIBUTES, MATHML_TAGS


@cache
def nh3_version() -> str:
    """The sanitizer's version: a kept sanitized page is only reused under the same one."""
    try:
        return metadata.version("nh3")
    except metadata.PackageNotFoundError:
        return "unknown"


SVG = {"svg", "g", "rect", "line", "text", "title"}
TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "a", "div", "span", "em", "strong", "code", "pre", "br", "hr",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "details", "summary",
    "figure", "button", "noscript", "blockquote", "sup", "sub",
} | MATHML_TAGS | SVG
ATTRIBUTES = {
    "*": {"class", "id", "title", "data-search-exclude", "aria-label", "role"},
    "a": {"href", "rel"},
    "button": {"type", "data-dlp-copy", "data-dlp-copy-link"},
    "div": {"data-root", "data-src", "data-bib", "data-ris", "data-digests", "data-dlp-forward", "hidden"},
    "th": {"style"},
    "td": {"style"},
    **MATHML_ATTRIBUTES,
    "svg": {"viewbox", "viewBox", "xmlns"},
    "rect": {"x", "y", "width", "height"},
    "line": {"x1", "x2", "y1", "y2"},
    "text": {"x", "y", "text-anchor"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(page_html: str) -> str:
    """Our page's HTML with everything outside the allowlist removed."""
    return str(nh3.clean(
        page_html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None,
        strip_comments=True, filter_style_properties={"text-align"},
    ))


_CONTENT = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.DOTALL)
# Cheap first look: only content that mentions one of these is parsed (most pages never do)
_SUSPECT = re.compile(
    r"<script|<iframe|<object|<embed|\son[a-z]+\s*=|script\s*(?::|&colon;|&#0*58;|&#x0*3a;)|data\s*:\s*text/html"
    r"|\s(?:src|srcset|poster|background|ping)\s*=|<link|<meta|<base|<style|url\s*\(|@import", re.IGNORECASE
)
_SCRIPT_URL = re.compile(r"^\s*(?:java|vb)script\s*:|^\s*data\s*:\s*text/html", re.IGNORECASE)
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}
# Attributes whose URL the browser fetches on its own (href only on <link>); a ping is sent on a click
_FETCHED = {"src", "srcset", "poster", "background", "ping", "data", "lowsrc", "dynsrc"}
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""(?:url\s*\(\s*|@import\s+(?!url\s*\())["']?\s*([^"')\s;]+)""", re.IGNORECASE)


def _plain(url: str) -> str:
    """A URL as a browser reads it: white space and control characters anywhere in it are dropped."""
    return "".join(c for c in url if c.isprintable() and not c.isspace())


def _foreign(value: str, srcset: bool = False) -> bool:
    urls = [part.strip().split(" ")[0] for part in value.split(",")] if srcset else [value]
    return any(_ABSOLUTE.match(_plain(url)) for url in urls)


def _foreign_css(css: str) -> bool:
    return any(_ABSOLUTE.match(_plain(url)) for url in _CSS_URL.findall(css))


class _Markup(HTMLParser):
    """The elements and attributes of a fragment, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "base"):
            self.found.append(f"a <{tag}> element")
        self.in_style = tag == "style"
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
            self.found.append("a <meta http-equiv=refresh> (it sends the reader elsewhere)")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"an event-handler attribute {name}= on <{tag}>")
            elif name in _URL_ATTRIBUTES and _SCRIPT_URL.search(_plain(value)):
                self.found.append(f"a script URL in {name}= on <{tag}>")
            elif (name in _FETCHED or (tag == "link" and name == "href")) and _foreign(value, srcset=name == "srcset"):
                self.found.append(f"a request to another host in {name}= on <{tag}>")
            elif name == "style" and _foreign_css(value):
                self.found.append(f"a request to another host in the style= of <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style and _foreign_css(data):
            self.found.append("a request to another host in a <style> element")


# A page's content is scanned in parts, cut before each heading, and each part's findings are kept by
# its bytes: a rebuild scans only the papers that changed. A part never ends inside a comment, a CDATA
# section or an element whose text is raw (style, script, ...): content that has any is scanned whole.
_PART = re.compile(r"(?=<h[1-6][\s>])", re.IGNORECASE)
_UNCUTTABLE = re.compile(r"<!--|<!\[CDATA\[|<(?:style|script|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)\b", re.IGNORECASE)


def scan_page(path: str, text: str, seen: dict[str, list[str]] | None = None, found: dict[str, list[str]] | None = None) -> list[Problem]:
    """Script, event handlers and script URLs in a built page's content (the theme's own parts aside).
    `seen`: findings of parts scanned before, by content; `found` gets this page's."""
    messages: list[str] = []
    for content in _CONTENT.findall(text):
        for part in [content] if _UNCUTTABLE.search(content) else _PART.split(content):
            key = hashlib.sha256(part.encode("utf-8", "surrogatepass")).hexdigest()
            kept = seen.get(key) if seen is not None else None
            if kept is None:
                kept = _scan_part(part)
            if found is not None:
                found[key] = kept
            messages += kept
    return [Problem(path, 0, f"{message} in the page content") for message in dict.fromkeys(messages)]


def _scan_part(content: str) -> list[str]:
    if not _SUSPECT.search(content):
        return []
    parser = _Markup()
    parser.feed(content)
    parser.close()
    return list(dict.fromkeys(parser.found))


def scan_site(site_dir: str, seen: dict[str, list[str]] | None = None, digests: dict[str, str] | None = None) -> list[Problem]:
    """Every built page scanned. `seen` keeps the findings by content across builds (of each part of a
    page), so a rebuild under `mkdocs serve` scans only what changed; `digests` gives the SHA-256 of
    files whose bytes the caller wrote (by path relative to `site_dir`, with "/"): those already seen
    are not even read."""
    problems = []
    found: dict[str, list[str]] = {}

    def known(digest: str) -> tuple[list[str] | None, list[str] | None]:
        return (seen.get(f"page {digest}"), seen.get(f"parts {digest}")) if seen is not None else (None, None)

    for folder, _, names in os.walk(site_dir):
        for name in sorted(names):
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, site_dir)
                digest = (digests or {}).get(rel.replace(os.sep, "/"), "")
                kept, parts = known(digest)
                if kept is None or parts is None:
                    with open(path, encoding="utf-8", errors="replace") as handle:
                        text = handle.read()
                    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()  # a page unchanged as a whole
                    kept, parts = known(digest)
                if kept is None or parts is None or seen is None:
                    own: dict[str, list[str]] = {}
                    kept = [problem.message for problem in scan_page(rel, text, seen, own)]
                    found.update(own)
                    parts = list(own)
                else:
                    found.update((part, seen[part]) for part in parts if part in seen)
                found[f"page {digest}"], found[f"parts {digest}"] = kept, parts
                problems += [Problem(rel, 0, message) for message in kept]
    if seen is not None:
        seen.clear()
        seen.update(found)  # only this build's pages: the cache never outgrows the site
    return problems
