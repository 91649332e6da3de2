"""BibTeX for every paper: stable keys (the entry id), types from the venue, LaTeX-escaped text,
titles with their capitals protected (`{LoRA}`).

Every value is written so that no text of an entry can leave it (entries come from strangers' pull
requests; the file goes into readers' LaTeX documents):

- brace-balanced by construction, as BibTeX counts braces (a backslash does not escape one): a
  brace of the text is written `\\{`/`\\}` where it pairs with another, `{\\textbraceleft}` or
  `{\\textbraceright}` where it does not;
- one line: line breaks and tabs become spaces, so no line of a value starts with `@` (the
  explorer cuts papers.bib into entries at each line that does) and no value spans lines;
- no TeX command but the ones we write: text goes through pylatexenc's encoder (`\\` becomes
  `{\\textbackslash}`, `^` `{\\textasciicircum}`, which also ends TeX's `^^5c` spelling of a
  backslash); `$...$` math is kept only when it is the safe subset (`safe_math`), else it is text;
- an author is one author: a word `and` inside a name (which BibTeX would split at) is `{and}`
  (any case), a name `others` is `{others}`;
- identifiers and URLs (eprint, doi, url) are verbatim but for `\\ { } ^`, spaces and line
  breaks, which are percent-encoded (DOIs and URLs allow exactly that spelling);
- characters no reader's file should hold (C0/C1 controls, noncharacters, lone surrogates) are
  dropped.

bibtexparser writes the entries.
"""

from __future__ import annotations

import re
from functools import cache

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares.parsestack import default_unparse_stack
from bibtexparser.model import Block, Field
from bibtexparser.model import Entry as BibEntry
from bibtexparser.writer import BibtexFormat
from pylatexenc.latexencode import UnicodeToLatexEncoder  # type: ignore[import-untyped]

from generator.model import Entry
from generator.text.digest import UNWRITABLE

# Venues whose papers appear in proceedings; anything else with a venue is a journal article.
CONFERENCES = frozenset({
    "AAAI", "ACCV", "ACL", "AISTATS", "ALT", "COLING", "COLT", "CoLLAs", "CVPR", "ECCV", "ECML", "EMNLP",
    "ICASSP", "ICCV", "ICLR", "ICML", "IJCAI", "IJCNN", "Interspeech", "KDD", "LoG", "MIDL", "MLSys",
    "NAACL", "NeurIPS", "NIPS", "SIGIR", "UAI", "WACV", "WWW",
})
# Journals cited by an acronym and often a year, which would otherwise read as a conference.
JOURNALS = frozenset({
    "IJCV", "JAIR", "JMLR", "JOV", "PAMI", "PNAS", "TACL", "TIT", "TMLR", "TNNLS", "TPAMI", "TSP",
})
# Math commands a `$...$` in a title, venue or name may use: symbols, fonts, accents, operators.
# Nothing that reads or writes files, defines, expands or changes catcodes (\input, \include, \def,
# \catcode, \write, \immediate, \openout, \read, \csname, \expandafter, \usepackage, ...).
MATH_COMMANDS = frozenset("""
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi
    rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
    Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega
    mathbb mathcal mathrm mathbf mathit mathsf mathtt mathfrak boldsymbol text textrm textit textbf operatorname
    frac dfrac tfrac sqrt binom hat widehat tilde widetilde bar overline underline vec dot ddot
    log ln exp sin cos tan sinh cosh tanh max min arg sup inf lim limsup liminf det dim ker Pr deg
    sum prod int oint bigcup bigcap
    le leq ge geq ne neq approx sim simeq asymp cong equiv propto ll gg subset subseteq supset supseteq
    in notin ni to mapsto rightarrow leftarrow Rightarrow Leftarrow leftrightarrow iff implies gets mid
    parallel perp not
    cdot times div pm mp circ ast star otimes oplus odot wedge vee cap cup setminus
    infty ell partial nabla forall exists emptyset varnothing ldots cdots dots vdots ddots prime top bot
    langle rangle lfloor rfloor lceil rceil lvert rvert lVert rVert
    left right big Big bigl bigr Bigl Bigr quad qquad
""".split())
_MATH_SYMBOLS = frozenset(",;:! {}|")  # \, \; \: \! \  \{ \} \|
_MATH_CHARACTERS = re.compile(r"[A-Za-z0-9 +\-*/=<>()\[\]|',.;:!?^_~@{}\\]*")
_MATH = re.compile(r"(?<!\\)\$([^$]+)\$")
_CONTROL_SEQUENCE = re.compile(r"\\([A-Za-z]+|.?)", re.DOTALL)
_PROCEEDINGS_WORDS = re.compile(r"\b(conference|workshop|symposium|proceedings of the \d|meeting)\b", re.IGNORECASE)
_PLAIN_LATEX = re.compile(r"[A-Za-z0-9 ,.:;!?()'/+=@*<>\[\]-]*")
_NOT_PUBLISHED = re.compile(r"\b(thesis|dissertation|arxiv|preprint|corr|biorxiv|medrxiv|ssrn|under review|in submission|submitted|"
                            r"technical report|tech report|report|blog|book|manuscript)\b", re.IGNORECASE)
_JOURNAL_WORDS = re.compile(r"\b(journal|transactions|letters)\b", re.IGNORECASE)
_ACRONYM_AND_YEAR = re.compile(r"[A-Z][A-Za-z]*[A-Z][A-Za-z]*['’]?\s*(19|20)[0-9]{2}\b")
# a word whose capitals a bibliography style must keep: one of its parts between hyphens has a capital
# after its first letter (LoRA, NTK, ResNet, GPT-3, PAC-Bayes, 3D); it is braced whole, `{LoRA}`
_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
# the braces `protect` adds, told apart from a text's own braces until they are written (a NUL never
# reaches them: UNWRITABLE drops it)
_PROTECT_OPEN, _PROTECT_CLOSE = "\x00{", "\x00}"
# what splitlines() and JavaScript's `^` in multiline mode take for a line break, and tabs
_LINE_BREAKS = re.compile("[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")
_AND = re.compile(r"(?<![^\s~])and(?![^\s~])", re.IGNORECASE)
_KEY = re.compile(r"[^A-Za-z0-9_.:-]")
_VERBATIM = re.compile(r"[\\{}^\s]")
_ENCODER = UnicodeToLatexEncoder(conversion_rules=["defaults"])  # pylatexenc warns about characters it keeps as they are
_FORMAT = BibtexFormat()  # type: ignore[no-untyped-call]
_FORMAT.indent = "  "


def entry_type(entry: Entry) -> str:
    """From the venue: `misc` without one, for a preprint server, a thesis, a report, a blog or a book;
    `inproceedings` for a conference or workshop (a known acronym, the words conference, workshop,
    symposium, or an acronym followed by a year, "ICRA 2023", which is how conferences are cited);
    `article` for a journal (a known acronym such as TMLR, or any other name: Nature, PNAS)."""
    venue = (entry.venue or "").strip()
    if not venue or _NOT_PUBLISHED.search(venue):
        return "misc"  # a thesis without its school would be an incomplete @phdthesis, a report without its institution
    first_word = re.split(r"[\s\d]", venue, maxsplit=1)[0]
    if first_word in JOURNALS or _JOURNAL_WORDS.search(venue):
        return "article"
    if first_word in CONFERENCES or _PROCEEDINGS_WORDS.search(venue) or _ACRONYM_AND_YEAR.match(venue):
        return "inproceedings"
    return "article"


def safe_math(formula: str) -> bool:
    """True when the text between two `$` is math a reader's LaTeX can take as it is: printable ASCII
    without `% # & $ "` or TeX's `^^` notation, braces balanced both as BibTeX counts them (every
    brace) and as TeX does (unescaped ones), every command in MATH_COMMANDS or one of `\\, \\; \\: \\! \\  \\{ \\} \\|`."""
    if not _MATH_CHARACTERS.fullmatch(formula) or "^^" in formula:
        return False
    for match in _CONTROL_SEQUENCE.finditer(formula):
        name = match.group(1)
        if name not in MATH_COMMANDS and not (len(name) == 1 and name in _MATH_SYMBOLS):
            return False
    unescaped = _CONTROL_SEQUENCE.sub(lambda m: "" if m.group(1) in ("{", "}") else m.group(), formula)
    return _balanced(formula) and _balanced(unescaped)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def keeps_capitals(word: str) -> bool:
    """True for a word a bibliography style must not lower-case: a part between hyphens has a capital after its first letter."""
    return any(any(c.isupper() for c in part[1:]) for part in word.split("-"))


def _latex(part: str) -> str:
    return part if _PLAIN_LATEX.fullmatch(part) else str(_ENCODER.unicode_to_latex(part))


def _encode(text: str, protect: bool = False) -> list[str]:
    """Text (not math) as LaTeX, with each of its braces left as `{`/`}` items for `latex_text` to pair,
    and with `protect` each word that keeps its capitals between _PROTECT_OPEN and _PROTECT_CLOSE."""
    pieces: list[str] = []
    for part in re.split(r"([{}])", text):
        if part in ("{", "}"):
            pieces.append(part)
        elif part and protect:
            start = 0
            for word in _WORD.finditer(part):
                if keeps_capitals(word.group()):
                    if word.start() > start:
                        pieces.append(_latex(part[start:word.start()]))
                    pieces += [_PROTECT_OPEN, _latex(word.group()), _PROTECT_CLOSE]
                    start = word.end()
            if start < len(part):
                pieces.append(_latex(part[start:]))
        elif part:
            pieces.append(_latex(part))
    return pieces


def _protect_plain(text: str) -> str:
    return _WORD.sub(lambda m: "{" + m.group() + "}" if keeps_capitals(m.group()) else m.group(), text)


def latex_text(text: str, protect: bool = False) -> str:
    """A title, venue or name as a one-line, brace-balanced BibTeX value (the module's rules); with
    `protect` (titles), each word with capitals after its first letter braced, so that a style that
    lower-cases titles prints `{LoRA}` and `{NTK}` as written."""
    text = UNWRITABLE.sub("", _LINE_BREAKS.sub(" ", text))
    if _PLAIN_LATEX.fullmatch(text):  # most titles: nothing to encode, and the encoder is slow
        return _protect_plain(text) if protect else text
    pieces: list[str] = []
    kept: set[int] = set()  # indexes of pieces that are math, written as they are
    start = 0
    for match in _MATH.finditer(text):
        if safe_math(match.group(1)):
            pieces += _encode(text[start:match.start()], protect)
            kept.add(len(pieces))
            pieces.append(match.group())
            start = match.end()
    pieces += _encode(text[start:], protect)
    opened: list[int] = []
    paired: set[int] = set()
    for index, piece in enumerate(pieces):
        if index in kept:
            continue
        if piece == "{":
            opened.append(index)
        elif piece == "}" and opened:
            paired |= {opened.pop(), index}
    out = []
    for index, piece in enumerate(pieces):
        if piece in (_PROTECT_OPEN, _PROTECT_CLOSE) and index not in kept:
            out.append(piece[1:])
        elif index in kept or piece not in ("{", "}"):
            out.append(piece)
        elif index in paired:
            out.append("\\" + piece)
        else:
            out.append("{\\textbraceleft}" if piece == "{" else "{\\textbraceright}")
    return "".join(out)


def author_name(name: str) -> str:
    """One name as one BibTeX author: a word `and` in it is braced, so no parser splits the name there, and
    a name `others` (which BibTeX styles print as "et al.") too."""
    text = _AND.sub(lambda m: "{" + m.group() + "}", latex_text(name))
    return "{" + text + "}" if text.strip().lower() == "others" else text


def verbatim(text: str) -> str:
    """An identifier or URL: its characters as they are but for `\\ { } ^` and white space, percent-encoded,
    so that a value cannot end early, hold a TeX command, or break a line."""
    text = UNWRITABLE.sub("", text)
    return _VERBATIM.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), text)


def _fields(entry: Entry, kind: str) -> list[Field]:
    fields = [Field("title", latex_text(entry.title, protect=True))]
    names = [author_name(name) for name in entry.authors]
    if any(n.strip() for n in names):
        fields.append(Field("author", " and ".join(n for n in names if n.strip())))
    if entry.venue:
        name = {"inproceedings": "booktitle", "article": "journal"}.get(kind, "howpublished")
        fields.append(Field(name, latex_text(entry.venue)))
    fields.append(Field("year", str(int(entry.year))))
    if entry.arxiv:
        fields += [Field("eprint", verbatim(entry.arxiv)), Field("archivePrefix", "arXiv")]
    if entry.doi:
        fields.append(Field("doi", verbatim(entry.doi)))
    url = entry.link("paper")
    if url:
        fields.append(Field("url", verbatim(url)))
    return fields


def citation_key(entry: Entry) -> str:
    """The entry id (a slug, by the schema); anything else that could end the key is a hyphen."""
    return _KEY.sub("-", entry.id) or "entry"


def bibtex_library(entries: list[Entry] | tuple[Entry, ...]) -> Library:
    blocks: list[Block] = [BibEntry(entry_type(e), citation_key(e), _fields(e, entry_type(e))) for e in entries]
    return Library(blocks)


def bibtex(entries: list[Entry] | tuple[Entry, ...]) -> str:
    """BibTeX entries in the given order, separated by a blank line, ending in a newline."""
    if not entries:
        return ""
    # the library is ours and thrown away: let the writer's middleware work in place, not on a deep copy
    text: str = bibtexparser.write_string(  # type: ignore[attr-defined]
        bibtex_library(entries), unparse_stack=default_unparse_stack(allow_inplace_modification=True), bibtex_format=_FORMAT)
    return text.strip() + "\n"


@cache
def cite(entry: Entry) -> str:
    """One paper's BibTeX, cached: `mkdocs serve` redoes only the papers that changed."""
    return bibtex([entry])


def bibliography(entries: list[Entry] | tuple[Entry, ...]) -> str:
    """The whole list as one .bib file."""
    return "\n".join(cite(e) for e in entries)
