"""Household visits, findings and the review of proposed registry corrections."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.cases.models import Source
from gridgov.cases.workflow import NewCase
from gridgov.patrol import patrols
from gridgov.patrol.errors import PatrolDenied, PatrolError
from gridgov.patrol.models import ChangeState, Finding, ProposedChange, Visit
from gridgov.patrol.testing import GRID_A, build_patrol_world, visit
from gridgov.patrol.visits import Correction, accept_change, reject_change
from gridgov.people import pii
from gridgov.people.models import Person, PersonStatus
from gridgov.people.testing import CANARY_PHONE

pytestmark = pytest.mark.django_db
NEW_PHONE = "13847561234"


def test_a_finding_becomes_a_patrol_case_linked_to_the_patrol():
    reg = build_patrol_world()
    worker = reg.users[Role.GRID_WORKER]
    patrol = patrols.start_patrol(worker, reg.units[GRID_A])
    data = NewCase(category="0201", description="井盖缺失", lon=122.05, lat=43.6, idempotency_key="k-1")
    case = patrols.report_finding(patrol, worker, data)
    again = patrols.report_finding(
        patrol,
        worker,
        NewCase(category="0201", description="井盖缺失", lon=122.05, lat=43.6, idempotency_key="k-1"),
    )
    assert case.source == Source.PATROL
    assert again.pk == case.pk
    assert Finding.objects.get(patrol=patrol).case == case
    with pytest.raises(PatrolError) as caught:
        patrols.report_finding(
            patrol, worker, NewCase(category="9999", description="x", lon=122.05, lat=43.6)
        )
    assert caught.value.field == "category"


def test_a_visit_records_who_was_met_needs_and_refuses_bad_input():
    reg = build_patrol_world()
    head = reg.persons["head"]
    done = visit(reg, situation="attention", met=[head], needs=["medical", "other"], needs_other="助听器")
    assert done.situation == "attention"
    assert list(done.met.all()) == [head]
    assert done.need_labels()[0] in ("Medical", "医疗")
    with pytest.raises(PatrolError) as caught:
        visit(reg, met=[head], nobody_home=True)
    assert caught.value.field == "met"
    with pytest.raises(PatrolError) as caught:
        visit(reg, met=[reg.persons["other_grid"]])  # not a member of a101
    assert caught.value.field == "met"
    with pytest.raises(PatrolError) as caught:
        visit(reg, needs=["other"])
    assert caught.value.field == "needs_other"
    with pytest.raises(PatrolError) as caught:
        visit(reg, situation="fine")
    assert caught.value.field == "situation"
    with pytest.raises(PatrolError) as caught:
        visit(reg, visited_at=timezone.now() + timedelta(days=1))
    assert caught.value.field == "visited_at"
    assert Visit.objects.count() == 1


def test_a_correction_is_pending_sealed_and_leaves_the_registry_unchanged():
    reg = build_patrol_world()
    head = reg.persons["head"]
    before = Person.objects.values().get(pk=head.pk)
    done = visit(
        reg, corrections=[Correction("phone", NEW_PHONE, head), Correction("name", "乌兰巴特尔·新", head)]
    )
    changes = list(ProposedChange.objects.filter(visit=done).order_by("field"))
    assert [c.field for c in changes] == ["name", "phone"]
    assert all(c.state == ChangeState.PENDING for c in changes)
    phone = changes[1]
    assert phone.value == "" and NEW_PHONE not in phone.value_token
    assert phone.value_index == pii.index_of(NEW_PHONE, pii.PHONE)
    assert phone.value_masked.startswith("138") and phone.value_masked != NEW_PHONE
    assert Person.objects.values().get(pk=head.pk) == before
    # Nothing in the audit log carries the number in clear.
    assert not any(NEW_PHONE in str(e.details) for e in AuditEntry.objects.all())
    with pytest.raises(PatrolError) as caught:
        visit(reg, corrections=[Correction("phone", "12345", head)])
    assert caught.value.field == "corrections.0.value"
    with pytest.raises(PatrolError) as caught:
        visit(reg, corrections=[Correction("id_verified", "1", head)])
    assert caught.value.field == "corrections.0.field"
    assert Visit.objects.count() == 1


def test_accepting_applies_the_change_through_the_registry_services_and_is_audited():
    reg = build_patrol_world()
    head = reg.persons["head"]
    chief = reg.users[Role.GRID_CHIEF]
    done = visit(
        reg, corrections=[Correction("phone", NEW_PHONE, head), Correction("status", "deceased", head)]
    )
    phone, status = (ProposedChange.objects.get(visit=done, field=f) for f in ("phone", "status"))
    accept_change(phone, reviewer=chief)
    accept_change(status, reviewer=chief)
    head.refresh_from_db()
    assert head.phone_index == pii.index_of(NEW_PHONE, pii.PHONE)
    assert head.phone_index != pii.index_of(CANARY_PHONE, pii.PHONE)
    assert head.status == PersonStatus.DECEASED
    phone.refresh_from_db()
    assert (phone.state, phone.reviewer) == (ChangeState.ACCEPTED, chief)
    assert AuditEntry.objects.filter(action="people.person.update", target_id=str(head.pk)).exists()
    assert AuditEntry.objects.filter(action="people.person.status", target_id=str(head.pk)).exists()
    assert AuditEntry.objects.filter(action="patrol.change.accept", target_id=str(phone.pk)).exists()
    with pytest.raises(PatrolError) as caught:
        accept_change(phone, reviewer=chief)
    assert caught.value.code == "conflict"


def test_rejecting_needs_a_reason_and_a_grid_worker_cannot_review():
    reg = build_patrol_world()
    head = reg.persons["head"]
    done = visit(reg, corrections=[Correction("name", "新名字", head)])
    change = ProposedChange.objects.get(visit=done)
    with pytest.raises(PatrolDenied):
        accept_change(change, reviewer=reg.users[Role.GRID_WORKER])
    with pytest.raises(PatrolDenied):
        reject_change(change, reviewer=reg.users[Role.GRID_WORKER], reason="错误")
    admin = reg.users[Role.COMMUNITY_ADMIN]
    with pytest.raises(PatrolError) as caught:
        reject_change(change, reviewer=admin, reason="  ")
    assert caught.value.field == "reason"
    reject_change(change, reviewer=admin, reason="户籍信息无误")
    change.refresh_from_db()
    head.refresh_from_db()
    assert (change.state, change.reason) == (ChangeState.REJECTED, "户籍信息无误")
    assert head.name == "乌兰巴特尔"
    assert AuditEntry.objects.filter(action="patrol.change.reject", target_id=str(change.pk)).exists()
    assert AuditEntry.objects.filter(action="patrol.change.accepted", outcome="denied").exists()


def test_a_worker_of_grid_b_can_neither_visit_nor_see_grid_a():
    from gridgov.access.scope import scoped

    reg = build_patrol_world()
    visit(reg)
    other = reg.users["worker_b"]
    with pytest.raises(PatrolDenied):
        visit(reg, by=other)
    assert not scoped(other, Visit.objects.all(), "patrol.view").exists()
    assert scoped(reg.users[Role.COMMUNITY_ADMIN], Visit.objects.all(), "patrol.view").count() == 1
    assert not scoped(reg.users[Role.RESIDENT], Visit.objects.all(), "patrol.view").exists()


def test_a_household_head_correction_and_a_registry_refusal_that_keeps_the_change_pending():
    from gridgov.people.testing import OTHER_GRID_ID

    reg = build_patrol_world()
    head, spouse = reg.persons["head"], reg.persons["spouse"]
    chief = reg.users[Role.GRID_CHIEF]
    done = visit(
        reg,
        corrections=[Correction("head", str(spouse.pk)), Correction("id_number", OTHER_GRID_ID, head)],
    )
    new_head = ProposedChange.objects.get(visit=done, field="head")
    assert new_head.household == reg.households["a101"] and new_head.shown_value == "王秀英"
    accept_change(new_head, reviewer=chief)
    reg.households["a101"].refresh_from_db()
    assert reg.households["a101"].head == spouse
    # The ID number belongs to the person of grid B: the registry refuses; nothing changes.
    taken = ProposedChange.objects.get(visit=done, field="id_number")
    assert OTHER_GRID_ID not in (taken.value, taken.value_masked, taken.value_token)
    with pytest.raises(PatrolError) as caught:
        accept_change(taken, reviewer=chief)
    assert caught.value.field == "value" and caught.value.code == "duplicate"
    taken.refresh_from_db()
    assert taken.state == ChangeState.PENDING
