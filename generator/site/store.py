"""Results that are slow to make, kept between builds and keyed by everything that made them.

A key is a hash of the inputs (an entry, the page it is shown on, the anchors it links to, ...) and
of the code and templates that turn them into output (`code_version`), so a kept result is only
reused when a fresh build would make the same bytes. Under `mkdocs serve` the plugin keeps one
Store for the whole session; a build on the command line reads it from the cache folder and writes
back only what it used, so the file never outgrows the list.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import os
import types
import typing
from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import cache, lru_cache
from typing import TypeVar, cast

from generator import cachefile

Result = TypeVar("Result", str, bytes)
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILE_NAME = "rendered.sealed"  # generator.cachefile: sealed


@cache
def code_version(extra_dirs: tuple[str, ...] = ()) -> str:
    """A hash of the generator's code and templates (and of a maintainer's template folders):
    any change to what renders output makes every kept result stale."""
    digest = hashlib.sha256()
    for root in (PACKAGE, *extra_dirs):
        for folder, dirs, names in sorted(os.walk(root)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith((".py", ".j2", ".json")):
                    path = os.path.join(folder, name)
                    digest.update(os.path.relpath(path, root).encode("utf-8") + b"\0")
                    with open(path, "rb") as handle:
                        digest.update(handle.read())
    return digest.hexdigest()


def key_of(parts: Iterable[object]) -> str:
    """The key of a result made from `parts` (their reprs: dataclasses, tuples, strings; sets and
    frozensets in sorted order, as their reprs follow the process's string hashing)."""
    return hashlib.sha256("\x1f".join(repr(stable(part)) for part in parts).encode("utf-8")).hexdigest()


def stable(value: object) -> object:
    """`value` with every set in a fixed order: its repr is the same in every process. A dataclass is
    taken field by field (those its repr shows), unless its fields' types hold no set at all."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, (tuple, list)):
        return value if all(isinstance(v, _PLAIN) for v in value) else tuple(stable(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return ("set", *sorted((stable(v) for v in value), key=repr))
    if isinstance(value, Mapping):
        return ("map", *((stable(k), stable(v)) for k, v in value.items()))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names, plain = _shown_fields(type(value))
        return value if plain else (type(value).__name__, *(stable(getattr(value, name)) for name in names))
    return value


_PLAIN = (str, int, float, bool, type(None))


@cache
def _shown_fields(cls: type) -> tuple[tuple[str, ...], bool]:
    """The fields a dataclass's repr shows, and whether their types are all plain (text, numbers,
    tuples of them): then its repr is the same in every process as it is."""
    fields = [f for f in dataclasses.fields(cls) if f.repr]
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError):
        hints = {}
    return tuple(f.name for f in fields), all(f.name in hints and _plain_type(hints[f.name]) for f in fields)


def _plain_type(hint: object) -> bool:
    if hint in _PLAIN:
        return True
    if typing.get_origin(hint) in (tuple, typing.Union, types.UnionType):
        return all(_plain_type(arg) for arg in typing.get_args(hint) if arg is not Ellipsis)
    return False


@lru_cache(maxsize=1 << 16)
def memo_key(parts: Hashable) -> str:
    """`key_of` for hashable parts, remembered: a rebuild under `mkdocs serve` hashes only what changed."""
    return key_of((code_version(), parts))


class Store:
    """Kept results by key; `hits`/`misses` count this build's lookups."""

    def __init__(self, cache_dir: str | None = None) -> None:
        self.cache_dir = cache_dir
        self._kept: dict[str, str | bytes] | None = None  # read from the cache folder at the first lookup: a build whose
        # whole output was kept (generate.site_build) never reads it
        self.used: dict[str, str | bytes] = {}
        self.hits = self.misses = 0
        self.unwritten = False  # kept results not yet on disk

    def get(self, key: str, make: Callable[[], Result], valid: Callable[[Result], bool] | None = None) -> Result:
        """The result kept under `key` (while `valid` says it is, when given: one that names a file), else
        `make`'s: a text, or UTF-8 bytes (HTML held for a whole build, see generator.site.render.Slots).
        A key is always made with the same kind of result."""
        value = self.used.get(key)
        if value is None or (valid is not None and not valid(cast(Result, value))):
            value = self.kept.get(key)
            if value is None or (valid is not None and not valid(cast(Result, value))):
                self.misses += 1
                value = make()
            else:
                self.hits += 1
            self.used[key] = value
        return cast(Result, value)

    def looked_up_since(self, mark: int) -> dict[str, str | bytes]:
        """What this build looked up after its first `mark` lookups (for `absorb` in another process)."""
        return dict(itertools.islice(self.used.items(), mark, None))

    def absorb(self, looked_up: dict[str, str | bytes]) -> None:
        """Lookups another process made from a copy of this store (generator.forked), as if made here."""
        for key, value in looked_up.items():
            if key not in self.used:
                self.used[key] = value
                if key in self.kept:
                    self.hits += 1
                else:
                    self.misses += 1

    @property
    def kept(self) -> dict[str, str | bytes]:
        if self._kept is None:
            self._kept = _read(self.cache_dir)
        return self._kept

    def finish(self, write: bool = True) -> None:
        """End of a build: keep what it used, for the next build (and on disk, when there is a folder and
        `write`; under `mkdocs serve`, `write_out` when the session ends). A build that looked nothing up
        (its whole output was kept, generate.site_build) changes nothing."""
        if not self.hits and not self.misses:
            return
        self._kept, self.used = self.used, {}
        self.hits = self.misses = 0
        self.unwritten = True
        if write:
            self.write_out()

    def write_out(self) -> None:
        if self.cache_dir and self.unwritten:
            _write(self.cache_dir, self.kept)
        self.unwritten = False


def _read(cache_dir: str | None) -> dict[str, str | bytes]:
    data = cachefile.load(os.path.join(cache_dir, FILE_NAME)) if cache_dir else None  # sealed: the HTML goes into pages
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, (str, bytes))}


def _write(cache_dir: str, kept: dict[str, str | bytes]) -> None:
    cachefile.dump(os.path.join(cache_dir, FILE_NAME), kept)  # its texts are ASCII (digests) or bytes: pickled as they are
