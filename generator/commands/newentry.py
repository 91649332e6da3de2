"""`python -m generator new`: the first of three steps for a contributor (new, edit, pull request).

It writes a complete entry file a contributor only has to read and finish: facts from arXiv, a
section and key words suggested from the list (generator.commands.suggest), and a digest drafted from the
abstract and marked `DRAFT: ` so that `check` reminds them to write it in their own words.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.commands.arxiv import ArxivPaper
from generator.commands.fmt import canonical_text, first_modeline, read_for_rewrite
from generator.commands.ids import base_id, unique_id
from generator.commands.maintain import section_folder
from generator.commands.suggest import Suggester, Suggestion, finding_sentences
from generator.errors import ListError, Problem, errors_in
from generator.list.duplicates import Match, near_titles, same_paper
from generator.list.emit import format_entry, write_text
from generator.list.identifiers import doi_from_url, normalize_arxiv, normalize_title
from generator.list.source import display_path, entry_files, read_list
from generator.model import DRAFT_MARK, Entry, ListInfo
from generator.text.digest import is_http_url

DRAFT_SENTENCES = 2  # findings picked for the draft (a third joins two short ones)
KEYWORDS = 3  # suggested key words written to the file: the benchmark's precision falls past three
NO_ABSTRACT = "What does the paper find? Say it in 1-5 sentences of your own."
_TAG = re.compile(r"<(?=[A-Za-z!?/])")  # "<a" would read as raw HTML in a digest


@dataclass(frozen=True)
class Paper:
    """What `new` knows about a paper before it is an entry."""

    title: str
    authors: tuple[str, ...]
    year: int
    link: str
    abstract: str = ""
    date: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    journal_ref: str | None = None


@dataclass(frozen=True)
class Written:
    path: str
    section: str
    data: dict[str, Any]
    suggestion: Suggestion
    paper: Paper
    problems: list[Problem]  # what check says about the new file
    sections: list[str]  # every section of the list
    entries_dir: str = "entries"
    distinct: list[Entry] = field(default_factory=list)  # listed papers with nearly its title, now naming it back


def paper_from_arxiv(found: ArxivPaper) -> Paper:
    return Paper(
        title=found.title.rstrip("."), authors=found.authors, year=int(found.published[:4]),
        link=f"https://arxiv.org/abs/{found.arxiv}", abstract=found.abstract, date=found.published,
        arxiv=found.arxiv, doi=found.doi, journal_ref=found.journal_ref,
    )


def paper_from_url(title: str, url: str, authors: str | None, year: int | None, today: dt.date) -> Paper:
    """A paper without an arXiv id: what the contributor typed."""
    title = " ".join(title.split()).rstrip(".")
    url = url.strip()
    if not title:
        raise ValueError("--title must not be empty")
    arxiv = normalize_arxiv(url)
    if arxiv:
        raise ValueError(f"{url} is an arXiv paper: run `python -m generator new {arxiv}` to take its details from arXiv")
    if not is_http_url(url):
        raise ValueError(f"--url must be an http(s) address, not {url!r}")
    names = tuple(name.strip() for name in (authors or "").split(";") if name.strip())
    return Paper(title=title, authors=names, year=year or today.year, link=url, doi=doi_from_url(url))


def draft_digest(abstract: str) -> str:
    """The abstract's sentences that state what the paper finds, marked as a draft the contributor must rewrite."""
    text = " ".join(finding_sentences(abstract, DRAFT_SENTENCES)) or NO_ABSTRACT
    return DRAFT_MARK + _TAG.sub("< ", text)


def entry_data(paper: Paper, paper_id: str, keywords: list[str], today: dt.date) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": paper_id, "title": paper.title, "authors": list(paper.authors), "year": paper.year, "date": paper.date,
        "arxiv": paper.arxiv, "doi": paper.doi, "links": {"paper": paper.link}, "keywords": keywords,
        "digest": draft_digest(paper.abstract), "added": today.isoformat(),
    }
    return {k: v for k, v in data.items() if v not in (None, [], "")}


def _read(entries_dir: str) -> tuple[ListInfo, list[Entry], set[str]]:
    """The list's info, valid entries, and every id in use (file names too: broken files keep theirs)."""
    info, entries, problems = read_list(entries_dir)
    if info is None:
        raise ListError(errors_in(problems))
    files, _ = entry_files(entries_dir)
    taken = {e.id for e in entries} | {os.path.splitext(os.path.basename(path))[0] for path, _ in files}
    taken |= {paper_id for ids in info.moved.values() for paper_id in ids}
    return info, entries, taken


def add_paper(
    entries_dir: str, paper: Paper, section: str | None = None, today: dt.date | None = None, distinct_from: Sequence[str] = (),
) -> Written:
    """Write the entry file for a paper the list does not have yet; papers named in `distinct_from`
    (whose titles are nearly its title) get its id in their own distinct_from."""
    today = today or dt.date.today()
    info, entries, taken = _read(entries_dir)
    distinct = _named(entries, distinct_from)
    duplicate = same_paper(entries, paper.arxiv, paper.doi, paper.title, distinct_from)
    if duplicate:
        raise ValueError(_already(duplicate))
    others = []  # every file to edit is read before any is written
    for other in distinct:
        key, other_key = normalize_title(paper.title), normalize_title(other.title)
        if key != other_key and not near_titles(key, other_key):
            raise ValueError(f"--distinct-from {other.id}: its title, {other.title!r}, is not like this paper's; leave the option out "
                             "(distinct_from is for two papers with nearly the same title)")
        other_data, comments, text, problems = read_for_rewrite(other.path)
        if other_data is None:
            raise ListError(problems)
        others.append((other, other_data, comments, text))
    known = [s.slug for s in info.sections]
    if section is not None and section not in known:
        raise ValueError(f"unknown section '{section}'; known: {', '.join(known)}")
    suggestion = Suggester(entries, info).suggest(paper.title, paper.abstract, keywords=KEYWORDS)
    section = section or suggestion.section or known[0]
    paper_id = unique_id(base_id(paper.title, list(paper.authors), paper.year), taken)
    data = entry_data(paper, paper_id, suggestion.keywords, today)
    if distinct:
        data["distinct_from"] = [other.id for other in distinct]
    path = os.path.join(section_folder(entries_dir, section, paper.year), f"{paper_id}.yaml")
    write_text(path, format_entry(data, path))
    for other, other_data, comments, text in others:  # the back-reference that check asks for
        other_data["distinct_from"] = [*other_data.get("distinct_from", []), paper_id]
        write_text(other.path, canonical_text(other.path, other_data, comments, first_modeline(text)))
    _, _, problems = read_list(entries_dir)
    mine = [p for p in problems if p.path == display_path(path)]
    return Written(display_path(path), section, data, suggestion, paper, mine, known, entries_dir, distinct)


def _named(entries: Sequence[Entry], ids: Sequence[str]) -> list[Entry]:
    """The listed papers `--distinct-from` names."""
    by_id = {e.id: e for e in entries}
    for paper_id in ids:
        if paper_id not in by_id:
            raise ValueError(f"--distinct-from {paper_id}: no paper has the id '{paper_id}'")
    return [by_id[paper_id] for paper_id in dict.fromkeys(ids)]


def report(written: Written) -> str:
    """What was written and the steps left, as the contributor reads them after `new`."""
    data, suggestion, section = written.data, written.suggestion, written.section
    others = ", ".join(slug for slug, _ in suggestion.sections[1:3] if slug != section)
    keywords = ", ".join(data.get("keywords", [])) or "none found: add a few the list already uses"
    asked = data["digest"] == DRAFT_MARK + NO_ABSTRACT  # no abstract, or none of its sentences says what the paper finds
    draft = "a question for you (no sentence of an abstract to draft it from)" if asked else "a draft from the abstract"
    custom = os.path.normpath(written.entries_dir) != "entries"
    check = (f"python -m generator check --strict --entries {written.entries_dir} {written.path}" if custom
             else f"python -m generator check --strict {written.path}   (or: make check)")
    lines = [
        f"wrote {written.path}",
        f"  title:     {data['title']}",
        f"  authors:   {', '.join(data.get('authors', [])) or 'none: add them in the order of the paper'}",
        f"  section:   {section}" + (f" (suggested from similar papers; next best: {others})" if section == suggestion.section and others else ""),
        f"  key words: {keywords}",
    ]
    for other in written.distinct:
        lines.append(f"  distinct from: {other.path} ({other.title!r}); distinct_from: [{data['id']}] added there too")
    if written.paper.journal_ref:
        lines.append(f"  arXiv journal ref: {written.paper.journal_ref} (add venue: if it names a conference or journal)")
    lines += [f"  check:     {p}" for p in written.problems]
    lines += [
        "",
        "Next steps:",
        f"  1. Edit {written.path}: the digest is {draft}, under a line '{DRAFT_MARK.strip()}'.",
        f"     {'Answer it' if asked else 'Rewrite it'} in 1-5 sentences of your own on what the paper finds,"
        f" and delete the line '{DRAFT_MARK.strip()}'.",
        "     Keep the key words that fit (add others the list uses); if another section fits better,",
        *textwrap.wrap(f"move the file to that folder: entries/<section>/ ({', '.join(written.sections)}).",
                       width=100, initial_indent="     ", subsequent_indent="       ", break_on_hyphens=False),
        f"  2. Check:   {check}; fix every line it prints (the pull request runs the same check)",
        f"              python -m generator fmt {written.path}   puts your edit in the list's layout",
        f"  3. Preview: make serve, then open http://127.0.0.1:8000/{section}/#{data['id']}",
        "  4. Open a pull request that adds this one file." if not written.distinct else
        f"  4. Open a pull request that adds this file and the distinct_from line in {', '.join(o.path for o in written.distinct)}.",
    ]
    return "\n".join(lines)


def new_entry(
    entries_dir: str, arxiv: str | None, *, title: str | None = None, url: str | None = None, authors: str | None = None,
    year: int | None = None, atom_file: str | None = None, section: str | None = None, today: dt.date | None = None,
    distinct_from: Sequence[str] = (),
) -> Written:
    """`new`: from an arXiv id or URL (or a saved API answer), or from --title and --url."""
    from generator.commands.arxiv import read_paper  # urllib and the XML parser only load for `new`

    today = today or dt.date.today()
    if title is not None or url is not None:
        if arxiv is not None or atom_file is not None:
            raise ValueError("give either an arXiv id (or --atom-file) or --title and --url, not both")
        if not (title and url):
            raise ValueError("a paper without an arXiv id needs both --title and --url")
        return add_paper(entries_dir, paper_from_url(title, url, authors, year, today), section, today, distinct_from)
    if arxiv is None and atom_file is None:
        raise ValueError("give an arXiv id or URL (e.g. 2008.03703), or --title and --url for a paper without one")
    arxiv_id = normalize_arxiv(arxiv) if arxiv is not None else None
    if arxiv is not None and arxiv_id is None:
        raise ValueError(f"not an arXiv id or arxiv.org URL: {arxiv!r} (e.g. 2008.03703, math/0211159, https://arxiv.org/abs/2008.03703v2)")
    refuse_listed(entries_dir, arxiv_id, distinct_from)  # before asking arXiv anything
    return add_paper(entries_dir, paper_from_arxiv(read_paper(arxiv_id, atom_file)), section, today, distinct_from)


def refuse_listed(entries_dir: str, arxiv_id: str | None, distinct_from: Sequence[str] = ()) -> None:
    _, entries, _ = _read(entries_dir)
    _named(entries, distinct_from)
    duplicate = same_paper(entries, arxiv_id, None, "") if arxiv_id else None
    if duplicate:
        raise ValueError(_already(duplicate))


def _already(match: Match) -> str:
    message = (f"the list already has this paper: {match.entry.path} ({match.how}); edit that file instead "
               "(list another section in its also_in if the paper belongs there too)")
    if match.by_title:  # a title may be two papers'
        message += (f"; if it is another paper, run the command again with --distinct-from {match.entry.id} "
                    "(it names each paper in the other's distinct_from)")
    return message
