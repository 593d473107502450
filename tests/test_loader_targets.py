"""Quantified targets: numerals, ranges, units, comparators, deadlines, cadence, owner task."""

from __future__ import annotations

import pytest

from loaders import extract_text
from loaders.targets import cn_to_number

HEAD = "某县人民政府办公室关于印发《某县产业发展三年行动方案》的通知\n2023年3月1日\n某县产业发展三年行动方案\n(2023—2025年)\n"


def targets(sentence: str):
    ex = extract_text(HEAD + "二、重点任务\n(一)发展产业。" + sentence + "(牵头单位:县发改局)\n")
    return [(g.value, g.value_max, g.unit, g.comparator, g.deadline, g.cadence) for g in ex.targets]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("培育龙头企业两个。", [(2, None, "个", None, "2025", None)]),
        ("新增规上企业五家。", [(5, None, "家", None, "2025", None)]),
        ("建设示范基地三至五个。", [(3, 5, "个", None, "2025", None)]),
        ("引进领军人才1—3名。", [(1, 3, "名", None, "2025", None)]),
        ("建设冷库3~5座。", [(3, 5, "座", None, "2025", None)]),
        ("规上工业增加值增长8%以上。", [(8, None, "%", ">=", "2025", None)]),
        ("产业产值突破50亿元。", [(50, None, "亿元", ">=", "2025", None)]),
        ("相关企业超过200家。", [(200, None, "家", ">=", "2025", None)]),
        ("年飞行架次达到10万架次。", [(10, None, "万架次", None, "2025", None)]),
        ("违规飞行处置时间不超过15分钟,打造15分钟生活圈。", [(15, None, "分钟", "<=", "2025", None)]),
        ("培训农民不少于2000人次。", [(2000, None, "人次", ">=", "2025", None)]),
        ("审批时间压缩至3个工作日以内。", [(3, None, "个工作日", "<=", "2025", None)]),
        ("PM2.5浓度控制在35微克/立方米以内。", [(35, None, "微克/立方米", "<=", "2025", None)]),
        ("单位能耗下降不超过15%。", [(15, None, "%", "<=", "2025", None)]),
        ("力争到2024年建成智慧牧场10个。", [(10, None, "个", None, "2024", None)]),
        ("2024年底前完成改造120个小区。", [(120, None, "个", None, "2024", None)]),
        ("年底前建成服务站30个。", [(30, None, "个", None, "2023", None)]),
        ("三年内引进团队十个以上。", [(10, None, "个", ">=", "2025", None)]),
        ("每年新增高新技术企业2家以上。", [(2, None, "家", ">=", None, "每年")]),
        # 年均 is an average over the period, judged at its end: no cadence (like 日均)
        ("奶牛存栏达到5万头,生鲜乳产量年均增长8%。", [(5, None, "万头", None, "2025", None),
                                                   (8, None, "%", None, "2025", None)]),
        ("举办对接活动不少于100场次。", [(100, None, "场次", ">=", "2025", None)]),  # not 场
        ("进口整体通关时间压缩至30小时以内,提供24小时服务。", [(30, None, "小时", "<=", "2025", None)]),
        # the year opening a sentence governs the clauses after its semicolons
        ("2024年,产值增长3%以上;出口额增长20%。到2025年,培育企业30家。",
         [(3, None, "%", ">=", "2024", None), (20, None, "%", None, "2024", None),
          (30, None, "家", None, "2025", None)]),
        ("发放贷款1.5亿元。", [(1.5, None, "亿元", None, "2025", None)]),
        ("建成存栏千头以上牧场两个。", [(2, None, "个", None, "2025", None)]),
        ("改造2000年底前建成的小区120个。", [(120, None, "个", None, "2025", None)]),
    ],
)
def test_target_values_units_comparators_deadlines(sentence, expected):
    assert targets(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "实施七大行动,落实三项措施。",  # counts in passing
        "培育一批龙头企业,打造一个品牌。",
        "于10月30日前报县发改局备案,用3个月时间完成摸底。",
        "推进5G网络建设和第1批试点。",
        "通过3年努力,产业实力明显增强。",
        "落实第十二条规定,按第三批名单推进。",  # ordinals, and no tail of them (二条)
        "对辖区42个居民小区投放点进行提档升级。",  # the existing scope of the work
        "按展位费的70%给予资助,单个企业每年资助不超过50万元。",  # a subsidy's rate and cap
        "新建住宅小区按每百户不少于30平方米配建养老服务用房。",  # a planning norm
        "建立进出口额前200名重点外贸企业服务专员制度。",  # a rank naming the scope
    ],
)
def test_no_target_in_manner_of_speech(sentence):
    assert targets(sentence) == []


def test_target_text_span_and_owner():
    text = HEAD + "二、重点任务\n(一)发展产业。力争通过3年努力,选育推广2个种业创新成果。(牵头单位:县农业农村局)\n"
    ex = extract_text(text)
    [g] = ex.targets
    assert g.text == "力争通过3年努力,选育推广2个种业创新成果"
    assert ex.text[g.span[0]: g.span[1]] == g.text
    assert g.task == ex.tasks[0].id


def test_plan_level_targets_have_no_task():
    text = HEAD + "一、发展目标\n到2025年,全县规上工业企业达到100家。\n二、重点任务\n(一)甲。(牵头单位:县工信局)\n"
    ex = extract_text(text)
    [g] = ex.targets
    assert (g.task, g.value, g.unit, g.deadline) == (None, 100, "家", "2025")


def test_a_task_deadline_line_dates_its_targets():
    text = HEAD + "二、重点任务\n(一)甲。新建冷库5座。\n牵头单位:县商务局\n完成时限:2024年6月底前\n"
    [g] = extract_text(text).targets
    assert g.deadline == "2024"


@pytest.mark.parametrize(("raw", "value"), [("3", 3), ("十二", 12), ("两", 2), ("三十", 30), ("一百五十", 150),
                                            ("2.5", 2.5), ("十", 10)])
def test_chinese_numerals(raw, value):
    assert cn_to_number(raw) == value


def test_indicator_table_gives_one_target_per_indicator_and_year():
    table = ("一、发展目标\n主要指标如下:\n序号|指标|单位|2023年(基期值)|2024年|2025年|属性\n"
             "1|产业营业收入|亿元|1800|2200|2600|预期性\n2|规模以上企业数量|家|180|200|≥250|预期性\n"
             "二、重点任务\n(一)发展产业。(牵头单位:县发改局)\n")
    ex = extract_text(HEAD + table)
    got = [(g.task, g.text, g.value, g.unit, g.comparator, g.deadline) for g in ex.targets]
    assert got == [
        (None, "产业营业收入", 2200, "亿元", None, "2024"), (None, "产业营业收入", 2600, "亿元", None, "2025"),
        (None, "规模以上企业数量", 200, "家", None, "2024"), (None, "规模以上企业数量", 250, "家", ">=", "2025"),
    ]


def test_a_target_in_a_table_row_is_its_cell_not_the_whole_row() -> None:
    from loaders import extract_path
    from tests.conftest import EXAMPLES

    ex = extract_path(EXAMPLES / "arong_ruye_2022.txt")
    [row] = [t for t in ex.targets if t.text.startswith("建设苜蓿")]
    assert row.text == "建设苜蓿、燕麦等优质饲草基地两万亩" and (row.value, row.unit) == (2, "万亩")
    assert row.deadline == "2022"
    assert not [t.text for t in ex.targets if "|" in t.text or "\t" in t.text]
