"""A separate process for the embedded-store fault tests: loads in a loop, or reads in a loop.

    python -m tests.reliability.store_worker write STORE OPS.pickle [ROUNDS]
        apply the (op, extract-or-plan-id) list in OPS round after round (forever when ROUNDS
        is 0), printing the number of each finished step
    python -m tests.reliability.store_worker read STORE COUNT
        COUNT times: read the graph and run the `plans` catalog query; print the graph's digest
        and the number of plans the query saw, one line per read

The parent kills writers with SIGKILL at random moments and checks every digest a reader printed
against the states the op list can produce.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx


def digest(g: nx.MultiDiGraph) -> str:
    """A fingerprint of a graph's nodes, relations and every property."""
    def dump(d: dict[str, Any]) -> str:
        return json.dumps(d, sort_keys=True, ensure_ascii=False, default=str)

    nodes = sorted(f"{n}\t{dump(d)}" for n, d in g.nodes(data=True))
    edges = sorted(f"{u}\t{v}\t{k}\t{dump(d)}" for u, v, k, d in g.edges(keys=True, data=True))
    return hashlib.sha256("\n".join([*nodes, "--", *edges]).encode("utf-8")).hexdigest()


def apply(store: Any, op: str, arg: Any) -> None:
    if op == "load":
        store.load(arg)
    elif op == "drop":
        store.drop_plan(arg)
    else:
        raise ValueError(op)


def write(store_path: str, ops_path: str, rounds: int) -> None:
    from graph.stores.embedded import EmbeddedStore

    ops = pickle.loads(Path(ops_path).read_bytes())
    store = EmbeddedStore(store_path)
    step, done = 0, 0
    while rounds == 0 or done < rounds:
        for op, arg in ops:
            apply(store, op, arg)
            step += 1
            print(step, flush=True)
        done += 1


def read(store_path: str, count: int) -> None:
    from graph.stores.embedded import EmbeddedStore
    from queries import run

    store = EmbeddedStore(store_path)
    for _ in range(count):
        g = store.graph()
        plans = run(store, "plans", {})
        print(digest(g), len(plans.rows), flush=True)
        time.sleep(0.005)  # spread the reads over the writer's run


def main(argv: list[str]) -> None:
    if argv[0] == "write":
        write(argv[1], argv[2], int(argv[3]) if len(argv) > 3 else 0)
    elif argv[0] == "read":
        read(argv[1], int(argv[2]))
    else:
        raise SystemExit(f"unknown command {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
