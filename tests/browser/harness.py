"""What the browser tests and bench/bench_explorer.py share: the built site, a local server,
Chromium's launch settings, the list as `python -m generator dump` prints it, and synthetic
copies of the explorer data: larger, for performance runs, and in files of any size."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import itertools
import json
import os
import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DLP_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google's services, which the
# closed network answers with nothing but delays.
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
HOST = "127.0.0.1"


def build_site(site_dir: Path, site_url: str, entries: Path = ROOT / "entries") -> None:
    """The site of a list, built as `python -m generator build` builds it (strict), for `site_url`.

    The address matters: Material's instant navigation only takes over links to the pages its
    sitemap lists, and the sitemap is written for `site_url`.
    """
    from generator.cli import main

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    saved = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = site_url
    try:
        code = main(["build", "--config-file", str(ROOT / "mkdocs.yml"), "--entries", str(entries), "--site-dir", str(site_dir)])
    finally:
        if saved is None:
            del os.environ["SITE_URL"]
        else:
            os.environ["SITE_URL"] = saved
    if code != 0:
        raise RuntimeError(f"the site did not build (exit {code}); run `python -m generator build` to see why")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve a folder (which may not exist yet) on 127.0.0.1 from a thread; yields the base URL, ending in a slash."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def dump(entries: Path = ROOT / "entries") -> list[dict[str, Any]]:
    """The list as `python -m generator dump` prints it, in its order (newest first)."""
    from generator.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["dump", "--entries", str(entries)])
    if code != 0:
        raise RuntimeError(f"`python -m generator dump` failed (exit {code})")
    papers: list[dict[str, Any]] = json.loads(out.getvalue())
    return papers


# Letters that Unicode decomposition leaves alone but a reader types without their stroke
_STROKED = {"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}


def fold(text: str) -> str:
    """docs/assets/common.js `fold` (the explorer's and the search's) in Python: NFKD, every combining
    mark dropped, lower case, stroked letters spelled plain, words only, separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).lower()
    bare = "".join(_STROKED.get(c, c) for c in bare)
    return " ".join("".join(c if c.isalnum() else " " for c in bare).split())


def sections_of(paper: dict[str, Any]) -> list[str]:
    return [paper["section"], *paper.get("also_in", [])]


def has_code(paper: dict[str, Any]) -> bool:
    return "code" in paper.get("links", {})


def text_matches(paper: dict[str, Any], query: str) -> bool:
    """Every word of the query in the title, the authors or the digest."""
    haystack = fold(" ".join([paper["title"], *paper.get("authors", []), paper.get("digest", "")]))
    return all(word in haystack for word in fold(query).split())


BIB_START = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)


def bib_keys(text: str) -> list[str]:
    return BIB_START.findall(text)


def explorer_data(site_dir: Path, name: str = "explorer") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The explorer's data in a built site: the fields of `name`.json but its papers, and the papers of it
    and of its further files (its `chunks`), in order."""
    head: dict[str, Any] = json.loads((site_dir / f"{name}.json").read_text(encoding="utf-8"))
    papers: list[dict[str, Any]] = head.pop("papers")
    for chunk in head.get("chunks", []):
        papers += json.loads((site_dir / chunk).read_text(encoding="utf-8"))["papers"]
    return head, papers


def synthetic(papers: list[dict[str, Any]], papers_bib: str, factor: int,
              digests_json: str = '{"digests": {}}') -> tuple[list[dict[str, Any]], str, str]:
    """The explorer's papers, the .bib and the digests with every paper `factor` times, each copy with its own id."""
    copies = [{**paper, "id": f"{paper['id']}-x{k}"} for paper in papers for k in range(factor)]
    digests = {f"{paper_id}-x{k}": text for paper_id, text in json.loads(digests_json)["digests"].items() for k in range(factor)}
    starts = [m.start() for m in BIB_START.finditer(papers_bib)] + [len(papers_bib)]
    entries = []
    for begin, end in itertools.pairwise(starts):
        entry = papers_bib[begin:end].strip() + "\n"
        head, rest = entry.split(",", 1)  # "@type{key", the fields
        entries += [f"{head}-x{k},{rest}" for k in range(factor)]
    return copies, "\n".join(entries), json.dumps({"digests": digests}, ensure_ascii=False, separators=(",", ":"))


def add_synthetic_explorer(site_dir: Path, factor: int, budget: int | None = None, name: str | None = None) -> str:
    """A copy of the explorer page reading `factor`-times data, in files of at most `budget` bytes as the
    build makes them (the build's budget unless given), named `name`.json, `name`-1.json, ... (`explorer-x`
    and the factor unless given); returns the page's path in the site."""
    from generator.site.datafiles import EXPLORER_FILE_BYTES, explorer_chunks

    name = name or f"explorer-x{factor}"
    page = (site_dir / "explorer" / "index.html").read_text(encoding="utf-8")
    old = ('data-src="../explorer.json" data-bib="../papers.bib"', 'data-digests="../explorer-digests.json"')
    if not all(part in page for part in old):
        raise RuntimeError(f"explorer/index.html no longer has {old}; update tests/browser/harness.py")
    head, papers = explorer_data(site_dir)
    copies, bib, digests = synthetic(papers, (site_dir / "papers.bib").read_text(encoding="utf-8"), factor,
                                     (site_dir / "explorer-digests.json").read_text(encoding="utf-8"))
    for file_name, text in explorer_chunks(head, copies, name, budget or EXPLORER_FILE_BYTES).items():
        (site_dir / file_name).write_text(text, encoding="utf-8")
    (site_dir / f"{name}.bib").write_text(bib, encoding="utf-8")
    (site_dir / f"{name}-digests.json").write_text(digests, encoding="utf-8")
    (site_dir / name).mkdir(exist_ok=True)
    new = (f'data-src="../{name}.json" data-bib="../{name}.bib"', f'data-digests="../{name}-digests.json"')
    (site_dir / name / "index.html").write_text(page.replace(old[0], new[0]).replace(old[1], new[1]), encoding="utf-8")
    return f"{name}/"
