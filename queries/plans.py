"""Plans and what they commit to: `plans`, `lineage`, `targets`, `phases`, `enterprises`."""

from __future__ import annotations

from collections import Counter, defaultdict
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

# ------------------------------------------------------------------------------------- plans
PLANS_CYPHER = """
MATCH (p:Plan) WHERE p.loaded = true AND ($plan IS NULL OR p.id = $plan)
RETURN p.id AS id, p.title AS title, p.issuer AS issuer, p.doc_number AS doc_number,
       p.issued_date AS issued_date, p.period_start AS period_start, p.period_end AS period_end,
       p.place AS place, p.level AS level,
       [(p)-[:IMPLEMENTS]->(h:Plan) | h.title] AS implements,
       size([(p)-[:HAS_TASK]->(t:Task) | t.id]) AS tasks,
       size([(p)-[:HAS_PHASE]->(f:Phase) | f.id]) AS phases
"""
PLAN_TARGETS_CYPHER = """
MATCH (g:Target) WHERE $plan IS NULL OR g.plan = $plan
RETURN g.plan AS plan, count(g) AS n
"""
PLAN_DEPARTMENTS_CYPHER = """
MATCH (d:Department)-[:LEADS|SUPPORTS]->(t:Task)
WHERE $plan IS NULL OR t.plan = $plan
RETURN t.plan AS plan, count(DISTINCT d) AS n
"""
_PLAN_FIELDS = ("issuer", "doc_number", "issued_date", "period_start", "period_end", "place", "level")


def _plan_rows(rows: list[Row]) -> list[Row]:
    for r in rows:
        r["implements"] = sorted(r["implements"])
    return sorted(rows, key=lambda r: (r["title"], r["plan"]))


def plans_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(ix_plans(ix), p["plan"])
    impl: dict[str, list[str]] = defaultdict(list)
    for a, b in ix.implements:
        impl[a].append(ix.plans[b].get("title", ""))
    rows = []
    for pid in ix.loaded_plans():
        if plan not in (None, pid):
            continue
        attrs = ix.plans[pid]
        tasks = ix.tasks_of_plan.get(pid, [])
        depts = {d for t in tasks for d in (*ix.leads.get(t, []), *ix.supports.get(t, []))}
        rows.append({
            "plan": pid, "title": attrs.get("title", ""), **{f: attrs.get(f) for f in _PLAN_FIELDS},
            "implements": impl.get(pid, []), "tasks": len(tasks), "departments": len(depts),
            "targets": sum(1 for g in ix.targets.values() if g.get("plan") == pid),
            "phases": len(ix.phases_of.get(pid, [])),
        })
    return _plan_rows(rows)


def plans_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    targets = {r["plan"]: int(r["n"]) for r in read(PLAN_TARGETS_CYPHER, {"plan": plan})}
    depts = {r["plan"]: int(r["n"]) for r in read(PLAN_DEPARTMENTS_CYPHER, {"plan": plan})}
    rows = [{
        "plan": r["id"], "title": r["title"] or "", **{f: r[f] for f in _PLAN_FIELDS},
        "implements": list(r["implements"] or []), "tasks": int(r["tasks"]),
        "departments": depts.get(r["id"], 0), "targets": targets.get(r["id"], 0),
        "phases": int(r["phases"]),
    } for r in read(PLANS_CYPHER, {"plan": plan})]
    return _plan_rows(rows)


PLANS = QuerySpec(
    name="plans",
    question_zh="已载入哪些方案？发文机关、文号、日期、期限及规模如何？",
    question_en="Which plans are loaded, with issuer, number, date, period and counts?",
    params=[PLAN],
    columns=["plan", "title", "issuer", "doc_number", "issued_date", "period_start", "period_end",
             "place", "level", "implements", "tasks", "departments", "targets", "phases"],
    column_help={
        "plan": "plan id (use it, or the title, as the `plan` filter of every query)",
        "title": "title", "issuer": "issuing office", "doc_number": "document number (文号)",
        "issued_date": "issue date, YYYY-MM-DD", "period_start": "first year of the plan period",
        "period_end": "last year of the plan period", "place": "the place the plan governs",
        "level": "administrative level (county, city, …)",
        "implements": "titles of the higher-level plans it carries out",
        "tasks": "tasks (actions and sub-tasks)", "departments": "departments named as lead or support",
        "targets": "quantified targets", "phases": "implementation phases",
    },
    networkx=plans_nx,
    cypher=plans_cypher,
    cypher_text=(PLANS_CYPHER, PLAN_TARGETS_CYPHER, PLAN_DEPARTMENTS_CYPHER),
)

# ----------------------------------------------------------------------------------- lineage
IMPLEMENTS_CYPHER = """
MATCH (p:Plan)-[:IMPLEMENTS]->(h:Plan)
WHERE p.loaded = true AND ($plan IS NULL OR p.id = $plan OR h.id = $plan)
RETURN p.id AS plan, p.title AS title, h.id AS higher, h.title AS higher_title,
       coalesce(h.loaded, false) AS loaded
"""
PLAN_TASK_TITLES_CYPHER = """
MATCH (p:Plan)-[:HAS_TASK]->(t:Task)
WHERE p.id IN $ids
RETURN p.id AS plan, t.order AS ord, t.number AS number, t.title AS title
"""

#: FalkorDB splices parameters into the query text, which must stay under ~4 KB
_IDS_PER_READ = 50


def _bigrams(s: str) -> set[str]:
    s = "".join(ch for ch in s if ch.isalnum())
    return {s[i:i + 2] for i in range(len(s) - 1)} or {s}


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the titles' character bigrams: wording followed closely scores high.

    >>> similarity("推动乳制品关键技术转化应用", "推动乳制品关键技术转化应用")
    1.0
    """
    x, y = _bigrams(a), _bigrams(b)
    return round(2 * len(x & y) / (len(x) + len(y)), 3) if x and y else 0.0


# plan id -> [(order, label, title)]
Titles = dict[str, list[tuple[int, str, str]]]


def _lineage_rows(edges: list[tuple[str, str, str, str, bool]], titles: Titles, threshold: float) -> list[Row]:
    rows: list[Row] = []
    for pid, title, hid, htitle, loaded in sorted(edges):
        rows.append({"kind": "implements", "plan": title, "task": None, "higher_plan": htitle,
                     "higher_task": None, "similarity": None, "higher_loaded": loaded, "_o": (0, 0)})
        higher = sorted(titles.get(hid, []))
        for order, label, text in sorted(titles.get(pid, [])):
            scored = [(similarity(text, htext), -horder, hlabel) for horder, hlabel, htext in higher]
            if not scored:
                continue
            score, _, hlabel = max(scored)
            if score >= threshold:
                rows.append({"kind": "follows", "plan": title, "task": label, "higher_plan": htitle,
                             "higher_task": hlabel, "similarity": score, "higher_loaded": loaded,
                             "_o": (1, order)})
    rows.sort(key=lambda r: (r["plan"], r["higher_plan"], r["_o"]))
    for r in rows:
        del r["_o"]
    return rows


def lineage_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(ix_plans(ix), p["plan"])
    edges = [(a, ix.plans[a].get("title", ""), b, ix.plans[b].get("title", ""), bool(ix.plans[b].get("loaded")))
             for a, b in ix.implements
             if ix.plans[a].get("loaded") and plan in (None, a, b)]
    titles: Titles = {}
    for pid in {e[0] for e in edges} | {e[2] for e in edges}:
        titles[pid] = [(ix.tasks[t].get("order", 0), task_label(ix.tasks[t].get("number"), ix.tasks[t].get("title")),
                        ix.tasks[t].get("title", "")) for t in ix.tasks_of_plan.get(pid, [])]
    return _lineage_rows(edges, titles, p["min_similarity"])


def lineage_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    edges = [(r["plan"], r["title"] or "", r["higher"], r["higher_title"] or "", bool(r["loaded"]))
             for r in read(IMPLEMENTS_CYPHER, {"plan": plan})]
    titles: Titles = defaultdict(list)
    ids = sorted({e[0] for e in edges} | {e[2] for e in edges})
    for i in range(0, len(ids), _IDS_PER_READ):
        for r in read(PLAN_TASK_TITLES_CYPHER, {"ids": ids[i:i + _IDS_PER_READ]}):
            titles[r["plan"]].append((int(r["ord"] or 0), task_label(r["number"], r["title"]), r["title"] or ""))
    return _lineage_rows(edges, titles, p["min_similarity"])


LINEAGE = QuerySpec(
    name="lineage",
    question_zh="哪个方案落实哪个上级方案？哪些任务沿用了上级方案的表述？",
    question_en="Which plan implements which (县 -> 市 -> 省), and which tasks follow the higher-level "
                "plan's wording?",
    params=[ParamSpec("min_similarity", "float", 0.6,
                      "title similarity (Dice of character bigrams, 0-1) from which a task counts as following"),
            PLAN],
    columns=["kind", "plan", "task", "higher_plan", "higher_task", "similarity", "higher_loaded"],
    column_help={
        "kind": "`implements` (one row per plan -> higher plan) or `follows` (a task and the most similar "
                "task of the higher plan)",
        "plan": "the implementing plan's title",
        "task": "its task (`follows` rows)",
        "higher_plan": "the higher-level plan's title",
        "higher_task": "the higher plan's task it follows (`follows` rows)",
        "similarity": "title similarity, 0-1, 3 decimals (`follows` rows)",
        "higher_loaded": "whether the higher plan itself is loaded (else only named)",
    },
    networkx=lineage_nx,
    cypher=lineage_cypher,
    cypher_text=(IMPLEMENTS_CYPHER, PLAN_TASK_TITLES_CYPHER),
)

# ----------------------------------------------------------------------------------- targets


def _target_rows(tasks: list[TaskRow], targets: list[TargetRow], titles: dict[str, str],
                 p: dict[str, Any], *, owner_names: set[str] | None, chain: str | None) -> list[Row]:
    owner = owners(tasks)
    by_id = {t.id: t for t in tasks}
    due = p["due"]
    rows = []
    for g in targets:
        task = by_id.get(g.task) if g.task else None
        who = list(owner.get(g.task, ())) if g.task else []
        chains = list(task.chains) if task else []
        if owner_names is not None and not owner_names & set(who):
            continue
        if chain is not None and chain not in chains:
            continue
        if due is not None and g.deadline is not None and g.deadline[: len(due)] > due:
            continue
        if due is not None and g.deadline is None and g.cadence is None:
            continue
        rows.append({
            "plan": titles.get(g.plan, g.plan), "task": task.label if task else None, "target": g.text,
            "value": g.value, "value_max": g.value_max, "unit": g.unit, "comparator": g.comparator,
            "deadline": g.deadline, "cadence": g.cadence, "owners": who, "industries": chains,
            "_o": (g.plan, g.order),
        })
    rows.sort(key=lambda r: (r["plan"], r["_o"], r["target"]))
    for r in rows:
        del r["_o"]
    return rows


def targets_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plans = ix_plans(ix)
    plan = resolve_plan(plans, p["plan"])
    names = None
    if p["owner"] is not None:
        names = {ix.depts[d]["name"] for d in resolve_department(ix_departments(ix), p["owner"])}
    chain = check_chain(ix.chain_names, p["industry"])
    return _target_rows(ix_tasks(ix, plan), ix_targets(ix, plan), dict(plans), p, owner_names=names, chain=chain)


def targets_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plans = bolt_plans(read)
    plan = resolve_plan(plans, p["plan"])
    names = None
    if p["owner"] is not None:
        depts = bolt_departments(read, p["owner"])
        ids = set(resolve_department(depts, p["owner"]))
        names = {name for d, name, _, _ in depts if d in ids}
    chain = check_chain(bolt_chains(read), p["industry"]) if p["industry"] is not None else None
    return _target_rows(bolt_tasks(read, plan), bolt_targets(read, plan), dict(plans), p, owner_names=names, chain=chain)


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
    rows = [{"plan": ix.plans[pid].get("title", ""), "order": f.get("order", 0), "phase": f.get("name"),
             "start": f.get("start"), "end": f.get("end")}
            for pid in ix.loaded_plans() if plan in (None, pid) for f in ix.phases_of.get(pid, [])]
    return _phase_rows(rows, p["on"])


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
    for t in ix.plan_tasks(plan):
        a = ix.tasks[t]
        for name in ix.enterprises.get(t, []):
            _involve(inv, name, ix.chains.get(t, []), key=(a.get("plan", ""), a.get("order", 0)),
                     label=task_label(a.get("number"), a.get("title")),
                     leads=tuple(ix.depts[d]["name"] for d in ix.leads.get(t, [])))
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
