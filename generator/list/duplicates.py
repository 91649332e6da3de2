"""One paper once: near-identical titles, and the listed paper a new one would duplicate.

Two titles are near-identical when their normalised forms (identifiers.normalize_title) have a
difflib ratio of at least TITLE_RATIO (a typo, a hyphen, a plural or a dropped article apart), or
when one is the other with a word or two inserted anywhere, the shorter keeping at least MIN_SHARED
words ("... in Deep Networks" / "... in Deep Neural Networks"). A replaced word is not enough:
"Expressivity of Deep Neural Networks" and "Robustness of Deep Neural Networks" are two papers.
Two papers with different arXiv ids or different DOIs are different papers, whatever their titles;
two papers without them say so in their files: each names the other in `distinct_from`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from difflib import SequenceMatcher
from typing import NamedTuple

from generator.errors import Problem
from generator.list.identifiers import arxiv_from_doi, arxiv_from_url, doi_from_url, normalize_doi, normalize_title
from generator.model import Entry

TITLE_RATIO = 0.93
MAX_INSERTED = 2  # words one title may add to the other
MIN_SHARED = 4  # words the shorter title keeps: "Deep Learning" plus two words is another paper


def title_ratio(a: str, b: str) -> float:
    """Similarity of two normalised titles, 0 to 1; the cheap upper bounds first."""
    if not a or not b or 2 * min(len(a), len(b)) / (len(a) + len(b)) < TITLE_RATIO:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < TITLE_RATIO or matcher.quick_ratio() < TITLE_RATIO:
        return 0.0
    return matcher.ratio()


def words_inserted(a: Sequence[str], b: Sequence[str]) -> bool:
    """True when the longer word sequence is the shorter with one to MAX_INSERTED words inserted
    anywhere, and the shorter has at least MIN_SHARED words."""
    short, long = sorted((a, b), key=len)
    if not 0 < len(long) - len(short) <= MAX_INSERTED or len(short) < MIN_SHARED:
        return False
    rest = iter(long)
    return all(word in rest for word in short)  # a subsequence: `in` consumes the iterator up to the word


def near_titles(a: str, b: str) -> bool:
    """Two different normalised titles a reviewer would take for one paper's."""
    return a != b and (words_inserted(a.split(), b.split()) or title_ratio(a, b) >= TITLE_RATIO)


def _rare_words(titles: Sequence[str], count: int = 3) -> list[list[str]]:
    """Each title's `count` rarest words in the list, rarest first."""
    frequency = Counter(word for title in titles for word in set(title.split()))
    return [sorted(set(title.split()), key=lambda w: (frequency[w], w))[:count] for title in titles]


def _blocks(rare: Sequence[Sequence[str]]) -> dict[str, list[int]]:
    """Titles grouped by each of their rarest words (_rare_words). Near-identical titles share nearly
    all their words, so they share a rare one unless a typo hits all of them; rare words make small
    groups, so the comparisons stay few even when thousands of titles start "On the". With
    MAX_INSERTED + 1 rare words each, a title with up to MAX_INSERTED words inserted still has the
    other title's rarest word among its own: only the inserted words can be rarer."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, words in enumerate(rare):
        for word in words:
            groups[word].append(index)
    return groups


def near_title_pairs(titles: Sequence[str], skip: Callable[[int, int], bool] | None = None) -> Iterator[tuple[int, int, float]]:
    """(i, j, ratio) for i < j whose normalised titles are near-identical (near_titles) but not equal;
    `skip(i, j)`, asked before the costly comparison, leaves out pairs already settled another way."""
    words = [frozenset(title.split()) for title in titles]
    sequences = [title.split() for title in titles]
    rare = _rare_words(titles, MAX_INSERTED + 1)
    seen: set[tuple[int, int]] = set()
    found: set[tuple[int, int]] = set()
    for word, members in _blocks(rare).items():
        if len(members) < 2:
            continue
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
                    found.add(pair)
                    yield (*pair, ratio)
        for i, j in _longer_by_a_word_or_two(word, members, rare, sequences, words):
            if not words_inserted(sequences[i], sequences[j]):
                continue
            pair = (min(i, j), max(i, j))
            if pair not in found and (skip is None or not skip(*pair)):
                found.add(pair)
                yield (*pair, SequenceMatcher(None, titles[i], titles[j], autojunk=False).ratio())


def _longer_by_a_word_or_two(word: str, members: Sequence[int], rare: Sequence[Sequence[str]], sequences: Sequence[list[str]],
                             words: Sequence[frozenset[str]]) -> Iterator[tuple[int, int]]:
    """(shorter, longer) titles of a block that could be one another with words inserted. Titles may
    differ in length by more than a typo allows, so each shorter title is compared in the block of its
    rarest word only: every longer title that has all its words is there."""
    by_length: dict[int, list[int]] = defaultdict(list)
    for i in members:
        by_length[len(sequences[i])].append(i)
    for i in members:
        if rare[i][0] != word or len(sequences[i]) < MIN_SHARED:
            continue
        for extra in range(1, MAX_INSERTED + 1):
            yield from ((i, j) for j in by_length.get(len(sequences[i]) + extra, ()) if words[i] <= words[j])


def near_title_clusters(titles: Sequence[str], skip: Callable[[int, int], bool] | None = None) -> list[list[int]]:
    """The titles linked by near-identical pairs (near_title_pairs, `skip` as there), each cluster of
    two or more in index order, the clusters in the order of their first title.

    Union-find over the pairs, without asking for the pairs a cluster already joins: within a block,
    a title is compared with one title of each cluster until it is near one of them, and a title
    already in a cluster is passed over, so 400 titles alike cost about 400 comparisons, not 79,800."""
    words = [frozenset(title.split()) for title in titles]
    sequences = [title.split() for title in titles]
    rare = _rare_words(titles, MAX_INSERTED + 1)
    parent = list(range(len(titles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = find(i), find(j)
        parent[max(a, b)] = min(a, b)

    failed: set[tuple[int, int]] = set()  # compared and not near (or settled): not asked again in another block

    def near(i: int, j: int, inserted: bool) -> bool:
        """Compare once, by words inserted or by the difflib ratio; join the two when near."""
        pair = (min(i, j), max(i, j))
        if titles[i] == titles[j] or pair in failed:
            return False
        if (skip is None or not skip(*pair)) and (
                words_inserted(sequences[i], sequences[j]) if inserted else title_ratio(titles[i], titles[j]) >= TITLE_RATIO):
            join(i, j)
            return True
        failed.add(pair)
        return False

    for word, members in _blocks(rare).items():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: (len(titles[i]), i))
        clusters: dict[int, list[int]] = {}  # root -> this block's titles of that cluster seen so far
        for j in members:
            for root in list(clusters):
                if find(root) == find(j):
                    continue
                for i in clusters[root]:
                    if 2 * len(titles[i]) / (len(titles[i]) + len(titles[j])) < TITLE_RATIO or not _enough_words_shared(words[i], words[j]):
                        continue
                    if near(i, j, inserted=False):
                        break
            _regroup(clusters, j, find)
        for i, j in _longer_by_a_word_or_two(word, members, rare, sequences, words):
            if find(i) != find(j):
                near(i, j, inserted=True)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(titles)):
        groups[find(i)].append(i)
    return [members for _, members in sorted(groups.items()) if len(members) > 1]


def _regroup(clusters: dict[int, list[int]], j: int, find: Callable[[int], int]) -> None:
    """Put title j in its cluster's list, merging the lists of clusters that joined meanwhile."""
    root = find(j)
    merged = [j]
    for old in [r for r in clusters if find(r) == root]:
        merged = clusters.pop(old) + merged
    clusters[root] = merged


def _enough_words_shared(a: frozenset[str], b: frozenset[str]) -> bool:
    """A cheap test before difflib: titles 93% alike share at least half their words, unless they
    are so short that a typo or two changes every word."""
    return len(a) + len(b) <= 6 or 2 * len(a & b) >= (len(a) + len(b)) / 2


def paper_keys(entry: Entry) -> Iterator[tuple[str, str, str]]:
    """Every identity of a paper (arXiv id, DOI, title) with the field it comes from."""
    if entry.arxiv:
        yield ("arXiv", entry.arxiv, "arxiv")
    if entry.doi:
        arxiv = arxiv_from_doi(entry.doi)  # 10.48550/arXiv.ID is arXiv's DOI for arXiv ID
        yield ("arXiv", arxiv, "doi") if arxiv else ("DOI", normalize_doi(entry.doi), "doi")
    for label, url in entry.links:
        arxiv = arxiv_from_url(url)
        doi = None if arxiv else doi_from_url(url)
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


class Match(NamedTuple):
    """The listed paper a new one would duplicate, how it matched, and whether only by its title."""

    entry: Entry
    how: str
    by_title: bool


def same_paper(
    entries: Sequence[Entry], arxiv: str | None, doi: str | None, title: str, distinct: Sequence[str] = (),
) -> Match | None:
    """The listed paper that has this arXiv id, DOI or (nearly) this title, and how it matched;
    papers named in `distinct` (the new paper's distinct_from) do not match by title."""
    if doi and (from_doi := arxiv_from_doi(doi)):
        arxiv, doi = arxiv or from_doi, None
    doi = normalize_doi(doi) if doi else None
    new = ({arxiv} if arxiv else set(), {doi} if doi else set())
    key = normalize_title(title)
    for entry in entries:
        arxivs, dois = identities(entry)
        if arxiv and arxiv in arxivs:
            return Match(entry, f"arXiv {arxiv}", False)
        if doi and doi in dois:
            return Match(entry, f"DOI {doi}", False)
    for entry in entries if key else ():
        if entry.id in distinct:
            continue
        other = normalize_title(entry.title)
        if other == key:
            return Match(entry, "the same title", True)
        if not told_apart(new, identities(entry)) and near_titles(key, other):
            return Match(entry, f"nearly the same title: {entry.title!r}", True)
    return None


def named_distinct(a: Entry, b: Entry) -> bool:
    """True when either paper names the other in distinct_from (distinct_from_problems asks for both)."""
    return a.id in b.distinct_from or b.id in a.distinct_from


def _name_in(entry: Entry, other_id: str) -> str:
    """What to add to an entry's file for it to name another paper: `add ` + this."""
    if entry.distinct_from:
        return f"{other_id} to the distinct_from of {entry.path}"
    return f"distinct_from: [{other_id}] to {entry.path}"


def two_papers(first: Entry, entry: Entry) -> str:
    """How two files with (nearly) the same title say they are two papers."""
    return f"if they are two papers, add {_name_in(entry, first.id)} and {_name_in(first, entry.id)}"


def distinct_from_problems(entries: Sequence[Entry]) -> list[Problem]:
    """distinct_from names listed papers other than this one, each of which names this one back."""
    by_id: dict[str, Entry] = {}
    for entry in entries:
        by_id.setdefault(entry.id, entry)
    problems = []
    for entry in entries:
        for index, other_id in enumerate(entry.distinct_from):
            where = f"distinct_from[{index}]"
            other = by_id.get(other_id)
            if other_id == entry.id:
                message = f"{where}: '{other_id}' is this paper's own id; name the other paper"
            elif other is None:
                message = f"{where}: no paper has the id '{other_id}'"
            elif entry.id not in other.distinct_from:
                message = f"{where}: {other.path} does not name this paper back; add {_name_in(other, entry.id)}"
            else:
                continue
            problems.append(Problem(entry.path, entry.line(where), message, related=(other.path,) if other else ()))
    return problems


def near_title_problems(entries: Sequence[Entry]) -> list[Problem]:
    """Files whose titles are near-identical (exact matches are validate.list_problems' own), unless
    their ids tell them apart or already name them as one paper, or they name each other in distinct_from."""
    problems = []
    ids = [identities(e) for e in entries]

    def settled(i: int, j: int) -> bool:  # ids tell them apart, or already call them one paper, or distinct_from does
        return (told_apart(ids[i], ids[j]) or any(x & y for x, y in zip(ids[i], ids[j], strict=True))
                or named_distinct(entries[i], entries[j]))

    for cluster in near_title_clusters([normalize_title(e.title) for e in entries], settled):
        for position, j in enumerate(cluster[1:], 1):
            # the first file of the cluster this one is not told apart from (a chain's first may not be
            # nearly this title itself, but one reply fixes the cluster); none: the later files name this one
            i = next((i for i in cluster[:position] if not settled(i, j)), None)
            if i is None:
                continue
            first, entry = entries[i], entries[j]
            others = len(cluster) - 2
            more = f"; {others} other file(s) have nearly this title too, each reported against {first.path}" if others else ""
            problems.append(Problem(
                entry.path, entry.line("title"),
                f"nearly the same title as {first.path} ({first.title!r}): if it is the same paper, keep one file and list "
                f"extra sections in also_in; {two_papers(first, entry)} (or give both their arxiv or doi){more}",
                related=(first.path,)))
    return problems
