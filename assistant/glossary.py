"""English questions: the plan is Chinese, so English planning vocabulary is mapped to the
plan's terms before searching (the multilingual embedder sees both).

A general glossary of five-year-plan vocabulary, not a list of this project's test questions.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    # economy and indicators
    "gdp": "地区生产总值 GDP", "gross domestic product": "地区生产总值", "economic growth": "经济增长",
    "growth rate": "增长率 增速", "annual growth": "年均增速", "per capita": "人均", "income": "收入",
    "disposable income": "居民人均可支配收入", "labor productivity": "全员劳动生产率",
    "labour productivity": "全员劳动生产率",
    "unemployment": "失业率", "employment": "就业", "jobs": "就业", "urbanization": "城镇化率",
    "urbanisation": "城镇化率", "population": "人口", "life expectancy": "人均预期寿命", "indicator": "指标",
    "target": "目标", "binding": "约束性", "anticipatory": "预期性", "investment": "投资", "fiscal": "财政",
    "tax": "税收", "finance": "金融", "financing": "融资", "fund": "基金", "bank": "银行", "loan": "贷款",
    "r&d": "研发经费", "research and development": "研发", "patent": "发明专利", "innovation": "创新",
    "high-tech": "高新技术", "high tech": "高新技术", "enterprise": "企业", "enterprises": "企业", "company": "企业",
    "companies": "企业", "private economy": "民营经济", "state-owned": "国有企业", "business environment": "营商环境",
    "digital economy": "数字经济", "industry": "产业", "industries": "产业", "manufacturing": "制造业 智能制造",
    "service industry": "服务业", "services": "服务业", "logistics": "物流", "e-commerce": "电子商务 电商",
    "cross-border": "跨境", "trade": "贸易", "export": "出口", "import": "进口", "port of entry": "口岸",
    "customs": "通关 海关", "open": "开放", "opening up": "对外开放", "free trade": "自贸", "tourism": "旅游 文旅",
    "tourist": "旅游 游客", "culture": "文化", "cultural": "文化", "heritage": "文化遗产 非物质文化遗产",
    "sports": "体育", "events": "赛事", "hometown": "之乡", "brand": "品牌",
    # places and infrastructure
    "airport": "机场 花湖机场", "cargo": "货运", "hub": "枢纽", "runway": "跑道", "port": "港 港口 三江港",
    "wharf": "码头", "container": "集装箱", "railway": "铁路", "high-speed rail": "高铁", "metro": "地铁 轨道交通",
    "subway": "地铁 轨道交通", "rail transit": "轨道交通", "expressway": "高速公路", "highway": "公路 高速",
    "road": "公路 道路", "bridge": "大桥", "5g": "5G 5G基站", "base station": "基站", "base stations": "基站",
    "bandwidth": "带宽 出口带宽", "broadband": "宽带", "gigabit": "千兆", "big data": "大数据",
    "data center": "数据中心",
    "smart city": "智慧城市 新型智慧城市", "internet": "互联网", "egress": "出口", "charging": "充电桩",
    "new energy": "新能源", "energy": "能源", "power": "电力 电网", "water supply": "供水", "sewage": "污水",
    "waste": "垃圾", "flood": "防洪", "water conservancy": "水利", "development zone": "开发区",
    "economic zone": "经济区", "airport economic zone": "临空经济区", "industrial park": "产业园 园区",
    "gedian": "葛店 葛店开发区", "huahu": "花湖 花湖机场", "sanjiang": "三江港", "lianzi lake": "梁子湖",
    "liangzi lake": "梁子湖", "honglian lake": "红莲湖", "wutong lake": "梧桐湖", "wuhan": "武汉",
    "optics valley": "光谷", "yangtze": "长江", "ezhou": "鄂州",
    # society
    "education": "教育", "school": "学校", "schools": "学校", "university": "大学 高校", "universities": "大学 高校",
    "college": "大学 高校", "graduates": "大学生 毕业生", "village": "村 乡村", "villages": "村 乡村",
    "rural": "农村 乡村", "farmland": "农田 高标准农田", "agriculture": "农业", "agricultural": "农业",
    "crop": "农作物", "pests": "病虫害", "forecast": "预报 预测", "accuracy": "准确率", "grain": "粮食",
    "fishery": "水产", "health": "卫生 健康", "hospital": "医院", "hospitals": "医院", "medical": "医疗",
    "doctors": "执业（助理）医师", "physicians": "执业（助理）医师", "elderly": "养老 老年人", "elderly care": "养老",
    "beds": "床位", "childcare": "托位 婴幼儿", "pension": "养老保险", "insurance": "保险",
    "social security": "社会保障",
    "housing": "住房 保障性住房", "poverty": "贫困 脱贫", "talent": "人才", "talents": "人才",
    "professional and technical personnel": "专业技术人才", "personnel": "人才 人员", "skills": "技能",
    "training": "培训", "veterans": "退役军人", "volunteer": "志愿服务", "safety": "安全", "emergency": "应急",
    "fire": "消防", "police": "公安", "governance": "治理", "government services": "政务服务", "law": "法治",
    "party": "党", "credit": "信用", "secretary": "书记", "mayor": "市长", "campus": "校区 院区",
    "throughput": "吞吐量", "tonnes": "吨", "tons": "吨", "passengers": "旅客 客运", "flights": "航线 航班",
    # environment
    "forest coverage": "森林覆盖率", "forest": "森林", "air quality": "空气质量 空气优良天数",
    "good air days": "空气优良天数", "pm2.5": "PM2.5", "water quality": "水质", "lake": "湖", "lakes": "湖泊",
    "river": "河", "ecology": "生态", "ecological": "生态", "environment": "环境", "environmental": "环境",
    "carbon": "碳排放 CO2", "emissions": "排放", "energy consumption": "能耗", "green": "绿色",
    "pollution": "污染", "protection": "保护", "red line": "红线", "spatial planning": "国土空间规划",
    # time and plan
    "by 2025": "2025年", "2025": "2025年", "2035": "2035年", "14th five-year plan": "十四五",
    "five-year": "五年", "long-range objectives": "远景目标", "chapter": "章", "column": "专栏", "box": "专栏",
    "definition": "是指", "mean": "指", "means": "指",
}

_ENTRIES = sorted(GLOSSARY.items(), key=lambda kv: -len(kv[0]))
_PATTERNS = [(re.compile(rf"(?<![a-z]){re.escape(en)}(?![a-z])"), zh) for en, zh in _ENTRIES]


def chinese_terms(question: str) -> list[str]:
    """The plan's terms for the English vocabulary in ``question`` (longest phrases first).

    >>> chinese_terms("How many 5G base stations will Ezhou build by 2025?")
    ['基站', '2025年', '鄂州', '5G 5G基站']
    """
    text = question.lower()
    terms: list[str] = []
    for pattern, zh in _PATTERNS:
        if pattern.search(text):
            text = pattern.sub(" ", text)
            terms.append(zh)
    return terms


def expand_english(question: str) -> str:
    """The question followed by the plan's Chinese terms for its English words."""
    terms = chinese_terms(question)
    return f"{question} {' '.join(terms)}" if terms else question
