"""import-readme: an awesome-list README turned into one entry per paper, every irregularity it
absorbs reported. Nothing about one particular list is hard-coded: the section level is the level
just above the year marks (or, without year marks, the level of the headings that hold entries).

The stages, in order, each a module over the ones before:

    tokens     lines -> tokens: headings, year marks, ends of details groups, bullets with the
               lines under them, paragraphs (and the link patterns, Markdown-as-text helpers
               and Notes the other stages share)
    structure  the section level, the section heading that owns each token, the sections file
    listing    one bullet -> one listing: title, links, authors, venue, key words, digest
    whole      the listings collected by section and year group, years settled, the same paper
               merged, ids given: parse_readme, which returns an ImportResult
    files      the README (with the files it links to) read as one text, the entry files
               written: import_readme = gather + parse_readme + write_import
"""

from __future__ import annotations

from generator.commands.readme_import.files import entry_path, import_readme, write_import
from generator.commands.readme_import.whole import ImportResult, parse_readme

__all__ = ["ImportResult", "entry_path", "import_readme", "parse_readme", "write_import"]
