"""Typed readers for GRIDGOV_* environment variables that fail loudly on bad values."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PREFIX = "GRIDGOV_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str | None = None) -> str | None:
    return os.environ.get(PREFIX + name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(PREFIX + name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{PREFIX}{name} must be a boolean (1/0, true/false), not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(PREFIX + name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be an integer, not {raw!r}") from None


def envfloat(name: str, default: float) -> float:
    raw = os.environ.get(PREFIX + name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be a number, not {raw!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(PREFIX + name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envsecret(name: str) -> str | None:
    """A secret from GRIDGOV_<NAME> or from the file named by GRIDGOV_<NAME>_FILE."""
    value = os.environ.get(PREFIX + name)
    path = os.environ.get(PREFIX + name + "_FILE")
    if value and path:
        raise ImproperlyConfigured(f"set either {PREFIX}{name} or {PREFIX}{name}_FILE, not both")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{PREFIX}{name}_FILE cannot be read: {exc}") from None
    return value or None
