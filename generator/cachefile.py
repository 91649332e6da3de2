"""Cache files that only this user's own builds can have written.

The build keeps Python objects between runs (checked entry files, a whole build's output) as
pickles in the project's cache folder. Loading a pickle runs code, and the cache folder sits in the
working tree: a pull request could carry a crafted `.cache/...` file, and a maintainer who previews
it with `mkdocs serve` would run it. So every file is sealed with an HMAC whose key lives outside
the working tree, in the user's own cache home (created on first use, readable by the user alone):
a file that does not carry this user's seal is never unpickled, and the build just makes its
results again. Without a writable cache home nothing is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import secrets
from functools import cache
from typing import BinaryIO

_SEAL = hashlib.sha256().digest_size
_CHUNK = 1 << 20
_KEY_FILE = os.path.join("deep-phenomena-reading-list", "cache-key")


def _cache_home() -> str:
    return os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")


@cache
def _key() -> bytes | None:
    """The user's sealing key, made once; None when it can be neither read nor made."""
    path = os.path.join(_cache_home(), _KEY_FILE)
    with contextlib.suppress(OSError):
        with open(path, "rb") as handle:
            key = handle.read()
        if len(key) >= 32:
            return key
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        key = secrets.token_bytes(32)
        temporary = f"{path}.{os.getpid()}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        os.replace(temporary, path)
        return key
    except OSError:
        return None


def load(path: str) -> object | None:
    """The object of a sealed file; None when there is none, or its seal is not this user's. The file
    is read twice, to check its seal and then to unpickle it, so its bytes are never all in memory."""
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
            try:
                value: object = pickle.load(handle)  # sealed with this user's key: written by this user's build
            except (pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError, IndexError):
                return None  # written by another version of the code: only costs time
    except OSError:
        return None
    return value


class _Sealing:
    """A file object pickle writes into, which hashes what it writes."""

    def __init__(self, handle: BinaryIO, key: bytes) -> None:
        self.handle = handle
        self.mac = hmac.new(key, digestmod=hashlib.sha256)

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.handle.write(data)


def dump(path: str, value: object) -> None:
    """Write `value` sealed, atomically, without its pickle ever whole in memory; a cache that cannot be
    written only costs time."""
    key = _key()
    if key is None:
        return
    temporary = f"{path}.{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(bytes(_SEAL))  # the seal's place, written when the rest is
            sealing = _Sealing(handle, key)
            pickle.dump(value, sealing, protocol=pickle.HIGHEST_PROTOCOL)
            handle.seek(0)
            handle.write(sealing.mac.digest())
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.remove(temporary)
