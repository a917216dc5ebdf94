"""The `case.report` kind: a case reported from the field app, through cases.workflow.report_case.

Body: ``{"category": "0201", "description": "...", "lon": 122.05, "lat": 43.6, "crs": "wgs84",
"address": "", "urgency": "normal", "photos": ["data:image/jpeg;base64,...", ...]}``.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from gridgov.cases.errors import InvalidInput, WorkflowError
from gridgov.cases.models import Case
from gridgov.cases.workflow import NewCase, report_case
from gridgov.fieldapp.handlers import SubmissionRejected

_DATA_URL = re.compile(r"^data:image/(jpeg|png|webp);base64,(?P<data>[A-Za-z0-9+/=\s]+)$")
_TEXT_FIELDS = ("category", "description", "crs", "address", "urgency")


def handle_case_report(user, body: dict, *, made_at: datetime) -> Case:
    """Report the case; raises SubmissionRejected naming the field for bad input or a refusal."""
    for name in _TEXT_FIELDS:
        if name in body and not isinstance(body[name], str):
            raise SubmissionRejected({name: [_("Must be text.")]})
    data = NewCase(
        category=body.get("category", ""),
        description=body.get("description", ""),
        lon=body.get("lon"),  # type: ignore[arg-type]  # report_case checks and converts
        lat=body.get("lat"),  # type: ignore[arg-type]
        crs=body.get("crs") or "wgs84",
        address=body.get("address", ""),
        urgency=body.get("urgency") or "normal",
        photos=photo_files(body.get("photos", [])),
        at=made_at,
    )
    try:
        case, _created = report_case(data, actor=user)
    except InvalidInput as error:
        raise SubmissionRejected({error.field or "__all__": [str(error.message)]}) from None
    except WorkflowError as error:  # NotAllowed and the like: about the whole report
        raise SubmissionRejected({"__all__": [str(error.message)]}) from None
    return case


def photo_files(photos: object) -> list[SimpleUploadedFile]:
    """Data URLs (base64 JPEG, PNG or WebP) as uploads for the workflow's photo checks."""
    limit = settings.FIELD_PHOTOS_PER_REPORT
    max_bytes = settings.FIELD_PHOTO_MAX_MB * 1024 * 1024
    if not isinstance(photos, list):
        raise SubmissionRejected({"photos": [_("Photos must be a list of images.")]})
    if len(photos) > limit:
        raise SubmissionRejected({"photos": [_("At most %(count)d photos.") % {"count": limit}]})
    files = []
    for number, photo in enumerate(photos, start=1):
        match = _DATA_URL.match(photo) if isinstance(photo, str) else None
        if match is None:
            raise SubmissionRejected(
                {"photos": [_("Photo %(n)d is not a JPEG, PNG or WebP image.") % {"n": number}]}
            )
        # base64 is 4/3 of the bytes: refuse before decoding something far too large.
        if len(match["data"]) * 3 // 4 > max_bytes + 3:
            raise SubmissionRejected(
                {
                    "photos": [
                        _("Photo %(n)d is larger than %(mb)d MB.") % {"n": number, "mb": max_bytes // 2**20}
                    ]
                }
            )
        try:
            content = base64.b64decode(match["data"], validate=False)
        except (binascii.Error, ValueError):
            raise SubmissionRejected(
                {"photos": [_("Photo %(n)d is not readable.") % {"n": number}]}
            ) from None
        if len(content) > max_bytes:
            raise SubmissionRejected(
                {
                    "photos": [
                        _("Photo %(n)d is larger than %(mb)d MB.") % {"n": number, "mb": max_bytes // 2**20}
                    ]
                }
            )
        extension = {"jpeg": "jpg"}.get(match.group(1), match.group(1))
        files.append(SimpleUploadedFile(f"field-{number}.{extension}", content, f"image/{match.group(1)}"))
    return files
