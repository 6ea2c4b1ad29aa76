"""`relboard schema`: the plan's JSON Schema, for editors that validate TOML as it is typed."""

from __future__ import annotations

import argparse
import json
import sys

from relboard.domain.plan_schema import plan_json_schema


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(plan_json_schema(), indent=2) + "\n")
    return 0
