"""The API over a Bolt store on a recording driver double (Neo4j dialect): every request value
reaches Cypher as a parameter, never as query text, and reads run in read transactions.

The local FalkorDB server splices parameters into the query text itself, so the evidence for the
Neo4j path comes from the statements the driver would have been sent (issue 10).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

import queries
from api.app import create_app
from api.settings import Settings
from graph import cypher
from graph.dialect import Dialect, Server
from graph.stores.bolt import BoltStore
from tests.support.fake_driver import FakeDriver

pytestmark = pytest.mark.reliability

#: each carries 注入, which no Cypher text of ours contains
INJECTIONS = (
    "注入'", '注入"', "注入\\", "注入'}) MATCH (n) DETACH DELETE n //", "注入// c",
    "注入 CALL db.labels()", "注入$id", "注入`Task`", "注入😀", "注入\n}) RETURN 1",
)


def requests_for(value: str) -> list[tuple[str, dict[str, str]]]:
    v = quote(value, safe="")
    entity = [
        ("/departments", {"q": value}), ("/departments", {"place": value}), (f"/departments/{v}", {}),
        ("/departments/x", {"place": value}), ("/industries", {"q": value}), (f"/industries/{v}", {}),
        (f"/tasks/{v}", {}), ("/plans", {"q": value}), (f"/plans/{v}", {}),
    ]
    catalog = [(f"/queries/{q.name}", {p.name: value}) for q in queries.catalog() for p in q.params
               if p.type == "str"]
    return entity + catalog


def test_request_values_reach_cypher_only_as_parameters_in_read_transactions() -> None:
    driver = FakeDriver()
    store = BoltStore(driver, "neo4j://db.example.org:7687", None,
                      dialect=Dialect(Server("Neo4j", "5.26.0", "community")), user="neo4j")
    startup = len(driver.transactions)
    statuses: set[int] = set()
    with TestClient(create_app(Settings(), store=store)) as c:
        for value in INJECTIONS:
            for path, params in requests_for(value):
                r = c.get(path, params=params)
                statuses.add(r.status_code)
                assert r.status_code < 500, (path, params, r.text)
                assert r.status_code == 200 or r.json()["message"], (path, r.text)
    reads = driver.transactions[startup:]
    assert reads and {t["mode"] for t in reads} == {"read"}
    sent = [st for st in driver.statements if "注入" in repr(st.params)]
    assert len(sent) >= len(INJECTIONS) * 10  # the values did travel, as parameters
    for st in driver.statements:
        assert "注入" not in st.text and "😀" not in st.text, st.text
    assert statuses <= {200, 404, 422}


def test_a_bolt_server_that_stops_answering_gives_503_json() -> None:
    from neo4j.exceptions import ServiceUnavailable

    down = {"now": False}
    driver = FakeDriver(fail_on=lambda st: ServiceUnavailable("connection refused") if down["now"] else None,
                        answer=lambda text: [{text.rsplit(" AS ", 1)[1].strip(): 0}]  # the count's column
                        if text in (cypher.COUNT_NODES, cypher.COUNT_RELATIONS) else None)
    store = BoltStore(driver, "neo4j://db.example.org:7687", None,
                      dialect=Dialect(Server("Neo4j", "5.26.0", "community")), user="neo4j")
    with TestClient(create_app(Settings(), store=store)) as c:
        assert c.get("/health").status_code == 200
        down["now"] = True
        for path in ("/health", "/departments", "/departments/农牧局", "/queries/co-leads", "/plans"):
            r = c.get(path)
            assert r.status_code == 503, (path, r.text)
            body = r.json()
            assert "db.example.org:7687" in body["message"] and "\n" not in body["message"], body
            assert "Traceback" not in r.text
