"""The plan file's models: how a plan is checked where it enters relboard (a plan file, a plan from the hub).

Pydantic validates the TOML's data against these models, which also give `relboard schema` its JSON
Schema (their class names are the schema's definitions). What the rest of relboard reads is the frozen
records of `relboard.domain.plan`, made from a validated model by `to_domain`, with the same names
and fields.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    Strict,
    WithJsonSchema,
    field_validator,
)

from relboard.domain import plan as domain
from relboard.domain.durations import DURATION_PATTERN, format_duration, parse_duration
from relboard.domain.plan import (
    COMMAND_PROBE_KEYS,
    DEFAULT_COMMAND_TIMEOUT,
    DEFAULT_HTTP_TIMEOUT,
    HTTP_PROBE_KEYS,
    PLAN_SCHEMA,
    Category,
    Phase,
)
from relboard.domain.records import field_names, is_record

__all__ = [
    "COMMAND_PROBE_KEYS",
    "HTTP_PROBE_KEYS",
    "PLAN_SCHEMA",
    "Plan",
    "domain_of",
    "model_of",
    "to_domain",
    "validate_plan",
]


def _to_duration(value: Any) -> Any:
    if isinstance(value, str):
        return parse_duration(value)
    if isinstance(value, timedelta):
        return value
    # A bare number would be taken as seconds: `duration = 2` must not become a two-second window.
    raise ValueError('must be a duration in quotes, like "2h30m", "90m" or "45s"')


Duration = Annotated[
    timedelta,
    BeforeValidator(_to_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN, "examples": ["2h30m", "90m"]}),
]


def _require_offset(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("is a local datetime without an offset; write the offset too, e.g. 2026-12-05T22:00:00+01:00")
    if not isinstance(value, datetime):
        raise ValueError("must be a TOML offset datetime (unquoted), e.g. 2026-12-05T22:00:00+01:00")
    return value


OffsetDatetime = Annotated[
    datetime,
    BeforeValidator(_require_offset),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"{value!r} is not a usable id: letters, digits, '.', '_' and '-', starting with a letter or digit"
        )
    return value


Id = Annotated[str, AfterValidator(_check_id), WithJsonSchema({"type": "string", "pattern": _ID.pattern})]
Text = Annotated[str, Field(min_length=1)]


# Plain functions, not the builtins `list` and `dict`: pydantic inspects each default factory's
# signature, and for a builtin that means parsing its text signature with the tokenizer, a few
# milliseconds of every start-up.
def _empty_list() -> list[Any]:
    return []


def _empty_dict() -> dict[str, Any]:
    return {}


class _Model(BaseModel):
    # Built on first use: validating a Plan builds the nested models inside its own validator, so
    # a command that loads a plan never pays for a dozen validators it does not call.
    # Strict: TOML has its own types, and a value of the wrong one is a mistake to point at, never a
    # value to convert (lax mode would read critical = "yes" as true and "200" as 200).
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True, strict=True)


class Release(_Model):
    title: Text
    environment: Text = Field(description="The exact environment that changes, e.g. prod-eu")
    deployment_model: Text = Field(description="saas, private cloud, on-premises, ...")
    scope: Text = Field(description="Release scope: what changes, from which version to which")
    category: Annotated[Category, Strict(False)]
    change_ref: str = Field("", description="Change ticket id in the customer's change process")
    release_notes: str = Field("", description="Link to the release notes or change description")


class Window(_Model):
    start: OffsetDatetime
    timezone: str = Field(
        "", description="IANA zone the window is announced in, e.g. Europe/Berlin; defaults to the start's offset"
    )
    duration: Duration
    rollback_time: Duration = Field(description="How long a rollback takes once decided")
    communication_owner: Text
    validation_owner: Text
    technical_owner: Text
    business_owner: Text
    escalation: list[Text] = Field(default_factory=_empty_list, description="Escalation path, in order")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"{value!r} is not a known IANA time zone (e.g. Europe/Berlin)") from None
        return value

    @field_validator("duration")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be longer than zero")
        return value

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    @property
    def rollback_deadline(self) -> datetime:
        return self.end - self.rollback_time

    @property
    def zone(self) -> tzinfo | None:
        return ZoneInfo(self.timezone) if self.timezone else self.start.tzinfo


class AffectedUsers(_Model):
    group: Text
    impact: Text
    access_interrupted: bool = False
    workflows_to_wait: list[Text] = Field(default_factory=_empty_list)


def _argv(value: Any) -> Any:
    if isinstance(value, str):
        raise ValueError(
            "must be a list of arguments, not one string: relboard never runs a shell, so write"
            f" run = {_as_list_hint(value)}"
        )
    return value


def _as_list_hint(text: str) -> str:
    import json  # only a plan with this mistake pays for it

    # A JSON list of strings is also a TOML array: the hint can be pasted back as it is.
    return json.dumps(text.split()[:8] or ["./check.sh"], ensure_ascii=False)


Argv = Annotated[list[str], BeforeValidator(_argv), Field(min_length=1)]
EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class ProbeSpec(_Model):
    """A check a machine can make for a validation step: an HTTP request (`url`) or a command (`run`)."""

    url: Annotated[str, Field(pattern=r"^https?://")] | None = None
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    expect_status: int | None = Field(None, ge=100, le=599, description="Default: any 2xx")
    expect_body: str | None = Field(None, description="Substring the body must contain")
    expect_json: dict[str, Any] | None = Field(None, description="Fields a JSON body must have, with these values")
    headers: dict[str, str] = Field(
        default_factory=_empty_dict, description='Values may be "env:NAME" to read a secret from the environment'
    )
    timeout: Duration | None = Field(None, description="Whole-check deadline; default 10s for url, 1m for run")
    ca_bundle: str | None = Field(None, description="CA bundle path, relative to the plan's folder")
    run: Argv | None = Field(None, description="A command's argv, run without a shell (instead of url)")
    cwd: str = Field(".", description="The command's working folder, relative to the plan's folder")
    env: list[EnvName] = Field(
        default_factory=_empty_list, description="Environment variables passed to the command; nothing else is"
    )
    expect_exit: int = Field(0, ge=0, le=255, description="The exit status that passes")
    expect_output: str | None = Field(None, description="Substring of the command's stdout and stderr")

    @property
    def is_command(self) -> bool:
        return self.run is not None

    @property
    def deadline(self) -> timedelta:
        if self.timeout is not None:
            return self.timeout
        return DEFAULT_COMMAND_TIMEOUT if self.is_command else DEFAULT_HTTP_TIMEOUT


class Step(_Model):
    id: Id
    phase: Annotated[Phase, Strict(False)]
    title: Text
    owner: Text
    details: str = ""
    critical: bool = False
    probe: ProbeSpec | None = None
    expected: Duration | None = Field(None, description='How long the step usually takes, e.g. "10m"')
    after: list[str] | None = Field(
        None,
        description="Step ids that must pass first. Left out: the step before this one in the plan;"
        " [] : it can start at any time (a parallel track)",
    )


class Criterion(_Model):
    id: Id
    condition: Text
    trips_on: list[str] = Field(default_factory=_empty_list, description="Step ids whose failure trips this criterion")


class Rollback(_Model):
    impact_statement: Text
    decision_owners: list[Text] = Field(
        default_factory=_empty_list, description="Who decides; defaults to the window's technical and business owners"
    )
    criteria: list[Criterion]


class KnownIssue(_Model):
    """An accepted limitation known before the window."""

    title: Text
    workaround: str = ""
    owner: str = Field("", description="Follow-up owner")
    impact: str = ""


class Troubleshooting(_Model):
    symptom: Text
    checks: list[Text] = Field(min_length=1)
    categories: list[Annotated[Category, Strict(False)]] = Field(
        default_factory=_empty_list, description="Empty: applies to every category"
    )


_VARIABLE = r"^[A-Za-z_][A-Za-z0-9_]*$"
VariableName = Annotated[str, Field(pattern=_VARIABLE)]
HttpUrl = Annotated[str, Field(pattern=r"^https?://[^\s]+$")]


class Statuspage(_Model):
    """Atlassian Statuspage: the window as a scheduled maintenance on the company status page."""

    page_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9]+$")]
    api_key_env: VariableName = Field(description="Name of the environment variable holding the API key")
    components: list[Text] = Field(default_factory=_empty_list, description="Component ids the window affects")
    api_url: HttpUrl = "https://api.statuspage.io"


class Notices(_Model):
    support_contact: str = Field("", description="Who owns support during the window")
    webhook_env: str = Field(
        "",
        pattern=r"^$|^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of the environment variable holding the webhook URL (never the URL itself)",
    )
    statuspage: Statuspage | None = None


class PagerDuty(_Model):
    """PagerDuty: page the escalation path (Events API v2); silence the window's own alerts (REST API)."""

    routing_key_env: VariableName = Field(description="Name of the variable holding the Events API v2 routing key")
    api_url: HttpUrl = "https://events.pagerduty.com"
    severity: Literal["critical", "error", "warning", "info"] = "critical"
    api_token_env: VariableName | None = Field(None, description="Name of the variable holding a REST API token")
    services: list[Text] = Field(default_factory=_empty_list, description="Service ids to put in maintenance")
    from_email: str = Field("", description="The PagerDuty user's email sent as From, for account-level tokens")
    rest_url: HttpUrl = "https://api.pagerduty.com"


class Escalation(_Model):
    pagerduty: PagerDuty | None = None


class Hub(_Model):
    """How the window is named on a NATS hub shared by a team (see `relboard sync`)."""

    window: str = Field(
        "", description="The window's name on the hub; default: made from release.change_ref and environment"
    )


class Plan(_Model):
    schema_version: Literal[1] = Field(alias="schema")
    release: Release
    window: Window
    affected_users: list[AffectedUsers]
    steps: list[Step] = Field(default_factory=_empty_list)
    rollback: Rollback
    known_issues: list[KnownIssue] = Field(default_factory=_empty_list)
    troubleshooting: list[Troubleshooting] = Field(default_factory=_empty_list)
    notices: Notices = Notices()
    escalation: Escalation = Escalation()
    hub: Hub = Hub()

    _step_index: dict[str, Step] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any) -> None:
        # Duplicate ids are reported by the plan rules; the first one wins here.
        index: dict[str, Step] = {}
        for step in self.steps:
            index.setdefault(step.id, step)
        self._step_index = index

    def step(self, step_id: str) -> Step | None:
        return self._step_index.get(step_id)

    @property
    def decision_owners(self) -> list[str]:
        return list(self.rollback.decision_owners) or [self.window.technical_owner, self.window.business_owner]


_DOMAIN: dict[type[BaseModel], type[Any]] = {
    Release: domain.Release,
    Window: domain.Window,
    AffectedUsers: domain.AffectedUsers,
    ProbeSpec: domain.ProbeSpec,
    Step: domain.Step,
    Criterion: domain.Criterion,
    Rollback: domain.Rollback,
    KnownIssue: domain.KnownIssue,
    Troubleshooting: domain.Troubleshooting,
    Statuspage: domain.Statuspage,
    Notices: domain.Notices,
    PagerDuty: domain.PagerDuty,
    Escalation: domain.Escalation,
    Hub: domain.Hub,
    Plan: domain.Plan,
}


def _domain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _DOMAIN[type(value)](**{name: _domain(getattr(value, name)) for name in type(value).model_fields})
    if isinstance(value, list):
        return [_domain(item) for item in value]
    return value


def to_domain(plan: Plan) -> domain.Plan:
    """The plan the domain reads, from a validated model."""
    made: domain.Plan = _domain(plan)
    return made


def domain_of(model: BaseModel) -> Any:
    """The domain's record for any validated part of a plan (a Step, a ProbeSpec, ...)."""
    return _domain(model)


def model_of(value: Any) -> BaseModel:
    """The model of a domain plan or part of one, validated again (to dump it as a plan file's TOML)."""
    model: BaseModel = {v: k for k, v in _DOMAIN.items()}[type(value)].model_validate(_fields(value))
    return model


def _fields(value: Any) -> Any:
    if is_record(value):
        return {name: _fields(getattr(value, name)) for name in field_names(type(value))}
    if isinstance(value, list):
        return [_fields(item) for item in value]
    return value


def validate_plan(data: Any) -> domain.Plan:
    """Validate a plan's data (as tomllib reads it) and give the domain's plan; raises ValidationError.

    Only the models' own checks: the plan rules (`plan_rules.check_plan`) and placeholders are the plan
    file's (see relboard.store.plan_file)."""
    return to_domain(Plan.model_validate(data))
