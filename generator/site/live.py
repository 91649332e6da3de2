"""Search under `mkdocs serve`: the index is brought up to date beside the preview, never in its way.

A published build waits for Pagefind (generator.site.search.SearchIndexer). A preview does not:
every rebuild gets the newest finished bundle at once, and when the records changed Pagefind runs
again in the background; its bundle replaces the preview's as soon as it is done, usually within a
second or two. The records folder lives for the whole session, and a rebuild rewrites only the
records that changed: saving one entry writes one file, not a thousand.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from generator.site.search import BUNDLE, ROOT, complete_bundle, link_tree, pagefind_binary, vocabulary

log = logging.getLogger("mkdocs.plugins.generator.site.live")


# Pagefind's thread pools (rayon, tokio) keep to one core in the preview, whatever the machine's count
_ONE_CORE = {**os.environ, "RAYON_NUM_THREADS": "1", "TOKIO_WORKER_THREADS": "1"}
# ... and every thread of it runs only when the preview's own work leaves a core idle (SCHED_IDLE, Linux),
# at nice 10 elsewhere. A lower nice alone is not enough: Pagefind reads files in a pool of up to hundreds
# of threads, and the scheduler shares a core by thread, so together they outweighed the rebuild after
# the next save. Set in the process before it runs Pagefind (a small Python that then execs it), so
# that every thread inherits it; not by a `preexec_fn`: the preview has threads (the server's, the
# file watcher's), and Python code between fork and exec can deadlock on a lock one of them held.
_IDLE = """import os, sys
try:
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
except (AttributeError, OSError):
    pass
try:
    os.nice(10)
except (AttributeError, OSError):
    pass
os.execv(sys.argv[1], sys.argv[1:])
"""


def _background(command: list[str]) -> list[str]:
    """`command`, run at the lowest priority the system has (where a process can exec another: not on Windows)."""
    return [sys.executable, "-S", "-c", _IDLE, *command] if os.name == "posix" else command


class LiveSearch:
    """One per `mkdocs serve` session: `update` with each build's records, `place` into each built site."""

    def __init__(self, parent: str | None = None) -> None:
        self.work = tempfile.mkdtemp(prefix=".reading-list-live-search-", dir=parent)
        self.records_dir = os.path.join(self.work, "records")
        self.records: dict[str, str] = {}
        self.bundle: str | None = None  # the newest complete bundle
        self.site_dir: str | None = None  # the preview that gets each new bundle; None while a build runs
        self.runs = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._done = threading.Event()  # set when the newest run has ended (its bundle placed, or failed)
        self._done.set()
        self._lock = threading.Lock()

    def hold(self) -> None:
        """A build starts (MkDocs is about to clear the site folder): no bundle goes into it until `place`."""
        with self._lock:
            self.site_dir = None

    def update(self, records: dict[str, str]) -> None:
        """Write the records that changed; when any did (or there is no bundle yet), index them again."""
        changed = {name: text for name, text in records.items() if self.records.get(name) != text}
        removed = [name for name in self.records if name not in records]
        if not changed and not removed and (self.bundle is not None or self._process is not None):
            return
        with self._lock:
            self._stop()  # its bundle would be of older records, and it reads the folder we are about to change
        for name in removed:
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(self.records_dir, name))
        for name, text in changed.items():
            path = os.path.join(self.records_dir, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
        self.records = dict(records)
        self.runs += 1
        output = os.path.join(self.work, f"bundle-{self.runs}")
        command = [pagefind_binary(), "--site", self.records_dir, "--output-path", output,
                   "--root-selector", ROOT, "--force-language", "en", "--quiet"]
        with self._lock:
            self._process = subprocess.Popen(_background(command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                             stdin=subprocess.DEVNULL, env=_ONE_CORE)
            self._done = threading.Event()
            threading.Thread(target=self._wait, args=(self._process, output, self._done), daemon=True).start()

    def _wait(self, process: subprocess.Popen[bytes], output: str, done: threading.Event) -> None:
        try:
            self._finish(process, output)
        finally:
            done.set()

    def _finish(self, process: subprocess.Popen[bytes], output: str) -> None:
        _, errors = process.communicate()
        with self._lock:
            if process is not self._process:  # stopped: newer records are being indexed
                shutil.rmtree(output, ignore_errors=True)
                return
            self._process = None
            if process.returncode != 0 or not os.path.isfile(os.path.join(output, "pagefind.js")):
                log.error("search index: pagefind failed (exit %s); the preview keeps its previous search:\n%s",
                          process.returncode, errors.decode("utf-8", "replace").strip()[-2000:])
                shutil.rmtree(output, ignore_errors=True)
                return
            complete_bundle(output, vocabulary(self.records.values()))
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
            if self._process.poll() is None:
                self._process.kill()
            self._process = None

    def close(self) -> None:
        with self._lock:
            self._stop()
            self.site_dir = None
        shutil.rmtree(self.work, ignore_errors=True)
