"""What the benchmarks share: the repo's paths (importable `generator` and tests/browser's
`harness`), progress on stderr, the subprocesses' environment, portable copies of the repo's
mkdocs.yml, synthetic copies of a list, a temp dir that --keep keeps, Debian's Chromium, and the
figures written as JSON.

Imported as `common` by bench/bench_*.py, run as scripts (their folder is on sys.path then).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parent.parent
for _path in (REPO, REPO / "tests" / "browser"):  # `generator` without installing it; `harness`
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from harness import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

from generator.commands import project  # noqa: E402
from generator.list.emit import format_entry, write_text  # noqa: E402
from generator.list.identifiers import arxiv_from_url, doi_from_url  # noqa: E402
from generator.list.source import entry_files, read_list  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser

OUT = REPO / "bench" / "out"  # where the figures go unless --out says otherwise
CONFIG = REPO / "mkdocs.yml"
PLUGIN = "reading-list"
HASH_SEED = "0"
SYNTHETIC_DOI = "10.99999/synthetic"  # DOIs for copies of papers that have no id at all
MAX_FILES = 999  # per folder in the synthetic list (GitHub lists at most 1,000)


def say(text: str = "") -> None:
    """Progress: on stderr, so that stdout holds only the report."""
    print(text, file=sys.stderr, flush=True)


PYCACHE: list[str] = []  # set by bench_build.py's main(): bytecode caches of the subprocesses, inside the temp dir


def env(**extra: str) -> dict[str, str]:
    """The environment of the subprocesses, plus `extra`."""
    # A fixed hash seed: the generator's output must be the same in the capture and in the timed
    # builds. Bytecode goes to a cache in the temp dir: nothing is written into the repo, and no
    # build pays for compiling modules another build already compiled (stale .pyc of files being
    # edited would otherwise be recompiled in every process).
    base = {k: v for k, v in os.environ.items() if not (PYCACHE and k == "PYTHONDONTWRITEBYTECODE")}
    pycache = {"PYTHONPYCACHEPREFIX": PYCACHE[0]} if PYCACHE else {}
    return {**base, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": HASH_SEED, **pycache, **extra}


# --- mkdocs.yml: read it keeping MkDocs' custom tags (!ENV, !relative, !!python/name:...) -------------


def read_config_file(path: Path) -> dict[str, Any]:
    try:
        return project.read_config(str(path))  # tags such as !ENV kept as written
    except ValueError as exc:
        raise SystemExit(str(exc)) from None


def read_config() -> dict[str, Any]:
    return read_config_file(CONFIG)


def _absolute(value: Any) -> Any:
    """A path of the repo's mkdocs.yml made absolute, so a copy of the config works from anywhere."""
    return str((CONFIG.parent / value).resolve()) if isinstance(value, str) else value


def _plugin_items(config: dict[str, Any]) -> list[tuple[str, Any]]:
    plugins = config.get("plugins", [])
    if isinstance(plugins, dict):
        return list(plugins.items())
    return [(p, None) if isinstance(p, str) else next(iter(p.items())) for p in plugins]


def plugin_options() -> set[str]:
    """The option names the plugin's config knows (older versions have no cache_dir)."""
    from generator.site.plugin import ReadingListConfig

    return {name for name, _ in ReadingListConfig._schema}


def derived_config(docs_dir: Path | str, entries: str | None, nav: list[Any] | None, cache_dir: Path | None = None) -> dict[str, Any]:
    """The repo's config with absolute paths; `entries` None drops the reading-list plugin. The
    plugin's disk cache goes to `cache_dir` (in the temp dir), never to the repo's .cache/."""
    config = read_config()
    config["docs_dir"] = str(docs_dir)
    for key in ("INHERIT",):
        if key in config:
            config[key] = _absolute(config[key])
    for key in ("hooks", "watch"):
        if isinstance(config.get(key), list):
            config[key] = [_absolute(v) for v in config[key]]
    theme = config.get("theme")
    if isinstance(theme, dict) and "custom_dir" in theme:
        theme["custom_dir"] = _absolute(theme["custom_dir"])
    plugins: list[Any] = []
    for name, options in _plugin_items(config):
        if name == PLUGIN:
            if entries is None:
                continue
            options = dict(options or {})
            options["entries"] = entries
            for key in ("templates", "cache_dir", "contributing"):
                if options.get(key):
                    options[key] = _absolute(options[key])
            if cache_dir is not None and "cache_dir" in plugin_options():
                options["cache_dir"] = str(cache_dir)
        plugins.append(name if options is None else {name: options})
    config["plugins"] = plugins
    if nav is not None and config.get("nav") is None:
        config["nav"] = nav
    return config


def write_config(path: Path, config: dict[str, Any]) -> None:
    path.write_text(project.dump_config(config), encoding="utf-8")


def repo_docs_dir() -> Path:
    return Path(_absolute(read_config().get("docs_dir", "docs")))


# --- the synthetic list ---------------------------------------------------------------------------------

_NEW_ARXIV = re.compile(r"^(?P<prefix>[0-9]{4}\.)(?P<seq>[0-9]{4,5})$|^(?P<oprefix>[a-z-]+(?:\.[A-Z]{2})?/[0-9]{4})(?P<oseq>[0-9]{3})$")


class ArxivSpace:
    """Fresh, well-formed arXiv ids in the same month as the original, from the top of the number
    range down (real monthly counts stay far below it), never one the list already uses."""

    def __init__(self, used: set[str]) -> None:
        self.used = set(used)
        self.next: dict[str, int] = {}
        self.memo: dict[tuple[str, int], str] = {}

    def variant(self, arxiv: str, k: int) -> str:
        if (arxiv, k) in self.memo:
            return self.memo[(arxiv, k)]
        match = _NEW_ARXIV.match(arxiv)
        if not match:
            raise SystemExit(f"cannot make a variant of arXiv id {arxiv!r}")
        prefix = match["prefix"] or match["oprefix"]
        width = len(match["seq"] or match["oseq"])
        number = self.next.get(prefix, 10**width - 1)
        while f"{prefix}{number:0{width}d}" in self.used:
            number -= 1
        if number < 10 ** (width - 1):
            raise SystemExit(f"ran out of arXiv ids for {prefix}")
        new = f"{prefix}{number:0{width}d}"
        self.used.add(new)
        self.next[prefix] = number - 1
        self.memo[(arxiv, k)] = new
        return new


def _with_suffix_after(url: str, needle: str, suffix: str) -> str | None:
    at = url.lower().find(needle.lower())
    return None if at < 0 else url[: at + len(needle)] + suffix + url[at + len(needle) :]


def variant_links(links: dict[str, str], k: int, tag: str, arxiv: ArxivSpace) -> dict[str, str]:
    out = {}
    for label, url in links.items():
        new: str | None = None
        if (old := arxiv_from_url(url)) is not None:
            new = url.replace(old, arxiv.variant(old, k), 1)
        elif (doi := doi_from_url(url)) is not None:
            new = _with_suffix_after(url, doi, f"-{tag}")
        if new is None:  # a plain link: a fragment makes it distinct and changes nothing it points at
            new = f"{url}-{tag}" if "#" in url else f"{url}#{tag}"
        out[label] = new
    return out


def make_synthetic(source: Path, target: Path, scale: int) -> dict[str, Any]:
    """`scale` copies of every entry (the original plus scale-1 variants) in <section>/<year>/[pNN/]."""
    started = time.perf_counter()
    info, entries, problems = read_list(str(source))
    if info is None or any(p.severity == "error" for p in problems):
        raise SystemExit(f"{source}: the list has errors; run python -m generator check --entries {source}")
    used = {e.arxiv for e in entries if e.arxiv} | {a for e in entries for _, u in e.links if (a := arxiv_from_url(u))}
    space = ArxivSpace(used)
    width = max(2, len(str(scale - 1)))
    per_group = Counter((e.section, e.year) for e in entries)
    # the list's own files beside the entries (sections, key word aliases, moved papers, notices)
    entry_paths = {os.path.abspath(path) for path, _ in entry_files(str(source))[0]}
    for item in source.iterdir():
        if item.is_file() and str(item.resolve()) not in entry_paths:
            shutil.copyfile(item, target / item.name)
    written = 0
    for entry in entries:
        base = entry.to_dict()
        base.pop("section", None)  # the folder says it
        count = per_group[(entry.section, entry.year)]
        variants_per_folder = scale if count * scale <= MAX_FILES else max(1, MAX_FILES // count)
        has_ids = bool(entry.arxiv or entry.doi or any(arxiv_from_url(u) or doi_from_url(u) for _, u in entry.links))
        for k in range(scale):
            data = dict(base)
            if k:
                tag = f"x{k:0{width}d}"
                data["id"] = f"{entry.id}-{tag}"
                data["title"] = f"{entry.title} (variant {k})"
                if entry.arxiv:
                    data["arxiv"] = space.variant(entry.arxiv, k)
                if entry.doi:
                    data["doi"] = f"{entry.doi}-{tag}"
                if entry.links:
                    data["links"] = variant_links(dict(entry.links), k, tag, space)
            if not has_ids:
                # No arXiv id and no DOI: only the title would tell the copies apart, and the duplicate
                # check calls titles 93% alike one paper. A DOI of its own (all copies, the original too)
                # tells them apart as two arXiv ids do.
                data["doi"] = f"{SYNTHETIC_DOI}/{entry.id}.x{k:0{width}d}"
            folder = target / entry.section / str(entry.year)
            if variants_per_folder < scale:
                folder = folder / f"p{k // variants_per_folder:02d}"
            path = folder / f"{data['id']}.yaml"
            write_text(str(path), format_entry(data, str(path)))
            written += 1
    biggest = max(len(files) for _, _, files in os.walk(target))
    return {"entries": written, "source_entries": len(entries), "largest_folder": biggest, "seconds": time.perf_counter() - started}


# --- runs --------------------------------------------------------------------------------------------


def measured_run(cmd: list[str], **kwargs: Any) -> tuple[float, Any, str]:
    """Run a command: wall seconds, its resource usage (os.wait4: of that process and the children it
    waited for, whatever else this script ran before; ru_maxrss in KiB) and its output. Exit on failure."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, **kwargs)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read().decode("utf-8", errors="replace")
    if proc.returncode != 0:
        say(output[-4000:])
        raise SystemExit(f"failed (exit {proc.returncode}): {' '.join(map(str, cmd))}")
    return seconds, usage, output


@contextmanager
def temp_dir(prefix: str, keep: bool) -> Iterator[Path]:
    """A temp dir for lists, configs and sites; removed afterwards unless `keep` (then its path is said)."""
    temp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield temp
    finally:
        if keep:
            say(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium (or $DLP_CHROMIUM) through Playwright, launched as the browser tests launch it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a `mkdocs serve`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a `mkdocs serve` as Ctrl-C does (it removes its temp site); terminate, then kill, if it lingers."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def write_json(path: Path, data: Any, indent: int = 2) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=indent) + "\n", encoding="utf-8")
    return path


def write_results(path: Path, results: dict[str, Any], report: str) -> None:
    """The figures to `path`, the report to stdout, and where the figures are."""
    write_json(path, results)
    print(report)
    print(f"\nwritten: {path}")
