"""Staff pages (/community/manage/…): notices with their read counts, proposal moderation,
votes and follow-up actions. Reads go through access.scope, writes through the actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.access.scope import get_for_user, jurisdiction_paths, path_filter, scoped
from gridgov.community import consultations as actions
from gridgov.community import notices as notice_actions
from gridgov.community.audience import residents_of
from gridgov.community.errors import CommunityError
from gridgov.community.forms import ActionForm, NoticeForm, OpenVoteForm, RejectForm, ThresholdForm
from gridgov.community.models import Consultation, ConsultationState, FollowUpAction, Notice, NoticeState
from gridgov.community.permissions import MANAGE
from gridgov.geo.models import OrgUnit
from gridgov.web.form_errors import add_field_error
from gridgov.web.permissions import permission_required

PAGE_SIZE = 25


def _units(user):
    return OrgUnit.objects.filter(
        path_filter("path", jurisdiction_paths(user, MANAGE)), is_active=True
    ).order_by("path")


@permission_required(MANAGE)
def notice_list(request):
    notices = (
        scoped(request.user, Notice.objects.all(), MANAGE)
        .select_related("org_unit", "author")
        .annotate(read_count=Count("reads"))
        .order_by("-created_at")
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    # "Read by N of M": M once per target unit on the page, not once per notice.
    residents = {path: residents_of(path).count() for path in {notice.org_path for notice in page}}
    for notice in page:
        notice.resident_count = residents[notice.org_path]
    return render(request, "community/manage/notices.html", {"page": page})


@permission_required(MANAGE)
def notice_edit(request, pk: int | None = None):
    notice = None
    if pk is not None:
        notice = get_for_user(request.user, Notice.objects.all(), MANAGE, request=request, pk=pk)
    initial = {}
    if notice is not None:
        initial = {
            "org_unit": notice.org_unit,
            "title": notice.title,
            "body": notice.body,
            "ends_on": notice.ends_on,
            "pinned": notice.pinned,
        }
    form = NoticeForm(request.POST or None, initial=initial, units=_units(request.user))
    if request.method == "POST" and form.is_valid():
        draft = notice_actions.NoticeDraft(**form.cleaned_data)
        try:
            saved = notice_actions.save_notice(notice, draft, actor=request.user)
        except CommunityError as error:
            add_field_error(form, error)
        else:
            messages.success(request, _("The notice is saved."))
            return redirect("community:manage_notice", pk=saved.pk)
    return render(request, "community/manage/notice_form.html", {"form": form, "notice": notice})


@permission_required(MANAGE)
def notice_detail(request, pk: int):
    notice = get_for_user(
        request.user, Notice.objects.select_related("org_unit", "author"), MANAGE, request=request, pk=pk
    )
    readers = notice.reads.select_related("user__resident").order_by("read_at")
    context = {
        "notice": notice,
        "readership": notice_actions.readership(notice),
        "readers": readers,
        "NS": NoticeState,
    }
    return render(request, "community/manage/notice.html", context)


@require_POST
@permission_required(MANAGE)
def notice_state(request, pk: int):
    notice = get_for_user(request.user, Notice.objects.all(), MANAGE, request=request, pk=pk)
    change = {"publish": notice_actions.publish_notice, "withdraw": notice_actions.withdraw_notice}.get(
        request.POST.get("action", "")
    )
    if change is None:
        messages.error(request, _("Unknown action."))
    else:
        try:
            change(notice, actor=request.user)
        except CommunityError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The notice's state is changed."))
    return redirect("community:manage_notice", pk=pk)


def _scoped_consultations(user):
    return scoped(user, Consultation.objects.all(), MANAGE)


@permission_required(MANAGE)
def consultation_list(request):
    queryset = _scoped_consultations(request.user)
    actions.close_due(queryset)
    state = request.GET.get("state", "")
    if state in ConsultationState.values:
        queryset = queryset.filter(state=state)
    rows = (
        queryset.select_related("community").annotate(support_count=Count("supports")).order_by("-created_at")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/manage/consultations.html",
        {"page": page, "state": state, "states": ConsultationState.choices},
    )


def _consultation_page(request, consultation: Consultation, **forms):
    context = {
        "consultation": consultation,
        "supports": consultation.supports.count(),
        "options": consultation.options.all(),
        "follow_up": consultation.actions.all(),
        "S": ConsultationState,
        "threshold_form": forms.get("threshold_form")
        or ThresholdForm(initial={"threshold": consultation.support_threshold}),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "open_form": forms.get("open_form") or OpenVoteForm(),
        "action_form": forms.get("action_form") or ActionForm(),
    }
    status = 400 if forms else 200
    return render(request, "community/manage/consultation.html", context, status=status)


def _get_consultation(request, pk: int) -> Consultation:
    consultation = get_for_user(
        request.user,
        Consultation.objects.select_related("community", "proposer"),
        MANAGE,
        request=request,
        pk=pk,
    )
    return actions.close_if_due(consultation)


@permission_required(MANAGE)
def consultation_detail(request, pk: int):
    return _consultation_page(request, _get_consultation(request, pk))


@require_POST
@permission_required(MANAGE)
def consultation_step(request, pk: int, step: str):
    """One moderation step, posted from the consultation page's forms."""
    consultation = _get_consultation(request, pk)
    user = request.user
    forms = {
        "threshold": ("threshold_form", ThresholdForm),
        "reject": ("reject_form", RejectForm),
        "open": ("open_form", OpenVoteForm),
        "action": ("action_form", ActionForm),
    }
    try:
        if step == "close":
            actions.close_vote(consultation, actor=user)
        elif step == "action_state":
            action = FollowUpAction.objects.filter(
                consultation=consultation, pk=request.POST.get("action")
            ).first()
            if action is None:
                raise CommunityError("", _("No such action."))
            actions.set_action_state(action, actor=user, state=request.POST.get("state", ""))
        elif step in forms:
            name, form_class = forms[step]
            form = form_class(request.POST)
            if not form.is_valid():
                return _consultation_page(request, consultation, **{name: form})
            try:
                _run_step(step, consultation, user, form)
            except CommunityError as error:
                add_field_error(form, error)
                return _consultation_page(request, consultation, **{name: form})
        else:
            raise CommunityError("", _("Unknown action."))
    except CommunityError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("community:manage_consultation", pk=pk)


def _run_step(step: str, consultation: Consultation, user, form) -> None:
    data = form.cleaned_data
    if step == "threshold":
        actions.set_threshold(consultation, actor=user, threshold=data["threshold"])
    elif step == "reject":
        actions.reject(consultation, actor=user, reason=data["reason"])
    elif step == "open":
        actions.open_vote(consultation, actor=user, options=form.option_labels(), closes_at=data["closes_at"])
    elif step == "action":
        actions.add_action(consultation, actor=user, text=data["text"], case_number=data["case_number"])
