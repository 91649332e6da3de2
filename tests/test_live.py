"""What a `mkdocs serve` session runs beside the preview: the search index (generator.site.live), brought
up to date after each save without a rebuild waiting for it; the files it links into each preview
(generator.site.blobs); the native file events that start a rebuild (generator.site.watch)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest
from watchdog.observers.polling import PollingObserver

from generator.site import search as search_module
from generator.site import watch as watch_module
from generator.site.blobs import Blobs, LinkedFiles
from generator.site.live import LiveSearch
from generator.site.search import BUNDLE, indexed_records, pack_records, page_record, word_counts
from generator.site.watch import NativeWatch


def records(**titles: str) -> dict[str, str]:
    """One hand-written page's record per name: `about="About us"` is about/index.html."""
    return {f"{name}/index.html": page_record(f"/{name}/", title, f"<p>{title} text</p>") for name, title in titles.items()}


def titles(site: Path) -> list[str]:
    return sorted(str(record["meta"]["title"]) for record in indexed_records(str(site)))  # type: ignore[index]


class _Session(LiveSearch):
    """A LiveSearch updated with records as text: they go to the session's Blobs first, as the plugin's do."""

    def __init__(self, parent: str) -> None:
        super().__init__(parent)
        self.blobs = Blobs(None, parent)

    def update(self, texts: dict[str, str]) -> None:  # type: ignore[override]
        super().update(pack_records(texts, self.blobs), self.blobs, word_counts(texts.values()))

    def close(self) -> None:
        super().close()
        self.blobs.close()


@pytest.fixture
def search(tmp_path: Path):  # type: ignore[no-untyped-def]
    session = _Session(str(tmp_path))
    yield session
    session.close()


def test_the_preview_gets_the_index_of_its_records_and_the_next_one_after_a_save(search: _Session, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    search.hold()
    search.update(records(about="About the list", guide="Contributing"))
    search.place(str(site))
    assert search.wait(120)
    assert titles(site) == ["About the list", "Contributing"]
    assert (site / BUNDLE / "vocabulary.gz").is_file()

    # A save that changes one page and removes the other: the preview's index follows, its old bundle goes
    search.hold()
    search.update(records(about="About the reading list"))
    search.place(str(site))
    assert search.wait(120)
    assert titles(site) == ["About the reading list"]
    # the session's folder holds the newest bundle and the records it was made from, in one file (no file per record)
    assert sorted(os.listdir(search.work)) == [f"bundle-{search.runs}", "pack-0.json"]
    assert json.loads((Path(search.work) / "pack-0.json").read_text(encoding="ascii")) == records(about="About the reading list")

    # A rebuild with the same records runs nothing, and its new site folder gets the bundle at once
    runs = search.runs
    again = tmp_path / "again"
    again.mkdir()
    search.hold()
    search.update(records(about="About the reading list"))
    search.place(str(again))
    assert search.runs == runs
    assert titles(again) == ["About the reading list"]

    work = search.work
    search.close()
    assert not os.path.exists(work)


def test_the_preview_indexes_records_in_parts(search: _Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `search.PART_RECORDS` records, a Pagefind run per part, one after another, each part's bundle in the first's."""
    monkeypatch.setattr(search_module, "PART_RECORDS", 2)
    site = tmp_path / "site"
    site.mkdir()
    search.update(records(a="Alpha", b="Beta", c="Gamma", d="Delta", e="Epsilon"))
    search.place(str(site))
    assert search.wait(120)
    assert titles(site) == ["Alpha", "Beta", "Delta", "Epsilon", "Gamma"]
    assert json.loads((site / BUNDLE / "parts.json").read_text(encoding="utf-8")) == {"parts": ["part-1/", "part-2/"]}
    assert [len(os.listdir(site / BUNDLE / part / "fragment")) for part in (".", "part-1", "part-2")] == [
        len(part) for part in search_module.record_parts(records(a="", b="", c="", d="", e=""))]

    search.hold()
    search.update(records(a="Alpha", b="Beta", c="Gamma, again", d="Delta", e="Epsilon"))
    search.place(str(site))
    assert search.wait(120)
    assert titles(site) == ["Alpha", "Beta", "Delta", "Epsilon", "Gamma, again"]


def test_pagefind_runs_at_a_lower_priority_and_on_one_core(search: _Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the indexer saw of its own priority, scheduling policy (field 41 of /proc/PID/stat; 5 is SCHED_IDLE) and
    thread count (a stand-in for Pagefind, which writes them where Pagefind writes its script): it runs with them
    from its first instruction, so every thread it starts has them too."""
    stand_in = tmp_path / "pagefind"
    stand_in.write_text(
        '#!/bin/sh\n'
        'while [ "$1" != "--output-path" ]; do shift; done\n'
        'policy=$(cut -d " " -f 41 /proc/$$/stat)\n'
        'mkdir -p "$2" && echo "nice=$(nice) policy=$policy rayon=$RAYON_NUM_THREADS tokio=$TOKIO_WORKER_THREADS" > "$2/pagefind.js"\n',
        encoding="utf-8",
    )
    stand_in.chmod(stand_in.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(search_module, "pagefind_binary", lambda: str(stand_in))
    site = tmp_path / "site"
    site.mkdir()
    search.update(records(about="About"))
    search.place(str(site))
    assert search.wait(30)
    assert (site / BUNDLE / "pagefind.js").read_text(encoding="utf-8") == "nice=10 policy=5 rayon=1 tokio=1\n"


def test_a_failed_run_keeps_the_previous_index_and_says_why(search: _Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    site = tmp_path / "site"
    site.mkdir()
    search.update(records(about="About"))
    search.place(str(site))
    assert search.wait(120)
    broken = tmp_path / "broken"
    broken.write_text("#!/bin/sh\necho 'Error: no records' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(search_module, "pagefind_binary", lambda: str(broken))
    search.hold()
    search.update(records(about="About, again"))
    search.place(str(site))
    assert search.wait(30)
    assert titles(site) == ["About"]
    assert "search index: pagefind failed (exit 3); the preview keeps its previous search:\nError: no records" in caplog.text


def test_a_session_writes_each_file_once_and_links_it_into_every_preview(tmp_path: Path) -> None:
    files = {"p/a.html": b"<p>A</p>", "p/b.html": b"<p>B</p>", "p/same-as-a.html": b"<p>A</p>"}
    blobs = Blobs(None, str(tmp_path))
    linked = LinkedFiles(str(tmp_path))
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    digests = {name: blobs.put(data) for name, data in files.items()}
    assert digests == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    linked.place(digests, blobs, str(first))
    assert {name: (first / name).read_bytes() for name in files} == files
    assert sorted(os.listdir(linked.folder)) == sorted({digests["p/a.html"], digests["p/b.html"]})  # one copy of each content
    assert os.path.samefile(first / "p" / "a.html", first / "p" / "same-as-a.html")

    # The next preview (MkDocs emptied the folder; a file of its own is in the way): one paper changed, one gone
    second.joinpath("p").mkdir(parents=True)
    second.joinpath("p", "a.html").write_bytes(b"stale")
    kept = os.stat(Path(linked.folder) / digests["p/b.html"]).st_ino
    changed = {"p/a.html": b"<p>A, changed</p>", "p/b.html": b"<p>B</p>"}
    linked.place({name: blobs.put(data) for name, data in changed.items()}, blobs, str(second))
    assert {p.relative_to(second).as_posix(): p.read_bytes() for p in second.rglob("*") if p.is_file()} == changed
    assert sorted(os.listdir(linked.folder)) == sorted(hashlib.sha256(data).hexdigest() for data in changed.values())
    assert os.stat(second / "p" / "b.html").st_ino == kept  # not written again
    assert (first / "p" / "a.html").read_bytes() == b"<p>A</p>"  # a link keeps its bytes when the session lets them go

    folder = linked.folder
    linked.close()
    assert not os.path.exists(folder)
    blobs.finish(set())  # a temporary folder goes with its build
    assert not os.path.exists(blobs.folder)


def test_files_kept_in_the_cache_folder_are_used_only_as_this_user_wrote_them(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    blobs = Blobs(str(cache))
    card, old = blobs.put(b"<p>card</p>"), blobs.put(b"<p>a card no build uses now</p>")
    written = os.stat(blobs.path(card)).st_mtime_ns
    assert blobs.put(b"<p>card</p>") == card and os.stat(blobs.path(card)).st_mtime_ns == written  # written once
    blobs.finish({card})
    assert sorted(os.listdir(cache / "files")) == sorted([card, "lock"])  # what this build did not use goes

    again = Blobs(str(cache))  # the next build: the manifest vouches for the file
    assert again.has(card) and not again.has(old)
    Path(again.path(card)).write_bytes(b"<script>planted</script>")  # changed in place: its stamp is not the manifest's
    assert not again.has(card)
    assert again.put(b"<p>card</p>") == card and Path(again.path(card)).read_bytes() == b"<p>card</p>"
    again.finish({card})

    planted = hashlib.sha256(b"<p>other</p>").hexdigest()  # a file a pull request put there, under the digest of what a build will make
    Path(cache / "files" / planted).write_bytes(b"<script>planted</script>")
    (cache / "files.sealed").write_text("{}", encoding="utf-8")  # and a manifest of its own, not sealed with this user's key
    third = Blobs(str(cache))
    assert not third.has(planted) and not third.has(card)
    assert third.put(b"<p>other</p>") == planted and Path(third.path(planted)).read_bytes() == b"<p>other</p>"


def test_a_build_beside_another_removes_none_of_its_files_and_the_manifest_keeps_both(tmp_path: Path) -> None:
    """A `mkdocs build` while a `mkdocs serve` session of the same project runs: the build used to remove
    every file it did not use, the session's included, and the session's next link or Pagefind run failed."""
    cache = tmp_path / "cache"
    session = Blobs(str(cache))
    theirs = session.put(b"<p>the session's card</p>")
    build = Blobs(str(cache))
    mine = build.put(b"<p>the build's card</p>")
    build.finish({mine})
    assert sorted(os.listdir(cache / "files")) == sorted([theirs, mine, "lock"])  # the session holds the folder too
    assert session.has(theirs)
    session.finish(set(), prune=False)  # the session ends (it never removes files)
    alone = Blobs(str(cache))
    assert alone.has(theirs) and alone.has(mine)  # each manifest written kept what the other build wrote
    alone.finish({mine})
    assert sorted(os.listdir(cache / "files")) == sorted([mine, "lock"])  # alone, a build removes what it did not use
    assert not Blobs(str(cache)).has(theirs)


class _Server:
    """What NativeWatch asks of a server: MkDocs' LiveReloadServer's rebuild flag, its condition, and its
    polling observer (MkDocs' polls every 0.5 s)."""

    def __init__(self, poll: float = 0.5) -> None:
        self._rebuild_cond = threading.Condition()
        self._want_rebuild = False
        self.observer = PollingObserver(timeout=poll)

    def wanted(self, timeout: float) -> bool:
        """Whether a rebuild was asked for within `timeout`; it is then taken, as the server's loop does."""
        with self._rebuild_cond:
            if not self._rebuild_cond.wait_for(lambda: self._want_rebuild, timeout=timeout):
                return False
            self._want_rebuild = False
            return True


def test_a_save_asks_the_server_for_one_rebuild_at_once_and_a_read_for_none(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    (entries / "memorization").mkdir(parents=True)
    entry = entries / "memorization" / "paper.yaml"
    entry.write_text("title: A paper\n", encoding="utf-8")
    server = _Server(poll=1.0)  # the native event comes first, well before the next poll
    watch = NativeWatch.start(server, [str(entries)])
    assert watch is not None
    server.observer.start()
    try:
        time.sleep(0.3)
        entry.read_text(encoding="utf-8")  # every build reads the entries: that is no change
        (entries / "new-section").mkdir()
        assert not server.wanted(1.0)
        entry.write_text("title: A paper, saved\n", encoding="utf-8")
        assert server.wanted(5.0)
        while server.wanted(0.3):  # the save's other events, if any (a truncation, then the write)
            pass
        assert not server.wanted(2.5)  # the polling saw the same save: no rebuild of its own
        entry.unlink()
        assert server.wanted(5.0)
        while server.wanted(0.3):
            pass
        assert not server.wanted(2.5)
    finally:
        watch.stop()
        server.observer.stop()
        server.observer.join()
    assert not watch.observer.is_alive()


def a_save_is_wanted(tmp_path: Path, server: _Server) -> bool:
    """Whether saving a watched entry asks `server` for a rebuild within 5 s."""
    entry = tmp_path / "paper.yaml"
    entry.write_text("title: A paper\n", encoding="utf-8")
    watch = NativeWatch.start(server, [str(tmp_path)])
    assert watch is not None
    server.observer.start()
    try:
        time.sleep(0.3)
        entry.write_text("title: A paper, saved\n", encoding="utf-8")
        return server.wanted(5.0)
    finally:
        watch.stop()
        server.observer.stop()
        server.observer.join()


def test_the_native_event_asks_for_the_rebuild_before_any_poll(tmp_path: Path) -> None:
    assert a_save_is_wanted(tmp_path, _Server(poll=3600))  # a polling that does not look again within the test


def test_without_native_events_the_polling_alone_asks_for_the_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the system's events never come (some network and container file systems), the server's polling does."""
    monkeypatch.setattr(watch_module, "Observer", lambda: PollingObserver(timeout=3600))  # events that never come
    assert a_save_is_wanted(tmp_path, _Server())


def test_a_server_that_rebuilds_another_way_is_left_to_its_own_watching(tmp_path: Path) -> None:
    assert NativeWatch.start(object(), [str(tmp_path)]) is None


def _recording_pagefind(tmp_path: Path, seconds: int = 0) -> Path:
    """A stand-in for Pagefind that writes down the folder it was told to index (`site.txt`) and the files there
    (`files.txt`), then writes a script where Pagefind writes its own, after `seconds`."""
    stand_in = tmp_path / "pagefind"
    stand_in.write_text(
        '#!/bin/sh\n'
        'while [ "$1" != "--site" ]; do shift; done\n'
        f'echo "$2" > {tmp_path}/site.txt\n'
        f'(cd "$2" && find . -type f | sort) > {tmp_path}/files.txt\n'
        'while [ "$1" != "--output-path" ]; do shift; done\n'
        f'sleep {seconds}\n'
        'mkdir -p "$2" && echo "// stand-in" > "$2/pagefind.js"\n',
        encoding="utf-8",
    )
    stand_in.chmod(stand_in.stat().st_mode | stat.S_IXUSR)
    return stand_in


@pytest.mark.parametrize("memory", [True, False], ids=["in memory", "on disk"])
def test_pagefind_reads_the_records_from_a_folder_of_their_own_that_goes_when_it_is_done(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory: bool) -> None:
    """The records come in one file (search.pack_records); Pagefind reads each from a file, written for the run
    to a folder in memory (/dev/shm) where there is room, else beside the bundle; the folder goes after the run."""
    from generator.site.search import SearchIndexer

    if memory and not os.access(search_module.SHARED_MEMORY, os.W_OK):
        pytest.fail(f"{search_module.SHARED_MEMORY} is not writable here: Linux has it")
    if not memory:
        monkeypatch.setattr(search_module, "SHARED_MEMORY", str(tmp_path / "no-such-folder"))
    monkeypatch.setattr(search_module, "pagefind_binary", lambda: str(_recording_pagefind(tmp_path)))
    blobs = Blobs(None, str(tmp_path))
    texts = records(about="About", guide="Contributing")
    site = tmp_path / "site"
    site.mkdir()
    SearchIndexer(pack_records(texts, blobs), blobs, word_counts(texts.values()), str(tmp_path)).finish(str(site))
    blobs.close()
    staged = Path((tmp_path / "site.txt").read_text(encoding="utf-8").strip())
    assert (tmp_path / "files.txt").read_text(encoding="utf-8").split() == sorted(f"./{name}" for name in texts)
    assert staged.is_relative_to(search_module.SHARED_MEMORY if memory else tmp_path)
    assert not staged.parent.exists()  # the run's folder (staged is its records/), gone
    assert (site / BUNDLE / "pagefind.js").read_text(encoding="utf-8") == "// stand-in\n"


def test_a_stopped_run_leaves_no_records_behind(search: _Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "pagefind_binary", lambda: str(_recording_pagefind(tmp_path, seconds=60)))
    search.update(records(about="About"))
    for _ in range(200):
        if (tmp_path / "files.txt").is_file() and (tmp_path / "files.txt").stat().st_size:
            break
        time.sleep(0.05)
    staged = Path((tmp_path / "site.txt").read_text(encoding="utf-8").strip())
    assert staged.is_dir()
    started = time.perf_counter()
    search.close()  # as when the preview stops: the run is killed, not waited for
    assert time.perf_counter() - started < 10 and not staged.parent.exists()


def test_a_run_that_cannot_start_says_why_and_leaves_no_records_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.site.search import SearchIndexer, SearchIndexError

    memory = tmp_path / "memory"
    memory.mkdir()
    monkeypatch.setattr(search_module, "SHARED_MEMORY", str(memory))

    def cannot(*args: object, **kwargs: object) -> None:
        assert os.listdir(memory)  # the records' folder was made for the run
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(search_module, "start_indexing", cannot)
    blobs = Blobs(None, str(tmp_path))
    texts = records(about="About")
    with pytest.raises(SearchIndexError, match=r"^could not run pagefind: \[Errno 11\] Resource temporarily unavailable$"):
        SearchIndexer(pack_records(texts, blobs), blobs, word_counts(texts.values()), str(tmp_path))
    blobs.close()
    assert os.listdir(memory) == []
