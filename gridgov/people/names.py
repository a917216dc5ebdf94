"""Search keys for personal names: pinyin without tones and its initials."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import lazy_pinyin
from pypinyin.seg.simpleseg import seg

# Separators written inside transliterated names (乌兰·巴特尔) and stray punctuation.
_NOT_LETTER = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=50_000)
def _word_syllables(word: str) -> tuple[str, ...]:
    # pypinyin reads a name word by word (its own segmentation), and a word's reading does not
    # depend on its neighbours: names share their words (family names, 巴特尔), so converting
    # each word once makes an import of a million names several times faster.
    syllables = (_NOT_LETTER.sub("", s.lower()) for s in lazy_pinyin(word))
    return tuple(s for s in syllables if s)


def pinyin_keys(name: str) -> tuple[str, str]:
    """("wulanbateer", "wlbte") for "乌兰·巴特尔"; Latin letters are kept, lower-cased."""
    syllables = [s for word in seg(name or "") for s in _word_syllables(word)]
    return "".join(syllables)[:200], "".join(s[0] for s in syllables)[:50]


def search_key(text: str) -> str:
    """A query typed in Latin letters, normalised like the stored keys."""
    return _NOT_LETTER.sub("", (text or "").lower())
