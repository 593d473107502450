"""Per-task and per-target tables, read from either store, for the entries that reason over the
task tree (overlaps, gaps, targets): the tree walk itself is Python, the same on both stores."""

from __future__ import annotations

from queries.facts import TargetRow, TaskRow, owners, target_row, task_label
from queries.index import Index
from queries.spec import Reader

__all__ = ["TARGETS_CYPHER", "TASKS_CYPHER", "TargetRow", "TaskRow", "bolt_targets", "bolt_tasks",
           "ix_targets", "ix_tasks", "owners"]

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


def _sorted(rows: list[TaskRow]) -> list[TaskRow]:
    return sorted(rows, key=lambda r: (r.plan_title, r.plan, r.order))


def ix_tasks(ix: Index, plan: str | None) -> list[TaskRow]:
    """The index's rows, built once per store version (shared: read, don't mutate)."""
    return ix.task_rows(plan)


def bolt_tasks(read: Reader, plan: str | None) -> list[TaskRow]:
    """The task rows of the plan(s) with their owners, as the index has them."""
    out = []
    for r in read(TASKS_CYPHER, {"plan": plan}):
        leads = tuple(name for _, name in sorted((int(k or 0), n) for k, n in (r["leads"] or [])))
        out.append(TaskRow(
            r["plan"], r["plan_title"] or "", r["id"], r["parent"], int(r["ord"] or 0),
            task_label(r["number"], r["title"]), leads, int(r["children"] or 0),
            tuple(sorted(set(r["chains"] or []))),
        ))
    own = owners(out)
    return _sorted([t._replace(owners=own[t.id]) for t in out])


def ix_targets(ix: Index, plan: str | None) -> list[TargetRow]:
    """The index's target rows, by plan title, plan, order, text (shared: read, don't mutate)."""
    return ix.target_rows if plan is None else ix.target_rows_of_plan.get(plan, [])


def bolt_targets(read: Reader, plan: str | None, tasks: list[TaskRow]) -> list[TargetRow]:
    """The targets of the plan(s), each with its task among `tasks` (bolt_tasks of the same plan)."""
    by_id = {t.id: t for t in tasks}
    out = [target_row(r, r["ord"], by_id.get(r["task"] or "")) for r in read(TARGETS_CYPHER, {"plan": plan})]
    return sorted(out, key=lambda g: (g.plan, g.order, g.text))
