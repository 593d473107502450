"""The measurements themselves: each returns plain numbers; benchmarks.run decides what to run.

Every figure is the median of several runs, and every speed figure comes with the baseline it is
compared with, measured in the same process right beside it.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: the parameters each catalog question is benchmarked with (names common to every place level)
QUERY_PARAMS: dict[str, dict[str, Any]] = {
    "co-leads": {"industry": "乳业"},
    "industry-leads": {},
    "department": {"name": "农牧局"},
    "partners": {"name": "发改委"},
    "compare": {"department": "财政局"},
    "workload": {},
    "overlaps": {},
    "gaps": {},
    "targets": {"due": "2023"},
    "path": {"from": "农牧局", "to": "金融办"},
    "plans": {},
    "lineage": {},
    "phases": {"on": "2022"},
    "enterprises": {"industry": "乳业"},
}


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall and CPU time of `runs` calls (seconds) and the last call's result.

    CPU time (this process's, one thread) is the figure we report for single-core work: on a
    shared machine wall time also counts the time other processes held the core."""
    walls, cpus = [], []
    out = None
    for _ in range(runs):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - t)
    return statistics.median(walls), statistics.median(cpus), out


def parse(files: list[Path], runs: int) -> dict[str, Any]:
    """Extraction throughput over the corpus on one core, against reading + NFKC of the same bytes."""
    from loaders import extract_text

    size = sum(p.stat().st_size for p in files)

    def extract_all() -> int:
        # each extract is dropped at once: keeping thousands alive makes the cyclic GC rescan them
        # and charges the parser for the loader's memory (the load benchmark keeps them)
        return sum(len(extract_text(p.read_bytes().decode("utf-8"), source=p.name).tasks) for p in files)

    def baseline() -> int:
        return sum(len(unicodedata.normalize("NFKC", p.read_bytes().decode("utf-8"))) for p in files)

    w_base, c_base, _ = median_time(baseline, max(runs, 3))
    w_parse, c_parse, _ = median_time(extract_all, runs)
    extracts = [extract_text(p.read_bytes().decode("utf-8"), source=p.name) for p in files]
    from loaders import native

    return {"extracts": extracts, "bytes": size, "parse_wall_s": w_parse, "parse_cpu_s": c_parse,
            "baseline_wall_s": w_base, "baseline_cpu_s": c_base, "loaders": native.mode,
            "parse_mb_s": size / 1e6 / c_parse, "baseline_mb_s": size / 1e6 / c_base}


def parse_python(directory: Path, runs: int) -> dict[str, Any]:
    """`parse` with the loader's Python sources (PLANKG_PURE_PYTHON=1) in a child process, run right
    after the compiled measurement: what the mypyc build buys, on the same files in the same run."""
    code = ("import json, sys; from pathlib import Path; from benchmarks.measure import parse; "
            "r = parse(sorted(Path(sys.argv[1]).glob('*.txt')), int(sys.argv[2])); r.pop('extracts'); "
            "print(json.dumps(r))")
    out = subprocess.run([sys.executable, "-c", code, str(directory), str(runs)], cwd=ROOT, capture_output=True,
                         text=True, env={**os.environ, "PLANKG_PURE_PYTHON": "1"}, check=True)
    return json.loads(out.stdout)


def embedded_load(extracts: list[Any], runs: int, per_doc: int) -> dict[str, Any]:
    """load_many of the whole corpus into a fresh store, against load() one document at a time
    into a store that already holds the rest of the corpus (what `plankg load` per file costs)."""
    from graph.stores.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory(prefix="plankg-bench-") as tmp:
        def bulk() -> int:
            path = Path(tmp) / "bulk.plankg"
            path.unlink(missing_ok=True)
            return sum(r.nodes + r.relations for r in EmbeddedStore(path).load_many(extracts))

        w_bulk, c_bulk, records = median_time(bulk, runs)
        head, tail = extracts[:-per_doc], extracts[-per_doc:]
        store = EmbeddedStore(Path(tmp) / "one.plankg")
        store.load_many(head)
        w_one, c_one, one_records = median_time(lambda: sum(r.nodes + r.relations for r in map(store.load, tail)), 1)
    return {"records": records, "bulk_wall_s": w_bulk, "bulk_cpu_s": c_bulk, "records_s": records / c_bulk,
            "per_doc_records_s": one_records / c_one, "per_doc_cpu_s": c_one / per_doc,
            "per_doc_wall_s": w_one / per_doc}


def query_latencies(store: Any, runs: int, names: list[str] | None = None,
                    budget_s: float = 1.5, after_open: Callable[[], None] | None = None) -> dict[str, Any]:
    """Opening a fresh store (file read, index build), then per catalog question its first call
    (nothing of it cached) and its median latency over up to `runs` calls (at least 3, fewer past
    `budget_s`)."""
    import queries

    out: dict[str, Any] = {}
    if store.kind == "embedded":  # opening: read the file, then build the query index, once per version
        from queries.index import index_of

        w, c, g = median_time(store.graph, 1)
        wi, ci, _ = median_time(lambda: index_of(g), 1)
        out["open"] = {"read_ms": w * 1000, "read_cpu_ms": c * 1000, "index_ms": wi * 1000,
                       "index_cpu_ms": ci * 1000}
    if after_open is not None:
        after_open()
    for name in names or list(QUERY_PARAMS):
        params = QUERY_PARAMS[name]
        try:
            t, cp = time.perf_counter(), time.process_time()
            queries.run(store, name, params)  # the first call: no result of this query cached yet
            first, first_cpu = (time.perf_counter() - t) * 1000, (time.process_time() - cp) * 1000
            walls: list[float] = []
            cpus: list[float] = []
            rows = 0
            spent = time.perf_counter()
            while len(walls) < runs and (len(walls) < 3 or time.perf_counter() - spent < budget_s):
                t, cp = time.perf_counter(), time.process_time()
                rows = len(queries.run(store, name, params).rows)
                cpus.append((time.process_time() - cp) * 1000)
                walls.append((time.perf_counter() - t) * 1000)
        except Exception as e:  # a query that fails is reported, not fatal to the benchmark
            out[name] = {"error": f"{type(e).__name__}: {e}"}
            continue
        out[name] = {"p50_ms": statistics.median(walls), "cpu_p50_ms": statistics.median(cpus), "first_ms": first,
                     "first_cpu_ms": first_cpu,
                     "max_ms": max(walls), "runs": len(walls), "rows": rows}
    return out


def first_calls_of(queries: dict[str, Any], more: list[dict[str, Any]]) -> None:
    """Each query's first-call figures become the median over its first process and `more` of them
    (each a fresh `rss("read")`): one first call per process, and a single one is at the mercy of
    whatever else the machine did in that millisecond (10k -> 100k ratios of 1 ms figures moved
    from 8x to 13x between identical runs)."""
    for name, q in queries.items():
        if name == "open" or "first_cpu_ms" not in q:
            continue
        others = [m["queries"][name] for m in more if name in m.get("queries", {}) and "first_cpu_ms" in m["queries"][name]]
        for key in ("first_ms", "first_cpu_ms"):
            q[key] = statistics.median([q[key], *(o[key] for o in others)])
        q["first_runs"] = 1 + len(others)


def rss(mode: str, target: Path, runs: int = 15) -> dict[str, Any]:
    """benchmarks.rss in a fresh process: peak memory, and for `read` the embedded query timings."""
    proc = subprocess.run([sys.executable, "-m", "benchmarks.rss", mode, str(target), "--runs", str(runs)], cwd=ROOT,
                          capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def bolt_load(uri: str, extracts: list[Any]) -> dict[str, Any]:
    """Every plan through BoltStore.load (batched UNWIND, one transaction per plan). A plan the
    server fails on is counted and skipped (with a fresh connection) rather than ending the run."""
    from graph.errors import StoreError
    from graph.stores.bolt import BoltStore

    store = BoltStore.connect(uri)
    store.reset()
    records = 0
    failed: list[str] = []
    t = time.perf_counter()
    for ex in extracts:
        try:
            r = store.load(ex)
        except StoreError as e:
            failed.append(f"{ex.plan.title}: {e}")
            with contextlib.suppress(Exception):
                store.close()
            store = BoltStore.connect(uri)
            continue
        records += r.nodes + r.relations
    dt = time.perf_counter() - t
    return {"store": store, "records": records, "load_s": dt, "records_s": records / dt,
            "failed_plans": len(failed), "failures": failed[:5]}


def api(store_path: Path, seconds: float, warmup: float, clients: int = 50, rounds: int = 4) -> dict[str, Any]:
    """benchmarks.api_bench's scenarios (the API helper's servers and load generator) against a
    store we built; the scenarios take turns in short rounds so bursts of other load hit all."""
    import asyncio

    from benchmarks import api_bench

    servers = {kind: api_bench.start(kind, str(store_path)) for kind in ("bare", "plankg")}
    lat: dict[str, list[float]] = {name: [] for name in api_bench.SCENARIOS}
    errors = dict.fromkeys(api_bench.SCENARIOS, 0)
    try:
        for _ in range(rounds):
            for name, (kind, path) in api_bench.SCENARIOS.items():
                res = asyncio.run(api_bench._load(servers[kind][1], path, clients, seconds / rounds, warmup))
                lat[name].extend(res["latencies"])
                errors[name] += res["errors"]
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=20)
    return {name: {**api_bench._summary(sorted(v), seconds), "errors": errors[name]} for name, v in lat.items()}


def machine() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    free = subprocess.run(["free", "-m"], capture_output=True, text=True).stdout
    mem = next((ln.split()[1] for ln in free.splitlines() if ln.startswith("Mem:")), "?")
    import platform

    return {"cpu": cpu, "cores": os.cpu_count(), "mem_mb": mem, "python": platform.python_version(),
            "kernel": platform.release()}
