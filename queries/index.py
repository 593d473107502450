"""A read index over the embedded graph, built once per graph object (i.e. per store version).

The catalog's NetworkX implementations are pure functions of this index. The embedded store
hands out the same MultiDiGraph object until the file changes (each change bumps
EmbeddedStore.version and yields a new object), so caching on the graph object's identity is
caching per store version; a weak reference lets a superseded graph and its index go together.
"""

from __future__ import annotations

import contextlib
import gc
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

Attrs = dict[str, Any]


@dataclass
class Index:
    plans: dict[str, Attrs] = field(default_factory=dict)  # every Plan node, loaded or referenced
    implements: list[tuple[str, str]] = field(default_factory=list)
    tasks: dict[str, Attrs] = field(default_factory=dict)
    tasks_of_plan: dict[str, list[str]] = field(default_factory=dict)  # in document order
    children: dict[str, list[str]] = field(default_factory=dict)
    depts: dict[str, Attrs] = field(default_factory=dict)
    leads: dict[str, list[str]] = field(default_factory=dict)  # task -> departments by rank
    supports: dict[str, list[str]] = field(default_factory=dict)
    led: dict[str, list[str]] = field(default_factory=dict)  # department -> tasks it leads
    supported: dict[str, list[str]] = field(default_factory=dict)
    chains: dict[str, list[str]] = field(default_factory=dict)  # task -> chain names, sorted
    chain_names: set[str] = field(default_factory=set)
    tasks_of_chain: dict[str, list[str]] = field(default_factory=dict)
    enterprises: dict[str, list[str]] = field(default_factory=dict)  # task -> names, sorted
    institutes: dict[str, list[str]] = field(default_factory=dict)  # task -> Partner names, sorted
    persons: dict[str, Attrs] = field(default_factory=dict)
    responsible: dict[str, list[str]] = field(default_factory=dict)  # person -> tasks
    targets: dict[str, Attrs] = field(default_factory=dict)
    targets_of: dict[str, list[str]] = field(default_factory=dict)  # task or plan -> targets
    phases_of: dict[str, list[Attrs]] = field(default_factory=dict)
    #: per-query memo (e.g. the co-lead table), valid as long as the index is
    memo: dict[Any, Any] = field(default_factory=dict)

    def loaded_plans(self) -> list[str]:
        return sorted((p for p, a in self.plans.items() if a.get("loaded")),
                      key=lambda p: (self.plans[p].get("title") or "", p))

    def plan_tasks(self, plan: str | None) -> list[str]:
        """Tasks of one plan, or of every loaded plan, in plan title then document order."""
        if plan is not None:
            return self.tasks_of_plan.get(plan, [])
        return [t for p in self.loaded_plans() for t in self.tasks_of_plan.get(p, [])]


def build_index(g: nx.MultiDiGraph) -> Index:
    ix = Index()
    nodes = g.nodes
    for n, a in nodes(data=True):
        label = a.get("label")
        if label == "Plan":
            ix.plans[n] = a
        elif label == "Task":
            ix.tasks[n] = a
        elif label == "Department":
            ix.depts[n] = a
        elif label == "Target":
            ix.targets[n] = a
        elif label == "Person":
            ix.persons[n] = a
    ranked: dict[str, dict[str, list[tuple[int, str]]]] = {"LEADS": {}, "SUPPORTS": {}}
    for u, v, a in g.edges(data=True):
        rtype = a.get("type")
        if rtype == "HAS_TASK":
            ix.tasks_of_plan.setdefault(u, []).append(v)
        elif rtype == "SUBTASK":
            ix.children.setdefault(u, []).append(v)
        elif rtype in ("LEADS", "SUPPORTS"):
            # the rank is the order the text named the departments in
            ranked[rtype].setdefault(v, []).append((a.get("rank", 0), u))
        elif rtype == "CONCERNS":
            ix.chains.setdefault(u, []).append(nodes[v]["name"])
            ix.tasks_of_chain.setdefault(nodes[v]["name"], []).append(u)
        elif rtype == "INVOLVES":
            ix.enterprises.setdefault(u, []).append(nodes[v]["name"])
        elif rtype == "WITH_PARTNER":
            ix.institutes.setdefault(u, []).append(nodes[v]["name"])
        elif rtype == "RESPONSIBLE":
            ix.responsible.setdefault(u, []).append(v)
        elif rtype == "HAS_TARGET":
            ix.targets_of.setdefault(u, []).append(v)
        elif rtype == "HAS_PHASE":
            ix.phases_of.setdefault(u, []).append(nodes[v])
        elif rtype == "IMPLEMENTS":
            ix.implements.append((u, v))
    order = {t: (a.get("order", 0), t) for t, a in ix.tasks.items()}
    for ts in (*ix.tasks_of_plan.values(), *ix.children.values()):
        ts.sort(key=order.__getitem__)
    for rtype, by_task, by_dept in (("LEADS", ix.leads, ix.led), ("SUPPORTS", ix.supports, ix.supported)):
        for t, pairs in ranked[rtype].items():
            ds = list(dict.fromkeys(d for _, d in sorted(pairs)))
            by_task[t] = ds
            for d in ds:
                by_dept.setdefault(d, []).append(t)
    for ts in (*ix.led.values(), *ix.supported.values()):
        ts.sort(key=lambda t: (ix.tasks[t].get("plan", ""), order[t]))
    ix.chain_names = set(ix.tasks_of_chain)
    for ts in ix.tasks_of_chain.values():
        ts.sort(key=lambda t: (ix.tasks[t].get("plan", ""), order[t]))
    for m in (ix.chains, ix.enterprises, ix.institutes):
        for k, names in m.items():
            m[k] = sorted(set(names))
    for gs in ix.targets_of.values():
        gs.sort(key=lambda x: (ix.targets[x].get("order", 0), x))
    for phs in ix.phases_of.values():
        phs.sort(key=lambda a: a.get("order", 0))
    ix.implements.sort()
    return ix


_CACHE: weakref.WeakKeyDictionary[nx.MultiDiGraph, Index] = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic collector while building many small objects next to a large graph:
    each automatic collection would walk the whole graph (seconds at 10k tasks) and the
    objects built here form no cycles worth collecting early."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def index_of(g: nx.MultiDiGraph) -> Index:
    ix = _CACHE.get(g)
    if ix is None:
        with no_gc():
            ix = _CACHE[g] = build_index(g)
    return ix
