"""The graph as files other tools read: GraphML (Gephi, yEd, NetworkX) and node-link JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Collection
from typing import Any

import networkx as nx


def plan_subgraph(g: nx.MultiDiGraph, plan_ids: Collection[str] | None) -> nx.MultiDiGraph:
    """What the given plans assert: their own nodes, their relations and those relations' ends.

    None means the whole graph.
    """
    if plan_ids is None:
        return g.copy()
    wanted = set(plan_ids)
    sub = nx.MultiDiGraph(**g.graph)
    for n, a in g.nodes(data=True):
        if n in wanted or a.get("plan") in wanted:
            sub.add_node(n, **a)
    for u, v, k, a in g.edges(keys=True, data=True):
        if a.get("plan") in wanted:
            for end in (u, v):
                if end not in sub:
                    sub.add_node(end, **g.nodes[end])
            sub.add_edge(u, v, key=k, **a)
    return sub


def _scalar(value: Any) -> Any:
    # GraphML has no lists or maps: they travel as JSON text
    if isinstance(value, list | tuple | dict | set):
        return json.dumps(sorted(value) if isinstance(value, set) else value, ensure_ascii=False)
    return value


def graphml_bytes(g: nx.MultiDiGraph) -> bytes:
    """GraphML that `nx.read_graphml` reads back with every attribute (lists as JSON strings)."""
    out = nx.MultiDiGraph()
    out.graph.update({k: _scalar(v) for k, v in g.graph.items() if v is not None})
    for n, a in g.nodes(data=True):
        out.add_node(n, **{k: _scalar(v) for k, v in a.items() if v is not None})
    for u, v, k, a in g.edges(keys=True, data=True):
        out.add_edge(u, v, key=k, **{kk: _scalar(vv) for kk, vv in a.items() if vv is not None})
    buf = io.BytesIO()
    nx.write_graphml(out, buf, encoding="utf-8", infer_numeric_types=True)
    return buf.getvalue()


def json_bytes(g: nx.MultiDiGraph) -> bytes:
    """Node-link JSON (`nx.node_link_graph(data, edges="edges")` reads it back)."""
    data = nx.node_link_data(g, edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=1, default=list).encode("utf-8")
