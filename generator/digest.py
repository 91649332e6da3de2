"""Digests: Markdown prose, with everything that could change a page's structure refused.

The validator rejects raw HTML, attribute lists, block syntax, images and non-http(s) links with a
message; the renderer below is a second, independent layer that cannot emit them even if asked.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_AUTOLINK = re.compile(r"<https?://[^\s<>]+>")
_ATTR_LIST = re.compile(r"\{\s*[:#.%]|\{[^}\n]*=")
_BLOCK_LINE = re.compile(
    r"^(?: {4,}\S| {0,3}(?:#|>|[-*+][ \t]|\d+[.)][ \t]|```|~~~|!!!|\?\?\?|\||---|\*\*\*|___|===|\[[^\]]+\]:))"
)
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")


def is_http_url(url: str) -> bool:
    """True for http(s) URLs with a host, however the scheme is spelled or entity-encoded."""
    text = html.unescape(url)
    text = "".join(c for c in text if c.isprintable() and not c.isspace())
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and text == url.strip()


def digest_problems(text: str) -> list[str]:
    """What in a digest would not be plain prose, each with how to fix it."""
    problems = []
    if _HTML_TAG.search(_AUTOLINK.sub("", text)):
        problems.append("raw HTML is not allowed; write plain text, use *emphasis* or [text](https://...) links")
    if _ATTR_LIST.search(text):
        problems.append("attribute lists ({: ...}) are not allowed")
    if "--8<--" in text:
        problems.append("snippet includes (--8<--) are not allowed")
    if "![" in text:
        problems.append("images are not allowed")
    if any(_BLOCK_LINE.match(line) for line in text.split("\n")):
        problems.append("block syntax (heading, list, quote, code block, table, admonition, rule) is not allowed; a digest is 1-5 sentences of prose")
    for target in _LINK_TARGET.findall(text):
        if not is_http_url(target):
            problems.append(f"only http(s) links are allowed: '{target}'")
    return [f"digest: {p}" for p in problems]


class _SafeLinks(Treeprocessor):  # type: ignore[misc]
    """Links keep only an http(s) href; anything else becomes its text."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for child in list(parent):
                if child.tag == "a":
                    href = child.get("href", "")
                    child.attrib.clear()
                    if is_http_url(href):
                        child.set("href", href)
                        child.set("rel", "nofollow noopener")
                    else:
                        child.tag = "span"
                elif child.tag not in _ALLOWED_TAGS:
                    child.tag = "span"
                    child.attrib.clear()


_ALLOWED_TAGS = {"p", "em", "strong", "code", "a", "br", "span"}


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[], output_format="html")
    for name in ("html_block",):
        md.preprocessors.deregister(name)
    for name in ("indent", "code", "hashheader", "setextheader", "hr", "olist", "ulist", "quote", "reference"):
        md.parser.blockprocessors.deregister(name)
    for name in ("html", "image_link", "image_reference", "short_image_ref", "reference", "short_reference"):
        md.inlinePatterns.deregister(name)
    md.treeprocessors.register(_SafeLinks(md), "safe_links", 1)
    return md


_MD = _markdown()


def render_digest(text: str) -> Markup:
    """Digest Markdown as HTML paragraphs: emphasis, code and http(s) links only."""
    _MD.reset()
    return Markup(_MD.convert(text))
