"""Password policy: at least 10 characters (Django's length validator) and 3 of 4 character classes."""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (
    ("lower", str.islower),
    ("upper", str.isupper),
    ("digit", str.isdigit),
    ("symbol", lambda ch: ch in string.punctuation or (not ch.isalnum() and not ch.isspace())),
)


def character_classes(password: str) -> int:
    return sum(any(test(ch) for ch in password) for _name, test in CLASSES)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "The password must mix at least %(count)d of: lower-case letters, upper-case letters, "
            "digits, symbols."
        ) % {"count": self.min_classes}
