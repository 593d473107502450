"""The one seam between the Bolt servers plankg talks to: Neo4j (the target) and FalkorDB (the
local stand-in the tests run against).

Everything else in the Bolt store is one portable Cypher. What differs lives here:

- detection: `CALL dbms.components()` answers only on Neo4j; FalkorDB fails it with its generic
  DatabaseError (and advertises a fake "Neo4j/5.13.0" agent, so the agent string proves nothing);
- schema DDL: Neo4j gets uniqueness constraints and `plan` indexes with IF NOT EXISTS in its
  version's syntax; FalkorDB (no constraints over Bolt, no IF NOT EXISTS) gets indexes that are
  created only when `db.indexes()` lacks them;
- how values travel: Neo4j takes real `$parameters` and big batches in one real transaction.
  FalkorDB's Bolt layer splices parameters into the query text unescaped (a quote breaks the
  query, more than ~4 KB crashes the server), so its branch sends NO Bolt parameters at all: it
  writes them as FalkorDB's native `CYPHER name=<literal> ...` prefix with literals escaped here,
  in batches within a byte budget. Its transactions are no-ops, so loads there are not atomic.
  Its Bolt reader also drops the connection when the bytes of a RUN + PULL pair add up to a
  multiple of 4096 (measured: any statement of 4073, 8169, 12265… bytes); statements that would
  land there get a few trailing spaces (`avoid_frame_boundary`).
- closing: a FalkorDB client that says GOODBYE makes the server hang the next client's handshake
  until that client's acquisition timeout; its branch drops the sockets without GOODBYE.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from graph import cypher
from graph.model import LABELS, RELATIONS

Params = dict[str, Any]
#: one write: an `UNWIND $rows AS r …` query, its rows, and `$shared` (values every row shares)
Part = tuple[str, list[Any], Params | None]
T = TypeVar("T")


@dataclass(frozen=True)
class Server:
    product: str
    version: str
    edition: str | None = None

    def describe(self) -> str:
        return " ".join(x for x in (self.product, self.version, self.edition) if x)


class Dialect:
    """Neo4j behaviour; FalkorDialect overrides what that server does differently."""

    name: ClassVar[str] = "neo4j"
    #: whether BEGIN/COMMIT/ROLLBACK mean anything on this server
    transactional: ClassVar[bool] = True
    #: rows per UNWIND batch
    max_rows: ClassVar[int] = 5000
    #: bytes of literal text per statement (None: no budget, values travel as parameters)
    max_bytes: ClassVar[int | None] = None
    #: whether one statement carries several labels' and types' writes (cypher.chain). Not on
    #: Neo4j: its planner caches plans by query text, and chains differ from plan to plan, while
    #: its round trips inside one transaction are cheap next to planning a long query.
    chain_parts: ClassVar[bool] = False
    #: whether a load first tries to write the plan as a first load, CREATEing its own nodes and
    #: relations instead of merging them, in chained statements whose first carries the check
    #: that the plan is not loaded (cypher.unless_loaded); a loaded plan then takes the usual
    #: path (state, removal, merges). Needs chain_parts. Not on Neo4j: there MERGE under the
    #: uniqueness constraints is what makes two concurrent first loads of one plan safe (the
    #: second waits, then finds the nodes). FalkorDB has no transactions to make concurrent
    #: loads safe in the first place.
    create_first_loads: ClassVar[bool] = False

    def __init__(self, server: Server) -> None:
        self.server = server

    def statement(self, query: str, params: Params | None = None) -> tuple[str, Params]:
        """The text and parameters to send: on Neo4j exactly what was given."""
        return query, dict(params or {})

    def batches(self, rows: list[T]) -> Iterator[list[T]]:
        for i in range(0, len(rows), self.max_rows):
            yield rows[i : i + self.max_rows]

    def render(self, row: Any) -> tuple[Any, int]:
        """A row as it will travel, and what it adds to the statement's text (nothing where
        values travel as parameters)."""
        return row, 0

    def pack(self, parts: Iterable[Part]) -> Iterator[tuple[str, Params]]:
        """Statements for a sequence of writes, in order: each write in batches of at most
        max_rows rows (and max_bytes of literals), or, where chain_parts, consecutive writes
        chained into one statement up to the same limits."""
        if not self.chain_parts:
            for query, rows, shared in parts:
                for batch in self.batches(rows):
                    yield query, {"rows": batch} if shared is None else {"rows": batch, "shared": shared}
            return
        budget = self.max_bytes
        queries: list[str] = []
        params: Params = {}
        count = size = 0
        for query, rows, shared in parts:
            current: list[Any] | None = None
            for raw in rows:
                row, n = self.render(raw)
                if count and (count >= self.max_rows or (budget is not None and size + n > budget)):
                    yield cypher.chain(queries), params
                    queries, params, count, size, current = [], {}, 0, 0, None
                if current is None:
                    current = []
                    i = len(queries)
                    queries.append(query)
                    params[f"rows{i}"] = current
                    size += len(query) + 40  # its text and the rows{i}= / WITH around it
                    if shared is not None:
                        params[f"shared{i}"] = shared
                        size += self.render(shared)[1] + 12
                current.append(row)
                count += 1
                size += n
        if count:
            yield cypher.chain(queries), params

    def schema_statements(self, existing: Iterable[dict[str, Any]] = ()) -> list[str]:
        """DDL that makes `id` unique per label and `plan` lookups indexed, minus what `existing`
        (rows of `list_indexes`) shows is there. Each statement is idempotent by itself."""
        major_minor = _version_tuple(self.server.version)
        modern = major_minor >= (4, 4)
        out = [cypher.neo4j_unique_id(label, modern) for label in LABELS]
        out += [cypher.neo4j_node_plan_index(label) for label in cypher.OWNED_LABELS]
        if major_minor >= (4, 3):  # relationship property indexes arrived in 4.3
            out += [cypher.neo4j_relation_plan_index(rtype) for rtype in RELATIONS]
        have = {row.get("name") for row in existing}
        # skipping what exists saves a round trip per statement on every connection (Aura: ~28)
        return [ddl for ddl in out if ddl.split()[2] not in have]

    #: reads whose rows list the existing schema (here: the names of constraints and indexes)
    list_indexes: ClassVar[tuple[str, ...]] = cypher.NEO4J_SCHEMA_NAMES

    def close_driver(self, driver: Any) -> None:
        driver.close()


class FalkorDialect(Dialect):
    name = "falkordb"
    transactional = False
    max_rows = 2000
    #: Its Bolt reader fails when one read() of the socket ends on a multiple of 4096 bytes
    #: (dropped connection, or a hang: reproduced by sending a statement in 4096- or 1000-byte
    #: pieces). A statement that fits in one loopback segment (64 KB) arrives whole, so only its
    #: total size matters, and avoid_frame_boundary keeps that clear. Bigger ones arrive in
    #: pieces and hung a load under machine load (a 250 KB statement), so stay well below.
    max_bytes = 48 * 1024
    #: each statement costs a round trip and a parse of its literals however few rows it carries
    chain_parts = True
    create_first_loads = True
    list_indexes = cypher.FALKOR_INDEXES

    def render(self, row: Any) -> tuple[Any, int]:
        # written once here, where its size is needed, and sent as it is by statement()
        text = Rendered(literal(row))
        return text, len(text.encode("utf-8")) + 2  # with its ", " separator

    def statement(self, query: str, params: Params | None = None) -> tuple[str, Params]:
        if not params:
            return query, {}
        prefix = " ".join(f"{_param_name(k)}={literal(v)}" for k, v in params.items())
        return avoid_frame_boundary(f"CYPHER {prefix} {query}"), {}

    def batches(self, rows: list[T]) -> Iterator[list[T]]:
        budget = self.max_bytes or 0
        batch: list[T] = []
        size = 0
        for row in rows:
            n = self.render(row)[1]
            if batch and (len(batch) >= self.max_rows or size + n > budget):
                yield batch
                batch, size = [], 0
            batch.append(row)
            size += n
        if batch:
            yield batch

    def schema_statements(self, existing: Iterable[dict[str, Any]] = ()) -> list[str]:
        have = {
            (row.get("entitytype"), row.get("label"), prop)
            for row in existing
            for prop in row.get("properties") or ()
        }
        out = [cypher.falkor_node_index(lb, "id") for lb in LABELS if ("NODE", lb, "id") not in have]
        out += [
            cypher.falkor_node_index(lb, "plan")
            for lb in cypher.OWNED_LABELS
            if ("NODE", lb, "plan") not in have
        ]
        out += [
            cypher.falkor_relation_index(rt, "plan")
            for rt in RELATIONS
            if ("RELATIONSHIP", rt, "plan") not in have
        ]
        return out

    def close_driver(self, driver: Any) -> None:
        # Drop pooled sockets without Bolt GOODBYE (see the module docstring). This reaches into
        # the driver's pool, which is private: if its shape changes we fall back to a plain close.
        pool = getattr(driver, "_pool", None)
        connections = getattr(pool, "connections", None)
        if isinstance(connections, dict):
            for queue in list(connections.values()):
                for conn in list(queue):
                    with contextlib.suppress(Exception):
                        conn.kill()
        driver.close()


def dialect_for(server: Server) -> Dialect:
    return FalkorDialect(server) if server.product == "FalkorDB" else Dialect(server)


def server_from_components(rows: list[dict[str, Any]]) -> Server:
    """Neo4j's answer to cypher.SERVER_COMPONENTS -> Server."""
    for row in rows:
        if str(row.get("name", "")).startswith("Neo4j"):
            return Server("Neo4j", str(row.get("version") or "?"), row.get("edition"))
    return Server("Neo4j", "?", None)


def _version_tuple(version: str) -> tuple[int, int]:
    """'5.26.1' -> (5, 26); calendar versions ('2025.01.0') compare above every 5.x.

    >>> _version_tuple("4.3.2"), _version_tuple("2025.01.0"), _version_tuple("?")
    ((4, 3), (2025, 1), (5, 0))
    """
    m = re.match(r"(\d+)\.(\d+)", version)
    return (int(m.group(1)), int(m.group(2))) if m else (5, 0)


# -- FalkorDB's 4 KB read boundary ------------------------------------------------------------
#: The driver's Bolt chunk size and the framed PULL {n: 1000} that follows every RUN in a
#: transaction (chunk header 2 + B1 3F A1 81 6E C9 03 E8 + end marker 2).
_CHUNK = 16384
_PULL_FRAME = 12
#: Statements whose RUN + PULL bytes come within this many bytes of a multiple of 4096 are padded,
#: so a slightly different framing (another fetch size, a driver version) stays clear of it too.
_BOUNDARY_MARGIN = 8


def run_pull_bytes(text: str) -> int:
    """Bytes the neo4j driver writes for `tx.run(text, {})`: RUN {query, {}, {}} + PULL, framed.

    >>> run_pull_bytes("RETURN '" + "a" * 4059 + "' AS x")  # 4073 bytes of text: 4096
    4096
    """
    n = len(text.encode("utf-8"))
    string_header = 1 if n < 16 else 2 if n < 256 else 3 if n < 65536 else 5
    message = 2 + string_header + n + 2  # struct marker + signature, the string, two empty maps
    return message + 2 * math.ceil(message / _CHUNK) + 2 + _PULL_FRAME


def avoid_frame_boundary(text: str) -> str:
    """`text`, with trailing spaces when its RUN + PULL bytes would sit on a multiple of 4096.

    FalkorDB 4.16's Bolt layer drops the connection on exactly those sizes (found on a 30-row
    CONCERNS batch of the benchmark corpus; reproduced with `RETURN 'aaa…'` of 4073, 8169, 12265,
    16361, 20455… bytes). Trailing whitespace changes nothing in a Cypher statement.

    >>> t = "RETURN '" + "a" * 4059 + "' AS x"
    >>> len(avoid_frame_boundary(t)) - len(t), run_pull_bytes(avoid_frame_boundary(t)) % 4096
    (9, 9)
    """
    while True:
        off = run_pull_bytes(text) % 4096
        if _BOUNDARY_MARGIN < off < 4096 - _BOUNDARY_MARGIN:
            return text
        text += " " * (_BOUNDARY_MARGIN + 1 - off if off <= _BOUNDARY_MARGIN else 4096 - off + _BOUNDARY_MARGIN + 1)


# -- FalkorDB literals -------------------------------------------------------------------------
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _param_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"invalid parameter name {name!r}")
    return name


class Rendered(str):
    """A value already written as a FalkorDB literal (by `pack`, which needs its size anyway)."""


def literal(value: Any) -> str:
    """A value as a FalkorDB Cypher literal: strings single-quoted with backslash and quote
    escaped (FalkorDB has no \\u escapes; other characters go through as they are).

    >>> literal({"t": "it's \\\\ 中", "n": [1, 2.5, None, True]})
    "{`t`: 'it\\\\'s \\\\\\\\ 中', `n`: [1, 2.5, null, true]}"
    """
    # exact-type checks first: this runs for every value of every row a load sends
    t = type(value)
    if t is str:
        if "\x00" in value:
            raise ValueError("a NUL character cannot be sent to FalkorDB")
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if t is dict:
        return "{" + ", ".join([_key(k) + literal(v) for k, v in value.items()]) + "}"
    if t is Rendered:
        return value
    if t is list or t is tuple:
        return "[" + ", ".join([literal(v) for v in value]) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise ValueError(f"integer out of range for the graph: {value}")
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite number cannot be stored: {value}")
        return repr(value)
    # subclasses (a str enum, an OrderedDict): their plain contents
    if isinstance(value, str):
        return literal(str.__add__(value, ""))
    if isinstance(value, list | tuple):
        return literal(list(value))
    if isinstance(value, dict):
        return literal(dict(value))
    raise ValueError(f"cannot send a {type(value).__name__} to FalkorDB")


_KEYS: dict[str, str] = {}


def _key(key: object) -> str:
    """`key`: as a map key is written (checked once per distinct key)."""
    known = _KEYS.get(key) if isinstance(key, str) else None
    if known is not None:
        return known
    if not isinstance(key, str) or "`" in key or "\x00" in key:
        raise ValueError(f"invalid map key {key!r}")
    if len(_KEYS) < 10_000:
        _KEYS[key] = f"`{key}`: "
    return f"`{key}`: "
