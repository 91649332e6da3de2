"""Search that stays small for the reader: a Pagefind index with one record per paper.

Material's search loads one JSON index holding every page before it can show a result (about 15 MB
at 20 times the list). Pagefind splits its index into chunks and fetches only those a query needs.
It ranks pages, so each paper, key word and section gets a small record document of its own here,
whose `url` meta points at the paper's anchor on its section page; hand-written pages get one too,
from their Markdown. All records are known before MkDocs renders a page, so Pagefind indexes them
while it does; the bundle goes to `<site>/pagefind/`, read by `docs/assets/search.js`.

Where a query's words match decides its rank, through Pagefind's metadata fields, which it searches
and weighs (`metaWeights` in search.js says how much): a paper's title (`heading`), the key words it
is the list's first paper on (`origin`), its first author (`lead`), its authors, its key words (with
the acronyms the list writes for them: NTK, SAM); its digest is the record's text. Key words and
sections carry their name in a field of its own (`name`), weighed below a paper's, so papers come
first unless the query names the key word or section exactly (search.js then puts it right after
the best paper). Beside the bundle goes the list's vocabulary (`vocabulary.gz`: title words, key
words, family names, most frequent first), from which the dialog corrects a query's typos when the
query finds little.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from generator import cachefile
from generator.list.catalog import newest_first
from generator.model import Entry, papers
from generator.site.blobs import Blobs, link_into
from generator.site.datafiles import digest_text, html_text, plain_text
from generator.site.indexes import KeywordGroup
from generator.site.render import Site, page_name, page_url

BUNDLE = "pagefind"
ROOT = "article.md-content__inner"  # what Pagefind reads of a record document
VOCABULARY = "vocabulary.gz"  # beside Pagefind's files; read by docs/assets/search.js
# What Pagefind writes that docs/assets/search.js never loads: its own UIs, and the wasm for pages
# in an unknown language (the index is all English: --force-language en)
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js", "wasm.unknown.pagefind")
FRAGMENT_MAGIC = b"pagefind_dcd"
# Records per Pagefind run. Pagefind holds all it indexes in memory, about 70 KB a record (1.5.2: 850 MB for
# the 11,276 records of 20 times the list), so a larger list is indexed in parts, one run after another, each
# a bundle of its own inside the first one's folder (`part-1/`, ...); search.js merges them in the reader's
# browser, which searches them all with the first bundle's WebAssembly (Pagefind's mergeIndex)
PART_RECORDS = 2500
PARTS_FILE = "parts.json"  # in the first bundle: the other parts' folders, for search.js
# What a merged part is read for (the rest of its files are the first bundle's too, or unused)
PART_FILES = ("pagefind-entry.json", ".pf_meta")
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|t[dh]|tr|div|pre|blockquote|d[dt])>|<br\s*/?>", re.IGNORECASE)
_WORDS = re.compile(r'data-dlp-words="([^"]*)"')
# A key word the list files at least this many papers under has a first paper (its `origin`)
ORIGIN_MIN_PAPERS = 3
_SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "via", "with"})
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*")

# Letters that Unicode decomposition leaves alone but a reader types without their stroke
_STROKED = {"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}


class SearchIndexError(Exception):
    """Pagefind is missing or failed: the build stops, since the site's search would be broken."""


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """docs/assets/common.js `fold`: NFKD, combining marks dropped, lower case, stroked letters spelled
    plain, words only, single spaces. The vocabulary is folded so, as the dialog folds a query.
    Kept per text: a build folds the same names and key words many times, a rebuild the same texts again."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).lower()
    bare = "".join(_STROKED.get(c, c) for c in bare)
    return " ".join("".join(c if c.isalnum() else " " for c in bare).split())


def family_name(author: str) -> str:
    """The last word of a name, as readers type it: "Ravid Shwartz-Ziv" gives "shwartz ziv"."""
    words = author.replace(",", " ").split()
    return fold(words[-1]) if words else ""


def _record(url: str, title: str, body: Iterable[str], *, kind: str, meta: dict[str, str] | None = None,
            words: Iterable[str] = (), heading_weight: float | None = None) -> str:
    """`_made_record`, kept per content: a rebuild under `mkdocs serve` writes again only the records that changed."""
    return _made_record(url, title, tuple(body), kind, tuple((meta or {}).items()), tuple(words), heading_weight)


@lru_cache(maxsize=1 << 15)
def _made_record(url: str, title: str, body: tuple[str, ...], kind: str, meta: tuple[tuple[str, str], ...],
                 words: tuple[str, ...], heading_weight: float | None) -> str:
    """A record document: its fields (`url`, `kind`, `title` and `meta`), then the text to index;
    `words` for the vocabulary (not indexed).

    The fields the ranking weighs hold folded text (fold): Pagefind counts a hyphenated word of a field
    once whole and once per part, which would make a title like "NTK-SAP: ..." match "NTK" twice over.
    The shown `title` keeps the title as written and weighs nothing. With `heading_weight` the title is
    also the record's first line of text, an h1 of that weight (a hand-written page's title). `kind` is
    also a filter: the dialog looks among key words and sections for the query's exact name."""
    fields = {"url": url, "kind": kind, "title": title, **dict(meta)}
    tags = "".join(f'<meta data-pagefind-meta="{escape(key)}[content]" content="{escape(value)}">'
                   for key, value in fields.items() if value)
    lines = [line for line in body if line] or [title]  # Pagefind leaves out a record without text
    text = "".join(f"<p>{escape(line)}</p>" for line in lines)
    top = Markup("") if heading_weight is None else Markup('<h1 data-pagefind-weight="{w}">{title}</h1>').format(w=heading_weight, title=title)
    vocabulary = " ".join(sorted(set(words)))
    return Markup(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"></head>'
        '<body><article class="md-content__inner" data-pagefind-filter="kind:{kind}" data-dlp-words="{vocabulary}">{tags}'
        '{top}{text}</article></body></html>\n'
    ).format(tags=Markup(tags), top=top, text=Markup(text), kind=kind, vocabulary=vocabulary)


def _title_words(text: str) -> list[str]:
    return [w for w in fold(text).split() if len(w) > 2 and not w.isdigit()]


@lru_cache(maxsize=1 << 14)
def _capitalized(text: str) -> frozenset[str]:
    """The words of a text with two capitals or more, upper-cased, a plural s dropped ("NTKs": "NTK"); kept per text."""
    return frozenset(token.upper().removesuffix("S") if token.endswith("s") else token.upper()
                     for token in _TOKEN.findall(text) if sum(c.isupper() for c in token) >= 2)


def acronyms(site: Site) -> dict[str, list[str]]:
    """Key word -> the acronyms the list writes for it: the initials of its words (with or without
    "of", "the", ...), at least three letters, found in a title or digest in capitals ("NTK", "SAM", "EoS")."""
    written: set[str] = set()
    for entry in site.catalog.entries:
        written |= _capitalized(f"{entry.title} {entry.digest}")
    found: dict[str, list[str]] = {}
    for group in site.keyword_groups:
        words = fold(group.keyword).split()
        if len(words) < 2:
            continue
        candidates = {"".join(w[0] for w in words), "".join(w[0] for w in words if w not in _SMALL_WORDS)}
        chosen = sorted(c.upper() for c in candidates if len(c) >= 3 and c.upper() in written)
        if chosen:
            found[group.keyword] = chosen
    return found


def origins(site: Site) -> dict[str, list[str]]:
    """Paper id -> the key words it is the list's first paper on: the earliest of the papers filed
    under a key word or naming it in their title, for key words with ORIGIN_MIN_PAPERS papers or more.
    The paper a reader means by a phenomenon's name is most often the one that named it."""
    titles = {e.id: f" {fold(e.title)} " for e in site.catalog.entries}
    first: dict[str, list[str]] = {}
    for group in site.keyword_groups:
        if len(group.entries) < ORIGIN_MIN_PAPERS:
            continue
        name = f" {fold(group.keyword)} "
        on = {e.id: e for e in group.entries} | {e.id: e for e in site.catalog.entries if name in titles[e.id]}
        oldest = max(on.values(), key=newest_first)
        first.setdefault(oldest.id, []).append(group.keyword)
    return first


def _named(keyword: str, short: dict[str, list[str]]) -> str:
    """A key word with its acronyms, folded as the fields hold it: "neural tangent kernel ntk"."""
    return fold(" ".join([keyword, *short.get(keyword, [])]))


def paper_records(site: Site, directory_urls: bool = True) -> dict[str, str]:
    """A record per paper, `paper/<id>.html`, whose hit opens the paper on its own section page."""
    titles = {s.slug: s.title for s in site.catalog.sections}
    short = acronyms(site)
    first = origins(site)
    records: dict[str, str] = {}
    for e in site.catalog.entries:
        place = f"{page_url(site.place(e), directory_urls)}#{e.id}"  # its section's page, or the page of its year
        records[f"paper/{e.id}.html"] = _paper_record(e, place, titles[e.section], short, first.get(e.id, []))
    return records


def _paper_record(e: Entry, url: str, section_title: str, short: dict[str, list[str]], origin: list[str]) -> str:
    info = " · ".join(part for part in (", ".join(e.authors), e.venue or "", str(e.year), section_title) if part)
    meta = {
        "info": info,
        "heading": fold(e.title),
        "origin": " · ".join(_named(k, short) for k in origin),
        "lead": fold(e.authors[0]) if e.authors else "",
        "authors": " · ".join(fold(a) for a in e.authors),
        "keywords": " · ".join(_named(k, short) for k in e.keywords),
    }
    words = [*_title_words(e.title), *(w for a in e.authors for w in family_name(a).split() if len(w) > 2)]
    return _record(url, e.title, [digest_text(e), ", ".join(e.authors), e.venue or ""], kind="paper", meta=meta, words=words)


def _keyword_record(group: KeywordGroup, url: str, short: dict[str, list[str]]) -> str:
    meta = {"info": f"Key word · {papers(len(group.entries))}", "name": fold(group.keyword), "also": " ".join(short.get(group.keyword, []))}
    return _record(url, group.keyword, [group.keyword], kind="key word", meta=meta, words=_title_words(group.keyword))


def keyword_records(site: Site, directory_urls: bool = True) -> dict[str, str]:
    """A record per key word, `keyword/<anchor>.html`, whose hit opens its group on the key word page."""
    def url(anchor: str) -> str:  # the key word index's page, or its page that holds the anchor
        return f"{page_url(site.anchor_page('keywords.md', anchor), directory_urls)}#{anchor}"

    short = acronyms(site)
    return {f"keyword/{group.anchor}.html": _keyword_record(group, url(group.anchor), short) for group in site.keyword_groups}


def section_records(site: Site, directory_urls: bool = True) -> dict[str, str]:
    """A record per section, `section/<slug>.html`, whose hit opens its page."""
    return {
        f"section/{section.slug}.html": _record(
            page_url(page_name(section.slug), directory_urls), section.title, [plain_text(section.description)],
            kind="section", words=_title_words(section.title),
            meta={"info": f"Section · {papers(len(site.catalog.in_section(section.slug)))}", "name": fold(section.title)})
        for section in site.catalog.sections
    }


def page_record(url: str, title: str, page_html: str) -> str:
    """A hand-written page as a record: its title, and its rendered HTML as text."""
    spaced = _BLOCK_END.sub(" ", page_html)  # words of two paragraphs stay apart; inline tags join
    return _record(url, title, [" ".join(html_text(spaced).split())], kind="page", meta={"heading": fold(title)},
                   words=_title_words(title), heading_weight=7)


def record_words(record: str) -> list[str]:
    """The words a record gives the vocabulary (its `data-dlp-words`)."""
    match = _WORDS.search(record)
    return html.unescape(match.group(1)).split() if match else []


def word_counts(records: Iterable[str]) -> Counter[str]:
    """How many of the records give each word (`record_words`)."""
    counts: Counter[str] = Counter()
    for text in records:
        counts.update(record_words(text))
    return counts


def vocabulary(counts: Counter[str]) -> list[str]:
    """The words for typo correction (`word_counts` of the records), most records first (then alphabetically)."""
    return sorted(counts, key=lambda w: (-counts[w], w))


@dataclass(frozen=True)
class Records:
    """Search records written to `Blobs` (`pack_records`): each record's SHA-256 by its file name, and the
    packs that hold their texts (blobs, each a JSON object of records by file name). A build holds no
    record's text (18 MB at 20 times the list), and writes one file for them all, not one each: a new file
    can cost a millisecond on this project's machine, and there are 1,000 records at the list's size,
    11,000 at 20 times (Pagefind reads them from files of their own, written in memory: `staging_folder`)."""

    digests: dict[str, str]
    packs: tuple[str, ...]

    def __or__(self, other: Records) -> Records:
        return Records({**self.digests, **other.digests}, self.packs + other.packs)


def pack_records(records: dict[str, str], blobs: Blobs) -> Records:
    """The records (texts by file name) written to `blobs` as one pack."""
    digests = {name: hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() for name, text in records.items()}
    chunks = (chunk.encode("ascii") for chunk in json.JSONEncoder(sort_keys=True).iterencode(records))
    return Records(digests, (blobs.put_chunks(chunks),))


def complete_bundle(folder: str, words: list[str], parts: int = 1) -> None:
    """What a bundle Pagefind wrote (in `parts`, `record_parts`) gets before it is served: the files search.js
    never loads go, the vocabulary (`words`, from `vocabulary`) comes, compressed as Pagefind's own files
    are, and the list of the other parts' folders (`PARTS_FILE`)."""
    for name in UNUSED:
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(folder, name))
    for k in range(1, parts):
        part = os.path.join(folder, part_folder(k))
        for name in os.listdir(part):
            if os.path.isfile(os.path.join(part, name)) and not name.endswith(PART_FILES):
                os.remove(os.path.join(part, name))
    with open(os.path.join(folder, VOCABULARY), "wb") as f:
        f.write(gzip.compress("\n".join(words).encode("utf-8"), compresslevel=9, mtime=0))
    with open(os.path.join(folder, PARTS_FILE), "w", encoding="utf-8") as f:
        json.dump({"parts": [f"{part_folder(k)}/" for k in range(1, parts)]}, f)


def part_folder(k: int) -> str:
    """The folder of part `k` (from 1) of a bundle, in the first part's (`record_parts`)."""
    return f"part-{k}"


def record_parts(records: dict[str, str], size: int | None = None) -> list[dict[str, str]]:  # by name: a text, or a digest
    """The records in as few parts of about `size` (`PART_RECORDS`) at most as hold them (one for a list
    under that), each indexed by a Pagefind run of its own. A record's part follows from its name alone,
    so that a save that changes a paper changes the records of one part."""
    count = max(1, -(-len(records) // (size or PART_RECORDS)))
    parts: list[dict[str, str]] = [{} for _ in range(count)]
    for name, text in records.items():
        parts[int.from_bytes(hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=4).digest(), "big") % count][name] = text
    return parts


def index_job(parts: Iterable[Iterable[str]], records: Records, blobs: Blobs, output: str, *, idle: bool = False) -> dict[str, Any]:
    """What `start_indexing` does: index the records of each part (their file names, `record_parts`), read from
    their packs in `blobs` (linked beside `output`: `link_packs`), into one bundle at `output` (`part_folder`s in it
    past the first); with `idle`, at the lowest priority the system has. Pagefind reads a record from a file of its
    own: each part's are written to a folder in memory where the system has one with room (`staging_folder`), else
    beside `output`."""
    folder = os.path.dirname(output)
    packs = link_packs(records, blobs, folder)
    size = sum(os.path.getsize(pack) for pack in packs)
    return {"binary": pagefind_binary(), "args": ["--root-selector", ROOT, "--force-language", "en", "--quiet"], "packs": packs,
            "idle": idle, "stage": staging_folder(size, folder),
            "parts": [{"names": sorted(names), "output": os.path.join(output, part_folder(k)) if k else output} for k, names in enumerate(parts)]}


SHARED_MEMORY = "/dev/shm"  # a file system in memory (Linux): a file made there costs no disk


def staging_folder(size: int, parent: str) -> str:
    """A new folder for `size` bytes of records that Pagefind reads once: in memory where the system has such a
    file system with room to spare, else in `parent`. A new file on disk can cost a millisecond (this project's
    machine, at times), and there are 1,000 records at the list's size, 11,000 at 20 times."""
    try:
        free = os.statvfs(SHARED_MEMORY)
        if os.path.isdir(SHARED_MEMORY) and os.access(SHARED_MEMORY, os.W_OK) and free.f_bavail * free.f_frsize > 4 * size:
            return tempfile.mkdtemp(prefix=".reading-list-records-", dir=SHARED_MEMORY)
    except (OSError, AttributeError):  # none (another system), or not ours to use
        pass
    return tempfile.mkdtemp(prefix=".reading-list-records-", dir=parent)


# Runs a job of `index_job` (JSON on stdin): for each part, its records written to the stage folder, then one
# Pagefind run, stopping at the first that fails, with its exit code; the stage goes at the end. With "idle", at
# the lowest priority the system has, which Pagefind inherits: SCHED_IDLE (Linux) and nice 10. Set here, in the
# process that then starts Pagefind, and not by a `preexec_fn`: a preview has threads (the server's, the file
# watcher's), and Python code between fork and exec can deadlock on a lock one of them held. It runs in a session
# of its own, so that `stop_indexing` stops its Pagefind too (and then removes the stage).
_RUN = """import json, os, shutil, subprocess, sys
job = json.load(sys.stdin)
if job["idle"]:
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        pass
    try:
        os.nice(10)
    except (AttributeError, OSError):
        pass
try:
    texts = {}
    for path in job["packs"]:
        with open(path, encoding="ascii") as f:
            texts.update(json.load(f))
    for part in job["parts"]:
        folder = os.path.join(job["stage"], "records")
        shutil.rmtree(folder, ignore_errors=True)
        made = set()
        for name in part["names"]:
            path = os.path.join(folder, name)
            parent = os.path.dirname(path)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            with open(path, "wb") as f:
                f.write(texts[name].encode("utf-8", "surrogatepass"))
        code = subprocess.call([job["binary"], "--site", folder, "--output-path", part["output"], *job["args"]])
        if code:
            sys.exit(code)
finally:
    shutil.rmtree(job["stage"], ignore_errors=True)
"""


def start_indexing(job: dict[str, Any], *, env: dict[str, str] | None = None, stdout: Any = None,
                   stderr: Any = None) -> subprocess.Popen[bytes]:
    """An `index_job`, run in the background (`_RUN`). Raises OSError."""
    process = subprocess.Popen([sys.executable, "-S", "-c", _RUN], stdout=stdout, stderr=stderr, stdin=subprocess.PIPE, env=env,
                               start_new_session=os.name == "posix")
    assert process.stdin is not None
    try:
        process.stdin.write(json.dumps(job).encode("utf-8", "surrogatepass"))
        process.stdin.close()
    except OSError:
        stop_indexing(process, job)
        raise
    process.stdin = None  # told all: `communicate` has nothing more to send
    return process


def link_packs(records: Records, blobs: Blobs, folder: str) -> list[str]:
    """The packs of `records`, linked from `blobs` into `folder` (`pack-0.json`, ...; others there go): the
    indexing reads them there, whatever becomes of `blobs` meanwhile (a temporary one goes when its build ends)."""
    names = [f"pack-{k}.json" for k in range(len(records.packs))]
    for name in os.listdir(folder):
        if name.startswith("pack-") and name not in names:
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, name))
    for name, digest in zip(names, records.packs, strict=True):
        link_into(blobs.path(digest), os.path.join(folder, name))
    return [os.path.join(folder, name) for name in names]


def records_key(digests: dict[str, str]) -> str:
    """What a part's index is made from: its records, and how they are indexed."""
    return hashlib.sha256(json.dumps([ROOT, pagefind_binary(), sorted(digests.items())]).encode("utf-8")).hexdigest()


def bundle_complete(output: str, parts: int) -> bool:
    """Whether the run of an `index_job` wrote each part of the bundle at `output`."""
    return os.path.isfile(os.path.join(output, "pagefind.js")) and all(
        os.path.isfile(os.path.join(output, part_folder(k), "pagefind-entry.json")) for k in range(1, parts))


def _remove_records_folders(work: str) -> None:
    """What earlier versions kept in the search folder: a record file each, by part (`records/`, `records-1/`, ...), and their manifests."""
    for name in os.listdir(work):
        if name == "records" or name.startswith(("records-", "records.")):
            path = os.path.join(work, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.remove(path)


def stop_indexing(process: subprocess.Popen[bytes], job: dict[str, Any]) -> None:
    """Stop a `start_indexing` of `job` and the Pagefind it runs, reap it, and remove its stage folder."""
    if process.poll() is None:
        if os.name == "posix":
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    process.wait()
    shutil.rmtree(job["stage"], ignore_errors=True)


def pagefind_binary() -> str:
    try:
        from pagefind_bin import get_executable  # the binary's own PyPI package, pinned in pyproject.toml
    except ImportError:
        raise SearchIndexError("the pagefind binary is not installed: pip install 'pagefind[bin]' (make setup does)") from None
    return str(get_executable())


class SearchIndexer:
    """Indexes the records on the side: started as soon as every record is known (in a first build, before the
    list's pages are rendered: generate.Written.made_records), Pagefind runs while the build goes on; `finish`
    puts the bundle into the built site.

    With a `cache_dir` the last bundle is kept there between builds (`search/`), with the key of the
    records it was made from: when they did not change a build runs no Pagefind at all and links the
    kept bundle into the site, once its sealed list of files vouches for each of them (`_kept_bundle`).
    A lock file keeps two builds from sharing the folder at once."""

    def __init__(self, records: Records, blobs: Blobs, words: Counter[str], work_parent: str | None = None,
                 cache_dir: str | None = None) -> None:
        """`records`: `pack_records`' in `blobs`; `words`: their `word_counts`."""
        self._process: subprocess.Popen[bytes] | None = None
        self._job: dict[str, Any] = {}
        self._lock: cachefile.FolderLock | None = None
        self.kept: str | None = None  # the bundle kept from an earlier build of the same records
        self.key = ""
        self.words: list[str] = []
        self.parts = 1
        if cache_dir and cachefile.FolderLock.works():
            self.work = os.path.join(cache_dir, "search")
            self._lock = cachefile.FolderLock(self.work)
            _remove_records_folders(self.work)
        else:
            self.work = tempfile.mkdtemp(prefix=".reading-list-search-", dir=work_parent)
        self.output = os.path.join(self.work, f"{BUNDLE}-{os.getpid()}")
        try:
            parts = record_parts(records.digests)
            self.parts = len(parts)
            keys = [records_key(part) for part in parts]
            key = keys[0] if self.parts == 1 else hashlib.sha256(json.dumps(keys).encode("utf-8")).hexdigest()
            if self._lock and _kept_bundle(self.work) == key:
                self.kept = os.path.join(self.work, BUNDLE)
                return
            self.key = key
            self.words = vocabulary(words)
            shutil.rmtree(self.output, ignore_errors=True)
            self._job = index_job(parts, records, blobs, self.output)
            with open(os.path.join(self.work, "log"), "wb") as log:
                self._process = start_indexing(self._job, stdout=log, stderr=subprocess.STDOUT)
        except OSError as exc:
            self.discard()
            raise SearchIndexError(f"could not run pagefind: {exc}") from None
        except SearchIndexError:
            self.discard()
            raise

    def finish(self, site_dir: str) -> str:
        """Wait for Pagefind, put its bundle into `site_dir/pagefind`; Pagefind's log. Raises SearchIndexError."""
        target = os.path.join(site_dir, BUNDLE)
        try:
            if self.kept:
                link_tree(self.kept, target)
                return ""
            assert self._process is not None
            try:
                code = self._process.wait(timeout=600)
            except subprocess.TimeoutExpired:
                raise SearchIndexError("pagefind took more than 10 minutes") from None
            with open(os.path.join(self.work, "log"), encoding="utf-8", errors="replace") as f:
                log = f.read()
            if code != 0 or not bundle_complete(self.output, self.parts):
                raise SearchIndexError(f"pagefind failed (exit {code}):\n{log.strip()[-2000:]}")
            complete_bundle(self.output, self.words, self.parts)
            if self._lock:  # kept for the next build; the site gets links to the same files
                kept = os.path.join(self.work, BUNDLE)
                with contextlib.suppress(FileNotFoundError):
                    os.remove(os.path.join(self.work, BUNDLE_FILE))
                shutil.rmtree(kept, ignore_errors=True)
                os.replace(self.output, kept)
                cachefile.dump_json(os.path.join(self.work, BUNDLE_FILE), {"key": self.key, "files": _file_stamps(kept)})
                link_tree(kept, target)
            else:
                shutil.rmtree(target, ignore_errors=True)
                shutil.move(self.output, target)
            return log
        finally:
            self.discard()

    def discard(self) -> None:
        if self._process is not None:
            stop_indexing(self._process, self._job)
        elif self._job:  # made, never started
            shutil.rmtree(self._job["stage"], ignore_errors=True)
        self._process = None
        if self._lock:
            shutil.rmtree(self.output, ignore_errors=True)
            self._lock.release()
            self._lock = None
        elif not self.kept:
            shutil.rmtree(self.work, ignore_errors=True)


BUNDLE_FILE = "bundle.sealed"  # what the kept bundle was made from, and each of its files' size, time and inode


def _kept_bundle(work: str) -> str | None:
    """The key of the records the kept bundle in `work` was made from, when it is this user's own and
    untouched: the seal (generator.cachefile) and the files' stamps keep a bundle a pull request put
    into the cache folder, or changed there, out of the site (its script runs on every page). A file
    git writes has the time of the checkout and a new inode, never the ones the seal vouches for; and
    reading 11,000 files' bytes to hash them would cost a build at 20 times the list 0.4 s, their stamps 0.07."""
    kept = cachefile.load_json(os.path.join(work, BUNDLE_FILE))
    folder = os.path.join(work, BUNDLE)
    if not isinstance(kept, dict) or not isinstance(kept.get("key"), str) or not os.path.isdir(folder):
        return None
    return kept["key"] if kept.get("files") == _file_stamps(folder) else None


def _file_stamps(folder: str) -> dict[str, list[int]]:
    """Every file under `folder` (relative path, with "/"): its size, modification time (ns) and inode."""
    stamps = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            stat = os.stat(path)
            stamps[os.path.relpath(path, folder).replace(os.sep, "/")] = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    return stamps


def link_tree(source: str, target: str) -> None:
    """`target` becomes a copy of `source`: hard links where the file system allows, else copies."""
    shutil.rmtree(target, ignore_errors=True)
    try:
        shutil.copytree(source, target, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)


def indexed_records(site_dir: str) -> list[dict[str, object]]:
    """What the built search index holds, one dict per record (url, content, meta), from every part: for checks and tests."""
    bundle = os.path.join(site_dir, BUNDLE)
    with open(os.path.join(bundle, PARTS_FILE), encoding="utf-8") as f:
        folders = [bundle] + [os.path.join(bundle, part) for part in json.load(f)["parts"]]
    records = []
    for folder in folders:
        fragments = os.path.join(folder, "fragment")
        for name in sorted(os.listdir(fragments)):
            with open(os.path.join(fragments, name), "rb") as f:
                data = gzip.decompress(f.read())
            if not data.startswith(FRAGMENT_MAGIC):
                raise SearchIndexError(f"{name}: not a Pagefind fragment")
            records.append(json.loads(data[len(FRAGMENT_MAGIC):]))
    return records
