"""Checks on a plan that the model alone cannot make: ids across lists, the window's arithmetic,
and the seed's prerequisites that an empty list would otherwise satisfy."""

from __future__ import annotations

import re
from typing import cast

from msgspec import Struct

from relboard.domain import plan as domain
from relboard.domain.dependencies import Edge, find_cycles
from relboard.domain.durations import format_duration
from relboard.domain.plan import COMMAND_PROBE_KEYS, HTTP_PROBE_KEYS
from relboard.domain.plan_model import Plan, ProbeSpec
from relboard.domain.plan_quote import format_path, show
from relboard.domain.window_key import key_problem

RulePath = tuple[str | int, ...]

# RFC 9110 token characters: what a header name may be made of.
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_HEADER_VALUE_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class RuleProblem(Struct, frozen=True):
    path: RulePath
    message: str


def _as_read(plan: Plan) -> domain.Plan:
    # The model has the domain plan's fields and names: what reads one reads the other.
    return cast("domain.Plan", plan)


def check_plan(plan: Plan) -> list[RuleProblem]:
    """Every rule problem in `plan`, in the order the plan's sections are written."""
    problems: list[RuleProblem] = []
    problems += _affected_users(plan)
    problems += _window(plan)
    problems += _steps(plan)
    problems += _waits(plan)
    problems += _criteria(plan)
    problems += _hub(plan)
    return problems


def _hub(plan: Plan) -> list[RuleProblem]:
    problem = key_problem(_as_read(plan))
    return [] if problem is None else [RuleProblem(problem.path, problem.message)]


def _affected_users(plan: Plan) -> list[RuleProblem]:
    if plan.affected_users:
        return []
    return [
        RuleProblem(
            ("affected_users",),
            "no [[affected_users]]: name the groups the change affects (operators, administrators, "
            "integration owners, ...) and the expected impact",
        )
    ]


def _window(plan: Plan) -> list[RuleProblem]:
    window = plan.window
    if window.rollback_time < window.duration:
        return []
    relation = "as long as" if window.rollback_time == window.duration else "longer than"
    return [
        RuleProblem(
            ("window", "rollback_time"),
            f"window.rollback_time: a rollback takes {format_duration(window.rollback_time)}, {relation} the "
            f"{format_duration(window.duration)} window, so the decision to roll back would be due before the "
            "window starts; lengthen the window or plan a faster rollback",
        )
    ]


def _steps(plan: Plan) -> list[RuleProblem]:
    problems: list[RuleProblem] = []
    first_index: dict[str, int] = {}
    for index, step in enumerate(plan.steps):
        if step.id in first_index:
            problems.append(
                RuleProblem(
                    ("steps", index, "id"),
                    f"steps[{index}].id: {show(step.id)} is already the id of steps[{first_index[step.id]}]; "
                    "step ids must be unique",
                )
            )
        else:
            first_index[step.id] = index
        if step.probe is not None:
            problems += _probe(("steps", index, "probe"), step.probe)
    return problems


def _waits(plan: Plan) -> list[RuleProblem]:
    problems: list[RuleProblem] = []
    step_ids = [step.id for step in plan.steps]
    known = set(step_ids)
    for index, step in enumerate(plan.steps):
        for position, step_id in enumerate(step.after or []):
            where: RulePath = ("steps", index, "after", position)
            if step_id == step.id:
                problems.append(RuleProblem(where, f"{format_path(where)}: step {show(step.id)} cannot wait on itself"))
            elif step_id not in known:
                problems.append(RuleProblem(where, _unknown_step(format_path(where), step_id, step_ids)))
    for cycle in find_cycles(_as_read(plan)):
        problems.append(_cycle_problem(plan, cycle))
    return problems


def _cycle_problem(plan: Plan, cycle: list[Edge]) -> RuleProblem:
    # Waits on the step before are always backwards in the plan, so every cycle has a written wait on a
    # later step: point at the first of those, and name the cycle from there.
    forward = [n for n, edge in enumerate(cycle) if edge.position is not None and edge.on > edge.step]
    first = min(
        forward or [n for n, edge in enumerate(cycle) if edge.position is not None] or [0], key=lambda n: cycle[n].step
    )
    ordered = cycle[first:] + cycle[:first]
    links = []
    for edge in ordered:
        step, on = show(plan.steps[edge.step].id), show(plan.steps[edge.on].id)
        links.append(
            f"{step} waits on {on}" if edge.position is not None else f"{step} follows {on} (the step before it)"
        )
    head = ordered[0]
    where: RulePath = (
        ("steps", head.step, "after", head.position) if head.position is not None else ("steps", head.step)
    )
    return RuleProblem(
        where,
        f"{format_path(where)}: these steps wait on each other, so none of them can start: "
        + ", ".join(links)
        + "; remove one of these waits (after = [] lets a step start at any time)",
    )


def _unknown_step(path: str, step_id: str, step_ids: list[str]) -> str:
    message = f"{path}: {show(step_id)} is not a step id in this plan"
    import difflib  # only a plan with a mistake pays for it

    close = difflib.get_close_matches(step_id, step_ids, n=1, cutoff=0.6)
    if close:
        message += f"; did you mean {show(close[0])}?"
    elif not step_ids:
        message += " (the plan has no [[steps]])"
    return message


def _probe_kind(at: RulePath, probe: ProbeSpec) -> list[RuleProblem]:
    """A probe is an HTTP request or a command, never both nor neither; each takes only its own keys."""
    path = format_path(at)
    if probe.url is None and probe.run is None:
        return [
            RuleProblem(
                at,
                f'{path} needs url = "https://..." (an HTTP check) or run = ["./check.sh", ...] (a command)',
            )
        ]
    if probe.url is not None and probe.run is not None:
        return [
            RuleProblem(
                (*at, "run"), f"{path} has both url and run: a probe is one HTTP check or one command; keep one"
            )
        ]
    problems: list[RuleProblem] = []
    given = probe.model_fields_set
    if probe.run is not None:
        for key in HTTP_PROBE_KEYS:
            if key in given:
                problems.append(RuleProblem((*at, key), f"{path}.{key} applies to url probes only, not to run"))
        if not probe.run[0].strip():
            problems.append(RuleProblem((*at, "run", 0), f"{path}.run[0] is empty; it names the program to run"))
    else:
        for key in COMMAND_PROBE_KEYS:
            if key in given:
                problems.append(RuleProblem((*at, key), f"{path}.{key} applies to run probes only, not to url"))
    return problems


def _probe(at: RulePath, probe: ProbeSpec) -> list[RuleProblem]:
    problems = _probe_kind(at, probe)
    for name, value in probe.headers.items():
        where = (*at, "headers", name)
        path = format_path(where)
        if not _HEADER_NAME.match(name):
            problems.append(
                RuleProblem(
                    where, f"{path}: {show(name)} is not a usable HTTP header name (no spaces, colons or quotes)"
                )
            )
        if _HEADER_VALUE_BAD.search(value):
            problems.append(RuleProblem(where, f"{path}: a header value cannot hold line breaks or control characters"))
        elif value.startswith("env:") and not _ENV_NAME.match(value[4:]):
            problems.append(
                RuleProblem(
                    where,
                    f"{path}: {show(value[4:])} is not an environment variable name;"
                    " write env:NAME, e.g. env:API_TOKEN",
                )
            )
    if probe.ca_bundle is not None:
        where = (*at, "ca_bundle")
        if not probe.ca_bundle.strip():
            problems.append(
                RuleProblem(where, f"{format_path(where)} is empty; give the CA bundle's path or leave it out")
            )
        elif probe.url is not None and not probe.url.lower().startswith("https://"):
            problems.append(
                RuleProblem(
                    where, f"{format_path(where)} only applies to https:// URLs; this probe calls {show(probe.url)}"
                )
            )
    return problems


def _criteria(plan: Plan) -> list[RuleProblem]:
    criteria = plan.rollback.criteria
    if not criteria:
        return [
            RuleProblem(
                ("rollback", "criteria"),
                "no rollback criteria: agree the conditions for pausing, reverting or rescheduling before "
                "the window and write each as a [[rollback.criteria]] block",
            )
        ]
    problems: list[RuleProblem] = []
    step_ids = [step.id for step in plan.steps]
    known = set(step_ids)
    first_index: dict[str, int] = {}
    for index, criterion in enumerate(criteria):
        at: RulePath = ("rollback", "criteria", index)
        if criterion.id in first_index:
            problems.append(
                RuleProblem(
                    (*at, "id"),
                    f"{format_path((*at, 'id'))}: {show(criterion.id)} is already the id of "
                    f"rollback.criteria[{first_index[criterion.id]}]; criterion ids must be unique",
                )
            )
        else:
            first_index[criterion.id] = index
        for position, step_id in enumerate(criterion.trips_on):
            if step_id in known:
                continue
            where = (*at, "trips_on", position)
            problems.append(RuleProblem(where, _unknown_step(format_path(where), step_id, step_ids)))
    return problems
