"""The plan an engineer writes before the window (TOML, `schema = 1`), as the domain reads it.

relboard never modifies a plan; everything that happens during the window is a state event.

These are frozen records (`records`): a plan file is checked once, at the boundary, by the models of
`plan_model` (every message and position comes from there), and a plan seen before is read back from
the validated-plan cache without them (msgspec reads it back, refusing any field these records do not
have). Field names and order are the models' own.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from functools import cached_property
from typing import Any, Literal
from zoneinfo import ZoneInfo

from msgspec import Struct, field
from msgspec.structs import force_setattr

PLAN_SCHEMA = 1


class Category(StrEnum):
    PLATFORM_RELEASE = "platform-release"
    MODULE_UPDATE = "module-update"
    CONNECTOR_CHANGE = "connector-change"
    CERTIFICATE_CHANGE = "certificate-change"
    API_SCOPE_CHANGE = "api-scope-change"


class Phase(StrEnum):
    """The seed's validation steps, grouped in the order a window runs them."""

    PREPARE = "prepare"
    APPLY = "apply"
    VALIDATE = "validate"
    COMMUNICATE = "communicate"


HTTP_PROBE_KEYS = ("method", "expect_status", "expect_body", "expect_json", "headers", "ca_bundle")
COMMAND_PROBE_KEYS = ("cwd", "env", "expect_exit", "expect_output")
DEFAULT_HTTP_TIMEOUT = timedelta(seconds=10)
DEFAULT_COMMAND_TIMEOUT = timedelta(minutes=1)
# The records a plan holds by the thousand are `gc=False`: they hold text, numbers and lists of text, never a
# cycle, and untracked they are 16 bytes smaller each and never walked by the cycle collector.


class Release(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    title: str
    environment: str
    deployment_model: str
    scope: str
    category: Category
    change_ref: str = ""
    release_notes: str = ""


class Window(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    start: datetime
    timezone: str = ""
    duration: timedelta
    rollback_time: timedelta
    communication_owner: str
    validation_owner: str
    technical_owner: str
    business_owner: str
    escalation: list[str] = field(default_factory=list)

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    @property
    def rollback_deadline(self) -> datetime:
        return self.end - self.rollback_time

    @property
    def zone(self) -> tzinfo | None:
        return ZoneInfo(self.timezone) if self.timezone else self.start.tzinfo


class AffectedUsers(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, gc=False):
    group: str
    impact: str
    access_interrupted: bool = False
    workflows_to_wait: list[str] = field(default_factory=list)


class ProbeSpec(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, gc=False):
    """A check a machine can make for a validation step: an HTTP request (`url`) or a command (`run`)."""

    url: str | None = None
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    expect_status: int | None = None
    expect_body: str | None = None
    expect_json: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    timeout: timedelta | None = None
    ca_bundle: str | None = None
    run: list[str] | None = None
    cwd: str = "."
    env: list[str] = field(default_factory=list)
    expect_exit: int = 0
    expect_output: str | None = None

    @property
    def is_command(self) -> bool:
        return self.run is not None

    @property
    def deadline(self) -> timedelta:
        if self.timeout is not None:
            return self.timeout
        return DEFAULT_COMMAND_TIMEOUT if self.is_command else DEFAULT_HTTP_TIMEOUT


class Step(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, gc=False):
    id: str
    phase: Phase
    title: str
    owner: str
    details: str = ""
    critical: bool = False
    probe: ProbeSpec | None = None
    expected: timedelta | None = None
    after: list[str] | None = None


class Criterion(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, gc=False):
    id: str
    condition: str
    trips_on: list[str] = field(default_factory=list)


class Rollback(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    impact_statement: str
    decision_owners: list[str] = field(default_factory=list)
    criteria: list[Criterion]


class KnownIssue(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, gc=False):
    """An accepted limitation known before the window."""

    title: str
    workaround: str = ""
    owner: str = ""
    impact: str = ""


class Troubleshooting(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, gc=False):
    symptom: str
    checks: list[str]
    categories: list[Category] = field(default_factory=list)


class Statuspage(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Atlassian Statuspage: the window as a scheduled maintenance on the company status page."""

    page_id: str
    api_key_env: str
    components: list[str] = field(default_factory=list)
    api_url: str = "https://api.statuspage.io"


class Notices(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    support_contact: str = ""
    webhook_env: str = ""
    statuspage: Statuspage | None = None


class PagerDuty(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """PagerDuty: page the escalation path (Events API v2); silence the window's own alerts (REST API)."""

    routing_key_env: str
    api_url: str = "https://events.pagerduty.com"
    severity: Literal["critical", "error", "warning", "info"] = "critical"
    api_token_env: str | None = None
    services: list[str] = field(default_factory=list)
    from_email: str = ""
    rest_url: str = "https://api.pagerduty.com"


class Escalation(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pagerduty: PagerDuty | None = None


class Hub(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How the window is named on a NATS hub shared by a team (see `relboard sync`)."""

    window: str = ""


class Plan(Struct, frozen=True, kw_only=True, dict=True, forbid_unknown_fields=True):
    schema_version: Literal[1] = 1
    release: Release
    window: Window
    affected_users: list[AffectedUsers]
    steps: list[Step] = field(default_factory=list)
    rollback: Rollback
    known_issues: list[KnownIssue] = field(default_factory=list)
    troubleshooting: list[Troubleshooting] = field(default_factory=list)
    notices: Notices = field(default_factory=Notices)
    escalation: Escalation = field(default_factory=Escalation)
    hub: Hub = field(default_factory=Hub)

    @cached_property
    def positions(self) -> dict[str, int]:
        """Where each step id first sits in `steps`. Duplicate ids are reported by the plan rules; the first
        one wins here. One map of ids for the whole board: the waits graph and the checklist read it too."""
        positions: dict[str, int] = {}
        for number, step in enumerate(self.steps):
            positions.setdefault(step.id, number)
        return positions

    def step(self, step_id: str) -> Step | None:
        number = self.positions.get(step_id)
        return None if number is None else self.steps[number]

    @property
    def decision_owners(self) -> list[str]:
        return list(self.rollback.decision_owners) or [self.window.technical_owner, self.window.business_owner]


def share_owners(plan: Plan) -> Plan:
    """The same plan, its steps sharing one string per owner. Steps name a handful of owners thousands of
    times, and a decoder makes a string for each: 0.3 MiB at 5,000 steps, 3 MiB at 50,000, for as long as
    the board is open. No value changes, only whose strings the steps hold."""
    seen: dict[str, str] = {}
    for step in plan.steps:
        owner = step.owner
        shared = seen.setdefault(owner, owner)
        if shared is not owner:
            force_setattr(step, "owner", shared)
    return plan
