"""Browser tests: the built site of the committed list, served on 127.0.0.1 and driven in Debian's
Chromium through Playwright.

A missing Chromium or Playwright fails these tests (CI installs both); DLP_SKIP_BROWSER_TESTS=1
skips them on a machine without a browser, and says so in the summary.
Every page a test opens records console errors, page errors and requests to any other host (which
are blocked); a test that caused any of them fails.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

import pytest
from harness import CHROMIUM, CHROMIUM_ARGS, HOST, ROOT, build_site, dump, serve

if importlib.util.find_spec("playwright") is None and os.environ.get("DLP_SKIP_BROWSER_TESTS") == "1":
    collect_ignore_glob = ["test_*.py"]  # otherwise each test module fails to import: an error, not a skip

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, ViewportSize

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
MOBILE: ViewportSize = {"width": 390, "height": 844}


def _unavailable(why: str) -> NoReturn:
    message = f"{why}; CI installs it (.ci/run). Set DLP_SKIP_BROWSER_TESTS=1 to skip the browser tests on this machine."
    if os.environ.get("DLP_SKIP_BROWSER_TESTS") == "1":
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def driver() -> Iterator[Playwright]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(driver: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"Chromium is not at {CHROMIUM} (apt-get install chromium)")
    browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The committed list, built once per session for the address it is served at (the server
    is listening first, so its port is known to the build)."""
    site_dir = tmp_path_factory.mktemp("browser") / "site"
    with serve(site_dir) as url:
        build_site(site_dir, url)
        yield site_dir, url


# Module-scoped, so that a module serving a list of its own overrides `served` alone
@pytest.fixture(scope="module")
def site(served: tuple[Path, str]) -> Path:
    return served[0]


@pytest.fixture(scope="module")
def base_url(served: tuple[Path, str]) -> str:
    return served[1]


@pytest.fixture(scope="session")
def papers() -> list[dict[str, Any]]:
    """The list as `python -m generator dump` prints it: what expected counts are computed from."""
    return dump()


@dataclass
class Recorder:
    """What went wrong in the pages of one test."""

    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    reported: int = 0

    def watch(self, page: Page) -> None:
        def console(message: Any) -> None:
            if message.type == "error":
                where = message.location.get("url", "") if message.location else ""
                self.errors.append(f"console error: {message.text} ({where or page.url})")

        page.on("console", console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error} ({page.url})"))
        page.on("websocket", lambda socket: self.foreign.append(socket.url))

    def guard(self, route: Route) -> None:
        self.foreign.append(route.request.url)
        route.abort("blockedbyclient")

    def problems(self) -> list[str]:
        return self.errors + [f"request to another host (blocked): {url}" for url in self.foreign]

    def check(self) -> None:
        problems = self.problems()
        new, self.reported = problems[self.reported:], len(problems)
        if new:
            pytest.fail("the browser reported problems:\n  " + "\n  ".join(new), pytrace=False)


RECORDER = pytest.StashKey[Recorder]()
NOT_LOCAL = re.compile(rf"^(?!https?://{re.escape(HOST)}[:/])[a-z][a-z0-9+.-]*://")

OpenPage = Callable[..., "Page"]


@pytest.fixture
def open_page(browser: Browser, base_url: str, request: pytest.FixtureRequest) -> Iterator[OpenPage]:
    """Open a page in a fresh context (its own storage, clipboard permissions) at a site path."""
    recorder = Recorder()
    request.node.stash[RECORDER] = recorder
    contexts: list[BrowserContext] = []

    def open_(path: str | None = "", *, viewport: ViewportSize | None = None,
              color_scheme: Literal["light", "dark"] = "light") -> Page:
        context = browser.new_context(
            base_url=base_url, viewport=viewport or DESKTOP, color_scheme=color_scheme,
            permissions=["clipboard-read", "clipboard-write"], accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        context.route(NOT_LOCAL, recorder.guard)
        contexts.append(context)
        page = context.new_page()
        recorder.watch(page)
        if path is not None:
            page.goto(base_url + path.lstrip("/"))
        return page

    yield open_
    for context in contexts:
        context.close()
    recorder.check()  # what happened after the test's last statement


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    """A blank page; the test navigates."""
    return open_page(None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test that passed fails if its pages logged errors or tried to reach another host."""
    result = yield
    recorder = item.stash.get(RECORDER, None)
    if recorder is not None:
        recorder.check()
    return result


@pytest.fixture
def screenshot() -> Callable[[Page, str], list[Path]]:
    """Save the page at desktop and mobile sizes: test-artifacts/screenshots/<name>-{desktop,mobile}.png."""

    def take(page: Page, name: str) -> list[Path]:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        before = page.viewport_size
        paths = []
        for label, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
            page.set_viewport_size(size)
            page.wait_for_timeout(100)  # Material re-lays out on resize
            path = SCREENSHOTS / f"{name}-{label}.png"
            page.screenshot(path=str(path))
            paths.append(path)
        if before:
            page.set_viewport_size(before)
        return paths

    return take
