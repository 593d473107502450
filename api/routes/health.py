"""GET /health: is the store reachable, and what does it hold."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import DbDep
from api.schemas import ErrorBody, Health
from api.settings import redact_uri
from graph.errors import PlankgError
from loaders import native

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses={503: {"model": ErrorBody}})
async def health(db: DbDep) -> Any:
    """200 with the store's counts when it answers; 503 with a message when it does not."""
    store = db.store
    try:
        info = await db.run(store.health)
    except PlankgError as e:
        info = {"ok": False, "error": str(e)}
    if info.get("ok") is False:
        return JSONResponse(status_code=503, content={
            "error": "store_unavailable", "message": str(info.get("error") or "the store does not answer"),
            "ok": False, "store": store.kind, "uri": redact_uri(store.uri), "loaders": native.mode})
    return {**info, "ok": True, "store": store.kind, "uri": redact_uri(store.uri), "loaders": native.mode}
