"""The typed data model: what a validated entry and a list's sections are."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal


def papers(count: int) -> str:
    """'1 paper', '2 papers': the count every message, page and search record says."""
    return f"{count} paper" + ("" if count == 1 else "s")


DRAFT_MARK = "DRAFT: "  # how `python -m generator new` marks a digest drafted from the abstract

Kind = Literal["text", "number", "list", "links", "markdown"]
Required = Literal["yes", "expected", "no"]


@dataclass(frozen=True)
class Field:
    """One field of an entry file.

    `kind` says what the value is: "text" a string (None when left out), "number" an int, "list" a
    list of strings (a tuple on Entry), "links" a mapping label -> URL (a tuple of pairs on Entry),
    "markdown" prose ("" when left out, stripped). `required`: "yes" the schema requires it,
    "expected" `check` asks for it, "no" optional. `description` is what an editor shows (the
    schema's description, word for word). `csv`: a column of papers.csv. `from_folder`: the reader
    takes it from the file's folder, so every Entry has it and a contributor never writes it.
    """

    name: str
    kind: Kind
    required: Required
    description: str
    csv: bool = True
    from_folder: bool = False

    @property
    def always(self) -> bool:
        """Every Entry has a value: papers.json keeps it even when empty."""
        return self.required == "yes" or self.from_folder


ENTRY_FIELDS: tuple[Field, ...] = (
    Field("id", "text", "yes", "Stable, unique slug: the permalink anchor. Lower-case letters, digits and hyphens; never reused."),
    Field("title", "text", "yes", "The title as published, without a trailing period or markup."),
    Field("authors", "list", "expected", "Authors in the paper's order, one name per item."),
    Field("venue", "text", "no", "Where it was published: 'ICLR 2022', 'Nature', 'PhD Thesis'. Leave out for preprints."),
    Field("year", "number", "yes", "The year group the paper is listed under."),
    Field("date", "text", "no", "First arXiv submission when known: YYYY-MM or YYYY-MM-DD."),
    Field("arxiv", "text", "no", "arXiv identifier without version, as a quoted string: '2102.06062' or 'cs/0112017'."),
    Field("doi", "text", "no", "Digital Object Identifier, without https://doi.org/: '10.1038/s41586-024-07566-y'."),
    Field("links", "links", "expected",
          "Label -> http(s) URL. 'paper' is expected, 'code' common; also project, blog, openreview, slides, video, book.", csv=False),
    Field("keywords", "list", "expected", "Key words from the list's vocabulary."),
    Field("digest", "markdown", "expected",
          "1-5 sentences of Markdown: emphasis, inline code and http(s) links; no raw HTML, headings, lists or attribute lists."),
    Field("section", "text", "no",
          "The section's slug, only for files directly in entries/; a file in entries/<section>/ takes the folder's section.", from_folder=True),
    Field("also_in", "list", "no", "Other sections that list this paper too."),
    Field("distinct_from", "list", "no",
          "Ids of listed papers with the same or nearly the same title that are other papers; each of them names this one back.", csv=False),
    Field("added", "text", "no", "The day the paper joined the list: YYYY-MM-DD."),
)
"""The fields of an entry, in the canonical order of an entry file: the one list the others come
from or are tested against (tests/test_fields.py).

Adding a field (say `openreview`): add its row here and its attribute to `Entry`, in the kind's
type; add its property to generator/schema/entry.schema.json with the row's description and the
validation keywords (type, pattern, length), which stay JSON Schema's job; add its row to the table
in CONTRIBUTING.md. The reader (`make_entry`), papers.json (`Entry.to_dict`), the canonical file
layout (`FIELDS`, used by `fmt`, `new` and the importer) and papers.csv (a new column goes last)
follow from the row. What gives the field a meaning still needs code: the templates that show it,
BibTeX (generator/site/bibtex.py), duplicate detection (`duplicates.paper_keys`) for an identifier,
`new` (`newentry.entry_data`) if arXiv gives it, and the README export and import if the format
carries it.
"""

FIELDS = tuple(f.name for f in ENTRY_FIELDS)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    year: int
    section: str
    path: str
    authors: tuple[str, ...] = ()
    venue: str | None = None
    date: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    keywords: tuple[str, ...] = ()
    digest: str = ""
    also_in: tuple[str, ...] = ()
    # ids of listed papers whose titles are (nearly) this one's but that are other papers
    distinct_from: tuple[str, ...] = ()
    added: str | None = None
    # line of each field and item in its file ('title', 'keywords[2]', 'links.code'), for messages
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def link(self, label: str) -> str | None:
        return dict(self.links).get(label)

    @property
    def sections(self) -> tuple[str, ...]:
        """Every section that lists the paper, its own first."""
        return (self.section, *self.also_in)

    def line(self, name: str) -> int:
        return self.lines.get(name, 1)

    def to_dict(self) -> dict[str, Any]:
        """The entry with the guide's field names; empty optional fields left out."""
        data: dict[str, Any] = {}
        for spec in ENTRY_FIELDS:
            value = getattr(self, spec.name)
            if spec.kind == "links":
                value = dict(value)
            elif spec.kind == "list":
                value = list(value)
            if value in (None, "", [], {}) and not spec.always:
                continue
            data[spec.name] = value
        return data


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    description: str


@dataclass(frozen=True)
class ListInfo:
    """The list as a whole: its name, introduction, credits and ordered sections."""

    title: str
    sections: tuple[Section, ...]
    description: str = ""
    credits: str = ""
    # the day the list was first imported: when papers without `added` joined it
    imported: str = ""
    # key word spelling variant -> the canonical key word (keyword-aliases.yaml)
    aliases: Mapping[str, str] = field(default_factory=dict)
    # author name spelling -> the one name the site shows for that person (author-aliases.yaml)
    author_aliases: Mapping[str, str] = field(default_factory=dict)
    # spellings that look alike but are other key words / other people, each pair both ways (the
    # `distinct:` of the two alias files): `check` no longer asks about them
    keyword_distinct: frozenset[tuple[str, str]] = frozenset()
    author_distinct: frozenset[tuple[str, str]] = frozenset()
    # section slug -> ids of papers moved out of it, whose old permalinks must still work (moved.yaml)
    moved: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def canonical(self, keyword: str) -> str:
        return self.aliases.get(keyword, keyword)

    def canonical_author(self, name: str) -> str:
        return self.author_aliases.get(name, name)

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)
