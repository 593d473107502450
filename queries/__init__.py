"""The catalog of coordination questions, answered identically on every store.

>>> [q.name for q in catalog()][:3]
['co-leads', 'compare', 'department']
>>> get("nope")
Traceback (most recent call last):
...
graph.errors.UnknownQuery: unknown query 'nope'; valid: co-leads, compare, department, enterprises, gaps, industry-leads, institutes, leaders, lineage, overlaps, partners, path, phases, plans, targets, tasks, workload

Python API: `run(store, name, params)` -> QueryResult (the `plankg ask --json` body);
`ask(name, **params)` -> rows as dicts; `ask_frame(...)` -> a pandas DataFrame;
`coresponsibility_graph(store)` -> the department network as a NetworkX graph;
`prepare(store)` builds the embedded store's query index now (a server, before gc.freeze()).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.errors import QueryError, StoreError, UnknownQuery
from queries.chains import CO_LEADS, INDUSTRY_LEADS
from queries.commitments import ENTERPRISES, PHASES, TARGETS
from queries.common import bolt_plans, ix_plans
from queries.common import resolve_plan as _resolve_plan
from queries.departments import COMPARE, DEPARTMENT, PARTNERS
from queries.diagnostics import GAPS, OVERLAPS
from queries.index import Index, index_of, no_gc
from queries.network import PATH, WORKLOAD, coresponsibility_from_index, coresponsibility_from_reader
from queries.outline import TASKS
from queries.people import INSTITUTES, LEADERS
from queries.plans import LINEAGE, PLANS
from queries.spec import Columns, ParamSpec, QueryResult, QuerySpec, Reader, Row, columns_of, rows_of

if TYPE_CHECKING:
    import pandas as pd

    from graph.stores.base import Store

__all__ = [
    "ParamSpec",
    "QueryResult",
    "QuerySpec",
    "ask",
    "ask_frame",
    "catalog",
    "coresponsibility_graph",
    "get",
    "prepare",
    "resolve_plan",
    "run",
]

_ENTRIES = (CO_LEADS, INDUSTRY_LEADS, DEPARTMENT, PARTNERS, WORKLOAD, OVERLAPS, GAPS, TARGETS,
            PATH, PLANS, LINEAGE, COMPARE, PHASES, ENTERPRISES, LEADERS, INSTITUTES, TASKS)
_BY_NAME = {q.name: q for q in _ENTRIES}


def catalog() -> list[QuerySpec]:
    """Every entry, sorted by name."""
    return sorted(_ENTRIES, key=lambda q: q.name)


def get(name: str) -> QuerySpec:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownQuery(
            f"unknown query {name!r}; valid: " + ", ".join(q.name for q in catalog())
        ) from None


def _index(store: Store) -> Index:
    graph = store.graph() if hasattr(store, "graph") else store.to_networkx()
    return index_of(graph)


def prepare(store: Store) -> None:
    """Build the embedded store's query index now, once per store version. A server calls this
    at startup before gc.freeze(), so no request pays for it and no full collection walks it."""
    if store.kind == "embedded":
        _index(store)


def _reader(store: Store, name: str) -> Reader:
    read = getattr(store, "read", None)
    if read is None:
        raise StoreError(f"the {store.kind} store cannot run read Cypher")

    def run_read(cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return list(read(name, cypher, params))

    return run_read


def run(store: Store, name: str, params: dict[str, Any] | None = None) -> QueryResult:
    """Answer one catalog question on `store`; string parameter values are coerced to type.

    Raises UnknownQuery / BadParameter (a QueryError) for a bad name or parameter, NotFound for
    a department, plan or chain that is not loaded.
    """
    spec = get(name)
    bound = spec.bind(params)
    rows: list[Row]
    if store.kind == "bolt":
        rows = [{c: r.get(c) for c in spec.columns} for r in spec.cypher(_reader(store, name), bound)]
    elif store.kind == "embedded":
        ix = _index(store)
        # no collection in the middle of building thousands of rows: each full one would walk
        # every object of the process, and none of these can form a cycle
        with no_gc():
            rows = rows_of(spec.columns, _memoised(spec, ix, bound))
    else:
        raise QueryError(f"no implementation of {name!r} for a {store.kind!r} store")
    return QueryResult(query=name, params=bound, columns=list(spec.columns), rows=rows)


_MEMO_ROWS = 256  # answers kept per graph version; the index goes when the graph does

#: an answer as kept: column-major tuples (queries.spec.Columns). Tuples of strings and numbers
#: are immutable (no caller can change the next caller's answer) and the garbage collector stops
#: tracking them, so kept answers cost later full collections nothing; whole columns convert at
#: C speed.
Frozen = Columns


def _memoised(spec: QuerySpec, ix: Index, bound: dict[str, Any]) -> Frozen:
    """Answers are pure functions of (graph version, query, parameters): keep recent ones."""
    key = ("rows", spec.name, tuple(sorted(bound.items())))
    frozen = ix.memo.get(key)
    if frozen is None:
        frozen = (spec.columnar(ix, bound) if spec.columnar is not None
                  else columns_of(spec.columns, spec.networkx(ix, bound)))
        answers = [k for k in ix.memo if k[0] == "rows"]
        if len(answers) >= _MEMO_ROWS:
            del ix.memo[answers[0]]
        ix.memo[key] = frozen
    return frozen


def _params(kwargs: dict[str, Any]) -> dict[str, Any]:
    # `from` is a Python keyword: ask("path", from_="农牧局", to="金融办")
    return {k.rstrip("_") if k.endswith("_") else k: v for k, v in kwargs.items()}


def ask(name: str, /, store: Store | None = None, **params: Any) -> list[dict[str, Any]]:
    """Rows of one catalog question as dicts; the default store when `store` is None.

    `name` is positional-only, so the `name` parameter of `department` and
    `partners` passes as a keyword: ask("department", store, name="农牧局").

    On the seed, ask("co-leads", industry="乳业") gives rows such as {'industry': '乳业',
    'place': '阿荣旗', 'lead_a': '农牧局', 'lead_b': '教科体局', 'tasks': [...], 'task_count': 2}.
    """
    if store is None:
        from graph.stores import open_store

        with open_store() as s:
            return run(s, name, _params(params)).rows
    return run(store, name, _params(params)).rows


def ask_frame(name: str, /, store: Store | None = None, **params: Any) -> pd.DataFrame:
    """The same rows as a pandas DataFrame, columns in catalog order."""
    import pandas as pd

    return pd.DataFrame(ask(name, store, **params), columns=get(name).columns)


def coresponsibility_graph(store: Store, plan: str | None = None) -> nx.Graph:
    """Departments as nodes (name, place, leads, supports), shared lead tasks as weighted edges
    (weight = number of tasks both lead, tasks = their labels)."""
    if store.kind == "bolt":
        return coresponsibility_from_reader(_reader(store, "coresponsibility"), plan)
    return coresponsibility_from_index(_index(store), plan)


def resolve_plan(store: Store, value: str) -> str:
    """A plan id or title (or a fragment of exactly one loaded title) -> the plan's id, as every
    query's `plan` filter reads it; NotFound lists the loaded plans."""
    plans = bolt_plans(_reader(store, "plans")) if store.kind == "bolt" else ix_plans(_index(store))
    pid = _resolve_plan(plans, value)
    assert pid is not None
    return pid
