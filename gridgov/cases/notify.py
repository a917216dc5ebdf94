"""Who is told what about a case: the audience of each workflow event and of the monitor's alerts.

The workflow calls `case_event` after the commit of every report and transition; the monitor
calls `alert_cases` once for all the cases a sweep flagged. Both resolve their recipients from
memberships in one query per batch and hand the messages to gridgov.inbox (inbox rows in
bulk, e-mail after the commit). Nothing here raises into the caller: the event already happened.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from gridgov.access.models import Membership
from gridgov.access.policy import roles_with
from gridgov.audit.chain import seal_soon
from gridgov.cases.models import Case, Source, State, TimelineEntry

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
EXCERPT_CHARS = 200
# Events whose message gives the deadline now running.
DEADLINE_EVENTS = frozenset({"dispatch", "warning", "overdue", "resume", "approve_extension"})

# Audiences. Each is resolved from memberships at a place the case names.
DISPATCHERS = "dispatchers"  # register/dispatch roles in the responsible unit: the level's supervisor
ADDRESSEE = "addressee"  # handlers of the department, or staff of the handling unit, it went to
HANDLER = "handler"  # the one who accepted it
HANDLER_OR_ADDRESSEE = "handler_or_addressee"  # the handler, else the addressee (not accepted yet)
VERIFIERS = "verifiers"  # the grid's workers and chief, who verify on site
REPORTER = "reporter"

AUDIENCES: dict[str, tuple[str, ...]] = {
    "report": (DISPATCHERS,),  # a self-handled report goes to VERIFIERS instead (see _groups)
    "register": (),
    "reject": (REPORTER,),
    "merge": (REPORTER,),
    "dispatch": (ADDRESSEE,),
    "accept": (),
    "return": (DISPATCHERS,),
    "handle": (VERIFIERS,),
    "verify": (DISPATCHERS,),
    "reopen": (HANDLER_OR_ADDRESSEE,),
    "close": (REPORTER,),
    "escalate": (DISPATCHERS,),  # of the new level: the case already names it
    "suspend": (HANDLER_OR_ADDRESSEE,),
    "resume": (HANDLER_OR_ADDRESSEE,),
    "request_extension": (DISPATCHERS,),
    "approve_extension": (HANDLER,),
    "deny_extension": (HANDLER,),
    "supervise": (HANDLER, ADDRESSEE),
    "urge": (HANDLER, ADDRESSEE),
    "rate": (HANDLER,),
    # Resident participation: the reporter says it is not fixed; a resident reminds (催办).
    "not_fixed": (VERIFIERS, DISPATCHERS),
    "remind": (HANDLER_OR_ADDRESSEE, DISPATCHERS),
    # From the monitor.
    "warning": (HANDLER_OR_ADDRESSEE, DISPATCHERS),
    "overdue": (HANDLER_OR_ADDRESSEE, DISPATCHERS),
}

TITLES: dict[str, Promise] = {
    "report": _("Case %(number)s was reported: please register it"),
    "self_handle": _("Case %(number)s was handled on the spot: please verify it"),
    "reject": _("Your report %(number)s was not accepted as a case"),
    "merge": _("Your report %(number)s was merged into an existing case"),
    "dispatch": _("Case %(number)s was dispatched to you"),
    "return": _("Case %(number)s was returned: please dispatch it again"),
    "handle": _("Case %(number)s was handled: please verify it on site"),
    "verify": _("Case %(number)s was verified: please close it"),
    "reopen": _("Case %(number)s was reopened for rework"),
    "close": _("Your case %(number)s was closed: please rate the result"),
    "escalate": _("Case %(number)s was escalated to your level"),
    "suspend": _("Case %(number)s was suspended"),
    "resume": _("Case %(number)s was resumed"),
    "request_extension": _("An extension is requested for case %(number)s"),
    "approve_extension": _("The extension for case %(number)s was approved"),
    "deny_extension": _("The extension for case %(number)s was denied"),
    "supervise": _("Case %(number)s is under supervision (督办)"),
    "urge": _("Case %(number)s: you are urged to act (催办)"),
    "rate": _("Case %(number)s was rated by the resident"),
    "not_fixed": _("Case %(number)s: the resident says it is not fixed; please verify it again"),
    "remind": _("Case %(number)s is overdue: a resident reminds you (催办)"),
    "warning": _("Case %(number)s is close to its deadline"),
    "overdue": _("Case %(number)s is overdue"),
}

# What a resident who reported the case is told as it moves on (besides the closing, which
# tells every reporter: AUDIENCES). Staff reporters follow their cases in the queues instead.
RESIDENT_UPDATES: dict[str, Promise] = {
    "register": _("Your report %(number)s was registered as a case"),
    "dispatch": _("Your report %(number)s was sent to those who will handle it"),
    "handle": _("Your report %(number)s was handled: it will be checked on site"),
}

# What followers of a case (residents who reported the same problem: participation) are told.
# No description: a follower sees only what the public sees.
FOLLOWER_UPDATES: dict[str, Promise] = {
    "register": _("A case you follow, %(number)s, was registered"),
    "dispatch": _("A case you follow, %(number)s, was sent to those who will handle it"),
    "handle": _("A case you follow, %(number)s, was handled: it will be checked on site"),
    "close": _("A case you follow, %(number)s, was closed"),
}
# Functions giving the followers of cases (case ids -> {case id: user ids}); apps register them.
_FOLLOWER_SOURCES: list[Callable[[Sequence[int]], dict[int, set[int]]]] = []


def register_followers(find: Callable[[Sequence[int]], dict[int, set[int]]]) -> None:
    _FOLLOWER_SOURCES.append(find)


FIELDS = (
    "id",
    "number",
    "source",
    "state",
    "self_handled",
    "description",
    "deadline",
    "responsible_unit_id",
    "department_id",
    "handling_unit_id",
    "grid_id",
    "handler_id",
    "reporter_id",
)


@dataclass(frozen=True)
class CaseFacts:
    """What deciding the audience and writing the message need to know of a case."""

    id: int
    number: str
    source: str
    state: str
    self_handled: bool
    description: str
    deadline: datetime | None
    responsible_unit_id: int
    department_id: int | None
    handling_unit_id: int | None
    grid_id: int
    handler_id: int | None
    reporter_id: int | None


def announce(case_id: int, event: str, actor_id: int | None) -> None:
    """After the commit of `event`: queue its notifications for the task worker, or send them now.

    Queued (settings.CASE_NOTIFY_IN_BACKGROUND) keeps the request fast; never raises.
    """
    if settings.CASE_NOTIFY_IN_BACKGROUND:
        try:
            case_event_task.enqueue(case_id, event, actor_id)
            return
        except Exception:
            logger.exception(
                "Queueing the notifications of %s of case %s failed; sending now", event, case_id
            )
    case_event(case_id, event, actor_id=actor_id)


@task()
def case_event_task(case_id: int, event: str, actor_id: int | None) -> None:
    case_event(case_id, event, actor_id=actor_id)
    seal_soon()  # the worker also seals the audit entries the request left pending


def case_event(case_id: int, event: str, *, actor_id: int | None = None) -> None:
    """Tell the people concerned that `event` (a workflow action or "report") happened to case `case_id`.

    The one who acted (`actor_id`, by default the author of the last timeline entry) is not told
    of their own action. Never raises.
    """
    try:
        if actor_id is None:
            actor_id = (
                TimelineEntry.objects.filter(case_id=case_id)
                .order_by("-at", "-id")
                .values_list("actor_id", flat=True)
                .first()
            )
        _tell([case_id], event, exclude={actor_id} if actor_id else set())
    except Exception:
        logger.exception("Notifying %s of case %s failed", event, case_id)


def alert_cases(case_ids: Sequence[int], event: str, *, at: datetime | None = None) -> int:
    """Tell handlers and supervisors that the cases `case_ids` reached `event` ("warning" or "overdue").

    A fixed number of queries per batch of cases, whatever their number. Returns the number of
    inbox rows written. Never raises.
    """
    written = 0
    for start in range(0, len(case_ids), BATCH_SIZE):
        try:
            written += _tell(case_ids[start : start + BATCH_SIZE], event, at=at)
        except Exception:
            logger.exception("Notifying %s of %d cases failed", event, len(case_ids))
    return written


def _tell(case_ids: Sequence[int], event: str, *, exclude: set[int] | None = None, at=None) -> int:
    # Imported here: the workflow imports this module, and must load even before the inbox app is.
    from gridgov.inbox.services import Message, notify_many

    if not AUDIENCES.get(event) and event not in RESIDENT_UPDATES and event not in FOLLOWER_UPDATES:
        return 0
    facts = [CaseFacts(**row) for row in Case.objects.filter(pk__in=list(case_ids)).values(*FIELDS)]
    wanted = {case.id: _groups(case, event) for case in facts}
    audience = recipients(facts, wanted)
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            Message(
                sorted(audience[case.id] - (exclude or set())),
                event,
                _title(case, event),
                _body(case, event),
                case.id,
            )
            for case in facts
            if audience[case.id] - (exclude or set())
        ]
        messages += _resident_updates(facts, event, exclude or set())
        messages += _follower_updates(facts, event, exclude or set())
    return notify_many(messages, at=at) if messages else 0


def _follower_updates(facts: list[CaseFacts], event: str, exclude: set[int]) -> list:
    from gridgov.inbox.services import Message

    title = FOLLOWER_UPDATES.get(event)
    if title is None or not _FOLLOWER_SOURCES:
        return []
    followers: dict[int, set[int]] = {}
    for find in _FOLLOWER_SOURCES:
        for case_id, users in find([case.id for case in facts]).items():
            followers.setdefault(case_id, set()).update(users)
    return [
        Message(sorted(users), event, str(title) % {"number": case.number}, "", case.id)
        for case in facts
        if (users := followers.get(case.id, set()) - exclude - {case.reporter_id})
    ]


def _resident_updates(facts: list[CaseFacts], event: str, exclude: set[int]) -> list:
    from gridgov.inbox.services import Message

    title = RESIDENT_UPDATES.get(event)
    if title is None:
        return []
    return [
        Message([case.reporter_id], event, str(title) % {"number": case.number}, _body(case, event), case.id)
        for case in facts
        if case.source == Source.RESIDENT and case.reporter_id and case.reporter_id not in exclude
    ]


def _groups(case: CaseFacts, event: str) -> tuple[str, ...]:
    if event == "report" and case.state == State.HANDLED:
        return (VERIFIERS,)
    return AUDIENCES.get(event, ())


def _title(case: CaseFacts, event: str) -> str:
    key = "self_handle" if event == "report" and case.state == State.HANDLED else event
    template = TITLES.get(key, _("Case %(number)s was updated"))
    return str(template) % {"number": case.number}


def _body(case: CaseFacts, event: str) -> str:
    text = case.description
    if len(text) > EXCERPT_CHARS:
        text = text[:EXCERPT_CHARS] + "…"
    if case.deadline is not None and event in DEADLINE_EVENTS:
        deadline = timezone.localtime(case.deadline).strftime("%Y-%m-%d %H:%M")
        text += "\n" + str(_("Deadline: %(deadline)s")) % {"deadline": deadline}
    return text


def recipients(cases: Iterable[CaseFacts], wanted: dict[int, tuple[str, ...]]) -> dict[int, set[int]]:
    """The user ids to tell for each case, given the audience groups wanted per case id.

    One membership query for all the cases; only active users.
    """
    cases = list(cases)
    dispatching = roles_with("cases.dispatch")
    handling = roles_with("cases.handle")
    verifying = roles_with("cases.verify")

    def needs(case: CaseFacts, *groups: str) -> bool:
        return any(group in wanted.get(case.id, ()) for group in groups)

    def addressed(case: CaseFacts) -> bool:
        return needs(case, ADDRESSEE) or (needs(case, HANDLER_OR_ADDRESSEE) and case.handler_id is None)

    units_dispatching = {c.responsible_unit_id for c in cases if needs(c, DISPATCHERS)}
    departments = {c.department_id for c in cases if c.department_id and addressed(c)}
    units_handling = {c.handling_unit_id for c in cases if c.handling_unit_id and addressed(c)}
    grids = {c.grid_id for c in cases if needs(c, VERIFIERS)}

    condition = Q(pk__in=[])
    if units_dispatching:
        condition |= Q(org_unit_id__in=units_dispatching, role__in=dispatching)
    if departments:
        condition |= Q(department_id__in=departments, role__in=handling)
    if units_handling:
        condition |= Q(org_unit_id__in=units_handling, role__in=handling)
    if grids:
        condition |= Q(org_unit_id__in=grids, role__in=verifying)

    # (kind, unit or department id) -> users
    staff: dict[tuple[str, int], set[int]] = defaultdict(set)
    if units_dispatching or departments or units_handling or grids:
        rows = Membership.objects.filter(condition, user__is_active=True).values_list(
            "user_id", "role", "org_unit_id", "department_id"
        )
        for user_id, role, unit_id, department_id in rows:
            if department_id and role in handling:
                staff[("department", department_id)].add(user_id)
            if unit_id and role in dispatching:
                staff[(DISPATCHERS, unit_id)].add(user_id)
            if unit_id and role in handling:
                staff[("unit", unit_id)].add(user_id)
            if unit_id and role in verifying:
                staff[(VERIFIERS, unit_id)].add(user_id)

    result: dict[int, set[int]] = {}
    for case in cases:
        users: set[int] = set()
        if needs(case, DISPATCHERS):
            users |= staff[(DISPATCHERS, case.responsible_unit_id)]
        if addressed(case):
            if case.department_id:
                users |= staff[("department", case.department_id)]
            if case.handling_unit_id:
                users |= staff[("unit", case.handling_unit_id)]
        if needs(case, HANDLER, HANDLER_OR_ADDRESSEE) and case.handler_id:
            users.add(case.handler_id)
        if needs(case, VERIFIERS):
            users |= staff[(VERIFIERS, case.grid_id)]
            if case.self_handled and case.handler_id:
                users.discard(case.handler_id)  # who handled on the spot does not verify
        if needs(case, REPORTER) and case.reporter_id:
            users.add(case.reporter_id)
        result[case.id] = users
    return result
