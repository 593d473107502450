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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, NamedTuple

import networkx as nx

from queries.facts import PlanRow, TargetRow, TaskRow, target_row, task_label

Attrs = dict[str, Any]

#: what query modules add to every index as it is built (e.g. queries.chains: the co-lead pairs
#: of every chain), so that their first calls copy rows instead of computing them
TABLE_BUILDERS: list[Callable[[Index], None]] = []
#: the same per plan: called with each loaded plan's id and task rows as soon as they are built,
#: while they are still in the processor's cache (a pass over every row after the build finds
#: them spread over a heap larger than the cache: at 100k tasks it cost 2x per row); plans come
#: in `plan_list` order, so tables appended plan by plan follow the rows' order
PLAN_TABLE_BUILDERS: list[Callable[[Index, str, list[TaskRow]], None]] = []


@dataclass
class Index:
    plans: dict[str, Attrs] = field(default_factory=dict)  # every Plan node, loaded or referenced
    implements: list[tuple[str, str]] = field(default_factory=list)
    tasks_of_plan: dict[str, list[str]] = field(default_factory=dict)  # in document order
    depts: dict[str, Attrs] = field(default_factory=dict)
    led: dict[str, list[str]] = field(default_factory=dict)  # department -> tasks it leads
    supported: dict[str, list[str]] = field(default_factory=dict)
    chain_names: set[str] = field(default_factory=set)
    persons: dict[str, Attrs] = field(default_factory=dict)
    responsible: dict[str, list[str]] = field(default_factory=dict)  # person -> tasks
    phases_of: dict[str, list[Attrs]] = field(default_factory=dict)
    # -- the compact tables (queries.facts), built once beside the maps above ---------------
    #: loaded plans as (id, title), by title then id: every query's plan filter resolves on it
    plan_list: list[tuple[str, str]] = field(default_factory=list)
    #: every task of the loaded plans, by plan title, plan id, then document order
    rows: list[TaskRow] = field(default_factory=list)
    rows_of_plan: dict[str, list[TaskRow]] = field(default_factory=dict)
    row: dict[str, TaskRow] = field(default_factory=dict)
    chained: list[TaskRow] = field(default_factory=list)  # the rows naming an industry chain
    involving: list[TaskRow] = field(default_factory=list)  # the rows naming an enterprise
    partnered: list[TaskRow] = field(default_factory=list)  # the rows naming a research partner
    rows_of_chain: dict[str, list[TaskRow]] = field(default_factory=dict)
    #: every target, by plan title, plan id, order, text
    target_rows: list[TargetRow] = field(default_factory=list)
    target_rows_of_plan: dict[str, list[TargetRow]] = field(default_factory=dict)
    dept_name: dict[str, str] = field(default_factory=dict)
    dept_place: dict[str, str] = field(default_factory=dict)
    #: (plan id, title, order, name, start, end) of every loaded plan's phases, in `phases` order
    phase_rows: list[tuple[str, str, int, Any, Any, Any]] = field(default_factory=list)
    #: every loaded plan with its counts, in `plan_list` order
    plan_rows: list[PlanRow] = field(default_factory=list)
    #: the query modules' own per-version tables (TABLE_BUILDERS), by name
    tables: dict[str, Any] = field(default_factory=dict)
    #: per-query memo (answers), valid as long as the index is
    memo: dict[Any, Any] = field(default_factory=dict)

    def loaded_plans(self) -> list[str]:
        return [p for p, _ in self.plan_list]

    def plan_tasks(self, plan: str | None) -> list[str]:
        """Tasks of one plan, or of every loaded plan, in plan title then document order."""
        if plan is not None:
            return self.tasks_of_plan.get(plan, [])
        return [r.id for r in self.rows]

    def task_rows(self, plan: str | None) -> list[TaskRow]:
        """The rows of one plan's tasks, or of every loaded plan's (as `plan_tasks`)."""
        return self.rows if plan is None else self.rows_of_plan.get(plan, [])


class _TaskAttrs(NamedTuple):
    """A task node's attributes, read once: each read of a node's dict is likely a cache miss in
    a heap of a million objects, and the build needs these several times."""

    plan: str
    order: Any
    parent: str | None
    number: str | None
    title: str | None
    path: str | None
    level: Any
    deadline: Any


@dataclass
class _Raw:
    """What only the build reads: the rows of queries.facts carry it from then on."""

    tasks: dict[str, _TaskAttrs] = field(default_factory=dict)
    children: dict[str, int] = field(default_factory=dict)  # task -> how many sub-tasks
    leads: dict[str, list[str]] = field(default_factory=dict)  # task -> departments by rank
    supports: dict[str, list[str]] = field(default_factory=dict)
    chains: dict[str, list[str]] = field(default_factory=dict)  # task -> chain names, sorted
    enterprises: dict[str, list[str]] = field(default_factory=dict)  # task -> names, sorted
    institutes: dict[str, list[str]] = field(default_factory=dict)  # task -> Partner names, sorted
    targets: dict[str, TargetRow] = field(default_factory=dict)
    targets_of: dict[str, list[str]] = field(default_factory=dict)  # task or plan -> targets


def build_index(g: nx.MultiDiGraph) -> Index:
    ix, raw = Index(), _Raw()
    attrs: dict[str, Attrs] = {}  # a plain dict: g.nodes[v] is a Python-level view lookup per edge
    for n, a in g.nodes(data=True):
        attrs[n] = a
        label = a.get("label")
        if label == "Plan":
            ix.plans[n] = a
        elif label == "Task":
            raw.tasks[n] = _TaskAttrs(a.get("plan", ""), a.get("order", 0), a.get("parent"), a.get("number"),
                                      a.get("title"), a.get("path"), a.get("level"), a.get("deadline"))
        elif label == "Department":
            ix.depts[n] = a
        elif label == "Target":
            raw.targets[n] = target_row(a, a.get("order"))
        elif label == "Person":
            ix.persons[n] = a
    ranked: dict[str, dict[str, list[tuple[int, str]]]] = {"LEADS": {}, "SUPPORTS": {}}
    for u, v, a in g.edges(data=True):
        rtype = a.get("type")
        if rtype == "HAS_TASK":
            ix.tasks_of_plan.setdefault(u, []).append(v)
        elif rtype == "SUBTASK":
            raw.children[u] = raw.children.get(u, 0) + 1
        elif rtype in ("LEADS", "SUPPORTS"):
            # the rank is the order the text named the departments in
            ranked[rtype].setdefault(v, []).append((a.get("rank", 0), u))
        elif rtype == "CONCERNS":
            raw.chains.setdefault(u, []).append(attrs[v]["name"])
        elif rtype == "INVOLVES":
            raw.enterprises.setdefault(u, []).append(attrs[v]["name"])
        elif rtype == "WITH_PARTNER":
            raw.institutes.setdefault(u, []).append(attrs[v]["name"])
        elif rtype == "RESPONSIBLE":
            ix.responsible.setdefault(u, []).append(v)
        elif rtype == "HAS_TARGET":
            raw.targets_of.setdefault(u, []).append(v)
        elif rtype == "HAS_PHASE":
            ix.phases_of.setdefault(u, []).append(attrs[v])
        elif rtype == "IMPLEMENTS":
            ix.implements.append((u, v))
    order = {t: (a.order, t) for t, a in raw.tasks.items()}
    for ts in ix.tasks_of_plan.values():
        ts.sort(key=order.__getitem__)
    for rtype, by_task, by_dept in (("LEADS", raw.leads, ix.led), ("SUPPORTS", raw.supports, ix.supported)):
        for t, pairs in ranked[rtype].items():
            ds = list(dict.fromkeys(d for _, d in sorted(pairs)))
            by_task[t] = ds
            for d in ds:
                by_dept.setdefault(d, []).append(t)
    in_plan = {t: (a.plan, a.order, t) for t, a in raw.tasks.items()}
    for ts in (*ix.led.values(), *ix.supported.values()):
        ts.sort(key=in_plan.__getitem__)
    ix.chain_names = {c for cs in raw.chains.values() for c in cs}
    for m in (raw.chains, raw.enterprises, raw.institutes):
        for k, names in m.items():
            m[k] = sorted(set(names))
    for gs in raw.targets_of.values():
        gs.sort(key=lambda x: (raw.targets[x].order, x))
    for phs in ix.phases_of.values():
        phs.sort(key=lambda a: a.get("order", 0))
    ix.implements.sort()
    _build_rows(ix, raw)
    for build in TABLE_BUILDERS:
        build(ix)
    return ix


def _owners(leads: dict[str, tuple[str, ...]], parent: dict[str, str | None]) -> dict[str, tuple[str, ...]]:
    """queries.facts.owners over every task at once, each ancestor resolved once."""
    out: dict[str, tuple[str, ...]] = {}
    for t in leads:
        walked = []
        cur: str | None = t
        while cur is not None and cur not in out and not leads[cur]:
            walked.append(cur)
            p = parent[cur]
            cur = p if p in leads and p not in walked else None
        found = () if cur is None else out[cur] if cur in out else leads[cur]
        for w in walked:
            out[w] = found
        if cur is not None:
            out.setdefault(cur, found)
    return out


def _pair(place: str, a: str, b: str) -> tuple[str, str, str]:
    return (place, a, b) if a <= b else (place, b, a)


def _copier() -> Callable[[Any], Any]:
    """own(value): a fresh copy of a string, one per distinct text, anything else as it is.

    The graph's strings lie wherever unpickling put them, a few to a page of a 1 GB heap; a
    row that points at them costs a cache and TLB miss per value each time it is read, copied
    or walked by the collector. The rows' own copies are allocated together with the rows."""
    seen: dict[str, str] = {}

    def own(v: Any) -> Any:
        if type(v) is not str or len(v) < 2:
            return v
        c = seen.get(v)
        if c is None:
            c = seen[v] = (v + " ")[:-1]
        return c

    return own


def _build_rows(ix: Index, raw: _Raw) -> None:
    """The compact tables of queries.facts: one pass over the loaded plans' tasks in answer order,
    so the rows sit together in memory and no query re-derives them."""
    own = _copier()
    loaded = sorted((p for p, a in ix.plans.items() if a.get("loaded")),
                    key=lambda p: (ix.plans[p].get("title") or "", p))
    ix.plan_list = [(p, own(ix.plans[p].get("title", ""))) for p in loaded]
    ix.dept_name = {d: own(a.get("name", "")) for d, a in ix.depts.items()}
    ix.dept_place = {d: own(a.get("place") or "-") for d, a in ix.depts.items()}
    names = ix.dept_name
    for gid, x in raw.targets.items():
        raw.targets[gid] = x._replace(text=own(x.text), unit=own(x.unit), comparator=own(x.comparator),
                                    deadline=own(x.deadline), cadence=own(x.cadence))
    empty: tuple[str, ...] = ()
    # first the leads of every task: a task's owners may be an ancestor's leads
    tids = [t for p in loaded for t in ix.tasks_of_plan.get(p, [])]
    lead_names = {t: tuple(names[d] for d in raw.leads.get(t, empty)) for t in tids}
    owner = _owners(lead_names, {t: raw.tasks[t].parent for t in tids})
    numbers = {t: own(raw.tasks[t].number) for t in tids}
    dept_count: dict[str, int] = {}
    for p in loaded:
        pa = ix.plans[p]
        title, place = own(pa.get("title") or ""), own(pa.get("place") or "-")
        rows = ix.rows_of_plan[p] = []
        depts: set[str] = set()
        for t in ix.tasks_of_plan.get(p, []):
            a = raw.tasks[t]
            lids = tuple(raw.leads.get(t, empty))
            sids = tuple(raw.supports.get(t, empty))
            depts.update(lids, sids)
            parent = a.parent
            r = TaskRow(
                p, title, t, parent, a.order, task_label(a.number, a.title),
                lead_names[t], raw.children.get(t, 0), tuple(map(own, raw.chains.get(t, empty))),
                lids, sids, tuple(names[d] for d in sids), place, numbers[t], own(a.title), own(a.path),
                a.level, own(a.deadline), numbers.get(parent) if parent else None,
                tuple(raw.targets[g].text for g in raw.targets_of.get(t, empty)),
                owner[t], tuple(map(own, raw.enterprises.get(t, empty))), tuple(map(own, raw.institutes.get(t, empty))),
                tuple(_pair(ix.dept_place[d1], names[d1], names[d2]) for d1, d2 in combinations(lids, 2))
                if len(lids) > 1 else (),
            )
            rows.append(r)
            ix.row[t] = r
            if r.chains:
                ix.chained.append(r)
                for c in r.chains:
                    ix.rows_of_chain.setdefault(c, []).append(r)
            if r.enterprises:
                ix.involving.append(r)
            if r.institutes:
                ix.partnered.append(r)
        ix.rows.extend(rows)
        dept_count[p] = len(depts)
        for build in PLAN_TABLE_BUILDERS:
            build(ix, p, rows)
    phases = [(p, own(ix.plans[p].get("title", "")), f.get("order", 0), own(f.get("name")), own(f.get("start")),
               own(f.get("end"))) for p in loaded for f in ix.phases_of.get(p, [])]
    ix.phase_rows = sorted(phases, key=lambda f: (f[1], f[2], f[3] or ""))
    # in the order targets and gaps answer in (plan title, plan, order, text), so their final
    # sorts meet sorted input
    title_of = dict(ix.plan_list)
    ix.target_rows = sorted((g._replace(row=ix.row.get(g.task or "")) for g in raw.targets.values()),
                            key=lambda g: (title_of.get(g.plan, g.plan), g.plan, g.order, g.text))
    for g in ix.target_rows:
        ix.target_rows_of_plan.setdefault(g.plan, []).append(g)
    higher: dict[str, list[str]] = {}
    for lower, upper in ix.implements:
        higher.setdefault(lower, []).append(own(ix.plans[upper].get("title", "")))
    for p in loaded:
        pa = ix.plans[p]
        ix.plan_rows.append(PlanRow(
            own(p), own(pa.get("title", "")), own(pa.get("issuer")), own(pa.get("doc_number")),
            own(pa.get("issued_date")), own(pa.get("period_start")), own(pa.get("period_end")), own(pa.get("place")),
            own(pa.get("level")),
            tuple(sorted(higher.get(p, ()))), len(ix.tasks_of_plan.get(p, ())), dept_count[p],
            len(ix.target_rows_of_plan.get(p, ())), len(ix.phases_of.get(p, ()))))


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
