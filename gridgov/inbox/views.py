"""The inbox page: the user's notifications, newest first, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.inbox import services
from gridgov.inbox.models import Notification

PAGE_SIZE = 50


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    notifications = Notification.objects.filter(recipient=request.user).select_related("case")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inbox/inbox.html",
        {"page": page, "unread_only": unread_only, "unread_count": services.unread_count(request.user)},
    )


@login_required
@require_POST
def mark_read(request):
    """Mark the posted notification ids read, or all of them with `all=1`."""
    if request.POST.get("all") == "1":
        services.mark_read(request.user)
    else:
        ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
        services.mark_read(request.user, ids)
    return redirect(reverse("inbox") + ("?unread=1" if request.POST.get("unread") == "1" else ""))
