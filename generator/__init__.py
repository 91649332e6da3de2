"""Deep Learning Phenomena reading list: entries as data, a validated catalog, a MkDocs site.

The package reads like the pipeline, each stage a subpackage whose imports point down only
(tests/test_architecture.py holds them to it):

    commands  new, fmt, maintain, import and export of READMEs, link check
    site      the MkDocs plugin, the page registry, templates, indexes, downloads, search, safety
    list      load, validate, duplicates, source (a list folder), catalog, emit (write list files)
    text      digest Markdown, text similarity

On top, every stage may use `model` (Entry, Section, ListInfo, the field table) and `errors`
(Problem, ListError); `cli` (`python -m generator`) is the thin adapter over the commands.
"""

from __future__ import annotations

__version__ = "0.1.0"
