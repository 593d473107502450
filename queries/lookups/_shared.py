"""What every entity lookup shares: rows, pages, the per-graph index and memo, graph helpers."""

from __future__ import annotations

import functools
import re
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import networkx as nx

from graph.stores.base import Store

Row = dict[str, Any]
#: store kinds whose graph is NetworkX in this process; everything else speaks Cypher
NX_KINDS = frozenset({"embedded"})
_SENTENCE_END = re.compile(r"[。！？!?\n]")
SENTENCE_MAX = 400
#: distinct answers kept per graph version (a department detail is a few KB)
MEMO_MAX = 4096
#: appended to a MATCH … WHERE to count what a page is cut from
COUNT = "\nRETURN count({var}) AS count\n"
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


def search_key(q: str | None) -> str:
    return unicodedata.normalize("NFKC", q or "").strip().lower()


def is_nx(store: Store) -> bool:
    return store.kind in NX_KINDS


def graph_of(store: Store) -> nx.MultiDiGraph:
    graph = getattr(store, "graph", None)
    return graph() if callable(graph) else store.to_networkx()


def read(store: Store, name: str, cypher: str, **params: Any) -> list[Row]:
    return [dict(r) for r in store.read(f"lookup:{name}", cypher, params)]  # type: ignore[attr-defined]


# -- NetworkX helpers: an index per graph object, dropped with the graph ------------------------
@dataclass
class Index:
    """Per-graph lookup tables: node ids per label in list order, departments per name and alias."""

    by_label: dict[str, list[str]] = field(default_factory=dict)
    dept_names: dict[str, list[str]] = field(default_factory=dict)
    dept_aliases: dict[str, list[str]] = field(default_factory=dict)
    #: answers already given on this graph version, oldest first (see `memoized`)
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)


_INDEX: weakref.WeakKeyDictionary[nx.MultiDiGraph, Index] = weakref.WeakKeyDictionary()


def index(g: nx.MultiDiGraph) -> Index:
    """Built once per graph object, i.e. once per store version (EmbeddedStore.graph() hands out a
    new object only when the file changed); dropped with the graph."""
    ix = _INDEX.get(g)
    if ix is None:
        ix = Index()
        for n, attrs in g.nodes(data=True):
            ix.by_label.setdefault(attrs.get("label", ""), []).append(n)
        for ids in ix.by_label.values():
            ids.sort(key=lambda n: (sort_name(g.nodes[n]), n))
        for n in ix.by_label.get("Department", []):
            a = g.nodes[n]
            ix.dept_names.setdefault(a.get("name") or "", []).append(n)
            for alias in a.get("aliases") or []:
                ix.dept_aliases.setdefault(alias, []).append(n)
        _INDEX[g] = ix
    return ix


@dataclass(frozen=True)
class Snapshot:
    """One graph version standing in for its store, so that a lookup reads one consistent graph
    (and takes the store's lock once)."""

    g: nx.MultiDiGraph
    kind: str = "embedded"

    def graph(self) -> nx.MultiDiGraph:
        return self.g


def memoized(fn: F) -> F:
    """On the embedded store, answer each distinct call once per graph version.

    The graph of a version never changes, so neither do its answers; the memo lives in the
    graph's index and goes with it. Answers are shared between callers: copy before mutating.
    Errors (NotFound, BadParameter) are not memoized.
    """

    @functools.wraps(fn)
    def wrapper(*, store: Store, **kwargs: Any) -> Any:
        if not is_nx(store):
            return fn(store=store, **kwargs)
        g = graph_of(store)
        memo = index(g).memo
        key = (fn.__name__, *sorted(kwargs.items()))
        try:
            return memo[key]
        except KeyError:
            pass
        value = fn(store=Snapshot(g), **kwargs)
        if len(memo) >= MEMO_MAX:
            del memo[next(iter(memo))]
        memo[key] = value
        return value

    return cast(F, wrapper)


def by_label(g: nx.MultiDiGraph, label: str) -> list[str]:
    return index(g).by_label.get(label, [])


def sort_name(attrs: dict[str, Any]) -> str:
    return str(attrs.get("name") or attrs.get("title") or "")


def rels(g: nx.MultiDiGraph, node: str, rtype: str, *, out: bool = True) -> list[tuple[str, dict[str, Any]]]:
    # the adjacency dicts directly: edge views cost more than the lookups they serve
    adjacency = (g._succ if out else g._pred)[node]
    return [(other, d) for other, keyed in adjacency.items() for d in keyed.values() if d.get("type") == rtype]


def task_ref(g: nx.MultiDiGraph, tid: str) -> Row:
    t = g.nodes[tid]
    plan = t.get("plan")
    return {
        "id": tid, "plan": plan, "plan_title": g.nodes[plan].get("title") if plan in g else None,
        "path": t.get("path"), "number": t.get("number"), "title": t.get("title"),
    }


def task_key(row: Row, order: Any) -> tuple[Any, ...]:
    return (row["plan_title"] or "", row["plan"] or "", order if order is not None else -1, row["id"])


def sorted_tasks(g: nx.MultiDiGraph, tids: set[str], extra: dict[str, Row] | None = None) -> list[Row]:
    rows = []
    for tid in tids:
        row = task_ref(g, tid)
        row.update((extra or {}).get(tid, {}))
        rows.append((task_key(row, g.nodes[tid].get("order")), row))
    return [r for _, r in sorted(rows, key=lambda kr: kr[0])]


def cy_tasks(store: Store, name: str, cypher: str, **params: Any) -> list[Row]:
    """Task references read by `cypher`, sorted like `sorted_tasks`."""
    return task_refs(read(store, name, cypher, **params))


def task_refs(rows: list[Row]) -> list[Row]:
    """Task reference rows (with `order`) sorted like `sorted_tasks`; `order` is dropped."""
    keyed = []
    for r in rows:
        order = r.pop("order", None)
        keyed.append((task_key(r, order), r))
    return [r for _, r in sorted(keyed, key=lambda kr: kr[0])]
