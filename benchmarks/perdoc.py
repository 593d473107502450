"""Per-document writes into a big embedded store: load(), a new version, drop_plan(), reopening.

    python -m benchmarks.perdoc --corpus DIR [--docs 20] [--baseline REV]

DIR is a corpus from `python -m benchmarks.corpus`. The store holds every plan but the last
`--docs`, loaded with load_many; then each of those is loaded with load() (a new plan), loaded
again (a new version replacing it) and a few are dropped, one call at a time, and a fresh
process-local store object opens the file (snapshot + journal). With --baseline, the embedded
store of that git revision is measured the same way in the same process, first, as the "before".
Prints one JSON object; times are medians per call, CPU seconds of this process and wall.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _store_class(rev: str | None, tmp: Path) -> Any:
    if rev is None:
        from graph.stores.embedded import EmbeddedStore

        return EmbeddedStore
    source = subprocess.run(["git", "show", f"{rev}:graph/stores/embedded.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    path = tmp / f"embedded_{rev}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"embedded_{rev}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.EmbeddedStore


def _timed(calls: list[Callable[[], Any]]) -> dict[str, float]:
    cpus, walls = [], []
    for call in calls:
        gc.collect()
        c, w = time.process_time(), time.perf_counter()
        kept = call()  # freed after the clock stops (a reopened 100k-task graph: ~1 s to free)
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - w)
        del kept
    return {"cpu_s": statistics.median(cpus), "wall_s": statistics.median(walls),
            "first_cpu_s": cpus[0], "max_cpu_s": max(cpus), "calls": len(calls)}


def measure(cls: Any, extracts: list[Any], docs: int, tmp: Path, name: str) -> dict[str, Any]:
    head, tail = extracts[:-docs], extracts[-docs:]
    path = tmp / f"{name}.plankg"
    store = cls(path)
    c = time.process_time()
    records = sum(r.nodes + r.relations for r in store.load_many(head))
    bulk_cpu = time.process_time() - c
    out: dict[str, Any] = {"bulk_records_s": records / bulk_cpu, "bulk_cpu_s": bulk_cpu}
    out["load_new"] = _timed([lambda ex=ex: store.load(ex) for ex in tail])
    out["load_new_version"] = _timed([lambda ex=ex: store.load(ex) for ex in tail])
    out["drop_plan"] = _timed([lambda ex=ex: store.drop_plan(ex.plan.id) for ex in tail[: max(3, docs // 4)]])
    out["file_mb"] = path.stat().st_size / 1e6
    out["reopen"] = _timed([lambda: cls(path).graph()] * 3)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--docs", type=int, default=20)
    ap.add_argument("--baseline", default=None, help="git revision of the 'before' embedded store")
    args = ap.parse_args(argv)
    from benchmarks.extracts import read_gold
    from loaders import extract_text

    gold = read_gold(args.corpus)
    gc.disable()  # thousands of extracts: the collector would rescan them during every call
    extracts = [extract_text((args.corpus / g["file"]).read_text(encoding="utf-8"), source=g["file"])
                for g in gold]
    gc.enable()
    gc.freeze()
    result: dict[str, Any] = {"plans": len(extracts), "tasks": sum(len(e.tasks) for e in extracts),
                              "docs": args.docs}
    with tempfile.TemporaryDirectory(prefix="plankg-perdoc-") as tmp:
        if args.baseline:
            result["before"] = measure(_store_class(args.baseline, Path(tmp)), extracts, args.docs,
                                       Path(tmp), "before")
        result["after"] = measure(_store_class(None, Path(tmp)), extracts, args.docs, Path(tmp), "after")
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
