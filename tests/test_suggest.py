"""Text similarity, the suggestions `new` makes from the list itself, and the sentences of its draft digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.commands.arxiv import parse_atom
from generator.commands.newentry import draft_digest
from generator.commands.suggest import KeywordForm, Stems, Suggester, finding_sentences, names_phenomenon, sentence_kind, sentences, stem
from generator.list.source import read_list
from generator.text.similarity import TextIndex

ROOT = Path(__file__).resolve().parent.parent
FEEDS = ROOT / "tests" / "fixtures" / "arxiv"

TEXTS = [
    "neural collapse of last-layer features to a simplex equiangular tight frame",
    "double descent of test error as model size grows",
    "lottery tickets: sparse subnetworks that train in isolation",
    "neural collapse under the mean squared error loss",
    "the, and of",  # nothing but stop words
]


def test_query_ranks_by_cosine_and_leaves_out_unrelated_texts() -> None:
    index = TextIndex(TEXTS)
    found = index.query("when does neural collapse happen to features", 10)
    assert [i for i, _ in found] == [0, 3]
    assert 1 >= found[0][1] > found[1][1] > 0


def test_neighbours_leave_out_the_text_itself_and_agree_with_query() -> None:
    index = TextIndex(TEXTS)
    neighbours = index.neighbours(2)
    assert len(neighbours) == len(TEXTS)
    assert [i for i, _ in neighbours[0]] == [3]
    assert [i for i, _ in neighbours[3]] == [0, 1]  # "error" in common with the double descent text
    assert neighbours[4] == []
    assert neighbours[0][0][1] == pytest.approx(dict(index.query(TEXTS[0], 5))[3], rel=1e-5)


def test_degenerate_collections() -> None:
    assert TextIndex([]).neighbours(3) == []
    assert TextIndex(["the and", "of"]).neighbours(3) == [[], []]
    assert TextIndex(["one text"]).neighbours(3) == [[]]
    assert TextIndex(["one text"]).query("text", 0) == []


# --- words by stem ---------------------------------------------------------------------------------


def test_word_forms_share_a_stem() -> None:
    assert {stem(w) for w in ("memorized", "memorizing", "memorization", "memorize", "memorise", "memorisation")} == {"memor"}
    assert stem("memory") != stem("memorization")


@pytest.mark.parametrize(
    ("keyword", "text", "spelled", "words"),
    [
        ("Memorization", "Models emit memorized text.", True, True),
        ("Deep Double Descent", "Double descent in deep networks.", False, True),
        ("Deep Double Descent", "deep double-descent curves", True, True),
        ("Pre-training", "Pretraining on more data", True, True),
        ("Pretraining", "pre-training on more data", True, True),
        ("Stochastic Gradient Descent", "trained with SGD", True, False),
        ("Large Language Model", "what LLMs memorize", True, False),
        ("Lottery Ticket Hypothesis", "winning tickets in pruned networks", False, False),
        ("Neural Collapse", "neural networks collapse", False, True),  # its words, not in order: grounded all the same
    ],
)
def test_a_text_states_a_key_word_by_stems(keyword: str, text: str, spelled: bool, words: bool) -> None:
    form, stems = KeywordForm.of(keyword), Stems.of(text)
    assert (form.spelled_in(stems), form.words_in(stems)) == (spelled, words)


@pytest.mark.parametrize(
    ("keyword", "section", "expected"),
    [
        ("Deep Double Descent", "Deep Double Descent", True),
        ("Double Descent", "Deep Double Descent", True),
        ("Lottery Tickets", "Lottery Ticket Hypothesis", True),
        ("Neuroscience", "Interactions with Neuroscience", True),
        ("Deep Learning", "Deep Double Descent", False),
        ("Emergence", "Emergence and Phase Transitions", False),
    ],
)
def test_a_key_word_names_a_sections_phenomenon(keyword: str, section: str, expected: bool) -> None:
    assert names_phenomenon(KeywordForm.of(keyword), KeywordForm.of(section)) is expected


# --- suggestions from a small list -----------------------------------------------------------------


@pytest.fixture
def suggester(small_list: Path) -> Suggester:
    info, entries, _ = read_list(str(small_list))
    assert info is not None
    return Suggester(entries, info)


def test_memorized_in_the_abstract_grounds_memorization(suggester: Suggester) -> None:
    found = suggester.suggest("Deduplicated corpora", "Models trained on deduplicated corpora emit memorized text far less often.")
    assert found.keywords == ["Memorization"]
    assert found.section == "memorization"


def test_a_key_word_only_the_neighbours_vote_for_is_not_suggested(suggester: Suggester) -> None:
    title = "Which examples drive the update?"
    abstract = ("Intervention experiments on VGG, Inception and ResNet show that memorization occurs when few examples "
                "are responsible for most of the update.")
    nearest = suggester.index.query(f"{title} {abstract}", 1)[0][0]
    assert suggester.entries[nearest].keywords == ("Coherent Gradients", "Memorization")  # its nearest paper votes for both
    assert suggester.suggest(title, abstract).keywords == ["Memorization"]  # the text says nothing of coherent gradients
    spelled = abstract.replace("show that", "support coherent gradients:").replace("the update.", "the gradient.")
    assert suggester.suggest(title, spelled).keywords == ["Memorization", "Coherent Gradients"]


def test_leaving_a_paper_out_takes_its_own_key_words_out_of_the_vocabulary(suggester: Suggester) -> None:
    title = "Which examples drive the update?"
    abstract = "Experiments on VGG and ResNet support coherent gradients: memorization occurs when few examples dominate the gradient."
    index = [e.id for e in suggester.entries].index("zielinski2020explaining")  # the one paper with "Coherent Gradients"
    assert "Coherent Gradients" in suggester.suggest(title, abstract).keywords
    assert suggester.suggest(title, abstract, exclude=index).keywords == ["Memorization"]
    assert "Coherent Gradients" in suggester.suggest(title, abstract).keywords  # the counts are back after leaving it out


def test_key_words_are_the_lists_own_in_canonical_spelling(small_list: Path) -> None:
    (small_list / "keyword-aliases.yaml").write_text("aliases:\n  Large Language Models: Large Language Model\n", encoding="utf-8")
    info, entries, _ = read_list(str(small_list))
    assert info is not None
    found = Suggester(entries, info).suggest("Large language models memorise", "Large language models memorise their training data.")
    assert found.keywords == ["Memorization", "Large Language Model"]


def test_nothing_grounded_nothing_suggested(suggester: Suggester) -> None:
    found = suggester.suggest("Protein folding", "We fold proteins with a physics engine.")
    assert found.keywords == []


def test_every_suggestion_on_the_real_list_is_grounded() -> None:
    """An invariant, whatever the list holds: each key word's words are in the text or it is the section's phenomenon."""
    info, entries, _ = read_list(str(ROOT / "entries"))
    assert info is not None
    suggester = Suggester(entries, info)
    for i, paper in enumerate(suggester.entries[::25]):
        found = suggester.suggest(paper.title, paper.digest, exclude=i * 25)
        assert set(found.keywords) <= set(suggester.keyword_uses) - set(info.aliases)
        assert all(suggester.grounded(k, paper.title, paper.digest, found.section) for k in found.keywords), (paper.id, found.keywords)


# --- sentences and the draft digest ----------------------------------------------------------------


def test_sentences_do_not_end_at_abbreviations() -> None:
    assert sentences("We use e.g.  ResNets, cf. Fig. 3. Results hold (Zhang et al. 2017). Done!") == [
        "We use e.g. ResNets, cf. Fig. 3.", "Results hold (Zhang et al. 2017).", "Done!",
    ]


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("We show that memorization starts late.", 2),
        ("Here we also empirically find a bound.", 2),
        ("Our experiments reveal two regimes.", 2),
        ("The analysis shows that layers differ.", 2),
        ("This implies that early stopping helps.", 2),
        ("Extensive experiments on CIFAR-10 demonstrate that the method works.", 2),
        ("In this paper, we study memorization.", 1),
        ("We propose a new algorithm.", 1),
        ("Deep networks are known to memorize noise.", -1),
        ("Recent work has found that outliers leak.", -1),
        ("Memorization is common.", 0),
    ],
)
def test_sentence_kinds(sentence: str, kind: int) -> None:
    assert sentence_kind(sentence) == kind


def test_the_draft_of_a_known_abstract_is_its_two_finding_sentences() -> None:
    abstract = parse_atom((FEEDS / "2008.03703.xml").read_text(encoding="utf-8")).abstract
    assert sentences(abstract)[0].startswith("Deep learning algorithms are well-known")  # background first
    assert draft_digest(abstract) == (
        "DRAFT: Estimating these quantities directly is computationally prohibitive but we show that closely-related "
        "subsampled influence and memorization values can be estimated much more efficiently. Our experiments demonstrate "
        "the significant benefits of memorization for generalization on several standard benchmarks."
    )


def test_findings_in_order_a_third_when_short_and_fallbacks() -> None:
    short = ("Networks are known to fit noise. We show that they fit it late. Our results suggest early stopping. "
             "This implies a bound. Prior work disagrees.")
    assert finding_sentences(short) == ["We show that they fit it late.", "Our results suggest early stopping.", "This implies a bound."]
    one = "Deep networks are known to memorize. Recent work has studied why. We study ResNets. We find that memorization starts late. Longer helps."
    assert finding_sentences(one) == ["We study ResNets.", "We find that memorization starts late."]  # a method fills in
    none = "Deep networks are known to memorize. Recent work has studied why. Memorization is common. It is costly."
    assert finding_sentences(none) == ["Memorization is common.", "It is costly."]  # not the background
    assert finding_sentences("") == []
    assert draft_digest("") == "DRAFT: What does the paper find? Say it in 1-5 sentences of your own."
