"""EmbeddedStore.load_many: the same graph as loading one by one, in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from benchmarks.corpus import generate
from benchmarks.extracts import corpus_extracts
from graph.errors import ParseError
from graph.model import PlanExtract
from graph.stores.embedded import EmbeddedStore


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> list[PlanExtract]:
    out = tmp_path_factory.mktemp("corpus")
    generate(out, plans=12, seed=7)
    return corpus_extracts(out)


def _snapshot(g: nx.MultiDiGraph) -> tuple[dict, set]:
    nodes = {n: dict(a) for n, a in g.nodes(data=True)}
    edges = {(u, v, k, tuple(sorted((a, str(b)) for a, b in d.items())))
             for u, v, k, d in g.edges(keys=True, data=True)}
    return nodes, edges


def test_load_many_equals_loading_one_by_one(tmp_path: Path, extracts: list[PlanExtract]) -> None:
    one = EmbeddedStore(tmp_path / "one.plankg")
    for ex in extracts:
        one.load(ex)
    many = EmbeddedStore(tmp_path / "many.plankg")
    results = many.load_many(extracts)
    assert [r.plan_id for r in results] == [ex.plan.id for ex in extracts]
    assert not any(r.replaced for r in results)
    assert _snapshot(EmbeddedStore(tmp_path / "many.plankg").graph()) == _snapshot(one.graph())


def test_reloading_a_batch_replaces_and_changes_nothing(tmp_path: Path, extracts: list[PlanExtract]) -> None:
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load_many(extracts)
    first = _snapshot(store.graph())
    again = store.load_many(extracts[:5])
    assert all(r.replaced for r in again)
    assert _snapshot(store.graph()) == first


def test_a_replaced_plan_loses_facts_it_no_longer_states(tmp_path: Path, extracts: list[PlanExtract]) -> None:
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load_many(extracts[:3])
    ex = extracts[1]
    shorter = ex.model_copy(update={"tasks": ex.tasks[:1]})
    reference = EmbeddedStore(tmp_path / "ref.plankg")
    reference.load_many([extracts[0], extracts[2], shorter])
    store.load_many([shorter])
    tasks = [n for n, a in store.graph().nodes(data=True) if a.get("plan") == ex.plan.id and a["label"] == "Task"]
    assert len(tasks) == 1
    assert _snapshot(store.graph())[1] == _snapshot(reference.graph())[1]


def test_the_same_plan_twice_in_a_batch_keeps_the_later_version(tmp_path: Path,
                                                               extracts: list[PlanExtract]) -> None:
    ex = extracts[0]
    shorter = ex.model_copy(update={"tasks": ex.tasks[:2]})
    store = EmbeddedStore(tmp_path / "s.plankg")
    results = store.load_many([ex, shorter])
    assert [r.replaced for r in results] == [False, True]
    alone = EmbeddedStore(tmp_path / "alone.plankg")
    alone.load(shorter)
    assert _snapshot(store.graph()) == _snapshot(alone.graph())


def test_a_failing_batch_writes_nothing(tmp_path: Path, extracts: list[PlanExtract]) -> None:
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load_many(extracts[:2])
    before = (tmp_path / "s.plankg").read_bytes()

    def documents() -> Iterator[PlanExtract]:
        yield from extracts[2:5]
        raise ParseError("a bad document in the middle of the batch")

    with pytest.raises(ParseError):
        store.load_many(documents())
    assert (tmp_path / "s.plankg").read_bytes() == before
    loaded = {n for n, a in EmbeddedStore(tmp_path / "s.plankg").graph().nodes(data=True) if a.get("loaded")}
    assert loaded == {extracts[0].plan.id, extracts[1].plan.id}


def test_an_empty_batch_is_a_no_op(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s.plankg")
    assert store.load_many([]) == []
    assert not (tmp_path / "s.plankg").exists()
