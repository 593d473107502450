"""Industry-chain lookups: search by name, and one chain with its tasks, departments and enterprises."""

from __future__ import annotations

import unicodedata

from graph.errors import NotFound
from graph.stores.base import Store
from queries.lookups._shared import (
    COUNT,
    Page,
    Row,
    by_label,
    cy_tasks,
    graph_of,
    is_nx,
    memoized,
    read,
    rels,
    search_key,
    sorted_tasks,
)

_IND_MATCH = "\nMATCH (i:Industry) WHERE toLower(i.name) CONTAINS $q\n"
_IND_PAGE = _IND_MATCH + """
WITH i ORDER BY i.name, i.id SKIP $offset LIMIT $limit
OPTIONAL MATCH (t:Task)-[:CONCERNS]->(i)
WITH i, count(DISTINCT t) AS tasks
OPTIONAL MATCH (e:Enterprise)-[:IN_CHAIN]->(i)
RETURN i.id AS id, i.name AS name, tasks, count(DISTINCT e) AS enterprises
ORDER BY name, id
"""


@memoized
def industries(*, store: Store, q: str | None = None, limit: int = 50, offset: int = 0) -> Page:
    """Industry chains whose name contains `q`, by name, with their task and enterprise counts."""
    needle = search_key(q)
    if is_nx(store):
        g = graph_of(store)
        found = [n for n in by_label(g, "Industry") if needle in str(g.nodes[n].get("name") or "").lower()]
        rows = [{"id": n, "name": g.nodes[n].get("name"),
                 "tasks": len({t for t, _ in rels(g, n, "CONCERNS", out=False)}),
                 "enterprises": len({e for e, _ in rels(g, n, "IN_CHAIN", out=False)})}
                for n in found[offset : offset + limit]]
        return Page(rows, len(found))
    total = read(store, "industries-count", _IND_MATCH + COUNT.format(var="i"), q=needle)
    page = read(store, "industries", _IND_PAGE, q=needle, limit=limit, offset=offset)
    rows = [{**r, "tasks": int(r["tasks"]), "enterprises": int(r["enterprises"])} for r in page]
    return Page(rows, int(total[0]["count"]) if total else 0)


def _dept_tally(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (-r["tasks"], r["name"] or "", r["id"]))


@memoized
def industry(*, store: Store, name: str) -> Row:
    """One industry chain: the tasks concerning it, who leads and supports them, its enterprises."""
    key = unicodedata.normalize("NFKC", name).strip()
    iid = key if key.startswith("industry:") else f"industry:{key}"
    if is_nx(store):
        g = graph_of(store)
        if g.nodes.get(iid, {}).get("label") != "Industry":
            raise NotFound(f"no industry chain named {name!r}")
        tids = {t for t, _ in rels(g, iid, "CONCERNS", out=False)}
        row: Row = {"id": iid, "name": g.nodes[iid].get("name"), "tasks": sorted_tasks(g, tids)}
        for role, rtype in (("leads", "LEADS"), ("supports", "SUPPORTS")):
            tally: dict[str, set[str]] = {}
            for t in tids:
                for d, _ in rels(g, t, rtype, out=False):
                    tally.setdefault(d, set()).add(t)
            row[role] = _dept_tally([{"id": d, "name": g.nodes[d].get("name"), "tasks": len(ts)}
                                     for d, ts in tally.items()])
        ents = {e for e, _ in rels(g, iid, "IN_CHAIN", out=False)}
        row["enterprises"] = sorted(({"id": e, "name": g.nodes[e].get("name")} for e in ents),
                                    key=lambda e: (e["name"] or "", e["id"]))
        return row
    found = read(store, "industry", "MATCH (i:Industry {id: $id}) RETURN i.name AS name", id=iid)
    if not found:
        raise NotFound(f"no industry chain named {name!r}")
    row = {"id": iid, "name": found[0]["name"], "tasks": cy_tasks(store, "industry-tasks", """
        MATCH (t:Task)-[:CONCERNS]->(:Industry {id: $id})
        OPTIONAL MATCH (p:Plan {id: t.plan})
        RETURN DISTINCT t.id AS id, t.plan AS plan, p.title AS plan_title, t.path AS path,
               t.number AS number, t.title AS title, t.order AS `order`""", id=iid)}
    for role, rtype in (("leads", "LEADS"), ("supports", "SUPPORTS")):
        rows = read(store, f"industry-{role}", f"""
            MATCH (d:Department)-[:`{rtype}`]->(t:Task)-[:CONCERNS]->(:Industry {{id: $id}})
            RETURN d.id AS id, d.name AS name, count(DISTINCT t) AS tasks""", id=iid)
        row[role] = _dept_tally([{**r, "tasks": int(r["tasks"])} for r in rows])
    row["enterprises"] = read(store, "industry-enterprises", """
        MATCH (e:Enterprise)-[:IN_CHAIN]->(:Industry {id: $id})
        RETURN DISTINCT e.id AS id, e.name AS name ORDER BY name, id""", id=iid)
    return row
