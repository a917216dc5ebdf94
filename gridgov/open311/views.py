"""GeoReport v2 endpoints: parse → check jurisdiction, key and rate → service → render.

Every answer comes in the format of the URL's extension; every error in the spec's body.
Texts follow ?locale=, else the request's language (zh-hans by default).
"""

from __future__ import annotations

import functools
import mimetypes

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.cases.models import CasePhoto
from gridgov.cases.public import public_cases
from gridgov.open311 import catalog, formats, ratelimit, reading
from gridgov.open311.errors import Open311Error
from gridgov.open311.jurisdiction import check_jurisdiction
from gridgov.open311.keys import active_key
from gridgov.open311.models import SubmittedRequest
from gridgov.open311.submission import RequestForm, submit_request

CHANGESET = "2026-11-25T00:00:00+08:00"  # when the endpoints below last changed
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def _language(request: HttpRequest) -> str:
    locale = (request.GET.get("locale") or "").strip().lower()
    if locale.startswith("en"):
        return "en"
    if locale.startswith("zh"):
        return "zh-hans"
    return getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def endpoint(view):
    """Run `view(request, fmt, language, district, **kwargs)` in the client's language, with the
    jurisdiction checked, reads rate-limited per address, and Open311Error answered in the spec's body."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
        language = _language(request)
        with translation.override(language):
            try:
                if request.method == "GET" and not ratelimit.allow(
                    f"ip:{_client_address(request)}", settings.OPEN311_READS_PER_MINUTE
                ):
                    raise Open311Error(429, _("Too many requests: try again in a minute."))
                params = request.POST if request.method == "POST" else request.GET
                district = check_jurisdiction(params.get("jurisdiction_id"))
                return view(request, fmt, language, district, **kwargs)
            except Open311Error as error:
                return formats.error_response(fmt, error.status, error.description)

    return wrapper


@require_GET
@endpoint
def discovery(request, fmt, language, district):
    base = request.build_absolute_uri(reverse("open311:discovery", args=["json"])).rsplit("/", 1)[0] + "/"
    return formats.respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": settings.OPEN311_CONTACT,
            "key_service": _("API keys are issued by the district's administrators (%(district)s).")
            % {"district": district.name_for(language)},
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )


@require_GET
@endpoint
def services(request, fmt, language, district):
    entries = [catalog.service_entry(category, language) for category in catalog.public_services()]
    return formats.respond(fmt, "services", entries)


@require_GET
@endpoint
def service_definition(request, fmt, language, district, service_code: str):
    category = catalog.service_for(service_code)
    return formats.respond(fmt, "service_definition", catalog.service_definition(category))


def _attributes(params) -> dict[str, str]:
    return {
        name[len("attribute[") : -1]: params.get(name, "")
        for name in params
        if name.startswith("attribute[") and name.endswith("]")
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
@endpoint
def requests(request, fmt, language, district):
    if request.method == "POST":
        return _create(request, fmt, district)
    params = request.GET
    query = reading.RequestQuery(
        **{name: params.get(name, "") for name in reading.RequestQuery.__annotations__}
    )
    cases = reading.find_requests(query)
    entries = [
        reading.request_entry(case, language=language, build_uri=request.build_absolute_uri) for case in cases
    ]
    return formats.respond(fmt, "service_requests", entries)


def _create(request, fmt, district):
    params = request.POST
    api_key = active_key(params.get("api_key"))
    if api_key is None:
        raise Open311Error(403, _("Invalid or missing api_key."))
    if not ratelimit.allow(f"key:{api_key.pk}", api_key.requests_per_minute):
        raise Open311Error(429, _("Too many requests for this api_key: try again in a minute."))
    form = RequestForm(
        **{name: params.get(name, "") for name in RequestForm.__annotations__ if name != "attributes"},
        attributes=_attributes(params),
    )
    submitted = submit_request(form, api_key=api_key, district=district, request=request)
    entry = {
        "service_request_id": submitted.case.number,
        "token": submitted.token,
        "service_notice": _("Thank you. The report will be registered and sent to those responsible."),
        "account_id": submitted.account_id or None,
    }
    return formats.respond(fmt, "service_requests", [entry], status=201)


@require_GET
@endpoint
def request_detail(request, fmt, language, district, service_request_id: str):
    case = reading.find_request(service_request_id)
    entry = reading.request_entry(case, language=language, build_uri=request.build_absolute_uri)
    return formats.respond(fmt, "service_requests", [entry])


@require_GET
@endpoint
def token(request, fmt, language, district, token: str):
    submitted = SubmittedRequest.objects.select_related("case").filter(token=token).first()
    if submitted is None:
        raise Open311Error(404, _("Unknown token."))
    # A request whose case is not public is known by its token, but its id leads nowhere.
    public = public_cases().filter(pk=submitted.case_id).exists()
    entry = {"service_request_id": submitted.case.number if public else None, "token": submitted.token}
    return formats.respond(fmt, "service_requests", [entry])


@require_GET
def photo(request, service_request_id: str, photo_id: int):
    """The thumbnail of a photo of a public case (the media_url of a request)."""
    case = get_object_or_404(public_cases(), number=service_request_id)
    image = get_object_or_404(CasePhoto, case=case, pk=photo_id).thumbnail
    try:
        handle = image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=mimetypes.guess_type(image.name)[0] or "image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
