"""Place names for the synthetic district, in the styles of the region (our own lists).

Han names get their English form from pypinyin; Mongolian gacha names carry a hand-written
conventional romanisation, because pinyin of the Chinese transcription reads poorly.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

DISTRICT_CODE = "150502"
DISTRICT_NAME_ZH = "科尔沁区"
DISTRICT_NAME_EN = "Keerqin District"

# 11 urban sub-districts (街道).
SUBDISTRICTS = ["科尔沁", "永清", "明仁", "施介", "团结", "红星", "西门", "前进", "东郊", "铁南", "建国"]
# 9 towns (镇) and 1 sumu (苏木).
TOWNS = ["大林", "钱家店", "余粮堡", "木里图", "丰田", "清河", "育新", "架玛吐", "敖力布皋"]
SUMU = "莫力庙"

# Han names for urban communities (社区) and villages (村).
HAN_NAMES = [
    "和平", "新华", "光明", "长青", "胜利", "幸福", "民主", "建设", "友谊", "繁荣",
    "文化", "朝阳", "向阳", "东风", "红旗", "兴安", "福兴", "安居", "康宁", "富民",
    "振兴", "育才", "锦绣", "春晖", "松林", "杏林", "丁香", "北苑", "南苑", "东城",
    "西城", "龙泉", "碧水", "翠园", "金桥", "银河", "星光", "晨曦", "新城", "永安",
    "德胜", "康乐", "吉祥", "万福", "丰收", "五一", "红光", "新立", "三合", "太平",
    "双胜", "四合", "兴隆", "宏伟", "青年", "义和", "荣华", "建新", "联合", "东升",
]  # fmt: skip
# Extra rural-flavoured Han names used only for villages.
VILLAGE_NAMES = [
    "三家子", "五家子", "七家子", "后屯", "前屯", "东营子", "西营子", "新发", "双合", "东兴",
    "西兴", "大榆树", "小榆树", "杨树林", "柳条沟", "永丰", "广兴", "合心", "保安", "新开河",
]  # fmt: skip
# Mongolian names for gachas (嘎查): Chinese transcription and conventional romanisation.
GACHA_NAMES = {
    "巴彦塔拉": "Bayantala", "乌兰哈达": "Ulanhada", "查干": "Chagan", "宝力根": "Boligen",
    "额尔敦": "Erdun", "哈日努拉": "Harinur", "巴彦淖尔": "Bayannur", "乌兰敖都": "Ulanodu",
    "查干淖尔": "Chagannur", "阿古拉": "Agula", "胡日查": "Hurcha", "白音花": "Bayanhua",
    "敖包": "Obo", "宝日罕": "Borhan", "伊和塔拉": "Ihtala", "乌力吉": "Uliji",
    "达尔罕": "Darhan", "图门": "Tumen", "吉日嘎郎": "Jirgalang", "锡林": "Xilin",
    "那木斯莱": "Namsrai", "阿拉坦": "Altan", "莫日根": "Mergen", "苏布日格": "Suburga",
    "格日勒": "Gerel", "明干": "Minggan", "哈沙图": "Hashatu", "塔本": "Taben",
    "巴彦查干": "Bayanchagan", "呼和": "Huhe",
}  # fmt: skip

# Where pinyin's own spelling is not the one in use.
_ENGLISH_OVERRIDES = {"科尔沁": "Keerqin", "朝阳": "Chaoyang"}

SUFFIX = {
    # kind: (Chinese suffix, English suffix)
    "subdistrict": ("街道", "Sub-district"),
    "town": ("镇", "Town"),
    "sumu": ("苏木", "Sumu"),
    "community": ("社区", "Community"),
    "village": ("村", "Village"),
    "gacha": ("嘎查", "Gacha"),
}


def romanise(name_zh: str) -> str:
    """Pinyin without tones, capitalised, with the apostrophe before a syllable opening in a/o/e."""
    if name_zh in _ENGLISH_OVERRIDES:
        return _ENGLISH_OVERRIDES[name_zh]
    if name_zh in GACHA_NAMES:
        return GACHA_NAMES[name_zh]
    syllables = lazy_pinyin(name_zh, style=Style.NORMAL)
    text = syllables[0]
    for syllable in syllables[1:]:
        text += ("'" if syllable[:1] in ("a", "o", "e") else "") + syllable
    return text.capitalize()


def unit_names(base_zh: str, kind: str) -> tuple[str, str]:
    """(Chinese, English) names of a unit from its base name: 永清 -> (永清街道, Yongqing Sub-district)."""
    suffix_zh, suffix_en = SUFFIX[kind]
    return base_zh + suffix_zh, f"{romanise(base_zh)} {suffix_en}"


def grid_names(parent_zh: str, parent_en: str, number: int) -> tuple[str, str]:
    """("和平社区第1网格", "Heping Community Grid 1")."""
    return f"{parent_zh}第{number}网格", f"{parent_en} Grid {number}"
