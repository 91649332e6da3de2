"""The section and key words to propose for a new paper, and the sentences of its abstract to draft a digest from.

A new paper is compared with every paper of the list by text (generator.text.similarity). Its nearest
papers vote for their sections and key words, each vote weighted by how similar the paper is. A key
word is proposed only when it is grounded: its words appear, by stem ("memorized" states
"Memorization"), in the new paper's title or abstract, or it names the phenomenon of the suggested
section; votes and how often a listed paper whose text states the key word carries it rank the
grounded ones. Only key words the list already uses are proposed, in their canonical spelling, so a
suggestion never starts a new spelling variant. The draft digest takes the sentences that state what
the paper finds rather than its background. `bench/bench_suggest.py` measures these choices.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]  # ships no type information

from generator.list.catalog import canonical_keywords
from generator.model import Entry, ListInfo
from generator.site.related import paper_text
from generator.text.similarity import TextIndex


@dataclass(frozen=True)
class SuggestSettings:
    """The knobs the benchmark turned; the defaults are the best it found."""

    neighbours: int = 10  # papers that vote for key words
    section_neighbours: int = 30  # papers that vote for sections: more than for key words, as there are fewer sections
    power: float = 0.5  # votes weigh similarity ** power: >1 trusts the nearest papers more
    also_in: float = 0.5  # a vote for a paper's other sections, relative to its own section
    keyword_in_text: float = 0.5  # times how often a listed paper that states a key word carries it, added to its votes
    keyword_in_title: float = 0.25  # bonus for a key word spelled out in the title
    min_score: float = 0.1  # a grounded key word with less (votes and bonuses) is not proposed
    section_size_power: float = 0.25  # section votes divided by the section's size ** this
    section_in_text: float = 0.5  # bonus for a section whose title the new paper spells out
    prior_weight: float = 1.0  # how many papers the average over all key words counts as, in each one's precision
    phenomenon_share: float = 0.3  # the section's phenomenon is a key word when its words appear, or it has this share of the votes
    title_weight: int = 2  # times the title is repeated in a text: it says most about the paper
    keyword_weight: int = 1  # times a listed paper's key words are repeated in its text


@dataclass(frozen=True)
class Suggestion:
    sections: list[tuple[str, float]]  # every section with a vote, best first
    keywords: list[str]  # canonical key words, best first, each grounded

    @property
    def section(self) -> str | None:
        return self.sections[0][0] if self.sections else None


def new_paper_text(title: str, abstract: str, settings: SuggestSettings) -> str:
    return " ".join([title] * settings.title_weight + [abstract])


# --- words by stem ---------------------------------------------------------------------------------

# Words that join the words of a key word without saying what it is about ("Memorization in Deep Networks").
FUNCTION_WORDS = frozenset("a an and as at by for from in into is of on or the to via vs with without".split())
_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# British -ise spellings become -ize before stemming: "memorise" and "memorize" share a stem
_BRITISH = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)$")
# Upper-case abbreviations a text defines and then uses: SGD, NTK, LLMs, MoE
_ACRONYM = re.compile(r"\b([A-Z][A-Za-z]{1,5})\b")
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of a lower-case word: memorized, memorizing, memorization -> memor."""
    return str(_STEMMER.stemWord(_BRITISH.sub(r"iz\1", word)))


def _tokens(text: str) -> list[list[str]]:
    """Lower-case ASCII words, each a list of its hyphen-joined parts, function words left out."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    tokens = [[part for part in token.split("-") if part] for token in _TOKEN.findall(text)]
    return [token for token in tokens if not (len(token) == 1 and token[0] in FUNCTION_WORDS)]


@dataclass(frozen=True)
class Stems:
    """A text as stems: a set to look words up in, and sequences to look phrases up in."""

    words: frozenset[str]  # each word's stem, and the stems of the parts of hyphenated words
    phrases: tuple[str, str]  # " a b c " with hyphenated words split into parts, and with them joined
    acronyms: frozenset[str]  # lower-case, a plural s dropped: "llm" for LLMs

    @classmethod
    def of(cls, text: str) -> Stems:
        tokens = _tokens(text)
        split = [stem(part) for token in tokens for part in token]
        joined = [stem("".join(token)) for token in tokens]
        acronyms = frozenset(
            a.removesuffix("s").lower() for a in _ACRONYM.findall(text) if sum(c.isupper() for c in a) >= 2
        )
        return cls(frozenset(split + joined), (_phrase(split), _phrase(joined)), acronyms)


def _phrase(stems: Sequence[str]) -> str:
    return " " + " ".join(stems) + " "


@dataclass(frozen=True)
class KeywordForm:
    """A key word as stems, to tell whether a text states it."""

    groups: tuple[tuple[str, tuple[str, ...]], ...]  # per word: its joined stem and the stems of its hyphenated parts
    initials: str  # "sgd" for Stochastic Gradient Descent; "" for a single word
    phrases: tuple[str, str]  # the stems in order, " a b ", with hyphenated words split and joined

    @classmethod
    def of(cls, keyword: str) -> KeywordForm:
        groups = tuple((stem("".join(t)), tuple(stem(p) for p in t)) for t in _tokens(keyword))
        parts = re.findall(r"[A-Za-z0-9]+", keyword)
        initials = "".join(p[0] for p in parts).lower() if len(parts) > 1 else ""
        phrases = (_phrase([p for _, ps in groups for p in ps]), _phrase([j for j, _ in groups])) if groups else ("", "")
        return cls(groups, initials, phrases)

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(s for joined, parts in self.groups for s in (parts if len(parts) > 1 else (joined,)))

    @property
    def triggers(self) -> frozenset[str]:
        """Stems one of which a text that states the key word has: its first word, joined or its first part."""
        return frozenset(self.groups[0][0:1] + self.groups[0][1][0:1]) if self.groups else frozenset()

    def words_in(self, text: Stems) -> bool:
        """Every word of the key word is in the text, in any order and form."""
        return bool(self.groups) and all(joined in text.words or set(parts) <= text.words for joined, parts in self.groups)

    def spelled_in(self, text: Stems) -> bool:
        """The key word's words in order in the text (in any form), or its abbreviation."""
        return bool(self.groups) and (
            any(form in phrase for form in self.phrases for phrase in text.phrases) or (len(self.initials) > 1 and self.initials in text.acronyms)
        )


def names_phenomenon(keyword: KeywordForm, section_title: KeywordForm) -> bool:
    """The key word is (close to) a section's title: half or more of their words in common."""
    mine, theirs = keyword.stems, section_title.stems
    return bool(mine) and len(mine & theirs) * 2 >= len(mine | theirs)


# --- the suggester ---------------------------------------------------------------------------------


_POOLED = {"title": "spelled"}  # a key word spelled out in the title is spelled out in the text: one precision for both


@dataclass(frozen=True)
class Statements:
    """What a paper's title and text (title and abstract) state of the list's vocabulary."""

    keywords: dict[str, str]  # key word -> "title" (spelled out in the title), "spelled" (words in order in the text) or "words" (in any order)
    sections: frozenset[str]  # the sections whose title the text spells out


class Suggester:
    """Suggestions for new papers, from the valid entries of a list."""

    def __init__(self, entries: Sequence[Entry], info: ListInfo, settings: SuggestSettings | None = None) -> None:
        self.settings = settings or SuggestSettings()
        self.entries = [canonical_keywords(e, info) for e in entries]
        self.index = TextIndex([paper_text(e, self.settings.title_weight, self.settings.keyword_weight) for e in self.entries])
        self.keyword_uses = Counter(k for e in self.entries for k in e.keywords)
        self.forms = {k: KeywordForm.of(k) for k in self.keyword_uses}
        self.section_titles = {s.slug: KeywordForm.of(s.title) for s in info.sections}
        self.section_sizes = Counter(e.section for e in self.entries)
        self._triggered: dict[str, list[str]] = defaultdict(list)  # stem -> key words a text with it may state
        self._abbreviated: dict[str, list[str]] = defaultdict(list)
        for keyword, form in self.forms.items():
            for trigger in form.triggers:
                self._triggered[trigger].append(keyword)
            if len(form.initials) > 1:
                self._abbreviated[form.initials].append(keyword)
        # What the list's own texts (title and digest) state, to learn how much stating a key word or
        # a section's title tells: "Generalization" is in most texts, "Grokking" only in those about it.
        self._stated = [self._read(e.title, e.digest)[1] for e in self.entries]
        self._stated_by: Counter[tuple[str, str]] = Counter()  # (kind, key word or slug) -> papers whose text states it
        self._stated_and_kept: Counter[tuple[str, str]] = Counter()  # ... that carry that key word or are in that section
        for entry, stated in zip(self.entries, self._stated, strict=True):
            self._count(entry, stated, 1)

    def _statements(self, title: Stems, text: Stems) -> Statements:
        keywords = {}
        candidates = {k for word in text.words for k in self._triggered.get(word, ())}
        candidates |= {k for a in text.acronyms for k in self._abbreviated.get(a, ())}
        for keyword in candidates:
            form = self.forms[keyword]
            if form.spelled_in(title):
                keywords[keyword] = "title"
            elif form.spelled_in(text):
                keywords[keyword] = "spelled"
            elif form.words_in(text):
                keywords[keyword] = "words"
        return Statements(keywords, frozenset(slug for slug, form in self.section_titles.items() if form.spelled_in(text)))

    def _read(self, title: str, abstract: str) -> tuple[Stems, Statements]:
        text = Stems.of(f"{title}\n{abstract}")
        return text, self._statements(Stems.of(title), text)

    def _count(self, entry: Entry, stated: Statements, sign: int) -> None:
        counts = [(_POOLED.get(kind, kind), k, k in entry.keywords) for k, kind in stated.keywords.items()]
        counts += [("section", slug, slug == entry.section) for slug in stated.sections]
        for kind, key, kept in counts:
            for counted in (key, "*"):  # "*": every key word (or section) stated this way
                self._stated_by[kind, counted] += sign
                self._stated_and_kept[kind, counted] += sign * kept

    def precision(self, kind: str, key: str) -> float:
        """How often a listed paper whose text states a key word this way (or a section's title, kind
        "section") carries it (is in it); when few texts state it, closer to the same for all key words."""
        kind = _POOLED.get(kind, kind)
        prior = self._stated_and_kept[kind, "*"] / max(self._stated_by[kind, "*"], 1)
        weight = self.settings.prior_weight
        return (self._stated_and_kept[kind, key] + weight * prior) / (self._stated_by[kind, key] + weight)

    def suggest(self, title: str, abstract: str, keywords: int = 3, exclude: int | None = None) -> Suggestion:
        """Sections and up to `keywords` grounded key words for a paper; `exclude` leaves one listed
        paper out of the votes, the vocabulary and the counts (how the benchmark tests on papers of the list)."""
        if exclude is not None:
            self._count(self.entries[exclude], self._stated[exclude], -1)
        try:
            return self._suggest(title, abstract, keywords, exclude)
        finally:
            if exclude is not None:
                self._count(self.entries[exclude], self._stated[exclude], 1)

    def _suggest(self, title: str, abstract: str, keywords: int, exclude: int | None) -> Suggestion:
        settings = self.settings
        most = max(settings.neighbours, settings.section_neighbours)
        found = [(i, s) for i, s in self.index.query(new_paper_text(title, abstract, settings), most + 1) if i != exclude]
        sections: dict[str, float] = defaultdict(float)
        votes: dict[str, float] = defaultdict(float)
        for rank, (i, similarity) in enumerate(found[:most]):
            weight = similarity**settings.power
            entry = self.entries[i]
            if rank < settings.section_neighbours:
                sections[entry.section] += weight
                for other in entry.also_in:
                    sections[other] += weight * settings.also_in
            if rank < settings.neighbours:
                for keyword in entry.keywords:
                    votes[keyword] += weight
        uses = self.keyword_uses
        if exclude is not None:  # the left-out paper's key words are not vocabulary unless others use them
            uses = uses - Counter(self.entries[exclude].keywords)
        text, stated = self._read(title, abstract)
        ranked = self._rank_sections(sections, stated.sections, exclude)
        known = {k: kind for k, kind in stated.keywords.items() if uses[k] > 0}
        return Suggestion(sections=ranked, keywords=self._rank_keywords(votes, uses, known, text, ranked, keywords))

    def _rank_sections(self, votes: dict[str, float], titled: frozenset[str], exclude: int | None) -> list[tuple[str, float]]:
        """Neighbour votes as shares, a big section's discounted (it collects votes by its size alone);
        plus a bonus for each section whose title the text spells out, as far as that predicts the
        section better than its size does ("Others" is in many texts, "Neural Collapse" in few)."""
        settings = self.settings
        left_out = self.entries[exclude] if exclude is not None else None
        sizes = self.section_sizes - Counter([left_out.section] if left_out is not None else [])
        scores = {s: v / max(sizes[s], 1) ** settings.section_size_power for s, v in votes.items()}
        total = sum(scores.values()) or 1.0
        scores = {s: v / total for s, v in scores.items()}
        papers = max(sizes.total(), 1)
        for slug in titled:
            scores[slug] = scores.get(slug, 0.0) + settings.section_in_text * max(0.0, self.precision("section", slug) - sizes[slug] / papers)
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))

    def _rank_keywords(
        self, votes: dict[str, float], uses: Counter[str], stated: dict[str, str], text: Stems, sections: list[tuple[str, float]], count: int
    ) -> list[str]:
        """Grounded key words only, by neighbour votes plus how well stating each predicts it."""
        settings = self.settings
        top = max(votes.values(), default=0.0) or 1.0
        scores = {
            k: votes.get(k, 0.0) / top + settings.keyword_in_text * self.precision(kind, k) + (settings.keyword_in_title if kind == "title" else 0.0)
            for k, kind in stated.items()
        }
        if sections:  # the suggested section's own phenomenon, when the text or the votes back it
            slug, share = sections[0]
            total = sum(s for _, s in sections) or 1.0
            for keyword in self._phenomena(slug, uses):
                if keyword not in scores and (share / total >= settings.phenomenon_share or self.forms[keyword].stems & text.words):
                    scores[keyword] = votes.get(keyword, 0.0) / top
        ranked = sorted(scores.items(), key=lambda item: (-item[1], -uses[item[0]], item[0]))
        return [k for k, score in ranked[:count] if score >= settings.min_score]

    def _phenomena(self, slug: str, uses: Counter[str]) -> list[str]:
        title = self.section_titles.get(slug)
        return [k for k, n in uses.items() if n > 0 and title is not None and names_phenomenon(self.forms[k], title)]

    def grounded(self, keyword: str, title: str, abstract: str, section: str | None) -> bool:
        """What every suggested key word is: its words in the title or abstract, or the phenomenon of the section."""
        form = self.forms.get(keyword) or KeywordForm.of(keyword)
        text = Stems.of(f"{title}\n{abstract}")
        title_form = self.section_titles.get(section or "")
        return form.words_in(text) or form.spelled_in(text) or (title_form is not None and names_phenomenon(form, title_form))


# --- sentences -------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9$\\(\"'])")
_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "etc.", "vs.", "cf.", "Fig.", "Eq.", "Sec.", "resp.", "approx.")


def sentences(text: str) -> list[str]:
    """Sentences of an abstract; a full stop after e.g., i.e. or et al. does not end one."""
    parts: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(text.split())):
        if parts and parts[-1].endswith(_ABBREVIATIONS):
            parts[-1] += " " + piece
        else:
            parts.append(piece)
    return [p for p in parts if p]


_FINDING_VERBS = (
    r"(?:show|shows|showed|shown|find|finds|found|prove|proves|proved|demonstrate|demonstrates|observe|observes|observed|"
    r"discover|discovers|discovered|reveal|reveals|revealed|identify|identifies|establish|establishes|confirm|confirms|"
    r"uncover|uncovers|verify|conclude|indicate|indicates|suggest|suggests|imply|implies|highlight|highlights)"
)
# What a paper finds or shows, said by its authors ("we show", "our experiments reveal") or of a result ("this implies")
FINDING = re.compile(
    rf"\bwe\s+(?:(?:\w+ly|also|further|then|first|next|thus|here|can|could|have)\s+){{0,3}}{_FINDING_VERBS}\b"
    r"|\b(?:our|the|these|this)\s+(?:[\w-]+\s+){0,2}(?:results?|experiments?|analys[ie]s|findings?|theory|study|work|evidence|observations?|evaluations?)\s+"
    rf"(?:(?:also|further|clearly)\s+)?{_FINDING_VERBS}\b"
    r"|\b(?:results?|experiments?|analys[ie]s|evaluations?)\b[^.;]{0,80}?\b(?:show|demonstrate|reveal|confirm|indicate|suggest)\s+that\b"
    r"|\band\s+(?:show|shows|prove|proves|demonstrate|demonstrates|find|finds)\s+that\b"
    r"|\b(?:this|these|it)\s+(?:(?:result|results|finding|findings)\s+)?(?:also\s+)?(?:implies|imply|suggests?|shows?|indicates?|reveals?)\b"
    r"|\b(?:results?|findings?|analys[ie]s|experiments?)\s+(?:showing|demonstrating|revealing|suggesting)\b"
    r"|\b(?:provides?|gives?|offers?|presents?)\s+(?:[\w-]+\s+){0,4}evidence\b"
    r"|\b(?:surprisingly|it\s+turns\s+out|shed\s+light|we\s+(?:make|report)\s+(?:\w+\s+){0,2}observations?)\b",
    re.IGNORECASE,
)
# What a paper sets out to do: below a finding, above background
METHOD = re.compile(
    r"\b(?:we|this\s+(?:paper|work|study)|in\s+this\s+(?:paper|work))\s+(?:\w+ly\s+|also\s+|further\s+|then\s+|first\s+)?"
    r"(?:propose|introduce|develop|present|design|define|formali[sz]e|formulate|study|analy[sz]e|investigate|examine|explore|consider|provide|give|obtain|derive|characteri[sz]e|"
    r"perform|conduct|measure|quantify|estimate|test|argue|ask|address|focus|use|apply|leverage)",
    re.IGNORECASE,
)
# What the field already knew or asked: the opening of most abstracts
BACKGROUND = re.compile(
    r"\b(?:are|is)\s+(?:well[- ])?known\b|\b(?:widely|commonly|generally)\s+(?:believed|accepted|used|assumed)\b"
    r"|\brecent(?:ly)?\s+(?:work|works|studies|research|years|advances|efforts|progress)\b"
    r"|\b(?:prior|previous|past|existing)\s+(?:work|works|studies|research|approaches|methods)\b|\bhas\s+(?:attracted|received|been)\b|\bhave\s+(?:been|shown|become)\b"
    r"|\b(?:remains?|is)\s+(?:unclear|poorly\s+understood|not\s+(?:well\s+)?understood|an\s+open)\b|\bopen\s+question\b|\bmajor\s+research\b|\bdespite\b",
    re.IGNORECASE,
)
SHORT_WORDS = 30  # two picked sentences shorter than this (in words together) take a third finding


def sentence_kind(sentence: str) -> int:
    """2 for a finding, 1 for a statement of method, -1 for background, 0 for the rest."""
    if FINDING.search(sentence):
        return 2
    if METHOD.search(sentence):
        return 1
    return -1 if BACKGROUND.search(sentence) else 0


def finding_sentences(abstract: str, count: int = 2) -> list[str]:
    """The `count` sentences of an abstract that best state what the paper finds, in the abstract's order.

    Findings come first, then statements of method, then plain sentences, then background; within a
    kind, the earlier sentence. A third finding joins two short ones. With no finding nor method,
    this is the abstract's first sentences that are not background."""
    found = sentences(abstract)
    kinds = [sentence_kind(s) for s in found]
    order = sorted(range(len(found)), key=lambda i: (-kinds[i], i))
    picked = order[:count]
    if len(order) > count and kinds[order[count]] == 2 and sum(len(found[i].split()) for i in picked) < SHORT_WORDS:
        picked.append(order[count])
    return [found[i] for i in sorted(picked)]
