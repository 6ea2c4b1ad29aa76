"""`relboard validate PLAN...`: one FILE:LINE:COL: message line per problem."""

from __future__ import annotations

import argparse

from relboard.commands.common import err, out
from relboard.store.plan_file import plan_problems


def run(args: argparse.Namespace) -> int:
    failed = False
    for name in args.plans:
        problems = plan_problems(name)
        for problem in problems:
            err(str(problem))
        if problems:
            failed = True
        else:
            out(f"{name}: ok")
    return 2 if failed else 0
