"""The task tree itself: `tasks`, one row per task with its leads, supports and chains — the
任务分工表 as rows, for analysts and for systems that mirror a plan."""

from __future__ import annotations

from typing import Any

from queries.common import bolt_plans, ix_plans, resolve_plan
from queries.index import Index
from queries.spec import PLAN, QuerySpec, Reader, Row

OUTLINE_CYPHER = """
MATCH (p:Plan)-[:HAS_TASK]->(t:Task)
WHERE $plan IS NULL OR p.id = $plan
RETURN p.id AS plan_id, p.title AS plan, t.id AS id, t.parent AS parent, t.order AS ord,
       t.number AS number, t.path AS path, t.title AS title, t.level AS level, t.deadline AS deadline,
       [(d1:Department)-[r1:LEADS]->(t) | [r1.rank, d1.name]] AS leads,
       [(d2:Department)-[r2:SUPPORTS]->(t) | [r2.rank, d2.name]] AS supports,
       [(t)-[:CONCERNS]->(i:Industry) | i.name] AS chains
"""


def _by_rank(pairs: list[list[Any]] | None) -> list[str]:
    return [name for _, name in sorted((int(rank or 0), name) for rank, name in pairs or [])]


def _rows(raw: list[dict[str, Any]]) -> list[Row]:
    """Rows in plan-title then document order; `parent` as the number the plan prints."""
    numbers = {r["id"]: r["number"] for r in raw}
    raw.sort(key=lambda r: (r["plan"] or "", r["plan_id"], int(r["ord"] or 0)))
    return [{"plan": r["plan"] or "", "number": r["number"], "path": r["path"], "title": r["title"],
             "level": int(r["level"] or 0), "parent": numbers.get(r["parent"]),
             "lead": r["leads"], "support": r["supports"], "chains": sorted(set(r["chains"])),
             "deadline": r["deadline"]} for r in raw]


def tasks_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(ix_plans(ix), p["plan"])
    # the index's rows are already in this answer's order, with the parent's number at hand
    return [{"plan": t.plan_title, "number": t.number, "path": t.path, "title": t.title,
             "level": int(t.level or 0), "parent": t.parent_number, "lead": list(t.leads),
             "support": list(t.supports), "chains": list(t.chains), "deadline": t.deadline}
            for t in ix.task_rows(plan)]


def tasks_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    raw = [dict(r, leads=_by_rank(r["leads"]), supports=_by_rank(r["supports"]), chains=r["chains"] or [])
           for r in read(OUTLINE_CYPHER, {"plan": plan})]
    return _rows(raw)


TASKS = QuerySpec(
    name="tasks",
    question_zh="方案有哪些任务？各由谁牵头、谁配合、涉及哪些产业链、何时完成？",
    question_en="Every task of the plans in document order, with its leads, supports, chains and deadline "
                "(the 任务分工表 as rows).",
    params=[PLAN],
    columns=["plan", "number", "path", "title", "level", "parent", "lead", "support", "chains", "deadline"],
    column_help={"plan": "plan title", "number": "the task's number as written, e.g. (6)",
                 "path": "the full heading path, e.g. 三、(二)3.(6)", "title": "the task's heading text",
                 "level": "heading depth", "parent": "the parent task's number, empty for a top task",
                 "lead": "lead departments (牵头), in the order the plan names them",
                 "support": "supporting departments (配合), in the plan's order",
                 "chains": "industry chains the task's own text names", "deadline": "完成时限 year, if any"},
    networkx=tasks_nx,
    cypher=tasks_cypher,
    cypher_text=(OUTLINE_CYPHER,),
    example={"plan": "科技兴旗"},
)
