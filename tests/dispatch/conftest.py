"""Fixtures of the dispatch tests: a reported fault on 华东大厦's door, signature PNGs, media in tmp."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image, ImageDraw

from shouhou.tickets.services import open_ticket


def png_bytes(blank: bool = False, size=(300, 120)) -> bytes:
    """A signature as the pad produces it: transparent background, dark strokes."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line([(10, 100), (80, 20), (150, 90), (280, 30)], fill=(0, 0, 0, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Media in tmp; plain HTTP and unhashed static files as in development (tests run with DEBUG off)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def ticket(world):
    """A fault reported by the desk on customer A's fire door (asset_a)."""
    return open_ticket(world.desk, title="防火门闭门器失灵", description="三楼防火门无法自动关闭",
                       serial=world.asset_a.serial_no, severity=2)


@pytest.fixture
def ticket_b(world):
    return open_ticket(world.desk, title="门诊楼防火门异响", serial=world.asset_b.serial_no)
