"""When work counts as signed off for "an unsigned service record counts as not done" (issue 8)."""

from __future__ import annotations

from datetime import datetime, timedelta

from shouhou.sla.signoff import signed_off_instants

T0 = datetime(2026, 3, 2, 9, 0)


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def test_evidence_signed_off_at_the_later_of_resolution_and_signature():
    rows = [(at(0), "created", "new"), (at(30), "visit_arrived", "on_site"), (at(60), "transition", "resolved"),
            (at(90), "visit_left", None), (at(120), "visit_signed", None)]
    assert signed_off_instants(rows) == [at(120)]


def test_evidence_signature_before_resolution_signs_off_at_resolution():
    rows = [(at(30), "visit_arrived", "on_site"), (at(50), "visit_signed", None), (at(60), "transition", "resolved")]
    assert signed_off_instants(rows) == [at(60)]


def test_evidence_without_a_visit_the_customers_confirmation_signs_off():
    rows = [(at(0), "created", "new"), (at(60), "transition", "resolved"),
            (at(200), "transition", "customer_confirmed")]
    assert signed_off_instants(rows) == [at(200)]


def test_evidence_unsigned_second_visit_after_reopening_is_not_done():
    rows = [(at(30), "visit_arrived", "on_site"), (at(60), "transition", "resolved"), (at(70), "visit_signed", None),
            (at(100), "transition", "reopened"), (at(130), "visit_arrived", "on_site"),
            (at(160), "transition", "resolved")]
    assert signed_off_instants(rows) == [at(70)]
