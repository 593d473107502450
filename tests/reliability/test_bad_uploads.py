"""Bad input over HTTP: every bad file uploaded to POST /plans loads as a plan (201) or is refused with 422 and a one-line message naming it, a parse over the time limit is stopped in the worker thread, and a refused upload writes nothing.

The same documents as the Python API and CLI cases (tests/reliability/badfiles.py), through the
real app (api.app.create_app) on an embedded store. Token, size cap, CORS and path handling are
tests/test_api_security.py's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.stores.embedded import EmbeddedStore
from tests.reliability.badfiles import BAD

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(180)]

TOKEN = "reliability-token"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    path = tmp_path_factory.mktemp("uploads") / "s.plankg"
    EmbeddedStore(path).reset()
    with TestClient(create_app(Settings(store_uri=str(path), api_token=TOKEN))) as c:
        yield c, path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", list(BAD))
def test_upload(case: str, api: tuple[TestClient, Path], record_property: pytest.RecordProperty) -> None:
    """POST /plans: 201 with the loaded plan, or 422 with one line naming the file; nothing written when refused"""
    c, store = api
    bad = BAD[case]
    before = _digest(store)
    r = c.post("/plans", files={"file": (bad.name, bad.make(), "application/octet-stream")},
               headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code in (201, 422), (r.status_code, r.text)
    body = r.json()
    if r.status_code == 201:
        assert bad.expect != "error", f"{case} should be refused: {body}"
        assert body["plan_id"].startswith("plan:") and body["nodes"] >= 1
        record_property("evidence", f"201: {body['nodes']} nodes, {body['relations']} relations")
    else:
        assert bad.expect != "graph", f"{case} should load: {body}"
        msg = body["message"]
        assert "\n" not in msg and bad.name in msg and "Traceback" not in msg, msg
        if bad.words:
            assert any(w in msg for w in bad.words), msg
        assert _digest(store) == before
        record_property("evidence", f"422: {msg}")


def test_an_upload_that_parses_too_long_is_stopped(api: tuple[TestClient, Path], monkeypatch: pytest.MonkeyPatch,
                                                   record_property: pytest.RecordProperty) -> None:
    """PLANKG_PARSE_SECONDS=0.05 and a 2 MB plan: the worker thread's parse is stopped, 422, nothing written"""
    from tests.reliability.badfiles import seed_text

    c, store = api
    before = _digest(store)
    monkeypatch.setenv("PLANKG_PARSE_SECONDS", "0.05")
    slow = ((seed_text() + "\n") * 300).encode("utf-8")
    r = c.post("/plans", files={"file": ("long.txt", slow, "text/plain")},
               headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 422, r.text
    msg = r.json()["message"]
    assert msg.startswith("long.txt: parsing took longer than 0.05 s"), msg
    assert _digest(store) == before
    record_property("evidence", f"422: {msg}")
