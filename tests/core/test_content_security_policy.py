"""A Content-Security-Policy in production mode, and no template an inline script could slip
past it (issue 6, hardening)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

PKG = Path(__file__).resolve().parents[2] / "shouhou"
TEMPLATES = sorted(PKG.glob("**/templates/**/*.html"))
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_carry_a_policy_without_unsafe_inline_scripts(client, world):
    """DEBUG is off under the tests, as in `serve --prod`."""
    client.force_login(world.desk)
    rules = policy(client.get(reverse("dashboard")))
    assert rules["script-src"][0] == "'self'" and "'unsafe-inline'" not in rules["script-src"]
    assert rules["object-src"] == ["'none'"] and rules["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in rules["style-src"]


def test_login_and_api_docs_pages_carry_the_policy(client, db):
    assert "script-src" in policy(client.get(reverse("login")))
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200 and "'unsafe-inline'" not in policy(docs)["script-src"]
    assert "<script>" not in docs.content.decode()  # Swagger UI starts from a file


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.relative_to(PKG).as_posix())
def test_no_template_has_an_inline_script_handler_or_style(path):
    text = path.read_text(encoding="utf-8")
    for attributes in SCRIPT.findall(text):
        if "application/json" in attributes:
            continue  # data, never run
        assert "src=" in attributes or "nonce=" in attributes, f"inline <script> in {path.name}"
    assert not HANDLER.search(text), f"inline event handler in {path.name}"
    assert not STYLE_ATTR.search(text), f"inline style attribute in {path.name}"


def test_the_signature_pad_script_is_a_static_file_the_page_loads(client, world):
    from django.contrib.staticfiles import finders

    assert finders.find("dispatch/signature.js") and finders.find("shouhou/app.js")
