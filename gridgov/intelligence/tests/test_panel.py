"""The Suggestions panel and GET /intelligence/suggest/<number>/: who sees what, and "uncertain"."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.cases.models import Case, State
from gridgov.cases.testing import HOME_POINT, OTHER_STREET_POINT, report
from gridgov.cases.workflow import perform
from gridgov.intelligence.classifier import train
from gridgov.intelligence.panels import build_panel, suggestion_panel
from gridgov.intelligence.tests.helpers import history_world, samples

pytestmark = [pytest.mark.django_db, pytest.mark.urls("gridgov.intelligence.tests.urls")]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world():
    world = history_world()
    train(samples=samples(600))
    return world


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _render(user, case) -> str:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return render_to_string("intelligence/_panel.html", suggestion_panel(user, case), request=request)


def _url(case) -> str:
    return reverse("intelligence:suggest", args=[case.number])


def test_the_json_answers_dispatchers_of_the_case_only(world):
    case = report(world, description="小区门口井盖缺失，夜间行人容易踩空", category="0101")
    twin = report(
        world, description="小区门口井盖丢了", category="0101", point=(HOME_POINT[0], HOME_POINT[1] + 0.0001)
    )
    admin = world.users[Role.COMMUNITY_ADMIN]
    response = _client(admin).get(_url(case), **EN)
    assert response.status_code == 200
    body = response.json()
    assert body["case"] == case.number and body["model"] is True
    assert body["category"]["code"] == "0101" and 0 < body["category"]["confidence"] <= 1
    assert body["category_confident"] == (body["category"]["confidence"] >= 0.6)
    assert len(body["category_alternatives"]) == 3
    assert [d["number"] for d in body["duplicates"]] == [twin.number]

    assert Client().get(_url(case)).status_code == 401
    # Grid workers see the case but neither register nor dispatch.
    denied = _client(world.users[Role.GRID_WORKER]).get(_url(case))
    assert denied.status_code == 403
    assert AuditEntry.objects.filter(action="access.denied", outcome="denied").exists()
    assert _client(world.users[Role.DEPARTMENT_HANDLER]).get(_url(case)).status_code == 403
    assert _client(world.users[Role.RESIDENT]).get(_url(case)).status_code == 403
    assert (
        _client(admin).get(reverse("intelligence:suggest", args=["150502-20990101-00001"])).status_code == 404
    )


def test_the_json_hides_other_jurisdictions_and_finished_cases(world):
    elsewhere = report(
        world, by=Role.DISTRICT_ADMIN, point=OTHER_STREET_POINT, description="路灯不亮", category="0102"
    )
    admin = world.users[Role.COMMUNITY_ADMIN]
    assert _client(admin).get(_url(elsewhere)).status_code == 404
    assert _client(world.users[Role.DISPATCHER]).get(_url(elsewhere)).status_code == 200
    Case.objects.filter(pk=elsewhere.pk).update(state=State.CLOSED)
    assert _client(world.users[Role.DISPATCHER]).get(_url(elsewhere)).status_code == 409


def test_the_panel_shows_low_confidence_as_uncertain_and_preselects_nothing(world, settings):
    case = report(world, description="门口有点情况，麻烦来看看", category="0201")
    admin = world.users[Role.COMMUNITY_ADMIN]
    panel = build_panel(admin, case)
    assert panel is not None and panel.may_register and panel.category is not None
    settings.SUGGEST_MIN_CONFIDENCE = 0.999
    html = _render(admin, case)
    assert 'id="gg-suggestions"' in html
    assert "uncertain" in html and 'data-kind="category" data-confident="0"' in html
    # Every alternative may be applied by hand; none is marked for use.
    assert html.count('data-field="id_register-category"') == 3
    assert "btn-outline-primary" not in html and "selected" not in html
    settings.SUGGEST_MIN_CONFIDENCE = 0.0
    confident = _render(admin, case)
    assert "uncertain" not in confident and 'data-kind="category" data-confident="1"' in confident
    assert confident.count('data-field="id_register-category"') == 1
    assert f'data-value="{panel.category.code}"' in confident


def test_a_vague_report_is_uncertain_at_the_default_threshold(world):
    case = report(world, description="有问题", category="0201")
    panel = build_panel(world.users[Role.COMMUNITY_ADMIN], case)
    assert panel.category.confidence < 0.6 and not panel.category_confident
    assert "uncertain" in _render(world.users[Role.COMMUNITY_ADMIN], case)


def test_after_registration_the_department_is_offered_for_the_dispatch_form(world, settings):
    settings.SUGGEST_MIN_CONFIDENCE = 0.0
    case = report(world, description="路灯不亮，晚上很黑", category="0102")
    admin = world.users[Role.COMMUNITY_ADMIN]
    perform(case.pk, "register", actor=admin)
    case.refresh_from_db()
    panel = build_panel(admin, case)
    assert panel.may_dispatch and panel.department is not None
    html = _render(admin, case)
    assert 'data-kind="category"' not in html
    assert f'data-field="id_dispatch-addressee" data-value="department:{panel.department.code}"' in html
    # No panel for those who cannot act, nor on cases past dispatch.
    assert suggestion_panel(world.users[Role.GRID_WORKER], case) == {"intelligence": None}
    assert _render(world.users[Role.GRID_WORKER], case).strip() == ""


def test_one_click_merge_uses_the_merge_action(world):
    case = report(world, description="小区门口井盖缺失", category="0101")
    twin = report(world, description="小区门口的井盖丢了", category="0101")
    admin = world.users[Role.COMMUNITY_ADMIN]
    html = _render(admin, case)
    merge_url = reverse("cases:action", args=[case.number, "merge"])
    assert f'action="{merge_url}"' in html and f'name="merge-into" value="{twin.number}"' in html
    response = _client(admin).post(merge_url, {"merge-version": case.version, "merge-into": twin.number})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.MERGED and case.merged_into == twin
