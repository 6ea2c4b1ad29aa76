"""Which steps wait on which: the plan's `after` lists, resolved.

A step without `after` follows the step before it in the plan (a checklist is sequential unless it
says otherwise); `after = []` lets it start at any time. Steps are numbered in plan order (the first
step of a duplicated id wins, as in `Plan.step`), and every list here is indexed by that number.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from itertools import accumulate

from msgspec import Struct

from relboard.domain.events import StepStatus
from relboard.domain.plan import Plan

# A settled step lets the steps that wait on it go ahead: passed, or deliberately skipped.
SETTLED = frozenset((StepStatus.PASS, StepStatus.SKIP))


class Readiness(StrEnum):
    WAITING = "waiting"
    READY = "ready"
    IN_PROGRESS = "in-progress"
    DONE = "done"


class Edge(Struct, frozen=True):
    """`step` waits on `on`: written in its `after` list at `position`, or implied (position None)."""

    step: int  # index in plan.steps
    on: int
    position: int | None


class Adjacency:
    """Each node's neighbours (its waits, or the steps waiting on it), packed in two arrays of ints.

    A graph lives as long as the board: as a tuple per node, a 5,000-step plan's two lists cost about a
    megabyte of small objects."""

    __slots__ = ("_flat", "_starts")

    def __init__(self, lists: Iterable[Iterable[int]]) -> None:
        self._flat = flat = array("i")
        self._starts = starts = array("i", [0])
        for own in lists:
            flat.extend(own)
            starts.append(len(flat))

    @classmethod
    def reversed_of(cls, forward: Adjacency) -> Adjacency:
        """For each node, the nodes that list it, in node order."""
        count = len(forward)
        sizes = [0] * (count + 1)
        for target in forward._flat:
            sizes[target + 1] += 1
        starts = array("i", accumulate(sizes))
        flat = array("i", [0]) * len(forward._flat)
        free = starts.tolist()
        for node in range(count):
            for target in forward[node]:
                flat[free[target]] = node
                free[target] += 1
        made = cls.__new__(cls)
        made._flat, made._starts = flat, starts
        return made

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, node: int) -> Sequence[int]:
        if not 0 <= node < len(self._starts) - 1:
            raise IndexError(node)
        return self._flat[self._starts[node] : self._starts[node + 1]]

    def __iter__(self) -> Iterator[Sequence[int]]:
        flat, starts = self._flat, self._starts
        return (flat[starts[node] : starts[node + 1]] for node in range(len(starts) - 1))


class Graph(Struct, frozen=True):
    ids: tuple[str, ...]  # one per distinct step id, in plan order
    index: dict[str, int]
    plan_index: Sequence[int]  # where each node's step sits in plan.steps
    prereqs: Adjacency
    dependents: Adjacency
    order: Sequence[int]  # prerequisites before the steps that wait on them
    rank: Sequence[int]  # each node's place in `order`


def edges(plan: Plan) -> list[Edge]:
    """Every wait between steps that exist, by index in plan.steps; unknown ids are left to the rules."""
    first: dict[str, int] = {}
    for number, step in enumerate(plan.steps):
        first.setdefault(step.id, number)
    found: list[Edge] = []
    for number, step in enumerate(plan.steps):
        if step.after is None:
            if number > 0:
                found.append(Edge(number, first[plan.steps[number - 1].id], None))
            continue
        for position, step_id in enumerate(step.after):
            target = first.get(step_id)
            if target is not None:
                found.append(Edge(number, target, position))
    return found


def build_graph(plan: Plan) -> Graph:
    """The resolved graph. Self-waits and duplicate waits are dropped; a cycle (which the plan rules
    refuse) is cut so that every step still has a place in `order`."""
    # The waits of `edges`, read in one pass over the plan: a 50,000-step plan's graph is built on every open.
    index = plan.positions
    plan_index: Sequence[int]
    node_of_step: Sequence[int]
    if len(index) == len(plan.steps):
        # No id repeats (as plans are written): a step's node is its place in the plan, and the plan's own
        # map of ids is the graph's, not a copy of it.
        ids = [step.id for step in plan.steps]
        plan_index = node_of_step = range(len(ids))
    else:
        ids, index, firsts, nodes = [], {}, array("i"), array("i")
        for number, step in enumerate(plan.steps):
            node = index.get(step.id)
            if node is None:
                node = index[step.id] = len(ids)
                ids.append(step.id)
                firsts.append(number)
            nodes.append(node)
        plan_index, node_of_step = firsts, nodes
    prereqs: list[list[int]] = [[] for _ in ids]
    backward = True
    for number, step in enumerate(plan.steps):
        node = node_of_step[number]
        own = prereqs[node]
        if step.after is None:
            waits = [node_of_step[number - 1]] if number else []
        else:
            waits = [index[step_id] for step_id in step.after if step_id in index]
        for on in waits:
            if on != node and on not in own:
                own.append(on)
                backward = backward and on < node
    if backward:
        # Every step waits only on steps listed before it (as plans are written): plan order is Kahn's
        # order, and there is no cycle to cut.
        order: Sequence[int] = range(len(ids))
        rank: Sequence[int] = order
        kept = Adjacency(prereqs)
    else:
        order = array("i", _topological(prereqs))
        rank = placed = array("i", [0]) * len(ids)
        for position, node in enumerate(order):
            placed[node] = position
        # Waits that point forward in `order` only exist inside a cycle: cut them.
        kept = Adjacency([p for p in prereqs[node] if placed[p] < placed[node]] for node in range(len(ids)))
    return Graph(
        ids=tuple(ids),
        index=index,
        plan_index=plan_index,
        prereqs=kept,
        dependents=Adjacency.reversed_of(kept),
        order=order,
        rank=rank,
    )


def _topological(prereqs: list[list[int]]) -> list[int]:
    """Kahn's order, taking ready steps in plan order; steps caught in a cycle follow in plan order."""
    import heapq

    waiting = [len(p) for p in prereqs]
    dependents: list[list[int]] = [[] for _ in prereqs]
    for node, own in enumerate(prereqs):
        for p in own:
            dependents[p].append(node)
    ready = [node for node, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for d in dependents[node]:
            waiting[d] -= 1
            if waiting[d] == 0:
                heapq.heappush(ready, d)
    if len(order) < len(prereqs):
        seen = set(order)
        order += [node for node in range(len(prereqs)) if node not in seen]
    return order


def find_cycles(plan: Plan) -> list[list[Edge]]:
    """Cycles of waits between distinct steps, each as its edges in order; each cycle found once."""
    waits: dict[int, list[Edge]] = {}
    for edge in edges(plan):
        if edge.step != edge.on:
            waits.setdefault(edge.step, []).append(edge)
    state = [0] * len(plan.steps)  # 0 unseen, 1 on the current path, 2 finished
    cycles: list[list[Edge]] = []
    for root in range(len(plan.steps)):
        if state[root]:
            continue
        # nodes[k] is the k-th step on the current path and path[k] the wait from it to nodes[k + 1].
        nodes: list[int] = [root]
        path: list[Edge] = []
        cursor: list[int] = [0]
        state[root] = 1
        while nodes:
            node = nodes[-1]
            out = waits.get(node, [])
            if cursor[-1] == len(out):
                state[node] = 2
                nodes.pop()
                cursor.pop()
                if path:
                    path.pop()
                continue
            edge = out[cursor[-1]]
            cursor[-1] += 1
            if state[edge.on] == 1:
                cycles.append([*path[nodes.index(edge.on) :], edge])
            elif state[edge.on] == 0:
                state[edge.on] = 1
                nodes.append(edge.on)
                path.append(edge)
                cursor.append(0)
    return cycles


def readiness_of(status: StepStatus, in_progress: bool, prerequisites_settled: bool) -> Readiness:
    if status in SETTLED:
        return Readiness.DONE
    if in_progress:
        return Readiness.IN_PROGRESS
    return Readiness.READY if prerequisites_settled else Readiness.WAITING


def prerequisites_of(plan: Plan, step_id: str) -> tuple[str, ...]:
    """The steps `step_id` waits on, without building the whole graph (one step at a time: a key press)."""
    previous: str | None = None
    for step in plan.steps:
        if step.id == step_id:
            if step.after is None:
                return (previous,) if previous is not None and previous != step_id else ()
            known = {s.id for s in plan.steps}
            return tuple(dict.fromkeys(s for s in step.after if s in known and s != step_id))
        previous = step.id
    return ()
