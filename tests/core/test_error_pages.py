"""Error pages are the site's own, in its layout and language (issue 6, hardening: styled 403/404)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults


@pytest.mark.django_db
def test_404_page_is_in_the_site_layout_and_in_chinese(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "售后服务管理" in html and 'class="topbar"' in html
    assert "Not Found" not in html


def test_403_page_is_in_the_site_layout_and_in_chinese(client, world):
    """An engineer opening the outbox page (managers only) gets the styled refusal."""
    client.force_login(world.engineer)
    response = client.get(reverse("notify:outbox"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html and 'class="topbar"' in html and world.engineer.display_name in html


@pytest.mark.parametrize(("handler", "status", "words"), [
    (defaults.bad_request, 400, "请求有误"),
    (defaults.server_error, 500, "服务器错误"),
])
def test_400_and_500_pages_are_styled_too(db, handler, status, words):
    request = RequestFactory().get("/")
    response = handler(request, exception=None) if handler is defaults.bad_request else handler(request)
    html = response.content.decode()
    assert response.status_code == status and words in html and 'class="topbar"' in html


def test_403_for_a_dealer_opening_a_desk_page_is_translated_in_the_layout(client, world):
    """Issue 10: a dealer opening "report a fault" gets the site's refusal page, never a bare English one."""
    client.force_login(world.dealer_a)
    response = client.get(reverse("tickets:create"))
    html = response.content.decode()
    assert response.status_code == 403 and "无权访问" in html and 'class="topbar"' in html
    assert "Forbidden" not in html


def test_a_csrf_refusal_from_a_stale_tab_is_translated_in_the_layout(world):
    """A form posted with an old token (a tab left open across a log-in) is Django's CSRF 403:
    in Chinese, in the site's layout (templates/403_csrf.html)."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.desk)
    response = client.post(reverse("tickets:create"), {"title": "x"})
    html = response.content.decode()
    assert response.status_code == 403 and "表单已失效" in html and 'class="topbar"' in html
    assert "CSRF verification failed" not in html
