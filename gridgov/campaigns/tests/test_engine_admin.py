"""The campaign admin: the checklist is defined inline and checked as a whole; the design is
fixed once the campaign runs; start and end go through the launch actions; targets are not
in the admin."""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.campaigns.models import Campaign, CampaignStatus, FollowUp, Question, Target
from gridgov.campaigns.testing import QUESTIONS, build_campaign_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(client):
    world = build_campaign_world()
    user = get_user_model().objects.create_superuser("campaign-admin", password="x" * 12)
    client.force_login(user)
    world.superuser = user
    return world


def form_data(world, questions: list[dict], **overrides) -> dict:
    data = {
        "name": "降温入户排查",
        "kind": "snowstorm",
        "description": "",
        "units": [str(world.units["150502001001001"].pk), str(world.units["150502001001002"].pk)],
        "target_mode": "all",
        "target_tags": "[]",
        "target_min_age": "",
        "target_max_age": "",
        "target_residence_types": "[]",
        "starts_at_0": "2026-12-01",
        "starts_at_1": "08:00:00",
        "ends_at_0": "2026-12-05",
        "ends_at_1": "18:00:00",
        "retention_days": "30",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, spec in enumerate(questions):
        row = {
            "position": str(spec.get("position", i)),
            "code": spec["code"],
            "text": spec["text"],
            "kind": spec["kind"],
            "choices": json.dumps(spec.get("choices", [])),
            "condition": json.dumps(spec["condition"]) if spec.get("condition") else "",
            "exception": json.dumps(spec["exception"]) if spec.get("exception") else "",
            "exception_action": spec.get("exception_action", ""),
            "exception_label": spec.get("exception_label", ""),
            "exception_category": spec.get("exception_category", ""),
        }
        if spec.get("required", True):
            row["required"] = "on"
        data.update({f"questions-{i}-{name}": value for name, value in row.items()})
    data.update(overrides)
    return data


def test_a_campaign_and_its_checklist_are_defined_in_the_admin(client, world):
    response = client.post(reverse("admin:campaigns_campaign_add"), form_data(world, QUESTIONS))
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign = Campaign.objects.exclude(pk=world.campaign.pk).get()
    assert campaign.org_path == "150502.001.001" and campaign.created_by == world.superuser
    assert list(campaign.questions.values_list("code", flat=True)) == [
        "fever",
        "temperature",
        "heating",
        "note",
    ]
    assert campaign.questions.get(code="temperature").condition == {"question": "fever", "equals": True}
    assert AuditEntry.objects.filter(action="campaigns.create", target_id=str(campaign.pk)).exists()
    assert AuditEntry.objects.filter(action="campaigns.checklist_change").exists()


def test_the_inline_refuses_a_condition_on_a_later_question_and_a_bad_test(client, world):
    questions = [dict(spec) for spec in QUESTIONS]
    questions[0]["position"], questions[1]["position"] = 5, 0  # temperature now before fever
    questions[2]["exception"] = {"in": ["freezing"]}
    questions[2]["exception_category"] = "99"
    response = client.post(reverse("admin:campaigns_campaign_add"), form_data(world, questions))
    assert response.status_code == 200
    forms = response.context["inline_admin_formsets"][0].formset.forms
    assert "condition" in forms[1].errors
    assert set(forms[2].errors) == {"exception", "exception_category"}
    assert Campaign.objects.count() == 1 and Question.objects.count() == len(QUESTIONS)


def test_the_campaign_form_checks_dates_units_and_tags(client, world):
    data = form_data(
        world,
        QUESTIONS[:1],
        ends_at_0="2026-11-30",
        units=[str(world.units["150502001001001"].pk), str(world.units["150521001001001"].pk)],
    )
    response = client.post(reverse("admin:campaigns_campaign_add"), data)
    assert response.status_code == 200
    assert {"ends_at", "units"} <= set(response.context["adminform"].form.errors)


def test_a_running_campaigns_checklist_and_design_are_fixed(client, world):
    # The launch actions need a jurisdiction: a staff district admin, not a bare superuser.
    district_admin = world.users[Role.DISTRICT_ADMIN]
    district_admin.is_staff = True
    district_admin.save(update_fields=["is_staff"])
    client.force_login(district_admin)
    client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "start_selected", "_selected_action": [str(world.campaign.pk)]},
    )
    world.campaign.refresh_from_db()
    assert world.campaign.status == CampaignStatus.ACTIVE and Target.objects.count() == 2
    response = client.get(reverse("admin:campaigns_campaign_change", args=[world.campaign.pk]))
    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission and not inline.has_change_permission
    readonly = response.context["adminform"].readonly_fields
    assert {"units", "target_mode", "starts_at"} <= set(readonly)
    client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "end_selected", "_selected_action": [str(world.campaign.pk)]},
    )
    world.campaign.refresh_from_db()
    assert world.campaign.status == CampaignStatus.ENDED


def test_staff_see_the_campaigns_of_their_jurisdiction_only(client, world):
    street = world.users[Role.STREET_ADMIN]
    street.is_staff = True
    street.save(update_fields=["is_staff"])
    client.force_login(street)
    elsewhere = Campaign.objects.create(
        name="大林镇排查",
        kind="flood",
        org_path="150502.002",
        starts_at=world.campaign.starts_at,
        ends_at=world.campaign.ends_at,
        created_by=world.superuser,
    )
    response = client.get(reverse("admin:campaigns_campaign_changelist"))
    assert response.status_code == 200
    shown = set(response.context["cl"].queryset)
    assert world.campaign in shown and elsewhere not in shown
    worker = world.users[Role.GRID_WORKER]
    worker.is_staff = True
    worker.save(update_fields=["is_staff"])
    client.force_login(worker)
    assert client.get(reverse("admin:campaigns_campaign_changelist")).status_code == 403


def test_targets_and_follow_ups_are_not_in_the_admin():
    assert Campaign in admin.site._registry
    assert Target not in admin.site._registry and FollowUp not in admin.site._registry
