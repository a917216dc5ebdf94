"""Default departments of a district and the district-wide responsibility list.

The codes are those of the demo (gridgov/demo/accounts.py) plus three that the default
responsibility list needs. Names are short forms: the loader prefixes the district's name.
"""

from __future__ import annotations

# (code, short Chinese name, short English name)
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("urban_mgmt", "城市管理综合执法局", "Urban Management and Law Enforcement Bureau"),
    ("housing", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
    ("public_security", "公安分局", "Public Security Branch Bureau"),
    ("civil_affairs", "民政局", "Civil Affairs Bureau"),
    ("health", "卫生健康委员会", "Health Commission"),
    ("market_supervision", "市场监督管理局", "Market Supervision Bureau"),
    ("emergency", "应急管理局", "Emergency Management Bureau"),
    ("ecology", "生态环境分局", "Ecology and Environment Branch Bureau"),
    ("utilities", "供水供热服务中心", "Water and Heating Service Centre"),
    ("justice", "司法局", "Justice Bureau"),
    ("human_resources", "人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    ("fire_rescue", "消防救援大队", "Fire and Rescue Brigade"),
)

# Sub-categories handled by another department than their category's default
# (CategoryDefault.department). Districts add per-area rules in the admin.
SUB_CATEGORY_DEPARTMENTS: dict[str, str] = {
    "0103": "fire_rescue",  # hydrants belong to the fire service
    "0505": "market_supervision",  # lifts are special equipment
    "0803": "public_security",  # parking tickets are the traffic police's
    "0904": "human_resources",  # labour inspection
    "0906": "market_supervision",
    "1104": "market_supervision",
    "1503": "market_supervision",
    "1307": "public_security",  # dog registration is usually the police's
    "1404": "human_resources",
    "1603": "utilities",
    "1604": "utilities",
    "1607": "housing",
}
