"""generator.forked: work on the second core, and the build's output the same with it as without it."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from mkdocs.plugins import get_plugin_logger
from mkdocs.utils import CountHandler

from generator import forked
from generator.forked import Forked

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children are forked on Linux only")
ALONE = "READING_LIST_FORKED_TESTS_ALONE"  # set in the pytest of their own that these tests run in


def test_these_tests_in_a_process_without_threads(tmp_path: Path) -> None:
    """A process with threads makes no child (generator.forked.available), and the suite's process has the
    browser tests' threads: the checks below run as tests in a pytest of their own (see the end of the file)."""
    if os.environ.get(ALONE):
        assert threading.active_count() == 1
        return
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", str(tmp_path), __file__],
                            cwd=ROOT, env={**os.environ, ALONE: "1"}, capture_output=True, text=True, timeout=600)
    checks = sum(1 for name in globals() if name.startswith("check_"))
    assert result.returncode == 0 and f"{checks + 1} passed" in result.stdout, result.stdout[-5000:]


def check_the_work_runs_in_a_child_and_its_result_comes_back() -> None:
    assert forked.available()
    big = "x" * (3 << 20)  # more than a pipe holds: the parent reads while the child writes
    other = Forked(lambda: (os.getpid(), big + "y"))
    pid, text = other.result()
    assert pid != os.getpid() and text == big + "y"


def check_what_the_child_logs_the_parent_logs_and_strict_mode_counts(caplog: pytest.LogCaptureFixture) -> None:
    counter = CountHandler()
    counter.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(counter)
    try:
        log = get_plugin_logger("generator.site.datafiles")

        def work() -> int:
            log.warning("entries/a.yaml:3: title: %s is left out", "U+FFFE")
            log.info("only said")
            return os.getpid()

        with caplog.at_level(logging.INFO):
            assert Forked(work).result() != os.getpid()
        assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
            ("WARNING", "generator: entries/a.yaml:3: title: U+FFFE is left out"), ("INFO", "generator: only said")]
        assert counter.get_counts() == [("WARNING", 1)]
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)


def check_a_child_that_fails_leaves_the_work_to_the_parent() -> None:
    parent = os.getpid()

    def fails_in_a_child() -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return 7

    assert Forked(fails_in_a_child).result() == 7
    assert Forked(lambda: os._exit(3) if os.getpid() != parent else 8).result() == 8  # it dies
    assert Forked(lambda: (lambda: None) if os.getpid() != parent else 9).result() == 9  # what it sends does not pickle

    def always_fails() -> None:
        raise ValueError("entries/a.yaml:1: the message a build without a child gives")

    with pytest.raises(ValueError, match="the message a build without a child gives"):
        Forked(always_fails).result()


def check_no_child_when_the_system_has_no_more_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    opened = len(os.listdir("/proc/self/fd"))
    assert Forked(os.getpid).result() == os.getpid()
    assert len(os.listdir("/proc/self/fd")) == opened  # the pipe was closed


def check_no_child_in_a_process_with_threads_or_when_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forked.available()
        assert Forked(os.getpid).result() == os.getpid()
    finally:
        stop.set()
        thread.join()
    monkeypatch.setattr(forked, "enabled", False)
    assert Forked(os.getpid).result() == os.getpid()


def check_a_parent_that_fails_stops_its_child() -> None:
    with pytest.raises(KeyError), Forked(lambda: time.sleep(60)) as other:
        pid = other._pid
        assert pid is not None
        raise KeyError("the parent's own error")
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # killed and reaped: no zombie left


def check_an_idle_child_runs_only_on_a_core_nothing_else_wants_and_done_says_when_it_has_finished() -> None:
    assert Forked(lambda: os.sched_getscheduler(0), idle=True).result() == os.SCHED_IDLE
    assert Forked(lambda: os.sched_getscheduler(0)).result() == os.sched_getscheduler(0) != os.SCHED_IDLE
    assert Forked(lambda: os.sched_getscheduler(0), worth=False, idle=True).result() == os.sched_getscheduler(0)  # the parent's own work: never idle
    slow = Forked(lambda: time.sleep(0.5) or "slept")
    assert not slow.done()
    deadline = time.monotonic() + 60
    while not slow.done() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert slow.done() and slow.done()  # seen exiting once, then known
    assert slow.result() == "slept"
    assert Forked(os.getpid, worth=False).done()
    stopped = Forked(lambda: time.sleep(60))
    pid = stopped._pid
    assert pid is not None and not stopped.done()
    stopped.discard()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _first_build(tmp_path: Path, name: str, hook: str | None = None, partial: str | None = None) -> tuple[Path, Path, set[str]]:
    """A first build of the list (in this process, as `python -m generator build` runs it) with a cache folder of its own;
    `hook`: the text of a MkDocs hook module, `partial`: the text of a theme override of partials/copyright.html.
    The site, the cache folder, and the templates this process compiled (the theme's, the plugin's)."""
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig

    from generator.cli import main

    MkDocsConfig.plugins.plugin_cache.clear()  # MkDocs keeps the plugin (it has on_startup) for the process's next build: a new one
    overrides = tmp_path / f"overrides-{name}"
    shutil.copytree(ROOT / "overrides", overrides)
    if partial is not None:
        (overrides / "partials" / "copyright.html").write_text(partial, encoding="utf-8")
    hooks = ""
    if hook is not None:
        (tmp_path / f"hook_{name}.py").write_text(hook, encoding="utf-8")
        hooks = f"hooks:\n  - {tmp_path / f'hook_{name}.py'}\n"
    cache, site = tmp_path / f"cache-{name}", tmp_path / f"site-{name}"
    config = tmp_path / f"mkdocs-{name}.yml"
    config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {ROOT / 'docs'}\ntheme:\n  name: material\n  custom_dir: {overrides}\n{hooks}"
                      f"plugins:\n  - search\n  - reading-list:\n      contributing: {ROOT / 'CONTRIBUTING.md'}\n      cache_dir: {cache}\n",
                      encoding="utf-8")
    compiled: set[str] = set()
    compile_here = jinja2.Environment.compile

    def compile_recorded(env: jinja2.Environment, source: Any, name: str | None = None, filename: str | None = None, *args: Any,
                         **kwargs: Any) -> Any:
        if filename:  # a template of a file (the theme's, MkDocs' own, the plugin's), not a string
            compiled.add(name or "")
        return compile_here(env, source, name, filename, *args, **kwargs)

    jinja2.Environment.compile = compile_recorded  # type: ignore[method-assign]
    try:
        assert main(["build", "--config-file", str(config), "--entries", str(ROOT / "entries"), "--site-dir", str(site)]) == 0
    finally:
        jinja2.Environment.compile = compile_here  # type: ignore[method-assign]
    return site, cache, compiled


def check_a_first_build_has_a_child_compile_the_templates_while_it_reads_the_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The child compiles main.html, the static templates and what they name, and the plugin's own templates; the build loads
    them compiled: the same site as a build without children. Another plugin's `on_env` (a hook that changes nothing) leaves
    the theme's to the build. The build waits for the child here: at idle priority it may not be done in time on a busy
    machine (see the last of these checks): the plugin's own, from its first page, the theme's, from MkDocs' first."""
    done = Forked.done

    def waited(self: Forked[Any]) -> bool:
        while not done(self):
            time.sleep(0.01)
        return True

    monkeypatch.setattr(Forked, "done", waited)
    from generator.site.plugin import ReadingListPlugin

    on_files = ReadingListPlugin.on_files

    def after_the_child(plugin: ReadingListPlugin, *args: Any, **kwargs: Any) -> Any:  # which the plugin's templates need
        if plugin.compiling is not None:
            plugin.compiling.done()
        return on_files(plugin, *args, **kwargs)

    monkeypatch.setattr(ReadingListPlugin, "on_files", after_the_child)
    theme = {"main.html", "base.html", "404.html", "sitemap.xml", "partials/header.html", "partials/search.html"}
    own = {"section.md.j2", "entry.html.j2", "home.md.j2", "keywords.md.j2", "coins.html.j2"}
    site, cache, compiled = _first_build(tmp_path, "child")
    kept = {p.name for p in (cache / "jinja").iterdir()}
    assert len(kept) >= 30 and all(name.endswith(".sealed") for name in kept)  # main.html, base.html, partials, ours; none half written
    assert not compiled & (theme | own), sorted(compiled & (theme | own))
    _, _, compiled_hooked = _first_build(tmp_path, "hooked", hook="def on_env(env, config, files):\n    return env\n")
    assert theme <= compiled_hooked and not compiled_hooked & own
    monkeypatch.setattr(forked, "enabled", False)
    itself, _, compiled_itself = _first_build(tmp_path, "itself")
    assert theme | own <= compiled_itself
    pages = sorted(p.relative_to(site) for p in site.rglob("*.html") if "pagefind" not in p.parts)
    assert pages == sorted(p.relative_to(itself) for p in itself.rglob("*.html") if "pagefind" not in p.parts) and len(pages) > 20
    for page in [*pages, Path("sitemap.xml")]:
        assert (site / page).read_bytes() == (itself / page).read_bytes(), page


def check_a_filter_another_plugin_sets_reaches_the_themes_templates_in_a_first_build(tmp_path: Path) -> None:
    """A hook's `on_env` makes the `upper` filter one that takes the template's context; the theme's footer uses it on a
    constant. Compiled before that hook ran, the footer would hold Jinja's own `upper` of the constant, worked out when
    it was compiled ("PAGE: "): so no child compiles the templates while another plugin changes their environment."""
    hook = ("import jinja2\n\n@jinja2.pass_context\ndef page_title(context, prefix):\n    page = context.get('page')\n"
            "    return prefix + (page.title if page else 'none')\n\n"
            "def on_env(env, config, files):\n    env.filters['upper'] = page_title\n    return env\n")
    site, _, compiled = _first_build(tmp_path, "filter", hook=hook, partial="<div class=\"dlp-test-footer\">{{ 'Page: ' | upper }}</div>\n")
    assert "partials/copyright.html" in compiled
    assert '<div class="dlp-test-footer">Page: Statistics</div>' in (site / "stats" / "index.html").read_text(encoding="utf-8")


def check_a_child_still_compiling_when_the_pages_are_rendered_is_stopped_and_leaves_no_half_written_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a busy machine the idle child may not be done when the first page is rendered: the build does not wait for it."""
    from generator.site import plugin as plugin_module

    def stuck(config: object, folder: str, templates: str | None, theme: bool) -> None:
        os.makedirs(folder, exist_ok=True)
        Path(folder, "0123.sealed.99").write_bytes(b"half")  # as cachefile writes one, before it is renamed
        time.sleep(60)

    monkeypatch.setattr(plugin_module, "compile_templates", stuck)
    started = time.monotonic()
    site, cache, compiled = _first_build(tmp_path, "stuck")
    assert time.monotonic() - started < 30
    assert "main.html" in compiled and (site / "index.html").is_file()
    assert all(p.name.endswith(".sealed") for p in (cache / "jinja").iterdir())


def check_reading_and_generating_the_list_give_the_same_with_a_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the list with one broken file: the same entries, problems, pages, files, records and kept
    results, whether half the files are checked and the related papers, data files, cards and records made in children or not."""
    from generator.list import source
    from generator.list.source import load_catalog, read_list
    from generator.site.generate import generate
    from generator.site.render import Slots
    from generator.site.store import Store

    entries = tmp_path / "entries"
    shutil.copytree(ROOT / "entries", entries)
    broken = sorted(entries.glob("*/*.yaml"))[0]
    broken.write_text(broken.read_text(encoding="utf-8").replace("title:", "title: [", 1), encoding="utf-8")
    real_fork, real_load = os.fork, source.load_bytes

    def run(fork: bool) -> tuple[tuple[object, ...], int]:
        """What reading and generating give, and how many files this process parsed."""
        monkeypatch.setattr(forked, "enabled", fork)
        source._checked.results.clear()  # every file new: the first build's case
        source._parsed.clear()
        spawned, parsed = [], []  # forks, and files parsed in this process (a child's count stays in the child)
        monkeypatch.setattr(os, "fork", lambda: spawned.append(1) or real_fork())
        monkeypatch.setattr(source, "load_bytes", lambda *a: parsed.append(1) or real_load(*a))
        info, listed, problems = read_list(str(entries))
        shutil.move(str(broken), tmp_path / "broken.yaml")
        catalog, _ = load_catalog(str(entries))
        shutil.move(str(tmp_path / "broken.yaml"), str(broken))
        store, slots = Store(None), Slots()
        _, files, records = generate(catalog, slots=slots, store=store, related=5, records=True)
        monkeypatch.setattr(os, "fork", real_fork)
        assert len(spawned) == (4 if fork else 0)  # the first read of the list (the second has every file checked), the generation (three)
        pages = {name: slots.inline(text) for name, text in files.items() if name.endswith(".md")}  # placeholders differ: their HTML
        return (info, listed, [str(p) for p in problems], pages, files.keys(), records, store.used, store.misses), len(parsed)

    with_child, parsed_with_child = run(True)
    without, parsed_without = run(False)
    assert with_child == without
    assert any(str(broken.relative_to(tmp_path)) in p for p in without[2])  # type: ignore[attr-defined]
    files = len(without[1]) + 1  # type: ignore[arg-type]  # the broken file too
    assert parsed_without - parsed_with_child == files - files // 2  # the child's half is parsed once, in the child


def check_the_section_pages_come_last_with_the_related_papers_and_records_known(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a Blobs (the plugin's way), the related papers and the search records are made in children of their own while the
    pages that show no paper are rendered; the records are told (Written.made_records) before the section pages, for Pagefind
    to index them meanwhile, and the section pages show the related papers. The same records, words and files as without children."""
    from generator.list.source import load_catalog
    from generator.site import generate as generate_module
    from generator.site import pages as pages_module
    from generator.site.blobs import Blobs
    from generator.site.render import Slots
    from generator.site.store import Store

    catalog, _ = load_catalog(str(ROOT / "entries"))
    rendering = pages_module.render_page

    def run(fork: bool) -> tuple[object, ...]:
        monkeypatch.setattr(forked, "enabled", fork)
        events: list[object] = []

        def render_page(env: object, site: Any, template: str, *args: object, **kwargs: object) -> str:
            events.append((template, len(site.related)))
            return rendering(env, site, template, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(pages_module, "render_page", render_page)
        blobs = Blobs(None, str(tmp_path))
        try:
            written = generate_module.Written(blobs, lambda records, words: events.append("records"))
            generate_module.generate(catalog, slots=Slots(), store=Store(None), related=5, records=True, written=written)
        finally:
            blobs.close()
        told = events.index("records")
        before, after = set(events[:told]), set(events[told + 1:])
        assert {template for template, _ in before} == {page.template for page in pages_module.PAGES if not page.per_section}  # type: ignore[misc]
        assert after == {("section.md.j2", len(catalog.entries))}  # the related papers of every paper known
        return written.records, written.words, written.files

    assert run(True) == run(False)


def check_a_sessions_first_build_finds_the_related_papers_itself_and_keeps_the_texts_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under `mkdocs serve` the next rebuild finds the related papers again from the terms of the texts that did not change
    (similarity.term_counts): the first build finds them in this process, so that it keeps those terms."""
    from generator.list.source import load_catalog
    from generator.site import related as related_module
    from generator.site.generate import generate
    from generator.site.render import Slots
    from generator.site.store import Store
    from generator.text import similarity

    catalog, _ = load_catalog(str(ROOT / "entries"))
    related_module._cache.clear()
    similarity.term_counts.cache_clear()
    spawned = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: spawned.append(1) or real_fork())
    generate(catalog, slots=Slots(), store=Store(None), related=5, session=True)
    assert len(spawned) == 1  # the data files and cards only
    assert similarity.term_counts.cache_info().currsize == len({related_module.paper_text(e) for e in catalog.entries})
    similarity.term_counts.cache_clear()
    related_module._cache.clear()
    generate(catalog, slots=Slots(), store=Store(None), related=5)
    assert len(spawned) == 3 and similarity.term_counts.cache_info().currsize == 0  # a build: its child finds them, keeping nothing


def check_a_build_that_finds_results_kept_makes_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a save, most of the work is kept (the store): forking a big process would cost more than it saves."""
    from generator.list.source import load_catalog
    from generator.site.generate import generate
    from generator.site.render import Slots
    from generator.site.store import Store

    catalog, _ = load_catalog(str(ROOT / "entries"))
    spawned = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: spawned.append(1) or real_fork())
    store = Store(None)
    generate(catalog, slots=Slots(), store=store, related=5)
    store.finish()  # what this build made is kept for the next
    assert len(spawned) == 2  # the related papers, the data files and cards (no records asked for)
    generate(catalog, slots=Slots(), store=store, related=5)
    assert len(spawned) == 2 and store.misses == 0

if os.environ.get(ALONE):  # the pytest of their own collects the checks as tests
    globals().update({f"test_{name.removeprefix('check_')}": check for name, check in list(globals().items()) if name.startswith("check_")})
