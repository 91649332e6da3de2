"""Cache files that only this user's own builds can have written.

The build keeps Python objects between runs (checked entry files, a whole build's output) as
pickles in the project's cache folder, plain data as JSON (rendered papers, related papers, what the
kept search index was made from) and Jinja's compiled templates. Loading a pickle or a compiled
template runs code, the rest goes into the site, and the cache folder sits in the working tree: a
pull request could carry a crafted `.cache/...` file, and a maintainer who previews it with `mkdocs
serve`, or a CI job that builds it, would run it or publish it. So every file is sealed with an HMAC
whose key lives outside the working tree, in the user's own cache home (created on first use,
readable by the user alone): a file that does not carry this user's seal is never read, and the
build just makes its results again. Without a writable cache home nothing is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import os
import pickle
import secrets
from collections.abc import Callable
from functools import cache
from typing import BinaryIO

_SEAL = hashlib.sha256().digest_size
_CHUNK = 1 << 20
_KEY_FILE = os.path.join("deep-phenomena-reading-list", "cache-key")


def _cache_home() -> str:
    return os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")


def _read_key(path: str) -> bytes | None:
    with contextlib.suppress(OSError):
        with open(path, "rb") as handle:
            key = handle.read()
        if len(key) >= 32:
            return key
    return None


@cache
def _key() -> bytes | None:
    """The user's sealing key, made once; None when it can be neither read nor made. Processes that make
    it at once (a first build and its children, two first builds) all take the one written first."""
    path = os.path.join(_cache_home(), _KEY_FILE)
    key = _read_key(path)
    if key is not None:
        return key
    temporary = f"{path}.{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        key = secrets.token_bytes(32)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        try:
            os.link(temporary, path)  # only where there is none yet
        except FileExistsError:
            other = _read_key(path)
            if other is not None:  # another process's, written first
                return other
            os.replace(temporary, path)  # a file cut short: ours takes its place
        except OSError:  # no hard links on this file system: the last one written stays, as before
            os.replace(temporary, path)
        return key
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            os.remove(temporary)


def load(path: str) -> object | None:
    """The object of a sealed file; None when there is none, or its seal is not this user's. The file
    is read twice, to check its seal and then to unpickle it, so its bytes are never all in memory."""
    try:
        return _load(path, pickle.load)  # sealed with this user's key: written by this user's build
    except (pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError, IndexError):
        return None  # written by another version of the code: only costs time


def load_json(path: str) -> object | None:
    """`load` of a file `dump_json` wrote: plain data, which no code runs to read."""
    try:
        return _load(path, lambda handle: json.load(io.TextIOWrapper(handle, encoding="utf-8", errors="surrogatepass")))
    except ValueError:
        return None


def _load(path: str, read: Callable[[BinaryIO], object]) -> object | None:
    key = _key()
    if key is None:
        return None
    try:
        with open(path, "rb") as handle:
            seal = handle.read(_SEAL)
            mac = hmac.new(key, digestmod=hashlib.sha256)
            while chunk := handle.read(_CHUNK):
                mac.update(chunk)
            if len(seal) != _SEAL or not hmac.compare_digest(seal, mac.digest()):
                return None
            handle.seek(_SEAL)
            return read(handle)
    except OSError:
        return None


class _Sealing:
    """A file object pickle writes into, which hashes what it writes."""

    def __init__(self, handle: BinaryIO, key: bytes) -> None:
        self.handle = handle
        self.mac = hmac.new(key, digestmod=hashlib.sha256)

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.handle.write(data)


class _Text:
    """What json.dump writes into: its many small pieces go on as UTF-8 a megabyte at a time."""

    def __init__(self, sealing: _Sealing) -> None:
        self.sealing = sealing
        self.pieces: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.pieces.append(text)
        self.size += len(text)
        if self.size >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        self.sealing.write("".join(self.pieces).encode("utf-8", "surrogatepass"))
        self.pieces, self.size = [], 0


def dump(path: str, value: object) -> None:
    """Write `value` sealed, atomically, without its pickle ever whole in memory; a cache that cannot be
    written only costs time."""
    _dump(path, lambda sealing: pickle.dump(value, sealing, protocol=pickle.HIGHEST_PROTOCOL))


def dump_json(path: str, value: object) -> None:
    """`dump` as JSON (compact, UTF-8): for plain data, whose strings pickle would copy (see generate.Build)."""
    def write(sealing: _Sealing) -> None:
        text = _Text(sealing)
        json.dump(value, text, ensure_ascii=False, separators=(",", ":"))
        text.flush()

    _dump(path, write)


def _dump(path: str, write: Callable[[_Sealing], None]) -> None:
    key = _key()
    if key is None:
        return
    temporary = f"{path}.{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(bytes(_SEAL))  # the seal's place, written when the rest is
            sealing = _Sealing(handle, key)
            write(sealing)
            handle.seek(0)
            handle.write(sealing.mac.digest())
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.remove(temporary)


class FolderLock:
    """A lock on a folder of the cache, held by one build (POSIX advisory locks: where there are none,
    `works` says so and nothing is kept there). `shared`: other builds may hold it too, and one that wants
    the folder alone (`try_alone`) gets it only while no other holds it."""

    def __init__(self, folder: str, *, shared: bool = False) -> None:
        import fcntl

        os.makedirs(folder, exist_ok=True)
        self._handle: BinaryIO | None = open(os.path.join(folder, "lock"), "ab")  # noqa: SIM115 (held until release)
        fcntl.flock(self._handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)

    @staticmethod
    def works() -> bool:
        try:
            import fcntl  # noqa: F401
        except ImportError:
            return False
        return True

    def try_alone(self) -> bool:
        """Whether this build now holds the folder alone (no other build holds its lock), without waiting."""
        import fcntl

        if self._handle is None:
            return False
        try:
            fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file releases its lock
            self._handle = None
