"""Registry writes in bulk, for imports and demo data: the column rules of people.services
(pinyin keys, sealed identifiers, places, residence history, tag copies) applied to many
records with a fixed number of queries.

Callers own the transaction and the audit entry; these helpers only keep the columns and the
history consistent, exactly as the one-record services would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import F, Model, OuterRef, Subquery

from gridgov.people import pii
from gridgov.people.identity_numbers import IdNumber
from gridgov.people.models import (
    Household,
    Organization,
    Person,
    PersonStatus,
    PersonTag,
    Relation,
    Residence,
    StatusChange,
    Tag,
)
from gridgov.people.names import pinyin_keys

# Names repeat a lot in a district (and in an import file): converting each once pays.
_pinyin = lru_cache(maxsize=100_000)(pinyin_keys)


def name_columns(name: str) -> dict[str, str]:
    """The name, stripped, with its pinyin search keys."""
    name = name.strip()
    pinyin, initials = _pinyin(name)
    return {"name": name, "name_pinyin": pinyin, "name_initials": initials}


def id_number_columns(number: IdNumber, *, index: str = "") -> dict[str, Any]:
    """A checked ID number sealed, with the sex and birth date it states; a new number is not
    checked against the certificate yet. `index` saves recomputing the keyed hash."""
    sealed = pii.seal(number.number, pii.ID_NUMBER, index=index)
    return {
        "id_number_token": sealed.token,
        "id_number_index": sealed.index,
        "id_number_masked": sealed.masked,
        "sex": number.sex,
        "birth_date": number.birth_date,
        "id_verified": False,
    }


def phone_columns(phone: str, *, index: str = "") -> dict[str, str]:
    """A checked mobile number sealed ('' clears it). `index` saves recomputing the keyed hash."""
    sealed = pii.seal(phone, pii.PHONE, index=index)
    return {"phone_token": sealed.token, "phone_index": sealed.index, "phone_masked": sealed.masked}


def _assign(instance: Any, columns: dict[str, Any]) -> None:
    for name, value in columns.items():
        setattr(instance, name, value)


def set_name(person: Person, name: str) -> None:
    """The name, stripped, with its pinyin search keys."""
    _assign(person, name_columns(name))


def set_id_number(person: Person, number: IdNumber, *, index: str | None = None) -> None:
    """Seal a checked ID number into the person; sex and birth date follow from it, and the
    number is no longer marked as checked against the certificate. `index` saves recomputing
    the keyed hash when the caller already has it."""
    _assign(person, id_number_columns(number, index=index or ""))


def set_phone(person: Person, phone: str, *, index: str = "") -> None:
    """Seal a checked mobile number ('' clears it); `index`, when the caller has it already."""
    _assign(person, phone_columns(phone, index=index))


def _residence(person: Person, now: datetime) -> Residence:
    return Residence(
        person_id=person.pk,
        house_id=person.house_id,
        household_id=person.household_id,
        grid_id=person.grid_id,
        org_path=person.org_path,
        started_at=now,
    )


def open_residences(persons: Sequence[Person], now: datetime) -> None:
    """The first residence of newly created persons (active ones only, as services do)."""
    Residence.objects.bulk_create(
        [_residence(person, now) for person in persons if person.status == PersonStatus.ACTIVE]
    )


def move_residences(persons: Sequence[Person], now: datetime) -> None:
    """Persons whose house, household or grid changed: close their open residence, open the
    current one, and move their tags' copy of the path."""
    if not persons:
        return
    ids = [person.pk for person in persons]
    Residence.objects.filter(person_id__in=ids, ended_at__isnull=True).update(ended_at=now)
    open_residences(persons, now)
    person_path = Person.objects.filter(pk=OuterRef("person_id")).values("org_path")[:1]
    PersonTag.objects.filter(person_id__in=ids).update(org_path=Subquery(person_path))


def add_tags(pairs: Iterable[tuple[Person, Tag]]) -> None:
    """Tag persons; a tag the person already has is left as it is."""
    add_tags_by_id((person.pk, person.org_path, tag) for person, tag in pairs)


def add_tags_by_id(items: Iterable[tuple[int, str, Tag]]) -> None:
    """Tag persons given as (id, org path); a tag the person already has is left as it is."""
    PersonTag.objects.bulk_create(
        [
            PersonTag(person_id=person_id, tag_id=tag.pk, sensitivity=tag.sensitivity, org_path=org_path)
            for person_id, org_path, tag in items
        ],
        ignore_conflicts=True,
    )


def set_contact_phone(organization: Organization, phone: str) -> None:
    """Seal a checked mobile number as an organization's contact phone ('' clears it)."""
    sealed = pii.seal(phone, pii.CONTACT_PHONE)
    organization.contact_phone_token = sealed.token
    organization.contact_phone_index = sealed.index
    organization.contact_phone_masked = sealed.masked


def set_household_heads(households: Sequence[Household]) -> None:
    """Point each headless household at its member whose relation is "head"."""
    head = Person.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD).order_by("pk")
    Household.objects.filter(pk__in=[h.pk for h in households], head__isnull=True).update(
        head=Subquery(head.values("pk")[:1])
    )


def change_statuses(changes: Sequence[tuple[Person, str, date, str]], now: datetime) -> None:
    """What services.change_status does for persons who leave: (person, moved_out or deceased,
    effective on, reason). Records the changes, sets the statuses, closes the open residences."""
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                person_id=person.pk,
                old_status=person.status,
                new_status=status,
                effective_on=effective_on,
                reason=reason.strip()[:200],
            )
            for person, status, effective_on, reason in changes
        ]
    )
    for status in {status for _person, status, _on, _reason in changes}:
        ids = [person.pk for person, new, _on, _reason in changes if new == status]
        Person.objects.filter(pk__in=ids).update(status=status, version=F("version") + 1, updated_at=now)
        Residence.objects.filter(person_id__in=ids, ended_at__isnull=True).update(ended_at=now)
    for person, status, _on, _reason in changes:
        person.status, person.version = status, person.version + 1


def new_person_columns(
    *, name: str, number: IdNumber, index: str = "", phone: str = "", now: datetime, **columns: Any
) -> dict[str, Any]:
    """Every column services.save_person stores for a new active person, for insert_rows():
    `columns` gives the others (grid_id, org_path, house_id, household_id, ethnicity …)."""
    return {
        **name_columns(name),
        **id_number_columns(number, index=index),
        **(phone_columns(phone) if phone else {}),
        "status": PersonStatus.ACTIVE,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        **columns,
    }


def residence_columns(person_id: int, person: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The open residence of a person inserted from `person` (columns as new_person_columns)."""
    return {
        "person_id": person_id,
        "house_id": person.get("house_id"),
        "household_id": person.get("household_id"),
        "grid_id": person["grid_id"],
        "org_path": person["org_path"],
        "started_at": now,
    }


def insert_rows(model: type[Model], rows: Iterable[dict[str, Any]], *, count: int | None = None) -> list[int]:
    """Insert `rows` (attname -> value; a column left out takes its field's default) and return
    their primary keys in order.

    On PostgreSQL one COPY, with the keys drawn from the table's sequence first: several times
    faster than an INSERT of many rows, and it is what makes a large import keep pace with the
    database. `rows` may then be a generator if `count` says how many it yields: each row is
    built while the database is still storing the ones before it (the two run on two cores).
    Elsewhere bulk_create (model instances; auto_now fields are filled by it).
    """
    if connection.vendor != "postgresql":
        instances = [model(**row) for row in rows]
        model._default_manager.bulk_create(instances)
        return [instance.pk for instance in instances]
    if count is None:
        rows = list(rows)
        count = len(rows)
    if not count:
        return []
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    defaults = {field.attname: field.get_default() for field in fields}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(quote(name) for name in [meta.pk.column, *(field.column for field in fields)])
        attnames = [field.attname for field in fields]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *(row.get(name, defaults[name]) for name in attnames)])
    return ids
