"""What builds keep in the cache folder: sealed files a pull request cannot forge, the search index
kept while its records stay the same, and the checks and output of a list that did not change, each
given up as soon as one of its inputs changes."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cachefile
from generator.cli import main
from generator.list.source import CHECKED_FILE, load_catalog
from generator.site.generate import BUILD_FILE, site_build
from generator.site.search import indexed_records

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Understanding deep learning requires rethinking generalization"


class _Planted:
    """A pickle that runs code when loaded: it would create the file `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.path), "w"))


def config(tmp_path: Path, cache: Path) -> Path:
    path = tmp_path / "mkdocs.test.yml"
    path.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {ROOT / 'docs'}\ntheme:\n  name: material\n  custom_dir: {ROOT / 'overrides'}\n"
                    f"plugins:\n  - search\n  - reading-list:\n      contributing: {ROOT / 'CONTRIBUTING.md'}\n      cache_dir: {cache}\n",
                    encoding="utf-8")
    return path


def build(entries: Path, site: Path, config_file: Path) -> int:
    return main(["build", "--config-file", str(config_file), "--entries", str(entries), "--site-dir", str(site)])


def bundle_names(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / "pagefind").rglob("*") if p.is_file())


def titles(site: Path) -> set[str]:
    return {str(record["meta"].get("title", "")) for record in indexed_records(str(site))}  # type: ignore[union-attr]


def test_processes_that_make_the_key_at_once_all_seal_with_the_one_written_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build's children make the key too when they write first (a child compiles the templates while the list is
    read): each must take the key on disk, or the files it seals are never read again."""
    import secrets

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    path = tmp_path / "home" / "deep-phenomena-reading-list" / "cache-key"
    theirs = b"k" * 32
    made = secrets.token_bytes

    def another_process_first(size: int) -> bytes:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(theirs)  # between this process's look and its write
        return made(size)

    cachefile._key.cache_clear()
    try:
        monkeypatch.setattr(cachefile.secrets, "token_bytes", another_process_first)
        assert cachefile._key() == theirs
        assert path.read_bytes() == theirs and [p.name for p in path.parent.iterdir()] == ["cache-key"]
        cachefile._key.cache_clear()
        path.write_bytes(b"cut")  # unusable: replaced
        monkeypatch.setattr(cachefile.secrets, "token_bytes", made)
        key = cachefile._key()
        assert key is not None and len(key) == 32 and path.read_bytes() == key
    finally:
        cachefile._key.cache_clear()


def test_a_cache_file_without_this_users_seal_is_never_unpickled(small_list: Path, tmp_path: Path) -> None:
    cache, marker = tmp_path / "cache", tmp_path / "pwned"
    cache.mkdir()
    body = pickle.dumps(_Planted(marker))
    for forged in (body, b"\0" * 32 + body, os.urandom(32) + body):  # no seal, a zero seal, a random one
        for name in (CHECKED_FILE, BUILD_FILE):
            (cache / name).write_bytes(forged)
        catalog, _ = load_catalog(str(small_list), cache_dir=str(cache))
        site_build(catalog, cache_dir=str(cache), related=0)
        assert not marker.exists()
        assert [e.title for e in catalog.entries if e.id == "zhang2017understanding"] == [TITLE]
    # what a build seals loads; with a single flipped byte it does not
    assert cachefile.load(str(cache / BUILD_FILE)) is not None
    sealed = (cache / BUILD_FILE).read_bytes()
    (cache / BUILD_FILE).write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 1]))
    assert cachefile.load(str(cache / BUILD_FILE)) is None


def test_sealed_json_comes_back_as_it_went_and_only_with_this_users_seal(tmp_path: Path) -> None:
    path = str(tmp_path / "data.sealed")
    value = {"key": "k", "html": "<p>Café, naïve, \u4e2d\u6587, a lone \udc80</p>" * 50_000, "n": [1, 2.5, None, True]}
    cachefile.dump_json(path, value)
    assert cachefile.load_json(path) == value
    sealed = (tmp_path / "data.sealed").read_bytes()
    (tmp_path / "data.sealed").write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 1]))
    assert cachefile.load_json(path) is None
    (tmp_path / "data.sealed").write_bytes(sealed[32:])  # the JSON alone, as anyone could write it
    assert cachefile.load_json(path) is None
    assert cachefile.load_json(str(tmp_path / "none.sealed")) is None


def test_the_list_checks_are_kept_until_a_list_file_changes(small_list: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    catalog, _ = load_catalog(str(small_list), cache_dir=cache)
    assert "Chiyuan Zhang" in catalog.entries[-1].authors or any("Chiyuan Zhang" in e.authors for e in catalog.entries)
    again, _ = load_catalog(str(small_list), cache_dir=cache)
    assert again == catalog
    # an alias file (no entry file changes): the kept checks and names must not be reused
    (small_list / "author-aliases.yaml").write_text("aliases:\n  Chiyuan Zhang: C. Zhang\n", encoding="utf-8")
    aliased, _ = load_catalog(str(small_list), cache_dir=cache)
    assert not any("Chiyuan Zhang" in e.authors for e in aliased.entries)
    assert any("C. Zhang" in e.authors for e in aliased.entries)


def test_the_kept_build_is_given_up_when_an_option_or_an_entry_changes(small_list: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    catalog, _ = load_catalog(str(small_list), cache_dir=cache)
    key, first = site_build(catalog, cache_dir=cache, related=0)
    kept_key, kept = site_build(catalog, cache_dir=cache, related=0)  # from the sealed file: the same, not made again
    assert (kept_key, kept.files, kept.nav, kept.records) == (key, first.files, first.nav, first.records)
    # pages are text for MkDocs; the data files and cards are kept as the UTF-8 bytes they are written as
    assert {type(text) for name, text in first.files.items() if name.endswith(".md")} == {str}
    assert {type(text) for name, text in first.files.items() if not name.endswith(".md")} == {bytes}
    assert (kept.slots.key, kept.slots.blocks, kept.slots.toc) == (first.slots.key, first.slots.blocks, first.slots.toc)
    other_key, other = site_build(catalog, cache_dir=cache, related=0, site_url="https://example.org/list/")
    assert other_key != key and b"https://example.org/list/" in other.files["feed.xml"]
    entry = small_list / "memorization" / "zhang2017understanding.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("title: ", "title: Revisited ", 1), encoding="utf-8")
    edited, _ = load_catalog(str(small_list), cache_dir=cache)
    edited_key, made = site_build(edited, cache_dir=cache, related=0, site_url="https://example.org/list/")
    assert edited_key != other_key
    revisited = f"Revisited {TITLE}".encode()
    assert revisited in made.files["papers.json"] and revisited not in other.files["papers.json"]


def test_the_search_index_is_kept_while_its_records_stay_the_same(small_list: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    config_file = config(tmp_path, cache)
    assert build(small_list, tmp_path / "first", config_file) == 0
    assert build(small_list, tmp_path / "again", config_file) == 0
    # Pagefind names its files by new hashes at every run: the same names mean it did not run again
    assert bundle_names(tmp_path / "again") == bundle_names(tmp_path / "first")
    assert os.path.samefile(tmp_path / "again" / "pagefind" / "pagefind.js", cache / "search" / "pagefind" / "pagefind.js")
    assert TITLE in titles(tmp_path / "again")

    entry = small_list / "memorization" / "zhang2017understanding.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("title: ", "title: Revisited ", 1), encoding="utf-8")
    assert build(small_list, tmp_path / "edited", config_file) == 0
    assert f"Revisited {TITLE}" in titles(tmp_path / "edited") and TITLE not in titles(tmp_path / "edited")
    # the earlier site keeps its own index: the cache's new bundle did not overwrite its files
    assert TITLE in titles(tmp_path / "first") and f"Revisited {TITLE}" not in titles(tmp_path / "first")

    entry.unlink()  # a record that goes is gone from the index, though its file was kept in the cache
    assert build(small_list, tmp_path / "removed", config_file) == 0
    assert not {TITLE, f"Revisited {TITLE}"} & titles(tmp_path / "removed")
    packs = [json.loads(path.read_text(encoding="ascii")) for path in (cache / "search").glob("pack-*.json")]
    assert packs and not [pack for pack in packs if "paper/zhang2017understanding.html" in pack]


def test_records_in_parts_are_indexed_and_kept_and_record_folders_of_earlier_versions_go(small_list: Path, tmp_path: Path,
                                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A list past `search.PART_RECORDS` records is indexed in parts (a Pagefind run each, part-1/, ... in the
    bundle): the same records in the index, and the bundle kept while they stay the same. A folder of record
    files, as earlier versions kept in the cache (`records/`, `records-1/`, ...), is neither indexed nor left."""
    from generator.site import search

    cache = tmp_path / "cache"
    config_file = config(tmp_path, cache)
    assert build(small_list, tmp_path / "whole", config_file) == 0
    monkeypatch.setattr(search, "PART_RECORDS", 4)
    assert build(small_list, tmp_path / "parts", config_file) == 0
    count = -(-len(indexed_records(str(tmp_path / "parts"))) // 4)
    assert count > 2 and sorted(titles(tmp_path / "parts")) == sorted(titles(tmp_path / "whole"))
    parts = json.loads((tmp_path / "parts" / "pagefind" / "parts.json").read_text(encoding="utf-8"))["parts"]
    assert parts == [f"part-{k}/" for k in range(1, count)]

    record = next(iter(indexed_records(str(tmp_path / "parts"))))
    planted = cache / "search" / "records-1" / "paper" / "planted.html"
    planted.parent.mkdir(parents=True)
    planted.write_text(f'<html><body><article class="md-content__inner"><h1>PWNED {record["url"]}</h1></article></body></html>', encoding="utf-8")
    (cache / "search" / "records.sealed").write_text("{}", encoding="utf-8")
    runs: list[object] = []
    monkeypatch.setattr(search, "start_indexing", lambda *args, **kwargs: runs.append(args))
    assert build(small_list, tmp_path / "again", config_file) == 0
    assert runs == [] and bundle_names(tmp_path / "again") == bundle_names(tmp_path / "parts")
    assert sorted(p.name for p in (cache / "search").iterdir() if p.name.startswith("records")) == []

    monkeypatch.undo()  # one part again
    assert build(small_list, tmp_path / "one", config_file) == 0
    assert sorted(titles(tmp_path / "one")) == sorted(titles(tmp_path / "whole"))
    assert json.loads((tmp_path / "one" / "pagefind" / "parts.json").read_text(encoding="utf-8")) == {"parts": []}
    assert not [r for site in ("again", "one") for r in indexed_records(str(tmp_path / site)) if "PWNED" in json.dumps(r)]


def test_a_build_without_a_cache_folder_leaves_nothing_beside_its_site(small_list: Path, tmp_path: Path) -> None:
    """With `cache_dir: ""` the cards, data files and search records are written to a temporary folder and
    linked into the site: the site has them all, and the folder is gone when the build ends."""
    out = tmp_path / "out"
    out.mkdir()
    config_file = tmp_path / "mkdocs.nocache.yml"
    config_file.write_text(config(tmp_path, tmp_path / "unused").read_text(encoding="utf-8").replace(
        f"cache_dir: {tmp_path / 'unused'}", 'cache_dir: ""'), encoding="utf-8")
    assert build(small_list, out / "site", config_file) == 0
    assert sorted(os.listdir(out)) == ["site"] and not (tmp_path / "unused").exists()
    site = out / "site"
    assert b"Deduplicating Training Data Makes Language Models Better" in (site / "p" / "lee2022deduplicating.html").read_bytes()
    assert json.loads((site / "papers.json").read_text(encoding="utf-8"))
    assert TITLE in titles(site)


def test_record_parts() -> None:
    from generator.site.search import record_parts

    records = {f"paper/p{i}.html": f"<p>{i}</p>" for i in range(1000)}
    parts = record_parts(records, 300)
    assert len(parts) == 4 and {name: text for part in parts for name, text in part.items()} == records
    assert sum(map(len, parts)) == len(records) and min(map(len, parts)) > 150
    assert record_parts(records, 1000) == [records] and record_parts({}, 10) == [{}]
    # a record's part follows from its name: one more record moves no other
    more = record_parts({**records, "paper/new.html": "<p>new</p>"}, 300)
    assert [{n: t for n, t in part.items() if n != "paper/new.html"} for part in more] == parts


@pytest.mark.parametrize("damage", ["manifest", "records", "bundle"])
def test_a_damaged_search_cache_only_costs_time(small_list: Path, tmp_path: Path, damage: str) -> None:
    cache = tmp_path / "cache"
    config_file = config(tmp_path, cache)
    assert build(small_list, tmp_path / "first", config_file) == 0
    script = (tmp_path / "first" / "pagefind" / "pagefind.js").read_bytes()
    if damage == "manifest":  # as a build interrupted before it vouched for the files it wrote leaves it
        (cache / "files.sealed").unlink()
        (cache / "search" / "bundle.sealed").unlink()
    elif damage == "records":  # the records changed behind the cache's back (the pack is a link to the file of the cache's files/)
        (cache / "search" / "pack-0.json").write_text(json.dumps({"paper/x.html": "<html><body>nothing</body></html>"}), encoding="ascii")
        (cache / "search" / "bundle.sealed").unlink()
    else:  # a file of the kept bundle changed in place (the first site's copy is the same file: a hard link)
        kept = cache / "search" / "pagefind" / "pagefind.js"
        kept.unlink()
        kept.write_text("document.title = 'changed';", encoding="utf-8")
    assert build(small_list, tmp_path / "again", config_file) == 0
    assert titles(tmp_path / "again") == titles(tmp_path / "first")
    assert (tmp_path / "again" / "pagefind" / "pagefind.js").read_bytes() == script


def test_a_cache_folder_a_pull_request_carries_is_never_used(small_list: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache folder sits in the working tree, so a pull request can carry one: made by its author's
    own builds (sealed with the author's key), then doctored. A compiled template that runs code, a search
    bundle whose script runs on every page, a paper's kept HTML: none of it may reach the maintainer's
    build, which seals with another key. Jinja's own bytecode files, which anyone can write, neither; nor
    a record added to the file of records Pagefind reads."""
    import jinja2
    from mkdocs.config import load_config

    from generator.site.plugin import theme_bytecode

    cache, config_file = tmp_path / "cache", config(tmp_path, tmp_path / "cache")

    def build_as(user: str, site: str) -> Path:
        command = [sys.executable, "-m", "generator", "build", "--config-file", str(config_file), "--entries", str(small_list),
                   "--site-dir", str(tmp_path / site)]
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / user)})
        return tmp_path / site

    build_as("author", "author-site")
    with monkeypatch.context() as patch:  # the author doctors the cache, sealing it with their key
        patch.setenv("XDG_CACHE_HOME", str(tmp_path / "author"))
        cachefile._key.cache_clear()
        try:
            env = load_config(str(config_file)).theme.get_env()
            source, filename, _ = env.loader.get_source(env, "404.html")  # type: ignore[union-attr]
            keys = theme_bytecode(str(cache / "jinja"))  # the keys the build looks templates up by
            bucket = jinja2.bccache.Bucket(env, keys.get_cache_key("404.html", filename), keys.get_source_checksum(source))
            bucket.code = env.compile("PWNED by a compiled template", "404.html", filename)
            (cache / "jinja" / f"__jinja2_{bucket.key}.cache").write_bytes(bucket.bytecode_to_string())  # Jinja's own cache file
            cachefile.dump(str(cache / "jinja" / f"{bucket.key}.sealed"), bucket.bytecode_to_string())
            bundle = cache / "search" / "pagefind"
            (bundle / "pagefind.js").write_text("document.title = 'PWNED by the search bundle';", encoding="utf-8")
            kept = cachefile.load_json(str(cache / "search" / "bundle.sealed"))
            assert isinstance(kept, dict)
            files = [(p.relative_to(bundle).as_posix(), p.stat()) for p in bundle.rglob("*") if p.is_file()]
            stamps = {name: [stat.st_size, stat.st_mtime_ns, stat.st_ino] for name, stat in files}
            cachefile.dump_json(str(cache / "search" / "bundle.sealed"), {**kept, "files": stamps})
            rendered = cachefile.load(str(cache / "rendered.sealed"))
            assert isinstance(rendered, dict) and rendered
            cachefile.dump(str(cache / "rendered.sealed"), {key: b"<p>PWNED by a kept paper</p>" for key in rendered})
            (cache / BUILD_FILE).unlink()  # so that the papers come from the doctored store
        finally:
            cachefile._key.cache_clear()  # the tests' own key again
    doctored = build_as("author", "doctored")  # the doctored cache works for its author: the attack is real
    assert "PWNED by a compiled template" in (doctored / "404.html").read_text(encoding="utf-8")
    assert "PWNED by the search bundle" in (doctored / "pagefind" / "pagefind.js").read_text(encoding="utf-8")
    assert "PWNED by a kept paper" in (doctored / "memorization" / "index.html").read_text(encoding="utf-8")

    pack = cache / "search" / "pack-0.json"  # the records Pagefind indexes, a link to the file of the cache's files/ that holds them
    records = json.loads(pack.read_text(encoding="ascii"))
    record = next(iter(records.values()))
    records["paper/planted.html"] = record.replace('content="', 'content="PWNED by a planted record ', 1)
    pack.write_text(json.dumps(records), encoding="ascii")
    assert any(p.samefile(pack) for p in (cache / "files").iterdir())

    site = build_as("maintainer", "maintainer-site")
    assert [p for p in site.rglob("*") if p.is_file() and b"PWNED" in p.read_bytes()] == []
    assert titles(site) == titles(tmp_path / "author-site")
    assert not [record for record in indexed_records(str(site)) if "PWNED" in json.dumps(record)]


def test_a_template_compiled_under_other_settings_is_never_loaded(tmp_path: Path) -> None:
    """Jinja keys a compiled template by its name, file and source only; the code also depends on the environment's settings
    (autoescape, trimming, filters), which the plugin's code and MkDocs make: SealedBytecode's salt (their versions) keys it too."""
    import jinja2

    from generator.site.render import SealedBytecode

    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "page.html").write_text("{{ text }}\n", encoding="utf-8")

    def render(autoescape: bool, salt: str) -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path / "t"), autoescape=autoescape,
                                 bytecode_cache=SealedBytecode(str(tmp_path / "compiled"), salt))
        return env.get_template("page.html").render(text="<b>")

    assert render(False, "settings 1") == "<b>"
    assert render(True, "settings 1") == "<b>"  # the code compiled without escaping, loaded: what the salt prevents
    assert render(True, "settings 2") == "&lt;b&gt;"
    assert render(False, "settings 1") == "<b>" and render(False, "settings 1") == "<b>"
    assert len(list((tmp_path / "compiled").iterdir())) == 1  # compiled again into the same file: the folder does not grow


def test_the_keys_are_the_same_in_every_process(small_list: Path) -> None:
    """Set order follows each process's string hashing: a key that printed a set as it came would
    never match in the next build, and nothing kept would ever be used."""
    (small_list / "keyword-aliases.yaml").write_text(
        "aliases: {}\ndistinct:\n  Memorization: [Memorisation, Memorizing]\n  Generalization: [Generalisation]\n  Label Noise: [Label Noises]\n",
        encoding="utf-8")
    script = ("import sys; from generator.list.source import load_catalog; from generator.site.generate import build_key; "
              "print(build_key(load_catalog(sys.argv[1])[0], related=0))")
    keys = {subprocess.run([sys.executable, "-c", script, str(small_list)], env={**os.environ, "PYTHONHASHSEED": str(seed)},
                           capture_output=True, text=True, check=True).stdout for seed in range(1, 6)}
    assert len(keys) == 1 and len(next(iter(keys)).strip()) == 64


def test_the_records_are_written_in_one_file(small_list: Path, tmp_path: Path) -> None:
    """A build writes its search records to its Blobs as one file (search.pack_records), not a file each: on
    this project's machine a new file costs up to a millisecond, and there are 11,000 records at 20 times the list."""
    import hashlib

    from generator.site.blobs import Blobs
    from generator.site.generate import Written, generate
    from generator.site.render import Slots
    from generator.site.store import Store

    catalog, _ = load_catalog(str(small_list))
    _, _, texts = generate(catalog, related=0, records=True)  # the records as made without a Blobs
    blobs = Blobs(None, str(tmp_path))
    try:
        written = Written(blobs)
        generate(catalog, related=0, records=True, written=written, slots=Slots(), store=Store(None))
        assert len(written.records.packs) == 1 and len(os.listdir(blobs.folder)) == 1 + len(set(written.files.values()))
        assert json.loads(Path(blobs.path(written.records.packs[0])).read_text(encoding="ascii")) == texts
        assert written.records.digests == {name: hashlib.sha256(text.encode()).hexdigest() for name, text in texts.items()}
    finally:
        blobs.close()
