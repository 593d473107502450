"""The catalog's compact tables: one immutable row per task and per target, built once per store
version beside the index.

Every embedded answer used to walk the graph's attribute dicts (a million scattered objects at
100k tasks) and rebuild the same per-task facts — names of the leads, the label, the owners —
on each first call. Built once here, in document order and allocated together, a first call
reads only the rows it needs; the Bolt store builds the same row types from its reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple


def task_label(number: str | None, title: str | None) -> str:
    """How a task appears in rows: its heading number and title, e.g. `(6) 推动乳制品关键技术转化应用`."""
    return f"{number or ''} {title or ''}".strip()


def num(value: Any) -> float | None:
    """Target values as floats on both stores (Bolt may hand back ints for whole numbers)."""
    return None if value is None else float(value)


class TaskRow(NamedTuple):
    """One task. The first nine fields are what both stores read for the task-tree questions;
    the rest only the index fills (the Bolt reads leave the defaults)."""

    plan: str
    plan_title: str
    id: str
    parent: str | None
    order: int
    label: str
    leads: tuple[str, ...]  # names, by rank
    children: int
    chains: tuple[str, ...]  # sorted
    lead_ids: tuple[str, ...] = ()  # by rank, as `leads`
    support_ids: tuple[str, ...] = ()
    supports: tuple[str, ...] = ()  # names, by rank
    place: str = "-"  # the plan's place
    number: str | None = None
    title: str | None = None
    path: str | None = None
    level: Any = None
    deadline: Any = None
    parent_number: str | None = None
    targets: tuple[str, ...] = ()  # target texts, in document order
    owners: tuple[str, ...] = ()  # its leads, else the nearest ancestor's (see `owners`)
    enterprises: tuple[str, ...] = ()
    institutes: tuple[str, ...] = ()
    #: (place, name, name) of each pair of its leads, the names in order; place: the first lead's
    lead_pairs: tuple[tuple[str, str, str], ...] = ()


class PlanRow(NamedTuple):
    """One loaded plan with its counts, fields in the order of the `plans` columns."""

    plan: str
    title: str
    issuer: Any
    doc_number: Any
    issued_date: Any
    period_start: Any
    period_end: Any
    place: Any
    level: Any
    implements: tuple[str, ...]  # titles of the higher plans, sorted
    tasks: int
    departments: int  # named as lead or support
    targets: int
    phases: int


class TargetRow(NamedTuple):
    plan: str
    task: str | None
    order: int
    text: str
    value: float | None
    value_max: float | None
    unit: str | None
    comparator: str | None
    deadline: str | None
    cadence: str | None
    row: TaskRow | None = None  # the task it is set under, if any (and among the rows read)


def target_row(a: Mapping[str, Any], order: Any, row: TaskRow | None = None) -> TargetRow:
    deadline = a.get("deadline")
    return TargetRow(a.get("plan") or "", a.get("task"), int(order or 0), a.get("text") or "",
                     num(a.get("value")), num(a.get("value_max")), a.get("unit"), a.get("comparator"),
                     None if deadline is None else str(deadline), a.get("cadence"), row)


def owners(tasks: Iterable[TaskRow]) -> dict[str, tuple[str, ...]]:
    """Who answers for each task: its own leads, else the nearest ancestor's (an action-level
    annotation such as 行动 5's covers the sub-tasks that carry none)."""
    by_id = {t.id: t for t in tasks}
    out: dict[str, tuple[str, ...]] = {}
    for t in by_id.values():
        cur: TaskRow | None = t
        while cur is not None and not cur.leads:
            cur = by_id.get(cur.parent) if cur.parent else None
        out[t.id] = cur.leads if cur is not None else ()
    return out
