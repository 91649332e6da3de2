"""The entry fields are one table (generator.model.ENTRY_FIELDS): everything else that names them
comes from it or agrees with it here."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from generator.commands.newentry import Paper, entry_data
from generator.errors import errors_in
from generator.list.catalog import Catalog
from generator.list.duplicates import paper_keys
from generator.list.emit import format_entry
from generator.list.load import load_text
from generator.list.validate import entry_problems, load_schema, make_entry
from generator.model import ENTRY_FIELDS, FIELDS, Entry, ListInfo, Section
from generator.site.bibtex import bibtex
from generator.site.datafiles import CSV_FIELDS, papers_csv

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = load_schema("entry.schema.json")
# what each kind of field is on Entry (the dataclass's annotations, as written) and in the JSON Schema
ENTRY_TYPE = {"text": "str | None", "number": "int", "list": "tuple[str, ...]", "links": "tuple[tuple[str, str], ...]", "markdown": "str"}
JSON_TYPE = {"text": "string", "number": "integer", "list": "array", "links": "object", "markdown": "string"}

FULL = {
    "id": "xiao2024rethinking", "title": "Rethinking Conventional Wisdom in Machine Learning", "authors": ["Lechao Xiao", "Ann Other"],
    "venue": "ICML 2024", "year": 2024, "date": "2024-09", "arxiv": "2409.15156", "doi": "10.1000/xyz",
    "links": {"paper": "https://arxiv.org/abs/2409.15156", "code": "https://github.com/a/b"}, "keywords": ["Scaling Laws", "Regularization"],
    "digest": "It finds that *scaling* changes the rules.", "section": "scaling", "also_in": ["other"],
    "distinct_from": ["xiao2023rethinking"], "added": "2024-10-01",
}
INFO = ListInfo(title="A list", sections=(Section("scaling", "Scaling", "d"), Section("other", "Other", "d")))


def full_entry() -> Entry:
    data = {k: v for k, v in FULL.items() if k != "section"}
    loaded, problems = load_text("entries/scaling/xiao2024rethinking.yaml", format_entry(data))
    assert loaded is not None and not problems
    assert errors_in(entry_problems(loaded, "scaling", INFO)) == []
    return make_entry(loaded, "scaling")


def test_table_names_are_unique_and_fields_follow_it() -> None:
    assert len(set(FIELDS)) == len(FIELDS) == len(ENTRY_FIELDS)
    assert tuple(f.name for f in ENTRY_FIELDS) == FIELDS
    assert FIELDS[:3] == ("id", "title", "authors") and FIELDS[-1] == "added"
    assert all(f.description.endswith(".") for f in ENTRY_FIELDS)


def test_entry_dataclass_has_each_field_in_the_type_of_its_kind() -> None:
    types = {f.name: f.type for f in dataclasses.fields(Entry) if f.name not in ("path", "lines")}
    assert set(types) == set(FIELDS)
    for spec in ENTRY_FIELDS:
        expected = "str" if spec.kind == "text" and spec.always else ENTRY_TYPE[spec.kind]
        assert types[spec.name] == expected, spec.name


def test_schema_properties_required_and_descriptions_agree_with_the_table() -> None:
    properties = SCHEMA["properties"]
    assert list(properties) == list(FIELDS)
    assert SCHEMA["required"] == [f.name for f in ENTRY_FIELDS if f.required == "yes"]
    assert SCHEMA["additionalProperties"] is False
    for spec in ENTRY_FIELDS:
        node = properties[spec.name]
        assert node["description"] == spec.description, f"{spec.name}: the schema's description differs from the table's"
        if "$ref" in node:
            node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        assert node["type"] == JSON_TYPE[spec.kind], spec.name


def contributing_rows() -> list[tuple[str, str]]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("\n## The fields\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert rows[0].replace(" ", "") == "|field|required|meaning|"
    return [(m.group(1), m.group(2)) for row in rows[2:] if (m := re.match(r"\| `([a-z_]+)` \| ([a-z]+) \|", row))]


def test_contributing_field_table_agrees_with_the_table() -> None:
    """Every field a contributor writes, in file order, with the table's required column (the section is the folder)."""
    assert contributing_rows() == [(f.name, f.required) for f in ENTRY_FIELDS if not f.from_folder]


def test_make_entry_reads_every_field_and_to_dict_gives_it_back_in_table_order() -> None:
    entry = full_entry()
    assert entry.links == (("paper", FULL["links"]["paper"]), ("code", FULL["links"]["code"]))  # type: ignore[index]
    assert entry.authors == tuple(FULL["authors"])
    assert entry.to_dict() == FULL
    assert list(entry.to_dict()) == list(FIELDS)


def test_to_dict_leaves_out_empty_fields_but_keeps_what_every_entry_has() -> None:
    entry = Entry(id="a2020b", title="T", year=2020, section="s", path="p.yaml")
    assert list(entry.to_dict()) == [f.name for f in ENTRY_FIELDS if f.always] == ["id", "title", "year", "section"]
    loaded, _ = load_text("entries/s/a2020b.yaml", "id: a2020b\ntitle: T\nyear: 2020\ndigest: |\n  Text.\n\n")
    assert loaded is not None
    assert make_entry(loaded, "s") == Entry(id="a2020b", title="T", year=2020, section="s", path="entries/s/a2020b.yaml", digest="Text.")


def test_csv_columns_are_the_tables_csv_fields_plus_links_and_permalink() -> None:
    assert [c for c in CSV_FIELDS if c in FIELDS] == sorted((f.name for f in ENTRY_FIELDS if f.csv), key=CSV_FIELDS.index)
    assert {c for c in CSV_FIELDS if c not in FIELDS} == {"paper", "code", "url"}
    assert CSV_FIELDS == ("id", "title", "authors", "venue", "year", "date", "arxiv", "doi", "section", "also_in",
                          "keywords", "paper", "code", "url", "added", "digest")  # published: scripts read columns by position
    entry = full_entry()
    row = next(csv.DictReader(io.StringIO(papers_csv(Catalog(INFO, (entry,))))))
    assert row["authors"] == "Lechao Xiao; Ann Other" and row["year"] == "2024" and row["paper"] == FULL["links"]["paper"]  # type: ignore[index]
    empty = next(csv.DictReader(io.StringIO(papers_csv(Catalog(INFO, (Entry(id="a", title="T", year=2020, section="scaling", path="p"),))))))
    assert empty["venue"] == empty["also_in"] == empty["code"] == ""


def test_bibtex_carries_the_fields_a_citation_needs() -> None:
    entry = full_entry()
    text = bibtex([entry])
    for value in (entry.id, entry.title, " and ".join(entry.authors), entry.venue, str(entry.year), entry.arxiv, entry.doi, entry.link("paper")):
        assert value and value in text, value


def test_paper_keys_name_table_fields() -> None:
    fields = {field.split(".")[0] for _, _, field in paper_keys(full_entry())}
    assert fields <= set(FIELDS) and {"arxiv", "doi", "links", "title"} <= fields


def test_new_writes_fields_a_contributor_writes_in_table_order() -> None:
    paper = Paper(title="T", authors=("A B",), year=2024, link="https://arxiv.org/abs/2409.15156", abstract="We find that x.",
                  date="2024-09", arxiv="2409.15156", doi="10.1/x")
    data = entry_data(paper, "b2024t", ["K"], dt.date(2024, 10, 1))
    written = [f.name for f in ENTRY_FIELDS if not f.from_folder]
    assert list(data) == [name for name in written if name in data]


def test_format_entry_writes_fields_in_table_order_and_unknown_last() -> None:
    data: dict[str, Any] = {"zzz": 1, **{name: FULL[name] for name in reversed(FIELDS)}}
    keys = [line.split(":", 1)[0] for line in format_entry(data).splitlines() if re.match(r"[a-z_]+:", line)]
    assert keys == [*FIELDS, "zzz"]
