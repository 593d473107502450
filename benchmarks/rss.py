"""A fresh process that opens the embedded store the way a server does, for clean query timings
and the store's peak resident memory.

    python -m benchmarks.rss read STORE [--runs 15]   open, build the index, gc.freeze(), time
                                                      every catalog question (first call, p50)
    python -m benchmarks.rss load CORPUS              extract every plan of CORPUS and load_many them

Prints one JSON object: RSS after imports (`base_mb`), peak RSS (`peak_mb`, VmHWM) and, for
`read`, the query timings. A separate process keeps the benchmark runner's own objects (thousands
of extracts) out of both the memory figure and the garbage collector's work during queries.
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
from pathlib import Path


def _status(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024  # kB -> MB
    raise RuntimeError(f"{key} not in /proc/self/status")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["read", "load"])
    ap.add_argument("target", type=Path)
    ap.add_argument("--runs", type=int, default=15)
    a = ap.parse_args(argv)
    import queries  # noqa: F401  (imports count in the base figure)
    from benchmarks.measure import query_latencies
    from graph.stores.embedded import EmbeddedStore
    from loaders import extract_path

    base = _status("VmRSS")
    out: dict[str, object]
    if a.mode == "read":
        store = EmbeddedStore(a.target)
        # the API server freezes the loaded graph out of the collector the same way
        lat = query_latencies(store, runs=a.runs, after_open=gc.freeze)
        g = store.graph()
        out = {"nodes": g.number_of_nodes(), "relations": g.number_of_edges(), "queries": lat}
    else:
        with tempfile.TemporaryDirectory(prefix="plankg-rss-") as tmp:
            files = sorted(a.target.glob("*.txt"))
            results = EmbeddedStore(Path(tmp) / "s.plankg").load_many(extract_path(p) for p in files)
            out = {"plans": len(results), "records": sum(r.nodes + r.relations for r in results)}
    print(json.dumps({"mode": a.mode, "base_mb": round(base, 1), "peak_mb": round(_status("VmHWM"), 1), **out}))


if __name__ == "__main__":
    main()
