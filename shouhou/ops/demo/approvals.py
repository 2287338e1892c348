"""Demo approvals (issue 6, "One approval flow"): repair task forms (P13.8) in each state of their
flow, submitted and decided through the services, so 我的审批 has something for the demo logins:

- waiting on step 1 (the dispatcher decides), and one waiting on step 2 (the leader decides);
- approved by both steps;
- rejected at step 1, with the reason.

Kept in its own module so moving the demo package elsewhere carries it along unchanged.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

# (findings, cause, scope, parts, cost estimate, decisions: [(login, outcome, reason)])
CASES = [
    ("现场与物业确认：三号楼消防通道防火门闭门器漏油，门扇下垂约 5 毫米。", "闭门器油封老化，铰链磨损。",
     "更换闭门器及两副铰链，调整门扇，完工后做十次启闭测试。", "闭门器 ×1，铰链 ×2", "1280.00", []),
    ("电话与业主确认：地下车库卷帘门电机过热停机。", "电机轴承损坏，限位开关失灵。",
     "更换电机轴承和限位开关，复测运行电流。", "轴承 ×2，限位开关 ×1", "2650.00",
     [("dispatcher", "approve", "")]),
    ("现场确认：门诊楼自动门感应器误动作，夜间自行开启。", "感应器受潮，控制板接触不良。",
     "更换感应器，清洁并加固控制板接插件。", "感应器 ×1", "980.00",
     [("dispatcher", "approve", "同意，按计划施工。"), ("leader", "approve", "同意。")]),
    ("现场确认：办公楼防火门门框变形，无法闭合。", "门框受外力撞击变形。",
     "整体更换门框及门扇。", "门框 ×1，门扇 ×1", "8600.00",
     [("dispatcher", "reject", "报价偏高：请先核实是否属于人为损坏、能否由责任方承担，再重新提交。")]),
]


def demo_approvals(world) -> int:
    """Write, submit and decide one repair task form per case on open demo tickets; returns how many."""
    from shouhou.approvals.services import decide_request, pending_request
    from shouhou.dispatch.repair_forms.services import create_repair_form, submit_repair_form
    from shouhou.tickets.choices import TERMINAL_STATES
    from shouhou.tickets.models import Ticket

    users = world.users
    tickets = list(Ticket.objects.exclude(status__in=TERMINAL_STATES).filter(customer__isnull=False,
                                                                              repair_forms__isnull=True)
                   .order_by("-pk")[: len(CASES)])
    today = timezone.localdate()
    for ticket, (findings, cause, scope, parts, cost, decisions) in zip(tickets, CASES, strict=False):
        form = create_repair_form(users["desk"], ticket, findings=findings, cause=cause, scope=scope, parts=parts,
                                  cost_estimate=Decimal(cost), planned_start=today + dt.timedelta(days=3),
                                  planned_end=today + dt.timedelta(days=5), project_manager=users["dispatcher"])
        submit_repair_form(users["desk"], form)
        for login, outcome, reason in decisions:
            request = pending_request(form)
            decide_request(users[login], request, outcome, reason, request.current_position)
    return min(len(tickets), len(CASES))


def purge_approvals() -> None:
    """`demo --reset`: the approval requests hang off the tickets' records (a generic relation the
    ticket purge does not follow); in a demo database every one of them goes with the tickets."""
    from shouhou.approvals.models import ApprovalDecision, ApprovalRequest, RequestStep

    for model in (ApprovalDecision, RequestStep, ApprovalRequest):
        qs = model.objects.all()
        qs._raw_delete(qs.db)
