"""Synthetic residents for the registry benchmarks, Keerqin-shaped: Han and Mongolian names,
valid and unique ID numbers, mobiles, ethnicities, residence types, and grids of the district.

`generate_persons` is deterministic for a seed. `write_import_csv` writes them in the import's
CSV format (Chinese headers, as an official's file would have). `write_stored_rows` writes the
same persons as the columns of people_person, filled as people.services fills them (pinyin keys,
keyed hashes and masked forms of the ID number and phone; tokens of the right shape and length),
in COPY's text format: the COPY baseline of the import and the fast loader of the search
benchmark both read that file.
Nothing here is timed.
"""

from __future__ import annotations

import base64
import csv
import os
import random
import shutil
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple

from gridgov.people.crypto import NONCE_BYTES, TAG_BYTES, TOKEN_VERSION

# Han family names, the common ones first (drawn with decreasing weight).
HAN_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤包鲍关佟"
)
HAN_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉梅华建国志春燕红文辉鹏宇浩晨欣怡子涵博轩雪婷琳海峰斌"
    "亮林波云凤成立新永利荣福祥德宝庆东山旭阳晓丹萍颖佳慧瑞凯帅健龙飞鑫淑珍秋菊彩玲香翠莲喜顺贵广才胜俊"
)
# Mongolian personal names as written in Chinese characters; a full name is one or two of them,
# sometimes after a Han-style family name that many Mongolian families of the area use.
MONGOLIAN_NAMES = (
    "巴特尔", "乌兰", "其其格", "苏和", "额尔敦", "那仁", "图雅", "萨仁", "朝鲁", "宝音", "斯琴",
    "高娃", "哈斯", "额尔德尼", "孟和", "巴雅尔", "敖其尔", "阿拉坦", "格日勒", "吉雅", "满都拉",
    "青格乐", "乌云", "塔娜", "达来", "布和", "特木尔", "毕力格", "陶克陶", "乌力吉", "阿木尔",
    "吉日嘎拉", "图门", "莫日根", "纳顺", "呼和", "查干", "德力格尔", "苏日娜", "其木格", "娜仁",
    "朝格图", "白音", "巴图", "敖登", "乌日娜", "阿茹娜", "宝力道", "巴根那", "金花", "包力高",
)  # fmt: skip
MONGOLIAN_SURNAMES = "包白韩鲍宝吴陈王李金"

# Counties of Tongliao (150502 is Keerqin itself) and a few places floating residents come from.
TONGLIAO_REGIONS = ("150502",) * 8 + ("150521", "150522", "150523", "150524", "150525", "150581")
OTHER_REGIONS = ("152301", "150102", "220102", "210102", "130102", "230102", "370102", "410102")
MOBILE_PREFIXES = tuple(
    [str(n) for n in range(130, 140)]
    + [str(n) for n in range(150, 160) if n != 154]
    + ["166", "170", "173", "177"]
    + [str(n) for n in range(180, 190)]
    + ["198", "199"]
)
STREETS = ("科尔沁", "永清", "明仁", "施介", "团结", "红星", "西门", "前进", "东郊", "铁南", "建国")
COMMUNITIES = ("和平", "新华", "光明", "长青", "胜利", "幸福", "民主", "建设", "友谊", "繁荣", "朝阳", "向阳")

CSV_HEADERS = ("姓名", "身份证号", "民族", "联系电话", "居住类型", "户籍地址", "网格编码", "备注")
RESIDENCE_TYPES = {"户籍": "registered", "常住": "permanent", "流动": "floating"}
ETHNICITY_CODES = {"汉族": "01", "蒙古族": "02", "回族": "03", "朝鲜族": "10", "满族": "11"}


class SyntheticPerson(NamedTuple):
    name: str
    id_number: str
    ethnicity: str  # as written in files: "蒙古族"
    phone: str  # "" for none
    residence: str  # 户籍 / 常住 / 流动
    registered_address: str
    grid_code: str


# Shares (%) of the most common family names in the census; the rest share what is left, fading.
_TOP_SURNAME_SHARES = (7.1, 7.0, 6.7, 5.4, 4.5, 3.1, 2.3, 2.2, 2.1, 2.0, 1.8, 1.5, 1.5, 1.4, 1.3, 1.2, 1.2)
_SURNAME_WEIGHTS = list(
    accumulate(
        _TOP_SURNAME_SHARES
        + tuple(1.1 * 0.97**n for n in range(len(HAN_SURNAMES) - len(_TOP_SURNAME_SHARES)))
    )
)


def _weighted_surname(rng: random.Random) -> str:
    return rng.choices(HAN_SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0]


def _name(rng: random.Random) -> tuple[str, bool]:
    """A full name and whether it is a Mongolian name."""
    if rng.random() < 0.22:
        given = rng.choice(MONGOLIAN_NAMES)
        if rng.random() < 0.35:
            given += rng.choice(MONGOLIAN_NAMES)
        if rng.random() < 0.4:
            return rng.choice(MONGOLIAN_SURNAMES) + given, True
        return given, True
    given = "".join(rng.choice(HAN_GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
    return _weighted_surname(rng) + given, False


def _ethnicity(rng: random.Random, mongolian_name: bool) -> str:
    if mongolian_name:
        return "蒙古族" if rng.random() < 0.97 else "汉族"
    draw = rng.random()
    if draw < 0.86:
        return "汉族"
    if draw < 0.95:
        return "蒙古族"  # many Mongolian families give Han names
    if draw < 0.98:
        return "满族"
    return "回族" if draw < 0.995 else "朝鲜族"


def generate_persons(count: int, grid_codes: Sequence[str], *, seed: int = 5) -> list[SyntheticPerson]:
    """`count` persons with unique valid ID numbers spread evenly over `grid_codes`."""
    from gridgov.people.identity_numbers import make_id_number

    rng = random.Random(seed)
    first_birth, last_birth = date(1930, 1, 1), date(2024, 12, 31)
    span = (last_birth - first_birth).days
    seen: set[str] = set()
    persons: list[SyntheticPerson] = []
    while len(persons) < count:
        residence = rng.choices(("户籍", "常住", "流动"), weights=(75, 15, 10))[0]
        region = rng.choice(TONGLIAO_REGIONS if residence != "流动" else OTHER_REGIONS)
        birth = first_birth + timedelta(days=rng.randrange(span))
        id_number = make_id_number(region, birth, rng.randrange(1000))
        if id_number in seen:
            continue
        seen.add(id_number)
        name, mongolian = _name(rng)
        adult = birth.year <= 2008
        phone = ""
        if adult and rng.random() < 0.92:
            phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        address = ""
        if residence == "户籍" and rng.random() < 0.7:
            address = (
                f"内蒙古自治区通辽市科尔沁区{rng.choice(STREETS)}街道{rng.choice(COMMUNITIES)}社区"
                f"{rng.randrange(1, 300)}号"
            )
        persons.append(
            SyntheticPerson(
                name=name,
                id_number=id_number,
                ethnicity=_ethnicity(rng, mongolian),
                phone=phone,
                residence=residence,
                registered_address=address,
                grid_code=grid_codes[len(persons) % len(grid_codes)],
            )
        )
    rng.shuffle(persons)
    return persons


def write_import_csv(persons: Sequence[SyntheticPerson], path: Path) -> None:
    """The persons as an official's CSV file for the import (UTF-8, Chinese headers)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADERS)
        for person in persons:
            writer.writerow(
                (
                    person.name,
                    person.id_number,
                    person.ethnicity,
                    person.phone,
                    person.residence,
                    person.registered_address,
                    person.grid_code,
                    "",
                )
            )


def _copy_text(value: object) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if any(ch in text for ch in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _token_shaped(value: str, key_id: str) -> str:
    """Random bytes in the shape and length of the value's token (crypto.encrypt): the width is
    all COPY and the search see, and real sealing would double the generation time."""
    body = base64.urlsafe_b64encode(os.urandom(NONCE_BYTES + len(value.encode()) + TAG_BYTES))
    return f"{TOKEN_VERSION}.{key_id}.{body.rstrip(b'=').decode('ascii')}"


def _stored_columns(
    synthetic: SyntheticPerson, grid: tuple[int, str], pinyin: Callable[[str], tuple[str, str]]
) -> dict[str, object]:
    """The columns people.services.save_person fills for this person (no query): pinyin keys,
    the checked ID number's keyed hash, masked form and token, the sex and birth date it
    carries, the same for the phone, the grid and its path."""
    from gridgov.people import pii
    from gridgov.people.crypto import configured_keyring
    from gridgov.people.identity_numbers import check_id_number, mask_id_number
    from gridgov.people.phones import check_mobile, mask_mobile

    key_id = configured_keyring().current_id
    number = check_id_number(synthetic.id_number)
    sealed_id = pii.Sealed(
        _token_shaped(number.number, key_id),
        pii.index_of(number.number, pii.ID_NUMBER),
        mask_id_number(number.number),
    )
    phone = pii.EMPTY
    if synthetic.phone:
        mobile = check_mobile(synthetic.phone)
        phone = pii.Sealed(
            _token_shaped(mobile, key_id), pii.index_of(mobile, pii.PHONE), mask_mobile(mobile)
        )
    name_pinyin, name_initials = pinyin(synthetic.name)
    return {
        "name": synthetic.name,
        "name_pinyin": name_pinyin,
        "name_initials": name_initials,
        "id_number_token": sealed_id.token,
        "id_number_index": sealed_id.index,
        "id_number_masked": sealed_id.masked,
        "sex": number.sex,
        "birth_date": number.birth_date,
        "ethnicity": ETHNICITY_CODES[synthetic.ethnicity],
        "phone_token": phone.token,
        "phone_index": phone.index,
        "phone_masked": phone.masked,
        "residence_type": RESIDENCE_TYPES[synthetic.residence],
        "registered_address": synthetic.registered_address,
        "grid_id": grid[0],
        "org_path": grid[1],
    }


def _write_chunk(task: tuple[Sequence[SyntheticPerson], Path, dict[str, tuple[int, str]], datetime]) -> int:
    from gridgov.people.models import Person
    from gridgov.people.names import pinyin_keys

    persons, path, grids, now = task
    pinyin = lru_cache(maxsize=None)(pinyin_keys)
    # Every column the person's data does not set holds what a new Person would hold.
    fields = [field for field in Person._meta.concrete_fields if not field.primary_key]
    defaults = {
        field.attname: _copy_text(
            now
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            else field.get_default()
        )
        for field in fields
    }
    names = [field.attname for field in fields]
    with path.open("w", encoding="utf-8") as handle:
        for synthetic in persons:
            columns = _stored_columns(synthetic, grids[synthetic.grid_code], pinyin)
            handle.write(
                "\t".join(_copy_text(columns[name]) if name in columns else defaults[name] for name in names)
            )
            handle.write("\n")
    return len(persons)


def write_stored_rows(
    persons: Sequence[SyntheticPerson],
    path: Path,
    *,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Write the persons as people_person rows in COPY text format; returns the column names.

    Each row holds what the import stores; every other column keeps its model default. Sealing
    is CPU-bound, so chunks are prepared in forked processes (which use no database connection)
    and joined in order.
    """
    import multiprocessing

    from django.utils import timezone

    from gridgov.geo.models import OrgUnit
    from gridgov.people.models import Person

    grids = {code: (pk, path) for code, pk, path in OrgUnit.objects.grids().values_list("code", "pk", "path")}
    now = timezone.now()
    size = 100_000
    tasks = [
        (persons[start : start + size], path.with_suffix(f".part{number}"), grids, now)
        for number, start in enumerate(range(0, len(persons), size))
    ]
    done = 0
    with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
        for count in pool.imap(_write_chunk, tasks):
            done += count
            if progress:
                progress(done)
    with path.open("wb") as target:
        for _persons, part, _grids, _now in tasks:
            with part.open("rb") as source:
                shutil.copyfileobj(source, target)
            part.unlink()
    return [field.column for field in Person._meta.concrete_fields if not field.primary_key]
