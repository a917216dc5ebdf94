"""Pinyin search keys: read word by word (cached) exactly as pypinyin reads the whole name."""

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin

from gridgov.people.names import pinyin_keys

# Characters whose reading depends on the word they are in (单于, 银行, 长孙, 重庆, 乐, 曾 …),
# common name characters, Latin letters and separators.
ALPHABET = "单于银行长孙重庆乐曾朴解尉迟区仇查乌兰巴特尔其格王李张伟芳小明人民中国大夫" + "aBz 0·-"


def reference_keys(name: str) -> tuple[str, str]:
    """The keys computed from pypinyin's reading of the whole name at once."""
    syllables = [re.sub(r"[^a-z0-9]", "", s.lower()) for s in lazy_pinyin(name)]
    syllables = [s for s in syllables if s]
    return "".join(syllables)[:200], "".join(s[0] for s in syllables)[:50]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=12))
@example("乌兰·巴特尔")
@example("银行行长单于重")
@example("长孙无忌")
@example("")
def test_keys_match_reading_the_whole_name(name):
    assert pinyin_keys(name) == reference_keys(name)


def test_transliterated_names_and_latin_letters():
    assert pinyin_keys("乌兰·巴特尔") == ("wulanbateer", "wlbte")
    assert pinyin_keys("Li Ming 李明") == ("limingliming", "llm")  # a Latin run is one "syllable"
