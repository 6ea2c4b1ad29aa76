"""Any plan relboard accepts survives being written as TOML and loaded back, unchanged."""

from datetime import datetime, timedelta, timezone

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relboard.domain import plan_model
from relboard.domain.plan import Category, Phase
from relboard.store.plan_file import load_plan

text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
ids = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
minutes = st.integers(min_value=1, max_value=24 * 60)


@st.composite
def plans(draw) -> plan_model.Plan:
    duration = draw(st.integers(min_value=2, max_value=12 * 60))
    rollback = draw(st.integers(min_value=1, max_value=duration - 1))
    step_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    start = datetime(2026, 12, 5, 22, 0, tzinfo=timezone(timedelta(minutes=draw(st.integers(-12 * 60, 14 * 60)))))
    data = {
        "schema": 1,
        "release": {
            "title": draw(text),
            "environment": draw(text),
            "deployment_model": draw(text),
            "scope": draw(text),
            "category": draw(st.sampled_from(list(Category))).value,
            "change_ref": draw(st.text(max_size=20)),
        },
        "window": {
            "start": start,
            "duration": f"{duration}m",
            "rollback_time": f"{rollback}m",
            "communication_owner": draw(text),
            "validation_owner": draw(text),
            "technical_owner": draw(text),
            "business_owner": draw(text),
            "escalation": draw(st.lists(text, max_size=3)),
        },
        "affected_users": [
            {
                "group": draw(text),
                "impact": draw(text),
                "access_interrupted": draw(st.booleans()),
                "workflows_to_wait": draw(st.lists(text, max_size=2)),
            }
        ],
        "steps": [
            {
                "id": step_id,
                "phase": draw(st.sampled_from(list(Phase))).value,
                "title": draw(text),
                "owner": draw(text),
                "details": draw(st.text(max_size=60)),
                "critical": draw(st.booleans()),
            }
            for step_id in step_ids
        ],
        "rollback": {
            "impact_statement": draw(text),
            "criteria": [
                {"id": "c1", "condition": draw(text), "trips_on": draw(st.lists(st.sampled_from(step_ids), max_size=2))}
            ],
        },
        "known_issues": [
            {"title": draw(text), "workaround": draw(st.text(max_size=30)), "owner": draw(st.text(max_size=20))}
        ],
        "troubleshooting": [{"symptom": draw(text), "checks": draw(st.lists(text, min_size=1, max_size=3))}],
        "notices": {"support_contact": draw(st.text(max_size=20)), "webhook_env": "RELBOARD_WEBHOOK"},
    }
    return plan_model.Plan.model_validate(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans())
def test_a_plan_written_as_toml_loads_back_equal(tmp_path, plan):
    path = tmp_path / "plan.toml"
    document = plan.model_dump(mode="python", by_alias=True, exclude_none=True)
    path.write_bytes(tomli_w.dumps(document).encode("utf-8"))
    loaded = load_plan(path).plan
    assert loaded == plan_model.to_domain(plan)
    assert loaded.window.end - loaded.window.start == plan.window.duration
