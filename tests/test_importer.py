"""import-readme: one small README per irregularity, the other markups, and the real list."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from generator.commands.readme_import import ImportResult, entry_path, import_readme, parse_readme, write_import
from generator.commands.readme_import import files as import_files
from generator.commands.readme_import.markup import repair_html
from generator.commands.readme_import.tokens import year_of
from generator.list.load import load_text
from generator.text.digest import digest_problems

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "sources" / "awesome-deep-phenomena" / "README.md"
SCHEMA = ROOT / "generator" / "schema"
SOURCE = "README.md"
# The imported README in sources/ is a fixed file, the list as it was before it became entry files: these
# counts are its own, not the list's, which grows with every pull request.
SOURCE_LISTINGS = 543  # listings, one paper listed in two sections among them
SOURCE_PAPERS = 542

# A list with one section and one year group; the snippet under test starts at line 11.
HEAD = ["# List", "", "A list of papers.", "", "## Topic", "", "Papers about a topic.", "", "### Topic: 2022", ""]
FIRST = len(HEAD) + 1


def parse(*lines: str, head: list[str] = HEAD) -> ImportResult:
    return parse_readme("\n".join([*head, *lines]) + "\n", SOURCE)


def notes(result: ImportResult) -> list[str]:
    return [str(note) for note in result.notes]


def note(line: int, message: str) -> str:
    return f"{SOURCE}:{line}: warning: {message}"


def only(result: ImportResult) -> dict[str, Any]:
    assert len(result.entries) == 1, result.entries
    return result.entries[0]


def entry(**fields: Any) -> dict[str, Any]:
    """An expected entry: the fields given, in the canonical order, in section 'topic'."""
    fields.setdefault("section", "topic")
    order = ["id", "title", "authors", "venue", "year", "arxiv", "doi", "links", "keywords", "digest", "section", "also_in"]
    return {k: fields[k] for k in order if k in fields}


# --- the irregularities of the real list, one at a time ----------------------------------------


def test_paper_without_link_is_kept_without_links() -> None:  # real line 736
    result = parse(
        "- On the Sparsity of the Strong Lottery Ticket Hypothesis.",
        "  - Emanuele Natale, Davide Ferré, Frédéric Giroire.",
        "  - Key Word: Strong Lottery Ticket Hypothesis. ",
        "  - <details><summary>Digest</summary> Recent research has explored the SLTH.",
    )
    assert only(result) == entry(
        id="natale2022sparsity",
        title="On the Sparsity of the Strong Lottery Ticket Hypothesis",
        authors=["Emanuele Natale", "Davide Ferré", "Frédéric Giroire"],
        year=2022,
        keywords=["Strong Lottery Ticket Hypothesis"],
        digest="Recent research has explored the SLTH.",
    )
    assert notes(result) == [note(FIRST, "paper has no link; imported without links (add a [[paper]](URL) link)")]
    assert result.listings == 1


def test_authors_in_an_author_list_details_block() -> None:  # real line 123
    result = parse(
        "- Why is the winner the best? [[paper]](https://arxiv.org/abs/2303.17719)",
        "  - <details><summary>Author List</summary> Matthias Eisenmann, Annika Reinke, Lena Maier-Hein.",
        "  - Key Word: Benchmarking Competitions; Medical Imaging.",
        "  - <details><summary>Digest</summary> The article discusses benchmarking competitions.",
    )
    assert only(result) == entry(
        id="eisenmann2022winner",
        title="Why is the winner the best?",
        authors=["Matthias Eisenmann", "Annika Reinke", "Lena Maier-Hein"],
        year=2022,
        arxiv="2303.17719",
        links={"paper": "https://arxiv.org/abs/2303.17719"},
        keywords=["Benchmarking Competitions", "Medical Imaging"],
        digest="The article discusses benchmarking competitions.",
    )
    assert notes(result) == [note(FIRST + 1, 'authors are inside a <details> block ("Author List"); read as the author line')]


def test_author_list_with_venue_and_ampersand() -> None:  # real line 1430
    result = parse(
        "- A deep learning framework for neuroscience. [[paper]](https://www.nature.com/articles/s41593-019-0520-2)",
        "  - <details><summary>Author List</summary> Blake A. Richards, Timothy P. Lillicrap, "
        "Denis Therien & Konrad P. Kording. *Nature Neuroscience*",
        "  - Key Word: Deep Learning; Neuroscience.",
        "  - <details><summary>Digest</summary> The article discusses neuroscience.",
    )
    assert only(result) == entry(
        id="richards2022deep",
        title="A deep learning framework for neuroscience",
        authors=["Blake A. Richards", "Timothy P. Lillicrap", "Denis Therien", "Konrad P. Kording"],
        venue="Nature Neuroscience",
        year=2022,
        links={"paper": "https://www.nature.com/articles/s41593-019-0520-2"},
        keywords=["Deep Learning", "Neuroscience"],
        digest="The article discusses neuroscience.",
    )
    assert notes(result) == [
        note(FIRST + 1, 'authors are inside a <details> block ("Author List"); read as the author line'),
        note(FIRST + 1, 'authors joined by "&" (Denis Therien / Konrad P. Kording); split there'),
    ]


def test_three_space_sub_bullets() -> None:  # real lines 1320-1321
    # the list's usual indentation is what most sub-bullets use, so the odd listing comes second
    result = parse(
        "- Shallow Brains. [[paper]](https://example.org/shallow)",
        "  - Mototaka Suzuki.",
        "  - Key Word: Shallow Brain Hypothesis.",
        "  - <details><summary>Digest</summary> Shallow.",
        "",
        "- Multilevel development of cognitive abilities in an artificial neural network. [[paper]](https://www.pnas.org/doi/abs/10.1073/pnas.2201304119?af=R)",
        "  - Konstantin Volzhenin, Jean-Pierre Changeux, Guillaume Dumas. *PNAS*",
        "   - Key Word: Global Neuronal Workspace.",
        "   - <details><summary>Digest</summary> We introduce a three-level computational model.",
    )
    assert result.entries[1] == entry(
        id="volzhenin2022multilevel",
        title="Multilevel development of cognitive abilities in an artificial neural network",
        authors=["Konstantin Volzhenin", "Jean-Pierre Changeux", "Guillaume Dumas"],
        venue="PNAS",
        year=2022,
        doi="10.1073/pnas.2201304119",
        links={"paper": "https://www.pnas.org/doi/abs/10.1073/pnas.2201304119?af=R"},
        keywords=["Global Neuronal Workspace"],
        digest="We introduce a three-level computational model.",
    )
    assert notes(result) == [
        note(FIRST + 7, "key words line is indented 3 spaces instead of 2; read as part of the entry above"),
        note(FIRST + 8, "digest line is indented 3 spaces instead of 2; read as part of the entry above"),
    ]


def test_digest_line_without_bullet() -> None:  # real line 2493
    result = parse(
        "- The Benefits of Implicit Regularization from SGD in Least Squares Problems. [[paper]](https://arxiv.org/abs/2108.04552)",
        "  - Difan Zou, Jingfeng Wu. *NeurIPS 2021*",
        "  - Key Word: Implicit Regularization.",
        "  <details><summary>Digest</summary> We show: (1) for every problem instance SGD generalizes.",
    )
    assert only(result)["digest"] == "We show: (1) for every problem instance SGD generalizes."
    assert only(result)["keywords"] == ["Implicit Regularization"]
    assert notes(result) == [note(FIRST + 3, 'digest line has no "- " bullet; read as the digest anyway')]


def test_digest_line_with_two_spaces_after_the_bullet() -> None:  # real line 2805
    result = parse(
        "- Tropical Geometry of Deep Neural Networks. [[paper]](https://arxiv.org/abs/1805.07091)",
        "  - Liwen Zhang, Gregory Naitzat, Lek-Heng Lim. *ICML 2018*",
        "  - Key Word: Tropical Geometry.",
        "  -  <details><summary>Digest</summary> We establish a novel connection.",
    )
    assert only(result)["digest"] == "We establish a novel connection."
    assert notes(result) == [note(FIRST + 3, "digest line has 2 spaces after the bullet; read as one")]


def test_continuation_lines_and_closing_tag_join_the_digest() -> None:
    result = parse(
        "- Deep Learning. [[paper]](https://example.org/dl)",
        "  - Ann Lee.",
        "  - Key Word: Deep Learning.",
        "  - <details><summary>Digest</summary> First line",
        "    second line.",
        "    </details>",
    )
    assert only(result)["digest"] == "First line second line."
    assert notes(result) == []


def test_listing_without_key_word_line() -> None:  # real line 387
    result = parse(
        "- Deep ReLU Networks Have Surprisingly Few Activation Patterns. [[paper]](https://arxiv.org/abs/1906.00904)",
        "  - Boris Hanin, David Rolnick. *NeurIPS 2019*",
        "  - <details><summary>Digest</summary> In this paper, we show.",
    )
    assert only(result) == entry(
        id="hanin2022deep",
        title="Deep ReLU Networks Have Surprisingly Few Activation Patterns",
        authors=["Boris Hanin", "David Rolnick"],
        venue="NeurIPS 2019",
        year=2022,
        arxiv="1906.00904",
        links={"paper": "https://arxiv.org/abs/1906.00904"},
        digest="In this paper, we show.",
    )
    assert notes(result) == [note(FIRST, 'no "Key Word:" line; imported without key words')]


def test_listing_without_author_line_takes_two_title_words_for_its_id() -> None:  # real lines 2172, 2176
    result = parse(
        "- mSAM: Micro-Batch-Averaged Sharpness-Aware Minimization. [[paper]](https://arxiv.org/abs/2302.09693)",
        "  - Key Word: Sharpness-Aware Minimization.",
        "  - <details><summary>Digest</summary> We focus on a variant of SAM.",
        "",
        "- Machine Love. [[paper]](https://arxiv.org/abs/2302.09248)",
        "  - Key Word: Maslow’s Gridworld; Psychology.",
        "  - <details><summary>Digest</summary> While ML generates much economic value.",
    )
    assert result.entries == [
        entry(
            id="msam2022micro",
            title="mSAM: Micro-Batch-Averaged Sharpness-Aware Minimization",
            year=2022,
            arxiv="2302.09693",
            links={"paper": "https://arxiv.org/abs/2302.09693"},
            keywords=["Sharpness-Aware Minimization"],
            digest="We focus on a variant of SAM.",
        ),
        entry(
            id="machine2022love",
            title="Machine Love",
            year=2022,
            arxiv="2302.09248",
            links={"paper": "https://arxiv.org/abs/2302.09248"},
            keywords=["Maslow’s Gridworld", "Psychology"],
            digest="While ML generates much economic value.",
        ),
    ]
    assert notes(result) == [
        note(FIRST, "no author line; imported without authors"),
        note(FIRST + 4, "no author line; imported without authors"),
    ]


@pytest.mark.parametrize(
    ("line", "keywords", "messages"),
    [
        ("key Word: Neural Collapse; Differential Privacy.", ["Neural Collapse", "Differential Privacy"],
         ['unusual key-word label "key Word:"; read as "Key Word:"']),  # real line 501
        ("Key Work: Grokking; Interpretability.", ["Grokking", "Interpretability"],
         ['unusual key-word label "Key Work:"; read as "Key Word:"']),  # real lines 1203, 1609
        ("Key Wrod: ReLU; Adversarial Example.", ["ReLU", "Adversarial Example"],
         ['unusual key-word label "Key Wrod:"; read as "Key Word:"']),  # real line 2724
        ("Key Word:Deep Double Descent.", ["Deep Double Descent"], ['no space after "Key Word:"']),  # real line 687
        ("Key Word: Information Bottleneck", ["Information Bottleneck"], ["key words line has no final period"]),  # 1547
        ("Key Word: Approximation; Expressivity; Function Classes", ["Approximation", "Expressivity", "Function Classes"],
         ["key words line has no final period"]),  # real lines 1627, 2590
        ("Key Word: Neural Collapse, Nonconvex Optimization.", ["Neural Collapse", "Nonconvex Optimization"],
         ['key words separated by "," instead of ";"; split at ","']),  # real line 588
        ("Key Word: Manifold; Learning Capability; Learning Capability.", ["Manifold", "Learning Capability"],
         ['key word "Learning Capability" repeated; kept once']),  # real line 2799
        ("Key Word: A ; ; B.", ["A", "B"], []),
        ("Keywords: Grokking; Scaling.", ["Grokking", "Scaling"], []),
        ("Key Words: Grokking.", ["Grokking"], []),
        ("Keyword: Grokking; Scaling.", ["Grokking", "Scaling"], []),
        # a misspelt label is one or two letters from "Keyword(s)", whatever the letters
        ("Ke Word: Grokking; Scaling.", ["Grokking", "Scaling"], ['unusual key-word label "Ke Word:"; read as "Key Word:"']),
        ("Kew Word: Grokking.", ["Grokking"], ['unusual key-word label "Kew Word:"; read as "Key Word:"']),
        ("Key_Words: Grokking.", ["Grokking"], ['unusual key-word label "Key_Words:"; read as "Key Word:"']),
        ("KeyWrods: Grokking.", ["Grokking"], ['unusual key-word label "KeyWrods:"; read as "Key Word:"']),
    ],
)
def test_key_word_lines(line: str, keywords: list[str], messages: list[str]) -> None:
    result = parse(
        "- Progress Measures. [[paper]](https://arxiv.org/abs/2301.05217)",
        "  - Neel Nanda, Lawrence Chan.",
        f"  - {line}",
        "  - <details><summary>Digest</summary> We argue.",
    )
    assert only(result)["keywords"] == keywords
    assert notes(result) == [note(FIRST + 2, m) for m in messages]


@pytest.mark.parametrize(
    ("line", "authors", "venue", "messages"),
    [
        ("Pratyusha Sharma, Jordan T. Ash, Dipendra Misra", ["Pratyusha Sharma", "Jordan T. Ash", "Dipendra Misra"], None,
         ["author line has no final period"]),  # real lines 88, 1492
        ("Jonathan Frankle, Michael Carbin *ICLR 2019*", ["Jonathan Frankle", "Michael Carbin"], "ICLR 2019",
         ["author line has no final period"]),  # real line 1104
        ("Mototaka Suzuki; Cyriel M. A. Pennartz; Jaan Aru.", ["Mototaka Suzuki", "Cyriel M. A. Pennartz", "Jaan Aru"], None,
         ['authors separated by ";" instead of ","; split at ";"']),  # real line 1307
        ("Jeffrey S BowersGaurav MalhotraMarin DujmovićMilton Llera Montero.",
         ["Jeffrey S Bowers", "Gaurav Malhotra", "Marin Dujmović", "Milton Llera Montero"], None,
         ["4 author names run together without separators; split where a lower-case letter meets an upper-case one: "
          "check Jeffrey S Bowers, Gaurav Malhotra, Marin Dujmović, Milton Llera Montero"]),  # real line 1324
        ("Arthur da Cunha, Emanuele Natale, Laurent Viennot, Laurent_Viennot. *ICLR 2022*",
         ["Arthur da Cunha", "Emanuele Natale", "Laurent Viennot", "Laurent_Viennot"], "ICLR 2022",
         ['author "Laurent Viennot" is listed twice (as "Laurent_Viennot"); kept as written']),  # real line 801
        ("Ryan McDonald, Marie DeSouza, Ann Lee, and Bo Li.", ["Ryan McDonald", "Marie DeSouza", "Ann Lee", "Bo Li"], None, []),
        ("Lechao Xiao.", ["Lechao Xiao"], None, []),
        ("Ilia Shumailov, Yarin Gal. *Nature*", ["Ilia Shumailov", "Yarin Gal"], "Nature", []),
    ],
)
def test_author_lines(line: str, authors: list[str], venue: str | None, messages: list[str]) -> None:
    result = parse(
        "- Some Paper. [[paper]](https://arxiv.org/abs/2201.00001)",
        f"  - {line}",
        "  - Key Word: Things.",
        "  - <details><summary>Digest</summary> We study things.",
    )
    assert only(result)["authors"] == authors
    assert only(result).get("venue") == venue
    assert notes(result) == [note(FIRST + 1, m) for m in messages]


def test_same_paper_in_two_sections_is_one_entry() -> None:  # real lines 428 and 2722
    result = parse(
        "- Why ReLU networks yield high-confidence predictions far away from the training data and how to mitigate the problem. "
        "[[paper]](https://arxiv.org/abs/1812.05720) [[code]](https://github.com/max-andr/relu_networks_overconfident)",
        "  - Matthias Hein, Maksym Andriushchenko, Julian Bitterwolf. *CVPR 2019*",
        "  - Key Word: ReLU.",
        "  - <details><summary>Digest</summary> Classifiers used in the wild should know when they don't know.",
        "",
        "## Others",
        "",
        "Papers on anything else.",
        "",
        "### Others: 2022",
        "",
        "- Why ReLU networks yield high-confidence predictions far away from the training data and how to mitigate the problem. "
        "[[paper]](https://arxiv.org/pdf/1812.05720v2) [[code]](https://github.com/max-andr/relu_networks_overconfident)",
        "  - Matthias Hein, Maksym Andriushchenko, Julian Bitterwolf. *CVPR 2019*",
        "  - Key Word: ReLU; Adversarial Example.",
        "  - <details><summary>Digest</summary> We show that ReLU type neural networks fail in this regard.",
    )
    assert result.listings == 2
    assert only(result) == entry(
        id="hein2022relu",
        title="Why ReLU networks yield high-confidence predictions far away from the training data and how to mitigate the problem",
        authors=["Matthias Hein", "Maksym Andriushchenko", "Julian Bitterwolf"],
        venue="CVPR 2019",
        year=2022,
        arxiv="1812.05720",
        links={"paper": "https://arxiv.org/abs/1812.05720", "code": "https://github.com/max-andr/relu_networks_overconfident"},
        keywords=["ReLU", "Adversarial Example"],
        digest="Classifiers used in the wild should know when they don't know.\n\n"
        "We show that ReLU type neural networks fail in this regard.",
        also_in=["others"],
    )
    assert notes(result) == [
        note(FIRST + 11, "same paper as line 11 (arXiv 1812.05720); merged into one entry: also_in others, key words combined, digests combined"),
    ]
    assert [s["slug"] for s in result.info["sections"]] == ["topic", "others"]


def test_same_paper_twice_with_the_same_digest_keeps_one_digest() -> None:
    listing = [
        "- Deep Learning. [[paper]](https://doi.org/10.1038/nature14539)",
        "  - Yann LeCun, Yoshua Bengio, Geoffrey Hinton. *Nature*",
        "  - Key Word: Review.",
        "  - <details><summary>Digest</summary> A review.",
    ]
    result = parse(*listing, "", *listing)
    assert only(result)["digest"] == "A review."
    assert only(result)["doi"] == "10.1038/nature14539"
    assert "also_in" not in only(result)
    assert notes(result) == [note(FIRST + 5, "same paper as line 11 (DOI 10.1038/nature14539); merged into one entry")]


def test_link_labels_are_lower_cased_and_urls_kept_exactly() -> None:
    nature = "https://www.nature.com/articles/s41586-024-07566-y?utm_medium=Social&utm_campaign=nature&utm_source=Twitter#Echobox=1721898113"
    result = parse(
        "- Machine learning meets quantum physics. [[paper]](https://arxiv.org/abs/1903.03516) "
        "[[Book]](https://link.springer.com/book/10.1007/978-3-030-40245-7)",
        "  - Kristof T. Schütt. *Lecture Notes in Physics*",
        "  - Key Word: Physics.",
        "  - <details><summary>Digest</summary> A book.",
        "",
        f"- AI models collapse when trained on recursively generated data. [[paper]]({nature})",
        "  - Ilia Shumailov, Yarin Gal. *Nature*",
        "  - Key Word: Model Collapse.",
        "  - <details><summary>Digest</summary> Collapse.",
        "",
        "- Mathematical Models of Overparameterized Neural Networks. [[paper]](https://arxiv.org/abs/2012.13982) "
        "[[code]](https://github.com/hendrydong/NTK-and-MF-examples)\\",
        "  - Cong Fang, Hanze Dong, Tong Zhang. *Proceedings of the IEEE*",
        "  - Key Word: Neural Tangent Kernel.",
        "  - <details><summary>Digest</summary> Models.",
    )
    links = [e["links"] for e in result.entries]
    assert links == [
        {"paper": "https://arxiv.org/abs/1903.03516", "book": "https://link.springer.com/book/10.1007/978-3-030-40245-7"},
        {"paper": nature},
        {"paper": "https://arxiv.org/abs/2012.13982", "code": "https://github.com/hendrydong/NTK-and-MF-examples"},
    ]
    assert [e["id"] for e in result.entries] == ["schutt2022machine", "shumailov2022ai", "fang2022mathematical"]
    assert notes(result) == [note(FIRST + 10, 'text after the links is not a link and was left out: "\\"')]  # real line 1752


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("How Good is a Single Basin? [[paper]](https://arxiv.org/abs/2402.03187)", "How Good is a Single Basin?"),
        ("Sparsity May Cry: Let Us Fail (Current) Sparse Neural Networks Together! [[paper]](https://arxiv.org/abs/2303.02141)",
         "Sparsity May Cry: Let Us Fail (Current) Sparse Neural Networks Together!"),
        ("Plant 'n' Seek: Can You Find the Winning Ticket? [[paper]](https://arxiv.org/abs/2111.11153)",
         "Plant 'n' Seek: Can You Find the Winning Ticket?"),
        ("Stronger generalization bounds for deep nets via a compression approach [[paper]](https://arxiv.org/abs/1802.05296)",
         "Stronger generalization bounds for deep nets via a compression approach"),
        ('The "Über" Trick.. [[paper]](https://arxiv.org/abs/2201.00002)', 'The "Über" Trick.'),
        ("Rethinking Generalization.", "Rethinking Generalization"),
    ],
)
def test_titles(line: str, title: str) -> None:
    result = parse(f"- {line}", "  - Ann Lee.", "  - Key Word: X.", "  - <details><summary>Digest</summary> D.")
    assert only(result)["title"] == title


def test_ids_skip_stop_words_use_the_family_name_and_number_collisions() -> None:
    def listing(title: str, authors: str) -> list[str]:
        return [f"- {title} [[paper]](https://example.org/{len(title)}{len(authors)})", f"  - {authors}", "  - Key Word: X.",
                "  - <details><summary>Digest</summary> D.", ""]

    result = parse(
        *listing("On the Sparsity of Lottery Tickets.", "Emanuele Natale."),
        *listing("On the Sparsity of Winning Tickets.", "Emanuele Natale, Bo Li."),
        *listing("The Of.", "Stéphane d'Ascoli."),
        *listing("Physics of Language Models: Part 3.1.", "Zeyuan Allen-Zhu, Yuanzhi Li."),
        *listing("How Do Transformers Learn?", "Martin Luther King Jr."),
        *listing("On the Sparsity of Pruned Convolutional Networks.", "Emanuele Natale."),
    )
    assert [e["id"] for e in result.entries] == [
        "natale2022sparsity", "natale2022sparsity-2", "dascoli2022the", "allenzhu2022physics", "king2022transformers", "natale2022sparsity-3",
    ]


def test_list_title_description_and_section_descriptions() -> None:
    result = parse_readme(
        "\n".join([
            "[![Maintenance](https://img.shields.io/badge/Maintained-YES-green.svg)](https://github.com/x/y)",
            "",
            "# Awesome Deep Phenomena [![Awesome](https://cdn.rawgit.com/badge.svg)](https://github.com/sindresorhus/awesome)",
            "",
            "Our understanding lags behind [(Hanie Sedghi)](https://odsc.com/x/). I collect papers.  ",
            "",
            "## Empirical Study",
            "",
            "![avatar](https://example.org/picture.png)",
            "",
            "### Empirical Study: 2024",
            "",
            "- A Paper. [[paper]](https://arxiv.org/abs/2401.00001)",
            "  - Ann Lee.",
            "  - Key Word: X.",
            "  - <details><summary>Digest</summary> D.",
            "",
            "## Neural Collapse",
            "",
            "<img src='nc.gif'/>",
            "",
            "Features collapse to their class means",
            "at the end of training.",
            "",
            "### Neural Collapse: 2024",
            "",
            "- B Paper. [[paper]](https://arxiv.org/abs/2401.00002)",
            "  - Bo Li.",
            "  - Key Word: Y.",
            "  - <details><summary>Digest</summary> E.",
        ]),
        SOURCE,
    )
    assert result.info == {
        "title": "Awesome Deep Phenomena",
        "description": "Our understanding lags behind [(Hanie Sedghi)](https://odsc.com/x/). I collect papers.",
        "sections": [
            {"slug": "empirical-study", "title": "Empirical Study", "description": "Papers on Empirical Study."},
            {"slug": "neural-collapse", "title": "Neural Collapse", "description": "Features collapse to their class means at the end of training."},
        ],
    }
    assert notes(result) == [
        note(7, 'section "Empirical Study" has no introduction paragraph; '
                'described as "Papers on Empirical Study." until you write one in sections.yaml'),
    ]


def test_year_heading_naming_another_section_is_reported() -> None:
    result = parse("### Elsewhere: 2021", "", "- A. [[paper]](https://example.org/a)", "  - Ann Lee.", "  - Key Word: X.",
                   "  - <details><summary>Digest</summary> D.")
    assert only(result)["year"] == 2021
    assert only(result)["section"] == "topic"
    assert notes(result) == [note(FIRST, 'year heading "### Elsewhere: 2021" names another section than "Topic"; its papers stay in "Topic"')]


def test_non_paper_bullets_are_skipped_and_reported() -> None:
    result = parse(
        "- A. [[paper]](https://example.org/a)",
        "  - Ann Lee.",
        "  - Key Word: X.",
        "  - <details><summary>Digest</summary> D.",
        "",
        "- [Back to top](#list)",
        "",
        "## Related Resources",
        "",
        "- [Off the Convex Path Blog](https://www.offconvex.org/)",
        "",
        "# Contributing",
        "",
        "Formatting:",
        "- Paper Title [[paper]](https://arxiv.org/abs/xxxx.xxxx)",
        "  - Authors. *Published Conference or Journal*",
        "  - Key Word: XXX.",
        "  - <details><summary>Digest</summary> XXXXXX",
    )
    assert result.listings == 1
    assert [e["title"] for e in result.entries] == ["A"]
    assert [str(s) for s in result.skipped] == [
        note(FIRST + 5, 'bullet under "Topic" is an in-page link; not imported: [Back to top](#list)'),
        note(FIRST + 9, 'bullet under "Related Resources", not in a paper section; not imported: [Off the Convex Path Blog](https://www.offconvex.org/)'),
        note(FIRST + 14, 'bullet under "Contributing", not in a paper section; not imported: Paper Title [[paper]](https://arxiv.org/abs/xxxx.xxxx)'),
    ]
    assert [s["slug"] for s in result.info["sections"]] == ["topic"]


# --- other lists, other markup ------------------------------------------------------------------

LISTING_2024 = [
    "- Scaling Laws for Things. [[paper]](https://arxiv.org/abs/2401.00001)",
    "  - Ann Lee, Bo Li.",
    "  - Keywords: Scaling.",
    "  - <details><summary>Digest</summary> Bigger is better.",
]
LISTING_2023 = [
    "- Grokking Again. [[paper]](https://arxiv.org/abs/2301.00001)",
    "  - Cy Twain.",
    "  - Key Words: Grokking.",
    "  - <details><summary>Digest</summary> Late generalization.",
]
EXPECTED_2024 = {
    "id": "lee2024scaling", "title": "Scaling Laws for Things", "authors": ["Ann Lee", "Bo Li"], "year": 2024, "arxiv": "2401.00001",
    "links": {"paper": "https://arxiv.org/abs/2401.00001"}, "keywords": ["Scaling"], "digest": "Bigger is better.", "section": "scaling",
}
EXPECTED_2023 = {
    "id": "twain2023grokking", "title": "Grokking Again", "authors": ["Cy Twain"], "year": 2023, "arxiv": "2301.00001",
    "links": {"paper": "https://arxiv.org/abs/2301.00001"}, "keywords": ["Grokking"], "digest": "Late generalization.", "section": "scaling",
}
INTRO = ["# My List", "", "Papers I like.", "", "## Contents", "", "- [Scaling](#scaling)", ""]


def _years_as(year_2024: list[str], year_2023: list[str], *, section: str = "## Scaling", after: list[str] | None = None) -> ImportResult:
    text = [*INTRO, section, "", "Papers on scaling.", "", *year_2024, "", *LISTING_2024, "", *(after or []), *year_2023, "", *LISTING_2023, ""]
    return parse_readme("\n".join(text), SOURCE)


@pytest.mark.parametrize(
    ("year_2024", "year_2023", "section", "after"),
    [
        (["### 2024"], ["### 2023"], "## Scaling", []),
        (["### Scaling: 2024"], ["### Scaling: 2023"], "## Scaling", []),
        (["#### 2024"], ["#### 2023"], "## Scaling", []),
        (["**2024**"], ["**2023**"], "## Scaling", []),
        (["<details><summary>2024</summary>"], ["<details open><summary><b>2023</b></summary>"], "## Scaling", ["</details>", ""]),
        (["<details>", "<summary>Scaling: 2024</summary>"], ["<details open>", "<summary>Scaling: 2023</summary>"], "## Scaling", ["</details>", ""]),
        (["## 2024"], ["## 2023"], "# Scaling", []),
    ],
    ids=["bare-heading", "section-colon-year", "level-4", "bold", "details", "details-summary-on-its-own-line", "sections-at-level-1"],
)
def test_year_markups(year_2024: list[str], year_2023: list[str], section: str, after: list[str]) -> None:
    result = _years_as(year_2024, year_2023, section=section, after=after)
    assert result.entries == [EXPECTED_2024, EXPECTED_2023]
    assert result.info["sections"] == [{"slug": "scaling", "title": "Scaling", "description": "Papers on scaling."}]
    assert notes(result) == []
    assert result.listings == 2
    assert [s.line for s in result.skipped] == [7]  # the table of contents


def test_star_bullets() -> None:
    starred = [re.sub(r"^(\s*)- ", r"\1* ", line) for line in LISTING_2024]
    assert starred[1] == "  * Ann Lee, Bo Li."
    result = parse_readme("\n".join([*INTRO, "## Scaling", "", "Papers on scaling.", "", "### 2024", "", *starred]), SOURCE)
    assert result.entries == [EXPECTED_2024]
    assert notes(result) == []


def test_titles_written_as_links() -> None:
    result = parse(
        "- [Deep Double Descent: Where Bigger Models and More Data Hurt](https://arxiv.org/abs/1912.02292) [[code]](https://github.com/x/dd)",
        "  - Preetum Nakkiran, Gal Kaplun. *ICLR 2020*",
        "  - Key Word: Deep Double Descent.",
        "  - <details><summary>Digest</summary> We show double descent.",
        "",
        "- [Reconciling modern machine learning practice and the bias-variance trade-off](https://www.pnas.org/doi/10.1073/pnas.1903070116) "
        "[code](https://github.com/x/rc)",
        "  - Mikhail Belkin.",
        "  - Key Word: Bias-Variance.",
        "  - <details><summary>Digest</summary> Double descent curve.",
        "",
        "- [Grokking](https://arxiv.org/abs/2201.02177)",  # in a year group, a bare link is a listing too
    )
    assert result.entries == [
        entry(
            id="nakkiran2022deep", title="Deep Double Descent: Where Bigger Models and More Data Hurt", authors=["Preetum Nakkiran", "Gal Kaplun"],
            venue="ICLR 2020", year=2022, arxiv="1912.02292", links={"paper": "https://arxiv.org/abs/1912.02292", "code": "https://github.com/x/dd"},
            keywords=["Deep Double Descent"], digest="We show double descent.",
        ),
        entry(
            id="belkin2022reconciling", title="Reconciling modern machine learning practice and the bias-variance trade-off",
            authors=["Mikhail Belkin"], year=2022, doi="10.1073/pnas.1903070116",
            links={"paper": "https://www.pnas.org/doi/10.1073/pnas.1903070116", "code": "https://github.com/x/rc"},
            keywords=["Bias-Variance"], digest="Double descent curve.",
        ),
        entry(id="grokking2022", title="Grokking", year=2022, arxiv="2201.02177", links={"paper": "https://arxiv.org/abs/2201.02177"}),
    ]
    assert notes(result) == [
        note(FIRST + 10, "no author line; imported without authors"),
        note(FIRST + 10, 'no "Key Word:" line; imported without key words'),
        note(FIRST + 10, "no digest; imported without one"),
    ]


def test_list_without_year_groups_takes_years_from_arxiv_or_venue() -> None:
    def listing(title: str, url: str, authors: str) -> list[str]:
        return [f"- {title}. [[paper]]({url})", f"  - {authors}", "  - Key Word: Grokking.", "  - <details><summary>Digest</summary> D.", ""]

    result = parse_readme(
        "\n".join([
            "# Awesome Grokking", "", "Papers on grokking.", "",
            "# Grokking", "", "When networks generalize long after fitting.", "",
            *listing("Grokking: Generalization Beyond Overfitting", "https://arxiv.org/abs/2201.02177v1", "Alethea Power. *ICLR 2022 Workshop*"),
            *listing("An Old Result", "https://arxiv.org/abs/math/0211159", "Grigori Perelman."),
            *listing("A Venue Paper", "https://example.org/p", "Ann Lee. *NeurIPS 2019*"),
            *listing("An Undated Paper", "https://example.org/q", "Bo Li."),
        ]),
        SOURCE,
    )
    assert [(e["id"], e["year"], e.get("arxiv")) for e in result.entries] == [
        ("power2022grokking", 2022, "2201.02177"), ("perelman2002old", 2002, "math/0211159"), ("lee2019venue", 2019, None),
    ]
    assert result.listings == 4
    assert result.info["sections"] == [{"slug": "grokking", "title": "Grokking", "description": "When networks generalize long after fitting."}]
    assert notes(result) == [
        note(9, "not under a year heading; year 2022 taken from the arXiv id 2201.02177"),
        note(14, "not under a year heading; year 2002 taken from the arXiv id math/0211159"),
        note(19, 'not under a year heading; year 2019 taken from the venue "NeurIPS 2019"'),
    ]
    # a listing that cannot become an entry is an error of the import, never a warning it passes over
    assert [str(p) for p in result.unimportable] == [
        f"{SOURCE}:24: not under a year heading, and neither an arXiv id nor a venue gives a year; not imported (put it under a year heading)",
    ]


# --- the real list ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> ImportResult:
    return parse_readme(REAL.read_text(encoding="utf-8"), SOURCE)


@pytest.fixture(scope="module")
def real_text() -> str:
    return REAL.read_text(encoding="utf-8")


def test_real_list_counts_and_sections(real: ImportResult) -> None:
    assert real.listings == SOURCE_LISTINGS
    assert len(real.entries) == SOURCE_PAPERS
    assert [s["slug"] for s in real.info["sections"]] == [
        "empirical-study", "neural-collapse", "deep-double-descent", "lottery-ticket-hypothesis", "emergence-and-phase-transitions",
        "interactions-with-neuroscience", "information-bottleneck", "neural-tangent-kernel", "others",
    ]
    assert real.info["title"] == "Awesome Deep Phenomena"
    assert real.info["description"].startswith("Our understanding of modern neural networks lags behind their practical successes.")
    ids = [e["id"] for e in real.entries]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) and len(i) <= 80 for i in ids)
    assert real.entries[0]["id"] == "xiao2024rethinking"
    assert all(isinstance(e.get("arxiv", ""), str) for e in real.entries)
    assert {e["section"] for e in real.entries if e.get("also_in")} == {"empirical-study"}


def test_real_list_notes_point_at_the_known_irregularities(real: ImportResult) -> None:
    sections = [29, 488, 603, 729, 1109, 1300, 1473, 1601, 1826]  # headings without an introduction paragraph
    listings = [88, 123, 387, 501, 588, 687, 736, 801, 1104, 1203, 1307, 1320, 1321, 1324, 1430, 1430, 1492, 1547, 1609, 1627, 1752,
                2172, 2176, 2493, 2590, 2722, 2724, 2799, 2805]
    assert [n.line for n in real.notes] == sorted(sections + listings)
    assert all(n.severity == "warning" and n.path == SOURCE for n in real.notes)
    assert [n.line for n in real.skipped] == [*range(17, 27), *range(2918, 2931, 2), 2938]  # contents, resources, the template


def _listings(text: str) -> list[str]:
    """The listing blocks of the real README, found without the importer: the top-level bullets
    from the first year heading to the related resources."""
    start, end = text.index("\n### "), text.index("\n## Related Resources")
    return re.split(r"\n(?=- )", text[start:end])[1:]


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_real_list_loses_no_paper(real: ImportResult, real_text: str) -> None:
    papers = {e["links"].get("paper") for e in real.entries if "links" in e}
    before_contributing = real_text[: real_text.index("\n# Contributing")]
    for url in re.findall(r"\[\[paper\]\]\(([^)\s]+)\)", before_contributing):
        assert url in papers
    by_title = {_squash(e["title"]): e for e in real.entries}
    blocks = _listings(real_text)
    assert len(blocks) == SOURCE_LISTINGS
    for block in blocks:
        title = re.sub(r"\.$", "", block.split("\n")[0][2:].split(" [[")[0].strip())
        found = by_title[_squash(title)]
        keyword_line = re.search(r"^\s*-\s*key\s*w\w*:\s*(.*?)\s*$", block, re.I | re.M)
        if keyword_line:
            words = {_squash(w) for w in re.split(r"[;,]", keyword_line.group(1).rstrip(".")) if w.strip()}
            assert words <= {_squash(k) for k in found["keywords"]}, title
        digest = re.search(r"<summary>Digest</summary>(.*)$", block, re.M)
        assert digest, title
        assert _squash(digest.group(1)) in _squash(found["digest"]), title


# --- writing ------------------------------------------------------------------------------------


def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMA / name).read_text(encoding="utf-8")))


def test_write_real_list_round_trips_and_validates(real: ImportResult, tmp_path: Path) -> None:
    out = tmp_path / "entries"
    written = write_import(real, str(out))
    assert len(written) == SOURCE_PAPERS + 1  # the entry files and sections.yaml
    assert written[0] == str(out / "sections.yaml")
    sections, problems = load_text("sections.yaml", (out / "sections.yaml").read_text(encoding="utf-8"))
    assert not problems and sections is not None
    assert sections.data == real.info
    assert not list(_validator("sections.schema.json").iter_errors(sections.data))
    validator = _validator("entry.schema.json")
    for data, path in zip(real.entries, written[1:], strict=True):
        assert path == str(out / data["section"] / f"{data['id']}.yaml")
        text = Path(path).read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=")
        loaded, problems = load_text(path, text)
        assert not problems and loaded is not None
        assert loaded.data == {k: v for k, v in data.items() if k != "section"}
        assert not list(validator.iter_errors(loaded.data)), path
    assert sorted(os.listdir(out)) == sorted([s["slug"] for s in real.info["sections"]] + ["sections.yaml"])


def test_big_sections_are_split_by_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert entry_path("out", {"id": "a2024b", "section": "s", "year": 2024}, 1000) == os.path.join("out", "s", "a2024b.yaml")
    assert entry_path("out", {"id": "a2024b", "section": "s", "year": 2024}, 1001) == os.path.join("out", "s", "2024", "a2024b.yaml")
    monkeypatch.setattr(import_files, "MAX_FILES_PER_FOLDER", 1)
    result = _years_as(["### 2024"], ["### 2023"])
    written = write_import(result, str(tmp_path / "out"))
    assert [os.path.relpath(p, tmp_path / "out") for p in written] == [
        "sections.yaml", os.path.join("scaling", "2024", "lee2024scaling.yaml"), os.path.join("scaling", "2023", "twain2023grokking.yaml"),
    ]


def test_refuses_a_folder_that_already_holds_yaml(tmp_path: Path) -> None:
    old = tmp_path / "entries" / "others" / "old2020paper.yaml"
    old.parent.mkdir(parents=True)
    old.write_text("id: old2020paper\n", encoding="utf-8")
    result = _years_as(["### 2024"], ["### 2023"])
    with pytest.raises(ValueError, match=r"already holds YAML files \(e\.g\. .*old2020paper\.yaml\); import into an empty folder"):
        write_import(result, str(tmp_path / "entries"))
    assert sorted(p.name for p in (tmp_path / "entries").rglob("*")) == ["old2020paper.yaml", "others"]


def test_import_readme_reads_parses_and_writes(tmp_path: Path) -> None:
    source = tmp_path / "README.md"
    source.write_text("\n".join([*INTRO, "## Scaling", "", "Papers on scaling.", "", "### 2024", "", *LISTING_2024, ""]), encoding="utf-8")
    result = import_readme(str(source), str(tmp_path / "out"))
    assert result.entries == [EXPECTED_2024]
    assert (tmp_path / "out" / "scaling" / "lee2024scaling.yaml").is_file()
    with pytest.raises(ValueError, match="already holds YAML files"):
        import_readme(str(source), str(tmp_path / "out"))


# --- the family of lists in this format: year groups, link spellings, labels, nothing lost --------


def listing_lines(title: str, url: str, *, authors: str = "Ann Lee.", year_note: str = "") -> list[str]:
    return [f"- {title}. [[paper]]({url}){year_note}", f"  - {authors}", "  - Key Word: X.", "  - <details><summary>Digest</summary> D.", ""]


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("2024", (2024, "", False)),
        ("Survey: 2024", (2024, "Survey", False)),
        ("Survey: 2019 and Before", (2019, "Survey", True)),
        ("2019 and Earlier", (2019, "", True)),
        ("Survey - 2018 & earlier", (2018, "Survey", True)),
        ("2017 or Older", (2017, "", True)),
        ("Papers of 2019", None),  # a year, but not a year group's name: reported where it matters
        ("Before 2019", None),
    ],
)
def test_year_group_names(name: str, year: tuple[int, str, bool] | None) -> None:
    assert year_of(name) == year


@pytest.mark.parametrize(
    "group",
    [["### Scaling: 2019 and Before"], ["<details>", "<summary>Scaling: 2019 and Before</summary>"], ["**2019 and Earlier**"]],
    ids=["heading", "details", "bold"],
)
def test_a_range_group_files_each_paper_under_its_own_year_up_to_the_groups(group: list[str]) -> None:
    result = parse_readme("\n".join([
        *INTRO, "## Scaling", "", "Papers on scaling.", "", *group, "",
        *listing_lines("A Closer Look at Memorization in Deep Networks", "https://arxiv.org/abs/1706.05394"),
        *listing_lines("Identity Crisis", "https://openreview.net/forum?id=B1l6y0VFPr", authors="Chiyuan Zhang. *ICLR 2018*"),
        *listing_lines("Characterizing Structural Regularities", "https://arxiv.org/abs/2002.03206", authors="Ziheng Jiang."),
        *listing_lines("Neural Network Memorization Dissection", "https://openreview.net/forum?id=rJgQkT4twH", authors="Jindong Gu."),
        *(["</details>"] if group[0] == "<details>" else []),
    ]), SOURCE)
    assert [(e["id"], e["year"]) for e in result.entries] == [
        ("lee2017closer", 2017), ("zhang2018identity", 2018), ("jiang2019characterizing", 2019), ("gu2019neural", 2019),
    ]
    name, first = plain(group[-1]), len(INTRO) + 4 + len(group) + 2  # the line of the first listing
    assert notes(result) == [
        note(first + 10, f'in the year group "{name}", but the arXiv id 2002.03206 says 2020; filed under 2019'),
        note(first + 15, f'in the year group "{name}", and neither an arXiv id nor a venue gives a year; filed under 2019'),
    ]


def plain(line: str) -> str:
    return re.sub(r"<[^>]+>|\*\*|^#+ ", "", line).strip()


def test_details_groups_nest_close_and_are_reported_when_left_open() -> None:
    result = parse_readme("\n".join([
        *INTRO,
        "## Scaling", "", "Papers on scaling.", "",
        "<details><summary>Scaling: 2023</summary>", "",  # 13
        *listing_lines("Grokking Again", "https://arxiv.org/abs/2301.00001"),  # 15
        "<details><summary>Related papers</summary>", "",  # 20: no year; its listings keep 2023
        *listing_lines("Scaling Laws for Things", "https://arxiv.org/abs/2401.00001"),  # 22
        "</details>", "",
        *listing_lines("Emergence Everywhere", "https://arxiv.org/abs/2302.00001"),  # 29: 2023 again
        "</details>", "",
        "</details>", "",  # 36: closes nothing
        "<details><summary>Scaling: 2022</summary>", "",  # 38
        "<details><summary>Scaling: 2021</summary>", "",  # 40: a year group inside one left open
        *listing_lines("Double Descent Again", "https://arxiv.org/abs/2101.00001"),  # 42
        "## Grokking", "",  # 47: closes both groups
        "Papers on grokking.", "",
        "<details><summary>Papers from 2020</summary>", "",  # 51: names a year, but is no year group
        *listing_lines("Omnigrok", "https://arxiv.org/abs/2010.00001"),  # 53
        "</details>",
    ]), SOURCE)
    assert [(e["title"], e["year"]) for e in result.entries] == [
        ("Grokking Again", 2023), ("Scaling Laws for Things", 2023), ("Emergence Everywhere", 2023), ("Double Descent Again", 2021),
        ("Omnigrok", 2020),
    ]
    assert notes(result) == [
        note(36, '"</details>" closes no <details> group; ignored'),
        note(38, '<details> group "Scaling: 2022" is not closed before the heading "Grokking"; closed there (add "</details>")'),
        note(40, 'year group "Scaling: 2021" opens inside the year group "Scaling: 2022" (line 38), which has no "</details>" before it; '
                 "its papers are filed under the inner one"),
        note(40, '<details> group "Scaling: 2021" is not closed before the heading "Grokking"; closed there (add "</details>")'),
        note(51, '<details> group "Papers from 2020" names a year but not as a year group ("2024", "Survey: 2024", '
                 '"Survey: 2019 and Before"); its papers take the years of their arXiv ids or venues'),
        note(53, "not under a year heading; year 2020 taken from the arXiv id 2010.00001"),
    ]


def test_a_digest_closed_at_the_margin_right_under_its_listing_keeps_the_year_group_open() -> None:
    result = parse_readme("\n".join([
        *INTRO, "## Scaling", "", "Papers on scaling.", "",
        "<details>", "<summary>Scaling: 2023</summary>", "",
        "- Grokking Again. [[paper]](https://arxiv.org/abs/2301.00001)",  # 16
        "  - Cy Twain.",
        "  - Key Word: Grokking.",
        "  - <details><summary>Digest</summary>",
        "    Late generalization.",
        "</details>",  # 21
        "",
        "- Scaling Laws for Things. [[paper]](https://arxiv.org/abs/2401.00001)",  # 23: still in 2023
        "  - Ann Lee.",
        "  - Key Word: Scaling.",
        "  - <details><summary>Digest</summary> Bigger is better.",
        "",
        "</details>",
    ]), SOURCE)
    assert [(e["title"], e["year"], e["digest"]) for e in result.entries] == [
        ("Grokking Again", 2023, "Late generalization."), ("Scaling Laws for Things", 2023, "Bigger is better."),
    ]
    assert notes(result) == [
        note(21, '"</details>" at the margin closes a <details> of the listing above; read as part of the listing '
                 "(indent it under the listing: at the margin, GitHub reads it as the end of the year group)"),
    ]


def test_link_spellings_are_read_in_one_place() -> None:
    result = parse(
        "- Progress Measures for Grokking. [[paper](https://arxiv.org/abs/2301.05217)] [[code]](https://github.com/x/grok) "
        "[blog](https://example.org/grok)",
        "  - Neel Nanda.",
        "  - Key Word: Grokking.",
        "  - <details><summary>Digest</summary> D.",
        "  - [[slides](https://example.org/slides.pdf)] [[video]](https://example.org/talk)",
        "",
        "- Grokking Explained. [paper](https://arxiv.org/abs/2201.02177) [code](https://github.com/x/explained)",
        "  - Ann Lee.",
        "  - Key Word: Grokking.",
        "  - <details><summary>Digest</summary> D.",
    )
    assert [(e["title"], e["links"], e.get("arxiv")) for e in result.entries] == [
        ("Progress Measures for Grokking",
         {"paper": "https://arxiv.org/abs/2301.05217", "code": "https://github.com/x/grok", "blog": "https://example.org/grok",
          "slides": "https://example.org/slides.pdf", "video": "https://example.org/talk"}, "2301.05217"),
        ("Grokking Explained", {"paper": "https://arxiv.org/abs/2201.02177", "code": "https://github.com/x/explained"}, "2201.02177"),
    ]
    assert notes(result) == [
        note(FIRST, "link written [[paper](URL)]; read as [[paper]](URL)"),
        note(FIRST + 4, "links on a line of their own under the title (slides, video); added to the listing's links"),
    ]


def test_a_paper_whose_only_arxiv_link_is_written_inside_out_keeps_its_year() -> None:
    result = parse_readme("\n".join([
        "# Grokking", "", "Papers on grokking.", "", "# Papers", "", "All of them.", "",
        "- Progress measures for grokking via mechanistic interpretability. [[paper](https://arxiv.org/abs/2301.05217)]",
        "  - Neel Nanda, Lawrence Chan.", "  - Key Word: Grokking.", "  - <details><summary>Digest</summary> D.",
    ]), SOURCE)
    assert [(e["id"], e["year"], e["arxiv"]) for e in result.entries] == [("nanda2023progress", 2023, "2301.05217")]
    assert result.unimportable == []


def test_unknown_labels_and_summaries_are_reported_never_read_as_authors_or_digest() -> None:
    result = parse(
        "- Progress Measures. [[paper]](https://arxiv.org/abs/2301.05217)",
        "  - Topics: Grokking; Interpretability.",  # before the author line: once read as the authors
        "  - Neel Nanda, Lawrence Chan.",
        "  - <details><summary>Notes</summary> Read twice.",
        "  - <details><summary>Digest</summary> We argue.",
        "  - Venue: ICLR 2023.",  # after the digest: once added to it
    )
    assert only(result) == entry(
        id="nanda2022progress", title="Progress Measures", authors=["Neel Nanda", "Lawrence Chan"], year=2022, arxiv="2301.05217",
        links={"paper": "https://arxiv.org/abs/2301.05217"}, digest="We argue.",
    )
    assert notes(result) == [
        note(FIRST, 'no "Key Word:" line; imported without key words'),
        note(FIRST + 1, 'line labelled "Topics:" is not authors, key words or digest; not imported: "Topics: Grokking; Interpretability."'),
        note(FIRST + 3, '<details> block "Notes" is not authors or a digest; not imported: "<details><summary>Notes</summary> Read twice."'),
        note(FIRST + 5, 'line labelled "Venue:" is not authors, key words or digest; not imported: "Venue: ICLR 2023."'),
    ]


def test_author_and_digest_labels() -> None:
    result = parse(
        "- Progress Measures. [[paper]](https://arxiv.org/abs/2301.05217)",
        "  - Authors: Neel Nanda and Lawrence Chan.",
        "  - Key Word: Grokking.",
        "  - Abstract: We argue.",
    )
    assert (only(result)["authors"], only(result)["digest"]) == (["Neel Nanda", "Lawrence Chan"], "We argue.")
    assert notes(result) == [
        note(FIRST + 1, 'author line starts with "Authors:"; read as the author line'),
        note(FIRST + 1, 'authors joined by "and" (Neel Nanda / Lawrence Chan); split there'),
        note(FIRST + 3, 'digest written as "Abstract:" instead of a <details> block; read as the digest'),
    ]


@pytest.mark.parametrize(
    ("line", "authors", "messages"),
    [
        ("Ann Lee, Bo Li and Cy Twain.", ["Ann Lee", "Bo Li", "Cy Twain"], ['authors joined by "and" (Bo Li / Cy Twain); split there']),
        ("Ann Lee, Bo Li, and Cy Twain.", ["Ann Lee", "Bo Li", "Cy Twain"], []),
        ("Ann Lee & Bo Li.", ["Ann Lee", "Bo Li"], ['authors joined by "&" (Ann Lee / Bo Li); split there']),
        ("Ann Lee&Bo Li.", ["Ann Lee", "Bo Li"], ['authors joined by "&" (Ann Lee / Bo Li); split there']),
        ("Ann Lee, Research \\& Development Team.", ["Ann Lee", "Research & Development Team"], []),  # escaped: part of a name
        ("Ann Lee; Bo Li & Cy Twain.", ["Ann Lee", "Bo Li", "Cy Twain"],
         ['authors separated by ";" instead of ","; split at ";"', 'authors joined by "&" (Bo Li / Cy Twain); split there']),
    ],
)
def test_author_separators(line: str, authors: list[str], messages: list[str]) -> None:
    result = parse("- Some Paper. [[paper]](https://arxiv.org/abs/2201.00001)", f"  - {line}", "  - Key Word: X.",
                   "  - <details><summary>Digest</summary> D.")
    assert only(result)["authors"] == authors
    assert notes(result) == [note(FIRST + 1, m) for m in messages]


def test_bullets_are_never_dropped_silently() -> None:
    result = parse(
        "- Grokking Again. [[paper]](https://arxiv.org/abs/2201.00001)",  # 11
        "  - Cy Twain.",
        "  - Key Word: Grokking.",
        "  - <details><summary>Digest</summary> D.",
        "  - Omnigrok. [[paper]](https://arxiv.org/abs/2210.01117)",  # 15: a listing indented under the one above
        "    - Ziming Liu.",
        "    - Key Word: Grokking.",
        "    - <details><summary>Digest</summary> E.",
        "",
        "Some words between the listings.",  # 20
        "",
        "  - Scaling Laws for Things. [[paper]](https://arxiv.org/abs/2401.00001)",  # 22: indented, outside any listing
        "    - Ann Lee.",
        "    - Key Word: Scaling.",
        "    - <details><summary>Digest</summary> F.",
        "",
        "Emergence Everywhere. [[paper]](https://arxiv.org/abs/2302.00001)",  # 27: no bullet
        "  - Bo Li.",
        "  - Key Word: Emergence.",
        "  - <details><summary>Digest</summary> G.",
        "",
        "```",
        "- Paper Title. [[paper]](https://arxiv.org/abs/xxxx.xxxxx)",  # 33: in a code block
        "```",
    )
    assert [(e["title"], e["authors"], e["digest"]) for e in result.entries] == [
        ("Grokking Again", ["Cy Twain"], "D."), ("Omnigrok", ["Ziming Liu"], "E."), ("Scaling Laws for Things", ["Ann Lee"], "F."),
        ("Emergence Everywhere", ["Bo Li"], "G."),
    ]
    assert notes(result) == [
        note(15, "listing is indented 2 spaces, under the listing at line 11; read as a listing of its own"),
        note(20, 'text among the listings is not part of a listing; not imported: "Some words between the listings."'),
        note(22, "listing is indented 2 spaces instead of 0; read as a listing"),
        note(27, 'listing has no "- " bullet; read as a listing'),
    ]
    assert [str(s) for s in result.skipped] == [
        note(33, 'bullet under "Topic" is inside a fenced code block; not imported: Paper Title. [[paper]](https://arxiv.org/abs/xxxx.xxxxx)'),
    ]


def test_prose_in_the_key_word_line_goes_to_the_digest() -> None:
    prose = ("We show that memorization grows log-linearly with model size, with duplication and with the length of the prompt; "
             "larger models are not safer.")
    sentence = "This paper finds that near-duplicate text in training data makes language models copy it verbatim."
    result = parse(
        "- Quantifying Memorization. [[paper]](https://arxiv.org/abs/2202.07646)",
        "  - Nicholas Carlini.",
        f"  - Key Word: Memorization; Language Models. {prose}",
        "",
        "- Deduplicating Training Data. [[paper]](https://arxiv.org/abs/2107.06499)",
        "  - Katherine Lee.",
        f"  - Key Word: {sentence}",
        "  - <details><summary>Digest</summary> Deduplication helps.",
        "",
        "- Extracting Training Data. [[paper]](https://arxiv.org/abs/2012.07805)",
        "  - Nicholas Carlini.",
        "  - Key Word: Training Data Extraction, Privacy, Large Language Models.",  # commas between key words, not prose
        "  - <details><summary>Digest</summary> Attacks work.",
    )
    assert [(e.get("keywords", []), e["digest"]) for e in result.entries] == [
        (["Memorization", "Language Models"], prose),
        ([], f"Deduplication helps.\n\n{sentence}"),
        (["Training Data Extraction", "Privacy", "Large Language Models"], "Attacks work."),
    ]
    assert notes(result) == [
        note(FIRST + 2, f'key words line holds prose, not key words ({len(prose)} characters: "{prose[:59]}…"); moved to the digest'),
        note(FIRST + 6, f'key words line holds prose, not key words ({len(sentence)} characters: "{sentence[:59]}…"); '
                        "added to the digest as a paragraph of its own"),
        note(FIRST + 11, 'key words separated by "," instead of ";"; split at ","'),
    ]


@pytest.mark.parametrize(
    ("digest", "repaired", "done"),
    [
        ("Removing the <b>most vulnerable</b> points.<br>Then <i>others</i> leak.", "Removing the **most vulnerable** points.\n\nThen *others* leak.",
         "raw HTML, which check refuses: <b>, <br>, <i> written as Markdown"),
        ('See the <a href="https://example.org/onion">blog post</a>.', "See the [blog post](https://example.org/onion).",
         "raw HTML, which check refuses: <a> written as Markdown"),
        ('A figure <img src="x.png"> and <span style="color:red">red</span> text.<!-- todo -->', "A figure and red text.",
         "raw HTML, which check refuses: <!-- -->, <img>, <span> removed (the text between tags kept)"),
        ("It holds when k<n, and $p<q$ in math stays.", "It holds when k&lt;n, and $p<q$ in math stays.",
         'raw HTML, which check refuses: "<" before a letter written as "&lt;"'),
        ("A sequence <T> of tokens.", "A sequence &lt;T> of tokens.", 'raw HTML, which check refuses: "<" before a letter written as "&lt;"'),
        ("Plain prose, 3 < 4 and 5 > 4.", "Plain prose, 3 < 4 and 5 > 4.", ""),
    ],
)
def test_raw_html_in_a_digest_is_written_as_markdown_check_accepts(digest: str, repaired: str, done: str) -> None:
    assert repair_html(digest) == (repaired, done)
    assert digest_problems(repaired) == []


def test_code_in_a_digest_is_meant_literally_and_left_for_check_to_name() -> None:
    assert repair_html("The `<br>` token and `a<b`.") == ("The `<br>` token and `a<b`.", "")
    assert digest_problems("The `<br>` token and `a<b`.") != []  # the import reports it after writing (check-refuses case)


def test_a_paper_listed_twice_under_nearly_the_same_title_is_merged_and_two_papers_say_so() -> None:
    result = parse(
        "- What Neural Networks Memorize and Why. [[paper]](https://arxiv.org/abs/2008.03703)",  # 11
        "  - Vitaly Feldman, Chiyuan Zhang.", "  - Key Word: Memorization.", "  - <details><summary>Digest</summary> D.", "",
        "- What Neural Networks Memorise and Why. [[paper]](https://proceedings.neurips.cc/paper/2020/hash/1e14bfe2.html)",  # 16
        "  - Vitaly Feldman, Chiyuan Zhang. *NeurIPS 2020*", "  - Key Word: Long Tail.", "  - <details><summary>Digest</summary> D.", "",
        "- Deep Learning. [[paper]](https://doi.org/10.1038/nature14539)",  # 21
        "  - Yann LeCun, Yoshua Bengio, Geoffrey Hinton.", "  - Key Word: Review.", "  - <details><summary>Digest</summary> R.", "",
        "- Deep Learning. [[paper]](https://www.deeplearningbook.org/)",  # 26: the same title, another first author
        "  - Ian Goodfellow, Yoshua Bengio, Aaron Courville.", "  - Key Word: Textbook.", "  - <details><summary>Digest</summary> T.", "",
        "- Memorization in Overparameterized Autoencoders. [[paper]](https://arxiv.org/abs/1810.10333)",  # 31
        "  - Adityanarayanan Radhakrishnan.", "  - Key Word: Autoencoders.", "  - <details><summary>Digest</summary> A.", "",
        "- Memorization in Overparameterized Autoencoders. [[paper]](https://arxiv.org/abs/2006.00001)",  # 36: the same title, another arXiv id
        "  - Adityanarayanan Radhakrishnan.", "  - Key Word: Autoencoders.", "  - <details><summary>Digest</summary> B.",
    )
    assert [(e["id"], e["links"], e.get("keywords"), e.get("distinct_from")) for e in result.entries] == [
        ("feldman2022neural", {"paper": "https://arxiv.org/abs/2008.03703", "paper-2": "https://proceedings.neurips.cc/paper/2020/hash/1e14bfe2.html"},
         ["Memorization", "Long Tail"], None),
        ("lecun2022deep", {"paper": "https://doi.org/10.1038/nature14539"}, ["Review"], ["goodfellow2022deep"]),
        ("goodfellow2022deep", {"paper": "https://www.deeplearningbook.org/"}, ["Textbook"], ["lecun2022deep"]),
        ("radhakrishnan2022memorization", {"paper": "https://arxiv.org/abs/1810.10333"}, ["Autoencoders"], ["radhakrishnan2022memorization-2"]),
        ("radhakrishnan2022memorization-2", {"paper": "https://arxiv.org/abs/2006.00001"}, ["Autoencoders"], ["radhakrishnan2022memorization"]),
    ]
    assert notes(result) == [
        note(16, 'same paper as line 11 (nearly the same title: "What Neural Networks Memorize and Why"); merged into one entry: '
                 "key words combined, its paper link added as paper-2"),
        note(26, "the same title (line 21), but another first author: imported as two papers, each naming the other in distinct_from "
                 "(if they are one paper, delete one listing)"),
        note(36, "the same title (line 31), but other arXiv ids or DOIs: imported as two papers, each naming the other in distinct_from "
                 "(if they are one paper, delete one listing)"),
    ]


def test_a_section_slug_never_takes_the_name_of_a_page_of_the_site() -> None:
    result = parse_readme("\n".join(["# List", "", "A list.", "", "## Keywords", "", "Papers about key words.", "", "### 2022", "",
                                     *listing_lines("Grokking Again", "https://arxiv.org/abs/2201.00001")]), SOURCE, reserved={"keywords"})
    assert result.info["sections"] == [{"slug": "keywords-papers", "title": "Keywords", "description": "Papers about key words."}]
    assert only(result)["section"] == "keywords-papers"
    assert notes(result) == [
        note(5, 'section "Keywords" would take the slug "keywords", the name of a page of the site; its slug is "keywords-papers"'),
    ]


def test_an_unimportable_listing_stops_the_import_unless_skipped(tmp_path: Path) -> None:
    source = tmp_path / "README.md"
    source.write_text("\n".join([
        "# Grokking", "", "Papers on grokking.", "", "# Papers", "", "All of them.", "",
        *listing_lines("Grokking", "https://arxiv.org/abs/2201.02177"),
        *listing_lines("An Undated Paper", "https://example.org/q"),
    ]), encoding="utf-8")
    refused = import_readme(str(source), str(tmp_path / "out"))
    assert [str(p) for p in refused.unimportable] == [
        f"{source}:14: not under a year heading, and neither an arXiv id nor a venue gives a year; not imported (put it under a year heading)",
    ]
    assert refused.written == [] and not (tmp_path / "out").exists()
    skipped = import_readme(str(source), str(tmp_path / "out"), skip_unimportable=True)
    assert [(p.severity, p.line) for p in skipped.unimportable] == [("warning", 14)]
    assert [os.path.relpath(p, tmp_path / "out") for p in skipped.written] == ["sections.yaml", os.path.join("papers", "lee2022grokking.yaml")]
    assert skipped.failing == []


def test_in_a_list_with_year_groups_a_section_of_resources_is_no_paper_section() -> None:
    result = parse(
        *listing_lines("Grokking Again", "https://arxiv.org/abs/2201.00001"),
        "## Toolboxes",  # 16
        "",
        "- [Robustness Gym](https://github.com/robustness-gym/robustness-gym)",  # 18
        "  - A toolkit for evaluating natural language models.",
    )
    assert [e["title"] for e in result.entries] == ["Grokking Again"]
    assert result.unimportable == []
    assert [str(s) for s in result.skipped] == [
        note(18, 'bullet under "Toolboxes", not in a paper section; not imported: [Robustness Gym](https://github.com/robustness-gym/robustness-gym)'),
    ]
