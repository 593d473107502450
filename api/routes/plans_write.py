"""Writes (need the API token): POST /plans loads one uploaded document, POST /plans/batch loads
several all-or-nothing, DELETE /plans/{id} removes a plan's facts.

The token is checked before the body is read; the body is capped by api.app's size limit and
again here (for a batch, the files together). The upload's file name is used only for its extension (the loader's format hint): the
server never opens, creates or reads a path a request names.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from api.deps import ApiError, DbDep, SettingsDep, WriterDep
from api.schemas import Dropped, ErrorBody, Loaded, LoadedBatch
from api.settings import Settings
from graph.errors import NotFound, ParseError
from graph.stores.base import LoadResult

router = APIRouter(tags=["plans"])
CHUNK = 1 << 16

UPLOAD_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary",
                                "description": "The plan: .txt .html .docx .pdf .xlsx"}},
    }}},
}
BATCH_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"},
                                "description": "The plans, one `file` field each"}},
    }}},
}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 413, 422)
}


def safe_name(filename: str | None) -> str:
    """The last component of an uploaded file's name, for its extension only.

    >>> safe_name("../../etc/passwd.txt"), safe_name("C:\\\\plans\\\\方案.docx"), safe_name(None)
    ('passwd.txt', '方案.docx', 'upload')
    """
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    return name if name not in ("", ".", "..") else "upload"


@router.post("/plans", status_code=201, response_model=Loaded, responses=ERRORS,
             openapi_extra={"requestBody": UPLOAD_BODY})
async def upload_plan(request: Request, _: WriterDep, settings: SettingsDep, db: DbDep) -> dict[str, Any]:
    """Load one plan document (multipart field `file`); a new version replaces the old one.

    Needs `Authorization: Bearer <PLANKG_API_TOKEN>`: 403 when the server has no token, 401 for a
    missing or wrong one, 413 beyond PLANKG_API_MAX_UPLOAD_BYTES, 422 for a document the loader
    cannot read.
    """
    (name, data), = await _read_uploads(request, settings, max_files=1)
    extract = await _extract(name, data)
    return _loaded(await _threaded(db.store.load, extract))


@router.post("/plans/batch", status_code=201, response_model=LoadedBatch, responses=ERRORS,
             openapi_extra={"requestBody": BATCH_BODY})
async def upload_plans(request: Request, _: WriterDep, settings: SettingsDep, db: DbDep) -> dict[str, Any]:
    """Load several plan documents at once (one multipart field `file` per document), all or nothing.

    Every document is parsed before anything is written: one unreadable document answers 422
    naming it and loads none. On the embedded store the batch is one write of the store file
    (much faster than one upload per document). The files together are capped by
    PLANKG_API_MAX_UPLOAD_BYTES (413), their number by PLANKG_API_MAX_BATCH_FILES (400).
    """
    uploads = await _read_uploads(request, settings, max_files=settings.max_batch_files)
    extracts = [await _extract(name, data) for name, data in uploads]
    results = await _threaded(db.store.load_many, extracts)
    return {"loaded": [_loaded(r) for r in results]}


@router.delete("/plans/{id}", response_model=Dropped, responses=ERRORS | {404: {"model": ErrorBody}})
async def delete_plan(id: str, _: WriterDep, db: DbDep) -> dict[str, Any]:
    """Remove one loaded plan (by id, title, or a fragment of exactly one title): its tasks,
    targets and phases, and the relations it asserted; departments and chains other plans use stay.
    404 when no such plan is loaded."""
    from queries import resolve_plan

    try:
        pid = await _threaded(resolve_plan, db.store, id)
    except NotFound as e:
        raise ApiError(404, "not_found", str(e)) from e
    if not await _threaded(db.store.drop_plan, pid):
        raise ApiError(404, "not_found", f"no loaded plan {id!r}")
    return {"plan_id": pid, "dropped": True}


async def _read_uploads(request: Request, settings: Settings, *, max_files: int) -> list[tuple[str, bytes]]:
    """The uploaded `file` fields as (safe name, bytes), refusing more than the size cap in total."""
    try:
        async with request.form(max_files=max_files, max_fields=4) as form:
            uploads = form.getlist("file")
            if not uploads or not all(isinstance(u, UploadFile) for u in uploads):
                raise ApiError(400, "bad_upload", "send each document as a multipart file field 'file'")
            out: list[tuple[str, bytes]] = []
            total = 0
            for upload in uploads:
                assert isinstance(upload, UploadFile)
                data = bytearray()
                while chunk := await upload.read(CHUNK):
                    data += chunk
                    total += len(chunk)
                    if total > settings.max_upload_bytes:
                        raise ApiError(413, "too_large", f"upload exceeds {settings.max_upload_bytes} "
                                       "bytes (PLANKG_API_MAX_UPLOAD_BYTES)")
                out.append((safe_name(upload.filename), bytes(data)))
            return out
    except (MultiPartException, HTTPException) as e:
        # Starlette turns its multipart errors (too many files, bad boundaries) into HTTP 400s
        detail = e.message if isinstance(e, MultiPartException) else e.detail
        raise ApiError(400, "bad_upload", f"the request is not a valid multipart upload: {detail}") from e


async def _extract(name: str, data: bytes) -> Any:
    from loaders import extract_bytes

    try:
        return await _threaded(extract_bytes, data, name)
    except ParseError as e:
        # the loader's messages usually start with the document's name already
        message = str(e) if str(e).startswith(name) else f"{name}: {e}"
        raise ApiError(422, "unreadable_document", message) from e


def _loaded(result: LoadResult) -> dict[str, Any]:
    return {"plan_id": result.plan_id, "title": result.title, "doc_id": result.doc_id,
            "nodes": result.nodes, "relations": result.relations, "replaced": result.replaced}


async def _threaded(fn: Any, *args: Any) -> Any:
    # parsing and writing are slow on any store: never on the event loop
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)
