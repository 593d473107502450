"""What only a real Neo4j can show (run with NEO4J_URI set; see docs/neo4j.md): a failed load rolls
back whole, the uniqueness constraints exist and hold, hostile strings stay values, and each kind
of failure has its own one-line error. These tests empty the database they are given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from neo4j import exceptions as nex

from graph.errors import StoreError, StoreUnavailable
from graph.model import LABELS, PlanExtract
from graph.stores.bolt import BoltStore
from graph.stores.embedded import EmbeddedStore
from tests.support.fake_driver import InterceptingDriver
from tests.test_bolt_store import assert_same, graph_of, modified_seed
from tests.test_bolt_unit import INJECTIONS, hostile_extract

pytestmark = [pytest.mark.bolt, pytest.mark.neo4j]


class Boom(RuntimeError):
    pass


@pytest.mark.parametrize("fail_at", [1, 10, 40])
def test_a_load_that_fails_part_way_leaves_the_graph_as_it_was(
    bolt_store: BoltStore, seed_extract: PlanExtract, seed_path: Path, fail_at: int
) -> None:
    bolt_store.load(seed_extract)
    before = graph_of(bolt_store.to_networkx())
    real = bolt_store.driver

    def fail(n: int) -> None:
        if n == fail_at:
            raise Boom(f"failure injected at statement {n}")

    bolt_store.driver = InterceptingDriver(real, fail)
    try:
        with pytest.raises(Boom):
            bolt_store.load(modified_seed(seed_path))
    finally:
        bolt_store.driver = real
    assert graph_of(bolt_store.to_networkx()) == before


def test_uniqueness_constraints_exist_and_hold(bolt_store: BoltStore, seed_extract: PlanExtract) -> None:
    rows = bolt_store.read("constraints", "SHOW CONSTRAINTS YIELD name RETURN name")
    names = {r["name"] for r in rows}
    assert {f"plankg_{label.lower()}_id" for label in LABELS} <= names
    bolt_store.load(seed_extract)
    some_task = next(n for n, a in bolt_store.to_networkx().nodes(data=True) if a.get("label") == "Task")
    with bolt_store._session() as session, pytest.raises(nex.ConstraintError):
        session.execute_write(lambda tx: tx.run("CREATE (:`Task` {id: $id})", {"id": some_task}).consume())


def test_hostile_strings_are_values_everywhere(bolt_store: BoltStore, embedded_store: EmbeddedStore) -> None:
    ex = hostile_extract()
    bolt_store.load(ex)
    embedded_store.load(ex)
    assert_same(bolt_store, embedded_store)
    before = graph_of(bolt_store.to_networkx())
    for inj in INJECTIONS:
        assert bolt_store.drop_plan(inj) is False
        rows = bolt_store.read("by-name", "MATCH (n) WHERE n.name = $v OR n.title = $v RETURN n.id AS id",
                               {"v": inj})
        assert all(isinstance(r["id"], str) for r in rows)
    assert graph_of(bolt_store.to_networkx()) == before


def test_wrong_password_is_an_authentication_error(bolt_uri: str) -> None:
    with pytest.raises(StoreUnavailable) as err:
        BoltStore.connect(bolt_uri, password="certainly-not-the-password")
    msg = str(err.value)
    assert "authentication failed" in msg and "certainly-not" not in msg and "\n" not in msg


def test_missing_database_is_named(bolt_uri: str) -> None:
    with pytest.raises(StoreError) as err:
        BoltStore.connect(bolt_uri, database="plankgnosuchdb")
    msg = str(err.value)
    assert "plankgnosuchdb" in msg and "does not exist" in msg and "\n" not in msg
    assert os.environ.get("NEO4J_PASSWORD", "\0") not in msg
