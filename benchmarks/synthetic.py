"""Large plans, states and symptom lists, made from a fixed seed into a temporary folder (never committed)."""

from __future__ import annotations

import random
import tomllib
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import tomli_w

from relboard.domain.events import (
    CriterionMarked,
    IssueOpened,
    IssueUpdated,
    NoteAdded,
    PlanLoaded,
    ProbeOutcome,
    ProbeRan,
    StepMarked,
    StepStatus,
    event_to_dict,
)
from relboard.domain.plan import Plan, Troubleshooting
from relboard.domain.plan_model import validate_plan
from relboard.store.paths import demo_plan
from relboard.store.plan_file import load_plan

SEED = 20261205

WORDS = [
    "login",
    "fails",
    "after",
    "upgrade",
    "connector",
    "sync",
    "timeout",
    "tenant",
    "access",
    "role",
    "package",
    "missing",
    "report",
    "export",
    "slow",
    "queue",
    "backlog",
    "certificate",
    "expired",
    "handshake",
    "error",
    "mobile",
    "client",
    "sign-in",
    "loop",
    "session",
    "dropped",
    "database",
    "migration",
    "stuck",
    "lock",
    "wait",
    "api",
    "scope",
    "denied",
    "token",
    "refresh",
    "workflow",
    "engine",
    "paused",
    "webhook",
    "retry",
    "console",
    "blank",
    "page",
    "identity",
    "service",
    "unavailable",
    "cache",
    "stale",
    "permissions",
    "audit",
    "log",
    "gap",
    "scheduler",
    "delayed",
    "import",
    "duplicate",
    "records",
    "memory",
    "pressure",
    "pod",
    "restart",
    "health",
    "check",
    "latency",
    "spike",
    "dns",
    "resolution",
    "proxy",
    "gateway",
    "502",
    "503",
    "504",
    "tls",
    "version",
    "mismatch",
    "clock",
    "skew",
    "inspection",
    "offline",
    "attachment",
    "upload",
    "rejected",
    "quota",
    "exceeded",
    "search",
    "index",
    "rebuild",
    "notification",
    "email",
    "bounce",
    "sso",
    "redirect",
    "saml",
    "assertion",
    "invalid",
    "oauth",
    "consent",
    "tools",
    "unreachable",
    "erp",
    "asset",
    "cmms",
    "work",
    "order",
    "shift",
    "handover",
    "dashboard",
    "widgets",
    "empty",
]
OWNERS = ("Sam Lindqvist", "Lee Nakamura", "Dana Okafor", "Rio Fernandes", "Ines Bauer", "On-call SRE")
PHASES = ("prepare", "apply", "validate", "communicate")


def _sentence(rng: random.Random, low: int, high: int) -> str:
    target = rng.randint(low, high)
    words: list[str] = []
    length = 0
    while length < target:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    text = " ".join(words)[:high].rstrip()
    return text[:1].upper() + text[1:]


def large_plan(folder: Path, steps: int, seed: int = SEED) -> Path:
    """The demo plan with `steps` steps in all (its own steps first, so its rollback criteria still hold)."""
    rng = random.Random(seed)
    document = tomllib.loads(demo_plan().read_text(encoding="utf-8"))
    own = document["steps"]
    extra = []
    for number in range(max(steps - len(own), 0)):
        step = {
            "id": f"step-{number:05d}",
            "phase": PHASES[min(number * len(PHASES) // max(steps, 1), len(PHASES) - 1)],
            "title": _sentence(rng, 20, 70),
            "owner": rng.choice(OWNERS),
        }
        if rng.random() < 0.3:
            step["details"] = _sentence(rng, 40, 200)
        if rng.random() < 0.02:
            step["critical"] = True
        extra.append(step)
    document["steps"] = own + extra
    path = folder / f"plan-{steps}.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


def _events(plan_path: Path, count: int, seed: int) -> list:
    """A long window's events: one PlanLoaded for this very plan, then marks, notes, issues, probes."""
    rng = random.Random(seed)
    loaded = load_plan(plan_path)
    plan = loaded.plan
    step_ids = [step.id for step in plan.steps]
    criteria = [criterion.id for criterion in plan.rollback.criteria]
    at = plan.window.start.astimezone(UTC)
    events: list = [PlanLoaded(at=at, by="bench", plan_hash=loaded.hash, step_ids=step_ids)]
    issues: list[str] = []
    statuses = list(StepStatus)
    while len(events) < count:
        at += timedelta(milliseconds=rng.randint(50, 4000))
        by = rng.choice(OWNERS)
        roll = rng.random()
        step = rng.choice(step_ids)
        if roll < 0.70:
            note = _sentence(rng, 5, 80) if rng.random() < 0.3 else ""
            events.append(StepMarked(at=at, by=by, step=step, status=rng.choice(statuses), note=note))
        elif roll < 0.85:
            events.append(NoteAdded(at=at, by=by, step=step, note=_sentence(rng, 10, 300)))
        elif roll < 0.90 or not issues:
            issue = f"issue-{len(issues) + 1}-{rng.getrandbits(16):04x}"
            issues.append(issue)
            events.append(IssueOpened(at=at, by=by, issue=issue, title=_sentence(rng, 10, 60), step=step, owner=by))
        elif roll < 0.95:
            events.append(
                IssueUpdated(
                    at=at, by=by, issue=rng.choice(issues), changed=["workaround"], workaround=_sentence(rng, 10, 120)
                )
            )
        elif roll < 0.98:
            events.append(
                ProbeRan(
                    at=at,
                    by=by,
                    step=step,
                    outcome=ProbeOutcome.PASS if rng.random() < 0.8 else ProbeOutcome.FAIL,
                    status_code=200,
                    latency_ms=12.5,
                )
            )
        else:
            events.append(
                CriterionMarked(at=at, by=by, criterion=rng.choice(criteria), tripped=False, reason="checked")
            )
    return events[:count]


def _block(event) -> bytes:
    # The journal's documented block format: CRC-32 of the bytes between the `[[event]]` line and the `sum` line.
    body = tomli_w.dumps(event_to_dict(event)).encode("utf-8")
    return b'\n[[event]]\n%ssum = "%08x"\n' % (body, zlib.crc32(body))


def state_file(plan_path: Path, path: Path, count: int, seed: int = SEED) -> Path:
    """A state journal holding `count` events for the plan (written in one go, not event by event)."""
    header = tomli_w.dumps({"schema": 1, "created": datetime(2026, 12, 5, 20, 0, tzinfo=UTC)})
    with open(path, "wb") as out:
        out.write(header.encode("utf-8") + b"# relboard window state\n")
        for event in _events(plan_path, count, seed):
            out.write(_block(event))
    return path


def symptoms(count: int, seed: int = SEED) -> list[Troubleshooting]:
    rng = random.Random(seed)
    return [
        Troubleshooting(symptom=_sentence(rng, 12, 400), checks=[_sentence(rng, 10, 60) for _ in range(3)])
        for _ in range(count)
    ]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    at = rng.randrange(len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:at] + word[at + 1 :]  # dropped letter
    if kind == 1:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]  # swapped letters
    return word[:at] + word[at] + word[at:]  # doubled letter


def queries(entries: list[Troubleshooting], count: int, seed: int = SEED) -> list[str]:
    """What people type: fragments with typos, words out of order, half-typed words, and hostile input."""
    rng = random.Random(seed + 1)
    sixty = _sentence(rng, 60, 60)[:60].ljust(60, "x")
    hostile = [
        "ttttt",
        sixty,
        "t" * 60,
        "a",
        " ",
        "!!!???",
        "ünïcødé straße ✔ ⏸",
        "0000000000",
        "the the the the the",
        "x" * 400,
        _sentence(rng, 300, 400),
    ]
    found: list[str] = []
    while len(found) < max(count - len(hostile), 0):
        kind = len(found) % 3
        words = rng.choice(entries).symptom.lower().split()
        if kind == 0:
            start = rng.randrange(max(len(words) - 3, 1))
            found.append(" ".join(_typo(rng, w) for w in words[start : start + rng.randint(2, 4)]))
        elif kind == 1:
            picked = rng.sample(words, min(len(words), rng.randint(1, 3)))
            found.append(" ".join(picked))
        else:
            word = rng.choice(words)
            found.append(word[: rng.randint(1, len(word))])
    return (hostile + found)[:count]


def plan_with_dependencies(steps: int, seed: int = SEED) -> Plan:
    """The demo plan grown to `steps` steps with expectations and waits: most steps follow the one
    before them, some wait on one to three recent steps, a few start parallel tracks (`after = []`)."""
    rng = random.Random(seed + 2)
    document = tomllib.loads(demo_plan().read_text(encoding="utf-8"))
    own = document["steps"]
    extra = []
    for number in range(max(steps - len(own), 0)):
        step: dict = {
            "id": f"step-{number:05d}",
            "phase": PHASES[min(number * len(PHASES) // max(steps, 1), len(PHASES) - 1)],
            "title": _sentence(rng, 20, 70),
            "owner": rng.choice(OWNERS),
            "critical": rng.random() < 0.02,
        }
        if rng.random() < 0.85:
            step["expected"] = f"{rng.randint(2, 30)}m"
        roll = rng.random()
        if roll < 0.10:
            step["after"] = []
        elif roll < 0.40 and number > 0:
            earlier = range(max(0, number - 50), number)
            step["after"] = [f"step-{i:05d}" for i in rng.sample(earlier, min(len(earlier), rng.randint(1, 3)))]
        extra.append(step)
    document["steps"] = own + extra
    return validate_plan(document)


def plan_with_symptoms(folder: Path, count: int, seed: int = SEED) -> Path:
    """The demo plan with `count` more troubleshooting entries (symptoms up to 400 characters)."""
    rng = random.Random(seed)
    document = tomllib.loads(demo_plan().read_text(encoding="utf-8"))
    document["troubleshooting"] = document.get("troubleshooting", []) + [
        {"symptom": _sentence(rng, 12, 400), "checks": [_sentence(rng, 10, 60) for _ in range(3)]} for _ in range(count)
    ]
    path = folder / f"plan-symptoms-{count}.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path
