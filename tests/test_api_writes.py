"""Batch uploads and deletes over HTTP, on the embedded store and on the Bolt server: a batch loads
all of its documents or none, a delete removes exactly one plan, and both need the token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.stores import open_store
from tests.conftest import EXAMPLES, SEED

TOKEN = "batch-t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DOCS = (SEED, *sorted(EXAMPLES.glob("*.txt")))
SEED_TITLE = "阿荣旗“科技兴旗”三年行动实施方案"


def files(*docs: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("file", (name, data, "text/plain")) for name, data in docs]


def plan_titles(c: TestClient) -> list[str]:
    return sorted(p["title"] for p in c.get("/plans", params={"limit": 500}).json()["data"])


@pytest.fixture(params=["embedded", pytest.param("bolt", marks=pytest.mark.bolt)])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    if request.param == "embedded":
        uri = str(tmp_path / "s.plankg")
    else:
        uri = request.getfixturevalue("bolt_uri")
        with open_store(uri) as store:
            store.reset()
    with TestClient(create_app(Settings(store_uri=uri, api_token=TOKEN, max_batch_files=5))) as c:
        yield c


def test_a_batch_loads_every_document_in_upload_order(client: TestClient) -> None:
    r = client.post("/plans/batch", files=files(*((p.name, p.read_bytes()) for p in DOCS)), headers=AUTH)
    assert r.status_code == 201, r.text
    loaded = r.json()["loaded"]
    assert len(loaded) == len(DOCS) and loaded[0]["title"] == SEED_TITLE
    assert all(x["nodes"] > 0 and x["relations"] > 0 for x in loaded)
    titles = plan_titles(client)
    assert sorted({x["title"] for x in loaded}) == titles
    co_leads = client.get("/queries/co-leads", params={"industry": "乳业"}).json()["rows"]
    assert {"农牧局", "教科体局"} <= {name for row in co_leads for name in (row["lead_a"], row["lead_b"])}


def test_one_unreadable_document_fails_the_batch_and_loads_nothing(client: TestClient) -> None:
    before = plan_titles(client)
    r = client.post("/plans/batch", headers=AUTH, files=files(
        ("seed.txt", SEED.read_bytes()), ("broken.docx", b"PK\x03\x04 not a docx")))
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "unreadable_document" and body["message"].startswith("broken.docx: ")
    assert plan_titles(client) == before


def test_batch_limits_are_4xx_json(client: TestClient) -> None:
    too_many = files(*((f"p{i}.txt", SEED.read_bytes()) for i in range(6)))
    r = client.post("/plans/batch", files=too_many, headers=AUTH)
    assert r.status_code == 400 and r.json()["error"] == "bad_upload", r.text
    r = client.post("/plans/batch", data={"file": "text, not a file"}, headers=AUTH)
    assert r.status_code == 400 and r.json()["message"]
    assert plan_titles(client) == []


def test_the_files_of_a_batch_share_the_size_cap(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    settings = Settings(store_uri=str(tmp_path / "s.plankg"), api_token=TOKEN, max_upload_bytes=len(data) + 10)
    with TestClient(create_app(settings)) as c:
        assert c.post("/plans/batch", files=files(("a.txt", data)), headers=AUTH).status_code == 201
        r = c.post("/plans/batch", files=files(("a.txt", data), ("b.txt", data)), headers=AUTH)
        assert r.status_code == 413 and "PLANKG_API_MAX_UPLOAD_BYTES" in r.json()["message"]


def test_delete_removes_one_plan_by_id_or_title(client: TestClient) -> None:
    client.post("/plans/batch", files=files(*((p.name, p.read_bytes()) for p in DOCS)), headers=AUTH)
    titles = plan_titles(client)
    r = client.delete(f"/plans/{SEED_TITLE}", headers=AUTH)
    assert r.status_code == 200, r.text
    assert r.json()["dropped"] is True and r.json()["plan_id"].startswith("plan:")
    assert plan_titles(client) == [t for t in titles if t != SEED_TITLE]
    assert client.get(f"/plans/{r.json()['plan_id']}").status_code == 404  # no other plan names it
    assert client.get("/queries/co-leads", params={"plan": SEED_TITLE}).status_code == 404
    other = client.get("/plans").json()["data"][0]["id"]
    assert client.delete(f"/plans/{other}", headers=AUTH).status_code == 200
    assert len(plan_titles(client)) == len(titles) - 2
    missing = client.delete(f"/plans/{SEED_TITLE}", headers=AUTH)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


@pytest.mark.parametrize("headers,status", [({}, 401), ({"Authorization": "Bearer wrong"}, 401)])
def test_writes_need_the_token(tmp_path: Path, headers: dict[str, Any], status: int) -> None:
    path = tmp_path / "s.plankg"
    with TestClient(create_app(Settings(store_uri=str(path), api_token=TOKEN))) as c:
        assert c.post("/plans/batch", files=files(("s.txt", SEED.read_bytes())), headers=AUTH).status_code == 201
        assert c.post("/plans/batch", files=files(("s.txt", SEED.read_bytes())),
                      headers=headers).status_code == status
        assert c.delete(f"/plans/{SEED_TITLE}", headers=headers).status_code == status
        assert plan_titles(c) == [SEED_TITLE]
    with TestClient(create_app(Settings(store_uri=str(path)))) as c:  # no token configured: writes off
        assert c.delete(f"/plans/{SEED_TITLE}", headers=AUTH).status_code == 403
        assert c.post("/plans/batch", files=files(("s.txt", SEED.read_bytes())), headers=AUTH).status_code == 403
        assert plan_titles(c) == [SEED_TITLE]
