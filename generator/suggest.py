"""The section and key words to propose for a new paper, learned from the list itself.

A new paper is compared with every paper of the list by text (generator.similarity). Its nearest
papers vote for their sections and key words, each vote weighted by how similar the paper is; a key
word the new paper's title or abstract spells out gets a bonus. Only key words the list already uses
are proposed, in their canonical spelling, so a suggestion never starts a new spelling variant.
`bench/bench_suggest.py` measures these choices against the list, leaving each paper out in turn.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from generator.catalog import canonical_keywords
from generator.identifiers import ascii_words
from generator.model import Entry, ListInfo
from generator.similarity import TextIndex


@dataclass(frozen=True)
class Settings:
    """The knobs the benchmark turned; the defaults are the best it found."""

    neighbours: int = 20  # papers that vote
    power: float = 1.0  # votes weigh similarity ** power: >1 trusts the nearest papers more
    also_in: float = 0.5  # a vote for a paper's other sections, relative to its own section
    keyword_in_text: float = 0.5  # bonus for a key word spelled out in the new paper's title or abstract
    title_weight: int = 2  # times the title is repeated in a text: it says most about the paper


@dataclass(frozen=True)
class Suggestion:
    sections: list[tuple[str, float]]  # every section with a vote, best first
    keywords: list[str]  # canonical key words, best first

    @property
    def section(self) -> str | None:
        return self.sections[0][0] if self.sections else None


def paper_text(entry: Entry, settings: Settings) -> str:
    """What a listed paper is about: title, key words and digest."""
    return " ".join([entry.title] * settings.title_weight + list(entry.keywords) + [entry.digest])


def new_paper_text(title: str, abstract: str, settings: Settings) -> str:
    return " ".join([title] * settings.title_weight + [abstract])


def phrase_key(text: str) -> str:
    """Words in lower-case ASCII, a plural s dropped, between spaces: so that " neural collapse "
    is found in " the neural collapse of features "."""
    words = (w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in ascii_words(text))
    return " " + " ".join(words) + " "


class Suggester:
    """Suggestions for new papers, from the valid entries of a list."""

    def __init__(self, entries: Sequence[Entry], info: ListInfo, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.entries = [canonical_keywords(e, info) for e in entries]
        self.index = TextIndex([paper_text(e, self.settings) for e in self.entries])
        self.keyword_uses = Counter(k for e in self.entries for k in e.keywords)
        # key words of more than one letter-word, or distinctive single words: "Grokking" yes, "Survey" too
        self._keyword_phrases = {k: phrase_key(k) for k in self.keyword_uses if phrase_key(k).strip()}

    def suggest(self, title: str, abstract: str, keywords: int = 3, exclude: int | None = None) -> Suggestion:
        """Sections and up to `keywords` key words for a paper; `exclude` leaves one listed paper
        out of the votes and the vocabulary (how the benchmark tests on papers of the list)."""
        settings = self.settings
        text = new_paper_text(title, abstract, settings)
        found = [(i, s) for i, s in self.index.query(text, settings.neighbours + 1) if i != exclude][: settings.neighbours]
        sections: dict[str, float] = defaultdict(float)
        votes: dict[str, float] = defaultdict(float)
        for i, similarity in found:
            weight = similarity**settings.power
            entry = self.entries[i]
            sections[entry.section] += weight
            for other in entry.also_in:
                sections[other] += weight * settings.also_in
            for keyword in entry.keywords:
                votes[keyword] += weight
        return Suggestion(
            sections=sorted(sections.items(), key=lambda item: (-item[1], item[0])),
            keywords=self._rank_keywords(votes, title, abstract, keywords, exclude),
        )

    def _rank_keywords(self, votes: dict[str, float], title: str, abstract: str, count: int, exclude: int | None) -> list[str]:
        uses = self.keyword_uses
        if exclude is not None:  # the left-out paper's key words are not vocabulary unless others use them
            uses = uses - Counter(self.entries[exclude].keywords)
        top = max(votes.values(), default=0.0) or 1.0
        scores = {k: v / top for k, v in votes.items() if uses[k] > 0}
        spelled = phrase_key(f"{title} {abstract}")
        for keyword, phrase in self._keyword_phrases.items():
            if uses[keyword] > 0 and phrase in spelled:
                scores[keyword] = scores.get(keyword, 0.0) + self.settings.keyword_in_text
        ranked = sorted(scores.items(), key=lambda item: (-item[1], -uses[item[0]], item[0]))
        return [k for k, _ in ranked[:count]]


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
