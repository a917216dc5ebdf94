"""Sealing personal identifiers for storage: encrypted token, keyed hash and masked form.

The only module that turns a clear ID number or phone into stored columns, or back. Values
must already be canonical (people.identity_numbers.check_id_number, people.phones.check_mobile).
"""

from __future__ import annotations

from dataclasses import dataclass

from gridgov.people import crypto
from gridgov.people.identity_numbers import mask_id_number
from gridgov.people.phones import mask_mobile

ID_NUMBER = "people.person.id_number"
PHONE = "people.person.phone"
CONTACT_PHONE = "people.organization.contact_phone"


@dataclass(frozen=True)
class Sealed:
    token: str
    index: str
    masked: str


EMPTY = Sealed("", "", "")


def index_of(value: str, context: str) -> str:
    """The keyed hash of a canonical value, for lookups and de-duplication."""
    return crypto.blind_index(value, key=crypto.configured_index_key(), context=context)


def seal(value: str, context: str, *, index: str = "") -> Sealed:
    """Token, keyed hash and masked form of a canonical value ('' gives EMPTY). `index`, when
    the caller already computed index_of(value, context), saves computing it again."""
    if not value:
        return EMPTY
    masked = mask_id_number(value) if context == ID_NUMBER else mask_mobile(value)
    token = crypto.encrypt(value, keyring=crypto.configured_keyring(), context=context)
    return Sealed(token=token, index=index or index_of(value, context), masked=masked)


def unseal(token: str, context: str) -> str:
    """The clear value of a stored token ('' for none). Callers outside people.reveal and the
    unmasked export must not exist: every clear read is audited there."""
    if not token:
        return ""
    return crypto.decrypt(token, keyring=crypto.configured_keyring(), context=context)
