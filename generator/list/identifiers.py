"""How one paper is recognised under its many spellings: arXiv ids, DOIs, titles, slugs."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from generator.text.digest import fold_lookalikes, lookalike_host

_ARXIV_BARE = r"(?P<id>[0-9]{4}\.[0-9]{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/[0-9]{7})"
_ARXIV_ID = rf"{_ARXIV_BARE}(?:v[0-9]+)?"
_ARXIV_PATH = re.compile(rf"^/(?:abs|pdf|html|format|ps)/{_ARXIV_ID}(?:\.pdf)?/?$", re.IGNORECASE)
# what people paste: 'arXiv:2008.03703v2 [cs.LG]' as arXiv cites itself, 'arxiv: 2008.03703', '2008.03703 v3'
_ARXIV_TEXT = re.compile(rf"^(?:arxiv:\s*)?{_ARXIV_BARE}(?:\s*v[0-9]+)?(?:\s*\[[a-z.-]+\])?$", re.IGNORECASE)
# arXiv's own DOIs (DataCite, since 2022): 10.48550/arXiv.2008.03703 is arXiv 2008.03703
_ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.{_ARXIV_ID}$", re.IGNORECASE)
_ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}
_DOI_IN_PATH = re.compile(r"/doi/(?:[a-z]+/)?(10\.[0-9]{4,9}/[^?#\s]+?)/?$")
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
_NO_SCHEME = re.compile(r"^(?:www\.|export\.|dx\.)?(?:arxiv|doi)\.org/", re.IGNORECASE)


def _arxiv_id(match: re.Match[str] | None) -> str | None:
    """The id as arXiv writes it, however it was typed: 'MATH/0211159' is math/0211159, 'math.gt/...' math.GT/...."""
    if match is None:
        return None
    archive, slash, number = match.group("id").rpartition("/")
    if not slash:
        return number
    name, dot, subject = archive.partition(".")
    return f"{name.lower()}{dot}{subject.upper()}/{number}"


@lru_cache(maxsize=1 << 16)  # kept: a rebuild under `mkdocs serve` asks again for every paper
def arxiv_from_url(url: str) -> str | None:
    """The versionless arXiv id an arxiv.org URL, or a doi.org URL of an arXiv DOI, points at; a look-alike
    host (`аrxiv.org` with a Cyrillic а) counts as the host it imitates: one paper, however its link is spelled."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = lookalike_host(url)
    if host in _DOI_HOSTS:
        return arxiv_from_doi(unquote(parts.path).lstrip("/"))
    if host not in _ARXIV_HOSTS:
        return None
    return _arxiv_id(_ARXIV_PATH.match(parts.path))


def arxiv_from_doi(doi: str) -> str | None:
    """The arXiv id of an arXiv DOI (10.48550/arXiv.ID), None for any other DOI."""
    return _arxiv_id(_ARXIV_DOI.match(doi.strip()))


def normalize_arxiv(value: str) -> str | None:
    """The bare, versionless id from any common spelling of an arXiv paper: an id with or without
    `arXiv:` or version, an abs/pdf/html URL with or without scheme, query or fragment, an arXiv DOI
    or its doi.org URL, between angle brackets as mail clients write addresses."""
    value = value.strip().removeprefix("<").removesuffix(">").strip()
    if value[:4].lower() == "doi:":
        value = value[4:].strip()
    if _NO_SCHEME.match(value) or (not value.isascii() and _NO_SCHEME.match(fold_lookalikes(value.split("/")[0]) + "/")):
        value = f"https://{value}"
    if "://" in value:
        return arxiv_from_url(value)
    return _arxiv_id(_ARXIV_TEXT.match(value)) or arxiv_from_doi(value)


@lru_cache(maxsize=1 << 16)  # kept: a rebuild under `mkdocs serve` asks again for every paper
def doi_from_url(url: str) -> str | None:
    """The DOI of a doi.org URL or of a publisher URL of the form .../doi/[abs/]10.x/y."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if lookalike_host(url) in _DOI_HOSTS:
        path = unquote(parts.path).lstrip("/")
        return normalize_doi(path) if path.startswith("10.") else None
    match = _DOI_IN_PATH.search(unquote(parts.path))
    return normalize_doi(match.group(1)) if match else None


def normalize_doi(doi: str) -> str:
    return doi.strip().rstrip(".").lower()


@lru_cache(maxsize=1 << 16)  # kept: a rebuild under `mkdocs serve` asks again for every paper
def normalize_title(title: str) -> str:
    """Case, accents, punctuation and spacing removed: how two spellings of a title compare."""
    text = title.casefold()
    if not text.isascii():  # accents go: "Café" and "Cafe" are one title
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", text))


def ascii_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", text)


def slugify(text: str) -> str:
    return "-".join(ascii_words(text))


# Family-name suffixes: "Martin Luther King Jr." is filed under "king".
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def without_name_suffixes(words: list[str]) -> list[str]:
    """A name's lower-case ASCII words without the suffixes that end it (Jr., III); one word stays."""
    while len(words) > 1 and words[-1] in NAME_SUFFIXES:
        words = words[:-1]
    return words


def arxiv_sort_key(arxiv: str) -> tuple[int, int, int]:
    """(year, month, sequence) from an id: arXiv ids encode the month of first submission."""
    match = re.match(r"^(?:[a-z-]+(?:\.[A-Z]{2})?/)?([0-9]{2})([0-9]{2})\.?([0-9]+)$", arxiv)
    if not match:
        return (0, 0, 0)
    yy, mm, seq = (int(g) for g in match.groups())
    return (1900 + yy if yy >= 91 else 2000 + yy, mm, seq)
