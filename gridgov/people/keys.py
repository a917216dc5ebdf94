"""Moving stored tokens to the current field key (step 2 of a key rotation, docs/privacy.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models, transaction

from gridgov.people import crypto, pii
from gridgov.people.models import Organization, Person
from gridgov.residents.models import RESIDENT_PHONE, ResidentProfile

# model -> (token column, encryption context) pairs
TOKEN_COLUMNS: dict[type[models.Model], tuple[tuple[str, str], ...]] = {
    Person: (("id_number_token", pii.ID_NUMBER), ("phone_token", pii.PHONE)),
    Organization: (("contact_phone_token", pii.CONTACT_PHONE),),
    ResidentProfile: (("phone_token", RESIDENT_PHONE),),
}


@dataclass
class RotationReport:
    rotated: int = 0
    # key id -> tokens still under it (after the run; only non-current keys are listed)
    remaining: dict[str, int] = field(default_factory=dict)


def _pending(model: type[models.Model], keyring: crypto.Keyring) -> models.Q:
    current = f"{crypto.TOKEN_VERSION}.{keyring.current_id}."
    condition = models.Q(pk__in=[])
    for column, _context in TOKEN_COLUMNS[model]:
        condition |= ~models.Q(**{column: ""}) & ~models.Q(**{f"{column}__startswith": current})
    return condition


def rotate_tokens(*, batch: int = 1000, dry_run: bool = False) -> RotationReport:
    """Re-encrypt every token not under the current key, one transaction per batch of rows.

    With `dry_run`, only counts. Raises crypto.DecryptionError if a token's key is no longer
    configured (the run stops there; earlier batches stay done).
    """
    keyring = crypto.configured_keyring()
    report = RotationReport()
    for model, columns in TOKEN_COLUMNS.items():
        names = [column for column, _context in columns]
        if not dry_run:
            last_pk = 0
            while True:
                with transaction.atomic():
                    rows = list(
                        model._default_manager.select_for_update()
                        .filter(_pending(model, keyring), pk__gt=last_pk)
                        .order_by("pk")
                        .only("pk", *names)[:batch]
                    )
                    if not rows:
                        break
                    for row in rows:
                        for column, context in columns:
                            token = getattr(row, column)
                            if token and crypto.needs_rotation(token, keyring):
                                setattr(row, column, crypto.rotate(token, keyring=keyring, context=context))
                                report.rotated += 1
                    model._default_manager.bulk_update(rows, names)
                    last_pk = rows[-1].pk
        for column, _context in columns:
            tokens = model._default_manager.exclude(**{column: ""}).exclude(
                **{f"{column}__startswith": f"{crypto.TOKEN_VERSION}.{keyring.current_id}."}
            )
            for token in tokens.values_list(column, flat=True).iterator():
                key_id = token.split(".")[1] if token.count(".") == 2 else "?"
                report.remaining[key_id] = report.remaining.get(key_id, 0) + 1
    return report
