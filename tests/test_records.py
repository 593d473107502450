"""graph.records: stable ids and provenance on everything extracted."""

from __future__ import annotations

from graph.records import plan_records
from loaders import extract_path
from tests.conftest import EXAMPLES


def test_every_relation_and_owned_node_carries_provenance() -> None:
    for path in sorted(EXAMPLES.glob("*.txt")):
        ex = extract_path(path)
        rec = plan_records(ex)
        for r in rec.relations:
            assert r.props["plan"] == ex.plan.id and r.props["doc"] == ex.plan.doc_id, r
            start, end = r.props["span"]
            assert 0 <= start <= end <= len(ex.text), r
            assert "path" in r.props
        for n in rec.nodes:
            if "plan" in n.props:
                assert n.props["doc"] == ex.plan.doc_id and "span" in n.props, n


def test_the_same_document_gives_the_same_records() -> None:
    path = next(EXAMPLES.glob("arong_keji*.txt"))
    a, b = plan_records(extract_path(path)), plan_records(extract_path(path))
    assert a.nodes == b.nodes and a.relations == b.relations
    assert len({n.id for n in a.nodes}) == len(a.nodes)


def test_implements_points_at_the_named_plan_where_the_text_names_it() -> None:
    ex = extract_path(next(EXAMPLES.glob("arong_keji*.txt")))
    [rel] = [r for r in plan_records(ex).relations if r.type == "IMPLEMENTS"]
    start, end = rel.props["span"]
    assert ex.text[start:end] == "呼伦贝尔市“科技兴市”三年行动实施方案"
