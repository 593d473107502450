"""Per-task and per-target tables, read from either store, for the entries that reason over the
task tree (overlaps, gaps, targets): the tree walk itself is Python, the same on both stores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from queries.common import num, task_label
from queries.index import Index
from queries.spec import Reader

TASKS_CYPHER = """
MATCH (p:Plan)-[:HAS_TASK]->(t:Task)
WHERE $plan IS NULL OR p.id = $plan
RETURN p.id AS plan, p.title AS plan_title, t.id AS id, t.parent AS parent, t.order AS ord,
       t.number AS number, t.title AS title,
       [(d:Department)-[r:LEADS]->(t) | [r.rank, d.name]] AS leads,
       size([(t)-[:SUBTASK]->(c:Task) | c.id]) AS children,
       [(t)-[:CONCERNS]->(i:Industry) | i.name] AS chains
"""
TARGETS_CYPHER = """
MATCH (g:Target)
WHERE $plan IS NULL OR g.plan = $plan
RETURN g.plan AS plan, g.task AS task, g.order AS ord, g.text AS text, g.value AS value,
       g.value_max AS value_max, g.unit AS unit, g.comparator AS comparator,
       g.deadline AS deadline, g.cadence AS cadence
"""


@dataclass(frozen=True)
class TaskRow:
    plan: str
    plan_title: str
    id: str
    parent: str | None
    order: int
    label: str
    leads: tuple[str, ...]  # names, by rank
    children: int
    chains: tuple[str, ...]  # sorted


@dataclass(frozen=True)
class TargetRow:
    plan: str
    task: str | None
    order: int
    text: str
    value: float | None
    value_max: float | None
    unit: str | None
    comparator: str | None
    deadline: str | None
    cadence: str | None


def _sorted(rows: list[TaskRow]) -> list[TaskRow]:
    return sorted(rows, key=lambda r: (r.plan_title, r.plan, r.order))


def ix_tasks(ix: Index, plan: str | None) -> list[TaskRow]:
    out = []
    for t in ix.plan_tasks(plan):
        a = ix.tasks[t]
        out.append(TaskRow(
            a.get("plan", ""), ix.plans[a["plan"]].get("title", ""), t, a.get("parent"),
            a.get("order", 0), task_label(a.get("number"), a.get("title")),
            tuple(ix.depts[d]["name"] for d in ix.leads.get(t, [])), len(ix.children.get(t, [])),
            tuple(ix.chains.get(t, [])),
        ))
    return _sorted(out)


def bolt_tasks(read: Reader, plan: str | None) -> list[TaskRow]:
    out = []
    for r in read(TASKS_CYPHER, {"plan": plan}):
        leads = tuple(name for _, name in sorted((int(k or 0), n) for k, n in (r["leads"] or [])))
        out.append(TaskRow(
            r["plan"], r["plan_title"] or "", r["id"], r["parent"], int(r["ord"] or 0),
            task_label(r["number"], r["title"]), leads, int(r["children"] or 0),
            tuple(sorted(set(r["chains"] or []))),
        ))
    return _sorted(out)


def ix_targets(ix: Index, plan: str | None) -> list[TargetRow]:
    out = [_target(a, a.get("order")) for a in ix.targets.values() if plan in (None, a.get("plan"))]
    return sorted(out, key=lambda g: (g.plan, g.order, g.text))


def bolt_targets(read: Reader, plan: str | None) -> list[TargetRow]:
    out = [_target(r, r["ord"]) for r in read(TARGETS_CYPHER, {"plan": plan})]
    return sorted(out, key=lambda g: (g.plan, g.order, g.text))


def _target(a: Mapping[str, Any], order: Any) -> TargetRow:
    deadline = a.get("deadline")
    return TargetRow(a.get("plan") or "", a.get("task"), int(order or 0), a.get("text") or "",
                     num(a.get("value")), num(a.get("value_max")), a.get("unit"), a.get("comparator"),
                     None if deadline is None else str(deadline), a.get("cadence"))


def owners(tasks: list[TaskRow]) -> dict[str, tuple[str, ...]]:
    """Who answers for each task: its own leads, else the nearest ancestor's (an action-level
    annotation such as 行动 5's covers the sub-tasks that carry none)."""
    by_id = {t.id: t for t in tasks}
    out: dict[str, tuple[str, ...]] = {}
    for t in tasks:
        cur: TaskRow | None = t
        while cur is not None and not cur.leads:
            cur = by_id.get(cur.parent) if cur.parent else None
        out[t.id] = cur.leads if cur is not None else ()
    return out
