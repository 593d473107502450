"""Stores loaded with a given set of plans, for modules that ask the same thing of both stores."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from graph.model import PlanExtract
from graph.stores import Store, open_store
from graph.stores.embedded import EmbeddedStore


def embedded_with(path: Path, extracts: Sequence[PlanExtract]) -> EmbeddedStore:
    store = EmbeddedStore(path)
    for e in extracts:
        store.load(e)
    return store


@contextmanager
def bolt_with(uri: str, extracts: Sequence[PlanExtract]) -> Iterator[Store]:
    """The session's Bolt server, emptied and loaded with `extracts`; closed afterwards."""
    store = open_store(uri)
    store.reset()
    for e in extracts:
        store.load(e)
    try:
        yield store
    finally:
        store.close()
