"""One task in full: provenance, departments in annotation order, links, targets, sub-tasks."""

from __future__ import annotations

from graph.errors import NotFound
from graph.stores.base import Store
from queries.lookups._shared import (
    Row,
    cy_tasks,
    graph_of,
    is_nx,
    memoized,
    read,
    rels,
    sorted_tasks,
    source_sentence,
)

_TARGET_KEYS = ("id", "text", "value", "value_max", "unit", "comparator", "deadline", "cadence")
_TASK_KEYS = ("id", "plan", "path", "number", "title", "level", "deadline", "text", "doc", "span", "parent")


def _task_row(t: Row, plan_title: str | None) -> Row:
    row = {k: t.get(k) for k in _TASK_KEYS}
    row["span"] = list(row["span"]) if row["span"] is not None else None
    row["plan_title"] = plan_title
    row["provenance"] = {"document": row.pop("doc"), "span": row["span"], "path": row["path"],
                         "sentence": source_sentence(t.get("text"))}
    return row


def _named(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (r["name"] or "", r["id"]))


@memoized
def task(*, store: Store, id: str) -> Row:
    """One task with its provenance (document, span, heading path, source sentence), its lead and
    supporting departments in annotation order, chains, enterprises, partners, targets, sub-tasks."""
    if is_nx(store):
        g = graph_of(store)
        if g.nodes.get(id, {}).get("label") != "Task":
            raise NotFound(f"no task with id {id!r}")
        t = g.nodes[id]
        row = _task_row(t, g.nodes[t["plan"]].get("title") if t.get("plan") in g else None)
        for role, rtype in (("lead", "LEADS"), ("support", "SUPPORTS")):
            ds = [{"id": d, "name": g.nodes[d].get("name"), "rank": e.get("rank"),
                   "collective": bool(g.nodes[d].get("collective"))}
                  for d, e in rels(g, id, rtype, out=False)]
            row[role] = sorted(ds, key=lambda r: (r["rank"] if r["rank"] is not None else 1 << 30, r["id"]))
        for key, rtype in (("industries", "CONCERNS"), ("enterprises", "INVOLVES"),
                           ("partners", "WITH_PARTNER")):
            row[key] = _named([{"id": n, "name": g.nodes[n].get("name")} for n, _ in rels(g, id, rtype)])
        targets = [g.nodes[n] for n, _ in rels(g, id, "HAS_TARGET")]
        row["targets"] = [{k: a.get(k) for k in _TARGET_KEYS}
                          for a in sorted(targets, key=lambda a: (a.get("order", 0), a["id"]))]
        row["subtasks"] = sorted_tasks(g, {n for n, _ in rels(g, id, "SUBTASK")})
        return row
    found = read(store, "task", """
        MATCH (t:Task {id: $id}) OPTIONAL MATCH (p:Plan {id: t.plan})
        RETURN t.id AS id, t.plan AS plan, t.path AS path, t.number AS number, t.title AS title,
               t.level AS level, t.deadline AS deadline, t.text AS text, t.doc AS doc,
               t.span AS span, t.parent AS parent, p.title AS plan_title""", id=id)
    if not found:
        raise NotFound(f"no task with id {id!r}")
    row = _task_row(found[0], found[0]["plan_title"])
    depts = read(store, "task-departments", """
        MATCH (d:Department)-[r:LEADS|SUPPORTS]->(:Task {id: $id})
        RETURN d.id AS id, d.name AS name, r.rank AS rank, d.collective AS collective, type(r) AS rel""", id=id)
    for role, rtype in (("lead", "LEADS"), ("support", "SUPPORTS")):
        row[role] = sorted(({"id": d["id"], "name": d["name"], "rank": d["rank"], "collective": bool(d["collective"])}
                            for d in depts if d["rel"] == rtype),
                           key=lambda r: (r["rank"] if r["rank"] is not None else 1 << 30, r["id"]))
    linked = read(store, "task-linked", """
        MATCH (:Task {id: $id})-[r:CONCERNS|INVOLVES|WITH_PARTNER]->(n)
        RETURN DISTINCT n.id AS id, n.name AS name, type(r) AS rel""", id=id)
    for key, rtype in (("industries", "CONCERNS"), ("enterprises", "INVOLVES"), ("partners", "WITH_PARTNER")):
        row[key] = _named([{"id": n["id"], "name": n["name"]} for n in linked if n["rel"] == rtype])
    targets = read(store, "task-targets", """
        MATCH (:Task {id: $id})-[:HAS_TARGET]->(g:Target)
        RETURN g.id AS id, g.text AS text, g.value AS value, g.value_max AS value_max, g.unit AS unit,
               g.comparator AS comparator, g.deadline AS deadline, g.cadence AS cadence,
               g.order AS `order`""", id=id)
    row["targets"] = [{k: g.get(k) for k in _TARGET_KEYS}
                      for g in sorted(targets, key=lambda g: (g.get("order") or 0, g["id"]))]
    row["subtasks"] = cy_tasks(store, "task-subtasks", """
        MATCH (:Task {id: $id})-[:SUBTASK]->(t:Task) OPTIONAL MATCH (p:Plan {id: t.plan})
        RETURN t.id AS id, t.plan AS plan, p.title AS plan_title, t.path AS path,
               t.number AS number, t.title AS title, t.order AS `order`""", id=id)
    return row
