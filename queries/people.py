"""Who else is named on tasks: responsible leaders (`leaders`, 责任领导) and research partners
(`institutes`: 中科院, universities …), with the lead departments they work beside."""

from __future__ import annotations

from collections import Counter
from typing import Any

from graph.errors import NotFound
from queries.common import (
    bolt_chains,
    bolt_plans,
    by_count_then_name,
    check_chain,
    ix_plans,
    resolve_plan,
    task_label,
)
from queries.facts import TaskRow
from queries.index import Index
from queries.spec import PLAN, ParamSpec, QuerySpec, Reader, Row

# group key (its values for the `keys` columns) -> (plan, order) -> (label, lead names, chains)
Grouped = dict[tuple[str, ...], dict[tuple[str, int], tuple[str, tuple[str, ...], tuple[str, ...]]]]


def _rows(groups: Grouped, keys: tuple[str, ...]) -> list[Row]:
    rows = []
    for group, tasks in sorted(groups.items()):
        leads: Counter[str] = Counter()
        for _, ls, _ in tasks.values():
            leads.update(set(ls))
        rows.append({**dict(zip(keys, group, strict=True)),
                     "tasks": [lab for _, (lab, _, _) in sorted(tasks.items())],
                     "leads": by_count_then_name(dict(leads)),
                     "industries": sorted({c for _, _, cs in tasks.values() for c in cs})})
    return rows


def _task_facts(t: TaskRow) -> tuple[tuple[str, int], tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return (t.plan, t.order), (t.label, t.leads, t.chains)


def _bolt_facts(r: dict[str, Any]) -> tuple[tuple[str, int], tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return ((r["plan"], int(r["ord"] or 0)),
            (task_label(r["number"], r["title"]), tuple(r["leads"] or []),
             tuple(sorted(set(r["chains"] or [])))))


# ----------------------------------------------------------------------------------- leaders
LEADERS_CYPHER = """
MATCH (p:Person)-[:RESPONSIBLE]->(t:Task)
WHERE ($plan IS NULL OR t.plan = $plan) AND ($name IS NULL OR p.name = $name)
RETURN p.name AS person, p.place AS place, t.plan AS plan, t.order AS ord, t.number AS number,
       t.title AS title,
       [(d:Department)-[:LEADS]->(t) | d.name] AS leads,
       [(t)-[:CONCERNS]->(i:Industry) | i.name] AS chains
"""
PERSONS_CYPHER = """
MATCH (p:Person) RETURN p.name AS name
"""


def _check_person(names: list[str], value: str | None) -> None:
    if value is not None and value not in names:
        known = ", ".join(sorted(set(names))[:12]) or "(none loaded)"
        raise NotFound(f"unknown leader {value!r}; known: {known}")


def leaders_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(ix_plans(ix), p["plan"])
    _check_person([a.get("name", "") for a in ix.persons.values()], p["name"])
    groups: Grouped = {}
    for pid, tasks in ix.responsible.items():
        a = ix.persons[pid]
        if p["name"] not in (None, a.get("name")):
            continue
        for tid in tasks:
            t = ix.row[tid]
            if plan in (None, t.plan):
                key, item = _task_facts(t)
                groups.setdefault((a.get("name", ""), a.get("place") or "-"), {})[key] = item
    return _rows(groups, ("leader", "place"))


def leaders_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    if p["name"] is not None:
        _check_person([r["name"] for r in read(PERSONS_CYPHER, {})], p["name"])
    groups: Grouped = {}
    for r in read(LEADERS_CYPHER, {"plan": plan, "name": p["name"]}):
        key, item = _bolt_facts(r)
        groups.setdefault((r["person"], r["place"] or "-"), {})[key] = item
    return _rows(groups, ("leader", "place"))


LEADERS = QuerySpec(
    name="leaders",
    question_zh="各项任务的责任领导是谁？分别与哪些牵头部门共事？",
    question_en="Which named leaders (责任领导) answer for which tasks, beside which lead departments?",
    params=[ParamSpec("name", "str", None, "only this leader (name as written)"), PLAN],
    columns=["leader", "place", "tasks", "leads", "industries"],
    column_help={"leader": "the person named as responsible", "place": "the place of the plan naming them",
                 "tasks": "tasks they answer for, `number title`",
                 "leads": "lead departments of those tasks, most tasks first",
                 "industries": "chains of those tasks"},
    networkx=leaders_nx,
    cypher=leaders_cypher,
    cypher_text=(LEADERS_CYPHER, PERSONS_CYPHER),
)

# -------------------------------------------------------------------------------- institutes
INSTITUTES_CYPHER = """
MATCH (t:Task)-[:WITH_PARTNER]->(x:Partner)
WHERE $plan IS NULL OR t.plan = $plan
RETURN x.name AS partner, t.plan AS plan, t.order AS ord, t.number AS number, t.title AS title,
       [(d:Department)-[:LEADS]->(t) | d.name] AS leads,
       [(t)-[:CONCERNS]->(i:Industry) | i.name] AS chains
"""


def institutes_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(ix_plans(ix), p["plan"])
    chain = check_chain(ix.chain_names, p["industry"])
    groups: Grouped = {}
    for t in ix.partnered if plan is None else ix.rows_of_plan.get(plan, []):
        if chain is not None and chain not in t.chains:
            continue
        for name in t.institutes:
            key, item = _task_facts(t)
            groups.setdefault((name,), {})[key] = item
    return _rows(groups, ("institute",))


def institutes_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    chain = check_chain(bolt_chains(read), p["industry"]) if p["industry"] is not None else None
    groups: Grouped = {}
    for r in read(INSTITUTES_CYPHER, {"plan": plan}):
        key, item = _bolt_facts(r)
        if chain is None or chain in item[2]:
            groups.setdefault((r["partner"],), {})[key] = item
    return _rows(groups, ("institute",))


INSTITUTES = QuerySpec(
    name="institutes",
    question_zh="方案与哪些科研院所、高校合作？涉及哪些任务、由谁牵头？",
    question_en="Which research institutes and universities do the plans work with, on which tasks, "
                "led by whom?",
    params=[ParamSpec("industry", "str", None, "only tasks concerning this chain"), PLAN],
    columns=["institute", "tasks", "leads", "industries"],
    column_help={"institute": "the institute or university as written (中科院, 农科院 …)",
                 "tasks": "tasks naming it, `number title`",
                 "leads": "lead departments of those tasks, most tasks first",
                 "industries": "chains of those tasks"},
    networkx=institutes_nx,
    cypher=institutes_cypher,
    cypher_text=(INSTITUTES_CYPHER,),
)
