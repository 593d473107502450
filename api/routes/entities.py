"""Entity lookups: departments, industry chains, tasks and plans (queries/lookups/)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import TypeAdapter

from api.deps import Db, DbDep, Paging, PagingDep
from api.schemas import (
    DepartmentDetail,
    DepartmentItem,
    ErrorBody,
    IndustryDetail,
    IndustryItem,
    Page,
    PlanDetail,
    PlanItem,
    TaskDetail,
)
from queries import lookups

router = APIRouter(tags=["entities"])
#: routes return encoded Responses (api.deps.Db.json); response_model documents the body
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody}, 422: {"model": ErrorBody}}
Search = Annotated[str | None, Query(max_length=200, description="Substring of the name or an alias; "
                                     "case-insensitive.")]
Place = Annotated[str | None, Query(max_length=200, description="Only departments of this place (e.g. 阿荣旗).")]


DEPARTMENTS = TypeAdapter(Page[DepartmentItem])
DEPARTMENT = TypeAdapter(DepartmentDetail)
INDUSTRIES = TypeAdapter(Page[IndustryItem])
INDUSTRY = TypeAdapter(IndustryDetail)
TASK = TypeAdapter(TaskDetail)
PLANS = TypeAdapter(Page[PlanItem])
PLAN = TypeAdapter(PlanDetail)


def _page(db: Db, adapter: TypeAdapter[Any], page: lookups.Page, paging: Paging) -> Response:
    body = {"data": page.data, "count": page.count, "limit": paging.limit, "offset": paging.offset}
    return db.json(adapter, body, key=page)


@router.get("/departments", response_model=Page[DepartmentItem], responses=NOT_FOUND)
async def list_departments(db: DbDep, paging: PagingDep, q: Search = None, place: Place = None) -> Response:
    """Departments by name, searched by canonical name or any as-written alias."""
    page = await db(lookups.departments, q=q, place=place, limit=paging.limit, offset=paging.offset)
    return _page(db, DEPARTMENTS, page, paging)


@router.get("/departments/{name:path}", response_model=DepartmentDetail, responses=NOT_FOUND)
async def get_department(
    db: DbDep, name: Annotated[str, Path(description="Department id, canonical name or alias.")],
    place: Place = None,
) -> Response:
    """One department: tasks it leads and supports, its chains and co-leading departments.

    A name that several places share answers 422 listing their ids; pass `place=` or an id.
    """
    return db.json(DEPARTMENT, await db(lookups.department, name=name, place=place))


@router.get("/industries", response_model=Page[IndustryItem], responses=NOT_FOUND)
async def list_industries(db: DbDep, paging: PagingDep, q: Search = None) -> Response:
    """Industry chains by name, with how many tasks concern each and how many enterprises are in it."""
    page = await db(lookups.industries, q=q, limit=paging.limit, offset=paging.offset)
    return _page(db, INDUSTRIES, page, paging)


@router.get("/industries/{name}", response_model=IndustryDetail, responses=NOT_FOUND)
async def get_industry(db: DbDep, name: Annotated[str, Path(description="Chain name or id.")]) -> Response:
    """One chain: its tasks, lead and supporting departments (busiest first), enterprises."""
    return db.json(INDUSTRY, await db(lookups.industry, name=name))


@router.get("/tasks/{task_id:path}", response_model=TaskDetail, responses=NOT_FOUND)
async def get_task(db: DbDep, task_id: str) -> Response:
    """One task by id (percent-encode `#` as %23) with its provenance: document, span, heading
    path and source sentence."""
    return db.json(TASK, await db(lookups.task, id=task_id))


@router.get("/plans", response_model=Page[PlanItem], responses=NOT_FOUND)
async def list_plans(db: DbDep, paging: PagingDep, q: Search = None) -> Response:
    """Loaded plans by title."""
    page = await db(lookups.plans, q=q, limit=paging.limit, offset=paging.offset)
    return _page(db, PLANS, page, paging)


@router.get("/plans/{plan_id}", response_model=PlanDetail, responses=NOT_FOUND)
async def get_plan(db: DbDep, plan_id: Annotated[str, Path(description="Plan id or exact title.")]) -> Response:
    """One plan: metadata, lineage (implements / implemented by), phases and its task outline."""
    return db.json(PLAN, await db(lookups.plan, id=plan_id))
