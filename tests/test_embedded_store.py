"""The embedded store loses nothing: atomic, idempotent, versioned, orphan-free and safe for two processes.

Faults are real: an exception raised inside the write (the standard library's pickle.dump or
os.replace failing, as on a full disk), a writer process killed with SIGKILL at random moments,
two processes writing and reading the same file. "The old or the new graph" is checked by
digest: every graph ever observed must be one the sequence of loads can produce.
"""

from __future__ import annotations

import os
import pickle
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import StoreError
from graph.model import PlanExtract, department_id
from graph.stores import embedded
from graph.stores.embedded import EmbeddedStore
from loaders import extract_path, extract_text
from tests.conftest import EXAMPLES, ROOT, SEED
from tests.reliability.store_worker import digest

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(300)]

SHARED = ("Department", "Industry", "Enterprise", "Partner", "Person")


def seed_v2_text() -> str:
    """The seed's next version: tasks (5), (7) and (16) are gone, and with them the only mentions
    of 档案局, 政务服务局, 档案史志馆, 组织部 (旗委组织部), 人社局, 呼伦贝尔肉业集团 and three partners."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    return "\n".join(ln for ln in lines if not ln.startswith(("(5)", "(7)", "(16)")))


@pytest.fixture(scope="module")
def docs() -> dict[str, PlanExtract]:
    return {"seed": extract_path(SEED), "seed-v2": extract_text(seed_v2_text(), source="seed.txt")}


@pytest.fixture(scope="module")
def others(docs: dict[str, PlanExtract]) -> list[PlanExtract]:
    """The example plans other than the seed (which is also examples/arong_keji_xingqi_2021.txt)."""
    found = [extract_path(p) for p in sorted(EXAMPLES.glob("*.txt"))]
    return [ex for ex in found if ex.plan.id != docs["seed"].plan.id]


def fresh(tmp_path: Path, *extracts: PlanExtract, name: str = "fresh.plankg") -> nx.MultiDiGraph:
    store = EmbeddedStore(tmp_path / name)
    for ex in extracts:
        store.load(ex)
    return store.graph()


def orphans(g: nx.MultiDiGraph) -> list[str]:
    """Shared nodes no relation touches, and owned nodes whose plan is not loaded."""
    loaded = {n for n, d in g.nodes(data=True) if d.get("label") == "Plan" and d.get("loaded")}
    out = [n for n, d in g.nodes(data=True) if d.get("label") in SHARED and g.degree(n) == 0]
    out += [n for n, d in g.nodes(data=True) if d.get("plan") and d["plan"] not in loaded]
    return out


# ---- versions and idempotence -----------------------------------------------------------------

def test_v2_really_drops_tasks_departments_and_entities(docs: dict[str, PlanExtract]) -> None:
    """(the fixture is what it claims: v2 is the same plan minus three tasks and their parties)"""
    v1, v2 = docs["seed"], docs["seed-v2"]
    assert v1.plan.id == v2.plan.id and v1.plan.doc_id != v2.plan.doc_id
    gone = {d.name for d in v1.departments} - {d.name for d in v2.departments}
    assert {"档案局", "组织部", "人社局"} <= gone
    assert len(v1.tasks) - len(v2.tasks) == 3


def test_loading_the_same_document_twice_changes_nothing(tmp_path: Path, docs: dict[str, PlanExtract],
                                                          others: list[PlanExtract]) -> None:
    store = EmbeddedStore(tmp_path / "s.plankg")
    for ex in others:
        store.load(ex)
    first = store.load(docs["seed"])
    before = digest(store.graph())
    again = store.load(docs["seed"])
    assert not first.replaced and again.replaced
    assert digest(store.graph()) == before
    assert digest(EmbeddedStore(store.path).graph()) == before


def test_a_new_version_replaces_the_old_versions_facts(tmp_path: Path, docs: dict[str, PlanExtract],
                                                       others: list[PlanExtract]) -> None:
    """v1 then v2 gives exactly the graph of v2 alone: removed tasks, departments, partners and
    enterprises disappear, nothing stale stays behind (other plans loaded around it)"""
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load(docs["seed"])
    for ex in others:
        store.load(ex)
    store.load(docs["seed-v2"])
    g = store.graph()
    assert digest(g) == digest(fresh(tmp_path, *others, docs["seed-v2"]))
    assert not orphans(g)
    place = docs["seed"].plan.place
    still_named = {d.name for ex in (*others, docs["seed-v2"]) if ex.plan.place == place for d in ex.departments}
    gone = {"档案局", "政务服务局", "档案史志馆", "组织部", "人社局"} - still_named
    assert gone
    for name in gone:
        assert department_id(place, name) not in g, name
    seed_id = docs["seed"].plan.id
    asserted = {v for _, v, d in g.edges(data=True) if d.get("plan") == seed_id}
    assert not asserted & {"partner:中科院", "enterprise:呼伦贝尔肉业集团"}


def test_an_old_version_after_a_new_one_restores_it(tmp_path: Path, docs: dict[str, PlanExtract]) -> None:
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load(docs["seed-v2"])
    store.load(docs["seed"])
    assert digest(store.graph()) == digest(fresh(tmp_path, docs["seed"]))


def test_load_order_does_not_matter(tmp_path: Path, docs: dict[str, PlanExtract], others: list[PlanExtract]) -> None:
    forward = fresh(tmp_path, docs["seed"], *others, name="a.plankg")
    backward = fresh(tmp_path, *reversed(others), docs["seed"], name="b.plankg")
    assert digest(forward) == digest(backward)


# ---- drop -------------------------------------------------------------------------------------

def test_drop_plan_leaves_exactly_the_other_plans(tmp_path: Path, docs: dict[str, PlanExtract],
                                                  others: list[PlanExtract]) -> None:
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load(docs["seed"])
    for ex in others:
        store.load(ex)
    assert store.drop_plan(docs["seed"].plan.id)
    assert not store.drop_plan(docs["seed"].plan.id)
    g = store.graph()
    assert not orphans(g)
    assert digest(g) == digest(fresh(tmp_path, *others))


def test_dropping_every_plan_leaves_an_empty_graph(tmp_path: Path, docs: dict[str, PlanExtract],
                                                   others: list[PlanExtract]) -> None:
    store = EmbeddedStore(tmp_path / "s.plankg")
    plans = [docs["seed"], *others]
    for ex in plans:
        store.load(ex)
    for ex in plans:
        assert store.drop_plan(ex.plan.id)
    g = store.graph()
    assert g.number_of_nodes() == 0 and g.number_of_edges() == 0, sorted(g.nodes)[:10]


def test_a_plan_another_implements_stays_as_a_bare_reference_when_dropped(
    tmp_path: Path, docs: dict[str, PlanExtract], others: list[PlanExtract]
) -> None:
    """drop the higher-level plan the seed implements: only its id and title stay, as a reference"""
    seed = docs["seed"]
    higher = next((ex for ex in others if ex.plan.title in seed.plan.implements), None)
    assert higher is not None, "examples/ has the 呼伦贝尔市 plan the seed implements"
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load(seed)
    store.load(higher)
    assert store.drop_plan(higher.plan.id)
    g = store.graph()
    assert dict(g.nodes[higher.plan.id]) == {"id": higher.plan.id, "label": "Plan", "title": higher.plan.title}
    assert not [n for n, d in g.nodes(data=True) if d.get("plan") == higher.plan.id]
    assert digest(g) == digest(fresh(tmp_path, seed))


# ---- failures part-way ------------------------------------------------------------------------

def _temp_files(store: EmbeddedStore) -> list[Path]:
    return [p for p in store.path.parent.iterdir() if p.name.startswith(f".{store.path.name}.")]


#: faults on each write path: a journal append (encode, write, fsync) and a snapshot rewrite
#: (pickle to a temp file, fsync, rename)
FAULTS = [f"journal:{f}" for f in ("pickle.dump", "os.write", "os.fsync")] + [
    f"snapshot:{f}" for f in ("pickle.dump", "os.replace", "os.fsync")]


@pytest.mark.parametrize("case", FAULTS)
def test_a_failure_inside_the_write_leaves_the_old_graph(
    case: str, tmp_path: Path, docs: dict[str, PlanExtract], others: list[PlanExtract],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """an exception injected in the write (half a pickle or half an entry written, rename or fsync
    failing) of load, drop_plan, load_many and (snapshot) reset: the file, a fresh reader and the
    writer's own view all keep the old graph; no temp file is left"""
    path, fault = case.split(":")
    # compact_ratio=0, journal_min=0: every write rewrites the snapshot
    knobs = {} if path == "journal" else {"compact_ratio": 0.0, "journal_min": 0}
    store = EmbeddedStore(tmp_path / "s.plankg", **knobs)
    for ex in others:
        store.load(ex)
    old_bytes, old = store.path.read_bytes(), digest(store.graph())
    has_journal = store._state is not None and store._state.end > store._state.journal_start
    assert has_journal == (path == "journal")
    real_write = os.write

    def half_pickle(obj: object, fh, protocol: int | None = None) -> None:
        fh.write(pickle.dumps(obj, protocol=protocol)[:1000])
        raise OSError(28, "No space left on device")

    def half_write(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(28, "No space left on device")

    def failing(*args: object, **kw: object) -> None:
        raise OSError(28, "No space left on device")

    module, name = fault.split(".")
    target = embedded.pickle if module == "pickle" else embedded.os
    fake = {"pickle.dump": half_pickle, "os.write": half_write}.get(fault, failing)
    monkeypatch.setattr(target, name, fake)
    with pytest.raises(OSError):
        store.load(docs["seed"])
    with pytest.raises(OSError):
        store.drop_plan(others[0].plan.id)
    with pytest.raises(OSError):  # a batch small against the store goes to the journal
        store.load_many([others[0]] if path == "journal" else [docs["seed-v2"], *others])
    if path == "snapshot":
        with pytest.raises(OSError):
            store.reset()
    monkeypatch.undo()
    assert store.path.read_bytes() == old_bytes
    assert digest(store.graph()) == old
    assert digest(EmbeddedStore(store.path).graph()) == old
    assert not _temp_files(store)
    store.load(docs["seed"])  # and the store still works
    assert digest(store.graph()) == digest(fresh(tmp_path, *others, docs["seed"]))


def test_a_corrupt_store_file_is_a_one_line_store_error(tmp_path: Path, docs: dict[str, PlanExtract]) -> None:
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load(docs["seed"])
    store.path.write_bytes(store.path.read_bytes()[:500])
    with pytest.raises(StoreError) as e:
        EmbeddedStore(store.path).graph()
    assert "\n" not in str(e.value) and str(store.path) in str(e.value)


def test_a_flipped_byte_inside_a_name_is_caught_by_the_checksum(
    tmp_path: Path, docs: dict[str, PlanExtract]
) -> None:
    """without the checksum this file unpickles as a valid graph with a wrong department name"""
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load(docs["seed"])
    data = bytearray(store.path.read_bytes())
    at = data.index("教科体局".encode())
    data[at + 3: at + 6] = "农".encode()
    store.path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="checksum"):
        EmbeddedStore(store.path).graph()


@pytest.fixture(scope="module")
def store_bytes(tmp_path_factory: pytest.TempPathFactory, docs: dict[str, PlanExtract]) -> bytes:
    store = EmbeddedStore(tmp_path_factory.mktemp("bytes") / "s.plankg")
    store.load(docs["seed"])
    return store.path.read_bytes()


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=6),
    st.floats(0, 1),
    st.one_of(st.none(), st.binary(max_size=300)),
)
def test_a_damaged_store_file_reads_as_a_graph_or_a_one_line_store_error(
    tmp_path: Path, store_bytes: bytes, flips: list[tuple[float, int]], keep: float, noise: bytes | None
) -> None:
    """hypothesis: the store file with bytes flipped, cut off, or replaced by noise"""
    data = bytearray(store_bytes if noise is None else noise)
    for at, value in flips:
        if data:
            data[int(at * (len(data) - 1))] = value
    path = tmp_path / "damaged.plankg"
    path.write_bytes(bytes(data[: int(len(data) * keep) if noise is None else len(data)]))
    try:
        g = EmbeddedStore(path).graph()
    except StoreError as e:
        assert "\n" not in str(e) and str(path) in str(e), str(e)
        return
    assert isinstance(g, nx.MultiDiGraph)


# ---- other processes --------------------------------------------------------------------------

def _worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.store_worker", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )


def _ops(docs: dict[str, PlanExtract], others: list[PlanExtract]) -> list[tuple[str, object]]:
    """A cycle of loads, new versions and drops over the seed and the examples."""
    v1, v2 = docs["seed"], docs["seed-v2"]
    ops: list[tuple[str, object]] = [("load", v1)]
    ops += [("load", ex) for ex in others]
    ops += [("load", v2), ("drop", others[0].plan.id), ("load", v1), ("load", others[0]), ("drop", v1.plan.id)]
    return ops


def _reachable(tmp_path: Path, base: list[PlanExtract], ops: list[tuple[str, object]],
               rounds: int = 3) -> dict[str, int]:
    """Digest -> number of plans, for every state the op cycle passes through from `base`."""
    from queries import run
    from tests.reliability.store_worker import apply

    store = EmbeddedStore(tmp_path / "reachable.plankg")
    for ex in base:
        store.load(ex)
    states = {digest(store.graph()): len(run(store, "plans", {}).rows)}
    for _ in range(rounds):
        for op, arg in ops:
            apply(store, op, arg)
            states[digest(store.graph())] = len(run(store, "plans", {}).rows)
    return states


@pytest.fixture(scope="module")
def background() -> list[PlanExtract]:
    """The test corpus, loaded first so every rewrite of the file takes a while."""
    return [extract_path(p) for p in sorted((ROOT / "tests" / "corpus").glob("*.txt"))]


def _kill_when_a_write_starts(proc: subprocess.Popen[str], store: EmbeddedStore) -> None:
    """SIGKILL as soon as the temp file of a snapshot rewrite appears (or after 10 s)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _temp_files(store):
        time.sleep(0.0005)
    proc.send_signal(signal.SIGKILL)


def _kill_when_the_file_grows(proc: subprocess.Popen[str], store: EmbeddedStore) -> None:
    """SIGKILL the moment a journal entry lands in the file (before its writer's fsync returns)."""
    size = store.path.stat().st_size
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and store.path.stat().st_size == size:
        time.sleep(0.0002)
    proc.send_signal(signal.SIGKILL)


KILLS = 12


def test_sigkill_at_random_moments_leaves_the_old_or_the_new_graph(
    tmp_path: Path, docs: dict[str, PlanExtract], others: list[PlanExtract], background: list[PlanExtract],
    record_property: pytest.RecordProperty,
) -> None:
    """a writer looping over loads/new versions/drops (journal appends, now and then a snapshot
    rewrite) is SIGKILLed 12 times: at random moments, the moment a rewrite's temp file appears,
    the moment an appended entry lands; after each kill the file opens and holds a graph the
    sequence produces, and the next write removes the temp files killed writers left"""
    ops = _ops(docs, others)
    ops_file = tmp_path / "ops.pickle"
    ops_file.write_bytes(pickle.dumps(ops))
    store = EmbeddedStore(tmp_path / "s.plankg")
    for ex in background:
        store.load(ex)
    allowed = _reachable(tmp_path, background, ops)
    rnd = random.Random(20261201)
    mid_write = appended = 0
    for i in range(KILLS):
        proc = _worker("write", str(store.path), str(ops_file))
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the worker is past its imports and writing
        assert first.strip().isdigit(), proc.stderr.read() if proc.stderr else first
        size = store.path.stat().st_size
        if i % 3 == 1:
            _kill_when_a_write_starts(proc, store)
        elif i % 3 == 2:
            _kill_when_the_file_grows(proc, store)
        else:
            time.sleep(rnd.uniform(0.0, 0.4))
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        # what a kill mid-rewrite leaves is one unreferenced temp file (the next write removes it)
        mid_write += bool(_temp_files(store))
        appended += i % 3 == 2 and store.path.stat().st_size > size
        assert digest(EmbeddedStore(store.path).graph()) in allowed
    record_property("evidence", f"{mid_write}/{KILLS} kills landed inside a snapshot rewrite, "
                    f"{appended} right as a journal entry landed (store of {store.path.stat().st_size:,} bytes)")
    assert mid_write, "no kill landed inside a write: the test did not test what it claims"
    assert appended, "no kill landed as an entry was appended: the test did not test what it claims"
    EmbeddedStore(store.path).load(docs["seed"])
    assert not _temp_files(store), "the next write removes what killed writers left"


def test_two_processes_writing_lose_no_update(tmp_path: Path, docs: dict[str, PlanExtract],
                                              others: list[PlanExtract], background: list[PlanExtract]) -> None:
    """two writers each load their own half of the plans 5 times over, concurrently: every plan is
    there at the end, the graph equals loading them all in one process"""
    plans = [docs["seed"], *others, *background]
    halves = [plans[0::2], plans[1::2]]
    files = []
    for i, half in enumerate(halves):
        f = tmp_path / f"ops{i}.pickle"
        f.write_bytes(pickle.dumps([("load", ex) for ex in half]))
        files.append(f)
    store_path = tmp_path / "s.plankg"
    procs = [_worker("write", str(store_path), str(f), "5") for f in files]
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
    assert digest(EmbeddedStore(store_path).graph()) == digest(fresh(tmp_path, *plans))


def test_a_reader_process_never_sees_a_half_written_graph(
    tmp_path: Path, docs: dict[str, PlanExtract], others: list[PlanExtract], background: list[PlanExtract],
    record_property: pytest.RecordProperty,
) -> None:
    """one process loads new versions and drops in a loop while another reads and queries 200 times:
    every graph read is a complete state, and the query agrees on the number of plans"""
    ops = _ops(docs, others)
    ops_file = tmp_path / "ops.pickle"
    ops_file.write_bytes(pickle.dumps(ops))
    store = EmbeddedStore(tmp_path / "s.plankg")
    for ex in background:
        store.load(ex)
    allowed = _reachable(tmp_path, background, ops)
    writer = _worker("write", str(store.path), str(ops_file), "0")  # until stopped
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "1"  # the writer is past its imports and writing
    reader = _worker("read", str(store.path), "200")
    r_out, r_err = reader.communicate(timeout=240)
    still_writing = writer.poll() is None
    writer.kill()
    _, w_err = writer.communicate(timeout=240)
    assert reader.returncode == 0, r_err
    assert still_writing, w_err
    seen = [line.split() for line in r_out.splitlines()]
    assert len(seen) == 200
    assert {d for d, _ in seen} <= set(allowed)
    assert {int(n) for _, n in seen} <= set(allowed.values())
    assert len({d for d, _ in seen}) > 1, "the reader should have seen the writer's progress"
    record_property("evidence", f"the reader saw {len({d for d, _ in seen})} distinct complete graphs")


def test_stale_temp_cleanup_spares_other_stores_in_the_folder(tmp_path: Path, docs: dict[str, PlanExtract]) -> None:
    """the temp-file pattern of store `s.plankg` does not match store `s.plankg.x`'s temp files"""
    other = tmp_path / ".s.plankg.x.abcd1234"
    stale = tmp_path / ".s.plankg.abcd1234"
    other.write_bytes(b"in flight")
    stale.write_bytes(b"left by a killed writer")
    EmbeddedStore(tmp_path / "s.plankg").load(docs["seed"])
    assert other.exists() and not stale.exists()


def test_the_lock_file_sits_beside_the_store(tmp_path: Path, docs: dict[str, PlanExtract]) -> None:
    """(documents the lock: `<store>.lock`, flock, exclusive for writes, shared for reads)"""
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load(docs["seed"])
    assert (tmp_path / "s.plankg.lock").exists()
    assert sorted(os.listdir(tmp_path)) == ["s.plankg", "s.plankg.lock"]
