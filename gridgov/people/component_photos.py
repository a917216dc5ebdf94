"""Photos of components: checked like case photos (type, size, pixels), stored without any EXIF
block (a phone's GPS tag would say where the worker stood, and the component has its own point),
with a thumbnail for the pages."""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps

from gridgov.audit.log import record
from gridgov.cases.errors import InvalidInput
from gridgov.cases.photos import ALLOWED_FORMATS, THUMBNAIL_SIZE, check_photos
from gridgov.people.models import Component, ComponentPhoto
from gridgov.people.services import RegistryError

FIELD = "photos"


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.save(buffer, format=image_format, quality=85)
    return buffer.getvalue()


@transaction.atomic
def add_component_photos(component: Component, files: list, *, actor, request=None) -> list[ComponentPhoto]:
    """Store the uploaded photos of `component`. Raises RegistryError (field "photos") for too
    many, too large or unreadable files; then nothing is stored."""
    try:
        check_photos(files)
    except InvalidInput as error:
        raise RegistryError(FIELD, str(error.message), "invalid_photo") from None
    saved = []
    for upload in files:
        upload.seek(0)
        original = Image.open(upload)
        image_format = str(original.format)  # one of ALLOWED_FORMATS: check_photos opened it
        # Re-encoded from the pixels only, turned upright first: the file keeps no metadata.
        upright = ImageOps.exif_transpose(original)
        clean = Image.new(upright.mode, upright.size)
        clean.paste(upright)
        stem = uuid.uuid4().hex
        photo = ComponentPhoto(component=component, uploaded_by=actor)
        photo.image.save(
            f"{stem}.{ALLOWED_FORMATS[image_format]}", ContentFile(_encode(clean, image_format)), save=False
        )
        thumbnail = clean.convert("RGB")
        thumbnail.thumbnail(THUMBNAIL_SIZE)
        photo.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(_encode(thumbnail, "JPEG")), save=False)
        photo.save()
        saved.append(photo)
    if saved:
        record(
            "people.component.photos",
            actor=actor,
            request=request,
            target=component,
            details={"fields": ["photos"], "added": len(saved)},
        )
    return saved
