"""Plan lookups: search by title, and one plan with its links, phases and outline."""

from __future__ import annotations

import unicodedata

from graph.errors import NotFound
from graph.model import plan_id
from graph.stores.base import Store
from queries.lookups._shared import (
    COUNT,
    Page,
    Row,
    by_label,
    graph_of,
    is_nx,
    memoized,
    read,
    rels,
    search_key,
)

_PLAN_KEYS = ("id", "title", "issuer", "doc_number", "issued_date", "period_start", "period_end",
              "place", "level")
_PLAN_RETURN = ", ".join(f"p.{k} AS {k}" for k in _PLAN_KEYS)


def _plan_row(p: Row) -> Row:
    return {k: p.get(k) for k in _PLAN_KEYS}


@memoized
def plans(*, store: Store, q: str | None = None, limit: int = 50, offset: int = 0) -> Page:
    """Loaded plans whose title contains `q`, by title, with their task counts."""
    needle = search_key(q)
    if is_nx(store):
        g = graph_of(store)
        found = [n for n in by_label(g, "Plan")
                 if g.nodes[n].get("loaded") and needle in str(g.nodes[n].get("title") or "").lower()]
        rows = [{**_plan_row(g.nodes[n]), "tasks": len(rels(g, n, "HAS_TASK"))}
                for n in found[offset : offset + limit]]
        return Page(rows, len(found))
    match = "MATCH (p:Plan) WHERE p.loaded = true AND toLower(p.title) CONTAINS $q\n"
    total = read(store, "plans-count", match + COUNT.format(var="p"), q=needle)
    page = read(store, "plans", match + f"""
        WITH p ORDER BY p.title, p.id SKIP $offset LIMIT $limit
        OPTIONAL MATCH (p)-[:HAS_TASK]->(t:Task)
        WITH p, count(t) AS tasks
        RETURN {_PLAN_RETURN}, tasks ORDER BY title, id""", q=needle, limit=limit, offset=offset)
    return Page([{**r, "tasks": int(r["tasks"])} for r in page], int(total[0]["count"]) if total else 0)


def _plan_ref_rows(rows: list[Row]) -> list[Row]:
    return sorted(({"id": r["id"], "title": r.get("title"), "loaded": bool(r.get("loaded"))}
                   for r in rows), key=lambda r: (r["title"] or "", r["id"]))


def _outline(rows: list[Row]) -> list[Row]:
    """Task outline rows (one per task and department) -> one row per task, departments by rank."""
    tasks: dict[str, Row] = {}
    for r in rows:
        t = tasks.setdefault(r["id"], {k: r.get(k) for k in ("id", "path", "number", "title", "level",
                                                             "parent", "order")}
                             | {"lead": [], "support": []})
        if r.get("dept") is not None:
            role = "lead" if r["role"] == "LEADS" else "support"
            t[role].append((r["rank"] if r["rank"] is not None else 1 << 30, r["dept"]))
    out = []
    for t in sorted(tasks.values(), key=lambda t: (t["order"] if t["order"] is not None else -1, t["id"])):
        t.pop("order")
        t["lead"] = [name for _, name in sorted(t["lead"])]
        t["support"] = [name for _, name in sorted(t["support"])]
        out.append(t)
    return out


@memoized
def plan(*, store: Store, id: str) -> Row:
    """One plan (by id or exact title): its metadata, the plans it implements and that implement
    it, phases, coordinating bodies and the outline of its tasks with their departments."""
    key = unicodedata.normalize("NFKC", id).strip()
    pid = key if key.startswith("plan:") else plan_id(key)
    if is_nx(store):
        g = graph_of(store)
        if g.nodes.get(pid, {}).get("label") != "Plan":
            raise NotFound(f"no plan {id!r}")
        a = g.nodes[pid]
        row = {**_plan_row(a), "loaded": bool(a.get("loaded")), "document": a.get("doc")}
        row["implements"] = _plan_ref_rows([g.nodes[n] for n, _ in rels(g, pid, "IMPLEMENTS")])
        row["implemented_by"] = _plan_ref_rows([g.nodes[n] for n, _ in rels(g, pid, "IMPLEMENTS", out=False)])
        phases = sorted((g.nodes[n] for n, _ in rels(g, pid, "HAS_PHASE")), key=lambda p: p.get("order", 0))
        row["phases"] = [{k: p.get(k) for k in ("name", "start", "end")} for p in phases]
        row["coordinating_bodies"] = sorted(g.nodes[n].get("name") for n, _ in rels(g, pid, "HAS_BODY"))
        outline = []
        for t, _ in rels(g, pid, "HAS_TASK"):
            ta = g.nodes[t]
            base = {"id": t, **{k: ta.get(k) for k in ("path", "number", "title", "level", "parent", "order")}}
            depts = [(d, e) for rt in ("LEADS", "SUPPORTS") for d, e in rels(g, t, rt, out=False)]
            outline += [{**base, "dept": g.nodes[d].get("name"), "role": e["type"], "rank": e.get("rank")}
                        for d, e in depts] or [base]
        row["tasks"] = _outline(outline)
        return row
    found = read(store, "plan", f"MATCH (p:Plan {{id: $id}}) RETURN {_PLAN_RETURN}, p.loaded AS loaded, "
                  "p.doc AS document", id=pid)
    if not found:
        raise NotFound(f"no plan {id!r}")
    row = {**_plan_row(found[0]), "loaded": bool(found[0]["loaded"]), "document": found[0]["document"]}
    row["implements"] = _plan_ref_rows(read(store, "plan-implements", """
        MATCH (:Plan {id: $id})-[:IMPLEMENTS]->(h:Plan) RETURN h.id AS id, h.title AS title,
        h.loaded AS loaded""", id=pid))
    row["implemented_by"] = _plan_ref_rows(read(store, "plan-implemented-by", """
        MATCH (:Plan {id: $id})<-[:IMPLEMENTS]-(h:Plan) RETURN h.id AS id, h.title AS title,
        h.loaded AS loaded""", id=pid))
    row["phases"] = read(store, "plan-phases", """
        MATCH (:Plan {id: $id})-[:HAS_PHASE]->(ph:Phase)
        RETURN ph.name AS name, ph.start AS start, ph.end AS end ORDER BY ph.order""", id=pid)
    row["coordinating_bodies"] = sorted(r["name"] for r in read(store, "plan-bodies", """
        MATCH (:Plan {id: $id})-[:HAS_BODY]->(b:CoordinatingBody) RETURN b.name AS name""", id=pid))
    tasks = read(store, "plan-tasks", """
        MATCH (:Plan {id: $id})-[:HAS_TASK]->(t:Task)
        RETURN t.id AS id, t.path AS path, t.number AS number, t.title AS title, t.level AS level,
               t.parent AS parent, t.order AS `order`""", id=pid)
    by_id = {t["id"]: t for t in tasks}
    outline_rows: list[Row] = list(tasks)
    for rtype in ("LEADS", "SUPPORTS"):  # one read per role: see `department`
        outline_rows += [{**by_id[r["id"]], "dept": r["dept"], "role": rtype, "rank": r["rank"]}
                    for r in read(store, f"plan-{rtype.lower()}", f"""
                        MATCH (:Plan {{id: $id}})-[:HAS_TASK]->(t:Task)<-[r:`{rtype}`]-(d:Department)
                        RETURN t.id AS id, d.name AS dept, r.rank AS rank""", id=pid)
                    if r["id"] in by_id]
    row["tasks"] = _outline(outline_rows)
    return row
