"""Read a list directory: the sections file and every entry file, nothing silently skipped."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
from collections.abc import Collection
from dataclasses import replace
from functools import cache

from generator import cachefile
from generator.errors import ListError, Problem, errors_in
from generator.forked import Forked
from generator.list import validate
from generator.list.aliases import author_variant_warnings, keyword_variant_warnings
from generator.list.catalog import Catalog, build_catalog
from generator.list.load import Loaded, load_bytes
from generator.list.validate import (
    alias_problems,
    entry_problems,
    list_problems,
    make_entry,
    make_list_info,
    moved_problems,
)
from generator.model import Entry, ListInfo

SECTIONS_FILE = "sections.yaml"
ALIASES_FILE = "keyword-aliases.yaml"
AUTHOR_ALIASES_FILE = "author-aliases.yaml"
MOVED_FILE = "moved.yaml"
LIST_FILES = (SECTIONS_FILE, ALIASES_FILE, AUTHOR_ALIASES_FILE, MOVED_FILE)
MAX_FILES_PER_FOLDER = 1000
NOT_PLAIN = "a symbolic link or special file; entries are plain folders and files"
# files that may sit beside the data without being entries
NOTICE_FILES = ("LICENSE*", "README*", "NOTICE*", "*.md", ".gitkeep")

# path -> ((mtime_ns, size), parse result): `mkdocs serve` re-reads only the files that changed
_parsed: dict[str, tuple[tuple[int, int], tuple[Loaded | None, list[Problem]]]] = {}


CHECKED_FILE = "checked.sealed"
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@cache
def checker_version() -> str:
    """A hash of the code and schemas that check an entry file: a change to them checks every file again."""
    digest = hashlib.sha256()
    for folder in ("list", "text", "schema"):
        root = os.path.join(_PACKAGE, folder)
        for name in sorted(os.listdir(root)):
            if name.endswith((".py", ".json")):
                with open(os.path.join(root, name), "rb") as handle:
                    digest.update(name.encode() + b"\0" + handle.read())
    with open(os.path.join(_PACKAGE, "model.py"), "rb") as handle:
        digest.update(handle.read())
    return digest.hexdigest()


class Checked:
    """Entry files checked before, by content: when a file's bytes, its folder, the list's sections,
    the day and the checking code are those of a file checked before, its problems and Entry are
    taken as they were, without parsing it again. Kept in memory (`mkdocs serve` keeps it for the
    session) and, given a folder, on disk between builds (generator.cachefile: sealed, in the build's
    own cache folder, never in the list)."""

    def __init__(self, cache_dir: str | None = None) -> None:
        self.cache_dir = cache_dir
        self.results: dict[str, tuple[str, list[Problem], Entry | None]] = {}
        # the checks of the whole list (duplicates, aliases, moves, variants), by a key of every input: (key, info, problems)
        self.whole: tuple[str, ListInfo, list[Problem]] | None = None
        self.changed = False
        if cache_dir:
            loaded = cachefile.load(os.path.join(cache_dir, CHECKED_FILE))
            if isinstance(loaded, tuple) and len(loaded) == 2 and isinstance(loaded[0], dict):
                self.results, self.whole = loaded

    def save(self, paths: Collection[str]) -> None:
        """Keep the results of these files (this build's) and write them when there is a folder and they changed."""
        kept = {path: self.results[path] for path in paths if path in self.results}
        changed, self.changed = self.changed or len(kept) != len(self.results), False
        self.results = kept
        if not self.cache_dir or not changed:
            return
        cachefile.dump(os.path.join(self.cache_dir, CHECKED_FILE), (self.results, self.whole))


_checked = Checked()  # without a cache folder: for the session (`mkdocs serve`, tests)


def _check(path: str, folder: str | None, info: ListInfo, checked: Checked) -> tuple[list[Problem], Entry | None]:
    """An entry file's problems (reading it, and of its own), and its Entry when it has no errors."""
    with open(path, "rb") as handle:
        data = handle.read()
    shown = display_path(path)
    key = hashlib.sha256(b"\0".join(part.encode("utf-8", "surrogatepass") for part in (
        shown, folder or "", _context(info, validate.today()))) + b"\0" + data).hexdigest()
    kept = checked.results.get(path)
    if kept is not None and kept[0] == key:
        return kept[1], kept[2]
    loaded, problems = load_bytes(shown, data)
    entry = None
    if loaded is not None:
        own = entry_problems(loaded, folder, info)
        problems = problems + own
        entry = None if errors_in(own) else make_entry(loaded, folder or loaded.data["section"])
    checked.results[path] = (key, problems, entry)
    checked.changed = True
    return problems, entry


def _context(info: ListInfo, today: object) -> str:
    """What every entry file's check depends on besides the file: the list's sections, the day, the code
    (made once per list read: the same `info` object is asked for every file)."""
    global _last_context
    if _last_context is None or _last_context[0] is not info or _last_context[1] != today:
        _last_context = (info, today, "\0".join((repr(info), str(today), checker_version())))
    return _last_context[2]


_last_context: tuple[ListInfo, object, str] | None = None


def display_path(path: str) -> str:
    """Paths in messages: relative to the working directory when below it."""
    here, full = os.getcwd(), os.path.abspath(path)
    if full == here:
        return "."
    return full[len(here.rstrip(os.sep)) + 1:] if full.startswith(here.rstrip(os.sep) + os.sep) else path


def _load(path: str) -> tuple[Loaded | None, list[Problem]]:
    stat = os.stat(path)
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _parsed.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    with open(path, "rb") as handle:
        result = load_bytes(display_path(path), handle.read())
    _parsed[path] = (stamp, result)
    return result


def read_info(entries_dir: str, reserved: Collection[str] = ()) -> tuple[ListInfo | None, list[Problem]]:
    path = os.path.join(entries_dir, SECTIONS_FILE)
    if not os.path.isfile(path):
        message = f"no {SECTIONS_FILE}: a list needs its sections file (title, sections: slug, title, description)"
        return None, [Problem(display_path(path), 0, message)]
    loaded, problems = _load(path)
    if loaded is None:
        return None, problems
    return make_list_info(loaded, reserved)


def entry_files(entries_dir: str) -> tuple[list[tuple[str, str | None]], list[Problem]]:
    """(path, section folder or None) for every entry file; a problem for anything else."""
    found: list[tuple[str, str | None]] = []
    problems = []
    for folder, dirs, files in os.walk(entries_dir):
        for name in sorted(dirs):  # a link could point anywhere on the build machine
            if os.path.islink(os.path.join(folder, name)):
                problems.append(Problem(display_path(os.path.join(folder, name)), 0, NOT_PLAIN))
        for name in sorted(d for d in dirs if d.startswith(".")):  # skipped, but never without a word
            for hidden, _, names in os.walk(os.path.join(folder, name)):
                for file_name in sorted(names):
                    message = f"not read: it is in a hidden folder ({name}); entries live in entries/<section>/"
                    problems.append(Problem(display_path(os.path.join(hidden, file_name)), 0, message))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(folder, d)))
        rel = os.path.relpath(folder, entries_dir)
        section = None if rel == "." else rel.split(os.sep)[0]
        if len(files) > MAX_FILES_PER_FOLDER:
            message = f"{len(files)} files in one folder; GitHub lists at most {MAX_FILES_PER_FOLDER}: split it into subfolders (e.g. by year)"
            problems.append(Problem(display_path(folder), 0, message))
        for name in sorted(files):
            path = os.path.join(folder, name)
            if os.path.islink(path) or not stat.S_ISREG(os.lstat(path).st_mode):  # a FIFO or a device would hang the read
                problems.append(Problem(display_path(path), 0, NOT_PLAIN))
                continue
            if section is None and (name in LIST_FILES or any(fnmatch.fnmatch(name, p) for p in NOTICE_FILES)):
                continue
            if not name.endswith(".yaml"):
                stem, ext = os.path.splitext(name)
                hint = f"rename it to {stem}.yaml" if ext == ".yml" else "entries are .yaml files; move it out of entries/"
                problems.append(Problem(display_path(path), 0, f"not an entry file: {hint}"))
                continue
            found.append((path, section))
    return found, problems


def read_extras(entries_dir: str, info: ListInfo, entries: list[Entry]) -> tuple[ListInfo, list[Problem]]:
    """The optional list files: key word and author aliases, and moved papers."""
    problems: list[Problem] = []
    found: list[Problem]
    alias_files: dict[str, tuple[dict[str, str], frozenset[tuple[str, str]]]] = {}
    for name, schema in ((ALIASES_FILE, "keyword-aliases.schema.json"), (AUTHOR_ALIASES_FILE, "author-aliases.schema.json")):
        path = os.path.join(entries_dir, name)
        if os.path.isfile(path):
            loaded, found = _load(path)
            problems += found
            if loaded is not None:
                aliases, distinct, found = alias_problems(loaded, schema)
                problems += found
                alias_files[name] = (aliases, distinct)
    moved: dict[str, tuple[str, ...]] = {}
    path = os.path.join(entries_dir, MOVED_FILE)
    if os.path.isfile(path):
        loaded, found = _load(path)
        problems += found
        if loaded is not None:
            moved, found = moved_problems(loaded, info, entries)
            problems += found
    keywords, keyword_distinct = alias_files.get(ALIASES_FILE, ({}, frozenset()))
    authors, author_distinct = alias_files.get(AUTHOR_ALIASES_FILE, ({}, frozenset()))
    return replace(info, aliases=keywords, keyword_distinct=keyword_distinct, author_aliases=authors, author_distinct=author_distinct,
                   moved=moved), problems


def read_list(entries_dir: str, reserved: Collection[str] = (), cache_dir: str | None = None) -> tuple[ListInfo | None, list[Entry], list[Problem]]:
    """The list's info and valid entries, and every problem found on the way. `reserved`: names the
    site that shows the list takes for itself (generator.site.pages.reserved_slugs), which no section may use.
    `cache_dir`: where the files' checks are kept between builds (Checked); without, for the process only."""
    if not os.path.isdir(entries_dir):
        return None, [], [Problem(display_path(entries_dir), 0, "no such directory: point --entries at a folder of entry files")]
    info, problems = read_info(entries_dir, reserved)
    files, file_problems = entry_files(entries_dir)
    problems += file_problems
    if info is None:
        return None, [], problems
    known = {s.slug for s in info.sections}
    entries = []
    checked = _checked if cache_dir is None else _on_disk(cache_dir)
    _check_new_files([(path, folder) for path, folder in files if folder is None or folder in known], info, checked)
    for path, folder in files:
        own, entry = _check(path, folder, info, checked)
        if folder is not None and folder not in known:  # its own problems too: the contributor fixes them all in one go
            message = f"folder '{folder}' is not a section of {SECTIONS_FILE}; known: {', '.join(sorted(known))}"
            problems += [Problem(display_path(path), 0, message), *own]
            continue
        problems += own
        if entry is not None:
            entries.append(entry)
    key = _whole_key(entries_dir, info, [checked.results[path][0] for path, _ in files if path in checked.results])
    if checked.whole is not None and checked.whole[0] == key:
        info, whole = checked.whole[1], checked.whole[2]
    else:
        whole = list_problems(entries)
        info, extra_problems = read_extras(entries_dir, info, entries)
        whole += extra_problems + keyword_variant_warnings(entries, info.aliases, info.keyword_distinct)
        whole += author_variant_warnings(entries, info.author_aliases, info.author_distinct)
        checked.whole, checked.changed = (key, info, whole), True
    checked.save([path for path, _ in files])
    return info, entries, problems + whole


FORK_FILES = 200  # files never checked before, from which half are checked on the second core


def _check_new_files(files: list[tuple[str, str | None]], info: ListInfo, checked: Checked) -> None:
    """Check the files `checked` has no result for yet, half of them in a forked child (generator.forked)
    when there are many (a first build): each check is independent, and the results are all kept."""
    new = [(path, folder) for path, folder in files if path not in checked.results]
    if len(new) < FORK_FILES:  # not worth a child: the loop in read_list checks them
        return
    theirs = new[len(new) // 2:]

    def check_theirs() -> dict[str, tuple[str, list[Problem], Entry | None]]:
        for path, folder in theirs:
            _check(path, folder, info, checked)
        return {path: checked.results[path] for path, _ in theirs}

    with Forked(check_theirs) as other:
        for path, folder in new[:len(new) // 2]:
            _check(path, folder, info, checked)
        checked.results.update(other.result())


def _whole_key(entries_dir: str, info: ListInfo, file_keys: list[str]) -> str:
    """What the checks of the whole list read: the entry files (their checks' keys, which hold their
    bytes, the sections, the day and the code), and the list files beside them."""
    digest = hashlib.sha256("\0".join([repr(info), *file_keys]).encode("utf-8", "surrogatepass"))
    for name in (ALIASES_FILE, AUTHOR_ALIASES_FILE, MOVED_FILE):
        try:
            with open(os.path.join(entries_dir, name), "rb") as handle:
                digest.update(b"\1" + name.encode() + b"\0" + handle.read())
        except OSError as exc:
            digest.update(b"\2" + name.encode() + b"\0" + type(exc).__name__.encode())
    return digest.hexdigest()


def _on_disk(cache_dir: str) -> Checked:
    """One Checked per cache folder for the process: a serve session reads the file once."""
    if cache_dir not in _on_disk_checked:
        _on_disk_checked[cache_dir] = Checked(cache_dir)
    return _on_disk_checked[cache_dir]


_on_disk_checked: dict[str, Checked] = {}


def load_catalog(entries_dir: str, reserved: Collection[str] = (), cache_dir: str | None = None) -> tuple[Catalog, list[Problem]]:
    """The catalog of a list directory and its warnings; ListError when anything is wrong."""
    info, entries, problems = read_list(entries_dir, reserved, cache_dir)
    if info is None or errors_in(problems):
        raise ListError(problems)
    return build_catalog(info, entries), problems
