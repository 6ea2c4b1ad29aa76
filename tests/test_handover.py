"""The handover summary the incoming engineer reads (the same text on the board and from the command)."""

from __future__ import annotations

from relboard.domain.events import (
    CriterionMarked,
    Decision,
    DecisionRecorded,
    IssueOpened,
    StepStatus,
)
from relboard.domain.handover import handover_event, handover_summary
from relboard.domain.step_events import mark_event
from relboard.domain.timeline import timeline
from tests.test_forecast import SEQUENTIAL, passed, started, t, window_of


def test_the_summary_tells_what_runs_what_is_next_and_what_is_wrong():
    state = window_of(*SEQUENTIAL)
    passed(state, "scope", t(22, 10))
    started(state, "apply", t(22, 10))
    state.apply(IssueOpened(at=t(22, 15), by="lee", issue="w-1", title="Slow \x1b[31mexports", owner=""))
    state.apply(CriterionMarked(at=t(22, 16), by="sam", criterion="c", tripped=True, reason="Alert under review"))
    state.apply(DecisionRecorded(at=t(22, 17), by="sam", decision=Decision.CONTINUE, rationale="Watch it"))
    text = handover_summary(state, t(22, 55), "lee", "sam")
    lines = text.splitlines()
    assert lines[1] == "From lee to sam at 22:55 UTC+01:00"
    # apply runs past its 30 minutes but not yet past twice that: what is left of it counts as nothing.
    assert lines[3] == (
        "Forecast: on track · validated by 23:15 (0:15:00 before the rollback deadline)"
        " · finish 23:25 (0:35:00 before the window end) · pace 1.00"
    )
    assert "Done: 1 of 4 steps (prepare 1/1, apply 0/1, validate 0/1, communicate 0/1)" in lines
    assert "  last: scope pass at 22:10 UTC+01:00 by sam" in lines
    assert (
        "  - apply: Do apply (Sam), started 22:10 UTC+01:00 by sam, 0:45:00 elapsed of 30m expected"
        " (over its expected time)" in lines
    )
    assert "Next ready: none" in lines
    assert "  - Slow exports (owner: NO FOLLOW-UP OWNER)" in lines
    assert "  - c: Anything fails (marked tripped by sam: Alert under review)" in lines
    assert "  - 22:17 UTC+01:00 continue by sam: Watch it" in lines
    assert "\x1b" not in text


def test_the_next_ready_steps_are_listed_with_their_expectations():
    state = window_of(*SEQUENTIAL)
    passed(state, "scope", t(22, 10))
    state.apply(mark_event(state, "apply", StepStatus.FAIL, at=t(22, 40), by="sam", note="Migration stopped"))
    lines = handover_summary(state, t(22, 45), "lee", "sam").splitlines()
    assert "In progress: none" in lines
    assert "  - apply: Do apply (Sam, about 30m)" in lines
    assert "Failed or blocked:" in lines
    assert "  - apply fail: Do apply — Migration stopped" in lines


def test_the_handover_event_carries_the_summary_and_shows_in_the_timeline():
    state = window_of(*SEQUENTIAL)
    assert state.handovers == []
    event = handover_event(state, t(23, 0), "lee", "sam")
    assert (event.by, event.outgoing, event.incoming, event.at) == ("lee", "lee", "sam", t(23, 0))
    assert event.summary == handover_summary(state, t(23, 0), "lee", "sam")
    state.apply(event)
    assert state.handovers[-1].incoming == "sam"
    texts = [entry.text for entry in timeline(state) if entry.kind == "handover"]
    assert texts == ["Handover: lee handed the window to sam"]
