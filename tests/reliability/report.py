"""pytest plugin: writes docs/reliability.md from the outcomes of the reliability cases.

A case is any test marked `reliability`, or any test listed in CASES (the plugin adds the marker
to those, so `pytest -m reliability` runs exactly the cases). At the end of a
session the plugin writes the intro (tests/reliability/intro.md) followed by one table per test
file: case, outcome. The output has no timings or dates, so the file changes only when a case or
an outcome does (or a test's recorded evidence: `record_property("evidence", "...")`).

The doc is written only by a run that could see every case: the default run (`make test`, no
paths, no -k, -m absent or `reliability`), or when `--reliability-doc PATH` asks for it. A run of
a single file never overwrites it with a partial list.
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
INTRO = Path(__file__).resolve().parent / "intro.md"
MARKER = "reliability"

#: where cases live besides tests marked `reliability`: a path prefix takes every test in it,
#: `file::test_name` one test (all its parameters)
CASES = (
    "tests/reliability/",
    "tests/test_embedded_store.py",
    "tests/test_embedded_bulk.py::test_a_failing_batch_writes_nothing",
    "tests/test_bolt_unit.py",
    "tests/test_bolt_store.py",
    "tests/test_bolt_neo4j.py",
    "tests/test_api_security.py",
    "tests/test_api_schema.py",
    "tests/test_api_cypher_safety.py",
    "tests/test_cli.py::test_bad_input_is_one_line_and_non_zero",
    "tests/test_cli.py::test_unreadable_bytes_load_nothing",
    "tests/test_loader_formats.py::test_every_format_and_encoding_gives_the_same_graph",
    "tests/test_loader_formats.py::test_unreadable_input_is_one_line_parse_error",
    "tests/test_loader_formats.py::test_missing_file_and_directory",
)


@dataclass
class Case:
    nodeid: str
    file: str
    title: str
    outcome: str = "not run"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--reliability-doc", default=None, metavar="PATH",
        help="write the reliability case list (docs/reliability.md) to PATH at the end of this run",
    )


def _is_case(item: pytest.Item) -> bool:
    rel = Path(str(item.path)).resolve()
    try:
        rel_s = rel.relative_to(ROOT).as_posix()
    except ValueError:
        return False
    name = getattr(item, "originalname", None) or item.name.split("[", 1)[0]
    for entry in CASES:
        path, _, test = entry.partition("::")
        if rel_s.startswith(path) and (not test or test == name):
            return True
    return item.get_closest_marker(MARKER) is not None


def _title(item: pytest.Item) -> str:
    """The test's docstring (first line) or its name in words, plus the parameter id."""
    fn = getattr(item, "function", None)
    doc = inspect.getdoc(fn) if fn is not None else None
    name = getattr(item, "originalname", None) or item.name.split("[", 1)[0]
    title = " ".join(doc.split("\n\n", 1)[0].split()) if doc else name.removeprefix("test_").replace("_", " ")
    cls = getattr(item, "cls", None)
    if cls is not None:
        title = f"{cls.__name__.removeprefix('Test')}: {title}"
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        title += f" [{callspec.id}]"
    return title.replace("|", "\\|")


class Collector:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.cases: dict[str, Case] = {}

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        # tryfirst: the marker must be there before `-m reliability` deselects anything
        for item in items:
            if _is_case(item):
                if item.get_closest_marker(MARKER) is None:
                    item.add_marker(MARKER)
                rel = Path(str(item.path)).resolve().relative_to(ROOT).as_posix()
                self.cases[item.nodeid] = Case(item.nodeid, rel, _title(item))

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        for item in items:
            self.cases.pop(item.nodeid, None)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        case = self.cases.get(report.nodeid)
        if case is None:
            return
        if report.when == "call" or report.outcome != "passed":
            if hasattr(report, "wasxfail"):
                case.outcome = "expected failure" if report.skipped else "unexpectedly passed"
            elif report.skipped:
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
                case.outcome = "skipped: " + str(reason).removeprefix("Skipped: ").replace("|", "\\|")
            elif report.failed:
                case.outcome = "FAILED" if report.when == "call" else f"ERROR in {report.when}"
            elif case.outcome in ("not run",):
                case.outcome = "passed"
            # a test may add a short measured fact: record_property("evidence", "...")
            evidence = [str(v) for k, v in report.user_properties if k == "evidence"]
            if evidence and report.when == "call":
                case.outcome += " — " + "; ".join(evidence).replace("|", "\\|")

    def _target(self, session: pytest.Session) -> Path | None:
        opt = self.config.getoption("--reliability-doc")
        if opt:
            return Path(opt)
        if hasattr(self.config, "workerinput") or os.environ.get("PYTEST_XDIST_WORKER"):
            return None
        testpaths = [str(ROOT / p) for p in self.config.getini("testpaths")]
        args = [str(Path(a).resolve()) for a in self.config.args]
        full = not args or sorted(args) == sorted(testpaths) or args == [str(ROOT)]
        markexpr = self.config.getoption("markexpr", "") or ""
        keyword = self.config.getoption("keyword", "") or ""
        if full and not keyword and markexpr in ("", MARKER) and not self.config.getoption("lf", False):
            return DOC
        return None

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        ran = any(c.outcome != "not run" for c in self.cases.values())
        if exitstatus == pytest.ExitCode.INTERRUPTED or not ran or self.config.getoption("collectonly"):
            return
        target = self._target(session)
        stopped_early = any(c.outcome == "not run" for c in self.cases.values())  # -x, --maxfail
        if target == DOC and stopped_early and not self.config.getoption("--reliability-doc"):
            return
        if target is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render(list(self.cases.values())), encoding="utf-8")


def _module_title(file: str) -> str:
    """The first line of a test module's docstring, else its file name."""
    try:
        import ast

        doc = ast.get_docstring(ast.parse((ROOT / file).read_text(encoding="utf-8")))
    except (OSError, SyntaxError):
        doc = None
    if not doc:
        return file
    para = " ".join(doc.strip().split("\n\n", 1)[0].split())
    return para.split(". ", 1)[0].rstrip(".")


def _kind(outcome: str) -> str:
    for kind in ("passed", "skipped", "FAILED", "ERROR", "expected failure", "unexpectedly passed"):
        if outcome.startswith(kind):
            return kind
    return outcome


def _tally(cases: list[Case]) -> str:
    counts: dict[str, int] = {}
    for c in cases:
        counts[_kind(c.outcome)] = counts.get(_kind(c.outcome), 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def render(cases: list[Case]) -> str:
    intro = INTRO.read_text(encoding="utf-8").rstrip() + "\n" if INTRO.exists() else ""
    by_file: dict[str, list[Case]] = {}
    for c in cases:
        by_file.setdefault(c.file, []).append(c)
    out = [
        "<!-- generated by tests/reliability/report.py from the last full test run; do not edit. -->",
        intro,
        "## Summary",
        "",
        f"{len(cases)} cases: {_tally(cases)}.",
        "",
        "| Area | File | Cases |",
        "|---|---|---|",
    ]
    out += [f"| {_module_title(f)} | `{f}` | {_tally(by_file[f])} |" for f in sorted(by_file)]
    out += ["", "## Cases and outcomes", ""]
    for file in sorted(by_file):
        out += [f"### {_module_title(file)}", "", f"`{file}`", "", "| Case | Outcome |", "|---|---|"]
        out += [f"| {c.title} | {c.outcome} |" for c in by_file[file]]
        out.append("")
    return "\n".join(out)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(Collector(config), "plankg-reliability-report")
