"""Where responsibility is diffused (`overlaps`) or missing (`gaps`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from queries.common import bolt_plans, ix_plans, resolve_plan, task_label
from queries.index import Index
from queries.spec import PLAN, ParamSpec, QuerySpec, Reader, Row
from queries.tables import (
    TARGETS_CYPHER,
    TASKS_CYPHER,
    TargetRow,
    TaskRow,
    bolt_targets,
    bolt_tasks,
    ix_targets,
    ix_tasks,
    owners,
)

# ---------------------------------------------------------------------------------- overlaps
LEAD_AND_SUPPORT_CYPHER = """
MATCH (d:Department)-[:LEADS]->(t1:Task)-[:CONCERNS]->(i:Industry)<-[:CONCERNS]-(t2:Task)<-[:SUPPORTS]-(d)
WHERE t1.id <> t2.id AND t1.plan = t2.plan AND ($plan IS NULL OR t1.plan = $plan)
RETURN t1.plan AS plan, i.name AS industry, d.id AS dept, d.name AS name,
       collect([t1.order, t1.number, t1.title]) AS led,
       collect([t2.order, t2.number, t2.title]) AS supported
"""

# department id, name, plan, chain -> (led, supported) as sets of (order, label)
Mixed = dict[tuple[str, str, str, str], tuple[set[tuple[int, str]], set[tuple[int, str]]]]

_KINDS = ("many-leads", "lead-and-support", "same-leads")


def _overlap_rows(tasks: list[TaskRow], by_id: Mapping[str, TaskRow], mixed: Mixed, titles: dict[str, str],
                  min_leads: int) -> list[Row]:
    rows: list[Row] = []
    for t in tasks:
        if len(t.leads) > min_leads:
            rows.append({"kind": "many-leads", "plan": t.plan_title, "industry": None,
                         "departments": list(t.leads), "tasks": [t.label],
                         "detail": f"{len(t.leads)} lead departments", "_o": (t.order,)})
    for (_, name, plan, chain), (led, supported) in mixed.items():
        rows.append({"kind": "lead-and-support", "plan": titles.get(plan, plan), "industry": chain,
                     "departments": [name], "tasks": [lab for _, lab in sorted(led | supported)],
                     "detail": f"leads {len(led)}, supports {len(supported)} in the chain",
                     "_o": (name,)})
    groups: dict[tuple[str, str | None, tuple[str, ...]], list[TaskRow]] = defaultdict(list)
    for t in tasks:
        if t.leads:
            groups[(t.plan, t.parent, tuple(sorted(set(t.leads))))].append(t)
    for (_, parent, leads), sibs in groups.items():
        if len(sibs) < 2:
            continue
        under = by_id[parent].label if parent is not None and parent in by_id else "the plan's top level"
        rows.append({"kind": "same-leads", "plan": sibs[0].plan_title, "industry": None,
                     "departments": list(leads), "tasks": [s.label for s in sibs],
                     "detail": f"{len(sibs)} sibling tasks under {under}", "_o": (sibs[0].order,)})
    rows.sort(key=lambda r: (_KINDS.index(r["kind"]), r["plan"], r["industry"] or "", r["_o"], r["tasks"]))
    for r in rows:
        del r["_o"]
    return rows


def overlaps_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plans = ix_plans(ix)
    plan = resolve_plan(plans, p["plan"])
    mixed: Mixed = {}
    name = ix.dept_name
    for t in ix.chained if plan is None else ix.rows_of_plan.get(plan, []):
        item = (t.order, t.label)
        for role, ds in ((0, t.lead_ids), (1, t.support_ids)):
            for d in ds:
                for chain in t.chains:
                    key = (d, name[d], t.plan, chain)
                    if key not in mixed:
                        mixed[key] = (set(), set())
                    mixed[key][role].add(item)
    # as in the Cypher twin: a led task counts only beside a different supported one, and back
    pairs: Mixed = {}
    for key, (led, sup) in mixed.items():
        led2 = {a for a in led if sup - {a}}
        sup2 = {b for b in sup if led - {b}}
        if led2 and sup2:
            pairs[key] = (led2, sup2)
    mixed = pairs
    return _overlap_rows(ix_tasks(ix, plan), ix.row, mixed, dict(plans), p["min_leads"])


def overlaps_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plans = bolt_plans(read)
    plan = resolve_plan(plans, p["plan"])
    mixed: Mixed = {}
    for r in read(LEAD_AND_SUPPORT_CYPHER, {"plan": plan}):
        led = {(int(o or 0), task_label(n, t)) for o, n, t in r["led"]}
        sup = {(int(o or 0), task_label(n, t)) for o, n, t in r["supported"]}
        key = (r["dept"], r["name"], r["plan"], r["industry"])
        old = mixed.setdefault(key, (set(), set()))
        old[0].update(led)
        old[1].update(sup)
    tasks = bolt_tasks(read, plan)
    return _overlap_rows(tasks, {t.id: t for t in tasks}, mixed, dict(plans), p["min_leads"])


OVERLAPS = QuerySpec(
    name="overlaps",
    question_zh="哪些地方责任分散：牵头部门过多、同链既牵头又配合、并列任务牵头部门完全相同？",
    question_en="Where is responsibility diffused: tasks with more than `min_leads` leads, departments "
                "leading and supporting in the same chain, sibling tasks with identical lead sets?",
    params=[ParamSpec("min_leads", "int", 2, "report tasks with MORE than this many leads"), PLAN],
    columns=["kind", "plan", "industry", "departments", "tasks", "detail"],
    column_help={
        "kind": "`many-leads` (a task with more than min_leads leads), `lead-and-support` (a department "
                "leads some tasks of a chain and supports others), `same-leads` (sibling tasks whose "
                "lead sets are identical)",
        "plan": "plan title",
        "industry": "the chain (lead-and-support rows only)",
        "departments": "the departments concerned (many-leads: in the order written)",
        "tasks": "the tasks concerned, `number title`",
        "detail": "a short explanation",
    },
    networkx=overlaps_nx,
    cypher=overlaps_cypher,
    cypher_text=(TASKS_CYPHER, LEAD_AND_SUPPORT_CYPHER),
)

# -------------------------------------------------------------------------------------- gaps
_GAP_KINDS = ("leaf-without-lead", "target-without-owner", "target-without-number",
              "target-without-deadline", "chain-without-lead")


def _gap_rows(tasks: list[TaskRow], by_id: Mapping[str, TaskRow], owner: Mapping[str, tuple[str, ...]],
             targets: list[TargetRow], titles: dict[str, str]) -> list[Row]:
    rows: list[Row] = []

    def add(kind: str, plan: str, subject: str, detail: str, order: int) -> None:
        rows.append({"kind": kind, "plan": titles.get(plan, plan), "subject": subject,
                     "detail": detail, "_o": order})

    for t in tasks:
        if t.children == 0 and not owner[t.id]:
            add("leaf-without-lead", t.plan, t.label, "no lead department on the task or above it", t.order)
    for g in targets:
        task = by_id.get(g.task) if g.task else None
        where = task.label if task else "the plan as a whole"
        if not (owner.get(g.task, ()) if g.task else ()):
            add("target-without-owner", g.plan, g.text, f"set under {where}, which has no lead department",
                g.order)
        if g.value is None:
            add("target-without-number", g.plan, g.text, f"under {where}", g.order)
        if g.deadline is None and g.cadence is None:
            add("target-without-deadline", g.plan, g.text, f"under {where}; no deadline and no cadence",
                g.order)
    chains: dict[tuple[str, str], list[TaskRow]] = defaultdict(list)
    for t in tasks:
        for c in t.chains:
            chains[(t.plan, c)].append(t)
    for (plan, chain), ts in sorted(chains.items()):
        if not any(t.leads for t in ts):
            add("chain-without-lead", plan, chain, "named by " + "、".join(t.label for t in ts), 0)
    rows.sort(key=lambda r: (_GAP_KINDS.index(r["kind"]), r["plan"], r["_o"], r["subject"]))
    for r in rows:
        del r["_o"]
    return rows


def gaps_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plans = ix_plans(ix)
    plan = resolve_plan(plans, p["plan"])
    return _gap_rows(ix_tasks(ix, plan), ix.row, ix.owner, ix_targets(ix, plan), dict(plans))


def gaps_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plans = bolt_plans(read)
    plan = resolve_plan(plans, p["plan"])
    tasks = bolt_tasks(read, plan)
    return _gap_rows(tasks, {t.id: t for t in tasks}, owners(tasks), bolt_targets(read, plan), dict(plans))


GAPS = QuerySpec(
    name="gaps",
    question_zh="哪些地方无人负责：无牵头的末级任务、无责任部门或缺数值/期限的目标、无人牵头的产业链？",
    question_en="Where is responsibility missing: leaf tasks without a lead, targets without an owner, "
                "a number or a deadline, industry chains no task leads?",
    params=[PLAN],
    columns=["kind", "plan", "subject", "detail"],
    column_help={
        "kind": "`leaf-without-lead`, `target-without-owner`, `target-without-number`, "
                "`target-without-deadline` (neither deadline nor cadence), `chain-without-lead`",
        "plan": "plan title",
        "subject": "the task, target text or chain",
        "detail": "where it sits and why it is a gap",
    },
    networkx=gaps_nx,
    cypher=gaps_cypher,
    cypher_text=(TASKS_CYPHER, TARGETS_CYPHER),
)
