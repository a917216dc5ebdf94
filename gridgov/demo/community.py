"""Demo content for the community app (通知公告 · 议事协商): notices from the district down to the
demo community, resident accounts bound to registry households of the demo community, and
consultations at every stage — all written through the community services, so each step is
audited and checked as a real one would be.

Call `build_community_demo(seed)` inside the demo's transaction, after the accounts, the registry,
the demo cases and the demo persona "resident" (demo.resident_accounts.make_demo_resident)
exist. Nothing is backdated: the services stamp "now", as they would for a community that did
all of this today, and the audit log agrees with the records.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.audit.log import record
from gridgov.cases.models import Case
from gridgov.community import consultations as consult
from gridgov.community import notices
from gridgov.community.models import ActionState, Consultation, Notice
from gridgov.community.notices import NoticeDraft
from gridgov.demo.accounts import anchor_units
from gridgov.demo.resident_accounts import DEMO_RESIDENT_USERNAME
from gridgov.geo.models import OrgUnit
from gridgov.people import pii
from gridgov.people.models import Household, Person, PersonStatus
from gridgov.residents.accounts import household_of
from gridgov.residents.models import RESIDENT_PHONE, ResidentProfile

# Households of the demo community whose members sign up, and how many of them sign up with two
# members (so the staff pages show a household vote replaced by a second member).
RESIDENT_HOUSEHOLDS = 22
TWO_MEMBER_HOUSEHOLDS = 4
# Demo resident phones: 139 1505 0nnn (DEMO_RESIDENT_PHONE, 13900000001, is outside this range).
PHONE_PREFIX = "13915050"
READ_CHANCE = 0.6  # of a demo resident having opened a notice meant for them
ADULT_AGE = 18


@dataclass
class _Staff:
    district: object
    street: object
    community: object


def build_community_demo(seed: int, *, today: date | None = None) -> dict[str, int]:
    """Notices, resident accounts and consultations for the demo district; returns counts.

    Notices: two for the whole district (flu vaccination of the elderly, waste sorting), a
    heating-season notice for every street, snow clearing for every community of the demo
    street, and in the demo community a pinned duty roster, a withdrawn water cut and a draft.
    Consultations in the demo community: two collecting support (one ready for a vote), one
    open to the household vote, one closed with its result and follow-up actions, one rejected.
    """
    rng = random.Random(f"{seed}:community")
    today = today or timezone.localdate()
    units = anchor_units()
    staff = _staff()
    persona = get_user_model().objects.filter(username=DEMO_RESIDENT_USERNAME).first()
    residents = create_demo_residents(units["community"], rng, today)
    published = _notices(units, staff, today)
    reads = _reads(published, residents, persona, rng)
    counts = Counter(_consultations(units["community"], staff.community, residents, persona, rng))
    counts.update(residents=len(residents), notices=Notice.objects.count(), reads=reads)
    return dict(counts)


def _staff() -> _Staff:
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["district_admin", "street_admin", "community_admin"]
        )
    }
    return _Staff(users["district_admin"], users["street_admin"], users["community_admin"])


# -- resident accounts ------------------------------------------------------------------------


def create_demo_residents(community: OrgUnit, rng: random.Random, today: date) -> list:
    """Resident accounts for adults of RESIDENT_HOUSEHOLDS registry households of `community`,
    signed up and bound as through /resident/ (account, membership in the person's grid, sealed
    phone, audit entries); TWO_MEMBER_HOUSEHOLDS of them with two members. Returns the users,
    the second members last."""
    adult_born_by = today - timedelta(days=ADULT_AGE * 366)
    # Households where someone (the persona) already has an account are left to that account.
    taken = Household.objects.filter(members__resident_accounts__isnull=False)
    adults = (
        Person.objects.filter(
            org_path__startswith=community.path + ".",
            status=PersonStatus.ACTIVE,
            household__isnull=False,
            household__is_active=True,
            birth_date__lte=adult_born_by,
            resident_accounts__isnull=True,
        )
        .exclude(household__in=taken)
        .select_related("grid")
        .order_by("household_id", "pk")
    )
    by_household: dict[int, list[Person]] = {}
    for person in adults:
        if person.household_id is not None:
            by_household.setdefault(person.household_id, []).append(person)
    households = sorted(by_household)
    chosen = sorted(rng.sample(households, min(RESIDENT_HOUSEHOLDS, len(households))))
    pairs = [h for h in chosen if len(by_household[h]) >= 2]
    seconds = sorted(rng.sample(pairs, min(TWO_MEMBER_HOUSEHOLDS, len(pairs))))
    people = [by_household[h][0] for h in chosen] + [by_household[h][1] for h in seconds]
    return [_sign_up(person, f"{PHONE_PREFIX}{n:03d}", rng) for n, person in enumerate(people, 1)]


def _display_name(person: Person, rng: random.Random) -> str:
    # Most residents show their name; some, like many real ones, a polite form of it.
    if rng.random() < 0.7 or len(person.name) < 2:
        return person.name
    polite = "先生" if person.sex == "male" else "女士"
    return f"{person.name[0]}{polite}"


def _sign_up(person: Person, phone: str, rng: random.Random):
    """What residents.signin and residents.binding write for a sign-up and a binding."""
    sealed = pii.seal(phone, RESIDENT_PHONE)
    name = _display_name(person, rng)
    user = get_user_model()(username=f"resident-{sealed.index}", first_name=name)
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, role=Role.RESIDENT, org_unit=person.grid)
    now = timezone.now()
    profile = ResidentProfile.objects.create(
        user=user,
        phone_token=sealed.token,
        phone_index=sealed.index,
        phone_masked=sealed.masked,
        display_name=name,
        person=person,
        bound_at=now,
        privacy_agreed_at=now,
    )
    record("residents.sign_up", actor=user, target=profile, details={"phone": sealed.masked, "demo": True})
    record(
        "residents.bind",
        actor=user,
        target=profile,
        details={"person": person.pk, "grid": person.grid.code, "demo": True},
    )
    return user


# -- notices ----------------------------------------------------------------------------------


def _season(today: date) -> str:
    start = today.year if today.month >= 7 else today.year - 1
    return f"{start}—{start + 1}"


def _notices(units: dict[str, OrgUnit], staff: _Staff, today: date) -> list[Notice]:
    """Write and publish the demo notices; returns the published ones."""
    district, street, community = units["district"], units["street"], units["community"]
    season = _season(today)
    published = [
        _publish(
            staff.district,
            district,
            "60岁以上老年人免费接种流感疫苗的通知",
            "今冬流感流行季已至。辖区60周岁及以上常住老年人可免费接种流感疫苗，"
            "请携带身份证到所在社区卫生服务站登记接种，行动不便的老人可由家属联系社区预约上门服务。"
            "接种后请留观30分钟。",
            ends_on=today + timedelta(days=45),
        ),
        _publish(
            staff.district,
            district,
            "生活垃圾分类投放指引",
            "请按可回收物、有害垃圾、厨余垃圾、其他垃圾四类分类投放。"
            "废电池、过期药品请投放到有害垃圾收集箱；大件垃圾请联系物业或社区预约清运。"
            "每周六上午各社区设垃圾分类咨询点，欢迎居民参加。",
        ),
    ]
    for each in district.children.order_by("code"):
        author = staff.street if each.pk == street.pk else staff.district
        published.append(
            _publish(
                author,
                each,
                f"关于{season}年采暖期开始供热的通知",
                f"{each.name_zh}辖区本采暖期自10月15日起正式供热，至次年4月15日结束。"
                "请居民检查户内暖气管道和阀门，发现跑冒滴漏及时报修。"
                "室温低于18℃的，请向所在社区或供热企业反映，社区将协助跟进处理。",
            )
        )
    for each in street.children.order_by("code"):
        author = staff.community if each.pk == community.pk else staff.street
        published.append(
            _publish(
                author,
                each,
                "降雪后清雪安排",
                "昨夜至今晨我区出现中到大雪。社区已组织网格员、物业和志愿者清扫主干道及楼前通道，"
                "请居民清理自家车辆和单元门前积雪，不要将积雪堆放在消防通道和井盖上。"
                "出行请注意防滑，老人和儿童尽量减少外出。",
                ends_on=today + timedelta(days=7),
            )
        )
    published.append(
        _publish(
            staff.community,
            community,
            "冬季社区服务值班安排",
            "冬季社区服务站每天8:00至18:00有人值班，周末轮流值守。"
            "遇到停暖、停水、独居老人求助等紧急情况，请直接到社区服务站或联系本网格的网格员。",
            pinned=True,
        )
    )
    cancelled = _publish(
        staff.community,
        community,
        "计划停水通知",
        "因小区供水管网维修，原定本周六8:00至14:00停水。",
    )
    notices.withdraw_notice(cancelled, actor=staff.community)  # the repair was postponed
    notices.save_notice(
        None,
        NoticeDraft(
            community,
            "元旦社区联欢会节目征集",
            "社区将于元旦前举办居民联欢会，欢迎各家各户报名表演节目。",
            ends_on=today + timedelta(days=30),
        ),
        actor=staff.community,
    )
    return published


def _publish(actor, unit: OrgUnit, title: str, body: str, *, ends_on=None, pinned=False) -> Notice:
    draft = NoticeDraft(unit, title, body, ends_on=ends_on, pinned=pinned)
    return notices.publish_notice(notices.save_notice(None, draft, actor=actor), actor=actor)


def _reads(published: list[Notice], residents: list, persona, rng: random.Random) -> int:
    """Residents open some of the notices meant for them; the persona only the waste-sorting
    guide, so the others show as unread when it signs in."""
    count = 0
    for user in residents:
        for notice in notices.notices_for(user).filter(pk__in=[n.pk for n in published]).order_by("pk"):
            if rng.random() < READ_CHANCE:
                count += notices.mark_read(notice, user)
    if persona is not None:
        for notice in notices.notices_for(persona).filter(title="生活垃圾分类投放指引"):
            count += notices.mark_read(notice, persona)
    return count


# -- consultations ----------------------------------------------------------------------------


def _consultations(community: OrgUnit, admin, residents: list, persona, rng: random.Random) -> Counter:
    """One consultation per stage in the demo community; returns counts by state and votes."""
    residents = [u for u in residents if consult.resident_community(u) == community]
    if len(residents) < 3:  # no registry in the community: nothing to consult on
        return Counter()
    counts: Counter[str] = Counter()
    households = _by_household(residents)

    closed = _proposal(
        residents[0],
        "集中清理楼道和人行道堆放杂物",
        "楼道里堆放的纸箱、旧家具和人行道上的建材既挡路又有火灾隐患，"
        "建议社区统一组织一次清理，并定下以后的管理办法。",
    )
    _gather_support(closed, residents, admin, persona)
    consult.open_vote(
        closed,
        actor=admin,
        options=["由社区统一组织清理", "各楼栋自行清理", "维持现状"],
        closes_at=timezone.now() + timedelta(days=7),
    )
    counts["votes"] += _vote(closed, households, persona, rng, share=0.8, weights=(6, 3, 1))
    closed = consult.close_vote(closed, actor=admin)
    for text, case_number, state in _follow_ups(community):
        action = consult.add_action(closed, actor=admin, text=text, case_number=case_number)
        if state == ActionState.DONE:
            consult.set_action_state(action, actor=admin, state=state)

    voting = _proposal(
        residents[1 % len(residents)],
        "3号楼加装电梯",
        "3号楼共六层，住着不少腿脚不便的老人，上下楼很困难。建议申请老旧小区加装电梯补贴，"
        "费用按楼层分摊，一楼住户不出资。",
    )
    _gather_support(voting, residents, admin, persona)
    consult.open_vote(
        voting,
        actor=admin,
        options=["同意加装", "不同意", "再议"],
        closes_at=timezone.now() + timedelta(days=10),
    )
    # The persona's household has not voted yet: signing in, it can.
    counts["votes"] += _vote(voting, households, None, rng, share=0.5, weights=(5, 2, 2))

    ready = _proposal(
        residents[2 % len(residents)],
        "小区增设电动自行车集中充电棚",
        "不少住户把电动车推进楼道或从窗户拉线充电，很危险。建议在小区东侧空地建一处充电棚，按次扫码付费。",
    )
    _gather_support(ready, residents, admin, persona)  # ready for a vote: staff decide next

    collecting = _proposal(
        residents[3 % len(residents)],
        "周末开放社区活动室给孩子们写作业",
        "双职工家庭周末孩子没人看，建议周六、周日下午开放社区活动室，请志愿者轮流照看。",
    )
    for user in [u for u in residents if u != collecting.proposer][:3]:
        consult.support(collecting, actor=user)

    rejected = _proposal(
        residents[4 % len(residents)],
        "拆除小区围墙改为开放式小区",
        "围墙让大家出行绕远，建议拆掉围墙，方便去对面的菜市场。",
    )
    consult.support(rejected, actor=next(u for u in residents if u != rejected.proposer))
    consult.reject(
        rejected,
        actor=admin,
        reason="拆除围墙涉及小区产权、消防通道和治安管理，须由街道和相关部门统一规划，"
        "社区议事无法决定；已将大家出行不便的意见转交街道，研究在北侧增开一处人行门。",
    )
    counts.update(Consultation.objects.filter(community=community).values_list("state", flat=True))
    return counts


def _proposal(proposer, title: str, description: str) -> Consultation:
    return consult.propose(actor=proposer, title=title, description=description)


def _gather_support(consultation: Consultation, residents: list, admin, persona) -> None:
    """Supports up to the threshold; in a community with fewer residents than the threshold the
    staff lower it to what the community can give, as they would for a small one."""
    supporters = [
        u
        for u in [persona, *residents]
        if u is not None
        and u.pk != consultation.proposer_id
        and consult.resident_community(u) == consultation.community
    ]
    if len(supporters) < consultation.threshold:
        consultation = consult.set_threshold(consultation, actor=admin, threshold=len(supporters))
    for user in supporters[: consultation.threshold]:
        consult.support(consultation, actor=user)


def _by_household(residents: list) -> dict[int, list]:
    members: dict[int, list] = {}
    for user in residents:
        household: Household | None = household_of(user)
        if household is not None:
            members.setdefault(household.pk, []).append(user)
    return members


def _vote(
    consultation: Consultation,
    households: dict[int, list],
    persona,
    rng: random.Random,
    *,
    share: float,
    weights: tuple[int, ...],
) -> int:
    """About `share` of the households vote, by `weights` over the options; in a household with
    two accounts the second member sometimes changes the household's vote. The persona's
    household votes too when given (and bound). Returns the households that voted."""
    options = list(consultation.options.order_by("position").values_list("pk", flat=True))
    voted = 0
    for pk in sorted(households):
        if rng.random() >= share:
            continue
        members = households[pk]
        consult.cast_vote(consultation, actor=members[0], option_id=rng.choices(options, weights)[0])
        if len(members) > 1 and rng.random() < 0.5:
            consult.cast_vote(consultation, actor=members[1], option_id=rng.choice(options))
        voted += 1
    if persona is not None and household_of(persona) is not None:
        consult.cast_vote(consultation, actor=persona, option_id=options[0])
        voted += 1
    return voted


def _follow_ups(community: OrgUnit) -> list[tuple[str, str, str]]:
    """The actions under the closed result; the building materials one links the demo case that
    reported them, when the demo cases were loaded."""
    case = (
        Case.objects.filter(org_path__startswith=community.path + ".", description="人行道上乱堆建材")
        .order_by("number")
        .first()
    )
    return [
        ("社区组织网格员和志愿者集中清理各楼道堆放杂物", "", ActionState.DONE),
        ("人行道建材堆放已交城管部门处置", case.number if case else "", ActionState.DONE),
        ("每月第一个周六定为楼道清理日，由楼栋长提醒", "", ActionState.OPEN),
    ]
