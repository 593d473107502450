"""Department lookups: search by name or alias, and one department in full."""

from __future__ import annotations

import unicodedata
from typing import Any

from graph.errors import BadParameter, NotFound
from graph.stores.base import Store
from queries.lookups._shared import (
    COUNT,
    Page,
    Row,
    by_label,
    cy_tasks,
    graph_of,
    index,
    is_nx,
    memoized,
    read,
    rels,
    search_key,
    sorted_tasks,
)


def _dept_row(attrs: dict[str, Any]) -> Row:
    return {
        "id": attrs["id"], "name": attrs.get("name"), "place": attrs.get("place"),
        "aliases": sorted(attrs.get("aliases") or []), "collective": bool(attrs.get("collective")),
    }


_DEPT_MATCH = """
MATCH (d:Department)
WHERE ($place = '' OR d.place = $place)
  AND (toLower(d.name) CONTAINS $q OR any(a IN coalesce(d.aliases, []) WHERE toLower(a) CONTAINS $q))
"""
_DEPT_PAGE = _DEPT_MATCH + """
WITH d ORDER BY d.name, d.id SKIP $offset LIMIT $limit
OPTIONAL MATCH (d)-[:LEADS]->(t:Task)
WITH d, count(DISTINCT t) AS leads
OPTIONAL MATCH (d)-[:SUPPORTS]->(u:Task)
WITH d, leads, count(DISTINCT u) AS supports
RETURN d.id AS id, d.name AS name, d.place AS place, d.aliases AS aliases,
       d.collective AS collective, leads, supports
ORDER BY name, id
"""


@memoized
def departments(*, store: Store, q: str | None = None, place: str | None = None,
                limit: int = 50, offset: int = 0) -> Page:
    """Departments whose canonical name or any alias contains `q` (case-insensitive), by name."""
    needle = search_key(q)
    if is_nx(store):
        g = graph_of(store)
        found = []
        for n in by_label(g, "Department"):
            a = g.nodes[n]
            if place and a.get("place") != place:
                continue
            if needle and not any(needle in s.lower() for s in (a.get("name") or "", *(a.get("aliases") or []))):
                continue
            found.append(n)
        rows = []
        for n in found[offset : offset + limit]:
            row = _dept_row(g.nodes[n])
            row["leads"] = len({t for t, _ in rels(g, n, "LEADS")})
            row["supports"] = len({t for t, _ in rels(g, n, "SUPPORTS")})
            rows.append(row)
        return Page(rows, len(found))
    params = {"q": needle, "place": place or ""}
    total = read(store, "departments-count", _DEPT_MATCH + COUNT.format(var="d"), **params)
    page = read(store, "departments", _DEPT_PAGE, limit=limit, offset=offset, **params)
    rows = [{**_dept_row(r), "leads": r["leads"], "supports": r["supports"]} for r in page]
    return Page(rows, int(total[0]["count"]) if total else 0)


def _resolve_department(store: Store, name: str, place: str | None) -> tuple[str, Row | None]:
    """A department id from an id, a canonical name or an alias; ambiguity names the choices.
    On the Bolt store the department's properties come along (None on the embedded store)."""
    key = unicodedata.normalize("NFKC", name).strip()
    if is_nx(store):
        g = graph_of(store)
        if g.nodes.get(key, {}).get("label") == "Department":
            return key, None
        ix = index(g)
        exact = [n for n in ix.dept_names.get(key, []) if not place or g.nodes[n].get("place") == place]
        alias = [n for n in ix.dept_aliases.get(key, []) if not place or g.nodes[n].get("place") == place]
    else:
        rows = read(store, "department-resolve", """
            MATCH (d:Department)
            WHERE d.id = $key OR (($place = '' OR d.place = $place)
              AND (d.name = $key OR $key IN coalesce(d.aliases, [])))
            RETURN d.id AS id, d.name = $key AS exact, d.name AS name, d.place AS place,
                   d.aliases AS aliases, d.collective AS collective, d.scope AS scope
            ORDER BY d.name, d.id
            """, key=key, place=place or "")
        props = {r["id"]: r for r in rows}
        if key in props:
            return key, props[key]
        exact = [r["id"] for r in rows if r["exact"]]
        alias = [r["id"] for r in rows]
    found = exact or alias
    if not found:
        raise NotFound(f"no department named {name!r}" + (f" in {place!r}" if place else ""))
    if len(found) > 1:
        error = BadParameter(f"department {name!r} is ambiguous: use one of {', '.join(found)} "
                             "or pass place=")
        error.choices = found  # type: ignore[attr-defined]  # the HTTP API lists them as `choices`
        raise error
    return found[0], None if is_nx(store) else props[found[0]]


@memoized
def department(*, store: Store, name: str, place: str | None = None) -> Row:
    """One department: its tasks as lead and as support, the chains it works on, its co-leads."""
    did, node = _resolve_department(store, name, place)
    if is_nx(store):
        g = graph_of(store)
        row = _dept_row(g.nodes[did])
        row["scope"] = g.nodes[did].get("scope")
        leads = {t: {"rank": d.get("rank")} for t, d in rels(g, did, "LEADS")}
        supports = {t: {"rank": d.get("rank")} for t, d in rels(g, did, "SUPPORTS")}
        chains: dict[str, dict[str, Any]] = {}
        for role, tids in (("leads", leads), ("supports", supports)):
            for t in tids:
                for ind, _ in rels(g, t, "CONCERNS"):
                    c = chains.setdefault(ind, {"id": ind, "name": g.nodes[ind].get("name"),
                                                "leads": 0, "supports": 0})
                    c[role] += 1
        co: dict[str, int] = {}
        for t in leads:
            for other, _ in rels(g, t, "LEADS", out=False):
                if other != did:
                    co[other] = co.get(other, 0) + 1
        co_rows = [{"id": o, "name": g.nodes[o].get("name"), "tasks": c} for o, c in co.items()]
        row.update(leads=sorted_tasks(g, set(leads), leads),
                   supports=sorted_tasks(g, set(supports), supports),
                   industries=sorted(chains.values(), key=lambda c: (c["name"] or "", c["id"])),
                   co_leads=sorted(co_rows, key=lambda c: (-c["tasks"], c["name"] or "", c["id"])))
        return row
    assert node is not None
    row = {**_dept_row(node), "scope": node.get("scope")}
    for role, rtype in (("leads", "LEADS"), ("supports", "SUPPORTS")):
        # one read per role: with `LEADS|SUPPORTS` here FalkorDB picks a plan ~20x slower
        row[role] = cy_tasks(store, f"department-{role}", f"""
            MATCH (:Department {{id: $id}})-[r:`{rtype}`]->(t:Task)
            OPTIONAL MATCH (p:Plan {{id: t.plan}})
            RETURN t.id AS id, t.plan AS plan, p.title AS plan_title, t.path AS path,
                   t.number AS number, t.title AS title, t.order AS `order`, r.rank AS rank""", id=did)
    chain_rows = read(store, "department-industries", """
        MATCH (:Department {id: $id})-[r:LEADS|SUPPORTS]->(:Task)-[:CONCERNS]->(i:Industry)
        RETURN i.id AS id, i.name AS name, type(r) AS role, count(*) AS n""", id=did)
    merged: dict[str, Row] = {}
    for c in chain_rows:
        m = merged.setdefault(c["id"], {"id": c["id"], "name": c["name"], "leads": 0, "supports": 0})
        m["leads" if c["role"] == "LEADS" else "supports"] += int(c["n"])
    co_found = read(store, "department-co-leads", """
        MATCH (d:Department {id: $id})-[:LEADS]->(t:Task)<-[:LEADS]-(o:Department)
        WHERE o.id <> d.id
        RETURN o.id AS id, o.name AS name, count(DISTINCT t) AS tasks""", id=did)
    row.update(industries=sorted(merged.values(), key=lambda c: (c["name"] or "", c["id"])),
               co_leads=sorted(({**c, "tasks": int(c["tasks"])} for c in co_found),
                               key=lambda c: (-c["tasks"], c["name"] or "", c["id"])))
    return row
