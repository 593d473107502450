"""The graph back into PlanExtracts: the inverse of graph.records.plan_records, for one plan.

Exports work from a store's NetworkX view (`Store.to_networkx()`), the same for either store.
What the graph does not keep comes back empty: the document text, the industry terms (only their
chains are stored) and departments a plan names outside its tasks' responsibilities.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.model import (
    Coverage,
    DepartmentExtract,
    PhaseExtract,
    PlanExtract,
    PlanInfo,
    TargetExtract,
    TaskExtract,
)


def loaded_plans(g: nx.MultiDiGraph) -> list[str]:
    """Ids of the plans loaded from a document (not those only referenced), by title."""
    plans = [(a.get("title") or "", n) for n, a in g.nodes(data=True)
             if a.get("label") == "Plan" and a.get("loaded")]
    return [n for _, n in sorted(plans)]


def _span(value: Any) -> tuple[int, int]:
    if isinstance(value, list | tuple) and len(value) == 2:
        return (int(value[0]), int(value[1]))
    return (0, 0)


def _local(pid: str, node_id: str | None) -> str | None:
    """`plan:…#(1)` -> `(1)`: a task's id inside its plan."""
    if not node_id:
        return None
    return node_id.removeprefix(f"{pid}#")


NodeList = list[tuple[str, dict[str, Any]]]
EdgeList = list[tuple[str, str, dict[str, Any]]]


class PlanIndex:
    """Each plan's own nodes and the relations it asserted, from one pass over the graph, so that
    rebuilding every plan stays linear in the graph's size."""

    def __init__(self, g: nx.MultiDiGraph) -> None:
        self.nodes: dict[str, NodeList] = {}
        self.edges: dict[str, EdgeList] = {}
        for n, a in g.nodes(data=True):
            owner = a.get("plan")
            if owner is not None and n != owner:
                self.nodes.setdefault(owner, []).append((n, a))
        for u, v, a in g.edges(data=True):
            owner = a.get("plan")
            if owner is not None:
                self.edges.setdefault(owner, []).append((u, v, a))


def plan_extract(g: nx.MultiDiGraph, pid: str, index: PlanIndex | None = None) -> PlanExtract:
    """One loaded plan as a PlanExtract, rebuilt from its nodes and the relations it asserted."""
    index = index or PlanIndex(g)
    p = g.nodes[pid]
    owned = index.nodes.get(pid, [])
    by_label: dict[str, NodeList] = {}
    for n, a in sorted(owned, key=lambda na: (na[1].get("order", 0), na[0])):
        by_label.setdefault(a.get("label", ""), []).append((n, a))

    out_edges: dict[str, dict[str, NodeList]] = {}
    in_edges: dict[str, dict[str, NodeList]] = {}
    for u, v, a in index.edges.get(pid, []):
        out_edges.setdefault(u, {}).setdefault(a["type"], []).append((v, a))
        in_edges.setdefault(v, {}).setdefault(a["type"], []).append((u, a))

    def names(edges: list[tuple[str, dict[str, Any]]]) -> list[str]:
        ranked = sorted(edges, key=lambda e: (e[1].get("rank", 0), e[0]))
        return list(dict.fromkeys(g.nodes[n].get("name") or n for n, _ in ranked))

    depts: dict[str, DepartmentExtract] = {}
    tasks = []
    for n, a in by_label.get("Task", []):
        ins, outs = in_edges.get(n, {}), out_edges.get(n, {})
        for rtype in ("LEADS", "SUPPORTS"):
            for d, _ in ins.get(rtype, []):
                da = g.nodes[d]
                depts.setdefault(da["name"], DepartmentExtract(
                    name=da["name"], aliases=list(da.get("aliases") or [da["name"]]),
                    collective=bool(da.get("collective")), scope=da.get("scope")))
        chains = names(outs.get("CONCERNS", []))
        tasks.append(TaskExtract(
            id=_local(pid, n) or n, number=a.get("number") or "", path=a.get("path") or "",
            parent=_local(pid, a.get("parent")), level=int(a.get("level") or 1),
            title=a.get("title") or "", text=a.get("text") or "",
            lead=names(ins.get("LEADS", [])), support=names(ins.get("SUPPORTS", [])),
            persons=names(ins.get("RESPONSIBLE", [])), industries=chains, chains=chains,
            enterprises=names(outs.get("INVOLVES", [])), partners=names(outs.get("WITH_PARTNER", [])),
            deadline=a.get("deadline"), span=_span(a.get("span")),
        ))
    targets = [
        TargetExtract(
            id=n.rsplit("#target:", 1)[-1], task=_local(pid, a.get("task")), text=a.get("text") or "",
            value=a.get("value"), value_max=a.get("value_max"), unit=a.get("unit"),
            comparator=a.get("comparator"), deadline=a.get("deadline"), cadence=a.get("cadence"),
            span=_span(a.get("span")),
        )
        for n, a in by_label.get("Target", [])
    ]
    phases = [PhaseExtract(name=a.get("name") or "", start=a.get("start"), end=a.get("end"),
                           span=_span(a.get("span"))) for _, a in by_label.get("Phase", [])]
    implements = [g.nodes[v].get("title") or v for v, _ in out_edges.get(pid, {}).get("IMPLEMENTS", [])]
    plan = PlanInfo(
        id=pid, title=p.get("title") or pid, issuer=p.get("issuer"), doc_number=p.get("doc_number"),
        issued_date=p.get("issued_date"), period=(p.get("period_start"), p.get("period_end")),
        implements=implements, place=p.get("place"), level=p.get("level"), doc_id=p.get("doc") or "",
        source=p.get("source"),
    )
    return PlanExtract(
        plan=plan, tasks=tasks, departments=list(depts.values()), targets=targets, phases=phases,
        coordinating_bodies=[a.get("name") or "" for _, a in by_label.get("CoordinatingBody", [])],
        coverage=Coverage(annotations=sum(1 for t in tasks if t.lead or t.support), tasks=len(tasks)),
    )
