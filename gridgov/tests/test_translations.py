"""The zh-hans catalog is complete and its compiled .mo matches the .po it came from."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

CATALOG = Path(settings.BASE_DIR, "gridgov", "locale", "zh_Hans", "LC_MESSAGES")


def read_po(path: Path) -> dict[str, str]:
    """{key: translation} as gettext keys them: "context\\x04msgid", and msgid[0] for plurals."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    field = None

    def flush():
        if current.get("msgid"):
            key = current["msgid"]
            if "msgctxt" in current:
                key = current["msgctxt"] + "\x04" + key
            entries[key] = current.get("msgstr", current.get("msgstr[0]", ""))

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith('"'):
            current[field] += ast.literal_eval(line)
            continue
        keyword, _space, literal = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and ("msgstr" in current or "msgstr[0]" in current):
            flush()
            current = {}
        field = keyword
        current[field] = ast.literal_eval(literal)
    flush()
    return entries


def test_every_message_is_translated():
    missing = [key for key, text in read_po(CATALOG / "django.po").items() if not text]
    assert missing == [], "untranslated: run makemessages and translate"


def test_compiled_catalog_matches_the_po_file():
    with open(CATALOG / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    compiled_texts = {
        (key[0] if isinstance(key, tuple) else key): text
        for key, text in compiled.items()
        if key != "" and (not isinstance(key, tuple) or key[1] == 0)
    }
    assert compiled_texts == read_po(CATALOG / "django.po"), "run: manage.py compilemessages"
