"""Peak resident memory of the embedded store, measured in a fresh process.

    python -m benchmarks.rss read STORE      open the store, build the query index, run co-leads
    python -m benchmarks.rss load CORPUS     extract every plan of CORPUS and load_many them

Prints one JSON object: the process's RSS after imports (`base_mb`) and its peak (`peak_mb`,
VmHWM), so the store's own share is `peak_mb - base_mb`.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path


def _status(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024  # kB -> MB
    raise RuntimeError(f"{key} not in /proc/self/status")


def main(argv: list[str] | None = None) -> None:
    mode, target = (argv or sys.argv[1:])[:2]
    import queries
    from graph.stores.embedded import EmbeddedStore
    from loaders import extract_path

    base = _status("VmRSS")
    if mode == "read":
        store = EmbeddedStore(target)
        g = store.graph()
        queries.run(store, "co-leads", {"industry": "乳业"})
        queries.run(store, "workload", {})
        out = {"nodes": g.number_of_nodes(), "relations": g.number_of_edges()}
    elif mode == "load":
        with tempfile.TemporaryDirectory(prefix="plankg-rss-") as tmp:
            files = sorted(Path(target).glob("*.txt"))
            results = EmbeddedStore(Path(tmp) / "s.plankg").load_many(extract_path(p) for p in files)
            out = {"plans": len(results), "records": sum(r.nodes + r.relations for r in results)}
    else:
        raise SystemExit(f"unknown mode {mode!r}: read or load")
    print(json.dumps({"mode": mode, "base_mb": round(base, 1), "peak_mb": round(_status("VmHWM"), 1), **out}))


if __name__ == "__main__":
    main()
