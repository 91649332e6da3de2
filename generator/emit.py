"""Write entry and sections files in one canonical layout, so diffs stay small."""

from __future__ import annotations

import os
from typing import Any

import yaml

from generator.model import FIELDS

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schema")
WIDTH = 100


class _Dumper(yaml.SafeDumper):
    """Block style, no key sorting, long prose folded; quoting left to PyYAML, which quotes
    anything another YAML reader would take for a number, a boolean, a date or a null."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key


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


def format_entry(data: dict[str, Any], file_path: str | None = None) -> str:
    """An entry mapping as canonical YAML: fields in guide order, unknown fields last."""
    ordered = {k: data[k] for k in FIELDS if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    head = schema_comment(file_path, "entry.schema.json") if file_path else ""
    return head + _dump(ordered)


def format_sections(data: dict[str, Any], file_path: str | None = None) -> str:
    head = schema_comment(file_path, "sections.schema.json") if file_path else ""
    return head + _dump(data)


def write_text(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
