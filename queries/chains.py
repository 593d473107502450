"""Industry chains: who co-leads them (`co-leads`), who leads and supports them (`industry-leads`)."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from queries.common import (
    bolt_chains,
    bolt_plans,
    by_count_then_name,
    check_chain,
    ix_plans,
    resolve_plan,
    task_label,
)
from queries.index import TABLE_BUILDERS, Index
from queries.spec import PLAN, ParamSpec, QuerySpec, Reader, Row

# ---------------------------------------------------------------------------------- co-leads
CO_LEADS_CYPHER = """
MATCH (a:Department)-[:LEADS]->(t:Task)<-[:LEADS]-(b:Department)
WHERE a.id < b.id AND ($plan IS NULL OR t.plan = $plan)
OPTIONAL MATCH (t)-[:CONCERNS]->(i:Industry)
WITH a, b, t, i
WHERE $industry IS NULL OR i.name = $industry
RETURN i.name AS industry, a.place AS place, a.name AS a, b.name AS b,
       collect([t.plan, t.order, t.number, t.title]) AS tasks
"""

PairKey = tuple[str | None, str, str, str]  # chain (None: the task names none), place, a, b


def _pair_rows(pairs: dict[PairKey, list[tuple[str, int, str]]]) -> list[Row]:
    rows: list[Row] = []
    for (chain, place, a, b), tasks in pairs.items():
        labels = [lab for _, _, lab in sorted(set(tasks))]
        rows.append({"industry": chain, "place": place, "lead_a": a, "lead_b": b,
                     "tasks": labels, "task_count": len(labels)})
    rows.sort(key=lambda r: (r["industry"] is None, r["industry"] or "", r["place"], -r["task_count"],
                             r["lead_a"], r["lead_b"]))
    return rows


def _co_leads_table(ix: Index, plan: str | None, chain: str | None) -> dict[PairKey, list[tuple[str, int, str]]]:
    """Pairs over every task of the plan(s), or (with a chain) over that chain's tasks only."""
    pairs: dict[PairKey, list[tuple[str, int, str]]] = defaultdict(list)
    rows = ix.task_rows(plan) if chain is None else [
        t for t in ix.rows_of_chain.get(chain, []) if plan in (None, t.plan)]
    untagged: tuple[str | None, ...] = (None,)
    for t in rows:
        if not t.lead_pairs:  # built with the index: fewer than two leads
            continue
        chains: tuple[str | None, ...] = t.chains if chain is None else (chain,)
        item = (t.plan, t.order, t.label)
        for place, a, b in t.lead_pairs:
            for c in chains or untagged:
                pairs[(c, place, a, b)].append(item)
    return pairs


def _co_lead_tables(ix: Index) -> None:
    """The co-lead rows of every chain over every loaded plan (None: tasks naming no chain),
    built with the index: a call without a plan filter copies its chain's rows."""
    by_chain: dict[str | None, dict[PairKey, list[tuple[str, int, str]]]] = defaultdict(lambda: defaultdict(list))
    untagged: tuple[str | None, ...] = (None,)
    for t in ix.rows:
        if not t.lead_pairs:
            continue
        item = (t.plan, t.order, t.label)
        for c in t.chains or untagged:
            pairs = by_chain[c]
            for place, a, b in t.lead_pairs:
                pairs[(c, place, a, b)].append(item)
    ix.tables["co-leads"] = {c: _pair_rows(pairs) for c, pairs in by_chain.items()}


TABLE_BUILDERS.append(_co_lead_tables)


def co_leads_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(ix_plans(ix), p["plan"])
    chain = check_chain(ix.chain_names, p["industry"])
    if plan is not None:
        return _pair_rows(_co_leads_table(ix, plan, chain))
    tables: dict[str | None, list[Row]] = ix.tables["co-leads"]
    if chain is not None:
        rows = tables.get(chain, [])
    else:  # the chains in name order, then the tasks naming none: _pair_rows' order
        rows = [r for c in sorted(c for c in tables if c is not None) for r in tables[c]] + tables.get(None, [])
    return [{**r, "tasks": list(r["tasks"])} for r in rows]


def co_leads_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    chain = check_chain(bolt_chains(read), p["industry"])
    pairs: dict[PairKey, list[tuple[str, int, str]]] = defaultdict(list)
    for r in read(CO_LEADS_CYPHER, {"plan": plan, "industry": chain}):
        a, b = sorted((r["a"], r["b"]))
        for pl, order, number, title in r["tasks"]:
            pairs[(r["industry"], r["place"] or "-", a, b)].append(
                (pl, int(order or 0), task_label(number, title)))
    return _pair_rows(pairs)


CO_LEADS = QuerySpec(
    name="co-leads",
    question_zh="哪些部门在同一产业链上共同牵头任务？",
    question_en="Which pairs of departments lead tasks together, per industry chain, and on which tasks?",
    params=[ParamSpec("industry", "str", None, "only this industry chain (e.g. 乳业)"), PLAN],
    columns=["industry", "place", "lead_a", "lead_b", "tasks", "task_count"],
    column_help={
        "industry": "the industry chain the tasks concern (empty: tasks that name no chain)",
        "place": "the place (旗/县/市) the departments belong to",
        "lead_a": "one lead department (the pair is in name order)",
        "lead_b": "the other lead department",
        "tasks": "the tasks both lead in this chain, as `number title`, in document order",
        "task_count": "how many tasks that is",
    },
    networkx=co_leads_nx,
    cypher=co_leads_cypher,
    cypher_text=(CO_LEADS_CYPHER,),
    example={"industry": "乳业"},
)

# ---------------------------------------------------------------------------- industry-leads
# One variable per pattern comprehension: FalkorDB 4.16 answers [] for the second of two that
# share a variable name.
INDUSTRY_LEADS_CYPHER = """
MATCH (p:Plan)-[:HAS_TASK]->(t:Task)-[:CONCERNS]->(i:Industry)
WHERE $plan IS NULL OR p.id = $plan
RETURN i.name AS industry, coalesce(p.place, '-') AS place, t.id AS task,
       [(d:Department)-[:LEADS]->(t) | d.name] AS leads,
       [(s:Department)-[:SUPPORTS]->(t) | s.name] AS supports
"""

ChainKey = tuple[str, str]


def _chain_rows(facts: dict[ChainKey, dict[str, tuple[Sequence[str], Sequence[str]]]]) -> list[Row]:
    rows = []
    for (chain, place), tasks in facts.items():
        # one Counter per group over every task's (distinct) names: counted in C, not per task
        leads = Counter(itertools.chain.from_iterable(map(set, (ls for ls, _ in tasks.values()))))
        supports = Counter(itertools.chain.from_iterable(map(set, (ss for _, ss in tasks.values()))))
        rows.append({
            "industry": chain, "place": place, "tasks": len(tasks),
            "led_tasks": sum(1 for ls, _ in tasks.values() if ls),
            "leads": by_count_then_name(dict(leads)),
            "supports": by_count_then_name(dict(supports)),
        })
    rows.sort(key=lambda r: (r["industry"], r["place"]))
    return rows


def industry_leads_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(ix_plans(ix), p["plan"])
    facts: dict[ChainKey, dict[str, tuple[Sequence[str], Sequence[str]]]] = defaultdict(dict)
    for t in ix.chained if plan is None else ix.rows_of_plan.get(plan, []):
        for chain in t.chains:
            facts[(chain, t.place)][t.id] = (t.leads, t.supports)
    return _chain_rows(facts)


def industry_leads_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    facts: dict[ChainKey, dict[str, tuple[Sequence[str], Sequence[str]]]] = defaultdict(dict)
    for r in read(INDUSTRY_LEADS_CYPHER, {"plan": plan}):
        facts[(r["industry"], r["place"])][r["task"]] = (r["leads"] or [], r["supports"] or [])
    return _chain_rows(facts)


INDUSTRY_LEADS = QuerySpec(
    name="industry-leads",
    question_zh="每条产业链由谁牵头、谁配合、涉及多少任务？",
    question_en="For each industry chain: who leads, who supports, and how many tasks concern it?",
    params=[PLAN],
    columns=["industry", "place", "tasks", "led_tasks", "leads", "supports"],
    column_help={
        "industry": "the industry chain",
        "place": "the place whose plan(s) name the chain",
        "tasks": "tasks concerning the chain",
        "led_tasks": "of those, tasks with at least one lead department",
        "leads": "lead departments, most tasks first (then by name)",
        "supports": "supporting departments, most tasks first (then by name)",
    },
    networkx=industry_leads_nx,
    cypher=industry_leads_cypher,
    cypher_text=(INDUSTRY_LEADS_CYPHER,),
)
