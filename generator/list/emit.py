"""Write entry and sections files in one canonical layout, so diffs stay small."""

from __future__ import annotations

import os
from typing import Any

import yaml

from generator.list.validate import SCHEMA_DIR
from generator.model import DRAFT_MARK, FIELDS

WIDTH = 100


class _Dumper(yaml.SafeDumper):
    """Block style, no key sorting, long prose folded; quoting left to PyYAML, which quotes
    anything another YAML reader would take for a number, a boolean, a date or a null."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key

    def write_plain(self, text: str, split: bool = True) -> None:
        # A plain value is never broken over lines: a reader of the file (and `check`) takes a
        # continued plain line for a mistake. Only values of at most WIDTH characters are plain
        # (_represent_str), so a line runs at most its key's length past WIDTH.
        super().write_plain(text, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > WIDTH and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=WIDTH, default_flow_style=False)


def schema_comment(file_path: str, schema_name: str) -> str:
    """The YAML language server modeline pointing an editor at the schema from this file."""
    target = os.path.join(SCHEMA_DIR, schema_name)
    rel = os.path.relpath(target, os.path.dirname(os.path.abspath(file_path)))
    return f"# yaml-language-server: $schema={rel.replace(os.sep, '/')}\n"


class _Block(str):
    """A digest: always a folded block, so its layout does not jump between one line and a block
    when an edit crosses the line width."""


def _represent_block(dumper: yaml.SafeDumper, value: _Block) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=">")


_Dumper.add_representer(_Block, _represent_block)


def format_entry(data: dict[str, Any], file_path: str | None = None) -> str:
    """An entry mapping as canonical YAML: fields in guide order, unknown fields last.

    A draft digest (from `new`) keeps its mark on a line of its own: deleting that line leaves
    the rest exactly as `fmt` lays out the finished digest, so the edit `check` asks for never
    makes `fmt --check` fail."""
    ordered = {k: data[k] for k in FIELDS if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    digest = ordered.get("digest")
    draft = isinstance(digest, str) and digest.startswith(DRAFT_MARK) and digest[len(DRAFT_MARK):].strip() != ""
    if isinstance(digest, str) and "\n" not in digest and digest.strip() == digest:
        ordered["digest"] = _Block(digest[len(DRAFT_MARK):] if draft else digest)
    head = schema_comment(file_path, "entry.schema.json") if file_path else ""
    text = _dump(ordered)
    if draft:
        marked = text.replace("\ndigest: >-\n", f"\ndigest: >-\n  {DRAFT_MARK.strip()}\n", 1)
        text = marked if marked != text else _dump({**ordered, "digest": digest})
    return head + text


def format_sections(data: dict[str, Any], file_path: str | None = None) -> str:
    head = schema_comment(file_path, "sections.schema.json") if file_path else ""
    return head + _dump(data)


def write_text(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
