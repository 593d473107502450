"""Plan header, period, phases and coordinating bodies in the shapes plans print them."""

from __future__ import annotations

from loaders import extract_text


def test_issuer_on_its_own_line_and_a_chinese_date():
    ex = extract_text("某县人民政府办公室\n关于印发某县乡村振兴实施方案的通知\n某政办〔2023〕9号\n"
                      "某县人民政府办公室\n二〇二三年三月十一日\n某县乡村振兴实施方案\n二、重点任务\n"
                      "(一)甲。(牵头单位:县农业农村局)\n")
    p = ex.plan
    assert (p.title, p.issuer, p.doc_number, p.issued_date) == (
        "某县乡村振兴实施方案", "某县人民政府办公室", "某政办〔2023〕9号", "2023-03-11")
    assert (p.place, p.level) == ("某县", "县")


def test_portal_fields_and_period():
    text = ("索引号:123\t发布机构:某市人民政府办公室\t成文日期:2022年06月10日\n文号:某政办发〔2022〕18号\n"
            "某市数字经济三年行动计划(2022—2024年)\n为贯彻落实《某省数字经济发展规划》和《某省“十四五”数字政府建设规划》,"
            "制定本计划。\n一、重点任务\n(一)甲。(牵头单位:市大数据局)\n")
    p = extract_text(text).plan
    assert p.title == "某市数字经济三年行动计划"
    assert p.issuer == "某市人民政府办公室"
    assert p.issued_date == "2022-06-10"
    assert p.doc_number == "某政办发〔2022〕18号"
    assert p.period == ("2022", "2024")
    assert p.implements == ["某省数字经济发展规划", "某省“十四五”数字政府建设规划"]


def test_one_year_plan_period():
    p = extract_text("某区2023年稳就业工作方案\n一、工作任务\n(一)甲。(牵头单位:区人社局)\n").plan
    assert p.period == ("2023", "2023")


def test_phases_as_headings_and_as_lines():
    head = "某县人民政府办公室关于印发《某县甲方案》的通知\n2023年2月1日\n某县甲方案\n(2023—2024年)\n"
    ex = extract_text(head + "三、实施步骤\n(一)准备阶段(2023年1月—3月)。摸底。\n(二)实施阶段(2023年4月—2024年10月)。\n"
                      "(三)验收阶段(2024年12月底前)。\n")
    assert [(p.name, p.start, p.end) for p in ex.phases] == [
        ("准备阶段", "2023-01", "2023-03"), ("实施阶段", "2023-04", "2024-10"), ("验收阶段", None, "2024-12")]
    ex = extract_text(head + "三、实施步骤\n第一阶段:动员部署(2023年3月—4月)。\n第二阶段:全面实施(2023年5月—2024年10月)。\n")
    assert [(p.name, p.start, p.end) for p in ex.phases] == [
        ("第一阶段", "2023-03", "2023-04"), ("第二阶段", "2023-05", "2024-10")]


def test_coordinating_bodies():
    ex = extract_text("某市甲方案\n一、重点任务\n(一)甲。(牵头单位:市科技局)\n二、保障措施\n"
                      "(一)加强组织领导。成立以市长为组长的某市科技创新工作领导小组,领导小组办公室设在市科技局。"
                      "建立市级联席会议制度。\n(二)强化统筹。市生态环境保护委员会统筹推进污染防治工作。\n")
    assert ex.coordinating_bodies[0] == "某市科技创新工作领导小组"
    assert "市级联席会议" in ex.coordinating_bodies
