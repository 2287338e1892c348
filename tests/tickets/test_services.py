"""tickets.services: reports are never lost, entitlement is derived, edits are versioned,
comments and attachments respect who may see what (issue 2; P5.1, P5.2, P5.7, P5.8, P10.6)."""

from __future__ import annotations

import pytest

from shouhou.core.errors import ConflictError, PermissionDeniedError, ServiceError
from shouhou.tickets.choices import EventKind, Status
from shouhou.tickets.models import Attachment, TicketEvent
from shouhou.tickets.services import (
    add_attachment,
    add_comment,
    open_ticket,
    perform_action,
    transition_ticket,
    update_ticket,
    verify_ticket,
)

from .conftest import assign, upload


def test_unknown_serial_still_creates_an_unverified_ticket(world):
    """A customer's report is never lost: unknown serial → ticket flagged unverified."""
    ticket = open_ticket(world.desk, title="门坏了", serial="NO-SUCH-SERIAL", reported_customer="某某物业")
    assert ticket.pk and ticket.unverified
    assert ticket.customer is None and ticket.reported_serial == "NO-SUCH-SERIAL"
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CREATED).exists()


def test_customer_user_with_unknown_serial_gets_an_unverified_ticket_for_their_own_customer(world):
    ticket = open_ticket(world.customer_a, title="门坏了", serial="XX-404")
    assert ticket.unverified and ticket.customer == world.site_a.customer


def test_customer_user_cannot_report_on_another_customers_unit(world):
    """customer_a naming B's serial: kept, flagged, and never linked to B's asset."""
    ticket = open_ticket(world.customer_a, title="门坏了", serial=world.asset_b.serial_no)
    assert ticket.customer == world.site_a.customer and ticket.asset is None and ticket.unverified


def test_contract_and_service_level_come_from_the_asset(world, ticket):
    """P5.2: the service level is the covering contract's."""
    assert ticket.asset == world.asset_a and ticket.site == world.site_a and ticket.customer == world.site_a.customer
    assert ticket.contract == world.contract_a and ticket.service_level == "A"
    assert ticket.in_warranty is True and not ticket.unverified


def test_contract_resolved_from_site_then_customer(world):
    from shouhou.contracts.models import Contract

    site_contract = Contract.objects.create(number="HT-S", title="门诊楼", customer=world.site_b.customer,
                                            service_level="C", start_date="2026-01-01")
    site_contract.sites.add(world.site_b)
    by_site = open_ticket(world.desk, title="x", site=world.site_b)
    assert by_site.contract == site_contract and by_site.service_level == "C" and by_site.customer == world.site_b.customer
    whole = Contract.objects.create(number="HT-W", title="全院", customer=world.site_b.customer, service_level="B",
                                    start_date="2026-01-01")
    by_customer = open_ticket(world.desk, title="y", customer=world.site_b.customer)
    assert by_customer.contract == whole and by_customer.service_level == "B"


def test_cancel_needs_a_reason(world, ticket):
    with pytest.raises(ServiceError) as refused:
        transition_ticket(ticket, world.desk, "cancel", reason="  ")
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    cancelled = transition_ticket(ticket, world.desk, "cancel", reason="客户已自行修复")
    assert cancelled.status == Status.CANCELLED and cancelled.cancel_reason == "客户已自行修复"


def test_resolve_needs_a_resolution(world, ticket):
    ticket = transition_ticket(ticket, world.desk, "accept")
    with pytest.raises(ServiceError) as refused:
        transition_ticket(ticket, world.desk, "resolve")
    assert refused.value.code == "resolution_required"


def test_resume_returns_to_the_state_before_the_pause(world, ticket):
    """Given an assigned ticket put on hold, when resumed, then it is assigned again."""
    ticket = assign(world, ticket)
    ticket = transition_ticket(ticket, world.engineer, "wait_customer", reason="客户不在")
    assert ticket.status == Status.PENDING_CUSTOMER and ticket.resume_status == Status.ASSIGNED
    ticket = transition_ticket(ticket, world.desk, "escalate", reason="超时")
    ticket = transition_ticket(ticket, world.desk, "resume")
    assert ticket.status == Status.ASSIGNED and ticket.resume_status == ""


def test_stale_version_is_refused_with_conflict(world, ticket):
    """Two people edit version 1; the second is refused (409), never silently overwritten."""
    update_ticket(world.desk, ticket, 1, title="新标题")
    with pytest.raises(ConflictError) as refused:
        update_ticket(world.dispatcher, ticket, 1, title="另一个标题")
    assert refused.value.code == "stale_version"
    with pytest.raises(ConflictError):
        transition_ticket(ticket, world.desk, "accept", expected_version=1)


def test_update_logs_before_and_after_and_bumps_the_version(world, ticket):
    """P5.1/P5.8: severity and support mode changes are recorded with before/after."""
    updated = update_ticket(world.desk, ticket, ticket.version, severity=1, support_mode="phone", title=ticket.title)
    assert updated.version == 2 and updated.severity == 1
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.FIELDS_CHANGED)
    assert event.data["before"] == {"severity": 2, "support_mode": "on_site"}
    assert event.data["after"] == {"severity": 1, "support_mode": "phone"}
    assert event.internal


def test_update_of_the_asset_rederives_customer_contract_and_level(world):
    ticket = open_ticket(world.desk, title="x", customer=world.site_b.customer)
    updated = update_ticket(world.desk, ticket, ticket.version, customer=world.site_a.customer, asset=world.asset_a)
    assert updated.customer == world.site_a.customer and updated.site == world.site_a
    assert updated.contract == world.contract_a and updated.service_level == "A"


def test_update_refuses_a_site_of_another_customer(world, ticket):
    with pytest.raises(ServiceError) as refused:
        update_ticket(world.desk, ticket, ticket.version, site=world.site_b)
    assert refused.value.field == "site"


def test_only_the_desk_updates_and_the_version_is_required(world, ticket):
    with pytest.raises(PermissionDeniedError):
        update_ticket(world.customer_a, ticket, 1, title="x")
    with pytest.raises(ServiceError) as refused:
        update_ticket(world.desk, ticket, None, title="x")
    assert refused.value.code == "version_required"


def test_verify_links_the_report_and_clears_the_flag(world):
    ticket = open_ticket(world.desk, title="门坏了", serial="FD-A-1", reported_customer="华东大厦")
    verified = verify_ticket(world.desk, ticket, asset=world.asset_a, expected_version=ticket.version)
    assert not verified.unverified and verified.customer == world.site_a.customer
    assert verified.contract == world.contract_a and verified.service_level == "A"
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.VERIFIED)
    assert event.data["after"]["unverified"] is False and event.data["reported_serial"] == "FD-A-1"
    with pytest.raises(ServiceError) as again:
        verify_ticket(world.desk, verified)
    assert again.value.code == "not_unverified"


def test_verify_needs_a_customer_and_the_desk(world):
    ticket = open_ticket(world.desk, title="门坏了", serial="??")
    with pytest.raises(ServiceError) as refused:
        verify_ticket(world.desk, ticket)
    assert (refused.value.code, refused.value.field) == ("customer_required", "customer")
    with pytest.raises(PermissionDeniedError):
        verify_ticket(world.engineer, ticket, customer=world.site_a.customer)


def test_customer_users_can_reply_but_never_write_internal_notes(world, ticket):
    reply = add_comment(world.customer_a, ticket, "请尽快上门")
    assert reply.kind == EventKind.REPLY and not reply.internal
    with pytest.raises(PermissionDeniedError) as refused:
        add_comment(world.customer_a, ticket, "内部", internal=True)
    assert refused.value.code == "not_permitted"  # the one refusal code (issue 6)
    note = add_comment(world.desk, ticket, "客户脾气急", internal=True)
    assert note.kind == EventKind.NOTE and note.internal


def test_comment_needs_text_and_a_visible_ticket(world, ticket):
    with pytest.raises(ServiceError) as refused:
        add_comment(world.desk, ticket, "   ")
    assert refused.value.field == "body"
    with pytest.raises(PermissionDeniedError):
        add_comment(world.customer_b, ticket, "我看不到这张单")


def test_attachment_is_stored_with_a_timeline_event(world, ticket):
    """P10.6: fault evidence attached; stored type comes from the whitelist."""
    attachment = add_attachment(world.customer_a, ticket, upload("现场照片.JPG", content_type="text/html"))
    assert attachment.content_type == "image/jpeg" and attachment.original_name == "现场照片.JPG"
    assert attachment.event.kind == EventKind.ATTACHMENT and attachment.file.read() == b"\xff\xd8\xff\xe0jpegdata"


@pytest.mark.parametrize("name", ["evil.html", "x.svg", "run.exe", "noextension", "a.php"])
def test_attachment_types_outside_the_whitelist_are_refused_naming_the_field(world, ticket, name):
    with pytest.raises(ServiceError) as refused:
        add_attachment(world.desk, ticket, upload(name))
    assert (refused.value.code, refused.value.field) == ("file_type_not_allowed", "file")
    assert name in str(refused.value.message)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("name", ["a.mp4", "b.MOV", "c.pdf", "d.docx", "e.xlsx", "f.pptx", "g.txt", "h.png"])
def test_whitelisted_types_are_accepted(world, ticket, name):
    assert add_attachment(world.desk, ticket, upload(name)).pk


def test_attachment_over_the_size_limit_is_refused(world, ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ServiceError) as refused:
        add_attachment(world.desk, ticket, upload("big.jpg", b"x" * 11))
    assert (refused.value.code, refused.value.field) == ("file_too_large", "file")


def test_customers_cannot_add_internal_attachments(world, ticket):
    with pytest.raises(PermissionDeniedError):
        add_attachment(world.customer_a, ticket, upload(), internal=True)


def test_perform_action_goes_through_the_dispatch_handler_for_assign(world, ticket):
    """assign is registered by dispatch; the tickets path calls it and gets its event."""
    assigned = assign(world, ticket)
    assert assigned.status == Status.ASSIGNED and assigned.assignee == world.engineer
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED).exists()


def test_perform_action_checks_the_workflow_before_any_handler(world, ticket):
    with pytest.raises(ServiceError) as refused:
        perform_action(world.desk, ticket, "arrive")
    assert refused.value.code == "transition_not_allowed"
    with pytest.raises(PermissionDeniedError):
        perform_action(world.customer_a, ticket, "assign", assignee=world.engineer.pk)


def test_perform_action_falls_back_to_the_transition_with_version(world, ticket):
    with pytest.raises(ConflictError):
        perform_action(world.desk, ticket, "accept", version="7")
    accepted = perform_action(world.desk, ticket, "accept", version=str(ticket.version))
    assert accepted.status == Status.ACCEPTED and accepted.version == ticket.version + 1
