"""The store interface shared by the embedded (NetworkX) and Bolt (Neo4j) stores."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.model import PlanExtract


@dataclass(frozen=True)
class LoadResult:
    plan_id: str
    title: str
    doc_id: str
    nodes: int
    relations: int
    replaced: bool


class Store(ABC):
    """A graph of plans. `kind` tells the query layer which implementation of a query to run."""

    kind: str
    uri: str

    @abstractmethod
    def load(self, extract: PlanExtract) -> LoadResult:
        """Write one document atomically, replacing an earlier version of the same plan."""

    def load_many(self, extracts: Iterable[PlanExtract]) -> list[LoadResult]:
        """Load several documents; each is atomic on its own (stores may batch more strictly)."""
        return [self.load(e) for e in extracts]

    @abstractmethod
    def drop_plan(self, plan_id: str) -> bool:
        """Remove one plan's facts; False when no such plan is loaded."""

    @abstractmethod
    def reset(self) -> None:
        """Remove everything."""

    @abstractmethod
    def to_networkx(self) -> nx.MultiDiGraph:
        """The whole graph as NetworkX (exports, notebooks, the embedded query implementations)."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Node count per label and relation count per type."""

    def health(self) -> dict[str, Any]:
        return {"store": self.kind, "uri": self.uri, "ok": True, **self.counts()}

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
