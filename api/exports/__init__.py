"""Exports of a store: the 任务分工表 (xlsx, csv) and the graph (graphml, json).

Everything is read through `Store.to_networkx()`, so both stores export the same files. Nothing
here knows HTTP or the command line; `plankg export` and any other front end call `export`.

>>> FORMATS
('xlsx', 'csv', 'graphml', 'json')
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from api.exports.extracts import PlanIndex, loaded_plans, plan_extract
from api.exports.graphfiles import graphml_bytes, json_bytes, plan_subgraph
from api.exports.workbook import csv_bytes, workbook_bytes
from graph.errors import BadParameter, NotFound
from graph.model import PlanExtract
from graph.stores.base import Store

FORMATS = ("xlsx", "csv", "graphml", "json")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "graphml": "application/xml",
    "json": "application/json",
}

__all__ = ["FORMATS", "MEDIA_TYPES", "export", "export_graph", "loaded_plans", "plan_extract",
           "plan_extracts"]


def plan_extracts(g: nx.MultiDiGraph, plan_ids: Sequence[str] | None = None) -> list[PlanExtract]:
    """The loaded plans (all, or those named) rebuilt as PlanExtracts."""
    loaded = loaded_plans(g)
    if plan_ids is None:
        plan_ids = loaded
    missing = [p for p in plan_ids if p not in loaded]
    if missing:
        raise NotFound(f"no loaded plan {', '.join(missing)}")
    index = PlanIndex(g)
    return [plan_extract(g, pid, index) for pid in plan_ids]


def export_graph(g: nx.MultiDiGraph, fmt: str, plan_ids: Sequence[str] | None = None) -> bytes:
    """One export of an in-memory graph: `fmt` is one of FORMATS; plan_ids None means every plan."""
    if fmt in ("xlsx", "csv"):
        extracts = plan_extracts(g, plan_ids)
        return workbook_bytes(extracts) if fmt == "xlsx" else csv_bytes(extracts)
    if fmt in ("graphml", "json"):
        if plan_ids is not None:
            plan_extracts(g, plan_ids)  # the same NotFound for an unknown plan
        sub = plan_subgraph(g, plan_ids)
        return graphml_bytes(sub) if fmt == "graphml" else json_bytes(sub)
    raise BadParameter(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def export(store: Store, fmt: str, plan: str | None = None) -> bytes:
    """Export a store, or one of its plans (id or title, resolved like every other command)."""
    if fmt not in FORMATS:
        raise BadParameter(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    plan_ids = None
    if plan:
        from queries import resolve_plan

        plan_ids = [resolve_plan(store, plan)]
    return export_graph(store.to_networkx(), fmt, plan_ids)
