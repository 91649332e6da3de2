"""Search under `mkdocs serve`: the index is brought up to date beside the preview, never in its way.

A published build waits for Pagefind (generator.site.search.SearchIndexer). A preview does not:
every rebuild gets the newest finished bundle at once, and when the records changed Pagefind runs
again in the background; its bundle replaces the preview's as soon as it is done, usually within a
second or two. The records come in one file (search.pack_records), linked into the session's folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from typing import Any

from generator.site.blobs import Blobs
from generator.site.search import (
    BUNDLE,
    Records,
    bundle_complete,
    complete_bundle,
    index_job,
    link_tree,
    record_parts,
    start_indexing,
    stop_indexing,
    vocabulary,
)

log = logging.getLogger("mkdocs.plugins.generator.site.live")


# Pagefind's thread pools (rayon, tokio) keep to one core in the preview, whatever the machine's count; and
# every thread of it runs only when the preview's own work leaves a core idle (search.start_indexing with
# `idle`). A lower nice alone was not enough: Pagefind reads files in a pool of up to hundreds of threads,
# and the scheduler shares a core by thread, so together they outweighed the rebuild after the next save.
_ONE_CORE = {**os.environ, "RAYON_NUM_THREADS": "1", "TOKIO_WORKER_THREADS": "1"}


class LiveSearch:
    """One per `mkdocs serve` session: `update` with each build's records, `place` into each built site."""

    def __init__(self, parent: str | None = None) -> None:
        self.work = tempfile.mkdtemp(prefix=".reading-list-live-search-", dir=parent)
        self.words: Counter[str] = Counter()  # the records' words (the vocabulary's)
        self.indexed: dict[str, str] = {}  # the digests of the records of the newest run, by file name
        self.bundle: str | None = None  # the newest complete bundle
        self.site_dir: str | None = None  # the preview that gets each new bundle; None while a build runs
        self.runs = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._job: dict[str, Any] = {}  # the newest run's (search.index_job)
        self._done = threading.Event()  # set when the newest run has ended (its bundle placed, or failed)
        self._done.set()
        self._lock = threading.Lock()

    def hold(self) -> None:
        """A build starts (MkDocs is about to clear the site folder): no bundle goes into it until `place`."""
        with self._lock:
            self.site_dir = None

    def update(self, records: Records, blobs: Blobs, words: Counter[str]) -> None:
        """When the records changed (`search.pack_records`' in `blobs`; `words`: their `search.word_counts`), or
        there is no bundle yet, index them again."""
        if records.digests == self.indexed and (self.bundle is not None or self._process is not None):
            return
        with self._lock:
            self._stop()  # its bundle would be of older records, and it reads the packs we are about to replace
        parts = record_parts(records.digests)
        self.words, self.indexed = Counter(words), dict(records.digests)
        self.runs += 1
        output = os.path.join(self.work, f"bundle-{self.runs}")
        job = index_job(parts, records, blobs, output, idle=True)
        with self._lock:
            self._process, self._job = start_indexing(job, env=_ONE_CORE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), job
            self._done = threading.Event()
            threading.Thread(target=self._wait, args=(self._process, output, len(parts), self._done), daemon=True).start()

    def _wait(self, process: subprocess.Popen[bytes], output: str, parts: int, done: threading.Event) -> None:
        try:
            self._finish(process, output, parts)
        finally:
            done.set()

    def _finish(self, process: subprocess.Popen[bytes], output: str, parts: int) -> None:
        _, errors = process.communicate()
        with self._lock:
            if process is not self._process:  # stopped: newer records are being indexed
                shutil.rmtree(output, ignore_errors=True)
                return
            self._process = None
            if process.returncode != 0 or not bundle_complete(output, parts):
                log.error("search index: pagefind failed (exit %s); the preview keeps its previous search:\n%s",
                          process.returncode, errors.decode("utf-8", "replace").strip()[-2000:])
                shutil.rmtree(output, ignore_errors=True)
                return
            complete_bundle(output, vocabulary(self.words), parts)
            old, self.bundle = self.bundle, output
            if old:
                shutil.rmtree(old, ignore_errors=True)
            if self.site_dir:
                link_tree(output, os.path.join(self.site_dir, BUNDLE))

    def place(self, site_dir: str) -> None:
        """The build is done: the site gets the newest bundle now, and the one being made when it is ready."""
        with self._lock:
            self.site_dir = site_dir
            if self.bundle:
                link_tree(self.bundle, os.path.join(site_dir, BUNDLE))

    def wait(self, timeout: float = 600) -> bool:
        """Until the newest run has ended and its bundle is in place (for tests and benchmarks); False on timeout."""
        with self._lock:
            done = self._done
        return done.wait(timeout)

    def _stop(self) -> None:
        if self._process is not None:
            stop_indexing(self._process, self._job)
            self._process = None

    def close(self) -> None:
        with self._lock:
            self._stop()
            self.site_dir = None
        shutil.rmtree(self.work, ignore_errors=True)
