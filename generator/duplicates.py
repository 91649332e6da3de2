"""One paper once: near-identical titles, and the listed paper a new one would duplicate.

Two titles are near-identical when their normalised forms (identifiers.normalize_title) have a
difflib ratio of at least TITLE_RATIO: a typo, a hyphen, a plural or a dropped article apart.
Two papers with different arXiv ids or different DOIs are different papers, whatever their titles.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from difflib import SequenceMatcher

from generator.errors import Problem
from generator.identifiers import arxiv_from_url, doi_from_url, normalize_doi, normalize_title
from generator.model import Entry

TITLE_RATIO = 0.93


def title_ratio(a: str, b: str) -> float:
    """Similarity of two normalised titles, 0 to 1; the cheap upper bounds first."""
    if not a or not b or 2 * min(len(a), len(b)) / (len(a) + len(b)) < TITLE_RATIO:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < TITLE_RATIO or matcher.quick_ratio() < TITLE_RATIO:
        return 0.0
    return matcher.ratio()


def _blocks(titles: Sequence[str], count: int = 3) -> dict[str, list[int]]:
    """Titles grouped by each of their `count` rarest words. Near-identical titles share nearly all
    their words, so they share a rare one unless a typo hits all of them; rare words make small
    groups, so the comparisons stay few even when thousands of titles start "On the"."""
    frequency = Counter(word for title in titles for word in set(title.split()))
    groups: dict[str, list[int]] = defaultdict(list)
    for index, title in enumerate(titles):
        for word in sorted(set(title.split()), key=lambda w: (frequency[w], w))[:count]:
            groups[word].append(index)
    return groups


def near_title_pairs(titles: Sequence[str], skip: Callable[[int, int], bool] | None = None) -> Iterator[tuple[int, int, float]]:
    """(i, j, ratio) for i < j whose normalised titles are near-identical but not equal; `skip(i, j)`,
    asked before the costly comparison, leaves out pairs already settled another way."""
    words = [frozenset(title.split()) for title in titles]
    seen: set[tuple[int, int]] = set()
    for members in _blocks(titles).values():
        members.sort(key=lambda i: (len(titles[i]), i))
        for position, i in enumerate(members):
            for j in members[position + 1 :]:
                if 2 * len(titles[i]) / (len(titles[i]) + len(titles[j])) < TITLE_RATIO:
                    break  # sorted by length: every later title is too long to be near-identical
                pair = (min(i, j), max(i, j))
                if titles[i] == titles[j] or pair in seen:
                    continue
                seen.add(pair)
                if not _enough_words_shared(words[i], words[j]) or (skip is not None and skip(*pair)):
                    continue
                ratio = title_ratio(titles[i], titles[j])
                if ratio >= TITLE_RATIO:
                    yield (*pair, ratio)


def _enough_words_shared(a: frozenset[str], b: frozenset[str]) -> bool:
    """A cheap test before difflib: titles 93% alike share at least half their words, unless they
    are so short that a typo or two changes every word."""
    return len(a) + len(b) <= 6 or 2 * len(a & b) >= (len(a) + len(b)) / 2


def paper_keys(entry: Entry) -> Iterator[tuple[str, str, str]]:
    """Every identity of a paper (arXiv id, DOI, title) with the field it comes from."""
    if entry.arxiv:
        yield ("arXiv", entry.arxiv, "arxiv")
    if entry.doi:
        yield ("DOI", normalize_doi(entry.doi), "doi")
    for label, url in entry.links:
        arxiv, doi = arxiv_from_url(url), doi_from_url(url)
        if arxiv:
            yield ("arXiv", arxiv, f"links.{label}")
        if doi:
            yield ("DOI", doi, f"links.{label}")
    yield ("title", normalize_title(entry.title), "title")


def identities(entry: Entry) -> tuple[set[str], set[str]]:
    """The arXiv ids and normalised DOIs an entry carries, in its fields or its links."""
    keys = list(paper_keys(entry))
    return {v for k, v, _ in keys if k == "arXiv"}, {v for k, v, _ in keys if k == "DOI"}


def told_apart(a: tuple[set[str], set[str]], b: tuple[set[str], set[str]]) -> bool:
    """True when ids say two papers differ: both have arXiv ids, or both DOIs, and none shared."""
    return any(x and y and not x & y for x, y in zip(a, b, strict=True))


def same_paper(entries: Sequence[Entry], arxiv: str | None, doi: str | None, title: str) -> tuple[Entry, str] | None:
    """The listed paper that has this arXiv id, DOI or (nearly) this title, and how it matched."""
    doi = normalize_doi(doi) if doi else None
    new = ({arxiv} if arxiv else set(), {doi} if doi else set())
    key = normalize_title(title)
    for entry in entries:
        arxivs, dois = identities(entry)
        if arxiv and arxiv in arxivs:
            return entry, f"arXiv {arxiv}"
        if doi and doi in dois:
            return entry, f"DOI {doi}"
    for entry in entries if key else ():
        other = normalize_title(entry.title)
        if other == key:
            return entry, "the same title"
        if not told_apart(new, identities(entry)) and title_ratio(key, other) >= TITLE_RATIO:
            return entry, f"nearly the same title: {entry.title!r}"
    return None


def near_title_problems(entries: Sequence[Entry]) -> list[Problem]:
    """Files whose titles are near-identical (exact matches are validate.list_problems' own), unless
    their ids tell them apart or already name them as one paper."""
    problems = []
    ids = [identities(e) for e in entries]

    def settled(i: int, j: int) -> bool:  # ids tell them apart, or already call them one paper
        return told_apart(ids[i], ids[j]) or any(x & y for x, y in zip(ids[i], ids[j], strict=True))

    for i, j, _ in near_title_pairs([normalize_title(e.title) for e in entries], settled):
        first, entry = entries[i], entries[j]
        problems.append(Problem(
            entry.path, entry.line("title"),
            f"nearly the same title as {first.path} ({first.title!r}): if it is the same paper, keep one file and list "
            "extra sections in also_in; if not, give both papers their arxiv or doi"))
    return problems
