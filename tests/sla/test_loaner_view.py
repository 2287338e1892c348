"""P13.2 / P5.5: the loaner task opened by an escalation is closed from the ticket page."""

from __future__ import annotations

from django.test import Client

from shouhou.sla.choices import LoanerStatus
from shouhou.sla.models import Clock, LoanerTask
from shouhou.sla.services import create_plan_from_template, scan_due_clocks

from .conftest import open_fault, sh, template


def loaner_ticket(world, frozen):
    create_plan_from_template(world.dispatcher, template("P5"), world.contract_a)
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 12, 1))
    scan_due_clocks()
    return ticket, LoanerTask.objects.get(ticket=ticket)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_desk_marks_the_loaner_provided_from_the_ticket_page(world, frozen):
    ticket, task = loaner_ticket(world, frozen)
    page = client_for(world.dispatcher).get(f"/tickets/{ticket.pk}/")
    assert f'data-loaner="{task.pk}"' in page.content.decode() and "提供备机" in page.content.decode()
    frozen.set(sh(2026, 3, 2, 13, 0))
    response = client_for(world.dispatcher).post(f"/sla/loaners/{task.pk}/close/",
                                                 {"provided": "1", "note": "备机 FD-X 已送达"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == LoanerStatus.DONE and "FD-X" in task.note
    assert Clock.objects.get(ticket=ticket, kind="loaner").state == "met"


def test_a_customer_cannot_close_a_loaner_task(world, frozen):
    ticket, task = loaner_ticket(world, frozen)
    page = client_for(world.customer_a).get(f"/tickets/{ticket.pk}/")
    assert f'/sla/loaners/{task.pk}/close/' not in page.content.decode()
    client_for(world.customer_a).post(f"/sla/loaners/{task.pk}/close/", {"provided": "1"})
    task.refresh_from_db()
    assert task.status == LoanerStatus.OPEN


def test_another_dealers_staff_get_404_for_the_task(world, frozen):
    _ticket, task = loaner_ticket(world, frozen)
    response = client_for(world.dealer_b).post(f"/sla/loaners/{task.pk}/close/", {"provided": "0"})
    assert response.status_code == 404
