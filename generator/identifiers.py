"""How one paper is recognised under its many spellings: arXiv ids, DOIs, titles, slugs."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

_ARXIV_ID = r"(?P<id>[0-9]{4}\.[0-9]{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/[0-9]{7})(?:v[0-9]+)?"
_ARXIV_PATH = re.compile(rf"^/(?:abs|pdf|html|format|ps)/{_ARXIV_ID}(?:\.pdf)?/?$")
_ARXIV_TEXT = re.compile(rf"^(?:arxiv:)?{_ARXIV_ID}$", re.IGNORECASE)
_ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}
_DOI_IN_PATH = re.compile(r"/doi/(?:[a-z]+/)?(10\.[0-9]{4,9}/[^?#\s]+?)/?$")
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}


def arxiv_from_url(url: str) -> str | None:
    """The versionless arXiv id an arxiv.org URL points at, if it does."""
    parts = urlsplit(url.strip())
    if parts.hostname not in _ARXIV_HOSTS:
        return None
    match = _ARXIV_PATH.match(parts.path)
    return match.group("id") if match else None


def normalize_arxiv(value: str) -> str | None:
    """An id, an `arXiv:` id or an abs/pdf URL, with or without version, to the bare id."""
    value = value.strip()
    if "://" in value:
        return arxiv_from_url(value)
    match = _ARXIV_TEXT.match(value)
    return match.group("id") if match else None


def doi_from_url(url: str) -> str | None:
    """The DOI of a doi.org URL or of a publisher URL of the form .../doi/[abs/]10.x/y."""
    parts = urlsplit(url.strip())
    if parts.hostname in _DOI_HOSTS:
        path = unquote(parts.path).lstrip("/")
        return normalize_doi(path) if path.startswith("10.") else None
    match = _DOI_IN_PATH.search(unquote(parts.path))
    return normalize_doi(match.group(1)) if match else None


def normalize_doi(doi: str) -> str:
    return doi.strip().rstrip(".").lower()


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


def arxiv_sort_key(arxiv: str) -> tuple[int, int, int]:
    """(year, month, sequence) from an id: arXiv ids encode the month of first submission."""
    match = re.match(r"^(?:[a-z-]+(?:\.[A-Z]{2})?/)?([0-9]{2})([0-9]{2})\.?([0-9]+)$", arxiv)
    if not match:
        return (0, 0, 0)
    yy, mm, seq = (int(g) for g in match.groups())
    return (1900 + yy if yy >= 91 else 2000 + yy, mm, seq)
