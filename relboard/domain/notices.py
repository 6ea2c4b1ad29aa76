"""The seed's communication checklist as text: before the window, on a decision, after the window.

Notices are factual and short, drafted from the plan and the live state; every plan or event string
goes through `clean` so a notice never carries terminal control into a chat channel or a terminal.
"""

from __future__ import annotations

from datetime import UTC, datetime

from relboard.domain import progress
from relboard.domain.durations import format_duration
from relboard.domain.events import Decision, DecisionRecorded, NoticeKind, StepStatus
from relboard.domain.forecast_text import decision_forecast_line
from relboard.domain.notice_moment import AfterResult, Result, after_result
from relboard.domain.plan import AffectedUsers, Category, Phase, Plan
from relboard.domain.state import WindowState
from relboard.domain.text import clean


def _c(text: str) -> str:
    return clean(text, single_line=True).strip()


def _sentence(text: str) -> str:
    return text if not text or text[-1] in ".!?" else text + "."


def _when(moment: datetime, plan: Plan) -> str:
    """'2026-12-05 22:00 CET (21:00 UTC)': the window's zone first, UTC for everyone else."""
    local = moment.astimezone(plan.window.zone)
    utc = moment.astimezone(UTC)
    utc_text = f"{utc:%H:%M} UTC" if utc.date() == local.date() else f"{utc:%Y-%m-%d %H:%M} UTC"
    zone_name = local.tzname() or ""
    return f"{local:%Y-%m-%d %H:%M} {zone_name}".rstrip() + f" ({utc_text})"


def _clock_time(moment: datetime, plan: Plan) -> str:
    local = moment.astimezone(plan.window.zone)
    return f"{local:%H:%M} {local.tzname() or ''}".rstrip()


def _join(items: list[str]) -> str:
    return ", ".join(items)


def _header(plan: Plan, label: str) -> str:
    release = plan.release
    ref = f" ({_c(release.change_ref)})" if release.change_ref.strip() else ""
    return f"{label}: {_c(release.title)}{ref}"


def _support_lines(plan: Plan) -> list[str]:
    window = plan.window
    contact = _c(plan.notices.support_contact)
    owner = _c(window.communication_owner)
    support = f"{contact}; communication: {owner}" if contact else f"communication owner {owner}"
    lines = [f"Support during the window: {support}"]
    if window.escalation:
        lines.append("Escalation: " + " -> ".join(_c(e) for e in window.escalation))
    return lines


def _access_line(group: AffectedUsers) -> str:
    access = "access may be interrupted" if group.access_interrupted else "access not interrupted"
    return f"- {_c(group.group)}: {access}. {_sentence(_c(group.impact))}"


def touches_integrations(plan: Plan) -> bool:
    """Connector changes, and any plan whose affected users name integrations, notify their owners."""
    if plan.release.category is Category.CONNECTOR_CHANGE:
        return True
    words = ("integration", "connector")
    return any(w in f"{g.group} {g.impact}".lower() for g in plan.affected_users for w in words)


def _group_named(plan: Plan, *words: str) -> AffectedUsers | None:
    for group in plan.affected_users:
        if any(w in group.group.lower() for w in words):
            return group
    return None


def _integration_lines(plan: Plan, result: str | None) -> list[str]:
    source = _group_named(plan, "source")
    jobs = _group_named(plan, "job", "schedul")
    source_name = _c(source.group) if source else "the source-system owner"
    jobs_name = _c(jobs.group) if jobs else "the team that owns scheduled jobs"
    if result is None or result == Result.NOT_STARTED:
        source_text = "expect changed calls from this environment during the window; hold source-side changes"
        jobs_text = "hold the scheduled jobs that feed or read this environment until the after-window notice"
    elif result == Result.IN_PROGRESS:
        source_text = (
            "the change is in progress; expect changed calls from this environment until the after-window notice"
        )
        jobs_text = "keep the held jobs on hold until the after-window notice"
    elif result in (Result.COMPLETE, Result.WITH_ISSUES):
        source_text = "the change is in place; report unexpected calls or errors to support"
        jobs_text = "release the held jobs; the next scheduled runs go ahead"
    else:
        source_text = f"the change is {result}; nothing new to expect from this environment"
        jobs_text = "keep held jobs on hold until the next update, unless support says otherwise"
    if jobs is not None and jobs.workflows_to_wait:
        jobs_text += f" ({_join([_c(w) for w in jobs.workflows_to_wait])})"
    return [f"For {source_name}: {source_text}", f"For {jobs_name}: {jobs_text}"]


def draft_before(plan: Plan) -> str:
    window = plan.window
    release = plan.release
    lines = [
        _header(plan, "Maintenance notice"),
        f"Environment: {_c(release.environment)} ({_c(release.deployment_model)}). {_c(release.scope)}",
        f"Window starts: {_when(window.start, plan)}",
        f"Expected duration: {format_duration(window.duration)}, until {_when(window.end, plan)}",
        "User access:",
        *(_access_line(g) for g in plan.affected_users),
    ]
    waiting = [g for g in plan.affected_users if g.workflows_to_wait]
    if waiting:
        lines.append("Workflows that should wait:")
        lines += [f"- {_c(g.group)}: {_join([_c(w) for w in g.workflows_to_wait])}" for g in waiting]
    else:
        lines.append("Workflows that should wait: none")
    if touches_integrations(plan):
        lines += _integration_lines(plan, None)
    lines += _support_lines(plan)
    return "\n".join(lines)


def _result_line(plan: Plan, found: AfterResult) -> str:
    text = f"Environment: {_c(plan.release.environment)}. Result: {found.result}"
    if found.result == Result.NOT_STARTED:
        return text + f"; the window starts {_when(plan.window.start, plan)}."
    if not found.final and found.unfinished_text():
        return text + f"; {found.unfinished_text()}."
    return text + "."


def _validation_line(state: WindowState) -> str:
    validate = [p for p in progress.by_phase(state) if p.label == Phase.VALIDATE.value]
    counts = validate[0] if validate else progress.overall(state)
    return (
        f"Validation: {counts.passed} of {counts.total} passed, {counts.failed} failed, "
        f"{counts.skipped} skipped, {counts.blocked} blocked, {counts.pending} not run"
    )


def draft_after(state: WindowState, now: datetime | None = None) -> str:
    """The after-window notice as it reads at `now`; None drafts it as the window's final word."""
    plan = state.plan
    found = after_result(state, now)
    result = found.result
    lines = [
        _header(plan, "Maintenance result"),
        _result_line(plan, found),
        _validation_line(state),
    ]
    failed_critical = [
        f"{_c(s.title)} ({s.id})" for s in plan.steps if s.critical and state.steps[s.id].status is StepStatus.FAIL
    ]
    if failed_critical:
        lines.append("Failed critical steps: " + "; ".join(failed_critical))
    issues = state.open_issues
    if issues:
        lines.append("Known issues:")
        for issue in issues:
            workaround = _c(issue.workaround) or "none yet"
            owner = _c(issue.owner) or "not named yet"
            lines.append(f"- {_c(issue.title)}. Workaround: {workaround}. Follow-up owner: {owner}")
    else:
        lines.append("Known issues: none")
    if touches_integrations(plan):
        lines += _integration_lines(plan, result)
    contact = _c(plan.notices.support_contact)
    owner = _c(plan.window.communication_owner)
    lines.append(f"Questions: {contact}; communication: {owner}" if contact else f"Questions: {owner}")
    return "\n".join(lines)


def decision_owner_words(decision: DecisionRecorded) -> str:
    """'Sam Lindqvist (technical owner), Rio Fernandes (business owner)': the owners a decision names."""
    owners = [
        f"{_c(name)} ({role} owner)"
        for name, role in ((decision.technical_owner, "technical"), (decision.business_owner, "business"))
        if _c(name)
    ]
    return _join(owners)


_EXPECT = {
    Decision.CONTINUE: "The window continues as planned; expect the after-window notice by {end}.",
    Decision.PAUSE: "The change is on hold; the environment stays as it is now until the next update.",
    Decision.ROLLBACK: "{impact} The rollback takes about {rollback_time}.",
    Decision.RESCHEDULE: "The change is not made in this window; a new date follows. {impact}",
}


def draft_decision(state: WindowState, decision: DecisionRecorded | None = None) -> str:
    """Raises ValueError when no decision was recorded."""
    plan = state.plan
    decision = decision or state.last_decision
    if decision is None:
        raise ValueError("no decision has been recorded in this window yet")
    # Who decided is the event's `by`, exactly; the owners named on the form are owners, not deciders.
    decided_by = f" by {_c(decision.by)}" if _c(decision.by) else ""
    owners = decision_owner_words(decision)
    why = _c(decision.rationale) or "no reason recorded"
    tripped = [c for c in plan.rollback.criteria if c.id in decision.tripped]
    if tripped:
        why += " (criteria met: " + "; ".join(_c(c.condition) for c in tripped) + ")"
    impact = _sentence(_c(decision.impact_statement) or _c(plan.rollback.impact_statement))
    expect = _EXPECT[decision.decision].format(
        end=_clock_time(plan.window.end, plan),
        impact=impact,
        rollback_time=format_duration(plan.window.rollback_time),
    )
    next_update = _c(decision.next_update) or f"by {_when(plan.window.end, plan)}"
    lines = [
        _header(plan, "Maintenance decision"),
        f"Environment: {_c(plan.release.environment)}",
        f"Decided: {decision.decision.value} at {_when(decision.at, plan)}{decided_by}",
        *([f"Owners: {owners}"] if owners else []),
        f"Why: {why}",
        *filter(None, [decision_forecast_line(state, decision, plan.window.zone)]),
        f"What to expect: {expect.strip()}",
        f"Next update: {next_update}",
        *_support_lines(plan),
    ]
    return "\n".join(lines)


def draft(kind: NoticeKind, state: WindowState, now: datetime | None = None) -> str:
    """The notice of `kind`; `now` is the moment the after notice is drafted at (None: after the window)."""
    if kind is NoticeKind.BEFORE:
        return draft_before(state.plan)
    if kind is NoticeKind.AFTER:
        return draft_after(state, now)
    if kind is NoticeKind.PAGE:
        from relboard.domain.pager import page_summary

        return page_summary(state)
    return draft_decision(state)
