"""Finding persons: by name, pinyin or its initials, exact ID number or phone (through the keyed
hash), address, or special-group tag; always inside the searcher's jurisdiction.

Name and pinyin match by prefix so that every condition can use an index (a contains-match over
a million rows cannot); an address matches anywhere in the building address, because buildings
are few.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from gridgov.access.scope import scoped
from gridgov.people import pii
from gridgov.people.identity_numbers import IdentifierError, check_id_number, to_halfwidth
from gridgov.people.models import Building, Person, PersonTag
from gridgov.people.names import search_key
from gridgov.people.phones import check_mobile
from gridgov.people.visibility import visible_tags_q

_ID_LIKE = re.compile(r"\d{15}|\d{17}[\dXx]", re.ASCII)
_PHONE_LIKE = re.compile(r"(\+?86)?1\d{10}", re.ASCII)
_LATIN = re.compile(r"[A-Za-z]+")
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class PersonQuery:
    text: str = ""
    address: str = ""
    tag: str = ""  # a tag code
    status: str = ""  # "" = any status
    grid_path: str = ""  # narrow to one unit (still inside the jurisdiction)


def _text_condition(text: str) -> Q:
    compact = re.sub(r"[\s-]", "", to_halfwidth(text))
    if _ID_LIKE.fullmatch(compact):
        try:
            number = check_id_number(compact).number
        except IdentifierError:
            return Q(pk__in=[])
        return Q(id_number_index=pii.index_of(number, pii.ID_NUMBER))
    if _PHONE_LIKE.fullmatch(compact):
        try:
            phone = check_mobile(compact)
        except IdentifierError:
            return Q(pk__in=[])
        return Q(phone_index=pii.index_of(phone, pii.PHONE))
    if _LATIN.fullmatch(compact):
        key = search_key(compact)
        return Q(name_initials__startswith=key) | Q(name_pinyin__startswith=key)
    return Q(name__startswith=text.strip())


def persons_matching(user, query: PersonQuery) -> QuerySet[Person]:
    """Persons `user` may see that match every part of `query`, ordered by name."""
    persons = scoped(user, Person.objects.all(), "people.view")
    if query.grid_path:
        persons = persons.filter(Q(org_path=query.grid_path) | Q(org_path__startswith=query.grid_path + "."))
    if query.text.strip():
        persons = persons.filter(_text_condition(query.text))
    if query.address.strip():
        buildings = scoped(user, Building.objects.all(), "people.view").filter(
            address__icontains=query.address.strip()
        )
        persons = persons.filter(
            Q(house__building__in=buildings) | Q(registered_address__icontains=query.address.strip())
        )
    if query.tag:
        tagged = PersonTag.objects.filter(visible_tags_q(user), person=OuterRef("pk"), tag__code=query.tag)
        persons = persons.filter(Exists(tagged))
    if query.status:
        persons = persons.filter(status=query.status)
    return persons.order_by("name", "id")


def search_persons(user, query: PersonQuery, *, limit: int = DEFAULT_LIMIT) -> list[Person]:
    return list(persons_matching(user, query).select_related("grid", "house__building", "household")[:limit])
