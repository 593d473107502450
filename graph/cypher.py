"""Every write, schema and server-detection statement of the Bolt store, in one place.

Values always travel as `$parameters`; the only identifiers spliced into the text are labels and
relation types from graph.model's fixed lists, backtick-quoted by `ident`. Read Cypher for the
catalog lives with each query in queries/. Statements that differ between servers (DDL, detection)
are built by graph.dialect from the pieces here.

The Cypher is the subset Neo4j 5 and FalkorDB 4.16 both run: no COUNT{}/EXISTS{} (FalkorDB's
`exists(pattern)` answers true for an isolated node), pattern predicates only in WHERE, degree as
`size([(n)--() | 1])`.
"""

from __future__ import annotations

from graph.model import LABELS, RELATIONS


def ident(name: str) -> str:
    """A label or relation type, checked against the model's fixed lists and backtick-quoted.

    >>> ident("Task")
    '`Task`'
    >>> ident("Task`) DETACH DELETE (n")
    Traceback (most recent call last):
    ...
    ValueError: not a plankg label or relation type: 'Task`) DETACH DELETE (n'
    """
    if name not in LABELS and name not in RELATIONS:
        raise ValueError(f"not a plankg label or relation type: {name!r}")
    return f"`{name}`"


# -- server detection (answers only on Neo4j; FalkorDB fails it) ------------------------------
SERVER_COMPONENTS = (
    "CALL dbms.components() YIELD name, versions, edition "
    "RETURN name, versions[0] AS version, edition"
)

# -- writes ------------------------------------------------------------------------------------
PLAN_STATE = "MATCH (p:`Plan` {id: $pid}) RETURN p.loaded AS loaded"


def merge_nodes(label: str) -> str:
    """Create or update nodes of one label; rows are {id, props}."""
    return f"UNWIND $rows AS r MERGE (n:{ident(label)} {{id: r.id}}) SET n += r.props"


def create_nodes(label: str) -> str:
    """New nodes of one label; rows are their props, less `$shared`: the props every row has
    alike (a plan's id and document), sent once per statement instead of once per row."""
    return f"UNWIND $rows AS r CREATE (n:{ident(label)}) SET n = r, n += $shared"


def create_nodes_from(rtype: str, src_label: str | None, label: str) -> str:
    """New nodes of one label, each with the one new relation of type `rtype` that points at it:
    rows are {src, n: the node's props, e: the relation's}, less `$shared.n` / `$shared.e`."""
    return (
        f"UNWIND $rows AS r MERGE {_endpoint('a', 'src', src_label)} "
        f"CREATE (a)-[e:{ident(rtype)}]->(n:{ident(label)}) "
        "SET n = r.n, n += $shared.n, e = r.e, e += $shared.e"
    )


#: A plan named by another plan (《…》) but not loaded itself: never overwrites a loaded plan's title.
MERGE_PLAN_REFERENCES = (
    "UNWIND $rows AS r MERGE (n:`Plan` {id: r.id}) "
    "ON CREATE SET n.title = r.title "
    "ON MATCH SET n.title = coalesce(n.title, r.title)"
)

#: Departments are shared by every plan of a place: their aliases are the union, sorted, of every
#: plan's (rows are {id, props, aliases}, aliases sorted and distinct). Writing a throwaway property
#: first takes the node's write lock (held to commit on Neo4j) before the old aliases are read, so a
#: concurrent load's additions cannot be lost. When the old aliases are all among the new ones (a
#: new department, or the same place's usual names) the row's sorted list is written as it is;
#: otherwise the union is sorted here, each element placed by the count of those below it (no sort
#: function in portable Cypher; lists of a few names).
MERGE_DEPARTMENTS = (
    "UNWIND $rows AS r MERGE (n:`Department` {id: r.id}) "
    "SET n.`_plankg_lock` = true REMOVE n.`_plankg_lock` "
    "WITH n, r, coalesce(n.aliases, []) AS old "
    "WITH n, r, old + [a IN r.aliases WHERE NOT a IN old] AS u "
    "SET n += r.props, n.aliases = CASE WHEN size(u) = size(r.aliases) THEN r.aliases "
    "ELSE [i IN range(0, size(u) - 1) | [x IN u WHERE size([y IN u WHERE y < x]) = i][0]] END"
)


def _endpoint(var: str, key: str, label: str | None) -> str:
    # an endpoint the document did not describe as a node (its label unknown) is matched by id
    # alone and, like the embedded store's add_edge, created bare when missing
    return f"({var}:{ident(label)} {{id: r.{key}}})" if label else f"({var} {{id: r.{key}}})"


def merge_relations(rtype: str, src_label: str | None, dst_label: str | None) -> str:
    """Create or update relations of one type between nodes of the given labels.

    Rows are {src, dst, plan, props}; a relation is identified by (src, dst, type, plan), the
    embedded store's edge key.
    """
    return (
        f"UNWIND $rows AS r MERGE {_endpoint('a', 'src', src_label)} "
        f"MERGE {_endpoint('b', 'dst', dst_label)} "
        f"MERGE (a)-[e:{ident(rtype)} {{plan: r.plan}}]->(b) SET e += r.props"
    )


UNWIND_ROWS = "UNWIND $rows AS r "


def chain(queries: list[str]) -> str:
    """Several `UNWIND $rows AS r …` writes as one statement; part i reads `$rows{i}` (and
    `$shared{i}`).

    Between parts, `WITH count(*) AS _i WHERE _i > 0` leaves one row after a part that wrote
    rows and none after one that saw none, so the next part's UNWIND runs once over its own list
    and sees every part before it, and a guard in front (`unless_loaded`) stops the whole chain.
    Every part must therefore have rows, and write one row per row (MERGE / CREATE, no MATCH).

    >>> chain([merge_nodes("Task"), merge_nodes("Target")])  # doctest: +NORMALIZE_WHITESPACE
    'UNWIND $rows0 AS r MERGE (n:`Task` {id: r.id}) SET n += r.props WITH count(*) AS _1 WHERE _1 > 0
     UNWIND $rows1 AS r MERGE (n:`Target` {id: r.id}) SET n += r.props'
    """
    out = []
    for i, query in enumerate(queries):
        if not query.startswith(UNWIND_ROWS) or " RETURN " in query:
            raise ValueError(f"not a chainable write: {query[:60]!r}")
        if i:
            out.append(f"WITH count(*) AS _{i} WHERE _{i} > 0")
        body = query[len(UNWIND_ROWS):].replace("$shared", f"$shared{i}")
        out.append(f"UNWIND $rows{i} AS r {body}")
    return " ".join(out)


def unless_loaded(chained: str) -> str:
    """A chained write that runs only if plan $pid is not loaded yet; returns whether it ran.

    A first load needs no state check of its own: its first statement carries the check.
    """
    # the flag is projected before the WHERE: FalkorDB 4.16 ignores `WITH p WHERE p.loaded …`
    # right after an OPTIONAL MATCH (every row passes)
    return (
        "OPTIONAL MATCH (p:`Plan` {id: $pid}) WITH coalesce(p.loaded, false) AS _loaded "
        f"WHERE NOT _loaded {chained} WITH count(*) AS _w RETURN _w > 0 AS written"
    )


def create_relations(rtype: str, src_label: str | None, dst_label: str | None) -> str:
    """New relations of one type (rows are {src, dst, props}, props less `$shared` as in
    create_nodes); their endpoints merged as in merge_relations."""
    return (
        f"UNWIND $rows AS r MERGE {_endpoint('a', 'src', src_label)} "
        f"MERGE {_endpoint('b', 'dst', dst_label)} "
        f"CREATE (a)-[e:{ident(rtype)}]->(b) SET e = r.props, e += $shared"
    )


# -- removing one plan's facts (graph.stores.graphedit.Draft.remove_plan, step by step) -----
def delete_plan_relations(rtype: str) -> str:
    """Delete one type's relations asserted by plan $pid; return their endpoints (orphan check)."""
    return (
        f"MATCH (a)-[e:{ident(rtype)}]->(b) WHERE e.plan = $pid DELETE e "
        "RETURN a.id AS src, labels(a) AS src_labels, b.id AS dst, labels(b) AS dst_labels"
    )


def delete_owned_nodes(label: str) -> str:
    return f"MATCH (n:{ident(label)}) WHERE n.plan = $pid AND n.id <> $pid DETACH DELETE n"


#: The plan node stays as a bare reference when kept or still IMPLEMENTed by another plan.
PLAN_NODE_DEGREE = "MATCH (p:`Plan` {id: $pid}) RETURN size([(x)-->(p) | 1]) AS indegree"
PLAN_NODE_TO_REFERENCE = "MATCH (p:`Plan` {id: $pid}) SET p = {id: p.id, title: p.title}"
DELETE_PLAN_NODE = "MATCH (p:`Plan` {id: $pid}) DETACH DELETE p"


def delete_orphans(label: str | None) -> str:
    """Shared nodes (no `plan` property) the removal left without any relation."""
    node = f"(n:{ident(label)} {{id: i}})" if label else "(n {id: i})"
    return (
        f"UNWIND $ids AS i MATCH {node} "
        "WHERE n.plan IS NULL AND n.id <> $pid AND NOT (n)--() DELETE n"
    )


# -- whole-store reads and reset ---------------------------------------------------------------
ALL_NODES = "MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"
ALL_RELATIONS = (
    "MATCH (a)-[e]->(b) RETURN a.id AS src, b.id AS dst, type(e) AS type, properties(e) AS props"
)
COUNT_NODES = "MATCH (n) RETURN count(n) AS total"
COUNT_RELATIONS = "MATCH ()-[e]->() RETURN count(e) AS total"
#: Reset in slices so one transaction never has to hold a whole large graph.
DELETE_SOME = "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS total"

# -- schema ------------------------------------------------------------------------------------
#: Labels whose nodes carry a `plan` property (the ownership rule of graph.records).
OWNED_LABELS = ("Plan", "Task", "Target", "Phase", "CoordinatingBody")


def neo4j_unique_id(label: str, modern: bool = True) -> str:
    """A uniqueness constraint on `id` (Neo4j 4.4+ syntax, or the 4.0-4.3 form)."""
    name = f"plankg_{label.lower()}_id"
    if modern:
        return f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{ident(label)}) REQUIRE n.id IS UNIQUE"
    return f"CREATE CONSTRAINT {name} IF NOT EXISTS ON (n:{ident(label)}) ASSERT n.id IS UNIQUE"


def neo4j_node_plan_index(label: str) -> str:
    name = f"plankg_{label.lower()}_plan"
    return f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{ident(label)}) ON (n.plan)"


def neo4j_relation_plan_index(rtype: str) -> str:
    name = f"plankg_{rtype.lower()}_plan"
    return f"CREATE INDEX {name} IF NOT EXISTS FOR ()-[e:{ident(rtype)}]-() ON (e.plan)"


#: Neo4j 4.2+: the names of existing constraints and indexes (SHOW commands do not combine).
NEO4J_SCHEMA_NAMES = ("SHOW CONSTRAINTS YIELD name RETURN name", "SHOW INDEXES YIELD name RETURN name")

#: FalkorDB has no uniqueness constraints over Bolt and no IF NOT EXISTS: list, then create.
FALKOR_INDEXES = ("CALL db.indexes() YIELD label, properties, entitytype RETURN label, properties, entitytype",)


def falkor_node_index(label: str, prop: str) -> str:
    return f"CREATE INDEX FOR (n:{ident(label)}) ON (n.{_prop(prop)})"


def falkor_relation_index(rtype: str, prop: str) -> str:
    return f"CREATE INDEX FOR ()-[e:{ident(rtype)}]-() ON (e.{_prop(prop)})"


def _prop(prop: str) -> str:
    if prop not in ("id", "plan"):
        raise ValueError(f"no index on property {prop!r}")
    return prop
