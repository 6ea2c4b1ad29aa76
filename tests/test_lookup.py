import pytest

from relboard.domain.catalog import TROUBLESHOOTING, troubleshooting_for
from relboard.domain.lookup import SymptomIndex, related
from relboard.domain.plan import Category, Troubleshooting
from tests.conftest import make_plan


@pytest.fixture
def index():
    return SymptomIndex(TROUBLESHOOTING)


@pytest.mark.parametrize(
    "query, expected",
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
    filler = [Troubleshooting(symptom=f"Batch {n} export report {n % 17} stalls on node {n % 31}", checks=["c"]) for n in range(2000)]
    entries = [*filler, *TROUBLESHOOTING]
    index = SymptomIndex(entries)
    assert len(entries) >= SymptomIndex.WORD_INDEX_FROM
    assert index.search("conector fail upgrade")[0].entry.symptom == "Connector fails after upgrade"
    assert index.search("missing acess")[0].entry.symptom == "Users report missing access after release"
    assert index.search("ttttt") == []
