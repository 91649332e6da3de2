"""Read one YAML file safely and keep the line of every value.

YAML guesses types and forgives things that hide mistakes; here nothing is guessed and nothing is
forgiven. Only plain integers and plain nulls get a type: `2103.10000`, `no` and `2021-03-15` stay
the text that was typed. Duplicate keys, anchors, aliases, tags, merge keys, tabs, byte-order marks,
control characters and non-UTF-8 bytes are problems with a line, never silent behaviour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.errors import Problem

try:  # the C parser is ten times faster; both report positions
    _Parser: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = yaml.SafeLoader

MAX_BYTES = 64 * 1024
MAX_DEPTH = 8
_INT = re.compile(r"[-+]?[0-9]+")
_NULLS = {"", "~", "null", "Null", "NULL"}
# the tags libyaml's resolver gives untagged values; an explicit tag of another kind is refused
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
# tabs, and the control characters (Unicode category Cc) other than the line feed
_TAB_OR_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_BOMS = {
    b"\xef\xbb\xbf": "UTF-8 byte-order mark",
    b"\xff\xfe": "UTF-16 byte-order mark",
    b"\xfe\xff": "UTF-16 byte-order mark",
}

Path = tuple[str | int, ...]


@dataclass
class Loaded:
    """A file's data plus the 1-based line of every key and list item, by path."""

    path: str
    data: dict[str, Any]
    lines: dict[Path, int] = field(default_factory=dict)
    # plain (unquoted) values that run over several lines, by path: (first line, last line). YAML
    # joins such lines with a space, so an item indented one space too far becomes part of the one
    # above it; the validator decides where a value may span lines (a digest may, a name may not)
    folded: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def line_of(self, where: Path) -> int:
        """The line of `where`, or of its nearest ancestor that has one."""
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where[:-1]
        return 1


def decode(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes to text, refusing what an editor would not show plainly."""
    if len(raw) > MAX_BYTES:
        return None, [Problem(path, 1, f"file is {len(raw):,} bytes; an entry is at most {MAX_BYTES:,}")]
    for bom, name in _BOMS.items():
        if raw.startswith(bom):
            return None, [Problem(path, 1, f"file starts with a {name}; save it as UTF-8 without BOM")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
    text = text.replace("\r\n", "\n")
    problems = []
    for match in _TAB_OR_CONTROL.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if match.group() == "\t":
            problems.append(Problem(path, line, "tab character; YAML needs spaces for indentation and tabs are not allowed in values"))
        else:
            problems.append(Problem(path, line, f"control character U+{ord(match.group()):04X}; remove it"))
    problems = list({(p.line, p.message.split(";")[0]): p for p in problems}.values())  # one of each kind per line
    return (None if problems else text), problems


# Where YAML's special features could start: anchors, aliases, tags, merge keys, document markers.
# Text without any of these takes the fast path (libyaml composes the whole tree in C).
_MAYBE_SPECIAL = re.compile(r"(?:^|[\s\[{,])[&*!]|<<|^(?:---|\.\.\.)|^\?|^\s*\?\s", re.MULTILINE)


def load_text(path: str, text: str) -> tuple[Loaded | None, list[Problem]]:
    """Parse YAML text into plain data with lines, or say every reason it cannot be used."""
    # libyaml's composer recurses once per level of nesting: a file of ~30,000 '[' crashes the
    # interpreter (segmentation fault) there, so deeply bracketed text takes the careful path
    if not _MAYBE_SPECIAL.search(text) and text.count("[") + text.count("{") <= 4 * MAX_DEPTH:
        fast = _fast_load(path, text)
        if fast is not None:
            return fast, []
    return _careful_load(path, text)


def _fast_load(path: str, text: str) -> Loaded | None:
    """The happy path: a plain mapping of plain values. Anything unusual returns None, and the
    careful event-by-event path below says what is wrong."""
    try:
        root = yaml.compose(text, Loader=_Parser)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    loaded = Loaded(path, {})
    try:
        loaded.data = _plain_value(root, (), loaded, 0)
    except _Unusual:
        return None
    return loaded


class _Unusual(Exception):
    """Raised inside the fast path to hand the file to the careful path."""


def _plain_value(node: Any, where: Path, loaded: Loaded, depth: int) -> Any:
    if depth >= MAX_DEPTH:
        raise _Unusual
    lines = loaded.lines
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in _PLAIN_TAGS or (node.style == '"' and _TAB_OR_CONTROL.search(node.value)):
            raise _Unusual
        if not node.style and node.end_mark.line > node.start_mark.line:
            loaded.folded[where] = (node.start_mark.line + 1, node.end_mark.line + 1)
        if not node.style and node.value in _NULLS:
            return None
        if not node.style and _INT.fullmatch(node.value):
            return int(node.value)
        return node.value
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        items = []
        for index, item in enumerate(node.value):
            lines[(*where, index)] = item.start_mark.line + 1
            items.append(_plain_value(item, (*where, index), loaded, depth + 1))
        return items
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS or key_node.value in mapping:
                raise _Unusual  # complex or duplicate key
            key = str(_plain_value(key_node, where, loaded, depth + 1))
            lines[(*where, key)] = key_node.start_mark.line + 1
            mapping[key] = _plain_value(value_node, (*where, key), loaded, depth + 1)
        return mapping
    raise _Unusual


class _TooDeep(Exception):
    """Raised by the builder to stop reading a file nested deeper than MAX_DEPTH."""


def _careful_load(path: str, text: str) -> tuple[Loaded | None, list[Problem]]:
    builder = _Builder(path)
    try:
        for event in yaml.parse(text, Loader=_Parser):
            builder.feed(event)
    except _TooDeep:  # nothing deeper can be an entry; reading on costs time quadratic in the depth
        return None, builder.problems
    except yaml.MarkedYAMLError as exc:
        line, message = explain_parser_error(exc, text)
        return None, [Problem(path, line, message)]
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports without a mark
        return None, [Problem(path, 1, f"invalid YAML: {exc}")]
    if builder.problems:
        return None, builder.problems
    if builder.documents == 0 or builder.root is None:
        return None, [Problem(path, 1, "file is empty; an entry is a YAML mapping of fields")]
    if not isinstance(builder.root, dict):
        kind = "a list" if isinstance(builder.root, list) else "a single value"
        return None, [Problem(path, 1, f"file holds {kind}; an entry is a YAML mapping of fields (key: value)")]
    return Loaded(path, builder.root, builder.lines, builder.folded), []


_KEY_VALUE = re.compile(r"^( *)([A-Za-z_][\w-]*):(?: +(.*))?$")


def explain_parser_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """(line, message) for a parser error: what is wrong in the words of someone editing the file,
    with the likely fix; the parser's own words follow as a detail."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    problem, context = exc.problem or "", exc.context or ""
    opened = exc.context_mark.line + 1 if exc.context_mark else line
    detail = problem or context or "invalid YAML"
    if problem and context and opened != line:
        detail += f" ({context} that starts at line {opened})"
    lines = text.split("\n")
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    field = _KEY_VALUE.match(here)
    value = (field.group(3) or "") if field else ""
    plain: str | None = None
    if problem == "found unexpected end of stream" and "quoted scalar" in context:
        line, plain = opened, "a quote opened on this line is never closed; close it at the end of the value"
    elif problem == "found unknown escape character":
        plain = "a backslash inside double quotes starts an escape; use single quotes for text with a backslash ('$\\alpha$')"
    elif problem == "found character that cannot start any token":
        plain = "a value cannot start with @, ` or %; put the whole value in quotes"
    elif "flow sequence" in context or "flow mapping" in context:
        line, plain = opened, "a list opened with [ (or a mapping with {) on this line is not closed; close it, or write one '- item' per line"
    elif problem == "block sequence entries are not allowed in this context":
        plain = "a list cannot start on the line of its field; write the field alone ('authors:') and each item below it as '  - name'"
    elif problem == "did not find expected '-' indicator":
        plain = "this line is inside a list but is not an item; start it with '- ' at the indentation of the items above"
    elif problem == "could not find expected ':'":
        line, plain = opened, "this line is not 'field: value'; add the field's name and a colon, or indent it under the field it belongs to"
    elif problem.startswith("mapping values are not allowed"):
        if field and not field.group(1) and ": " in value:
            plain = f"the value of {field.group(2)} contains ': ', which YAML reads as another field; put the whole value in quotes"
        else:
            plain = "this line is indented further than the field above it; fields of one mapping start at the same column"
    elif problem == "did not find expected key":
        if field and value[:1] in ("'", '"', "[", "{"):
            plain = f"the value of {field.group(2)} starts with {value[0]} but does not end there; put the whole value in quotes"
        elif here.lstrip().startswith("- "):
            plain = "this list item is indented less than the items above it; give its '-' the same indentation as theirs"
        else:
            plain = ("this line is indented less than the lines above it, or a value before it is cut short; "
                     "align it with the fields or items around it")
    if plain is None:
        return line, f"invalid YAML: {detail}"
    return line, f"{plain} (YAML parser: {detail})"


def load_bytes(path: str, raw: bytes) -> tuple[Loaded | None, list[Problem]]:
    text, problems = decode(path, raw)
    if text is None:
        return None, problems
    return load_text(path, text)


class _Builder:
    """Turns parser events into dicts, lists and scalars, refusing YAML's silent features."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.lines: dict[Path, int] = {}
        self.folded: dict[Path, tuple[int, int]] = {}
        self.documents = 0
        self.root: Any = None
        # each open container: (value, its path, pending key or None, first line of each key)
        self.stack: list[tuple[Any, Path, list[Any], dict[str, int]]] = []

    def problem(self, event: Any, message: str) -> None:
        self.problems.append(Problem(self.path, event.start_mark.line + 1, message))

    def feed(self, event: Any) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents == 2:
                self.problem(event, "more than one YAML document (---); one file holds one entry")
            return
        if self.documents > 1:
            return
        if isinstance(event, yaml.AliasEvent):
            self.problem(event, f"YAML alias *{event.anchor} is not allowed; write the value out")
            self.add(event, None)
            return
        if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if event.anchor is not None:
                self.problem(event, f"YAML anchor &{event.anchor} is not allowed; write values out")
            if event.tag is not None and event.tag != "!":
                self.problem(event, f"YAML tag {event.tag} is not allowed; write plain values")
        if isinstance(event, yaml.ScalarEvent):
            if event.style == '"' and (control := _TAB_OR_CONTROL.search(event.value)):  # "\e[2J", "\r": escapes for a terminal
                self.problem(event, f"control character U+{ord(control.group()):04X} written as an escape in double quotes; "
                             "remove it, or use single quotes if the backslash is meant ('$\\alpha$')")
            where = self.add(event, _scalar(event))
            start, end = event.start_mark, event.end_mark
            if not event.style and start is not None and end is not None and end.line > start.line:
                self.folded[where] = (start.line + 1, end.line + 1)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(self.stack) == MAX_DEPTH:
                self.problem(event, f"values are nested more than {MAX_DEPTH} levels deep")
                raise _TooDeep
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            where = self.add(event, container)
            self.stack.append((container, where, [], {}))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.stack.pop()

    def add(self, event: Any, value: Any) -> Path:
        """Place a value in the open container; return its path."""
        line = event.start_mark.line + 1
        if not self.stack:
            self.root = value
            return ()
        container, where, pending, first_lines = self.stack[-1]
        if isinstance(container, list):
            path = (*where, len(container))
            container.append(value)
            self.lines[path] = line
            return path
        if not pending:  # this value is a key
            if not isinstance(value, (str, int)) or isinstance(event, yaml.AliasEvent):
                self.problem(event, "a key must be a plain word")
                value = f"<invalid key at line {line}>"
            key = str(value)
            if key == "<<" and not getattr(event, "style", None):
                self.problem(event, "YAML merge key << is not allowed; write the fields out")
            if key in first_lines:
                self.problem(event, f"duplicate key '{key}' (first at line {first_lines[key]})")
            else:
                first_lines[key] = line
            pending.append(key)
            return (*where, key)
        key = pending.pop()
        path = (*where, key)
        if key in container:  # duplicate already reported; keep the first
            return path
        container[key] = value
        self.lines.setdefault(path, first_lines.get(key, line))
        return path


def _scalar(event: Any) -> Any:
    if not event.style and event.implicit[0]:  # plain (None or "" by parser): only integers and nulls are typed
        if event.value in _NULLS:
            return None
        if _INT.fullmatch(event.value):
            return int(event.value)
    return event.value
