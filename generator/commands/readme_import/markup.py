"""Stage 3, a part of a listing: raw HTML in a digest, which `check` refuses, written as the Markdown it
meant. Formatting tags become Markdown (`<b>` **, `<i>` *, `<code>` backticks, `<br>` and `<p>` a
paragraph break), `<a href>` a Markdown link, other HTML tags go with their text kept (a `<script>`
or `<style>` with its content), and a "<" that check would still read as a tag's start becomes
"&lt;". Code spans and math say what they show and are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# raw HTML in a digest, which `check` refuses: what each tag becomes in Markdown, or removed keeping its text
_CODE_OR_MATH = re.compile(r"(`+)[^`].*?\1|(?<![\\$])\$[^\s$][^$\n]*?\$|\\\(.*?\\\)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ANCHOR = re.compile(r"<a\s[^<>]*?href\s*=\s*[\"'](?P<url>[^\"']+)[\"'][^<>]*>(?P<text>.*?)</a\s*>", re.I | re.S)
_TAG = re.compile(r"<\s*(?P<close>/?)\s*(?P<name>[A-Za-z][A-Za-z0-9]*)\b[^<>]*?/?\s*>")
_SCRIPT = re.compile(r"<(?P<name>script|style)\b.*?</(?P=name)\s*>", re.I | re.S)
_HTML_NAMES = frozenset(
    "a abbr b big blockquote br center cite code dd del details dfn div dl dt em figcaption figure font h1 h2 h3 h4 h5 h6 hr "
    "i iframe img input ins kbd li mark ol p pre q s samp small span strike strong sub summary sup table tbody td th thead "
    "tr tt u ul var video".split()
)
_AS_MARKDOWN = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`", "tt": "`", "kbd": "`", "br": "\n\n", "p": "\n\n"}
_STRAY_ANGLE = re.compile(r"<(?=\s*/?\s*[A-Za-z!?])")  # what check would still read as the start of a tag


def _outside_code(text: str, change: Callable[[str], str]) -> str:
    """`change` applied to the text outside code spans and math, which say what they show."""
    out, start = [], 0
    for span in _CODE_OR_MATH.finditer(text):
        out += [change(text[start:span.start()]), span.group()]
        start = span.end()
    return "".join([*out, change(text[start:])])


def repair_html(digest: str) -> tuple[str, str]:
    """A digest without raw HTML, which `check` refuses: formatting tags written as Markdown, links as
    Markdown links, other tags removed with their text kept, and a "<" that would start a tag as "&lt;";
    with what was done, to report ("" when nothing was). Code spans and math are left as they are:
    what they hold is meant literally (a "<" in code that check still refuses is reported after writing)."""
    converted: list[str] = []
    removed: list[str] = []

    def anchor(match: re.Match[str]) -> str:
        converted.append("<a>")
        url, text = match.group("url"), match.group("text")
        return f"[{text}]({url})" if re.match(r"^https?://", url) else text

    def tag(match: re.Match[str]) -> str:
        name = match.group("name").lower()
        written = f"<{name}>"
        if name not in _HTML_NAMES:
            return match.group()  # `<T>`, `<x, y>`: not a tag a person wrote as HTML; its "<" is escaped below
        if name in _AS_MARKDOWN:
            converted.append(written)
            return _AS_MARKDOWN[name]
        removed.append(written)
        return ""

    def tags(text: str) -> str:
        if _COMMENT.search(text):
            removed.append("<!-- -->")
        removed.extend(f"<{m.group('name').lower()}> with its content" for m in _SCRIPT.finditer(text))
        return _TAG.sub(tag, _ANCHOR.sub(anchor, _SCRIPT.sub("", _COMMENT.sub("", text))))

    text = _outside_code(digest, tags)
    escaped = _outside_code(text, lambda part: _STRAY_ANGLE.sub("&lt;", part))
    done = []
    if converted:
        done.append(f"{', '.join(dict.fromkeys(converted))} written as Markdown")
    if removed:
        done.append(f"{', '.join(dict.fromkeys(removed))} removed (the text between tags kept)")
    if escaped != text:
        done.append('"<" before a letter written as "&lt;"')
    if not done:
        return digest, ""
    text = re.sub(r"[ \t]*\n\n[ \t]*", "\n\n", escaped)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip(), f"raw HTML, which check refuses: {'; '.join(done)}"
