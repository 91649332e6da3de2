"""`mkdocs serve` watches the entry files: saving one reloads its page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return True
        time.sleep(0.1)
    return False


def test_serve_reloads_when_an_entry_changes(small_list: Path, tmp_path: Path) -> None:
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(ROOT / "docs"),
        "theme": {"name": "material", "custom_dir": str(ROOT / "overrides")},
        "plugins": ["search", {"reading-list": {"entries": str(small_list), "related": 0}}],
    }
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config_file), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        page = f"http://127.0.0.1:{port}/memorization/"
        assert wait_for(page, "Deduplicating Training Data Makes Language Models Better")
        entry = small_list / "memorization" / "lee2022deduplicating.yaml"
        entry.write_text(entry.read_text(encoding="utf-8").replace("Makes Language Models Better", "Makes Models Reload"), encoding="utf-8")
        assert wait_for(page, "Deduplicating Training Data Makes Models Reload")
    finally:
        server.terminate()
        server.wait(timeout=10)
