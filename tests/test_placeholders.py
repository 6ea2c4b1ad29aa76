"""The starter's "Change me: ..." values, found wherever they are left in a plan."""

from __future__ import annotations

import pytest

from relboard.domain.placeholders import is_placeholder, may_hold_placeholders, placeholder_problems
from tests.conftest import make_plan


@pytest.mark.parametrize("text", ["Change me: technical owner", "change me: x", "Sam (CHANGE ME : later)"])
def test_placeholders(text):
    assert is_placeholder(text)


@pytest.mark.parametrize("text", ["Change management board", "Changed me", "Sam Lindqvist", "change meter: 3"])
def test_not_placeholders(text):
    assert not is_placeholder(text)


def test_every_kind_of_value_is_looked_at_in_plan_order():
    plan = make_plan(
        window={"escalation": ["On-call SRE", "Change me: engineering lead"]},
        notices={"support_contact": "Change me: support channel"},
        steps=[
            {
                "id": "login",
                "phase": "validate",
                "title": "Login",
                "owner": "Lee",
                "probe": {"url": "https://x.test/", "headers": {"X-Team": "Change me: team header"}},
            }
        ],
        rollback={
            "impact_statement": "Restores 4.1",
            "criteria": [{"id": "c", "condition": "Change me: the condition", "trips_on": ["login"]}],
        },
    )
    assert [path for path, _ in placeholder_problems(plan)] == [
        ("window", "escalation", 1),
        ("steps", 0, "probe", "headers", "X-Team"),
        ("rollback", "criteria", 0, "condition"),
        ("notices", "support_contact"),
    ]
    assert placeholder_problems(make_plan()) == []


def test_the_quick_look_only_skips_text_without_the_words():
    assert may_hold_placeholders('owner = "CHANGE ME: x"')
    assert not may_hold_placeholders('owner = "Sam"')
