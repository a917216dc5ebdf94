"""Default categories (two-digit codes) and their sub-categories (four digits: parent + two).

The split into components and events follows the practice of digital urban management
(数字化城市管理), widened with the social-governance work of grids. The wording is ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SubCategoryDefault:
    code: str
    name_zh: str
    name_en: str
    # Set only where a sub-category must be more private than its parent (never less).
    is_public: bool | None = None


@dataclass(frozen=True)
class CategoryDefault:
    code: str
    name_zh: str
    name_en: str
    # The responsibility list's default department (a code of departments.DEPARTMENTS).
    department: str
    # Time-limit profile (a key of limits.PROFILES).
    profile: str
    is_public: bool = True
    auto_escalate: bool = False
    children: tuple[SubCategoryDefault, ...] = field(default_factory=tuple)


S = SubCategoryDefault

CATEGORIES: tuple[CategoryDefault, ...] = (
    # --- Urban management: components (部件) and events (事件) of city upkeep.
    CategoryDefault(
        "01",
        "公共设施",
        "Public facilities",
        "urban_mgmt",
        "standard",
        children=(
            S("0101", "井盖缺失或破损", "Missing or broken manhole cover"),
            S("0102", "路灯不亮或损坏", "Street light out or damaged"),
            S("0103", "消防栓损坏或漏水", "Fire hydrant damaged or leaking"),
            S("0104", "公共座椅损坏", "Damaged public bench"),
            S("0105", "公共厕所设施故障", "Public toilet out of order"),
            S("0106", "果皮箱垃圾桶破损", "Damaged litter bin"),
            S("0107", "公交站亭损坏", "Damaged bus shelter"),
            S("0108", "电力通信杆箱损坏", "Damaged utility pole or cable box"),
        ),
    ),
    CategoryDefault(
        "02",
        "道路桥梁",
        "Roads and bridges",
        "housing",
        "standard",
        children=(
            S("0201", "路面坑洼破损", "Pothole or broken road surface"),
            S("0202", "人行道破损", "Broken pavement"),
            S("0203", "桥梁及护栏损坏", "Damaged bridge or railing"),
            S("0204", "道路积水", "Standing water on the road"),
            S("0205", "交通标志标线损坏", "Damaged traffic sign or road marking"),
            S("0206", "道路积雪结冰", "Snow or ice on the road"),
        ),
    ),
    CategoryDefault(
        "03",
        "市容环境",
        "City appearance and environment",
        "urban_mgmt",
        "quick",
        children=(
            S("0301", "暴露垃圾", "Exposed rubbish"),
            S("0302", "垃圾渣土积存", "Accumulated rubbish or debris"),
            S("0303", "乱涂乱画", "Graffiti"),
            S("0304", "非法小广告", "Illegal small adverts (stickers, sprayed ads)"),
            S("0305", "道路不洁", "Dirty street surface"),
            S("0306", "乱堆物料", "Materials piled in public space"),
            S("0307", "沿街晾晒", "Laundry hung along the street"),
        ),
    ),
    CategoryDefault(
        "04",
        "园林绿化",
        "Greenery",
        "urban_mgmt",
        "works",
        children=(
            S("0401", "绿地被毁或侵占", "Green space damaged or encroached on"),
            S("0402", "树木倒伏或枯死", "Fallen or dead tree"),
            S("0403", "树枝遮挡或妨碍通行", "Branches blocking the way or signs"),
            S("0404", "绿化带内垃圾杂物", "Rubbish in a green belt"),
            S("0405", "绿地设施损坏", "Damaged green-space fence or irrigation"),
        ),
    ),
    CategoryDefault(
        "05",
        "房屋建筑",
        "Housing and buildings",
        "housing",
        "works",
        children=(
            S("0501", "违法建设", "Unauthorised construction"),
            S("0502", "房屋安全隐患", "Unsafe building"),
            S("0503", "外墙或附属物脱落", "Falling facade or fixture"),
            S("0504", "老旧小区设施损坏", "Broken facilities in an old residential compound"),
            S("0505", "电梯故障困人", "Lift failure or people trapped in a lift"),
        ),
    ),
    CategoryDefault(
        "06",
        "户外广告",
        "Outdoor advertising",
        "urban_mgmt",
        "works",
        children=(
            S("0601", "擅自设置户外广告", "Unauthorised billboard"),
            S("0602", "广告牌匾破损或隐患", "Damaged or unsafe billboard or shop sign"),
            S("0603", "违规悬挂横幅条幅", "Unauthorised banner"),
            S("0604", "灯箱电子屏故障", "Faulty light box or screen"),
        ),
    ),
    CategoryDefault(
        "07",
        "施工管理",
        "Construction and muck trucks",
        "urban_mgmt",
        "standard",
        children=(
            S("0701", "夜间施工扰民", "Construction noise at night"),
            S("0702", "施工扬尘", "Construction dust"),
            S("0703", "渣土车辆遗撒", "Spillage from a muck truck"),
            S("0704", "偷倒建筑垃圾", "Illegally dumped construction waste"),
            S("0705", "施工围挡破损或占道", "Damaged or road-blocking site hoarding"),
            S("0706", "道路开挖未恢复", "Road dug up and not restored"),
        ),
    ),
    CategoryDefault(
        "08",
        "街面秩序",
        "Street order",
        "urban_mgmt",
        "quick",
        children=(
            S("0801", "流动摊贩", "Street vending"),
            S("0802", "店外经营占道", "Shop business occupying the road"),
            S("0803", "机动车违章停放", "Illegal parking"),
            S("0804", "非机动车乱停放", "Bicycles or e-bikes parked in the way"),
            S("0805", "露天烧烤", "Open-air barbecue"),
            S("0806", "商业噪声扰民", "Commercial noise"),
        ),
    ),
    # --- Social governance: what grid workers find in households and organizations.
    CategoryDefault(
        "09",
        "矛盾纠纷",
        "Disputes and conflicts",
        "justice",
        "dispute",
        is_public=False,
        children=(
            S("0901", "邻里纠纷", "Dispute between neighbours"),
            S("0902", "婚姻家庭纠纷", "Marriage or family dispute"),
            S("0903", "物业纠纷", "Property-management dispute"),
            S("0904", "劳资纠纷与欠薪", "Labour dispute or wage arrears"),
            S("0905", "土地草场纠纷", "Land or grassland dispute"),
            S("0906", "消费纠纷", "Consumer dispute"),
        ),
    ),
    CategoryDefault(
        "10",
        "治安隐患",
        "Public-security hazards",
        "public_security",
        "hazard",
        is_public=False,
        children=(
            S("1001", "可疑人员或物品", "Suspicious person or object"),
            S("1002", "出租房屋治安隐患", "Security risk in rented housing"),
            S("1003", "涉黄涉赌涉毒线索", "Lead on prostitution, gambling or drugs"),
            S("1004", "电信网络诈骗线索", "Lead on telecom or online fraud"),
            S("1005", "校园周边安全隐患", "Safety hazard around a school"),
            S("1006", "重点人员异常情况", "Unusual behaviour of a person under special care"),
        ),
    ),
    CategoryDefault(
        "11",
        "安全生产",
        "Work safety",
        "emergency",
        "hazard",
        auto_escalate=True,
        children=(
            S("1101", "危险化学品隐患", "Hazardous-chemical risk"),
            S("1102", "燃气使用隐患", "Unsafe gas use (restaurants, shops)"),
            S("1103", "施工现场安全隐患", "Construction-site safety hazard"),
            S("1104", "特种设备隐患", "Unsafe special equipment (boilers, lifts, cranes)"),
            S("1105", "“三合一”场所", "Premises used for living, production and storage at once"),
            S("1106", "有限空间作业隐患", "Unsafe work in a confined space"),
        ),
    ),
    CategoryDefault(
        "12",
        "消防隐患",
        "Fire hazards",
        "fire_rescue",
        "hazard",
        auto_escalate=True,
        children=(
            S("1201", "消防通道堵塞", "Blocked fire lane or fire exit"),
            S("1202", "楼道堆放杂物", "Things stored in a stairwell or corridor"),
            S("1203", "飞线充电及楼道充电", "Flying wires or e-bikes charged in a corridor"),
            S("1204", "消防设施缺损", "Missing or broken fire equipment"),
            S("1205", "违规用火用电", "Unsafe use of fire or electricity"),
            S("1206", "安全出口锁闭", "Emergency exit locked"),
        ),
    ),
    CategoryDefault(
        "13",
        "生态环境",
        "Environment and sanitation",
        "ecology",
        "standard",
        children=(
            S("1301", "露天焚烧", "Open burning (rubbish, straw)"),
            S("1302", "餐饮油烟", "Cooking fumes from restaurants"),
            S("1303", "水体污染", "Polluted water body"),
            S("1304", "工业废气噪声", "Industrial emissions or noise"),
            S("1305", "畜禽养殖污染", "Pollution from livestock or poultry farming"),
            S("1306", "病媒生物孳生", "Rats, mosquitoes or flies breeding"),
            S("1307", "犬只扰民与流浪犬", "Nuisance or stray dogs"),
        ),
    ),
    CategoryDefault(
        "14",
        "民生服务",
        "Livelihood services",
        "civil_affairs",
        "dispute",
        is_public=False,
        children=(
            S("1401", "养老服务与独居老人", "Elderly care, elderly living alone"),
            S("1402", "社会救助与低保", "Social assistance and minimum living allowance"),
            S("1403", "残疾人服务", "Services for people with disabilities"),
            S("1404", "就业服务", "Employment services"),
            S("1405", "困境儿童与留守儿童", "Children in difficulty, left-behind children"),
            S("1406", "退役军人服务", "Services for veterans"),
        ),
    ),
    CategoryDefault(
        "15",
        "公共卫生",
        "Public health and epidemic",
        "health",
        "standard",
        children=(
            S("1501", "传染病疫情报告", "Report of an infectious-disease case", is_public=False),
            S("1502", "健康监测异常人员", "Person under health monitoring with symptoms", is_public=False),
            S("1503", "食品安全", "Food safety"),
            S("1504", "非法行医售药", "Unlicensed medical practice or drug sales"),
            S("1505", "公共场所卫生", "Hygiene of public places"),
        ),
    ),
    CategoryDefault(
        "16",
        "突发事件",
        "Emergencies",
        "emergency",
        "emergency",
        auto_escalate=True,
        children=(
            S("1601", "自然灾害", "Natural disaster (flood, earthquake, sandstorm)"),
            S("1602", "暴雪寒潮", "Snowstorm or cold wave"),
            S("1603", "供暖故障", "Heating failure"),
            S("1604", "停水", "Water outage"),
            S("1605", "停气或燃气泄漏", "Gas outage or gas leak"),
            S("1606", "停电", "Power outage"),
            S("1607", "路面塌陷", "Road collapse"),
        ),
    ),
    CategoryDefault(
        "17",
        "其他事项",
        "Other matters",
        "urban_mgmt",
        "standard",
        children=(
            S("1701", "其他城市管理问题", "Other urban-management problem"),
            S("1702", "其他社会治理问题", "Other social-governance problem", is_public=False),
            S("1703", "咨询与建议", "Enquiry or suggestion"),
        ),
    ),
)
