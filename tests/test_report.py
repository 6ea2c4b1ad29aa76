"""The post-change report: snapshots per sample plan, escaping, determinism, and `relboard report`.

The expected reports live in tests/snapshots_report/<plan>.md and <plan>.html. After an intended
change to the report, rewrite them and review the diff:

    RELBOARD_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_report.py -q
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from relboard.domain.close_code import CloseCode
from relboard.domain.events import (
    CriterionMarked,
    Decision,
    DecisionRecorded,
    Handover,
    IssueOpened,
    IssueUpdated,
    NoteAdded,
    NoticeKind,
    NoticeSent,
    PlanLoaded,
    ProbeOutcome,
    ProbeRan,
    StepMarked,
    StepStarted,
    StepStatus,
)
from relboard.domain.plan import Phase, Plan
from relboard.domain.report import build_report
from relboard.domain.report_html import render_html
from relboard.domain.report_markdown import render_markdown
from relboard.domain.state import WindowState
from relboard.domain.text import clean, single_spaced
from relboard.store.journal import Journal
from relboard.store.plan_file import load_plan
from tests.conftest import ROOT, make_plan

SAMPLES = ROOT / "sample_plans"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots_report"
UPDATE = os.environ.get("RELBOARD_UPDATE_GOLDEN") == "1"

# One ending per sample plan, so the snapshots show every close code.
ENDINGS = {
    "platform-release": CloseCode.SUCCESSFUL,
    "connector-change": CloseCode.SUCCESSFUL_WITH_ISSUES,
    "api-scope-change": CloseCode.SUCCESSFUL_WITH_ISSUES,
    "module-update": CloseCode.UNSUCCESSFUL,
    "demo": CloseCode.ROLLED_BACK,
    "certificate-change": CloseCode.RESCHEDULED,
}


def scenario(plan: Plan, ending: CloseCode) -> list:
    """A window worked through at fixed times: steps spread over the window, then the ending's twist."""
    window = plan.window
    start, steps = window.start, plan.steps
    tech, validation, comms = window.technical_owner, window.validation_owner, window.communication_owner

    def at(fraction: float, minutes: int = 0):
        return start + (window.duration * fraction) + timedelta(minutes=minutes)

    events: list = [
        PlanLoaded(at=start - timedelta(hours=2), by=tech, plan_hash="0" * 64, step_ids=[s.id for s in steps]),
        NoticeSent(
            at=start - timedelta(hours=1),
            by=comms,
            notice=NoticeKind.BEFORE,
            delivered=True,
            channel="webhook",
            detail="HTTP 200",
        ),
    ]
    non_critical = [s for s in steps if not s.critical]
    twists: dict[str, tuple[StepStatus, str]] = {}
    if ending is CloseCode.SUCCESSFUL_WITH_ISSUES:
        twists[non_critical[0].id] = (StepStatus.SKIP, "Covered by the change advisory review")
        twists[non_critical[1].id] = (StepStatus.BLOCKED, "Test account locked; | pipes | and *stars* stay text")
        twists[non_critical[-1].id] = (StepStatus.PENDING, "")
    if ending is CloseCode.UNSUCCESSFUL:
        critical_validation = [s for s in steps if s.critical and s.phase is Phase.VALIDATE]
        twists[critical_validation[0].id] = (StepStatus.FAIL, "HTTP 500 from the tenant list <script>alert(1)</script>")
    if ending is CloseCode.ROLLED_BACK:
        twists["apply"] = (StepStatus.FAIL, "Migration 4.2-003 stopped at step 7: lock timeout")
    if ending is CloseCode.RESCHEDULED:
        twists = {s.id: (StepStatus.PENDING, "") for s in steps if s.phase is not Phase.PREPARE}

    for number, step in enumerate(steps, start=1):
        status, note = twists.get(step.id, (StepStatus.PASS, ""))
        if status is StepStatus.PENDING:
            continue
        if step.id == "apply":
            # Started a minute after the step before it passed: timed from the start, not from the wait.
            events.append(StepStarted(at=at(0.6 * (number - 1) / len(steps), 1), by=step.owner, step=step.id))
        events.append(
            StepMarked(at=at(0.6 * number / len(steps)), by=step.owner, step=step.id, status=status, note=note)
        )
        if step.probe is not None and step.probe.run is not None:
            events.append(
                ProbeRan(
                    at=at(0.6 * number / len(steps), 1),
                    by="probe",
                    step=step.id,
                    outcome=ProbeOutcome.PASS if status is StepStatus.PASS else ProbeOutcome.FAIL,
                    latency_ms=84.25,
                    reason="exit 0 in 84 ms" if status is StepStatus.PASS else "exit 1, expected exit 0",
                    command=" ".join(step.probe.run[:2]) + " ...",
                    exit_code=0 if status is StepStatus.PASS else 1,
                    output="ready\n",
                )
            )
        elif step.probe is not None:
            events.append(
                ProbeRan(
                    at=at(0.6 * number / len(steps), 1),
                    by="probe",
                    step=step.id,
                    outcome=ProbeOutcome.PASS if status is StepStatus.PASS else ProbeOutcome.FAIL,
                    status_code=200 if status is StepStatus.PASS else 503,
                    latency_ms=84.25,
                    reason="200 OK" if status is StepStatus.PASS else "expected 200, got 503",
                )
            )
    events.append(NoteAdded(at=at(0.1), by=validation, step=steps[0].id, note="Scope confirmed with the change board"))
    first_criterion = plan.rollback.criteria[0].id
    events += [
        IssueOpened(
            at=at(0.5),
            by=validation,
            issue="w-1",
            title="Dashboard tiles load slowly",
            impact="Operators wait a few seconds",
            workaround="Reload once",
            owner=tech,
        ),
        IssueUpdated(at=at(0.55), by=validation, issue="w-1", changed=["resolved"], resolved=True),
        CriterionMarked(
            at=at(0.3), by=tech, criterion=first_criterion, tripped=True, reason="Monitoring alert under review"
        ),
        CriterionMarked(
            at=at(0.35), by=tech, criterion=first_criterion, tripped=False, reason="False alarm: alert threshold"
        ),
    ]
    if ending is CloseCode.SUCCESSFUL_WITH_ISSUES:
        events.append(
            IssueOpened(
                at=at(0.62),
                by=validation,
                issue="w-2",
                title="Export file names changed",
                workaround="Rename in the archive job",
                owner="",
            )
        )
    final = {
        CloseCode.ROLLED_BACK: Decision.ROLLBACK,
        CloseCode.RESCHEDULED: Decision.RESCHEDULE,
    }.get(ending, Decision.CONTINUE)
    failed = {step_id for step_id, (status, _) in twists.items() if status is StepStatus.FAIL}
    tripped = [c.id for c in plan.rollback.criteria if failed & set(c.trips_on)] if final is Decision.ROLLBACK else []
    events.append(
        DecisionRecorded(
            at=at(0.65),
            by=tech,
            decision=final,
            rationale=f"Decided with the owners: {final.value}",
            tripped=tripped,
            technical_owner=tech,
            business_owner=window.business_owner,
            next_update="within 30 minutes",
        )
    )
    if final is not Decision.CONTINUE:
        events.append(
            NoticeSent(
                at=at(0.7), by=comms, notice=NoticeKind.DECISION, delivered=True, channel="webhook", detail="HTTP 200"
            )
        )
    # The successful window closes inside its time; the others overrun by ten minutes.
    closing = at(0.9) if ending is CloseCode.SUCCESSFUL else at(1.0, 10)
    events.append(
        NoticeSent(
            at=closing,
            by=comms,
            notice=NoticeKind.AFTER,
            delivered=ending is not CloseCode.UNSUCCESSFUL,
            channel="webhook",
            detail="HTTP 200" if ending is not CloseCode.UNSUCCESSFUL else "timed out after 4 attempts",
        )
    )
    return events


def sample_state(name: str) -> WindowState:
    plan = load_plan(SAMPLES / f"{name}.toml").plan
    return WindowState(plan, scenario(plan, ENDINGS[name]))


def check_golden(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"{path.name} is missing; create it with RELBOARD_UPDATE_GOLDEN=1 and review it"
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, f"{path.name} differs; if the change is intended, rewrite it with RELBOARD_UPDATE_GOLDEN=1"


def test_every_sample_plan_has_an_ending():
    assert sorted(ENDINGS) == sorted(p.stem for p in SAMPLES.glob("*.toml"))


@pytest.mark.parametrize("name", sorted(ENDINGS))
def test_markdown_report_matches_its_snapshot(name):
    state = sample_state(name)
    report = build_report(state)
    assert report.close.code is ENDINGS[name]
    text = render_markdown(report)
    assert f"- **Close code:** **{ENDINGS[name].value}**" in text
    check_golden(SNAPSHOTS / f"{name}.md", text)


@pytest.mark.parametrize("name", sorted(ENDINGS))
def test_html_report_matches_its_snapshot(name):
    text = render_html(build_report(sample_state(name)))
    check_golden(SNAPSHOTS / f"{name}.html", text)


def test_the_same_state_gives_the_same_bytes():
    for render in (render_markdown, render_html):
        first = render(build_report(sample_state("demo")))
        second = render(build_report(sample_state("demo")))
        assert first.encode() == second.encode()


def test_a_report_holds_what_the_ticket_needs():
    text = render_markdown(build_report(sample_state("demo")))
    for heading in (
        "Close code",
        "Window",
        "Checklist",
        "Rollback criteria",
        "Probe results",
        "Known issues",
        "Decisions",
        "Notices sent",
        "Appendix: timeline",
    ):
        assert f"\n## {heading}\n" in text
    assert "- **Change reference:** CHG-1042" in text
    # Neither loading the plan nor the before notice an hour ahead starts the actual window.
    assert "| Start | 2026-12-05 22:00:00 CET | 2026-12-05 22:05:24 CET \\(first event\\) |" in text
    assert "| Overrun |  | 0:10:00 past the planned end |" in text
    assert (
        "- **fail** (critical) Apply platform 4.2.0 and run database migration 4.2-003 \\(apply\\),"
        " owner Sam Lindqvist:"
        " Migration 4.2-003 stopped at step 7: lock timeout \\[Sam Lindqvist, 2026-12-05 22:48:36 CET\\]"
    ) in text
    assert (
        "| The v1 audit export endpoint is removed in 4.2 | plan | open "
        "| Scripts still calling /v1/audit/export get 404"
        " | Use /v2/audit/export with the same parameters | Jonas Weber |" in text
    )
    assert "| window start |  | Window starts \\(planned 3h\\) |" in text


def test_decisions_are_labelled_by_what_was_decided_and_credit_who_decided():
    plan = make_plan()
    start = plan.window.start
    state = WindowState(
        plan,
        [
            DecisionRecorded(
                at=start + timedelta(minutes=30),
                by="Sam Platform",
                decision=Decision.PAUSE,
                rationale="Migration slow",
                technical_owner="Sam Platform",
                business_owner="Rio Product",
            ),
            DecisionRecorded(
                at=start + timedelta(minutes=50), by="Rio Product", decision=Decision.CONTINUE, rationale="ok"
            ),
        ],
    )
    text = render_markdown(build_report(state))
    assert "- **Decision owners:** Sam Platform, Rio Product" in text
    assert "- **Pause decided by:** Sam Platform \\(2026-12-05 22:30:00 UTC\\+01:00\\)" in text
    assert "- **Continue decided by:** Rio Product \\(2026-12-05 22:50:00 UTC\\+01:00\\)" in text
    assert "Rollback decided by" not in text
    assert "22:30:00 UTC\\+01:00 | pause | Migration slow | Sam Platform, Rio Product | Sam Platform |" in text


def test_html_is_self_contained_and_prints():
    text = render_html(build_report(sample_state("demo")))
    assert text.startswith("<!DOCTYPE html>")
    assert "@media print" in text
    assert "thead { display: table-header-group; }" in text
    for external in ("<script", "<link", "<img", "src=", "href=", "@import", "url("):
        assert external not in text


# --- escaping --------------------------------------------------------------------------------------


def naughty_state(strings: list[str]) -> WindowState:
    """Naughty strings as step notes, extra notes, issue titles and workarounds, and rationale."""
    plan = make_plan()
    start = plan.window.start
    steps = [s.id for s in plan.steps]
    statuses = (StepStatus.FAIL, StepStatus.BLOCKED, StepStatus.SKIP)
    events = []
    for i, text in enumerate(strings):
        moment = start + timedelta(seconds=10 * i)
        step = steps[i % len(steps)]
        events += [
            StepMarked(at=moment, by="Lee QA", step=step, status=statuses[i % 3], note=text),
            NoteAdded(at=moment, by="Lee QA", step=step, note=text),
            IssueOpened(at=moment, by="Lee QA", issue=f"w-{i}", title=text, workaround=text, owner="Rio Product"),
            DecisionRecorded(at=moment, by="Sam Platform", decision=Decision.CONTINUE, rationale=text),
        ]
    return WindowState(plan, events)


def test_every_timeline_cell_is_single_spaced_as_its_table_promises(naughty_strings):
    # The Markdown table does not check the timeline's hundred thousand cells: each must be as
    # single_spaced leaves it, whatever the events held, empty texts between the description's words too.
    blank = ["", " ", "  two  spaces ", "\ttab\t", "line\nbreak", " \u2028 "]
    state = naughty_state([*naughty_strings, *blank])
    moment = state.plan.window.start
    for text in blank:
        for event in (
            Handover(at=moment, by=text, outgoing=text, incoming=text),
            CriterionMarked(at=moment, by=text, criterion=text, tripped=True, reason=text),
            IssueOpened(at=moment, by=text, issue=text, title=text, workaround=text, owner=text),
            IssueUpdated(at=moment, by=text, issue=text, changed=["title"], title=text),
            NoticeSent(at=moment, by=text, notice=NoticeKind.AFTER, delivered=False, channel=text, action=text),
            StepMarked(at=moment, by=text, step=text, status=StepStatus.FAIL, note=text, undoes=text),
            StepMarked(at=moment, by=text, step=text, status=StepStatus.FAIL, note=text, waited_on=[text, text]),
            StepStarted(at=moment, by=text, step=text, note=text, waited_on=[text]),
            NoteAdded(at=moment, by=text, step=text, note=text),
        ):
            state.apply(event)
    for utc in (False, True):
        rows = build_report(state, utc=utc).timeline
        assert len(rows) > len(state.events)
        assert all(single_spaced(cell) == cell for row in rows for cell in row)


def _md_structure(text: str) -> list[tuple]:
    shape = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type == "inline":
            shape.append(
                ("inline", tuple(c.type for c in token.children or [] if c.type not in ("text", "text_special")))
            )
        else:
            shape.append((token.type, token.tag, token.nesting))
    return shape


def _md_text(text: str) -> str:
    parts = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type == "inline":
            parts.append(
                "".join(c.content for c in token.children or [] if c.type in ("text", "text_special", "code_inline"))
            )
    return "\n".join(parts)


def _one_line(text: str) -> str:
    return " ".join(clean(text, single_line=True).split())


def test_markdown_escapes_every_naughty_string(naughty_strings):
    # The same report with plain words in place of each string must have the very same structure:
    # no naughty string adds a link, heading, list, emphasis, raw HTML or table cell.
    plain = ["plain words" if _one_line(s) else s for s in naughty_strings]
    naughty_md = render_markdown(build_report(naughty_state(naughty_strings)))
    plain_md = render_markdown(build_report(naughty_state(plain)))
    structure = _md_structure(naughty_md)
    assert structure == _md_structure(plain_md)
    kinds = {item[0] for item in structure} | {child for item in structure if item[0] == "inline" for child in item[1]}
    assert not kinds & {
        "link_open",
        "image",
        "html_inline",
        "html_block",
        "code_block",
        "fence",
        "hr",
        "blockquote_open",
        "ordered_list_open",
    }
    rendered = _md_text(naughty_md)
    missing = [s for s in naughty_strings if _one_line(s) not in rendered]
    assert missing == []


def test_markdown_neutralises_marks_at_the_start_of_a_line():
    from relboard.domain.report_markdown import md

    assert md("# Heading") == "\\# Heading"
    assert md("- item") == "\\- item"
    assert md("1. first") == "1\\. first"
    assert md("[x](javascript:alert(1))") == "\\[x\\]\\(javascript:alert\\(1\\)\\)"
    assert md("a | b\nc") == "a \\| b c"
    assert md("<b>&amp;</b>") == "\\<b\\>\\&amp;\\</b\\>"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, tuple(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.tags.append(("<!--", ()))

    def handle_pi(self, data):
        self.tags.append(("<?", ()))

    def unknown_decl(self, data):
        self.tags.append(("<!", ()))


def _parse_html(text: str) -> _Collector:
    collector = _Collector()
    collector.feed(text)
    collector.close()
    return collector


ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "section",
    "h1",
    "h2",
    "h3",
    "p",
    "span",
    "ul",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"lang", "charset", "name", "content", "class"}


def test_html_escapes_every_naughty_string(naughty_strings):
    plain = ["plain words" if clean(s).strip() else s for s in naughty_strings]
    naughty = _parse_html(render_html(build_report(naughty_state(naughty_strings))))
    assert naughty.tags == _parse_html(render_html(build_report(naughty_state(plain)))).tags
    assert {tag for tag, _ in naughty.tags} <= ALLOWED_TAGS
    assert {name for _, attrs in naughty.tags for name, _ in attrs} <= ALLOWED_ATTRIBUTES
    text = "".join(naughty.text)
    # Cells keep a note's own line breaks; the timeline shows each note on one line.
    missing = [s for s in naughty_strings if clean(s) not in text or _one_line(s) not in text]
    assert missing == []


# --- the command -----------------------------------------------------------------------------------


def relboard(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "relboard", *args], capture_output=True, cwd=ROOT, timeout=60)


@pytest.fixture
def demo_window(tmp_path) -> tuple[Path, Path]:
    plan_path = tmp_path / "demo.toml"
    plan_path.write_bytes((SAMPLES / "demo.toml").read_bytes())
    state_path = tmp_path / "tonight.state.toml"
    journal = Journal(state_path)
    journal.load()
    for event in scenario(load_plan(plan_path).plan, CloseCode.ROLLED_BACK):
        journal.append(event)
    return plan_path, state_path


def test_report_prints_markdown_by_default(demo_window):
    plan_path, state_path = demo_window
    result = relboard("report", str(plan_path), "--state", str(state_path))
    assert result.returncode == 0, result.stderr.decode()
    expected = (SNAPSHOTS / "demo.md").read_bytes()
    # The state written through the journal reads back to the same report as the snapshot's.
    assert result.stdout == expected


def test_report_writes_html_and_may_replace_it(demo_window, tmp_path):
    plan_path, state_path = demo_window
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    target.write_text("an older report")
    result = relboard("report", str(plan_path), "--state", str(state_path), "--format", "html", "--out", str(target))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b""
    assert f"wrote {target}" in result.stderr.decode()
    assert target.read_bytes() == (SNAPSHOTS / "demo.html").read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]


def test_report_without_a_state_is_a_plan_with_nothing_recorded(tmp_path):
    plan_path = tmp_path / "demo.toml"
    plan_path.write_bytes((SAMPLES / "demo.toml").read_bytes())
    result = relboard("report", str(plan_path), "--state", str(tmp_path / "none.state.toml"))
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode()
    assert "- **Close code:** **unsuccessful**" in text
    assert "| Start | 2026-12-05 22:00:00 CET | no activity recorded |" in text


def test_report_usage_errors_exit_2(demo_window, tmp_path):
    plan_path, state_path = demo_window
    bad_format = relboard("report", str(plan_path), "--state", str(state_path), "--format", "pdf")
    assert bad_format.returncode == 2
    assert "invalid choice: 'pdf'" in bad_format.stderr.decode()
    missing_plan = relboard("report", str(tmp_path / "missing.toml"))
    assert missing_plan.returncode == 2
    to_folder = relboard("report", str(plan_path), "--state", str(state_path), "--out", str(tmp_path))
    assert to_folder.returncode == 2
    assert "is a folder" in to_folder.stderr.decode()
    for result in (bad_format, missing_plan, to_folder):
        assert b"Traceback" not in result.stderr
