"""Digests: Markdown prose, with everything that could change a page's structure refused.

The validator rejects raw HTML, attribute lists, block syntax, images and non-http(s) links with a
message; the renderer below is a second, independent layer that cannot emit them even if asked.
"""

from __future__ import annotations

import html
import ipaddress
import json
import re
import socket
import unicodedata
import xml.etree.ElementTree as etree
from bisect import bisect_right
from contextlib import suppress
from functools import cache
from html.parser import HTMLParser
from importlib.resources import files
from urllib.parse import SplitResult, unquote, urlsplit

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


_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
# What no file a reader downloads can hold, in one place: `check` refuses UNENCODABLE in every field
# (unencodable_character); the writers (bibtex, the feed) drop UNWRITABLE, which adds the C0 and C1
# controls but TAB, LF and CR, as a backstop for text that never went through `check`.
UNENCODABLE = re.compile(f"[\ud800-\udfff{_NONCHARACTERS}]")
UNWRITABLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")


def unencodable_character(text: str) -> str | None:
    """`noncharacter U+FFFE` or `lone surrogate U+D800` for the first character no XML file (a feed, the
    sitemap) can hold, else None."""
    if text.isprintable():  # both are unassigned or surrogate code points, never printable: the common case, in C
        return None
    found = UNENCODABLE.search(text)
    if found is None:
        return None
    code = ord(found.group())
    return f"lone surrogate U+{code:04X}" if 0xD800 <= code <= 0xDFFF else f"noncharacter U+{code:04X}"


# Letters and marks that a page shows as nothing or as empty space: the Hangul fillers, the braille
# blank, the Mongolian vowel separator, the combining grapheme joiner, the Khmer inherent vowels
BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u034f\u17b4\u17b5")


def blank_character(text: str) -> str | None:
    """`U+3164 HANGUL FILLER` for the first character that shows as blank space, else None."""
    if text.isascii():
        return None
    char = next((c for c in text if c in BLANK_CHARACTERS), None)
    return None if char is None else f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()


def shows_blank(text: str) -> bool:
    """True when nothing of the text would show: only blank characters, invisible ones and spaces."""
    return all(c.isspace() or c in BLANK_CHARACTERS or unicodedata.category(c) in ("Cf", "Cc", "Zl", "Zp") for c in text)


# --- look-alikes: what a reader takes an address for (Unicode TS #39 confusables) ----------------------------------

_IDNA_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})  # label separators as IDNA reads them


def _confusables_data(name: str) -> object:
    """A data file of confusable-homoglyphs (Unicode's confusables.txt and Scripts.txt, as JSON)."""
    return json.loads(files("confusable_homoglyphs").joinpath(name).read_text(encoding="utf-8"))


@cache
def _prototypes() -> dict[str, str]:
    """Each character outside ASCII that confusables.txt makes confusable with another: its prototype.

    The package's table lists, for each source, its prototype and, for each prototype, its sources
    (right-to-left ones wrapped in U+200E marks): the characters of one prototype form one class. A
    class's prototype is the member that is several characters ("rn") or that lists several sources;
    where a class has two members only, the one in ASCII (else the lower one) stands for both."""
    table: dict[str, list[dict[str, str]]] = _confusables_data("confusables.json")  # type: ignore[assignment]
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    fanout: dict[str, int] = {}
    for key, glyphs in table.items():
        key = key.replace("\u200e", "")
        fanout[key] = len(glyphs)
        for glyph in glyphs:
            parent[root(glyph["c"].replace("\u200e", ""))] = root(key)
    classes: dict[str, list[str]] = {}
    for node in list(parent):
        classes.setdefault(root(node), []).append(node)
    prototypes: dict[str, str] = {}
    for members in classes.values():
        prototype = min(members, key=lambda m: (len(m) == 1 and fanout.get(m, 0) < 2, not m.isascii(), m))
        for member in members:
            if len(member) == 1 and not member.isascii() and member != prototype:
                prototypes[member] = prototype
    return prototypes


def fold_lookalikes(text: str) -> str:
    """What a reader takes a text for: NFKC, case folded, and each character outside ASCII that Unicode
    (TS #39) calls confusable replaced by its prototype: Cyrillic а by a, ․ by a full stop. ASCII stays as
    typed, so `mit.edu` and `rnit.edu` remain two hosts."""
    text = unicodedata.normalize("NFKC", text.translate(_IDNA_DOTS)).casefold()
    if text.isascii():
        return text
    prototypes = _prototypes()
    folded = "".join(prototypes.get(c, c) for c in text)
    return unicodedata.normalize("NFKC", folded).casefold().translate(_IDNA_DOTS)


@cache
def _script_ranges() -> tuple[list[int], list[tuple[int, str]]]:
    data: dict[str, list[object]] = _confusables_data("categories.json")  # type: ignore[assignment]
    names = [str(n) for n in data["iso_15924_aliases"]]
    ranges = [(int(r[0]), int(r[1]), names[int(r[2])]) for r in data["code_points_ranges"]]  # type: ignore[index]
    return [start for start, _, _ in ranges], [(end, name) for _, end, name in ranges]


def script_of(char: str) -> str:
    """The character's script as Scripts.txt names it (LATIN, CYRILLIC, COMMON, INHERITED), else UNKNOWN."""
    starts, ends = _script_ranges()
    at = bisect_right(starts, ord(char)) - 1
    return ends[at][1] if at >= 0 and ord(char) <= ends[at][0] else "UNKNOWN"


# Scripts that one name may mix (TS #39, highly restrictive): Japanese, Chinese and Korean writing with Latin
_MIXABLE = (frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}), frozenset({"LATIN", "HAN", "BOPOMOFO"}), frozenset({"LATIN", "HAN", "HANGUL"}))


def shown_host(parts: SplitResult) -> str:
    """The host a URL goes to as an address bar shows it: percent escapes and punycode (xn--) decoded, NFKC, case folded."""
    host = unquote(parts.hostname or "")
    if host.isascii() and "xn--" not in host:
        return host.lower()
    labels = []
    for label in host.split("."):
        if label.lower().startswith("xn--"):
            with suppress(UnicodeError):
                label = label[4:].encode("ascii").decode("punycode")
        labels.append(label)
    return unicodedata.normalize("NFKC", ".".join(labels).translate(_IDNA_DOTS)).casefold()


def lookalike_host(url: str) -> str:
    """The host a URL reads as (`аrxiv.org` in Cyrillic reads as arxiv.org): how one site is recognised in any spelling."""
    try:
        host = shown_host(urlsplit(url.strip()))
    except ValueError:
        return ""
    return host if host.isascii() else fold_lookalikes(host)


def _mixed_scripts(host: str) -> str | None:
    """How a host mixes scripts, `Latin and Cyrillic letters (U+0430 CYRILLIC SMALL LETTER A)`, else None."""
    letters: dict[str, list[str]] = {}
    for char in host:
        script = script_of(char)
        if script not in ("COMMON", "INHERITED"):
            letters.setdefault(script, []).append(char)
    if len(letters) < 2 or any(set(letters) <= allowed for allowed in _MIXABLE):
        return None
    order = sorted(letters, key=lambda s: -len(letters[s]))  # the most used first; the odd one out is named
    names = [s.replace("_", " ").title() for s in order]
    odd = letters[order[-1]][0]
    return f"{', '.join(names[:-1])} and {names[-1]} letters (U+{ord(odd):04X} {unicodedata.name(odd, '')})"


_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")  # names a network gives its own machines
_IPV4_TEXT = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?")  # what a browser reads as IPv4 ("2130706433", "0x7f.1")


def local_host(host: str) -> str | None:
    """A host of the reader's own machine or network, as a link's message names it ("127.1 (127.0.0.1) is the
    reader's own computer"), or None for a host on the internet. A browser reads `127.1`, `2130706433` and
    `0x7f000001` as 127.0.0.1 too."""
    name = host.rstrip(".").lower()
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None
    with suppress(ValueError):
        address = ipaddress.ip_address(name)
    if address is None and _IPV4_TEXT.fullmatch(name):
        with suppress(OSError):
            address = ipaddress.IPv4Address(socket.inet_aton(name))
    named = host if address is None or str(address) == name else f"{host} ({address})"
    if address is not None:
        where = ("the reader's own computer" if address.is_loopback else
                 "a machine on the reader's own network" if address.is_private or address.is_link_local else
                 None if address.is_global else "no address on the internet")
    elif name == "localhost" or name.endswith(".localhost"):
        where = "the reader's own computer"
    else:
        where = "a machine on the reader's own network" if "." not in name or name.endswith(_LOCAL_SUFFIXES) else None
    return f"{named} is {where}" if where else None


def link_host_problem(url: str) -> str | None:
    """Why an http(s) address would take a reader elsewhere than it reads, with the fix; None when it goes where it says.
    A user name before @ (`https://arxiv.org@evil.example/`) is skipped by browsers; a host that mixes scripts
    (Latin with one Cyrillic а), or that is all look-alikes of a Latin address, imitates another host; an address of
    the reader's own machine or network (`http://192.168.1.1/`) reaches what is there, never the paper."""
    text = html.unescape(url).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    user, at, rest = parts.netloc.rpartition("@")
    if at:
        return f"'{user}@' is a user name, which browsers skip: the link goes to {rest}; remove '{user}@'"
    host = shown_host(parts)
    if local := local_host(host):
        return f"the host {local}, not the paper's: link the paper's public address"
    if host.isascii():
        return None
    read_as = fold_lookalikes(host)
    like = f", a look-alike of {read_as}" if read_as.isascii() and read_as != host else ""
    if mixed := _mixed_scripts(host):
        return f"the host {host} mixes {mixed}{like}; type the address again in one script"
    if like:
        return f"the host {host} is written in letters that look like Latin ones{like}; type the address again in Latin letters"
    return None


# --- link text: what a reader sees must name the host the link goes to ---------------------------------------------

_TOKEN_SPLIT = re.compile(r"[\s()\[\]{}<>\"'«»“”‘’,;|]+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?=//)|^//")
_HOST_TEXT = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}")


def addresses_in(text: str) -> list[str]:
    """The hosts of the words of a text that read as addresses (`arxiv.org/abs/1`, `https://www.example.org`),
    as a reader takes them (fold_lookalikes), without `www.`; a user part before @ counts as a host too."""
    hosts = []
    for word in _TOKEN_SPLIT.split(fold_lookalikes(text)):
        word = _SCHEME.sub("", word.strip(".,:;!?*_`~")).lstrip("/")
        authority = re.split(r"[/?#]", word, maxsplit=1)[0]
        for part in authority.split("@"):
            host = re.sub(r":[0-9]*$", "", part).rstrip(".")
            if _HOST_TEXT.fullmatch(host):
                hosts.append(host.removeprefix("www."))
    return hosts


class _LinkText(HTMLParser):
    """(text a reader sees, href) of every link of a rendered digest; entities decoded as a browser does."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._open: list[tuple[list[str], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open.append(([], dict(attrs).get("href") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            parts, href = self._open.pop()
            self.links.append(("".join(parts), href))
            if self._open:
                self._open[-1][0].extend(parts)

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][0].append(data)


def shown_links(text: str) -> list[tuple[str, str]]:
    """(the text a reader sees, the href) of each link of a digest, as render_digest makes them: Markdown
    rendered (emphasis, code and escapes gone, entities decoded); math shows as its TeX."""
    formulas: list[tuple[str, str]] = []  # (as typed, the TeX a reader sees)
    mark = "dlpmath"
    while mark in text:
        mark += "x"

    def hold(match: re.Match[str]) -> str:
        if match.group("code"):
            return match.group("code")
        formulas.append((match.group(0), match.group("paren") or match.group("dollar")))
        return f"{mark}{len(formulas) - 1}x"

    _MD.reset()
    parser = _LinkText()
    parser.feed(_MD.convert(tidy_tex(_MATH.sub(hold, tex_quotes(text)))))
    parser.close()
    placeholder = re.compile(rf"{mark}(\d+)x")

    def tex(part: str, shown: int) -> str:
        return placeholder.sub(lambda m: formulas[int(m.group(1))][shown], part)

    return [(tex(shown, 1), tex(href, 0)) for shown, href in parser.links]


def deceptive_link(shown: str, href: str) -> str | None:
    """The host a link goes to when its text reads as an address on another host, else None: every address
    in the text a reader sees (addresses_in) must name that host."""
    try:
        target = shown_host(urlsplit(html.unescape(href).strip())).removeprefix("www.")
    except ValueError:
        return None
    return target if any(host != target for host in addresses_in(shown)) else None


def digest_problems(text: str) -> list[str]:
    """What in a digest would not be plain prose, each with how to fix it."""
    if len(text) > MAX_LENGTH:
        return [f"digest: {len(text):,} characters; at most {MAX_LENGTH:,} (1-5 sentences)"]
    if text.count("[") > MAX_BRACKETS:
        return [f"digest: {text.count('['):,} square brackets; at most {MAX_BRACKETS} (a digest has a few links at most)"]
    typed, text = text, _MATH.sub(lambda m: m.group("code") or "", tex_quotes(text))  # math is TeX, where < and { mean what they say
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
    targets = [t for t in _LINK_TARGET.findall(text) + [a[1:-1] for a in _AUTOLINK.findall(text)] if is_http_url(t)]
    for target in targets:
        if bad := link_host_problem(target):
            problems.append(bad)
    if targets:
        for shown, href in shown_links(typed):
            if link_host_problem(href) is None and (host := deceptive_link(shown, href)):
                problems.append(f"the link text '{' '.join(shown.split())}' reads as an address on another host than the link's ({host}); "
                                "write what the link is, or the address it goes to")
    if invisible := invisible_character(text):
        problems.append(f"invisible or control character {invisible}; remove it")
    return [f"digest: {p}" for p in dict.fromkeys(problems)]


class _SafeLinks(Treeprocessor):  # type: ignore[misc]
    """Links keep only an http(s) href; anything else becomes its text."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for child in list(parent):
                if child.tag == "a":
                    href = child.get("href", "")
                    child.attrib.clear()
                    if is_http_url(href) and link_host_problem(href) is None:
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
