"""check-links against a local http.server in a thread: never the internet."""

from __future__ import annotations

import itertools
import socket
import threading
import time
import urllib.error
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.cli import main
from generator.commands.linkcheck import Answer, Checker, LinkCheckSettings, network_answer, retry_wait

FAST = LinkCheckSettings(workers=4, timeout=2.0, delay=0.0, retries=2, backoff=0.01, max_wait=2.0)


@dataclass
class Log:
    """What the server saw: every request, and how many ran at once per host."""

    requests: list[tuple[str, str, str, float]] = field(default_factory=list)  # method, path, host, start
    in_flight: Counter[str] = field(default_factory=Counter)
    most_at_once: Counter[str] = field(default_factory=Counter)
    most_overall: int = 0
    hits: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p, _, _ in self.requests if (m, p) == (method, path))


ROUTES: dict[str, tuple[int, dict[str, str]]] = {
    "/ok": (200, {}),
    "/missing": (404, {}),
    "/gone": (410, {}),
    "/forbidden": (403, {}),
    "/down": (500, {}),
    "/moved": (301, {"Location": "/ok"}),
    "/found": (302, {"Location": "/ok"}),
    "/moved-then-missing": (308, {"Location": "/missing"}),
    "/loop": (302, {"Location": "/loop"}),
}


def make_handler(log: Log) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet test output
            pass

        def answer(self, method: str) -> None:
            host = self.headers.get("Host", "")
            with log.lock:
                log.requests.append((method, self.path, host, time.monotonic()))
                log.hits[self.path] += 1
                hits = log.hits[self.path]
                log.in_flight[host] += 1
                log.most_at_once[host] = max(log.most_at_once[host], log.in_flight[host])
                log.most_overall = max(log.most_overall, sum(log.in_flight.values()))
            try:
                status, headers = self.route(method, hits)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()
            finally:
                with log.lock:
                    log.in_flight[host] -= 1

        def route(self, method: str, hits: int) -> tuple[int, dict[str, str]]:
            path = self.path.split("?")[0]
            if path == "/no-head":  # servers that refuse HEAD but serve GET
                return (405, {}) if method == "HEAD" else (200, {})
            if path == "/flaky":  # down for the first two requests
                return (503, {"Retry-After": "0"}) if hits <= 2 else (200, {})
            if path == "/limited":  # rate-limited once, with a Retry-After of one second
                return (429, {"Retry-After": "1"}) if hits == 1 else (200, {})
            if path == "/slow":
                time.sleep(1.0)
                return 200, {}
            if path.startswith("/pause"):
                time.sleep(0.2)
                return 200, {}
            return ROUTES.get(path, (404, {}))

        def do_HEAD(self) -> None:
            self.answer("HEAD")

        def do_GET(self) -> None:
            self.answer("GET")

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, Log]]:
    log = Log()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(log))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", log
    finally:
        httpd.shutdown()
        httpd.server_close()


def check(url: str, settings: LinkCheckSettings = FAST) -> tuple[str, str]:
    outcome = Checker(settings).check(url)
    return outcome.category, outcome.detail


def test_a_page_that_answers_is_ok_after_one_head(server: tuple[str, Log]) -> None:
    base, log = server
    assert check(f"{base}/ok") == ("ok", "200 OK")
    assert [(m, p) for m, p, _, _ in log.requests] == [("HEAD", "/ok")]


def test_head_refused_then_get(server: tuple[str, Log]) -> None:
    base, log = server
    assert check(f"{base}/no-head") == ("ok", "200 OK")
    assert [(m, p) for m, p, _, _ in log.requests] == [("HEAD", "/no-head"), ("GET", "/no-head")]


@pytest.mark.parametrize(("path", "category", "detail"), [
    ("/missing", "broken", "404 Not Found"),
    ("/gone", "broken", "410 Gone"),
    ("/forbidden", "unverified", "403 Forbidden"),
    ("/down", "unverified", "500 Internal Server Error"),
])
def test_errors_are_grouped_by_what_they_mean(server: tuple[str, Log], path: str, category: str, detail: str) -> None:
    base, _ = server
    assert check(base + path) == (category, detail)


def test_server_errors_are_retried_then_reported(server: tuple[str, Log]) -> None:
    base, log = server
    assert check(f"{base}/down") == ("unverified", "500 Internal Server Error")
    assert (log.count("HEAD", "/down"), log.count("GET", "/down")) == (3, 3)  # 1 + 2 retries each
    assert check(f"{base}/flaky") == ("ok", "200 OK")
    assert log.count("HEAD", "/flaky") == 3


def test_a_rate_limited_host_is_asked_again_after_its_retry_after(server: tuple[str, Log]) -> None:
    base, log = server
    assert check(f"{base}/limited") == ("ok", "200 OK")
    (_, _, _, first), (_, _, _, second) = log.requests
    assert second - first >= 0.95


def test_redirects_temporary_permanent_and_looping(server: tuple[str, Log]) -> None:
    base, _ = server
    assert check(f"{base}/found") == ("ok", f"200 OK at {base}/ok")
    assert check(f"{base}/moved") == ("moved", f"200 OK at {base}/ok")
    assert check(f"{base}/moved-then-missing") == ("broken", f"404 Not Found at {base}/missing")
    assert check(f"{base}/loop") == ("broken", "more than 10 redirects")


def test_a_slow_server_times_out_and_a_closed_port_is_refused(server: tuple[str, Log]) -> None:
    base, _ = server
    quick = LinkCheckSettings(workers=1, timeout=0.3, delay=0.0, retries=0, backoff=0.0)
    assert check(f"{base}/slow", quick) == ("unverified", "timed out")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    assert check(f"http://127.0.0.1:{closed}/", quick) == ("unverified", "connection refused")


def test_an_unknown_host_is_broken_and_not_retried() -> None:
    answer = network_answer(urllib.error.URLError(socket.gaierror(-2, "Name or service not known")))
    assert answer == Answer(None, "host not found")
    calls: list[str] = []

    def fake_send(url: str, method: str, timeout: float) -> Answer:
        calls.append(method)
        return answer

    outcome = Checker(FAST, send=fake_send).check("https://no-such-host.invalid/")
    assert (outcome.category, outcome.detail, calls) == ("broken", "host not found", ["HEAD"])


def test_retry_after_in_seconds_or_as_a_date_is_capped() -> None:
    settings = LinkCheckSettings(backoff=0.5, max_wait=10.0)
    assert retry_wait(Answer(429, "", retry_after="3"), 0, settings) == 3.0
    assert retry_wait(Answer(429, "", retry_after="3600"), 0, settings) == 10.0
    assert retry_wait(Answer(429, "", retry_after="Wed, 21 Oct 2015 07:28:00 GMT"), 0, settings) == 0.0
    assert retry_wait(Answer(503, ""), 2, settings) == 2.0  # no Retry-After: 0.5 s doubled twice
    assert retry_wait(Answer(503, "", retry_after="²"), 0, settings) == 0.5  # a digit to str.isdigit, not to float: the back-off


def test_one_request_at_a_time_per_host_with_a_delay_but_hosts_in_parallel(server: tuple[str, Log]) -> None:
    base, log = server
    port = base.rsplit(":", 1)[1]
    urls = [f"http://{host}:{port}/pause{i}" for host in ("127.0.0.1", "localhost") for i in range(3)]
    outcomes = Checker(LinkCheckSettings(workers=2, timeout=5.0, delay=0.15, retries=0)).check_all(urls)
    assert {o.category for o in outcomes.values()} == {"ok"}
    assert set(log.most_at_once.values()) == {1}  # never two requests at once to one host
    assert log.most_overall == 2  # but the two hosts were checked side by side
    starts: dict[str, list[float]] = defaultdict(list)
    for _, _, host, start in log.requests:
        starts[host].append(start)
    for times in starts.values():  # 0.2 s answer + 0.15 s pause between requests to one host
        assert all(later - earlier >= 0.3 for earlier, later in itertools.pairwise(times))


ENTRY = """\
id: {id}
title: {title}
authors:
  - Ada Lovelace
year: 2020
links:
  paper: {base}/{paper}
  code: {base}/{code}
keywords:
  - Testing
digest: A paper.
"""


def public_name(server: tuple[str, Log], monkeypatch: pytest.MonkeyPatch) -> str:
    """The test server under a name `check` takes for a host on the internet (it refuses a link to 127.0.0.1,
    the reader's own computer): papers.example, resolved to the server by this process alone."""
    resolve = socket.getaddrinfo

    def local(host: str, *args: object, **kwargs: object) -> object:
        return resolve("127.0.0.1" if host == "papers.example" else host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", local)
    return server[0].replace("127.0.0.1", "papers.example")


def test_check_links_command_writes_a_report_grouped_by_status(small_list: Path, tmp_path: Path, server: tuple[str, Log],
                                                               capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    base, log = public_name(server, monkeypatch), server[1]
    folder = small_list / "memorization"
    for path in folder.iterdir():
        path.unlink()
    for path in (small_list / "generalization").iterdir():
        path.unlink()
    (folder / "lovelace2020first.yaml").write_text(ENTRY.format(id="lovelace2020first", title="First", base=base, paper="ok", code="missing"))
    (folder / "lovelace2020second.yaml").write_text(ENTRY.format(id="lovelace2020second", title="Second", base=base, paper="moved", code="ok"))
    report = tmp_path / "report.md"
    status = main(["check-links", "--entries", str(small_list), "--report", str(report), "--delay", "0", "--retries", "0"])
    assert status == 1  # a broken link
    text = report.read_text(encoding="utf-8")
    assert "| broken | 1 |\n| unverified | 0 |\n| moved | 1 |\n| ok | 1 |" in text
    assert "3 addresses in 4 links." in text
    assert (f"## Broken: fix or remove these links (1)\n\n- `{base}/missing`: 404 Not Found. "
            "In `entries/memorization/lovelace2020first.yaml:8` (lovelace2020first, code)") in text
    assert f"- `{base}/moved`: 200 OK at {base}/ok. In `entries/memorization/lovelace2020second.yaml:7` (lovelace2020second, paper)" in text
    assert f"- `{base}/ok`" not in text  # ok addresses are only counted
    assert log.count("HEAD", "/ok") == 2  # once for the address used twice, once after the redirect
    assert capsys.readouterr().err == "3 addresses checked: 1 broken, 0 unverified, 1 moved, 1 ok\n"
