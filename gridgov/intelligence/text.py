"""Case text as words: jieba segmentation of the description and address, minus stop words.

jieba loads its dictionary (shipped with the package, no network) once per process, on the
first use, and keeps quiet about it: its logger would otherwise print to stderr in every
worker. Tokens are what the classifier's TF-IDF and the duplicate detector's similarity count.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
import warnings
from typing import Any

# Function words and filler that say nothing about the kind of problem or its place. Kept
# short on purpose: TF-IDF already weighs down what every report says.
_STOP_WORDS_TEXT = """
    的 了 在 是 有 和 与 及 或 也 都 就 还 又 很 太 更 最 已 已经 一直 一个 一些 这个 那个 这里 那里
    这 那 我 我们 你 您 他 她 它 他们 大家 自己 请 麻烦 希望 尽快 及时 处理 解决 反映 问题 情况 现在
    目前 今天 昨天 最近 附近 旁边 一下 一点 没有 不 没 被 把 让 给 对 从 向 到 为 因为 所以 但是
    然后 如果 可以 能 要 需要 应该 导致 造成 存在 发现 看到 上报 谢谢 好 多 几 个 处 啊 吧 呢 吗
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_lock = threading.Lock()
_ready = False


def _segmenter() -> Any:
    """jieba, with its dictionary loaded (once per process) and its logger silenced."""
    global _ready
    with warnings.catch_warnings():
        # jieba 0.42's regular expressions use invalid escapes: noise on every first import.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def _is_word(token: str) -> bool:
    """Not punctuation, space or a bare number; digits inside a word (3号楼) stay."""
    if not token or token.isnumeric():
        return False
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


def tokens(text: str) -> list[str]:
    """The words of `text` (lower-cased, stop words and punctuation dropped), in order."""
    jieba = _segmenter()
    words = []
    for raw in jieba.lcut(text or ""):
        token = raw.strip().lower()
        if _is_word(token) and token not in STOP_WORDS:
            words.append(token)
    return words


def case_text(description: str, address: str = "") -> str:
    """The text the models read: what the report says, then where."""
    return f"{description or ''} {address or ''}".strip()


def char_bigrams(text: str) -> list[str]:
    """Overlapping pairs of letters (punctuation and spaces removed): robust to rewording and to
    segmentation errors, so that "井盖丢了" and "丢失井盖" still share "井盖"."""
    letters = [ch for ch in (text or "").lower() if unicodedata.category(ch)[0] in "LN"]
    return ["".join(letters[i : i + 2]) for i in range(len(letters) - 1)]


def similarity_terms(text: str) -> list[str]:
    """Words and letter pairs together: what the duplicate detector compares."""
    return tokens(text) + [f"~{pair}" for pair in char_bigrams(text)]
