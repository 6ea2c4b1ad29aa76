"""The graph of waits between steps, against its definition: every wait `edges` lists (self-waits and repeats
dropped), in Kahn's order taking ready steps in plan order, a cycle cut where it closes."""

from __future__ import annotations

import heapq

from hypothesis import given, settings
from hypothesis import strategies as st

from relboard.domain.dependencies import build_graph, edges
from relboard.domain.plan import Plan
from tests.conftest import make_plan


def reference(plan: Plan) -> tuple[list[str], list[tuple[int, ...]], list[int]]:
    """Ids, kept waits and order, made the long way round."""
    ids = list(dict.fromkeys(step.id for step in plan.steps))
    node = {step_id: ids.index(step_id) for step_id in ids}
    waits: list[list[int]] = [[] for _ in ids]
    for edge in edges(plan):
        at, on = node[plan.steps[edge.step].id], node[plan.steps[edge.on].id]
        if at != on and on not in waits[at]:
            waits[at].append(on)
    order: list[int] = []
    ready = [n for n in range(len(ids)) if not waits[n]]
    heapq.heapify(ready)
    while ready:
        n = heapq.heappop(ready)
        order.append(n)
        for later in range(len(ids)):
            if later not in order and later not in ready and all(w in order for w in waits[later]):
                heapq.heappush(ready, later)
    order += [n for n in range(len(ids)) if n not in order]
    kept = [tuple(w for w in waits[n] if order.index(w) < order.index(n)) for n in range(len(ids))]
    return ids, kept, order


def plan_of(afters: list[list[int] | None], ids: list[int]) -> Plan:
    steps = []
    for number, (after, own) in enumerate(zip(afters, ids, strict=True)):
        step: dict = {"id": f"s{own}", "phase": "apply", "title": f"Step {number}", "owner": "Sam"}
        if after is not None:
            step["after"] = [f"s{a}" for a in after]
        steps.append(step)
    return make_plan(steps=steps)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    size = draw(st.integers(1, 9))
    # Mostly distinct ids, sometimes a repeat (the plan rules refuse it; the graph must still be whole).
    ids = draw(st.lists(st.integers(0, size + 1), min_size=size, max_size=size))
    afters = draw(st.lists(st.none() | st.lists(st.integers(0, size + 1), max_size=3), min_size=size, max_size=size))
    return plan_of(afters, ids)


@settings(max_examples=300, deadline=None)
@given(plans())
def test_the_graph_is_its_definition_for_any_waits_forward_backward_or_in_a_cycle(plan):
    ids, kept, order = reference(plan)
    graph = build_graph(plan)
    assert list(graph.ids) == ids
    assert [tuple(p) for p in graph.prereqs] == kept
    assert [tuple(graph.prereqs[n]) for n in range(len(ids))] == kept
    assert len(graph.prereqs) == len(graph.dependents) == len(ids)
    assert list(graph.order) == order
    assert [graph.order.index(n) for n in range(len(ids))] == list(graph.rank)
    dependents = [tuple(n for n in range(len(ids)) if p in kept[n]) for p in range(len(ids))]
    assert [tuple(d) for d in graph.dependents] == dependents
    assert [tuple(graph.dependents[n]) for n in range(len(ids))] == dependents
    assert [graph.plan_index[n] for n in range(len(ids))] == [[s.id for s in plan.steps].index(i) for i in ids]
    assert graph.index == {step_id: node for node, step_id in enumerate(ids)}
    assert plan.positions == {step_id: [s.id for s in plan.steps].index(step_id) for step_id in ids}
    assert all(plan.step(step_id) is plan.steps[plan.positions[step_id]] for step_id in ids)
    if len(ids) == len(plan.steps):  # no repeated id: the plan's map is the graph's, not a copy
        assert graph.index is plan.positions


def test_waits_on_later_steps_are_ordered_after_them():
    graph = build_graph(plan_of([[2], None, []], [0, 1, 2]))
    assert [graph.ids[n] for n in graph.order] == ["s2", "s0", "s1"]
