"""`rename-keyword` and `move`: edits in place that keep old key word links and permalinks working."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from generator.cli import main
from generator.list.catalog import build_catalog
from generator.list.source import read_list


def run(small_list: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main([*argv, "--entries", str(small_list)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def problems_of(small_list: Path) -> list[str]:
    _, _, problems = read_list(str(small_list))
    return [str(p) for p in problems]


def yaml_files(small_list: Path) -> dict[str, str]:
    return {str(p.relative_to(small_list)): p.read_text(encoding="utf-8") for p in sorted(small_list.rglob("*.yaml"))}


# --- rename-keyword -----------------------------------------------------------------------------


def test_rename_keyword_rewrites_entries_and_records_an_alias(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--entries", str(small_list)]) == 0  # canonical first, so the diff below is the edit alone
    capsys.readouterr()
    before = yaml_files(small_list)
    code, out, err = run(small_list, capsys, "rename-keyword", "Large Language Model", "Large Language Models")
    assert (code, err) == (0, "")
    assert out == [
        "renamed key word 'Large Language Model' to 'Large Language Models' in 1 file(s)",
        "  entries/generalization/zhang2022layers.yaml",
        "entries/keyword-aliases.yaml: 'Large Language Model: Large Language Models' recorded, so links to the old key word keep working",
    ]
    after = yaml_files(small_list)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed == {"generalization/zhang2022layers.yaml", "keyword-aliases.yaml"}
    diff = [line for line in difflib.ndiff(before["generalization/zhang2022layers.yaml"].splitlines(),
                                          after["generalization/zhang2022layers.yaml"].splitlines()) if line[:1] in "+-"]
    assert diff == ["-   - Large Language Model", "+   - Large Language Models"]
    assert after["keyword-aliases.yaml"].splitlines()[1:] == [
        "# Reviewed spelling variants of key words: variant -> the canonical key word the site shows.",
        "aliases:",
        "  Large Language Model: Large Language Models",
    ]
    assert problems_of(small_list) == []  # the variant warning is settled
    info, _, _ = read_list(str(small_list))
    assert info is not None and info.canonical("Large Language Model") == "Large Language Models"


def test_rename_repoints_aliases_and_can_make_a_variant_canonical(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (small_list / "keyword-aliases.yaml").write_text(
        "# Settled variants.\naliases:\n  LLMs: Large Language Models\n  Large Language Model: Large Language Models\n", encoding="utf-8")
    code, out, _ = run(small_list, capsys, "rename-keyword", "Large Language Models", "Large Language Model")
    assert code == 0
    assert out == [
        "renamed key word 'Large Language Models' to 'Large Language Model' in 1 file(s)",
        "  entries/memorization/lee2022deduplicating.yaml",
        "entries/keyword-aliases.yaml: 'Large Language Models: Large Language Model' recorded, so links to the old key word keep working",
        "  repointed alias 'LLMs' to 'Large Language Model'",
    ]
    text = (small_list / "keyword-aliases.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[1:] == [
        "# Settled variants.", "aliases:", "  Large Language Models: Large Language Model", "  LLMs: Large Language Model",
    ]
    assert problems_of(small_list) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["Memorisation", "Recall"], "error: no paper has the key word 'Memorisation'; did you mean 'Memorization'?\n"),
        (["Memorization", "Memorization"], "error: 'Memorization' is already spelled that way\n"),
        (["Memorization", " "], "error: the new key word must be one line of text\n"),
        (["Memorization", "LLMs"],
         "error: 'LLMs' is an alias of 'Large Language Models' in keyword-aliases.yaml; rename to 'Large Language Models'\n"),
    ],
)
def test_rename_keyword_refuses(argv: list[str], message: str, small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (small_list / "keyword-aliases.yaml").write_text("aliases:\n  LLMs: Large Language Models\n", encoding="utf-8")
    before = yaml_files(small_list)
    code, out, err = run(small_list, capsys, "rename-keyword", *argv)
    assert (code, out, err) == (1, [], message)
    assert yaml_files(small_list) == before


# --- move ---------------------------------------------------------------------------------------


def test_move_records_the_old_section(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(small_list, capsys, "move", "zielinski2020explaining", "generalization")
    assert (code, err) == (0, "")
    assert out == [
        "moved entries/memorization/zielinski2020explaining.yaml -> entries/generalization/zielinski2020explaining.yaml",
        "entries/moved.yaml: 'zielinski2020explaining' recorded under memorization, "
        "so memorization/#zielinski2020explaining still leads to it",
    ]
    assert not (small_list / "memorization" / "zielinski2020explaining.yaml").exists()
    assert (small_list / "moved.yaml").read_text(encoding="utf-8").splitlines()[1:] == [
        "# Papers moved out of a section: their old permalinks <section>/#<id> lead to where they are now.",
        "moved:", "  memorization:", "    - zielinski2020explaining",
    ]
    info, entries, problems = read_list(str(small_list))
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert info is not None
    catalog = build_catalog(info, entries)
    assert [e.id for e in catalog.moved_from("memorization")] == ["zielinski2020explaining"]
    assert next(e for e in entries if e.id == "zielinski2020explaining").section == "generalization"


def test_move_into_an_also_in_section_and_back(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(small_list, capsys, "move", "zhang2017understanding", "generalization")
    assert code == 0
    assert out[1] == "  also_in: dropped 'generalization' (it is the paper's own section now)"
    text = (small_list / "generalization" / "zhang2017understanding.yaml").read_text(encoding="utf-8")
    assert "also_in" not in text
    assert not [p for p in problems_of(small_list) if "moved.yaml" in p]
    code, out, _ = run(small_list, capsys, "move", "zhang2017understanding", "memorization")
    assert code == 0
    assert out[1:] == [
        "entries/moved.yaml: 'zhang2017understanding' removed from memorization, where it is listed again",
        "entries/moved.yaml: 'zhang2017understanding' recorded under generalization, so generalization/#zhang2017understanding still leads to it",
    ]
    assert (small_list / "moved.yaml").read_text(encoding="utf-8").splitlines()[-3:] == [
        "moved:", "  generalization:", "    - zhang2017understanding",
    ]
    assert [p for p in problems_of(small_list) if ": warning: " not in p] == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["zielinski2020", "generalization"], "error: no paper has the id 'zielinski2020'; did you mean 'zielinski2020explaining'?\n"),
        (["zielinski2020explaining", "lottery"], "error: unknown section 'lottery'; known: memorization, generalization\n"),
        (["zielinski2020explaining", "memorization"],
         "error: 'zielinski2020explaining' is already in memorization (entries/memorization/zielinski2020explaining.yaml)\n"),
    ],
)
def test_move_refuses(argv: list[str], message: str, small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = yaml_files(small_list)
    code, out, err = run(small_list, capsys, "move", *argv)
    assert (code, out, err) == (1, [], message)
    assert yaml_files(small_list) == before
