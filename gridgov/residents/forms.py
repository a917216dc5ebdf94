"""Forms of the resident account pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.residents.signin import DISPLAY_NAME_MAX


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "autofocus": True}),
    )
    agree = forms.BooleanField(
        label=_("I have read and agree to the privacy notice"),
        error_messages={"required": _("Agree to the privacy notice to continue.")},
    )


class CodeForm(forms.Form):
    phone = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
    )
    display_name = forms.CharField(
        label=_("Your name (only for a new account)"), max_length=DISPLAY_NAME_MAX, required=False
    )


class DisplayNameForm(forms.Form):
    display_name = forms.CharField(label=_("Name shown"), max_length=DISPLAY_NAME_MAX)


class BindForm(forms.Form):
    name = forms.CharField(label=_("Name as registered"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
