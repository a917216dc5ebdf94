"""Search keys for personal names: pinyin without tones and its initials."""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin

# Separators written inside transliterated names (乌兰·巴特尔) and stray punctuation.
_NOT_LETTER = re.compile(r"[^a-z0-9]")


def pinyin_keys(name: str) -> tuple[str, str]:
    """("wulanbateer", "wlbte") for "乌兰·巴特尔"; Latin letters are kept, lower-cased."""
    syllables = [_NOT_LETTER.sub("", s.lower()) for s in lazy_pinyin(name or "")]
    syllables = [s for s in syllables if s]
    return "".join(syllables)[:200], "".join(s[0] for s in syllables)[:50]


def search_key(text: str) -> str:
    """A query typed in Latin letters, normalised like the stored keys."""
    return _NOT_LETTER.sub("", (text or "").lower())
