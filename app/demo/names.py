"""Realistic generated Chinese names and mobile numbers (deterministic for a seed)."""

import random

# Common surnames with rough weights (national frequency, with Shanxi's 郭, 武, 韩, 贾 higher).
SURNAMES = (
    "王" * 15 + "李" * 14 + "张" * 13 + "刘" * 11 + "陈" * 6 + "杨" * 7 + "赵" * 7 + "郭" * 6 + "高" * 5
    + "武" * 5 + "韩" * 4 + "贾" * 4 + "吴" * 3 + "周" * 3 + "孙" * 4 + "马" * 3 + "胡" * 3 + "梁" * 3
    + "田" * 3 + "任" * 3 + "白" * 3 + "郝" * 3 + "冯" * 2 + "董" * 2 + "薛" * 2 + "侯" * 2 + "史" * 2
    + "徐" * 2 + "朱" * 2 + "许" * 2 + "宋" * 2 + "程" * 2 + "段" * 2 + "乔" * 2 + "温" * 2 + "申" * 2
    + "石" + "崔" + "康" + "常" + "闫" + "牛" + "范" + "姚" + "魏" + "曹" + "秦" + "阎" + "苏" + "吕"
)
GIVEN_FIRST = "建志永国文海晓俊红玉春明立军伟学庆小宏新保丽爱云东金振利荣瑞兴"
GIVEN_SECOND = "军华平明强峰刚勇杰斌涛磊伟霞芳英燕敏娟静丽红梅兵亮超飞龙东林鹏辉波宁忠民生"
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
    "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188", "189", "177", "178", "198", "199",
)


class NameMaker:
    """Hands out unique full names: no two people of the demo share one."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._used: set[str] = set()

    def name(self) -> str:
        while True:
            given = self._rng.choice(GIVEN_FIRST)
            if self._rng.random() < 0.75:
                given += self._rng.choice(GIVEN_SECOND)
            full = self._rng.choice(SURNAMES) + given
            if full not in self._used and given[-1] != full[0]:
                self._used.add(full)
                return full

    def mobile(self) -> str:
        return self._rng.choice(MOBILE_PREFIXES) + f"{self._rng.randrange(10**8):08d}"
