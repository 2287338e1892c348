"""Fixtures of the tickets tests: reported faults in both customers' worlds, media in tmp."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhou.tickets.services import open_ticket, perform_action


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ticket(world):
    """Given a fault reported by the desk on customer A's fire door (asset_a, contract A)."""
    return open_ticket(world.desk, title="防火门闭门器失灵", description="三楼防火门无法自动关闭",
                       serial=world.asset_a.serial_no, severity=2, reporter_name="业主陈")


@pytest.fixture
def ticket_b(world):
    """Given a fault on customer B's door (dealer B's customer)."""
    return open_ticket(world.desk, title="门诊楼防火门异响", serial=world.asset_b.serial_no)


def assign(world, ticket, engineer="engineer", dealer=None):
    """The dispatcher assigns `ticket` to an engineer (and optionally a dealer) through the service."""
    payload = {"assignee": world.users[engineer].pk} if engineer else {}
    if dealer is not None:
        payload["dealer"] = dealer.pk
    return perform_action(world.dispatcher, ticket, "assign", **payload)


def upload(name="photo.jpg", content=b"\xff\xd8\xff\xe0jpegdata", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)
