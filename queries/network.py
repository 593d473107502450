"""The co-responsibility network: departments linked by the tasks they share.

`workload` ranks departments by lead count with their degree centrality in the co-lead
network (departments as nodes, shared lead tasks as weighted edges; the bipartite projection of
departments x tasks). `path` finds the shortest chain of shared tasks (lead or support) between
two departments. Both twins build the same NetworkX graph - the embedded one from the index, the
Bolt one from Cypher reads - and run the same algorithm on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import combinations
from typing import Any

import networkx as nx

from graph.errors import BadParameter
from queries.common import (
    bolt_departments,
    bolt_plans,
    ix_departments,
    ix_plans,
    resolve_department,
    resolve_plan,
    task_label,
)
from queries.index import Index
from queries.spec import PLAN, QuerySpec, Reader, Row, required

NODES_CYPHER = """
MATCH (d:Department)-[r:LEADS|SUPPORTS]->(t:Task)
WHERE $plan IS NULL OR t.plan = $plan
RETURN d.id AS id, d.name AS name, d.place AS place, d.collective AS collective,
       type(r) AS role, count(DISTINCT t) AS n
"""
CHAINS_OF_DEPARTMENTS_CYPHER = """
MATCH (d:Department)-[:LEADS|SUPPORTS]->(t:Task)-[:CONCERNS]->(i:Industry)
WHERE $plan IS NULL OR t.plan = $plan
RETURN d.id AS id, collect(DISTINCT i.name) AS chains
"""
CO_LEAD_EDGES_CYPHER = """
MATCH (a:Department)-[:LEADS]->(t:Task)<-[:LEADS]-(b:Department)
WHERE a.id < b.id AND ($plan IS NULL OR t.plan = $plan)
RETURN a.id AS a, b.id AS b, collect([t.plan, t.order, t.number, t.title]) AS tasks
"""


def _finish(g: nx.Graph) -> nx.Graph:
    """Sorted insertion, so both twins hand algorithms the same adjacency order."""
    out = nx.Graph(**g.graph)
    out.add_nodes_from(sorted(g.nodes(data=True)))
    out.add_edges_from(sorted((min(u, v), max(u, v), a) for u, v, a in g.edges(data=True)))
    return out


def coresponsibility_from_index(ix: Index, plan: str | None) -> nx.Graph:
    plan = resolve_plan(ix_plans(ix), plan)
    g = nx.Graph(plan=plan)
    keys: dict[tuple[str, str], list[tuple[str, int, str]]] = {}
    for t in ix.task_rows(plan):
        for role, ds in (("leads", t.lead_ids), ("supports", t.support_ids)):
            for d in ds:
                if d not in g:
                    g.add_node(d, name=ix.dept_name[d], place=ix.dept_place[d],
                               collective=bool(ix.depts[d].get("collective")), leads=0, supports=0, chains=set())
                g.nodes[d][role] += 1
                g.nodes[d]["chains"].update(t.chains)
        item = (t.plan, t.order, t.label)
        for a, b in combinations(sorted(set(t.lead_ids)), 2):
            keys.setdefault((a, b), []).append(item)
    for (a, b), items in keys.items():
        g.add_edge(a, b, weight=len(items), tasks=[lab for *_, lab in sorted(items)])
    for _, attrs in g.nodes(data=True):
        attrs["chains"] = sorted(attrs["chains"])
    return _finish(g)


def coresponsibility_from_reader(read: Reader, plan: str | None) -> nx.Graph:
    plan = resolve_plan(bolt_plans(read), plan)
    g = nx.Graph(plan=plan)
    for r in read(NODES_CYPHER, {"plan": plan}):
        if r["id"] not in g:
            g.add_node(r["id"], name=r["name"], place=r["place"] or "-",
                       collective=bool(r["collective"]), leads=0, supports=0, chains=[])
        g.nodes[r["id"]]["leads" if r["role"] == "LEADS" else "supports"] += int(r["n"])
    for r in read(CHAINS_OF_DEPARTMENTS_CYPHER, {"plan": plan}):
        if r["id"] in g:
            g.nodes[r["id"]]["chains"] = sorted(set(r["chains"] or []))
    for r in read(CO_LEAD_EDGES_CYPHER, {"plan": plan}):
        items = sorted((pl, int(o or 0), task_label(n, t)) for pl, o, n, t in r["tasks"])
        g.add_edge(r["a"], r["b"], weight=len(items), tasks=[lab for *_, lab in items])
    return _finish(g)


# ---------------------------------------------------------------------------------- workload
def _workload_rows(g: nx.Graph) -> list[Row]:
    centrality = nx.degree_centrality(g) if len(g) > 1 else dict.fromkeys(g, 0.0)
    rows = [{
        "department": a["name"], "place": a["place"], "collective": a["collective"],
        "leads": a["leads"], "supports": a["supports"], "industries": list(a["chains"]),
        "co_leads": g.degree(d), "centrality": round(centrality[d], 4),
    } for d, a in g.nodes(data=True)]
    rows.sort(key=lambda r: (-r["leads"], -r["supports"], r["department"], r["place"]))
    return rows


def workload_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    """The rows `_workload_rows` gives for coresponsibility_from_index's graph, counted straight
    from the index: degree and degree centrality need only each department's co-lead set."""
    plan = resolve_plan(ix_plans(ix), p["plan"])
    # department -> [leads, supports, chains, departments it co-leads with]
    stats: dict[str, tuple[list[int], set[str], set[str]]] = {}
    for t in ix.task_rows(plan):
        for i, ds in ((0, t.lead_ids), (1, t.support_ids)):
            for d in ds:
                s = stats.get(d)
                if s is None:
                    s = stats[d] = ([0, 0], set(), set())
                s[0][i] += 1
                if t.chains:
                    s[1].update(t.chains)
        if len(t.lead_ids) > 1:
            for a, b in combinations(set(t.lead_ids), 2):
                stats[a][2].add(b)
                stats[b][2].add(a)
    # as nx.degree_centrality: degree x 1 / (n - 1); 0 for a lone department
    scale = 1.0 / (len(stats) - 1.0) if len(stats) > 1 else 0.0
    rows: list[Row] = [{
        "department": ix.dept_name[d], "place": ix.dept_place[d], "collective": bool(ix.depts[d].get("collective")),
        "leads": counts[0], "supports": counts[1], "industries": sorted(chains), "co_leads": len(co),
        "centrality": round(len(co) * scale, 4),
    } for d, (counts, chains, co) in sorted(stats.items())]
    rows.sort(key=lambda r: (-r["leads"], -r["supports"], r["department"], r["place"]))
    return rows


def workload_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    return _workload_rows(coresponsibility_from_reader(read, p["plan"]))


WORKLOAD = QuerySpec(
    name="workload",
    question_zh="各部门牵头、配合多少任务？在协同网络中处于什么位置？",
    question_en="Every department's lead / support counts, chains touched and centrality in the "
                "co-responsibility network, ranked by lead count.",
    params=[PLAN],
    columns=["department", "place", "collective", "leads", "supports", "industries", "co_leads",
             "centrality"],
    column_help={
        "department": "canonical name",
        "place": "its place",
        "collective": "true for collective parties (各乡镇人民政府, 各相关部门 …)",
        "leads": "tasks it leads (actions and sub-tasks alike)",
        "supports": "tasks it supports",
        "industries": "chains of the tasks it leads or supports",
        "co_leads": "departments it co-leads at least one task with",
        "centrality": "degree centrality in the co-lead network (co_leads / (departments - 1)), 4 decimals",
    },
    networkx=workload_nx,
    cypher=workload_cypher,
    cypher_text=(NODES_CYPHER, CHAINS_OF_DEPARTMENTS_CYPHER, CO_LEAD_EDGES_CYPHER),
)

# -------------------------------------------------------------------------------------- path
ROLE_EDGES_CYPHER = """
MATCH (d:Department)-[r:LEADS|SUPPORTS]->(t:Task)
WHERE $plan IS NULL OR t.plan = $plan
RETURN d.id AS dept, t.id AS task, type(r) AS role, t.number AS number, t.title AS title
"""


def _add_role(g: nx.Graph, dept: str, task: str, role: str, label: str) -> None:
    g.add_node(task, label=label)
    old = g.get_edge_data(dept, task)
    if old is None or role == "lead":
        g.add_edge(dept, task, role=role if old is None else "lead")


def _first_shortest_path(adj: Callable[[str], Iterable[str]], sources: list[str],
                         targets: set[str]) -> list[str] | None:
    """The shortest path from any source to any target, and among those the first by node ids
    (so every store shows the same one): distances to the targets by breadth-first search, then
    a walk that always steps to the smallest neighbour one step closer. `adj(node)` gives a
    node's neighbours. The search stops after the first layer that reaches a source: the walk
    only visits nodes nearer than that, whose distances are final by then."""
    if not targets:
        return None
    wanted = set(sources)
    dist = dict.fromkeys(sorted(targets), 0)
    layer, d = list(dist), 0
    while layer and not wanted & dist.keys():
        d += 1
        nxt = []
        for n in layer:
            for m in adj(n):
                if m not in dist:
                    dist[m] = d
                    nxt.append(m)
        layer = nxt
    reachable = [s for s in sources if s in dist]
    if not reachable:
        return None
    node = min(reachable, key=lambda s: (dist[s], s))
    path = [node]
    while dist[node] > 0:
        node = min(n for n in adj(node) if dist.get(n) == dist[node] - 1)
        path.append(node)
    return path


def _path_rows(adj: Callable[[str], Iterable[str]], names: dict[str, str], src: list[str], dst: list[str], *,
               role: Callable[[str, str], str], label: Callable[[str], str]) -> list[Row]:
    """`role(department, task)` and `label(task)` read the department-task graph `adj` walks."""
    if set(src) & set(dst):
        raise BadParameter("query 'path': 'from' and 'to' name the same department")
    best = _first_shortest_path(adj, src, set(dst))
    if best is None:
        return []
    rows = []
    for step, i in enumerate(range(0, len(best) - 2, 2), start=1):
        a, task, b = best[i], best[i + 1], best[i + 2]
        rows.append({"step": step, "from_department": names[a], "from_role": role(a, task),
                     "task": label(task), "to_role": role(b, task), "to_department": names[b]})
    return rows


def path_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    """The department-task graph is the index itself: a department's neighbours are the tasks
    it leads or supports (in the plan), a task's its leads and supports."""
    plan = resolve_plan(ix_plans(ix), p["plan"])
    depts = ix_departments(ix)
    src, dst = resolve_department(depts, p["from"]), resolve_department(depts, p["to"])
    row = ix.row

    def adj(n: str) -> Iterable[str]:
        t = row.get(n)
        if t is not None:
            return (*t.lead_ids, *t.support_ids)
        tasks = (*ix.led.get(n, ()), *ix.supported.get(n, ()))
        return tasks if plan is None else [x for x in tasks if row[x].plan == plan]

    def role(d: str, task: str) -> str:
        return "lead" if d in row[task].lead_ids else "support"

    return _path_rows(adj, {d: n for d, n, _, _ in depts}, src, dst, role=role, label=lambda task: row[task].label)


def path_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    depts = bolt_departments(read)
    src, dst = resolve_department(depts, p["from"]), resolve_department(depts, p["to"])
    g = nx.Graph()
    for r in read(ROLE_EDGES_CYPHER, {"plan": plan}):
        _add_role(g, r["dept"], r["task"], "lead" if r["role"] == "LEADS" else "support",
                  task_label(r["number"], r["title"]))
    return _path_rows(lambda n: g.adj[n] if n in g else (), {d: n for d, n, _, _ in depts}, src, dst,
                      role=lambda d, task: g.edges[d, task]["role"], label=lambda task: g.nodes[task]["label"])


PATH = QuerySpec(
    name="path",
    question_zh="两个部门之间通过哪些共同任务联系起来（最短链）？",
    question_en="The shortest chain of shared tasks (lead or support) linking two departments.",
    params=[required("from", "str", "first department (name or alias)"),
            required("to", "str", "second department (name or alias)"), PLAN],
    columns=["step", "from_department", "from_role", "task", "to_role", "to_department"],
    column_help={
        "step": "1, 2, … along the chain (no rows: not connected)",
        "from_department": "department at this end of the step",
        "from_role": "its role on the task (`lead` / `support`)",
        "task": "the shared task, `number title`",
        "to_role": "the next department's role on the task",
        "to_department": "the next department",
    },
    networkx=path_nx,
    cypher=path_cypher,
    cypher_text=(ROLE_EDGES_CYPHER,),
    example={"from": "金融办", "to": "林草局"},
)
