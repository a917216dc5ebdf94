"""The resident's community pages (/community/…): notices for their home, and consultations.

Thin: reads through notices.notices_for / consultations.consultations_for, writes through
their actions.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.community import consultations as actions
from gridgov.community.errors import CommunityError
from gridgov.community.forms import ProposalForm
from gridgov.community.models import ConsultationState, NoticeRead, Support, Vote
from gridgov.community.notices import mark_read, notices_for
from gridgov.community.permissions import TAKE_PART
from gridgov.web.form_errors import add_field_error
from gridgov.web.permissions import permission_required


@permission_required(TAKE_PART)
def notice_list(request):
    notices = list(notices_for(request.user))
    read = set(
        NoticeRead.objects.filter(user=request.user, notice__in=notices).values_list("notice_id", flat=True)
    )
    rows = [(notice, notice.pk in read) for notice in notices]
    return render(request, "community/notices.html", {"rows": rows})


@permission_required(TAKE_PART)
def notice_detail(request, pk: int):
    notice = notices_for(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    mark_read(notice, request.user)
    return render(request, "community/notice.html", {"notice": notice})


def _resident_consultation(request, pk: int):
    consultation = actions.consultations_for(request.user).filter(pk=pk).first()
    if consultation is None:
        raise Http404
    return actions.close_if_due(consultation)


@permission_required(TAKE_PART)
def consultation_list(request):
    queryset = actions.consultations_for(request.user)
    actions.close_due(queryset)
    consultations = queryset.annotate(support_count=Count("supports"))
    return render(
        request,
        "community/consultations.html",
        {
            "consultations": consultations,
            "community": actions.resident_community(request.user),
        },
    )


@permission_required(TAKE_PART)
def proposal_new(request):
    community = actions.resident_community(request.user)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = actions.propose(
                actor=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except CommunityError as error:
            add_field_error(form, error)
        else:
            messages.success(request, _("Your proposal is published. Neighbours can now support it."))
            return redirect("community:consultation", pk=consultation.pk)
    return render(request, "community/proposal_new.html", {"form": form, "community": community})


@permission_required(TAKE_PART)
def consultation_detail(request, pk: int):
    consultation = _resident_consultation(request, pk)
    household = actions.voter_household(request.user)
    my_vote = None
    if household is not None:
        my_vote = (
            Vote.objects.filter(consultation=consultation, household=household)
            .select_related("option")
            .first()
        )
    context = {
        "consultation": consultation,
        "supports": consultation.supports.count(),
        "supported": Support.objects.filter(consultation=consultation, user=request.user).exists(),
        "is_proposer": consultation.proposer_id == request.user.pk,
        "household": household,
        "my_vote": my_vote,
        "options": consultation.options.all(),
        "follow_up": consultation.actions.all(),
        "S": ConsultationState,
    }
    return render(request, "community/consultation.html", context)


@require_POST
@permission_required(TAKE_PART)
def consultation_support(request, pk: int):
    consultation = _resident_consultation(request, pk)
    try:
        actions.support(consultation, actor=request.user)
    except CommunityError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: your support is counted."))
    return redirect("community:consultation", pk=pk)


@require_POST
@permission_required(TAKE_PART)
def consultation_vote(request, pk: int):
    consultation = _resident_consultation(request, pk)
    try:
        option_id = int(request.POST.get("option", ""))
    except ValueError:
        option_id = 0
    try:
        actions.cast_vote(consultation, actor=request.user, option_id=option_id)
    except CommunityError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your household's vote is recorded. You can change it until the close."))
    return redirect("community:consultation", pk=pk)
