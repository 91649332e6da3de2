"""Turn loaded mappings into Entry objects, reporting every problem with its line.

One JSON Schema (generator/schema/entry.schema.json) is the contract, shared with editors; the rules
a schema cannot say (real dates, the folder's section, one paper once) live here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from generator.errors import Problem
from generator.list.aliases import name_spelling_problem
from generator.list.duplicates import distinct_from_problems, named_distinct, near_title_problems, paper_keys, two_papers
from generator.list.identifiers import doi_from_url, normalize_arxiv, normalize_title
from generator.list.load import Loaded
from generator.model import DRAFT_MARK, ENTRY_FIELDS, Entry, Field, ListInfo, Section
from generator.text.digest import MAX_LENGTH as MAX_DIGEST
from generator.text.digest import (
    blank_character,
    digest_problems,
    invisible_character,
    is_http_url,
    link_host_problem,
    shows_blank,
    unencodable_character,
)

if TYPE_CHECKING:
    import jsonschema

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "schema")  # generator/schema/: 542 entry files and editors point there
# names, titles and key words: a reader must see them, so nothing in them may show as blank space
_SHOWN_WHOLE = ("title", "venue", "authors", "keywords")


@cache
def load_schema(name: str) -> dict[str, Any]:
    with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@cache
def schema_validator(name: str) -> jsonschema.protocols.Validator:
    """The reference validator: slow, but its errors make good messages (loaded only for a file that has errors)."""
    import jsonschema

    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@cache
def fast_validator(name: str) -> Any:
    """The same schema compiled by jsonschema-rs, a hundred times faster: most files are valid."""
    return jsonschema_rs.validator_for(load_schema(name))


def _where(path: Iterable[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _kind(value: Any) -> str:
    return {str: "text", int: "a number", list: "a list", dict: "a mapping", type(None): "empty"}.get(type(value), type(value).__name__)


def schema_problems(loaded: Loaded, schema_name: str) -> list[Problem]:
    """Every schema violation as `path:line: field: what is wrong and how to fix it`."""
    if fast_validator(schema_name).is_valid(loaded.data):
        return []
    validator = schema_validator(schema_name)
    schema: dict[str, Any] = validator.schema  # type: ignore[assignment]
    problems = []
    for error in validator.iter_errors(loaded.data):
        where = tuple(error.absolute_path)
        line = loaded.line_of(where)
        field = _where(where)
        kind = error.validator
        if kind == "additionalProperties" and isinstance(error.instance, dict):
            known = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
            for key in error.instance:
                if key not in known:
                    hint = difflib.get_close_matches(key, known, n=1)
                    fix = f"; did you mean '{hint[0]}'?" if hint else f"; known fields: {', '.join(known)}"
                    problems.append(Problem(loaded.path, loaded.line_of((*where, key)), f"unknown field '{key}'{fix}"))
            continue
        if kind == "required":
            missing = error.message.split("'")[1]
            message = f"missing required field '{missing}'" + (f" in {field}" if field else "")
        elif kind == "type":
            message = f"{field}: must be {_type_name(error.validator_value)}, not {_kind(error.instance)}"
            if field == "year" and isinstance(error.instance, str) and error.instance.strip().isdigit():
                message += " (write it without quotes: year: 2024)"
        elif kind == "pattern" and _ends_with_line_break(error.instance, error.validator_value):
            message = f"{field}: {error.instance!r} ends with a line break; write the value on its field's line (no '|' block, no \\n)"
        elif kind == "pattern" and "propertyNames" in error.schema_path and field != "links":
            message = f"{field}: the key {error.instance!r} is not valid: {_KEY_RULES.get(field, 'one line of text')}"
        elif kind == "pattern" and "propertyNames" in error.schema_path:
            message = f"{field}: link label {error.instance!r} must be a lower-case word such as paper, code, project"
        elif kind == "pattern" and field.startswith("links.") and (lowered := _scheme_in_lower_case(error.instance, error.validator_value)):
            message = f"{field}: write the scheme in lower case: {lowered!r}"
        elif kind == "pattern" and field.startswith("links."):
            message = f"{field}: only http(s) links without spaces or quotes are allowed: {error.instance!r}"
        elif kind == "pattern" and (written := _identifier_fix(field, error.instance)):
            message = f"{field}: {error.instance!r} is not valid; write the identifier alone: {written}"
        elif kind == "pattern":
            message = f"{field}: {error.instance!r} is not valid. {_description(schema, where)}".rstrip()
        elif kind in ("minLength", "minItems") and error.instance in ("", []):
            message = f"{field}: must not be empty"
        elif kind == "propertyNames":
            message = f"{field}: link label {error.instance!r} must be a lower-case word such as paper, code, project"
        elif kind in ("maxLength", "maxItems", "maxProperties") and isinstance(error.instance, (str, list, dict)):
            unit = "characters" if kind == "maxLength" else "items"  # jsonschema's own message repeats the whole value
            message = f"{field}: {len(error.instance):,} {unit}; at most {error.validator_value:,}"
        elif kind == "uniqueItems" and isinstance(error.instance, list):
            message = f"{field}: {_first_repeat(error.instance)} is listed twice"
        else:
            message = f"{field}: {error.message}" if field else error.message
        problems.append(Problem(loaded.path, line, message))
    if not problems:  # the validators disagree (a regular expression read two ways): the fast one's words, never a pass
        for rs_error in fast_validator(schema_name).iter_errors(loaded.data):
            where = tuple(rs_error.instance_path)
            problems.append(Problem(loaded.path, loaded.line_of(where), f"{_where(where)}: {rs_error.message}" if where else rs_error.message))
    return problems


# what a key of a free-form mapping must be, by mapping
_KEY_RULES = {"moved": "a section slug: lower-case letters, digits and hyphens", "aliases": "a key word or name on one line",
              "distinct": "a key word or name on one line"}


def _scheme_in_lower_case(value: Any, pattern: Any) -> str | None:
    """`HTTPS://...` as the pattern takes it, when only the scheme's case kept it out."""
    if not (isinstance(value, str) and isinstance(pattern, str) and re.match(r"(?i)https?://", value)):
        return None
    scheme, rest = value.split("://", 1)
    lowered = f"{scheme.lower()}://{rest}"
    return lowered if lowered != value and re.search(pattern, lowered) else None


def _identifier_fix(field: str, value: Any) -> str | None:
    """The line to write for an arXiv id or DOI given in another of its spellings ('arXiv:2102.06062v2',
    an address, 'doi:10.1000/xyz'), when one can be read from it."""
    if not isinstance(value, str) or field not in ("arxiv", "doi"):
        return None
    if field == "arxiv":
        arxiv = normalize_arxiv(value)
        return f"arxiv: '{arxiv}'" if arxiv else None
    text = value.strip()
    text = text[4:].strip() if text[:4].lower() == "doi:" else text
    doi = doi_from_url(text) if "://" in text else text
    pattern = load_schema("entry.schema.json")["properties"]["doi"]["pattern"]
    return f"doi: {doi}" if doi and doi != value and re.search(pattern, doi) else None


def _ends_with_line_break(value: Any, pattern: Any) -> bool:
    """True for text the pattern would take without its final line break (`id: |` blocks keep one): a
    JSON Schema pattern's $ is ECMA-262's, the end of the text, and the schema's patterns say `(?!\n)$` so that
    Python's $, which also matches before a final line break, agrees."""
    if not (isinstance(value, str) and isinstance(pattern, str) and value.endswith(("\n", "\r"))):
        return False
    return re.search(pattern, value.rstrip("\r\n")) is not None


def _first_repeat(values: list[Any]) -> str:
    seen: set[str] = set()
    for value in map(repr, values):
        if value in seen:
            return value
        seen.add(value)
    return ""


def _type_name(value: Any) -> str:
    names = {"string": "text", "integer": "a whole number", "array": "a list", "object": "a mapping"}
    return " or ".join(names.get(v, v) for v in ([value] if isinstance(value, str) else value))


def _description(schema: dict[str, Any], where: tuple[Any, ...]) -> str:
    """The schema's own description of the field: the hint a contributor needs."""
    node = schema.get("properties", {}).get(next((p for p in where if isinstance(p, str)), ""), {})
    return str(node.get("description", ""))


def folded_problems(loaded: Loaded, may_span: tuple[str, ...] = ()) -> list[Problem]:
    """Plain values YAML joined across lines where one line is meant: an item indented one space
    too far is read as the end of the item above it ('Ziheng Jiang - Chiyuan Zhang'), silently."""
    problems = []
    for where, (first, last) in loaded.folded.items():
        if where and where[-1] in may_span:
            continue
        value = _get(loaded.data, where)
        shown = value if len(value) <= 80 else value[:77] + "..."
        if isinstance(where[-1], int):
            message = (f"{_where(where)}: lines {first}-{last} were read as one item, {shown!r}, because line {first + 1} is "
                       f"indented further than the '- ' above it; start every item with '- ' at the same indentation")
        else:
            message = (f"{_where(where)}: the value runs over lines {first}-{last}, which YAML joins into one line ({shown!r}); "
                       "write it on one line")
        problems.append(Problem(loaded.path, first + 1 if isinstance(where[-1], int) else first, message))
    return problems


def _get(data: Any, where: tuple[Any, ...]) -> str:
    for part in where:
        data = data[part]
    return str(data)


def today() -> dt.date:
    """The date in the earliest time zone (UTC+14), so that no contributor's today is in the future; tests replace it."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=14))).date()


def _future(text: str) -> bool:
    """True for a real YYYY-MM or YYYY-MM-DD later than today (a month that has not begun)."""
    return _real_date(text) and dt.date.fromisoformat(text if len(text) == 10 else f"{text}-01") > today()


_FUTURE_FIX = {"date": "write the paper's first submission", "added": "write the day the paper joined the list"}


def _label(where: Iterable[Any]) -> str:
    """_where, with a key that holds hidden or blank characters written as a Python string (aliases['Memo\\u200drization'])."""
    text = ""
    for part in where:
        if isinstance(part, str) and not (part.isprintable() and blank_character(part) is None):
            text += f"[{part!a}]"
        else:
            text += _where([part]) if not text or isinstance(part, int) else f".{part}"
    return text


def text_problems(loaded: Loaded, markdown: Collection[str] = (), blank: Callable[[tuple[Any, ...]], bool] = lambda where: False,
                  keys: bool = False, reported: Collection[Problem] = ()) -> list[Problem]:
    """Every text of a file, keys too when `keys`, as a reader and an XML writer need it: no invisible or control
    character (a Markdown field in `markdown` says so itself), no noncharacter or lone surrogate, and where `blank(path)`
    (names, titles, key words) nothing that shows as empty space. A field the schema already refused (`reported`) is left out."""
    refused = {p.message.split(": ", 1)[0] for p in reported} | {p.message.split(" is not valid", 1)[0] for p in reported}
    problems: list[Problem] = []

    def check(text: str, where: tuple[Any, ...], label: str) -> None:
        if label in refused:
            return
        found = []
        if not (where and where[-1] in markdown) and (invisible := invisible_character(text)):
            found.append(f"invisible or control character {invisible}; remove it")
        if unencodable := unencodable_character(text):
            found.append(f"{unencodable}, which no page or feed can hold; remove it")
        if blank(where) and (shown_blank := blank_character(text)):
            found.append(f"nothing shows: {shown_blank} is an empty-looking character; write the text itself" if shows_blank(text)
                         else f"{shown_blank} shows as empty space; remove it")
        problems.extend(Problem(loaded.path, loaded.line_of(where), f"{label}: {message}") for message in found)

    def visit(value: Any, where: tuple[Any, ...]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if keys and isinstance(key, str) and f"{_label(where)}: the key {key!r}" not in refused:  # else propertyNames said so
                    check(key, (*where, key), f"{_label(where)} key {key!a}")
                visit(item, (*where, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, (*where, index))
        elif isinstance(value, str):
            check(value, where, _label(where))

    visit(loaded.data, ())
    return problems


def _real_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        return False
    return True


def _ends_with_a_period(title: str) -> bool:
    """A sentence's period at the end, not an ellipsis or an abbreviation's ("U.S.", "etc.")."""
    text = title.rstrip()
    if not text.endswith(".") or text.endswith(".."):
        return False
    last = text.split()[-1]
    return "." not in last[:-1] and last.lower() not in ("etc.", "al.")


def entry_problems(loaded: Loaded, folder_section: str | None, info: ListInfo) -> list[Problem]:
    """Every problem of one entry file on its own (not against the other files)."""
    data = loaded.data
    problems = schema_problems(loaded, "entry.schema.json")

    def add(field: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(loaded.path, loaded.line_of((field,)), message, severity))  # type: ignore[arg-type]

    problems += folded_problems(loaded, may_span=("digest",))
    for field in ("date", "added"):
        value = data.get(field)
        if isinstance(value, str) and len(value) in (7, 10) and value[:4].isdigit() and not _real_date(value):
            add(field, f"{field}: {value} is not a real date")
        elif isinstance(value, str) and len(value) in (7, 10) and value[:4].isdigit() and _future(value):
            add(field, f"{field}: {value} is in the future; {_FUTURE_FIX[field]}, today at the latest")
    problems += text_problems(loaded, markdown=("digest",), blank=lambda where: where[0] in _SHOWN_WHOLE, reported=problems)
    links = data.get("links")
    if isinstance(links, dict):
        told = {problem.message.split(":")[0] for problem in problems}  # fields the schema already refused: one message each
        for label, url in links.items():
            if f"links.{label}" in told:
                continue
            if isinstance(url, str) and not is_http_url(url) and url.lower().startswith(("http://", "https://")):
                problems.append(Problem(loaded.path, loaded.line_of(("links", label)), f"links.{label}: not a valid http(s) URL: {url!r}"))
            elif isinstance(url, str) and is_http_url(url) and (elsewhere := link_host_problem(url)):
                problems.append(Problem(loaded.path, loaded.line_of(("links", label)), f"links.{label}: {elsewhere}"))
    digest = data.get("digest")
    if isinstance(digest, str):
        for message in digest_problems(digest) if len(digest) <= MAX_DIGEST else []:  # the schema says it is too long
            add("digest", message)
        if digest.startswith(DRAFT_MARK):  # written by `new` (from the abstract, or a question): a digest is the contributor's words
            add("digest", f"digest: still the draft that `new` wrote; write it in your own words and delete the line '{DRAFT_MARK.strip()}'",
                "warning")

    known = [s.slug for s in info.sections]
    section = data.get("section")
    if folder_section is not None and section is not None:
        add("section", f"section: the folder already says '{folder_section}'; remove this line (one source of truth)")
    elif folder_section is None and section is None:
        message = "missing section: put the file in entries/<section>/ (or add section: for a file directly in entries/)"
        problems.append(Problem(loaded.path, 1, message))
    for where, slug in [(("section",), section)] + [(("also_in", i), s) for i, s in enumerate(data.get("also_in") or [])]:
        if isinstance(slug, str) and slug.rstrip("\r\n") not in known and (where[0] != "section" or folder_section is None):
            message = f"{_where(where)}: unknown section '{slug}'; known: {', '.join(known)}"
            problems.append(Problem(loaded.path, loaded.line_of(where), message))
    own = folder_section or section
    if own in (data.get("also_in") or []):
        add("also_in", f"also_in: '{own}' is the paper's own section")
    entry_id = data.get("id")
    stem = os.path.splitext(os.path.basename(loaded.path))[0]
    if isinstance(entry_id, str) and entry_id.rstrip("\r\n") != stem:  # a final line break is the schema's to report
        add("id", f"id '{entry_id}' does not match the file name '{stem}.yaml'; rename the file to {entry_id}.yaml")
    if isinstance(entry_id, str) and _PAGE_ANCHOR.fullmatch(entry_id):
        add("id", f"id '{entry_id}' is the anchor of a heading on the section page; choose another (the family name, year and a title word)")

    if isinstance(data.get("title"), str) and _ends_with_a_period(data["title"]):
        add("title", "title: ends with a period; write the title without it (pages, citations and the feed put their own)", "warning")
    if not data.get("authors"):
        add("authors" if "authors" in data else "title", "no authors listed; add them in the paper's order", "warning")
    elif isinstance(data["authors"], list):
        seen: set[str] = set()
        for index, name in enumerate(data["authors"]):
            key = normalize_title(str(name))
            if key in seen:
                problems.append(Problem(loaded.path, loaded.line_of(("authors", index)), f"authors[{index}]: '{name}' is listed twice", "warning"))
            elif isinstance(name, str) and (spelling := name_spelling_problem(name)):
                problems.append(Problem(loaded.path, loaded.line_of(("authors", index)), f"authors[{index}]: {spelling}", "warning"))
            seen.add(key)
    if not isinstance(links, dict) or "paper" not in links:
        add("links" if "links" in data else "title", "no paper link; add links: paper: https://...", "warning")
    if not data.get("keywords"):
        add("keywords" if "keywords" in data else "title", "no key words; add a few from the list's vocabulary", "warning")
    if not (isinstance(digest, str) and digest.strip()):
        add("digest" if "digest" in data else "title", "no digest; add 1-5 sentences of your own on what the paper finds", "warning")
    return problems


def make_entry(loaded: Loaded, section: str) -> Entry:
    """An Entry from a mapping that passed `entry_problems` without errors, field by field of the table."""
    values: dict[str, Any] = {f.name: section if f.from_folder else _entry_value(f, loaded.data.get(f.name)) for f in ENTRY_FIELDS}
    return Entry(**values, path=loaded.path, lines={_where(p): n for p, n in loaded.lines.items()})


def _entry_value(spec: Field, value: Any) -> Any:
    """A field's value as Entry holds it: lists as tuples, links as (label, URL) pairs, prose stripped."""
    if spec.kind == "list":
        return tuple(value or ())
    if spec.kind == "links":
        return tuple((value or {}).items())
    if spec.kind == "markdown":
        return (value or "").strip()
    return value


# anchors that section.md.j2 gives its own headings: an entry with one of these ids would take the heading's permalink
_PAGE_ANCHOR = re.compile(r"year-[0-9]+|moved")
# MkDocs and Material put nav titles into every page unescaped (the navigation, <title> after
# striptags, which decodes entities, and our overrides' meta tags): a section title is plain words
_HTML_SPECIAL = re.compile(r"[<>&\"`]")


def _title_problems(loaded: Loaded, where: tuple[Any, ...], title: Any) -> list[Problem]:
    if not isinstance(title, str):
        return []
    problems, line = [], loaded.line_of(where)
    if where != ("title",) and (special := _HTML_SPECIAL.search(title)):
        message = f"{_where(where)}: the character {special.group()} is not allowed in a section title (every page's navigation shows it as it is)"
        problems.append(Problem(loaded.path, line, message))
    return problems


def make_list_info(loaded: Loaded, reserved: Collection[str] = ()) -> tuple[ListInfo | None, list[Problem]]:
    """The sections file as ListInfo; `reserved`: the names of the site's own pages and folders."""
    problems = schema_problems(loaded, "sections.schema.json") + folded_problems(loaded, may_span=("description", "credits"))
    sections = loaded.data.get("sections")
    seen: dict[str, int] = {}
    for index, item in enumerate(sections if isinstance(sections, list) else []):
        slug = item.get("slug") if isinstance(item, dict) else None
        if isinstance(slug, str):
            line = loaded.line_of(("sections", index))
            if slug in seen:
                problems.append(Problem(loaded.path, line, f"sections[{index}]: slug '{slug}' is already used at line {seen[slug]}"))
            if slug in reserved:
                problems.append(Problem(loaded.path, line, f"sections[{index}]: slug '{slug}' is the name of a page or folder of the site; "
                                        "choose another"))
            seen.setdefault(slug, line)
    problems += text_problems(loaded, markdown=("description", "credits"), blank=lambda where: where[-1] == "title", reported=problems)
    problems += _title_problems(loaded, ("title",), loaded.data.get("title"))
    for index, item in enumerate(sections if isinstance(sections, list) else []):
        problems += _title_problems(loaded, ("sections", index, "title"), item.get("title") if isinstance(item, dict) else None)
    for field in ("description", "credits"):
        text = loaded.data.get(field)
        if isinstance(text, str):
            problems += [Problem(loaded.path, loaded.line_of((field,)), m.replace("digest", field, 1)) for m in digest_problems(text)]
    for index, item in enumerate(sections if isinstance(sections, list) else []):
        text = item.get("description") if isinstance(item, dict) else None
        if isinstance(text, str):
            line = loaded.line_of(("sections", index, "description"))
            problems += [Problem(loaded.path, line, m.replace("digest", f"sections[{index}].description", 1)) for m in digest_problems(text)]
    if problems:
        return None, problems
    imported = loaded.data.get("imported") or ""
    if imported and not _real_date(imported):
        return None, [Problem(loaded.path, loaded.line_of(("imported",)), f"imported: {imported} is not a real date")]
    info = ListInfo(
        title=loaded.data["title"],
        imported=imported,
        description=loaded.data.get("description") or "",
        credits=loaded.data.get("credits") or "",
        sections=tuple(Section(s["slug"], s["title"], s["description"]) for s in loaded.data["sections"]),
    )
    return info, []


def list_problems(entries: list[Entry]) -> list[Problem]:
    """Problems between files: the same id twice, the same paper twice."""
    problems = []
    by_id: dict[str, Entry] = {}
    for entry in entries:
        first = by_id.setdefault(entry.id, entry)
        if first is not entry:
            problems.append(Problem(entry.path, entry.line("id"), f"id '{entry.id}' is already used by {first.path}", related=(first.path,)))
    owners: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        reported = {entry.path}
        for kind, value, field in paper_keys(entry):
            listed = owners[(kind, value)]
            # one arXiv id or DOI is one paper; one title may be two papers that say so in distinct_from
            earlier = next((e for e in listed if kind != "title" or not named_distinct(e, entry)), None)
            listed.append(entry)
            if earlier is not None and earlier.path not in reported:
                reported.add(earlier.path)
                what = f"{kind} {value}" if kind != "title" else "the same title"
                message = f"same paper as {earlier.path} ({what}); keep one file and list extra sections in also_in"
                if kind == "title":
                    message += f"; {two_papers(earlier, entry)}"
                problems.append(Problem(entry.path, entry.line(field), message, related=(earlier.path,)))
    return problems + distinct_from_problems(entries) + near_title_problems(entries)


def alias_problems(loaded: Loaded, schema: str = "keyword-aliases.schema.json") -> tuple[dict[str, str], frozenset[tuple[str, str]], list[Problem]]:
    """keyword-aliases.yaml or author-aliases.yaml: `aliases:` a mapping of variant -> canonical
    spelling, no chains; `distinct:` spelling -> look-alikes that are other key words or people, as
    pairs both ways, each side a spelling the site shows (not an alias variant)."""
    what = "name" if schema.startswith("author") else "key word"
    problems = schema_problems(loaded, schema) + folded_problems(loaded)
    problems += text_problems(loaded, blank=lambda where: True, keys=True, reported=problems)  # names and key words, as on entries
    if problems:
        return {}, frozenset(), problems
    aliases: dict[str, str] = dict(loaded.data.get("aliases") or {})
    for variant, canonical in aliases.items():
        line = loaded.line_of(("aliases", variant))
        if variant == canonical:
            problems.append(Problem(loaded.path, line, f"aliases.{variant}: a {what} cannot be an alias of itself"))
        elif canonical in aliases:
            problems.append(Problem(
                loaded.path, line, f"aliases.{variant}: '{canonical}' is itself an alias of '{aliases[canonical]}'; point to '{aliases[canonical]}'"))
    pairs: set[tuple[str, str]] = set()
    for spelling, others in (loaded.data.get("distinct") or {}).items():
        for index, other in enumerate(others):
            line = loaded.line_of(("distinct", spelling, index))
            shown = next((s for s in (spelling, other) if s in aliases), None)
            if other == spelling:
                problems.append(Problem(loaded.path, line, f"distinct.{spelling}[{index}]: a {what} cannot be distinct from itself"))
            elif shown is not None:
                problems.append(Problem(loaded.path, line, f"distinct.{spelling}[{index}]: '{shown}' is an alias of '{aliases[shown]}' "
                                                           f"(aliases: above); name '{aliases[shown]}'"))
            pairs |= {(spelling, other), (other, spelling)}
    return aliases, frozenset(pairs), problems


def moved_problems(loaded: Loaded, info: ListInfo, entries: list[Entry]) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """moved.yaml: section slug -> ids of papers of the list that used to be listed there."""
    problems = schema_problems(loaded, "moved.schema.json")
    problems += text_problems(loaded, keys=True, reported=problems)
    if problems:
        return {}, problems
    known = [s.slug for s in info.sections]
    by_id = {e.id: e for e in entries}
    moved = {slug: tuple(ids) for slug, ids in (loaded.data.get("moved") or {}).items()}
    for slug, ids in moved.items():
        if slug not in known:
            problems.append(Problem(loaded.path, loaded.line_of(("moved", slug)), f"moved.{slug}: unknown section; known: {', '.join(known)}"))
        for index, paper_id in enumerate(ids):
            line = loaded.line_of(("moved", slug, index))
            entry = by_id.get(paper_id)
            if entry is None:
                problems.append(Problem(loaded.path, line, f"moved.{slug}: no paper has the id '{paper_id}'"))
            elif slug in entry.sections:
                problems.append(Problem(loaded.path, line, f"moved.{slug}: '{paper_id}' is still listed in {slug}; remove it from moved.yaml"))
    return moved, problems
