"""Phrases the synthetic plans are written from.

Filler never names a department, a number, a responsibility word (牵头/配合/负责) or an
industry term, so the only responsibilities, targets and chains a loader can find are the ones
the generator recorded.
"""

from __future__ import annotations

FILLER = [
    "坚持问题导向和目标导向相结合",
    "强化政策集成和要素保障",
    "推动产业链供应链优化升级",
    "健全协同联动工作机制",
    "加快补齐短板弱项",
    "统筹推进项目谋划和建设",
    "引导各类创新要素向企业集聚",
    "提升公共服务能力和水平",
    "完善利益联结机制",
    "推进标准化规模化品牌化发展",
    "深化产学研用协同创新",
    "营造良好发展环境",
    "着力培育新的经济增长点",
    "推动资源优势转化为发展优势",
    "强化科技支撑和人才保障",
    "持续优化资源配置",
    "形成上下联动的工作格局",
    "促进一二三产业融合发展",
    "提升全产业链发展水平",
    "加大招商引资和项目建设力度",
]

PRINCIPLES = [
    "坚持政府推动，市场主导",
    "坚持目标引领，合作共赢",
    "坚持优势互补，分类施策",
    "坚持统筹兼顾，重点突破",
    "坚持创新驱动，绿色发展",
    "坚持改革引领，开放合作",
]

GUARANTEES = ["强化资金投入", "严格考核评价", "加强宣传引导", "强化要素保障", "优化政策环境"]

ACTION_VERBS = ["实施", "开展", "推进", "深化", "组织"]
TASK_VERBS = ["推动", "实施", "加快", "推进", "支持", "开展"]

# (metric, unit) pairs for quantified targets
THINGS = [
    ("高新技术企业数", "家"), ("科技型中小企业", "家"), ("重点项目", "个"), ("示范基地", "个"),
    ("技术创新中心", "家"), ("科技特派员工作站", "个"), ("订单收购覆盖率", "%"),
    ("规模以上企业", "家"), ("新建标准化养殖场", "个"), ("引进高层次人才", "名"),
    ("培育区域公用品牌", "个"), ("新增就业岗位", "个"), ("建设标准化车间", "个"),
]
