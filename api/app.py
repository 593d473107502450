"""The FastAPI application: `create_app(settings)` builds one app around one store.

The store is opened once at startup (lifespan) and closed at shutdown, never per request. Every
4xx/5xx answer is a JSON `ErrorBody` with a one-line message; nothing leaks a stack trace.
Run it with `plankg serve` or `uvicorn --factory api.app:create_app`.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import queries
from api.deps import ApiError, Db
from api.explorer import mount_explorer
from api.routes import catalog, entities, health, plans_write
from api.settings import Settings, get_settings
from graph.errors import (
    BadParameter,
    NotFound,
    ParseError,
    PlankgError,
    QueryError,
    StoreError,
    StoreUnavailable,
    UnknownQuery,
)
from graph.stores import BOLT_SCHEMES, open_store
from graph.stores.base import Store

log = logging.getLogger("plankg.api")
#: multipart framing around the file itself (boundaries, part headers)
MULTIPART_SLACK = 64 * 1024
BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})

#: project error -> (HTTP status, error kind); the first matching class wins
STATUS: tuple[tuple[type[PlankgError], int, str], ...] = (
    (UnknownQuery, 404, "unknown_query"),
    (NotFound, 404, "not_found"),
    (BadParameter, 422, "bad_parameter"),
    (QueryError, 422, "bad_query"),
    (ParseError, 422, "unreadable_document"),
    (StoreUnavailable, 503, "store_unavailable"),
    (StoreError, 503, "store_error"),
    (PlankgError, 400, "bad_request"),
)


def _error(status: int, error: str, message: str, *, headers: dict[str, str] | None = None,
           **extra: Any) -> JSONResponse:
    body = {"error": error, "message": message, **{k: v for k, v in extra.items() if v is not None}}
    return JSONResponse(body, status_code=status, headers=headers)


class BodyLimit:
    """Refuse request bodies over `max_bytes` with 413, before and while they arrive.

    A declared Content-Length over the cap is refused unread; a body that grows past it (chunked,
    or lying about its length) stops being read, and whatever the app was answering is replaced
    by the 413.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in BODILESS:
            await self.app(scope, receive, send)  # no route reads a GET body: nothing to count
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        over = False
        started = False

        async def counted() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise _TooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over:
                return
            started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not over:
                raise
        if over and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = _error(413, "too_large", f"request body exceeds {self.max_bytes} bytes "
                          "(PLANKG_API_MAX_UPLOAD_BYTES)", headers={"Connection": "close"})
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.error, exc.message, choices=exc.choices, headers=exc.headers)

    @app.exception_handler(PlankgError)
    async def plankg_error(_: Request, exc: PlankgError) -> JSONResponse:
        status, kind = next((s, k) for cls, s, k in STATUS if isinstance(exc, cls))
        if status >= 500:
            log.warning("store error: %s", exc)
        return _error(status, kind, str(exc).splitlines()[0] if str(exc) else kind,
                      choices=getattr(exc, "choices", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # loc/msg/type only: `input` and `ctx` may hold values that are not JSON
        errors: list[dict[str, Any]] = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in exc.errors()]
        message = "invalid request"
        if errors:
            loc = errors[0]["loc"]
            where = ".".join(loc[1:] or loc)
            message = f"{where}: {errors[0]['msg']}" if where else str(errors[0]["msg"])
        return _error(422, "invalid_request", message, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, kind, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return _error(500, "internal", "internal server error; the server log has the details")


def _document_limits(app: FastAPI, settings: Settings) -> None:
    """Put this server's page-size maximum into the OpenAPI document (routes are built once, the
    maximum is a setting), so clients and schemathesis know that a larger `limit` is a 422."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for item in schema.get("paths", {}).values():
                for op in item.values():
                    for param in op.get("parameters", []) if isinstance(op, dict) else []:
                        if param.get("name") == "limit" and param.get("in") == "query":
                            for branch in param["schema"].get("anyOf", [param["schema"]]):
                                if branch.get("type") == "integer":
                                    branch["maximum"] = settings.max_limit
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def open_configured_store(settings: Settings) -> Store:
    """The store the settings name; a Bolt store gets the NEO4J_* credentials the settings hold."""
    uri = settings.store_uri
    if uri and uri.startswith(BOLT_SCHEMES):
        from graph.stores.bolt import BoltStore

        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        return BoltStore.connect(uri, user=settings.neo4j_user, password=password,
                                 database=settings.neo4j_database)
    return open_store(uri)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The API for the store `settings.store_uri` names (or `store`, which the app then owns)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = store or open_configured_store(settings)
        app.state.db = Db(app.state.store)
        preload = getattr(app.state.store, "graph", None)
        if callable(preload):
            preload()  # read the embedded store's file now, not during the first request
            queries.prepare(app.state.store)  # and build the catalog's index, frozen with the graph
            # the graph lives as long as the process: keep its million objects out of every full
            # garbage collection, which would otherwise stall all requests for a good fraction of
            # a second now and then (a graph loaded later is collected as usual)
            gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()  # an app in a longer-lived process (tests, notebooks) gives them back
            app.state.store.close()

    app = FastAPI(
        title="plankg",
        summary="Coordination lookups over Chinese government implementation plans (实施方案).",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    _document_limits(app, settings)
    _install_handlers(app)
    for module in (entities, catalog, plans_write, health):
        # the routes themselves, not `include_router`: recent FastAPI matches an included router
        # as a nested router on every request, ~20% of a lookup's cost in the benchmark
        app.router.routes.extend(module.router.routes)
    mount_explorer(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"], allow_credentials=False, max_age=600,
        )
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes + MULTIPART_SLACK)
    return app
