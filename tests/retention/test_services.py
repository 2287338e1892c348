"""Retention by record kind, as data (P13.9: service records 5 years; accounting 30 years;
personal data per PIPL): at the end, personal data is anonymised or the record deleted."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from shouhou.core.worker import default_jobs
from shouhou.customers.models import Contact
from shouhou.dispatch.models import Visit
from shouhou.notify.models import OutboxMessage
from shouhou.retention.models import RetentionRule
from shouhou.retention.services import apply_retention
from shouhou.tickets.models import Ticket
from shouhou.tickets.services import perform_action

from .conftest import EVIDENCE_MODELS, counts, sh

pytestmark = pytest.mark.django_db


def closed(world, ticket):
    """Resolve and close `ticket` through the workflow at the frozen time."""
    for user, action, extra in [(world.desk, "accept", {}),
                                (world.dispatcher, "assign", {"assignee": world.engineer.pk}),
                                (world.engineer, "resolve", {"resolution": "更换闭门器"}),
                                (world.desk, "confirm", {}), (world.desk, "close", {})]:
        ticket = perform_action(user, ticket, action, **extra)
    return ticket


def by_kind(reports):
    return {r.kind: r for r in reports}


def test_the_rules_are_seeded_as_data():
    rules = {r.kind: (r.years, r.action) for r in RetentionRule.objects.all()}
    assert rules == {"service": (5, "anonymise"), "accounting": (30, "delete"), "personal": (5, "anonymise")}


def test_a_record_within_its_five_years_is_left_alone_and_a_dry_run_changes_nothing(world, evidence, frozen):
    closed(world, evidence.ticket)  # closed 2020-03-02
    frozen.set(sh(2025, 3, 1, 9, 0))  # one day short of five years (P13.9)
    assert by_kind(apply_retention(dry_run=False))["service"].due == {"tickets": 0, "outbox messages": 0}
    frozen.set(sh(2025, 3, 3, 9, 0))
    before = counts()
    report = by_kind(apply_retention())["service"]  # dry run is the default
    assert report.due == {"tickets": 1, "outbox messages": 1} and report.done == {}
    ticket = Ticket.objects.get(pk=evidence.ticket.pk)
    assert ticket.reporter_phone == "13812345678" and counts() == before


def test_at_the_end_personal_data_is_anonymised_and_the_record_stays(world, evidence, frozen):
    closed(world, evidence.ticket)
    frozen.set(sh(2025, 3, 3, 9, 0))
    report = by_kind(apply_retention(dry_run=False))["service"]
    assert report.done["tickets"] == 1 and report.done["outbox messages"] == 1
    ticket = Ticket.objects.get(pk=evidence.ticket.pk)
    assert (ticket.reporter_name, ticket.reporter_phone, ticket.reporter_email) == ("", "", "")
    assert "13812345678" not in ticket.description and "业主陈" not in ticket.description
    assert all("13812345678" not in e.body and "业主陈" not in e.body for e in ticket.events.all())
    visit = Visit.objects.get(pk=evidence.visit.pk)
    assert visit.signer_name == "" and not visit.signature_image and "13812345678" not in visit.appointment_note
    assert visit.signed_at is not None and visit.work_done == "更换闭门器"  # the service record itself stays
    assert "13812345678" not in OutboxMessage.objects.get(pk=evidence.message.pk).body
    before = counts()
    assert by_kind(apply_retention(dry_run=False))["service"].done == {"tickets": 0, "outbox messages": 0}
    assert counts() == before  # a second run finds nothing left to do


def test_an_open_request_is_never_due_however_old(world, evidence, frozen):
    frozen.set(sh(2040, 1, 1, 9, 0))
    apply_retention(dry_run=False)
    assert Ticket.objects.get(pk=evidence.ticket.pk).reporter_phone == "13812345678"


def test_a_rule_that_says_delete_deletes_the_record_with_all_its_evidence(world, evidence, frozen):
    RetentionRule.objects.filter(kind="service").update(action="delete")
    other = world  # a second, younger request stays
    from shouhou.tickets.services import open_ticket

    frozen.set(sh(2024, 1, 1, 9, 0))
    young = closed(world, open_ticket(other.desk, title="门禁故障", serial=world.asset_a.serial_no))
    frozen.set(sh(2020, 3, 2, 9, 0))
    closed(world, evidence.ticket)
    frozen.set(sh(2025, 6, 1, 9, 0))
    report = by_kind(apply_retention(dry_run=False))["service"]
    assert report.done["tickets"] == 1
    assert {model.__name__: model.objects.count() for model in EVIDENCE_MODELS}["Visit"] == 0
    assert list(Ticket.objects.values_list("pk", flat=True)) == [young.pk]
    assert not OutboxMessage.objects.filter(pk=evidence.message.pk).exists()


def test_an_inactive_rule_is_reported_but_not_applied(world, evidence, frozen):
    closed(world, evidence.ticket)
    RetentionRule.objects.filter(kind="service").update(active=False)
    frozen.set(sh(2026, 1, 1, 9, 0))
    report = by_kind(apply_retention(dry_run=False))["service"]
    assert report.due["tickets"] == 1 and report.done == {}
    assert Ticket.objects.get(pk=evidence.ticket.pk).reporter_phone == "13812345678"


def test_contact_persons_of_a_customer_no_longer_served_are_anonymised(world, frozen):
    old = Contact.objects.create(customer=world.cust_b, name="刘经理", phone="13900001111", email="liu@example.com")
    kept = Contact.objects.create(customer=world.cust_a, name="陈主任", phone="13900002222")  # contract A runs on
    assert Contact.history.filter(id=old.pk).exclude(phone="").exists()  # the audit trail holds it too
    frozen.set(sh(2026, 1, 1, 9, 0))
    report = by_kind(apply_retention(dry_run=False))["personal"]
    assert report.done == {"contacts": 1}
    old.refresh_from_db()
    kept.refresh_from_db()
    assert (old.name, old.phone, old.email) == ("***", "", "") and kept.phone == "13900002222"
    assert not Contact.history.filter(id=old.pk).exclude(phone="").exists()  # nor in its change history


def test_the_command_dry_runs_by_default_and_reports_counts_per_kind(world, evidence, frozen):
    closed(world, evidence.ticket)
    frozen.set(sh(2025, 6, 1, 9, 0))
    out = StringIO()
    call_command("retention", stdout=out)
    summary = json.loads(out.getvalue().splitlines()[-1])
    assert summary["applied"] is False and summary["kinds"]["service"]["due"]["tickets"] == 1
    assert set(summary["kinds"]) == {"service", "accounting", "personal"}
    assert Ticket.objects.get(pk=evidence.ticket.pk).reporter_phone == "13812345678"
    out = StringIO()
    call_command("retention", "--apply", stdout=out)
    assert json.loads(out.getvalue().splitlines()[-1])["kinds"]["service"]["done"]["tickets"] == 1
    assert Ticket.objects.get(pk=evidence.ticket.pk).reporter_phone == ""


def test_the_worker_applies_retention_daily(world, evidence, frozen):
    job = {j.name: j for j in default_jobs()}["apply_retention"]
    assert job.every == 86400
    closed(world, evidence.ticket)
    frozen.set(sh(2025, 6, 1, 9, 0))
    assert job.resolve()()["service"]["tickets"] == 1
