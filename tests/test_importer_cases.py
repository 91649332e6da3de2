"""import-readme on whole READMEs of the awesome-list family, one per shape, through the command line.

Each case is tests/cases/readme/NAME.md with NAME.expected.json beside it: for each run of
`python -m generator import-readme README.md --out out [flags]`, its exit status and every line it
prints; then the sections file and entry files the last run wrote, and the exit status of `check`
on them. The cases:

- details-years: year groups as <details>/<summary> blocks (summary on its line or the next, ranges
  such as "2019 and Before" and "2019 and Earlier", a group inside a year group), both link
  spellings, misspelt key-word labels, every author separator; `check` passes.
- heading-years: year groups as headings and bold lines, and what needs a person, repaired where
  the intent is clear: a paper listed twice under nearly the same title, one title for two papers,
  prose in a key-word line, raw HTML in a digest, listings indented, nested or without a bullet,
  a listing in a code block, an unknown label; `check` passes.
- no-years: no year groups, three listings that cannot become entries: exit 1 and nothing written;
  with --skip-unimportable, exit 0, each still named; `check` passes on what is written.
- check-refuses: what the importer cannot repair (a paper link that is not http(s), an image in a
  digest) is named at its listing with what `check` says, and the import exits 1.

The expected files were written from the importer's output and each line read by a person; a change
of behaviour shows up here as a diff of those lines.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.list.load import load_text

CASES = Path(__file__).resolve().parent / "cases" / "readme"
NAMES = sorted(path.stem for path in CASES.glob("*.md"))


def written(out: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The sections file and each entry file (by its path under out), as data."""
    files: dict[str, Any] = {}
    for path in sorted(out.rglob("*.yaml")):
        loaded, problems = load_text(str(path), path.read_text(encoding="utf-8"))
        assert problems == [] and loaded is not None, problems
        files[path.relative_to(out).as_posix()] = loaded.data
    return files.pop("sections.yaml"), files


def test_every_case_has_its_expectations() -> None:
    assert NAMES == ["check-refuses", "details-years", "heading-years", "no-years"]
    assert sorted(p.name for p in CASES.iterdir()) == sorted([f"{n}.md" for n in NAMES] + [f"{n}.expected.json" for n in NAMES])


@pytest.mark.parametrize("name", NAMES)
def test_import_readme_case(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    expected = json.loads((CASES / f"{name}.expected.json").read_text(encoding="utf-8"))
    shutil.copy(CASES / f"{name}.md", tmp_path / "README.md")
    monkeypatch.chdir(tmp_path)  # messages name README.md and out/..., as a user in that folder sees them
    for run in expected["runs"]:
        shutil.rmtree("out", ignore_errors=True)
        code = main(["import-readme", "README.md", "--out", "out", *run["flags"]])
        printed = capsys.readouterr()
        assert (code, printed.out.splitlines(), printed.err.splitlines()) == (run["exit"], run["stdout"], run["stderr"]), run["flags"]
        if any(line.endswith("pass --skip-unimportable to import the rest") for line in printed.err.splitlines()):
            assert not os.path.exists("out")  # nothing is written while a listing cannot become an entry
    sections, files = written(tmp_path / "out")
    assert sections == expected["sections"]
    assert files == expected["files"]
    assert main(["check", "--entries", "out"]) == expected["check_exit"]


def test_what_the_cases_show() -> None:
    """The issue's reports, each answered by a line of the expected files (read, not regenerated)."""
    details = json.loads((CASES / "details-years.expected.json").read_text(encoding="utf-8"))
    years = {path.split("/")[-1][:-5]: data["year"] for path, data in details["files"].items()}
    # <details> year groups are year groups: every paper is under its group's year, none taken from an arXiv id
    assert not any("not under a year heading" in line for line in details["runs"][0]["stdout"])
    assert years["raghu2022vision"] == 2022  # in a plain <details> group inside the 2022 group (arXiv: 2021)
    # "2020 and Before": each paper's own year up to the group's; without one, the group's
    assert (years["feldman2019learning"], years["arpit2017closer"], years["gu2020neural"]) == (2019, 2017, 2020)
    # the only arXiv link written [[paper](URL)] still gives the paper its year
    assert details["files"]["privacy/carlini2018secret.yaml"]["arxiv"] == "1802.08232" and years["carlini2018secret"] == 2018
    assert details["files"]["memorization/lee2022deduplicating.yaml"]["keywords"] == ["Memorization", "Deduplication"]  # "Kew Word:"
    refused = json.loads((CASES / "no-years.expected.json").read_text(encoding="utf-8"))
    assert [run["exit"] for run in refused["runs"]] == [1, 0]
    assert [line for line in refused["runs"][1]["stdout"] if "not imported" in line] == [
        line.replace(": not under", ": warning: not under").replace(": listing has", ": warning: listing has")
        for line in refused["runs"][0]["stderr"][:3]
    ]
