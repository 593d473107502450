"""What 'a valid graph' and 'a one-line error' mean, checked the same way by every case."""

from __future__ import annotations

from graph.errors import ParseError
from graph.model import PlanExtract
from graph.records import plan_records


def assert_valid_extract(ex: PlanExtract) -> None:
    """A PlanExtract that survives its own JSON round trip, whose references resolve and whose
    spans point into its text, and that flattens into graph records."""
    assert isinstance(ex, PlanExtract)
    again = PlanExtract.model_validate_json(ex.model_dump_json())
    assert again.to_json_dict() == ex.to_json_dict()
    assert ex.plan.title.strip(), "a plan needs a title"
    ids = [t.id for t in ex.tasks]
    assert len(ids) == len(set(ids)), "task ids are unique"
    known = set(ids)
    depts = {d.name for d in ex.departments}
    n = len(ex.text)
    for t in ex.tasks:
        assert t.parent is None or t.parent in known, (t.id, t.parent)
        assert set(t.lead) | set(t.support) <= depts, (t.id, t.lead, t.support)
        assert 0 <= t.span[0] <= t.span[1] <= n, (t.id, t.span, n)
    for g in ex.targets:
        assert g.task is None or g.task in known, (g.id, g.task)
        assert 0 <= g.span[0] <= g.span[1] <= n
    for p in ex.phases:
        assert 0 <= p.span[0] <= p.span[1] <= n
    rec = plan_records(ex)
    node_ids = {node.id for node in rec.nodes}
    assert rec.plan_id in node_ids
    for r in rec.relations:
        assert r.src in node_ids, (r.type, r.src)
        assert r.dst in node_ids, (r.type, r.dst)


def assert_one_line_error(err: BaseException, name: str, words: tuple[str, ...] = ()) -> str:
    """A ParseError whose message is one line, names the file and, if given, the problem."""
    assert isinstance(err, ParseError), f"{type(err).__name__}: {err}"
    msg = str(err)
    assert msg.strip() and "\n" not in msg.strip(), repr(msg)
    assert name in msg, f"the message does not name {name}: {msg}"
    assert "Traceback" not in msg
    if words:
        assert any(w in msg for w in words), f"none of {words} in: {msg}"
    return msg
