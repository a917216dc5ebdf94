"""How a user's name is shown."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")


def display_name(user) -> str:
    """The user's name as people write it: Chinese family name first with no space
    ("包国庆"), other names given-name first ("Anna Li"); the username when no name is set."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if not (first or last):
        return user.get_username()
    if _CJK.search(first + last):
        return last + first
    return f"{first} {last}".strip()
