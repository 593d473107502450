"""Copy-on-write edits of the embedded store's graph: a new version that shares what it keeps.

Readers of the embedded store hold a graph version and the query layer caches per graph object,
so a published graph must never change. Copying the whole graph for every document made loading
one plan cost O(store). A `Draft` instead starts from a new MultiDiGraph whose three top-level
dicts (nodes, successors, predecessors) are shallow copies of the base's (three hash tables
cloned, ~20 ms at 100k tasks: the one part of a write that grows with the store) and copies an
inner dict only the first time the edit touches it: a node's attributes, a node's neighbour map,
the key map of one (u, v) pair. Everything else stays shared with the base, which is never
written to. Dropping a draft leaves the base as it was, so a failed write needs no undo.

A plan's facts are found from its Plan node by following the relations the plan asserted (every
relation carries its `plan`; see `footprint`), so replacing or dropping a plan costs about the
size of the plan, not of the graph. This relies on every relation of a plan starting at a node
the walk reaches or ending at a node the plan owns, which graph.records guarantees (tasks hang
off HAS_TASK, targets, phases and bodies off the plan or a task, LEADS / SUPPORTS / RESPONSIBLE
end at a task, IN_CHAIN starts at an enterprise a task INVOLVES); tests/test_embedded_journal.py
checks it against a full scan.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.records import PlanRecords

OWNED = "plan"
Attrs = dict[str, Any]
#: the plain-data form of one plan's records, as journal entries hold them:
#: (plan_id, doc_id, [(id, label, props)], [(type, src, dst, key, props)])
PlanRows = tuple[str, str, list[tuple[str, str, Attrs]], list[tuple[str, str, str, str, Attrs]]]


def plan_rows(rec: PlanRecords) -> PlanRows:
    return (rec.plan_id, rec.doc_id, [(n.id, n.label, n.props) for n in rec.nodes],
            [(r.type, r.src, r.dst, r.key, r.props) for r in rec.relations])


def footprint(g: nx.MultiDiGraph, pid: str) -> tuple[list[tuple[str, str, str]], set[str]]:
    """The relations plan `pid` asserted (u, v, key) and every node they touch, plus the plan node.

    A walk from the plan node: along the plan's relations out of every node reached, and into the
    nodes the plan owns. Shared nodes (an industry every task of the country CONCERNS, a plan many
    others IMPLEMENT) are never scanned for relations coming in, so the walk stays the plan's size.
    """
    if pid not in g._node:
        return [], set()
    nodes, succ, pred = g._node, g._succ, g._pred
    seen, stack = {pid}, [pid]
    edges: list[tuple[str, str, str]] = []
    while stack:
        n = stack.pop()
        for v, keyed in succ[n].items():
            for k, d in keyed.items():
                if d.get(OWNED) == pid:
                    edges.append((n, v, k))  # each relation once: from the side of its source
                    if v not in seen:
                        seen.add(v)
                        stack.append(v)
        if nodes[n].get(OWNED) != pid:
            continue
        for u, keyed in pred[n].items():
            if u not in seen:
                for d in keyed.values():
                    if d.get(OWNED) == pid:
                        seen.add(u)
                        stack.append(u)
                        break
    return edges, seen


def _own_copy(table: dict[str, Any], owned: set[str], n: str) -> Any:
    """`table[n]`, replaced by a copy of itself the first time this draft touches it (the shared
    original belongs to the graph version readers may hold)."""
    if n not in owned:
        table[n] = dict(table[n])
        owned.add(n)
    return table[n]


class Draft:
    """The next graph version, built from `base` without changing it (the result: `self.g`)."""

    def __init__(self, base: nx.MultiDiGraph) -> None:
        g = nx.MultiDiGraph()
        g.graph.update(base.graph)
        # The setters reset networkx's cached views; the dicts are shallow copies of the base's.
        # dict.copy(), not dict(): it clones the hash table even when deleted nodes left holes in
        # it, where dict() re-inserts every key (at 100k tasks: ~20 ms against ~120 ms a dict).
        g._node = base._node.copy()
        g._adj = base._succ.copy()
        g._pred = base._pred.copy()
        self.g = g
        self._own_attrs: set[str] = set()
        self._own_succ: set[str] = set()
        self._own_pred: set[str] = set()
        self._own_keys: set[tuple[str, str]] = set()

    # -- copy on first touch -------------------------------------------------------------
    def _attrs(self, n: str) -> Attrs:
        attrs: Attrs = _own_copy(self.g._node, self._own_attrs, n)
        return attrs

    def _succ(self, n: str) -> dict[str, dict[str, Attrs]]:
        nbrs: dict[str, dict[str, Attrs]] = _own_copy(self.g._succ, self._own_succ, n)
        return nbrs

    def _pred(self, n: str) -> dict[str, dict[str, Attrs]]:
        nbrs: dict[str, dict[str, Attrs]] = _own_copy(self.g._pred, self._own_pred, n)
        return nbrs

    def _keys(self, u: str, v: str) -> dict[str, Attrs] | None:
        """The (u, v) key map, owned by the draft (successor and predecessor side share it)."""
        succ = self._succ(u)
        keyed = succ.get(v)
        if keyed is None:
            return None
        if (u, v) not in self._own_keys:
            keyed = dict(keyed)
            succ[v] = self._pred(v)[u] = keyed
            self._own_keys.add((u, v))
        return keyed

    # -- primitive edits -----------------------------------------------------------------
    def add_node(self, n: str, attrs: Attrs) -> None:
        self.g._node[n] = attrs
        self.g._succ[n] = {}
        self.g._pred[n] = {}
        self._own_attrs.add(n)
        self._own_succ.add(n)
        self._own_pred.add(n)

    def add_edge(self, u: str, v: str, key: str, attrs: Attrs) -> None:
        keyed = self._keys(u, v)
        if keyed is None:
            keyed = {}
            self._succ(u)[v] = self._pred(v)[u] = keyed
            self._own_keys.add((u, v))
        old = keyed.get(key)
        keyed[key] = {**old, **attrs} if old is not None else attrs

    def remove_edge(self, u: str, v: str, key: str) -> None:
        keyed = self._keys(u, v)
        assert keyed is not None
        del keyed[key]
        if not keyed:
            del self._succ(u)[v]
            del self._pred(v)[u]

    def remove_node(self, n: str) -> None:
        for v in list(self.g._succ[n]):
            if v != n:
                del self._pred(v)[n]
        for u in list(self.g._pred[n]):
            if u != n:
                del self._succ(u)[n]
        del self.g._node[n], self.g._succ[n], self.g._pred[n]
        self._own_attrs.discard(n)
        self._own_succ.discard(n)
        self._own_pred.discard(n)

    # -- plan-level edits ----------------------------------------------------------------
    def is_loaded(self, plan: str) -> bool:
        return bool(self.g._node.get(plan, {}).get("loaded"))

    def load(self, rows: PlanRows) -> bool:
        """Write one plan's records, replacing its earlier version; True if one was replaced."""
        plan = rows[0]
        replaced = self.is_loaded(plan)
        if replaced:  # a plan never loaded (or only referenced) owns nothing: nothing to find
            self.remove_plan(plan, keep_plan_node=True)
        self._apply(rows)
        return replaced

    def drop(self, plan: str) -> bool:
        if not self.is_loaded(plan):
            return False
        self.remove_plan(plan, keep_plan_node=False)
        return True

    def remove_plan(self, pid: str, *, keep_plan_node: bool) -> None:
        """Delete what the plan asserted; shared nodes left without relations go too."""
        g = self.g
        doomed, cands = footprint(g, pid)
        for u, v, k in doomed:
            self.remove_edge(u, v, k)
        for n in cands:
            if n != pid and n in g._node and g._node[n].get(OWNED) == pid:
                self.remove_node(n)
        if pid in g._node:
            if keep_plan_node or g._pred[pid]:
                # another plan still IMPLEMENTS this one: it stays, as a reference only
                title = g._node[pid].get("title")
                g._node[pid] = {"id": pid, "label": "Plan", "title": title}
                self._own_attrs.add(pid)
            else:
                self.remove_node(pid)
        for n in cands:
            if (n in g._node and n != pid and OWNED not in g._node[n]
                    and not g._succ[n] and not g._pred[n]):
                self.remove_node(n)

    def _apply(self, rows: PlanRows) -> None:
        _, _, nodes, rels = rows
        g = self.g
        for nid, label, props in nodes:
            if nid not in g._node:
                self.add_node(nid, {"label": label, **props})
            elif label == "Plan" and not props.get("loaded"):
                if "title" not in g._node[nid]:  # reference: never overwrite
                    self._attrs(nid)["title"] = props.get("title")
            elif label == "Department":
                attrs = self._attrs(nid)
                merged = sorted(set(attrs.get("aliases", [])) | set(props.get("aliases", [])))
                attrs.update(props, aliases=merged)
            else:
                self._attrs(nid).update(props, label=label)
        # one string object per id: pickle writes an object it has seen as a 2-byte reference
        same = {nid: nid for nid, _, _ in nodes}
        for rtype, src, dst, key, props in rels:
            # the relation keys of a plan repeat too (type|plan)
            self.add_edge(same.get(src, src), same.get(dst, dst), same.setdefault(key, key),
                          {"type": rtype, **props})
