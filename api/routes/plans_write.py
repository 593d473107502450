"""POST /plans: upload one plan document and load it (needs the API token).

The token is checked before the body is read; the body is capped by api.app's size limit and
again here. The upload's file name is used only for its extension (the loader's format hint): the
server never opens, creates or reads a path a request names.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from api.deps import ApiError, DbDep, SettingsDep, WriterDep
from api.schemas import ErrorBody, Loaded
from graph.errors import ParseError

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
    try:
        async with request.form(max_files=1, max_fields=4) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ApiError(400, "bad_upload", "send the document as the multipart file field 'file'")
            data = bytearray()
            while chunk := await upload.read(CHUNK):
                data += chunk
                if len(data) > settings.max_upload_bytes:
                    raise ApiError(413, "too_large", f"upload exceeds {settings.max_upload_bytes} "
                                   "bytes (PLANKG_API_MAX_UPLOAD_BYTES)")
            name = safe_name(upload.filename)
    except MultiPartException as e:
        raise ApiError(400, "bad_upload", f"the request is not a valid multipart upload: {e.message}") from e
    from loaders import extract_bytes

    try:
        extract = await _threaded(extract_bytes, bytes(data), name)
    except ParseError as e:
        raise ApiError(422, "unreadable_document", str(e)) from e
    result = await _threaded(db.store.load, extract)
    return {"plan_id": result.plan_id, "title": result.title, "doc_id": result.doc_id,
            "nodes": result.nodes, "relations": result.relations, "replaced": result.replaced}


async def _threaded(fn: Any, *args: Any) -> Any:
    # parsing and writing are slow on any store: never on the event loop
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)
