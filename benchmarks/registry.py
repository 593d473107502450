"""The registry the synthetic corpus draws from: places, their departments, topics, chains.

Places are real names arranged province -> city -> county, so a corpus looks like a national
stack of plans. Each place gets its own department registry (a seeded subset of the bureaus its
level has), and every plan of that place names departments from it in one consistent style:
departments repeat across the plans of a place and never across places.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

TAXONOMY = Path(__file__).resolve().parent.parent / "loaders" / "data" / "industries.yaml"


@functools.cache
def chain_terms() -> dict[str, list[str]]:
    """Industry chain -> its terms, from the taxonomy the loader ships (so the corpus names
    chains the way the loader recognises them)."""
    data = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    return {str(k): [str(t) for t in v] for k, v in data["chains"].items()}

# province: (seat-level char, {city: [counties]}); county names end in their level (旗/县/区/市)
GEOGRAPHY: dict[str, dict[str, list[str]]] = {
    "内蒙古自治区": {
        "呼伦贝尔市": ["阿荣旗", "莫力达瓦达斡尔族自治旗", "鄂伦春自治旗", "扎兰屯市", "海拉尔区", "牙克石市", "陈巴尔虎旗"],
        "通辽市": ["科尔沁区", "开鲁县", "库伦旗", "奈曼旗", "扎鲁特旗", "霍林郭勒市"],
        "赤峰市": ["红山区", "宁城县", "林西县", "敖汉旗", "翁牛特旗", "克什克腾旗"],
        "兴安盟": ["乌兰浩特市", "突泉县", "科尔沁右翼前旗", "扎赉特旗"],
    },
    "黑龙江省": {
        "齐齐哈尔市": ["龙江县", "依安县", "甘南县", "富裕县", "克山县", "讷河市"],
        "绥化市": ["北林区", "望奎县", "兰西县", "青冈县", "海伦市", "肇东市"],
        "黑河市": ["爱辉区", "嫩江市", "逊克县", "孙吴县", "五大连池市"],
    },
    "吉林省": {
        "白城市": ["洮北区", "镇赉县", "通榆县", "洮南市", "大安市"],
        "松原市": ["宁江区", "前郭尔罗斯蒙古族自治县", "长岭县", "乾安县", "扶余市"],
    },
    "河北省": {
        "张家口市": ["宣化区", "张北县", "康保县", "沽源县", "尚义县", "蔚县", "怀来县"],
        "承德市": ["双桥区", "承德县", "兴隆县", "平泉市", "滦平县", "隆化县", "围场满族蒙古族自治县"],
    },
    "山东省": {
        "潍坊市": ["寿光市", "青州市", "诸城市", "昌乐县", "临朐县", "安丘市"],
        "临沂市": ["兰山区", "沂南县", "郯城县", "沂水县", "费县", "平邑县", "蒙阴县"],
    },
    "河南省": {
        "周口市": ["川汇区", "扶沟县", "西华县", "商水县", "沈丘县", "郸城县", "太康县", "鹿邑县"],
        "南阳市": ["宛城区", "南召县", "方城县", "西峡县", "镇平县", "内乡县", "淅川县"],
    },
    "四川省": {
        "南充市": ["顺庆区", "南部县", "营山县", "蓬安县", "仪陇县", "西充县", "阆中市"],
        "宜宾市": ["翠屏区", "江安县", "长宁县", "高县", "珙县", "筠连县", "兴文县"],
    },
    "云南省": {
        "曲靖市": ["麒麟区", "陆良县", "师宗县", "罗平县", "富源县", "会泽县", "宣威市"],
        "普洱市": ["思茅区", "宁洱哈尼族彝族自治县", "墨江哈尼族自治县", "景东彝族自治县", "镇沅彝族哈尼族拉祜族自治县"],
    },
    "甘肃省": {
        "定西市": ["安定区", "通渭县", "陇西县", "渭源县", "临洮县", "漳县", "岷县"],
        "张掖市": ["甘州区", "肃南裕固族自治县", "民乐县", "临泽县", "高台县", "山丹县"],
    },
    "广西壮族自治区": {
        "百色市": ["右江区", "田阳区", "田东县", "德保县", "那坡县", "凌云县", "乐业县"],
        "河池市": ["金城江区", "宜州区", "南丹县", "天峨县", "凤山县", "东兰县"],
    },
}

# (formal name, short name); a leading "*" marks a party-committee body (旗委/县委/市委/省委)
COUNTY_DEPTS = [
    ("发展和改革委员会", "发改委"), ("工业和信息化局", "工信局"), ("科学技术局", "科技局"),
    ("教育局", "教育局"), ("财政局", "财政局"), ("人力资源和社会保障局", "人社局"),
    ("自然资源局", "自然资源局"), ("生态环境局", "生态环境局"), ("住房和城乡建设局", "住建局"),
    ("交通运输局", "交通运输局"), ("水利局", "水利局"), ("农业农村局", "农业农村局"),
    ("商务局", "商务局"), ("文化旅游体育局", "文旅体局"), ("卫生健康委员会", "卫健委"),
    ("应急管理局", "应急管理局"), ("市场监督管理局", "市场监管局"), ("林业和草原局", "林草局"),
    ("统计局", "统计局"), ("医疗保障局", "医保局"), ("乡村振兴局", "乡村振兴局"),
    ("能源局", "能源局"), ("金融工作办公室", "金融办"), ("政务服务局", "政务服务局"),
    ("大数据中心", "大数据中心"), ("民政局", "民政局"), ("司法局", "司法局"), ("审计局", "审计局"),
    ("投资促进局", "投促局"), ("档案局", "档案局"), ("*组织部", "*组织部"), ("*宣传部", "*宣传部"),
]
PASTORAL = {"农业农村局": ("农牧局", "农牧局")}  # 内蒙古 counties and cities keep 农牧局

PROVINCE_DEPTS = [
    ("发展和改革委员会", "发展改革委"), ("工业和信息化厅", "工业和信息化厅"), ("科学技术厅", "科技厅"),
    ("教育厅", "教育厅"), ("财政厅", "财政厅"), ("人力资源和社会保障厅", "人力资源社会保障厅"),
    ("自然资源厅", "自然资源厅"), ("生态环境厅", "生态环境厅"), ("住房和城乡建设厅", "住房城乡建设厅"),
    ("交通运输厅", "交通运输厅"), ("水利厅", "水利厅"), ("农业农村厅", "农业农村厅"), ("商务厅", "商务厅"),
    ("文化和旅游厅", "文化和旅游厅"), ("卫生健康委员会", "卫生健康委"), ("应急管理厅", "应急厅"),
    ("市场监督管理局", "市场监管局"), ("林业和草原局", "林草局"), ("统计局", "统计局"),
    ("地方金融监督管理局", "地方金融监管局"), ("能源局", "能源局"), ("大数据中心", "大数据中心"),
    ("商务厅", "商务厅"), ("*组织部", "*组织部"),
]

# topic -> (title pattern, lead department short names it favours, chains it favours)
TOPICS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("“科技兴{lv}”三年行动实施方案", ("科技局", "科技厅", "工信局"), ("数字经济", "生物科技", "新材料")),
    ("乳业振兴行动方案", ("农业农村局", "农牧局", "农业农村厅"), ("乳业",)),
    ("肉牛产业高质量发展实施方案", ("农业农村局", "农牧局", "农业农村厅"), ("肉业", "畜牧业")),
    ("数字经济发展三年行动方案", ("工信局", "工业和信息化厅", "大数据中心"), ("数字经济", "集成电路")),
    ("优化营商环境工作方案", ("发改委", "发展改革委", "政务服务局"), ()),
    ("巩固拓展脱贫攻坚成果同乡村振兴有效衔接实施方案", ("乡村振兴局", "农业农村局", "农牧局"), ("粮食", "果蔬")),
    ("农畜产品精深加工业发展行动方案", ("工信局", "农业农村局", "农牧局"), ("乳业", "肉业", "绿色食品")),
    ("新能源产业发展实施方案", ("能源局", "发改委", "发展改革委"), ("新能源", "汽车")),
    ("文化旅游融合发展行动方案", ("文旅体局", "文化和旅游厅"), ("文化旅游", "生态产业")),
    ("中医药产业发展实施方案", ("卫健委", "卫生健康委", "农业农村局"), ("中草药", "生物科技")),
    ("招商引资攻坚行动方案", ("投促局", "商务局", "商务厅"), ("装备制造", "新材料", "现代物流")),
    ("人才强{lv}工作方案", ("*组织部", "人社局", "人力资源社会保障厅"), ()),
    ("生态环境保护攻坚行动实施方案", ("生态环境局", "生态环境厅", "林草局"), ("林下经济", "生态产业")),
    ("食品安全示范创建工作方案", ("市场监管局",), ("乳业", "绿色食品")),
    ("现代种业提升工程实施方案", ("农业农村局", "农牧局", "农业农村厅"), ("粮食", "现代农牧业")),
    ("科技金融服务实体经济工作方案", ("金融办", "地方金融监管局"), ("科技金融",)),
]


@dataclass
class Place:
    name: str
    level: str  # 省 / 市 / 县 / 旗 / 区 (the levels)
    prefix: str  # how its own bodies are prefixed in text: 旗 / 县 / 区 / 市 / 省 / 自治区
    parent: str | None
    province: str
    departments: list[tuple[str, str]] = field(default_factory=list)  # (formal, short)
    formal: bool = False  # writes 市农牧局-style names rather than the seed's 农牧局
    chains: list[str] = field(default_factory=list)

    @property
    def collectives(self) -> tuple[str, ...]:
        if self.level == "省":
            return ("各市人民政府", "有关市人民政府", f"{self.prefix}直有关部门")
        if self.level == "市" and self.parent in GEOGRAPHY:
            return ("各旗县区人民政府", "有关旗县区人民政府", "各相关部门")
        return ("各乡镇人民政府", "有关乡镇人民政府", "各相关部门")

    def dept_name(self, formal: str, short: str) -> str:
        """The as-written name of one of this place's bodies (consistent within the place)."""
        party = "自治区党委" if self.prefix == "自治区" else self.prefix + "委"
        if short.startswith("*"):
            return party + short[1:]
        if self.level == "省":
            return self.prefix + short
        return f"{self.prefix}{formal}" if self.formal else short


def _level(name: str) -> tuple[str, str]:
    for suffix in ("旗", "县", "区", "市"):
        if name.endswith(suffix):
            return suffix, suffix
    return "市", "市"  # 兴安盟 and the like: city-level


def build_places(seed: int) -> list[Place]:
    """Every province, city and county with its own seeded department registry."""
    places: list[Place] = []
    for prov, cities in GEOGRAPHY.items():
        pprefix = "自治区" if prov.endswith("自治区") else "省"
        places.append(Place(prov, "省", pprefix, None, prov))
        for city, counties in cities.items():
            places.append(Place(city, "市", "盟" if city.endswith("盟") else "市", prov, prov))
            for county in counties:
                level, prefix = _level(county)
                places.append(Place(county, level, prefix, city, prov))
    all_chains = sorted(chain_terms())
    for p in places:
        rng = random.Random(f"{seed}/place/{p.name}")
        pool = PROVINCE_DEPTS if p.level == "省" else COUNTY_DEPTS
        depts = []
        for d in pool:
            depts.append(PASTORAL[d[1]] if p.province == "内蒙古自治区" and d[1] in PASTORAL else d)
        keep = {d for d in depts if d[1] in _ALWAYS or rng.random() < 0.8}
        p.departments = [d for d in dict.fromkeys(depts) if d in keep]
        p.formal = p.level in ("省", "市") or rng.random() < 0.35
        p.chains = rng.sample(all_chains, k=min(6, len(all_chains)))
    return places


_ALWAYS = {"发改委", "发展改革委", "工信局", "工业和信息化厅", "财政局", "财政厅", "科技局", "科技厅",
           "农牧局", "农业农村局", "农业农村厅", "市场监管局", "人社局", "人力资源社会保障厅"}
