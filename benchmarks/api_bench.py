"""HTTP API under load: 50 concurrent keep-alive clients on loopback against `uvicorn`.

    python -m benchmarks.api_bench [--clients 50] [--seconds 5] [--rounds 5] [--plans 0] [--bolt] [--quick]

Three scenarios against two server processes started the same way (one uvicorn worker, access log
off), taking turns in short rounds so that they never share the CPU and background load hits all
of them alike:
  bare        a FastAPI app with one route returning a constant (the baseline)
  department  GET /departments/农牧局?place=阿荣旗 on plankg's app over the embedded store
  co-leads    GET /queries/co-leads?industry=乳业 on the same app
Prints one JSON object: requests/s, p50/p99 latency (ms) and the server's CPU time per request
per scenario, and each plankg scenario's throughput (and CPU cost) as a fraction of the bare
one's. Goal (issue 6): p99 <= 50 ms, ratio >= 0.5.

The load generator is a minimal HTTP/1.1 keep-alive client on asyncio streams (in this process),
cheaper per request than an HTTP library so that the servers, not the client, are measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCENARIOS = {
    "bare": ("bare", "/bare"),
    "department": ("plankg", "/departments/" + quote("农牧局") + "?" + urlencode({"place": "阿荣旗"})),
    "co-leads": ("plankg", "/queries/co-leads?" + urlencode({"industry": "乳业"})),
}
GOAL_P99_MS = 50.0
GOAL_RATIO = 0.5


# -- servers (run in child processes) --------------------------------------------------------
def bare_app() -> Any:
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/bare")
    async def bare() -> dict[str, bool]:
        return {"ok": True}

    return app


def serve(kind: str, port: int, store: str) -> None:
    import uvicorn

    if kind == "bare":
        app = bare_app()
    else:
        from api.app import create_app
        from api.settings import Settings

        app = create_app(Settings(store_uri=store))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def build_store(uri: str | Path, synthetic_plans: int) -> None:
    """Load the bundled example plans (and synthetic ones) into the store `uri` names."""
    from graph.stores import open_store
    from loaders import extract_path, extract_text

    extracts = [extract_path(p) for p in sorted(EXAMPLES.glob("*.txt"))]
    if synthetic_plans:
        from benchmarks.corpus import iter_plans

        extracts += [extract_text(text, source=gold.file) for text, gold in iter_plans(plans=synthetic_plans)]
    with open_store(str(uri)) as store:
        store.reset()
        store.load_many(extracts)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc): the server's own cost per
    request, which background load on the machine does not inflate the way it does latency."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(kind: str, store: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.api_bench", "--serve", kind,
                             "--port", str(port), "--store", store], cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"{kind} server exited with {proc.returncode}") from None
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"{kind} server did not start")


# -- load generator --------------------------------------------------------------------------
async def _one_client(port: int, path: str, *, until: float, record_from: float,
                      latencies: list[float], errors: list[str], served: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n".encode()
    try:
        while (now := time.perf_counter()) < until:
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            done = time.perf_counter()
            served[0] += 1
            if status != 200:
                errors.append(str(status))
            elif now >= record_from:
                latencies.append(done - now)
    finally:
        writer.close()


async def _load(port: int, path: str, clients: int, seconds: float, warmup: float) -> dict[str, Any]:
    """`clients` connections hammering `path`; latencies of the requests sent after the warmup."""
    start_at = time.perf_counter()
    record_from, until = start_at + warmup, start_at + warmup + seconds
    latencies: list[float] = []
    errors: list[str] = []
    served = [0]
    await asyncio.gather(*(_one_client(port, path, until=until, record_from=record_from,
                                       latencies=latencies, errors=errors, served=served)
                           for _ in range(clients)))
    return {"latencies": latencies, "errors": len(errors), "served": served[0]}


def _summary(ordered: list[float], seconds: float) -> dict[str, Any]:
    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2) if ordered else 0.0

    return {"requests": len(ordered), "rps": round(len(ordered) / seconds, 1), "p50_ms": pct(0.50),
            "p99_ms": pct(0.99), "mean_ms": round(statistics.fmean(ordered) * 1000, 2) if ordered else 0.0}


def run(clients: int, seconds: float, warmup: float, plans: int, rounds: int, *, bolt: bool = False,
        ) -> dict[str, Any]:
    """Both servers up at once (an idle server costs nothing); the scenarios take turns in short
    rounds, so a burst of other load on the machine hits all of them alike."""
    with tempfile.TemporaryDirectory(prefix="plankg-bench-") as tmp, contextlib.ExitStack() as stack:
        store = str(Path(tmp) / "bench.plankg")
        if bolt:  # the local FalkorDB server the tests use (tests/support/bolt_server.py)
            from tests.support.bolt_server import start_falkordb

            falkordb = start_falkordb(Path(tmp) / "falkordb")
            stack.callback(falkordb.stop)
            store = falkordb.uri
        build_store(store, plans)
        servers = {kind: start(kind, store) for kind in ("bare", "plankg")}
        for kind, path in SCENARIOS.values():  # first answers (memoised after) are not measured
            asyncio.run(_load(servers[kind][1], path, 1, 0.05, 0.0))
        per_round = seconds / rounds
        samples: dict[str, list[dict[str, Any]]] = {name: [] for name in SCENARIOS}
        try:
            for _ in range(rounds):
                for name, (kind, path) in SCENARIOS.items():
                    proc, port = servers[kind]
                    cpu_before = _cpu_seconds(proc.pid)
                    sample = asyncio.run(_load(port, path, clients, per_round, warmup))
                    sample["cpu"] = _cpu_seconds(proc.pid) - cpu_before
                    samples[name].append(sample)
        finally:
            for proc, _ in servers.values():
                proc.terminate()
                proc.wait(timeout=20)
    results: dict[str, Any] = {}
    for name, runs in samples.items():
        latencies = sorted(x for r in runs for x in r.pop("latencies"))
        served = sum(r["served"] for r in runs)
        results[name] = {"path": SCENARIOS[name][1], **_summary(latencies, seconds),
                         "errors": sum(r["errors"] for r in runs),
                         "server_cpu_us_per_request": round(sum(r["cpu"] for r in runs) / max(served, 1) * 1e6)}
    bare = results["bare"]["rps"] or 1.0
    for name in ("department", "co-leads"):
        r = results[name]
        r["ratio_to_bare"] = round(r["rps"] / bare, 3)
        r["cpu_ratio_to_bare"] = round(results["bare"]["server_cpu_us_per_request"]
                                       / max(r["server_cpu_us_per_request"], 1), 3)
        r["meets_goal"] = r["p99_ms"] <= GOAL_P99_MS and r["ratio_to_bare"] >= GOAL_RATIO and not r["errors"]
    return {"benchmark": "api", "store": "bolt (FalkorDB)" if bolt else "embedded", "clients": clients, "seconds": seconds,
            "rounds": rounds, "synthetic_plans": plans, "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "goal": {"p99_ms_max": GOAL_P99_MS, "ratio_to_bare_min": GOAL_RATIO}, "results": results}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=5.0, help="measured seconds per scenario")
    ap.add_argument("--warmup", type=float, default=0.3, help="unmeasured seconds per round")
    ap.add_argument("--rounds", type=int, default=5, help="turns each scenario takes")
    ap.add_argument("--plans", type=int, default=0, help="synthetic plans loaded beside the examples")
    ap.add_argument("--bolt", action="store_true", help="serve the local FalkorDB Bolt server instead")
    ap.add_argument("--quick", action="store_true", help="3 s per scenario")
    ap.add_argument("--serve", choices=["bare", "plankg"], help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--store", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port, args.store)
        return
    seconds = 3.0 if args.quick else args.seconds
    print(json.dumps(run(args.clients, seconds, args.warmup, args.plans, args.rounds, bolt=args.bolt), ensure_ascii=False,
                     indent=2))


if __name__ == "__main__":
    main()
