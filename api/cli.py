"""The `plankg` command line (contract: DESIGN.md, "The command-line contract").

Commands stay thin: parsing lives in loaders/, questions in queries/, rendering in api/render.py.
Every PlankgError becomes one line on stderr and a non-zero exit (2 for an unknown query or
parameter, 1 otherwise); nothing else is caught, because anything else is a bug worth a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from api import render
from graph.errors import PlankgError, QueryError
from graph.stores import open_store

app = typer.Typer(
    name="plankg",
    help="Chinese government implementation plans as a knowledge graph of coordination.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)

StoreOpt = Annotated[
    str | None,
    typer.Option("--store", help="Store URI: a file path (embedded; default PLANKG_STORE or "
                 ".plankg/store.plankg) or bolt:// / neo4j:// / neo4j+s:// (Neo4j)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
Paths = Annotated[list[Path], typer.Argument(help="Plan documents: .txt .html .docx .pdf .xlsx")]


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _extract_all(paths: list[Path]) -> list[Any]:
    from loaders import extract_path

    return [extract_path(p) for p in paths]


@app.command()
def extract(paths: Paths, as_json: JsonOpt = False) -> None:
    """Parse documents only; print one PlanExtract per document (a JSON list for several)."""
    extracts = _extract_all(paths)
    if as_json:
        docs = [e.to_json_dict() for e in extracts]
        _print_json(docs[0] if len(docs) == 1 else docs)
        return
    for e in extracts:
        render.extract_summary(out, e)


@app.command()
def load(paths: Paths, store: StoreOpt = None) -> None:
    """Parse documents and load each into the store (atomically, one document at a time).

    Every document is parsed before anything is written, so one unreadable file loads nothing.
    """
    extracts = _extract_all(paths)
    with open_store(store) as s:
        for r in s.load_many(extracts):
            verb = "replaced" if r.replaced else "loaded"
            out.print(f"{verb} {r.title} ({r.nodes} nodes, {r.relations} relations) -> {s.uri}")


@app.command("queries")
def list_queries(as_json: JsonOpt = False) -> None:
    """The catalog of coordination questions: name, question, parameters."""
    from queries import catalog

    entries = catalog()
    if as_json:
        _print_json([q.to_dict() for q in entries])
    else:
        render.catalog_table(out, entries)


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected key=value, got {pair!r}", param_hint="-p")
        params[key.strip()] = value
    return params


@app.command()
def ask(
    name: Annotated[str, typer.Argument(help="Catalog query name (see `plankg queries`).")],
    param: Annotated[list[str] | None, typer.Option("-p", "--param", help="key=value")] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer one catalog question."""
    from queries import run

    params = _parse_params(param or [])
    with open_store(store) as s:
        result = run(s, name, params)
    if as_json:
        _print_json(result.to_dict())
    else:
        render.result_table(out, result)


@app.command()
def report(
    store: StoreOpt = None,
    plan: Annotated[str | None, typer.Option(help="Only this plan (id or title).")] = None,
) -> None:
    """The coordination report: chains and their leads, co-leading pairs, workload, targets."""
    with open_store(store) as s:
        render.report(out, s, plan)


@app.command()
def drop(plan: Annotated[str, typer.Argument(help="Plan id or title.")], store: StoreOpt = None) -> None:
    """Remove one plan's facts from the store."""
    from queries import resolve_plan

    with open_store(store) as s:
        pid = resolve_plan(s, plan)
        if not s.drop_plan(pid):
            raise PlankgError(f"no loaded plan {plan!r} in {s.uri}")
        out.print(f"dropped {plan} from {s.uri}")


@app.command()
def reset(
    store: StoreOpt = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove everything from the store."""
    with open_store(store) as s:
        if not yes and not typer.confirm(f"Remove every plan from {s.uri}?"):
            raise typer.Exit(1)
        s.reset()
        out.print(f"reset {s.uri}")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="xlsx (任务分工表) | csv | graphml | json")],
    output: Annotated[str | None, typer.Option(
        "-o", "--output", help="File to write; '-' for stdout. Default: plankg-export.<format>.")] = None,
    plan: Annotated[str | None, typer.Option(help="Only this plan (id or title); default all.")] = None,
    store: StoreOpt = None,
) -> None:
    """Export the 任务分工表 (xlsx, csv) or the graph (graphml, json node-link)."""
    from api.exports import export as run_export

    with open_store(store) as s:
        data = run_export(s, fmt, plan)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(output or f"plankg-export.{fmt}")
    try:
        target.write_bytes(data)
    except OSError as e:
        raise PlankgError(f"cannot write {target}: {e.strerror}") from e
    out.print(f"exported {fmt} ({len(data)} bytes) -> {target}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    store: StoreOpt = None,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs); settings from PLANKG_* (docs/api.md)."""
    import uvicorn

    from api.app import create_app, open_configured_store
    from api.settings import get_settings

    settings = get_settings()
    if store:
        settings = settings.model_copy(update={"store_uri": store})
    opened = open_configured_store(settings)  # a bad URI or a dead server fails here, in one line
    preload = getattr(opened, "graph", None)
    if callable(preload):
        preload()  # so does an unreadable embedded store
    uvicorn.run(create_app(settings, store=opened), host=host, port=port, log_level="info")


@app.command("eval")
def eval_(
    plan: Annotated[Path, typer.Argument(help="A plan document (.txt .html .docx .pdf).")],
    gold: Annotated[Path, typer.Argument(help="Its hand-made gold file (format of tests/data/seed.gold.json).")],
    as_json: JsonOpt = False,
    fail_under: Annotated[float | None, typer.Option(
        "--fail-under", help="Exit 1 when lead or support F1 is below this (0-1).")] = None,
) -> None:
    """Score an extraction against a gold file: P/R/F1 of (task, role, department) and of targets."""
    from loaders.evaluate import evaluate_paths

    report = evaluate_paths(plan, gold)
    if as_json:
        _print_json(report)
    else:
        _eval_tables(report)
    if fail_under is not None and min(report["lead"]["f1"], report["support"]["f1"]) < fail_under:
        raise typer.Exit(1)


@app.command()
def aliases(paths: Paths, as_json: JsonOpt = False) -> None:
    """Names that may denote one body (for a person to confirm), and the names the registry merged."""
    from loaders.aliases import alias_report

    report = alias_report(_extract_all(paths))
    if as_json:
        _print_json(report)
    else:
        _alias_tables(report)


def _eval_tables(report: dict[str, Any]) -> None:
    rows = [{"measure": k, **{c: report[k][c] for c in ("precision", "recall", "f1", "tp", "fp", "fn")}}
            for k in ("lead", "support", "triples", "targets", "target_fields")]
    out.print(render.rows_table(f"{report['plan']} vs {report['gold']}",
                                ["measure", "precision", "recall", "f1", "tp", "fp", "fn"], rows))
    for line in [*(f"gold task not found: {t}" for t in report["unmatched_tasks"]), *report["differences"]]:
        out.print(f"  {line}", markup=False)


def _alias_tables(report: dict[str, Any]) -> None:
    out.print(render.rows_table("alias candidates (a person decides; nothing is merged)",
                                ["plan", "place", "names", "evidence"], report["candidates"]))
    out.print(render.rows_table("merged by the department registry", ["plan", "name", "aliases"],
                                report["merged"]))


def main() -> None:
    """Console entry point: PlankgError -> one line on stderr, exit 2 for query errors else 1."""
    try:
        rc = app(standalone_mode=False)
    except PlankgError as e:
        sys.stderr.write(f"plankg: error: {e}\n")
        sys.exit(2 if isinstance(e, QueryError) else 1)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        sys.stderr.write("plankg: aborted\n")
        sys.exit(1)
    except typer.TyperException as e:  # usage errors (bad option, bad -p) in non-standalone mode
        show = getattr(e, "show", None)
        if show is None:
            raise
        show()
        sys.exit(getattr(e, "exit_code", 2))
    if isinstance(rc, int) and rc:
        sys.exit(rc)
