"""Maintainers' edits across the list that keep every permalink working.

`rename-keyword` rewrites a key word in every entry and records `OLD: NEW` in keyword-aliases.yaml,
so links to the old key word still resolve; `move` moves an entry to another section and records its
id under the old one in moved.yaml, so the old `section/#id` anchor still leads to the paper.
Files are re-emitted by the formatter (generator.commands.fmt): the diff shows only the edit.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.commands.fmt import canonical_text, first_modeline, read_for_rewrite
from generator.errors import ListError, Problem
from generator.list.emit import write_text
from generator.list.source import ALIASES_FILE, MAX_FILES_PER_FOLDER, MOVED_FILE, display_path, entry_files, read_info

ALIASES_HEADER = [
    "# Reviewed spelling variants of key words: variant -> the canonical key word the site shows.",
]
MOVED_HEADER = [
    "# Papers moved out of a section: their old permalinks <section>/#<id> lead to where they are now.",
]


@dataclass
class Changes:
    """What an edit did, as lines to print."""

    lines: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def section_folder(entries_dir: str, section: str, year: int) -> str:
    """entries/<section>/, or its year subfolder once the section holds too many files for one folder."""
    folder = os.path.join(entries_dir, section)
    count = sum(len(files) for _, _, files in os.walk(folder))
    if count + 1 > MAX_FILES_PER_FOLDER or os.path.isdir(os.path.join(folder, str(year))):
        folder = os.path.join(folder, str(year))
    return folder


def _rewrite(path: str, change: Callable[[dict[str, Any]], bool], target: str | None = None) -> bool:
    """Apply `change` to a file's data and re-emit it (at `target` when given); False if nothing changed."""
    data, comments, text, problems = read_for_rewrite(path)
    if data is None:
        raise ListError(problems)
    if not change(data) and target is None:
        return False
    write_text(target or path, canonical_text(target or path, data, comments, None if target else first_modeline(text)))
    return True


@dataclass
class ListFile:
    """keyword-aliases.yaml or moved.yaml, read to be edited and written back."""

    path: str
    data: dict[str, Any]
    comments: list[str]
    modeline: str | None

    def write(self) -> None:
        write_text(self.path, canonical_text(self.path, self.data, self.comments, self.modeline))


def _list_file(entries_dir: str, name: str, key: str, header: list[str]) -> ListFile:
    """A list file to edit; a new one with a header comment when it does not exist yet."""
    path = os.path.join(entries_dir, name)
    if not os.path.isfile(path):
        return ListFile(path, {key: {}}, header, None)
    data, comments, text, problems = read_for_rewrite(path)
    if data is None:
        raise ListError(problems)
    data[key] = dict(data.get(key) or {})
    return ListFile(path, data, comments, first_modeline(text))


def _entries(entries_dir: str) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(path, section folder, data) of every entry file that loads; ListError when one does not."""
    found = []
    files, _ = entry_files(entries_dir)
    broken: list[Problem] = []
    for path, folder in files:
        data, _, _, problems = read_for_rewrite(path)
        broken += problems
        if data is not None:
            found.append((path, folder, data))
    if broken:
        raise ListError(broken)
    return found


def _known_sections(entries_dir: str) -> list[str]:
    info, problems = read_info(entries_dir)
    if info is None:
        raise ListError(problems)
    return [s.slug for s in info.sections]


def _hint(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def rename_keyword(entries_dir: str, old: str, new: str) -> Changes:
    """Rename a key word in every entry; OLD becomes an alias of NEW (and so do OLD's own aliases)."""
    new = new.strip()
    if not new or "\n" in new:
        raise ValueError("the new key word must be one line of text")
    if old == new:
        raise ValueError(f"'{old}' is already spelled that way")
    _known_sections(entries_dir)  # the list must be readable
    entries = _entries(entries_dir)
    aliases_file = _list_file(entries_dir, ALIASES_FILE, "aliases", ALIASES_HEADER)
    aliases: dict[str, str] = aliases_file.data["aliases"]
    used = {k for _, _, data in entries for k in data.get("keywords") or [] if isinstance(k, str)}
    if old not in used and old not in aliases.values():
        raise ValueError(f"no paper has the key word '{old}'{_hint(old, sorted(used))}")
    if new in aliases and aliases[new] != old:
        raise ValueError(f"'{new}' is an alias of '{aliases[new]}' in {ALIASES_FILE}; rename to '{aliases[new]}'")

    def swap(data: dict[str, Any]) -> bool:
        keywords = data.get("keywords")
        if not isinstance(keywords, list) or old not in keywords:
            return False
        data["keywords"] = list(dict.fromkeys(new if k == old else k for k in keywords))
        return True

    changes = Changes()
    renamed = [display_path(path) for path, _, _ in entries if _rewrite(path, swap)]
    changes.lines.append(f"renamed key word '{old}' to '{new}' in {len(renamed)} file(s)")
    changes.lines += [f"  {path}" for path in renamed]
    if aliases.get(new) == old:  # NEW was a variant of OLD: it becomes the canonical spelling
        del aliases[new]
    repointed = sorted(variant for variant, target in aliases.items() if target == old)
    for variant in repointed:
        aliases[variant] = new
    aliases[old] = new
    aliases_file.write()
    changes.lines.append(f"{display_path(aliases_file.path)}: '{old}: {new}' recorded, so links to the old key word keep working")
    changes.lines += [f"  repointed alias '{variant}' to '{new}'" for variant in repointed]
    return changes


def move(entries_dir: str, paper_id: str, section: str) -> Changes:
    """Move an entry to another section; its old section keeps an anchor that leads to it."""
    known = _known_sections(entries_dir)
    if section not in known:
        raise ValueError(f"unknown section '{section}'; known: {', '.join(known)}")
    entries = _entries(entries_dir)
    found = [(path, folder, data) for path, folder, data in entries if data.get("id") == paper_id]
    if not found:
        ids = sorted(str(data.get("id")) for _, _, data in entries)
        raise ValueError(f"no paper has the id '{paper_id}'{_hint(paper_id, ids)}")
    path, folder, data = found[0]
    old = folder or str(data.get("section"))
    if old == section:
        raise ValueError(f"'{paper_id}' is already in {section} ({display_path(path)})")
    year = data.get("year")
    target = os.path.join(section_folder(entries_dir, section, year if isinstance(year, int) else 0), os.path.basename(path))
    if os.path.exists(target):
        raise ValueError(f"{display_path(target)} already exists")

    changes = Changes()
    dropped: list[str] = []

    def relocate(data: dict[str, Any]) -> bool:
        data.pop("section", None)  # the folder says the section now
        also_in = data.get("also_in")
        if isinstance(also_in, list) and section in also_in:
            dropped.append(section)
            also_in.remove(section)
            if not also_in:
                del data["also_in"]
        return True

    _rewrite(path, relocate, target)
    os.remove(path)
    changes.lines.append(f"moved {display_path(path)} -> {display_path(target)}")
    if dropped:
        changes.lines.append(f"  also_in: dropped '{section}' (it is the paper's own section now)")
    moved_file = _list_file(entries_dir, MOVED_FILE, "moved", MOVED_HEADER)
    moved: dict[str, list[str]] = {slug: list(ids) for slug, ids in moved_file.data["moved"].items()}
    if paper_id in moved.get(section, []):  # moving back: the paper is listed there again
        moved[section].remove(paper_id)
        changes.lines.append(f"{display_path(moved_file.path)}: '{paper_id}' removed from {section}, where it is listed again")
        if not moved[section]:
            del moved[section]
    if paper_id not in moved.setdefault(old, []):
        moved[old].append(paper_id)
    moved_file.data["moved"] = moved
    moved_file.write()
    changes.lines.append(f"{display_path(moved_file.path)}: '{paper_id}' recorded under {old}, so {old}/#{paper_id} still leads to it")
    return changes
