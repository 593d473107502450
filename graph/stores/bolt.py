"""The Bolt store: the graph in Neo4j (single server, cluster or Aura) through the official driver.

- One driver per process, passed in (`BoltStore(driver, uri, database)`) or made by `connect(uri)`
  from NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE; the store owns and closes what it made.
- Writes: one managed write transaction per document (`session.execute_write`, so the driver
  retries transient failures by re-running the whole, idempotent, unit of work). Inside it the
  earlier version's facts are removed and the new ones written as batched `UNWIND $rows MERGE`
  statements per label and relation type, with the ownership rules of the embedded store.
- Reads: `read(name, cypher, params)` in a read transaction (routed to readers on a cluster).
- Server differences (DDL, detection, FalkorDB's lack of parameter escaping) live in graph.dialect.
- Driver failures become StoreUnavailable / StoreError: one line naming the URI, never a password.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar
from urllib.parse import unquote

import neo4j
import networkx as nx
from neo4j import exceptions as nex

from graph import cypher
from graph.dialect import Dialect, Part, Server, dialect_for, server_from_components
from graph.errors import StoreError, StoreUnavailable
from graph.model import RELATIONS, PlanExtract
from graph.records import Node, PlanRecords, Relation, plan_records
from graph.stores.base import LoadResult, Store

T = TypeVar("T")

#: Seconds to wait for a connection at startup: first a short try, then a longer one (FalkorDB
#: stalls the first handshake after another client's GOODBYE until this runs out).
CONNECT_ATTEMPTS = (3.0, 15.0)


def redact(uri: str) -> str:
    """The URI without any user:password part.

    >>> redact("neo4j+s://neo4j:secret@db.example.org:7687")
    'neo4j+s://db.example.org:7687'
    """
    return re.sub(r"^([a-z0-9+]+://)[^@/]*@", r"\1", uri)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())[:300]


class BoltStore(Store):
    kind = "bolt"

    def __init__(
        self,
        driver: Any,
        uri: str,
        database: str | None = None,
        *,
        dialect: Dialect | None = None,
        user: str | None = None,
        owns_driver: bool = False,
    ) -> None:
        self.driver = driver
        self.uri = redact(uri)
        self.database = database or None
        self.user = user
        self._owns_driver = owns_driver
        self._closed = False
        self.dialect = dialect or self._detect()
        self.ensure_schema()

    @classmethod
    def connect(
        cls,
        uri: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> BoltStore:
        """Open the server a bolt:// / neo4j:// URI names, with credentials from the environment."""
        # credentials written into the URI (scheme://user:password@host) are honoured, but the
        # driver only ever sees the URI without them, so no driver message can echo them
        m = re.match(r"^[a-z0-9+]+://([^@/]*)@", uri)
        if m:
            u, _, pw = m.group(1).partition(":")
            user = user if user is not None else unquote(u)
            password = password if password is not None else (unquote(pw) or None)
        user = user if user is not None else os.environ.get("NEO4J_USER", "neo4j")
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        database = database if database is not None else os.environ.get("NEO4J_DATABASE")
        auth = (user, password) if password else None
        shown = redact(uri)
        try:
            driver = neo4j.GraphDatabase.driver(shown, auth=auth, connection_timeout=CONNECT_ATTEMPTS[-1])
        except (nex.ConfigurationError, ValueError) as e:
            raise StoreError(f"invalid Bolt URI {shown}: {_one_line(e)}") from e
        try:
            return cls(driver, shown, database, user=user, owns_driver=True)
        except BaseException:
            driver.close()
            raise

    # -- plumbing ------------------------------------------------------------------------------
    def _session(self, **config: Any) -> Any:
        if self.database:
            config["database"] = self.database
        return self.driver.session(**config)

    def _error(self, name: str, e: Exception) -> StoreError:
        """A driver failure as one line naming the URI (and the database, when it matters)."""
        where = self.uri + (f" (database {self.database!r})" if self.database else "")
        if isinstance(e, nex.AuthError):
            return StoreUnavailable(
                f"authentication failed for user {self.user!r} at {where}: check NEO4J_USER / NEO4J_PASSWORD"
            )
        if isinstance(e, nex.ServiceUnavailable | nex.SessionExpired | OSError):
            return StoreUnavailable(f"cannot reach the Bolt server at {where}: {_one_line(e)}")
        code = getattr(e, "code", None) or ""
        if code == "Neo.ClientError.Database.DatabaseNotFound":
            return StoreError(f"database {self.database!r} does not exist at {self.uri}: set NEO4J_DATABASE")
        message = getattr(e, "message", None) or str(e)
        return StoreError(f"query {name} failed at {where}: {_one_line(message)}")

    def _tx(self, tx: Any, query: str, **params: Any) -> Any:
        text, values = self.dialect.statement(query, params)
        return tx.run(text, values)

    def _write(self, name: str, work: Callable[[Any], T]) -> T:
        try:
            with self._session() as session:
                return session.execute_write(work)
        except (nex.Neo4jError, nex.DriverError, OSError) as e:
            raise self._error(name, e) from e
        except ValueError as e:  # a value FalkorDB's literals cannot carry
            raise StoreError(f"{name} failed at {self.uri}: {e}") from e

    def read(self, name: str, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one read query in a read transaction; rows as plain dicts."""

        def work(tx: Any) -> list[dict[str, Any]]:
            return [record.data() for record in self._tx(tx, query, **(params or {}))]

        try:
            with self._session() as session:
                return session.execute_read(work)
        except (nex.Neo4jError, nex.DriverError, OSError) as e:
            raise self._error(name, e) from e
        except ValueError as e:
            raise StoreError(f"query {name} failed at {self.uri}: {e}") from e

    def _detect(self) -> Dialect:
        """Which server this is; a short first try so a dead server fails fast."""
        last: Exception | None = None
        for timeout in CONNECT_ATTEMPTS:
            try:
                with self._session(connection_acquisition_timeout=timeout) as session:
                    rows = [r.data() for r in session.run(cypher.SERVER_COMPONENTS)]
                return dialect_for(server_from_components(rows))
            except nex.DatabaseError as e:
                # FalkorDB: no dbms.components(), every failure an "unknown" DatabaseError
                if getattr(e, "code", "") == "Neo.DatabaseError.General.UnknownError":
                    self._check_falkordb(timeout)
                    return dialect_for(Server("FalkorDB", "4.x"))
                raise self._error("server-detection", e) from e
            except (nex.ServiceUnavailable, nex.SessionExpired) as e:
                last = e
            except (nex.Neo4jError, nex.DriverError, OSError) as e:
                raise self._error("server-detection", e) from e
        assert last is not None
        raise self._error("server-detection", last) from last

    def _check_falkordb(self, timeout: float) -> None:
        """FalkorDB also fails the Bolt HELLO with its generic error when given a password."""
        try:
            with self._session(connection_acquisition_timeout=timeout) as session:
                session.run("RETURN 1 AS ok").consume()
        except nex.Neo4jError as e:
            raise StoreUnavailable(
                f"the Bolt server at {self.uri} refused the session (FalkorDB accepts no password:"
                " unset NEO4J_PASSWORD)"
            ) from e

    def ensure_schema(self) -> None:
        """Constraints and indexes, idempotently, in the server's own DDL (one statement per tx)."""
        existing: list[dict[str, Any]] = []
        try:
            for query in self.dialect.list_indexes:
                existing += self.read("list-schema", query)
        except StoreUnavailable:
            raise
        except StoreError:
            existing = []  # e.g. no SHOW privilege: every statement is idempotent anyway
        for ddl in self.dialect.schema_statements(existing):
            self._write("schema", partial(self._consume, query=ddl))

    # -- Store: writes -------------------------------------------------------------------------
    def load(self, extract: PlanExtract) -> LoadResult:
        rec = plan_records(extract)

        def work(tx: Any) -> bool:
            if self.dialect.create_first_loads and self._first_load(tx, rec):
                return False
            state = self._tx(tx, cypher.PLAN_STATE, pid=rec.plan_id).single()
            replaced = bool(state and state["loaded"])
            # only a loaded plan has facts to replace (a reference node is already bare), so a
            # first load skips the removal statements
            if replaced:
                self._remove_plan(tx, rec.plan_id, keep_plan_node=True)
            self._apply(tx, rec, first_load=not replaced)
            return replaced

        replaced = self._write(f"load {rec.plan_id}", work)
        return LoadResult(rec.plan_id, extract.plan.title, rec.doc_id, len(rec.nodes),
                          len(rec.relations), replaced)

    def drop_plan(self, plan_id: str) -> bool:
        def work(tx: Any) -> bool:
            state = self._tx(tx, cypher.PLAN_STATE, pid=plan_id).single()
            if not (state and state["loaded"]):
                return False
            self._remove_plan(tx, plan_id, keep_plan_node=False)
            return True

        return self._write(f"drop {plan_id}", work)

    def reset(self) -> None:
        limit = self.dialect.max_rows
        while True:
            n = self._write("reset", lambda tx: self._tx(tx, cypher.DELETE_SOME, limit=limit).single()["total"])
            if not n:
                return

    def _remove_plan(self, tx: Any, pid: str, *, keep_plan_node: bool) -> None:
        """graph.stores.graphedit.Draft.remove_plan, statement by statement."""
        touched: dict[str, str | None] = {}
        for rtype in RELATIONS:  # per type, so Neo4j can use its relationship `plan` indexes
            for row in self._tx(tx, cypher.delete_plan_relations(rtype), pid=pid):
                touched[row["src"]] = _label(row["src_labels"])
                touched[row["dst"]] = _label(row["dst_labels"])
        for label in cypher.OWNED_LABELS:
            self._tx(tx, cypher.delete_owned_nodes(label), pid=pid).consume()
        state = self._tx(tx, cypher.PLAN_NODE_DEGREE, pid=pid).single()
        if state is not None:
            if keep_plan_node or state["indegree"] > 0:
                self._tx(tx, cypher.PLAN_NODE_TO_REFERENCE, pid=pid).consume()
            else:
                self._tx(tx, cypher.DELETE_PLAN_NODE, pid=pid).consume()
        by_label: dict[str | None, list[str]] = {}
        for nid, nlabel in touched.items():
            if nid != pid:
                by_label.setdefault(nlabel, []).append(nid)
        for nlabel, ids in by_label.items():
            for batch in self.dialect.batches(ids):
                self._tx(tx, cypher.delete_orphans(nlabel), ids=batch, pid=pid).consume()

    def _first_load(self, tx: Any, rec: PlanRecords) -> bool:
        """Write `rec` as a first load if its plan is not loaded, the check riding on the first
        (chained) statement; False, having written nothing, if it is loaded."""
        # two writes in one row is batching too: with one-row batches each is its own statement
        parts = write_parts(rec, first_load=True, fuse=self.dialect.max_rows > 1)
        statements = self.dialect.pack(parts)
        query, params = next(statements)
        if not self._tx(tx, cypher.unless_loaded(query), **params, pid=rec.plan_id).single()["written"]:
            return False
        for query, params in statements:
            self._tx(tx, query, **params).consume()
        return True

    def _apply(self, tx: Any, rec: PlanRecords, *, first_load: bool) -> None:
        """graph.stores.graphedit.Draft._apply as batched UNWIND writes (dialect.pack decides how many
        statements: per label and relation type, or chained)."""
        parts = write_parts(rec, first_load=first_load and self.dialect.create_first_loads)
        for query, params in self.dialect.pack(parts):
            self._tx(tx, query, **params).consume()

    def _consume(self, tx: Any, query: str) -> None:
        self._tx(tx, query).consume()

    # -- Store: reads --------------------------------------------------------------------------
    def to_networkx(self) -> nx.MultiDiGraph:
        """The same MultiDiGraph the embedded store holds: node attrs with `label`, edge key
        `type|plan` and edge attrs with `type`."""
        g = nx.MultiDiGraph()
        for row in self.read("all-nodes", cypher.ALL_NODES):
            label = _label(row["labels"])
            attrs = {"label": label} if label else {}
            g.add_node(row["id"], **attrs, **row["props"])
        for row in self.read("all-relations", cypher.ALL_RELATIONS):
            props = row["props"]
            g.add_edge(row["src"], row["dst"], key=f"{row['type']}|{props.get('plan', '')}",
                       type=row["type"], **props)
        return g

    def counts(self) -> dict[str, int]:
        nodes = self.read("count-nodes", cypher.COUNT_NODES)
        rels = self.read("count-relations", cypher.COUNT_RELATIONS)
        return {"nodes": int(nodes[0]["total"]), "relations": int(rels[0]["total"])}

    def health(self) -> dict[str, Any]:
        base = {"store": self.kind, "uri": self.uri, "server": self.dialect.server.describe(),
                "database": self.database}
        try:
            return {**base, "ok": True, **self.counts()}
        except StoreError as e:
            return {**base, "ok": False, "error": str(e)}

    def close(self) -> None:
        if self._owns_driver and not self._closed:
            self._closed = True
            self.dialect.close_driver(self.driver)


def write_parts(rec: PlanRecords, *, first_load: bool = False, fuse: bool = True) -> list[Part]:
    """A plan's nodes and relations as (UNWIND query, rows, shared) per label and relation type,
    in the order they are written: the plan's own node first (on a server without transactions
    a load cut short is then still seen as loaded, and the next load removes what it left);
    departments next, sorted by id, so concurrent loads lock the shared nodes in one order (no
    deadlock); relations after every node they join.

    `first_load` (the plan is not loaded, so none of its own nodes and relations exist): those
    are CREATEd, which skips MERGE's lookup of each one, and the props all their rows share
    travel once; shared nodes are merged as always. With `fuse`, a new node and the one new
    relation pointing at it are one row (created_with_parents); without, every node and
    relation is a row of its own (batches of one row: the per-row baseline).
    """
    parts: list[Part] = []
    labels = {n.id: n.label for n in rec.nodes}
    by_label = rec.by_label()
    plans = by_label.pop("Plan", [])
    parts.append((cypher.merge_nodes("Plan"),
                  [{"id": n.id, "props": n.props} for n in plans if n.props.get("loaded")], None))
    departments = sorted(by_label.pop("Department", []), key=lambda n: n.id)
    parts.append((cypher.MERGE_DEPARTMENTS, [
        {"id": n.id, "props": {k: v for k, v in n.props.items() if k != "aliases"},
         "aliases": sorted(set(n.props.get("aliases") or []))}
        for n in departments], None))
    parts.append((cypher.MERGE_PLAN_REFERENCES,
                  [{"id": n.id, "title": n.props.get("title")} for n in plans if not n.props.get("loaded")], None))
    groups: dict[tuple[str, str | None, str | None], list[Relation]] = {}
    for r in rec.relations:
        groups.setdefault((r.type, labels.get(r.src), labels.get(r.dst)), []).append(r)
    written = {"Plan", "Department"}
    for label, nodes in by_label.items():
        if first_load and label in cypher.OWNED_LABELS:  # their ids all start with the plan's id
            parts += created_with_parents(label, nodes, groups, written if fuse else set())
        else:
            parts.append((cypher.merge_nodes(label), [{"id": n.id, "props": n.props} for n in nodes], None))
        written.add(label)
    for key, rels in groups.items():
        if first_load:  # every relation carries the asserting plan: none of this plan's exist yet
            shared, props = split_shared([r.props for r in rels])
            rows = [{"src": r.src, "dst": r.dst, "props": p} for r, p in zip(rels, props, strict=True)]
            parts.append((cypher.create_relations(*key), rows, shared))
        else:
            rows = [{"src": r.src, "dst": r.dst, "plan": r.props.get("plan", ""), "props": r.props} for r in rels]
            parts.append((cypher.merge_relations(*key), rows, None))
    return [part for part in parts if part[1]]


def created_with_parents(label: str, nodes: list[Node], groups: dict[tuple[str, str | None, str | None], list[Relation]],
                         written: set[str]) -> list[Part]:
    """New nodes of one label, each created together with the one relation that points at it
    from an already written node (a task with its plan's HAS_TASK, a target with its HAS_TARGET
    from its task or plan…): one write instead of two, which matters on FalkorDB, where each
    write of a chained statement costs about as much server time as a few dozen rows. The
    relation groups used are taken out of `groups`; nodes left over are created alone."""
    parts: list[Part] = []
    left = {n.id: n for n in nodes}
    for key in [k for k in groups if k[2] == label and k[1] in written]:
        rels = groups[key]
        dsts = [r.dst for r in rels]
        if len(set(dsts)) != len(dsts) or not all(d in left for d in dsts):
            continue  # a node with two such relations, or one not new: write them apart
        del groups[key]
        node_shared, node_props = split_shared([left.pop(d).props for d in dsts])
        rel_shared, rel_props = split_shared([r.props for r in rels])
        rows = [{"src": r.src, "n": n, "e": e} for r, n, e in zip(rels, node_props, rel_props, strict=True)]
        parts.append((cypher.create_nodes_from(key[0], key[1], label), rows, {"n": node_shared, "e": rel_shared}))
    if left:
        shared, props = split_shared([n.props for n in left.values()])
        parts.append((cypher.create_nodes(label), props, shared))
    return parts


def split_shared(props: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(what every map holds alike, each map without it).

    >>> split_shared([{"plan": "p", "n": 1, "b": True}, {"plan": "p", "n": 2, "b": 1}])
    ({'plan': 'p'}, [{'n': 1, 'b': True}, {'n': 2, 'b': 1}])
    """
    if not props:
        return {}, []
    # the same type too: True == 1 == 1.0 in Python, not in the graph
    shared = {k: v for k, v in props[0].items()
              if all(k in p and type(p[k]) is type(v) and p[k] == v for p in props[1:])}
    return shared, [{k: v for k, v in p.items() if k not in shared} for p in props]


def _label(labels: list[str] | None) -> str | None:
    return labels[0] if labels else None
