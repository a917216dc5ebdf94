"""Finding persons: by name, pinyin or its initials, exact ID number or phone (through the keyed
hash), address, or special-group tag; always inside the searcher's jurisdiction.

Name and pinyin match by prefix so that every condition can use an index (a contains-match over
a million rows cannot), and the results come in the order of the index that found them, so that
the first page reads one page of index entries however many persons match (docs/registry.md,
"Search"); an address matches anywhere in the building address, because buildings
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
NAME_ORDER = ("name", "id")
PINYIN_ORDER = ("name_pinyin", "name", "id")
INITIALS_ORDER = ("name_initials", "name_pinyin", "id")


@dataclass(frozen=True)
class PersonQuery:
    text: str = ""
    address: str = ""
    tag: str = ""  # a tag code
    status: str = ""  # "" = any status
    grid_path: str = ""  # narrow to one unit (still inside the jurisdiction)


def _matching_text(persons: QuerySet[Person], text: str) -> QuerySet[Person]:
    """`persons` narrowed to `text`, in the order of the index that finds them."""
    compact = re.sub(r"[\s-]", "", to_halfwidth(text))
    if _ID_LIKE.fullmatch(compact):
        try:
            number = check_id_number(compact).number
        except IdentifierError:
            return persons.none()
        return persons.filter(id_number_index=pii.index_of(number, pii.ID_NUMBER)).order_by(*NAME_ORDER)
    if _PHONE_LIKE.fullmatch(compact):
        try:
            phone = check_mobile(compact)
        except IdentifierError:
            return persons.none()
        return persons.filter(phone_index=pii.index_of(phone, pii.PHONE)).order_by(*NAME_ORDER)
    if _LATIN.fullmatch(compact):
        return _matching_pinyin(persons, search_key(compact))
    return persons.filter(name__startswith=text.strip()).order_by(*NAME_ORDER)


def _matching_pinyin(persons: QuerySet[Person], key: str) -> QuerySet[Person]:
    """Latin letters match the start of the name's pinyin ("wangxiu") or of its initials ("wxy").

    Either reading alone is one range of one index, read in order. Both together (an OR over two
    indexes) would read and sort every match: 70,000 for "wang" in a district. So the search first
    asks, inside the scope, whether each reading matches at all (an index probe each); for nearly
    every query only one does. When both do, the matches are read in pinyin order within the
    range of the first letter, which both readings share.
    """
    pinyin, initials = Q(name_pinyin__startswith=key), Q(name_initials__startswith=key)
    if len(key) == 1:  # one letter starts the pinyin exactly when it starts the initials
        return persons.filter(pinyin).order_by(*PINYIN_ORDER)
    if not persons.filter(initials).exists():
        return persons.filter(pinyin).order_by(*PINYIN_ORDER)
    if not persons.filter(pinyin).exists():
        return persons.filter(initials).order_by(*INITIALS_ORDER)
    first_letter = Q(name_pinyin__startswith=key[0])
    return persons.filter(first_letter & (pinyin | initials)).order_by(*PINYIN_ORDER)


def is_identifier(text: str) -> bool:
    """True when `text` reads as an ID number or a mobile number: pages must not echo it back."""
    compact = re.sub(r"[\s-]", "", to_halfwidth(text or ""))
    return bool(_ID_LIKE.fullmatch(compact) or _PHONE_LIKE.fullmatch(compact))


def persons_matching(user, query: PersonQuery) -> QuerySet[Person]:
    """Persons `user` may see that match every part of `query`: ordered by name, or for a search
    in Latin letters by pinyin (by initials when only the initials match)."""
    persons = scoped(user, Person.objects.all(), "people.view")
    if query.grid_path:
        persons = persons.filter(Q(org_path=query.grid_path) | Q(org_path__startswith=query.grid_path + "."))
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
    if query.text.strip():  # last: the pinyin search probes the persons the other parts leave
        return _matching_text(persons, query.text)
    return persons.order_by(*NAME_ORDER)


def search_persons(user, query: PersonQuery, *, limit: int = DEFAULT_LIMIT) -> list[Person]:
    return list(persons_matching(user, query).select_related("grid", "house__building", "household")[:limit])
