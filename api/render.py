"""Rich rendering for the command line: extracts, catalog listings, query results, the report."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from graph.model import PlanExtract
from graph.stores.base import Store

#: The report: (heading, catalog query, the columns worth a terminal's width). Each section is one
#: catalog answer, so the report can never disagree with `plankg ask`.
REPORT_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Plans 规划", "plans", ("title", "doc_number", "issued_date", "place", "tasks", "targets")),
    ("Industry chains and their leads 产业链牵头部门", "industry-leads",
     ("industry", "place", "tasks", "leads", "supports")),
    ("Co-leading pairs per chain 共同牵头", "co-leads", ("industry", "place", "lead_a", "lead_b", "tasks")),
    ("Department workload 部门任务量 (牵头 / 配合)", "workload",
     ("department", "place", "leads", "supports", "co_leads", "centrality")),
    ("Targets, owners and deadlines 目标任务", "targets", ("plan", "task", "target", "owners", "deadline", "cadence")),
)

def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(cell(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return "; ".join(f"{k}={cell(v)}" for k, v in value.items())
    return str(value)


def rows_table(title: str | None, columns: list[str], rows: list[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(cell(row.get(c)) for c in columns))
    return table


def result_table(console: Console, result: Any) -> None:
    console.print(rows_table(f"{result.query}  {cell(result.params)}", result.columns, result.rows))
    console.print(f"{len(result.rows)} rows")


def catalog_table(console: Console, entries: list[Any]) -> None:
    table = Table(header_style="bold")
    for col in ("name", "question", "parameters"):
        table.add_column(col, overflow="fold")
    for q in entries:
        params = ", ".join(f"{p.name}: {p.type_name} = {p.default!r}" for p in q.params)
        table.add_row(q.name, f"{q.question_zh}\n{q.question_en}", params)
    console.print(table)


def extract_summary(console: Console, ex: PlanExtract) -> None:
    p = ex.plan
    console.print(f"[bold]{p.title}[/bold]  {p.doc_number or ''}  {p.issuer or ''}  {p.issued_date or ''}")
    rows = [
        {"number": t.id, "title": t.title, "lead": t.lead, "support": t.support, "chains": t.chains}
        for t in ex.tasks
    ]
    console.print(rows_table("tasks", ["number", "title", "lead", "support", "chains"], rows))
    cov = ex.coverage
    console.print(
        f"{len(ex.tasks)} tasks, {len(ex.departments)} departments, {len(ex.targets)} targets, "
        f"{len(ex.phases)} phases; {cov.annotations} responsibility annotations; "
        f"{len(cov.tasks_without_responsibility)} task-like paragraphs without one"
    )


def report(console: Console, store: Store, plan: str | None = None) -> None:
    from queries import run

    for heading, name, columns in REPORT_SECTIONS:
        result = run(store, name, {"plan": plan} if plan else {})
        shown = [c for c in columns if c in result.columns] or result.columns
        console.print(rows_table(heading, shown, result.rows))
