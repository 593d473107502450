"""Response bodies of the HTTP API, apart from the domain model (graph.model).

Lists come in one envelope, `{data, count, limit, offset}` (`count` is the size of the whole
list, not of the page). Every error is an `ErrorBody`.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class ErrorBody(BaseModel):
    error: str = Field(description="Short machine-readable kind: not_found, bad_parameter, ...")
    message: str = Field(description="One line saying what was wrong and what would be valid.")
    choices: list[str] | None = Field(default=None, description="Valid values, where they are few.")
    errors: list[dict[str, Any]] | None = Field(default=None, description="Per-field problems.")


class Page(BaseModel, Generic[T]):
    data: list[T]
    count: int = Field(description="Rows in the whole list (all pages).")
    limit: int
    offset: int


# -- catalog ------------------------------------------------------------------------------------
class QueryParam(BaseModel):
    name: str
    type: str = Field(description="str, int, float or bool")
    default: Any = None
    required: bool = False
    description: str = ""


class CatalogEntry(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    question_zh: str
    question_en: str
    params: list[QueryParam]
    columns: list[str]
    column_help: dict[str, str] = Field(default_factory=dict, description="What each column holds.")


class QueryAnswer(BaseModel):
    """Exactly what `plankg ask NAME --json` prints."""

    query: str
    params: dict[str, Any]
    columns: list[str]
    rows: list[dict[str, Any]]


# -- entities -----------------------------------------------------------------------------------
class Ref(BaseModel):
    id: str
    name: str | None = None


class TaskRef(BaseModel):
    id: str
    plan: str | None
    plan_title: str | None
    path: str | None
    number: str | None
    title: str | None
    rank: int | None = Field(default=None, description="Position in the annotation (0 = first).")


class DepartmentItem(BaseModel):
    id: str
    name: str | None
    place: str | None
    aliases: list[str]
    collective: bool
    leads: int = Field(description="Tasks it leads.")
    supports: int = Field(description="Tasks it supports.")


class ChainRole(Ref):
    leads: int
    supports: int


class Tally(Ref):
    tasks: int


class DepartmentDetail(BaseModel):
    id: str
    name: str | None
    place: str | None
    aliases: list[str]
    collective: bool
    scope: str | None = None
    leads: list[TaskRef]
    supports: list[TaskRef]
    industries: list[ChainRole]
    co_leads: list[Tally] = Field(description="Departments leading the same tasks, most shared first.")


class IndustryItem(Ref):
    tasks: int
    enterprises: int


class IndustryDetail(Ref):
    tasks: list[TaskRef]
    leads: list[Tally]
    supports: list[Tally]
    enterprises: list[Ref]


class Provenance(BaseModel):
    document: str | None = Field(description="sha256 of the normalised document text")
    span: list[int] | None = Field(description="[start, end) character offsets in that text")
    path: str | None = Field(description="heading path, e.g. 三、(二)2.(4)")
    sentence: str | None = Field(description="the source sentence: the task's heading sentence")


class TaskDept(Ref):
    rank: int | None = None
    collective: bool = False


class Target(BaseModel):
    id: str
    text: str | None = None
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    comparator: str | None = None
    deadline: str | None = None
    cadence: str | None = None


class TaskDetail(BaseModel):
    id: str
    plan: str | None
    plan_title: str | None
    path: str | None
    number: str | None
    title: str | None
    level: int | None = None
    deadline: str | None = None
    parent: str | None = None
    text: str | None = None
    span: list[int] | None = None
    provenance: Provenance
    lead: list[TaskDept]
    support: list[TaskDept]
    industries: list[Ref]
    enterprises: list[Ref]
    partners: list[Ref]
    targets: list[Target]
    subtasks: list[TaskRef]


class PlanHeader(BaseModel):
    """What a plan's header says: the fields a plan's list entry and its detail share."""

    id: str
    title: str | None
    issuer: str | None = None
    doc_number: str | None = None
    issued_date: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    place: str | None = None
    level: str | None = None


class PlanItem(PlanHeader):
    tasks: int


class PlanRef(BaseModel):
    id: str
    title: str | None
    loaded: bool


class Phase(BaseModel):
    name: str | None
    start: str | None = None
    end: str | None = None


class TaskOutline(BaseModel):
    id: str
    path: str | None
    number: str | None
    title: str | None
    level: int | None = None
    parent: str | None = None
    lead: list[str]
    support: list[str]


class PlanDetail(PlanHeader):
    loaded: bool
    document: str | None = None
    implements: list[PlanRef]
    implemented_by: list[PlanRef]
    phases: list[Phase]
    coordinating_bodies: list[str]
    tasks: list[TaskOutline]


class Loaded(BaseModel):
    plan_id: str
    title: str
    doc_id: str
    nodes: int
    relations: int
    replaced: bool = Field(description="True when an earlier version of this plan was replaced.")


class LoadedBatch(BaseModel):
    loaded: list[Loaded] = Field(description="One entry per uploaded document, in upload order.")


class Dropped(BaseModel):
    plan_id: str
    dropped: bool


class Health(BaseModel):
    model_config = ConfigDict(extra="allow")

    ok: bool
    store: str = Field(description="embedded or bolt")
    uri: str = Field(description="the store URI, any password masked")
    loaders: str = Field(description="how this server reads uploaded plans: compiled, or python (and why)")
