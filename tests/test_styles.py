"""One small realistic plan per annotation style (issue #3), checked task by task.

The long documents with gold files live in tests/corpus/ (test_loader_corpus.py); these are the
unit-sized cases, one rule each, so a failure names the rule that broke.
"""

from __future__ import annotations

import pytest

from loaders import extract_text

HEAD = "{p}人民政府办公室关于印发《{p}{t}实施方案》的通知\n某政办发〔2023〕5号\n2023年3月1日\n{p}{t}实施方案\n"


def plan(body: str, topic: str = "产业发展", place: str = "某市") -> str:
    return HEAD.format(t=topic, p=place) + body


def roles(text: str) -> dict[str, tuple[list[str], list[str]]]:
    ex = extract_text(text)
    return {t.number: (t.lead, t.support) for t in ex.tasks if t.lead or t.support}


def aliases(text: str) -> dict[str, str]:
    ex = extract_text(text)
    return {a: d.name for d in ex.departments for a in d.aliases}


@pytest.mark.parametrize(
    "annotation",
    [
        "(牵头部门:市发改委、市工信局;配合部门:市财政局、市商务局)",
        "（牵头单位：市发改委、市工信局；配合单位：市财政局、市商务局）",
        "(牵头单位:市发改委、市工信局,协办单位:市财政局、市商务局)",
        "（牵头单位：市发改委、市工信局，参与单位：市财政局，市商务局）",
        "【牵头单位：市发改委、市工信局；配合单位：市财政局、市商务局】",
        "〔牵头单位:市发改委、市工信局;配合单位:市财政局及市商务局〕",
        "(配合单位:市财政局、市商务局;牵头单位:市发改委、市工信局)",
    ],
)
def test_keyed_brackets_any_punctuation_any_order(annotation):
    text = plan(f"一、重点任务\n(一)培育新兴产业。加快培育新材料产业集群。{annotation}\n")
    ex = extract_text(text)
    [t] = ex.tasks
    names = {a: d.name for d in ex.departments for a in d.aliases}
    assert t.lead == [names["市发改委"], names["市工信局"]]
    assert t.support == [names["市财政局"], names["市商务局"]]


@pytest.mark.parametrize("number", ["一、", "(一)", "1.", "(1)", "①"])
def test_annotation_at_any_heading_level(number):
    text = plan(f"二、主要任务\n{number}建设数字园区。推动企业上云。(牵头单位:市大数据局;配合单位:市工信局)\n")
    ex = extract_text(text)
    t = next(t for t in ex.tasks if t.lead)
    assert t.number == number
    assert t.title == "建设数字园区"
    assert (t.lead, t.support) == (["大数据局"], ["工信局"])


def test_separate_lines_with_lead_make_responsible_units_supporting():
    text = plan(
        "二、重点任务\n(一)提升景区品质。推动A级景区提档升级。\n牵头单位：市文化广电和旅游局\n"
        "责任单位：市发展改革委、市财政局\n完成时限：2024年12月底前\n"
        "(二)发展夜间经济。打造夜间消费集聚区。\n责任单位：市商务局、市文化广电和旅游局\n完成时限：长期坚持\n"
    )
    ex = extract_text(text)
    first, second = ex.tasks
    assert first.lead == ["文旅局"] and first.support == ["发改委", "财政局"]
    assert first.deadline == "2024"
    # only 责任单位: they are the responsible (lead) units
    assert second.lead == ["商务局", "文旅局"] and second.support == []
    assert second.deadline is None


def test_responsible_leader_is_a_person_never_a_department():
    text = plan("二、重点任务\n1.整治扬尘污染。严格落实施工工地扬尘防治措施。"
                "(责任领导:张三;牵头单位:市住建局;责任单位:市城管局、市交通运输局)\n"
                "2.治理黑臭水体。(责任领导:市政府副市长 李四、王五同志;牵头单位:市水务局)\n")
    ex = extract_text(text)
    one, two = ex.tasks
    assert one.persons == ["张三"] and one.lead == ["住建局"] and one.support == ["城管局", "交通运输局"]
    assert two.persons == ["李四", "王五"]
    assert not {"张三", "李四", "王五"} & {a for d in ex.departments for a in d.aliases}


def test_duty_division_brackets_and_sentences():
    text = plan(
        "二、重点任务\n(一)优化审批服务。推行承诺制审批。〔责任单位:市行政审批局、市住建局按职责分工负责〕\n"
        "(二)建设信用体系。完善守信激励机制。由市发改委牵头,市人民银行、市市场监管局配合。\n"
        "(三)加强执法监督。规范行政裁量权。市司法局负责,各县(市、区)人民政府配合。\n"
        "(四)推进政务公开。市政府办公室、市政务服务局按职责分工负责。\n"
    )
    r = roles(text)
    assert r["(一)"] == (["行政审批局", "住建局"], [])
    assert r["(二)"] == (["发改委"], ["人民银行", "市场监管局"])
    assert r["(三)"] == (["司法局"], ["各县(市、区)人民政府"])
    assert r["(四)"] == (["政府办", "政务服务局"], [])


def test_first_listed_leads_convention():
    text = plan(
        "各项任务中,列第一位的为牵头单位,其他为配合单位。\n二、重点任务\n"
        "(一)建设政务云。(责任单位:市大数据局、市财政局、市工信局)\n"
        "(二)共享政务数据。(责任单位:市政务服务局)\n"
    )
    r = roles(text)
    assert r["(一)"] == (["大数据局"], ["财政局", "工信局"])
    assert r["(二)"] == (["政务服务局"], [])


def test_same_below_party_joins_every_later_annotated_task():
    text = plan(
        "二、重点任务\n(一)改造老旧小区。(牵头单位:区住建局;配合单位:区财政局,各街道办事处(下同))\n"
        "(二)加装电梯。(牵头单位:区住建局;配合单位:区市场监管局)\n"
        "(三)完善物业管理。(牵头单位:区住建局)\n", topic="老旧小区改造", place="某区")
    r = roles(text)
    assert r["(一)"][1] == ["财政局", "各街道办事处"]
    assert r["(二)"][1] == ["市场监管局", "各街道办事处"]
    assert r["(三)"][1] == ["各街道办事处"]


def test_note_that_a_party_takes_part_in_every_task():
    text = plan(
        "二、重点任务\n各乡镇人民政府作为各项任务的配合单位,以下不再逐项列出。\n"
        "(一)强化源头治理。(牵头单位:县农业农村局)\n"
        "(二)加强流通监管。(牵头单位:县市场监管局;配合单位:县商务局)\n", place="某县")
    r = roles(text)
    assert r["(一)"] == (["农业农村局"], ["各乡镇人民政府"])
    assert r["(二)"] == (["市场监管局"], ["商务局", "各乡镇人民政府"])


def test_collective_parties_and_scope():
    text = plan("二、重点任务\n(一)推进乡村建设。(牵头单位:市农业农村局;配合单位:有关县区人民政府、"
                "各乡镇人民政府、市直有关部门、各相关单位)\n")
    ex = extract_text(text)
    depts = {d.name: d for d in ex.departments}
    for name in ("有关县区人民政府", "各乡镇人民政府", "各相关部门"):
        assert depts[name].collective, name
    assert depts["各乡镇人民政府"].scope == "all"
    assert depts["有关县区人民政府"].scope == "some"
    assert "市直有关部门" in {a for d in ex.departments if d.collective for a in d.aliases}


def test_and_ji_split_two_parties_and_shared_suffixes():
    r = roles(plan("二、重点任务\n(一)保护漓江。(牵头单位:市生态环境局;配合单位:档案史志馆及各相关部门,"
                   "阳朔县、灵川县人民政府)\n"))
    assert r["(一)"][1] == ["档案史志馆", "各相关部门", "阳朔县人民政府", "灵川县人民政府"]


def test_registry_canonical_names_keep_every_written_form():
    text = plan("二、重点任务\n(一)甲。(牵头单位:市发展和改革委员会)\n(二)乙。(牵头单位:市发改委)\n"
                "(三)丙。(牵头单位:某市发展改革局)\n")
    ex = extract_text(text)
    [d] = [d for d in ex.departments if d.name == "发改委"]
    assert d.aliases == sorted(["市发展和改革委员会", "市发改委", "某市发展改革局"])
    assert all(t.lead == ["发改委"] for t in ex.tasks)


def test_other_levels_keep_their_prefix():
    r = roles(plan("二、重点任务\n(一)争取政策。(牵头单位:市科技局;配合单位:省科技厅)\n"))
    assert r["(一)"] == (["科技局"], ["省科技厅"])


def test_abbreviation_defined_in_the_text_is_merged():
    ex = extract_text(plan("二、重点任务\n(一)甲。(牵头单位:市发展和改革委员会;配合单位:市大数据局)\n"
                           "(二)乙。(牵头单位:市大数据局)\n"))
    assert {t.number: t.lead for t in ex.tasks} == {"(一)": ["发改委"], "(二)": ["大数据局"]}


def test_look_alike_names_become_candidates():
    ex = extract_text(plan("二、重点任务\n(一)甲。(牵头单位:市政务局)\n(二)乙。(牵头单位:市政务服务局)\n"))
    assert [c.names for c in ex.alias_candidates] == [("政务局", "政务服务局")]


@pytest.mark.parametrize(
    "table",
    [
        "序号\t重点任务\t具体措施\t牵头单位\t配合单位\t完成时限\n"
        "1\t建设冷链物流\t新建冷库10万吨。\t市发改委\t市商务局、市农业农村局\t2024年12月\n"
        "2\t打响区域品牌\t每年举办推介会。\t市市场监管局\t\t每年\n",
        "| 序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限 |\n|---|---|---|---|---|---|\n"
        "| 1 | 建设冷链物流 | 新建冷库10万吨。 | 市发改委 | 市商务局、市农业农村局 | 2024年12月 |\n"
        "| 2 | 打响区域品牌 | 每年举办推介会。 | 市市场监管局 | / | 每年 |\n",
        "序号\n重点任务\n具体措施\n牵头单位\n配合单位\n完成时限\n"
        "1\n建设冷链物流\n新建冷库10万吨。\n市发改委\n市商务局、市农业农村局\n2024年12月\n"
        "2\n打响区域品牌\n每年举办推介会。\n市市场监管局\n—\n每年\n",
        "序号 重点任务 具体措施 牵头单位 配合单位 完成时限\n"
        "1 建设冷链物流 新建冷库10万吨。 市发改委 市商务局市农业农村局 2024年12月\n"
        "2 打响区域品牌 每年举办推介会。 市市场监管局 每年\n",
    ],
    ids=["tabs", "pipes", "cell-per-line", "glued"],
)
def test_task_tables_in_text(table):
    text = plan("一、发展目标\n到2025年,冷链物流能力明显提升。\n二、重点任务\n具体分工见附件。\n附件\n"
                "某市重点任务分工表\n" + table)
    ex = extract_text(text)
    assert [(t.number, t.title, t.lead, t.support) for t in ex.tasks] == [
        ("1", "建设冷链物流", ["发改委"], ["商务局", "农业农村局"]),
        ("2", "打响区域品牌", ["市场监管局"], []),
    ]
    assert ex.tasks[0].deadline == "2024" and ex.tasks[1].deadline is None
    [target] = ex.targets
    assert (target.task, target.value, target.unit, target.deadline) == (ex.tasks[0].id, 10, "万吨", "2024")


def test_table_with_person_and_responsible_columns():
    text = plan("二、重点任务\n序号\t工作任务\t责任领导\t牵头单位\t责任单位\n"
                "1\t建设智慧停车场\t张三\t市城管局\t市公安局交警支队、市住建局\n")
    [t] = extract_text(text).tasks
    assert (t.persons, t.lead, t.support) == (["张三"], ["城管局"], ["公安局交警支队", "住建局"])


def test_circled_numbers_nest_under_arabic_ones():
    text = plan("二、重点任务\n1.稳定大豆生产。\n①落实补贴政策。(省财政厅牵头,省农业农村厅配合)\n"
                "②推广轮作。(省农业农村厅牵头)\n2.提升加工水平。(省工业和信息化厅牵头)\n")
    ex = extract_text(text)
    assert [(t.id, t.parent) for t in ex.tasks] == [
        ("1.", None), ("①", "1."), ("②", "1."), ("2.", None)]
    assert [t.path for t in ex.tasks] == ["二、1.", "二、1.①", "二、1.②", "二、2."]
    assert ex.tasks[1].lead == ["省财政厅"] and ex.tasks[1].support == ["省农业农村厅"]


def test_coverage_shows_tasks_without_responsibility():
    text = plan("二、重点任务\n(一)甲。(牵头单位:市科技局)\n(二)乙。加强宣传引导。\n(三)丙。(牵头单位:市财政局)\n")
    ex = extract_text(text)
    assert ex.coverage.annotations == 2
    assert ex.coverage.tasks == 3
    assert ex.coverage.tasks_without_responsibility == ["(二)"]


def test_coverage_of_a_plan_without_any_annotation():
    ex = extract_text(plan("一、指导思想\n坚持创新驱动。\n二、重点任务\n(一)甲。加强宣传。\n(二)乙。强化督查。\n"))
    assert ex.coverage.annotations == 0
    assert ex.coverage.tasks_without_responsibility == ["(一)", "(二)"]


def test_enterprises_partners_and_bodies():
    text = plan("二、重点任务\n(一)做强龙头。支持蒙牛乳业、内蒙古优然牧业有限责任公司扩大产能,深化与中国农业科学院、"
                "内蒙古农业大学合作。(牵头单位:市农牧局)\n三、保障措施\n(一)加强组织领导。成立以市长为组长的"
                "某市奶业振兴工作领导小组,统筹推进各项工作。\n")
    ex = extract_text(text)
    [t] = [t for t in ex.tasks if t.lead]
    assert t.enterprises == ["蒙牛乳业", "内蒙古优然牧业有限责任公司"]
    assert t.partners == ["农科院", "内蒙古农业大学"]
    assert "乳业" in t.chains
    assert ex.coordinating_bodies == ["某市奶业振兴工作领导小组"]


def test_lead_marked_inside_a_list():
    r = roles(plan("二、重点任务\n(一)推进改革。(责任单位:市发展改革委(牵头)、市财政局、市商务局)\n"
                   "(二)建设平台。\n责任单位：市科技局（牵头），市教育局\n"))
    assert r["(一)"] == (["发改委"], ["财政局", "商务局"])
    assert r["(二)"] == (["科技局"], ["教育局"])


def test_table_rows_numbered_in_chinese_with_a_marked_lead():
    text = plan("二、重点任务\n序号\t重点任务\t责任单位\t完成时限\n"
                "一\t建设平台\t市大数据局（牵头）、市财政局\t2024年\n二\t开放数据\t市政务服务局\t2025年\n")
    ex = extract_text(text)
    assert [(t.number, t.title, t.lead, t.support, t.deadline) for t in ex.tasks] == [
        ("一", "建设平台", ["大数据局"], ["财政局"], "2024"),
        ("二", "开放数据", ["政务服务局"], [], "2025"),
    ]


@pytest.mark.parametrize(
    ("sentence", "lead", "support", "deadline"),
    [
        ("推进改革。\n责任单位：市商务局、市发展改革委（按职责分工负责）", ["商务局", "发改委"], [], None),
        ("推进改革。〔市住房城乡建设局、市城管局,各区政府〕", ["住建局", "城管局", "各区政府"], [], None),
        ("推进改革。（牵头单位：市委宣传部；责任单位：各县〔市、区〕人民政府）", ["宣传部"],
         ["各县(市、区)人民政府"], None),
        ("推进改革。（市公安局、各区县政府按职责分工负责，2023年12月底前完成）",
         ["公安局", "各县(市、区)人民政府"], [], "2023"),
        ("推进改革。（市发展改革委牵头，市有关部门按职责分工负责）", ["发改委"], ["各相关部门"], None),
        ("建设技术创新中心(分中心)或研究中心1家。", [], [], None),
        ("市农业农村局牵头，市财政局、市自然资源和规划局等部门配合。", ["农业农村局"],
         ["财政局", "自然资源局"], None),
    ],
)
def test_more_real_world_annotations(sentence, lead, support, deadline):
    ex = extract_text(plan("二、重点任务\n(一)甲。" + sentence + "\n"))
    t = ex.tasks[0] if ex.tasks else None
    got = (t.lead, t.support, t.deadline) if t else ([], [], None)
    assert got == (lead, support, deadline)


def test_keyed_value_repeating_the_lead_verb_and_residents_committees():
    """牵头:A、B共同牵头 — both lead; 社区居委会 / 村委会 are bodies."""
    body = ("一、重点任务\n(一)保障用地。(牵头:市自然资源局、市发改委共同牵头;配合:市电力公司)\n"
            "(二)培育示范小区。责任单位:和平社区居委会(牵头),建华村委会、市城管局。\n")
    got = roles(plan(body))
    assert got["(一)"] == (["自然资源局", "发改委"], ["电力公司"])
    assert got["(二)"] == (["和平社区居委会"], ["建华村委会", "城管局"])


def test_table_cell_holding_a_duty_sentence():
    """A 责任单位 cell written as a sentence: A牵头,B、C配合 / A、B按职责分工负责."""
    body = ("三、主要任务\n序号\t工作任务\t责任单位\t完成时限\n"
            "1\t排查安全隐患\t市住房城乡建设局牵头,市市场监管局、市应急管理局配合\t2024年6月\n"
            "2\t整治非法经营\t市商务局、市市场监管局按职责分工负责\t2024年9月\n")
    got = roles(plan(body))
    assert got["1"] == (["住建局"], ["市场监管局", "应急管理局"])
    assert got["2"] == (["商务局", "市场监管局"], [])


def test_parties_before_a_bare_duty_bracket():
    body = ("一、重点任务\n(一)盘活资产。盘活闲置项目15个以上。市国资委、市文化和旅游局(按职责分工负责)\n"
            "(二)建设平台。(牵头单位:市科技局)\n")
    got = roles(plan(body))
    assert got["(一)"] == (["国资委", "文旅局"], [])


def test_chapter_section_and_article_numbers_nest():
    """第一章 > 第一节 > (一): 第二节 under 第二章 is a section, not a new chapter."""
    body = ("第一章 总体要求\n第一节 发展目标\n到2026年建成景区5个。\n第二章 重点任务\n第一节 提升品质\n"
            "(一)建设景区。(牵头单位:市文旅局)\n第二节 丰富业态\n(二)发展运动。(牵头单位:市体育局)\n")
    ex = extract_text(plan(body))
    by_title = {t.title: t for t in ex.tasks}
    assert by_title["丰富业态"].path == "第二章第二节" and by_title["发展运动"].parent == by_title["丰富业态"].id


def test_letter_numbered_items_and_their_label_lines():
    """a) b) items under 1.: label lines after 1. label it, those after b) label b); …署 is a body."""
    body = ("二、主要任务\n1.完善设施。统筹建设起降点。\n责任主体:区工业和信息化局\n协同单位:区住房和建设局\n"
            "a)建设基础设施。完成服务中心建设。\nb)布局起降网络。建设起降点80个。\n责任主体:区住房和建设局\n"
            "协同单位:粤海街道办事处\n2.培育产业集群。引进企业30家。\n责任主体:区投资推广署\n")
    ex = extract_text(plan(body, place="某区"))
    got = {t.number: (t.lead, t.support, t.parent) for t in ex.tasks}
    assert got["1."] == (["工信局"], ["住房和建设局"], None)
    assert got["b)"] == (["住房和建设局"], ["粤海街道办事处"], "1.")
    assert got["a)"][2] == "1." and got["2."][0] == ["投资推广署"]
    assert [(g.task, g.value) for g in ex.targets] == [("b)", 80), ("2.", 30)]
