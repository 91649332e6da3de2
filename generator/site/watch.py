"""A saved file seen at once under `mkdocs serve`.

MkDocs' server looks for changes by polling the folders it watches every half second (watchdog's
PollingObserver: native file events miss saves on some file systems, such as network drives and some
container mounts). So a save waits a quarter of a second on average before its rebuild even starts,
a quarter of the whole reload of this list. Beside that poller, which stays as the fallback, the
plugin listens to the system's own events for the folders a maintainer edits (inotify, FSEvents or
ReadDirectoryChangesW, through watchdog's Observer) and asks the server for a rebuild the moment one
arrives, as the server's own watcher does. With a server that does not rebuild that way (another
engine), it leaves the watching to the server.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from watchdog.events import EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED, FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

log = logging.getLogger("mkdocs.plugins.generator.site.watch")

# what changes a file; opening or reading one (every build reads the entries) is not
CHANGES = frozenset({EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED})


class _Rebuild(FileSystemEventHandler):
    def __init__(self, server: Any) -> None:
        self.server = server

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in CHANGES:
            return
        with self.server._rebuild_cond:  # MkDocs 1.6's and ProperDocs' LiveReloadServer: what its own watcher does
            self.server._want_rebuild = True
            self.server._rebuild_cond.notify_all()


class NativeWatch:
    """Native file events for `paths`, each asking `server` for a rebuild; `stop` when the session ends."""

    def __init__(self, server: Any, paths: Iterable[str]) -> None:
        self.observer = Observer()
        handler = _Rebuild(server)
        for path in paths:
            self.observer.schedule(handler, path, recursive=True)
        self.observer.daemon = True
        self.observer.start()

    @classmethod
    def start(cls, server: Any, paths: Iterable[str]) -> NativeWatch | None:
        """None where it cannot help: a server that rebuilds some other way, or a system without events."""
        if not isinstance(getattr(server, "_rebuild_cond", None), threading.Condition) or not hasattr(server, "_want_rebuild"):
            return None
        try:
            return cls(server, paths)
        except (OSError, RuntimeError) as exc:  # e.g. inotify's watch limit: the server's polling still sees every save
            log.info(f"native file events unavailable ({exc}); saves are seen by MkDocs' polling, within half a second")
            return None

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)
