"""The baseline: parse the JSON body and insert one row as wide as a case into a plain table.

No authentication, no validation, no grid lookup, no deadlines, no timeline or audit rows, no
indexes but the primary key: the least any Django endpoint storing a report must do.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from django.db import connection, models
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gridgov.cases.models import Case

TABLE = "bench_baseline_case"
# Filled from the request; every other column of the case gets a value of its type.
FROM_BODY = ("description", "address", "lon", "lat", "urgency", "source")
COLUMNS = [f for f in Case._meta.concrete_fields if not f.primary_key]


def create_table() -> None:
    """The plain table: the columns (and so the width) of cases_case, its primary key, nothing else."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {Case._meta.db_table} INCLUDING DEFAULTS INCLUDING IDENTITY, "
            "PRIMARY KEY (id))"
        )


def _filler(field: models.Field, now):
    if isinstance(field, models.DateTimeField):
        return now
    if isinstance(field, models.ForeignKey):
        return 1
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.IntegerField | models.FloatField):
        return 1
    return ""


# Built once from the model's columns: no outside input reaches the SQL text.
_INSERT = (
    f"INSERT INTO {TABLE} ({', '.join(connection.ops.quote_name(f.column) for f in COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(COLUMNS))}) RETURNING id"
)


@csrf_exempt
@require_POST
def baseline_report(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    now = timezone.now()
    values = {
        "number": uuid.uuid4().hex[:21],  # as long as 150502-20261124-00123
        "org_path": "150502.001.001.001.001",
        "state": "reported",
        "stage": "register",
        "alert": "none",
        "idempotency_key": request.headers.get("Idempotency-Key") or None,
        "request_fingerprint": hashlib.sha256(request.body).hexdigest(),
        **{name: body.get(name, "") for name in FROM_BODY},
    }
    row = [values[f.name] if f.name in values else _filler(f, now) for f in COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, row)
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)
