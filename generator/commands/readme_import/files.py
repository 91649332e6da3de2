"""The files on either side of the parse: the README read as one text, the entry files written.

Reading: the README and the local Markdown files its list items link to (its table of contents),
in the order of the links. `export-readme` writes a short README whose contents link to one file
per section; `import-readme --follow-links` reads that README back through here. The files are
joined into one text for the parser, and every problem it reports is moved back to the file and
line it came from.

Writing: sections.yaml and one file per paper, never into a folder that already holds YAML, and
nothing at all while a listing cannot become an entry (unless the user skips those on purpose).
Then the written folder is read back by `check`'s own reader, and whatever it still refuses is
reported at the listing it came from. import_readme does it all: gather, parse_readme,
write_import, checked.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

from generator.commands.readme_import.whole import ImportResult, parse_readme
from generator.errors import Problem, errors_in
from generator.list.emit import format_entry, format_sections, write_text
from generator.list.source import MAX_FILES_PER_FOLDER, display_path, read_list

_LIST_ITEM = re.compile(r"^\s*[-*+]\s")
_LINK_TARGET = re.compile(r"\]\((?P<target>[^()\s]+)\)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_LINE_MENTION = re.compile(r"\bline (\d+)\b")


def read_markdown(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not valid UTF-8 (byte {exc.start}); save it as UTF-8") from exc


def linked_files(readme_path: str, text: str) -> list[str]:
    """Local `.md` files linked from the README's list items, each once, in order.

    Only list items: a link in prose (to CONTRIBUTING.md, say) is not part of the list.
    A linked file that does not exist is an error, not a section silently lost.
    """
    folder = os.path.dirname(readme_path)
    found: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not _LIST_ITEM.match(line):
            continue
        for match in _LINK_TARGET.finditer(line):
            target = unquote(match.group("target").split("#", 1)[0])
            if not target.lower().endswith(".md") or _SCHEME.match(target) or target.startswith("/"):
                continue
            path = os.path.normpath(os.path.join(folder, target))
            if not os.path.isfile(path):
                raise ValueError(f"{readme_path}:{number}: links to {target}, which does not exist next to it")
            if path != os.path.normpath(readme_path) and path not in found:
                found.append(path)
    return found


@dataclass(frozen=True)
class Gathered:
    """The files joined into one text; `starts` holds each file and the line it starts on."""

    source: str
    text: str
    starts: tuple[tuple[str, int], ...]

    def where(self, line: int) -> tuple[str, int]:
        """The file and line of a line of the joined text (line 0, the whole README, stays)."""
        path, start = self.starts[0]
        for candidate, first in self.starts:
            if first <= line:
                path, start = candidate, first
        return (path, line - start + 1) if line > 0 else (path, 0)

    def locate(self, problem: Problem) -> Problem:
        if problem.path != self.source or len(self.starts) == 1:
            return problem
        path, line = self.where(problem.line)

        def mention(match: re.Match[str]) -> str:  # "same paper as line 1234" names a line of the joined text
            other_path, other_line = self.where(int(match.group(1)))
            return f"line {other_line}" if other_path == path else f"{other_path}:{other_line}"

        return replace(problem, path=path, line=line, message=_LINE_MENTION.sub(mention, problem.message))


def gather(readme_path: str, follow_links: bool) -> Gathered:
    """The README alone, or with the files it links to appended, a blank line between each."""
    text = read_markdown(readme_path)
    paths = [readme_path, *(linked_files(readme_path, text) if follow_links else [])]
    lines: list[str] = []
    starts: list[tuple[str, int]] = []
    for path in paths:
        part = text if path == readme_path else read_markdown(path)
        starts.append((path, len(lines) + 1))
        # a blank line between files, so no listing runs on into the next file
        lines += [*part.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n"), ""]
    return Gathered(readme_path, "\n".join(lines), tuple(starts))


def _refuse_used_folder(out_dir: str) -> None:
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise ValueError(f"{out_dir} is a file; give a folder to import into")
    for folder, _, files in os.walk(out_dir):
        yaml_files = sorted(f for f in files if f.endswith((".yaml", ".yml")))
        if yaml_files:
            example = os.path.join(folder, yaml_files[0])
            raise ValueError(f"{out_dir} already holds YAML files (e.g. {example}); import into an empty folder so no entry is overwritten")


def entry_path(out_dir: str, entry: dict[str, Any], section_size: int) -> str:
    """`OUT/<section>/<id>.yaml`, or `OUT/<section>/<year>/<id>.yaml` for a section too big
    for one folder."""
    folder = os.path.join(out_dir, entry["section"])
    if section_size > MAX_FILES_PER_FOLDER:
        folder = os.path.join(folder, str(entry["year"]))
    return os.path.join(folder, f"{entry['id']}.yaml")


def write_import(result: ImportResult, out_dir: str) -> list[str]:
    """Write sections.yaml and one file per paper; refuse a folder that already holds YAML."""
    _refuse_used_folder(out_dir)
    if not result.entries:
        raise ValueError("no paper listings found; nothing to write")
    sections_path = os.path.join(out_dir, "sections.yaml")
    write_text(sections_path, format_sections(result.info, sections_path))
    written = [sections_path]
    sizes = Counter(entry["section"] for entry in result.entries)
    for entry in result.entries:
        path = entry_path(out_dir, entry, sizes[entry["section"]])
        data = {k: v for k, v in entry.items() if k != "section"}  # the folder says the section
        write_text(path, format_entry(data, path))
        written.append(path)
    return written


def checked(result: ImportResult, written: list[str], out_dir: str, reserved: Collection[str] = ()) -> list[Problem]:
    """What `check` refuses in the written folder, each at the line of the listing the file came from
    (sections.yaml's at line 0, the whole README)."""
    _, _, problems = read_list(out_dir, reserved)
    source_line = {display_path(path): line for path, line in zip(written[1:], result.lines, strict=True)}
    return [
        Problem(result.source, source_line.get(problem.path, 0), f"check refuses what this listing became: {problem}")
        for problem in errors_in(problems)
    ]


def import_readme(
    src_path: str, out_dir: str, *, follow_links: bool = False, skip_unimportable: bool = False, reserved: Collection[str] = ()
) -> ImportResult:
    """Read a README (UTF-8), parse it, and write its entries under out_dir. With follow_links,
    the local Markdown files its list items link to are read as if they followed it (a README
    split into section files, as export-readme writes one); problems name the file they are in.

    A listing that cannot become an entry (result.unimportable) stops the import before anything is
    written; with skip_unimportable the rest is written and each of them stays named, as a warning.
    What `check` (with the site's `reserved` names) still refuses in the written files is
    result.failing, at the listings they came from."""
    _refuse_used_folder(out_dir)
    document = gather(src_path, follow_links)
    result = parse_readme(document.text, src_path, reserved)
    result.notes = [document.locate(p) for p in result.notes]
    result.skipped = [document.locate(p) for p in result.skipped]
    result.unimportable = [document.locate(p) for p in result.unimportable]
    if result.unimportable and not skip_unimportable:
        return result
    result.unimportable = [replace(p, severity="warning") for p in result.unimportable]
    result.written = write_import(result, out_dir)
    result.failing = [document.locate(p) for p in checked(result, result.written, out_dir, reserved)]
    return result
