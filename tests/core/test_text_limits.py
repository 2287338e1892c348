"""Every text has a documented maximum; an over-large body answers JSON naming the limit
(issue 6, hardening).

Attack tried first: a 2,000,000-character description was stored as it came.
"""

import json
import re
from pathlib import Path

import yaml
from django.apps import apps
from django.db import models
from django.urls import reverse

from shouhou.tickets.models import Ticket

ROOT = Path(__file__).resolve().parents[2]
HUGE = "长" * 2_000_000


def text_fields():
    for model in apps.get_models():
        if model.__module__.startswith("shouhou.") and not model.__name__.startswith("Historical"):
            for field in model._meta.get_fields():
                if isinstance(field, models.TextField):
                    yield model, field


def test_every_text_field_has_a_maximum_documented_in_docs_limits():
    doc = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    missing = []
    for model, field in text_fields():
        row = re.search(rf"`{model._meta.label}\.{field.name}` \|[^|]*\| ([\d ]+) \|", doc)
        if not field.max_length or row is None or int(row.group(1).replace(" ", "")) != field.max_length:
            missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


def test_every_request_string_in_the_api_schema_has_a_max_length():
    schema = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
    unbounded = [
        f"{name}.{prop_name}"
        for name, component in schema["components"]["schemas"].items() if name.endswith("Request")
        for prop_name, prop in (component.get("properties") or {}).items()
        if prop.get("type") == "string" and "enum" not in prop and "format" not in prop and "maxLength" not in prop
    ]
    assert unbounded == []


def test_api_refuses_a_two_million_character_description_naming_the_field(api_as):
    response = api_as("desk").post("/api/v1/tickets/", {"title": "门坏了", "description": HUGE}, format="json")
    assert response.status_code == 400 and "description" in response.json()
    assert not Ticket.objects.exists()


def test_the_report_form_refuses_it_too(client, world):
    client.force_login(world.desk)
    response = client.post(reverse("tickets:create"), {"title": "门坏了", "description": "a" * 2_000_000, "severity": 3})
    assert response.status_code == 400 and not Ticket.objects.exists()  # the form again, with its error
    assert "10000" in response.content.decode() and "<h1>报修</h1>" in response.content.decode()


def test_a_body_over_the_upload_limit_is_a_json_400_naming_the_limit(api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000
    body = json.dumps({"title": "x", "description": "a" * 60_000})
    response = api_as("desk").generic("POST", "/api/v1/tickets/", body, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "request_too_large" and response.json()["limit_bytes"] == 50_000
    multipart = api_as("desk").post("/api/v1/tickets/", {"title": "x", "description": "a" * 60_000},
                                    format="multipart")
    assert multipart.status_code == 400 and multipart.json()["code"] == "request_too_large"
