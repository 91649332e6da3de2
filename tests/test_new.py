"""`python -m generator new`: arXiv answers (saved or served locally), the entry it writes, refusals."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from generator.cli import main
from generator.commands.arxiv import fetch_atom, parse_atom, read_paper, retry_after
from generator.commands.newentry import draft_digest, new_entry
from generator.list.source import read_list

FEEDS = Path(__file__).parent / "fixtures" / "arxiv"
TODAY = dt.date(2024, 5, 2)


def feed(name: str) -> str:
    return (FEEDS / name).read_text(encoding="utf-8")


# --- reading the API's answer -------------------------------------------------------------------


def test_a_feed_gives_the_facts_of_the_paper() -> None:
    paper = parse_atom(feed("2008.03703.xml"), "2008.03703")
    assert paper.arxiv == "2008.03703"
    assert paper.title == "What Neural Networks Memorize and Why: Discovering the Long Tail via Influence Estimation"
    assert paper.authors == ("Vitaly Feldman", "Chiyuan Zhang")
    assert paper.published == "2020-08-09"
    assert paper.abstract.startswith("Deep learning algorithms are well-known to have a propensity for fitting the training data very well")
    assert (paper.doi, paper.journal_ref, paper.category) == (None, None, "cs.LG")


def test_old_style_id_and_first_submission_date() -> None:
    paper = parse_atom(feed("physics-0004057.xml"), "physics/0004057")
    assert (paper.arxiv, paper.published, paper.category) == ("physics/0004057", "2000-04-24", "physics.data-an")
    assert paper.authors == ("Naftali Tishby", "Fernando C. Pereira", "William Bialek")


def test_published_not_updated_is_the_date() -> None:
    paper = parse_atom(feed("2102.06062.xml"), "2102.06062")
    assert paper.published == "2021-02-11"  # v2 was updated in October
    assert paper.authors == ("Badih Ghazi", "Noah Golowich", "Ravi Kumar", "Pasin Manurangsi", "Chiyuan Zhang")


@pytest.mark.parametrize(
    ("name", "wanted", "message"),
    [
        ("error.xml", "2008.03703", "the arXiv API says: incorrect id format for 2008.037033"),
        ("empty.xml", "2008.99999", "arXiv has no paper 2008.99999; check the id"),
        ("2102.06062.xml", "2008.03703", "the arXiv API's answer is about arXiv 2102.06062, not 2008.03703"),
    ],
)
def test_answers_without_the_paper(name: str, wanted: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_atom(feed(name), wanted)
    assert str(caught.value) == message


def test_not_a_feed() -> None:
    with pytest.raises(ValueError, match=r"^x.html is not an Atom feed \(not well-formed \(invalid token\): line 1, column 1\)$"):
        parse_atom("<<html", source="x.html")


@pytest.mark.parametrize(("header", "seconds"), [(None, 3.0), ("2", 2.0), ("120", 10.0), ("soon", 3.0), ("-5", 0.0)])
def test_retry_after_is_honoured_up_to_ten_seconds(header: str | None, seconds: float) -> None:
    assert retry_after(header) == seconds


def test_draft_digest_is_two_sentences_marked() -> None:
    abstract = "We study e.g. memorization in nets. It matters, cf. Fig. 2. A third <b>one</b>. A fourth."
    assert draft_digest(abstract) == "DRAFT: We study e.g. memorization in nets. It matters, cf. Fig. 2."
    assert draft_digest("x <i>y</i>. Two.") == "DRAFT: x < i>y< /i>. Two."


# --- the API over HTTP, served locally ----------------------------------------------------------


class _Api(BaseHTTPRequestHandler):
    answers: ClassVar[list[tuple[int, dict[str, str], str]]] = []
    paths: ClassVar[list[str]] = []
    delay = 0.0

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        time.sleep(self.delay)
        status, headers, body = type(self).answers.pop(0)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body.encode("utf-8"))

    def log_message(self, format: str, *args: object) -> None:  # quiet in test output
        pass


@pytest.fixture
def api() -> Iterator[tuple[str, type[_Api]]]:
    handler = type("Api", (_Api,), {"answers": [], "paths": [], "delay": 0.0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.handle_error = lambda *_: None  # type: ignore[method-assign]  # a client that timed out is expected here
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/query", handler
    server.shutdown()
    server.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/query"


def test_one_retry_after_429(api: tuple[str, type[_Api]]) -> None:
    url, handler = api
    handler.answers += [(429, {"Retry-After": "7"}, "slow down"), (200, {}, feed("physics-0004057.xml"))]
    waits: list[float] = []
    text = fetch_atom("physics/0004057", url, sleep=waits.append)
    assert parse_atom(text, "physics/0004057").title == "The information bottleneck method"
    assert waits == [7.0]
    assert handler.paths == ["/api/query?id_list=physics/0004057&max_results=1"] * 2


def test_429_twice_gives_up(api: tuple[str, type[_Api]]) -> None:
    url, handler = api
    handler.answers += [(429, {}, ""), (429, {}, "")]
    with pytest.raises(OSError) as caught:
        fetch_atom("2008.03703", url, sleep=lambda _: None)
    assert str(caught.value) == f"the arXiv API answered HTTP 429 Too Many Requests for {url}?id_list=2008.03703&max_results=1; try again later"


def test_timeout(api: tuple[str, type[_Api]]) -> None:
    url, handler = api
    handler.delay = 1.0
    handler.answers += [(200, {}, feed("2008.03703.xml"))]
    with pytest.raises(OSError) as caught:
        fetch_atom("2008.03703", url, timeout=0.2)
    assert str(caught.value).startswith("cannot reach the arXiv API (no answer within 0.2 s); check your connection")


def test_offline_is_one_line_without_traceback(small_list: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = closed_port_url()
    monkeypatch.setenv("ARXIV_API_URL", url)
    assert main(["new", "2008.03703", "--entries", str(small_list)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "error: cannot reach the arXiv API (Connection refused); check your connection and try again, or open "
        f"{url}?id_list=2008.03703&max_results=1 in a browser, save the page and pass it with --atom-file FILE\n"
    )


def test_new_over_http(small_list: Path, api: tuple[str, type[_Api]], monkeypatch: pytest.MonkeyPatch) -> None:
    url, handler = api
    monkeypatch.setenv("ARXIV_API_URL", url)
    handler.answers += [(200, {}, feed("2002.03206.xml"))]
    written = new_entry(str(small_list), "https://arxiv.org/abs/2002.03206v1", today=TODAY)
    assert written.data["authors"] == ["Ziheng Jiang", "Chiyuan Zhang", "Kunal Talwar", "Michael C. Mozer"]
    assert handler.paths == ["/api/query?id_list=2002.03206&max_results=1"]


# --- the entry it writes ------------------------------------------------------------------------


def test_new_writes_an_entry_that_validates(small_list: Path) -> None:
    written = new_entry(str(small_list), "arXiv:2008.03703v1", atom_file=str(FEEDS / "2008.03703.xml"), today=TODAY)
    assert written.path == "entries/memorization/feldman2020neural.yaml"
    assert (small_list / "memorization" / "feldman2020neural.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=" + written_schema(small_list / "memorization") + "\n"
        "id: feldman2020neural\n"
        "title: 'What Neural Networks Memorize and Why: Discovering the Long Tail via Influence Estimation'\n"
        "authors:\n"
        "  - Vitaly Feldman\n"
        "  - Chiyuan Zhang\n"
        "year: 2020\n"
        "date: '2020-08-09'\n"
        "arxiv: '2008.03703'\n"
        "links:\n"
        "  paper: https://arxiv.org/abs/2008.03703\n"
        "keywords:\n"
        "  - Memorization\n"
        "digest: >-\n"
        "  DRAFT:\n"
        "  Estimating these quantities directly is computationally prohibitive but we show that closely-related\n"
        "  subsampled influence and memorization values can be estimated much more efficiently. Our experiments\n"
        "  demonstrate the significant benefits of memorization for generalization on several standard benchmarks.\n"
        "added: '2024-05-02'\n"
    )
    _, entries, problems = read_list(str(small_list))
    assert "feldman2020neural" in {e.id for e in entries}
    assert [str(p) for p in problems if p.path == written.path] == [
        "entries/memorization/feldman2020neural.yaml:14: warning: digest: still the draft that `new` wrote; "
        "write it in your own words and delete the line 'DRAFT:'"
    ]
    assert [str(p) for p in written.problems] == [str(p) for p in problems if p.path == written.path]
    assert not [p for p in problems if p.severity == "error"]


def written_schema(folder: Path) -> str:
    import os

    from generator.list.validate import SCHEMA_DIR

    return os.path.relpath(os.path.join(SCHEMA_DIR, "entry.schema.json"), folder).replace(os.sep, "/")


def test_new_command_prints_the_path_and_the_next_steps(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["new", "physics/0004057", "--atom-file", str(FEEDS / "physics-0004057.xml"), "--entries", "entries",
                 "--section", "generalization"])  # the working directory holds the list, as in a clone
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:4] == [
        "wrote entries/generalization/tishby2000information.yaml",
        "  title:     The information bottleneck method",
        "  authors:   Naftali Tishby, Fernando C. Pereira, William Bialek",
        "  section:   generalization",
    ]
    assert "Next steps:" in lines
    assert ("  1. Edit entries/generalization/tishby2000information.yaml: the digest is a draft from the abstract, under a line 'DRAFT:'."
            in lines)
    assert "     Rewrite it in 1-5 sentences of your own on what the paper finds, and delete the line 'DRAFT:'." in lines
    assert ("  2. Check:   python -m generator check --strict entries/generalization/tishby2000information.yaml   (or: make check); "
            "fix every line it prints (the pull request runs the same check)") in lines
    assert "  3. Preview: make serve, then open http://127.0.0.1:8000/generalization/#tishby2000information" in lines
    assert "  4. Open a pull request that adds this one file." in lines
    text = (small_list / "generalization" / "tishby2000information.yaml").read_text(encoding="utf-8")
    assert "arxiv: physics/0004057\n" in text and "date: '2000-04-24'\n" in text
    assert "  paper: https://arxiv.org/abs/physics/0004057\n" in text


def test_new_without_arxiv(small_list: Path) -> None:
    written = new_entry(str(small_list), None, title=" Memorization in  Overparameterized Autoencoders. ",
                        url="https://example.org/autoencoders.pdf",
                        authors="Adityanarayanan Radhakrishnan; Karren Yang; Mikhail Belkin; Caroline Uhler",
                        year=2019, today=TODAY)
    assert written.data == {
        "id": "radhakrishnan2019memorization",
        "title": "Memorization in Overparameterized Autoencoders",
        "authors": ["Adityanarayanan Radhakrishnan", "Karren Yang", "Mikhail Belkin", "Caroline Uhler"],
        "year": 2019,
        "links": {"paper": "https://example.org/autoencoders.pdf"},
        "keywords": written.data["keywords"],
        "digest": "DRAFT: What does the paper find? Say it in 1-5 sentences of your own.",
        "added": "2024-05-02",
    }
    assert written.data["keywords"][0] == "Memorization"


def test_new_without_an_abstract_asks_for_the_digest(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["new", "--title", "Memorization in Overparameterized Autoencoders", "--url", "https://example.org/autoencoders.pdf",
                 "--entries", "entries", "--section", "memorization"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    [path] = [line.removeprefix("wrote ") for line in out.splitlines() if line.startswith("wrote ")]
    assert (f"  1. Edit {path}: the digest is a question for you (no sentence of an abstract to draft it from), under a line 'DRAFT:'."
            in out.splitlines())
    assert "     Answer it in 1-5 sentences of your own on what the paper finds, and delete the line 'DRAFT:'." in out.splitlines()
    assert f"  check:     {path}:9: warning: digest: still the draft that `new` wrote; write it in your own words and delete the line 'DRAFT:'" \
        in out.splitlines()


def test_ids_follow_the_scheme_with_a_suffix_on_collision(small_list: Path) -> None:
    (small_list / "memorization" / "feldman2020neural.yaml").write_text("broken: [\n", encoding="utf-8")
    written = new_entry(str(small_list), "2008.03703", atom_file=str(FEEDS / "2008.03703.xml"), today=TODAY)
    assert written.data["id"] == "feldman2020neural-2"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["new"], "error: give an arXiv id or URL (e.g. 2008.03703), or --title and --url for a paper without one"),
        (["new", "2008"], "error: not an arXiv id or arxiv.org URL: '2008' (e.g. 2008.03703, math/0211159, https://arxiv.org/abs/2008.03703v2)"),
        (["new", "--title", "A title"], "error: a paper without an arXiv id needs both --title and --url"),
        (["new", "2008.03703", "--title", "A", "--url", "https://example.org"],
         "error: give either an arXiv id (or --atom-file) or --title and --url, not both"),
        (["new", "--title", "A", "--url", "ftp://example.org/a.pdf"], "error: --url must be an http(s) address, not 'ftp://example.org/a.pdf'"),
        (["new", "--title", "A", "--url", "https://arxiv.org/pdf/2008.03703v1"],
         "error: https://arxiv.org/pdf/2008.03703v1 is an arXiv paper: run `python -m generator new 2008.03703` to take its details from arXiv"),
        (["new", "2008.03703", "--atom-file", str(FEEDS / "2008.03703.xml"), "--section", "lottery"],
         "error: unknown section 'lottery'; known: memorization, generalization"),
        (["new", "--atom-file", str(FEEDS / "error.xml")], "error: the arXiv API says: incorrect id format for 2008.037033"),
        (["new", "2008.99999", "--atom-file", str(FEEDS / "empty.xml")], "error: arXiv has no paper 2008.99999; check the id"),
    ],
)
def test_new_refuses_with_one_line(argv: list[str], message: str, small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--entries", str(small_list)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", message + "\n")


# --- one paper once -----------------------------------------------------------------------------


def refusal(small_list: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    before = sorted(small_list.rglob("*.yaml"))
    assert main([*argv, "--entries", str(small_list)]) == 1
    assert sorted(small_list.rglob("*.yaml")) == before
    out, err = capsys.readouterr()
    assert out == ""
    return err


def test_same_arxiv_id_in_any_form_is_refused_before_asking_arxiv(
    small_list: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ARXIV_API_URL", closed_port_url())  # were it asked, the message would say offline
    for given in ("1611.03530", "https://arxiv.org/pdf/1611.03530v2", "arXiv:1611.03530v1"):
        assert refusal(small_list, ["new", given], capsys) == (
            "error: the list already has this paper: entries/memorization/zhang2017understanding.yaml (arXiv 1611.03530); "
            "edit that file instead (list another section in its also_in if the paper belongs there too)\n"
        )


def test_same_doi_is_refused(small_list: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = small_list / "memorization" / "zielinski2020explaining.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("arxiv: '2003.07422'\n", "doi: 10.5555/EXAMPLE.1\n"), encoding="utf-8")
    answer = tmp_path / "answer.xml"
    answer.write_text(feed("2008.03703.xml").replace(
        "    <author>\n      <name>Vitaly Feldman", '    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">10.5555/example.1</arxiv:doi>\n'
        "    <author>\n      <name>Vitaly Feldman", 1), encoding="utf-8")
    assert refusal(small_list, ["new", "2008.03703", "--atom-file", str(answer)], capsys).startswith(
        "error: the list already has this paper: entries/memorization/zielinski2020explaining.yaml (DOI 10.5555/example.1);")


def test_near_identical_title_is_refused(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refusal(small_list, ["new", "--title", "Are all the layers created equal", "--url", "https://example.org/layers.pdf"], capsys)
    assert err.startswith(
        "error: the list already has this paper: entries/generalization/zhang2022layers.yaml "
        "(nearly the same title: 'Are All Layers Created Equal?');")


def test_different_arxiv_ids_tell_near_titles_apart(small_list: Path, tmp_path: Path) -> None:
    answer = tmp_path / "answer.xml"
    title = "What Neural Networks Memorize and Why: Discovering the Long Tail via\n  Influence Estimation"
    answer.write_text(feed("2008.03703.xml").replace(title, "Are All the Layers Created Equal"), encoding="utf-8")
    written = new_entry(str(small_list), "2008.03703", atom_file=str(answer), today=TODAY)
    assert written.data["title"] == "Are All the Layers Created Equal"


def test_read_paper_from_a_saved_answer_without_an_id() -> None:
    assert read_paper(None, str(FEEDS / "2102.06062.xml")).arxiv == "2102.06062"


def test_check_reports_near_identical_titles_unless_ids_tell_them_apart(small_list: Path) -> None:
    layers = small_list / "memorization" / "layers-again.yaml"
    layers.write_text("id: layers-again\ntitle: Are all the layers created equal\nyear: 2019\n", encoding="utf-8")
    _, _, problems = read_list(str(small_list))
    assert [str(p) for p in problems if p.severity == "error"] == [
        "entries/memorization/layers-again.yaml:2: nearly the same title as entries/generalization/zhang2022layers.yaml "
        "('Are All Layers Created Equal?'): if it is the same paper, keep one file and list extra sections in also_in; "
        "if they are two papers, add distinct_from: [zhang2022layers] to entries/memorization/layers-again.yaml and "
        "distinct_from: [layers-again] to entries/generalization/zhang2022layers.yaml (or give both their arxiv or doi)"
    ]
    layers.write_text(layers.read_text(encoding="utf-8") + "arxiv: '1902.01997'\n", encoding="utf-8")
    _, _, problems = read_list(str(small_list))
    assert [str(p) for p in problems if p.severity == "error"] == []


def test_near_identical_titles_are_found_whichever_end_differs() -> None:
    from generator.list.duplicates import near_title_pairs

    titles = [
        "understanding deep learning requires rethinking generalization",
        "understanding deep learning requires rethinking generalisation",
        "undrestanding deep learning requires rethinking generalization",
        "understanding deep learning requires rethinking",
        "on the information bottleneck theory of deep learning",
    ]
    # 3 is 0 and 1 with the last word dropped: near too; 2 and 3 differ in their first word as well
    assert sorted((i, j) for i, j, _ in near_title_pairs(titles)) == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3)]


# --- every spelling of an arXiv paper -----------------------------------------------------------

SPELLINGS = [
    "{id}", " {id}\n", "<{id}>", "arXiv:{id}", "arxiv:{id}", "arXiv: {id}", "{id}v2", "{id} v3", "arXiv:{id}v1 [cs.LG]",
    "arxiv.org/abs/{id}", "www.arxiv.org/abs/{id}", "export.arxiv.org/abs/{id}", "http://arxiv.org/abs/{id}",
    "https://arxiv.org/abs/{id}v2", "https://www.arxiv.org/abs/{id}", "https://export.arxiv.org/abs/{id}",
    "https://arxiv.org/pdf/{id}", "https://arxiv.org/pdf/{id}v2", "https://arxiv.org/pdf/{id}v2.pdf", "arxiv.org/pdf/{id}.pdf",
    "https://arxiv.org/html/{id}v1", "https://arxiv.org/abs/{id}?context=cs", "https://arxiv.org/abs/{id}#S3",
    "<https://arxiv.org/abs/{id}>", "https://doi.org/10.48550/arXiv.{id}", "doi.org/10.48550/arXiv.{id}",
    "https://dx.doi.org/10.48550/ARXIV.{id}", "10.48550/arXiv.{id}", "doi:10.48550/arXiv.{id}",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_new_accepts_every_spelling_of_an_arxiv_paper(spelling: str, small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["new", spelling.format(id="2008.03703"), "--atom-file", str(FEEDS / "2008.03703.xml"), "--entries", str(small_list)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.startswith("wrote entries/memorization/feldman2020neural.yaml\n")
    text = (small_list / "memorization" / "feldman2020neural.yaml").read_text(encoding="utf-8")
    assert "arxiv: '2008.03703'\n" in text and "  paper: https://arxiv.org/abs/2008.03703\n" in text


@pytest.mark.parametrize("spelling", [*SPELLINGS[:12], "{id}v1", "https://arxiv.org/abs/{id}v2", "10.48550/arXiv.{id}"])
def test_new_accepts_every_spelling_of_an_old_style_id(spelling: str, small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["new", spelling.format(id="physics/0004057"), "--atom-file", str(FEEDS / "physics-0004057.xml"),
                 "--entries", str(small_list)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.startswith("wrote entries/")
    assert "arxiv: physics/0004057\n" in next(small_list.rglob("tishby2000information.yaml")).read_text(encoding="utf-8")


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_listed_paper_is_refused_in_every_spelling(
    spelling: str, small_list: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ARXIV_API_URL", closed_port_url())  # refused before arXiv is asked
    assert refusal(small_list, ["new", spelling.format(id="1611.03530")], capsys) == (
        "error: the list already has this paper: entries/memorization/zhang2017understanding.yaml (arXiv 1611.03530); "
        "edit that file instead (list another section in its also_in if the paper belongs there too)\n"
    )


def test_a_paper_with_an_arxiv_doi_url_is_sent_to_its_arxiv_id(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert refusal(small_list, ["new", "--title", "A", "--url", "https://doi.org/10.48550/arXiv.2008.03703"], capsys) == (
        "error: https://doi.org/10.48550/arXiv.2008.03703 is an arXiv paper: run `python -m generator new 2008.03703` "
        "to take its details from arXiv\n"
    )


# --- two papers with nearly one title -----------------------------------------------------------

LAYERS_AGAIN = ["new", "--title", "Are all the layers created equal", "--url", "https://example.org/layers.pdf", "--year", "2023",
                "--authors", "Ann Other"]


def test_a_near_title_refusal_says_how_to_add_another_paper(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert refusal(small_list, LAYERS_AGAIN, capsys) == (
        "error: the list already has this paper: entries/generalization/zhang2022layers.yaml "
        "(nearly the same title: 'Are All Layers Created Equal?'); edit that file instead (list another section in its also_in "
        "if the paper belongs there too); if it is another paper, run the command again with --distinct-from zhang2022layers "
        "(it names each paper in the other's distinct_from)\n"
    )


def test_distinct_from_writes_both_files(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = small_list / "generalization" / "zhang2022layers.yaml"
    before = yaml.safe_load(other.read_text(encoding="utf-8"))
    assert main([*LAYERS_AGAIN, "--distinct-from", "zhang2022layers", "--entries", "entries"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "wrote entries/generalization/other2023all.yaml"
    assert ("  distinct from: entries/generalization/zhang2022layers.yaml ('Are All Layers Created Equal?'); "
            "distinct_from: [other2023all] added there too") in lines
    assert lines[-1] == ("  4. Open a pull request that adds this file and the distinct_from line in "
                         "entries/generalization/zhang2022layers.yaml.")
    assert "distinct_from:\n  - zhang2022layers\n" in (small_list / "generalization" / "other2023all.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(other.read_text(encoding="utf-8")) == {**before, "distinct_from": ["other2023all"]}
    assert other.read_text(encoding="utf-8").endswith("\ndistinct_from:\n  - other2023all\n")  # in the file's field order
    _, _, problems = read_list(str(small_list))
    assert [str(p) for p in problems if p.severity == "error"] == []


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["nobody"], "error: --distinct-from nobody: no paper has the id 'nobody'"),
        (["zhang2022layers", "lee2022deduplicating"],
         "error: --distinct-from lee2022deduplicating: its title, 'Deduplicating Training Data Makes Language Models Better', "
         "is not like this paper's; leave the option out (distinct_from is for two papers with nearly the same title)"),
    ],
)
def test_distinct_from_refusals(ids: list[str], message: str, small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {p: p.read_text(encoding="utf-8") for p in small_list.rglob("*.yaml")}
    assert refusal(small_list, [*LAYERS_AGAIN, *(a for i in ids for a in ("--distinct-from", i))], capsys) == message + "\n"
    assert {p: p.read_text(encoding="utf-8") for p in small_list.rglob("*.yaml")} == before


def test_distinct_from_does_not_pass_a_listed_arxiv_id(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert refusal(small_list, ["new", "1611.03530", "--distinct-from", "zhang2017understanding"], capsys).startswith(
        "error: the list already has this paper: entries/memorization/zhang2017understanding.yaml (arXiv 1611.03530); "
        "edit that file instead (list another section in its also_in if the paper belongs there too)\n")
