"""Generated case history for the classifier's tests, its benchmark and the demo model.

Each category has its own typical words (what breaks, and how), every report mixes in place
words and noise shared by all categories, and now and then a word of another category, so the
task is learnable but not trivial. Every street has its own habits of dispatch: for some
categories it sends the cases to another department than the default responsibility list says
(a per-street bias the department head has to learn from the location), and a few dispatches go
somewhere else at random, as bounced and re-dispatched cases do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from gridgov.access.models import Department
from gridgov.cases.defaults.categories import CATEGORIES
from gridgov.cases.defaults.departments import SUB_CATEGORY_DEPARTMENTS
from gridgov.cases.models import Case, Category, Source, State
from gridgov.geo.models import Level, OrgUnit

# leaf category -> (what, how): the words a report of this kind typically uses.
CATEGORY_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "0101": (("井盖", "窨井盖", "下水井盖"), ("缺失", "丢失", "破损", "松动", "塌陷")),
    "0102": (("路灯", "灯杆", "照明灯"), ("不亮", "损坏", "闪烁", "倾斜")),
    "0104": (("座椅", "长椅", "休闲椅"), ("损坏", "断裂", "松动")),
    "0106": (("果皮箱", "垃圾桶", "分类桶"), ("破损", "缺盖", "倒地")),
    "0201": (("路面", "沥青路", "马路"), ("坑洼", "破损", "裂缝", "凹陷")),
    "0202": (("人行道", "步道砖", "盲道"), ("破损", "松动", "翘起")),
    "0204": (("积水", "雨水", "下水道"), ("积水", "排水不畅", "堵塞")),
    "0206": (("积雪", "结冰", "冰面"), ("未清理", "路滑", "摔倒")),
    "0301": (("垃圾", "生活垃圾", "垃圾袋"), ("堆积", "暴露", "无人清运", "异味")),
    "0303": (("墙面", "涂鸦", "油漆"), ("乱涂乱画", "乱写", "污损")),
    "0304": (("小广告", "广告贴", "办证广告"), ("张贴", "喷涂", "乱贴")),
    "0305": (("路面", "油污", "泥水"), ("不洁", "脏", "没人扫")),
    "0306": (("建材", "沙石", "杂物"), ("乱堆", "占道", "堆放")),
    "0307": (("衣物", "被褥", "晾衣绳"), ("沿街晾晒", "挂在树上", "晾在护栏")),
    "0402": (("树木", "大树", "枯树"), ("倒伏", "枯死", "歪斜")),
    "0501": (("违建", "彩钢房", "私搭乱建"), ("搭建", "扩建", "加盖")),
    "0505": (("电梯", "轿厢", "电梯门"), ("故障", "困人", "停运")),
    "0701": (("施工", "工地", "机械"), ("噪音", "夜间", "扰民")),
    "0703": (("渣土车", "渣土", "泥土"), ("遗撒", "撒漏", "带泥")),
    "0801": (("摊贩", "商贩", "小推车"), ("占道经营", "叫卖", "流动")),
    "0803": (("车辆", "私家车", "机动车"), ("违停", "乱停", "堵路")),
    "0901": (("邻居", "楼上", "邻里"), ("纠纷", "吵架", "矛盾")),
    "1201": (("消防通道", "楼道口", "通道"), ("堵塞", "占用", "停车")),
    "1203": (("电动车", "电瓶车", "电线"), ("飞线充电", "楼道充电", "私拉")),
    "1302": (("油烟", "饭店", "烧烤店"), ("直排", "刺鼻", "熏人")),
    "1307": (("流浪狗", "犬只", "大狗"), ("咬人", "狂吠", "乱窜")),
    "1603": (("暖气", "供暖", "暖气片"), ("不热", "温度低", "停暖")),
    "1604": (("自来水", "水管", "供水"), ("停水", "爆裂", "水压低")),
}
PLACES = (
    "小区门口",
    "楼下",
    "单元门口",
    "路口",
    "菜市场旁",
    "学校附近",
    "公园里",
    "广场上",
    "巷子里",
    "停车场",
)
NOISE = (
    "居民反映",
    "已经好几天",
    "影响出行",
    "存在安全隐患",
    "晚上",
    "早上",
    "群众意见大",
    "老人孩子多",
    "多次反映",
    "请相关部门",
)
# Vague words for a whole top-level category: a report using only these could be any of its
# sub-categories (the top-3 accuracy counts those).
VAGUE = {
    "01": ("公共设施", "设施"),
    "02": ("道路", "路上"),
    "03": ("环境卫生", "脏乱"),
    "04": ("绿化", "绿地"),
    "05": ("房屋", "楼房"),
    "07": ("工地", "施工队"),
    "08": ("街面", "门店"),
    "12": ("消防", "楼道"),
    "13": ("污染", "环境"),
    "16": ("突发", "家里"),
}
VAGUE_HOW = ("有问题", "不正常", "没人管", "很严重")
# Departments a street may prefer over the default for a whole category.
ALTERNATIVES = ("urban_mgmt", "housing", "utilities", "ecology", "public_security", "emergency")


@dataclass(frozen=True)
class HistoryCase:
    """One closed case of the generated history (not yet a row)."""

    category: str  # leaf category code
    department: str  # department code; "" when the case was never dispatched
    description: str
    address: str
    lon: float
    lat: float
    grid_id: int
    org_path: str
    reported_at: datetime


def default_departments() -> dict[str, str]:
    """leaf category code -> the default responsibility list's department code."""
    found = {}
    for top in CATEGORIES:
        for child in top.children:
            found[child.code] = SUB_CATEGORY_DEPARTMENTS.get(child.code, top.department)
    return found


def generate_history(
    grids: list[OrgUnit],
    count: int,
    *,
    seed: int = 8,
    categories: list[str] | None = None,
    end: datetime | None = None,
    days: int = 365,
    departments: set[str] | None = None,
) -> list[HistoryCase]:
    """`count` closed cases spread over `grids` and the `days` before `end`, oldest first.

    `categories`: the leaf codes to draw from (default: those of CATEGORY_WORDS);
    `departments`: the department codes that exist (others fall back to the default).
    """
    rng = random.Random(seed)
    codes = sorted(categories or CATEGORY_WORDS)
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(codes))]
    rng.shuffle(weights)
    defaults = default_departments()
    usable = set(departments) if departments is not None else set(ALTERNATIVES) | set(defaults.values())
    streets = sorted({".".join(g.path.split(".")[:2]) for g in grids})
    habits = {
        street: {
            code[:2]: rng.choice([d for d in ALTERNATIVES if d in usable] or [defaults.get(code, "")])
            for code in codes
            if rng.random() < 0.3
        }
        for street in streets
    }
    end = end or timezone.now()
    start = end - timedelta(days=days)
    history = []
    for n in range(count):
        code = rng.choices(codes, weights)[0]
        grid = rng.choice(grids)
        street = ".".join(grid.path.split(".")[:2])
        department = habits[street].get(code[:2]) or defaults.get(code, "")
        if rng.random() < 0.06:
            department = rng.choice(sorted(usable))
        if department not in usable:
            department = defaults.get(code, "") if defaults.get(code, "") in usable else ""
        if rng.random() < 0.08:
            department = ""  # handled on the spot, never dispatched
        lon = rng.uniform(grid.min_lon or 0.0, grid.max_lon or 0.0)
        lat = rng.uniform(grid.min_lat or 0.0, grid.max_lat or 0.0)
        history.append(
            HistoryCase(
                category=code,
                department=department,
                description=_description(code, rng),
                address=f"{grid.name_zh}{rng.randint(1, 40)}号楼",
                lon=lon,
                lat=lat,
                grid_id=grid.pk,
                org_path=grid.path,
                reported_at=start + timedelta(seconds=(days * 86400) * (n + rng.random()) / count),
            )
        )
    return history


def _description(code: str, rng: random.Random) -> str:
    what, how = CATEGORY_WORDS.get(code) or (_name_words(code), ("损坏", "问题"))
    if code[:2] in VAGUE and rng.random() < 0.2:
        what, how = VAGUE[code[:2]], VAGUE_HOW
    parts = [rng.choice(PLACES), rng.choice(what), rng.choice(how)]
    if rng.random() < 0.5:
        parts.append("，" + rng.choice(NOISE))
    if rng.random() < 0.15:
        other_what, _other_how = CATEGORY_WORDS[rng.choice(sorted(CATEGORY_WORDS))]
        parts.append("，" + rng.choice(other_what))
    return "".join(parts)


def _name_words(code: str) -> tuple[str, ...]:
    """A category without its own vocabulary: the words of its name."""
    from gridgov.intelligence.text import tokens

    for top in CATEGORIES:
        for child in top.children:
            if child.code == code:
                return tuple(tokens(child.name_zh)) or (child.name_zh,)
    return (code,)


def create_history(history: list[HistoryCase], *, prefix: str = "H") -> list[Case]:
    """Write the generated history as closed cases (bulk, no timeline: training reads only cases)."""
    categories = {c.code: c for c in Category.objects.filter(code__in={h.category for h in history})}
    departments = {d.code: d for d in Department.objects.filter(code__in={h.department for h in history})}
    grids = {g.pk: g for g in OrgUnit.objects.filter(pk__in={h.grid_id for h in history})}
    communities = {
        u.path: u
        for u in OrgUnit.objects.filter(
            level=Level.COMMUNITY, path__in={".".join(h.org_path.split(".")[:3]) for h in history}
        )
    }
    rows = []
    for n, item in enumerate(history):
        grid = grids[item.grid_id]
        rows.append(
            Case(
                number=f"{prefix}{grid.path.split('.')[0]}-{n:07d}",
                source=Source.PATROL,
                category=categories[item.category],
                description=item.description,
                address=item.address,
                lon=item.lon,
                lat=item.lat,
                grid=grid,
                org_path=grid.path,
                level=Level.COMMUNITY,
                responsible_unit=communities[".".join(grid.path.split(".")[:3])],
                state=State.CLOSED,
                department=departments.get(item.department),
                reported_at=item.reported_at,
                closed_at=item.reported_at + timedelta(days=2),
            )
        )
    with transaction.atomic():
        return Case.objects.bulk_create(rows, batch_size=1000)
