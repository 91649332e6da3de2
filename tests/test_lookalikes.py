"""Issue 12: link text compared with its target the way a reader sees it; look-alike hosts and user names
before @; hidden, blank and unencodable characters in every file of a list; dates in the future; one-line
fields with a final line break (Python's `$` against JSON Schema's). The hostile corpus has the same
attacks end to end (tests/hostile/cases/lookalike-*, blank-*, future-*, listfile-*, newline-*)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator.cli import main
from generator.list import validate
from generator.list.duplicates import same_paper
from generator.list.identifiers import arxiv_from_url, doi_from_url, normalize_arxiv
from generator.list.load import Loaded, load_text
from generator.list.source import read_list
from generator.list.validate import entry_problems, fast_validator, schema_problems, schema_validator, text_problems
from generator.model import ListInfo, Section
from generator.text.digest import (
    addresses_in,
    blank_character,
    digest_problems,
    fold_lookalikes,
    link_host_problem,
    lookalike_host,
    render_digest,
    shown_links,
    shows_blank,
    unencodable_character,
)

SCHEMAS = Path(__file__).resolve().parent.parent / "generator" / "schema"
FULLWIDTH = "\uff41\uff52\uff58\uff49\uff56\uff0e\uff4f\uff52\uff47"  # arxiv.org
INFO = ListInfo("A list", (Section("memorization", "Memorization", "Memorized."), Section("generalization", "Generalization", "Why.")))


ONE_LINE_FIX = "write the value on its field's line (no '|' block, no \\n)"


def lies(shown: str, host: str = "evil.example") -> str:
    return (f"digest: the link text '{shown}' reads as an address on another host than the link's ({host}); "
            "write what the link is, or the address it goes to")


# --- link text that lies ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("digest", "shown"), [
    ("See [https://arxiv.org/abs/1](https://evil.example/x).", "https://arxiv.org/abs/1"),
    ("See [**arxiv.org**](https://evil.example/x).", "arxiv.org"),
    ("See [`arxiv.org`](https://evil.example/x).", "arxiv.org"),
    (r"See [arxiv\.org](https://evil.example/x).", "arxiv.org"),
    ("See [arxiv&#46;org](https://evil.example/x).", "arxiv.org"),
    ("See [arxiv&period;org](https://evil.example/x).", "arxiv.org"),
    ("See [\u0430rxiv.org](https://evil.example/x).", "\u0430rxiv.org"),  # Cyrillic а
    (f"See [{FULLWIDTH}](https://evil.example/x).", FULLWIDTH),
    ("See [arxiv.org/abs/1 (paper)](https://evil.example/x).", "arxiv.org/abs/1 (paper)"),
    ("See [the paper on arxiv.org](https://evil.example/x).", "the paper on arxiv.org"),
    ("See [*www.arxiv.org*](https://evil.example/x).", "www.arxiv.org"),
    ("See [$arxiv.org$](https://evil.example/x).", "arxiv.org"),  # math shows its TeX
    ("See [arxiv.org@evil.example](https://evil.example/x).", "arxiv.org@evil.example"),
    ("See [mit.edu](https://rnit.edu/).", "mit.edu"),
])
def test_link_text_is_compared_with_its_target_as_a_reader_sees_it(digest: str, shown: str) -> None:
    host = "rnit.edu" if "rnit" in digest else "evil.example"
    assert digest_problems(digest) == [lies(shown, host)]


@pytest.mark.parametrize("digest", [
    "See [arxiv.org/abs/2012.06421 (the paper)](https://arxiv.org/abs/2012.06421).",
    "See [**github.com/google/jax**](https://www.github.com/google/jax) and [`www.github.com`](https://github.com/a/b).",
    "See [\u0430rxiv.org](https://arxiv.org/abs/1).",  # reads as arxiv.org and goes there
    "See [github.com/a/train.py](https://github.com/a/train.py) in version 1.10, e.g. here.",
    "See [the paper](https://arxiv.org/abs/1), [e.g. this](https://example.org/) and [Fig. 3.2](https://example.org/f).",
    "See [ARXIV.ORG](https://arxiv.org/abs/1) and [arxiv.org.](https://arxiv.org/abs/1)",
    "See <https://arxiv.org/abs/1> and [$x^2$](https://example.org/$x$).",
])
def test_honest_link_text_passes(digest: str) -> None:
    assert digest_problems(digest) == []


def test_shown_links_are_the_rendered_text_and_href() -> None:
    assert shown_links("A [**b** `c` d\\.e &#46;](https://x.org/$y$) and <https://z.org/>.") == [
        ("b c d.e .", "https://x.org/$y$"), ("https://z.org/", "https://z.org/")]
    assert addresses_in("see https://www.arxiv.org/abs/1, the site github.com:443 (and user@example.org)") == [
        "arxiv.org", "github.com", "example.org"]


def test_fold_lookalikes() -> None:
    assert fold_lookalikes("\u0430rxiv.org") == "arxiv.org"
    assert fold_lookalikes("\uff21\uff32\uff38\uff29\uff36\uff0e\uff2f\uff32\uff27") == "arxiv.org"  # fullwidth
    assert fold_lookalikes("\U0001d41a\U0001d42b\U0001d431\U0001d422\U0001d42f.org") == "arxiv.org"  # mathematical bold
    assert fold_lookalikes("arxiv\u3002org") == "arxiv.org"  # the ideographic full stop separates labels (IDNA)
    assert fold_lookalikes("mit.edu") != fold_lookalikes("rnit.edu")  # ASCII stays as typed
    assert fold_lookalikes("caf\u00e9 m\u00fcnchen") == "caf\u00e9 m\u00fcnchen"  # accents are no look-alikes


# --- look-alike hosts ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "problem"), [
    ("https://arxiv.org/abs/1", None),
    ("https://caf\u00e9.example/", None),
    ("https://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444/", None),  # all Cyrillic, read as Cyrillic
    ("https://\u4f8b\u3048.\u30c6\u30b9\u30c8/", None),  # Han with Katakana and Hiragana: one Japanese name
    ("https://arxiv.org@evil.example/abs/1", "'arxiv.org@' is a user name, which browsers skip: the link goes to evil.example; remove 'arxiv.org@'"),
    ("https://a:b@github.com/", "'a:b@' is a user name, which browsers skip: the link goes to github.com; remove 'a:b@'"),
    ("https://arxiv.org&#64;evil.example/", "'arxiv.org@' is a user name, which browsers skip: the link goes to evil.example; remove 'arxiv.org@'"),
    ("https://\u0430rxiv.org/abs/1", "the host \u0430rxiv.org mixes Latin and Cyrillic letters (U+0430 CYRILLIC SMALL LETTER A), "
     "a look-alike of arxiv.org; type the address again in one script"),
    ("https://xn--rxiv-43d.org/abs/1", "the host \u0430rxiv.org mixes Latin and Cyrillic letters (U+0430 CYRILLIC SMALL LETTER A), "
     "a look-alike of arxiv.org; type the address again in one script"),
    ("https://%D0%B0rxiv.org/abs/1", "the host \u0430rxiv.org mixes Latin and Cyrillic letters (U+0430 CYRILLIC SMALL LETTER A), "
     "a look-alike of arxiv.org; type the address again in one script"),
    ("https://\u0455\u0441\u043e\u0440\u0435.\u0440\u0455/", "the host \u0455\u0441\u043e\u0440\u0435.\u0440\u0455 is written in letters that "
     "look like Latin ones, a look-alike of scope.ps; type the address again in Latin letters"),
])
def test_link_host_problem(url: str, problem: str | None) -> None:
    assert link_host_problem(url) == problem


OWN = "the reader's own computer"
NETWORK = "a machine on the reader's own network"


@pytest.mark.parametrize(("url", "shown", "where"), [
    ("http://127.0.0.1/admin", "127.0.0.1", OWN),
    ("http://localhost:8000/", "localhost", OWN),
    ("https://app.localhost/", "app.localhost", OWN),
    ("http://[::1]/", "::1", OWN),
    ("http://2130706433/", "2130706433 (127.0.0.1)", OWN),  # one number, read as IPv4 by browsers
    ("http://0x7f.1/", "0x7f.1 (127.0.0.1)", OWN),
    ("http://127.1/", "127.1 (127.0.0.1)", OWN),
    ("http://192.168.1.1/setup.cgi?dns=1.2.3.4", "192.168.1.1", NETWORK),  # a home router's settings
    ("http://10.0.0.5/", "10.0.0.5", NETWORK),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", NETWORK),  # a cloud machine's own secrets
    ("http://[fe80::1]/", "fe80::1", NETWORK),
    ("http://router/", "router", NETWORK),
    ("https://printer.local/", "printer.local", NETWORK),
    ("https://wiki.corp.internal/", "wiki.corp.internal", NETWORK),
    ("https://nas.home.arpa/", "nas.home.arpa", NETWORK),
    ("http://LOCALHOST./", "localhost.", OWN),
    ("http://127.0.0.1./", "127.0.0.1.", OWN),  # a final dot: once a traceback, inet_aton refusing it
    ("http://0x7f.1./", "0x7f.1. (127.0.0.1)", OWN),
    ("http://999999999999/", "999999999999", NETWORK),  # no IPv4 a browser takes, and no domain either
])
def test_a_link_to_the_readers_own_machine_or_network(url: str, shown: str, where: str) -> None:
    """A link a reader clicks runs in their browser, inside their network: one to 192.168.1.1 reaches their router."""
    assert link_host_problem(url) == f"the host {shown} is {where}, not the paper's: link the paper's public address"


@pytest.mark.parametrize("url", ["https://93.184.216.34/paper.pdf", "https://example.org./", "https://1.2.3/", "https://arxiv.org/abs/1"])
def test_a_public_host_is_no_local_one(url: str) -> None:
    assert link_host_problem(url) is None


def test_every_link_field_and_digest_link_is_held_to_the_host_rule() -> None:
    loaded, problems = load_text("x.yaml", "id: x\ntitle: A paper\nyear: 2020\nlinks:\n  paper: https://arxiv.org@evil.example/\n"
                                 "  code: \"https://github.c\\u043Em/a\"\ndigest: \"See [the code](https://github.c\\u043Em/a).\"\n")
    assert loaded is not None and problems == []
    shown = [f"{p.line}: {p.message}" for p in entry_problems(loaded, "memorization", INFO) if p.severity == "error"]
    mixed = ("the host github.c\u043em mixes Latin and Cyrillic letters (U+043E CYRILLIC SMALL LETTER O), a look-alike of github.com; "
             "type the address again in one script")
    assert shown == ["5: links.paper: 'arxiv.org@' is a user name, which browsers skip: the link goes to evil.example; remove 'arxiv.org@'",
                     f"6: links.code: {mixed}", f"7: digest: {mixed}"]


def test_the_renderer_drops_an_href_that_goes_elsewhere() -> None:
    for url in ("https://arxiv.org@evil.example/", "https://\u0430rxiv.org/"):
        assert "href" not in str(render_digest(f"[x]({url})"))
    assert 'href="https://arxiv.org/abs/1"' in str(render_digest("[x](https://arxiv.org/abs/1)"))


def test_the_duplicate_check_sees_through_lookalike_hosts(small_list: Path) -> None:
    for url in ("https://\u0430rxiv.org/abs/1611.03530", "https://xn--rxiv-43d.org/pdf/1611.03530v2", "https://%D0%B0rxiv.org/abs/1611.03530"):
        assert arxiv_from_url(url) == "1611.03530", url
    assert normalize_arxiv("\u0430rxiv.org/abs/1611.03530") == "1611.03530"
    assert doi_from_url("https://d\u043ei.org/10.1038/nature14539") == "10.1038/nature14539"
    assert lookalike_host("https://ARXIV.org/abs/1") == "arxiv.org"
    _, entries, _ = read_list(str(small_list))
    match = same_paper(entries, arxiv_from_url("https://\u0430rxiv.org/abs/1611.03530"), None, "Another title altogether")
    assert match is not None and match.entry.id == "zhang2017understanding" and match.how == "arXiv 1611.03530"


# --- hidden, blank and unencodable characters ------------------------------------------------------------------------------


def test_character_rules() -> None:
    assert unencodable_character("a\ufdd0") == "noncharacter U+FDD0"
    assert unencodable_character("a\U0010ffff") == "noncharacter U+10FFFF"
    assert unencodable_character("a\ud800") == "lone surrogate U+D800"
    assert unencodable_character("caf\u00e9 \u4f8b \U0001f600") is None
    assert blank_character("a\u3164b") == "U+3164 HANGUL FILLER"
    assert [blank_character(c) is not None for c in "\u115f\u1160\uffa0\u2800\u180e"] == [True] * 5
    assert blank_character("Attention Is All You Need") is None
    assert shows_blank("\u3164 \u2800\u200b") and not shows_blank("\u3164a")


def test_a_lone_surrogate_is_refused_in_any_field() -> None:
    """libyaml refuses "\\ud800" in a file, so build the mapping by hand: what another loader could give."""
    loaded = Loaded("x.yaml", {"id": "x", "title": "A\ud800", "year": 2020, "doi": "10.1/\udfff", "digest": "x\ud800"},
                    {("id",): 1, ("title",): 2, ("year",): 3, ("doi",): 4, ("digest",): 5})
    assert [f"{p.line}: {p.message}" for p in text_problems(loaded, markdown=("digest",))] == [
        "2: title: lone surrogate U+D800, which no page or feed can hold; remove it",
        "4: doi: lone surrogate U+DFFF, which no page or feed can hold; remove it",
        "5: digest: lone surrogate U+D800, which no page or feed can hold; remove it",
    ]


def test_list_files_are_held_to_the_entry_rules(small_list: Path) -> None:
    (small_list / "keyword-aliases.yaml").write_text(
        'aliases:\n  "Memo\\u200Drization": Memorization\n  Memorisation: "\\u3164"\n', encoding="utf-8")
    (small_list / "moved.yaml").write_text('moved:\n  generalization:\n    - "zielinski2020explaining\\u202E"\n', encoding="utf-8")
    _, _, problems = read_list(str(small_list))
    assert [str(p) for p in problems if p.severity == "error"] == [
        "entries/keyword-aliases.yaml:2: aliases key 'Memo\\u200drization': invisible or control character U+200D; remove it",
        "entries/keyword-aliases.yaml:3: aliases.Memorisation: nothing shows: U+3164 HANGUL FILLER is an empty-looking character; "
        "write the text itself",
        "entries/moved.yaml:3: moved.generalization[0]: 'zielinski2020explaining\\u202e' is not valid. "
        "old section slug: [ids of the papers that left it]",
    ]


# --- dates in the future ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "refused"), [
    ("added", "2024-03-15", False), ("added", "2024-03-16", True), ("date", "2024-03", False), ("date", "2024-04", True),
    ("date", "2024-03-16", True), ("added", "1999-01-01", False),
])
def test_dates_in_the_future_are_refused(field: str, value: str, refused: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "today", lambda: dt.date(2024, 3, 15))
    loaded, _ = load_text("x.yaml", f"id: x\ntitle: A paper\nyear: 2020\n{field}: '{value}'\n")
    assert loaded is not None
    errors = [f"{p.line}: {p.message}" for p in entry_problems(loaded, "memorization", INFO) if p.severity == "error"]
    fix = "write the day the paper joined the list" if field == "added" else "write the paper's first submission"
    assert errors == ([f"4: {field}: {value} is in the future; {fix}, today at the latest"] if refused else [])


def test_today_is_no_contributor_s_future() -> None:
    assert validate.today() >= dt.datetime.now(dt.timezone.utc).date()


# --- a final line break in one-line fields ------------------------------------------------------------------------------------


def patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from patterns(item)


@pytest.mark.parametrize("schema", sorted(p.name for p in SCHEMAS.glob("*.json")))
def test_every_schema_pattern_ends_where_the_text_ends(schema: str) -> None:
    """JSON Schema patterns are ECMA-262, whose $ is the end of the text; Python's also matches before a final line
    break. `(?!\\n)$` makes both read the pattern alike (jsonschema, used for messages, and jsonschema-rs, the fast path)."""
    found = list(patterns(json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))))
    assert found and [p for p in found if not p.endswith("(?!\\n)$")] == []
    for pattern in found:
        assert re.search(pattern, "x\n") is None or re.search(pattern, "x") is not None


VALID_ENTRY = {"id": "x", "title": "A paper", "year": 2020, "venue": "ICLR 2020", "authors": ["Ada"], "keywords": ["Memorization"],
               "date": "2020-01", "added": "2020-02-03", "arxiv": "2001.00001", "doi": "10.1234/abc", "links": {"paper": "https://x.org/a"},
               "also_in": ["generalization"], "distinct_from": ["y"]}
ONE_LINE = [("entry.schema.json", VALID_ENTRY, where) for where in
            [("id",), ("title",), ("venue",), ("authors", 0), ("keywords", 0), ("date",), ("added",), ("arxiv",), ("doi",), ("links", "paper"),
             ("also_in", 0), ("distinct_from", 0)]] + [
    ("entry.schema.json", {"id": "x", "title": "A paper", "year": 2020, "section": "memorization"}, ("section",)),
    ("sections.schema.json", {"title": "A list", "imported": "2020-01-01", "sections": [{"slug": "a", "title": "A", "description": "B"}]},
     ("title",)),
    ("sections.schema.json", {"title": "A list", "imported": "2020-01-01", "sections": [{"slug": "a", "title": "A", "description": "B"}]},
     ("imported",)),
    ("sections.schema.json", {"title": "A list", "sections": [{"slug": "a", "title": "A", "description": "B"}]}, ("sections", 0, "slug")),
    ("sections.schema.json", {"title": "A list", "sections": [{"slug": "a", "title": "A", "description": "B"}]}, ("sections", 0, "title")),
    ("keyword-aliases.schema.json", {"aliases": {"A": "B"}}, ("aliases", "A")),
    ("keyword-aliases.schema.json", {"aliases": {}, "distinct": {"A": ["B"]}}, ("distinct", "A", 0)),
    ("author-aliases.schema.json", {"aliases": {"A": "B"}}, ("aliases", "A")),
    ("author-aliases.schema.json", {"distinct": {"A": ["B"]}}, ("distinct", "A", 0)),
    ("moved.schema.json", {"moved": {"a": ["b"]}}, ("moved", "a", 0)),
]


def with_line_break(data: Any, where: tuple[Any, ...]) -> Any:
    data = json.loads(json.dumps(data))
    node = data
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] += "\n"
    return data


@pytest.mark.parametrize(("schema", "data", "where"), ONE_LINE, ids=[f"{s.split('.')[0]}:{'.'.join(map(str, w))}" for s, _, w in ONE_LINE])
def test_a_final_line_break_is_refused_by_both_validators(schema: str, data: dict[str, Any], where: tuple[Any, ...]) -> None:
    assert fast_validator(schema).is_valid(data) and list(schema_validator(schema).iter_errors(data)) == []
    broken = with_line_break(data, where)
    assert not fast_validator(schema).is_valid(broken)  # the fast path
    assert len(list(schema_validator(schema).iter_errors(broken))) == 1  # the validator that writes the messages
    loaded = Loaded("x.yaml", broken, {where[: i + 1]: i + 2 for i in range(len(where))})
    field = validate._where(where)
    assert [f"{p.line}: {p.message}" for p in schema_problems(loaded, schema)] == [
        f"{len(where) + 1}: {field}: {validate._get(broken, where)!r} ends with a line break; {ONE_LINE_FIX}"]


@pytest.mark.parametrize("schema", ["keyword-aliases.schema.json", "moved.schema.json"])
def test_a_key_with_a_final_line_break_is_refused(schema: str) -> None:
    field = "aliases" if schema.startswith("keyword") else "moved"
    data = {field: {"a\n": "b" if field == "aliases" else ["b"]}}
    assert not fast_validator(schema).is_valid(data)
    assert [p.message for p in schema_problems(Loaded("x.yaml", data), schema)] == [
        f"{field}: 'a\\n' ends with a line break; write the value on its field's line (no '|' block, no \\n)"]


def test_check_refuses_an_id_with_a_final_line_break(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (small_list / "memorization" / "broken.yaml").write_text("id: |\n  broken\ntitle: A paper\nyear: 2020\n", encoding="utf-8")
    assert main(["check", "--entries", str(small_list)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if ": warning: " not in line][:-1]
    assert errors == ["entries/memorization/broken.yaml:1: id: 'broken\\n' ends with a line break; write the value on its field's line "
                      "(no '|' block, no \\n)"]


def test_the_validators_never_disagree_silently(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should jsonschema ever accept what jsonschema-rs refuses, the file is refused in jsonschema-rs's words, not passed."""
    monkeypatch.setattr(validate, "schema_validator", lambda name: jsonschema.Draft202012Validator({}))
    loaded = Loaded("x.yaml", {"id": "x\n", "title": "A paper", "year": 2020}, {("id",): 1})
    assert [f"{p.line}: {p.message}" for p in schema_problems(loaded, "entry.schema.json")] == [
        "1: id: \"x\\n\" does not match \"^[a-z0-9]+(-[a-z0-9]+)*(?!\\n)$\""]
