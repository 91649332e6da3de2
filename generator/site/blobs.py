"""Files of the site that a build makes and never needs to hold: the papers' cards and the data files.

`Blobs` keeps each distinct file once, named by the SHA-256 of its bytes, in a folder: in the cache
folder (`files/`) for the next build, else in a temporary one. The process that makes a file writes it
there and keeps only its digest: at 20 times the list the cards and data files are 93 MB, which the
build held twice (the forked child's result, then the kept Build) before they went to disk. The site
gets hard links to them (copies where the file system has none).

The cache folder sits in the working tree, where a pull request can put files: a file there is used
only while the sealed list of the files this user's builds wrote (`MANIFEST`, generator.cachefile)
gives its size, time and inode; any other is written again before use. A file git checks out has the
time of the checkout and a new inode, never the ones the seal vouches for.

`LinkedFiles` is a `mkdocs serve` session's: MkDocs empties the preview's folder before each rebuild,
and writing the papers' cards again (a small file per paper) cost a rebuild a third of a second or more
on this project's 2-core machine, more than anything else the plugin did after the pages. A session
keeps each distinct file once, named by its SHA-256, in a folder of its own beside the preview (the
same file system: MkDocs makes the preview's folder in the temp folder), and each rebuild hard-links
them into place: a save that changes one paper writes one card. The site scan is told each file's
digest, so it reads again only the files it has not seen (generator.site.safety.scan_site).

Builds of one project can run at once (a `mkdocs serve` session and a `mkdocs build` beside it): each
holds the folder's lock shared while it uses the files, and a build removes the files it did not use
only when it holds the folder alone; the manifest keeps what the others wrote meanwhile.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable

from generator import cachefile

FOLDER = "files"  # in the cache folder
MANIFEST = "files.sealed"  # beside it: each file's size, time (ns) and inode, as the build that wrote it left it
LOCK = "lock"  # in the folder: held shared by each build that uses it (cachefile.FolderLock)


def _stamp(path: str) -> list[int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def link_into(blob: str, target: str) -> None:
    """`target` becomes a hard link to `blob` (a copy where the file system has none), replacing a file there."""
    try:
        os.link(blob, target)
    except FileExistsError:  # a file of the site's own by that name: ours replaces it
        os.remove(target)
        os.link(blob, target)
    except OSError:  # no hard links here (another file system): a copy
        shutil.copyfile(blob, target)


class Blobs:
    """A build's files by digest: `put` writes one (once), `has` says whether one can be used as it is,
    `place` links files into a site, `finish` ends the build."""

    def __init__(self, cache_dir: str | None, temp_parent: str | None = None) -> None:
        self.kept = bool(cache_dir)
        if cache_dir:
            self.folder = os.path.join(cache_dir, FOLDER)
            os.makedirs(self.folder, exist_ok=True)
            self.manifest: str | None = os.path.join(cache_dir, MANIFEST)
            loaded = cachefile.load_json(self.manifest)
            self.stamps: dict[str, list[int]] = {k: v for k, v in loaded.items() if isinstance(v, list)} if isinstance(loaded, dict) else {}
            self.lock = cachefile.FolderLock(self.folder, shared=True) if cachefile.FolderLock.works() else None
        else:
            self.folder = tempfile.mkdtemp(prefix=".reading-list-files-", dir=temp_parent)
            self.manifest, self.stamps, self.lock = None, {}, None

    @staticmethod
    def folder_of(cache_dir: str | None) -> str | None:
        """The folder of the Blobs of `cache_dir` (None: a temporary one)."""
        return os.path.join(cache_dir, FOLDER) if cache_dir else None

    def path(self, digest: str) -> str:
        return os.path.join(self.folder, digest)

    def has(self, digest: str) -> bool:
        """Whether the file is there as this user's builds wrote it."""
        stamp = self.stamps.get(digest)
        return stamp is not None and stamp == _stamp(self.path(digest))

    def put(self, data: bytes) -> str:
        """Keep `data` (written unless it is there already, vouched for); its digest."""
        digest = hashlib.sha256(data).hexdigest()
        if not self.has(digest):
            temporary = f"{self.path(digest)}.{os.getpid()}"
            with open(temporary, "wb") as handle:
                handle.write(data)
            self._keep(temporary, digest)
        return digest

    def put_chunks(self, chunks: Iterable[bytes]) -> str:
        """`put` of what the `chunks` make together, never held whole (the search records: 20 MB at 20 times the list)."""
        hashing = hashlib.sha256()
        temporary = os.path.join(self.folder, f"writing.{os.getpid()}")
        with open(temporary, "wb") as handle:
            for chunk in chunks:
                hashing.update(chunk)
                handle.write(chunk)
        digest = hashing.hexdigest()
        if self.has(digest):
            os.remove(temporary)
        else:
            self._keep(temporary, digest)
        return digest

    def _keep(self, temporary: str, digest: str) -> None:
        os.replace(temporary, self.path(digest))
        self.stamps[digest] = _stamp(self.path(digest)) or []

    def adopt(self, digests: Iterable[str]) -> None:
        """Files another process of this build put (generator.forked): as if put here."""
        for digest in set(digests) - self.stamps.keys():
            self.stamps[digest] = _stamp(self.path(digest)) or []

    def read(self, digest: str) -> bytes:
        with open(self.path(digest), "rb") as handle:
            return handle.read()

    def place(self, files: dict[str, str], site_dir: str) -> None:
        """Each file (its digest by its name relative to `site_dir`) into the site."""
        for folder in {os.path.dirname(name) for name in files}:
            os.makedirs(os.path.join(site_dir, folder), exist_ok=True)
        for name, digest in files.items():
            link_into(self.path(digest), os.path.join(site_dir, name))

    def finish(self, used: set[str], prune: bool = True) -> None:
        """The end of a build that used the files `used`: in the cache folder, with `prune`, the others go
        (the folder never outgrows the list), and the manifest vouches for what stays; a temporary folder goes."""
        if not self.kept:
            self.close()
            return
        alone = prune and (self.lock is None or self.lock.try_alone())  # never under another build that may use them
        if alone:
            for name in os.listdir(self.folder):
                if name not in used and name != LOCK:
                    with contextlib.suppress(OSError):
                        os.remove(os.path.join(self.folder, name))
            self.stamps = {digest: stamp for digest, stamp in self.stamps.items() if digest in used}
        if self.manifest:
            # not alone: with the files other builds wrote since this one read it (alone, what it did not use is gone)
            on_disk = {} if alone else cachefile.load_json(self.manifest)
            for digest, stamp in on_disk.items() if isinstance(on_disk, dict) else ():
                if digest not in self.stamps and isinstance(stamp, list) and stamp == _stamp(self.path(digest)):
                    self.stamps[digest] = stamp
            cachefile.dump_json(self.manifest, self.stamps)
        self.close()

    def close(self) -> None:
        if self.lock is not None:
            self.lock.release()
        if not self.kept:
            shutil.rmtree(self.folder, ignore_errors=True)


class LinkedFiles:
    """One per `mkdocs serve` session: `place` a build's files into its site, `close` when it stops."""

    def __init__(self, parent: str | None = None) -> None:
        self.folder = tempfile.mkdtemp(prefix=".reading-list-files-", dir=parent)
        self.kept: set[str] = set()  # digests of the files in the folder

    def place(self, files: dict[str, str], source: Blobs, site_dir: str) -> None:
        """Each file (its digest in `source` by its name relative to `site_dir`) into the site, linked to the
        session's copy; the session keeps only this build's."""
        for digest in set(files.values()) - self.kept:
            shutil.copyfile(source.path(digest), os.path.join(self.folder, digest))
            self.kept.add(digest)
        for folder in {os.path.dirname(name) for name in files}:
            os.makedirs(os.path.join(site_dir, folder), exist_ok=True)
        for name, digest in files.items():
            link_into(os.path.join(self.folder, digest), os.path.join(site_dir, name))
        for digest in self.kept - set(files.values()):
            os.remove(os.path.join(self.folder, digest))
        self.kept &= set(files.values())

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.kept = set()
