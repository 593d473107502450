"""Hostile requests: writes need the token, uploads are capped, CORS is closed by default, uploads
never name a server path, and injection strings through every parameter leave the graph unchanged.

Injection strings go to the embedded store only: the local FalkorDB server splices parameters into
the query text itself, so it cannot be evidence of parameter safety (issue 10).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

import queries
from api.app import create_app
from api.settings import Settings
from graph.stores.embedded import EmbeddedStore
from tests.conftest import EXAMPLES, SEED

TOKEN = "s3cret-token"
INJECTIONS = (
    "'", '"', "\\", "\\'", "'})", "'}) MATCH (n) DETACH DELETE n //", "x' OR 1=1 //", "// comment",
    "CALL db.labels()", "'; CALL db.clearQueryCaches(); //", "$id", "{id: 'x'}", "`Task`", "%00",
    "农牧局'})-[:LEADS]->(t) DELETE t //", "乳业\n}) RETURN 1", "🐄🥛", "a" * 300, "../../etc/passwd",
)


def load_seed(path: Path) -> EmbeddedStore:
    from loaders import extract_path

    store = EmbeddedStore(path)
    for p in (SEED, *sorted(EXAMPLES.glob("*.txt"))):
        store.load(extract_path(p))
    return store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "s.plankg"
    load_seed(path)
    return path


def client(store_path: Path, **settings: Any) -> TestClient:
    return TestClient(create_app(Settings(store_uri=str(store_path), **settings)))


def upload(c: TestClient, data: bytes, name: str = "plan.txt", token: str | None = TOKEN) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return c.post("/plans", files={"file": (name, data, "text/plain")}, headers=headers)


# -- writes -----------------------------------------------------------------------------------
def test_writes_are_off_without_a_configured_token(store_path: Path) -> None:
    before = digest(store_path)
    with client(store_path) as c:
        r = upload(c, SEED.read_bytes())
    assert r.status_code == 403 and "PLANKG_API_TOKEN" in r.json()["message"]
    assert digest(store_path) == before


def test_blank_token_setting_keeps_writes_off(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANKG_API_TOKEN", "  ")
    assert Settings().api_token is None
    with client(store_path, api_token="") as c:
        assert upload(c, SEED.read_bytes(), token="").status_code == 403


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic czNjcmV0LXRva2Vu", f"Bearer {TOKEN}x",
                                    TOKEN])
def test_a_missing_or_wrong_token_is_401(store_path: Path, header: str | None) -> None:
    before = digest(store_path)
    with client(store_path, api_token=TOKEN) as c:
        headers = {"Authorization": header} if header else {}
        r = c.post("/plans", files={"file": ("plan.txt", SEED.read_bytes())}, headers=headers)
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"] == "Bearer" and r.json()["error"] == "unauthorized"
    assert digest(store_path) == before


def test_the_token_loads_a_plan_and_a_new_version_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "s.plankg"
    with client(path, api_token=TOKEN) as c:
        first = upload(c, SEED.read_bytes(), name="科技兴旗.txt")
        assert first.status_code == 201, first.text
        assert first.json()["replaced"] is False
        assert c.get(f"/plans/{first.json()['plan_id']}").json()["loaded"] is True
        again = upload(c, SEED.read_bytes().replace("加快".encode(), "加速".encode()))
        assert again.status_code == 201 and again.json()["replaced"] is True
        assert again.json()["plan_id"] == first.json()["plan_id"]
        assert c.get("/plans").json()["count"] == 1


def test_an_unreadable_upload_is_422_and_writes_nothing(store_path: Path) -> None:
    before = digest(store_path)
    with client(store_path, api_token=TOKEN) as c:
        for data, name in ((b"", "empty.txt"), (b"\x00\x01\x02\xff" * 100, "x.pdf"), (b"PK\x03\x04junk", "x.docx")):
            r = upload(c, data, name=name)
            assert r.status_code == 422, (name, r.text)
            assert r.json()["message"]
        r = c.post("/plans", data={"file": "not a file"}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code in (400, 422) and r.json()["message"]
    assert digest(store_path) == before


def test_uploads_over_the_cap_are_413(store_path: Path) -> None:
    before = digest(store_path)
    big = SEED.read_bytes() * 8  # ~150 KB: past the cap plus the multipart allowance
    with client(store_path, api_token=TOKEN, max_upload_bytes=1000) as c:
        for data in (SEED.read_bytes(), big):  # caught while reading the file / by Content-Length
            r = upload(c, data)
            assert r.status_code == 413 and "PLANKG_API_MAX_UPLOAD_BYTES" in r.json()["message"]

        def chunked() -> Any:  # no Content-Length: the cap must hold while the body arrives
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="p.txt"\r\n\r\n'
            for i in range(0, len(big), 4096):
                yield big[i : i + 4096]
            yield b"\r\n--b--\r\n"

        r = c.post("/plans", content=chunked(), headers={
            "Authorization": f"Bearer {TOKEN}", "Content-Type": "multipart/form-data; boundary=b"})
        assert r.status_code == 413, r.text
        assert r.json()["error"] == "too_large"
    assert digest(store_path) == before


def test_the_default_cap_is_20_mb() -> None:
    assert Settings().max_upload_bytes == 20 * 1024 * 1024


def test_an_upload_never_writes_to_the_path_it_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    target = tmp_path / "victim.txt"
    names = [str(target), "../victim.txt", "..\\victim.txt", "/etc/passwd", "../../../../tmp/x.txt"]
    with client(tmp_path / "s.plankg", api_token=TOKEN) as c:
        for name in names:
            r = upload(c, SEED.read_bytes(), name=name)
            assert r.status_code == 201, (name, r.text)
    assert not target.exists() and os.listdir(work) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "s.plankg", "s.plankg.lock"]


# -- CORS -------------------------------------------------------------------------------------
def test_cors_is_closed_by_default(store_path: Path) -> None:
    with client(store_path) as c:
        r = c.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
        pre = c.options("/departments", headers={"Origin": "https://evil.example",
                                                 "Access-Control-Request-Method": "GET"})
        assert "access-control-allow-origin" not in pre.headers
        assert pre.headers["content-type"].startswith("application/json")


def test_cors_allows_only_the_configured_origins(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANKG_API_CORS_ORIGINS", "https://portal.example, https://dash.example/")
    settings = Settings(store_uri=str(store_path))
    assert settings.cors_origins == ["https://portal.example", "https://dash.example"]
    with TestClient(create_app(settings)) as c:
        ok = c.get("/health", headers={"Origin": "https://dash.example"})
        assert ok.headers["access-control-allow-origin"] == "https://dash.example"
        bad = c.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in bad.headers


# -- injection --------------------------------------------------------------------------------
def entity_requests(value: str) -> list[tuple[str, dict[str, str]]]:
    v = quote(value, safe="")
    return [
        ("/departments", {"q": value}), ("/departments", {"place": value}), (f"/departments/{v}", {}),
        ("/departments/农牧局", {"place": value}), ("/industries", {"q": value}), (f"/industries/{v}", {}),
        (f"/tasks/{v}", {}), ("/plans", {"q": value}), (f"/plans/{v}", {}), (f"/queries/{v}", {}),
    ]


def query_requests(value: str) -> list[tuple[str, dict[str, str]]]:
    return [(f"/queries/{q.name}", {p.name: value}) for q in queries.catalog() for p in q.params]


def test_injection_strings_through_every_parameter_change_nothing(store_path: Path) -> None:
    load_seed(store_path)
    before = digest(store_path)
    store = EmbeddedStore(store_path)
    graph_before = (sorted(store.graph().nodes), store.graph().number_of_edges())
    seen: set[int] = set()
    with client(store_path) as c:
        for value in INJECTIONS:
            for path, params in entity_requests(value) + query_requests(value):
                r = c.get(path, params=params)
                seen.add(r.status_code)
                assert r.status_code < 500, (path, params, r.text)
                assert r.headers["content-type"].startswith("application/json"), (path, r.text)
    assert digest(store_path) == before
    fresh = EmbeddedStore(store_path)
    assert (sorted(fresh.graph().nodes), fresh.graph().number_of_edges()) == graph_before
    assert 200 in seen and 404 in seen
