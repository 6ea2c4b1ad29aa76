"""A starter plan for one change category, as commented TOML text (`relboard new`).

The text is written by hand rather than dumped from a model so that every table can carry a comment
telling the engineer what to fill in. Values go through tomli-w so any string is escaped correctly.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import tomli_w

from relboard.domain.catalog import CATEGORY_TITLES, TYPICAL_VALIDATION, VALIDATION_STEPS
from relboard.domain.durations import format_duration
from relboard.domain.placeholders import PLACEHOLDER
from relboard.domain.plan import Category

_OWNERS = {
    "communication_owner": f"{PLACEHOLDER}: communication owner",
    "validation_owner": f"{PLACEHOLDER}: validation owner",
    "technical_owner": f"{PLACEHOLDER}: technical owner",
    "business_owner": f"{PLACEHOLDER}: business owner",
}

# Who does the seed's steps of each phase, until the engineer names people.
_PHASE_OWNER = {
    "prepare": _OWNERS["technical_owner"],
    "apply": _OWNERS["technical_owner"],
    "validate": _OWNERS["validation_owner"],
    "communicate": _OWNERS["communication_owner"],
}

# (window length, time a rollback takes): a starting point sized to what each category usually needs.
_WINDOW: dict[Category, tuple[timedelta, timedelta]] = {
    Category.PLATFORM_RELEASE: (timedelta(hours=3), timedelta(minutes=45)),
    Category.MODULE_UPDATE: (timedelta(hours=1, minutes=30), timedelta(minutes=20)),
    Category.CONNECTOR_CHANGE: (timedelta(hours=2), timedelta(minutes=30)),
    Category.CERTIFICATE_CHANGE: (timedelta(hours=1), timedelta(minutes=15)),
    Category.API_SCOPE_CHANGE: (timedelta(hours=1), timedelta(minutes=15)),
}

# Minutes each step usually takes, by category: the seed's steps, and (under "check") each of the
# category's typical validations. Sized so the critical path leaves a margin before the rollback deadline.
_EXPECTED: dict[Category, dict[str, int]] = {
    Category.PLATFORM_RELEASE: {
        "confirm-scope": 5,
        "review-notes": 15,
        "confirm-affected": 10,
        "prepare-checklist": 10,
        "notify-start": 5,
        "apply": 45,
        "check": 15,
        "validate": 15,
        "notify-done": 10,
    },
    Category.MODULE_UPDATE: {
        "confirm-scope": 5,
        "review-notes": 5,
        "confirm-affected": 5,
        "prepare-checklist": 5,
        "notify-start": 5,
        "apply": 20,
        "check": 10,
        "validate": 10,
        "notify-done": 5,
    },
    Category.CONNECTOR_CHANGE: {
        "confirm-scope": 5,
        "review-notes": 10,
        "confirm-affected": 10,
        "prepare-checklist": 10,
        "notify-start": 5,
        "apply": 20,
        "check": 10,
        "validate": 10,
        "notify-done": 10,
    },
    Category.CERTIFICATE_CHANGE: {
        "confirm-scope": 2,
        "review-notes": 5,
        "confirm-affected": 3,
        "prepare-checklist": 3,
        "notify-start": 2,
        "apply": 10,
        "check": 5,
        "validate": 5,
        "notify-done": 5,
    },
    Category.API_SCOPE_CHANGE: {
        "confirm-scope": 2,
        "review-notes": 5,
        "confirm-affected": 3,
        "prepare-checklist": 3,
        "notify-start": 2,
        "apply": 10,
        "check": 5,
        "validate": 5,
        "notify-done": 5,
    },
}

# What each seed step waits on; a step left out follows the step before it. The category's checks
# all wait on `apply` and run side by side; the overall check waits on all of them.
_AFTER: dict[str, list[str]] = {
    "review-notes": ["confirm-scope"],
    "confirm-affected": ["confirm-scope"],
    "prepare-checklist": ["review-notes", "confirm-affected"],
    "notify-start": [],
    "apply": ["prepare-checklist", "notify-start"],
}

_SCOPE_EXAMPLE: dict[Category, str] = {
    Category.PLATFORM_RELEASE: "Platform update 4.1.3 to 4.2.0",
    Category.MODULE_UPDATE: "Work order module 5.1.2 to 5.2.0",
    Category.CONNECTOR_CHANGE: "ERP connector: new API version and field mapping",
    Category.CERTIFICATE_CHANGE: "TLS certificate renewal for the console and API hosts",
    Category.API_SCOPE_CHANGE: "MCP tool scope workorders.read for the maintenance assistant",
}

# The seed's affected groups most likely to feel each category; the seed asks connector changes
# to tell the source-system owner and the scheduled jobs team too.
_GROUPS: dict[Category, tuple[str, ...]] = {
    Category.PLATFORM_RELEASE: ("Operators", "Administrators", "Integration owners"),
    Category.MODULE_UPDATE: ("Operators", "Administrators"),
    Category.CONNECTOR_CHANGE: ("Integration owners", "Source-system owner", "Scheduled jobs team"),
    Category.CERTIFICATE_CHANGE: ("Operators", "Mobile users", "Integration owners"),
    Category.API_SCOPE_CHANGE: ("AI workflow owners", "Integration owners"),
}

_SEED_STEP_DETAILS = {
    "validate": "The overall check after the category's validations above: reword it to what applies to this change.",
    "notify-start": (
        "Tell affected users what changes, when, for how long, which workflows should wait, and who owns support."
    ),
    "notify-done": "The result, validation status, known issues, workarounds and follow-up owners.",
}


def _value(value: object) -> str:
    """One TOML value, escaped by tomli-w."""
    return tomli_w.dumps({"v": value}).removeprefix("v = ").rstrip("\n")


def _key(name: str, value: object) -> str:
    return f"{name} = {_value(value)}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _in_sentence(words: str) -> str:
    # Keep acronyms (SSO, API) as written; lower the first letter of ordinary words.
    if len(words) > 1 and words[1].isupper():
        return words
    return words[0].lower() + words[1:]


def _start_literal(start: datetime) -> str:
    return start.replace(microsecond=0).isoformat()


def _zone_name(start: datetime) -> str:
    return start.tzinfo.key if isinstance(start.tzinfo, ZoneInfo) else ""


def _step(
    step_id: str,
    phase: str,
    title: str,
    owner: str,
    details: str = "",
    critical: bool = False,
    expected: int = 0,
    after: list[str] | None = None,
) -> list[str]:
    lines = ["[[steps]]", _key("id", step_id), _key("phase", phase), _key("title", title), _key("owner", owner)]
    if details:
        lines.append(_key("details", details))
    if critical:
        lines.append(_key("critical", True))
    if expected:
        lines.append(_key("expected", format_duration(timedelta(minutes=expected))))
    if after is not None:
        # One line, as people write it: tomli-w puts every item of a non-empty array on a line of its own.
        lines.append("after = [" + ", ".join(_value(step) for step in after) + "]")
    return [*lines, ""]


def starter_plan(category: Category, start: datetime) -> str:
    """The TOML text of a plan for `category` whose window opens at `start` (timezone-aware).

    Every value to replace starts with "Change me": until each is replaced, `relboard validate`
    names it (FILE:LINE:COL) and the board refuses the plan; otherwise it is a valid plan.
    """
    category = Category(category)
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("the window start needs a time zone or an offset")
    duration, rollback_time = _WINDOW[category]
    title = CATEGORY_TITLES[category]
    checks = TYPICAL_VALIDATION[category]
    check_ids = [_slug(check) for check in checks]

    out: list[str] = [
        f"# relboard plan: {_in_sentence(title)}.",
        f'# Replace every value that starts with "{PLACEHOLDER}", then check it with: relboard validate FILE',
        "# relboard never changes this file; what happens during the window goes to the state file next to it.",
        "",
        "schema = 1",
        "",
        "# What changes, where, and under which change ticket.",
        "[release]",
        _key("title", f"{PLACEHOLDER}: {title} title"),
        _key("environment", f"{PLACEHOLDER}: exact environment, e.g. prod-eu"),
        _key("deployment_model", f"{PLACEHOLDER}: saas, private cloud or on-premises"),
        _key("scope", f"{PLACEHOLDER}: what changes, e.g. {_SCOPE_EXAMPLE[category]}"),
        _key("category", category.value),
        "# Ticket id in the customer's change process, and a link to the release notes or change description.",
        _key("change_ref", ""),
        _key("release_notes", ""),
        "",
        "# When the window opens and how long it lasts. The start is an offset datetime (no quotes).",
        "# rollback_time is how long a rollback takes once decided: the board counts down to",
        "# window end minus rollback_time, the last moment a rollback still fits in the window.",
        "[window]",
        f"start = {_start_literal(start)}",
    ]
    zone = _zone_name(start)
    if zone:
        out.append(_key("timezone", zone))
    else:
        out.append('# timezone = "Europe/Berlin"  # the IANA zone the window is announced in')
    out += [
        _key("duration", format_duration(duration)),
        _key("rollback_time", format_duration(rollback_time)),
        *(_key(name, owner) for name, owner in _OWNERS.items()),
        "# Who to call, in order, when the owners above cannot resolve a problem.",
        _key("escalation", [f"{PLACEHOLDER}: on-call engineer", f"{PLACEHOLDER}: engineering lead"]),
        "",
        "# One table per group of users that feels the change: what they will notice, whether they lose",
        "# access, and which of their workflows should wait until the window closes. The notices use these.",
    ]
    for group in _GROUPS[category]:
        out += [
            "[[affected_users]]",
            _key("group", group),
            _key("impact", f"{PLACEHOLDER}: what this group will notice, and for how long"),
            _key("access_interrupted", False),
            _key("workflows_to_wait", []),
            "",
        ]

    out += [
        "# The checklist, in the order of the window: prepare, apply, validate, communicate.",
        "# critical = true marks steps that must pass for the release to count as complete.",
        '# expected = "10m" is how long a step usually takes: the board forecasts from it whether the',
        "# validation is done before the rollback deadline. A step waits for the step before it, unless",
        '# after = ["id", ...] names the steps it waits on; after = [] lets it start at any time.',
        "# A validate step may carry a [steps.probe] table with an HTTPS check, e.g.",
        "#   [steps.probe]",
        '#   url = "https://console.example.test/health"',
        "#   expect_status = 200",
        '#   headers = { "Authorization" = "env:RB_SMOKE_TOKEN" }  # read from the environment, never written here',
        "",
    ]
    minutes = _EXPECTED[category]
    for step_id, phase, step_title in VALIDATION_STEPS:
        if step_id == "validate":
            # The category's typical validation first, then the seed's overall check.
            for check_id, check in zip(check_ids, checks, strict=False):
                out += _step(
                    check_id,
                    "validate",
                    f"Validate {_in_sentence(check)}",
                    _PHASE_OWNER["validate"],
                    details=f"{PLACEHOLDER}: how to check {_in_sentence(check)}, and what passing looks like",
                    critical=True,
                    expected=minutes["check"],
                    after=["apply"],
                )
        details = _SEED_STEP_DETAILS.get(step_id, "")
        after = check_ids if step_id == "validate" and check_ids else _AFTER.get(step_id)
        out += _step(
            step_id,
            phase,
            step_title,
            _PHASE_OWNER[phase],
            details=details,
            critical=step_id == "apply",
            expected=minutes[step_id],
            after=after,
        )

    out += [
        "# Agreed before the window: the conditions that stop the change, and who decides.",
        "# decision_owners defaults to the window's technical and business owners.",
        "[rollback]",
        _key("impact_statement", f"{PLACEHOLDER}: what a rollback restores and what users lose"),
        "",
        "# A criterion trips on its own when a step in trips_on fails; add one per stop condition.",
        "[[rollback.criteria]]",
        _key("id", "critical-validation-fails"),
        _key("condition", "A critical validation step fails and cannot be fixed before the rollback deadline"),
        _key("trips_on", check_ids),
        "",
        "# Accepted limitations known before the window, each with a workaround and a follow-up owner:",
        "# [[known_issues]]",
        '# title = "Report export slower for the first hour"',
        '# workaround = "Retry after 23:00"',
        '# owner = "Product owner"',
        "",
        "# The catalog's troubleshooting entries for this category are always available; add your own:",
        "# [[troubleshooting]]",
        '# symptom = "Users report missing access after release"',
        '# checks = ["Role package", "Tenant membership", "Session refresh"]',
        "",
        "# Who owns support during the window, and the name of the environment variable that holds",
        "# the chat webhook URL for notices (the URL itself never goes in this file).",
        "[notices]",
        _key("support_contact", f"{PLACEHOLDER}: support channel or phone during the window"),
        '# webhook_env = "RELBOARD_WEBHOOK"',
        "",
    ]
    return "\n".join(out)
