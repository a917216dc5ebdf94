"""Small forms of the web UI."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class OTPCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^\d{6}$", _("The code is 6 digits."))],
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"\d{6}"}
        ),
    )


class TokenActionForm(forms.Form):
    ISSUE = "issue"
    REVOKE = "revoke"
    action = forms.ChoiceField(choices=[(ISSUE, _("Create or regenerate")), (REVOKE, _("Revoke"))])
