"""The HTTP API driven over HTTP (TestClient) on the embedded store and on the Bolt server."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import queries
from api.app import create_app
from api.settings import Settings
from graph.stores import open_store
from graph.stores.base import Store
from tests.conftest import EXAMPLES, SEED

SEED_TITLE = "阿荣旗“科技兴旗”三年行动实施方案"


def load_all(store: Store) -> None:
    from loaders import extract_path

    for path in (SEED, *sorted(EXAMPLES.glob("*.txt"))):
        store.load(extract_path(path))


def client_for(store_uri: str, **settings: Any) -> TestClient:
    return TestClient(create_app(Settings(store_uri=store_uri, **settings)))


@pytest.fixture(scope="module")
def embedded_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("api") / "s.plankg"
    with open_store(str(path)) as store:
        load_all(store)
    return str(path)


@pytest.fixture(scope="module")
def bolt_loaded(request: pytest.FixtureRequest) -> str:
    uri: str = request.getfixturevalue("bolt_uri")
    with open_store(uri) as store:
        store.reset()
        load_all(store)
    return uri


@pytest.fixture(scope="module", params=["embedded", pytest.param("bolt", marks=pytest.mark.bolt)])
def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    uri = request.getfixturevalue("embedded_uri" if request.param == "embedded" else "bolt_loaded")
    with client_for(uri) as c:
        yield c


def assert_error(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert isinstance(body["message"], str) and body["message"] and "Traceback" not in r.text
    return dict(body)


# -- catalog ----------------------------------------------------------------------------------
def test_catalog_lists_every_query(client: TestClient) -> None:
    body = client.get("/queries").json()
    assert [q["name"] for q in body["data"]] == [q.name for q in queries.catalog()]
    assert body["count"] == len(queries.catalog())
    assert all({"question_zh", "question_en", "params", "columns"} <= set(q) for q in body["data"])


def test_query_answer_is_the_ask_json_body(client: TestClient) -> None:
    r = client.get("/queries/co-leads", params={"industry": "乳业"})
    assert r.status_code == 200, r.text
    store = client.app.state.store  # type: ignore[attr-defined]
    expected = queries.run(store, "co-leads", {"industry": "乳业"}).to_dict()
    assert r.json() == json.loads(json.dumps(expected, ensure_ascii=False))
    assert set(r.json()) == {"query", "params", "columns", "rows"} and r.json()["rows"]


def test_unknown_query_is_404_naming_the_choices(client: TestClient) -> None:
    body = assert_error(client.get("/queries/no-such-query"), 404)
    assert "co-leads" in body["choices"]


def test_unknown_or_ill_typed_parameter_is_422_naming_the_choices(client: TestClient) -> None:
    spec = queries.get("co-leads")
    body = assert_error(client.get("/queries/co-leads", params={"bogus": "1"}), 422)
    assert body["choices"] == [p.name for p in spec.params] and "bogus" in body["message"]
    typed = next((q, p) for q in queries.catalog() for p in q.params if p.type in ("int", "float"))
    body = assert_error(client.get(f"/queries/{typed[0].name}", params={typed[1].name: "many"}), 422)
    assert typed[1].name in body["message"]
    assert_error(client.get("/queries/co-leads?industry=乳业&industry=肉业"), 422)


# -- entities ---------------------------------------------------------------------------------
def test_departments_search_and_detail(client: TestClient) -> None:
    body = client.get("/departments", params={"q": "农牧", "limit": 5}).json()
    assert body["count"] >= 1 and body["limit"] == 5 and body["offset"] == 0
    first = body["data"][0]
    detail = client.get(f"/departments/{first['id']}")
    assert detail.status_code == 200, detail.text
    assert detail.json()["id"] == first["id"] and len(detail.json()["leads"]) == first["leads"]
    by_name = client.get("/departments/农牧局", params={"place": "阿荣旗"})
    assert by_name.json()["id"] == "dept:阿荣旗/农牧局"
    ambiguous = assert_error(client.get("/departments/农牧局"), 422)  # 阿荣旗 and 呼伦贝尔市 both have one
    assert {"dept:阿荣旗/农牧局", "dept:呼伦贝尔市/农牧局"} <= set(ambiguous["choices"])


def test_pagination_is_stable_and_capped(client: TestClient) -> None:
    whole = client.get("/departments", params={"limit": 500}).json()
    pages = [client.get("/departments", params={"limit": 7, "offset": o}).json()["data"]
             for o in range(0, whole["count"], 7)]
    assert [r for p in pages for r in p] == whole["data"]
    assert_error(client.get("/departments", params={"limit": 501}), 422)
    assert_error(client.get("/departments", params={"limit": 0}), 422)
    assert_error(client.get("/plans", params={"offset": -1}), 422)
    assert_error(client.get("/industries", params={"limit": "ten"}), 422)


def test_industries_tasks_and_plans(client: TestClient) -> None:
    chains = client.get("/industries", params={"q": "乳"}).json()
    assert "乳业" in {c["name"] for c in chains["data"]}
    dairy = client.get("/industries/乳业").json()
    task_id = dairy["tasks"][0]["id"]
    task = client.get("/tasks/" + task_id.replace("#", "%23"))
    assert task.status_code == 200, task.text
    prov = task.json()["provenance"]
    assert prov["document"] and prov["path"] and prov["sentence"] and len(prov["span"]) == 2
    plans = client.get("/plans").json()
    assert SEED_TITLE in {p["title"] for p in plans["data"]}
    by_title = client.get("/plans/" + SEED_TITLE).json()
    assert client.get(f"/plans/{by_title['id']}").json() == by_title
    assert by_title["tasks"] and by_title["implements"]


def test_missing_entities_are_404_json(client: TestClient) -> None:
    for path in ("/departments/不存在局", "/industries/不存在业", "/tasks/plan:0%23x", "/plans/不存在方案",
                 "/no/such/route"):
        assert_error(client.get(path), 404)
    assert_error(client.delete("/plans"), 405)


def test_health_reports_the_store(client: TestClient) -> None:
    from loaders import native

    body = client.get("/health").json()
    assert body["ok"] is True and body["store"] in ("embedded", "bolt")
    assert body["loaders"] == native.mode  # compiled under make test


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    for path in ("/queries", "/queries/{name}", "/departments", "/departments/{name}", "/industries",
                 "/industries/{name}", "/tasks/{task_id}", "/plans", "/plans/{plan_id}", "/health"):
        assert path in doc["paths"], path
    assert "post" in doc["paths"]["/plans"]
    assert client.get("/docs").status_code == 200


# -- a real server ----------------------------------------------------------------------------
def test_plankg_serve_answers_over_a_socket(embedded_uri: str) -> None:
    import httpx

    proc, base = start_server(embedded_uri)
    try:
        r = httpx.get(f"{base}/departments", params={"q": "农牧"}, timeout=10)
        assert r.status_code == 200 and r.json()["count"] >= 1
        r = httpx.get(f"{base}/queries/co-leads", params={"industry": "乳业"}, timeout=10)
        assert r.status_code == 200 and r.json()["query"] == "co-leads"
        r = httpx.get(f"{base}/departments/不存在局", timeout=10)
        assert r.status_code == 404 and r.json()["message"]
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "Traceback" not in out


def start_server(store_uri: str) -> tuple[subprocess.Popen[str], str]:
    """`plankg serve` on a free port; another port when someone took this one meanwhile."""
    for _ in range(3):
        port = pick_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "api", "serve", "--port", str(port), "--store", store_uri],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, proc)
        except AssertionError as e:
            if "address already in use" in str(e).lower():
                continue
            raise
        return proc, base
    raise AssertionError("no free port for the server")


def wait_until_up(base: str, proc: subprocess.Popen[str], timeout: float = 90) -> None:
    import time

    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("server did not come up")


def test_serve_with_a_bad_store_uri_fails_in_one_line(tmp_path: Path, free_port: int) -> None:
    r = subprocess.run([sys.executable, "-m", "api", "serve", "--port", str(free_port), "--store",
                        "redis://nowhere"], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "unsupported store URI" in r.stderr and "Traceback" not in r.stderr


def test_serve_with_an_unreadable_store_fails_in_one_line(tmp_path: Path, free_port: int) -> None:
    bad = tmp_path / "bad.plankg"
    bad.write_bytes(b"not a store")
    r = subprocess.run([sys.executable, "-m", "api", "serve", "--port", str(free_port), "--store", str(bad)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "unreadable" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def pick_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def free_port() -> int:
    return pick_port()


def test_a_query_parameter_may_be_called_name(client: TestClient) -> None:
    r = client.get("/queries/department", params={"name": "农牧局"})
    assert r.status_code == 200, r.text
    assert r.json()["params"]["name"] == "农牧局" and r.json()["rows"]


def test_an_unreadable_store_is_503_json_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "s.plankg"
    with open_store(str(path)) as store:
        load_all(store)
    with client_for(str(path)) as c:
        assert c.get("/health").status_code == 200
        path.write_bytes(b"this is not a pickle")
        body = assert_error(c.get("/health"), 503)
        assert body["ok"] is False and "unreadable" in body["message"]
        assert_error(c.get("/departments"), 503)
        assert_error(c.get("/queries/co-leads"), 503)


def test_an_answer_reflects_a_new_load_without_a_restart(tmp_path: Path) -> None:
    from loaders import extract_path

    path = tmp_path / "s.plankg"
    with open_store(str(path)) as store:
        store.load(extract_path(SEED))
    with client_for(str(path)) as c:
        before = c.get("/plans").json()["count"]
        rows_before = len(c.get("/queries/plans").json()["rows"])
        assert c.get("/queries/plans").json()["rows"]  # answered twice: the second from the cache
        with open_store(str(path)) as other:  # another process, e.g. `plankg load`
            for p in sorted(EXAMPLES.glob("*.txt")):
                other.load(extract_path(p))
        after = c.get("/plans").json()["count"]
        rows_after = len(c.get("/queries/plans").json()["rows"])
    assert after > before and rows_after > rows_before


@pytest.mark.bolt
def test_upload_loads_into_the_bolt_store(bolt_loaded: str) -> None:
    with client_for(bolt_loaded, api_token="t0ken") as c:
        before = {p["id"] for p in c.get("/plans").json()["data"]}
        r = c.post("/plans", files={"file": ("seed.txt", SEED.read_bytes(), "text/plain")},
                   headers={"Authorization": "Bearer t0ken"})
        assert r.status_code == 201, r.text
        assert r.json()["replaced"] is True and r.json()["plan_id"] in before
        assert {p["id"] for p in c.get("/plans").json()["data"]} == before
        assert c.get("/health").json()["store"] == "bolt"
