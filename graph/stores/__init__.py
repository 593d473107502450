"""Store selection: one registry, chosen by URI."""

from __future__ import annotations

import os
from pathlib import Path

from graph.errors import StoreError
from graph.stores.base import LoadResult, Store

BOLT_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
DEFAULT_EMBEDDED = Path(".plankg") / "store.plankg"

__all__ = ["BOLT_SCHEMES", "LoadResult", "Store", "default_embedded_path", "open_store"]


def default_embedded_path() -> Path:
    """PLANKG_STORE, else `.plankg/store.plankg` under the working directory."""
    return Path(os.environ.get("PLANKG_STORE") or DEFAULT_EMBEDDED)


def open_store(uri: str | None = None) -> Store:
    """Open the store a URI names: nothing or a path -> embedded; bolt:// / neo4j:// -> Bolt.

    >>> open_store("redis://x")
    Traceback (most recent call last):
    ...
    graph.errors.StoreError: unsupported store URI 'redis://x': use a file path (embedded store) or one of bolt://, bolt+s://, bolt+ssc://, neo4j://, neo4j+s://, neo4j+ssc://
    """
    if not uri:
        from graph.stores.embedded import EmbeddedStore

        return EmbeddedStore(default_embedded_path())
    if uri.startswith(BOLT_SCHEMES):
        from graph.stores.bolt import BoltStore

        return BoltStore.connect(uri)
    if "://" in uri and not uri.startswith("file://"):
        raise StoreError(
            f"unsupported store URI {uri!r}: use a file path (embedded store) or one of "
            + ", ".join(BOLT_SCHEMES)
        )
    from graph.stores.embedded import EmbeddedStore

    return EmbeddedStore(uri.removeprefix("file://"))
