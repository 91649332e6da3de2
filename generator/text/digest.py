"""Digests: Markdown prose, with everything that could change a page's structure refused.

The validator rejects raw HTML, attribute lists, block syntax, images and non-http(s) links with a
message; the renderer below is a second, independent layer that cannot emit them even if asked.
"""

from __future__ import annotations

import html
import re
import unicodedata
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_AUTOLINK = re.compile(r"<https?://[^\s<>]+>")
_ATTR_LIST = re.compile(r"\{\s*[:#.%]|\{[^{}\n]*=")
_BLOCK_LINE = re.compile(
    r"^(?: {4,}\S| {0,3}(?:#|>|[-*+][ \t]|\d+[.)][ \t]|```|~~~|!!!|\?\?\?|\||---|\*\*\*|___|===|\[[^\]]+\]:))"
)
_SPACE = re.compile(r"\s")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*<?([^)\s>]*)")
# link text that reads as an address: a reader trusts it, so it must name the host the link goes to
_ADDRESS_TEXT = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?(?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:[/:?#]\S*)?$", re.IGNORECASE)
_QUOTE = re.compile(r"[\"'`\\]")
# Inline math: \(...\) or $...$ (not $$, not "$5 and $10": no space inside the dollars, no digit after)
_MATH = re.compile(
    r"(?P<code>(?<!`)(?P<ticks>`+)[^`].*?(?P=ticks))"
    r"|\\\((?P<paren>[^`\n]{1,300}?)\\\)"
    r"|(?<![\\$])\$(?P<dollar>[^\s$`](?:[^$`\n]{0,300}?[^\s\\$`])?)\$(?![$\d])"
)
# TeX leftovers in digests copied from abstracts, and what they should read as
_TEX_CLOSE = re.compile(r"''|\"")
# Longer digests are refused before any pattern runs (the schema's limit); Python-Markdown takes
# time quadratic in the number of unclosed [ brackets, so a digest has a few links at most.
MAX_LENGTH = 6000
MAX_BRACKETS = 50
_TEX_COMMANDS = (
    (re.compile(r"\\(?:emph|textit)\{([^{}]*)\}"), r"*\1*"),
    (re.compile(r"\\textbf\{([^{}]*)\}"), r"**\1**"),
    (re.compile(r"\\texttt\{([^{}]*)\}"), r"`\1`"),
    (re.compile(r"\\([%&#_])"), r"\1"),
)
# The MathML a digest may hold, and so all the sanitizer (generator.site.safety) lets through: a formula
# with any other element or attribute is shown as TeX code instead.
MATHML_TAGS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot",
    "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "semantics",
})
MATHML_ATTRIBUTES = {"math": frozenset({"display", "xmlns"}), "mo": frozenset({"stretchy", "fence"})}
# Elements that hold text only: an HTML parser reads an element inside one as HTML, which the sanitizer drops with its text
_MATHML_TOKENS = frozenset({"mi", "mn", "mo", "ms", "mtext"})
_MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"


def is_http_url(url: str) -> bool:
    """True for http(s) URLs with a host, however the scheme is spelled or entity-encoded."""
    text = html.unescape(url)
    if not text.isprintable() or _SPACE.search(text):
        text = "".join(c for c in text if c.isprintable() and not c.isspace())
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and text == url.strip()


def invisible_character(text: str) -> str | None:
    """`U+XXXX` of the first invisible or control character (line breaks aside), else None."""
    if text.isprintable():  # the common case, in C; the loop below names the culprit
        return None
    for char in text:
        if char not in "\n\r" and unicodedata.category(char) in ("Cf", "Cc", "Co", "Zl", "Zp"):
            return f"U+{ord(char):04X}"
    return None


def digest_problems(text: str) -> list[str]:
    """What in a digest would not be plain prose, each with how to fix it."""
    if len(text) > MAX_LENGTH:
        return [f"digest: {len(text):,} characters; at most {MAX_LENGTH:,} (1-5 sentences)"]
    if text.count("[") > MAX_BRACKETS:
        return [f"digest: {text.count('['):,} square brackets; at most {MAX_BRACKETS} (a digest has a few links at most)"]
    text = _MATH.sub(lambda m: m.group("code") or "", tex_quotes(text))  # math is TeX, where < and { mean what they say
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
        elif _QUOTE.search(target):  # Python-Markdown would read a title out of it and drop the link and the text after it
            problems.append(f"a link cannot hold quotes, backticks or backslashes: '{target}'")
    for label, target in _LINK.findall(text):
        shown = _ADDRESS_TEXT.match(label.strip())
        host = (urlsplit(target).hostname or "").removeprefix("www.") if is_http_url(target) else ""
        if shown and host and shown.group(1).lower().removeprefix("www.") != host:
            problems.append(f"the link text '{label.strip()}' reads as an address on another host than the link's ({host}); "
                            "write what the link is, or the address it goes to")
    if invisible := invisible_character(text):
        problems.append(f"invisible or control character {invisible}; remove it")
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


def tex_quotes(text: str) -> str:
    """``quotes'' become curly quotes (before anything else: `` would read as code).

    A loop, not one regular expression: ``(.+?)'' scans to the end of the text from every unclosed
    ``, which takes minutes on a file of backticks."""
    parts, at = [], 0
    while (start := text.find("``", at)) >= 0:
        close = _TEX_CLOSE.search(text, start + 3)
        if close is None:
            break
        parts += [text[at:start], "\u201c", text[start + 2 : close.start()], "\u201d"]
        at = close.end()
    return "".join(parts) + text[at:]


def tidy_tex(text: str) -> str:
    """Outside math: \\emph{x} becomes emphasis, \\% a percent sign."""
    for pattern, replacement in _TEX_COMMANDS:
        text = pattern.sub(replacement, text)
    return text


def tex_to_mathml(tex: str) -> Markup:
    """Inline MathML for a TeX formula, or the TeX as code when it cannot be converted safely."""
    import latex2mathml.converter  # imported late: only digests with math pay for it

    fallback = Markup("<code>{}</code>").format(tex)
    try:
        # latex2mathml copies \text{...} verbatim into the markup: spell <, > and & in TeX, then verify
        mathml = latex2mathml.converter.convert(tex.replace("<", r"\lt ").replace(">", r"\gt ").replace("&", r"\&"))
        tree = etree.fromstring(mathml)
    except Exception:
        return fallback
    for element in tree.iter():
        tag = element.tag.removeprefix(_MATHML_NS)
        if tag not in MATHML_TAGS or set(element.attrib) - MATHML_ATTRIBUTES.get(tag, frozenset()) or (tag in _MATHML_TOKENS and len(element)):
            return fallback
    return Markup(mathml)


def render_digest(text: str) -> Markup:
    """Digest Markdown as HTML paragraphs: emphasis, code, http(s) links and inline math only."""
    formulas: list[tuple[str, Markup]] = []  # (the TeX as typed, its MathML)
    mark = "dlpmath"
    while mark in text:  # a placeholder the digest cannot spell
        mark += "x"

    def hold(match: re.Match[str]) -> str:
        if match.group("code"):
            return match.group("code")
        formulas.append((match.group(0), tex_to_mathml(match.group("paren") or match.group("dollar"))))
        return f"{mark}{len(formulas) - 1}x"

    held = _MATH.sub(hold, tex_quotes(text))
    _MD.reset()
    rendered = _MD.convert(tidy_tex(held))
    if formulas:
        placeholder = re.compile(rf"{mark}(\d+)x")

        def put(match: re.Match[str]) -> str:
            if match.group(1) is not None:
                return str(formulas[int(match.group(1))][1])
            # inside a tag (a link's target or title), MathML would break the attribute: the TeX as typed
            return placeholder.sub(lambda m: html.escape(formulas[int(m.group(1))][0]), match.group(0))

        rendered = re.sub(rf"<[^>]*>|{mark}(\d+)x", put, rendered)
    return Markup(rendered)
