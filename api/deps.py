"""Dependencies shared by the routes, as `Annotated` aliases.

`Db` runs a data-access function against the app's one store: inline for the embedded store,
whose reads are in-memory lookups on a graph already loaded (a thread hop would cost more than
the lookup), and in the thread pool for the Bolt store, whose reads wait on the network.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Query, Request
from starlette.concurrency import run_in_threadpool

from api.settings import Settings
from graph.stores.base import Store

R = TypeVar("R")
#: Cypher integers are 64-bit; anything beyond this offset is past every list anyway
MAX_OFFSET = 1 << 31


class ApiError(Exception):
    """An HTTP error with a JSON body (see api.app's handlers)."""

    def __init__(self, status: int, error: str, message: str, *, choices: list[str] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message
        self.choices, self.headers = choices, headers


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
StoreDep = Annotated[Store, Depends(get_store)]


@dataclass(frozen=True)
class Db:
    store: Store

    async def __call__(self, fn: Callable[..., R], /, **kwargs: Any) -> R:
        if self.store.kind == "embedded":
            return fn(store=self.store, **kwargs)
        return await run_in_threadpool(fn, store=self.store, **kwargs)

    async def run(self, fn: Callable[..., R], /, *args: Any) -> R:
        """A function of positional arguments, with the same inline / thread-pool choice."""
        if self.store.kind == "embedded":
            return fn(*args)
        return await run_in_threadpool(fn, *args)


def get_db(store: StoreDep) -> Db:
    return Db(store)


DbDep = Annotated[Db, Depends(get_db)]


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


def get_paging(
    settings: SettingsDep,
    limit: Annotated[int | None, Query(ge=1, description="Page size; at most PLANKG_API_MAX_LIMIT "
                                        "(default 500); default PLANKG_API_DEFAULT_LIMIT (50).")] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")] = 0,
) -> Paging:
    if limit is None:
        limit = settings.default_limit
    if limit > settings.max_limit:
        raise ApiError(422, "bad_parameter", f"limit must be at most {settings.max_limit}, got {limit}")
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(get_paging)]


def require_writer(
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(description="Bearer <PLANKG_API_TOKEN>")] = None,
) -> None:
    """Writes are off without a configured token (403); a missing or wrong token is 401."""
    if settings.api_token is None:
        raise ApiError(403, "writes_disabled",
                       "writes are disabled on this server: set PLANKG_API_TOKEN to enable them")
    scheme, _, given = (authorization or "").partition(" ")
    expected = settings.api_token.get_secret_value()
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(401, "unauthorized", "a valid 'Authorization: Bearer <token>' header is required",
                       headers={"WWW-Authenticate": "Bearer"})


WriterDep = Annotated[None, Depends(require_writer)]
