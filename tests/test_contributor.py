"""A stranger's pull request, end to end: `new`, the one edit, `fmt --check`, and `check --strict`
on the files the pull request adds or changes (named, or found with git against the base)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
NEW_PAPER = ROOT / "tests" / "fixtures" / "arxiv" / "contributor-paper.xml"
DRAFT_LINE = "\n  DRAFT:\n"


def add(entries: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["new", "--entries", str(entries), "--atom-file", str(NEW_PAPER), "--section", "memorization"]) == 0
    written = capsys.readouterr().out.splitlines()[0].removeprefix("wrote ")
    return Path(written)


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    status = main(["check", *argv])
    out, err = capsys.readouterr()
    return status, out.splitlines() + err.splitlines()


def test_new_then_deleting_the_draft_line_is_clean_for_fmt_and_strict_check(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = add(small_list, capsys)
    assert path == Path("entries/memorization/fixture2026fixture.yaml")
    assert main(["fmt", "--check", str(path)]) == 0  # `new` writes the canonical layout
    capsys.readouterr()
    text = path.read_text(encoding="utf-8")
    line = text.split("\n").index("digest: >-") + 1
    status, printed = check(capsys, "--strict", "--entries", str(small_list), str(path))
    assert (status, printed) == (1, [
        f"{path}:{line}: digest: still the draft that `new` wrote; write it in your own words and delete the line 'DRAFT:' "
        "(an error under --strict)",
        "1 file(s) checked against 5 valid entries; 1 error(s), 0 warning(s)",
    ])
    assert check(capsys, "--entries", str(small_list), str(path))[0] == 0  # a draft still builds for the preview
    path.write_text(text.replace(DRAFT_LINE, "\n"), encoding="utf-8")
    assert main(["fmt", "--check", str(path)]) == 0
    capsys.readouterr()
    assert check(capsys, "--strict", "--entries", str(small_list), str(path)) == (
        0, ["1 file(s) checked against 5 valid entries; 0 error(s), 0 warning(s)"])


def test_named_files_leave_out_the_old_warnings_of_other_files(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = "entries/generalization/zhang2022layers.yaml:13: warning: key word 'Large Language Model' differs"
    status, printed = check(capsys, "--entries", str(small_list))
    assert status == 0 and any(line.startswith(old) for line in printed)
    path = add(small_list, capsys)
    path.write_text(path.read_text(encoding="utf-8").replace(DRAFT_LINE, "\n"), encoding="utf-8")
    assert check(capsys, "--strict", "--entries", str(small_list), str(path))[0] == 0
    assert check(capsys, "--strict", "--entries", str(small_list), "entries/generalization/zhang2022layers.yaml")[0] == 1


def test_a_variant_key_word_or_no_authors_in_a_new_file_fail_strict(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = small_list / "memorization" / "doe2024rare.yaml"
    path.write_text("id: doe2024rare\ntitle: Rare Examples Are Learned Last\nyear: 2024\nlinks:\n  paper: https://example.org/rare\n"
                    "keywords:\n  - memorization\ndigest: Rare examples are memorized late.\n", encoding="utf-8")
    status, printed = check(capsys, "--strict", "--entries", str(small_list), str(path))
    assert (status, printed) == (1, [
        "entries/memorization/doe2024rare.yaml:2: no authors listed; add them in the paper's order (an error under --strict)",
        "entries/memorization/doe2024rare.yaml:7: key word 'memorization' differs only by case, hyphens or a plural from "
        "'Memorization' (4 papers); use 'Memorization' or settle it in keyword-aliases.yaml (an error under --strict)",
        "1 file(s) checked against 5 valid entries; 2 error(s), 0 warning(s)",
    ])


def test_a_duplicate_is_reported_when_either_of_its_files_is_named(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listed = small_list / "memorization" / "lee2022deduplicating.yaml"
    copy = small_list / "memorization" / "abc2023copy.yaml"  # read first: the problem lands on the file listed before it
    copy.write_text(listed.read_text(encoding="utf-8").replace("id: lee2022deduplicating", "id: abc2023copy"), encoding="utf-8")
    status, printed = check(capsys, "--entries", str(small_list), str(copy))
    assert status == 1
    assert printed[0].startswith(
        "entries/memorization/lee2022deduplicating.yaml:13: same paper as entries/memorization/abc2023copy.yaml (arXiv 2107.06499)")


def test_a_typo_in_a_named_path_is_an_error(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys, "--entries", str(small_list), "entries/memorization/nope.yaml") == (1, [
        "entries/memorization/nope.yaml:0: no such file",
        "1 file(s) checked against 4 valid entries; 1 error(s), 0 warning(s)",
    ])
    Path("notes.txt").write_text("x", encoding="utf-8")
    status, printed = check(capsys, "--entries", str(small_list), "notes.txt")
    assert (status, printed) == (1, ["notes.txt:0: not a .yaml file of the list in entries",
                                     "1 file(s) checked against 4 valid entries; 1 error(s), 0 warning(s)"])


def git(*argv: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *argv],
                          check=True, capture_output=True, text=True).stdout


def test_changed_finds_the_files_a_branch_adds_or_changes(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git("init", "--quiet", "--initial-branch=main")
    git("add", "entries")
    git("commit", "--quiet", "-m", "the list")
    git("checkout", "--quiet", "-b", "add-a-paper")
    path = add(small_list, capsys)
    git("add", str(path))
    git("commit", "--quiet", "-m", "add a paper")
    edited = small_list / "memorization" / "zielinski2020explaining.yaml"  # changed, not committed
    edited.write_text(edited.read_text(encoding="utf-8").replace("  - Memorization\n", "  - memorization\n"), encoding="utf-8")
    untracked = small_list / "memorization" / "doe2024rare.yaml"
    shutil.copy(ROOT / "tests" / "cases" / "entries" / "folded-author.yaml", untracked)
    status, printed = check(capsys, "--strict", "--changed", "main", "--entries", str(small_list))
    assert status == 1
    assert sorted({line.split(":")[0] for line in printed[:-1]}) == [
        "entries/memorization/doe2024rare.yaml", "entries/memorization/fixture2026fixture.yaml",
        "entries/memorization/zielinski2020explaining.yaml"]
    assert "entries/memorization/doe2024rare.yaml:8: authors[1]: lines 7-8 were read as one item" in "\n".join(printed)
    assert printed[-1].startswith("3 file(s) checked against")
    untracked.unlink()
    git("stash", "--quiet")
    path.write_text(path.read_text(encoding="utf-8").replace(DRAFT_LINE, "\n"), encoding="utf-8")
    assert check(capsys, "--strict", "--changed", "--entries", str(small_list)) == (
        0, ["1 file(s) checked against 5 valid entries; 0 error(s), 0 warning(s)"])  # no remote: the base is main


def test_changed_outside_a_git_checkout_says_so(small_list: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A list from a downloaded archive: no base to name, and no fetch that would help."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(small_list.parent.parent))  # wherever the temporary folder is
    for base in ([], ["origin/main"]):
        status, printed = check(capsys, "--changed", *base, "--entries", str(small_list))
        assert (status, printed) == (1, ["error: entries is not in a git checkout; name the files instead: python -m generator check FILE..."])


def test_changed_names_an_unknown_base(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git("init", "--quiet", "--initial-branch=main")
    git("add", "entries")
    git("commit", "--quiet", "-m", "the list")
    status, printed = check(capsys, "--changed", "origin/nope", "--entries", str(small_list))
    assert status == 1
    assert printed[0].startswith("error: cannot compare with origin/nope: ")
    assert printed[0].endswith("(fetch it first: git fetch origin)")
