"""Plan text, notes and form input are data: markup shows literally and does nothing, control codes go."""

from __future__ import annotations

import copy
from pathlib import Path

import tomli_w
from board_helpers import WIDE, events_of, make_app, minimal_data, screen_text, wait_until

from relboard.domain.events import StepStatus
from relboard.domain.intents import AddNote, IssueFields, MarkStep, OpenIssue
from relboard.ui.rowlist import RowList
from relboard.ui.screens.details import StepDetails
from relboard.window.session import WindowSession

HOSTILE = ["[/]", "[TODO] check", "[@click=app.quit]x[/]", "[link=file:///etc/passwd]x[/link]"]


def write_plan(path: Path, data: dict) -> Path:
    path.write_bytes(tomli_w.dumps(data).encode("utf-8"))
    return path


def hostile_plan(tmp_path: Path) -> Path:
    data = copy.deepcopy(minimal_data())
    for step, text in zip(data["steps"], HOSTILE, strict=False):
        step["title"] = text
    data["steps"][0]["owner"] = "\x1b[31mred owner\x1b[0m\x07"
    data["steps"][1]["details"] = "\x1b]8;;http://evil\x1b\\click me\x1b]8;;\x1b\\ [b]not bold[/b]"
    data["release"]["title"] = "[bold red]Release[/] \x1b[2J"
    data["known_issues"][0]["title"] = "[@click=app.quit]quit[/]"
    data["troubleshooting"][0]["symptom"] = "[link=file:///etc/passwd]missing access[/link]"
    data["rollback"]["impact_statement"] = "[/] sessions [reverse]dropped"
    return write_plan(tmp_path / "hostile.toml", data)


async def test_markup_in_plan_and_input_renders_literally_and_does_nothing(tmp_path, own_config):
    session = WindowSession.open(hostile_plan(tmp_path), tmp_path / "hostile.state.toml")
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.record(AddNote("confirm-scope", "[@click=app.quit]note[/] \x1b[1mbold\x1b[0m"))
        app.record(
            OpenIssue(
                IssueFields(
                    title="[TODO] [/]", impact="[b]x", workaround="[link=x]y[/link]", owner="[@click=app.bell]o[/]"
                )
            )
        )
        app.record(MarkStep("apply", StepStatus.FAIL, "[/] failed"))
        await pilot.pause()
        text = screen_text(app)
        for literal in HOSTILE:
            assert literal in text, literal
        assert "[bold red]Release[/]" in text
        assert "red owner" in text
        assert "[31m" not in text
        assert "[@click=app.quit]quit[/]" in text
        assert "[link=file:///etc/passwd]missing access[/link]" in text
        assert "[/] sessions [reverse]dropped" in text
        assert "note: [@click=app.quit]note[/] bold" in text
        assert "[TODO] [/]" in text
        assert "follow-up: [@click=app.bell]o[/]" in text
        assert "\x1b" not in text
        assert "\x07" not in text

        # Clicking the text that looks like an action does nothing.
        await pilot.click("#issue-list", offset=(10, 0))
        await pilot.pause()
        assert app.is_running

        await pilot.press("1", "j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StepDetails)
        details = screen_text(app)
        assert "click me [b]not bold[/b]" in details
        assert "evil" not in details
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_form_input_that_looks_like_markup_is_saved_as_typed(session, state_path):
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"[/][b]")
        await pilot.press("enter")
        await pilot.pause()
        assert "note: [/][b]" in screen_text(app)
        assert await wait_until(pilot, lambda: events_of(state_path, "note_added"))
    assert [e.note for e in events_of(state_path, "note_added")] == ["[/][b]"]


async def test_every_naughty_string_renders_as_titles_notes_and_issues(tmp_path, naughty_strings, own_config):
    data = copy.deepcopy(minimal_data())
    template = data["steps"][0]
    steps = []
    for number, text in enumerate(naughty_strings):
        step = dict(template, id=f"n{number}", title=text if text.strip() else f"blank {number}")
        steps.append(step)
    data["steps"] = steps
    data["rollback"]["criteria"][0]["trips_on"] = ["n1"]
    session = WindowSession.open(write_plan(tmp_path / "naughty.toml", data), tmp_path / "naughty.state.toml")
    app = make_app(session)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        for number, text in enumerate(naughty_strings):
            app.record(AddNote(f"n{number}", text or "-"))
            app.record(OpenIssue(IssueFields(title=text or "-", impact=text, workaround=text, owner=text or "-")))
        await pilot.pause()
        # Walk the lists so every line is drawn at least once.
        steps = app.query_one("#steps", RowList)
        for row in range(0, steps.count, 40):
            steps.move_cursor(row)
            await pilot.pause()
            app.export_screenshot()
        issues = app.query_one("#issue-list", RowList)
        for row in range(0, issues.count, 40):
            issues.move_cursor(row)
            await pilot.pause()
            app.export_screenshot()
        assert app.is_running
        assert await wait_until(pilot, lambda: app.writer.pending == 0, timeout=30)
    saved = events_of(tmp_path / "naughty.state.toml", "note_added")
    assert [e.note for e in saved] == [text or "-" for text in naughty_strings]
