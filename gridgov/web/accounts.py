"""Account pages: the TOTP second factor for staff and the personal API token."""

from __future__ import annotations

import base64

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from gridgov.access.middleware import needs_second_factor
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.web import tokens
from gridgov.web.forms import OTPCodeForm, TokenActionForm
from gridgov.web.permissions import permission_required


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def qr_svg(text: str) -> str:
    """`text` as a QR code in an inline SVG element (made locally: nothing leaves the server)."""
    image = qrcode.make(text, image_factory=SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    # Drop the XML declaration so the element can sit inside HTML.
    return svg[svg.index("<svg") :]


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Ask a staff user for the TOTP code; enrol a new authenticator app when none is confirmed."""
    user = request.user
    if not needs_second_factor(user):
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="gridgov", confirmed=False)
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _throttle = device.verify_is_allowed()
        if not allowed:
            # django-otp waits longer after each wrong code; say so rather than "wrong code".
            form.add_error("code", _("Too many wrong codes. Wait a few seconds and try again."))
        elif device.verify_token(form.cleaned_data["code"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record("access.otp_enrol", request=request, target=device)
            otp_login(request, device)
            record("access.otp_verify", request=request)
            return redirect(_next_url(request))
        else:
            record("access.otp_verify", request=request, outcome=Outcome.FAILED)
            form.add_error("code", _("The code is wrong or has expired. Enter the current 6-digit code."))
    context = {"form": form, "enrolling": enrolling, "next": _next_url(request)}
    if enrolling:
        context["qr_svg"] = qr_svg(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(request, "registration/otp_verify.html", context)


@permission_required("api.use_token")
@require_http_methods(["GET", "POST"])
def api_token(request):
    """Show whether the user has an API token; create, regenerate or revoke it (POST)."""
    new_key = None
    if request.method == "POST":
        form = TokenActionForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["action"] == TokenActionForm.REVOKE:
                if tokens.revoke_token(request.user, request=request):
                    messages.success(request, _("Your API token was revoked."))
                return redirect("api_token")
            # Create and regenerate both answer with the new key, shown on this response only.
            new_key = tokens.issue_token(request.user, request=request).key
    token = tokens.current_token(request.user)
    return render(request, "web/api_token.html", {"token": token, "new_key": new_key})
