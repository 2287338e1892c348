"""Login and token endpoints lock out after repeated failures (django-axes; issue 6, hardening).

Attack tried first: 30 wrong passwords, then the right one, simply logged in.
"""

import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.conftest import PASSWORD

TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 5


def test_token_endpoint_answers_429_after_repeated_failures_even_to_the_right_password(world, api, caplog):
    answers = [api.post(TOKEN, {"username": "desk", "password": f"wrong-{n}"}).status_code for n in range(30)]
    assert answers[:4] == [400] * 4 and set(answers[5:]) == {429}
    with caplog.at_level(logging.WARNING, logger="axes"):
        right = api.post(TOKEN, {"username": "desk", "password": PASSWORD})
    assert right.status_code == 429
    assert right.json()["code"] == "locked_out" and "分钟" in right.json()["detail"]
    assert int(right["Retry-After"]) == 15 * 60
    assert "token" not in right.json()
    assert AccessAttempt.objects.filter(username="desk").exists()


def test_login_page_answers_429_with_the_sites_page_after_repeated_failures(world, client, caplog):
    url = reverse("login")
    with caplog.at_level(logging.WARNING, logger="axes"):
        for n in range(6):
            client.post(url, {"username": "desk", "password": f"wrong-{n}"})
    assert any("locking out" in r.getMessage().lower() for r in caplog.records)
    right = client.post(url, {"username": "desk", "password": PASSWORD})
    assert right.status_code == 429
    html = right.content.decode()
    assert "登录已锁定" in html and 'class="topbar"' in html
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_only_for_that_user_and_lifts_after_the_cooloff(world, api, settings):
    for n in range(6):
        api.post(TOKEN, {"username": "desk", "password": f"wrong-{n}"})
    assert api.post(TOKEN, {"username": "dispatcher", "password": PASSWORD}).status_code == 200
    AccessAttempt.objects.update(attempt_time="2000-01-01T00:00:00Z")  # the cool-off is long over
    assert api.post(TOKEN, {"username": "desk", "password": PASSWORD}).status_code == 200


def test_a_few_mistakes_then_the_right_password_still_log_in(world, api):
    for n in range(3):
        api.post(TOKEN, {"username": "desk", "password": f"wrong-{n}"})
    assert api.post(TOKEN, {"username": "desk", "password": PASSWORD}).status_code == 200


def test_admins_see_lockouts_in_the_admin(world, api, client):
    for n in range(6):
        api.post(TOKEN, {"username": "desk", "password": f"wrong-{n}"})
    client.force_login(world.admin)
    page = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and "desk" in page.content.decode()


# --- behind a reverse proxy (TRUSTED_PROXY_COUNT) -------------------------------------------------

PROXY = "10.0.0.2"
ATTACKER, OWNER = "203.0.113.5", "198.51.100.7"


def _via_proxy(api, client_ip, password, spoofed=""):
    """A request as one nginx in front would pass it on: REMOTE_ADDR is the proxy, which appended
    the address it saw to whatever X-Forwarded-For the client sent."""
    forwarded = ", ".join(filter(None, [spoofed, client_ip]))
    return api.post(TOKEN, {"username": "desk", "password": password},
                    REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def test_behind_a_trusted_proxy_a_stranger_cannot_lock_a_known_user_out(world, api, settings):
    """Issue 6: behind a proxy REMOTE_ADDR is the proxy; the lock is per user name and client address."""
    settings.TRUSTED_PROXY_COUNT = 1
    answers = [_via_proxy(api, ATTACKER, f"wrong-{n}").status_code for n in range(8)]
    assert answers[-1] == 429
    assert _via_proxy(api, ATTACKER, PASSWORD).status_code == 429  # the stranger stays locked out
    assert _via_proxy(api, OWNER, PASSWORD).status_code == 200  # the owner, from his own address, logs in
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_a_forged_forwarded_for_does_not_escape_the_lockout(world, api, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(6):
        _via_proxy(api, ATTACKER, f"wrong-{n}", spoofed=f"192.0.2.{n}")  # a new claimed address each time
    assert _via_proxy(api, ATTACKER, PASSWORD, spoofed=OWNER).status_code == 429


def test_without_trusted_proxies_forwarded_for_is_ignored(world, api, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(6):
        _via_proxy(api, ATTACKER, f"wrong-{n}")
    assert _via_proxy(api, OWNER, PASSWORD).status_code == 429  # everyone is the proxy: same pair
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}
