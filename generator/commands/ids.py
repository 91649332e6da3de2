"""Entry ids: `{family name of first author}{year}{first significant title word}`, made unique
with -2, -3, ... The importer, `new` and the maintainers' commands all derive ids this way."""

from __future__ import annotations

from generator.list.identifiers import ascii_words, without_name_suffixes

MAX_ID = 80

# Words that say nothing about a paper, so an id skips them ("on-the-sparsity" -> "sparsity").
STOP_WORDS = frozenset({
    "a", "an", "the", "on", "of", "in", "to", "for", "and", "is", "are",
    "do", "does", "how", "why", "what", "when", "can", "towards", "toward",
})


def _family_name(author: str) -> str:
    """The last word of a name, in ASCII letters and digits: "Allen-Zhu" -> "allenzhu"."""
    words = ["".join(ascii_words(word)) for word in author.split()]
    words = without_name_suffixes([w for w in words if w])
    return words[-1] if words else ""


def base_id(title: str, authors: list[str], year: int) -> str:
    """`{family name of first author}{year}{first significant title word}`; without authors,
    the first two significant title words around the year."""
    words = ascii_words(title)
    significant = [w for w in words if w not in STOP_WORDS] or words
    family = _family_name(authors[0]) if authors else ""
    if family:
        head, tail = family, significant[:1]
    else:
        head, tail = (significant[0] if significant else "paper"), significant[1:2]
    return f"{head}{year}{''.join(tail)}"[:MAX_ID]


def unique_id(base: str, taken: set[str]) -> str:
    """base, then base-2, base-3, ... until unused."""
    candidate, count = base, 1
    while candidate in taken:
        count += 1
        suffix = f"-{count}"
        candidate = base[: MAX_ID - len(suffix)] + suffix
    return candidate
