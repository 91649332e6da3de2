"""import-readme: an awesome-list README turned into one entry per paper, every irregularity it
absorbs reported. Nothing about one particular list is hard-coded: the section level is the level
just above the year marks (or, without year marks, the level of the headings that hold entries).

The stages, in order, each a module over the ones before:

    links      a title line's links in every spelling the lists use, and which is the paper's:
               the one place that decides what a link is
    tokens     lines -> tokens: headings, year marks (headings, bold lines, <details> summaries,
               ranges such as "2019 and Before"), other <details> groups and their ends, bullets
               with the lines under them, paragraphs (and the Markdown-as-text helpers and Notes
               the other stages share)
    structure  the section level, the section heading that owns each token, the sections file
    listing    one bullet -> one listing: title, links, authors, venue, key words, digest, with
               what a person meant repaired where it is clear (a misspelt label, prose among the
               key words, raw HTML in a digest: markup)
    whole      the listings collected by section and year group, years settled, the same paper
               merged, two papers with one title told apart, ids given: parse_readme, which
               returns an ImportResult
    files      the README (with the files it links to) read as one text, the entry files
               written, then read back by check: import_readme = gather + parse_readme +
               write_import + checked

Nothing is dropped without a word: a bullet that is no listing is reported as skipped, a line
of a listing that fits nowhere as a warning, and a listing that cannot become an entry is an error
that stops the import unless the user skips such listings on purpose (--skip-unimportable).
"""

from __future__ import annotations

from generator.commands.readme_import.files import entry_path, import_readme, write_import
from generator.commands.readme_import.whole import ImportResult, parse_readme

__all__ = ["ImportResult", "entry_path", "import_readme", "parse_readme", "write_import"]
