"""Quantified targets: value (or range), unit, comparator, deadline and cadence.

A target is a number with a countable unit (个, 家, 项, 名, %, 亿元, …); durations and dates
(3年, 10月30日, 3个月) are not targets. Its text is the clause it sits in, with a short lead-in
clause (力争通过3年努力, …) kept in front.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Final

CN_NUM: Final = "零〇一二两三四五六七八九十百千"
_CN_VAL: Final = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_MUL: Final = {"十": 10, "百": 100, "千": 1000}

BASE_UNITS: Final = (
    "个百分点", "个工作日", "工作日", "千瓦时", "微克/立方米", "毫克/升", "平方公里", "平方米", "立方米",
    "空方", "人次", "架次", "批次", "家次", "户次", "亩次", "台(套)", "台套", "千瓦", "兆瓦", "公里", "千米", "公顷", "吨", "亩", "元", "美元", "人",
    "个", "家", "项", "名", "次", "所", "座", "处", "条", "台", "套", "件", "篇", "户", "头", "只", "支",
    "场", "种", "款", "栋", "间", "辆", "张", "床", "剂", "斤", "部", "批", "%", "倍", "株", "棵", "袋",
    "羽", "口", "眼", "块", "份", "册", "箱", "所学校", "艘", "架", "盏", "桩", "根", "单", "笔", "宗",
    "GWh", "MWh", "kWh", "GW", "MW", "kW", "TB", "PB", "Gbps", "Mbps", "学时", "课时", "场次", "轮", "分钟",
    "小时",
)
#: a unit may carry a magnitude: 5万头, 1.5亿人次, 50亿元, 5000万 (bare 万/亿 too)
# longest first, so 场次 is not read as 场 (the alternation takes the first unit that matches)
UNIT_RE: Final = "(?:万亿|亿|万|千)?(?:" + "|".join(map(re.escape, sorted(BASE_UNITS, key=len, reverse=True))) + r")|万亿|亿|万|[A-Za-z]{2,8}(?![A-Za-z])"
_NUM: Final = rf"(?:\d+(?:\.\d+)?|[{CN_NUM}]+)"
_QTY_BODY: Final = (
    rf"(?P<v>{_NUM})(?:\s*(?:—|–|-|~|至|到)\s*(?P<v2>{_NUM}))?(?P<approx>余|多)?"
    rf"(?P<unit>{UNIT_RE})(?!月|年|周|级|大|天|小时|分钟|门|百分)"
)
QTY_RE: Final = re.compile(r"(?<![\d.第])" + _QTY_BODY)
_QTY_AT: Final = re.compile(_QTY_BODY)
#: characters that may follow a number inside a quantity: a unit's first character, a range mark,
#: 余/多, or a decimal point
_AFTER_NUMBER: Final = frozenset("".join(u[0] for u in BASE_UNITS) + "万亿千—–-~至到余多."
                          + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
#: a maximal run of numeral characters (none just before it, possessive to its end) that is followed
#: by one of those characters, a space or the end of the text. The leading class lets the regex
#: engine skip ahead; (?<!N N) after the first character means "no numeral before the run".
_NUM_RUN: Final = re.compile(
    rf"[\d{CN_NUM}](?<![\d{CN_NUM}][\d{CN_NUM}])[\d{CN_NUM}]*+"
    r"(?=[" + "".join(re.escape(c) for c in sorted(_AFTER_NUMBER)) + r" ]|\Z)"
)


def quantities(text: str) -> list[re.Match[str]]:
    """QTY_RE.finditer, faster: the full pattern is tried only where a numeral starts."""
    out: list[re.Match[str]] = []
    end = 0
    for run in _NUM_RUN.finditer(text):  # 一体化, 2021年: no unit, range mark or decimal follows; skipped
        first, last = run.span()  # (one call, not two per use: compiled, each is a method call)
        if first and text[first - 1] == "第":
            continue  # 第十二条: an ordinal, and no tail of it (二条) is a count either
        for pos in range(first, last):
            if pos < end:
                continue
            if pos and text[pos - 1] in "0123456789.第":
                continue
            m = _QTY_AT.match(text, pos)
            if m:
                out.append(m)
                end = m.end()
                break
    return out


_CLAUSE: Final = re.compile(r"[,;。:\n|\t]")
_SENT_END: Final = re.compile(r"[。;\n|\t]")
_LEAD_IN: Final = re.compile(r"^(?:力争|争取|通过|经过|到|至|截至|计划|预计|确保)")
_AFTER_GE: Final = re.compile(r"^(?:及|或)?以上")
_AFTER_LE: Final = re.compile(r"^(?:以内|以下|之内)")
_BEFORE: Final = (
    (re.compile(r"(?:不超过|不高于|不多于|控制在|(?<!不)低于|(?<!不)少于|压减至|压缩至|降至|下降到|降低到)[\u4e00-\u9fff]{0,2}$"), "<="),
    (re.compile(r"(?:不少于|不低于|至少|达到或超过|突破)[\u4e00-\u9fff]{0,3}$"), ">="),
    (re.compile(r"(?<!不)(?:超过|高于|多于|超)$"), ">="),  # 超过200家 reads as "200 and more", like 突破
)
_BOUND_WORDS: Final = (("不超过", "<="), ("不高于", "<="), ("控制在", "<="), ("不少于", ">="), ("不低于", ">="),
                ("至少", ">="))
_OWN_TASKS: Final = re.compile(r"(?:重点|主要)?(?:任务|措施|行动|举措)")
_OWN_TASKS_FIRST: Final = frozenset("重主任措行举")
_BOUND_THEN_NOUN: Final = re.compile(r"(?:以上|以下)(?![,;。:、\s]|$)[\u4e00-\u9fff]")
_ELIMINATE: Final = re.compile(r"消除|取消|杜绝|淘汰|清理|关停")
_POLICY: Final = re.compile(r"给予|最高不超过|最高")
#: a subsidy's cap (单个企业每年资助不超过50万元) or a planning norm (按每百户不少于30平方米配建): a rule
#: for others' amounts, not a quantity the plan delivers
_CAP: Final = re.compile(r"(?:资助|补助|补贴|奖补|奖励|扶持)[^,;。]{0,6}(?:不超过|不高于|最多)|"
                  r"(?:不超过|不高于)[^,;。]{0,6}(?:资助|补助|补贴|奖补|奖励)")
_NORM: Final = re.compile(r"按(?:照)?(?:每|人均|户均)")
#: the year a sentence opens with (2024年,…;…): it governs the clauses after its semicolons too
_OPENING_YEAR: Final = re.compile(r"\s*(?:力争)?(?:到|至)?((?:19|20)\d{2})\s*年(?:底|末)?[,:]")
_COMPARATOR_CHARS: Final = re.compile(r"[不少低超突至高多控压降]")
_REL_YEARS: Final = re.compile(rf"(?:通过|经过|用)?([{CN_NUM}\d]+)年(?:内|时间|左右)?(?:努力|内|时间)")
#: 年均 (an average over the period, like 日均) is no cadence: 年均增长20% is judged at the end
_CADENCE_RE: Final = re.compile(r"每年度|每年|每季度|每半年|每月|每旬|每周|每日|每天|逐年")
_YEAR_END: Final = re.compile(r"(?<![\d年])(?:年底前|年内|年底)")
_RANGE_YEARS: Final = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:至|到|—|–|-|~)\s*((?:19|20)\d{2})\s*年")
_MARKED_YEAR: Final = re.compile(
    r"(?:到|至|截至|截止到?|于)\s*((?:19|20)\d{2})\s*年|((?:19|20)\d{2})\s*年(?:\d{1,2}月)?(?:底|末)?(?:前|以前|之前)"
)
_BARE_YEAR: Final = re.compile(r"((?:19|20)\d{2})\s*年")
_BASELINE_YEAR: Final = re.compile(r"(?:由|从)\s*(?:19|20)\d{2}\s*年(?:底|末)?的?")


_CN_CHARS: Final = frozenset(CN_NUM)


def cn_to_number(s: str) -> float | None:
    """'3' -> 3, '十二' -> 12, '两' -> 2, '三十' -> 30, '一百五十' -> 150."""
    if s[:1] not in _CN_CHARS:  # float() of a Chinese numeral fails (an exception costs ~1 µs)
        try:
            return float(s)
        except ValueError:
            pass
    total, cur = 0, 0
    for ch in s:
        if ch in _CN_VAL:
            cur = _CN_VAL[ch]
        elif ch in _CN_MUL:
            total += (cur or 1) * _CN_MUL[ch]
            cur = 0
        else:
            return None
    return float(total + cur)


@dataclass(init=False)
class Target:
    start: int
    end: int
    text: str
    value: float | None
    value_max: float | None
    unit: str
    comparator: str | None
    deadline: str | None
    cadence: str | None

    # written out: mypyc compiles this __init__ (a dataclass's generated one runs as Python code)
    def __init__(self, start: int, end: int, text: str, *, value: float | None, value_max: float | None,
                 unit: str, comparator: str | None, deadline: str | None, cadence: str | None) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.value = value
        self.value_max = value_max
        self.unit = unit
        self.comparator = comparator
        self.deadline = deadline
        self.cadence = cadence


def find_targets(
    text: str,
    offset: int,
    period_end: str | None,
    issue_year: str | None,
    *,
    task_deadline: str | None = None,
    skip: list[tuple[int, int]] | None = None,
) -> list[Target]:
    """Targets in `text` (offsets absolute via `offset`); `skip` holds spans (relative) to ignore."""
    found = quantities(text)
    if not found:  # most task texts: no countable number at all
        return []
    skip_spans: list[tuple[int, int]] = []
    for a, b in sorted(skip or []):  # merged, so the bisected check below sees every covering span
        if skip_spans and a <= skip_spans[-1][1]:
            skip_spans[-1] = (skip_spans[-1][0], max(b, skip_spans[-1][1]))
        else:
            skip_spans.append((a, b))
    out: list[Target] = []
    cuts: list[int] | None = None  # clause boundaries, computed on the first candidate
    sents: list[int] = []
    for m in found:
        ms, me = m.span()  # (once: compiled, each m.start() is a method call)
        if skip_spans:
            i = bisect_left(skip_spans, (ms + 1, -1)) - 1
            if i >= 0 and skip_spans[i][0] <= ms < skip_spans[i][1]:
                continue
        v_raw = m["v"]
        unit = m["unit"]
        cn = not v_raw[0].isdigit()
        if cn and v_raw in ("一", "千", "百") and (unit in ("批", "个", "种") or not _strong_before(text, ms)):
            continue  # 一批, 一个 and friends are manners of speech, not commitments
        if cn and _noun_follows(text, me) and not _strong_before(text, ms):
            continue  # 三项措施, 七大行动: a count in passing, not a commitment
        # (the character tests first: what every _OWN_TASKS / _BOUND_THEN_NOUN match starts with)
        nxt = text[me: me + 1]
        if nxt in _OWN_TASKS_FIRST and _OWN_TASKS.match(text, me):
            continue  # 组织实施12项重点任务: the plan counting its own tasks
        if nxt == "以" and _BOUND_THEN_NOUN.match(text, me) and _ELIMINATE.search(text, max(0, ms - 6), ms):
            continue  # 消除56人以上大班额: the number qualifies what is to go, it is no target
        if _qualifier(text, m):
            continue  # 存栏100头以上规模养殖…: the number qualifies a noun; the target comes later
        value = cn_to_number(v_raw)
        if value is None:
            continue
        vmax = cn_to_number(m["v2"]) if m["v2"] else None
        if cuts is None:
            cuts = [c.start() for c in _CLAUSE.finditer(text)]
            sents = [c.start() for c in _SENT_END.finditer(text)]
        c_start, c_end = _between(cuts, ms, me, len(text))
        if _POLICY.search(text, c_start, c_end) or _CAP.search(text, c_start, c_end):
            continue  # 给予10%补助, 最高不超过500万元: a policy's rate or cap, not a commitment
        if _NORM.search(text, c_start, ms):
            continue  # 按每百户不少于30平方米配建: a planning norm
        if ms >= 2 and text[ms - 1] == "前" and text[ms - 2] not in "年月日底之以":
            continue  # 进出口额前200名企业: a rank naming the scope, not a target
        for a, _b in skip_spans:  # a clause ends where an annotation starts: …3000户(市民政局牵头,…)
            if me <= a < c_end:
                c_end = a
                break
        if "对" in text[max(c_start, ms - 8): ms] and "进行" in text[me: c_end]:
            continue  # 对辖区42个小区投放点进行提档升级: the count names the existing scope of the work
        sent_start, sent_end = _between(sents, ms, ms, len(text))
        before = text[c_start: ms]
        after = text[me: me + 4]
        comparator = None
        if m["approx"] or (after[:1] in ("及", "或", "以") and _AFTER_GE.match(after)):
            comparator = ">="
        elif after[:1] in ("以", "之") and _AFTER_LE.match(after):
            comparator = "<="
        elif before.endswith(("、", "和")) and out and out[-1].end == offset + c_end:
            comparator = out[-1].comparator  # 分别不超过45人、50人: the second shares the first's bound
        elif _COMPARATOR_CHARS.search(before):
            for rx, comp in _BEFORE:
                if rx.search(before.rstrip("达到为")) or rx.search(before):
                    comparator = comp
                    break
            else:  # 不低于符合条件教师总数的10%: the bound word further back in the clause
                for word, comp in _BOUND_WORDS:
                    if word in before:
                        comparator = comp
                        break
        lead_start = _lead_in(text, cuts, c_start, sent_start)
        for a, b in skip_spans:  # a clause never starts inside the heading's number (③ reads as 3)
            if a <= lead_start < b:
                lead_start = min(b, ms)
        sentence = text[sent_start:sent_end]
        pre = text[sent_start: ms]
        cad = _CADENCE_RE.search(text[lead_start: c_end])
        cadence = ("每年" if cad.group(0) in ("逐年", "每年度") else cad.group(0)) if cad else None
        if cadence:  # 每年…: no deadline unless the clause itself names a year
            deadline = _deadline(text[lead_start: ms], "", None, issue_year)
        else:
            deadline = (_deadline(pre, sentence, period_end, issue_year) or _opening_year(text, sent_start)
                        or task_deadline or period_end)
        if unit in ("分钟", "小时") and comparator != "<=":
            continue  # 15分钟生活圈: a duration in passing; 处置时间不超过15分钟 is a target
        out.append(Target(
            offset + lead_start, offset + c_end, text[lead_start:c_end].strip(), value=value, value_max=vmax,
            unit=unit, comparator=comparator, deadline=deadline, cadence=cadence,
        ))
    return out


def _opening_year(text: str, pos: int) -> str | None:
    """The year that opens the full sentence (up to 。) holding `pos`, when followed by a comma."""
    start = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1
    m = _OPENING_YEAR.match(text, start)
    return m.group(1) if m and m.end() <= pos + 1 else None


_BOUND_WORD: Final = re.compile(r"以上|以下|以内|左右")
_AFTER_BOUND: Final = re.compile(r"^(?:及|或)?(?:以上|以下)")
_STRONG: Final = re.compile(r"(?:达到|达|突破|超过|至少|不少于|新增|增加|建成|创建|认定)$")


def _noun_follows(text: str, pos: int) -> bool:
    rest = text[pos: pos + 3]
    return bool(rest) and "\u4e00" <= rest[0] <= "\u9fff" and not _BOUND_WORD.match(rest)


def _qualifier(text: str, m: re.Match[str]) -> bool:
    rest = text[m.end(): m.end() + 40]
    if rest[:1] in ("及", "或", "以"):  # what every _AFTER_BOUND match starts with
        rest = _AFTER_BOUND.sub("", rest)
    if not rest or not "\u4e00" <= rest[0] <= "\u9fff":
        return False
    clause_rest = _CLAUSE.split(rest, maxsplit=1)[0]
    return bool(quantities(clause_rest))


def _strong_before(text: str, pos: int) -> bool:
    return bool(_STRONG.search(text, max(0, pos - 4), pos))


def _between(cuts: list[int], a: int, b: int, end: int) -> tuple[int, int]:
    """The segment around [a, b) between boundary positions `cuts` (sorted)."""
    i = bisect_left(cuts, a)
    start = cuts[i - 1] + 1 if i else 0
    j = bisect_left(cuts, b)
    return start, (cuts[j] if j < len(cuts) else end)


def _lead_in(text: str, cuts: list[int], c_start: int, sent_start: int) -> int:
    """Keep a short lead-in clause (力争通过3年努力,) that carries no number of its own."""
    if c_start - 1 <= sent_start:
        return c_start
    s, _ = _between(cuts, c_start - 1, c_start - 1, len(text))
    s = max(s, sent_start)
    prev = text[s: c_start - 1]
    if len(prev) <= 16 and _LEAD_IN.match(prev) and not QTY_RE.search(prev):
        return s
    return c_start


def _deadline(pre: str, sentence: str, period_end: str | None, issue_year: str | None) -> str | None:
    """A year: the end of a range (2023年至2025年), else a marked year (到2025年, 2023年底前), else a
    bare year not older than the plan (2000年底前建成的 qualifies a noun), else relative (三年内)."""
    if "年" not in pre:
        return None
    if "由" in pre or "从" in pre:  # 由2023年的91%提高到96%: the year of the baseline, no deadline
        pre = _BASELINE_YEAR.sub("", pre)
    floor = int(issue_year) - 1 if issue_year else 0
    m = _RANGE_YEARS.search(pre)
    if m:
        return m.group(2)
    marked = [y for m in _MARKED_YEAR.finditer(pre) if int(y := m.group(1) or m.group(2)) >= floor]
    if marked:
        return marked[-1]  # the year nearest the number
    for m in _BARE_YEAR.finditer(pre):
        if int(m.group(1)) >= floor:
            return m.group(1)
    rel = _REL_YEARS.search(pre)
    if rel:
        n = cn_to_number(rel.group(1))
        if period_end:
            return period_end
        if issue_year and n:
            return str(int(issue_year) + int(n) - 1)
    if _YEAR_END.search(pre) and issue_year:
        return issue_year
    return None
