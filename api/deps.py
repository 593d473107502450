"""Dependencies shared by the routes, as `Annotated` aliases.

`Db` runs a data-access function against the app's one store (opened at startup): inline for the
embedded store, whose reads are in-memory lookups on a graph already loaded (a thread hop would
cost more than the lookup), and in the thread pool for the Bolt store, whose reads wait on the
network. Every dependency is `async def` and reads `app.state` directly: FastAPI runs a plain
`def` dependency in the thread pool, and each level of dependencies costs per request.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Hashable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Query, Request
from fastapi.responses import Response
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool

from api.settings import Settings
from graph.stores.base import Store

R = TypeVar("R")
#: Cypher integers are 64-bit; anything beyond this offset is past every list anyway
MAX_OFFSET = 1 << 31
#: encoded answers kept (see Db): at most this many, and this many bytes
JSON_CACHE_MAX = 4096
JSON_CACHE_BYTES = 64 * 1024 * 1024


class ApiError(Exception):
    """An HTTP error with a JSON body (see api.app's handlers)."""

    def __init__(self, status: int, error: str, message: str, *, choices: list[str] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message
        self.choices, self.headers = choices, headers


class Db:
    """The app's store, and how to call data-access functions on it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.inline = store.kind == "embedded"
        # Encoded answers, oldest first, bounded in count and bytes. Two kinds of key:
        # - id(answer): the embedded store's lookups hand out the same object for the same question
        #   while the graph is unchanged; the entry holds the object so its id is not reused;
        # - (query, params, store version) for catalog answers, which are fresh objects each time.
        self._encoded: dict[Hashable, tuple[object, bytes]] = {}
        self._bytes = 0

    async def __call__(self, fn: Callable[..., R], /, **kwargs: Any) -> R:
        if self.inline:
            return fn(store=self.store, **kwargs)
        return await run_in_threadpool(fn, store=self.store, **kwargs)

    async def run(self, fn: Callable[..., R], /, *args: Any) -> R:
        """A function of positional arguments, with the same inline / thread-pool choice."""
        if self.inline:
            return fn(*args)
        return await run_in_threadpool(fn, *args)

    def json(self, adapter: TypeAdapter[Any], value: object, key: object | None = None) -> Response:
        """`value` validated against the response schema and encoded, once per answer object
        (`key`, default `value`) on the embedded store."""
        key = value if key is None else key
        hit = self._encoded.get(id(key)) if self.inline else None
        if hit is not None and hit[0] is key:
            return _json(hit[1])
        body = adapter.dump_json(adapter.validate_python(value))
        if self.inline:
            self._remember(id(key), key, body)
        return _json(body)

    def version(self) -> int | None:
        """The embedded store's graph version, after picking up a file another process changed
        (None for stores without versions: their answers are never cached here)."""
        version = getattr(self.store, "version", None) if self.inline else None
        if version is None:
            return None
        self.store.graph()  # type: ignore[attr-defined]  # reloads (and bumps `version`) if the file changed
        return int(self.store.version)  # type: ignore[attr-defined]

    def cached(self, key: Hashable) -> bytes | None:
        hit = self._encoded.get(key)
        return hit[1] if hit is not None else None

    def remember(self, key: Hashable, body: bytes, version: int) -> None:
        """Keep `body` under `key` (which holds `version`) unless the store moved on meanwhile."""
        if self.version() == version:
            self._remember(key, None, body)

    def _remember(self, key: Hashable, owner: object, body: bytes) -> None:
        while self._encoded and (len(self._encoded) >= JSON_CACHE_MAX
                                 or self._bytes + len(body) > JSON_CACHE_BYTES):
            oldest = next(iter(self._encoded))
            self._bytes -= len(self._encoded.pop(oldest)[1])
        if len(body) <= JSON_CACHE_BYTES:
            self._encoded[key] = (owner, body)
            self._bytes += len(body)


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_db(request: Request) -> Db:
    db: Db = request.app.state.db
    return db


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DbDep = Annotated[Db, Depends(get_db)]


class Paging:
    __slots__ = ("limit", "offset")

    def __init__(self, limit: int, offset: int) -> None:
        self.limit, self.offset = limit, offset


async def get_paging(
    request: Request,
    limit: Annotated[int | None, Query(ge=1, description="Page size; at most PLANKG_API_MAX_LIMIT "
                                        "(default 500); default PLANKG_API_DEFAULT_LIMIT (50).")] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")] = 0,
) -> Paging:
    settings: Settings = request.app.state.settings
    if limit is None:
        limit = settings.default_limit
    if limit > settings.max_limit:
        raise ApiError(422, "bad_parameter", f"limit must be at most {settings.max_limit}, got {limit}")
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(get_paging)]


async def require_writer(
    request: Request,
    authorization: Annotated[str | None, Header(description="Bearer <PLANKG_API_TOKEN>")] = None,
) -> None:
    """Writes are off without a configured token (403); a missing or wrong token is 401."""
    settings: Settings = request.app.state.settings
    if settings.api_token is None:
        raise ApiError(403, "writes_disabled",
                       "writes are disabled on this server: set PLANKG_API_TOKEN to enable them")
    scheme, _, given = (authorization or "").partition(" ")
    expected = settings.api_token.get_secret_value()
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(401, "unauthorized", "a valid 'Authorization: Bearer <token>' header is required",
                       headers={"WWW-Authenticate": "Bearer"})


WriterDep = Annotated[None, Depends(require_writer)]
