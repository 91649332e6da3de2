"""Search that stays small for the reader: a Pagefind index with one record per paper.

Material's search loads one JSON index holding every page before it can show a result (about 15 MB
at 20 times the list). Pagefind splits its index into chunks and fetches only those a query needs.
It ranks pages, so each paper, key word and section gets a small record document of its own here,
whose `url` meta points at the paper's anchor on its section page; hand-written pages get one too,
from their Markdown. All records are known before MkDocs renders a page, so Pagefind indexes them
while it does; the bundle goes to `<site>/pagefind/`, read by `docs/assets/search.js`.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable

from markupsafe import Markup, escape

from generator.model import papers
from generator.site.datafiles import digest_text, html_text, permalink, plain_text
from generator.site.render import Site, page_name, page_url

BUNDLE = "pagefind"
ROOT = "article.md-content__inner"  # what Pagefind reads of a record document
# What Pagefind writes that docs/assets/search.js never loads: its own UIs, and the wasm for pages
# in an unknown language (the index is all English: --force-language en)
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js", "wasm.unknown.pagefind")
FRAGMENT_MAGIC = b"pagefind_dcd"
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|t[dh]|tr|div|pre|blockquote|d[dt])>|<br\s*/?>", re.IGNORECASE)


class SearchIndexError(Exception):
    """Pagefind is missing or failed: the build stops, since the site's search would be broken."""


def _record(url: str, title: str, lines: Iterable[str], *, kind: str, meta: dict[str, str] | None = None, weight: int = 7) -> str:
    """A record document: the title as a heading, then the text to index; `url` and `meta` for the results.

    Pagefind weighs an h1 7 (of 10); a key word's or a section's own record weighs its name 10, so that
    searching the name finds it before the papers that share it. `kind` is also a filter: the search
    dialog looks among key words and sections for the query's exact name and shows that first."""
    tags = "".join(f'<meta data-pagefind-meta="{escape(key)}[content]" content="{escape(value)}">'
                   for key, value in {"url": url, "kind": kind, **(meta or {})}.items() if value)
    body = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    return Markup(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"></head>'
        '<body><article class="md-content__inner" data-pagefind-filter="kind:{kind}">{tags}'
        '<h1 data-pagefind-meta="title" data-pagefind-weight="{weight}">{title}</h1>{body}</article></body></html>\n'
    ).format(tags=Markup(tags), title=title, body=Markup(body), weight=weight, kind=kind)


def paper_records(site: Site, directory_urls: bool = True) -> dict[str, str]:
    """A record per paper, `paper/<id>.html`, whose hit opens the paper on its own section page."""
    titles = {s.slug: s.title for s in site.catalog.sections}
    records: dict[str, str] = {}
    for e in site.catalog.entries:
        info = " · ".join(part for part in (", ".join(e.authors), e.venue or "", str(e.year), titles[e.section]) if part)
        records[f"paper/{e.id}.html"] = _record(
            permalink(e, directory_urls), e.title, [", ".join(e.authors), e.venue or "", " ".join(e.keywords), digest_text(e)],
            kind="paper", meta={"info": info})
    return records


def keyword_records(site: Site, directory_urls: bool = True) -> dict[str, str]:
    """A record per key word, `keyword/<anchor>.html`, whose hit opens its group on the key word page."""
    keywords_url = page_url("keywords.md", directory_urls)
    return {
        f"keyword/{group.anchor}.html": _record(
            f"{keywords_url}#{group.anchor}", group.keyword, [], kind="key word", weight=10,
            meta={"info": f"Key word · {papers(len(group.entries))}"})
        for group in site.keyword_groups
    }


def section_records(site: Site, directory_urls: bool = True) -> dict[str, str]:
    """A record per section, `section/<slug>.html`, whose hit opens its page."""
    return {
        f"section/{section.slug}.html": _record(
            page_url(page_name(section.slug), directory_urls), section.title, [plain_text(section.description)],
            kind="section", weight=10, meta={"info": f"Section · {papers(len(site.catalog.in_section(section.slug)))}"})
        for section in site.catalog.sections
    }


def page_record(url: str, title: str, page_html: str) -> str:
    """A hand-written page as a record: its title, and its rendered HTML as text."""
    spaced = _BLOCK_END.sub(" ", page_html)  # words of two paragraphs stay apart; inline tags join
    return _record(url, title, [" ".join(html_text(spaced).split())], kind="page")


def pagefind_binary() -> str:
    try:
        from pagefind_bin import get_executable  # the binary's own PyPI package, pinned in pyproject.toml
    except ImportError:
        raise SearchIndexError("the pagefind binary is not installed: pip install 'pagefind[bin]' (make setup does)") from None
    return str(get_executable())


class SearchIndexer:
    """Indexes the records on the side: started once every record is known (the plugin's on_files), the
    Pagefind process runs while MkDocs renders the pages; `finish` puts the bundle into the built site."""

    def __init__(self, records: dict[str, str], work_parent: str | None = None) -> None:
        self.work = tempfile.mkdtemp(prefix=".reading-list-search-", dir=work_parent)
        self._process: subprocess.Popen[bytes] | None = None
        try:
            site = os.path.join(self.work, "records")
            for name, text in records.items():  # here, not in a thread: file writes in a thread wait for the GIL
                path = os.path.join(site, name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
            command = [pagefind_binary(), "--site", site, "--output-path", os.path.join(self.work, BUNDLE),
                       "--root-selector", ROOT, "--force-language", "en", "--quiet"]
            with open(os.path.join(self.work, "log"), "wb") as log:
                self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        except OSError as exc:
            self.discard()
            raise SearchIndexError(f"could not run pagefind: {exc}") from None
        except SearchIndexError:
            self.discard()
            raise

    def finish(self, site_dir: str) -> str:
        """Wait for Pagefind, move its bundle to `site_dir/pagefind`; Pagefind's log. Raises SearchIndexError."""
        assert self._process is not None
        try:
            try:
                code = self._process.wait(timeout=600)
            except subprocess.TimeoutExpired:
                raise SearchIndexError("pagefind took more than 10 minutes") from None
            with open(os.path.join(self.work, "log"), encoding="utf-8", errors="replace") as f:
                log = f.read()
            output = os.path.join(self.work, BUNDLE)
            if code != 0 or not os.path.isfile(os.path.join(output, "pagefind.js")):
                raise SearchIndexError(f"pagefind failed (exit {code}):\n{log.strip()[-2000:]}")
            for name in UNUSED:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(os.path.join(output, name))
            target = os.path.join(site_dir, BUNDLE)
            shutil.rmtree(target, ignore_errors=True)
            shutil.move(output, target)
            return log
        finally:
            self.discard()

    def discard(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        shutil.rmtree(self.work, ignore_errors=True)


def indexed_records(site_dir: str) -> list[dict[str, object]]:
    """What the built search index holds, one dict per record (url, content, meta): for checks and tests."""
    folder = os.path.join(site_dir, BUNDLE, "fragment")
    records = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            data = gzip.decompress(f.read())
        if not data.startswith(FRAGMENT_MAGIC):
            raise SearchIndexError(f"{name}: not a Pagefind fragment")
        records.append(json.loads(data[len(FRAGMENT_MAGIC):]))
    return records
