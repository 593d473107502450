"""Plans without numbered headings: each paragraph carrying a responsibility annotation is a task
(number = its ordinal, title = its first sentence), so the annotations are not lost."""

from __future__ import annotations

import re
from pathlib import Path

from loaders import extract_text

SEED = Path(__file__).resolve().parent / "data" / "seed.txt"
_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、])")


def test_seed_with_its_numbers_stripped_keeps_every_annotated_task():
    seed = SEED.read_text(encoding="utf-8")
    stripped = "\n".join(_NUMBER.sub("", line) for line in seed.split("\n"))
    assert stripped != seed
    numbered, headless = extract_text(seed), extract_text(stripped)
    annotated = [t for t in numbered.tasks if t.annotation]
    assert len(annotated) == 18 and headless.coverage.annotations == numbered.coverage.annotations
    assert [(t.title, t.lead, t.support) for t in headless.tasks] == [
        (t.title, t.lead, t.support) for t in annotated]
    assert [t.number for t in headless.tasks] == [str(k) for k in range(1, 19)]
    assert headless.coverage.tasks == 18 and headless.coverage.tasks_without_responsibility == []
    # a task's targets stay with it: the paragraph's own text, not up to the next annotated one
    assert [(x.task, x.value) for x in headless.targets if x.task == "3"] == [("3", 2.0)]


def test_label_lines_belong_to_the_paragraph_above_and_duties_in_safeguards_are_not_tasks():
    text = (
        "某市人民政府办公室关于印发某市物流行动方案的通知\n某市物流行动方案\n"
        "重点任务\n"
        "建设冷链物流中心。新建冷库10万吨。\n牵头单位:市发改委\n配合单位:市商务局、市财政局\n"
        "发展多式联运。推进铁水联运。(牵头单位:市交通运输局)\n"
        "培育物流企业。引育龙头企业3家。由市商务局牵头,市财政局配合。\n"
        "保障措施\n"
        "市财政局负责统筹资金保障。\n"
    )
    ex = extract_text(text)
    assert [(t.id, t.title, t.lead, t.support) for t in ex.tasks] == [
        ("1", "建设冷链物流中心", ["发改委"], ["商务局", "财政局"]),
        ("2", "发展多式联运", ["交通运输局"], []),
        ("3", "培育物流企业", ["商务局"], ["财政局"]),
    ]
    assert [(x.task, x.value, x.unit) for x in ex.targets] == [("1", 10.0, "万吨"), ("3", 3.0, "家")]


def test_numbered_plans_are_untouched_by_the_paragraph_rule():
    ex = extract_text(SEED.read_text(encoding="utf-8"))
    assert ex.tasks and all(re.search(r"\D", t.number) for t in ex.tasks)  # (二), (1), 5. …
