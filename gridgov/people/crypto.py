"""Field encryption and blind indexes for sensitive personal data (ID numbers, phones).

A value is stored as a token ``v1.<key id>.<base64url(nonce + ciphertext + tag)>``: AES-256-GCM
with a random 96-bit nonce, and the column's *context* (e.g. ``people.person.id_number``) bound
as associated data, so a token copied into another column does not decrypt. Several keys may
be configured (a keyring); new tokens use the current one and older ones stay readable until
``rotate`` has moved them. Exact lookup goes through ``blind_index``: a truncated HMAC-SHA256
under a separate key. Keys come from settings (see docs/privacy.md); every function here takes
its keys as arguments so that tests and commands never depend on settings.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32  # AES-256; the index key has the same length
NONCE_BYTES = 12  # 96 bits: the size GCM is designed for
TAG_BYTES = 16
TOKEN_VERSION = "v1"  # noqa: S105 -- a format tag, not a secret
# 32 hex characters = 128 bits: no accidental collision among billions of values, and half the
# column of a full SHA-256 digest. Stored index columns are CharField(max_length=32).
BLIND_INDEX_HEX_CHARS = 32
KEY_ID_MAX_LENGTH = 16

# A key id lives inside tokens and config lines, so it cannot contain ".", ":" or ",".
_KEY_ID_RE = re.compile(rf"[A-Za-z0-9_-]{{1,{KEY_ID_MAX_LENGTH}}}")
# Contexts are code constants; a fixed alphabet keeps "context + value" unambiguous.
_CONTEXT_RE = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*")
_B64URL_RE = re.compile(r"[A-Za-z0-9_-]+")


class DecryptionError(Exception):
    """A token that cannot be decrypted. The message never contains key material or plaintext.

    ``reason`` is one of "malformed", "unknown_version", "unknown_key", "not_authentic".
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Keyring:
    """Field-encryption keys by id; ``current_id`` names the key used for new tokens."""

    current_id: str
    keys: Mapping[str, bytes] = field(repr=False)  # never printed: debug pages, logs

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            if not _KEY_ID_RE.fullmatch(key_id):
                raise ValueError(f"key id {key_id!r} must be 1-{KEY_ID_MAX_LENGTH} of A-Z a-z 0-9 _ -")
            if len(key) != KEY_BYTES:
                raise ValueError(f"key {key_id!r} must be {KEY_BYTES} bytes, not {len(key)}")
        if self.current_id not in self.keys:
            raise ValueError(f"current key {self.current_id!r} is not in the keyring")
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self.keys)


def new_key_entry(key_id: str) -> str:
    """A fresh ``<key id>:<base64>`` entry for GRIDGOV_FIELD_KEYS (or a bare index key if no id)."""
    encoded = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
    return f"{key_id}:{encoded}" if key_id else encoded


def _decode_key(encoded: str, *, variable: str, where: str) -> bytes:
    # Accept both base64 alphabets; the error names the entry, never echoes the material.
    try:
        key = base64.b64decode(encoded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{variable}: {where} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"{variable}: {where} must decode to {KEY_BYTES} bytes (256 bits), not {len(key)}"
        )
    return key


def load_keyring(text: str, *, variable: str = "GRIDGOV_FIELD_KEYS") -> Keyring:
    """Parse ``"k2:<base64>,k1:<base64>"`` (commas or newlines; the first entry is current).

    Raises ImproperlyConfigured naming ``variable`` for an empty value, a bad id, bad base64,
    a key that is not 256 bits, a duplicate id or the same key under two ids.
    """
    entries = [item.strip() for item in re.split(r"[,\s]+", text or "") if item.strip()]
    if not entries:
        raise ImproperlyConfigured(f"{variable} is empty: give at least one key as <id>:<base64>")
    keys: dict[str, bytes] = {}
    for position, entry in enumerate(entries, start=1):
        key_id, sep, encoded = entry.partition(":")
        if not sep:
            raise ImproperlyConfigured(f"{variable}: entry {position} must look like <id>:<base64>")
        if not _KEY_ID_RE.fullmatch(key_id):
            raise ImproperlyConfigured(
                f"{variable}: entry {position} has a bad key id (1-{KEY_ID_MAX_LENGTH} of A-Z a-z 0-9 _ -)"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"{variable}: key id {key_id!r} appears twice")
        key = _decode_key(encoded, variable=variable, where=f"key {key_id!r}")
        if any(hmac.compare_digest(key, other) for other in keys.values()):
            raise ImproperlyConfigured(f"{variable}: key {key_id!r} repeats the material of another key")
        keys[key_id] = key
    return Keyring(current_id=next(iter(keys)), keys=keys)


def load_index_key(
    text: str, *, variable: str = "GRIDGOV_INDEX_KEY", field_keyring: Keyring | None = None
) -> bytes:
    """Parse the blind-index key (base64 of 256 bits).

    Raises ImproperlyConfigured naming ``variable`` if it is empty or malformed, or if it equals
    one of ``field_keyring``'s keys (one key must never serve both purposes).
    """
    encoded = (text or "").strip()
    if not encoded:
        raise ImproperlyConfigured(f"{variable} is empty: give one base64 key of {KEY_BYTES} bytes")
    key = _decode_key(encoded, variable=variable, where="the key")
    if field_keyring and any(hmac.compare_digest(key, k) for k in field_keyring.keys.values()):
        raise ImproperlyConfigured(f"{variable} must differ from every GRIDGOV_FIELD_KEYS key")
    return key


def configured_keyring() -> Keyring:
    """The keyring from settings.PEOPLE_FIELD_KEYRING; ImproperlyConfigured if absent."""
    from django.conf import settings

    keyring = getattr(settings, "PEOPLE_FIELD_KEYRING", None)
    if not isinstance(keyring, Keyring):
        raise ImproperlyConfigured(
            "settings.PEOPLE_FIELD_KEYRING must be a Keyring (from GRIDGOV_FIELD_KEYS)"
        )
    return keyring


def configured_index_key() -> bytes:
    """The blind-index key from settings.PEOPLE_INDEX_KEY; ImproperlyConfigured if absent."""
    from django.conf import settings

    key = getattr(settings, "PEOPLE_INDEX_KEY", None)
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"settings.PEOPLE_INDEX_KEY must be {KEY_BYTES} bytes (from GRIDGOV_INDEX_KEY)"
        )
    return key


def _check_context(context: str) -> None:
    if not _CONTEXT_RE.fullmatch(context):
        raise ValueError(f"context {context!r} must be dotted lowercase names like 'people.person.phone'")


def _associated_data(context: str) -> bytes:
    # The version is bound too, so a future format can never be confused with this one.
    return f"gridgov.{TOKEN_VERSION}:{context}".encode("ascii")


def max_token_length(value_bytes: int) -> int:
    """Longest token for a UTF-8 value of ``value_bytes`` bytes (for a column's max_length)."""
    body = math.ceil((NONCE_BYTES + value_bytes + TAG_BYTES) * 4 / 3)
    return len(TOKEN_VERSION) + 1 + KEY_ID_MAX_LENGTH + 1 + body


@lru_cache(maxsize=32)
def _cipher(key: bytes) -> AESGCM:
    # One cipher object per key, not per value: building one costs as much as the encryption
    # (an import seals two identifiers per row). Keys are configured ones: the cache stays small.
    return AESGCM(key)


@lru_cache(maxsize=64)
def _checked_context(context: str) -> bytes:
    """The associated data of a well-formed context (contexts are a handful of constants)."""
    _check_context(context)
    return _associated_data(context)


def encrypt(value: str, *, keyring: Keyring, context: str) -> str:
    """Encrypt ``value`` under the keyring's current key, bound to ``context``.

    Two calls with the same value give different tokens (random nonce). The token's length
    reveals the value's length in UTF-8 bytes. Raises ValueError for a malformed context.
    """
    associated = _checked_context(context)
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = _cipher(keyring.keys[keyring.current_id]).encrypt(nonce, value.encode("utf-8"), associated)
    body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
    return f"{TOKEN_VERSION}.{keyring.current_id}.{body}"


def _split(token: str) -> tuple[str, str, bytes]:
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise DecryptionError("malformed", "field token is malformed")
    version, key_id, body = parts
    if version != TOKEN_VERSION:
        raise DecryptionError("unknown_version", "field token has an unknown format version")
    if not _KEY_ID_RE.fullmatch(key_id) or not _B64URL_RE.fullmatch(body):
        raise DecryptionError("malformed", "field token is malformed")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("malformed", "field token is malformed") from None
    # base64 ignores the spare low bits of the last character: demand the one canonical
    # spelling so that no two distinct tokens carry the same ciphertext.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != body:
        raise DecryptionError("malformed", "field token is malformed")
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("malformed", "field token is too short")
    return version, key_id, raw


def decrypt(token: str, *, keyring: Keyring, context: str) -> str:
    """The value sealed in ``token`` for ``context``.

    Raises DecryptionError (with a ``reason``) for a malformed or tampered token, an unknown
    version or key id, or a token made for another context or under other key material.
    """
    associated = _checked_context(context)
    _version, key_id, raw = _split(token)
    key = keyring.keys.get(key_id)
    if key is None:
        raise DecryptionError("unknown_key", f"field token uses key {key_id!r}, which is not configured")
    try:
        plain = _cipher(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated)
    except InvalidTag:
        raise DecryptionError(
            "not_authentic", f"field token does not decrypt as {context!r}: altered, or another column's"
        ) from None
    return plain.decode("utf-8")


def needs_rotation(token: str, keyring: Keyring) -> bool:
    """True if ``token`` is not under the current key (including an unknown key id).

    Raises DecryptionError for a malformed token or an unknown version.
    """
    _version, key_id, _raw = _split(token)
    return key_id != keyring.current_id


def rotate(token: str, *, keyring: Keyring, context: str) -> str:
    """``token`` re-encrypted under the current key; a token already current comes back as is.

    Raises DecryptionError as ``decrypt`` does (e.g. when the old key was already removed).
    """
    if not needs_rotation(token, keyring):
        return token
    return encrypt(decrypt(token, keyring=keyring, context=context), keyring=keyring, context=context)


def blind_index(value: str, *, key: bytes, context: str) -> str:
    """Keyed hash of ``value`` for exact lookup: 32 hex chars of HMAC-SHA256(key, context, value).

    ``value`` must already be canonical (a validated ID number, a normalised phone): this
    function does not normalise. Raises ValueError for an empty value, a key that is not 256
    bits or a malformed context.
    """
    if len(key) != KEY_BYTES:
        raise ValueError(f"the index key must be {KEY_BYTES} bytes")
    if not value:
        raise ValueError("an empty value has no blind index: store NULL instead")
    inner, outer = _hmac_states(key, context)
    inner = inner.copy()
    inner.update(value.encode("utf-8"))
    outer = outer.copy()
    outer.update(inner.digest())
    return outer.hexdigest()[:BLIND_INDEX_HEX_CHARS]


_SHA256_BLOCK = 64


@lru_cache(maxsize=64)
def _hmac_states(key: bytes, context: str) -> tuple[hashlib._Hash, hashlib._Hash]:
    """HMAC-SHA256 (RFC 2104) under `key`, with ``context + NUL`` already absorbed: the inner and
    outer hash states. Copying them is three times faster than hmac.new per value, which counts
    when an import hashes millions of identifiers. (tests check it against hmac.new.)"""
    _check_context(context)
    padded = key.ljust(_SHA256_BLOCK, b"\x00")  # a 256-bit key is shorter than the block
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))
    # The context's alphabet has no NUL, so context + NUL + value splits only one way.
    inner.update(context.encode("ascii") + b"\x00")
    return inner, outer
