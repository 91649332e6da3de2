"""Loader and validator: every case is a file with its expected `line: message` in comments."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.list.source import load_catalog, read_list

CASES = Path(__file__).parent / "cases" / "entries"
EXPECT = re.compile(r"^# expect: (.*)$", re.MULTILINE)


def errors_for(entries: Path, rel: str) -> list[str]:
    _, _, problems = read_list(str(entries))
    return [f"{p.line}: {p.message}" for p in problems if p.severity == "error" and p.path == f"entries/{rel}"]


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("*.yaml")))
def test_invalid_entry_case(case: str, small_list: Path) -> None:
    source = CASES / case
    shutil.copy(source, small_list / "memorization" / case)
    expected = EXPECT.findall(source.read_text(encoding="utf-8"))
    assert expected, "each case says what it expects"
    assert errors_for(small_list, f"memorization/{case}") == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\xef\xbb\xbfid: x\n", "1: file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM"),
        ("id: x\n".encode("utf-16"), "1: file starts with a UTF-16 byte-order mark; save it as UTF-8 without BOM"),
        (b"id: x\ntitle: caf\xe9\n", "2: not valid UTF-8 (byte 0xe9); save the file as UTF-8"),
        (b"id: x\ntitle: a\x1bb\n", "2: control character U+001B; remove it"),
        (b"id: x\ntitle: " + b"a" * 70_000 + b"\n", "1: file is 70,014 bytes; an entry is at most 65,536"),
        (b"id: x\nlinks: " + b"[" * 12 + b"]" * 12 + b"\n", "2: values are nested more than 8 levels deep"),
    ],
    ids=["utf8-bom", "utf16", "latin1", "escape-char", "oversized", "deep-nesting"],
)
def test_bytes_refused(raw: bytes, expected: str, small_list: Path) -> None:
    (small_list / "memorization" / "x.yaml").write_bytes(raw)
    assert errors_for(small_list, "memorization/x.yaml") == [expected]


def test_yaml_guesses_nothing(small_list: Path) -> None:
    (small_list / "memorization" / "guess.yaml").write_text(
        "id: guess\ntitle: no\nauthors: [yes, 'on', 1e3]\nyear: 2021\ndate: 2021-03-15\narxiv: 2103.10000\n"
        "links:\n  paper: https://arxiv.org/abs/2103.10000v2\nkeywords: [null value, Off]\ndigest: ~ done\n",
        encoding="utf-8",
    )
    _, entries, problems = read_list(str(small_list))
    assert [str(p) for p in problems if p.severity == "error"] == []
    entry = next(e for e in entries if e.id == "guess")
    assert (entry.title, entry.authors, entry.date, entry.arxiv) == ("no", ("yes", "on", "1e3"), "2021-03-15", "2103.10000")
    assert entry.keywords == ("null value", "Off") and entry.digest == "~ done" and entry.year == 2021


def write_entry(entries: Path, rel: str, **fields: str) -> None:
    stem = Path(rel).stem
    body = {"id": stem, "title": f"Title of {stem}", "year": "2020", **fields}
    (entries / rel).write_text("".join(f"{k}: {v}\n" for k, v in body.items()), encoding="utf-8")


def test_same_paper_twice_is_an_error_naming_both_files(small_list: Path) -> None:
    write_entry(small_list, "generalization/pdf-form.yaml", links="{paper: 'http://arxiv.org/pdf/1611.03530v3.pdf'}")
    write_entry(small_list, "generalization/doi-a.yaml", doi="10.1038/S41586-024-07566-Y")
    write_entry(small_list, "memorization/doi-b.yaml", links="{paper: 'https://doi.org/10.1038/s41586-024-07566-y'}")
    write_entry(small_list, "generalization/retitled.yaml", title="'Title of  PDF-form!'")
    _, _, problems = read_list(str(small_list))
    assert [str(p) for p in problems if p.severity == "error"] == [
        "entries/generalization/retitled.yaml:2: same paper as entries/generalization/pdf-form.yaml (the same title); "
        "keep one file and list extra sections in also_in; if they are two papers, add distinct_from: [pdf-form] to "
        "entries/generalization/retitled.yaml and distinct_from: [retitled] to entries/generalization/pdf-form.yaml",
        "entries/memorization/doi-b.yaml:4: same paper as entries/generalization/doi-a.yaml (DOI 10.1038/s41586-024-07566-y); "
        "keep one file and list extra sections in also_in",
        "entries/memorization/zhang2017understanding.yaml:11: same paper as entries/generalization/pdf-form.yaml (arXiv 1611.03530); "
        "keep one file and list extra sections in also_in",
    ]


def test_same_id_in_two_folders(small_list: Path) -> None:
    write_entry(small_list, "generalization/zielinski2020explaining.yaml")
    assert errors_for(small_list, "memorization/zielinski2020explaining.yaml") == [
        "1: id 'zielinski2020explaining' is already used by entries/generalization/zielinski2020explaining.yaml"
    ]


def test_files_that_are_not_entries_are_reported(small_list: Path) -> None:
    (small_list / "memorization" / "draft.yml").write_text("id: draft\n", encoding="utf-8")
    (small_list / "memorization" / "notes.txt").write_text("todo\n", encoding="utf-8")
    (small_list / "lottery").mkdir()
    write_entry(small_list, "lottery/ticket.yaml")
    assert errors_for(small_list, "memorization/draft.yml") == ["0: not an entry file: rename it to draft.yaml"]
    assert errors_for(small_list, "memorization/notes.txt") == ["0: not an entry file: entries are .yaml files; move it out of entries/"]
    assert errors_for(small_list, "lottery/ticket.yaml") == [
        "0: folder 'lottery' is not a section of sections.yaml; known: generalization, memorization"
    ]


def test_a_file_in_a_folder_that_is_no_section_gets_its_own_problems_too(small_list: Path) -> None:
    """One run says everything to fix, the folder first; the paper is not in the list meanwhile."""
    (small_list / "grokking").mkdir()
    write_entry(small_list, "grokking/power2022grokking.yaml", id="power2022", authors="Alethea Power",
                links="{paper: 'javascript:alert(1)'}")
    assert errors_for(small_list, "grokking/power2022grokking.yaml") == [
        "0: folder 'grokking' is not a section of sections.yaml; known: generalization, memorization",
        "4: authors: must be a list, not text",  # the schema's problems, then the rest, as for any file (check sorts them by line)
        "5: links.paper: only http(s) links without spaces or quotes are allowed: 'javascript:alert(1)'",
        "1: id 'power2022' does not match the file name 'power2022grokking.yaml'; rename the file to power2022.yaml",
    ]
    _, entries, _ = read_list(str(small_list))
    assert "power2022" not in {e.id for e in entries}


def test_a_title_is_written_without_a_final_period(small_list: Path) -> None:
    titles = {"period": "'Rethinking Memorization.'", "spaced": "'Memorization Revisited. '", "ellipsis": "'Wait for it...'",
              "abbreviation": "'Deep Learning in the U.S.'", "etc": "'Lottery Tickets, Pruning, etc.'", "question": "'Does Memorization Help?'"}
    for name, title in titles.items():
        write_entry(small_list, f"generalization/{name}.yaml", title=title, authors="[Ann Smith]", links="{paper: 'https://example.org/p'}",
                    keywords="[Memorization]", digest="Finds.")
    _, _, problems = read_list(str(small_list))
    assert [str(p) for p in problems if p.path.startswith("entries/generalization/") and "ends with a period" in p.message] == [
        f"entries/generalization/{name}.yaml:2: warning: title: ends with a period; write the title without it "
        "(pages, citations and the feed put their own)" for name in ("period", "spaced")
    ]


def test_entry_at_top_level_needs_a_section(small_list: Path) -> None:
    write_entry(small_list, "loose.yaml")
    write_entry(small_list, "placed.yaml", section="generalization")
    assert errors_for(small_list, "loose.yaml") == [
        "1: missing section: put the file in entries/<section>/ (or add section: for a file directly in entries/)"
    ]
    _, entries, _ = read_list(str(small_list))
    assert next(e for e in entries if e.id == "placed").section == "generalization"


def test_folder_over_a_thousand_files(small_list: Path) -> None:
    for n in range(1001):
        write_entry(small_list, f"generalization/p{n}.yaml", arxiv=f"'2001.{n:05d}'")
    assert errors_for(small_list, "generalization") == [
        "0: 1002 files in one folder; GitHub lists at most 1000: split it into subfolders (e.g. by year)"
    ]


def test_check_command(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--entries", str(small_list)]) == 0
    out, err = capsys.readouterr()
    assert out == (
        "entries/generalization/zhang2022layers.yaml:13: warning: key word 'Large Language Model' differs only by case, hyphens "
        "or a plural from 'Large Language Models' (1 paper); use 'Large Language Models' or settle it in keyword-aliases.yaml\n"
    )
    assert err == "4 valid entries; 0 error(s), 1 warning(s)\n"
    shutil.copy(CASES / "duplicate-key.yaml", small_list / "memorization")
    shutil.copy(CASES / "impossible-date.yaml", small_list / "memorization")
    assert main(["check", "--entries", "entries"]) == 1
    _, err = capsys.readouterr()
    assert err.splitlines() == [
        "entries/memorization/duplicate-key.yaml:4: duplicate key 'title' (first at line 3)",
        "entries/memorization/impossible-date.yaml:5: date: 2021-02-30 is not a real date",
        "4 valid entries; 2 error(s), 5 warning(s)",
    ]


def test_dump_command(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dump", "--entries", str(small_list)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in data] == ["lee2022deduplicating", "zhang2022layers", "zielinski2020explaining", "zhang2017understanding"]
    assert data[3] == {
        "id": "zhang2017understanding",
        "title": "Understanding deep learning requires rethinking generalization",
        "authors": ["Chiyuan Zhang", "Samy Bengio", "Moritz Hardt", "Benjamin Recht", "Oriol Vinyals"],
        "venue": "ICLR 2017",
        "year": 2017,
        "arxiv": "1611.03530",
        "links": {"paper": "https://arxiv.org/abs/1611.03530"},
        "keywords": ["Memorization"],
        "digest": "Deep networks easily fit a random labeling of the training data, and this is unaffected by explicit regularization.",
        "section": "memorization",
        "also_in": ["generalization"],
    }


def test_dump_refuses_a_broken_list(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(CASES / "missing-title.yaml", small_list / "memorization")
    assert main(["dump", "--entries", str(small_list)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "entries/memorization/missing-title.yaml:1: missing required field 'title'\n"


def test_alias_file_settles_variants_and_the_catalog_applies_it(small_list: Path) -> None:
    (small_list / "keyword-aliases.yaml").write_text("aliases:\n  Large Language Model: Large Language Models\n", encoding="utf-8")
    _, entries, problems = read_list(str(small_list))
    assert problems == []
    catalog, _ = load_catalog(str(small_list))
    layers = next(e for e in catalog.entries if e.id == "zhang2022layers")
    assert layers.keywords == ("Memorization", "Large Language Models")
    assert next(e for e in entries if e.id == "zhang2022layers").keywords == ("Memorization", "Large Language Model")


def test_alias_file_problems(small_list: Path) -> None:
    (small_list / "keyword-aliases.yaml").write_text(
        "aliases:\n  LLM: Large Language Model\n  Large Language Model: Large Language Models\n  Same: Same\n  Bad: [x]\n",
        encoding="utf-8",
    )
    assert errors_for(small_list, "keyword-aliases.yaml") == ["5: aliases.Bad: must be text, not a list"]
    (small_list / "keyword-aliases.yaml").write_text(
        "aliases:\n  LLM: Large Language Model\n  Large Language Model: Large Language Models\n  Same: Same\n", encoding="utf-8"
    )
    assert errors_for(small_list, "keyword-aliases.yaml") == [
        "2: aliases.LLM: 'Large Language Model' is itself an alias of 'Large Language Models'; point to 'Large Language Models'",
        "4: aliases.Same: a key word cannot be an alias of itself",
    ]


def test_moved_file_is_checked_against_the_entries(small_list: Path) -> None:
    (small_list / "moved.yaml").write_text(
        "moved:\n  generalization: [zielinski2020explaining, nobody]\n  memorization: [zhang2017understanding]\n  lottery: []\n",
        encoding="utf-8",
    )
    _, _, problems = read_list(str(small_list))
    assert [str(p) for p in problems if p.severity == "error"] == [
        "entries/moved.yaml:2: moved.generalization: no paper has the id 'nobody'",
        "entries/moved.yaml:3: moved.memorization: 'zhang2017understanding' is still listed in memorization; remove it from moved.yaml",
        "entries/moved.yaml:4: moved.lottery: unknown section; known: memorization, generalization",
    ]
