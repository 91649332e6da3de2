"""A saved entry seen at once under `mkdocs serve`.

MkDocs' server looks for changes by polling the folders it watches every half second (watchdog's
PollingObserver: native file events miss saves on some file systems, such as network drives and some
container mounts). So a save waits a quarter of a second on average before its rebuild even starts,
a quarter of the whole reload of this list. For the folders the plugin adds (the entries, a
maintainer's templates) it listens to the system's own events too (inotify, FSEvents or
ReadDirectoryChangesW, through watchdog's Observer) and asks the server for a rebuild the moment one
arrives, as the server's own watcher does. The server's polling still watches them, as the fallback,
but asks for no second rebuild of a file in the state a native event already reported. With a server
that does not rebuild that way (another engine), the watching is left to the server.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterable
from typing import Any

from watchdog.events import (
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

log = logging.getLogger("mkdocs.plugins.generator.site.watch")

# what changes a file; opening or reading one (every build reads the entries) is not. The native
# observer asks the system for these alone: the open and close of every entry file at each build never reach Python.
CHANGES = frozenset({EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED})
CHANGE_EVENTS = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent]


def _state(path: str) -> tuple[int, int] | None:
    """A file's modification time and size; None when it is gone."""
    with contextlib.suppress(OSError):
        stat = os.stat(path)
        return (stat.st_mtime_ns, stat.st_size)
    return None


class _Rebuild(FileSystemEventHandler):
    """Asks the server for a rebuild at each change of a file. `native`: the system's events, whose
    reports it keeps; else the polling fallback, which passes over a file in a state already reported."""

    def __init__(self, server: Any, reported: dict[str, tuple[int, int] | None], native: bool) -> None:
        self.server, self.reported, self.native = server, reported, native

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in CHANGES:
            return
        path = os.fsdecode(event.dest_path if event.event_type == EVENT_TYPE_MOVED else event.src_path)
        state = _state(path)
        if self.native:
            self.reported[path] = state
        elif path in self.reported and self.reported[path] == state:
            return
        with self.server._rebuild_cond:  # MkDocs 1.6's and ProperDocs' LiveReloadServer: what its own watcher does
            self.server._want_rebuild = True
            self.server._rebuild_cond.notify_all()


class NativeWatch:
    """Native file events for `paths`, and the server's polling as their fallback; `stop` at the session's end."""

    def __init__(self, server: Any, paths: list[str]) -> None:
        reported: dict[str, tuple[int, int] | None] = {}
        self.observer = Observer()
        native, polling = _Rebuild(server, reported, native=True), _Rebuild(server, reported, native=False)
        for path in paths:
            self.observer.schedule(native, path, recursive=True, event_filter=CHANGE_EVENTS)
            server.observer.schedule(polling, path, recursive=True)
        self.observer.daemon = True
        self.observer.start()
        log.info(f"watching {', '.join(map(repr, paths))} for saves: the system's file events, MkDocs' polling as the fallback")

    @classmethod
    def start(cls, server: Any, paths: Iterable[str]) -> NativeWatch | None:
        """None where it cannot help: a server that rebuilds some other way, or a system without events.
        The caller then asks the server to watch the paths itself."""
        if not isinstance(getattr(server, "_rebuild_cond", None), threading.Condition) or not hasattr(server, "_want_rebuild") \
                or not hasattr(getattr(server, "observer", None), "schedule"):
            return None
        try:
            return cls(server, list(paths))
        except (OSError, RuntimeError) as exc:  # e.g. inotify's limit of watches
            log.info(f"native file events unavailable ({exc}); saves are seen by MkDocs' polling, within half a second")
            return None

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)
