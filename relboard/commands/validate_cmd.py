"""`relboard validate PLAN...`: one FILE:LINE:COL: message line per problem."""

from __future__ import annotations

import argparse

from relboard.commands.common import err, out
from relboard.net.webhook import webhook_warning
from relboard.store.plan_file import PlanError, load_plan


def run(args: argparse.Namespace) -> int:
    failed = False
    for name in args.plans:
        try:
            loaded = load_plan(name)
        except PlanError as error:
            for problem in error.problems:
                err(str(problem))
            failed = True
            continue
        out(f"{name}: ok")
        warning = webhook_warning(loaded.plan.notices)
        if warning is not None:
            err(f"{name}: warning: {warning}")
    return 2 if failed else 0
