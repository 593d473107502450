"""Where responsibility is diffused (`overlaps`) or missing (`gaps`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from itertools import groupby
from operator import attrgetter
from typing import Any

from queries.common import bolt_plans, ix_plans, resolve_plan, task_label
from queries.index import PLAN_TABLE_BUILDERS, TABLE_BUILDERS, Index
from queries.spec import PLAN, Columns, ParamSpec, QuerySpec, Reader, Row, rows_of
from queries.tables import (
    TARGETS_CYPHER,
    TASKS_CYPHER,
    TargetRow,
    TaskRow,
    bolt_targets,
    bolt_tasks,
    ix_targets,
    ix_tasks,
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


def _sibling_groups(tasks: list[TaskRow]) -> list[tuple[str | None, frozenset[str], list[TaskRow]]]:
    """Sibling tasks (same plan, same parent) with the same set of lead departments, two or more."""
    groups: dict[tuple[str, str | None, frozenset[str]], list[TaskRow]] = defaultdict(list)
    for t in tasks:
        if t.leads:
            groups[(t.plan, t.parent, frozenset(t.leads))].append(t)
    return [(parent, leads, sibs) for (_, parent, leads), sibs in groups.items() if len(sibs) >= 2]


#: a row as a tuple in `overlaps` column order, its lists as tuples
OverlapRow = tuple[str, str, str | None, tuple[str, ...], tuple[str, ...], str]


def _overlap_rows(tasks: list[TaskRow], by_id: Mapping[str, TaskRow], mixed: Mixed,
                  siblings: list[tuple[str | None, frozenset[str], list[TaskRow]]], *, titles: dict[str, str],
                  min_leads: int) -> list[OverlapRow]:
    """Rows by kind, then plan, chain, position and tasks (each kind sorted on its own: the kind
    is the first sort key). `tasks`: at least those with more than `min_leads` leads."""
    many: list[tuple[Any, OverlapRow]] = []
    for t in tasks:
        if len(t.leads) > min_leads:
            many.append(((t.plan_title, (t.order,), [t.label]), (
                "many-leads", t.plan_title, None, t.leads, (t.label,), f"{len(t.leads)} lead departments")))
    mixed_rows: list[tuple[Any, OverlapRow]] = []
    for (_, name, plan, chain), (led, supported) in mixed.items():
        title = titles.get(plan, plan)
        labels = [lab for _, lab in sorted(led | supported)]
        mixed_rows.append(((title, chain or "", (name,), labels), (
            "lead-and-support", title, chain, (name,), tuple(labels),
            f"leads {len(led)}, supports {len(supported)} in the chain")))
    same: list[tuple[Any, OverlapRow]] = []
    for parent, leads, sibs in siblings:
        under = by_id[parent].label if parent is not None and parent in by_id else "the plan's top level"
        labels = [s.label for s in sibs]
        same.append(((sibs[0].plan_title, (sibs[0].order,), labels), (
            "same-leads", sibs[0].plan_title, None, tuple(sorted(leads)), tuple(labels),
            f"{len(sibs)} sibling tasks under {under}")))
    rows: list[OverlapRow] = []
    for keyed in (many, mixed_rows, same):
        keyed.sort(key=lambda kr: kr[0])
        rows.extend(r for _, r in keyed)
    return rows


def _overlap_columns(rows: list[OverlapRow]) -> Columns:
    if not rows:
        return tuple(() for _ in OVERLAPS.columns), {}
    return tuple(zip(*rows, strict=True)), {3: True, 4: True}


def _overlap_table(ix: Index, plan: str, rows: list[TaskRow]) -> None:
    """Over every loaded plan, built with the index plan by plan: the tasks with two leads or
    more, the sibling groups with the same leads, the departments leading and supporting in a
    chain of a plan (each is a grouping within one plan)."""
    multi, siblings, mixed = ix.tables.setdefault("overlaps", ([], [], {}))
    multi.extend(t for t in rows if len(t.leads) > 1)
    siblings.extend(_sibling_groups(rows))
    mixed.update(_lead_and_support([t for t in rows if t.chains], ix.dept_name))


PLAN_TABLE_BUILDERS.append(_overlap_table)


def overlaps_columns(ix: Index, p: dict[str, Any]) -> Columns:
    plans = ix_plans(ix)
    plan = resolve_plan(plans, p["plan"])
    if plan is None:
        multi, siblings, mixed = ix.tables.get("overlaps", ([], [], {}))
        tasks = multi if p["min_leads"] >= 1 else ix.rows
    else:
        tasks = ix.rows_of_plan.get(plan, [])
        siblings, mixed = _sibling_groups(tasks), _lead_and_support(tasks, ix.dept_name)
    return _overlap_columns(_overlap_rows(tasks, ix.row, mixed, siblings, titles=dict(plans),
                                          min_leads=p["min_leads"]))


def overlaps_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    return rows_of(OVERLAPS.columns, overlaps_columns(ix, p))


def _lead_and_support(rows: list[TaskRow], name: dict[str, str]) -> Mixed:
    """Departments that lead some tasks of a chain in a plan and support others. Per (plan,
    chain) first the sets of leading and of supporting departments (most pairs have no
    department in both), then the tasks only for the departments in both."""
    groups: dict[tuple[str, str], tuple[set[str], set[str], list[TaskRow]]] = {}
    for t in rows:
        for c in t.chains:
            g = groups.get((t.plan, c))
            if g is None:
                g = groups[(t.plan, c)] = (set(), set(), [])
            g[0].update(t.lead_ids)
            g[1].update(t.support_ids)
            g[2].append(t)
    mixed: Mixed = {}
    for (plan, chain), (leaders, supporters, tasks) in groups.items():
        both = leaders & supporters
        if not both:
            continue
        for t in tasks:
            item = (t.order, t.label)
            for role, ds in ((0, t.lead_ids), (1, t.support_ids)):
                for d in ds:
                    if d in both:
                        key = (d, name[d], plan, chain)
                        if key not in mixed:
                            mixed[key] = (set(), set())
                        mixed[key][role].add(item)
    # as in the Cypher twin: a led task counts only beside a different supported one, and back
    pairs: Mixed = {}
    for key, (led, sup) in mixed.items():
        led2, sup2 = _beside(led, sup), _beside(sup, led)
        if led2 and sup2:
            pairs[key] = (led2, sup2)
    return pairs


def _beside(xs: set[tuple[int, str]], others: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """{x for x in xs if others - {x}}: the x with some other element beside them."""
    if len(others) > 1:
        return xs
    return xs - others if others else set()


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
    rows = _overlap_rows(tasks, {t.id: t for t in tasks}, mixed, _sibling_groups(tasks), titles=dict(plans),
                         min_leads=p["min_leads"])
    return rows_of(OVERLAPS.columns, _overlap_columns(rows))


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
    columnar=overlaps_columns,
)

# -------------------------------------------------------------------------------------- gaps
_plan, _leads = attrgetter("plan"), attrgetter("leads")
_GAP_KINDS = ("leaf-without-lead", "target-without-owner", "target-without-number",
              "target-without-deadline", "chain-without-lead")


def _by_chain(tasks: list[TaskRow]) -> dict[str, list[TaskRow]]:
    by_chain: dict[str, list[TaskRow]] = defaultdict(list)
    for t in tasks:
        for c in t.chains:
            by_chain[c].append(t)
    return by_chain


def _gap_rows(tasks: list[TaskRow], by_chain: Mapping[str, list[TaskRow]], targets: list[TargetRow],
              titles: dict[str, str]) -> list[Row]:
    """Rows by kind, then plan, position, subject (each kind sorted on its own). `by_chain`: the
    tasks naming each chain, in `tasks` order (so each plan's are together)."""
    by_kind: dict[str, list[tuple[Any, Row]]] = {k: [] for k in _GAP_KINDS}

    def add(kind: str, plan: str, subject: str, detail: str, order: int) -> None:
        title = titles.get(plan, plan)
        by_kind[kind].append(((title, order, subject),
                              {"kind": kind, "plan": title, "subject": subject, "detail": detail}))

    for t in tasks:
        if t.children == 0 and not t.owners:
            add("leaf-without-lead", t.plan, t.label, "no lead department on the task or above it", t.order)
    for g in targets:
        task = g.row
        where = task.label if task else "the plan as a whole"
        if not (task.owners if task else ()):
            add("target-without-owner", g.plan, g.text, f"set under {where}, which has no lead department",
                g.order)
        if g.value is None:
            add("target-without-number", g.plan, g.text, f"under {where}", g.order)
        if g.deadline is None and g.cadence is None:
            add("target-without-deadline", g.plan, g.text, f"under {where}; no deadline and no cadence",
                g.order)
    unled = []
    for chain, named in by_chain.items():
        for plan, run in groupby(named, key=_plan):
            ts = list(run)
            if not any(map(_leads, ts)):
                unled.append((plan, chain, ts))
    for plan, chain, ts in sorted(unled, key=lambda x: (x[0], x[1])):
        add("chain-without-lead", plan, chain, "named by " + "、".join(t.label for t in ts), 0)
    rows: list[Row] = []
    for kind in _GAP_KINDS:
        keyed = by_kind[kind]
        keyed.sort(key=lambda kr: kr[0])
        rows.extend(r for _, r in keyed)
    return rows


def _gap_table(ix: Index, plan: str, rows: list[TaskRow]) -> None:
    """What `_gap_rows` reports over every loaded plan, built with the index plan by plan: the
    leaves without an owner, the tasks of each chain the plan names but none of its tasks leads
    (in the rows' order, so `_gap_rows` over these answers as over everything). A first call then
    reads the few thousand candidates, not every task."""
    leaves, unled = ix.tables.setdefault("gaps", ([], {}))
    leaves.extend(t for t in rows if t.children == 0 and not t.owners)
    for chain, ts in _by_chain(rows).items():
        if not any(map(_leads, ts)):
            unled.setdefault(chain, []).extend(ts)


def _gap_targets(ix: Index) -> None:
    """The targets with some gap, in the index's order."""
    ix.tables["gap-targets"] = [
        g for g in ix.target_rows
        if not (g.row.owners if g.row else ()) or g.value is None or (g.deadline is None and g.cadence is None)]


PLAN_TABLE_BUILDERS.append(_gap_table)
TABLE_BUILDERS.append(_gap_targets)


def gaps_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plans = ix_plans(ix)
    plan = resolve_plan(plans, p["plan"])
    if plan is None:
        leaves, unled = ix.tables.get("gaps", ([], {}))
        return _gap_rows(leaves, unled, ix.tables["gap-targets"], dict(plans))
    tasks = ix_tasks(ix, plan)
    return _gap_rows(tasks, _by_chain(tasks), ix_targets(ix, plan), dict(plans))


def gaps_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plans = bolt_plans(read)
    plan = resolve_plan(plans, p["plan"])
    tasks = bolt_tasks(read, plan)
    return _gap_rows(tasks, _by_chain(tasks), bolt_targets(read, plan, tasks), dict(plans))


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
