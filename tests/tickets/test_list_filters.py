"""The ticket list's filter form as a browser submits it (issue 10): an untouched select filters
nothing, "unassigned" is a filter, customers see only the filters about what they know."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from shouhou.tickets.services import open_ticket

from .conftest import assign

pytestmark = pytest.mark.django_db


class _FormValues(HTMLParser):
    """What a browser sends for the filter form untouched: each select's selected (or first) option."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.selects: dict[str, list[tuple[str, bool, str]]] = {}
        self._select = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select" and "multiple" not in attrs:
            self._select = attrs["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self._option = [attrs.get("value", ""), "selected" in attrs, ""]
        elif tag == "input" and attrs.get("type") not in ("checkbox", "radio", "submit") and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value", "")

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select:
            self.selects[self._select].append(tuple(self._option))
            self._option = None
        elif tag == "select" and self._select:
            options = self.selects[self._select]
            chosen = next((o for o in options if o[1]), options[0] if options else None)
            if chosen is not None:
                self.values[self._select] = chosen[0]
            self._select = None


def filter_form(html: str) -> _FormValues:
    start = html.index('<form method="get" class="filters')
    parser = _FormValues()
    parser.feed(html[start:html.index("</form>", start)])
    return parser


def client_for(world, name):
    client = Client()
    client.force_login(world.users[name])
    return client


def test_filtering_by_customer_alone_finds_requests_of_every_severity(world):
    """The severity select had no blank choice, so the form always sent level 1."""
    levels = [open_ticket(world.desk, title=f"级别{level}", serial=world.asset_a.serial_no, severity=level)
              for level in (1, 2, 3)]
    client = client_for(world, "desk")
    form = filter_form(client.get("/tickets/").content.decode())
    assert form.values["severity"] == "" and form.selects["severity"][0][2] == "不限"
    page = client.get("/tickets/", {**form.values, "customer": world.cust_a.pk}).content.decode()
    for ticket in levels:
        assert f'href="/tickets/{ticket.pk}/"' in page


def test_unassigned_filter_lists_only_requests_nobody_is_assigned_to(world):
    waiting = open_ticket(world.desk, title="待分派", serial=world.asset_a.serial_no)
    taken = assign(world, open_ticket(world.desk, title="已分派", serial=world.asset_a.serial_no))
    page = client_for(world, "dispatcher").get("/tickets/", {"unassigned": "true"}).content.decode()
    assert f'href="/tickets/{waiting.pk}/"' in page and f'href="/tickets/{taken.pk}/"' not in page


def test_boolean_filters_offer_any_not_unknown(world):
    form = filter_form(client_for(world, "desk").get("/tickets/").content.decode())
    for name in ("unverified", "unassigned", "overdue"):
        assert [label for _v, _s, label in form.selects[name]] == ["不限", "是", "否"], name


def test_customers_see_no_internal_filters_and_staff_do(world):
    internal = ("channel", "assignee", "assigned_dealer", "unverified", "unassigned")
    customer_form = filter_form(client_for(world, "customer_a").get("/tickets/").content.decode())
    assert not set(internal) & set(customer_form.values), customer_form.values.keys()
    desk_form = filter_form(client_for(world, "desk").get("/tickets/").content.decode())
    assert set(internal) <= set(desk_form.values)


def test_engineer_choices_show_display_names_and_sort_labels_are_chinese(world):
    form = filter_form(client_for(world, "desk").get("/tickets/").content.decode())
    labels = [label for _v, _s, label in form.selects["assignee"]]
    assert "工程师张" in labels and "engineer" not in labels
    orderings = [label for _v, _s, label in form.selects["ordering"]]
    assert orderings[0] == "不限" and not [label for label in orderings if "descending" in label]


def test_a_stale_tabs_button_says_what_changed(world, ticket):
    """Two tabs on a new request: one accepts it; the other's "accept" is no longer offered and
    its post must say so in Chinese, with the status now (issue 10), not re-render silently."""
    desk = client_for(world, "desk")
    assert desk.post(f"/tickets/{ticket.pk}/actions/accept/", {"accept-version": ticket.version}).status_code == 302
    response = desk.post(f"/tickets/{ticket.pk}/actions/accept/", {"accept-version": ticket.version})
    html = response.content.decode()
    assert response.status_code == 409
    assert "该工单已被他人修改（状态：已受理），请刷新后重试。" in html, html[html.find("<main>"):][:600]


def test_an_action_refused_without_its_button_on_the_page_is_a_message(world, ticket):
    response = client_for(world, "desk").post(f"/tickets/{ticket.pk}/actions/close/", {"close-version": ticket.version})
    html = response.content.decode()
    assert response.status_code == 400 and '<ul class="messages">' in html and "关闭" in html
