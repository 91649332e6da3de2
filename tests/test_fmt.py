"""`python -m generator fmt`: one canonical layout, idempotent, and nothing lost."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.list.validate import SCHEMA_DIR

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "entries"


def modeline(folder: Path, schema: str = "entry.schema.json") -> str:
    rel = os.path.relpath(os.path.join(SCHEMA_DIR, schema), folder).replace(os.sep, "/")
    return f"# yaml-language-server: $schema={rel}\n"


def fmt(*argv: str) -> int:
    return main(["fmt", *argv])


def test_formatting_the_whole_list_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "entries", copy)
    assert fmt("--entries", str(copy)) == 0  # the copy's modelines no longer reach the schema: they are rewritten
    capsys.readouterr()
    formatted = {path: path.read_bytes() for path in copy.rglob("*.yaml")}
    assert fmt("--check", "--entries", str(copy)) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"0 of {len(formatted)} file(s) would be reformatted\n")
    assert fmt("--entries", str(copy)) == 0
    assert {path: path.read_bytes() for path in copy.rglob("*.yaml")} == formatted


def test_canonical_layout_of_an_entry(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = small_list / "memorization" / "zielinski2020explaining.yaml"
    path.write_text(
        "# Reviewed: keep the venue empty until the paper is published.\n"
        "keywords: [Coherent Gradients, Memorization]\n"
        "title: 'Explaining Memorization and Generalization: A Large-Scale Study with Coherent Gradients'\n"
        "id: zielinski2020explaining\n"
        "links: {code: 'https://example.org/repo#readme', paper: https://arxiv.org/abs/2003.07422}\n"
        "year: 2020\n"
        "date: 2020-03-16\n"
        "arxiv: 2003.07422\n"
        "digest: \"Coherent gradients #1: memorization occurs when few examples are responsible for most of the gradient.\"\n",
        encoding="utf-8",
    )
    assert fmt(str(path)) == 0
    out, err = capsys.readouterr()
    assert out == "entries/memorization/zielinski2020explaining.yaml\n"
    assert err == "1 of 1 file(s) reformatted\n"
    assert path.read_text(encoding="utf-8") == (
        modeline(path.parent)
        + "# Reviewed: keep the venue empty until the paper is published.\n"
        "id: zielinski2020explaining\n"
        "title: 'Explaining Memorization and Generalization: A Large-Scale Study with Coherent Gradients'\n"
        "year: 2020\n"
        "date: '2020-03-16'\n"
        "arxiv: '2003.07422'\n"
        "links:\n"
        "  code: https://example.org/repo#readme\n"
        "  paper: https://arxiv.org/abs/2003.07422\n"
        "keywords:\n"
        "  - Coherent Gradients\n"
        "  - Memorization\n"
        "digest: >-\n"
        "  Coherent gradients #1: memorization occurs when few examples are responsible for most of the gradient.\n"
    )
    assert fmt("--check", str(path)) == 0


def test_check_names_each_file_shows_the_diff_and_the_command(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {p: p.read_bytes() for p in small_list.rglob("*.yaml")}
    assert fmt("--check", "--entries", str(small_list)) == 1
    out, err = capsys.readouterr()
    files = [
        "entries/sections.yaml",
        "entries/generalization/zhang2022layers.yaml",
        "entries/memorization/lee2022deduplicating.yaml",
        "entries/memorization/zhang2017understanding.yaml",
        "entries/memorization/zielinski2020explaining.yaml",
    ]
    assert [line for line in out.splitlines() if line.startswith("--- ")] == [f"--- {f} (yours)" for f in files]
    assert err == f"5 of 5 file(s) would be reformatted; `python -m generator fmt {' '.join(files)}` rewrites them\n"
    assert {p: p.read_bytes() for p in small_list.rglob("*.yaml")} == before


def test_check_diff_of_one_file(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = small_list / "memorization" / "x2021short.yaml"
    path.write_text(modeline(path.parent) + "id: x2021short\ntitle: Short\nyear: 2021\nkeywords: [Memorization]\n", encoding="utf-8")
    assert fmt("--check", str(path)) == 1
    out, err = capsys.readouterr()
    assert out == (
        "--- entries/memorization/x2021short.yaml (yours)\n"
        "+++ entries/memorization/x2021short.yaml (fmt)\n"
        "@@ -2,4 +2,5 @@\n"
        " id: x2021short\n"
        " title: Short\n"
        " year: 2021\n"
        "-keywords: [Memorization]\n"
        "+keywords:\n"
        "+  - Memorization\n"
    )
    assert err == "1 of 1 file(s) would be reformatted; `python -m generator fmt entries/memorization/x2021short.yaml` rewrites them\n"


def test_files_that_do_not_load_or_would_lose_a_comment_are_left_alone(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = small_list / "memorization" / "duplicate-key.yaml"
    shutil.copy(CASES / "duplicate-key.yaml", broken)
    commented = small_list / "generalization" / "zhang2022layers.yaml"
    commented.write_text(commented.read_text(encoding="utf-8").replace("year: 2022\n", "year: 2022  # the JMLR version\n"), encoding="utf-8")
    kept = {p: p.read_bytes() for p in (broken, commented)}
    assert fmt("--entries", str(small_list)) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "entries/generalization/zhang2022layers.yaml:7: comment inside the data would be lost; move it to the top of the file",
        "entries/memorization/duplicate-key.yaml:4: duplicate key 'title' (first at line 3)",
        "4 of 6 file(s) reformatted; 2 left alone with problems",
    ]
    assert len(out.splitlines()) == 4
    assert {p: p.read_bytes() for p in (broken, commented)} == kept


def test_list_files_keep_their_comment_block(small_list: Path) -> None:
    aliases = small_list / "keyword-aliases.yaml"
    aliases.write_text("# Variants we settled.\n\naliases:\n  Memorisation: Memorization\n  LLMs: Large Language Models\n", encoding="utf-8")
    moved = small_list / "moved.yaml"
    moved.write_text("moved: {memorization: [zhang2022layers]}\n", encoding="utf-8")
    assert fmt(str(aliases), str(moved), str(small_list / "sections.yaml")) == 0
    assert aliases.read_text(encoding="utf-8") == (
        modeline(small_list, "keyword-aliases.schema.json")
        + "# Variants we settled.\naliases:\n  LLMs: Large Language Models\n  Memorisation: Memorization\n"
    )
    assert moved.read_text(encoding="utf-8") == modeline(small_list, "moved.schema.json") + "moved:\n  memorization:\n    - zhang2022layers\n"
    assert (small_list / "sections.yaml").read_text(encoding="utf-8").startswith(modeline(small_list, "sections.schema.json") + "title: ")


def test_an_entry_may_have_a_list_files_name(small_list: Path) -> None:
    path = small_list / "memorization" / "moved.yaml"
    path.write_text("year: 2021\nid: moved\ntitle: Moved\n", encoding="utf-8")
    assert fmt(str(path)) == 0
    assert path.read_text(encoding="utf-8") == modeline(path.parent) + "id: moved\ntitle: Moved\nyear: 2021\n"


def test_not_a_list_file(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert fmt("notes.txt") == 1
    _, err = capsys.readouterr()
    assert err.splitlines()[0] == "notes.txt:0: not a .yaml file of the list"


def test_every_title_length_formats_to_a_file_check_accepts(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Titles and venues of every length from 60 to 130 characters: what `fmt` writes, `check` accepts
    (PyYAML used to continue a plain value of 94 to 100 characters on the next line)."""
    folder = small_list / "memorization"
    written = []
    for length in range(60, 131):
        text = " ".join(f"{chr(97 + i % 26)}{length}" for i in range(40))[:length].rstrip()  # a space every few characters
        path = folder / f"length{length}.yaml"
        path.write_text(f"id: length{length}\ntitle: {text}\nauthors: [Ada Lovelace]\nyear: 2024\nvenue: {text}\n"
                        f"keywords: [Grokking]\nlinks:\n  paper: https://example.org/{length}\ndigest: It finds what it finds.\n",
                        encoding="utf-8")
        written.append(path)
    assert fmt("--entries", str(small_list), *map(str, written)) == 0
    capsys.readouterr()
    assert main(["check", "--strict", "--entries", str(small_list), *map(str, written)]) == 0, capsys.readouterr().out
    assert max(len(line) for path in written for line in path.read_text(encoding="utf-8").splitlines()) > 100
