"""The catalog over HTTP: GET /queries and GET /queries/{name} (the `plankg ask --json` body)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import TypeAdapter

import queries
from api.deps import ApiError, DbDep, PagingDep
from api.schemas import CatalogEntry, ErrorBody, Page, QueryAnswer
from graph.errors import BadParameter, UnknownQuery

router = APIRouter(tags=["catalog"])
ANSWER = TypeAdapter(QueryAnswer)


@router.get("/queries", response_model=Page[CatalogEntry], responses={422: {"model": ErrorBody}})
async def list_queries(paging: PagingDep) -> dict[str, Any]:
    """The catalog: each question's name, wording (zh, en), typed parameters and row shape."""
    entries = [q.to_dict() for q in queries.catalog()]
    return {"data": entries[paging.offset : paging.offset + paging.limit], "count": len(entries),
            "limit": paging.limit, "offset": paging.offset}


def _catalog_help() -> str:
    """The questions and their parameters, for the /docs page of GET /queries/{name}."""
    lines = []
    for q in queries.catalog():
        params = ", ".join(f"`{p.name}` ({p.to_dict()['type']}{', required' if p.required else ''})" for p in q.params)
        lines.append(f"- `{q.name}` — {q.question_zh} {q.question_en} Parameters: {params or 'none'}.")
    return "\n".join(lines)


@router.get(
    "/queries/{name}",
    response_model=QueryAnswer,
    responses={404: {"model": ErrorBody}, 422: {"model": ErrorBody}},
    description=(
        "Answer one catalog question; its parameters go in the query string (`?industry=乳业`). "
        "The body is exactly what `plankg ask NAME --json` prints. Unknown query: 404; unknown, "
        "repeated or ill-typed parameter: 422; both bodies name the valid choices.\n\n" + _catalog_help()
    ),
)
async def ask(name: str, request: Request, db: DbDep) -> Response:
    """Answer one catalog question; its parameters go in the query string (`?industry=乳业`).

    Unknown query: 404; unknown, repeated or ill-typed parameter: 422. Both bodies name the
    valid choices.
    """
    try:
        spec = queries.get(name)
    except UnknownQuery as e:
        raise ApiError(404, "unknown_query", str(e), choices=[q.name for q in queries.catalog()]) from e
    choices = [p.name for p in spec.params]
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in params:
            raise ApiError(422, "bad_parameter", f"parameter {key!r} given more than once", choices=choices)
        params[key] = value
    # on the embedded store an answer is encoded once per graph version and parameters
    version = db.version()
    cache_key = ("query", name, tuple(sorted(params.items())), version)
    if version is not None and (body := db.cached(cache_key)) is not None:
        return Response(body, media_type="application/json")
    try:
        result = await db.run(queries.run, db.store, name, params)
    except BadParameter as e:
        raise ApiError(422, "bad_parameter", str(e), choices=choices) from e
    body = ANSWER.dump_json(ANSWER.validate_python(result.to_dict()))
    if version is not None:
        db.remember(cache_key, body, version)
    return Response(body, media_type="application/json")
