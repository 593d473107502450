"""The Bolt store without a server: a recording driver double pins down transactions, rollback,
parameter safety, batching, server detection and error messages."""

from __future__ import annotations

import pytest
from neo4j import exceptions as nex

from graph import cypher
from graph.dialect import Dialect, FalkorDialect, Server, literal, run_pull_bytes
from graph.errors import StoreError, StoreUnavailable
from graph.model import (
    Coverage,
    DepartmentExtract,
    PhaseExtract,
    PlanExtract,
    PlanInfo,
    TargetExtract,
    TaskExtract,
    document_id,
    plan_id,
)
from graph.records import plan_records
from graph.stores.bolt import BoltStore, write_parts
from tests.support.fake_driver import FakeDriver

URI = "neo4j://db.example.org:7687"
NEO4J = Server("Neo4j", "5.26.0", "community")

#: Every one carries 注入, which appears in no statement text of ours: finding it in a text means
#: a value reached the query.
INJECTIONS = [
    "注入'",
    '注入"',
    "注入\\",
    "注入\\'})-[:LEADS]->(x) DETACH DELETE x //",
    "注入'}) MATCH (n) DETACH DELETE n //",
    "注入// 注释",
    "注入 CALL db.labels() YIELD label RETURN label",
    "注入 CALL dbms.components()",
    "注入$rows",
    "注入`Task`",
    "注入😀 emoji 🚀",
    "注入\n换行\r\n回车\t制表",
]


def hostile_extract(version: str = "v1", tasks: int = 3) -> PlanExtract:
    """A small plan whose every free-text field is an injection string."""
    inj = INJECTIONS
    title = "注入测试实施方案'}) //"
    text = f"{title} {version}"
    depts = [
        DepartmentExtract(name=inj[i], aliases=[inj[i], inj[(i + 1) % len(inj)]], collective=i == 2)
        for i in range(4)
    ]
    task_list = [
        TaskExtract(
            id=f"{i + 1}", number=f"({i + 1})", level=1, title=inj[i % len(inj)],
            text=inj[(i + 3) % len(inj)] + version, lead=[depts[i % 2].name],
            support=[depts[2].name, depts[3].name], industries=[inj[5]], chains=[inj[6]],
            enterprises=[inj[7]], partners=[inj[8]], persons=[inj[9]], span=(i * 10, i * 10 + 9),
        )
        for i in range(tasks)
    ]
    return PlanExtract(
        plan=PlanInfo(
            id=plan_id(title), title=title, issuer=inj[10], doc_number=inj[11], issued_date="2021-11-11",
            period=("2021", "2023"), implements=["上级方案" + inj[0]], place="注入旗", doc_id=document_id(text),
        ),
        tasks=task_list,
        departments=depts,
        targets=[TargetExtract(id="1", task="1", text=inj[4], value=3.0, unit=inj[1], span=(1, 5))],
        phases=[PhaseExtract(name=inj[3], start="2021", end="2023", span=(0, 4))],
        coordinating_bodies=[inj[2] + "领导小组"],
        coverage=Coverage(annotations=tasks, tasks=tasks),
        text=text,
    )


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings(v)]
    return []


def store_on(driver: FakeDriver, dialect: Dialect | None = None) -> BoltStore:
    return BoltStore(driver, URI, "plans", dialect=dialect or Dialect(NEO4J), user="neo4j")


def test_one_write_transaction_per_document_all_statements_inside_it() -> None:
    driver = FakeDriver()
    store = store_on(driver)
    before_tx, before_st = len(driver.transactions), len(driver.statements)
    store.load(hostile_extract())
    txs = driver.transactions[before_tx:]
    assert [(t["mode"], t["outcome"]) for t in txs] == [("write", "commit")]
    assert txs[0]["config"] == {"database": "plans"}
    load_statements = driver.statements[before_st:]
    assert load_statements and all(s.tx == before_tx for s in load_statements)
    assert any(s.text.startswith("UNWIND $rows AS r MERGE (n:`Task`") for s in load_statements)


@pytest.mark.parametrize("fail_at", [0, 5, -1])
def test_failure_inside_the_transaction_rolls_back_and_commits_nothing(fail_at: int) -> None:
    probe = FakeDriver()
    p = store_on(probe)
    start = len(probe.statements)
    p.load(hostile_extract())
    target = range(len(probe.statements) - start)[fail_at]  # first, sixth or last statement

    driver = FakeDriver()
    store = store_on(driver)
    commits, start = len(driver.committed()), len(driver.statements)
    error = nex.Neo4jError._hydrate_neo4j(code="Neo.DatabaseError.General.UnknownError", message="disk full")
    driver.fail_on = lambda st: error if len(driver.statements) - start - 1 == target else None
    with pytest.raises(StoreError) as err:
        store.load(hostile_extract())
    assert len(driver.statements) - start == target + 1  # nothing ran after the failure
    last = driver.transactions[-1]
    assert last["mode"] == "write" and last["outcome"] == "rollback"
    assert len(driver.committed()) == commits
    msg = str(err.value)
    assert "\n" not in msg and "db.example.org:7687" in msg and "disk full" in msg


def test_no_value_reaches_the_query_text_on_neo4j() -> None:
    driver = FakeDriver()
    store = store_on(driver)
    ex = hostile_extract()
    store.load(ex)
    store.load(hostile_extract("v2"))
    store.drop_plan(ex.plan.id)
    for inj in INJECTIONS:
        rows = store.read("lookup", "MATCH (d:`Department`) WHERE d.name = $name RETURN d.id AS id",
                          {"name": inj, "limit": 5})
        assert rows == []
    sent = [s for st in driver.statements for s in strings(st.params)]
    for inj in INJECTIONS:
        assert any(inj in s for s in sent), f"{inj!r} was never sent"
    for st in driver.statements:
        assert "注入" not in st.text, st.text
        assert "😀" not in st.text and "\r" not in st.text


def test_neo4j_writes_big_batches_as_parameters() -> None:
    driver = FakeDriver()
    store = store_on(driver)
    start = len(driver.statements)
    ex = hostile_extract(tasks=12_000)
    store.load(ex)
    sent = driver.statements[start:]
    task_batches = [len(s.params["rows"]) for s in sent if s.text == cypher.merge_nodes("Task")]
    assert task_batches == [5000, 5000, 2000]
    # statements grow with labels, types and batches, not with rows
    assert len(sent) < 120
    assert all(len(s.text) < 400 for s in sent)


def test_falkordb_branch_sends_escaped_literals_and_no_bolt_parameters() -> None:
    dialect = FalkorDialect(Server("FalkorDB", "4.x"))
    text, params = dialect.statement("RETURN $v AS v", {"v": "a'b\\c"})
    assert params == {}
    assert text == "CYPHER v='a\\'b\\\\c' RETURN $v AS v"
    assert literal({"k": [1, 2.5, None, True, "中"]}) == "{`k`: [1, 2.5, null, true, '中']}"
    for bad in ("a\x00b", float("nan"), 2**70, object()):
        with pytest.raises(ValueError):
            literal(bad)
    with pytest.raises(ValueError):
        dialect.statement("RETURN 1", {"x) MATCH (n": 1})
    rows = [{"id": f"n{i}", "props": {"text": "字" * 300}} for i in range(2000)]
    batches = list(dialect.batches(rows))
    assert sum(len(b) for b in batches) == 2000 and len(batches) > 1
    assert all(len(literal(b).encode()) <= dialect.max_bytes + 2 for b in batches)  # type: ignore[operator]
    # a whole plan's chained statements each fit one loopback segment (FalkorDB's reader fails
    # on some reads that end mid-message; a statement that arrives whole is safe once padded)
    rec = plan_records(hostile_extract(tasks=400))
    texts = [dialect.statement(q, p)[0] for q, p in dialect.pack(write_parts(rec, first_load=True))]
    assert len(texts) > 1 and all(len(t.encode()) < 60 * 1024 for t in texts)


def test_falkordb_statements_stay_off_the_4k_read_boundary() -> None:
    """No statement's RUN + PULL bytes land near a multiple of 4096 (FalkorDB drops the connection
    there): sizes across one, two and three driver chunks, ASCII and Chinese; only spaces added."""
    dialect = FalkorDialect(Server("FalkorDB", "4.x"))
    assert run_pull_bytes("x" * 4073) == 4096 and run_pull_bytes("x" * 20455) == 20480
    base = len("CYPHER s='' RETURN $s AS s")
    for boundary in (4073, 8169, 16361, 20455, 32743):
        for total in range(boundary - 12, boundary + 12):
            for chinese in (0, (total - base) // 6):
                value = "中" * chinese + "a" * (total - base - 3 * chinese)
                text, _ = dialect.statement("RETURN $s AS s", {"s": value})
                off = run_pull_bytes(text) % 4096
                assert 8 < off < 4088, (total, chinese)
                assert text.rstrip(" ") == f"CYPHER s='{value}' RETURN $s AS s"
    # the Neo4j branch sends the text as given
    assert Dialect(NEO4J).statement("x" * 4073)[0] == "x" * 4073


def test_falkordb_chains_a_plans_writes_and_batch_size_1_is_one_statement_per_row() -> None:
    """On FalkorDB every label's and type's rows of a plan travel in one chained statement (within
    the row and byte limits) whose start checks that the plan is not loaded yet (a first load
    needs no statement of its own for that); with max_rows = 1 (the benchmark's per-row
    baseline) each node and relation is its own single-part statement. Neo4j reads the plan's
    state, then sends one statement per label and type."""
    ex = hostile_extract(tasks=20)
    rec = plan_records(ex)

    class PerRow(FalkorDialect):
        max_rows = 1

    sent: dict[str, list[str]] = {}
    for name, dialect in (("chained", FalkorDialect(Server("FalkorDB", "4.x"))),
                          ("per-row", PerRow(Server("FalkorDB", "4.x"))), ("neo4j", Dialect(NEO4J))):
        driver = FakeDriver()
        store = store_on(driver, dialect)
        start = len(driver.statements)
        store.load(ex)
        sent[name] = [st.text for st in driver.statements[start:]]
    assert len(sent["chained"]) == 1
    chained = sent["chained"][0]
    assert "OPTIONAL MATCH (p:`Plan` {id: $pid})" in chained and chained.rstrip().endswith("AS written")
    labels = {n.id: n.label for n in rec.nodes}
    groups = {(r.type, labels[r.src], labels[r.dst]) for r in rec.relations}
    # one part per label (Plan: loaded and references) and per relation type between two labels,
    # less one for each label of new nodes created together with the relation to their parent
    fused = {"HAS_TASK", "HAS_TARGET", "HAS_PHASE", "HAS_BODY"}
    assert {t for t in fused if f"CREATE (a)-[e:`{t}`]->(n:" in chained} == fused
    assert chained.count("UNWIND $rows") == len(rec.by_label()) + 1 + len(groups) - len(fused)
    assert len(sent["per-row"]) == rec.size
    assert all(t.count("UNWIND") == 1 for t in sent["per-row"])
    assert sent["per-row"][0].rstrip().endswith("AS written")  # the check rides on the first
    assert sent["neo4j"][0] == cypher.PLAN_STATE
    assert len(sent["chained"]) < len(sent["neo4j"]) < len(sent["per-row"])
    assert all(t.count("UNWIND") <= 1 for t in sent["neo4j"])
    # a first load: FalkorDB creates the plan's own nodes and relations (the plan node itself, a
    # possible reference node, is merged, and first); Neo4j merges everything
    assert chained.index("MERGE (n:`Plan`") < chained.index("CREATE (a)-[e:`HAS_TASK`]->(n:`Task`)")
    assert "CREATE (a)-[e:`LEADS`]->(b)" in chained and "MERGE (n:`Department`" in chained
    # per row: every node and relation apart
    assert any("CREATE (n:`Task`)" in t for t in sent["per-row"])
    assert not any("]->(n:" in t for t in sent["per-row"])
    assert not any("CREATE (" in t for t in sent["neo4j"])


def test_falkordb_load_sends_no_bolt_parameters() -> None:
    driver = FakeDriver()
    store = store_on(driver, FalkorDialect(Server("FalkorDB", "4.x")))
    store.load(hostile_extract())
    assert all(st.params == {} for st in driver.statements)


def test_detection_and_schema_in_each_servers_syntax() -> None:
    def answer(text: str) -> list[dict[str, object]] | None:
        if text == cypher.SERVER_COMPONENTS:
            return [{"name": "Neo4j Kernel", "version": "5.26.0", "edition": "enterprise"}]
        return None

    driver = FakeDriver(answer=answer)
    store = BoltStore(driver, URI)
    assert (store.dialect.name, store.dialect.server.version) == ("neo4j", "5.26.0")
    ddl = [s.text for s in driver.statements if s.text.startswith("CREATE")]
    assert "CREATE CONSTRAINT plankg_task_id IF NOT EXISTS FOR (n:`Task`) REQUIRE n.id IS UNIQUE" in ddl
    assert any("FOR ()-[e:`LEADS`]-() ON (e.plan)" in d for d in ddl)
    assert all("IF NOT EXISTS" in d for d in ddl)

    everything = [{"name": d.split()[2]} for d in Dialect(NEO4J).schema_statements()]
    assert Dialect(NEO4J).schema_statements(everything) == []  # a second connection creates nothing
    assert len(Dialect(NEO4J).schema_statements(everything[1:])) == 1

    old = Dialect(Server("Neo4j", "4.2.0")).schema_statements()
    assert "ON (n:`Task`) ASSERT n.id IS UNIQUE" in old[1] and not any("()-[e:" in d for d in old)

    unknown = nex.Neo4jError._hydrate_neo4j(code="Neo.DatabaseError.General.UnknownError", message="x")
    falkor = FakeDriver(fail_on=lambda st: unknown if st.text == cypher.SERVER_COMPONENTS else None)
    assert BoltStore(falkor, "bolt://127.0.0.1:1").dialect.name == "falkordb"
    fddl = [s.text for s in falkor.statements if s.text.startswith("CREATE")]
    assert "CREATE INDEX FOR (n:`Task`) ON (n.id)" in fddl and not any("CONSTRAINT" in d for d in fddl)


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        (nex.Neo4jError._hydrate_neo4j(code="Neo.ClientError.Security.Unauthorized", message="bad"),
         StoreUnavailable, "authentication failed for user 'neo4j'"),
        (nex.ServiceUnavailable("Couldn't connect to db.example.org:7687"), StoreUnavailable, "cannot reach"),
        (nex.Neo4jError._hydrate_neo4j(code="Neo.ClientError.Database.DatabaseNotFound", message="no db"),
         StoreError, "database 'plans' does not exist"),
        (nex.Neo4jError._hydrate_neo4j(code="Neo.ClientError.Statement.SyntaxError", message="Invalid\ninput"),
         StoreError, "query broken failed"),
    ],
)
def test_driver_errors_become_one_line_store_errors(error: BaseException, kind: type, words: str) -> None:
    driver = FakeDriver()
    store = store_on(driver)
    driver.fail_on = lambda st: error
    with pytest.raises(kind) as err:
        store.read("broken", "MATCH (n RETURN n")
    msg = str(err.value)
    assert words in msg and "db.example.org:7687" in msg and "\n" not in msg
    assert isinstance(err.value.__cause__, type(error))


def test_unreachable_server_fails_fast_without_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.bolt_server import free_port

    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pw")
    port = free_port()
    with pytest.raises(StoreUnavailable) as err:
        BoltStore.connect(f"bolt://neo4j:s3cret-pw@127.0.0.1:{port}")
    msg = str(err.value)
    assert f"bolt://127.0.0.1:{port}" in msg and "s3cret" not in msg and "\n" not in msg


def test_records_carry_what_the_cypher_catalog_reads(seed_extract: PlanExtract) -> None:
    rec = plan_records(seed_extract)
    assert all("id" in n.props for n in rec.nodes)
    for r in rec.relations:
        assert {"plan", "doc", "path"} <= set(r.props), r
    with_span = [r for r in rec.relations if r.type not in ("IMPLEMENTS", "HAS_BODY")]
    assert all("span" in r.props for r in with_span)
