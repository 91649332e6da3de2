"""Files a `mkdocs serve` session writes once and links into every preview.

MkDocs empties the preview's folder before each rebuild, and writing the papers' cards again (a
small file per paper) cost a rebuild a third of a second or more on this project's 2-core machine,
more than anything else the plugin did after the pages. A session keeps each distinct file once,
named by its SHA-256, in a folder of its own beside the preview (the same file system: MkDocs makes
the preview's folder in the temp folder), and each rebuild hard-links them into place: a save that
changes one paper writes one card. The site scan is told each file's digest, so it reads again only
the files it has not seen (generator.site.safety.scan_site).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile


class LinkedFiles:
    """One per `mkdocs serve` session: `place` a build's files into its site, `close` when it stops."""

    def __init__(self, parent: str | None = None) -> None:
        self.folder = tempfile.mkdtemp(prefix=".reading-list-files-", dir=parent)
        self.kept: set[str] = set()  # digests of the files in the folder

    def place(self, files: dict[str, bytes], site_dir: str) -> dict[str, str]:
        """Each file (bytes by its name relative to `site_dir`) into the site, linked to the session's
        copy; the session keeps only this build's. Returns each name's SHA-256 (hex)."""
        digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        for digest, data in {digests[name]: data for name, data in files.items()}.items():
            if digest not in self.kept:
                with open(os.path.join(self.folder, digest), "wb") as handle:
                    handle.write(data)
                self.kept.add(digest)
        for folder in {os.path.dirname(name) for name in files}:
            os.makedirs(os.path.join(site_dir, folder), exist_ok=True)
        for name, digest in digests.items():
            target, blob = os.path.join(site_dir, name), os.path.join(self.folder, digest)
            try:
                os.link(blob, target)
            except FileExistsError:  # a file of the site's own by that name: ours replaces it
                os.remove(target)
                os.link(blob, target)
            except OSError:  # no hard links here (another file system): a copy
                shutil.copyfile(blob, target)
        for digest in self.kept - set(digests.values()):
            os.remove(os.path.join(self.folder, digest))
        self.kept &= set(digests.values())
        return digests

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.kept = set()
