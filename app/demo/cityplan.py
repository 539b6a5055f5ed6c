"""The demo contest's configuration: the 2022 contest as the city ran it (rounds, criteria, judges)."""

from datetime import date
from decimal import Decimal

DEMO_PASSWORD = "Demo@2022"  # noqa: S105  (demo accounts only, marked is_demo)

COUNTY_USERNAMES = {
    "140302": "chengqu", "140303": "kuangqu", "140311": "jiaoqu", "140321": "pingding", "140322": "yuxian",
}

# (code, name, weight, mode, starts, ends, venue, method, trim, trim_from, min_judges, criteria)
ROUNDS = [
    ("plan", "年初比规划", "30", "roadshow", date(2022, 3, 15), date(2022, 3, 18), "阳泉市委党校报告厅",
     "trimmed_mean", 1, 5, 5, [
         ("发展思路", "思路清晰，定位准确，符合本村（乡镇）资源禀赋和发展实际", "20"),
         ("目标任务", "年度收入目标明确、可量化，体现“百村百万、十万清零”要求", "20"),
         ("项目支撑", "有具体项目支撑，投资、收益测算合理，可落地", "20"),
         ("保障措施", "责任分工、资金、人才等保障措施具体有力", "20"),
         ("路演表现", "脱稿讲述，条理清楚，回答提问准确，在规定时间内完成", "20"),
     ]),
    ("service", "年中比服务", "30", "site_visit", date(2022, 7, 11), date(2022, 7, 29), "各村（乡镇）现场",
     "mean", 0, 1, 3, [
         ("台账管理", "集体经济台账建立规范，收支记录完整，年中查账无问题", "20"),
         ("项目推进", "年初规划项目按进度推进，形象进度与台账相符", "25"),
         ("服务群众", "党员群众参与度高，带动就业增收", "20"),
         ("班子建设", "村“两委”班子团结，分工明确，责任落实", "15"),
         ("现场汇报", "现场汇报实事求是，回答问题准确", "20"),
     ]),
    ("results", "年末比成效", "40", "exhibition", date(2022, 12, 12), date(2022, 12, 16), "阳泉市会展中心",
     "trimmed_mean", 1, 5, 5, [
         ("收入增长", "集体经济收入较上年增长幅度，经年底交账验资核实", "30"),
         ("目标完成", "完成年初确定的收入目标和项目任务情况", "25"),
         ("带动效益", "带动村民增收、就业和产业发展的实际效果", "20"),
         ("示范创新", "发展路径有创新，经验可复制可推广", "15"),
         ("成果展示", "展示材料真实完整，讲解清楚", "10"),
     ]),
]
STEP = Decimal("0.5")

# (name, kind, rule text, unit label, unit size, points per unit (signed), cap)
ADJUSTMENTS = {
    "plan": [("路演超时", "penalty", "每超时30秒扣0.5分，最多扣2分", "秒", "30", "-0.5", "2")],
    "results": [("获市级以上表彰", "bonus", "每项加1分，最多加3分", "项", "1", "1", "3")],
}
VETOES = {
    "plan": [("弄虚作假", "申报材料或路演内容弄虚作假的，一票否决")],
    "service": [("违规举债", "村集体违规举债或发生重大违纪违法问题的，一票否决")],
    "results": [("数据造假", "集体经济收入数据虚报、造假的，一票否决")],
}

# Judge pool: (unit, field, how many, home county code or None for city departments)
JUDGE_UNITS = [
    ("市委组织部", "organization", 6, None),
    ("市农业农村局", "agriculture", 8, None),
    ("市财政局", "finance", 6, None),
    ("市文化和旅游局", "tourism", 5, None),
    ("城区委组织部", "grassroots", 3, "140302"),
    ("矿区委组织部", "grassroots", 3, "140303"),
    ("郊区委组织部", "grassroots", 3, "140311"),
    ("平定县委组织部", "grassroots", 3, "140321"),
    ("盂县县委组织部", "grassroots", 3, "140322"),
]
