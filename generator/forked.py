"""Work done on the machine's second core: a forked child runs it while the build goes on.

A build is one Python process, and most of it is pure Python: one core. Parts of it do not depend on
each other (the section pages and the cards, say). `Forked(work)` runs `work` in a child made with
`fork()`, which starts at once with everything the parent has loaded, and `result()` takes back what
the child returned (pickled through a pipe) and replays what it logged, so MkDocs' strict mode
counts its warnings as if the parent had logged them.

The child is a copy: what `work` changes besides its return value is lost, so `work` returns all it
makes. Anything short of a clean result (the child raised, crashed or sent what does not unpickle)
makes `result()` run `work` in the parent instead, so errors and their messages are those of a
build without a child. No child is made where `fork()` is not safe to use: off Linux (macOS's system
libraries may not survive it), in a process with more than one thread (the child would inherit locks
another thread holds: `mkdocs serve` has its server and watcher threads), or with `enabled` off.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import sys
import threading
import typing
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

enabled = True  # tests turn it off to compare with the work done in the parent


def available() -> bool:
    return enabled and sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


class Forked(Generic[T]):
    """`work()`, run in a forked child when one can be made (and `worth` it: forking a big process and taking
    back the result costs tenths of a second), else in the parent when its result is asked for."""

    def __init__(self, work: Callable[[], T], worth: bool = True, idle: bool = False) -> None:
        """`idle`: the child runs only on a core nothing else wants (SCHED_IDLE, where the system has it): for work
        the parent can do itself when the child has not finished in time (`done`, `discard`)."""
        self._work = work
        self._parent = os.getpid()
        self._pid: int | None = None
        self._read: int | None = None
        self._status: int | None = None  # the child's exit status, once `done` has seen it exit
        self._idle = idle
        if worth and available():
            self._start()

    def _start(self) -> None:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # a child's exit would write the parent's buffered output a second time
        read = write = -1
        gc.freeze()  # the collector leaves the objects both share alone: neither process copies their pages to touch them
        try:
            read, write = os.pipe()
            pid = os.fork()
        except OSError:  # no more processes or files for this user: the parent does the work
            for end in (read, write):
                if end >= 0:
                    os.close(end)
            return
        finally:
            if os.getpid() == self._parent:
                gc.unfreeze()
        if pid == 0:  # the child: it never returns from here
            code = 1
            try:
                os.close(read)
                records: list[logging.LogRecord] = []
                logging.Logger.handle = lambda self, record: records.append(record)  # type: ignore[method-assign]
                if self._idle:
                    with contextlib.suppress(AttributeError, OSError):
                        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
                value = self._work()
                for record in records:  # what pickles: the message made, no traceback object
                    record.msg, record.args, record.exc_info = record.getMessage(), None, None
                with os.fdopen(write, "wb") as out:
                    pickle.dump((value, records), out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> T:
        if self._pid is None:
            return self._work()
        data = self._collect()
        try:
            value, records = pickle.loads(data) if data is not None else (None, None)
        except Exception:  # whatever the child sent, the parent can do the work itself
            records = None
        if records is None:
            return self._work()
        for record in records:
            logging.getLogger(record.name).handle(record)
        return typing.cast(T, value)

    def _collect(self) -> bytes | None:
        """The child's pickled result, once it has exited cleanly; None otherwise."""
        assert self._pid is not None and self._read is not None
        chunks = []
        with os.fdopen(self._read, "rb") as pipe:  # read to the end first: a full pipe would block the child
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        status = self._status if self._status is not None else os.waitpid(self._pid, 0)[1]
        self._pid = self._read = self._status = None
        return b"".join(chunks) if os.waitstatus_to_exitcode(status) == 0 else None

    def done(self) -> bool:
        """Whether `result()` would return without waiting for the child: there is none, or it has exited."""
        if self._pid is None or self._status is not None:
            return True
        pid, status = os.waitpid(self._pid, os.WNOHANG)
        if pid:
            self._status = status
        return bool(pid)

    def discard(self) -> None:
        """Stop the child (the parent failed, or does the work itself, and will not ask for its result)."""
        if self._pid is not None:
            if self._status is None:
                with contextlib.suppress(OSError):
                    os.kill(self._pid, 9)
                with contextlib.suppress(OSError):
                    os.waitpid(self._pid, 0)
            if self._read is not None:
                os.close(self._read)
            self._pid = self._read = self._status = None

    def __enter__(self) -> Forked[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()
