"""`relboard lookup [PLAN] QUERY...`: ranked symptoms and their checks, without the board."""

from __future__ import annotations

import argparse
from pathlib import Path

from relboard.commands.common import UsageError, out, plan_path
from relboard.domain.catalog import troubleshooting_for
from relboard.domain.lookup import SymptomIndex, related
from relboard.store.plan_file import PlanError, load_plan


def run(args: argparse.Namespace) -> int:
    words = list(args.words)
    plan_arg = None
    if words[0].endswith(".toml") or Path(words[0]).is_file():
        plan_arg = words.pop(0)
    if not words:
        raise UsageError("relboard lookup: give a query, e.g. relboard lookup connector fails")
    try:
        plan = load_plan(plan_path(plan_arg), cached=True).plan
    except PlanError as error:
        raise UsageError(str(error)) from None
    matches = SymptomIndex(troubleshooting_for(plan)).search(" ".join(words), limit=args.limit)
    if not matches:
        out("No matching symptom. Try fewer or other words.")
        return 1
    issue_texts = [f"{k.title} {k.impact} {k.workaround}" for k in plan.known_issues]
    for rank, match in enumerate(matches, start=1):
        out(f"{rank}. {match.entry.symptom}  ({match.score:.0f})")
        for number, check in enumerate(match.entry.checks, start=1):
            out(f"     {number}) {check}")
        for index in related(match.entry.symptom, issue_texts):
            known = plan.known_issues[index]
            out(
                f"     known issue: {known.title} — workaround: {known.workaround or 'none'}"
                f" (owner: {known.owner or 'none'})"
            )
    return 0
