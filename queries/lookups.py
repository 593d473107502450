"""Entity lookups: departments, industries, tasks and plans, as plain rows.

Each lookup is a keyword-only function of a store with two implementations, one over the NetworkX
graph (embedded store) and one in read-only Cypher (Bolt store, run through `store.read`, i.e. read
transactions), chosen by `store.kind` like the catalog. Both return the same dicts in the same
order: lists are sorted by name (then id) or by plan order, and pages carry the total count.
User input only ever reaches Cypher as a `$parameter`. On the embedded store each distinct call is
answered once per graph version and the answer is shared between callers (the HTTP API serves it
at memory speed): treat answers as read-only, and copy one before changing it.

>>> from graph.stores.embedded import EmbeddedStore
>>> import tempfile, pathlib
>>> empty = EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "s.plankg")
>>> departments(store=empty, q="农牧", limit=10, offset=0)
Page(data=[], count=0)
"""

from __future__ import annotations

import functools
import re
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import networkx as nx

from graph.errors import BadParameter, NotFound
from graph.model import plan_id
from graph.stores.base import Store

Row = dict[str, Any]
#: store kinds whose graph is NetworkX in this process; everything else speaks Cypher
NX_KINDS = frozenset({"embedded"})
_SENTENCE_END = re.compile(r"[。！？!?\n]")
SENTENCE_MAX = 400
#: distinct answers kept per graph version (a department detail is a few KB)
MEMO_MAX = 4096
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Page:
    """One page of a sorted list, and how many rows the whole list has."""

    data: list[Row] = field(default_factory=list)
    count: int = 0


def source_sentence(text: str | None) -> str | None:
    """The first sentence of a stored text: for a task, the heading sentence that states it.

    >>> source_sentence("(6)推动乳制品关键技术转化应用。以伊利乳业为龙头,开展乳业系列产品。")
    '(6)推动乳制品关键技术转化应用。'
    """
    if not text:
        return None
    text = text.strip()
    m = _SENTENCE_END.search(text)
    cut = text[: m.end()].strip() if m else text
    return cut[:SENTENCE_MAX]


def _needle(q: str | None) -> str:
    return unicodedata.normalize("NFKC", q or "").strip().lower()


def _is_nx(store: Store) -> bool:
    return store.kind in NX_KINDS


def _graph(store: Store) -> nx.MultiDiGraph:
    graph = getattr(store, "graph", None)
    return graph() if callable(graph) else store.to_networkx()


def _read(store: Store, name: str, cypher: str, **params: Any) -> list[Row]:
    return [dict(r) for r in store.read(f"lookup:{name}", cypher, params)]  # type: ignore[attr-defined]


# -- NetworkX helpers: an index per graph object, dropped with the graph ------------------------
@dataclass
class _Index:
    """Per-graph lookup tables: node ids per label in list order, departments per name and alias."""

    by_label: dict[str, list[str]] = field(default_factory=dict)
    dept_names: dict[str, list[str]] = field(default_factory=dict)
    dept_aliases: dict[str, list[str]] = field(default_factory=dict)
    #: answers already given on this graph version, oldest first (see `_memoized`)
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)


_INDEX: weakref.WeakKeyDictionary[nx.MultiDiGraph, _Index] = weakref.WeakKeyDictionary()


def _index(g: nx.MultiDiGraph) -> _Index:
    """Built once per graph object, i.e. once per store version (EmbeddedStore.graph() hands out a
    new object only when the file changed); dropped with the graph."""
    ix = _INDEX.get(g)
    if ix is None:
        ix = _Index()
        for n, attrs in g.nodes(data=True):
            ix.by_label.setdefault(attrs.get("label", ""), []).append(n)
        for ids in ix.by_label.values():
            ids.sort(key=lambda n: (_sort_name(g.nodes[n]), n))
        for n in ix.by_label.get("Department", []):
            a = g.nodes[n]
            ix.dept_names.setdefault(a.get("name") or "", []).append(n)
            for alias in a.get("aliases") or []:
                ix.dept_aliases.setdefault(alias, []).append(n)
        _INDEX[g] = ix
    return ix


@dataclass(frozen=True)
class _Snapshot:
    """One graph version standing in for its store, so that a lookup reads one consistent graph
    (and takes the store's lock once)."""

    g: nx.MultiDiGraph
    kind: str = "embedded"

    def graph(self) -> nx.MultiDiGraph:
        return self.g


def _memoized(fn: F) -> F:
    """On the embedded store, answer each distinct call once per graph version.

    The graph of a version never changes, so neither do its answers; the memo lives in the
    graph's index and goes with it. Answers are shared between callers: copy before mutating.
    Errors (NotFound, BadParameter) are not memoized.
    """

    @functools.wraps(fn)
    def wrapper(*, store: Store, **kwargs: Any) -> Any:
        if not _is_nx(store):
            return fn(store=store, **kwargs)
        g = _graph(store)
        memo = _index(g).memo
        key = (fn.__name__, *sorted(kwargs.items()))
        try:
            return memo[key]
        except KeyError:
            pass
        value = fn(store=_Snapshot(g), **kwargs)
        if len(memo) >= MEMO_MAX:
            del memo[next(iter(memo))]
        memo[key] = value
        return value

    return cast(F, wrapper)


def _by_label(g: nx.MultiDiGraph, label: str) -> list[str]:
    return _index(g).by_label.get(label, [])


def _sort_name(attrs: dict[str, Any]) -> str:
    return str(attrs.get("name") or attrs.get("title") or "")


def _rels(g: nx.MultiDiGraph, node: str, rtype: str, *, out: bool = True) -> list[tuple[str, dict[str, Any]]]:
    # the adjacency dicts directly: edge views cost more than the lookups they serve
    adjacency = (g._succ if out else g._pred)[node]
    return [(other, d) for other, keyed in adjacency.items() for d in keyed.values() if d.get("type") == rtype]


def _task_ref(g: nx.MultiDiGraph, tid: str) -> Row:
    t = g.nodes[tid]
    plan = t.get("plan")
    return {
        "id": tid, "plan": plan, "plan_title": g.nodes[plan].get("title") if plan in g else None,
        "path": t.get("path"), "number": t.get("number"), "title": t.get("title"),
    }


def _task_key(row: Row, order: Any) -> tuple[Any, ...]:
    return (row["plan_title"] or "", row["plan"] or "", order if order is not None else -1, row["id"])


def _sorted_tasks(g: nx.MultiDiGraph, tids: set[str], extra: dict[str, Row] | None = None) -> list[Row]:
    rows = []
    for tid in tids:
        row = _task_ref(g, tid)
        row.update((extra or {}).get(tid, {}))
        rows.append((_task_key(row, g.nodes[tid].get("order")), row))
    return [r for _, r in sorted(rows, key=lambda kr: kr[0])]


# -- departments ------------------------------------------------------------------------------
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
_COUNT = "\nRETURN count({var}) AS count\n"


@_memoized
def departments(*, store: Store, q: str | None = None, place: str | None = None,
                limit: int = 50, offset: int = 0) -> Page:
    """Departments whose canonical name or any alias contains `q` (case-insensitive), by name."""
    needle = _needle(q)
    if _is_nx(store):
        g = _graph(store)
        found = []
        for n in _by_label(g, "Department"):
            a = g.nodes[n]
            if place and a.get("place") != place:
                continue
            if needle and not any(needle in s.lower() for s in (a.get("name") or "", *(a.get("aliases") or []))):
                continue
            found.append(n)
        rows = []
        for n in found[offset : offset + limit]:
            row = _dept_row(g.nodes[n])
            row["leads"] = len({t for t, _ in _rels(g, n, "LEADS")})
            row["supports"] = len({t for t, _ in _rels(g, n, "SUPPORTS")})
            rows.append(row)
        return Page(rows, len(found))
    params = {"q": needle, "place": place or ""}
    total = _read(store, "departments-count", _DEPT_MATCH + _COUNT.format(var="d"), **params)
    page = _read(store, "departments", _DEPT_PAGE, limit=limit, offset=offset, **params)
    rows = [{**_dept_row(r), "leads": r["leads"], "supports": r["supports"]} for r in page]
    return Page(rows, int(total[0]["count"]) if total else 0)


def _resolve_department(store: Store, name: str, place: str | None) -> tuple[str, Row | None]:
    """A department id from an id, a canonical name or an alias; ambiguity names the choices.
    On the Bolt store the department's properties come along (None on the embedded store)."""
    key = unicodedata.normalize("NFKC", name).strip()
    if _is_nx(store):
        g = _graph(store)
        if g.nodes.get(key, {}).get("label") == "Department":
            return key, None
        ix = _index(g)
        exact = [n for n in ix.dept_names.get(key, []) if not place or g.nodes[n].get("place") == place]
        alias = [n for n in ix.dept_aliases.get(key, []) if not place or g.nodes[n].get("place") == place]
    else:
        rows = _read(store, "department-resolve", """
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
    return found[0], None if _is_nx(store) else props[found[0]]


@_memoized
def department(*, store: Store, name: str, place: str | None = None) -> Row:
    """One department: its tasks as lead and as support, the chains it works on, its co-leads."""
    did, node = _resolve_department(store, name, place)
    if _is_nx(store):
        g = _graph(store)
        row = _dept_row(g.nodes[did])
        row["scope"] = g.nodes[did].get("scope")
        leads = {t: {"rank": d.get("rank")} for t, d in _rels(g, did, "LEADS")}
        supports = {t: {"rank": d.get("rank")} for t, d in _rels(g, did, "SUPPORTS")}
        chains: dict[str, dict[str, Any]] = {}
        for role, tids in (("leads", leads), ("supports", supports)):
            for t in tids:
                for ind, _ in _rels(g, t, "CONCERNS"):
                    c = chains.setdefault(ind, {"id": ind, "name": g.nodes[ind].get("name"),
                                                "leads": 0, "supports": 0})
                    c[role] += 1
        co: dict[str, int] = {}
        for t in leads:
            for other, _ in _rels(g, t, "LEADS", out=False):
                if other != did:
                    co[other] = co.get(other, 0) + 1
        co_rows = [{"id": o, "name": g.nodes[o].get("name"), "tasks": c} for o, c in co.items()]
        row.update(leads=_sorted_tasks(g, set(leads), leads),
                   supports=_sorted_tasks(g, set(supports), supports),
                   industries=sorted(chains.values(), key=lambda c: (c["name"] or "", c["id"])),
                   co_leads=sorted(co_rows, key=lambda c: (-c["tasks"], c["name"] or "", c["id"])))
        return row
    assert node is not None
    row = {**_dept_row(node), "scope": node.get("scope")}
    for role, rtype in (("leads", "LEADS"), ("supports", "SUPPORTS")):
        # one read per role: with `LEADS|SUPPORTS` here FalkorDB picks a plan ~20x slower
        row[role] = _cy_tasks(store, f"department-{role}", f"""
            MATCH (:Department {{id: $id}})-[r:`{rtype}`]->(t:Task)
            OPTIONAL MATCH (p:Plan {{id: t.plan}})
            RETURN t.id AS id, t.plan AS plan, p.title AS plan_title, t.path AS path,
                   t.number AS number, t.title AS title, t.order AS `order`, r.rank AS rank""", id=did)
    chain_rows = _read(store, "department-industries", """
        MATCH (:Department {id: $id})-[r:LEADS|SUPPORTS]->(:Task)-[:CONCERNS]->(i:Industry)
        RETURN i.id AS id, i.name AS name, type(r) AS role, count(*) AS n""", id=did)
    merged: dict[str, Row] = {}
    for c in chain_rows:
        m = merged.setdefault(c["id"], {"id": c["id"], "name": c["name"], "leads": 0, "supports": 0})
        m["leads" if c["role"] == "LEADS" else "supports"] += int(c["n"])
    co_found = _read(store, "department-co-leads", """
        MATCH (d:Department {id: $id})-[:LEADS]->(t:Task)<-[:LEADS]-(o:Department)
        WHERE o.id <> d.id
        RETURN o.id AS id, o.name AS name, count(DISTINCT t) AS tasks""", id=did)
    row.update(industries=sorted(merged.values(), key=lambda c: (c["name"] or "", c["id"])),
               co_leads=sorted(({**c, "tasks": int(c["tasks"])} for c in co_found),
                               key=lambda c: (-c["tasks"], c["name"] or "", c["id"])))
    return row


def _cy_tasks(store: Store, name: str, cypher: str, **params: Any) -> list[Row]:
    """Task references read by `cypher`, sorted like `_sorted_tasks`."""
    return _task_refs(_read(store, name, cypher, **params))


def _task_refs(rows: list[Row]) -> list[Row]:
    """Task reference rows (with `order`) sorted like `_sorted_tasks`; `order` is dropped."""
    keyed = []
    for r in rows:
        order = r.pop("order", None)
        keyed.append((_task_key(r, order), r))
    return [r for _, r in sorted(keyed, key=lambda kr: kr[0])]


# -- industries -------------------------------------------------------------------------------
_IND_MATCH = "\nMATCH (i:Industry) WHERE toLower(i.name) CONTAINS $q\n"
_IND_PAGE = _IND_MATCH + """
WITH i ORDER BY i.name, i.id SKIP $offset LIMIT $limit
OPTIONAL MATCH (t:Task)-[:CONCERNS]->(i)
WITH i, count(DISTINCT t) AS tasks
OPTIONAL MATCH (e:Enterprise)-[:IN_CHAIN]->(i)
RETURN i.id AS id, i.name AS name, tasks, count(DISTINCT e) AS enterprises
ORDER BY name, id
"""


@_memoized
def industries(*, store: Store, q: str | None = None, limit: int = 50, offset: int = 0) -> Page:
    """Industry chains whose name contains `q`, by name, with their task and enterprise counts."""
    needle = _needle(q)
    if _is_nx(store):
        g = _graph(store)
        found = [n for n in _by_label(g, "Industry") if needle in str(g.nodes[n].get("name") or "").lower()]
        rows = [{"id": n, "name": g.nodes[n].get("name"),
                 "tasks": len({t for t, _ in _rels(g, n, "CONCERNS", out=False)}),
                 "enterprises": len({e for e, _ in _rels(g, n, "IN_CHAIN", out=False)})}
                for n in found[offset : offset + limit]]
        return Page(rows, len(found))
    total = _read(store, "industries-count", _IND_MATCH + _COUNT.format(var="i"), q=needle)
    page = _read(store, "industries", _IND_PAGE, q=needle, limit=limit, offset=offset)
    rows = [{**r, "tasks": int(r["tasks"]), "enterprises": int(r["enterprises"])} for r in page]
    return Page(rows, int(total[0]["count"]) if total else 0)


def _dept_tally(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (-r["tasks"], r["name"] or "", r["id"]))


@_memoized
def industry(*, store: Store, name: str) -> Row:
    """One industry chain: the tasks concerning it, who leads and supports them, its enterprises."""
    key = unicodedata.normalize("NFKC", name).strip()
    iid = key if key.startswith("industry:") else f"industry:{key}"
    if _is_nx(store):
        g = _graph(store)
        if g.nodes.get(iid, {}).get("label") != "Industry":
            raise NotFound(f"no industry chain named {name!r}")
        tids = {t for t, _ in _rels(g, iid, "CONCERNS", out=False)}
        row: Row = {"id": iid, "name": g.nodes[iid].get("name"), "tasks": _sorted_tasks(g, tids)}
        for role, rtype in (("leads", "LEADS"), ("supports", "SUPPORTS")):
            tally: dict[str, set[str]] = {}
            for t in tids:
                for d, _ in _rels(g, t, rtype, out=False):
                    tally.setdefault(d, set()).add(t)
            row[role] = _dept_tally([{"id": d, "name": g.nodes[d].get("name"), "tasks": len(ts)}
                                     for d, ts in tally.items()])
        ents = {e for e, _ in _rels(g, iid, "IN_CHAIN", out=False)}
        row["enterprises"] = sorted(({"id": e, "name": g.nodes[e].get("name")} for e in ents),
                                    key=lambda e: (e["name"] or "", e["id"]))
        return row
    found = _read(store, "industry", "MATCH (i:Industry {id: $id}) RETURN i.name AS name", id=iid)
    if not found:
        raise NotFound(f"no industry chain named {name!r}")
    row = {"id": iid, "name": found[0]["name"], "tasks": _cy_tasks(store, "industry-tasks", """
        MATCH (t:Task)-[:CONCERNS]->(:Industry {id: $id})
        OPTIONAL MATCH (p:Plan {id: t.plan})
        RETURN DISTINCT t.id AS id, t.plan AS plan, p.title AS plan_title, t.path AS path,
               t.number AS number, t.title AS title, t.order AS `order`""", id=iid)}
    for role, rtype in (("leads", "LEADS"), ("supports", "SUPPORTS")):
        rows = _read(store, f"industry-{role}", f"""
            MATCH (d:Department)-[:`{rtype}`]->(t:Task)-[:CONCERNS]->(:Industry {{id: $id}})
            RETURN d.id AS id, d.name AS name, count(DISTINCT t) AS tasks""", id=iid)
        row[role] = _dept_tally([{**r, "tasks": int(r["tasks"])} for r in rows])
    row["enterprises"] = _read(store, "industry-enterprises", """
        MATCH (e:Enterprise)-[:IN_CHAIN]->(:Industry {id: $id})
        RETURN DISTINCT e.id AS id, e.name AS name ORDER BY name, id""", id=iid)
    return row


# -- tasks ------------------------------------------------------------------------------------
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


@_memoized
def task(*, store: Store, id: str) -> Row:
    """One task with its provenance (document, span, heading path, source sentence), its lead and
    supporting departments in annotation order, chains, enterprises, partners, targets, sub-tasks."""
    if _is_nx(store):
        g = _graph(store)
        if g.nodes.get(id, {}).get("label") != "Task":
            raise NotFound(f"no task with id {id!r}")
        t = g.nodes[id]
        row = _task_row(t, g.nodes[t["plan"]].get("title") if t.get("plan") in g else None)
        for role, rtype in (("lead", "LEADS"), ("support", "SUPPORTS")):
            ds = [{"id": d, "name": g.nodes[d].get("name"), "rank": e.get("rank"),
                   "collective": bool(g.nodes[d].get("collective"))}
                  for d, e in _rels(g, id, rtype, out=False)]
            row[role] = sorted(ds, key=lambda r: (r["rank"] if r["rank"] is not None else 1 << 30, r["id"]))
        for key, rtype in (("industries", "CONCERNS"), ("enterprises", "INVOLVES"),
                           ("partners", "WITH_PARTNER")):
            row[key] = _named([{"id": n, "name": g.nodes[n].get("name")} for n, _ in _rels(g, id, rtype)])
        targets = [g.nodes[n] for n, _ in _rels(g, id, "HAS_TARGET")]
        row["targets"] = [{k: a.get(k) for k in _TARGET_KEYS}
                          for a in sorted(targets, key=lambda a: (a.get("order", 0), a["id"]))]
        row["subtasks"] = _sorted_tasks(g, {n for n, _ in _rels(g, id, "SUBTASK")})
        return row
    found = _read(store, "task", """
        MATCH (t:Task {id: $id}) OPTIONAL MATCH (p:Plan {id: t.plan})
        RETURN t.id AS id, t.plan AS plan, t.path AS path, t.number AS number, t.title AS title,
               t.level AS level, t.deadline AS deadline, t.text AS text, t.doc AS doc,
               t.span AS span, t.parent AS parent, p.title AS plan_title""", id=id)
    if not found:
        raise NotFound(f"no task with id {id!r}")
    row = _task_row(found[0], found[0]["plan_title"])
    depts = _read(store, "task-departments", """
        MATCH (d:Department)-[r:LEADS|SUPPORTS]->(:Task {id: $id})
        RETURN d.id AS id, d.name AS name, r.rank AS rank, d.collective AS collective, type(r) AS rel""", id=id)
    for role, rtype in (("lead", "LEADS"), ("support", "SUPPORTS")):
        row[role] = sorted(({"id": d["id"], "name": d["name"], "rank": d["rank"], "collective": bool(d["collective"])}
                            for d in depts if d["rel"] == rtype),
                           key=lambda r: (r["rank"] if r["rank"] is not None else 1 << 30, r["id"]))
    linked = _read(store, "task-linked", """
        MATCH (:Task {id: $id})-[r:CONCERNS|INVOLVES|WITH_PARTNER]->(n)
        RETURN DISTINCT n.id AS id, n.name AS name, type(r) AS rel""", id=id)
    for key, rtype in (("industries", "CONCERNS"), ("enterprises", "INVOLVES"), ("partners", "WITH_PARTNER")):
        row[key] = _named([{"id": n["id"], "name": n["name"]} for n in linked if n["rel"] == rtype])
    targets = _read(store, "task-targets", """
        MATCH (:Task {id: $id})-[:HAS_TARGET]->(g:Target)
        RETURN g.id AS id, g.text AS text, g.value AS value, g.value_max AS value_max, g.unit AS unit,
               g.comparator AS comparator, g.deadline AS deadline, g.cadence AS cadence,
               g.order AS `order`""", id=id)
    row["targets"] = [{k: g.get(k) for k in _TARGET_KEYS}
                      for g in sorted(targets, key=lambda g: (g.get("order") or 0, g["id"]))]
    row["subtasks"] = _cy_tasks(store, "task-subtasks", """
        MATCH (:Task {id: $id})-[:SUBTASK]->(t:Task) OPTIONAL MATCH (p:Plan {id: t.plan})
        RETURN t.id AS id, t.plan AS plan, p.title AS plan_title, t.path AS path,
               t.number AS number, t.title AS title, t.order AS `order`""", id=id)
    return row


# -- plans ------------------------------------------------------------------------------------
_PLAN_KEYS = ("id", "title", "issuer", "doc_number", "issued_date", "period_start", "period_end",
              "place", "level")
_PLAN_RETURN = ", ".join(f"p.{k} AS {k}" for k in _PLAN_KEYS)


def _plan_row(p: Row) -> Row:
    return {k: p.get(k) for k in _PLAN_KEYS}


@_memoized
def plans(*, store: Store, q: str | None = None, limit: int = 50, offset: int = 0) -> Page:
    """Loaded plans whose title contains `q`, by title, with their task counts."""
    needle = _needle(q)
    if _is_nx(store):
        g = _graph(store)
        found = [n for n in _by_label(g, "Plan")
                 if g.nodes[n].get("loaded") and needle in str(g.nodes[n].get("title") or "").lower()]
        rows = [{**_plan_row(g.nodes[n]), "tasks": len(_rels(g, n, "HAS_TASK"))}
                for n in found[offset : offset + limit]]
        return Page(rows, len(found))
    match = "MATCH (p:Plan) WHERE p.loaded = true AND toLower(p.title) CONTAINS $q\n"
    total = _read(store, "plans-count", match + _COUNT.format(var="p"), q=needle)
    page = _read(store, "plans", match + f"""
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


@_memoized
def plan(*, store: Store, id: str) -> Row:
    """One plan (by id or exact title): its metadata, the plans it implements and that implement
    it, phases, coordinating bodies and the outline of its tasks with their departments."""
    key = unicodedata.normalize("NFKC", id).strip()
    pid = key if key.startswith("plan:") else plan_id(key)
    if _is_nx(store):
        g = _graph(store)
        if g.nodes.get(pid, {}).get("label") != "Plan":
            raise NotFound(f"no plan {id!r}")
        a = g.nodes[pid]
        row = {**_plan_row(a), "loaded": bool(a.get("loaded")), "document": a.get("doc")}
        row["implements"] = _plan_ref_rows([g.nodes[n] for n, _ in _rels(g, pid, "IMPLEMENTS")])
        row["implemented_by"] = _plan_ref_rows([g.nodes[n] for n, _ in _rels(g, pid, "IMPLEMENTS", out=False)])
        phases = sorted((g.nodes[n] for n, _ in _rels(g, pid, "HAS_PHASE")), key=lambda p: p.get("order", 0))
        row["phases"] = [{k: p.get(k) for k in ("name", "start", "end")} for p in phases]
        row["coordinating_bodies"] = sorted(g.nodes[n].get("name") for n, _ in _rels(g, pid, "HAS_BODY"))
        outline = []
        for t, _ in _rels(g, pid, "HAS_TASK"):
            ta = g.nodes[t]
            base = {"id": t, **{k: ta.get(k) for k in ("path", "number", "title", "level", "parent", "order")}}
            depts = [(d, e) for rt in ("LEADS", "SUPPORTS") for d, e in _rels(g, t, rt, out=False)]
            outline += [{**base, "dept": g.nodes[d].get("name"), "role": e["type"], "rank": e.get("rank")}
                        for d, e in depts] or [base]
        row["tasks"] = _outline(outline)
        return row
    found = _read(store, "plan", f"MATCH (p:Plan {{id: $id}}) RETURN {_PLAN_RETURN}, p.loaded AS loaded, "
                  "p.doc AS document", id=pid)
    if not found:
        raise NotFound(f"no plan {id!r}")
    row = {**_plan_row(found[0]), "loaded": bool(found[0]["loaded"]), "document": found[0]["document"]}
    row["implements"] = _plan_ref_rows(_read(store, "plan-implements", """
        MATCH (:Plan {id: $id})-[:IMPLEMENTS]->(h:Plan) RETURN h.id AS id, h.title AS title,
        h.loaded AS loaded""", id=pid))
    row["implemented_by"] = _plan_ref_rows(_read(store, "plan-implemented-by", """
        MATCH (:Plan {id: $id})<-[:IMPLEMENTS]-(h:Plan) RETURN h.id AS id, h.title AS title,
        h.loaded AS loaded""", id=pid))
    row["phases"] = _read(store, "plan-phases", """
        MATCH (:Plan {id: $id})-[:HAS_PHASE]->(ph:Phase)
        RETURN ph.name AS name, ph.start AS start, ph.end AS end ORDER BY ph.order""", id=pid)
    row["coordinating_bodies"] = sorted(r["name"] for r in _read(store, "plan-bodies", """
        MATCH (:Plan {id: $id})-[:HAS_BODY]->(b:CoordinatingBody) RETURN b.name AS name""", id=pid))
    tasks = _read(store, "plan-tasks", """
        MATCH (:Plan {id: $id})-[:HAS_TASK]->(t:Task)
        RETURN t.id AS id, t.path AS path, t.number AS number, t.title AS title, t.level AS level,
               t.parent AS parent, t.order AS `order`""", id=pid)
    by_id = {t["id"]: t for t in tasks}
    outline_rows: list[Row] = list(tasks)
    for rtype in ("LEADS", "SUPPORTS"):  # one read per role: see `department`
        outline_rows += [{**by_id[r["id"]], "dept": r["dept"], "role": rtype, "rank": r["rank"]}
                    for r in _read(store, f"plan-{rtype.lower()}", f"""
                        MATCH (:Plan {{id: $id}})-[:HAS_TASK]->(t:Task)<-[r:`{rtype}`]-(d:Department)
                        RETURN t.id AS id, d.name AS dept, r.rank AS rank""", id=pid)
                    if r["id"] in by_id]
    row["tasks"] = _outline(outline_rows)
    return row
