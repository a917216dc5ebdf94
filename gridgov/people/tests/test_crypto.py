"""Field encryption, key rotation, blind indexes and key configuration (no database)."""

import base64
import hashlib
import hmac
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gridgov.people.crypto import (
    BLIND_INDEX_HEX_CHARS,
    DecryptionError,
    Keyring,
    blind_index,
    configured_index_key,
    configured_keyring,
    decrypt,
    encrypt,
    load_index_key,
    load_keyring,
    max_token_length,
    needs_rotation,
    new_key_entry,
    rotate,
)

ID_CONTEXT = "people.person.id_number"
PHONE_CONTEXT = "people.person.phone"
ID_NUMBER = "15050219800101123X"

K1 = bytes(range(32))
K2 = bytes(range(100, 132))
INDEX_KEY = bytes(range(200, 232))


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def keyring(*ids: str) -> Keyring:
    """A keyring holding the named test keys, the first one current."""
    material = {"k1": K1, "k2": K2}
    return Keyring(current_id=ids[0], keys={key_id: material[key_id] for key_id in ids})


# --- encryption -----------------------------------------------------------------------------


def test_round_trip_and_token_shape():
    token = encrypt(ID_NUMBER, keyring=keyring("k1"), context=ID_CONTEXT)

    assert re.fullmatch(r"v1\.k1\.[A-Za-z0-9_-]+", token)
    assert ID_NUMBER not in token
    assert len(token) <= max_token_length(len(ID_NUMBER))
    assert decrypt(token, keyring=keyring("k1"), context=ID_CONTEXT) == ID_NUMBER


def test_same_value_gives_different_tokens():
    ring = keyring("k1")
    tokens = {encrypt(ID_NUMBER, keyring=ring, context=ID_CONTEXT) for _ in range(20)}

    assert len(tokens) == 20


def test_token_moved_to_another_column_does_not_decrypt():
    token = encrypt("13812345678", keyring=keyring("k1"), context=PHONE_CONTEXT)

    with pytest.raises(DecryptionError) as caught:
        decrypt(token, keyring=keyring("k1"), context=ID_CONTEXT)
    assert caught.value.reason == "not_authentic"
    assert "13812345678" not in str(caught.value)


def test_every_flipped_bit_of_the_token_is_rejected():
    ring = keyring("k2", "k1")
    token = encrypt(ID_NUMBER, keyring=ring, context=ID_CONTEXT)

    for position, char in enumerate(token):
        for bit in range(8):
            altered = token[:position] + chr(ord(char) ^ (1 << bit)) + token[position + 1 :]
            with pytest.raises(DecryptionError) as caught:
                decrypt(altered, keyring=ring, context=ID_CONTEXT)
            message = str(caught.value)
            assert ID_NUMBER not in message and b64(K1) not in message and b64(K2) not in message


def test_a_flipped_bit_in_the_decoded_ciphertext_is_rejected():
    ring = keyring("k1")
    token = encrypt(ID_NUMBER, keyring=ring, context=ID_CONTEXT)
    prefix, body = token.rsplit(".", 1)
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))

    for index in range(len(raw)):
        flipped = raw[:index] + bytes([raw[index] ^ 0x01]) + raw[index + 1 :]
        altered = prefix + "." + base64.urlsafe_b64encode(flipped).rstrip(b"=").decode("ascii")
        with pytest.raises(DecryptionError, match="does not decrypt"):
            decrypt(altered, keyring=ring, context=ID_CONTEXT)


@pytest.mark.parametrize(
    "token",
    ["", "v1", "v1.k1", "v1.k1.", "v1.k1.AAAA", "v1..AAAA", "v1.k1.abc.def", "v1.k1.ab+/", "v1.k1.QUJD\n"],
)
def test_malformed_tokens_raise_decryption_error(token):
    with pytest.raises(DecryptionError) as caught:
        decrypt(token, keyring=keyring("k1"), context=ID_CONTEXT)
    assert caught.value.reason == "malformed"


def test_other_key_material_under_the_same_id_does_not_decrypt():
    token = encrypt(ID_NUMBER, keyring=keyring("k1"), context=ID_CONTEXT)
    impostor = Keyring(current_id="k1", keys={"k1": K2})

    with pytest.raises(DecryptionError, match="does not decrypt"):
        decrypt(token, keyring=impostor, context=ID_CONTEXT)


def test_contexts_must_be_dotted_names():
    with pytest.raises(ValueError, match="context"):
        encrypt(ID_NUMBER, keyring=keyring("k1"), context="People Person")


@settings(max_examples=200, deadline=None)
@given(st.text())
@example("张伟")
@example("内蒙古自治区包头市昆都仑区 阿拉坦其其格 ᠮᠣᠩᠭᠣᠯ 😀")
@example("")
def test_decrypt_inverts_encrypt_for_any_text(value):
    ring = keyring("k2", "k1")

    token = encrypt(value, keyring=ring, context=ID_CONTEXT)

    assert decrypt(token, keyring=ring, context=ID_CONTEXT) == value


# --- rotation -------------------------------------------------------------------------------


def test_rotation_moves_old_tokens_to_the_current_key():
    old_token = encrypt(ID_NUMBER, keyring=keyring("k1"), context=ID_CONTEXT)
    both = keyring("k2", "k1")

    assert decrypt(old_token, keyring=both, context=ID_CONTEXT) == ID_NUMBER
    assert needs_rotation(old_token, both)

    new_token = rotate(old_token, keyring=both, context=ID_CONTEXT)

    assert new_token.startswith("v1.k2.")
    assert not needs_rotation(new_token, both)
    assert rotate(new_token, keyring=both, context=ID_CONTEXT) == new_token
    assert decrypt(new_token, keyring=keyring("k2"), context=ID_CONTEXT) == ID_NUMBER


def test_once_the_old_key_is_removed_old_tokens_cannot_be_read():
    old_token = encrypt(ID_NUMBER, keyring=keyring("k1"), context=ID_CONTEXT)
    only_new = keyring("k2")

    assert needs_rotation(old_token, only_new)
    with pytest.raises(DecryptionError) as caught:
        decrypt(old_token, keyring=only_new, context=ID_CONTEXT)
    assert caught.value.reason == "unknown_key"
    with pytest.raises(DecryptionError):
        rotate(old_token, keyring=only_new, context=ID_CONTEXT)


def test_rotation_keeps_the_context_binding():
    old_token = encrypt(ID_NUMBER, keyring=keyring("k1"), context=ID_CONTEXT)

    with pytest.raises(DecryptionError):
        rotate(old_token, keyring=keyring("k2", "k1"), context=PHONE_CONTEXT)


# --- blind index ----------------------------------------------------------------------------


def test_blind_index_is_deterministic_per_key_and_context():
    digest = blind_index(ID_NUMBER, key=INDEX_KEY, context=ID_CONTEXT)

    assert re.fullmatch(rf"[0-9a-f]{{{BLIND_INDEX_HEX_CHARS}}}", digest)
    assert blind_index(ID_NUMBER, key=INDEX_KEY, context=ID_CONTEXT) == digest
    assert blind_index(ID_NUMBER, key=K1, context=ID_CONTEXT) != digest
    assert blind_index(ID_NUMBER, key=INDEX_KEY, context=PHONE_CONTEXT) != digest
    assert blind_index("150502198001011234", key=INDEX_KEY, context=ID_CONTEXT) != digest


@settings(max_examples=200, deadline=None)
@given(
    key=st.binary(min_size=32, max_size=32),
    value=st.text(min_size=1),
    context=st.sampled_from([ID_CONTEXT, PHONE_CONTEXT, "people.organization.contact_phone"]),
)
def test_blind_index_is_hmac_sha256_of_context_nul_value(key, value, context):
    # blind_index reuses precomputed HMAC states: stored indexes must stay exactly this.
    message = context.encode("ascii") + b"\x00" + value.encode("utf-8")
    expected = hmac.new(key, message, hashlib.sha256).hexdigest()[:BLIND_INDEX_HEX_CHARS]

    assert blind_index(value, key=key, context=context) == expected


def test_blind_index_rejects_a_malformed_context():
    with pytest.raises(ValueError, match="context"):
        blind_index(ID_NUMBER, key=INDEX_KEY, context="People Person")


def test_blind_index_does_not_normalise():
    # Normalising is the caller's: a lower-case "x" is another value.
    assert blind_index(ID_NUMBER.lower(), key=INDEX_KEY, context=ID_CONTEXT) != blind_index(
        ID_NUMBER, key=INDEX_KEY, context=ID_CONTEXT
    )


def test_blind_index_rejects_empty_values_and_short_keys():
    with pytest.raises(ValueError, match="empty"):
        blind_index("", key=INDEX_KEY, context=ID_CONTEXT)
    with pytest.raises(ValueError, match="32 bytes"):
        blind_index(ID_NUMBER, key=INDEX_KEY[:16], context=ID_CONTEXT)


# --- configuration --------------------------------------------------------------------------


def test_load_keyring_takes_the_first_entry_as_current():
    ring = load_keyring(f" k2:{b64(K2)},\nk1:{base64.urlsafe_b64encode(K1).decode()} ")

    assert ring.current_id == "k2"
    assert ring.key_ids == ("k2", "k1")
    assert ring.keys["k1"] == K1
    assert b64(K1) not in repr(ring)


def test_new_key_entry_loads():
    ring = load_keyring(new_key_entry("k7") + "," + new_key_entry("k6"))

    assert ring.key_ids == ("k7", "k6")
    assert len(load_index_key(new_key_entry(""))) == 32


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is empty"),
        (" , ", "is empty"),
        (b64(K1), "entry 1 must look like"),
        (f"k1:{b64(K1)},k.2:{b64(K2)}", "entry 2 has a bad key id"),
        (f"k1:{b64(K1)[:-2]}!!", "not valid base64"),
        (f"k1:{b64(K1[:16])}", "must decode to 32 bytes"),
        (f"k1:{b64(K1)},k1:{b64(K2)}", "appears twice"),
        (f"k1:{b64(K1)},k2:{b64(K1)}", "repeats the material"),
    ],
)
def test_bad_keyrings_fail_naming_the_variable(text, reason):
    with pytest.raises(ImproperlyConfigured) as caught:
        load_keyring(text, variable="GRIDGOV_FIELD_KEYS_FILE")
    message = str(caught.value)
    assert message.startswith("GRIDGOV_FIELD_KEYS_FILE")
    assert reason in message
    assert b64(K1) not in message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is empty"),
        ("not base64!", "not valid base64"),
        (b64(INDEX_KEY[:31]), "32 bytes"),
        (b64(K1), "differ"),
    ],
)
def test_bad_index_keys_fail_naming_the_variable(text, reason):
    with pytest.raises(ImproperlyConfigured) as caught:
        load_index_key(text, field_keyring=keyring("k2", "k1"))
    assert str(caught.value).startswith("GRIDGOV_INDEX_KEY")
    assert reason in str(caught.value)


def test_keyring_rejects_a_missing_current_key():
    with pytest.raises(ValueError, match="not in the keyring"):
        Keyring(current_id="k3", keys={"k1": K1})


def test_configured_keys_come_from_settings(settings):
    settings.PEOPLE_FIELD_KEYRING = keyring("k2", "k1")
    settings.PEOPLE_INDEX_KEY = INDEX_KEY

    assert configured_keyring().current_id == "k2"
    assert configured_index_key() == INDEX_KEY

    settings.PEOPLE_FIELD_KEYRING = None
    settings.PEOPLE_INDEX_KEY = b"short"
    with pytest.raises(ImproperlyConfigured, match="PEOPLE_FIELD_KEYRING"):
        configured_keyring()
    with pytest.raises(ImproperlyConfigured, match="PEOPLE_INDEX_KEY"):
        configured_index_key()
