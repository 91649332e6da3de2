"""export-readme: the list as a GitHub README again, read back by import-readme, inert on GitHub."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from generator.cli import main
from generator.commands import gfm
from generator.commands.export import GENERATED, MAX_FILE_BYTES, export_readme
from generator.commands.ids import base_id
from generator.commands.readme_import import import_readme
from generator.list.source import read_list
from generator.model import Entry

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = ROOT / "entries"
# every field the README format carries; `date` and `added` it does not
ROUND_TRIP_FIELDS = ("id", "title", "authors", "venue", "year", "arxiv", "doi", "links", "keywords", "digest", "section", "also_in")


def export(entries: Path, out: Path) -> dict[Path, bytes]:
    written = export_readme(str(entries), str(out / "README.md"))
    return {Path(path): Path(path).read_bytes() for path in written}


def entries_of(folder: Path) -> dict[str, Entry]:
    info, entries, problems = read_list(str(folder))
    assert info is not None
    assert [p for p in problems if p.severity == "error"] == []
    return {e.id: e for e in entries}


def round_trip(entries: Path, tmp_path: Path) -> Path:
    export(entries, tmp_path / "export")
    imported = tmp_path / "imported"
    import_readme(str(tmp_path / "export" / "README.md"), str(imported), follow_links=True)
    return imported


def differences(original: dict[str, Entry], imported: dict[str, Entry]) -> list[tuple[str, str, object, object]]:
    return [
        (entry_id, name, getattr(entry, name), getattr(imported[entry_id], name))
        for entry_id, entry in original.items()
        for name in ROUND_TRIP_FIELDS
        if getattr(entry, name) != getattr(imported[entry_id], name)
    ]


@pytest.fixture(scope="module")
def real_export(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, bytes]:
    return export(ENTRIES, tmp_path_factory.mktemp("export"))


def test_round_trip_of_the_committed_list_gives_back_every_entry_field_by_field(tmp_path: Path) -> None:
    imported = round_trip(ENTRIES, tmp_path)
    original, back = entries_of(ENTRIES), entries_of(imported)
    # an id kept by hand (given before the paper's authors were known) comes back as the importer derives it, as export.py says
    for entry in original.values():
        derived = base_id(entry.title, list(entry.authors), entry.year)
        if not re.fullmatch(re.escape(derived) + r"(-[0-9]+)?", entry.id):
            back[entry.id] = replace(back.pop(derived), id=entry.id)
    assert sorted(back) == sorted(original)
    assert differences(original, back) == []
    listed_twice = [e.id for e in back.values() if e.also_in]
    assert listed_twice == [e.id for e in original.values() if e.also_in] != []


def test_round_trip_gives_back_the_sections_and_the_list_title(tmp_path: Path) -> None:
    imported = round_trip(ENTRIES, tmp_path)
    original, _, _ = read_list(str(ENTRIES))
    back, _, _ = read_list(str(imported))
    assert original is not None and back is not None
    assert back.title == original.title
    assert back.description == original.description
    assert back.sections == original.sections


def test_import_names_the_section_file_and_line_of_what_it_notes(tmp_path: Path) -> None:
    export(ENTRIES, tmp_path / "export")
    result = import_readme(str(tmp_path / "export" / "README.md"), str(tmp_path / "imported"), follow_links=True)
    merged = [str(p) for p in result.notes if "same paper" in p.message]
    _, entries, _ = read_list(str(ENTRIES))
    assert len(merged) == sum(len(e.also_in) for e in entries)  # a paper in two sections is listed twice, merged back
    for note in merged:
        assert re.fullmatch(
            r".*/readme/[a-z0-9-]+\.md:\d+: warning: same paper as .*/readme/[a-z0-9-]+\.md:\d+ \((arXiv|DOI) [^)]+\); "
            r"merged into one entry: also_in [a-z0-9-]+", note), note


def test_the_real_export_is_a_short_readme_and_one_file_per_section_each_under_400_kb(real_export: dict[Path, bytes]) -> None:
    info, _, _ = read_list(str(ENTRIES))
    assert info is not None
    readme = next(path for path in real_export if path.name == "README.md")
    assert sorted(p.relative_to(readme.parent).as_posix() for p in real_export) == sorted(
        ["README.md", *(f"readme/{s.slug}.md" for s in info.sections)])
    sizes = {path.name: len(data) for path, data in real_export.items()}
    assert sizes["README.md"] < 16_000  # by design: contents and credits only, whatever the list's size
    assert max(sizes.values()) < MAX_FILE_BYTES  # export-readme warns before a section file nears GitHub's limit


def test_exporting_twice_gives_identical_bytes(tmp_path: Path, real_export: dict[Path, bytes]) -> None:
    first = export(ENTRIES, tmp_path / "one")
    again = export(ENTRIES, tmp_path / "one")
    assert again == first
    assert [data for _, data in sorted(first.items())] == [data for _, data in sorted(real_export.items())]


def test_the_export_keeps_the_lists_entry_format(small_list: Path, tmp_path: Path) -> None:
    written = export(small_list, tmp_path / "export")
    text = next(data for path, data in written.items() if path.name == "memorization.md").decode("utf-8")
    assert text.startswith(f"<!-- {GENERATED} -->\n# ")
    assert "\n## Memorization\n" in text and "\n### Memorization: 2022\n" in text
    assert (
        "\n- Deduplicating Training Data Makes Language Models Better. [[paper]](https://arxiv.org/abs/2107.06499) "
        "[[code]](https://github.com/google-research/deduplicate-text-datasets)\n"
        "  - Katherine Lee, Daphne Ippolito, Andrew Nystrom, Chiyuan Zhang, Douglas Eck, Chris Callison-Burch, Nicholas Carlini. *ACL 2022*\n"
        "  - Key Word: Memorization; Large Language Models.\n"
        "  - <details><summary>Digest</summary>\n\n"
        "    Language modeling datasets contain many near-duplicates"
    ) in text


def test_the_real_export_lists_years_newest_first(real_export: dict[Path, bytes]) -> None:
    info, _, _ = read_list(str(ENTRIES))
    assert info is not None
    for section in info.sections:
        text = next(data for path, data in real_export.items() if path.name == f"{section.slug}.md").decode("utf-8")
        years = re.findall(rf"^### {re.escape(section.title)}: (\d{{4}})", text, re.M)
        assert years == sorted(years, reverse=True) != []


def test_the_readme_lists_every_section_with_its_count(real_export: dict[Path, bytes]) -> None:
    readme = next(data for path, data in real_export.items() if path.name == "README.md").decode("utf-8")
    info, entries, _ = read_list(str(ENTRIES))
    assert info is not None
    assert f"**{len(entries)} papers** in {len(info.sections)} sections" in readme
    for section in info.sections:
        count = sum(1 for e in entries if section.slug in e.sections)
        newest = max(e.year for e in entries if section.slug in e.sections)
        page = f"readme/{section.slug}.md"
        assert f"- [{section.title}]({page}): {count} papers, [{newest}]({page}#{section.slug}-{newest}) · " in readme
    assert "\n## Credits and licence\n" in readme and "MIT License" in readme


class Rendered(HTMLParser):
    """Tags, link targets and the text of each <em> of GitHub's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.emphasis: list[str] = []
        self._in_em = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]
        if tag == "em":
            self._in_em = True
            self.emphasis.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_em = self._in_em and tag != "em"

    def handle_data(self, data: str) -> None:
        if self._in_em:
            self.emphasis[-1] += data


def github_html(markdown: str) -> str:
    """GitHub's own Markdown (cmark-gfm), raw HTML let through as GitHub does before sanitizing."""
    return str(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE))


HOSTILE_TITLE = "<script>alert(1)</script> *bold* [x](javascript:alert(1)) | a | b ~~s~~ $x$ &amp; `code` \\* end"
HOSTILE_AUTHORS = ["1. <img src=x onerror=alert(1)>", "Doe, Jane", "A & B | C", "Ann_Lee"]
HOSTILE_VENUE = "**ICLR** <b>2020</b> *x*"
HOSTILE_KEYWORDS = ["a; b", "c, d", "</span><script>alert(2)</script>", "~~x~~ | $y$"]


def hostile_entry(folder: Path) -> str:
    entry_id = base_id(HOSTILE_TITLE, HOSTILE_AUTHORS, 2020)
    authors = "".join(f"  - {_quoted(a)}\n" for a in HOSTILE_AUTHORS)
    keywords = "".join(f"  - {_quoted(k)}\n" for k in HOSTILE_KEYWORDS)
    (folder / "memorization" / f"{entry_id}.yaml").write_text(
        f"id: {entry_id}\ntitle: {_quoted(HOSTILE_TITLE)}\nauthors:\n{authors}venue: {_quoted(HOSTILE_VENUE)}\nyear: 2020\n"
        "links:\n  paper: https://example.org/paper?a=1&b=2\n  code: https://en.wikipedia.org/wiki/Foo_(bar)\n"
        f"keywords:\n{keywords}"
        "digest: \"Safe *emphasis* and [a link](https://example.org).\\n\\nA second paragraph.\"\n",
        encoding="utf-8",
    )
    return entry_id


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_hostile_text_stays_inert_on_github_and_comes_back_as_written(small_list: Path, tmp_path: Path) -> None:
    entry_id = hostile_entry(small_list)
    files = export(small_list, tmp_path / "export")
    section = next(data for path, data in files.items() if path.name == "memorization.md").decode("utf-8")
    listing = section[section.index("\n- \\<script"):].split("\n\n- ")[0].split("\n### ")[0]
    rendered = Rendered()
    rendered.feed(github_html(listing))
    assert set(rendered.tags) <= {"ul", "li", "a", "em", "details", "summary", "p"}
    assert rendered.hrefs == ["https://example.org/paper?a=1&b=2", "https://en.wikipedia.org/wiki/Foo_(bar)", "https://example.org"]
    assert rendered.emphasis == [HOSTILE_VENUE, "emphasis"]  # the venue's own *...* and the digest's
    text = html.unescape(re.sub(r"<[^>]+>", "", github_html(listing)))
    assert HOSTILE_TITLE + ". [paper] [code]" in text
    assert ", ".join(HOSTILE_AUTHORS) + ". " + HOSTILE_VENUE in text
    assert "Key Word: " + "; ".join(HOSTILE_KEYWORDS) + "." in text

    imported = tmp_path / "imported"
    import_readme(str(tmp_path / "export" / "README.md"), str(imported), follow_links=True)
    original, back = entries_of(small_list), entries_of(imported)
    # an id chosen by hand comes back as the importer derives it, as export.py says
    assert sorted(set(original) ^ set(back)) == ["zhang2022all", "zhang2022layers"]
    back["zhang2022layers"] = replace(back.pop("zhang2022all"), id="zhang2022layers")
    assert differences(original, back) == []
    assert back[entry_id].digest == "Safe *emphasis* and [a link](https://example.org).\n\nA second paragraph."


@pytest.mark.parametrize(("text", "escaped"), [
    ("Where & why?", "Where \\& why?"),
    ("# Not a heading", "\\# Not a heading"),
    ("- not a bullet", "\\- not a bullet"),
    ("2. Not a list", "2\\. Not a list"),
    ("A: B (C) - D. E!", "A: B (C) - D. E!"),  # what GitHub does not read as syntax stays readable
])
def test_plain_text_escaping_at_the_start_of_a_line(text: str, escaped: str) -> None:
    assert gfm.escape(text, line_start=True) == escaped
    assert re.sub(r"</?p>\n?", "", github_html(escaped)).strip() == html.escape(text, quote=False)


def test_a_title_that_is_a_number_or_a_question_keeps_the_format(small_list: Path, tmp_path: Path) -> None:
    for title, written in (("1984", "- 1984 [[paper]]"), ("Why Not?", "- Why Not? [[paper]]"), ("Et al.", "- Et al.. [[paper]]")):
        path = small_list / "memorization" / "lee2022deduplicating.yaml"
        path.write_text(re.sub(r"(?m)^title: .*$", f"title: '{title}'", path.read_text(encoding="utf-8")), encoding="utf-8")
        files = export(small_list, tmp_path / title)
        assert written in b"".join(files.values()).decode("utf-8")
        imported = tmp_path / f"{title}-imported"
        import_readme(str(tmp_path / title / "README.md"), str(imported), follow_links=True)
        assert title in {e.title for e in entries_of(imported).values()}


def test_files_of_sections_that_are_gone_are_removed_and_others_kept(small_list: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    export(small_list, out)
    (out / "readme" / "old-section.md").write_text(f"<!-- {GENERATED} -->\n# Old\n", encoding="utf-8")
    (out / "readme" / "notes.md").write_text("# Written by a person\n", encoding="utf-8")
    export(small_list, out)
    assert sorted(p.name for p in (out / "readme").iterdir()) == ["generalization.md", "memorization.md", "notes.md"]


def test_export_readme_command(small_list: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site-readme" / "README.md"
    assert main(["export-readme", "--entries", str(small_list), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert printed.out.splitlines() == [str(out), str(out.parent / "readme" / "memorization.md"), str(out.parent / "readme" / "generalization.md")]
    assert re.fullmatch(r"wrote 3 files, \d+ KB in all\n", printed.err)


@pytest.mark.parametrize("name", ["readme", "Readme", "README", "a folder"])
def test_export_readme_wants_the_readmes_file_name(small_list: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    """A folder, or the name of the folder the section files go to (in any case: one name on macOS and Windows),
    was a raw 'File exists' after the README was written."""
    out = tmp_path / "export" / name
    if name == "a folder":
        out.mkdir(parents=True)
    assert main(["export-readme", "--entries", str(small_list), "--out", str(out)]) == 1
    folder = out if name == "a folder" else out.parent
    assert capsys.readouterr().err == (f"error: --out {out}: give the README's file name, such as {folder / 'README.md'} "
                                       "(the section files go to readme/ beside it)\n")
    assert [p.name for p in out.parent.rglob("*")] == (["a folder"] if name == "a folder" else [])  # nothing written


def test_export_readme_of_a_broken_list_prints_the_problems_not_a_traceback(small_list: Path, tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    (small_list / "memorization" / "lee2022deduplicating.yaml").write_text("id: lee2022deduplicating\ntitle: x\n", encoding="utf-8")
    assert main(["export-readme", "--entries", str(small_list), "--out", str(tmp_path / "README.md")]) == 1
    err = capsys.readouterr().err
    assert "lee2022deduplicating.yaml:1: " in err and "Traceback" not in err
    assert not (tmp_path / "README.md").exists()


def test_import_readme_follow_links_refuses_a_missing_section_file(small_list: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    export(small_list, tmp_path / "export")
    (tmp_path / "export" / "readme" / "generalization.md").unlink()
    readme = str(tmp_path / "export" / "README.md")
    assert main(["import-readme", readme, "--follow-links", "--out", str(tmp_path / "imported")]) == 1
    assert re.fullmatch(rf"error: {re.escape(readme)}:\d+: links to readme/generalization\.md, which does not exist next to it\n",
                        capsys.readouterr().err)


def test_import_readme_without_follow_links_reads_the_readme_alone(small_list: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    export(small_list, tmp_path / "export")
    assert main(["import-readme", str(tmp_path / "export" / "README.md"), "--out", str(tmp_path / "imported")]) == 1
    assert capsys.readouterr().err.endswith("error: no paper listings found; nothing to write\n")


def test_the_readme_links_the_contributing_guide_when_it_sits_in_the_repository(small_list: Path, tmp_path: Path) -> None:
    (tmp_path / "CONTRIBUTING.md").write_text("# Contributing\n", encoding="utf-8")
    inside = export(small_list, tmp_path / "export")
    readme = next(data for path, data in inside.items() if path.name == "README.md").decode("utf-8")
    assert "follow [the contributing guide](../CONTRIBUTING.md)" in readme
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    outside = export(small_list, elsewhere)
    assert b"CONTRIBUTING" not in next(data for path, data in outside.items() if path.name == "README.md")
