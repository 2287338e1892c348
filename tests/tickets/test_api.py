"""/api/v1/tickets/: idempotent create, versioned update (409), actions validated against the
declared workflow, scoping on every path (issue 2)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhou.tickets.choices import Status
from shouhou.tickets.models import Ticket
from shouhou.tickets.services import add_attachment, add_comment, open_ticket

from .conftest import assign, upload

URL = "/api/v1/tickets/"


def detail(ticket, suffix=""):
    return f"{URL}{ticket.pk}/{suffix}"


# --- create --------------------------------------------------------------------------------

def test_same_idempotency_key_twice_creates_one_ticket(api_as):
    client = api_as("desk")
    body = {"title": "闭门器漏油", "serial": "FD-A-0001", "severity": 1}
    first = client.post(URL, body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(URL, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 200
    assert first.data["id"] == again.data["id"] and again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1
    assert first.data["service_level"] == "A" and first.data["number"].startswith("SR")
    assert first["ETag"] == '"1"'


def test_idempotency_keys_of_different_users_are_independent(api_as):
    body = {"title": "门坏了"}
    a = api_as("desk").post(URL, body, HTTP_IDEMPOTENCY_KEY="same")
    b = api_as("customer_a").post(URL, body, HTTP_IDEMPOTENCY_KEY="same")
    assert a.status_code == b.status_code == 201 and a.data["id"] != b.data["id"]


def test_unknown_serial_creates_an_unverified_ticket(api_as):
    response = api_as("desk").post(URL, {"title": "门坏了", "serial": "NOPE-1"})
    assert response.status_code == 201 and response.data["unverified"] is True


def test_customer_user_reports_for_their_own_customer(world, api_as):
    response = api_as("customer_a").post(URL, {"title": "门坏了", "serial": "FD-A-0001"})
    assert response.status_code == 201
    assert response.data["customer"] == world.site_a.customer.pk and response.data["unverified"] is False


def test_customer_user_cannot_name_another_customers_site(world, api_as):
    response = api_as("customer_a").post(URL, {"title": "门坏了", "site": world.site_b.pk})
    assert response.status_code == 400 and "site" in response.data


@pytest.mark.parametrize("persona", ["engineer", "finance", "dealer_a"])
def test_other_roles_may_not_report_through_the_api(api_as, persona):
    assert api_as(persona).post(URL, {"title": "x"}).status_code == 403


def test_anonymous_is_refused(api):
    assert api.get(URL).status_code in (401, 403)


# --- update --------------------------------------------------------------------------------

def test_patch_with_a_stale_version_gets_409(api_as, ticket):
    client = api_as("desk")
    ok = client.patch(detail(ticket), {"title": "新标题"}, HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok.data["version"] == 2 and ok["ETag"] == '"2"'
    stale = client.patch(detail(ticket), {"title": "旧版本的修改", "version": 1})
    assert stale.status_code == 409 and stale.data["code"] == "stale_version"
    assert Ticket.objects.get(pk=ticket.pk).title == "新标题"


def test_patch_without_a_version_is_refused(api_as, ticket):
    response = api_as("desk").patch(detail(ticket), {"title": "x"})
    assert response.status_code == 400 and response.data["code"] == "version_required"


def test_patch_by_a_customer_is_forbidden(api_as, ticket):
    assert api_as("customer_a").patch(detail(ticket), {"title": "x", "version": 1}).status_code == 403


def test_retrieve_carries_the_version_as_etag(api_as, ticket):
    response = api_as("desk").get(detail(ticket))
    assert response.status_code == 200 and response["ETag"] == '"1"'
    assert response.data["contract_number"] == "HT-2026-001"


# --- actions -------------------------------------------------------------------------------

def test_action_follows_the_workflow(api_as, ticket):
    response = api_as("desk").post(detail(ticket, "actions/"), {"action": "accept", "version": 1})
    assert response.status_code == 200 and response.data["status"] == Status.ACCEPTED


def test_forbidden_transition_is_400_with_code(api_as, ticket):
    response = api_as("desk").post(detail(ticket, "actions/"), {"action": "close"})
    assert response.status_code == 400 and response.data["code"] == "transition_not_allowed"


def test_action_not_permitted_for_the_user_is_403(api_as, ticket):
    response = api_as("customer_a").post(detail(ticket, "actions/"), {"action": "accept"})
    assert response.status_code == 403 and response.data["code"] == "not_permitted"


def test_action_out_of_scope_is_404(api_as, ticket):
    assert api_as("customer_b").post(detail(ticket, "actions/"), {"action": "cancel", "reason": "x"}).status_code == 404


def test_cancel_without_reason_names_the_field(api_as, ticket):
    response = api_as("desk").post(detail(ticket, "actions/"), {"action": "cancel"})
    assert response.status_code == 400 and response.data["field"] == "reason"


def test_assign_through_the_actions_endpoint(world, api_as, ticket):
    response = api_as("dispatcher").post(detail(ticket, "actions/"),
                                         {"action": "assign", "assignee": world.engineer.pk, "version": 1})
    assert response.status_code == 200 and response.data["assignee"] == world.engineer.pk


def test_stale_action_gets_409(api_as, ticket):
    response = api_as("desk").post(detail(ticket, "actions/"), {"action": "accept"}, HTTP_IF_MATCH='"9"')
    assert response.status_code == 409


def test_allowed_actions_lists_what_the_workflow_allows(api_as, ticket):
    response = api_as("customer_a").get(detail(ticket, "allowed-actions/"))
    assert [a["action"] for a in response.data] == ["cancel"]
    assert response.data[0]["requires"] == ["reason"]


# --- scoping -------------------------------------------------------------------------------

def _paths(ticket):
    return [detail(ticket), detail(ticket, "timeline/"), detail(ticket, "attachments/"),
            detail(ticket, "allowed-actions/")]


def test_dealer_a_never_sees_dealer_bs_tickets(world, api_as, ticket, ticket_b):
    client = api_as("dealer_a")
    listed = client.get(URL)
    assert [row["id"] for row in listed.data["results"]] == [ticket.pk]
    assert client.get(URL, {"q": ticket_b.number}).data["results"] == []
    assert client.get(URL, {"q": "门诊楼"}).data["results"] == []
    for path in _paths(ticket_b):
        assert client.get(path).status_code == 404, path
    assert client.post(detail(ticket_b, "comments/"), {"body": "x"}).status_code == 404
    assert client.post(detail(ticket_b, "actions/"), {"action": "resume"}).status_code == 404


def test_customer_a_never_sees_customer_bs_tickets(api_as, ticket, ticket_b):
    client = api_as("customer_a")
    assert [row["id"] for row in client.get(URL).data["results"]] == [ticket.pk]
    for path in _paths(ticket_b):
        assert client.get(path).status_code == 404, path
    attachment = add_attachment(ticket_b.created_by, ticket_b, upload())
    assert client.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404
    assert client.get(f"/api/v1/attachments/{attachment.pk}/").status_code == 404


def test_customer_never_sees_internal_notes_or_attachments(world, api_as, ticket):
    add_comment(world.desk, ticket, "内部：客户欠款", internal=True)
    add_comment(world.desk, ticket, "工程师明天上门")
    internal = add_attachment(world.desk, ticket, upload("内部.pdf"), internal=True)
    public = add_attachment(world.desk, ticket, upload("现场.jpg"))
    client = api_as("customer_a")
    bodies = [e["body"] for e in client.get(detail(ticket, "timeline/")).data]
    assert "工程师明天上门" in bodies and "内部：客户欠款" not in bodies and "内部.pdf" not in bodies
    assert [a["id"] for a in client.get(detail(ticket, "attachments/")).data] == [public.pk]
    assert client.get(f"/api/v1/attachments/{internal.pk}/download/").status_code == 404
    staff = api_as("desk")
    assert "内部：客户欠款" in [e["body"] for e in staff.get(detail(ticket, "timeline/")).data]


def test_customer_cannot_post_internal_notes(api_as, ticket):
    response = api_as("customer_a").post(detail(ticket, "comments/"), {"body": "x", "internal": True})
    assert response.status_code == 403
    reply = api_as("customer_a").post(detail(ticket, "comments/"), {"body": "谢谢"})
    assert reply.status_code == 201 and reply.data["kind"] == "reply"


def test_engineers_see_only_tickets_assigned_to_them(world, api_as, ticket, ticket_b):
    assign(world, ticket, "engineer")
    mine = api_as("engineer").get(URL).data["results"]
    assert [row["id"] for row in mine] == [ticket.pk]
    assert api_as("engineer2").get(URL).data["results"] == []
    assert api_as("engineer2").get(detail(ticket)).status_code == 404


def test_dealer_sees_tickets_assigned_to_their_dealer(world, api_as, ticket_b):
    assert api_as("dealer_a").get(detail(ticket_b)).status_code == 404
    assign(world, ticket_b, engineer=None, dealer=world.dealer_a.organisation)
    assert api_as("dealer_a").get(detail(ticket_b)).status_code == 200


# --- attachments ---------------------------------------------------------------------------

def test_upload_and_download_an_attachment(api_as, ticket):
    client = api_as("customer_a")
    response = client.post(detail(ticket, "attachments/"),
                           {"file": SimpleUploadedFile("门.png", b"\x89PNG....", content_type="image/png")},
                           format="multipart")
    assert response.status_code == 201 and response.data["content_type"] == "image/png"
    download = client.get(response.data["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\x89PNG...."


def test_upload_of_a_forbidden_type_is_400_naming_the_field(api_as, ticket):
    response = api_as("desk").post(detail(ticket, "attachments/"),
                                   {"file": SimpleUploadedFile("x.html", b"<script>", content_type="text/html")},
                                   format="multipart")
    assert response.status_code == 400 and response.data["field"] == "file"


# --- list ----------------------------------------------------------------------------------

def test_list_filters_by_status_severity_unverified_and_search(world, api_as, ticket, ticket_b):
    unverified = open_ticket(world.desk, title="无名报修", serial="???", reporter_name="张三")
    client = api_as("desk")

    def ids(**params):
        return sorted(row["id"] for row in client.get(URL, params).data["results"])

    assert ids(unverified="true") == [unverified.pk]
    assert ids(severity=2) == [ticket.pk]
    assert ids(status=["new", "cancelled"]) == sorted([ticket.pk, ticket_b.pk, unverified.pk])
    assert ids(q="张三") == [unverified.pk]
    assert ids(q=ticket.number) == [ticket.pk]
    assert ids(customer=world.site_b.customer.pk) == [ticket_b.pk]
    assert ids(asset=world.asset_a.pk) == [ticket.pk]
    assert ids(service_level="A") == [ticket.pk]


def test_list_ordering_and_capped_count(api_as, ticket, ticket_b, monkeypatch):
    from shouhou.tickets import pagination

    client = api_as("desk")
    ordered = client.get(URL, {"ordering": "severity"}).data["results"]
    assert [row["id"] for row in ordered] == [ticket.pk, ticket_b.pk]
    monkeypatch.setattr(pagination.CappedCountPaginator, "cap", 1)
    capped = client.get(URL)
    assert capped.data["count"] == 1 and capped.data["count_capped"] is True


def test_list_query_count_is_constant(world, api_as, django_assert_max_num_queries):
    """No N+1: 25 rows with customer, site, asset, engineer, dealer in a bounded number of queries."""
    for i in range(30):
        t = open_ticket(world.desk, title=f"故障{i}", serial="FD-A-0001")
        if i % 2:
            assign(world, t, "engineer", dealer=world.dealer_a.organisation)
    client = api_as("desk")
    with django_assert_max_num_queries(2):
        response = client.get(URL)
    assert response.status_code == 200 and len(response.data["results"]) == 25
    assert response.data["count"] == 30
