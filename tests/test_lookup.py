import pytest
from rapidfuzz import fuzz, utils

from relboard.domain.catalog import TROUBLESHOOTING, troubleshooting_for
from relboard.domain.lookup import SymptomIndex, related
from relboard.domain.plan import Category, Troubleshooting
from tests.conftest import make_plan


@pytest.fixture
def index():
    return SymptomIndex(TROUBLESHOOTING)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("conector fail upgrade", "Connector fails after upgrade"),
        ("upgrade connector fails", "Connector fails after upgrade"),
        ("missing acess", "Users report missing access after release"),
        ("client web console differs", "Client behavior differs from web console"),
        ("rollback unclear", "Rollback decision is unclear"),
    ],
)
def test_typos_and_word_order_still_find_the_symptom(index, query, expected):
    assert index.search(query)[0].entry.symptom == expected


def test_nonsense_finds_nothing_and_empty_lists_everything(index):
    assert index.search("ttttt") == []
    assert index.search("x" * 5000) == []
    assert [m.entry.symptom for m in index.search("")] == [t.symptom for t in TROUBLESHOOTING]


def test_plan_entries_come_first_then_the_categorys_catalog():
    own = {"symptom": "Export job stuck", "checks": ["Queue depth"]}
    plan = make_plan(troubleshooting=[own], release={"category": "connector-change"})
    symptoms = [t.symptom for t in troubleshooting_for(plan)]
    assert symptoms == ["Export job stuck", "Connector fails after upgrade", "Rollback decision is unclear"]


def test_a_plan_entry_replaces_the_catalogs_entry_of_the_same_symptom_and_scopes_apply():
    plan = make_plan(
        troubleshooting=[
            {"symptom": "Connector fails after upgrade", "checks": ["Our own first check"]},
            {"symptom": "Only for modules", "checks": ["x"], "categories": ["module-update"]},
        ]
    )
    entries = troubleshooting_for(plan)
    assert entries[0].checks == ["Our own first check"]
    assert "Only for modules" not in [t.symptom for t in entries]
    assert sum(t.symptom == "Connector fails after upgrade" for t in entries) == 1


def test_every_category_gets_catalog_troubleshooting():
    for category in Category:
        plan = make_plan(troubleshooting=[], release={"category": category.value})
        assert "Rollback decision is unclear" in [t.symptom for t in troubleshooting_for(plan)]


def test_known_issues_that_mention_a_symptom_are_related():
    texts = ["Connector fails after upgrade for the SAP source until the token is renewed", "Report export slower"]
    assert related("Connector fails after upgrade", texts) == [0]


def test_hostile_queries_do_not_break_the_index(index, naughty_strings):
    for text in naughty_strings:
        index.search(text)
    custom = SymptomIndex([Troubleshooting(symptom=s, checks=["c"]) for s in naughty_strings if s.strip()])
    assert custom.search("[/]") is not None


def test_a_large_index_finds_the_same_symptom_through_its_words():
    filler = [
        Troubleshooting(symptom=f"Batch {n} export report {n % 17} stalls on node {n % 31}", checks=["c"])
        for n in range(2000)
    ]
    entries = [*filler, *TROUBLESHOOTING]
    index = SymptomIndex(entries)
    assert len(entries) >= SymptomIndex.WORD_INDEX_FROM
    assert index.search("conector fail upgrade")[0].entry.symptom == "Connector fails after upgrade"
    assert index.search("missing acess")[0].entry.symptom == "Users report missing access after release"
    assert index.search("ttttt") == []


def _large_index(filler: list[str], *, plan_first: tuple[Troubleshooting, ...] = ()) -> SymptomIndex:
    entries = [*plan_first, *(Troubleshooting(symptom=s, checks=["c"]) for s in filler), *TROUBLESHOOTING]
    assert len(entries) >= SymptomIndex.WORD_INDEX_FROM
    return SymptomIndex(entries)


def test_a_large_index_puts_the_symptom_before_long_sentences_that_hold_the_same_words():
    # Hundreds of long log-like sentences mention connector, fails and upgrade; the one-line symptom
    # the engineer means must still come first for a typo'd query.
    filler = [
        f"Batch {n} connector export on node {n % 31} fails after the nightly upgrade of the reporting "
        f"stack while queue {n % 7} drains slowly and the scheduler retries every {n % 13} minutes"
        for n in range(2000)
    ]
    index = _large_index(filler)
    assert index.search("conector fail upgrade")[0].entry.symptom == "Connector fails after upgrade"
    assert index.search("upgrade connector fails")[0].entry.symptom == "Connector fails after upgrade"


@pytest.mark.parametrize("typed", ["conn", "conne", "connec"])
def test_a_half_typed_word_already_finds_its_symptom_whatever_the_size(index, typed):
    filler = [f"Batch {n} export report {n % 17} stalls on node {n % 31}" for n in range(2000)]
    assert index.search(typed)[0].entry.symptom == "Connector fails after upgrade"
    assert _large_index(filler).search(typed)[0].entry.symptom == "Connector fails after upgrade"


def test_a_large_index_lists_the_plans_own_entry_first_when_it_scores_the_same():
    filler = [f"Batch {n} export report {n % 17} stalls on node {n % 31}" for n in range(2000)]
    own = Troubleshooting(symptom="Connector fails after upgrade", checks=["Our own first check"])
    found = _large_index(filler, plan_first=(own,)).search("conector fail upgrade")
    assert [m.entry.checks for m in found[:2]] == [["Our own first check"], TROUBLESHOOTING[2].checks]


PASTED = (
    "Connector fails after upgrade: since 22:00 the SAP source answers 503, the token refresh loops "
    "and the export queue grows; the upgrade log shows the connector package at the new version"
)


@pytest.mark.parametrize("typed", [PASTED, "token refresh loops", "stalls upgrade", "refresh tokn"])
def test_a_large_index_shows_the_documented_score_for_every_result_best_first(typed):
    # Short and pasted queries against long symptoms: the scores shown are exactly the documented formula.
    filler = [
        f"Batch {n} export report {n % 17} stalls on node {n % 31} while the token refresh for source {n % 5} "
        "loops after the upgrade"
        for n in range(1000)
    ]
    found = _large_index(filler).search(typed)
    assert len(found) == 20
    query = utils.default_process(typed)
    for match in found:
        symptom = utils.default_process(match.entry.symptom)
        weighted = max(fuzz.WRatio(query, symptom), fuzz.partial_token_sort_ratio(query, symptom))
        assert match.score == pytest.approx(weighted * 0.5 + fuzz.token_sort_ratio(query, symptom) * 0.5)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
