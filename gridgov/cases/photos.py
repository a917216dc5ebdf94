"""Case photos: checked (type, size, pixels), GPS tags removed from residents' photos, thumbnails made."""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gridgov.cases.errors import InvalidInput
from gridgov.cases.models import Case, CasePhoto, TimelineEntry

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000
THUMBNAIL_SIZE = (320, 320)
FIELD = "photos"


def check_photos(files: list) -> None:
    """Raise InvalidInput (field "photos") for too many, too large or non-image files."""
    if len(files) > settings.CASE_PHOTOS_PER_ACTION:
        raise InvalidInput(
            _("At most %(count)d photos at a time.") % {"count": settings.CASE_PHOTOS_PER_ACTION}, field=FIELD
        )
    for upload in files:
        name = getattr(upload, "name", "") or _("(unnamed)")
        if upload.size > settings.CASE_PHOTO_MAX_BYTES:
            raise InvalidInput(
                _("%(name)s is larger than %(mb)d MB.")
                % {"name": name, "mb": settings.CASE_PHOTO_MAX_BYTES // (1024 * 1024)},
                field=FIELD,
            )
        _open(upload, name)


def _open(upload, name: str) -> Image.Image:
    upload.seek(0)
    try:
        image = Image.open(upload)
        if image.format not in ALLOWED_FORMATS:
            raise InvalidInput(_("%(name)s is not a JPEG, PNG or WebP image.") % {"name": name}, field=FIELD)
        if image.width * image.height > MAX_PIXELS:
            raise InvalidInput(_("%(name)s has too many pixels.") % {"name": name}, field=FIELD)
        image.verify()  # detects truncated or corrupt files; the image must be reopened after it
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise InvalidInput(_("%(name)s is not a readable image.") % {"name": name}, field=FIELD) from None
    upload.seek(0)
    return Image.open(upload)


def save_photos(
    case: Case, files: list, *, kind: str, actor, entry: TimelineEntry | None, strip_location: bool
) -> list[CasePhoto]:
    """Store checked uploads for `case`. With `strip_location` all EXIF metadata (GPS included) is dropped."""
    saved = []
    for upload in files:
        image = _open(upload, getattr(upload, "name", ""))
        image_format = str(image.format)  # one of ALLOWED_FORMATS: _open checked it
        extension = ALLOWED_FORMATS[image_format]
        stem = uuid.uuid4().hex
        photo = CasePhoto(
            case=case,
            timeline_entry=entry,
            kind=kind,
            uploaded_by=actor,
            width=image.width,
            height=image.height,
        )
        if strip_location:
            # Re-encode from pixels only: the new file carries no EXIF block at all.
            upright = ImageOps.exif_transpose(image)
            clean = Image.new(upright.mode, upright.size)
            clean.paste(upright)
            photo.image.save(f"{stem}.{extension}", ContentFile(_encode(clean, image_format)), save=False)
        else:
            upload.seek(0)
            photo.image.save(f"{stem}.{extension}", ContentFile(upload.read()), save=False)
        thumbnail = ImageOps.exif_transpose(image).convert("RGB")
        thumbnail.thumbnail(THUMBNAIL_SIZE)
        photo.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(_encode(thumbnail, "JPEG")), save=False)
        photo.save()
        saved.append(photo)
    return saved


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.save(buffer, format=image_format, quality=85)
    return buffer.getvalue()
