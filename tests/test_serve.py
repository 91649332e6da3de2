"""`mkdocs serve` watches the entry files: saving one reloads its page, and a mistake shows on the page."""

from __future__ import annotations

import html
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from generator import cachefile
from generator.errors import ListError
from generator.list.source import load_catalog
from generator.site.blobs import Blobs
from generator.site.generate import BUILD_FILE, Build

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    """The page, or the error page the server answers with (its 404); None when it does not answer in 2 s."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return str(error.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, timeout: float = 60.0, without: str | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and text in page and (without is None or without not in page):
            return True
        time.sleep(0.1)
    return False


def start_serve(tmp_path: Path, options: dict[str, object]) -> tuple[subprocess.Popen[bytes], int]:
    """`mkdocs serve` (strict, as the repo's mkdocs.yml is) of the reading-list plugin with these options;
    its terminal output goes to tmp_path/serve.log, and its temporary files (the preview's folder, and the
    session's beside it) to tmp_path/tmp."""
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(ROOT / "docs"),
        "theme": {"name": "material", "custom_dir": str(ROOT / "overrides")},
        "plugins": ["search", {"reading-list": {"related": 0, **options}}],
    }
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    port = free_port()
    (tmp_path / "tmp").mkdir()
    with open(tmp_path / "serve.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", str(config_file), "--dev-addr", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=log,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONFAULTHANDLER": "1", "TMPDIR": str(tmp_path / "tmp")},
            preexec_fn=_ctrl_c_stops,
        )
    return server, port


def _ctrl_c_stops() -> None:
    """Ctrl-C (SIGINT) stops the server even when the tests run in the background of a shell without job
    control, which starts them with SIGINT ignored: Python then never turns it into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop_serve(server: subprocess.Popen[bytes], tmp_path: Path) -> None:
    """Ctrl-C, as a maintainer stops a preview. A server that does not stop fails the test with what each
    of its threads was doing (faulthandler's dump on SIGABRT, in serve.log). One that stops leaves no temporary
    file: the preview's folder, the session's cards and search index (generator.site.blobs, generator.site.live),
    the records Pagefind read."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.send_signal(signal.SIGABRT)
        server.wait(timeout=30)
        pytest.fail("mkdocs serve did not stop within 30 s of Ctrl-C:\n" + (tmp_path / "serve.log").read_text(encoding="utf-8")[-6000:])
    assert sorted(os.listdir(tmp_path / "tmp")) == []


def test_serve_reloads_when_an_entry_changes_and_leaves_what_it_kept_for_the_next_build(small_list: Path, tmp_path: Path) -> None:
    """A session keeps its rendered papers and its last build in memory, and writes them to the cache
    folder when it stops (Ctrl-C), not at every save."""
    server, port = start_serve(tmp_path, {"entries": str(small_list)})
    cache = tmp_path / ".cache" / "reading-list"
    try:
        page = f"http://127.0.0.1:{port}/memorization/"
        assert wait_for(page, "Deduplicating Training Data Makes Language Models Better")
        entry = small_list / "memorization" / "lee2022deduplicating.yaml"
        entry.write_text(entry.read_text(encoding="utf-8").replace("Makes Language Models Better", "Makes Models Reload"), encoding="utf-8")
        assert wait_for(page, "Deduplicating Training Data Makes Models Reload")
        assert wait_for(f"http://127.0.0.1:{port}/p/lee2022deduplicating.html", "Deduplicating Training Data Makes Models Reload", timeout=5)
        assert not (cache / "rendered.sealed").exists() and not (cache / BUILD_FILE).exists()
    finally:
        stop_serve(server, tmp_path)
    rendered = cachefile.load(str(cache / "rendered.sealed"))
    assert isinstance(rendered, dict) and any(b"Makes Models Reload" in html for html in rendered.values() if isinstance(html, bytes))
    kept = cachefile.load(str(cache / BUILD_FILE))
    assert isinstance(kept, tuple) and isinstance(kept[1], Build)
    blobs = Blobs(str(cache))  # the data files it names are there, vouched for by the manifest the session left
    assert kept[1].usable(blobs) and b"Makes Models Reload" in blobs.read(kept[1].blobs["papers.json"])


BANNER = '<div class="admonition failure" role="alert">'


def list_errors(entries: Path) -> list[str]:
    """The `path:line: message` lines `check` prints for the list (paths relative to the working directory)."""
    with pytest.raises(ListError) as caught:
        load_catalog(str(entries))
    return [str(problem) for problem in caught.value.errors]


def shows(url: str, lines: list[str], timeout: float = 10.0) -> bool:
    """The page answers within the timeout with every line on it, escaped as HTML text."""
    return wait_for(url, "\n".join(html.escape(line) for line in lines), timeout)


def test_serve_shows_the_list_errors_on_the_page_until_they_are_fixed(small_list: Path, tmp_path: Path) -> None:
    entry = small_list / "memorization" / "lee2022deduplicating.yaml"
    good = entry.read_text(encoding="utf-8")
    broken = good + "title: A second title\n"  # a duplicate key
    entry.write_text(broken, encoding="utf-8")
    errors = list_errors(small_list)
    assert errors[0].startswith("entries/memorization/lee2022deduplicating.yaml:21: ")
    templates = tmp_path / "templates"
    templates.mkdir()
    server, port = start_serve(tmp_path, {"entries": str(small_list), "templates": str(templates)})
    base = f"http://127.0.0.1:{port}/"
    section = f"{base}memorization/"
    title = "Deduplicating Training Data Makes Language Models Better"
    try:
        # A list that never built: the home page and the 404 page every other address gets show the errors
        assert shows(base, errors, timeout=60)
        assert shows(section, errors, timeout=2)
        assert shows(f"{base}no-such-page/", errors, timeout=2)

        entry.write_text(good, encoding="utf-8")
        assert wait_for(section, title, timeout=15, without=BANNER)

        # Broken again: every page keeps the last good version, the errors on top
        entry.write_text(broken, encoding="utf-8")
        for url in (section, base, f"{base}keywords/", f"{base}no-such-page/"):
            assert shows(url, errors), url
        page = fetch(section)
        assert page is not None and title in page
        started = time.monotonic()
        assert fetch(section) is not None and time.monotonic() - started < 2  # nothing waits for a build that failed

        entry.write_text(good.replace("Makes Language Models Better", "Makes Models Recover"), encoding="utf-8")
        assert wait_for(section, "Deduplicating Training Data Makes Models Recover", timeout=15, without=BANNER)

        # A template that fails to render is shown the same way
        (templates / "section.md.j2").write_text("{{ no_such_variable }}\n", encoding="utf-8")
        assert shows(section, [f"{templates}/section.md.j2:1: 'no_such_variable' is undefined"])
        (templates / "section.md.j2").unlink()
        assert wait_for(section, "Deduplicating Training Data Makes Models Recover", timeout=15, without=BANNER)
    finally:
        stop_serve(server, tmp_path)
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "\n".join(errors) in log
    assert "The server will appear stuck" not in log
