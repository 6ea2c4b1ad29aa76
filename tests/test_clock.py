from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from relboard.domain.clock import Alert, RehearsalClock, WindowPhase, read_clock
from tests.conftest import make_plan

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_before_the_window_counts_down(plan):
    reading = read_clock(plan.window, at("2026-12-05T21:17:50+01:00"))
    assert reading.phase is WindowPhase.BEFORE
    assert reading.window_text() == "starts in 0:42:10"


def test_in_the_window_shows_elapsed_and_remaining(plan):
    reading = read_clock(plan.window, at("2026-12-05T22:34:12+01:00"))
    assert reading.phase is WindowPhase.IN_WINDOW
    assert reading.window_text() == "in window 0:34:12 of 2:00:00 · 1:25:48 left"
    assert reading.deadline_text() == "rollback decision by 23:30 (in 0:55:48)"
    assert reading.deadline_alert is Alert.OK


def test_deadline_warns_fifteen_minutes_before_and_alarms_once_passed(plan):
    assert read_clock(plan.window, at("2026-12-05T23:15:01+01:00")).deadline_alert is Alert.WARNING
    assert read_clock(plan.window, at("2026-12-05T23:14:59+01:00")).deadline_alert is Alert.OK
    passed = read_clock(plan.window, at("2026-12-05T23:31:00+01:00"))
    assert passed.deadline_alert is Alert.ALARM
    assert passed.deadline_text() == "rollback decision by 23:30 (passed 0:01:00 ago)"


def test_overrun_after_the_window(plan):
    reading = read_clock(plan.window, at("2026-12-06T00:05:00+01:00"))
    assert reading.phase is WindowPhase.OVERRUN
    assert reading.window_text() == "OVERRUN +0:05:00"
    assert reading.remaining == timedelta(0)


def test_the_same_instant_in_another_zone_reads_the_same(plan):
    utc = read_clock(plan.window, at("2026-12-05T21:34:12+00:00"))
    tokyo = read_clock(plan.window, at("2026-12-06T06:34:12+09:00"))
    assert utc.window_text() == tokyo.window_text() == "in window 0:34:12 of 2:00:00 · 1:25:48 left"


def test_window_across_the_autumn_dst_change_lasts_its_real_duration():
    # Berlin falls back at 03:00 CEST -> 02:00 CET on 2026-10-25: a 3h window from 01:30 CEST
    # ends at 03:30 CET by the wall clock, 3 real hours later.
    plan = make_plan(
        window={
            "start": at("2026-10-25T01:30:00+02:00"),
            "duration": "3h",
            "rollback_time": "1h",
            "timezone": "Europe/Berlin",
        }
    )
    end_local = plan.window.end.astimezone(BERLIN)
    assert (end_local.hour, end_local.minute, end_local.tzname()) == (3, 30, "CET")
    # 02:30 CET is after the change: 2 real hours elapsed though the wall clock moved 1 hour.
    reading = read_clock(plan.window, datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=1))
    assert reading.window_text() == "in window 2:00:00 of 3:00:00 · 1:00:00 left"
    assert reading.deadline_text(BERLIN) == "rollback decision by 02:30 (passed 0:00:00 ago)"


def test_window_across_the_spring_dst_change():
    # New York springs forward at 02:00 EST -> 03:00 EDT on 2026-03-08.
    plan = make_plan(
        window={
            "start": at("2026-03-08T01:00:00-05:00"),
            "duration": "2h",
            "rollback_time": "30m",
            "timezone": "America/New_York",
        }
    )
    assert plan.window.end.astimezone(NEW_YORK).strftime("%H:%M %Z") == "04:00 EDT"
    reading = read_clock(plan.window, datetime(2026, 3, 8, 3, 15, tzinfo=NEW_YORK))
    assert reading.window_text() == "in window 1:15:00 of 2:00:00 · 0:45:00 left"
    assert reading.deadline_text(NEW_YORK) == "rollback decision by 03:30 (in 0:15:00)"
    assert reading.deadline_alert is Alert.WARNING


def test_rehearsal_clock_starts_at_the_given_time_and_runs_forward():
    ticks = iter([100.0, 100.0, 161.5])
    clock = RehearsalClock(at("2026-12-05T23:00:00+01:00"), lambda: next(ticks))
    assert clock() == at("2026-12-05T23:00:00+01:00")
    assert clock() == at("2026-12-05T23:01:01.500000+01:00")


def test_naive_now_is_refused(plan):
    with pytest.raises(ValueError, match="timezone-aware"):
        read_clock(plan.window, datetime(2026, 12, 5, 22, 0))


def test_a_countdown_of_days_names_the_days(plan):
    # 204:38:25 before the start: read as days, never as a pile of hours.
    reading = read_clock(plan.window, plan.window.start - timedelta(hours=204, minutes=38, seconds=25))
    assert reading.window_text() == "starts in 8d 12:38:25"
    assert reading.deadline_text() == "rollback decision by 23:30 (in 8d 14:08:25)"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(hours=23, minutes=59, seconds=59), "23:59:59"),
        (timedelta(days=1), "1d 00:00:00"),
        (timedelta(days=1, seconds=5), "1d 00:00:05"),
        (timedelta(days=12, hours=3, minutes=4, seconds=5), "12d 03:04:05"),
        (timedelta(seconds=-5), "0:00:00"),
    ],
)
def test_clock_text_below_and_above_a_day(value, text):
    from relboard.domain.durations import format_clock

    assert format_clock(value) == text


def test_an_overrun_of_days_and_a_deadline_passed_days_ago_name_the_days(plan):
    late = read_clock(plan.window, plan.window.end + timedelta(days=2, minutes=1))
    assert late.window_text() == "OVERRUN +2d 00:01:00"
    assert late.deadline_text() == "rollback decision by 23:30 (passed 2d 00:31:00 ago)"
