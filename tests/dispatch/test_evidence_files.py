"""Signature images and attachments: served only by their scoped views, in DEBUG as well, under
names nobody can guess (issue 6, hardening; the evidence of P10.4 and P10.6).

Attack tried first: with DEBUG on, /media/signatures/2026/12/visit-1-<8 hex>.png served a
customer's signature to anyone who guessed 32 bits, bypassing the visit's scoping.
"""

from __future__ import annotations

import importlib
import re
from pathlib import PurePosixPath

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, resolve
from django.urls.exceptions import Resolver404

from shouhou.dispatch import services
from shouhou.dispatch.models import SignatureMethod
from shouhou.tickets.services import add_attachment

from .conftest import png_bytes
from .test_services import finished_visit

RANDOM_STEM = re.compile(r"^[0-9a-f]{32,}$")  # at least 128 bits


@pytest.fixture
def debug_urls(settings):
    """The project's URLconf as `make run` (DEBUG on) builds it."""
    import shouhou.urls

    settings.DEBUG = True
    importlib.reload(shouhou.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(shouhou.urls)
    clear_url_caches()


def test_media_files_are_not_served_as_static_files_in_debug(debug_urls):
    with pytest.raises(Resolver404):
        resolve("/media/signatures/2026/12/visit-1-0000abcd.png")


def test_a_signature_image_name_carries_at_least_128_random_bits(world, ticket):
    visit = services.sign_visit(world.engineer, finished_visit(world, ticket), SignatureMethod.DRAWN, "陈先生",
                                png_bytes())
    name = PurePosixPath(visit.signature_image.name)
    assert name.suffix == ".png" and RANDOM_STEM.match(name.stem), name


def test_an_attachment_name_carries_at_least_128_random_bits(world, ticket):
    attachment = add_attachment(world.desk, ticket, SimpleUploadedFile("现场照片.JPG", b"\xff\xd8\xff\xe0jpeg",
                                                                       content_type="image/jpeg"))
    name = PurePosixPath(attachment.file.name)
    assert name.suffix == ".jpg" and RANDOM_STEM.match(name.stem), name


def test_the_signature_still_reaches_who_may_see_the_visit_and_nobody_else(client, world, ticket):
    visit = services.sign_visit(world.engineer, finished_visit(world, ticket), SignatureMethod.DRAWN, "陈先生",
                                png_bytes())
    client.force_login(world.customer_a)
    own = client.get(f"/dispatch/visits/{visit.pk}/signature.png")
    assert own.status_code == 200 and own["Content-Type"] == "image/png"
    client.force_login(world.customer_b)
    assert client.get(f"/dispatch/visits/{visit.pk}/signature.png").status_code == 404
