"""A deterministic synthetic corpus of implementation plans, for benchmarks at national scale.

    python -m benchmarks.corpus --tasks 10000 --out DIR --seed 1
    python -m benchmarks.corpus --plans 10 --out DIR

Every plan is a text file shaped like the seed (portal header, 文号, period, 一、/(一)/1./(1)
outline, annotations, targets, 实施步骤 phases, 领导小组) in one of the annotation styles the loader
reads; `gold.jsonl` beside them records what each plan says (tasks with their leads and supports),
so tests can check the loader against it. The same seed and size give byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.registry import TOPICS, Place, build_places, chain_terms
from benchmarks.texts import (
    ACTION_VERBS,
    FILLER,
    GUARANTEES,
    PRINCIPLES,
    TASK_VERBS,
    THINGS,
)

DEFAULT_OUT = Path(__file__).resolve().parent / "corpus_out"
CN = "一二三四五六七八九十"
STYLES = ("paren", "lines", "sentence", "paren_fw")


@dataclass
class GoldTask:
    number: str
    parent: str | None
    title: str
    lead: list[str]
    support: list[str]
    chains: list[str]
    enterprises: list[str] = field(default_factory=list)


@dataclass
class GoldPlan:
    file: str
    title: str
    place: str
    level: str
    style: str
    tasks: list[GoldTask] = field(default_factory=list)
    targets: int = 0
    phases: int = 0


def cn_num(n: int) -> str:
    if n <= 10:
        return CN[n - 1]
    return ("" if n < 20 else CN[n // 10 - 1]) + "十" + (CN[n % 10 - 1] if n % 10 else "")


class PlanWriter:
    """Writes one plan: `lines` grows as the outline is emitted; `gold` records what it said."""

    def __init__(self, rng: random.Random, place: Place, title_core: str, *, lead_pref: tuple[str, ...],
                 chains: list[str], year: int, n_tasks: int, style: str, parent_plan: str | None):
        self.rng, self.place, self.year, self.n_tasks, self.style = rng, place, year, n_tasks, style
        self.chains = chains
        self.title = f"{place.name}{title_core}"
        self.parent_plan = parent_plan
        names = [place.dept_name(f, s) for f, s in place.departments]
        shorts = [s for _, s in place.departments]
        self.depts = names
        self.favoured = [n for n, s in zip(names, shorts, strict=True) if s in lead_pref] or names[:2]
        self.lines: list[str] = []
        self.gold: list[GoldTask] = []
        self.targets = 0
        self.end = year + rng.choice((1, 2, 2, 2, 4))

    # -- pieces -----------------------------------------------------------------------------
    def parties(self) -> tuple[list[str], list[str]]:
        rng = self.rng
        lead = list(dict.fromkeys(
            [rng.choice(self.favoured), *rng.sample(self.depts, k=rng.choice((0, 0, 1, 1, 2)))]))
        rest = [d for d in self.depts if d not in lead]
        support = rng.sample(rest, k=min(len(rest), rng.choice((0, 1, 2, 3, 3, 4, 5))))
        if rng.random() < 0.5:
            support.append(rng.choice(self.place.collectives))
        return lead, support

    def annotate(self, body: str, lead: list[str], support: list[str]) -> list[str]:
        """The task paragraph plus its responsibility annotation in this plan's style."""
        sep = "、"
        if self.style == "lines":
            out = [body, "牵头单位：" + sep.join(lead)]
            if support:
                out.append("责任单位：" + sep.join(support))
            if self.rng.random() < 0.5:
                out.append(f"完成时限：{self.end}年12月底前")
            return out
        if self.style == "sentence":
            s = f"由{sep.join(lead)}牵头"
            s += f"，{sep.join(support)}配合。" if support else "负责。"
            return [body + s]
        colon, semi, lp, rp = (":", ";", "(", ")") if self.style == "paren" else ("：", "；", "（", "）")
        word = self.rng.choice(("部门", "单位"))
        ann = f"{lp}牵头{word}{colon}{sep.join(lead)}"
        if support:
            ann += f"{semi}配合{word}{colon}{sep.join(support)}"
        return [body + ann + rp]

    def target(self) -> str:
        rng = self.rng
        metric, unit = rng.choice(THINGS)
        n = rng.choice((2, 3, 5, 8, 10, 12, 15, 20, 30, 50, 100))
        self.targets += 1
        form = rng.randrange(4)
        if form == 0:
            return f"到{self.end}年，{metric}达到{n}{unit}"
        if form == 1:
            return f"力争每年新增{metric}{n}{unit}以上"
        if form == 2:
            return f"{metric}{n}—{n * 2}{unit}"
        return f"{metric}力争突破{n}{unit}"

    def task_body(self, chains: list[str]) -> tuple[str, str, list[str]]:
        rng = self.rng
        terms = [rng.choice(chain_terms()[c]) for c in chains]
        focus = "、".join(terms) if terms else rng.choice(("重点领域", "关键环节", "薄弱环节"))
        title = f"{rng.choice(TASK_VERBS)}{focus}{rng.choice(('关键技术集成攻关', '提质增效', '示范工程', '服务体系建设', '项目建设', '品牌培育'))}"
        body = f"{title}。围绕{focus}，{rng.choice(FILLER)}，{rng.choice(FILLER)}"
        enterprises = []
        if chains and rng.random() < 0.25:  # a local champion of the chain, named like the seed's
            enterprises = [f"{self.place.name[:2]}{chains[0]}集团"]
            body += f"，支持{enterprises[0]}等龙头企业做大做强"
        if rng.random() < 0.35:
            body += "，" + self.target()
        return title, body + "。", enterprises

    # -- the document -------------------------------------------------------------------------
    def header(self) -> None:
        rng, p, y = self.rng, self.place, self.year
        issuer = f"{p.name}人民政府办公{'厅' if p.level == '省' else '室'}"
        abbr = p.name[0] + ("政办发" if rng.random() < 0.7 else "政办字")
        docno = f"{abbr}〔{y}〕{rng.randint(1, 120)}号"
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        if rng.random() < 0.6:
            self.lines += ["索引号", "组配分类", "发布机构", "发布日期", "发布文号", "关键词", "信息来源",
                           "主题导航", "信息名称", "内容概述"]
        self.lines += [
            f"{issuer}关于印发《{self.title}》的通知", docno,
            f"{'、'.join(p.collectives[:1])}，{p.prefix}直各部门，驻{p.prefix}各单位：",
            f"《{self.title}》已经{p.name}人民政府常务会议审议通过，现印发给你们，请结合实际，认真贯彻执行。",
            issuer, f"{y}年{month}月{day}日", "（此件公开发布）", "附件", self.title,
            f"（{y}—{self.end}年）",
        ]
        ref = f"《{self.parent_plan}》的部署要求，" if self.parent_plan else "党中央、国务院决策部署，"
        self.lines.append(f"为深入贯彻落实{ref}结合{p.name}实际，特制定本方案。")

    def body(self) -> None:
        rng = self.rng
        self.lines += ["一、指导思想", rng.choice(FILLER) + "，" + rng.choice(FILLER) + "。"]
        self.lines.append("二、基本原则")
        for i, pr in enumerate(rng.sample(PRINCIPLES, 3), 1):
            self.lines.append(f"（{cn_num(i)}）{pr}。{rng.choice(FILLER)}。")
        # 三、目标任务/(二)重点任务/1./(1) (the seed) or 三、重点任务/(一)/1. (呼伦贝尔's plan)
        seed_shape = self.n_tasks >= 2 and rng.random() < 0.5
        remaining = self.n_tasks
        container = None
        if seed_shape:
            self.lines += ["三、目标任务", "（一）总体目标", f"{rng.choice(FILLER)}，{self.target()}。",
                           "（二）重点任务", f"{rng.choice(FILLER)}，{rng.choice(FILLER)}。"]
            # the loader counts the section heading above annotated tasks as a task too
            container = "(二)"
            self.gold.append(GoldTask(container, None, "重点任务", [], [], []))
            remaining -= 1
        else:
            self.lines += ["三、重点任务"]
        n_actions = max(1, min(8, remaining // 4))
        sub_no = 0
        for a in range(1, n_actions + 1):
            if remaining <= 0:
                break
            left_actions = n_actions - a
            subs = remaining - 1 if left_actions == 0 else max(0, min(remaining - 1 - left_actions,
                                                                   rng.randint(1, 5)))
            chains = rng.sample(self.chains, k=rng.choice((0, 1, 1)))
            a_title = f"{rng.choice(ACTION_VERBS)}{chains[0] if chains else rng.choice(('创新', '服务', '改革'))}" \
                      f"{rng.choice(('提升', '攻坚', '振兴', '培育', '突破'))}行动"
            a_num = f"{a}." if seed_shape else f"（{cn_num(a)}）"
            text = f"{a_title}。{rng.choice(FILLER)}，{rng.choice(FILLER)}。"
            if subs == 0 or rng.random() < 0.15:
                lead, support = self.parties()
                ann = self.annotate(text, lead, support)
                self.lines += [a_num + ann[0], *ann[1:]]
            else:
                lead, support = [], []
                self.lines.append(a_num + text)
            number = a_num.replace("（", "(").replace("）", ")")
            self.gold.append(GoldTask(number, container, a_title, lead, support, chains))
            remaining -= 1
            for _ in range(subs):
                sub_no += 1
                s_chains = rng.sample(self.chains, k=rng.choice((0, 1, 1, 2)))
                title, body, ents = self.task_body(s_chains)
                lead, support = self.parties()
                s_num = f"（{sub_no}）" if seed_shape else f"{sub_no}."
                ann = self.annotate(body, lead, support)
                self.lines.append(s_num + ann[0])
                self.lines += ann[1:]
                self.gold.append(GoldTask(s_num.replace("（", "(").replace("）", ")"), number, title,
                                          lead, support, s_chains, ents))
                remaining -= 1

    def footer(self) -> int:
        rng, y, end = self.rng, self.year, self.end
        self.lines += ["四、实施步骤", f"{self.title}总体上分三个阶段进行："]
        cuts = [f"{y}年{rng.randint(1, 6)}月", f"{y}年{rng.randint(7, 12)}月", f"{end}年{rng.randint(6, 10)}月",
                f"{end}年12月"]
        phases = (("动员部署阶段", "全面启动阶段"), ("组织实施阶段", "全面推进阶段"), ("总结评估阶段", "巩固提高阶段"))
        for i, names in enumerate(phases):
            self.lines.append(f"（{cn_num(i + 1)}）{rng.choice(names)}（{cuts[i]}-{cuts[i + 1]}）")
            self.lines.append(rng.choice(FILLER) + "。")
        topic = self.title.removeprefix(self.place.name)[:6].strip("“”")
        self.lines += ["五、保障措施",
                       f"（一）加强组织领导。{self.place.prefix}{topic}工作领导小组统筹推进各项工作，{rng.choice(FILLER)}。"]
        for i, g in enumerate(rng.sample(GUARANTEES, 2), 2):
            self.lines.append(f"（{cn_num(i)}）{g}。{rng.choice(FILLER)}。")
        return 3


def plan_text(rng: random.Random, place: Place, index: int, n_tasks: int, *, used: set[str],
              parents: dict[str, str]) -> tuple[str, GoldPlan]:
    topic, lead_pref, topic_chains = TOPICS[rng.randrange(len(TOPICS))]
    year = rng.randint(2019, 2024)
    core = topic.format(lv=place.prefix[-1])
    title_core = core
    bump = 0
    while f"{place.name}{title_core}" in used:  # plan ids come from titles: keep them unique
        bump += 1
        title_core = f"{year + bump}年{core}" if bump < 6 else f"{core}（第{bump}批）"
    used.add(f"{place.name}{title_core}")
    chains = list(dict.fromkeys([*topic_chains, *place.chains]))[:6]
    style = STYLES[rng.randrange(len(STYLES))]
    w = PlanWriter(rng, place, title_core, lead_pref=lead_pref, chains=chains, year=year, n_tasks=n_tasks,
                   style=style, parent_plan=parents.get(place.parent or ""))
    w.header()
    w.body()
    phases = w.footer()
    gold = GoldPlan(f"{index:05d}.txt", w.title, place.name, place.level, style, w.gold, w.targets, phases)
    parents.setdefault(place.name, w.title)
    return "\n".join(w.lines) + "\n", gold


def generate(out: Path, *, tasks: int | None = None, plans: int | None = None, seed: int = 1) -> list[GoldPlan]:
    """Write the corpus into `out` (created) and return its gold; exactly `tasks` tasks when given."""
    out.mkdir(parents=True, exist_ok=True)
    golds = []
    with (out / "gold.jsonl").open("w", encoding="utf-8") as gf:
        for text, gold in iter_plans(tasks=tasks, plans=plans, seed=seed):
            (out / gold.file).write_text(text, encoding="utf-8")
            gf.write(json.dumps(asdict(gold), ensure_ascii=False) + "\n")
            golds.append(gold)
    return golds


def iter_plans(*, tasks: int | None = None, plans: int | None = None, seed: int = 1) -> Iterator[tuple[str, GoldPlan]]:
    if tasks is None and plans is None:
        raise ValueError("give tasks or plans")
    places = build_places(seed)
    weights = [1 if p.level == "省" else 2 if p.level == "市" else 4 for p in places]
    rng = random.Random(f"{seed}/corpus")
    used: set[str] = set()
    parents: dict[str, str] = {}
    left = tasks
    i = 0
    while (left is None or left > 0) and (plans is None or i < plans):
        place = rng.choices(places, weights)[0]
        n = rng.choice((6, 8, 10, 12, 16, 18, 20, 24, 30, 36))
        if left is not None:
            n = min(n, left) if left - n >= 2 or left <= n else left
        prng = random.Random(f"{seed}/plan/{i}")
        text, gold = plan_text(prng, place, i, n, used=used, parents=parents)
        if left is not None:
            left -= len(gold.tasks)
        yield text, gold
        i += 1


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", type=int, help="total number of tasks (plans are added until reached)")
    ap.add_argument("--plans", type=int, help="number of plans")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    if a.tasks is None and a.plans is None:
        ap.error("give --tasks or --plans")
    golds = generate(a.out, tasks=a.tasks, plans=a.plans, seed=a.seed)
    n_tasks = sum(len(g.tasks) for g in golds)
    size = sum((a.out / g.file).stat().st_size for g in golds)
    print(f"{len(golds)} plans, {n_tasks} tasks, {size / 1e6:.1f} MB in {a.out}")


if __name__ == "__main__":
    main()
