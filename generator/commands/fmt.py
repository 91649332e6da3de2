"""`python -m generator fmt`: every list file in one canonical layout, so diffs show only real changes.

Entry files go through emit.format_entry (modeline first, fields in guide order, quoting YAML would
otherwise misread); sections.yaml, keyword-aliases.yaml, author-aliases.yaml and moved.yaml through the same emitter.
A comment block at the top of a file is kept. A comment anywhere else would be lost by re-emitting,
so such a file is reported and left alone, like a file that does not load.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from generator.errors import Problem
from generator.list.emit import format_entry, format_sections, schema_comment, write_text
from generator.list.load import load_bytes
from generator.list.source import ALIASES_FILE, AUTHOR_ALIASES_FILE, MOVED_FILE, SECTIONS_FILE, display_path, entry_files

MODELINE = "# yaml-language-server:"
LIST_SCHEMAS = {SECTIONS_FILE: "sections.schema.json", ALIASES_FILE: "keyword-aliases.schema.json",
                AUTHOR_ALIASES_FILE: "author-aliases.schema.json", MOVED_FILE: "moved.schema.json"}


@dataclass(frozen=True)
class FormatOutcome:
    path: str
    changed: bool
    problems: list[Problem]
    diff: str = ""  # with `check`: what fmt would change, as a unified diff


def leading_comments(text: str) -> list[str]:
    """The comment lines above the first field, without the modeline (it is written anew)."""
    kept = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        if stripped and not stripped.startswith(MODELINE):
            kept.append(stripped)
    return kept


def body_comment_lines(text: str) -> list[int]:
    """1-based lines below the top block that hold a comment (a # outside every scalar)."""
    lines = text.split("\n")
    top = next((n for n, line in enumerate(lines) if line.strip() and not line.strip().startswith("#")), len(lines))
    if not any("#" in line for line in lines[top:]):
        return []
    spans = [
        ((t.start_mark.line, t.start_mark.column), (t.end_mark.line, t.end_mark.column))
        for t in yaml.scan(text, Loader=yaml.SafeLoader)  # the pure-Python scanner: its columns count characters
        if isinstance(t, yaml.ScalarToken)
    ]
    found = []
    for number in range(top, len(lines)):
        for column, char in enumerate(lines[number]):
            if char == "#" and not any(start <= (number, column) < end for start, end in spans):
                found.append(number + 1)
                break
    return found


def _plain_yaml(data: dict[str, Any]) -> str:
    return format_sections(data)  # without a path: emit's canonical dumper and nothing else


def _alphabetical(text: str) -> tuple[str, str]:
    return (text.casefold(), text)


def format_aliases(data: dict[str, Any], file_path: str | None = None) -> str:
    """keyword-aliases.yaml or author-aliases.yaml, variants (and `distinct` spellings) in alphabetical
    order so a new one has one right place."""
    aliases = dict(sorted((data.get("aliases") or {}).items(), key=lambda item: _alphabetical(item[0])))
    ordered: dict[str, Any] = {"aliases": aliases}
    if isinstance(data.get("distinct"), dict):
        ordered["distinct"] = {name: sorted(others, key=_alphabetical) if isinstance(others, list) else others
                               for name, others in sorted(data["distinct"].items(), key=lambda item: _alphabetical(item[0]))}
    ordered.update({key: value for key, value in data.items() if key not in ordered})
    name = os.path.basename(file_path) if file_path else ALIASES_FILE
    head = schema_comment(file_path, LIST_SCHEMAS.get(name, LIST_SCHEMAS[ALIASES_FILE])) if file_path else ""
    return head + _plain_yaml(ordered)


def format_moved(data: dict[str, Any], file_path: str | None = None) -> str:
    """moved.yaml, sections and ids sorted: the order carries no meaning."""
    moved = {slug: sorted(ids) for slug, ids in sorted((data.get("moved") or {}).items())}
    head = schema_comment(file_path, LIST_SCHEMAS[MOVED_FILE]) if file_path else ""
    return head + _plain_yaml({**data, "moved": moved})


FORMATTERS: dict[str, Callable[[dict[str, Any], str | None], str]] = {
    SECTIONS_FILE: format_sections, ALIASES_FILE: format_aliases, AUTHOR_ALIASES_FILE: format_aliases, MOVED_FILE: format_moved,
}


def formatter_for(path: str, data: dict[str, Any]) -> Callable[[dict[str, Any], str | None], str]:
    """By name, unless the file is a paper: an entry may well have the id `moved`."""
    name = os.path.basename(path)
    return FORMATTERS[name] if name in FORMATTERS and "id" not in data else format_entry


def canonical_text(path: str, data: dict[str, Any], comments: Iterable[str] = (), modeline: str | None = None) -> str:
    """A list file's canonical text: modeline, the kept top comments, then the data. A `modeline`
    that still reaches the right schema is kept (a list elsewhere may point at a URL)."""
    text = formatter_for(path, data)(data, path)
    head, _, rest = text.partition("\n")
    if modeline and _reaches_schema(modeline, head, path):
        head = modeline
    return "\n".join([head, *comments, rest])


def _reaches_schema(modeline: str, wanted: str, path: str) -> bool:
    target = modeline.partition("$schema=")[2].strip()
    name = wanted.partition("$schema=")[2].strip().rsplit("/", 1)[-1]
    if not target or target.rsplit("/", 1)[-1] != name:
        return False
    if target.startswith(("http://", "https://")):
        return True
    return os.path.isfile(os.path.join(os.path.dirname(os.path.abspath(path)), target))


def first_modeline(text: str) -> str | None:
    first = text.split("\n", 1)[0].strip()
    return first if first.startswith(MODELINE) else None


def read_for_rewrite(path: str) -> tuple[dict[str, Any] | None, list[str], str, list[Problem]]:
    """(data, top comments, current text, problems) of a file about to be re-emitted; data is None
    when the file cannot be rewritten without losing something."""
    with open(path, "rb") as handle:
        raw = handle.read()
    shown = display_path(path)
    loaded, problems = load_bytes(shown, raw)
    if loaded is None:
        return None, [], "", problems
    text = raw.decode("utf-8").replace("\r\n", "\n")
    lost = [Problem(shown, line, "comment inside the data would be lost; move it to the top of the file") for line in body_comment_lines(text)]
    if lost:
        return None, [], text, lost
    return loaded.data, leading_comments(text), text, []


def format_file(path: str, check: bool = False) -> FormatOutcome:
    """Re-emit one file in the canonical layout (only compare with `check`)."""
    data, comments, text, problems = read_for_rewrite(path)
    if data is None:
        return FormatOutcome(display_path(path), False, problems)
    new = canonical_text(path, data, comments, first_modeline(text))
    if new != text and not check:
        write_text(path, new)
    shown = display_path(path)
    diff = ""
    if check and new != text:  # only a file that would change: `fmt --check` reads the whole list
        diff = "".join(difflib.unified_diff(text.splitlines(True), new.splitlines(True), f"{shown} (yours)", f"{shown} (fmt)"))
    return FormatOutcome(shown, new != text, [], diff)


def list_paths(entries_dir: str) -> tuple[list[str], list[Problem]]:
    """The list files of a list directory: its sections, aliases and moved files, then every entry."""
    if not os.path.isdir(entries_dir):
        return [], [Problem(display_path(entries_dir), 0, "no such directory: point --entries at a folder of entry files")]
    top = [os.path.join(entries_dir, name) for name in LIST_SCHEMAS if os.path.isfile(os.path.join(entries_dir, name))]
    files, problems = entry_files(entries_dir)
    return top + [path for path, _ in files], problems


def format_paths(paths: Iterable[str], check: bool = False) -> list[FormatOutcome]:
    outcomes = []
    for path in paths:
        if not path.endswith(".yaml") or not os.path.isfile(path):
            outcomes.append(FormatOutcome(display_path(path), False, [Problem(display_path(path), 0, "not a .yaml file of the list")]))
            continue
        outcomes.append(format_file(path, check))
    return outcomes


def format_list(entries_dir: str, files: list[str], check: bool) -> tuple[list[str], list[Problem], str]:
    """`fmt`: (the files changed or, with `check`, the diff of each file that would change, which
    names it; problems; a summary line with the command that fixes them)."""
    paths, problems = (files, []) if files else list_paths(entries_dir)
    outcomes = format_paths(paths, check)
    changed = [o.path for o in outcomes if o.changed]
    problems += [p for o in outcomes for p in o.problems]
    verb = "would be reformatted" if check else "reformatted"
    summary = f"{len(changed)} of {len(outcomes)} file(s) {verb}" + (f"; {len(problems)} left alone with problems" if problems else "")
    if check and changed:
        summary += f"; `python -m generator fmt {' '.join(changed)}` rewrites them"
    return [o.diff if check else o.path for o in outcomes if o.changed], problems, summary
