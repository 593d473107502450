"""One department's view: its portfolio (`department`), who it works with (`partners`) and how its
role differs across plans (`compare`). Names resolve through canonical names and aliases."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, NamedTuple

from queries.common import (
    bolt_departments,
    bolt_plans,
    ix_departments,
    ix_plans,
    resolve_department,
    resolve_plan,
    task_label,
)
from queries.index import Index
from queries.spec import PLAN, Columns, QuerySpec, Reader, Row, required, rows_of

ROLE = {"LEADS": "lead", "SUPPORTS": "support"}

# One department's roles with what each task concerns and commits to; `department` and
# `compare` shape their rows from these facts.
ROLES_CYPHER = """
MATCH (d:Department)-[r:LEADS|SUPPORTS]->(t:Task)
WHERE d.id IN $ids AND ($plan IS NULL OR t.plan = $plan)
RETURN d.id AS dept, d.name AS name, d.place AS place, t.plan AS plan, type(r) AS role,
       t.order AS ord, t.number AS number, t.title AS title,
       [(t)-[:CONCERNS]->(i:Industry) | i.name] AS chains,
       [(t)-[:HAS_TARGET]->(g:Target) | [g.order, g.text]] AS targets,
       [(o:Department)-[q:LEADS]->(t) | [q.rank, o.name]] AS leads
"""


class RoleFact(NamedTuple):
    dept: str
    name: str
    place: str
    plan: str
    role: str  # lead / support
    order: int
    task: str  # label
    chains: tuple[str, ...]
    targets: tuple[str, ...]  # in document order
    leads: tuple[str, ...]  # every lead of the task, in the order written


def _facts_ix(ix: Index, ids: list[str], plan: str | None) -> list[RoleFact]:
    out = []
    row = ix.row
    for d in ids:
        name, place = ix.dept_name[d], ix.dept_place[d]
        for role, tasks in (("lead", ix.led.get(d, [])), ("support", ix.supported.get(d, []))):
            for tid in tasks:
                t = row[tid]
                if plan is None or t.plan == plan:
                    out.append(RoleFact(d, name, place, t.plan, role, t.order, t.label, t.chains, t.targets,
                                        t.leads))
    return out


def _facts_bolt(read: Reader, ids: list[str], plan: str | None) -> list[RoleFact]:
    out = []
    for r in read(ROLES_CYPHER, {"ids": ids, "plan": plan}):
        targets = sorted((int(o or 0), text) for o, text in (r["targets"] or []))
        out.append(RoleFact(
            r["dept"], r["name"], r["place"] or "-", r["plan"], ROLE[r["role"]],
            int(r["ord"] or 0), task_label(r["number"], r["title"]),
            tuple(sorted(set(r["chains"] or []))), tuple(text for _, text in targets),
            tuple(n for _, n in sorted((int(k or 0), n) for k, n in (r["leads"] or []))),
        ))
    return out


# -------------------------------------------------------------------------------- department
def _department_rows(facts: list[RoleFact], titles: dict[str, str]) -> list[Row]:
    facts = sorted(facts, key=lambda f: (f.place, f.name, titles.get(f.plan, f.plan), f.plan, f.role, f.order))
    return [{
        "department": f.name, "place": f.place, "plan": titles.get(f.plan, f.plan), "role": f.role,
        "task": f.task, "with": [n for n in f.leads if n != f.name], "industries": list(f.chains),
        "targets": list(f.targets) if f.role == "lead" else [],
    } for f in facts]


def department_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plans = ix_plans(ix)
    plan = resolve_plan(plans, p["plan"])
    ids = resolve_department(ix_departments(ix), p["name"])
    return _department_rows(_facts_ix(ix, ids, plan), dict(plans))


def department_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plans = bolt_plans(read)
    plan = resolve_plan(plans, p["plan"])
    ids = resolve_department(bolt_departments(read, p["name"]), p["name"])
    return _department_rows(_facts_bolt(read, ids, plan), dict(plans))


DEPARTMENT = QuerySpec(
    name="department",
    question_zh="某部门牵头和配合哪些任务？涉及哪些产业链、负责哪些目标？",
    question_en="What does one department lead and support, in which chains, owning which targets?",
    params=[required("name", "str", "the department, canonical name or any alias (e.g. 教科体局)"), PLAN],
    columns=["department", "place", "plan", "role", "task", "with", "industries", "targets"],
    column_help={
        "department": "canonical name",
        "place": "the department's place",
        "plan": "title of the plan the task belongs to",
        "role": "`lead` or `support`",
        "task": "the task as `number title`",
        "with": "the task's (other) lead departments, in the order written",
        "industries": "industry chains the task concerns",
        "targets": "the task's quantified targets, which this department owns (lead rows only)",
    },
    networkx=department_nx,
    cypher=department_cypher,
    cypher_text=(ROLES_CYPHER,),
    example={"name": "金融办"},
)

# ---------------------------------------------------------------------------------- partners
PARTNERS_CYPHER = """
MATCH (d:Department)-[r1:LEADS|SUPPORTS]->(t:Task)<-[r2:LEADS|SUPPORTS]-(e:Department)
WHERE d.id IN $ids AND NOT e.id IN $ids AND ($plan IS NULL OR t.plan = $plan)
RETURN e.name AS partner, e.place AS place, e.collective AS collective, t.id AS task,
       t.plan AS plan, t.order AS ord, t.number AS number, t.title AS title,
       type(r1) AS mine, type(r2) AS theirs
"""

_PAIR_COLUMN = {("lead", "lead"): "both_lead", ("lead", "support"): "we_lead_they_support",
                ("support", "lead"): "we_support_they_lead", ("support", "support"): "both_support"}

# partner (name, place, collective) -> task id -> (sort key, label, my role, their role)
Shared = dict[tuple[str, str, bool], dict[str, tuple[tuple[str, int], str, str, str]]]


def _strongest(a: str, b: str) -> str:
    return "lead" if "lead" in (a, b) else "support"


def _partner_rows(shared: Shared) -> list[Row]:
    rows = []
    for (name, place, collective), tasks in shared.items():
        row: Row = {"partner": name, "place": place, "collective": collective,
                    "shared_tasks": len(tasks), **dict.fromkeys(_PAIR_COLUMN.values(), 0)}
        for _, _, mine, theirs in tasks.values():
            row[_PAIR_COLUMN[(mine, theirs)]] += 1
        row["tasks"] = [lab for _, lab, _, _ in sorted(tasks.values())]
        rows.append(row)
    rows.sort(key=lambda r: (-r["shared_tasks"], -r["both_lead"], r["collective"], r["partner"],
                             r["place"]))
    return rows


def _add(shared: Shared, key: tuple[str, str, bool], task: str,
         item: tuple[tuple[str, int], str, str, str]) -> None:
    old = shared[key].get(task)
    if old is not None:  # a department listed twice on one task: its strongest role counts
        item = (item[0], item[1], _strongest(old[2], item[2]), _strongest(old[3], item[3]))
    shared[key][task] = item


def partners_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(ix_plans(ix), p["plan"])
    ids = resolve_department(ix_departments(ix), p["name"])
    mine_ids = set(ids)
    shared: Shared = defaultdict(dict)
    keys: dict[str, tuple[str, str, bool]] = {}
    for d in ids:
        for mine, tasks in (("lead", ix.led.get(d, [])), ("support", ix.supported.get(d, []))):
            for tid in tasks:
                t = ix.row[tid]
                if plan is not None and t.plan != plan:
                    continue
                for theirs, others in (("lead", t.lead_ids), ("support", t.support_ids)):
                    for e in others:
                        if e in mine_ids:
                            continue
                        key = keys.get(e)
                        if key is None:
                            key = keys[e] = (ix.dept_name[e], ix.dept_place[e], bool(ix.depts[e].get("collective")))
                        _add(shared, key, tid, ((t.plan, t.order), t.label, mine, theirs))
    return _partner_rows(shared)


def partners_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    ids = resolve_department(bolt_departments(read, p["name"]), p["name"])
    shared: Shared = defaultdict(dict)
    for r in read(PARTNERS_CYPHER, {"ids": ids, "plan": plan}):
        key = (r["partner"], r["place"] or "-", bool(r["collective"]))
        _add(shared, key, r["task"], ((r["plan"], int(r["ord"] or 0)), task_label(r["number"], r["title"]),
                                      ROLE[r["mine"]], ROLE[r["theirs"]]))
    return _partner_rows(shared)


PARTNERS = QuerySpec(
    name="partners",
    question_zh="某部门与哪些部门合作最多？各自担任什么角色？",
    question_en="Who does a department work with, ranked by shared tasks, with the roles on each side?",
    params=[required("name", "str", "the department, canonical name or any alias"), PLAN],
    columns=["partner", "place", "collective", "shared_tasks", "both_lead", "we_lead_they_support",
             "we_support_they_lead", "both_support", "tasks"],
    column_help={
        "partner": "the other department (canonical name)",
        "place": "its place",
        "collective": "true for collective parties such as 各乡镇人民政府",
        "shared_tasks": "tasks both are named on, as lead or support (the ranking)",
        "both_lead": "shared tasks both lead",
        "we_lead_they_support": "shared tasks the asked department leads and the partner supports",
        "we_support_they_lead": "shared tasks the partner leads and the asked department supports",
        "both_support": "shared tasks both support",
        "tasks": "the shared tasks as `number title`",
    },
    networkx=partners_nx,
    cypher=partners_cypher,
    cypher_text=(PARTNERS_CYPHER,),
    example={"name": "农牧局"},
)


# ----------------------------------------------------------------------------------- compare
#: a row as a tuple in `compare` column order, its lists as tuples
CompareRow = tuple[str, str, str | None, str, int, int, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _compare_rows(facts: list[RoleFact], plans: list[tuple[str, str, str]], ids_place: dict[str, tuple[str, str]],
                  asked: str) -> Columns:
    """plans: (id, title, place) of the plans compared; ids_place: dept id -> (name, place).
    Column-major: built as tuples, with no row dicts in between."""
    by: dict[tuple[str, str], list[RoleFact]] = defaultdict(list)
    for f in facts:
        by[(f.plan, f.dept)].append(f)
    rows: list[CompareRow] = []
    # grouped once: a department name exists in hundreds of places, and so do the plans
    at: dict[str, list[str]] = defaultdict(list)
    for dept, (_, pl) in sorted(ids_place.items()):
        at[pl].append(dept)
    for pid, title, place in plans:
        depts: list[str | None] = list(at.get(place, []))
        for d in depts or [None]:
            fs = sorted(by.get((pid, d), []), key=lambda f: f.order) if d else []
            lead = [f for f in fs if f.role == "lead"]
            rows.append((title, place, ids_place[d][0] if d else None, asked, len(lead), len(fs) - len(lead),
                         tuple(f.task for f in lead), tuple(sorted({c for f in fs for c in f.chains})),
                         tuple(g for f in lead for g in f.targets)))
    rows.sort(key=lambda r: (r[0], r[1], r[2] or ""))
    if not rows:
        return tuple(() for _ in COMPARE.columns), {}
    return tuple(zip(*rows, strict=True)), {6: True, 7: True, 8: True}


def compare_columns(ix: Index, p: dict[str, Any]) -> Columns:
    plans = ix_plans(ix)
    plan = resolve_plan(plans, p["plan"])
    ids = resolve_department(ix_departments(ix), p["department"])
    # the plan rows carry their place, allocated with the index (no read of the graph's dicts)
    chosen = [(pid, t, r.place or "-") for (pid, t), r in zip(plans, ix.plan_rows, strict=True) if plan in (None, pid)]
    ids_place = {d: (ix.dept_name[d], ix.dept_place[d]) for d in ids}
    return _compare_rows(_facts_ix(ix, ids, plan), chosen, ids_place, p["department"])


def compare_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    return rows_of(COMPARE.columns, compare_columns(ix, p))


COMPARE_PLANS_CYPHER = """
MATCH (p:Plan) WHERE p.loaded = true AND ($plan IS NULL OR p.id = $plan)
RETURN p.id AS id, p.title AS title, coalesce(p.place, '-') AS place
"""


def compare_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    depts = bolt_departments(read, p["department"])
    ids = resolve_department(depts, p["department"])
    chosen = [(r["id"], r["title"] or "", r["place"]) for r in read(COMPARE_PLANS_CYPHER, {"plan": plan})]
    ids_place = {d: (name, place) for d, name, _, place in depts if d in ids}
    return rows_of(COMPARE.columns, _compare_rows(_facts_bolt(read, ids, plan), chosen, ids_place, p["department"]))


COMPARE = QuerySpec(
    name="compare",
    question_zh="同一部门在各个方案中分别承担什么角色？",
    question_en="One department across all loaded plans: roles, chains and targets in each.",
    params=[required("department", "str", "the department, canonical name or any alias"), PLAN],
    columns=["plan", "place", "department", "asked", "leads", "supports", "lead_tasks", "industries",
             "targets"],
    column_help={
        "plan": "plan title (every loaded plan gets a row)",
        "place": "the plan's place",
        "department": "the matching department of that place (canonical), empty if none",
        "asked": "the name asked for",
        "leads": "tasks it leads in the plan",
        "supports": "tasks it supports in the plan",
        "lead_tasks": "the tasks it leads, as `number title`",
        "industries": "chains of the tasks it leads or supports",
        "targets": "targets of the tasks it leads",
    },
    networkx=compare_nx,
    cypher=compare_cypher,
    cypher_text=(ROLES_CYPHER, COMPARE_PLANS_CYPHER),
    columnar=compare_columns,
    example={"department": "教科体局"},
)
