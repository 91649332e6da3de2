"""Everything a build adds to the docs: the pages and the data files, from one catalog."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata

import jinja2

from generator import cachefile
from generator.forked import Forked
from generator.list.catalog import Catalog
from generator.site import related as related_module  # light: numpy and scipy load only when related papers are found
from generator.site.blobs import Blobs
from generator.site.cards import cards
from generator.site.datafiles import data_files
from generator.site.pages import SiteNav, render_site, search_records, site_navigation
from generator.site.render import COMPILED_FOLDER, FEED_ITEMS, INDEX_SPLIT_KB, SPLIT_KB, Site, Slots, prose
from generator.site.search import Records, pack_records, word_counts
from generator.site.store import Store, code_version, key_of

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
FORK_ENTRIES = 200  # from this many papers, a first build makes its data files and cards in a forked child


class RenderError(ValueError):
    """A template failed: `template:line: message`, never a traceback."""


def _template_error(exc: jinja2.TemplateError) -> RenderError:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else getattr(exc, "filename", None) or "template"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or exc.name}:{exc.lineno}"
    return RenderError(f"{where}: {exc.message or exc}")


def generate(catalog: Catalog, *, templates: str | None = None, directory_urls: bool = True,
             site_url: str | None = None, related: int = 5, cache_dir: str | None = None,
             slots: Slots | None = None, store: Store | None = None, split_kb: int = SPLIT_KB,
             index_split_kb: int = INDEX_SPLIT_KB, records: bool = False, session: bool = False,
             written: Written | None = None, favicon: str | None = None) -> tuple[Site, dict[str, str], dict[str, str]]:
    """File name (relative to the docs folder) -> content, for every generated page and file; the
    Site they were made from; and with `records`, the search records of the generated pages. With `slots`, the pages
    hold placeholders for their HTML, which `slots.fill` puts back into the converted page. With
    `store`, papers rendered by an earlier build from the same inputs are reused (never with a
    maintainer's own `templates`, whose inputs the store cannot know). A section whose papers
    would pass `split_kb` KB gets an index and a page per year (or range of years, or part of a year); an index
    (key words, authors, years) whose listing would pass `index_split_kb` KB, a page per run of letters or years.
    In a `session` (`mkdocs serve`), what its next rebuild reuses is kept in memory. With `written`, the
    data files, the cards and the records are not returned but written to its Blobs (`Written`); the
    records are told to `Written.made_records` before the section pages are rendered. `favicon`: the
    theme's icon, which the cards link (a standalone page has no theme to add it).

    In a first build, the related papers, the records, and the data files with the cards are made in three
    forked children while this process renders the pages, the section pages last (generator.forked)."""
    site = Site(catalog, directory_urls, related={}, store=None if templates else store, split_kb=split_kb, index_split_kb=index_split_kb)
    url = site_url or DEFAULT_SITE_URL

    blobs = written.blobs if written is not None else None
    compiled = os.path.join(cache_dir, COMPILED_FOLDER) if cache_dir else None

    def searched() -> tuple[dict[str, str] | Records, Counter[str]]:
        texts = search_records(site, directory_urls) if records else {}
        if blobs is None:
            return texts, Counter()
        return pack_records(texts, blobs), word_counts(texts.values())  # all of them in one file: this process holds none of them

    def others() -> tuple[dict[str, str], dict[str, str | bytes]]:
        mark = len(site.store.used) if site.store else 0
        made = data_files(catalog, url, FEED_ITEMS, directory_urls, site.place)
        if blobs is not None:  # each file on disk as soon as it is made: this process holds none of them
            made = {name: blobs.put(made.pop(name).encode("utf-8", "surrogatepass")) for name in list(made)}
        made.update(cards(site, url, blobs, compiled, favicon))
        looked_up: dict[str, str | bytes] = site.store.looked_up_since(mark) if site.store else {}
        return made, looked_up

    # Worth a child in a first build of a list of some size; a later one finds most of it kept (the store).
    # The related papers have one of their own: only the section pages show them, and those are rendered last
    # (not in a session: its next rebuild finds them again from the texts' terms this process keeps).
    # The records have one too: they are told (Written.made_records) before the section pages are rendered.
    worth = (site.store is None or not site.store.kept) and len(catalog.entries) >= FORK_ENTRIES
    found: dict[str, str] | Records = {}
    words: Counter[str] = Counter()
    finding = functools.partial(related_module.related_ids, catalog, related, cache_dir, session)
    with Forked(finding, worth=worth and related > 0 and not session) as relating:
        if worth:  # every process shows the digests (pages, records, cards, feed): converted once, before the children start
            for entry in catalog.entries:
                prose(entry.digest)
        with Forked(searched, worth=worth and records) as searching, Forked(others, worth=worth) as other:

            def before_sections() -> None:
                nonlocal found, words
                if related:
                    site.related = related_module.related_entries(catalog, relating.result())
                found, words = searching.result()
                if written is not None and written.made_records is not None and isinstance(found, Records):
                    written.made_records(found, words)

            try:
                pages = render_site(site, templates, slots, before_sections, compiled)
            except jinja2.TemplateError as exc:
                raise _template_error(exc) from None
            made, looked_up = other.result()
    if site.store:
        site.store.absorb(looked_up)
    if written is not None:
        assert isinstance(found, Records)
        written.blobs.adopt([*made.values(), *found.packs])
        written.files, written.records, written.words = made, found, words
        return site, pages, {}
    assert not isinstance(found, Records)
    return site, {**pages, **made}, found


@dataclass
class Written:
    """Where `generate` writes the data files, the cards and the search records instead of returning
    them (`blobs`), and what it wrote: the files' digests by name, the records (search.pack_records),
    and the records' words (search.word_counts). `made_records`, when set, is called with the records and their
    words as soon as they are known, before the section pages are rendered: Pagefind can index them meanwhile."""

    blobs: Blobs
    made_records: Callable[[Records, Counter[str]], None] | None = None
    files: dict[str, str] = field(default_factory=dict)
    records: Records = field(default_factory=lambda: Records({}, ()))
    words: Counter[str] = field(default_factory=Counter)


BUILD_FILE = "build.sealed"  # the last build's output, in the cache folder (generator.cachefile)
_LIBRARIES = ("jinja2", "markupsafe", "nh3", "numpy", "scipy")  # whose versions can change the output


@dataclass
class Build:
    """What the plugin adds to a MkDocs build, all made from one catalog: the generated pages
    (Markdown holding `slots`' placeholders) and data files by name under docs/, the generated
    part of the navigation, and the search records of the generated pages (with `records`).

    Made with a `Blobs` (the plugin's way), the data files and cards are files there and the Build
    holds their digests (`blobs`). Without, they are kept as UTF-8 bytes, as they are written: a text
    with one character past ASCII takes two or four bytes per character as a Python string, and
    pickling one (the kept build, `BUILD_FILE`) adds a UTF-8 copy to the string for as long as it lives."""

    files: dict[str, str | bytes]  # a Markdown page (str) or another file (UTF-8 bytes)
    nav: SiteNav
    records: dict[str, str] | Records  # each record by file name; made with a Blobs, they are in it (search.pack_records)
    slots: Slots
    blobs: dict[str, str] = field(default_factory=dict)  # the other files, by name: their digests in the Blobs
    words: Counter[str] = field(default_factory=Counter)  # made with a Blobs: the records' words (search.word_counts)

    def usable(self, blobs: Blobs | None) -> bool:
        """Whether every file the Build names (made with a Blobs, the records' packs too) is in `blobs` as this user's builds wrote it."""
        digests = set(self.blobs.values()) | (set(self.records.packs) if isinstance(self.records, Records) else set())
        return all(blobs is not None and blobs.has(digest) for digest in digests)


def build_key(catalog: Catalog, **options: object) -> str:
    """What a Build is made from: the catalog (every entry, section, alias and move), the options,
    the day (the feed dates an empty list by it), the code and templates, and the libraries'
    versions. Equal keys make equal bytes."""
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            versions.append("")
    return key_of((code_version(), sys.version, versions, sorted(options.items()), dt.date.today().isoformat(), catalog))


def site_build(catalog: Catalog, *, kept: tuple[str, Build] | None = None, cache_dir: str | None = None,
               store: Store | None = None, templates: str | None = None, records: bool = True, persist: bool = True,
               directory_urls: bool = True, site_url: str | None = None, related: int = 5, split_kb: int = SPLIT_KB,
               index_split_kb: int = INDEX_SPLIT_KB, blobs: Blobs | None = None,
               made_records: Callable[[Records, Counter[str]], None] | None = None, favicon: str | None = None) -> tuple[str, Build]:
    """The plugin's Build of the catalog, and its key (`build_key`). The Build of an earlier build from
    the same inputs is taken as it was: `kept` (a `mkdocs serve` session's last), else, in a process's
    first build (no `kept`), the one in `cache_dir`; a new one is kept there for the next build (with `persist`; `mkdocs serve` writes its
    last one when it stops, `keep_build`). Never with a maintainer's own `templates`, whose inputs the key cannot know.
    With `blobs`, the data files and cards are written there (`Build.blobs`); a kept Build is taken while they are there.
    `made_records`: see `Written` (a kept Build calls nothing)."""
    def made() -> Build:
        slots = Slots()
        written = Written(blobs, made_records) if blobs is not None else None
        site, files, found = generate(catalog, templates=templates, directory_urls=directory_urls, site_url=site_url, related=related,
                                      cache_dir=cache_dir, slots=slots, store=store, split_kb=split_kb, index_split_kb=index_split_kb,
                                      records=records, session=not persist, written=written, favicon=favicon)  # a session persists when it ends
        output: dict[str, str | bytes] = {}
        for name in list(files):  # each text is freed as soon as its bytes are made
            text = files.pop(name)
            output[name] = text if name.endswith(".md") else text.encode("utf-8", "surrogatepass")
        if written is None:
            return Build(output, site_navigation(site), found, slots)
        return Build(output, site_navigation(site), written.records, slots, written.files, written.words)

    if templates:
        return "", made()
    key = build_key(catalog, records=records, directory_urls=directory_urls, site_url=site_url, related=related,
                    split_kb=split_kb, index_split_kb=index_split_kb, favicon=favicon)
    if kept is not None and kept[0] == key and kept[1].usable(blobs):
        return kept
    path = os.path.join(cache_dir, BUILD_FILE) if cache_dir else None
    loaded = cachefile.load(path) if path and kept is None else None  # a session's later builds never read it again
    if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == key and isinstance(loaded[1], Build) and loaded[1].usable(blobs):
        return key, loaded[1]
    build = made()
    if path and persist:
        cachefile.dump(path, (key, build))
    return key, build


def keep_build(cache_dir: str, kept: tuple[str, Build]) -> None:
    """Keep a Build (and its key) in `cache_dir` for the next build."""
    if kept[0]:
        cachefile.dump(os.path.join(cache_dir, BUILD_FILE), kept)
