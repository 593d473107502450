"""The plan's header facts: title, issuer, document number, date, period, place, the plan it
implements; plus the phases of 实施步骤 and the coordinating bodies (领导小组)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

_NOTICE: Final = re.compile(
    r"^(?P<issuer>[^\n《]{0,40}?)关于(?:印发|转发|下发)?《?(?P<title>[^》\n]{4,80}?)》?的?(?:通知|函)$"
)
_CN_DATE_LINE: Final = re.compile(r"^\s*([〇零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月"
                           r"\s*([一二三四五六七八九十]{1,3})\s*日\s*$", re.M)
_CN_DIGIT: Final = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_small(s: str) -> int:
    """一 .. 三十一"""
    if "十" not in s:
        return _CN_DIGIT[s]
    tens, _, ones = s.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


_PORTAL_HINT: Final = re.compile(r"发布机构|发文机关|成文日期|发布日期|发文字号|发布文号|文号")
_PORTAL_PREFIX: Final = re.compile(r"^(?:信息名称|标题|名称|文件名称)\s*:\s*")
_DOC_NO_TAIL: Final = re.compile(r"[〔\[【(](?:19|20)\d{2}[〕\]】)]\s*\d{1,4}\s*号")
_DOC_NO_HEAD: Final = re.compile(r"[\u4e00-\u9fff]{1,12}$")
_DATE_LINE: Final = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$", re.M)
_PORTAL: Final = re.compile(r"(发布机构|发文机关|成文日期|发布日期|发文字号|发布文号|文号)\s*:\s*([^\t\n]+)")
_PERIOD: Final = re.compile(r"((?:19|20)\d{2})\s*(?:年)?\s*[—–\-~至到]+\s*((?:19|20)\d{2})\s*年?")
_TITLE_WORDS: Final = re.compile(r"(?:方案|计划|规划|意见|办法|纲要|要点|措施|细则|安排|清单)(?:\s*\(.*\))?$")
# possessive runs ({..}+): a run of characters other than 《 (or 》) can only be followed by 《 (》) at
# its full length, so giving characters back never helps; it only cost time after every 落实 / 按照
_IMPLEMENTS: Final = re.compile(r"(?:贯彻落实|贯彻|落实|根据|按照|依据|对照|结合)[^《。]{0,16}+((?:《[^》\n]{4,80}+》(?:和|、|及|以及|与)?)+)")
#: 《某省人民政府关于印发…若干措施的通知》: the notice issuing a policy is implemented like the policy
_ISSUING_NOTICE: Final = re.compile(r"关于印发.{2,60}的通知$")
_BOOK: Final = re.compile(r"《([^》\n]{4,80})》")
_PLACE: Final = re.compile(
    r"^([\u4e00-\u9fff]{1,12}?(?:自治区|自治州|自治县|自治旗|特别行政区|省|市|县|旗|区|盟|州))"
    r"(?:人民政府|委员会|党委|政府|办公|发展|[^\s]*?(?:局|委|办))"
)
_NUM_WORD: Final = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "十": 10}
_N_YEAR: Final = re.compile(r"([一二两三四五十])年")


@dataclass
class Header:
    title: str = ""
    issuer: str | None = None
    doc_number: str | None = None
    issued_date: str | None = None
    period: tuple[str | None, str | None] = (None, None)
    implements: list[str] = field(default_factory=list)
    place: str | None = None
    level: str | None = None
    body_start: int = 0


def read_header(text: str, source: str | None) -> Header:
    h = Header()
    head = text[:4000]
    portal = ({m.group(1): m.group(2).strip() for m in _PORTAL.finditer(head)}
              if _PORTAL_HINT.search(head) else {})
    notice = None
    prev = ""
    for line in head.split("\n")[:60]:
        s = line.strip()
        if "名称" in s or "标题" in s:  # what every _PORTAL_PREFIX holds
            s = _PORTAL_PREFIX.sub("", s)
        m = _NOTICE.match(s) if "关于" in s and s.endswith(("通知", "函")) else None
        if m and _TITLE_WORDS.search(m.group("title")):
            notice = m
            break
        if s:
            prev = s
    if notice:
        h.title = notice.group("title").strip()
        h.issuer = notice.group("issuer").strip() or None
        if not h.issuer and _ISSUER_END.search(prev) and len(_first_signer(prev)) <= 30:
            h.issuer = prev  # the issuer on its own line above 关于印发…
    else:
        h.title = _title_line(head) or (source or "untitled plan")
    h.title = re.sub(r"\s*\((?:19|20)\d{2}.{0,8}\)\s*$", "", h.title).strip()
    if "〈" in h.title:  # 《2024年省〈政府工作报告〉…方案》: 〈〉 are 《》 nested in a quoted title
        h.title = h.title.replace("〈", "《").replace("〉", "》")
    h.doc_number = _doc_number(head) or portal.get("发文字号") or portal.get("发布文号") or None
    dm = _DATE_LINE.search(head)
    cm = None if dm else _CN_DATE_LINE.search(head)
    if dm:
        h.issued_date = f"{dm.group(1)}-{int(dm.group(2)):02d}-{int(dm.group(3)):02d}"
    elif cm:  # 二〇二三年三月一日, as printed under the seal
        y = "".join(str(_CN_DIGIT[c]) for c in cm.group(1))
        h.issued_date = f"{y}-{_cn_small(cm.group(2)):02d}-{_cn_small(cm.group(3)):02d}"
    else:
        for key in ("成文日期", "发布日期"):
            pm = re.match(r"((?:19|20)\d{2})\D(\d{1,2})\D(\d{1,2})", portal.get(key, ""))
            if pm:
                h.issued_date = f"{pm.group(1)}-{int(pm.group(2)):02d}-{int(pm.group(3)):02d}"
                break
    if not h.issuer:
        h.issuer = portal.get("发布机构") or portal.get("发文机关") or _signature(head, dm)
    if h.issuer and " " in h.issuer:
        h.issuer = _first_signer(h.issuer)
    h.body_start = _body_start(text, h.title)
    h.period = _period(text, h)
    pre = _preamble(text, h.body_start)
    seen = []
    for im in _IMPLEMENTS.finditer(pre) if "《" in pre else ():
        for bm in _BOOK.finditer(im.group(1)):
            t = bm.group(1).strip()
            # …审议通过的《政府工作报告》: a 工作报告 is implemented like a plan
            if t != h.title and t not in seen and (_TITLE_WORDS.search(t) or _ISSUING_NOTICE.search(t)
                                                   or t.endswith("工作报告")):
                seen.append(t)
    h.implements = seen
    for cand in (h.issuer or "", h.title):
        pm = _PLACE.match(cand)
        if pm:
            h.place = pm.group(1)
            lv = h.place[-1]
            h.level = "区" if h.place.endswith("自治区") and len(h.place) > 3 else lv
            if h.place.endswith("自治区"):
                h.level = "自治区"
            break
    return h


#: _DOC_NO_TAIL once per opening bracket: a regex that starts with one fixed character is scanned
#: many times faster than one that starts with a choice of four
_DOC_NO_TAILS: Final = tuple((b, re.compile(re.escape(b) + _DOC_NO_TAIL.pattern[len("[〔\\[【(]"):])) for b in "〔[【(")


def _doc_no_tails(head: str) -> list[re.Match[str]]:
    """_DOC_NO_TAIL.finditer(head): a match holds no opening bracket but its first, so matches
    of different brackets never overlap and their union in order is the regex's matches."""
    found = [m for bracket, rx in _DOC_NO_TAILS if bracket in head for m in rx.finditer(head)]
    found.sort(key=lambda m: m.start())
    return found


def _doc_number(head: str) -> str | None:
    """阿政办发〔2021〕32号: found by its bracketed year, then the issuer's code before it."""
    for m in _doc_no_tails(head):
        pm = _DOC_NO_HEAD.search(head, max(0, m.start() - 12), m.start())
        if pm:
            code = pm.group(0)
            cut = max(code.rfind("通知"), code.rfind("的函"))
            code = code[cut + 2:] if cut >= 0 else code  # a notice title glued on by a PDF line wrap
            if code:
                return re.sub(r"\s+", "", code + m.group(0))
    return None


def _title_line(head: str) -> str | None:
    for line in head.split("\n")[:80]:
        s = line.strip()
        if 6 <= len(s) <= 80 and _TITLE_WORDS.search(s) and not s.startswith(("附件", "为", "根据")):
            return s
    return None


_ISSUER_END: Final = re.compile(r"(?:政府|办公室|办公厅|委员会|局|委|厅)$")


def _first_signer(line: str) -> str:
    """A joint signature (甲市发展和改革委员会 乙市发展和改革委员会): its first body issues the plan."""
    parts = line.split()
    if len(parts) > 1 and all(_ISSUER_END.search(p) for p in parts):
        return parts[0]
    return line


def _signature(head: str, dm: re.Match[str] | None) -> str | None:
    if not dm:
        return None
    before = head[: dm.start()].rstrip().split("\n")
    if before:
        last = before[-1].strip()
        if 2 <= len(_first_signer(last)) <= 30 and _ISSUER_END.search(last):
            return last
    return None


_PAREN_ONLY: Final = re.compile(r"\(.{0,20}\)")
_FIRST_HEADING: Final = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、.]|第一)", re.M)
_SECOND_ARTICLE: Final = re.compile(r"^\s*第二条", re.M)


def _body_start(text: str, title: str) -> int:
    """Just after the last line that is the title alone (the attachment's own title), else 0."""
    pos = 0
    if not title:
        return 0
    k = text.find(title, 0, 20000)
    while k >= 0:
        end = k + len(title)
        ls = text.rfind("\n", 0, k) + 1
        le = text.find("\n", end)
        le = len(text) if le < 0 else le
        rest = text[end: le].strip()
        if not text[ls: k].strip() and (not rest or _PAREN_ONLY.fullmatch(rest)):
            pos = le
        k = text.find(title, end, 20000)
    return pos


def _preamble(text: str, body_start: int) -> str:
    m = _FIRST_HEADING.search(text, body_start)
    end = m.start() if m else body_start + 3000
    if m and m.group(0).strip() == "第一" and text.startswith("条", m.end()):
        # a plan in articles: 第一条 为贯彻落实《…》…,制定本措施 is its preamble
        nxt = _SECOND_ARTICLE.search(text, m.end())
        end = nxt.start() if nxt else m.end() + 1000
    return text[max(0, body_start - 3000): end]


def _period(text: str, h: Header) -> tuple[str | None, str | None]:
    win = text[max(0, h.body_start - 300): h.body_start + 300]
    for cand in (h.title, win, text[:3000]):
        m = _PERIOD.search(cand)
        if m and "《" in cand:
            m = _own_period(cand, m, h.title)
        if m and m.group(1) <= m.group(2):
            return m.group(1), m.group(2)
    one = re.findall(r"((?:19|20)\d{2})年", h.title)
    if len(one) == 1:  # 双流区2023年稳就业…工作方案: a one-year plan
        return one[0], one[0]
    n = _N_YEAR.search(h.title)
    if n and h.issued_date:
        start = int(h.issued_date[:4])
        return str(start), str(start + _NUM_WORD.get(n.group(1), 1) - 1)
    m = re.search(r"(?:到|至)((?:19|20)\d{2})年", h.title)
    if m:
        return (h.issued_date[:4] if h.issued_date else None), m.group(1)
    # no stated period: from the issue year to the year its goals name (到2025年)
    issue = int(h.issued_date[:4]) if h.issued_date else None
    goals = [int(y) for y in _GOAL_YEAR.findall(text[h.body_start:])]
    goals += [int(y) for y in _GOAL_OPEN.findall(text[h.body_start:])]
    goals = [y for y in goals if issue is None or issue <= y <= issue + 10]
    if goals:
        return (str(issue) if issue else None), str(max(goals))
    return None, None


def _own_period(text: str, m: re.Match[str] | None, title: str) -> re.Match[str] | None:
    """The first period match not inside a 《…》 naming another plan (为贯彻落实《某市…三年行动方案
    (2023—2025年)》: that plan's period, not this one's); a book naming this plan counts."""
    while m is not None:
        opened = text.rfind("《", 0, m.start())
        if opened < 0 or text.rfind("》", 0, m.start()) > opened:
            return m  # outside any 《…》
        close = text.find("》", m.end())
        book = text[opened + 1: close if close >= 0 else len(text)]
        if title and book.startswith(title):
            return m
        m = _PERIOD.search(text, m.end())
    return None


_GOAL_YEAR: Final = re.compile(r"(?:到|至|截至)((?:19|20)\d{2})年")
#: a goals chapter opening with its year (工作目标 / 2024年,全县…): the year the goals are for
_GOAL_OPEN: Final = re.compile(r"目标[^\S\n]*\n\s*((?:19|20)\d{2})年(?:底|末)?(?:前)?[,:]")


# ---- phases -----------------------------------------------------------------------------------

PHASE_SECTION: Final = re.compile(r"实施步骤|工作步骤|进度安排|时间安排|实施阶段|步骤安排|推进步骤|阶段安排|时间步骤|方法步骤")
_BEFORE_DATE: Final = re.compile(r"(?:底|末)?(?:前|以前|之前)")
_YM: Final = re.compile(r"(?:((?:19|20)\d{2})\s*年)?\s*(\d{1,2})\s*月|((?:19|20)\d{2})\s*年")


def phase_dates(text: str, default_year: str | None) -> tuple[str | None, str | None]:
    """'2021年9月-2021年10月' -> ('2021-09', '2021-10'); '2022年1月—12月' carries the year."""
    dates: list[str] = []
    year = default_year
    for m in _YM.finditer(text):
        if m.group(3):
            year = m.group(3)
            dates.append(year)
        else:
            if m.group(1):
                year = m.group(1)
            if year:
                dates.append(f"{year}-{int(m.group(2)):02d}")
    if not dates:
        return None, None
    if len(dates) == 1:
        if _BEFORE_DATE.search(text):
            return None, dates[0]
        return dates[0], dates[0]
    return dates[0], dates[1]


# ---- coordinating bodies ------------------------------------------------------------------------

_BODY_WORDS: Final = ("领导小组", "联席会议", "指挥部", "工作专班")
_BODY_SUFFIX: Final = re.compile("|".join(_BODY_WORDS))
_BODY_STOP: Final = re.compile(r"[\s。,;:()、]")
_LEAD_SECTION: Final = re.compile(r"组织领导|组织保障|加强领导|统筹协调|组织实施|领导体制")
#: the subject of the first sentence of an 加强组织领导 paragraph: a committee that 统筹推进…
_SUBJECT_BODY: Final = re.compile(r"^(?:在|由)?([\u4e00-\u9fff]{2,24}?(?:委员会|领导小组|联席会议|指挥部|工作专班))(?:办公室)?(?=统筹|负责|牵头|要|定期|研究|协调|加强)")
_BODY_LEFT: Final = re.compile(
    r".*(?:成立|建立|组建|设立|调整|充实|发挥|依托|通过|由|以|在|的|和|及|与|为|是|了|报|向|交|提请|按照)"
)
#: the verbs that introduce a body: when one is there, the name is everything after it (和, 以, 及
#: inside 县推动大规模设备更新和消费品以旧换新工作专班 are part of the name)
_BODY_VERB: Final = re.compile(r".*(?:成立|建立|组建|设立|调整|充实|发挥|依托|通过|由|负责|承担)")


def _body_suffixes(text: str) -> list[tuple[int, str]]:
    """(start, word) of _BODY_SUFFIX.finditer(text), by plain substring search: no word overlaps
    another or itself, so the words' occurrences merged in order are the regex's matches, and
    searching for a literal is many times faster than the regex's scan (工 starts many words)."""
    out = []
    for word in _BODY_WORDS:
        k = text.find(word)
        while k >= 0:
            out.append((k, word))
            k = text.find(word, k + len(word))
    out.sort()
    return out


def coordinating_bodies(text: str, sections: list[str] | None = None) -> list[str]:
    """领导小组 / 联席会议 / 指挥部 named anywhere, and the committee that is the subject of an
    加强组织领导 paragraph (市生态环境保护委员会统筹推进…); `sections` are those paragraphs' texts."""
    out: list[str] = []
    for sec in sections or []:
        m = _SUBJECT_BODY.match(sec)
        if m and m.group(1) not in out:
            out.append(m.group(1))
    for at, suffix in _body_suffixes(text):
        # the longest run of name characters (at most 30) that ends in the suffix
        a = max(0, at - 30)
        window = text[a: at]
        stops = list(_BODY_STOP.finditer(window))
        head = window[stops[-1].end():] if stops else window
        if len(head) < 2:
            continue
        name = head + suffix
        lm = _BODY_VERB.match(name) or _BODY_LEFT.match(name)
        if lm:
            name = name[lm.end():]
        name = name[name.rfind("的") + 1:]  # 由区长任组长的金水区…领导小组
        if len(name) > 4 and name not in out and not name.startswith(("领导", "工作")):
            out.append(name)
    # 旗奶业振兴工作领导小组 is the 阿荣旗奶业振兴工作领导小组 named before or after it
    return [n for n in out if not any(m != n and (m.endswith(n) or (n[0] in "省市县区旗盟州" and m.endswith(n[1:])))
                                      for m in out)]
