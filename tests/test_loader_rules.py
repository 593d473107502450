"""General rules learnt from blind round 3 (tests/blind/round3), each on a small plan of its own:
table group rows, rule sentences that name no task owner, villages and prefixed registry names as
parties, a person's title in brackets, a city bureau's county branch."""

from __future__ import annotations

from loaders import extract_text
from loaders.departments import load_registry, looks_like_department
from loaders.tables import split_glued

HEAD = "某县人民政府办公室关于印发《某县设备更新工作方案》的通知\n2024年3月1日\n某县设备更新工作方案\n"


def _tasks(text: str) -> list[tuple[str, str | None, str, list[str], list[str]]]:
    return [(t.id, t.parent, t.title, t.lead, t.support) for t in extract_text(HEAD + text).tasks]


def test_table_group_rows_are_task_groups_over_the_rows_below() -> None:
    table = (
        "一、重点任务\n| 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |\n|---|---|---|---|---|\n"
        "| (一)设备更新行动 | | | | |\n| 1 | 推进工业设备更新 | 县经信局 | 县财政局 | 2024年12月底前 |\n"
        "| 2 | 推进农机更新 | 县农业农村局 | 县财政局 | 2024年12月底前 |\n"
        "| (二)以旧换新行动 | | | | |\n| 3 | 开展汽车以旧换新 | 县商务局 | 县公安局 | 2024年10月底前 |\n"
    )
    assert _tasks(table) == [
        ("(一)", None, "设备更新行动", [], []),
        ("1", "(一)", "推进工业设备更新", ["经信局"], ["财政局"]),
        ("2", "(一)", "推进农机更新", ["农业农村局"], ["财政局"]),
        ("(二)", None, "以旧换新行动", [], []),
        ("3", "(二)", "开展汽车以旧换新", ["商务局"], ["公安局"]),
    ]


def test_sentences_about_the_document_or_its_conventions_name_no_owner() -> None:
    text = (
        "一、重点任务\n各项任务所列责任单位中,排在第一位的为牵头单位,其他单位按职责分工负责。\n"
        "(一)推进设备更新。(责任单位:县经信局、县财政局)\n"
        "二、附则\n(一)本方案由县商务局负责解释。\n"
    )
    assert _tasks(text) == [("(一)", None, "推进设备更新", ["经信局"], ["财政局"])]


def test_villages_prefixed_registry_names_and_titled_persons() -> None:
    text = (
        "一、重点任务\n1.建设示范点。建设茶园观光步道。\n"
        "分管领导:林丽华(镇党委副书记) 牵头单位:槐植村 配合单位:石门村、县贸促会 责任人:黄志明、各村党支部书记\n"
    )
    [t] = extract_text(HEAD + text).tasks
    assert (t.lead, t.support, t.persons) == (["槐植村"], ["石门村", "贸促会"], ["林丽华", "黄志明"])
    reg = load_registry()
    assert not any(looks_like_department(w, reg) for w in ("美丽乡村", "示范村", "智慧社区", "新农村"))


def test_a_place_and_a_branch_word_stay_with_the_body_before_them() -> None:
    from dataclasses import replace

    reg = replace(load_registry(), places=("长兴县", "长兴"))
    assert split_glued("湖州市生态环境局长兴分局", reg) == ["湖州市生态环境局长兴分局"]
    assert split_glued("县发改局长兴县财政局", reg) == ["县发改局", "长兴县财政局"]


def test_inline_circled_items_with_their_own_roles_are_tasks() -> None:
    text = (
        "一、重点任务\n2．拓展居家服务。①开展适老化改造，累计完成改造3000户（县民政局牵头，县残联参与）；"
        "②发展家庭养老床位，家庭养老床位达到2000张（县民政局牵头，县医保局参与）。\n"
        "3．发展社区服务。①推进设施建设；②推动加装电梯。（牵头单位：县住建局）\n"
    )
    ex = extract_text(HEAD + text)
    got = [(t.id, t.parent, t.title, t.lead, t.support) for t in ex.tasks]
    assert got == [
        ("2.", None, "拓展居家服务", [], []),
        ("①", "2.", "开展适老化改造,累计完成改造3000户", ["民政局"], ["残联"]),
        ("②", "2.", "发展家庭养老床位,家庭养老床位达到2000张", ["民政局"], ["医保局"]),
        ("3.", None, "发展社区服务", ["住建局"], []),
    ]
    # a target's clause ends where the item's annotation begins
    assert [(g.task, g.text) for g in ex.targets] == [("①", "累计完成改造3000户"), ("②", "家庭养老床位达到2000张")]


def test_table_leaders_month_deadlines_and_bodies_of_a_one_year_plan() -> None:
    head = "某县人民政府办公室关于印发《某县2024年工业经济工作清单》的通知\n2024年3月1日\n某县2024年工业经济工作清单\n"
    text = (
        "一、重点工作\n| 序号 | 工作任务 | 责任领导 | 牵头单位 | 时间节点 |\n|---|---|---|---|---|\n"
        "| 1 | 实施技改行动 | 县委常委、常务副县长 王建平 | 县经信局 | 12月底前 |\n"
        "| 2 | 开展专题培训 | 副县长 沈国强 | 县人社局 | 每季度 |\n"
        "二、保障措施\n(一)加强组织领导。成立县推动设备更新和消费品以旧换新工作专班,统筹推进各项工作。\n"
        "(二)强化统筹。在县老龄工作委员会统筹下,定期研究解决重大问题。\n"
    )
    ex = extract_text(head + text)
    assert [(t.id, t.persons, t.deadline) for t in ex.tasks] == [("1", ["王建平"], "2024"), ("2", ["沈国强"], None)]
    assert ex.coordinating_bodies == ["县推动设备更新和消费品以旧换新工作专班"]


def test_html_doctype_and_comments_are_not_page_text() -> None:
    from loaders.html import html_text

    page = "<!DOCTYPE html><html><body><!-- 模板注释 --><p>某县实施方案</p></body></html>"
    assert html_text(page) == "某县实施方案"


def test_markdown_marks_and_a_purpose_article() -> None:
    from loaders import extract_bytes

    md = (
        "# 某市人民政府办公室关于印发《某市外贸若干措施》的通知\n\n**某府办〔2024〕1号**\n\n某市人民政府办公室\n\n"
        "2024年4月26日\n\n---\n\n## 某市外贸若干措施\n\n"
        "第一条 为贯彻落实《国务院办公厅关于推动外贸稳规模优结构的意见》,制定本措施。\n\n"
        "第二条 支持企业开拓市场。(主责单位:市商务局;协同单位:国家税务总局某市税务局)\n"
    )
    ex = extract_bytes(md.encode("utf-8"), "plan.md")
    assert ex.plan.issuer == "某市人民政府办公室" and ex.plan.doc_number == "某府办〔2024〕1号"
    assert ex.plan.implements == ["国务院办公厅关于推动外贸稳规模优结构的意见"]
    assert [(t.id, t.lead, t.support) for t in ex.tasks] == [("第二条", ["商务局"], ["国家税务总局某市税务局"])]
    reg = load_registry()
    assert split_glued("国家税务总局嘉兴市秀洲区税务局", reg) == ["国家税务总局嘉兴市秀洲区税务局"]


def test_a_company_acting_as_a_party_is_an_enterprise_of_the_task() -> None:
    text = "一、重点任务\n(一)提升通关效率。深化两步申报改革。本条由县商务局牵头,县港务集团有限公司、县供电公司配合。\n"
    [t] = extract_text(HEAD + text).tasks
    assert t.support == ["港务集团有限公司", "供电公司"]
    assert t.enterprises == []  # named by a level prefix only: no enterprise shared across places
    [t] = extract_text(HEAD + text.replace("县港务集团", "东莞港务集团")).tasks
    assert t.enterprises == ["东莞港务集团有限公司"]


def test_a_college_of_a_university_is_one_partner_and_universities_as_parties_are_partners() -> None:
    text = ("一、重点任务\n(一)开展技能培训。联合福建农林大学安溪茶学院、中国科学院地球化学研究所开展培训。"
            "(牵头单位:县农业农村局;配合单位:扬州开放大学)\n")
    [t] = extract_text(HEAD + text).tasks
    assert t.partners == ["福建农林大学安溪茶学院", "中国科学院地球化学研究所", "扬州开放大学"]


def test_a_bracket_inside_the_heading_sentence_is_not_part_of_the_title() -> None:
    text = ("第三条 推动跨境电商发展(主责单位:县商务局;协同单位:县邮政管理局)。支持企业建设海外仓。\n"
            "第四条 提升通关便利化水平。本条由县商务局牵头,县财政局配合。\n")
    assert _tasks(text) == [("第三条", None, "推动跨境电商发展", ["商务局"], ["邮政管理局"]),
                            ("第四条", None, "提升通关便利化水平", ["商务局"], ["财政局"])]


# ---- round 4 (tests/blind/round4) ---------------------------------------------------------------


def test_roles_after_a_dash_with_an_abbreviation_guiding_and_implementing_parties() -> None:
    text = (
        "一、重点任务\n(一)整治街巷路面。整治破损路面。——县住房建设和交通局(以下简称县住建交局)负责,各乡镇人民政府协助。\n"
        "(二)规范架空线。完成架空线整治。——县住建交局牵头,县经信局协助。\n"
        "(三)培育特色业态。引导小店经济发展。——县商务局负责,县市场监管局协助,相关乡镇人民政府具体实施。\n"
        "(四)建立管护机制。落实街巷长制。——各乡镇人民政府负责,县综合行政执法局、县住建交局指导。\n"
    )
    assert _tasks(text) == [
        ("(一)", None, "整治街巷路面", ["住房建设和交通局"], ["各乡镇人民政府"]),
        ("(二)", None, "规范架空线", ["住房建设和交通局"], ["经信局"]),
        ("(三)", None, "培育特色业态", ["商务局"], ["市场监管局", "有关乡镇人民政府"]),
        ("(四)", None, "建立管护机制", ["各乡镇人民政府"], ["综合行政执法局", "住房建设和交通局"]),
    ]


def test_a_period_inside_a_named_plan_is_not_the_plans_own() -> None:
    head = "某县人民政府办公室关于印发《某县2024年街巷整治工作方案》的通知\n2024年1月26日\n某县2024年街巷整治工作方案\n"
    text = ("为贯彻落实《某市街巷整治三年行动方案(2023—2025年)》,制定本方案。\n"
            "一、重点任务\n(一)整治街巷。全年完成整治120条。(牵头单位:县住建局)\n")
    ex = extract_text(head + text)
    assert ex.plan.period == ("2024", "2024")
    assert [t.deadline for t in ex.targets] == ["2024"]


def test_yishi_items_with_their_own_roles_are_tasks_and_the_closing_sentence_stays_with_the_paragraph() -> None:
    text = (
        "一、重点任务\n(一)强化水源保护。重点抓好三项工作:一是完成水源保护区划定(牵头:县生态环境分局;配合:县水务局);"
        "二是开展水质监测(牵头:县卫生健康局;配合:县疾病预防控制中心);三是配齐消毒设备(牵头:县水务局)。"
        "到2024年底,水质合格率达到95%以上。\n"
        "(二)健全管护机制。一是落实三级管护责任;二是推行以水养水,水费收缴率达到85%。(牵头单位:县水务局;配合单位:县财政局)\n"
    )
    ex = extract_text(HEAD + text)
    assert [(t.id, t.parent, t.title, t.lead, t.support) for t in ex.tasks] == [
        ("(一)", None, "强化水源保护", [], []),
        ("一是", "(一)", "完成水源保护区划定", ["生态环境局"], ["水务局"]),
        ("二是", "(一)", "开展水质监测", ["卫健委"], ["疾病预防控制中心"]),
        ("三是", "(一)", "配齐消毒设备", ["水务局"], []),
        ("(二)", None, "健全管护机制", ["水务局"], ["财政局"]),
    ]
    assert [(g.task, g.text) for g in ex.targets] == [("(一)", "到2024年底,水质合格率达到95%以上"), ("(二)", "水费收缴率达到85%")]


def test_a_year_after_you_is_a_baseline_not_a_deadline() -> None:
    text = "一、重点任务\n(一)提升供水标准。全县自来水普及率由2023年的91%提高到96%。(牵头单位:县水务局)\n"
    [g] = extract_text(HEAD.replace("设备更新工作方案", "2024年供水工作方案") + text).targets
    assert (g.value, g.unit, g.comparator, g.deadline) == (96.0, "%", None, "2024")


def test_an_attached_table_repeating_the_body_headings_gives_them_roles_and_deadlines() -> None:
    text = (
        "一、重点任务\n(一)编制空间规划。2024年底前完成规划编制。\n"
        "(二)建设示范区。每年新增投放人工鱼礁不少于10万空方,到2026年新建示范区2个。\n"
        "(三)完善冷链体系。新增冷库库容不少于5万吨。\n"
        "二、保障措施\n(一)加强组织领导。建立联席会议制度。\n"
        "附件\n某县重点任务分工表\n序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
        "1\t编制空间规划\t县自然资源局\t县农业农村局\t2024年12月底\n"
        "2\t建设示范区\t县农业农村局\t县自然资源局\t2026年12月底\n"
        "3\t完善冷链体系\t县商务局、县农业农村局\t县发展改革局\t2025年12月底\n"
    )
    ex = extract_text(HEAD.replace("设备更新工作方案", "海洋牧场三年行动方案(2024—2026年)") + text)
    assert [(t.id, t.title, t.lead, t.support, t.deadline) for t in ex.tasks] == [
        ("(一)", "编制空间规划", ["自然资源局"], ["农业农村局"], "2024"),
        ("(二)", "建设示范区", ["农业农村局"], ["自然资源局"], "2026"),
        ("(三)", "完善冷链体系", ["商务局", "农业农村局"], ["发改委"], "2025"),
    ]
    assert [(g.task, g.value, g.unit, g.cadence, g.deadline) for g in ex.targets] == [
        ("(二)", 10.0, "万空方", "每年", None), ("(二)", 2.0, "个", None, "2026"), ("(三)", 5.0, "万吨", None, "2025")]


def test_a_two_row_table_header_task_codes_and_a_title_column_beside_the_person() -> None:
    from loaders import extract_bytes

    page = (
        "<html><body><p>某县人民政府办公室关于印发某县2024年营商环境督查督办工作方案的通知</p><p>2024年3月5日</p>"
        "<p>某县2024年营商环境督查督办工作方案</p><p>一、工作目标</p><p>2024年,企业开办时间压缩至0.5个工作日以内。</p>"
        "<p>附表</p><p>某县2024年营商环境重点任务督查督办台账</p><table>"
        "<tr><td rowspan='2'>任务编号</td><td rowspan='2'>工作任务</td><td rowspan='2'>目标要求</td>"
        "<td colspan='2'>责任部门</td><td rowspan='2'>责任人</td><td rowspan='2'>职务</td><td rowspan='2'>完成时限</td></tr>"
        "<tr><td>(牵头)</td><td>(参与)</td></tr>"
        "<tr><td>A-01</td><td>推行企业开办一日办结</td><td>企业开办时间压缩至0.5个工作日以内</td><td>县市场监管局</td>"
        "<td>县政务服务办、县人力社保局</td><td>周海燕</td><td>县市场监管局副局长</td><td>2024年6月底</td></tr>"
        "<tr><td>B-01</td><td>做好重点企业用工服务</td><td>帮助重点企业招工不少于1.2万人</td><td>县人力社保局、县司法局</td>"
        "<td>&nbsp;</td><td>郑伟、黄志强</td><td>县人力社保局副局长、县司法局局长</td><td>长期坚持</td></tr>"
        "</table></body></html>"
    )
    ex = extract_bytes(page.encode("utf-8"), "plan.html")
    assert [(t.id, t.title, t.lead, t.support, t.persons, t.deadline) for t in ex.tasks] == [
        ("A-01", "推行企业开办一日办结", ["市场监管局"], ["政务服务办", "人力社保局"], ["周海燕"], "2024"),
        ("B-01", "做好重点企业用工服务", ["人力社保局", "司法局"], [], ["郑伟", "黄志强"], None),
    ]
    assert [(g.task, g.value, g.unit, g.comparator, g.deadline) for g in ex.targets] == [
        (None, 0.5, "个工作日", "<=", "2024"), ("A-01", 0.5, "个工作日", "<=", "2024"), ("B-01", 1.2, "万人", ">=", "2024")]


def test_a_joint_signature_a_notice_implemented_phases_from_a_table_and_a_body_after_a_verb() -> None:
    doc = (
        "甲市发展和改革委员会 乙市发展和改革委员会\n关于印发《两市充电设施协同发展行动方案》的通知\n"
        "两市充电设施协同发展行动方案\n"
        "为贯彻落实《某省人民政府关于印发促进充电设施发展若干措施的通知》,制定本方案。\n"
        "一、重点任务\n(一)建设快充网络。(甲市交通局牵头,乙市交通局配合)\n"
        "二、实施步骤\n工作分三个阶段推进,具体安排如下:\n实施阶段\t时间安排\t主要工作\n"
        "摸底调查阶段\t2024年3月—4月\t全面排查\n集中建设阶段\t2024年5月—10月\t组织实施\n"
        "三、保障措施\n(一)加强组织领导。建立两市充电设施建设工作联席会议制度,甲市发展改革委负责联席会议日常工作。\n"
        "甲市发展和改革委员会 乙市发展和改革委员会\n2024年5月20日\n"
    )
    ex = extract_text(doc)
    assert ex.plan.issuer == "甲市发展和改革委员会"
    assert ex.plan.implements == ["某省人民政府关于印发促进充电设施发展若干措施的通知"]
    assert [(p.name, p.start, p.end) for p in ex.phases] == [
        ("摸底调查阶段", "2024-03", "2024-04"), ("集中建设阶段", "2024-05", "2024-10")]
    assert ex.coordinating_bodies == ["两市充电设施建设工作联席会议"]


def test_an_annotation_after_the_last_roled_item_is_the_paragraphs() -> None:
    text = ("一、重点任务\n(一)强化水源保护。一是划定水源保护区(牵头:县生态环境局);二是开展水质监测(牵头:县卫生健康局)。"
            "以上工作年内完成检测点位20个。(牵头单位:县水务局;配合单位:县财政局)\n")
    ex = extract_text(HEAD + text)
    assert [(t.id, t.lead, t.support) for t in ex.tasks] == [
        ("(一)", ["水务局"], ["财政局"]), ("一是", ["生态环境局"], []), ("二是", ["卫健委"], [])]
    assert [(g.task, g.value) for g in ex.targets] == [("(一)", 20.0)]


def test_an_abbreviation_the_document_defines_names_the_same_department() -> None:
    text = (
        "一、重点任务\n(一)整治街巷路面。整治破损路面。——县住房建设和交通局(以下简称县住建交局)负责,各乡镇人民政府协助。\n"
        "(二)规范架空线。完成架空线整治。——县住建交局牵头,县经信局协助。\n"
    )
    ex = extract_text(HEAD + text)
    assert [(t.lead, t.support) for t in ex.tasks] == [(["住房建设和交通局"], ["各乡镇人民政府"]),
                                                      (["住房建设和交通局"], ["经信局"])]
    [d] = [d for d in ex.departments if d.name == "住房建设和交通局"]
    assert d.aliases == ["县住建交局", "县住房建设和交通局"]


def test_a_companys_branch_office_acting_as_a_party_is_an_enterprise() -> None:
    text = "一、重点任务\n(一)规范架空线。完成架空线整治。——县住建局牵头,国网成都供电公司武侯供电中心协助。\n"
    [t] = extract_text(HEAD + text).tasks
    assert (t.support, t.enterprises) == (["国网成都供电公司武侯供电中心"], ["国网成都供电公司武侯供电中心"])


def test_a_two_row_header_written_as_two_lines_of_cells() -> None:
    text = (
        "一、工作目标\n2024年,新增市场主体不少于2.5万户。\n附表\n某县重点任务督查督办台账\n"
        "任务编号\t工作任务\t责任部门\t\t责任人\t职务\t完成时限\n"
        "\t\t(牵头)\t(参与)\t\t\t\n"
        "A-01\t深化一网通办改革\t县政务服务办\t县大数据发展管理中心\t陈立峰\t县政务服务办主任\t2024年12月底\n"
        "A-02\t推行企业开办一日办结\t县市场监管局\t县政务服务办\t周海燕\t县市场监管局副局长\t长期坚持\n"
    )
    ex = extract_text(HEAD + text)
    assert [(t.id, t.title, t.lead, t.support, t.persons, t.deadline) for t in ex.tasks] == [
        ("A-01", "深化一网通办改革", ["政务服务办"], ["大数据发展管理中心"], ["陈立峰"], "2024"),
        ("A-02", "推行企业开办一日办结", ["市场监管局"], ["政务服务办"], ["周海燕"], None),
    ]


def test_internal_offices_under_chushi_labels_and_quarter_deadlines_of_a_one_year_plan() -> None:
    head = "某市教育局关于印发《某市教育局2024年工作要点》的通知\n2024年2月20日\n某市教育局2024年工作要点\n"
    text = (
        "一、加强党建\n(一)深化理论学习。开展集体学习12次。(责任领导:王建军;牵头处室:组织人事处;配合处室:机关党委、督导室;完成时间:三季度末)\n"
        "(二)推进双减。规范校外培训。(责任处室:基础教育处、校外教育培训监管处;完成时间:上半年)\n"
        "(三)加大投入。确保经费只增不减。(牵头处室:财务与审计处;完成时间:长期坚持)\n"
    )
    ex = extract_text(head + text)
    assert [(t.id, t.lead, t.support, t.deadline) for t in ex.tasks if t.id.startswith("(")] == [
        ("(一)", ["组织人事处"], ["机关党委", "督导室"], "2024"),
        ("(二)", ["基础教育处", "校外教育培训监管处"], [], "2024"),
        ("(三)", ["财务与审计处"], [], None),
    ]
    reg = load_registry()  # common nouns ending in 处 / 室 stay no bodies
    assert not any(looks_like_department(w, reg) for w in ("好处", "村卫生室", "重点实验室", "会议室"))


def test_a_worksheets_cells_merged_down_a_column_apply_to_every_row_they_span() -> None:
    import io

    from openpyxl import Workbook

    from loaders import extract_bytes

    wb = Workbook()
    ws = wb.active
    ws.append(["某县2024年重点工作任务督查清单"])
    ws.append(["序号", "工作类别", "重点工作任务", "责任县领导", "牵头单位", "配合单位", "完成时限"])
    ws.append([1, "扩大投资", "重大项目建设", "副县长 刘建国", "县发改委", "县财政局", "三季度末"])
    ws.append([2, None, "争取专项债券", None, "县财政局", "县发改委", "每季度调度,12月底前完成"])
    ws.append([3, "民生保障", "老旧小区改造", None, "县住建局", "县财政局", "上半年"])
    ws.append([4, None, "校园安全整治", "副县长 孙丽", None, "县公安局", None])
    ws.merge_cells("A1:G1")
    for rng in ("B3:B4", "B5:B6", "D3:D5", "E5:E6", "G5:G6"):
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    ex = extract_bytes(buf.getvalue(), "qingdan.xlsx")
    assert [(t.id, t.title, t.lead, t.support, t.persons, t.deadline) for t in ex.tasks] == [
        ("1", "重大项目建设", ["县发改委"], ["县财政局"], ["刘建国"], "2024"),
        ("2", "争取专项债券", ["县财政局"], ["县发改委"], ["刘建国"], "2024"),
        ("3", "老旧小区改造", ["县住建局"], ["县财政局"], ["刘建国"], "2024"),
        ("4", "校园安全整治", ["县住建局"], ["县公安局"], ["孙丽"], "2024"),
    ]


def test_an_actions_lead_passes_down_to_its_tasks_whose_units_then_support() -> None:
    text = (
        "一、专项行动\n(一)市容整治行动\n牵头单位:县城管局\n"
        "1.整治占道经营。规划便民点30个。\n责任单位:县城管局、县市场监管局\n完成时限:2024年6月底前\n"
        "2.优化停车供给。新增泊位500个。\n牵头单位:县住建局\n责任单位:县城管局、县公安局\n"
        "3.提升环卫作业。推行机械化清扫。\n"
        "(二)绿化提升行动(牵头单位:县林业局)\n1.建设口袋公园。新建公园3个。\n责任单位:县城管局\n"
    )
    assert _tasks(text) == [
        ("(一)", None, "市容整治行动", ["城管局"], []),
        ("(一)1.", "(一)", "整治占道经营", ["城管局"], ["市场监管局"]),
        ("2.", "(一)", "优化停车供给", ["住建局"], ["城管局", "公安局"]),
        ("3.", "(一)", "提升环卫作业", ["城管局"], []),
        ("(二)", None, "绿化提升行动", ["林业局"], []),
        ("(二)1.", "(二)", "建设口袋公园", ["林业局"], ["城管局"]),
    ]


def test_huitong_leads_with_the_units_it_names_and_luoshi_after_a_lead_supports() -> None:
    text = (
        "一、重点任务\n1.深化绿色转型。完成清洁生产审核企业20家。(县经信局会同县生态环境局、县发改委负责)\n"
        "2.巩固垃圾分类。覆盖率保持100%。(县城管局会同各乡镇人民政府负责)\n"
        "3.利用农业废弃物。秸秆综合利用率达到95%。(县农业农村局负责,各乡镇人民政府落实)\n"
    )
    assert [(t[0], t[3], t[4]) for t in _tasks(text)] == [
        ("1.", ["经信局"], ["生态环境局", "发改委"]),
        ("2.", ["城管局"], ["各乡镇人民政府"]),
        ("3.", ["农业农村局"], ["各乡镇人民政府"]),
    ]


def test_an_indicator_table_without_a_unit_column_takes_the_unit_from_the_name() -> None:
    text = (
        "一、主要目标\n主要指标见表1。\n表1 主要指标\n"
        "序号\t指标名称\t2023年现状值\t2025年目标值\t2027年目标值\t指标属性\t牵头单位\n"
        "1\t一般工业固体废物综合利用率(%)\t68\t72\t≥75\t约束性\t县经信局\n"
        "2\t工业危险废物利用处置能力(万吨/年)\t45\t50\t55\t预期性\t县生态环境局\n"
        "二、重点任务\n(一)推进源头减量。(县经信局负责)\n"
    )
    ex = extract_text(HEAD + text)
    assert [(g.task, g.text, g.value, g.unit, g.comparator, g.deadline, g.cadence) for g in ex.targets] == [
        (None, "一般工业固体废物综合利用率(%)", 72.0, "%", None, "2025", None),
        (None, "一般工业固体废物综合利用率(%)", 75.0, "%", ">=", "2027", None),
        (None, "工业危险废物利用处置能力(万吨/年)", 50.0, "万吨/年", None, "2025", None),
        (None, "工业危险废物利用处置能力(万吨/年)", 55.0, "万吨/年", None, "2027", None),
    ]
    assert [t.id for t in ex.tasks] == ["(一)"]


def test_fenbie_qiantou_shared_suffixes_and_a_preamble_party_of_every_task() -> None:
    head = "某省人民政府办公厅关于印发《2024年重点工作分工方案》的通知\n2024年2月6日\n2024年重点工作分工方案\n"
    text = (
        "为确保全年目标任务圆满完成,现将重点工作分工如下。各市州人民政府负责抓好本地区相关工作落实,以下各项任务不再逐项列出。\n"
        "一、扩大有效需求\n1.稳定居民收入。居民消费价格涨幅3%左右。(省发展改革委、省统计局分别牵头)\n"
        "2.改善生态环境。推进“双下降”。(省生态环境厅牵头,长沙市、株洲市、湘潭市人民政府具体落实)\n"
    )
    ex = extract_text(head + text)
    assert [(t.id, t.lead, t.support) for t in ex.tasks if t.id[0].isdigit()] == [
        ("1.", ["发改委", "统计局"], ["各市(州)人民政府"]),
        ("2.", ["生态环境厅"], ["长沙市人民政府", "株洲市人民政府", "湘潭市人民政府", "各市(州)人民政府"]),
    ]


def test_nested_title_marks_a_work_report_implemented_and_a_quanli_chapter_over_its_tasks() -> None:
    text = (
        "某省人民政府办公厅\n关于印发《2024年省〈政府工作报告〉重点工作分工方案》的通知\n2024年2月6日\n"
        "2024年省《政府工作报告》重点工作分工方案\n"
        "为贯彻落实省十四届人大二次会议审议通过的《政府工作报告》,现将重点工作分工如下。\n"
        "一、全力完成全年主要预期目标\n1.城镇新增就业70万人以上。(省人力资源社会保障厅牵头)\n"
        "二、着力扩大有效需求\n2.扩大有效投资。(省发展改革委牵头)\n"
    )
    ex = extract_text(text)
    assert (ex.plan.title, ex.plan.implements) == ("2024年省《政府工作报告》重点工作分工方案", ["政府工作报告"])
    assert [(t.id, t.parent) for t in ex.tasks] == [("一、", None), ("1.", "一、"), ("二、", None), ("2.", "二、")]
