"""What plans commit to and who is involved: `targets`, `phases`, `enterprises`."""

from __future__ import annotations

from collections import Counter
from typing import Any

from queries.common import (
    bolt_chains,
    bolt_departments,
    bolt_plans,
    by_count_then_name,
    check_chain,
    ix_departments,
    ix_plans,
    resolve_department,
    resolve_plan,
    task_label,
)
from queries.index import TABLE_BUILDERS, Index
from queries.spec import PLAN, Columns, ParamSpec, QuerySpec, Reader, Row, rows_of
from queries.tables import (
    TARGETS_CYPHER,
    TASKS_CYPHER,
    TargetRow,
    bolt_targets,
    bolt_tasks,
)

# ----------------------------------------------------------------------------------- targets


def _target_rows(targets: list[TargetRow], titles: dict[str, str], p: dict[str, Any], *,
                 owner_names: set[str] | None, chain: str | None) -> list[Row]:
    due = p["due"]
    keyed = []
    for g in targets:
        task = g.row
        if due is not None and (g.deadline[: len(due)] > due if g.deadline is not None else g.cadence is None):
            continue
        if owner_names is not None and not (task and owner_names.intersection(task.owners)):
            continue
        if chain is not None and not (task and chain in task.chains):
            continue
        title = titles.get(g.plan, g.plan)
        keyed.append(((title, g.plan, g.order, g.text), {
            "plan": title, "task": task.label if task else None, "target": g.text,
            "value": g.value, "value_max": g.value_max, "unit": g.unit, "comparator": g.comparator,
            "deadline": g.deadline, "cadence": g.cadence, "owners": list(task.owners) if task else [],
            "industries": list(task.chains) if task else [],
        }))
    keyed.sort(key=lambda kr: kr[0])
    return [r for _, r in keyed]


#: one answer row per target, as a tuple in `targets` column order (owners and industries as
#: tuples), in the answer's order (the index's target rows are sorted so): built with the index, a
#: first call only filters and transposes them, without a dict per row or a sort
TargetAnswer = tuple[Any, ...]
_DEADLINE, _CADENCE, _OWNERS, _INDUSTRIES = 7, 8, 9, 10


def _target_table(ix: Index) -> None:
    titles = dict(ix_plans(ix))
    every: list[TargetAnswer] = []
    of_plan: dict[str, list[TargetAnswer]] = {}
    for g in ix.target_rows:
        task = g.row
        a = (titles.get(g.plan, g.plan), task.label if task else None, g.text, g.value, g.value_max, g.unit,
             g.comparator, g.deadline, g.cadence, task.owners if task else (), task.chains if task else ())
        every.append(a)
        of_plan.setdefault(g.plan, []).append(a)
    ix.tables["targets"] = (every, of_plan)


TABLE_BUILDERS.append(_target_table)


def targets_columns(ix: Index, p: dict[str, Any]) -> Columns:
    """`_target_rows` over the index's answer table, column-major."""
    plans = ix_plans(ix)
    plan = resolve_plan(plans, p["plan"])
    names = None
    if p["owner"] is not None:
        names = {ix.dept_name[d] for d in resolve_department(ix_departments(ix), p["owner"])}
    chain = check_chain(ix.chain_names, p["industry"])
    every, of_plan = ix.tables["targets"]
    rows: list[TargetAnswer] = every if plan is None else of_plan.get(plan, [])
    due = p["due"]
    if due is not None:
        n = len(due)
        rows = [a for a in rows if (a[_DEADLINE][:n] <= due if a[_DEADLINE] is not None else a[_CADENCE] is not None)]
    if names is not None:
        rows = [a for a in rows if names.intersection(a[_OWNERS])]
    if chain is not None:
        rows = [a for a in rows if chain in a[_INDUSTRIES]]
    if not rows:
        return tuple(() for _ in TARGETS.columns), {}
    return tuple(zip(*rows, strict=True)), {_OWNERS: True, _INDUSTRIES: True}


def targets_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    return rows_of(TARGETS.columns, targets_columns(ix, p))


def targets_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plans = bolt_plans(read)
    plan = resolve_plan(plans, p["plan"])
    names = None
    if p["owner"] is not None:
        depts = bolt_departments(read, p["owner"])
        ids = set(resolve_department(depts, p["owner"]))
        names = {name for d, name, _, _ in depts if d in ids}
    chain = check_chain(bolt_chains(read), p["industry"]) if p["industry"] is not None else None
    return _target_rows(bolt_targets(read, plan, bolt_tasks(read, plan)), dict(plans), p, owner_names=names,
                        chain=chain)


TARGETS = QuerySpec(
    name="targets",
    question_zh="有哪些量化目标？由谁负责、何时到期、按什么周期考核？",
    question_en="The quantified targets with their owners, deadlines and cadence.",
    params=[ParamSpec("due", "str", None, "only targets due by then (a year or YYYY-MM; recurring ones always)"),
            ParamSpec("owner", "str", None, "only targets this department owns (name or alias)"),
            ParamSpec("industry", "str", None, "only targets of tasks concerning this chain"), PLAN],
    columns=["plan", "task", "target", "value", "value_max", "unit", "comparator", "deadline", "cadence",
             "owners", "industries"],
    column_help={
        "plan": "plan title", "task": "the task it is set under (`number title`)",
        "target": "the target as written", "value": "the number (lower bound of a range)",
        "value_max": "upper bound of a range (1—3名), else empty",
        "unit": "unit (家, 个, 项, 名 …)", "comparator": "`>=` for 以上, else empty",
        "deadline": "year or YYYY-MM it is due (explicit or the plan's end)",
        "cadence": "`每年` and the like for recurring targets",
        "owners": "lead departments of the task (of the nearest ancestor with leads if it has none)",
        "industries": "chains of the task",
    },
    networkx=targets_nx,
    cypher=targets_cypher,
    cypher_text=(TASKS_CYPHER, TARGETS_CYPHER),
    columnar=targets_columns,
)

# ------------------------------------------------------------------------------------ phases
PHASES_CYPHER = """
MATCH (p:Plan)-[:HAS_PHASE]->(f:Phase)
WHERE $plan IS NULL OR p.id = $plan
RETURN p.title AS plan, f.order AS ord, f.name AS phase, f.start AS starts, f.end AS ends
"""


def _phase_rows(rows: list[Row], on: str | None) -> list[Row]:
    if on is not None:
        rows = [r for r in rows if (r["start"] or "")[: len(on)] <= on <= (r["end"] or "9999")[: len(on)]]
    rows.sort(key=lambda r: (r["plan"], r["order"], r["phase"]))
    return rows


def phases_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(ix_plans(ix), p["plan"])
    on = p["on"]
    # the index keeps every loaded plan's phases in this answer's order
    return [{"plan": title, "order": order, "phase": name, "start": start, "end": end}
            for pid, title, order, name, start, end in ix.phase_rows
            if plan in (None, pid) and (on is None or (start or "")[: len(on)] <= on <= (end or "9999")[: len(on)])]


def phases_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    rows = [{"plan": r["plan"] or "", "order": int(r["ord"] or 0), "phase": r["phase"],
             "start": r["starts"], "end": r["ends"]} for r in read(PHASES_CYPHER, {"plan": plan})]
    return _phase_rows(rows, p["on"])


PHASES = QuerySpec(
    name="phases",
    question_zh="各方案分几个实施阶段？某个月份处于哪个阶段？",
    question_en="The implementation phases of each plan, optionally those under way at a given month.",
    params=[ParamSpec("on", "str", None, "only phases under way then (YYYY or YYYY-MM)"), PLAN],
    columns=["plan", "order", "phase", "start", "end"],
    column_help={"plan": "plan title", "order": "0, 1, … in the plan", "phase": "phase name",
                 "start": "YYYY-MM it starts", "end": "YYYY-MM it ends"},
    networkx=phases_nx,
    cypher=phases_cypher,
    cypher_text=(PHASES_CYPHER,),
    example={"on": "2022-06"},
)

# ------------------------------------------------------------------------------- enterprises
ENTERPRISES_CYPHER = """
MATCH (t:Task)-[:INVOLVES]->(e:Enterprise)
WHERE $plan IS NULL OR t.plan = $plan
RETURN e.name AS enterprise, t.plan AS plan, t.order AS ord, t.number AS number, t.title AS title,
       [(t)-[:CONCERNS]->(i:Industry) | i.name] AS chains,
       [(d:Department)-[:LEADS]->(t) | d.name] AS leads
"""

# (chain or "", enterprise) -> task key -> (label, leads)
Involved = dict[tuple[str, str], dict[tuple[str, int], tuple[str, tuple[str, ...]]]]


def _enterprise_rows(inv: Involved, chain: str | None) -> list[Row]:
    rows = []
    for (ch, name), tasks in inv.items():
        if chain is not None and ch != chain:
            continue
        leads: Counter[str] = Counter()
        for _, ls in tasks.values():
            leads.update(set(ls))
        rows.append({"industry": ch or None, "enterprise": name,
                     "tasks": [lab for _, (lab, _) in sorted(tasks.items())],
                     "leads": by_count_then_name(dict(leads))})
    rows.sort(key=lambda r: (r["industry"] or "", r["enterprise"]))
    return rows


def _involve(inv: Involved, name: str, chains: list[str], *, key: tuple[str, int], label: str,
             leads: tuple[str, ...]) -> None:
    for ch in chains or [""]:
        inv.setdefault((ch, name), {})[key] = (label, leads)


def enterprises_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(ix_plans(ix), p["plan"])
    chain = check_chain(ix.chain_names, p["industry"])
    inv: Involved = {}
    for t in ix.involving if plan is None else ix.rows_of_plan.get(plan, []):
        for name in t.enterprises:
            _involve(inv, name, list(t.chains), key=(t.plan, t.order), label=t.label, leads=t.leads)
    return _enterprise_rows(inv, chain)


def enterprises_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    chain = check_chain(bolt_chains(read), p["industry"]) if p["industry"] is not None else None
    inv: Involved = {}
    for r in read(ENTERPRISES_CYPHER, {"plan": plan}):
        _involve(inv, r["enterprise"], sorted(set(r["chains"] or [])), key=(r["plan"], int(r["ord"] or 0)),
                 label=task_label(r["number"], r["title"]), leads=tuple(r["leads"] or []))
    return _enterprise_rows(inv, chain)


ENTERPRISES = QuerySpec(
    name="enterprises",
    question_zh="哪些企业参与哪条产业链的任务？由哪些部门牵头？",
    question_en="Which enterprises are involved in which chain's tasks, and which departments lead them?",
    params=[ParamSpec("industry", "str", None, "only this industry chain"), PLAN],
    columns=["industry", "enterprise", "tasks", "leads"],
    column_help={"industry": "the chain (empty: the tasks name no chain)", "enterprise": "enterprise name",
                 "tasks": "tasks involving it in the chain, `number title`",
                 "leads": "lead departments of those tasks, most tasks first"},
    networkx=enterprises_nx,
    cypher=enterprises_cypher,
    cypher_text=(ENTERPRISES_CYPHER,),
)
