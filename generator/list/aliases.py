"""One name per person, one spelling per key word: the rules that find likely variants.

Two list files settle variants: author-aliases.yaml and keyword-aliases.yaml map each reviewed
spelling to the one the site shows (`aliases:`) and record look-alikes that are other people or
other key words (`distinct:`). The catalog resolves names and key words through them once, so every
page, index and download shows one spelling. `check` warns about each use of the less used spelling
of a likely variant that neither part of the files settles. The rules group by a key (a family name,
normalised words, a key with a letter left out) and compare within a group, never all pairs.

Names (`given_names_fit`): the same family name (case, accents and hyphens aside; Jr. and III set
aside; the last two words may be one family name: "Zeyuan Allen Zhu" / "Zeyuan Allen-Zhu") and
given names that fit: each given name of one matches a given name of the other in order (equal, or
an initial of it); the other may add given names after the first match, and initials before it.
"Andrew Saxe", "Andrew M. Saxe" and "Andrew Michael Saxe" fit; so do "J. Zico Kolter" and "Zico
Kolter"; "Raman Arora" and "Sanjeev Arora" do not. A one-word name is compared with none.
Glued initials ("JasonD. Lee", "J.Zico Kolter") are read apart, and warned about in the entry.

Key words (the spellings in use after the alias file, words compared without case, punctuation or
a plural s):
- same words: they differ only by case, spaces, hyphens or a plural ("Pre-training" / "Pretraining");
- one word apart: the longer has one word more, the shorter at least two ("Double Descent" /
  "Deep Double Descent"); a one-word key word and that word with a qualifier are mostly a topic and
  a narrower one (Regularization / Implicit Regularization: 44 such pairs in the imported list, one
  a variant), too often to ask;
- word ending: the same words but some with an ending of at most 4 letters added to a word of at
  least 4 ("Data Pruning" / "Dataset Pruning", "Benchmark" / "Benchmarking"); longer additions make
  other words (Norm / Normalization);
- one letter apart: a letter inserted, left out, changed, or two swapped ("Over-Parametrization"),
  when the shorter has at least 8 letters (ResNet / ResNeXt are two networks) and no digit changes
  (GPT-2 / GPT-3);
- misspelt word: a word of at least 6 letters that no title, digest or other key word of the list
  uses, one letter from a word of at least 6 letters the list uses at least 3 times and that is not
  its plural ("Bayesian Model Avaraging" / "averaging"); the key word spelt with that word is the pair.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache

from generator.errors import Problem
from generator.list.identifiers import NAME_SUFFIXES, normalize_title
from generator.model import Entry, papers

Pairs = Collection[tuple[str, str]]

# thresholds of the key word rules (the module docstring says why)
MIN_PHRASE_WORDS = 2
MIN_STEM_LETTERS = 4
MAX_ENDING_LETTERS = 4
MIN_EDIT_LETTERS = 8
MIN_SPELLING_LETTERS = 6
MIN_SPELLING_USES = 3
CACHE_SIZE = 1 << 16  # names, key words and texts parsed once per process, within bounds (`mkdocs serve` runs for hours)

AUTHOR_SETTLE = "settle it in author-aliases.yaml (aliases: one person, distinct: two people)"
KEYWORD_SETTLE = "settle it in keyword-aliases.yaml (aliases: a variant, distinct: another key word)"


# --- names -------------------------------------------------------------------------------------

_NAME_THEN_INITIAL = re.compile(r"([^\W\d_]{2,})([^\W\d_])\.(?=\s|$)")  # "JasonD."
_INITIAL_THEN_NAME = re.compile(r"(?<![^\W\d_])([^\W\d_])\.([^\W\d_]{2,})")  # "J.Zico"
_DOT_THEN_LETTER = re.compile(r"\.(?=[^\W\d_])")  # "H.S." is read "H. S."
_NOT_NAME_CHARACTER = re.compile(r"[^a-z0-9-]")


def _unglue(name: str) -> str:
    def after(match: re.Match[str]) -> str:
        word, initial = match.groups()
        return f"{word} {initial}." if word[-1].islower() and initial.isupper() else match.group()

    def before(match: re.Match[str]) -> str:
        initial, word = match.groups()
        return f"{initial}. {word}" if initial.isupper() and word[0].isupper() and word[1:].islower() else match.group()

    return _INITIAL_THEN_NAME.sub(before, _NAME_THEN_INITIAL.sub(after, name))


def name_spelling_problem(name: str) -> str | None:
    """What is wrong with how one name is written, with the fix: initials glued to a name, an underscore."""
    fixed = " ".join(_unglue(name.replace("_", " ")).split())
    if fixed == name:
        return None
    what = "an underscore for a space" if "_" in name else "an initial glued to a name"
    return f"'{name}' has {what}; write '{fixed}'"


def _fold(word: str) -> str:
    """Lower-case ASCII letters, digits and hyphens of a word: 'Şimşekli' is 'simsekli'."""
    text = word if word.isascii() else "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return _NOT_NAME_CHARACTER.sub("", text.casefold()).strip("-")


@lru_cache(maxsize=CACHE_SIZE)
def name_parts(name: str) -> tuple[str, tuple[str, ...]] | None:
    """(family name, given names) in lower-case ASCII, initials as one letter; None for a one-word name."""
    words = [w for w in (_fold(t) for t in _DOT_THEN_LETTER.sub(". ", _unglue(name)).replace("_", " ").replace(",", " ").split()) if w]
    while len(words) > 1 and words[-1] in NAME_SUFFIXES:
        words.pop()
    if len(words) < 2:
        return None
    given: list[str] = []
    for word in words[:-1]:
        parts = [p for p in word.split("-") if p]
        given += parts if all(len(p) == 1 for p in parts) else ["".join(parts)]  # "J.-P." is two initials, "Pin-Yu" one name
    return words[-1].replace("-", ""), tuple(given)


@lru_cache(maxsize=CACHE_SIZE)
def _readings(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The ways to read a name as (family name, given names): the last word as the family name, and
    also the last two when the one before is a name, not an initial ("Zeyuan Allen Zhu" may be
    "Zeyuan Allen-Zhu", "Jose Gonzalez Ortiz" "Jose Gonzalez-Ortiz")."""
    parts = name_parts(name)
    if parts is None:
        return ()
    family, given = parts
    if len(given) > 1 and len(given[-1]) > 1:
        return (parts, (given[-1] + family, given[:-1]))
    return (parts,)


def _same_given(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b[0] == a) or (len(b) == 1 and a[0] == b)


def _fits_into(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    at = 0
    for n, token in enumerate(short):
        while at < len(long) and not _same_given(token, long[at]):
            if n == 0 and len(long[at]) > 1:  # only initials may come before the first match
                return False
            at += 1
        if at == len(long):
            return False
        at += 1
    return True


def given_names_fit(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True when two lists of given names can be one person's (the module docstring)."""
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return _fits_into(short, long) or (len(a) == len(b) and _fits_into(long, short))


def likely_same_people(names: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of different spellings that may name one person, each pair once, sorted."""
    return list(_people_pairs(frozenset(names)))


@lru_cache(maxsize=4)  # `mkdocs serve` rebuilds after each save; the names seldom change
def _people_pairs(names: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """Names are grouped by family name and the first letter of each given name up to the first one
    that is not an initial: two names that fit share one such group."""
    groups: dict[tuple[str, str], list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for name in sorted(names):
        for family, given in _readings(name):
            for token in given:
                groups[(family, token[0])].append((name, given))
                if len(token) > 1:
                    break
    pairs: set[tuple[str, str]] = set()
    for members in groups.values():
        for index, (a, given_a) in enumerate(members):
            for b, given_b in members[index + 1:]:
                if a != b and given_names_fit(given_a, given_b):
                    pairs.add((a, b) if a < b else (b, a))
    return tuple(sorted(pairs))


_name_key = lru_cache(maxsize=CACHE_SIZE)(normalize_title)


def canonical_authors(authors: Iterable[str], aliases: Mapping[str, str]) -> tuple[str, ...]:
    """The names as the alias file spells them, each person once."""
    return tuple(dict.fromkeys(aliases.get(name, name) for name in authors))


def author_variant_warnings(entries: Iterable[Entry], aliases: Mapping[str, str] | None = None, distinct: Pairs = ()) -> list[Problem]:
    """Warn on each use of a spelling that may name the same person as a more used one and that
    author-aliases.yaml does not settle, and on one person listed twice in a paper through it."""
    aliases = aliases or {}
    uses: dict[str, list[tuple[Entry, int]]] = defaultdict(list)  # name -> (paper, index in its authors)
    problems = []
    for entry in entries:
        seen: dict[str, int] = {}
        written: set[str] = set()
        for index, name in enumerate(entry.authors):
            resolved = aliases.get(name, name)
            first = seen.setdefault(resolved, index)
            key = _name_key(name)
            if key in written:  # the entry's own check says it is listed twice
                continue
            written.add(key)
            if first == index:
                uses[resolved].append((entry, index))
            else:
                problems.append(Problem(
                    entry.path, entry.line(f"authors[{index}]"),
                    f"authors[{index}]: '{name}' and authors[{first}] '{entry.authors[first]}' are one person, '{resolved}', "
                    "by author-aliases.yaml; list the person once",
                    "warning"))
    fullness = {name: (len(uses[name]), len(parts[1]) if (parts := name_parts(name)) else 0, len(name), name) for name in uses}
    for a, b in _people_pairs(frozenset(uses)):
        if (a, b) in distinct:
            continue
        preferred, other = (a, b) if fullness[a] > fullness[b] else (b, a)
        for entry, index in uses[other]:
            problems.append(Problem(
                entry.path, entry.line(f"authors[{index}]"),
                f"author '{other}' may be the same person as '{preferred}' ({papers(len(uses[preferred]))}); "
                f"write '{preferred}', or {AUTHOR_SETTLE}", "warning"))
    return problems


# --- key words ---------------------------------------------------------------------------------

def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@lru_cache(maxsize=CACHE_SIZE)
def keyword_words(keyword: str) -> tuple[str, ...]:
    """The words of a key word as the rules compare them: no case, accents, punctuation or plural s."""
    return tuple(_singular(w) for w in normalize_title(keyword).split())


def keyword_key(keyword: str) -> str:
    """Two key words with the same key differ only by case, spaces, hyphens or a plural s
    ("Over-Parameterization" and "Overparameterization", "Pre-training" and "Pretraining")."""
    return "".join(keyword_words(keyword))


def _one_word_apart(words: Mapping[str, tuple[str, ...]]) -> Iterable[tuple[str, str]]:
    spelled: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for keyword, ws in words.items():
        spelled[ws].append(keyword)
    for keyword, ws in words.items():
        if len(ws) <= MIN_PHRASE_WORDS:
            continue
        for index in range(len(ws)):
            for shorter in spelled.get(ws[:index] + ws[index + 1:], ()):
                yield shorter, keyword


def _endings_differ(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if a == b or len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        short, long = (x, y) if len(x) <= len(y) else (y, x)
        if x != y and not (long.startswith(short) and len(short) >= MIN_STEM_LETTERS and len(long) - len(short) <= MAX_ENDING_LETTERS):
            return False
    return True


def _word_endings(words: Mapping[str, tuple[str, ...]]) -> Iterable[tuple[str, str]]:
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for keyword, ws in words.items():
        groups[tuple(w[:MIN_STEM_LETTERS] for w in ws)].append(keyword)
    for members in groups.values():
        for index, a in enumerate(members):
            for b in members[index + 1:]:
                if _endings_differ(words[a], words[b]):
                    yield a, b


def one_edit(a: str, b: str) -> str | None:
    """The characters that differ when `a` and `b` are one edit apart (a character inserted, left
    out or changed, or two neighbours swapped); None when they are not."""
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return a[diffs[0]] + b[diffs[0]]
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]:
            return a[diffs[0]] + a[diffs[1]]
        return None
    long, short = (a, b) if len(a) > len(b) else (b, a)
    if len(long) != len(short) + 1:
        return None
    at = next((i for i, (x, y) in enumerate(zip(long, short, strict=False)) if x != y), len(short))
    return long[at] if long[at + 1:] == short[at:] else None


def _one_letter_apart(keys: Mapping[str, str]) -> Iterable[tuple[str, str]]:
    """Pairs found through the keys with one character left out (two keys one edit apart share one)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for keyword, key in keys.items():
        if len(key) >= MIN_EDIT_LETTERS:
            for variant in _deletions(key):
                groups[variant].append(keyword)
    seen = set()
    for members in groups.values():
        for index, a in enumerate(members):
            for b in members[index + 1:]:
                pair = (a, b) if a < b else (b, a)
                if pair in seen or keys[a] == keys[b]:
                    continue
                seen.add(pair)
                changed = one_edit(keys[a], keys[b])
                if changed is not None and not any(c.isdigit() for c in changed):
                    yield pair


@lru_cache(maxsize=CACHE_SIZE)
def _deletions(key: str) -> frozenset[str]:
    return frozenset({key} | {key[:i] + key[i + 1:] for i in range(len(key))})


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=CACHE_SIZE)
def _edits(word: str) -> frozenset[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return frozenset({a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
                     | {a + c + b[1:] for a, b in splits if b for c in _LETTERS} | {a + c + b for a, b in splits for c in _LETTERS}) - {word}


@lru_cache(maxsize=CACHE_SIZE)
def _text_words(text: str) -> Counter[str]:
    return Counter(normalize_title(text).split())


@lru_cache(maxsize=CACHE_SIZE)
def _plain_words(keyword: str) -> tuple[str, ...]:
    return tuple(normalize_title(keyword).split())


class _TextWords:
    """How often the titles and digests of the list use each word. Kept between calls and updated by
    the texts that changed: `mkdocs serve` rebuilds after each save, and counting every digest anew
    would cost more than all the rules. `version` changes with the counts."""

    def __init__(self) -> None:
        self.texts: Counter[str] = Counter()
        self.words: Counter[str] = Counter()
        self.version = 0

    def update(self, entries: Iterable[Entry]) -> int:
        texts = Counter(text for entry in entries for text in (entry.title, entry.digest))
        if texts != self.texts:
            for text, count in (texts - self.texts).items():
                for _ in range(count):
                    self.words.update(_text_words(text))
            for text, count in (self.texts - texts).items():
                for _ in range(count):
                    self.words.subtract(_text_words(text))
            self.texts = texts
            self.version += 1
        return self.version


_TEXT_WORDS = _TextWords()


def _keyword_word_counts(spellings: Iterable[str]) -> tuple[Counter[str], dict[str, set[str]]]:
    counts: Counter[str] = Counter()
    in_keywords: dict[str, set[str]] = defaultdict(set)
    for keyword in spellings:
        for word in _plain_words(keyword):
            in_keywords[word].add(keyword)
            counts[word] += 1
    return counts, in_keywords


@lru_cache(maxsize=4)  # the spellings and texts of one list, between two saves under `mkdocs serve`
def _misspellings(spellings: frozenset[str], text_version: int) -> tuple[tuple[str, str, str, str, int], ...]:
    """(key word, its word, the word the list uses, the key word so spelt, uses) for each likely
    misspelling; `text_version` is the version of _TEXT_WORDS the counts are from."""
    text = _TEXT_WORDS.words
    keywords, in_keywords = _keyword_word_counts(spellings)

    def count(word: str) -> int:
        return text.get(word, 0) + keywords.get(word, 0)

    found = []
    for keyword in sorted(spellings):
        for match in re.finditer(r"[^\W_]+", keyword):
            word = normalize_title(match.group())
            if len(word) < MIN_SPELLING_LETTERS or not word.isalpha() or count(word) > 1 or in_keywords[word] != {keyword}:
                continue
            likely = [(n, v) for v in _edits(word) if (n := count(v)) >= MIN_SPELLING_USES and len(v) >= MIN_SPELLING_LETTERS
                      and _singular(v) != _singular(word)]
            if likely:  # a slip seldom changes the first letter: "Ecoding" is "Encoding" before "Coding"
                _, uses, meant = max((v[0] == word[0], n, v) for n, v in likely)
                raw = match.group()
                shown = meant.upper() if raw.isupper() and len(raw) > 1 else meant.capitalize() if raw[0].isupper() else meant
                found.append((keyword, raw, meant, keyword[:match.start()] + shown + keyword[match.end():], uses))
    return tuple(found)


@lru_cache(maxsize=4)
def _keyword_pairs(spellings: frozenset[str]) -> tuple[tuple[tuple[str, str], str], ...]:
    """((a, b), what the rule says) for each pair of spellings that a rule other than case-and-plural finds, a < b."""
    words = {k: keyword_words(k) for k in sorted(spellings)}
    keys = {k: "".join(ws) for k, ws in words.items()}
    found: dict[tuple[str, str], str] = {}
    for rule, pairs in (("is one word apart from", _one_word_apart(words)), ("differs only in a word's ending from", _word_endings(words)),
                        ("is one letter apart from", _one_letter_apart(keys))):
        for a, b in pairs:
            if keys[a] != keys[b]:
                found.setdefault((a, b) if a < b else (b, a), rule)
    return tuple(sorted(found.items()))


def keyword_variant_warnings(entries: list[Entry], aliases: Mapping[str, str] | None = None, distinct: Pairs = ()) -> list[Problem]:
    """Warn on each use of a key word spelling that the rules of this module take for a variant of a
    more used one (of as many uses: of one whose words the list uses more), or for a misspelling, and
    that keyword-aliases.yaml does not settle. The spellings that differ only by case or plural are
    one to the other rules: the one to use stands for them."""
    aliases = aliases or {}
    uses: dict[str, list[tuple[Entry, int]]] = defaultdict(list)  # spelling -> (paper, index in its key words)
    for entry in entries:
        for index, keyword in enumerate(entry.keywords):
            uses[aliases.get(keyword, keyword)].append((entry, index))
    spellings = frozenset(uses)
    text_version = _TEXT_WORDS.update(entries)
    text = _TEXT_WORDS.words
    keyword_counts, _ = _keyword_word_counts(spellings)
    rank = {k: (len(uses[k]), sum(text.get(w, 0) + keyword_counts[w] for w in _plain_words(k)), k) for k in uses}
    problems: list[Problem] = []

    def warn(spelling: str, message: str) -> None:
        problems.extend(Problem(entry.path, entry.line(f"keywords[{index}]"), message, "warning") for entry, index in uses[spelling])

    same_key: dict[str, list[str]] = defaultdict(list)
    for keyword in uses:
        same_key[keyword_key(keyword)].append(keyword)
    stands_for: dict[str, str] = {}
    for group in same_key.values():
        best = max(group, key=rank.__getitem__)
        for spelling in group:
            stands_for[spelling] = best
            if spelling != best and (spelling, best) not in distinct:
                warn(spelling, f"key word '{spelling}' differs only by case, hyphens or a plural from '{best}' ({papers(len(uses[best]))}); "
                               f"use '{best}' or settle it in keyword-aliases.yaml")
    found: dict[tuple[str, str], str] = {}
    for (a, b), rule in _keyword_pairs(spellings):
        a, b = stands_for[a], stands_for[b]
        if a != b:
            found.setdefault((a, b) if a < b else (b, a), rule)
    for (a, b), rule in sorted(found.items()):
        if (a, b) in distinct:
            continue
        best, other = (a, b) if rank[a] > rank[b] else (b, a)
        warn(other, f"key word '{other}' {rule} '{best}' ({papers(len(uses[best]))}); use '{best}', or {KEYWORD_SETTLE}")
    asked = {frozenset((keyword_key(a), keyword_key(b))) for a, b in found}  # in any case: the spelling the list uses was named
    for keyword, raw, meant, spelt, count in _misspellings(spellings, text_version):
        if (keyword, spelt) in distinct or frozenset((keyword_key(keyword), keyword_key(spelt))) in asked:
            continue
        warn(keyword, f"key word '{keyword}': '{raw}' is in no title, digest or other key word of the list and one letter from "
                      f"'{meant}' ({count} times in the list); if it is misspelt, run python -m generator rename-keyword '{keyword}' "
                      f"'{spelt}', else record it in keyword-aliases.yaml under distinct: {keyword}: [{spelt}]")
    return problems
