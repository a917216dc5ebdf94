"""Personal names for the synthetic residents, in the styles of the region (our own lists).

Mongolian names are written in their usual Chinese transcription. Many Mongolians in Horqin
carry a Chinese-style family name taken from their clan (包, 白, 韩, 鲍 …) in front of a
Mongolian given name; others use the given name alone, sometimes two names joined.
"""

from __future__ import annotations

import random

from gridgov.people.ethnicities import Ethnicity

# Common family names, roughly by frequency in the north-east (first ones drawn more often).
HAN_SURNAMES = [
    "王", "李", "张", "刘", "赵", "孙", "杨", "陈", "于", "高", "吴", "徐", "马", "周", "郭", "朱",
    "宋", "韩", "孟", "田", "何", "邢", "贾", "冯", "姜", "胡", "董", "曹", "崔", "魏", "许", "范",
    "谢", "付", "郑", "石", "邱", "潘", "闫", "苏", "任", "邵", "梁", "黄", "程", "秦", "常", "杜",
]  # fmt: skip
HAN_GIVEN_MALE = [
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "鹏", "刚", "明", "东", "峰", "海", "宇",
    "建国", "建华", "志刚", "志强", "国庆", "国华", "振华", "春生", "福林", "玉山", "德才", "长江",
    "文博", "浩然", "子轩", "宇航", "俊杰", "晓东", "立新", "宏伟", "金龙", "庆丰", "树林", "永胜",
]  # fmt: skip
HAN_GIVEN_FEMALE = [
    "丽", "静", "敏", "艳", "娟", "霞", "芳", "红", "燕", "玲", "颖", "丹", "萍", "雪", "琳", "杰",
    "秀英", "桂兰", "玉梅", "淑珍", "春燕", "丽娜", "海燕", "秀兰", "凤霞", "晓红", "玉兰", "淑芬",
    "欣怡", "梓涵", "雨桐", "思琪", "佳怡", "子涵", "若曦", "美玲", "艳华", "亚楠", "晓丽", "金凤",
]  # fmt: skip
# Clan-derived family names used by Horqin Mongolians.
MONGOLIAN_SURNAMES = ["包", "白", "韩", "鲍", "吴", "金", "佟", "陈", "何", "海", "席", "敖", "胡", "齐"]
MONGOLIAN_GIVEN_MALE = [
    "巴特尔", "额尔敦", "朝鲁", "宝音", "那顺", "孟和", "哈斯", "乌力吉", "达来", "特木尔", "毕力格",
    "布和", "苏和", "阿拉坦", "巴雅尔", "图门", "满都拉", "吉日嘎拉", "额尔德木图", "青格勒", "巴图",
    "斯琴巴图", "呼和", "宝力道", "乌日根", "道尔吉", "那日苏", "额日和木", "嘎鲁", "锡林",
]  # fmt: skip
MONGOLIAN_GIVEN_FEMALE = [
    "乌兰", "其其格", "苏日娜", "斯琴", "萨仁", "图雅", "格日乐", "敖登", "其木格", "娜仁", "高娃",
    "塔娜", "萨日娜", "阿如汗", "乌云", "托娅", "琪琪格", "斯琴高娃", "乌日娜", "额尔敦其其格",
    "包音", "娜日苏", "朝格", "明月", "青格乐", "萨茹拉", "哈斯高娃", "陶格斯", "阿茹娜", "白音",
]  # fmt: skip
HUI_SURNAMES = ["马", "白", "哈", "沙", "杨", "丁", "回", "海", "穆", "纳"]
MANCHU_SURNAMES = ["关", "佟", "那", "赵", "金", "富", "郎", "伊", "肇", "依"]
KOREAN_SURNAMES = ["金", "朴", "李", "崔", "郑", "姜", "赵", "尹", "申", "韩"]
KOREAN_GIVEN_MALE = ["英哲", "成浩", "光日", "哲洙", "永植", "东旭", "正浩", "承民", "昌镐", "泰俊"]
KOREAN_GIVEN_FEMALE = ["顺子", "美善", "贞姬", "英子", "惠珍", "善花", "春子", "英爱", "玉姬", "恩熙"]


def _surname(rng: random.Random, names: list[str]) -> str:
    # Front-weighted: the first family names of a list are the common ones.
    return names[min(int(rng.expovariate(1 / (len(names) / 4))), len(names) - 1)]


def person_name(rng: random.Random, ethnicity: str, sex: str, *, surname: str = "") -> str:
    """A name for a person of `ethnicity` (GB/T 3304 code) and `sex` ("male"/"female").

    `surname` (a Han-style family name) is used where the style has one, so children can take
    their father's.
    """
    male = sex == "male"
    if ethnicity == Ethnicity.MONGOLIAN:
        given = rng.choice(MONGOLIAN_GIVEN_MALE if male else MONGOLIAN_GIVEN_FEMALE)
        if surname and surname in MONGOLIAN_SURNAMES:
            return surname + given
        if rng.random() < 0.5:
            return (surname or rng.choice(MONGOLIAN_SURNAMES)) + given
        return given
    if ethnicity == Ethnicity.KOREAN:
        given = rng.choice(KOREAN_GIVEN_MALE if male else KOREAN_GIVEN_FEMALE)
        return (surname or rng.choice(KOREAN_SURNAMES)) + given
    family = {
        Ethnicity.HUI: HUI_SURNAMES,
        Ethnicity.MANCHU: MANCHU_SURNAMES,
    }.get(Ethnicity(ethnicity), HAN_SURNAMES)
    return (surname or _surname(rng, family)) + rng.choice(HAN_GIVEN_MALE if male else HAN_GIVEN_FEMALE)


def family_name(name: str) -> str:
    """The one-character family name a child would take from `name` ("" for a bare Mongolian
    given name)."""
    first = name[:1]
    if first in MONGOLIAN_SURNAMES and name[1:] in MONGOLIAN_GIVEN_MALE + MONGOLIAN_GIVEN_FEMALE:
        return first
    if name in MONGOLIAN_GIVEN_MALE or name in MONGOLIAN_GIVEN_FEMALE:
        return ""
    return first
