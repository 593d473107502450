"""The embedded store: a NetworkX MultiDiGraph persisted to one file.

Writes take an exclusive lock (fcntl on `<file>.lock`), build the new graph in memory, pickle it
to a temporary file beside the store and rename it over the old one, so a reader or a killed
process only ever sees the old or the new graph. Readers take a shared lock while they read the
file and reuse the graph they hold while the file is unchanged.

The file is a pickle: open only stores you trust.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import networkx as nx

from graph.errors import StoreError
from graph.model import PlanExtract
from graph.records import PlanRecords, plan_records
from graph.stores.base import LoadResult, Store

FORMAT = "plankg-embedded/1"
#: file layout: MAGIC, the sha256 of the payload, the payload (a pickle). The checksum turns a
#: damaged file (a flipped byte still unpickles, as a wrong graph) into a one-line error.
MAGIC = b"PLANKG-EMBEDDED/1\n"
DIGEST_SIZE = 32
OWNED = "plan"


class EmbeddedStore(Store):
    kind = "embedded"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.uri = str(self.path)
        self._graph: nx.MultiDiGraph | None = None
        self._stamp: tuple[int, int, int] | None = None
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

    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _read_file(self) -> nx.MultiDiGraph:
        stamp = self._file_stamp()
        if stamp is None:
            graph = nx.MultiDiGraph(format=FORMAT)
        elif stamp == self._stamp and self._graph is not None:
            return self._graph
        else:
            try:
                payload = _checked_payload(self.path)
                with _gc_paused():
                    graph = pickle.loads(payload)
            except StoreError:
                raise
            except Exception as e:  # a damaged pickle raises almost anything: TypeError, MemoryError, ImportError...
                reason = (str(e).splitlines() or [""])[0] or type(e).__name__
                raise StoreError(f"the embedded store {self.path} is unreadable: {reason}") from e
            if not isinstance(graph, nx.MultiDiGraph) or graph.graph.get("format") != FORMAT:
                raise StoreError(f"{self.path} is not a plankg embedded store")
        self._graph, self._stamp = graph, stamp
        self.version += 1
        return graph

    def _remove_stale_temps(self) -> None:
        """Delete temp files a killed writer left behind. Called only under the exclusive lock, when
        no writer of this store can be mid-write; the pattern (mkstemp's 8 random characters) never
        matches another store's temp files."""
        stale = re.compile(re.escape(f".{self.path.name}.") + r"[a-z0-9_]{8}")
        with contextlib.suppress(OSError):
            for p in self.path.parent.iterdir():
                if stale.fullmatch(p.name):
                    with contextlib.suppress(OSError):
                        p.unlink()

    def _write_file(self, graph: nx.MultiDiGraph) -> None:
        self._remove_stale_temps()
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(MAGIC + bytes(DIGEST_SIZE))
                sink = _HashingWriter(fh)
                pickle.dump(graph, sink, protocol=pickle.HIGHEST_PROTOCOL)
                fh.seek(len(MAGIC))
                fh.write(sink.digest())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self._graph, self._stamp = graph, self._file_stamp()
        self.version += 1

    def graph(self) -> nx.MultiDiGraph:
        """The current graph; do not mutate it."""
        # Writers replace the file by rename, so an unchanged stamp means the graph held is
        # current: no lock needed for the common case of a server answering many reads.
        if self._graph is not None and self._stamp is not None and self._file_stamp() == self._stamp:
            return self._graph
        with self._lock(exclusive=False):
            return self._read_file()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[nx.MultiDiGraph]:
        with self._lock(exclusive=True), _gc_paused():
            graph = self._read_file().copy()
            yield graph
            self._write_file(graph)

    # -- Store ---------------------------------------------------------------------------
    def load(self, extract: PlanExtract) -> LoadResult:
        rec = plan_records(extract)
        with self._writing() as g:
            replaced = bool(g.nodes.get(rec.plan_id, {}).get("loaded"))
            if replaced:  # a plan never loaded (or only referenced) owns nothing: skip the O(E) scan
                _remove_plan(g, rec.plan_id, keep_plan_node=True)
            _apply(g, rec)
        return LoadResult(rec.plan_id, extract.plan.title, rec.doc_id, len(rec.nodes),
                          len(rec.relations), replaced)

    def load_many(self, extracts: Iterable[PlanExtract]) -> list[LoadResult]:
        """Write many documents under one lock and one file rewrite.

        `load` rewrites the whole file per document, so loading n plans one by one costs O(n^2);
        here the graph is copied and written once. The batch is one transaction: records for
        every document are built before the graph is touched, and if anything fails nothing is
        written, so no document is ever half-written (retry the documents one by one with `load`
        to find the bad one). A plan that appears twice in the batch ends as its last version.
        """
        prepared = [(ex, plan_records(ex)) for ex in extracts]
        results: list[LoadResult] = []
        if not prepared:
            return results
        with self._writing() as g:
            before = {r.plan_id for _, r in prepared if g.nodes.get(r.plan_id, {}).get("loaded")}
            _remove_plans(g, before)  # one scan for all replaced plans, not one per plan
            seen: set[str] = set()
            for ex, rec in prepared:
                if rec.plan_id in seen:  # twice in one batch: the later version wins
                    _remove_plan(g, rec.plan_id, keep_plan_node=True)
                replaced = rec.plan_id in before or rec.plan_id in seen
                seen.add(rec.plan_id)
                _apply(g, rec)
                results.append(LoadResult(rec.plan_id, ex.plan.title, rec.doc_id, len(rec.nodes),
                                          len(rec.relations), replaced))
        return results

    def drop_plan(self, plan_id: str) -> bool:
        with self._lock(exclusive=True):
            current = self._read_file()
            if not current.nodes.get(plan_id, {}).get("loaded"):
                return False
            g = current.copy()
            _remove_plan(g, plan_id, keep_plan_node=False)
            self._write_file(g)
        return True

    def reset(self) -> None:
        with self._lock(exclusive=True):
            self._write_file(nx.MultiDiGraph(format=FORMAT))

    def to_networkx(self) -> nx.MultiDiGraph:
        return self.graph()

    def counts(self) -> dict[str, int]:
        g = self.graph()
        out: dict[str, int] = {"nodes": g.number_of_nodes(), "relations": g.number_of_edges()}
        return out


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Copying, unpickling or building a graph allocates millions of dicts and no garbage;
    the cyclic collector would scan them again and again (half the time of a copy)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _remove_plan(g: nx.MultiDiGraph, pid: str, *, keep_plan_node: bool) -> None:
    _remove_plans(g, {pid}, keep_plan_node=keep_plan_node)


def _remove_plans(g: nx.MultiDiGraph, pids: set[str], *, keep_plan_node: bool = True) -> None:
    """Delete what the plans asserted, in one pass over the graph; shared nodes left without
    relations go too."""
    if not pids:
        return
    doomed_edges = [(u, v, k) for u, v, k, p in g.edges(keys=True, data=OWNED) if p in pids]
    touched = {n for u, v, _ in doomed_edges for n in (u, v)}
    g.remove_edges_from(doomed_edges)
    g.remove_nodes_from([n for n, p in g.nodes(data=OWNED) if p in pids and n not in pids])
    for pid in pids & set(g):
        if keep_plan_node or g.in_degree(pid) > 0:
            # another plan still IMPLEMENTS this one: it stays, as a reference only
            title = g.nodes[pid].get("title")
            g.nodes[pid].clear()
            g.nodes[pid].update({"id": pid, "label": "Plan", "title": title})
        else:
            g.remove_node(pid)
    for n in touched:
        if n in g and n not in pids and OWNED not in g.nodes[n] and g.degree(n) == 0:
            g.remove_node(n)


def _apply(g: nx.MultiDiGraph, rec: PlanRecords) -> None:
    for node in rec.nodes:
        attrs = g.nodes[node.id] if node.id in g else None
        if attrs is None:
            g.add_node(node.id, label=node.label, **node.props)
        elif node.label == "Plan" and not node.props.get("loaded"):
            attrs.setdefault("title", node.props.get("title"))  # reference: never overwrite
        elif node.label == "Department":
            merged = sorted(set(attrs.get("aliases", [])) | set(node.props.get("aliases", [])))
            attrs.update(node.props, aliases=merged)
        else:
            attrs.update(node.props, label=node.label)
    for r in rec.relations:
        g.add_edge(r.src, r.dst, key=r.key, type=r.type, **r.props)


class _HashingWriter:
    """A file-like sink for pickle.dump that hashes what it writes."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        return self._fh.write(data)

    def digest(self) -> bytes:
        return self._hash.digest()


def _checked_payload(path: Path) -> memoryview:
    data = path.read_bytes()
    if not data.startswith(MAGIC):
        raise StoreError(f"the embedded store {path} is unreadable: not a plankg store file (or one "
                         "written by an older plankg: delete it and load the plans again)")
    head = len(MAGIC) + DIGEST_SIZE
    payload = memoryview(data)[head:]
    if hashlib.sha256(payload).digest() != data[len(MAGIC):head]:
        raise StoreError(f"the embedded store {path} is unreadable: damaged (checksum mismatch)")
    return payload
