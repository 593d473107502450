"""The embedded store: a NetworkX MultiDiGraph persisted to one file (see graph.stores.storefile).

A write takes an exclusive lock (fcntl on `<file>.lock`), catches up with the file, builds the next
graph version copy-on-write (graph.stores.graphedit: the plan's own nodes and relations, not the
whole graph) and either appends one fsync'd journal entry to the file or, now and then, rewrites
the snapshot to a temp file renamed over the old one (compaction). Either way a reader or a
killed writer only ever sees the old or the new graph: an entry counts once it is complete.

Readers take a shared lock while they read and keep the graph they hold while the file is
unchanged (inode, mtime, size: no lock needed); when entries were appended they replay only
those. A published graph is never changed (the query layer caches per graph object): every change
makes a new graph object and bumps `version`.

The file holds pickles: open only stores you trust.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import pickle
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from graph.errors import StoreError
from graph.model import PlanExtract
from graph.records import plan_records
from graph.stores import storefile
from graph.stores.base import LoadResult, Store
from graph.stores.graphedit import Draft, PlanRows, plan_rows
from graph.stores.storefile import Entry

FORMAT = "plankg-embedded/1"  # the graph's own `format` attribute (the file's layout: storefile.MAGIC)
MAGIC = storefile.MAGIC
#: compact when the journal would pass this fraction of the snapshot (and JOURNAL_MIN bytes):
#: replaying entries costs about twice unpickling the same plans, so opening stays within ~1.5x
COMPACT_RATIO = 0.25
JOURNAL_MIN = 1 << 20

Stamp = tuple[int, int, int]


@dataclass(frozen=True)
class _State:
    """One graph version and the file bytes it came from."""

    graph: nx.MultiDiGraph
    stamp: Stamp | None      # the file's (inode, mtime, size) when read; None: no file
    journal_start: int = 0   # where the snapshot ends and the journal starts
    end: int = 0             # just past the last committed entry
    legacy: bool = False     # a PLANKG-EMBEDDED/1 file: the next write rewrites it
    head: bytes = b""        # the file's magic and snapshot header (storefile.Snapshot.head)


class EmbeddedStore(Store):
    kind = "embedded"

    def __init__(self, path: str | os.PathLike[str], *, compact_ratio: float = COMPACT_RATIO,
                 journal_min: int = JOURNAL_MIN) -> None:
        self.path = Path(path)
        self.uri = str(self.path)
        self.compact_ratio, self.journal_min = compact_ratio, journal_min
        self._state: _State | None = None
        # one thread of this process at a time reads the file or writes; readers that find it
        # busy keep the version they hold instead of waiting (see graph())
        self._mutex = threading.Lock()
        #: bumped whenever the graph held in memory changes; query caches key on it
        self.version = 0

    # -- file handling -------------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self, exclusive: bool) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise StoreError(f"cannot open the embedded store {self.path}: {e.strerror}") from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)

    def _file_stamp(self) -> Stamp | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return _stamp(st)

    def _publish(self, state: _State) -> _State:
        if self._state is None or state.graph is not self._state.graph:
            self.version += 1
        self._state = state
        return state

    def _refresh(self) -> _State:
        """The file's current state (under the lock and the mutex): the held one if the file is
        unchanged, the held one plus newly appended entries, or a full read."""
        stamp = self._file_stamp()
        held = self._state
        if stamp is None:
            if held is not None and held.stamp is None:
                return held
            return self._publish(_State(nx.MultiDiGraph(format=FORMAT), None))
        if held is not None and held.stamp == stamp:
            return held
        try:
            with _gc_paused():
                appended = None
                if held is not None and held.stamp is not None and stamp[2] >= held.end:
                    # the same snapshot (same header and file id): entries were appended
                    appended = storefile.read_appended(self.path, held.head, held.end)
                if appended is None:
                    return self._publish(self._read_whole(stamp))
                assert held is not None
                journal = storefile.read_journal(self.path, appended, held.end)
                graph = _replay(held.graph, journal.entries)
                return self._publish(_State(graph, stamp, held.journal_start, journal.end, head=held.head))
        except StoreError:
            raise
        except Exception as e:  # a damaged pickle raises almost anything: TypeError, MemoryError, ImportError...
            reason = (str(e).splitlines() or [""])[0] or type(e).__name__
            raise StoreError(f"the embedded store {self.path} is unreadable: {reason}") from e

    def _read_whole(self, stamp: Stamp) -> _State:
        data = self.path.read_bytes()
        snap = storefile.read_snapshot(self.path, data)
        graph = pickle.loads(snap.payload)
        if not isinstance(graph, nx.MultiDiGraph) or graph.graph.get("format") != FORMAT:
            raise StoreError(f"{self.path} is not a plankg embedded store")
        journal = storefile.read_journal(self.path, memoryview(data)[snap.journal_start:], snap.journal_start)
        return _State(_replay(graph, journal.entries), stamp, snap.journal_start, journal.end, snap.legacy,
                      snap.head)

    def graph(self) -> nx.MultiDiGraph:
        """The current graph; do not mutate it."""
        # Writers only append to a file or replace it by rename, so an unchanged stamp means the
        # graph held is current: no lock needed for the common case of a server answering reads.
        held = self._state
        if held is not None and held.stamp is not None and self._file_stamp() == held.stamp:
            return held.graph
        if not self._mutex.acquire(blocking=held is None):
            # another thread of this process is writing (or catching up): the version held is
            # complete, and is what the store was before that write
            assert held is not None
            return held.graph
        try:
            with self._lock(exclusive=False):
                return self._refresh().graph
        finally:
            self._mutex.release()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[tuple[_State, Draft]]:
        with self._mutex, self._lock(exclusive=True), _gc_paused():
            storefile.remove_stale_temps(self.path)  # a rewrite a killed writer left
            state = self._refresh()
            yield state, Draft(state.graph)

    def _commit(self, state: _State, draft: Draft, entry: Entry, records: int) -> None:
        """Persist the draft: one journal entry, or a new snapshot when the journal would grow
        past its share of the file (or there is no journal to append to)."""
        size = state.journal_start  # a snapshot's size stands for the store's
        # a batch that clearly outweighs the store (a plan has ~2 relations per node) goes to a
        # snapshot without encoding an entry first
        if state.stamp is None or state.legacy or records > 4 * len(state.graph):
            self._write_snapshot(draft)
            return
        data = storefile.encode_entry(entry)
        journal = state.end - state.journal_start + len(data)
        if journal > max(self.journal_min, self.compact_ratio * size):
            self._write_snapshot(draft)
            return
        st = storefile.append(self.path, data, state.end)
        self._publish(_State(draft.g, _stamp(st), state.journal_start, state.end + len(data),
                             head=state.head))

    def _write_snapshot(self, draft: Draft) -> None:
        st, head, start = storefile.write_snapshot(self.path, draft.g)
        self._publish(_State(draft.g, _stamp(st), start, start, head=head))

    def compact(self) -> None:
        """Rewrite the snapshot now, with an empty journal (e.g. before copying the file)."""
        with self._writing() as (state, draft):
            if state.stamp is not None and (state.end > state.journal_start or state.legacy):
                self._write_snapshot(draft)

    # -- Store ---------------------------------------------------------------------------
    def load(self, extract: PlanExtract) -> LoadResult:
        rec = plan_records(extract)
        rows = plan_rows(rec)
        with self._writing() as (state, draft):
            replaced = draft.load(rows)
            self._commit(state, draft, ("load", [rows]), rec.size)
        return LoadResult(rec.plan_id, extract.plan.title, rec.doc_id, len(rec.nodes),
                          len(rec.relations), replaced)

    def load_many(self, extracts: Iterable[PlanExtract]) -> list[LoadResult]:
        """Write many documents under one lock and one write to the file.

        The batch is one transaction: records for every document are built before the graph is
        touched, and if anything fails nothing is written, so no document is ever half-written
        (retry the documents one by one with `load` to find the bad one). A small batch is one
        journal entry; a batch big against the store rewrites the snapshot. A plan that appears
        twice in the batch ends as its last version.
        """
        # only each document's plain rows are kept, not its extract and records: at 100k tasks
        # holding those for the whole batch cost a few hundred MB of peak memory
        titles: list[str] = []
        rows: list[PlanRows] = []
        for ex in extracts:
            titles.append(ex.plan.title)
            rows.append(plan_rows(plan_records(ex)))
        results: list[LoadResult] = []
        if not rows:
            return results
        with self._writing() as (state, draft):
            for title, (pid, doc_id, nodes, relations) in zip(titles, rows, strict=True):
                replaced = draft.load((pid, doc_id, nodes, relations))
                results.append(LoadResult(pid, title, doc_id, len(nodes), len(relations), replaced))
            self._commit(state, draft, ("load", rows), sum(r.nodes + r.relations for r in results))
        return results

    def drop_plan(self, plan_id: str) -> bool:
        with self._writing() as (state, draft):
            if not draft.drop(plan_id):
                return False
            self._commit(state, draft, ("drop", plan_id), 0)
        return True

    def reset(self) -> None:
        with self._mutex, self._lock(exclusive=True):
            storefile.remove_stale_temps(self.path)
            empty = nx.MultiDiGraph(format=FORMAT)
            st, head, start = storefile.write_snapshot(self.path, empty)
            self._publish(_State(empty, _stamp(st), start, start, head=head))

    def to_networkx(self) -> nx.MultiDiGraph:
        return self.graph()

    def counts(self) -> dict[str, int]:
        g = self.graph()
        out: dict[str, int] = {"nodes": g.number_of_nodes(), "relations": g.number_of_edges()}
        return out


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _replay(graph: nx.MultiDiGraph, entries: list[Entry]) -> nx.MultiDiGraph:
    """The graph after `entries`, exactly as their writers built it (the same Draft operations)."""
    if not entries:
        return graph
    draft = Draft(graph)
    for entry in entries:
        if entry[0] == "load":
            for rows in entry[1]:
                draft.load(rows)
        else:
            draft.drop(entry[1])
    return draft.g


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Unpickling or replaying a graph allocates millions of dicts and no garbage;
    the cyclic collector would scan them again and again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
