"""Profiles of the hot paths the benchmarks time, with pyinstrument (dev extra).

    python -m benchmarks.profile parse [--plans 200]        extract_text over generated plans
    python -m benchmarks.profile load [--tasks 10000]       load_many into a fresh embedded store
    python -m benchmarks.profile query co-leads [--tasks 10000]   first call on a fresh store

Prints pyinstrument's call tree (CPU time of this process) for the 10k-task corpus by default.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["parse", "load", "query"])
    ap.add_argument("query", nargs="?", default="co-leads")
    ap.add_argument("--tasks", type=int, default=10000)
    ap.add_argument("--plans", type=int, default=200, help="plans profiled by `parse`")
    a = ap.parse_args(argv)
    try:
        from pyinstrument import Profiler
    except ImportError:
        raise SystemExit("pyinstrument is not installed: pip install -e '.[dev]'") from None
    import queries
    from benchmarks.measure import QUERY_PARAMS
    from benchmarks.run import corpus
    from graph.stores.embedded import EmbeddedStore
    from loaders import extract_text

    files = sorted(corpus(a.tasks, 1).glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    prof = Profiler(interval=0.0005, async_mode="disabled")
    with tempfile.TemporaryDirectory(prefix="plankg-profile-") as tmp:
        path = Path(tmp) / "s.plankg"
        if a.what == "parse":
            prof.start()
            for t in texts[: a.plans]:
                extract_text(t)
            prof.stop()
        else:
            extracts = [extract_text(t) for t in texts]
            if a.what == "load":
                prof.start()
                EmbeddedStore(path).load_many(extracts)
                prof.stop()
            else:
                EmbeddedStore(path).load_many(extracts)
                del extracts
                store = EmbeddedStore(path)
                queries.run(store, "plans", {})  # open and index, as the server does at startup
                gc.collect()
                gc.freeze()
                prof.start()
                queries.run(store, a.query, QUERY_PARAMS.get(a.query, {}))
                prof.stop()
    print(prof.output_text(unicode=False, color=False, timeline=False))


if __name__ == "__main__":
    main()
