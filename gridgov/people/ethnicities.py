"""The 56 ethnic groups of China with their GB/T 3304 two-digit codes, plus the two extra
entries household registration uses (unrecognised groups, naturalised foreigners)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class Ethnicity(models.TextChoices):
    HAN = "01", pgettext_lazy("ethnic group", "Han")
    MONGOLIAN = "02", pgettext_lazy("ethnic group", "Mongolian")
    HUI = "03", pgettext_lazy("ethnic group", "Hui")
    TIBETAN = "04", pgettext_lazy("ethnic group", "Tibetan")
    UYGHUR = "05", pgettext_lazy("ethnic group", "Uyghur")
    MIAO = "06", pgettext_lazy("ethnic group", "Miao")
    YI = "07", pgettext_lazy("ethnic group", "Yi")
    ZHUANG = "08", pgettext_lazy("ethnic group", "Zhuang")
    BUYEI = "09", pgettext_lazy("ethnic group", "Buyei")
    KOREAN = "10", pgettext_lazy("ethnic group", "Korean")
    MANCHU = "11", pgettext_lazy("ethnic group", "Manchu")
    DONG = "12", pgettext_lazy("ethnic group", "Dong")
    YAO = "13", pgettext_lazy("ethnic group", "Yao")
    BAI = "14", pgettext_lazy("ethnic group", "Bai")
    TUJIA = "15", pgettext_lazy("ethnic group", "Tujia")
    HANI = "16", pgettext_lazy("ethnic group", "Hani")
    KAZAKH = "17", pgettext_lazy("ethnic group", "Kazakh")
    DAI = "18", pgettext_lazy("ethnic group", "Dai")
    LI = "19", pgettext_lazy("ethnic group", "Li")
    LISU = "20", pgettext_lazy("ethnic group", "Lisu")
    VA = "21", pgettext_lazy("ethnic group", "Va")
    SHE = "22", pgettext_lazy("ethnic group", "She")
    GAOSHAN = "23", pgettext_lazy("ethnic group", "Gaoshan")
    LAHU = "24", pgettext_lazy("ethnic group", "Lahu")
    SUI = "25", pgettext_lazy("ethnic group", "Sui")
    DONGXIANG = "26", pgettext_lazy("ethnic group", "Dongxiang")
    NAXI = "27", pgettext_lazy("ethnic group", "Naxi")
    JINGPO = "28", pgettext_lazy("ethnic group", "Jingpo")
    KYRGYZ = "29", pgettext_lazy("ethnic group", "Kyrgyz")
    TU = "30", pgettext_lazy("ethnic group", "Tu")
    DAUR = "31", pgettext_lazy("ethnic group", "Daur")
    MULAO = "32", pgettext_lazy("ethnic group", "Mulao")
    QIANG = "33", pgettext_lazy("ethnic group", "Qiang")
    BLANG = "34", pgettext_lazy("ethnic group", "Blang")
    SALAR = "35", pgettext_lazy("ethnic group", "Salar")
    MAONAN = "36", pgettext_lazy("ethnic group", "Maonan")
    GELAO = "37", pgettext_lazy("ethnic group", "Gelao")
    XIBE = "38", pgettext_lazy("ethnic group", "Xibe")
    ACHANG = "39", pgettext_lazy("ethnic group", "Achang")
    PUMI = "40", pgettext_lazy("ethnic group", "Pumi")
    TAJIK = "41", pgettext_lazy("ethnic group", "Tajik")
    NU = "42", pgettext_lazy("ethnic group", "Nu")
    UZBEK = "43", pgettext_lazy("ethnic group", "Uzbek")
    RUSSIAN = "44", pgettext_lazy("ethnic group", "Russian")
    EVENK = "45", pgettext_lazy("ethnic group", "Evenk")
    DEANG = "46", pgettext_lazy("ethnic group", "De'ang")
    BONAN = "47", pgettext_lazy("ethnic group", "Bonan")
    YUGUR = "48", pgettext_lazy("ethnic group", "Yugur")
    GIN = "49", pgettext_lazy("ethnic group", "Gin")
    TATAR = "50", pgettext_lazy("ethnic group", "Tatar")
    DERUNG = "51", pgettext_lazy("ethnic group", "Derung")
    OROQEN = "52", pgettext_lazy("ethnic group", "Oroqen")
    HEZHEN = "53", pgettext_lazy("ethnic group", "Hezhen")
    MONBA = "54", pgettext_lazy("ethnic group", "Monba")
    LHOBA = "55", pgettext_lazy("ethnic group", "Lhoba")
    JINO = "56", pgettext_lazy("ethnic group", "Jino")
    UNRECOGNISED = "97", pgettext_lazy("ethnic group", "Other (unrecognised group)")
    NATURALISED = "98", pgettext_lazy("ethnic group", "Naturalised citizen of foreign origin")


# Chinese names as written in registers and import files; they map a cell to a code.
CHINESE_NAMES: dict[str, str] = {
    "汉族": "01",
    "蒙古族": "02",
    "回族": "03",
    "藏族": "04",
    "维吾尔族": "05",
    "苗族": "06",
    "彝族": "07",
    "壮族": "08",
    "布依族": "09",
    "朝鲜族": "10",
    "满族": "11",
    "侗族": "12",
    "瑶族": "13",
    "白族": "14",
    "土家族": "15",
    "哈尼族": "16",
    "哈萨克族": "17",
    "傣族": "18",
    "黎族": "19",
    "傈僳族": "20",
    "佤族": "21",
    "畲族": "22",
    "高山族": "23",
    "拉祜族": "24",
    "水族": "25",
    "东乡族": "26",
    "纳西族": "27",
    "景颇族": "28",
    "柯尔克孜族": "29",
    "土族": "30",
    "达斡尔族": "31",
    "仫佬族": "32",
    "羌族": "33",
    "布朗族": "34",
    "撒拉族": "35",
    "毛南族": "36",
    "仡佬族": "37",
    "锡伯族": "38",
    "阿昌族": "39",
    "普米族": "40",
    "塔吉克族": "41",
    "怒族": "42",
    "乌孜别克族": "43",
    "俄罗斯族": "44",
    "鄂温克族": "45",
    "德昂族": "46",
    "保安族": "47",
    "裕固族": "48",
    "京族": "49",
    "塔塔尔族": "50",
    "独龙族": "51",
    "鄂伦春族": "52",
    "赫哲族": "53",
    "门巴族": "54",
    "珞巴族": "55",
    "基诺族": "56",
    "其他": "97",
    "未识别民族": "97",
    "外国血统中国籍人士": "98",
}


def ethnicity_code(text: str) -> str | None:
    """The code for a cell that holds a code ("02"), a Chinese name ("蒙古族" or "蒙古") or an
    English name ("Mongolian"); None if it names no group."""
    value = (text or "").strip()
    if not value:
        return None
    if value.isdigit() and value.zfill(2) in Ethnicity.values:
        return value.zfill(2)
    if value in CHINESE_NAMES:
        return CHINESE_NAMES[value]
    if value + "族" in CHINESE_NAMES:
        return CHINESE_NAMES[value + "族"]
    lowered = value.casefold()
    for choice in Ethnicity:
        if choice.name.casefold() == lowered or str(choice.label).casefold() == lowered:
            return choice.value
    return None
