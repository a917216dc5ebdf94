"""Resident account pages: sign in with a mobile number, the "Me" page, binding to the registry."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.people.phones import mask_mobile
from gridgov.residents import accounts, binding, codes, profiles, signin
from gridgov.residents.errors import ResidentError
from gridgov.residents.forms import BindForm, CodeForm, DisplayNameForm, PhoneForm
from gridgov.web.form_errors import add_field_error

PORTAL_HOME = "/r/"
_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return PORTAL_HOME


def _signin_url(request) -> str:
    query = urlencode({"next": request.GET["next"]}) if request.GET.get("next") else ""
    return reverse("residents:signin") + (f"?{query}" if query else "")


@require_http_methods(["GET"])
def me(request):
    """The resident's own page; anonymous visitors are sent to sign in (keeping `next`)."""
    if not request.user.is_authenticated:
        return redirect(_signin_url(request))
    profile = accounts.profile_of(request.user)
    if profile is None:
        return render(request, "residents/not_resident.html", status=403)
    household = profile.person.household if profile.person is not None else None
    context = {
        "profile": profile,
        "household": household,
        "members": accounts.household_members(household) if household is not None else [],
        "grid_name": profile.person.grid.name_for(get_language()) if profile.person is not None else "",
        "name_form": DisplayNameForm(initial={"display_name": profile.display_name}),
    }
    return render(request, "residents/me.html", context)


def _signin_page(request, form, step: str, **extra):
    context = {"form": form, "step": step, "next": _next_url(request), **extra}
    return render(request, "residents/signin.html", context)


def _phone_step(request):
    """Check the number and the privacy agreement, send a code, show the code form."""
    form = PhoneForm(request.POST)
    if form.is_valid():
        try:
            codes.request_code(form.cleaned_data["phone"], request=request)
        except ResidentError as error:
            add_field_error(form, error)
        else:
            phone, _index = codes.checked_phone(form.cleaned_data["phone"])
            return _signin_page(
                request, CodeForm(initial={"phone": phone}), "code", masked=mask_mobile(phone)
            )
    return _signin_page(request, form, "phone")


def _code_step(request):
    """Check the code; sign up or sign in, then go to `next`."""
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            result = signin.sign_in(
                form.cleaned_data["phone"],
                form.cleaned_data["code"],
                display_name=form.cleaned_data["display_name"],
                request=request,
            )
        except ResidentError as error:
            if error.field == "phone":  # back to the first step, the number in place
                phone_form = PhoneForm(initial={"phone": form.cleaned_data["phone"]})
                add_field_error(phone_form, error)
                return _signin_page(request, phone_form, "phone")
            add_field_error(form, error)
        else:
            login(request, result.user, backend=_BACKEND)
            if result.created:
                messages.success(request, _("Welcome! Your resident account was created."))
            return redirect(_next_url(request))
    return _signin_page(request, form, "code", masked=mask_mobile(request.POST.get("phone", "")))


@require_http_methods(["GET", "POST"])
def signin_view(request):
    """Step 1: the number and the privacy notice (sends a code); step 2: the code (and a name
    for a new number). Both steps post here; `step` says which."""
    if accounts.profile_of(request.user) is not None:
        return redirect(_next_url(request))
    if request.method == "GET":
        return _signin_page(request, PhoneForm(), "phone")
    if request.POST.get("step") == "code":
        return _code_step(request)
    return _phone_step(request)


@require_http_methods(["GET"])
def privacy(request):
    return render(request, "residents/privacy.html")


@login_required(login_url="residents:signin")
@require_POST
def rename(request):
    form = DisplayNameForm(request.POST)
    if form.is_valid():
        try:
            profiles.change_display_name(request.user, form.cleaned_data["display_name"], request=request)
        except ResidentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your name was saved."))
    else:
        messages.error(request, " ".join(form.errors.get("display_name", [])))
    return redirect("residents:me")


@login_required(login_url="residents:signin")
@require_http_methods(["GET", "POST"])
def bind(request):
    profile = accounts.profile_of(request.user)
    if profile is None:
        return render(request, "residents/not_resident.html", status=403)
    if profile.person is not None:
        return redirect("residents:me")
    form = BindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            binding.bind_person(
                request.user,
                name=form.cleaned_data["name"],
                id_number=form.cleaned_data["id_number"],
                request=request,
            )
        except ResidentError as error:
            add_field_error(form, error)
        else:
            messages.success(request, _("Your account is now bound to your registry record."))
            return redirect("residents:me")
    status = 400 if request.method == "POST" else 200
    return render(request, "residents/bind.html", {"form": form}, status=status)


@login_required(login_url="residents:signin")
@require_POST
def unbind(request):
    try:
        binding.unbind_person(request.user, request=request)
    except ResidentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your account is no longer bound to a registry record."))
    return redirect("residents:me")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("residents:signin")
