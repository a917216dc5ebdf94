"""Unique, valid identifiers for the demo registry: ID numbers, mobiles, credit codes.

One allocator serves the whole load, so numbers never repeat across grids; the grids are
generated in code order, which keeps the result the same for a seed.
"""

from __future__ import annotations

import random
from datetime import date

from gridgov.people.credit_codes import ALPHABET, make_credit_code
from gridgov.people.identity_numbers import make_id_number

HOME_REGION = "150502"  # Keerqin District
# Other counties of Inner Mongolia (mostly Tongliao's banners): where permanent residents and
# some registered ones were born.
INNER_MONGOLIA = {
    "150521": "内蒙古自治区通辽市科尔沁左翼中旗",
    "150522": "内蒙古自治区通辽市科尔沁左翼后旗",
    "150523": "内蒙古自治区通辽市开鲁县",
    "150524": "内蒙古自治区通辽市库伦旗",
    "150525": "内蒙古自治区通辽市奈曼旗",
    "150526": "内蒙古自治区通辽市扎鲁特旗",
    "150581": "内蒙古自治区霍林郭勒市",
    "150402": "内蒙古自治区赤峰市红山区",
    "152221": "内蒙古自治区兴安盟科尔沁右翼前旗",
}
# Neighbouring provinces where floating residents come from.
OTHER_PROVINCES = {
    "220102": "吉林省长春市南关区",
    "220302": "吉林省四平市铁西区",
    "210102": "辽宁省沈阳市和平区",
    "210902": "辽宁省阜新市海州区",
    "211302": "辽宁省朝阳市双塔区",
    "230102": "黑龙江省哈尔滨市道里区",
    "130102": "河北省石家庄市长安区",
    "370102": "山东省济南市历下区",
    "410102": "河南省郑州市中原区",
}
PLACE_OF = {HOME_REGION: "内蒙古自治区通辽市科尔沁区", **INNER_MONGOLIA, **OTHER_PROVINCES}
# Mobile prefixes in use (all 13x–19x).
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181",
    "182", "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
]  # fmt: skip


class Identifiers:
    """Hands out numbers nobody in the demo holds yet."""

    def __init__(self) -> None:
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self._codes: set[str] = set()
        self._names: set[str] = set()

    def id_number(self, rng: random.Random, region: str, birth: date, sex: str) -> str:
        """A valid ID number for a person born in `region` on `birth`; the sequence's parity
        carries the sex (odd for men)."""
        parity = 1 if sex == "male" else 0
        start = rng.randrange(0, 500)
        for step in range(500):
            sequence = 2 * ((start + step) % 500) + parity
            number = make_id_number(region, birth, sequence)
            if number not in self._ids:
                self._ids.add(number)
                return number
        raise RuntimeError(f"no free ID sequence for {region} {birth}")  # 500 births in a day

    def mobile(self, rng: random.Random) -> str:
        while True:
            number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def credit_code(self, rng: random.Random, prefix: str) -> str:
        """A unified social credit code: `prefix` (authority and type, e.g. "92" for an individual
        business), the district's region code, nine random characters and the check character."""
        while True:
            body = "".join(rng.choice(ALPHABET) for _ in range(9))
            code = make_credit_code(f"{prefix}{HOME_REGION}{body}")
            if code not in self._codes:
                self._codes.add(code)
                return code

    def free_name(self, *candidates: str) -> str | None:
        """The first candidate no organization bears yet (names are unique in a district), or
        None when all are taken."""
        for name in candidates:
            if name not in self._names:
                self._names.add(name)
                return name
        return None

    def organization_name(self, *candidates: str) -> str:
        """The first free candidate, else the first one numbered: "鑫源超市（2）"."""
        name = self.free_name(*candidates)
        number = 2
        while name is None:
            name = self.free_name(f"{candidates[0]}（{number}）")
            number += 1
        return name
