"""Idempotency-Key: a replay needs the same body, and keys expire (issue 6, hardening)."""

import datetime as dt

from django.utils import timezone

from shouhou.core import idempotency
from shouhou.core.models import IdempotencyKey
from shouhou.core.worker import default_jobs
from shouhou.tickets.models import Ticket

URL = "/api/v1/tickets/"


def test_same_key_with_a_different_body_answers_422_and_creates_nothing(api_as):
    """Given a ticket created under key K, when another report is posted under K, then 422 names the
    header and the second report is not silently dropped behind the first ticket."""
    client = api_as("desk")
    first = client.post(URL, {"title": "闭门器漏油", "serial": "FD-A-0001"}, HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(URL, {"title": "另一扇门打不开", "serial": "FD-A-0001"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    assert second.status_code == 422
    assert second.data["code"] == "idempotency_key_reused" and second.data["field"] == "Idempotency-Key"
    assert Ticket.objects.count() == 1


def test_same_key_same_body_in_another_key_order_still_replays(api_as):
    client = api_as("desk")
    first = client.post(URL, {"title": "门坏了", "severity": 1}, HTTP_IDEMPOTENCY_KEY="k-2")
    again = client.post(URL, {"severity": 1, "title": "门坏了"}, HTTP_IDEMPOTENCY_KEY="k-2")
    assert (first.status_code, again.status_code) == (201, 200) and first.data["id"] == again.data["id"]


def test_an_expired_key_creates_a_new_ticket(api_as, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    client = api_as("desk")
    first = client.post(URL, {"title": "门坏了"}, HTTP_IDEMPOTENCY_KEY="k-3")
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    later = client.post(URL, {"title": "门坏了"}, HTTP_IDEMPOTENCY_KEY="k-3")
    assert later.status_code == 201 and later.data["id"] != first.data["id"]


def test_periodic_job_purges_only_expired_keys(api_as, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    client = api_as("desk")
    client.post(URL, {"title": "旧的"}, HTTP_IDEMPOTENCY_KEY="old")
    client.post(URL, {"title": "新的"}, HTTP_IDEMPOTENCY_KEY="new")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - dt.timedelta(hours=30))
    job = {j.name: j for j in default_jobs()}["purge_idempotency_keys"]
    assert job.resolve() is idempotency.purge_expired
    assert job.resolve()() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
