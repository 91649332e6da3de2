"""`check-links`: is every `links:` address of the entries still there?

Concurrent and polite. Addresses are grouped by host: up to `workers` hosts are checked at once,
and each host gets one request at a time, at least `delay` seconds after its previous one, so a
list with 500 arXiv links never hammers arXiv. Each address gets a HEAD request, then a GET when
HEAD fails (many servers answer HEAD wrongly); 429 and 5xx answers and dropped connections are
retried after the server's Retry-After (capped) or a doubling back-off. Redirects are followed by
hand, through the same per-host gate, so a permanent move is reported with its new address.

The report (Markdown, for a job summary or an issue) groups the addresses by what was found:

- broken: 404, 410 and other client errors, unknown hosts, redirect loops. Fix these.
- unverified: 401, 403, 429, server errors, timeouts and other network trouble. Many sites refuse
  robots or were down for a moment; a person should look before changing anything.
- moved: a permanent redirect (301, 308) to an address that works; the entry can point there.
- ok.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus

from generator.commands import gfm
from generator.commands.arxiv import retry_after_seconds
from generator.model import Entry

USER_AGENT = "reading-list-link-check/1.0 (checks the links of a reading list once a week)"
MAX_REDIRECTS = 10
CATEGORIES = ("broken", "unverified", "moved", "ok")
_PERMANENT = frozenset({301, 308})
_REDIRECT = frozenset({301, 302, 303, 307, 308})
_ACCESS = frozenset({401, 403, 429})
_BROKEN_WITHOUT_ANSWER = frozenset({"host not found", "not a valid address"})


@dataclass(frozen=True)
class LinkCheckSettings:
    workers: int = 8
    timeout: float = 20.0  # seconds per request
    delay: float = 1.0  # seconds between two requests to one host
    retries: int = 2  # extra tries after a 429, a 5xx or a dropped connection
    backoff: float = 2.0  # seconds before the first retry without Retry-After; doubles each time
    max_wait: float = 60.0  # cap on Retry-After


@dataclass(frozen=True)
class Use:
    """Where an address appears: file, line, entry and link label."""

    path: str
    line: int
    entry_id: str
    label: str


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer
    detail: str
    location: str | None = None
    retry_after: str | None = None
    retry: bool = False  # worth asking again


@dataclass(frozen=True)
class LinkOutcome:
    url: str
    category: str
    detail: str
    final_url: str
    requests: int = 1


@dataclass
class HostGate:
    """One request at a time per host, `delay` seconds after the previous one ended."""

    delay: float
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = self._last.get(host, float("-inf")) + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()


def link_uses(entries: Iterable[Entry]) -> dict[str, list[Use]]:
    """Every address of every entry's links, each once, with all the places it is used."""
    uses: dict[str, list[Use]] = defaultdict(list)
    for entry in entries:
        for label, url in entry.links:
            uses[url].append(Use(entry.path, entry.line(f"links.{label}"), entry.id, label))
    return dict(uses)


def host_of(url: str) -> str:
    return (urllib.parse.urlsplit(url).hostname or "").lower()


def ascii_url(url: str) -> str:
    """The address as http.client can send it: non-ASCII host in IDNA, other non-ASCII quoted."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    try:
        netloc = parts.netloc.replace(host, host.encode("idna").decode("ascii")) if not host.isascii() else parts.netloc
    except UnicodeError:
        netloc = parts.netloc
    quoted = [urllib.parse.quote(p, safe="/%:@!$&'()*+,;=-._~?#[]") for p in (parts.path, parts.query, parts.fragment)]
    return urllib.parse.urlunsplit((parts.scheme, netloc, *quoted))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers, so each hop goes through the host gate and is seen."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def network_answer(exc: BaseException) -> Answer:
    """A request that got no HTTP answer, and whether asking again may help."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, socket.gaierror):
        return Answer(None, "host not found")
    if isinstance(reason, http.client.HTTPException):
        return Answer(None, f"bad answer ({type(reason).__name__})", retry=True)
    if isinstance(reason, TimeoutError):
        return Answer(None, "timed out", retry=True)
    if isinstance(reason, ssl.SSLError):
        return Answer(None, f"TLS error ({reason.reason or 'handshake failed'})")
    if isinstance(reason, ConnectionRefusedError):
        return Answer(None, "connection refused", retry=True)
    if isinstance(reason, (ConnectionError, OSError)):
        return Answer(None, f"connection failed ({type(reason).__name__})", retry=True)
    return Answer(None, f"request failed ({type(reason).__name__})")


def status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def send(url: str, method: str, timeout: float) -> Answer:
    """One request, its body never read. The server's own words are never reported: only
    the status code and its standard phrase reach the report."""
    request = urllib.request.Request(ascii_url(url), method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Answer(response.status, status_text(response.status))
    except urllib.error.HTTPError as exc:
        with exc:
            status = exc.code
            return Answer(status, status_text(status), exc.headers.get("Location"), exc.headers.get("Retry-After"),
                          retry=status == 429 or status >= 500)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        return network_answer(exc)
    except ValueError:
        return Answer(None, "not a valid address")


def retry_wait(answer: Answer, attempt: int, settings: LinkCheckSettings) -> float:
    """Seconds before the next try: the server's Retry-After (seconds or a date), capped, else
    the back-off doubling with each attempt."""
    seconds = retry_after_seconds(answer.retry_after, settings.max_wait)
    return float(settings.backoff * 2**attempt) if seconds is None else seconds


class Checker:
    def __init__(self, settings: LinkCheckSettings, send: Callable[[str, str, float], Answer] = send) -> None:
        self.settings = settings
        self.gate = HostGate(settings.delay)
        self.send = send

    def ask(self, url: str, method: str) -> tuple[Answer, int]:
        """One method, retried while the answer says trying again may help."""
        tries = 0
        while True:
            with self.gate.slot(host_of(url)):
                answer = self.send(url, method, self.settings.timeout)
            tries += 1
            if not answer.retry or tries > self.settings.retries:
                return answer, tries
            time.sleep(retry_wait(answer, tries - 1, self.settings))

    def fetch(self, url: str) -> tuple[Answer, int]:
        """HEAD, then GET when the server answered HEAD with an error (many answer it wrongly);
        a host that does not answer at all is not asked again."""
        answer, count = self.ask(url, "HEAD")
        if answer.status is None or answer.status < 400:
            return answer, count
        answer, more = self.ask(url, "GET")
        return answer, count + more

    def check(self, url: str) -> LinkOutcome:
        current, permanent, requests = url, True, 0
        for _ in range(MAX_REDIRECTS + 1):
            answer, count = self.fetch(current)
            requests += count
            if answer.status in _REDIRECT and answer.location:
                permanent = permanent and answer.status in _PERMANENT
                current = urllib.parse.urljoin(current, answer.location)
                continue
            return LinkOutcome(url, categorize(answer, moved=current != url and permanent), describe(answer, url, current), current, requests)
        return LinkOutcome(url, "broken", f"more than {MAX_REDIRECTS} redirects", current, requests)

    def check_all(self, urls: Iterable[str]) -> dict[str, LinkOutcome]:
        """Every address, hosts in parallel; the hosts with most addresses start first."""
        by_host: dict[str, list[str]] = defaultdict(list)
        for url in dict.fromkeys(urls):
            by_host[host_of(url)].append(url)
        queues = sorted(by_host.values(), key=len, reverse=True)
        outcomes: dict[str, LinkOutcome] = {}
        with ThreadPoolExecutor(max_workers=max(1, self.settings.workers)) as pool:
            for results in pool.map(lambda queue: [self.check(u) for u in queue], queues):
                outcomes.update((o.url, o) for o in results)
        return outcomes


def categorize(answer: Answer, moved: bool) -> str:
    status = answer.status
    if status is None:
        return "broken" if answer.detail in _BROKEN_WITHOUT_ANSWER else "unverified"
    if status < 300:
        return "moved" if moved else "ok"
    if status in _ACCESS or status >= 500:
        return "unverified"
    return "broken"


def describe(answer: Answer, url: str, final: str) -> str:
    if final != url:
        return f"{answer.detail} at {final}"
    return answer.detail


def report(outcomes: dict[str, LinkOutcome], uses: dict[str, list[Use]]) -> str:
    """The Markdown report: counts, then every address that is not plainly ok, by category."""
    groups: dict[str, list[LinkOutcome]] = {c: [] for c in CATEGORIES}
    for url in sorted(outcomes):
        groups[outcomes[url].category].append(outcomes[url])
    places = sum(len(uses.get(u, [])) for u in outcomes)
    lines = [
        "# Link check", "",
        f"{len(outcomes)} addresses in {places} links.", "",
        "| found | addresses |", "|---|---:|",
        *(f"| {category} | {len(groups[category])} |" for category in CATEGORIES),
    ]
    titles = {
        "broken": "Broken: fix or remove these links",
        "unverified": "Unverified: refused, rate-limited or unreachable just now; look before changing",
        "moved": "Moved permanently: the entry can point to the new address",
    }
    for category, title in titles.items():
        if not groups[category]:
            continue
        lines += ["", f"## {title} ({len(groups[category])})", ""]
        for outcome in groups[category]:
            where = "; ".join(f"`{use.path}:{use.line}` ({gfm.escape(use.entry_id)}, {gfm.escape(use.label)})" for use in uses.get(outcome.url, []))
            lines.append(f"- `{outcome.url}`: {gfm.escape(outcome.detail)}. In {where or 'no entry'}")
    return "\n".join(lines) + "\n"


def summary(outcomes: dict[str, LinkOutcome]) -> str:
    counts = {c: sum(1 for o in outcomes.values() if o.category == c) for c in CATEGORIES}
    return f"{len(outcomes)} addresses checked: " + ", ".join(f"{counts[c]} {c}" for c in CATEGORIES)


def check_links(entries: list[Entry], settings: LinkCheckSettings, report_path: str | None = None) -> int:
    """Check, write the report (to report_path, else stdout); 1 when any link is broken."""
    from generator.list.emit import write_text

    uses = link_uses(entries)
    outcomes = Checker(settings).check_all(uses)
    text = report(outcomes, uses)
    if report_path:
        write_text(report_path, text)
    else:
        sys.stdout.write(text)
    print(summary(outcomes), file=sys.stderr)
    return 1 if any(o.category == "broken" for o in outcomes.values()) else 0
