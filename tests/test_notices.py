"""Notice drafts for every sample plan, in each moment, against the seed's communication checklist."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from relboard.domain.durations import format_duration
from relboard.domain.events import (
    Decision,
    DecisionRecorded,
    IssueOpened,
    StepMarked,
    StepStatus,
)
from relboard.domain.notices import draft_after, draft_before, draft_decision, touches_integrations
from relboard.domain.plan import Category, Plan
from relboard.domain.state import WindowState
from relboard.store.plan_file import load_plan
from tests.conftest import ROOT, make_plan

SAMPLES = sorted((ROOT / "sample_plans").glob("*.toml"))


@pytest.fixture(params=SAMPLES, ids=lambda p: p.stem)
def sample(request) -> Plan:
    return load_plan(request.param).plan


def line_with(text: str, needle: str) -> str:
    lines = [line for line in text.splitlines() if needle in line]
    assert lines, f"no line with {needle!r} in:\n{text}"
    return lines[0]


def marked(plan: Plan, status_of=lambda step: StepStatus.PASS) -> list[StepMarked]:
    at = plan.window.start + timedelta(minutes=5)
    return [
        StepMarked(at=at + timedelta(seconds=n), by="Lee QA", step=step.id, status=status_of(step))
        for n, step in enumerate(plan.steps)
    ]


def test_every_sample_plan_is_checked():
    assert {p.stem for p in SAMPLES} >= {"demo", "connector-change", "platform-release", "module-update"}


def test_before_tells_what_when_how_long_who(sample):
    text = draft_before(sample)
    window = sample.window
    local = window.start.astimezone(window.zone)
    utc = window.start.astimezone(UTC)
    start_line = line_with(text, "Window starts:")
    assert f"{local:%Y-%m-%d %H:%M} {local.tzname()}" in start_line
    assert f"{utc:%H:%M} UTC" in start_line
    assert sample.release.environment in line_with(text, "Environment:")
    assert format_duration(window.duration) in line_with(text, "Expected duration:")
    for group in sample.affected_users:
        line = line_with(text, f"- {group.group}: access")
        expected = "access may be interrupted" if group.access_interrupted else "access not interrupted"
        assert expected in line
        if group.workflows_to_wait:
            waiting = line_with(text.split("Workflows that should wait:")[1], f"- {group.group}: ")
            assert all(workflow in waiting for workflow in group.workflows_to_wait)
    support = line_with(text, "Support during the window:")
    assert sample.notices.support_contact in support
    assert window.communication_owner in support
    escalation = line_with(text, "Escalation:")
    assert all(step in escalation for step in window.escalation)
    assert len(text.splitlines()) <= 30  # short enough to read in a chat window


def test_after_a_clean_window_says_complete_with_counts_and_known_issues(sample):
    state = WindowState(sample, marked(sample))
    text = draft_after(state)
    validate = [s for s in sample.steps if s.phase.value == "validate"]
    assert "Result: complete." in text
    assert f"Validation: {len(validate)} of {len(validate)} passed, 0 failed, 0 skipped, 0 blocked" in text
    for known in sample.known_issues:
        line = line_with(text, known.title)
        assert f"Workaround: {known.workaround or 'none yet'}" in line
        assert f"Follow-up owner: {known.owner or 'not named yet'}" in line
    assert sample.notices.support_contact in line_with(text, "Questions:")


def test_after_a_failed_critical_step_names_it(sample):
    critical = [s for s in sample.steps if s.critical and s.phase.value == "validate"]
    if not critical:
        pytest.fail(f"{sample.release.title}: a sample plan without a critical validation step")
    broken = critical[0]
    state = WindowState(sample, marked(sample, lambda s: StepStatus.FAIL if s.id == broken.id else StepStatus.PASS))
    text = draft_after(state)
    assert "Result: failed." in text
    assert ", 1 failed," in line_with(text, "Validation:")
    assert f"{broken.title} ({broken.id})" in line_with(text, "Failed critical steps:")


def test_after_a_rollback_says_rolled_back(sample):
    decision = DecisionRecorded(
        at=sample.window.start + timedelta(hours=1), decision=Decision.ROLLBACK, rationale="login fails"
    )
    text = draft_after(WindowState(sample, [*marked(sample), decision]))
    assert "Result: rolled back." in text


def test_integration_owners_hear_about_connector_and_integration_changes(sample):
    after = draft_after(WindowState(sample, marked(sample)))
    before = draft_before(sample)
    if sample.release.category is Category.CONNECTOR_CHANGE or any(
        "integration" in g.group.lower() for g in sample.affected_users
    ):
        assert touches_integrations(sample)
        for text in (before, after):
            for_lines = [line.lower() for line in text.splitlines() if line.startswith("For ")]
            assert len(for_lines) == 2, text
            assert "source-system owner" in for_lines[0]
            assert "scheduled jobs" in for_lines[1]
    else:
        assert "source-system owner" not in after.lower()


def test_connector_change_names_the_erp_owner_and_the_jobs_team():
    plan = load_plan(ROOT / "sample_plans" / "connector-change.toml").plan
    text = draft_after(WindowState(plan, marked(plan)))
    source = line_with(text, "For Source-system owner (ERP team):")
    jobs = line_with(text, "For Scheduled jobs team:")
    assert "change is in place" in source
    assert "release the held jobs" in jobs
    assert "07:00 asset import" in jobs


def test_a_plan_without_integrations_has_no_integration_lines():
    plan = make_plan(
        affected_users=[{"group": "Operators", "impact": "Console down 20 minutes", "access_interrupted": True}]
    )
    assert not touches_integrations(plan)
    assert "source-system" not in draft_before(plan).lower()
    assert "scheduled jobs" not in draft_after(WindowState(plan)).lower()


def test_decision_says_what_why_what_to_expect_and_next_update(sample):
    criterion = sample.rollback.criteria[0]
    decision = DecisionRecorded(
        at=sample.window.start + timedelta(minutes=50),
        by="Sam",
        decision=Decision.ROLLBACK,
        rationale="Login fails for tenant north",
        tripped=[criterion.id],
        technical_owner=sample.window.technical_owner,
        business_owner=sample.window.business_owner,
        next_update="23:30 in #release-support",
    )
    text = draft_decision(WindowState(sample, [decision]))
    decided = line_with(text, "Decided: rollback at ")
    # Only Sam decided: the owners are named as owners, never as deciders.
    assert decided.endswith(" by Sam")
    assert sample.window.business_owner not in decided
    assert line_with(text, "Owners:") == (
        f"Owners: {sample.window.technical_owner} (technical owner), {sample.window.business_owner} (business owner)"
    )
    assert "UTC" in decided
    why = line_with(text, "Why:")
    assert "Login fails for tenant north" in why
    assert criterion.condition in why
    assert sample.rollback.impact_statement in line_with(text, "What to expect:")
    assert line_with(text, "Next update:") == "Next update: 23:30 in #release-support"
    assert sample.notices.support_contact in text


@pytest.mark.parametrize(
    ("decision", "expect"),
    [
        (Decision.PAUSE, "The change is on hold"),
        (Decision.RESCHEDULE, "The change is not made in this window"),
        (Decision.CONTINUE, "The window continues as planned"),
    ],
)
def test_each_decision_tells_users_what_to_expect(plan, decision, expect):
    event = DecisionRecorded(at=plan.window.start, decision=decision, rationale="backup not verified")
    text = draft_decision(WindowState(plan, [event]))
    assert expect in line_with(text, "What to expect:")
    assert "Next update: by " in text  # defaults to the window's end


def test_the_decision_notice_names_exactly_who_decided(plan):
    only_sam = DecisionRecorded(
        at=plan.window.start, by="Sam Lindqvist", decision=Decision.PAUSE, rationale="slow migration"
    )
    text = draft_decision(WindowState(plan, [only_sam]))
    assert line_with(text, "Decided:").endswith(" by Sam Lindqvist")
    assert "Rio" not in text
    assert "Owners:" not in text
    nobody = DecisionRecorded(at=plan.window.start, decision=Decision.PAUSE, rationale="slow migration")
    decided = line_with(draft_decision(WindowState(plan, [nobody])), "Decided:")
    # Who decided was not recorded: the plan's owners are not credited in their place.
    assert " by " not in decided
    assert plan.window.technical_owner not in decided


def test_no_decision_no_decision_notice(plan):
    with pytest.raises(ValueError, match="no decision"):
        draft_decision(WindowState(plan))


def test_hostile_text_in_state_never_reaches_a_notice(plan, naughty_strings):
    events = [
        IssueOpened(at=plan.window.start, issue=f"i{n}", title=s or "empty", workaround=s, owner=s)
        for n, s in enumerate(naughty_strings[:200])
    ]
    events.append(
        IssueOpened(
            at=plan.window.start, issue="esc", title="\x1b]52;c;Zm9v\x07copy \x1b[31mred\x9b2J", owner="ops\r\x07"
        )
    )
    text = draft_after(WindowState(plan, events))
    assert not any(ch in text for ch in ("\x1b", "\x07", "\x9b", "\r"))
    assert "copy red" in text


def test_a_window_zone_other_than_the_offset_is_used():
    plan = make_plan(window={"timezone": "America/New_York"})
    line = line_with(draft_before(plan), "Window starts:")
    # 22:00+01:00 is 21:00 UTC, 16:00 in New York (EST).
    assert line == "Window starts: 2026-12-05 16:00 EST (21:00 UTC)"


def _timed_window():
    from tests.test_forecast import SEQUENTIAL, window_of

    return window_of(*SEQUENTIAL)


def test_a_decision_taken_on_a_forecast_to_miss_the_deadline_says_so():
    from tests.test_forecast import passed, t

    state = _timed_window()
    passed(state, "scope", t(22, 20))  # twice as slow as planned
    state.apply(
        DecisionRecorded(at=t(22, 20), by="sam", decision=Decision.PAUSE, rationale="Too slow to validate in time")
    )
    text = draft_decision(state)
    assert (
        "Forecast at the time: validation done by 00:00, 0:30:00 after the rollback deadline (23:30);"
        " the window would end 0:20:00 late (pace 2.00)" in text.splitlines()
    )


def test_a_decision_the_forecast_did_not_drive_does_not_mention_it():
    from tests.test_forecast import passed, t

    state = _timed_window()
    passed(state, "scope", t(22, 10))  # on plan
    state.apply(DecisionRecorded(at=t(22, 11), by="sam", decision=Decision.PAUSE, rationale="Vendor asked to wait"))
    assert "Forecast" not in draft_decision(state)
    late = _timed_window()
    passed(late, "scope", t(22, 20))
    late.apply(DecisionRecorded(at=t(22, 21), by="sam", decision=Decision.CONTINUE, rationale="Go on"))
    assert "Forecast" not in draft_decision(late)
