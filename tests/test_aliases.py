"""One name per person, one spelling per key word: the variant rules as golden cases
(tests/cases/variants/*.yaml), the name rule on its own, and the alias files resolved in a real build."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import yaml

from generator.cli import main
from generator.list.aliases import given_names_fit, likely_same_people, name_parts, name_spelling_problem, one_edit
from generator.list.emit import format_entry
from generator.list.source import load_catalog, read_list

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).parent / "cases" / "variants"
TITLES = ["Understanding memorization", "Kernel regimes explained", "Sparse subnetworks that train", "Collapse of last-layer features",
          "Phase transitions in learning", "Information in the weights", "Neurons and brains", "Curves of test error"]


def write_case(case: dict[str, Any], entries: Path) -> None:
    """A list of one section `s` with papers p1, p2, ... in the canonical layout; a field a paper
    leaves out has a default that no rule asks about. An alias file is the case's text, or its mapping dumped."""
    (entries / "s").mkdir(parents=True)
    (entries / "sections.yaml").write_text("title: Cases\nsections:\n  - slug: s\n    title: S\n    description: Cases.\n", encoding="utf-8")
    for number, paper in enumerate(case["papers"], 1):
        data = {"id": f"p{number}", "title": paper.get("title", TITLES[number - 1]), "authors": paper.get("authors", ["Ada Lovelace"]),
                "year": 2020, "links": {"paper": f"https://example.org/p{number}"}, "keywords": paper.get("keywords", ["Memorization"]),
                "digest": paper.get("digest", "A finding.")}
        path = entries / "s" / f"p{number}.yaml"
        path.write_text(format_entry(data, str(path)), encoding="utf-8")
    for name in ("author-aliases", "keyword-aliases"):
        if name in case:
            text = case[name] if isinstance(case[name], str) else yaml.safe_dump(case[name], sort_keys=False, allow_unicode=True)
            (entries / f"{name}.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.yaml")))
def test_variant_case(name: str, tmp_path: Path) -> None:
    case = yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))
    write_case(case, tmp_path / "entries")
    _, _, problems = read_list("entries")
    assert [str(p) for p in sorted(problems)] == case["expect"]


@pytest.mark.parametrize(("a", "b", "fit"), [
    ("Andrew M. Saxe", "Andrew Michael Saxe", True),
    ("Andrew Saxe", "Andrew M. Saxe", True),
    ("Philip H.S. Torr", "Philip H. S. Torr", True),
    ("Philip Torr", "Philip H. S. Torr", True),
    ("J. Zico Kolter", "Zico Kolter", True),
    ("JasonD. Lee", "Jason D. Lee", True),
    ("Pin-Yu Chen", "Pin-yu Chen", True),
    ("Umut Şimşekli", "Umut Simsekli", True),
    ("J.-P. Bouchaud", "Jean-Philippe Bouchaud", True),  # two initials, one for each part of a hyphenated name
    ("M. Jordan", "Michael Jordan", True),
    ("Martin Luther King Jr.", "Martin L. King", True),
    ("Andrew M. Saxe", "Andrew J. Saxe", False),
    ("Raman Arora", "Sanjeev Arora", False),
    ("Yu Wang", "Yu-Xiang Wang", False),
    ("Michael Jordan", "Jordan", False),
    ("Andrew Saxe", "Michael Andrew Saxe", False),  # a full given name before the first match is another person's
])
def test_names_that_fit(a: str, b: str, fit: bool) -> None:
    assert (likely_same_people([a, b]) == [tuple(sorted((a, b)))]) is fit


def test_name_parts_and_spelling() -> None:
    assert name_parts("J.-P. Bouchaud") == ("bouchaud", ("j", "p"))
    assert name_parts("Philip H.S. Torr") == ("torr", ("philip", "h", "s"))
    assert name_parts("Martin Luther King III") == ("king", ("martin", "luther"))
    assert name_parts("Plato") is None
    assert given_names_fit(("j", "zico"), ("zico",)) and not given_names_fit((), ("zico",))
    assert name_spelling_problem("Stephanie C.Y. Chan") is None  # initials written together are a style
    assert name_spelling_problem("JasonD. Lee") == "'JasonD. Lee' has an initial glued to a name; write 'Jason D. Lee'"
    assert name_spelling_problem("McDonald Smith") is None


@pytest.mark.parametrize(("a", "b", "changed"), [
    ("averaging", "avaraging", "ea"), ("minima", "minimia", "i"), ("sharpness", "shaprness", "rp"), ("parameterization", "parametrization", "e"),
    ("abc", "abc", None), ("abcd", "badc", None), ("abc", "abcde", None),
])
def test_one_edit(a: str, b: str, changed: str | None) -> None:
    assert one_edit(a, b) == changed


def with_aliases(small_list: Path) -> None:
    """The small list with 'S. Bengio' on one paper and 'Samy Bengio' on another, settled as one person."""
    layers = small_list / "generalization" / "zhang2022layers.yaml"
    layers.write_text(layers.read_text(encoding="utf-8").replace("  - Samy Bengio\n", "  - S. Bengio\n"), encoding="utf-8")
    (small_list / "keyword-aliases.yaml").write_text("aliases:\n  Large Language Model: Large Language Models\n", encoding="utf-8")


def test_check_asks_until_the_alias_file_settles_it(small_list: Path) -> None:
    with_aliases(small_list)
    _, _, problems = read_list(str(small_list))
    assert [str(p) for p in problems] == [
        "entries/generalization/zhang2022layers.yaml:5: warning: author 'S. Bengio' may be the same person as 'Samy Bengio' (1 paper); "
        "write 'Samy Bengio', or settle it in author-aliases.yaml (aliases: one person, distinct: two people)"]
    (small_list / "author-aliases.yaml").write_text("aliases:\n  S. Bengio: Samy Bengio\n", encoding="utf-8")
    _, _, problems = read_list(str(small_list))
    assert problems == []


def test_one_name_everywhere_in_a_build(small_list: Path, tmp_path: Path) -> None:
    """Resolved once, in the catalog: the author index lists the person once, and the section page,
    BibTeX, search, papers.json and papers.csv all say the one name."""
    with_aliases(small_list)
    (small_list / "author-aliases.yaml").write_text("aliases:\n  S. Bengio: Samy Bengio\n", encoding="utf-8")
    catalog, _ = load_catalog(str(small_list))
    assert next(e for e in catalog.entries if e.id == "zhang2022layers").authors == ("Chiyuan Zhang", "Samy Bengio", "Yoram Singer")
    site = tmp_path / "site"
    assert main(["build", "--config-file", str(ROOT / "mkdocs.yml"), "--entries", str(small_list), "--site-dir", str(site)]) == 0
    authors = (site / "authors" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<dt id="[^"]+">([^<]*Bengio) <span class="dlp-n">(\d+)</span></dt>', authors) == [("Samy Bengio", "2")]
    section = (site / "generalization" / "index.html").read_text(encoding="utf-8")
    assert "S. Bengio" not in section and section.count(">Samy Bengio</a>") == 2
    bib = {e.key: e for e in bibtexparser.parse_string((site / "papers.bib").read_text(encoding="utf-8")).entries}  # type: ignore[attr-defined]
    assert bib["zhang2022layers"]["author"] == "Chiyuan Zhang and Samy Bengio and Yoram Singer"
    papers = {p["id"]: p for p in json.loads((site / "papers.json").read_text(encoding="utf-8"))}
    assert papers["zhang2022layers"]["authors"] == ["Chiyuan Zhang", "Samy Bengio", "Yoram Singer"]
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((site / "papers.csv").read_text(encoding="utf-8")))}
    assert "S. Bengio" not in rows["zhang2022layers"]["authors"] and "Samy Bengio" in rows["zhang2022layers"]["authors"]
    from generator.site.search import indexed_records

    hits = {r["meta"]["url"]: r for r in indexed_records(str(site))}
    assert hits["generalization/#zhang2022layers"]["meta"]["info"].startswith("Chiyuan Zhang, Samy Bengio, Yoram Singer")


def test_fmt_and_rename_keep_the_alias_files(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (small_list / "author-aliases.yaml").write_text(
        "# People.\ndistinct:\n  Wei Hu: [W. Hu, A. Hu]\naliases:\n  S. Bengio: Samy Bengio\n  A. Aa: B Aa\n", encoding="utf-8")
    (small_list / "keyword-aliases.yaml").write_text("aliases:\n  Memorisation: Memorization\ndistinct:\n  Zeta: [Beta, Alpha]\n",
                                                   encoding="utf-8")
    assert main(["fmt", "--entries", str(small_list)]) == 0
    text = (small_list / "author-aliases.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0].endswith("generator/schema/author-aliases.schema.json")
    assert text.splitlines()[1:] == ["# People.", "aliases:", "  A. Aa: B Aa", "  S. Bengio: Samy Bengio", "distinct:", "  Wei Hu:",
                                     "    - A. Hu", "    - W. Hu"]
    assert main(["rename-keyword", "Large Language Model", "Large Language Models", "--entries", str(small_list)]) == 0
    assert (small_list / "keyword-aliases.yaml").read_text(encoding="utf-8").splitlines()[1:] == [
        "aliases:", "  Large Language Model: Large Language Models", "  Memorisation: Memorization", "distinct:", "  Zeta:", "    - Alpha",
        "    - Beta"]
    capsys.readouterr()
    assert main(["fmt", "--check", "--entries", str(small_list)]) == 0
