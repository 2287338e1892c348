"""The permission matrix walked against the API for every role (issue 6, "Permissions declared once").

For each role and each action the API exposes, the request is made twice:
- on a record inside every scope (ticket_a and customer A's records): declared → not 403,
  refused → 403 with the one refusal code;
- on a record outside every scope but "all" (customer B's): declared with a narrower scope → 404
  (or 400 naming the field, for a reference in the body), never the record.
The expectations are read from accounts.permissions.RIGHTS, so the walk follows the declaration
and fails wherever an endpoint disagrees with it.
"""

from __future__ import annotations

import pytest

from shouhou.accounts import permissions
from shouhou.accounts.choices import Role
from shouhou.core.errors import REFUSED


def _version(obj):
    obj.refresh_from_db()
    return obj.version


# action → how to ask the API: (method, url(world, side), body(world, side), body_reference)
# `side` is "in" (a record inside every scope) or "out" (customer B's record).
def _pick(world, side, a, b):
    return getattr(world, a if side == "in" else b)


PROBES = {
    "customer.view": ("get", lambda w, s: f"/api/v1/customers/{_pick(w, s, 'cust_a', 'cust_b').pk}/", None, False),
    "customer.change": ("patch", lambda w, s: f"/api/v1/customers/{_pick(w, s, 'cust_a', 'cust_b').pk}/",
                        lambda w, s: {"notes": "走访记录", "version": _version(_pick(w, s, "cust_a", "cust_b"))},
                        False),
    "productmodel.change": ("patch", lambda w, s: f"/api/v1/product-models/{w.door.pk}/",
                            lambda w, s: {"category": "防火门（甲级）", "version": _version(w.door)}, False),
    "asset.view": ("get", lambda w, s: f"/api/v1/assets/{_pick(w, s, 'asset_a', 'asset_b').pk}/", None, False),
    "asset.change": ("patch", lambda w, s: f"/api/v1/assets/{_pick(w, s, 'asset_a', 'asset_b').pk}/",
                     lambda w, s: {"location": "三楼东侧", "version": _version(_pick(w, s, "asset_a", "asset_b"))},
                     False),
    "asset.change_warranty": (
        "patch", lambda w, s: f"/api/v1/assets/{_pick(w, s, 'asset_a', 'asset_b').pk}/",
        lambda w, s: {"acceptance_date": "2026-02-01", "reason": "验收报告日期更正",
                      "version": _version(_pick(w, s, "asset_a", "asset_b"))}, False),
    "contract.view": ("get", lambda w, s: f"/api/v1/contracts/{_pick(w, s, 'contract_a', 'contract_b').pk}/",
                      None, False),
    "contract.change": ("patch", lambda w, s: f"/api/v1/contracts/{_pick(w, s, 'contract_a', 'contract_b').pk}/",
                        lambda w, s: {"title": "维保合同（续）",
                                      "version": _version(_pick(w, s, "contract_a", "contract_b"))}, False),
    "ticket.view": ("get", lambda w, s: f"/api/v1/tickets/{_pick(w, s, 'ticket_a', 'ticket_b').pk}/", None, False),
    "ticket.open": ("post", lambda w, s: "/api/v1/tickets/", lambda w, s: {"title": "门禁无法开启"}, False),
    "ticket.edit": ("patch", lambda w, s: f"/api/v1/tickets/{_pick(w, s, 'ticket_a', 'ticket_b').pk}/",
                    lambda w, s: {"title": "防火门闭门器失灵（复核）",
                                  "version": _version(_pick(w, s, "ticket_a", "ticket_b"))}, False),
    "ticket.reply": ("post", lambda w, s: f"/api/v1/tickets/{_pick(w, s, 'ticket_a', 'ticket_b').pk}/comments/",
                     lambda w, s: {"body": "明早九点上门。", "internal": False}, False),
    "ticket.note": ("post", lambda w, s: f"/api/v1/tickets/{_pick(w, s, 'ticket_a', 'ticket_b').pk}/comments/",
                    lambda w, s: {"body": "备件需从仓库调拨。", "internal": True}, False),
    "ticket.fault_report": ("post", lambda w, s: "/api/v1/fault-reports/",
                            lambda w, s: {"ticket": _pick(w, s, "ticket_a", "ticket_b").pk, "cause": "闭门器油封老化",
                                          "fix": "更换闭门器", "prevention": "每季度检查油封"}, True),
    "engineer.view": ("get", lambda w, s: "/api/v1/engineers/", None, False),
    "plan.view": ("get", lambda w, s: "/api/v1/service-plans/compliance/", None, False),
}
ROLES = [role for role in Role if role != Role.SYSTEM]
PERSONA = {
    Role.SERVICE_DESK: "desk", Role.DISPATCHER: "dispatcher", Role.ENGINEER: "engineer",
    Role.TECHNICAL: "technical", Role.COMPLAINT_DESK: "complaint_desk", Role.FINANCE: "finance",
    Role.LEADERSHIP: "leadership", Role.BRANCH_MANAGER: "branch_manager", Role.DEALER_STAFF: "dealer_a",
    Role.CUSTOMER_USER: "customer_a", Role.ADMIN: "admin",
}
NEEDS_OBJECT = {"customer.view", "customer.change", "asset.view", "asset.change", "asset.change_warranty",
                "contract.view", "contract.change", "ticket.view", "ticket.edit", "ticket.reply", "ticket.note",
                "ticket.fault_report"}
VIEW_OF = {"customer": "customer.view", "asset": "asset.view", "contract": "contract.view", "ticket": "ticket.view"}


@pytest.fixture
def matrix_world(org_world):
    from shouhou.contracts.models import Contract

    org_world.contract_b = Contract.objects.create(number="HT-2026-002", title="西岭医院维保",
                                                   customer=org_world.cust_b, start_date=org_world.contract_a.start_date)
    return org_world


def _ask(client, world, action, side):
    method, url, body, _reference = PROBES[action]
    data = body(world, side) if body else None
    return getattr(client, method)(url(world, side), data, format="json")


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_every_role_gets_exactly_its_declared_rights_and_scopes_from_the_api(matrix_world, client_as, role):
    """Issue 6: one test walks role × action × scope against the API."""
    client = client_as(PERSONA[role])
    wrong = []
    for action in PROBES:
        scope = permissions.RIGHTS[role].get(action)
        inside = _ask(client, matrix_world, action, "in")
        if scope is None:
            if inside.status_code != 403 or inside.data.get("code") != REFUSED:
                wrong.append(f"{action} (refused) on an in-scope record: {inside.status_code} {inside.data}")
            continue
        if inside.status_code in (403, 404):
            wrong.append(f"{action} ({scope}) on an in-scope record: {inside.status_code} {inside.data}")
        if action not in NEEDS_OBJECT or scope == permissions.ALL:
            continue
        outside = _ask(client, matrix_world, action, "out")
        view_scope = permissions.RIGHTS[role].get(VIEW_OF[action.split(".")[0]] if action.split(".")[0] in VIEW_OF
                                                  else "ticket.view")
        expected = 403 if view_scope == permissions.ALL else (400 if PROBES[action][3] else 404)
        if outside.status_code != expected:
            wrong.append(f"{action} ({scope}) on an out-of-scope record: {outside.status_code}, expected {expected}")
    assert wrong == []


def test_the_walk_covers_every_role_and_the_api_facing_actions():
    """The walk must not silently skip a role or an action named in the declaration."""
    assert set(PERSONA) == set(ROLES) == set(permissions.RIGHTS) - {Role.SYSTEM}
    assert set(PROBES) <= set(permissions.BY_NAME)
