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
import html
import os
import re
from collections.abc import Iterator
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
    return str(_cleaner().clean(page_html))


@cache
def _cleaner() -> nh3.Cleaner:
    """nh3's sanitizer, set up once (nh3.clean sets one up at every call: 0.1 ms, 1,100 times a build)."""
    return nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True,
                       filter_style_properties={"text-align"})


_CONTENT_START, _CONTENT_END = b'<article class="md-content__inner md-typeset">', b"</article>"
# A first look at a page's content (_suspect), which spares the parser (below) nearly every page of the
# site. Names are searched in the bytes as written, lower-cased (a browser reads them in ASCII and decodes
# no reference in them); values with references decoded, script URLs also with all white space, control
# and non-ASCII characters taken out (a browser drops tabs and new lines anywhere in a URL). HTML
# references and CSS escapes can spell any letter. Each search starts with a literal, which `re` finds fast.
_MARKUP_SUSPECTS = tuple(re.compile(pattern) for pattern in (
    rb"<(?:script|iframe|object|embed|link|meta|base|style|image|use|feimage)",
    rb"src(?:set)?\s*=",  # also lowsrc=, dynsrc=, imagesrcset=
    rb"poster\s*=", rb"background\s*=", rb"ping\s*=", rb"data\s*=",
))
_HANDLER = re.compile(rb"""on[^\s/=>"']*\s*=""")  # an event handler, if what comes before can end a name (_NAME_ENDS)
_NAME_ENDS = frozenset(b" \t\n\r\f\v\x1c\x1d\x1e\x1f'\"/") | frozenset(range(0x80, 0x100))  # the parser's \s is Unicode's
_SCRIPT_SUSPECTS = (b"script:", b"data:text/html")
_CSS_SUSPECTS = ("url(", "src(", "image(", "image-set(", "@import")  # a CSS function's name touches its parenthesis
# A CSS escape in a function's name (u\72 l( is url() or an at-rule's (@\69mport), where CSS is
_CSS_ESCAPED_NAME = re.compile(r"(?:\\(?:[0-9a-f]{1,6}\s?|[^\n\r\f0-9a-f])|[a-z0-9_-])*\(")
_CSS_CONTEXT = tuple(re.compile(pattern) for pattern in (
    rb"style\s*=", rb"<style",
    *(rb"%s[^\s/=>]*\s*=" % name for name in (b"fill", b"stroke", b"filter", b"clip-path", b"mask", b"marker", b"cursor")),
))
_SQUEEZED = bytes(range(0x21)) + b"\x7f"
# What the parser looks for
_SCRIPT_URL = re.compile(r"^(?:java|vb)script:|^data:text/html", re.IGNORECASE | re.ASCII)  # a browser reads schemes in ASCII
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}
_ANIMATED = {"values", "to", "from", "by"}  # an SVG animation's values (<animate attributeName=href values=...>)
# Attributes whose URL the browser fetches on its own; a ping is sent on a click
_FETCHED = {"src", "srcset", "imagesrcset", "poster", "background", "ping", "data", "lowsrc", "dynsrc"}
_FETCHED_HREF = {"link", "image", "use", "feimage"}  # elements that fetch what their href names
# SVG presentation attributes that take a CSS <url> or <image>, and style=
_CSS_ATTRIBUTES = {"style", "fill", "stroke", "filter", "clip-path", "mask", "marker", "marker-start", "marker-mid", "marker-end", "cursor"}
# A request to another host: two slashes (a browser reads a backslash as one), or a scheme that names a host
# even without them (http:evil.example on an https page)
_FOREIGN = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?[/\\]{2}|^(?:https?|ftp|wss?):", re.IGNORECASE | re.ASCII)
# CSS as a browser tokenizes it: escapes decoded, comments gone (they separate tokens). A function's
# name touches its parenthesis; @import takes a string or url(); image-set() and image() take strings too.
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(.))", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_CSS_URL = re.compile(r"""(?<![\w-])(?:url|src)\(\s*["']?\s*([^"')\s]+)|@import\s*["']\s*([^"']+)""", re.IGNORECASE | re.ASCII)
_CSS_IMAGE = re.compile(r"""(?:(?<![\w-])|(?<=-webkit-))image(?:-set)?\(((?:[^()]|\([^()]*\))*)""", re.IGNORECASE | re.ASCII)
_CSS_STRING = re.compile(r""""([^"]*)"|'([^']*)'""")
# What the parser would read otherwise than a browser: an empty comment closed at once (<!-->, <!--->),
# one closed by --!>, and <![CDATA[, which outside SVG and MathML is a comment up to the next >
_COMMENT_QUIRKS = re.compile(r"<!---?>|--!>|<!\[CDATA\[")
_COMMENT_AS_READ = {"<!-->": "<!---->", "<!--->": "<!---->", "--!>": "-->", "<![CDATA[": "<?"}


def _plain(url: str) -> str:
    """A URL as a browser reads it: white space and control characters anywhere in it are dropped."""
    return "".join(c for c in url if c.isprintable() and not c.isspace())


def _foreign(value: str, srcset: bool = False) -> bool:
    urls = [part.strip().split(" ")[0] for part in value.split(",")] if srcset else [value]
    return any(_FOREIGN.match(_plain(url)) for url in urls)


def _css_char(match: re.Match[str]) -> str:
    if match[1] is None:
        return match[2]
    code = int(match[1], 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _css_urls(css: str) -> Iterator[str]:
    plain = _CSS_COMMENT.sub(" ", _CSS_ESCAPE.sub(_css_char, css))
    for match in _CSS_URL.finditer(plain):
        yield match[1] or match[2]
    for match in _CSS_IMAGE.finditer(plain):
        yield from (double or single for double, single in _CSS_STRING.findall(match[1]))


def _foreign_css(css: str) -> bool:
    """Whether CSS (a style sheet, a style= or a presentation attribute) loads anything from another host."""
    return any(_FOREIGN.match(_plain(url)) for url in _css_urls(css))


def _script_url(name: str, value: str) -> bool:
    if name in _ANIMATED:
        return any(_SCRIPT_URL.match(_plain(item)) for item in value.split(";"))
    return name in _URL_ATTRIBUTES and bool(_SCRIPT_URL.match(_plain(value)))


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
        values = [(name, value or "") for name, value in attrs]  # all of them: a browser takes the first of two
        if tag == "meta" and any(name == "http-equiv" and value.strip().lower() == "refresh" for name, value in values):
            self.found.append("a <meta http-equiv=refresh> (it sends the reader elsewhere)")
        for name, value in values:
            if name.startswith("on"):
                self.found.append(f"an event-handler attribute {name}= on <{tag}>")
            elif _script_url(name, value):
                self.found.append(f"a script URL in {name}= on <{tag}>")
            elif (name in _FETCHED or (tag in _FETCHED_HREF and name in ("href", "xlink:href"))) and _foreign(value, srcset=name.endswith("srcset")):
                self.found.append(f"a request to another host in {name}= on <{tag}>")
            elif name in _CSS_ATTRIBUTES and _foreign_css(value):
                self.found.append(f"a request to another host in the {name}= of <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style and (_foreign_css(data) or _foreign_css(html.unescape(data))):  # an SVG <style> decodes references
            self.found.append("a request to another host in a <style> element")


def _contents(page: bytes) -> Iterator[bytes]:
    """The content of each of a page's articles (the theme's own parts aside)."""
    start = page.find(_CONTENT_START)
    while start >= 0:
        start += len(_CONTENT_START)
        end = page.find(_CONTENT_END, start)
        if end < 0:
            return
        yield page[start:end]
        start = page.find(_CONTENT_START, end + len(_CONTENT_END))


def _suspect(content: bytes) -> bool:
    """Whether the parser could find anything in this content: a first look that must miss nothing it
    would flag (tests/test_properties.py holds it to that)."""
    low = content.lower()
    if any(pattern.search(low) for pattern in _MARKUP_SUSPECTS):
        return True
    if any(m.start() == 0 or low[m.start() - 1] in _NAME_ENDS for m in _HANDLER.finditer(low)):
        return True
    text = html.unescape(content.decode("utf-8", "replace")).lower()
    if any(needle in text for needle in _CSS_SUSPECTS):
        return True
    if any(needle in text.encode("ascii", "ignore").translate(None, _SQUEEZED) for needle in _SCRIPT_SUSPECTS):
        return True
    escaped = any(text[i - 1:i] == "@" or _CSS_ESCAPED_NAME.match(text, i) for i in _backslashes(text))
    return escaped and any(pattern.search(low) for pattern in _CSS_CONTEXT)


def _backslashes(text: str) -> Iterator[int]:
    start = text.find("\\")
    while start >= 0:
        yield start
        start = text.find("\\", start + 1)


# A page's content is scanned in parts, cut before each heading, and each part's findings are kept by
# its bytes: a rebuild scans only the papers that changed. A part never ends inside a comment, a CDATA
# section or an element whose text is raw (style, script, ...): content that has any is scanned whole.
# Content that nothing in it makes suspect is not cut at all.
_PART = re.compile(rb"(?=<[hH][1-6][\s>])")
_UNCUTTABLE = re.compile(rb"<!--|<!\[CDATA\[|<(?:style|script|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)\b", re.IGNORECASE)


def _parts(content: bytes) -> list[bytes]:
    return [content] if _UNCUTTABLE.search(content) else _PART.split(content)


def scan_page(path: str, page: str | bytes, seen: dict[str, list[str]] | None = None, found: dict[str, list[str]] | None = None) -> list[Problem]:
    """Script, event handlers and script URLs in a built page's content (the theme's own parts aside).
    `seen`: findings of parts scanned before, by content; `found` gets this page's."""
    messages: list[str] = []
    for content in _contents(page.encode("utf-8", "surrogatepass") if isinstance(page, str) else page):
        if not _suspect(content):
            continue
        for part in _parts(content):
            key = hashlib.sha256(part).hexdigest()
            kept = seen.get(key) if seen is not None else None
            if kept is None:
                kept = _scan_part(part)
            if found is not None:
                found[key] = kept
            messages += kept
    return [Problem(path, 0, f"{message} in the page content") for message in dict.fromkeys(messages)]


def _scan_part(content: bytes) -> list[str]:
    return _found(content.decode("utf-8", "replace")) if _suspect(content) else []


def _found(content: str) -> list[str]:
    """What the parser flags in `content`, read as a browser reads it (_COMMENT_QUIRKS)."""
    parser = _Markup()
    parser.feed(_COMMENT_QUIRKS.sub(lambda match: _COMMENT_AS_READ[match[0]], content))
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
                    with open(path, "rb") as handle:
                        data = handle.read()
                    digest = hashlib.sha256(data).hexdigest()  # a page unchanged as a whole
                    kept, parts = known(digest)
                if kept is None or parts is None or seen is None:
                    own: dict[str, list[str]] = {}
                    kept = [problem.message for problem in scan_page(rel, data, seen, own)]
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
