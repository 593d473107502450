"""The explorer page and the spreadsheet downloads it links to.

`/` serves api/static/index.html, `/static/…` its script, styles and the front-end libraries that
`make web` copied from the npm registry into api/static/vendor (served from the package, never
from a CDN: intranets are offline). `GET /exports/{format}` is `plankg export` over HTTP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api.deps import DbDep
from api.exports import MEDIA_TYPES, export
from api.schemas import ErrorBody

STATIC = Path(__file__).resolve().parent / "static"
#: the file name a browser saves, per format
FILENAMES = {"xlsx": "任务分工表.xlsx", "csv": "任务分工表.csv", "graphml": "plankg.graphml",
             "json": "plankg.json"}

router = APIRouter(tags=["exports"])


@router.get("/exports/{fmt}", response_class=Response,
            responses={200: {"content": {m.split(";")[0]: {} for m in MEDIA_TYPES.values()}},
                       404: {"model": ErrorBody}, 422: {"model": ErrorBody}})
async def download(
    db: DbDep, fmt: str,
    plan: Annotated[str | None, Query(max_length=300, description="Only this plan (id or title).")] = None,
) -> Response:
    """The 任务分工表 (`xlsx`, `csv`) or the graph (`graphml`, node-link `json`) as a download,
    like `plankg export`; an unknown format is a 422 naming the valid ones."""
    # an export walks the whole graph: off the event loop whatever the store
    data = await run_in_threadpool(export, db.store, fmt, plan)
    name = FILENAMES[fmt]
    disposition = f"attachment; filename=\"plankg-export.{fmt}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": disposition})


def mount_explorer(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")

    @app.get("/", include_in_schema=False)
    async def explorer() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")
