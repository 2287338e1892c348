"""Dispatch services: assignment, appointment, travel, arrival, departure, signature, amendments,
fault reports (P5.4, P10.3, P10.4, P12.3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.core.errors import ConflictError, PermissionDeniedError, ServiceError
from shouhou.dispatch import services
from shouhou.dispatch.models import FaultReport, SignatureMethod, Visit, VisitAmendment
from shouhou.tickets.choices import EventKind, Status
from shouhou.tickets.models import TicketEvent
from shouhou.tickets.services import transition_ticket

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def soon(hours=3):
    return timezone.now() + dt.timedelta(hours=hours)


def visit_on_site(world, ticket, engineer=None):
    engineer = engineer or world.engineer
    services.assign_ticket(world.dispatcher, ticket, engineer=engineer)
    services.book_appointment(engineer, ticket, soon(), "与物业王经理约定")
    services.start_travel(engineer, ticket)
    return services.record_arrival(engineer, ticket)


def finished_visit(world, ticket):
    visit = visit_on_site(world, ticket)
    return services.record_departure(world.engineer, visit, "更换闭门器", "闭门器 FM-CL-2 ×1")


def test_p10_3_whole_visit_flow_assign_book_travel_arrive_leave_sign_resolve_confirm_close(world, ticket):
    # given a reported fault; when the desk assigns and the engineer books, travels and arrives
    ticket = services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    assert ticket.status == Status.ASSIGNED and ticket.assignee == world.engineer
    visit = services.book_appointment(world.engineer, ticket, soon(), "与物业王经理约定")
    ticket.refresh_from_db()
    assert ticket.status == Status.APPOINTMENT_BOOKED and visit.appointment_note == "与物业王经理约定"
    assert services.start_travel(world.engineer, ticket).pk == visit.pk
    arrived = services.record_arrival(world.engineer, ticket)
    ticket.refresh_from_db()
    assert arrived.pk == visit.pk and ticket.status == Status.ON_SITE
    assert arrived.departed_at <= arrived.arrived_at
    # then leaves with the work done, the customer signs on screen, and the ticket is resolved
    visit = services.record_departure(world.engineer, visit, "更换闭门器", "闭门器 ×1")
    assert visit.left_at >= visit.arrived_at
    visit = services.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, "陈先生", png_bytes())
    assert visit.is_signed and visit.signature_image.name.endswith(".png")
    ticket = transition_ticket(ticket, world.engineer, "resolve", resolution="闭门器已更换")
    ticket = transition_ticket(ticket, world.users["customer_a"], "confirm")
    ticket = transition_ticket(ticket, world.desk, "close")
    assert ticket.status == Status.CLOSED
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    for kind in (EventKind.ASSIGNED, EventKind.APPOINTMENT, EventKind.VISIT_STARTED, EventKind.VISIT_ARRIVED,
                 EventKind.VISIT_LEFT, EventKind.VISIT_SIGNED):
        assert kind in kinds


def test_assign_accepts_only_an_active_engineer(world, ticket):
    with pytest.raises(ServiceError) as err:
        services.assign_ticket(world.dispatcher, ticket, engineer=world.technical)
    assert err.value.code == "not_an_engineer" and err.value.field == "assignee"
    world.engineer2.is_active = False
    world.engineer2.save()
    with pytest.raises(ServiceError):
        services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer2)


def test_assign_accepts_only_a_dealer_organisation(world, ticket):
    with pytest.raises(ServiceError) as err:
        services.assign_ticket(world.dispatcher, ticket, dealer=world.own)
    assert err.value.code == "not_a_dealer" and err.value.field == "dealer"
    with pytest.raises(ServiceError) as err:
        services.assign_ticket(world.dispatcher, ticket)
    assert err.value.code == "assignee_required"


def test_only_the_desk_assigns(world, ticket):
    with pytest.raises(PermissionDeniedError):
        services.assign_ticket(world.engineer, ticket, engineer=world.engineer)


def test_reassignment_is_recorded_with_before_and_after(world, ticket):
    services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    ticket = services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer2)
    event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED).last()
    assert event.data["before"]["assignee"]["id"] == world.engineer.pk
    assert event.data["after"]["assignee"]["id"] == world.engineer2.pk
    assert ticket.assignee == world.engineer2


def test_assign_with_a_stale_version_is_a_conflict(world, ticket):
    with pytest.raises(ConflictError):
        services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer, expected_version=ticket.version - 1)


def test_rebooking_updates_the_open_visit_instead_of_creating_another(world, ticket):
    services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    first = services.book_appointment(world.engineer, ticket, soon(2), "")
    second = services.book_appointment(world.engineer, ticket, soon(5), "客户改期")
    assert first.pk == second.pk and Visit.objects.filter(ticket=ticket).count() == 1


def test_appointment_in_the_past_is_refused(world, ticket):
    services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    with pytest.raises(ServiceError) as err:
        services.book_appointment(world.engineer, ticket, timezone.now() - dt.timedelta(days=3), "")
    assert err.value.code == "appointment_in_past" and err.value.field == "appointment_at"


def test_engineer_not_assigned_cannot_act(world, ticket):
    services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    with pytest.raises(PermissionDeniedError):
        services.book_appointment(world.engineer2, ticket, soon(), "")
    visit = visit_on_site(world, ticket)
    with pytest.raises(PermissionDeniedError):
        services.record_departure(world.engineer2, visit, "x")


def test_p10_4_p12_3_signed_visit_is_immutable_through_every_service(world, ticket):
    visit = finished_visit(world, ticket)
    services.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, "陈先生", png_bytes())
    attempts = [
        lambda: services.record_departure(world.engineer, visit, "改写"),
        lambda: services.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, "另一人", png_bytes()),
        lambda: services.sign_visit(world.users["customer_a"], visit, SignatureMethod.ACCOUNT, ""),
        lambda: services.record_arrival(world.engineer, ticket, visit=visit),
    ]
    for attempt in attempts:
        with pytest.raises(ServiceError) as err:
            attempt()
        assert err.value.code in {"visit_signed", "transition_not_allowed"}
    with pytest.raises(ServiceError) as err:
        services.record_departure(world.engineer, visit, "改写")
    assert err.value.code == "visit_signed"
    visit.refresh_from_db()
    assert visit.work_done == "更换闭门器" and visit.signer_name == "陈先生"


def test_p12_3_amendment_records_before_and_after_and_leaves_the_signed_record_untouched(world, ticket):
    visit = finished_visit(world, ticket)
    services.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, "陈先生", png_bytes())
    amendment = services.amend_visit(world.desk, visit, "配件型号笔误", parts_used="闭门器 FM-CL-3 ×1")
    assert amendment.changes == {"parts_used": {"before": "闭门器 FM-CL-2 ×1", "after": "闭门器 FM-CL-3 ×1"}}
    visit.refresh_from_db()
    assert visit.parts_used == "闭门器 FM-CL-2 ×1"
    assert visit.amended_values()["parts_used"] == "闭门器 FM-CL-3 ×1"
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.VISIT_AMENDED)
    assert event.data["amendment"] == amendment.pk and event.body == "配件型号笔误"


def test_amendment_needs_a_reason_a_real_change_and_a_signed_record(world, ticket):
    visit = finished_visit(world, ticket)
    with pytest.raises(ServiceError) as err:
        services.amend_visit(world.desk, visit, "x", work_done="y")
    assert err.value.code == "visit_not_signed"
    services.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, "陈先生", png_bytes())
    for reason, changes, code in [("", {"work_done": "y"}, "reason_required"),
                                  ("r", {"work_done": "更换闭门器"}, "nothing_changed"),
                                  ("r", {"signer_name": "别人"}, "unknown_field")]:
        with pytest.raises(ServiceError) as err:
            services.amend_visit(world.desk, visit, reason, **changes)
        assert err.value.code == code
    with pytest.raises(PermissionDeniedError):
        services.amend_visit(world.users["customer_a"], visit, "r", work_done="y")
    assert not VisitAmendment.objects.exists()


def test_amending_a_time_stores_iso_and_reads_back_a_datetime(world, ticket):
    visit = finished_visit(world, ticket)
    services.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, "陈先生", png_bytes())
    corrected = visit.arrived_at - dt.timedelta(minutes=20)
    services.amend_visit(world.engineer, visit, "到场时间补记", arrived_at=corrected)
    assert Visit.objects.get(pk=visit.pk).amended_values()["arrived_at"] == corrected


def test_signature_needs_the_work_recorded_first(world, ticket):
    visit = visit_on_site(world, ticket)
    with pytest.raises(ServiceError) as err:
        services.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, "陈先生", png_bytes())
    assert err.value.code == "visit_not_finished"


@pytest.mark.parametrize(("data", "code"), [
    (None, "signature_required"),
    (b"GIF89a" + b"\0" * 40, "signature_not_png"),
    (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "signature_invalid"),
    ("blank", "signature_blank"),
    ("huge", "signature_too_large"),
])
def test_p10_4_drawn_signature_png_validation_errors_are_named(world, ticket, settings, data, code):
    settings.SIGNATURE_MAX_BYTES = 4096
    if data == "blank":
        data = png_bytes(blank=True)
    elif data == "huge":
        data = png_bytes() + b"\0" * 5000
    visit = finished_visit(world, ticket)
    with pytest.raises(ServiceError) as err:
        services.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, "陈先生", data)
    assert err.value.code == code and err.value.field == "signature"
    assert not Visit.objects.get(pk=visit.pk).is_signed


def test_drawn_signature_needs_the_signers_name(world, ticket):
    visit = finished_visit(world, ticket)
    with pytest.raises(ServiceError) as err:
        services.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, " ", png_bytes())
    assert err.value.code == "signer_required" and err.value.field == "signer_name"


def test_customer_confirms_from_own_account_and_a_resolved_ticket_becomes_customer_confirmed(world, ticket):
    visit = finished_visit(world, ticket)
    transition_ticket(ticket, world.engineer, "resolve", resolution="已修复")
    visit = services.sign_visit(world.users["customer_a"], visit, SignatureMethod.ACCOUNT, "")
    assert visit.signer_user == world.users["customer_a"] and visit.signer_name == "业主陈"
    ticket.refresh_from_db()
    assert ticket.status == Status.CUSTOMER_CONFIRMED


def test_account_confirmation_before_resolution_signs_but_leaves_the_ticket_on_site(world, ticket):
    visit = finished_visit(world, ticket)
    services.sign_visit(world.users["customer_a"], visit, SignatureMethod.ACCOUNT, "陈总")
    ticket.refresh_from_db()
    assert ticket.status == Status.ON_SITE


def test_customer_of_another_customer_cannot_confirm(world, ticket):
    visit = finished_visit(world, ticket)
    with pytest.raises(PermissionDeniedError):
        services.sign_visit(world.users["customer_b"], visit, SignatureMethod.ACCOUNT, "")
    with pytest.raises(PermissionDeniedError):
        services.sign_visit(world.engineer, visit, SignatureMethod.ACCOUNT, "")


def test_dealer_assignment_lets_dealer_a_staff_act_but_not_dealer_b(world, ticket):
    services.assign_ticket(world.dispatcher, ticket, dealer=world.users["dealer_a"].organisation)
    with pytest.raises(PermissionDeniedError):
        services.book_appointment(world.users["dealer_b"], ticket, soon(), "")
    visit = services.book_appointment(world.users["dealer_a"], ticket, soon(), "")
    assert visit.engineer == world.users["dealer_a"]
    services.record_arrival(world.users["dealer_a"], ticket)
    visit = services.record_departure(world.users["dealer_a"], visit, "调整门轴")
    with pytest.raises(PermissionDeniedError):
        services.sign_visit(world.users["dealer_b"], visit, SignatureMethod.DRAWN, "x", png_bytes())
    assert services.sign_visit(world.users["dealer_a"], visit, SignatureMethod.DRAWN, "陈先生", png_bytes()).is_signed


def test_p5_4_fault_report_is_recorded_and_internal_when_not_shared(world, ticket):
    services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    shared = services.write_fault_report(world.engineer, ticket, "闭门器老化", "更换闭门器", "每季度检查", True)
    internal = services.write_fault_report(world.technical, ticket, "批次质量问题", "召回", "更换供应商", False)
    events = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.FAULT_REPORT)
    assert {e.data["fault_report"]: e.internal for e in events} == {shared.pk: False, internal.pk: True}
    assert list(FaultReport.objects.visible_to(world.users["customer_a"])) == [shared]
    assert set(FaultReport.objects.visible_to(world.desk)) == {shared, internal}


def test_p5_4_fault_report_needs_cause_fix_and_prevention_and_is_not_written_by_customers(world, ticket):
    with pytest.raises(ServiceError) as err:
        services.write_fault_report(world.desk, ticket, "原因", "", "预防")
    assert err.value.code == "fix_required" and err.value.field == "fix"
    with pytest.raises(PermissionDeniedError):
        services.write_fault_report(world.users["customer_a"], ticket, "a", "b", "c")
