"""PlanExtract -> the nodes and relations both stores write.

Ownership decides what a new version of a document replaces: nodes with a `plan` property
(tasks, targets, phases, coordinating bodies) belong to that plan; departments, industries,
enterprises, partners and persons are shared and only lose the relations the plan asserted.
Every relation carries the `plan` that asserted it and its provenance (doc, span, path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.model import PlanExtract, department_id, plan_id, task_id

Props = dict[str, Any]


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    props: Props


@dataclass(frozen=True)
class Relation:
    type: str
    src: str
    dst: str
    props: Props

    @property
    def key(self) -> str:
        return f"{self.type}|{self.props.get('plan', '')}"


@dataclass
class PlanRecords:
    plan_id: str
    doc_id: str
    nodes: list[Node] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def by_label(self) -> dict[str, list[Node]]:
        out: dict[str, list[Node]] = {}
        for n in self.nodes:
            out.setdefault(n.label, []).append(n)
        return out

    def by_type(self) -> dict[str, list[Relation]]:
        out: dict[str, list[Relation]] = {}
        for r in self.relations:
            out.setdefault(r.type, []).append(r)
        return out

    @property
    def size(self) -> int:
        return len(self.nodes) + len(self.relations)


def industry_id(chain: str) -> str:
    return f"industry:{chain}"


def enterprise_id(name: str) -> str:
    return f"enterprise:{name}"


def partner_id(name: str) -> str:
    return f"partner:{name}"


def plan_records(ex: PlanExtract) -> PlanRecords:
    """Flatten one extract into nodes and relations with stable ids."""
    p = ex.plan
    doc = p.doc_id
    rec = PlanRecords(plan_id=p.id, doc_id=doc)
    nodes: dict[str, Node] = {}
    rels: dict[tuple[str, str, str], Relation] = {}

    def node(nid: str, label: str, **props: Any) -> None:
        props = {k: v for k, v in props.items() if v is not None}
        if nid in nodes:
            merged = dict(nodes[nid].props)
            for k, v in props.items():
                if isinstance(v, list) and isinstance(merged.get(k), list):
                    merged[k] = sorted(set(merged[k]) | set(v))
                else:
                    merged.setdefault(k, v)
            nodes[nid] = Node(nid, label, merged)
        else:
            nodes[nid] = Node(nid, label, {"id": nid, **props})

    def rel(rtype: str, src: str, dst: str, **props: Any) -> None:
        props = {k: v for k, v in props.items() if v is not None}
        rels.setdefault((rtype, src, dst), Relation(rtype, src, dst, {"plan": p.id, **props}))

    node(
        p.id, "Plan", plan=p.id, title=p.title, issuer=p.issuer, doc_number=p.doc_number,
        issued_date=p.issued_date, period_start=p.period[0], period_end=p.period[1], place=p.place,
        level=p.level, doc=doc, source=p.source, loaded=True, span=[0, len(ex.text)], path="",
    )
    def mention(name: str) -> list[int]:
        """Where the text first names something the extract holds without a span of its own."""
        at = ex.text.find(name)
        return [at, at + len(name)] if at >= 0 else [0, len(ex.text)]

    for title in p.implements:
        hid = plan_id(title)
        node(hid, "Plan", title=title)
        rel("IMPLEMENTS", p.id, hid, doc=doc, span=mention(title), path="")

    aliases = {d.name: d for d in ex.departments}
    for d in ex.departments:
        node(
            department_id(p.place, d.name), "Department", name=d.name, place=p.place or "-",
            aliases=sorted(set(d.aliases)), collective=d.collective, scope=d.scope,
        )

    for order, t in enumerate(ex.tasks):
        tid = task_id(p.id, t.id)
        span = list(t.span)
        node(
            tid, "Task", plan=p.id, path=t.path or t.id, number=t.number, title=t.title, text=t.text,
            level=t.level, order=order, deadline=t.deadline, doc=doc, span=span,
            parent=task_id(p.id, t.parent) if t.parent else None,
        )
        prov = {"doc": doc, "span": span, "path": t.path or t.id}
        rel("HAS_TASK", p.id, tid, **prov)
        if t.parent:
            rel("SUBTASK", task_id(p.id, t.parent), tid, **prov)
        for rtype, names in (("LEADS", t.lead), ("SUPPORTS", t.support)):
            for rank, name in enumerate(names):
                dept = aliases.get(name)
                rel(rtype, department_id(p.place, name), tid, rank=rank,
                    collective=bool(dept and dept.collective), **prov)
        for chain in t.chains:
            node(industry_id(chain), "Industry", name=chain)
            rel("CONCERNS", tid, industry_id(chain), **prov)
        for name in t.enterprises:
            node(enterprise_id(name), "Enterprise", name=name)
            rel("INVOLVES", tid, enterprise_id(name), **prov)
            for chain in t.chains:
                rel("IN_CHAIN", enterprise_id(name), industry_id(chain), **prov)
        for name in t.partners:
            node(partner_id(name), "Partner", name=name)
            rel("WITH_PARTNER", tid, partner_id(name), **prov)
        for name in t.persons:
            pid = f"person:{p.place or '-'}/{name}"
            node(pid, "Person", name=name, place=p.place or "-")
            rel("RESPONSIBLE", pid, tid, **prov)

    paths = {t.id: t.path or t.id for t in ex.tasks}
    for order, g in enumerate(ex.targets):
        gid = f"{p.id}#target:{g.id}"
        owner = task_id(p.id, g.task) if g.task else p.id
        node(
            gid, "Target", plan=p.id, task=task_id(p.id, g.task) if g.task else None, text=g.text,
            value=g.value, value_max=g.value_max, unit=g.unit, comparator=g.comparator,
            deadline=g.deadline, cadence=g.cadence, order=order, doc=doc, span=list(g.span),
            path=paths.get(g.task, "") if g.task else "",
        )
        rel("HAS_TARGET", owner, gid, doc=doc, span=list(g.span), path=paths.get(g.task, "") if g.task else "")

    for order, ph in enumerate(ex.phases):
        phid = f"{p.id}#phase:{order}"
        node(phid, "Phase", plan=p.id, name=ph.name, start=ph.start, end=ph.end, order=order,
             doc=doc, span=list(ph.span), path="")
        rel("HAS_PHASE", p.id, phid, doc=doc, span=list(ph.span), path="")

    for name in ex.coordinating_bodies:
        bid = f"{p.id}#body:{name}"
        node(bid, "CoordinatingBody", plan=p.id, name=name, doc=doc, span=mention(name), path="")
        rel("HAS_BODY", p.id, bid, doc=doc, span=mention(name), path="")

    rec.nodes = list(nodes.values())
    rec.relations = list(rels.values())
    return rec
