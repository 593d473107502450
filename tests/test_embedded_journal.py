"""The embedded store's journal: per-document writes append one checksummed entry to the file.

What is checked: replaying the journal gives exactly the graph the writer held (and the graph a
snapshot of the same plans holds); compaction; a torn last entry (a killed writer) is ignored and
cut off by the next writer; a damaged entry before the last is an error; another store object
catches up by replaying only what was appended; a published graph never changes; threads reading
while another writes see the state before or after a write; the copy-on-write walk that finds a
plan's facts finds exactly what a full scan finds.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import StoreError
from graph.model import PlanExtract
from graph.records import plan_records
from graph.stores import storefile
from graph.stores.embedded import FORMAT, EmbeddedStore
from graph.stores.graphedit import footprint
from loaders import extract_path
from tests.conftest import EXAMPLES, ROOT
from tests.reliability.store_worker import digest

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def plans() -> list[PlanExtract]:
    """The example plans and the test corpus: every label and relation type the loader writes."""
    paths = [*sorted(EXAMPLES.glob("*.txt")), *sorted((ROOT / "tests" / "corpus").glob("*.txt"))]
    return [extract_path(p) for p in paths]


def shorter(ex: PlanExtract, keep: int) -> PlanExtract:
    """A new version of a plan: only its first `keep` tasks (and their targets) remain."""
    tasks = ex.tasks[:keep]
    ids = {t.id for t in tasks}
    return ex.model_copy(update={"tasks": tasks, "targets": [g for g in ex.targets if g.task in ids]})


def reference(tmp_path: Path, extracts: list[PlanExtract], name: str = "ref.plankg") -> str:
    """The digest of these plans loaded in one batch into a fresh store (a snapshot, no journal)."""
    store = EmbeddedStore(tmp_path / name)
    store.load_many(extracts)
    assert _journal_bytes(store.path) == 0
    return digest(store.graph())


Op = tuple[str, "PlanExtract | str"]


def oracle(ops: list[Op]) -> str:
    """The digest after `ops` by the plain rules, on one mutable graph with full scans (what the
    store did before the journal): a new version first loses every relation and owned node of the
    old one, shared nodes left without relations go, a dropped plan another IMPLEMENTS stays as a
    bare reference, department aliases only ever grow."""
    g = nx.MultiDiGraph(format=FORMAT)

    def remove(pid: str, keep: bool) -> None:
        doomed = [(u, v, k) for u, v, k, p in g.edges(keys=True, data="plan") if p == pid]
        touched = {n for u, v, _ in doomed for n in (u, v)}
        g.remove_edges_from(doomed)
        g.remove_nodes_from([n for n, p in g.nodes(data="plan") if p == pid and n != pid])
        if pid in g:
            if keep or g.in_degree(pid):
                title = g.nodes[pid].get("title")
                g.nodes[pid].clear()
                g.nodes[pid].update({"id": pid, "label": "Plan", "title": title})
            else:
                g.remove_node(pid)
        for n in touched:
            if n in g and n != pid and "plan" not in g.nodes[n] and g.degree(n) == 0:
                g.remove_node(n)

    for op, arg in ops:
        if op == "drop":
            assert isinstance(arg, str)
            if g.nodes.get(arg, {}).get("loaded"):
                remove(arg, keep=False)
            continue
        assert isinstance(arg, PlanExtract)
        rec = plan_records(arg)
        if g.nodes.get(rec.plan_id, {}).get("loaded"):
            remove(rec.plan_id, keep=True)
        for node in rec.nodes:
            if node.id not in g:
                g.add_node(node.id, label=node.label, **node.props)
            elif node.label == "Plan" and not node.props.get("loaded"):
                g.nodes[node.id].setdefault("title", node.props.get("title"))
            elif node.label == "Department":
                a = g.nodes[node.id]
                a.update(node.props, aliases=sorted(set(a.get("aliases", [])) | set(node.props["aliases"])))
            else:
                g.nodes[node.id].update(node.props, label=node.label)
        for r in rec.relations:
            g.add_edge(r.src, r.dst, key=r.key, type=r.type, **r.props)
    return digest(g)


def run_ops(store: EmbeddedStore, ops: list[Op]) -> None:
    for op, arg in ops:
        if op == "drop":
            assert isinstance(arg, str)
            store.drop_plan(arg)
        else:
            assert isinstance(arg, PlanExtract)
            store.load(arg)


def _layout(path: Path) -> tuple[int, list[tuple[int, int]]]:
    """Where the journal starts, and (start, end) of every entry in the file."""
    data = path.read_bytes()
    snap = storefile.read_snapshot(path, data)
    at, spans = snap.journal_start, []
    while at < len(data):
        _, length, _, _ = storefile.ENTRY_HEAD.unpack_from(data, at)
        end = at + storefile.ENTRY_HEAD.size + length
        spans.append((at, end))
        at = end
    return snap.journal_start, spans


def _journal_bytes(path: Path) -> int:
    start, _ = _layout(path)
    return path.stat().st_size - start


# ---- the walk that finds a plan's facts -------------------------------------------------------

def test_the_walk_from_a_plan_finds_exactly_what_a_full_scan_finds(tmp_path: Path,
                                                                    plans: list[PlanExtract]) -> None:
    """for every loaded plan: the relations found by walking from its Plan node along its own
    relations are every relation carrying its id, and the nodes found include every node it owns"""
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load_many(plans)
    g = store.graph()
    types = {d["type"] for _, _, d in g.edges(data=True)}
    assert {"HAS_TASK", "LEADS", "SUPPORTS", "CONCERNS", "INVOLVES", "IN_CHAIN", "HAS_TARGET",
            "HAS_PHASE", "IMPLEMENTS"} <= types
    for ex in plans:
        pid = ex.plan.id
        edges, nodes = footprint(g, pid)
        scanned = {(u, v, k) for u, v, k, p in g.edges(keys=True, data="plan") if p == pid}
        assert len(edges) == len(scanned) and set(edges) == scanned, pid
        owned = {n for n, p in g.nodes(data="plan") if p == pid}
        assert owned <= nodes, pid


# ---- journal and replay -----------------------------------------------------------------------

def test_a_write_appends_to_the_file_and_a_fresh_reader_replays_it(tmp_path: Path,
                                                                    plans: list[PlanExtract]) -> None:
    """load(), a new version and drop_plan() each append one entry: the bytes before it are
    untouched, and a fresh store object reading the file holds the writer's graph"""
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load_many(plans[:-2])
    ops: list[Op] = [("load", plans[-2]), ("load", plans[-1]), ("load", shorter(plans[0], 2)),
                     ("drop", plans[1].plan.id)]
    for n, op in enumerate(ops, 1):
        before = store.path.read_bytes()
        run_ops(store, [op])
        after = store.path.read_bytes()
        assert after.startswith(before) and len(after) > len(before)
        assert len(_layout(store.path)[1]) == n
        assert digest(EmbeddedStore(store.path).graph()) == digest(store.graph())
    assert digest(store.graph()) == oracle([("load", ex) for ex in plans[:-2]] + ops)


def journey(plans: list[PlanExtract]) -> list[Op]:
    """Loads, new versions (shorter, then whole again), drops and a re-load."""
    ops: list[Op] = [("load", ex) for ex in plans]
    ops += [("load", shorter(ex, 3)) for ex in plans[:6]]
    ops += [("load", ex) for ex in plans[:3]]
    ops += [("drop", ex.plan.id) for ex in plans[6:9]]
    ops += [("load", plans[7]), ("drop", "plan:never-loaded")]
    return ops


def test_replaying_the_journal_equals_the_writers_graph_and_a_snapshot(tmp_path: Path,
                                                                       plans: list[PlanExtract]) -> None:
    """a journey of loads, new versions, drops and re-loads through the journal: the writer's
    graph, a fresh reader's replay, the compacted file and the plain rules agree"""
    ops = journey(plans)
    expected = oracle(ops)
    store = EmbeddedStore(tmp_path / "s.plankg")
    run_ops(store, ops)
    assert _journal_bytes(store.path) > 0
    assert digest(store.graph()) == expected
    assert digest(EmbeddedStore(store.path).graph()) == expected
    store.compact()
    assert _journal_bytes(store.path) == 0
    assert digest(store.graph()) == expected
    assert digest(EmbeddedStore(store.path).graph()) == expected


def test_the_journal_is_compacted_when_it_outgrows_its_share(tmp_path: Path, plans: list[PlanExtract]) -> None:
    """with compaction at 30% of the snapshot: the snapshot is rewritten now and then (not on
    every write), the journal never passes its share, and the graph stays right"""
    ratio = 0.3
    store = EmbeddedStore(tmp_path / "s.plankg", compact_ratio=ratio, journal_min=0)
    ops = journey(plans)
    snapshots = set()
    for i, op in enumerate(ops):
        run_ops(store, [op])
        start, _ = _layout(store.path)
        snapshots.add((store.path.stat().st_ino, start))
        assert _journal_bytes(store.path) <= ratio * start, i
    assert 1 < len(snapshots) < len(ops) // 2, snapshots
    expected = oracle(ops)
    assert digest(EmbeddedStore(store.path).graph()) == digest(store.graph()) == expected


def test_a_big_batch_rewrites_the_snapshot_and_a_small_one_appends(tmp_path: Path,
                                                                   plans: list[PlanExtract]) -> None:
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load_many(plans[:3])
    assert _journal_bytes(store.path) == 0
    store.load_many(plans[3:])  # outweighs the store: a snapshot
    assert _journal_bytes(store.path) == 0
    small = [shorter(plans[4], 1), shorter(plans[5], 1)]
    store.load_many(small)  # one entry for the batch
    assert len(_layout(store.path)[1]) == 1
    expected = oracle([("load", ex) for ex in [*plans, *small]])
    assert digest(EmbeddedStore(store.path).graph()) == digest(store.graph()) == expected


@settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["load", "shorter", "drop"]), st.integers(0, 1000)),
                min_size=1, max_size=14),
       st.sampled_from([(0.5, 1 << 20), (0.2, 0), (0.0, 0)]))
def test_any_sequence_of_writes_replays_to_the_plain_rules(
    tmp_path_factory: pytest.TempPathFactory, plans: list[PlanExtract], steps: list[tuple[str, int]],
    knobs: tuple[float, int],
) -> None:
    """hypothesis: random loads, shorter versions and drops onto a few plans already there, with
    compaction never, sometimes or always: writer, fresh reader and the plain rules agree"""
    ops: list[Op] = [("load", ex) for ex in plans[:4]]
    for kind, n in steps:
        ex = plans[n % len(plans)]
        ops.append(("drop", ex.plan.id) if kind == "drop" else
                   ("load", shorter(ex, 1 + n % 3) if kind == "shorter" else ex))
    store = EmbeddedStore(tmp_path_factory.mktemp("seq") / "s.plankg", compact_ratio=knobs[0],
                          journal_min=knobs[1])
    run_ops(store, ops)
    expected = oracle(ops)
    assert digest(store.graph()) == expected
    assert digest(EmbeddedStore(store.path).graph()) == expected


# ---- torn and damaged entries -----------------------------------------------------------------

def test_a_torn_last_entry_is_ignored_and_cut_off_by_the_next_writer(tmp_path: Path,
                                                                      plans: list[PlanExtract]) -> None:
    """the file cut at every byte of the last entry's header and at 40 points of its body, or its
    body zeroed (a machine crash): readers see the graph before that write; the next write cuts
    the torn bytes off and appends after the last complete entry"""
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load_many(plans[:-2])
    store.load(plans[-2])
    before = digest(store.graph())
    store.load(plans[-1])
    full = store.path.read_bytes()
    start, end = _layout(store.path)[1][-1]
    assert end == len(full)
    head = start + storefile.ENTRY_HEAD.size
    cuts = [*range(start + 1, head + 1), *range(head + 1, end, max(1, (end - head) // 40))]
    damaged = tmp_path / "torn.plankg"
    for cut in cuts:
        damaged.write_bytes(full[:cut])
        assert digest(EmbeddedStore(damaged).graph()) == before, cut
    zeroed = full[:head] + bytes(end - head)  # header written, body never landed
    damaged.write_bytes(zeroed)
    assert digest(EmbeddedStore(damaged).graph()) == before
    damaged.write_bytes(full[:start] + bytes(end - start))
    assert digest(EmbeddedStore(damaged).graph()) == before
    # the next writer: cuts the torn entry off, appends its own
    damaged.write_bytes(full[: (start + end) // 2])
    writer = EmbeddedStore(damaged)
    writer.load(shorter(plans[0], 1))
    expected = oracle([("load", ex) for ex in plans[:-1]] + [("load", shorter(plans[0], 1))])
    assert digest(EmbeddedStore(damaged).graph()) == expected
    assert _layout(damaged)[1][-1][1] == damaged.stat().st_size


def test_a_damaged_entry_before_the_last_is_an_error(tmp_path: Path, plans: list[PlanExtract]) -> None:
    """a flipped byte in the body or the header of an entry that others follow is a one-line
    StoreError naming the file and the entry (entries after it may depend on it); the same flip in
    the last entry's body reads as a torn write: the graph before it"""
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load_many(plans[:-2])
    store.load(plans[-2])
    before_last = digest(store.graph())
    store.load(plans[-1])
    full = bytearray(store.path.read_bytes())
    (first, first_end), (last, last_end) = _layout(store.path)[1]
    damaged = tmp_path / "damaged.plankg"
    for at in (first + 2, first + 10, first + 30, first + 46, (first + first_end) // 2, first_end - 1):
        data = bytearray(full)
        data[at] ^= 0x55
        damaged.write_bytes(bytes(data))
        with pytest.raises(StoreError, match="journal entry at byte") as e:
            EmbeddedStore(damaged).graph()
        assert "\n" not in str(e.value) and str(damaged) in str(e.value) and "unreadable" in str(e.value)
    data = bytearray(full)
    data[(last + last_end) // 2] ^= 0x55
    damaged.write_bytes(bytes(data))
    assert digest(EmbeddedStore(damaged).graph()) == before_last


@pytest.fixture(scope="module")
def journal_file(tmp_path_factory: pytest.TempPathFactory, plans: list[PlanExtract]) -> tuple[bytes, list[str]]:
    """A small store file with three entries, and the digest of the graph after 0..3 of them."""
    store = EmbeddedStore(tmp_path_factory.mktemp("journal") / "s.plankg")
    store.load(plans[0])
    states = [digest(store.graph())]
    for op in (lambda: store.load(plans[2]), lambda: store.load(shorter(plans[0], 1)),
               lambda: store.drop_plan(plans[2].plan.id)):
        op()
        states.append(digest(store.graph()))
    assert len(_layout(store.path)[1]) == 3
    return store.path.read_bytes(), states


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=4), st.floats(0, 1),
       st.booleans())
def test_a_damaged_journal_reads_as_a_committed_state_or_a_one_line_error(
    tmp_path: Path, journal_file: tuple[bytes, list[str]], flips: list[tuple[float, int]],
    keep: float, cut: bool,
) -> None:
    """hypothesis: a store file with a journal, bytes flipped anywhere and/or cut off: it reads as
    the graph after some prefix of the committed writes, or fails with a one-line StoreError"""
    data = bytearray(journal_file[0])
    for at, value in flips:
        data[int(at * (len(data) - 1))] = value
    if cut:
        data = data[: int(len(data) * keep)]
    path = tmp_path / "damaged.plankg"
    path.write_bytes(bytes(data))
    try:
        g = EmbeddedStore(path).graph()
    except StoreError as e:
        assert "\n" not in str(e) and str(path) in str(e), str(e)
        return
    assert digest(g) in journal_file[1]


# ---- readers ----------------------------------------------------------------------------------

def test_another_store_object_replays_only_what_was_appended(tmp_path: Path, plans: list[PlanExtract]) -> None:
    """a reader (another process, e.g. the API server) sees each write as a new graph object and a
    new version; after appends it replays the new entries onto the graph it holds (nodes no write
    touched are the very same objects), after a compaction it reads the whole file"""
    path = tmp_path / "s.plankg"
    writer = EmbeddedStore(path)
    writer.load_many(plans[:-1])
    reader = EmbeddedStore(path)
    g1, v1 = reader.graph(), reader.version
    untouched = next(n for n, a in g1.nodes(data=True) if a.get("plan") == plans[3].plan.id)
    writer.load(plans[-1])
    writer.load(shorter(plans[0], 1))
    g2 = reader.graph()
    assert g2 is not g1 and reader.version > v1
    assert digest(g2) == digest(writer.graph())
    assert g2.nodes[untouched] is g1.nodes[untouched], "replayed onto the held graph, not re-read"
    assert reader.graph() is g2  # unchanged file: the same object, no lock taken
    writer.compact()
    g3 = reader.graph()
    assert digest(g3) == digest(g2)
    assert g3.nodes[untouched] is not g2.nodes[untouched], "a new snapshot is read whole"


def test_a_reader_is_not_fooled_by_another_file_under_the_same_inode(tmp_path: Path,
                                                                      plans: list[PlanExtract]) -> None:
    """a file system may give a new snapshot the inode number of the file a reader read; written
    in place here (same inode, longer file): the reader sees another snapshot by its header and
    reads it whole instead of replaying from its old offset"""
    path, other = tmp_path / "s.plankg", tmp_path / "other.plankg"
    writer = EmbeddedStore(path)
    writer.load_many(plans[:3])
    writer.load(plans[3])
    reader = EmbeddedStore(path)
    reader.graph()
    elsewhere = EmbeddedStore(other)
    elsewhere.load_many(plans[4:])
    elsewhere.load(shorter(plans[4], 1))
    replacement = other.read_bytes()
    assert len(replacement) > path.stat().st_size
    inode = path.stat().st_ino
    with path.open("r+b") as fh:
        fh.write(replacement)
    assert path.stat().st_ino == inode
    assert digest(reader.graph()) == digest(elsewhere.graph())


def test_cached_answers_follow_entries_another_process_appends(tmp_path: Path,
                                                                plans: list[PlanExtract]) -> None:
    """the query layer caches answers per graph version (as the API server does): a new plan, a new
    version and a drop appended by another store object each show in the next answer"""
    from queries import run

    path = tmp_path / "s.plankg"
    writer = EmbeddedStore(path)
    writer.load_many(plans[:4])
    server = EmbeddedStore(path)

    def titles() -> dict[str, int]:
        return {r["title"]: r["tasks"] for r in run(server, "plans", {}).rows}

    assert len(titles()) == 4 and titles() == titles()  # the second answer comes from the cache
    writer.load(plans[4])
    assert plans[4].plan.title in titles() and len(titles()) == 5
    writer.load(shorter(plans[0], 1))
    assert titles()[plans[0].plan.title] == 1
    writer.drop_plan(plans[1].plan.id)
    assert plans[1].plan.title not in titles()
    assert _journal_bytes(path) > 0


def test_a_published_graph_never_changes(tmp_path: Path, plans: list[PlanExtract]) -> None:
    """the graph a reader holds (and the query layer caches on) stays exactly as it was through
    new plans, new versions, drops and a compaction: every write makes a new graph object"""
    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load_many(plans[:-2])
    held = store.graph()
    frozen = digest(held)
    pickled = pickle.dumps(held)
    versions = [store.version]
    for op in (lambda: store.load(plans[-2]), lambda: store.load(shorter(plans[0], 1)),
               lambda: store.drop_plan(plans[1].plan.id), lambda: store.load(plans[1]), store.compact):
        op()
        versions.append(store.version)
        assert store.graph() is not held
    assert digest(held) == frozen and pickle.dumps(held) == pickled
    assert versions == sorted(set(versions)), "each write is a new version"


def test_threads_reading_while_another_writes_see_before_or_after(tmp_path: Path,
                                                                  plans: list[PlanExtract]) -> None:
    """one thread loads new versions and drops through the store object while two others read
    the graph and run a query on the same object (the API server's shape): every graph a reader
    gets is a state the write sequence passes through"""
    from queries import run

    ops = [("load", ex) for ex in plans[:8]] + [("load", shorter(ex, 1)) for ex in plans[:4]]
    ops += [("drop", ex.plan.id) for ex in plans[4:6]] + [("load", ex) for ex in plans[:4]]
    probe = EmbeddedStore(tmp_path / "probe.plankg")
    probe.load_many(plans[8:])
    allowed = {digest(probe.graph())}
    for op, arg in ops:
        probe.load(arg) if op == "load" else probe.drop_plan(arg)
        allowed.add(digest(probe.graph()))

    store = EmbeddedStore(tmp_path / "s.plankg")
    store.load_many(plans[8:])
    seen: list[str] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        try:
            while not done.is_set():
                g = store.graph()
                run(store, "plans", {})
                seen.append(digest(g))
        except BaseException as e:  # surfaced below
            errors.append(e)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    for op, arg in ops:
        store.load(arg) if op == "load" else store.drop_plan(arg)
    done.set()
    for t in readers:
        t.join(timeout=60)
    assert not errors, errors
    assert seen and set(seen) <= allowed
    assert digest(store.graph()) == digest(probe.graph())


# ---- older files ------------------------------------------------------------------------------

def test_a_store_file_from_before_the_journal_reads_and_the_first_write_upgrades_it(
    tmp_path: Path, plans: list[PlanExtract]
) -> None:
    """PLANKG-EMBEDDED/1 (magic, sha256, pickle): read as before; the next write rewrites the file
    in the journal format"""
    store = EmbeddedStore(tmp_path / "new.plankg")
    store.load_many(plans[:3])
    graph = store.graph()
    payload = pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL)
    old = tmp_path / "old.plankg"
    old.write_bytes(storefile.MAGIC_V1 + hashlib.sha256(payload).digest() + payload)
    legacy = EmbeddedStore(old)
    assert digest(legacy.graph()) == digest(graph)
    legacy.load(plans[3])
    assert old.read_bytes().startswith(storefile.MAGIC)
    assert _journal_bytes(old) == 0
    assert digest(EmbeddedStore(old).graph()) == reference(tmp_path, plans[:4])
    assert isinstance(legacy.graph(), nx.MultiDiGraph) and legacy.graph().graph["format"] == FORMAT
