"""The 56 ethnic groups of China with their GB/T 3304 two-digit codes, plus the two extra
entries household registration uses (unrecognised groups, naturalised foreigners)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Ethnicity(models.TextChoices):
    HAN = "01", _("Han")
    MONGOLIAN = "02", _("Mongolian")
    HUI = "03", _("Hui")
    TIBETAN = "04", _("Tibetan")
    UYGHUR = "05", _("Uyghur")
    MIAO = "06", _("Miao")
    YI = "07", _("Yi")
    ZHUANG = "08", _("Zhuang")
    BUYEI = "09", _("Buyei")
    KOREAN = "10", _("Korean")
    MANCHU = "11", _("Manchu")
    DONG = "12", _("Dong")
    YAO = "13", _("Yao")
    BAI = "14", _("Bai")
    TUJIA = "15", _("Tujia")
    HANI = "16", _("Hani")
    KAZAKH = "17", _("Kazakh")
    DAI = "18", _("Dai")
    LI = "19", _("Li")
    LISU = "20", _("Lisu")
    VA = "21", _("Va")
    SHE = "22", _("She")
    GAOSHAN = "23", _("Gaoshan")
    LAHU = "24", _("Lahu")
    SUI = "25", _("Sui")
    DONGXIANG = "26", _("Dongxiang")
    NAXI = "27", _("Naxi")
    JINGPO = "28", _("Jingpo")
    KYRGYZ = "29", _("Kyrgyz")
    TU = "30", _("Tu")
    DAUR = "31", _("Daur")
    MULAO = "32", _("Mulao")
    QIANG = "33", _("Qiang")
    BLANG = "34", _("Blang")
    SALAR = "35", _("Salar")
    MAONAN = "36", _("Maonan")
    GELAO = "37", _("Gelao")
    XIBE = "38", _("Xibe")
    ACHANG = "39", _("Achang")
    PUMI = "40", _("Pumi")
    TAJIK = "41", _("Tajik")
    NU = "42", _("Nu")
    UZBEK = "43", _("Uzbek")
    RUSSIAN = "44", _("Russian")
    EVENK = "45", _("Evenk")
    DEANG = "46", _("De'ang")
    BONAN = "47", _("Bonan")
    YUGUR = "48", _("Yugur")
    GIN = "49", _("Gin")
    TATAR = "50", _("Tatar")
    DERUNG = "51", _("Derung")
    OROQEN = "52", _("Oroqen")
    HEZHEN = "53", _("Hezhen")
    MONBA = "54", _("Monba")
    LHOBA = "55", _("Lhoba")
    JINO = "56", _("Jino")
    UNRECOGNISED = "97", _("Other (unrecognised group)")
    NATURALISED = "98", _("Naturalised citizen of foreign origin")


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
