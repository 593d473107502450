"""Bad input through the Python API and the CLI: a valid graph or one line naming the file and the problem, never a traceback, never a hang.

Every case in tests/reliability/badfiles.py is read by `loaders.extract_path` and by
`loaders.extract_bytes`; one case per format and kind of damage also goes through
`python -m api load` in a subprocess (the runs start together in a module fixture). The
pytest-timeout on the module is the hang guard.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.errors import ParseError, PlankgError
from graph.model import PlanExtract
from loaders import extract_bytes, extract_path, extract_text
from loaders.limits import parse_deadline
from tests.reliability import badfiles
from tests.reliability.badfiles import BAD
from tests.reliability.checks import assert_one_line_error, assert_valid_extract

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(180)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    return {case: badfiles.write(case, folder) for case in BAD}


@pytest.fixture(scope="module")
def seed() -> PlanExtract:
    return extract_text(badfiles.seed_text())


def _outcome(case: str, read: Callable[[], PlanExtract], folder: Path) -> str:
    """What one read gave, in words stable across runs (the temp folder is cut from messages)."""
    bad = BAD[case]
    try:
        ex = read()
    except ParseError as e:
        assert bad.expect != "graph", f"{case} should give a graph: {e}"
        assert_one_line_error(e, bad.name, bad.words)
        return "refused: " + str(e).replace(f"{folder}/", "")
    assert bad.expect != "error", f"{case} should be refused, got a plan titled {ex.plan.title!r}"
    assert_valid_extract(ex)
    return f"graph: {len(ex.tasks)} tasks, {sum(len(t.lead) for t in ex.tasks)} lead assignments"


@pytest.mark.parametrize("case", list(BAD))
def test_python_api(case: str, bad_files: dict[str, Path], record_property: pytest.RecordProperty) -> None:
    """extract_path and extract_bytes agree: a valid PlanExtract, or a one-line ParseError naming the file"""
    path = bad_files[case]
    by_path = _outcome(case, lambda: extract_path(path), path.parent)
    by_bytes = _outcome(case, lambda: extract_bytes(path.read_bytes(), BAD[case].name), path.parent)
    assert by_path == by_bytes
    record_property("evidence", by_path)


def test_a_plan_without_annotations_keeps_its_tasks_and_claims_no_parties(seed: PlanExtract) -> None:
    ex = extract_text(badfiles.plan_without_annotations())
    assert {t.id for t in seed.tasks} <= {t.id for t in ex.tasks}
    assert all(not t.lead and not t.support for t in ex.tasks)


@pytest.mark.parametrize("case", ["unbalanced-brackets", "mixed-scripts"])
def test_noise_in_the_text_leaves_tasks_and_roles_unchanged(case: str, seed: PlanExtract) -> None:
    """unbalanced brackets and mixed scripts: the same tasks with the same lead and support"""
    ex = extract_bytes(BAD[case].make(), BAD[case].name)
    assert [(t.id, t.lead, t.support) for t in ex.tasks] == [(t.id, t.lead, t.support) for t in seed.tasks]


# ---- limits -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = badfiles.write_huge(tmp_path_factory.mktemp("huge"))
    yield path
    path.unlink()


def test_a_100_mb_file_is_refused_by_the_size_limit_before_it_is_parsed(
    huge: Path, record_property: pytest.RecordProperty
) -> None:
    assert huge.stat().st_size == 100 * 1024 * 1024
    with pytest.raises(ParseError) as e:
        extract_path(huge)
    assert_one_line_error(e.value, str(huge), ("too large",))
    assert "PLANKG_MAX_BYTES" in str(e.value)
    record_property("evidence", "refused: " + str(e.value).replace(f"{huge.parent}/", ""))


def test_100_mb_of_bytes_are_refused_by_the_size_limit() -> None:
    data = bytes(100 * 1024 * 1024)
    with pytest.raises(ParseError) as e:
        extract_bytes(data, "upload.txt")
    assert_one_line_error(e.value, "upload.txt", ("too large",))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_pipe_or_device_is_refused_not_read(tmp_path: Path) -> None:
    """a FIFO nobody writes to (reading it would block forever) and /dev/zero: one-line refusal"""
    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(ParseError) as e:
            extract_path(path)
        assert_one_line_error(e.value, str(path), ("not a regular file",))


def test_the_size_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    """PLANKG_MAX_BYTES=1000 refuses the 6 KB seed; a bad value is a one-line error"""
    monkeypatch.setenv("PLANKG_MAX_BYTES", "1000")
    with pytest.raises(ParseError, match="too large"):
        extract_path(badfiles.SEED)
    monkeypatch.setenv("PLANKG_MAX_BYTES", "lots")
    with pytest.raises(PlankgError, match="PLANKG_MAX_BYTES must be a positive number"):
        extract_path(badfiles.SEED)


def test_the_parse_time_limit_stops_a_long_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """PLANKG_PARSE_SECONDS=0.01 on a 2 MB plan: ParseError naming the file, not a hang"""
    monkeypatch.setenv("PLANKG_PARSE_SECONDS", "0.01")
    data = ((badfiles.seed_text() + "\n") * 300).encode("utf-8")
    with pytest.raises(ParseError) as e:
        extract_bytes(data, "long.txt")
    assert_one_line_error(e.value, "long.txt", ("longer than",))


def _in_a_worker_thread(fn: Callable[[], str]) -> str:
    """Run `fn` in a thread, as the HTTP API parses uploads; then keep the thread busy for 0.3 s,
    so a timeout that fired late would surface here."""
    def job() -> str:
        try:
            outcome = fn()
        except ParseError as e:
            outcome = f"ParseError: {e}"
        end = time.monotonic() + 0.3
        while time.monotonic() < end:
            pass
        return outcome

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(job).result(timeout=120)


def test_the_parse_time_limit_works_in_worker_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """in a worker thread (no signals there) a watchdog stops the long parse"""
    monkeypatch.setenv("PLANKG_PARSE_SECONDS", "0.05")
    slow = ((badfiles.seed_text() + "\n") * 300).encode("utf-8")
    outcome = _in_a_worker_thread(lambda: f"{len(extract_bytes(slow, 'long.txt').tasks)} tasks")
    assert outcome.startswith("ParseError: long.txt: parsing took longer than"), outcome


def test_a_parse_that_ends_in_time_gets_no_late_timeout_in_a_worker_thread() -> None:
    """the watchdog is withdrawn when the parse ends: nothing is raised into the thread afterwards"""
    def quick() -> str:
        with contextlib.suppress(ParseError), parse_deadline("quick.txt", 0.05):
            pass  # (under heavy load the timer may fire inside; that is allowed, not after)
        return "done"

    assert _in_a_worker_thread(quick) == "done"


# ---- the CLI ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    rc: int
    stdout: str
    stderr: str
    store: Path


def _start(args: list[str], store: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    full_env = {**os.environ, **(env or {}), "PLANKG_STORE": str(store)}
    return subprocess.Popen(
        [sys.executable, "-m", "api", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=full_env, cwd=ROOT,
    )


#: one case per format and kind of damage (each CLI run is a process start; the Python API above
#: takes every case)
CLI_CASES = [
    "empty-txt", "binary-noise-txt", "truncated-html", "truncated-docx", "corrupt-docx-xml",
    "docx-entity-expansion", "docx-zip-bomb", "corrupt-xlsx-bytes", "truncated-pdf",
    "corrupt-pdf-bytes", "pdf-without-text-layer", "plan-without-headings", "unbalanced-brackets",
    "mixed-scripts",
]


CORRUPT_STORE = badfiles.binary_noise(3000, 9)


@pytest.fixture(scope="module")
def cli_runs(bad_files: dict[str, Path], huge: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """`plankg load` of the CLI cases, the 100 MB file and a slow parse, four at a time."""
    folder = tmp_path_factory.mktemp("cli-stores")
    slow = folder / "slow.txt"
    slow.write_text((badfiles.seed_text() + "\n") * 300, encoding="utf-8")
    jobs: dict[str, tuple[list[str], dict[str, str] | None]] = {
        case: (["load", str(bad_files[case])], None) for case in CLI_CASES
    }
    jobs["huge-100mb"] = (["load", str(huge)], None)
    jobs["parse-time-limit"] = (["load", str(slow)], {"PLANKG_PARSE_SECONDS": "0.01"})
    jobs["bad-size-setting"] = (["load", str(badfiles.SEED)], {"PLANKG_MAX_BYTES": "-5"})
    jobs["corrupt-store"] = (["load", str(badfiles.SEED)], None)
    (folder / "corrupt-store.plankg").write_bytes(CORRUPT_STORE)
    runs: dict[str, Run] = {}
    pending = []
    for case, (args, env) in jobs.items():
        store = folder / f"{case}.plankg"
        pending.append((case, store, _start(args, store, env)))
        if len(pending) >= 4:  # keep the machine usable
            case0, store0, proc = pending.pop(0)
            out, err = proc.communicate(timeout=150)
            runs[case0] = Run(proc.returncode, out, err, store0)
    for case, store, proc in pending:
        out, err = proc.communicate(timeout=150)
        runs[case] = Run(proc.returncode, out, err, store)
    return runs


def _assert_cli_refused(run: Run, name: str, words: tuple[str, ...] = ()) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert run.rc == 1, (run.rc, run.stdout, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1, f"stderr is not one line: {run.stderr!r}"
    assert lines[0].startswith("plankg: error: ") and name in lines[0], lines[0]
    if words:
        assert any(w in lines[0] for w in words), lines[0]
    assert not run.store.exists(), "a refused document must write nothing"


@pytest.mark.parametrize("case", CLI_CASES)
def test_cli_load(case: str, cli_runs: dict[str, Run], bad_files: dict[str, Path],
                  record_property: pytest.RecordProperty) -> None:
    """`plankg load`: exit 0 with a loaded plan, or exit 1 with one stderr line naming the file"""
    bad, run = BAD[case], cli_runs[case]
    assert "Traceback" not in run.stderr, run.stderr
    if run.rc == 0:
        assert bad.expect != "error", f"{case} should be refused: {run.stdout}"
        assert run.stdout.startswith("loaded ") and run.store.exists(), run.stdout
        assert not run.stderr.strip(), run.stderr
        shown = run.stdout.strip().split(" -> ")[0]
    else:
        assert bad.expect != "graph", f"{case} should load: {run.stderr}"
        _assert_cli_refused(run, bad.name, bad.words)
        shown = run.stderr.strip()
    record_property("evidence", f"exit {run.rc}: {shown.replace(str(bad_files[case].parent) + '/', '')}")


def test_cli_refuses_a_100_mb_file_by_the_size_limit(cli_runs: dict[str, Run]) -> None:
    _assert_cli_refused(cli_runs["huge-100mb"], "huge.txt", ("too large",))


def test_cli_stops_a_parse_over_the_time_limit(cli_runs: dict[str, Run]) -> None:
    _assert_cli_refused(cli_runs["parse-time-limit"], "slow.txt", ("longer than",))


def test_cli_reports_a_bad_limit_setting_in_one_line(cli_runs: dict[str, Run]) -> None:
    _assert_cli_refused(cli_runs["bad-size-setting"], "PLANKG_MAX_BYTES", ("positive number",))


def test_cli_refuses_to_load_into_a_corrupt_store_and_leaves_it_alone(cli_runs: dict[str, Run]) -> None:
    """a store file that is not a store: one line naming it, exit 1, and the file is not replaced"""
    run = cli_runs["corrupt-store"]
    assert "Traceback" not in run.stderr and run.rc == 1, (run.rc, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and str(run.store) in lines[0] and "unreadable" in lines[0], run.stderr
    assert run.store.read_bytes() == CORRUPT_STORE
