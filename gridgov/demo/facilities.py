"""Demo organizations (shops, enterprises, schools, clinics, social organizations, village
committees) with their fire-safety records, and the coded public facilities (components) of
one grid."""

from __future__ import annotations

from datetime import timedelta

from gridgov.demo.person_names import HAN_SURNAMES, person_name
from gridgov.demo.places import COMPOUND_WORDS, GridContext
from gridgov.people.models import (
    Building,
    BuildingKind,
    Component,
    ComponentKind,
    ComponentState,
    FireRisk,
    HouseUse,
    Organization,
    OrganizationKind,
)

SHOP_PREFIXES = [
    "老王", "鑫源", "好运来", "草原", "科尔沁", "家家乐", "福满多", "兴旺", "天天", "金凤", "宏达",
    "利民", "百姓", "诚信", "阿拉坦", "乌兰", "蒙古大营", "塞外", "东北人", "小李", "顺发", "佳美",
]  # fmt: skip
LOW, MEDIUM, HIGH = FireRisk.LOW, FireRisk.MEDIUM, FireRisk.HIGH
# (what the shop is, its usual fire risk)
SHOP_TYPES = [
    ("便利店", LOW), ("超市", MEDIUM), ("饭店", HIGH), ("烧烤店", HIGH), ("蒙餐馆", HIGH), ("面馆", MEDIUM),
    ("理发店", LOW), ("药店", LOW), ("五金店", MEDIUM), ("服装店", MEDIUM), ("奶茶店", LOW), ("手机店", LOW),
    ("洗衣店", MEDIUM), ("水果店", LOW), ("粮油店", LOW), ("牛肉干店", LOW), ("网吧", HIGH), ("KTV", HIGH),
    ("彩票站", LOW), ("母婴店", LOW), ("汽车修理部", HIGH), ("建材店", MEDIUM),
]  # fmt: skip
RURAL_SHOP_TYPES = [("小卖部", LOW), ("农资店", MEDIUM), ("兽药店", LOW), ("饭店", HIGH)]
COMPANY_WORDS = [
    "科沁", "蒙东", "通达", "鑫盛", "华泰", "北方", "金桥", "恒通", "远航", "广源", "嘉禾", "瑞丰",
]  # fmt: skip
INDUSTRIES = [
    ("商贸", MEDIUM), ("物流", HIGH), ("建筑工程", MEDIUM), ("餐饮管理", HIGH), ("物业服务", LOW),
    ("信息技术", LOW), ("农牧业开发", MEDIUM), ("广告传媒", LOW), ("装饰工程", MEDIUM), ("劳务服务", LOW),
    ("仓储", HIGH),
]  # fmt: skip
FIRE_PROBLEMS = [
    "灭火器过期",
    "疏散通道堆放杂物",
    "电线私拉乱接",
    "燃气软管老化",
    "未配备烟感报警器",
    "安全出口指示灯损坏",
]

# kind: (code letters, Chinese label, owner, count range in town, count range in a village)
COMPONENTS = {
    ComponentKind.MANHOLE: ("JG", "井盖", "区排水管理处", (8, 16), (1, 4)),
    ComponentKind.STREET_LIGHT: ("LD", "路灯", "区城市管理局路灯所", (10, 20), (4, 10)),
    ComponentKind.HYDRANT: ("XF", "消火栓", "区消防救援大队", (2, 5), (0, 2)),
    ComponentKind.CAMERA: ("JK", "监控探头", "公安分局科技信息化科", (3, 8), (1, 3)),
    ComponentKind.TRASH_BIN: ("LJ", "垃圾箱", "区环境卫生服务中心", (5, 12), (2, 6)),
    ComponentKind.BENCH: ("ZY", "健身器材", "社区居委会", (0, 3), (0, 1)),
    ComponentKind.BUS_STOP: ("GJ", "公交站亭", "市公共交通公司", (0, 2), (0, 1)),
}
DAMAGE_NOTES = {
    ComponentKind.MANHOLE: "井盖破损松动",
    ComponentKind.STREET_LIGHT: "夜间不亮",
    ComponentKind.HYDRANT: "栓口漏水",
    ComponentKind.CAMERA: "画面无信号",
    ComponentKind.TRASH_BIN: "箱体破损",
    ComponentKind.BENCH: "器材松动",
    ComponentKind.BUS_STOP: "顶棚破损",
}


def _name(ctx: GridContext) -> str:
    ethnicity = "02" if ctx.rng.random() < 0.25 else "01"
    return person_name(ctx.rng, ethnicity, ctx.rng.choice(["male", "female"]))


def _organization(
    ctx: GridContext,
    *,
    name: str,
    kind: str,
    address: str,
    point: tuple[float, float],
    risk: str,
    employees: tuple[int, int],
    code_prefix: str = "",
    building: Building | None = None,
) -> None:
    """One organization with contact, fire-safety record and (where it has one) a credit code."""
    rng, today = ctx.rng, ctx.today
    contact = _name(ctx)
    inspected = None
    draw = rng.random()
    if draw > 0.06:
        # Most are inspected within the year; some inspections are overdue.
        days = rng.randint(400, 900) if draw < 0.2 else rng.randint(10, 360)
        inspected = today - timedelta(days=days)
    problems = [p for p in FIRE_PROBLEMS if rng.random() < (0.08 if risk == FireRisk.HIGH else 0.03)]
    organization = Organization(
        name=name,
        kind=kind,
        credit_code=ctx.ids.credit_code(rng, code_prefix) if code_prefix else None,
        legal_representative=contact if rng.random() < 0.6 else _name(ctx),
        contact_name=contact,
        address=address,
        lon=point[0],
        lat=point[1],
        building=building,
        employees=rng.randint(*employees),
        is_active=rng.random() < 0.96,
        fire_inspected_on=inspected,
        fire_risk=risk,
        extinguishers_ok=None if inspected is None else "灭火器过期" not in problems,
        exits_clear=None if inspected is None else "疏散通道堆放杂物" not in problems,
        fire_notes="；".join(problems),
    )
    ctx.place(organization)
    ctx.records.organizations.append(organization)
    ctx.records.contact_phones.append(ctx.ids.mobile(rng) if rng.random() < 0.92 else "")


def _shop(
    ctx: GridContext, address: str, point: tuple[float, float], building: Building | None = None
) -> None:
    rng = ctx.rng
    what, risk = rng.choice(SHOP_TYPES if ctx.urban else RURAL_SHOP_TYPES)
    draw = rng.random()
    # Most are individual businesses (个体工商户, "92"); older ones have no code; a few are companies.
    prefix = "92" if draw < 0.7 else "91" if draw < 0.8 else ""
    first, second = rng.sample(SHOP_PREFIXES, 2)
    _organization(
        ctx,
        name=ctx.ids.organization_name(
            first + what, f"{first}{what}（{rng.choice(ctx.roads)}店）", second + what
        ),
        kind=OrganizationKind.SHOP,
        address=address,
        point=point,
        risk=risk,
        employees=(1, 8),
        code_prefix=prefix,
        building=building,
    )


def _street_address(ctx: GridContext) -> str:
    road = ctx.rng.choice(ctx.roads)
    return f"{road}{ctx.door_number(road)}号"


def build_organizations(ctx: GridContext) -> None:
    """Shops in the ground-floor shops and along the roads, enterprises in the office blocks,
    and the schools, clinics and associations a grid of this kind has."""
    rng, community = ctx.rng, ctx.community.name_zh
    for house in ctx.records.houses:
        if house.use != HouseUse.COMMERCIAL:
            continue
        building = house.building
        point = (building.lon, building.lat)
        if building.kind == BuildingKind.COMMERCIAL:
            if house.number.endswith("01") and house.unit == 1:  # one enterprise per floor
                name, risk = _company(ctx)
                _organization(
                    ctx,
                    name=name,
                    kind=OrganizationKind.ENTERPRISE,
                    address=f"{building.address}{house.floor}层",
                    point=point,
                    risk=risk,
                    employees=(5, 120),
                    code_prefix="91",
                    building=building,
                )
        elif rng.random() < 0.85:
            _shop(ctx, f"{building.address}{house.unit}单元{house.number}底商", point, building)
    for _ in range(rng.randint(2, 6) if ctx.urban else rng.randint(1, 3)):
        _shop(ctx, _street_address(ctx), ctx.random_point())
    always = ctx.showcase
    school, medical, social = OrganizationKind.SCHOOL, OrganizationKind.MEDICAL, OrganizationKind.SOCIAL
    road, word = rng.choice(ctx.roads), rng.choice(COMPOUND_WORDS)
    # (chance, name choices, kind, fire risk, employees, credit-code prefix: "" for none); a
    # community's second grid gets a school or clinic of another name, or none.
    if ctx.urban:
        extras = [
            (0.2, [f"科尔沁区{community}小学", f"科尔沁区{road}小学"], school, MEDIUM, (30, 150), "12"),
            (0.3, [f"{community}幼儿园", f"{word}幼儿园"], school, MEDIUM, (10, 30), "52"),
            (
                0.35,
                [f"{community}卫生服务站", f"{rng.choice(HAN_SURNAMES[:24])}氏诊所"],
                medical,
                LOW,
                (3, 25),
                "52",
            ),
            (0.3, [f"{community}老年协会", f"{community}秧歌队"], social, LOW, (0, 6), ""),
            (0.25, [f"科尔沁区{word}志愿服务协会", f"{community}志愿服务队"], social, LOW, (1, 10), "51"),
        ]
    else:
        coops = [
            f"科尔沁区{community}{c}专业合作社" for c in rng.sample(["养牛", "玉米种植", "农机", "肉羊"], 2)
        ]
        group = rng.randint(1, 4)
        extras = [
            (1.0, [f"{community}委员会"], OrganizationKind.GOVERNMENT, LOW, (5, 15), "54"),
            (0.6, [f"{community}卫生室", f"{community}{group}组卫生所"], medical, LOW, (1, 4), "52"),
            (0.5, coops, OrganizationKind.ENTERPRISE, MEDIUM, (3, 30), "93"),
            (0.1, [f"{ctx.street.name_zh}{community}小学"], school, MEDIUM, (10, 40), "12"),
        ]
    for chance, choices, kind, risk, employees, prefix in extras:
        if not (always or rng.random() < chance):
            continue
        free = ctx.ids.free_name(*choices)
        if free is None:  # the community has it already
            continue
        _organization(
            ctx,
            name=free,
            kind=kind,
            address=_street_address(ctx) if ctx.urban else f"{ctx.street.name_zh}{community}",
            point=ctx.random_point(),
            risk=risk,
            employees=employees,
            code_prefix=prefix,
        )
    if ctx.urban and (always or rng.random() < 0.3):
        name, risk = _company(ctx)
        _organization(
            ctx,
            name=name,
            kind=OrganizationKind.ENTERPRISE,
            address=_street_address(ctx),
            point=ctx.random_point(),
            risk=risk,
            employees=(5, 200),
            code_prefix="91",
        )


def _company(ctx: GridContext) -> tuple[str, str]:
    """A company name not yet taken in the district, and the usual fire risk of its trade."""
    rng = ctx.rng
    first, second = rng.sample(COMPANY_WORDS, 2)
    industry, risk = rng.choice(INDUSTRIES)
    name = ctx.ids.organization_name(
        f"通辽市{first}{industry}有限公司",
        f"通辽{first}{second}{industry}有限公司",
        f"内蒙古{second}{first}{industry}有限责任公司",
    )
    return name, risk


def build_components(ctx: GridContext) -> None:
    """Manhole covers, street lights (in a line along a road), hydrants, cameras, bins …, coded
    `<grid code>-<letters>-<number>`; a few damaged or missing."""
    rng = ctx.rng
    for kind, (letters, label, owner, town, village) in COMPONENTS.items():
        count = rng.randint(*(town if ctx.urban else village))
        start = ctx.random_point()
        for number in range(1, count + 1):
            if kind == ComponentKind.STREET_LIGHT:
                point = ctx.offset(*start, 30.0 * number, 4.0 * number)
            else:
                point = ctx.random_point()
            draw = rng.random()
            missing = 0.02 if kind == ComponentKind.MANHOLE else 0.008
            state = (
                ComponentState.MISSING
                if draw < missing
                else ComponentState.DAMAGED
                if draw < missing + 0.05
                else ComponentState.GOOD
            )
            component = Component(
                code=f"{ctx.grid.code}-{letters}-{number:04d}",
                kind=kind,
                name=f"{rng.choice(ctx.roads)}{label}",
                lon=point[0],
                lat=point[1],
                state=state,
                owner=owner,
                installed_on=ctx.today - timedelta(days=rng.randint(100, 15 * 365)),
                note={ComponentState.GOOD: "", ComponentState.MISSING: f"{label}缺失"}.get(
                    state, DAMAGE_NOTES[kind]
                ),
            )
            ctx.place(component)
            ctx.records.components.append(component)
