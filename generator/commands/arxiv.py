"""A paper's metadata from the arXiv API (an Atom feed), or from a saved copy of its answer.

https://info.arxiv.org/help/api/user-manual.html: `query?id_list=ID` answers a feed with one
<entry> per paper; an id the API cannot read gets an entry titled "Error", an unknown one none or an
empty entry. Every failure here is a one-line ValueError or OSError that the CLI prints as it is.
"""

from __future__ import annotations

import email.utils
import http.client
import os
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from generator.list.identifiers import normalize_arxiv

API_URL = "http://export.arxiv.org/api/query"
TIMEOUT = 10.0  # seconds for one request
MAX_WAIT = 10.0  # the longest Retry-After honoured before the one retry
DEFAULT_WAIT = 3.0  # arXiv asks for three seconds between calls when it does not say
USER_AGENT = "deep-phenomena-list (python -m generator new)"
_NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


@dataclass(frozen=True)
class ArxivPaper:
    arxiv: str  # versionless id
    title: str  # whitespace collapsed
    authors: tuple[str, ...]
    published: str  # first submission, YYYY-MM-DD
    abstract: str  # whitespace collapsed
    doi: str | None = None
    journal_ref: str | None = None
    category: str | None = None


def api_url() -> str:
    """The API's address: $ARXIV_API_URL when set (tests point it at a local server)."""
    return os.environ.get("ARXIV_API_URL") or API_URL


def query_url(arxiv_id: str, base_url: str | None = None) -> str:
    return f"{base_url or api_url()}?id_list={quote(arxiv_id, safe='/')}&max_results=1"


def fetch_atom(
    arxiv_id: str, base_url: str | None = None, timeout: float = TIMEOUT, sleep: Callable[[float], None] = time.sleep,
) -> str:
    """The API's answer for one id; one retry when it says 429 (too many requests)."""
    url = query_url(arxiv_id, base_url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    for attempt in (1, 2):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return str(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            if exc.code == 429 and attempt == 1:
                sleep(retry_after(exc.headers.get("Retry-After")))
                continue
            raise OSError(f"the arXiv API answered HTTP {exc.code} {exc.reason} for {url}; try again later") from None
        except (OSError, http.client.HTTPException) as exc:
            raise OSError(offline_message(url, exc, timeout)) from None
        except UnicodeDecodeError:
            raise ValueError(f"the arXiv API's answer for {url} is not UTF-8 text") from None
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def retry_after_seconds(value: str | None, cap: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), from 0 to `cap`;
    None without a header that reads as either."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return max(0.0, min(seconds, cap))


def retry_after(value: str | None) -> float:
    """Seconds to wait before the one retry: the Retry-After header's, at most MAX_WAIT, else DEFAULT_WAIT."""
    seconds = retry_after_seconds(value, MAX_WAIT)
    return DEFAULT_WAIT if seconds is None else seconds


def offline_message(url: str, exc: BaseException, timeout: float) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        what = f"no answer within {timeout:g} s"
    else:
        what = str(getattr(reason, "strerror", None) or reason or type(reason).__name__)
    return (f"cannot reach the arXiv API ({what}); check your connection and try again, or open {url} "
            "in a browser, save the page and pass it with --atom-file FILE")


def parse_atom(text: str, arxiv_id: str | None = None, source: str = "the arXiv API's answer") -> ArxivPaper:
    """The paper `arxiv_id` (or the only paper) of an API answer."""
    try:
        feed = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise ValueError(f"{source} is not an Atom feed ({exc})") from None
    if feed.tag != f"{{{_NS['atom']}}}feed":
        raise ValueError(f"{source} is not an Atom feed from the arXiv API (root element {feed.tag})")
    entries = feed.findall("atom:entry", _NS)
    for entry in entries:
        if _text(entry, "atom:title") == "Error":
            raise ValueError(f"the arXiv API says: {_text(entry, 'atom:summary') or 'error'}")
    papers = [paper for paper in (_paper(entry) for entry in entries) if paper is not None]
    matching = [paper for paper in papers if arxiv_id is None or paper.arxiv == arxiv_id]
    if papers and not matching:
        raise ValueError(f"{source} is about arXiv {', '.join(p.arxiv for p in papers)}, not {arxiv_id}")
    if not matching:
        raise ValueError(f"arXiv has no paper {arxiv_id}; check the id" if arxiv_id else f"{source} holds no paper")
    papers = matching
    if len(papers) > 1:
        raise ValueError(f"{source} holds {len(papers)} papers; give the arXiv id of the one to add")
    return papers[0]


def _paper(entry: ElementTree.Element) -> ArxivPaper | None:
    """An entry with an arXiv id, a title and a date; None for an empty entry (an unknown id)."""
    arxiv = normalize_arxiv(_text(entry, "atom:id"))
    title = _text(entry, "atom:title")
    published = _text(entry, "atom:published")[:10]
    if not (arxiv and title and len(published) == 10):
        return None
    authors = tuple(name for name in (_text(a, "atom:name") for a in entry.findall("atom:author", _NS)) if name)
    category = entry.find("arxiv:primary_category", _NS)
    return ArxivPaper(
        arxiv=arxiv, title=title, authors=authors, published=published, abstract=_text(entry, "atom:summary"),
        doi=next(iter(_text(entry, "arxiv:doi").split()), None),  # several DOIs come space-separated
        journal_ref=_text(entry, "arxiv:journal_ref") or None,
        category=category.get("term") if category is not None else None,
    )


def _text(element: ElementTree.Element, path: str) -> str:
    found = element.find(path, _NS)
    return " ".join((found.text or "").split()) if found is not None else ""


def read_paper(arxiv_id: str | None, atom_file: str | None = None, base_url: str | None = None, timeout: float = TIMEOUT) -> ArxivPaper:
    """The paper from a saved answer when `atom_file` is given, else from the API."""
    if atom_file:
        with open(atom_file, encoding="utf-8") as handle:
            return parse_atom(handle.read(), arxiv_id, source=atom_file)
    if arxiv_id is None:
        raise ValueError("give an arXiv id or URL (or --atom-file FILE)")
    return parse_atom(fetch_atom(arxiv_id, base_url, timeout), arxiv_id)
