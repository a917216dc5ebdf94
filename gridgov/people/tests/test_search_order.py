"""The registry search reads its results in the order of the index that finds them: names by
code point, Latin letters by pinyin (by initials when only the initials match), and a pinyin
search probes which reading matches before it chooses (see people.search._matching_pinyin)."""

import pytest
from django.db import connection

from gridgov.access.roles import Role
from gridgov.people import services
from gridgov.people.models import Person
from gridgov.people.search import PersonQuery, persons_matching
from gridgov.people.testing import build_registry_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg():
    reg = build_registry_world()
    admin = reg.users[Role.DISTRICT_ADMIN]
    grid = reg.units["150502001001001"]
    # wuanning / wan: its initials start with "wa", its pinyin does not.
    # wulei / wl: the same initials as 乌兰巴特尔 (wlbte) up to "wl".
    # 王安 / wangan / wa: its pinyin and its initials both start with "wa".
    for name in ("吴安宁", "吴磊", "王安"):
        services.save_person(Person(name=name, grid=grid), actor=admin)
    return reg


def names(user, text: str) -> list[str]:
    return [p.name for p in persons_matching(user, PersonQuery(text=text))]


def test_initials_alone_are_read_in_initials_then_pinyin_order(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    assert names(admin, "wl") == ["吴磊", "乌兰巴特尔"]  # wl < wlbte
    assert names(admin, "WXY") == ["王秀英"]


def test_pinyin_alone_is_read_in_pinyin_order(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    assert names(admin, "wang") == ["王安", "王秀英"]  # wangan < wangxiuying
    assert names(admin, "wu") == ["吴安宁", "乌兰巴特尔", "吴磊"]  # wuanning < wulanbateer < wulei


def test_a_text_both_readings_match_finds_both_in_pinyin_order(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    # Pinyin "wa…": 王安, 王秀英; initials "wa…": 王安 (wa), 吴安宁 (wan).
    assert names(admin, "wa") == ["王安", "王秀英", "吴安宁"]


def test_one_letter_finds_every_name_whose_pinyin_starts_with_it(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    assert names(admin, "w") == ["王安", "王秀英", "吴安宁", "乌兰巴特尔", "吴磊"]


def test_names_are_ordered_by_code_point_and_stay_inside_the_scope(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    assert names(admin, "王") == ["王安", "王秀英"]
    assert names(admin, "吴") == ["吴安宁", "吴磊"]
    worker = reg.users[Role.GRID_WORKER]
    assert names(worker, "张") == []  # 张建国 lives in another grid
    assert names(worker, "zj") == []


def test_probes_cost_one_query_each_and_only_for_pinyin(reg, django_assert_num_queries):
    admin = reg.users[Role.DISTRICT_ADMIN]
    names(admin, "王")  # loads the memberships once, as a request's permission check does
    with django_assert_num_queries(1):
        names(admin, "王")
    with django_assert_num_queries(1):
        names(admin, "w")  # one letter: nothing to probe
    with django_assert_num_queries(2):
        names(admin, "wang")  # the initials do not match: pinyin only
    with django_assert_num_queries(3):
        names(admin, "wl")  # the initials match, the pinyin does not
    with django_assert_num_queries(3):
        names(admin, "wa")  # both match


def test_search_keys_are_compared_by_code_point_on_every_database(reg):
    """On PostgreSQL the key columns are in collation "C", whatever the database's collation,
    so that one index serves both LIKE 'x%' and the order; SQLite compares by code point
    anyway."""
    columns = {"name", "name_pinyin", "name_initials"}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT column_name, collation_name FROM information_schema.columns "
                "WHERE table_name = 'people_person' AND column_name = ANY(%s)",
                [sorted(columns)],
            )
            assert dict(cursor.fetchall()) == dict.fromkeys(columns, "C")
        else:
            cursor.execute("SELECT name, type FROM pragma_table_info('people_person')")
            declared = {name: kind for name, kind in cursor.fetchall() if name in columns}
            assert set(declared) == columns
            assert not any("COLLATE" in kind.upper() for kind in declared.values())
    # Code point order: 乌 (U+4E4C) before 吴 (U+5434) before 王 (U+738B).
    admin = reg.users[Role.DISTRICT_ADMIN]
    listed = [p.name for p in persons_matching(admin, PersonQuery()) if p.name[0] in "乌吴王"]
    assert listed == ["乌兰巴特尔", "吴安宁", "吴磊", "王安", "王秀英"]
