"""The service plan the intake benchmarks run under: every clock running on every report.

Issue 9 measures intake "with a service plan of at least four targets and escalations on the
contract".  The demo's seed plans give a report two or three clocks (their targets are scoped
by severity, service level or warranty), so the benchmark database gets a template `BENCH`
whose five targets apply to every report — wall-clock and working-time units, so both meters
are exercised — with four escalation rules, and every demo contract that has no tickets yet is
moved onto a copy of it.  Contracts that already carry tickets keep their plan (moving them
would recompute their clocks, which is not what the intake benchmark measures).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

BENCH_SOURCE = "BENCH"
TARGETS = [  # (kind, name, amount, unit, start, stop)
    ("callback", "30 分钟内回复", "30", "minutes", "received", "contacted"),
    ("response", "2 小时内响应", "2", "hours", "received", "accepted"),
    ("arrival", "4 个工作小时内到场", "4", "working_hours", "received", "arrived"),
    ("solution", "8 小时内提出方案", "8", "hours", "received", "solution_proposed"),
    ("resolution", "3 个工作日内解决", "3", "working_days", "received", "resolved"),
]
ESCALATIONS = [  # (name, level, trigger, share, offset, action)
    ("75% 用时预警", 1, "share", Decimal("0.75"), None, "notify_assignee"),
    ("90% 用时预警", 1, "share", Decimal("0.9"), None, "notify_dispatcher"),
    ("超时:通知售后经理", 2, "offset", None, 0, "notify_manager"),
    ("超时 4 小时:上报公司领导", 3, "offset", None, 240, "notify_leadership"),
]


@transaction.atomic
def ensure_bench_plan(manager) -> int:
    """Create the BENCH template once and put every contract without tickets on a copy of it;
    returns how many contracts run under it."""
    from shouhou.contracts.models import Contract
    from shouhou.sla.models import EscalationRule, ServicePlan, Target, WorkingCalendar
    from shouhou.sla.plan_templates import PENDING_CUSTOMER
    from shouhou.sla.services import create_plan_from_template

    template = ServicePlan.objects.filter(is_template=True, source=BENCH_SOURCE).first()
    if template is None:
        calendar = WorkingCalendar.objects.filter(code="cn-5x8").first()
        template = ServicePlan.objects.create(name="BENCH 五项时限(基准测试)", source=BENCH_SOURCE, is_template=True,
                                              calendar=calendar, pause_statuses=list(PENDING_CUSTOMER))
        for order, (kind, name, amount, unit, start, stop) in enumerate(TARGETS):
            Target.objects.create(plan=template, order=order, kind=kind, name=name, amount=Decimal(amount), unit=unit,
                                  start_event=start, stop_event=stop)
        for name, level, trigger, share, offset, action in ESCALATIONS:
            EscalationRule.objects.create(plan=template, name=name, level=level, trigger=trigger, share=share,
                                          offset_minutes=offset, action=action)
    for contract in Contract.objects.filter(tickets__isnull=True).distinct():
        plan = ServicePlan.objects.filter(contract=contract).first()
        if plan is not None and plan.source == BENCH_SOURCE:
            continue
        if plan is not None:  # a seed plan copied by the demo data, never used: replace it
            ServicePlan.objects.filter(line=plan).exclude(pk=plan.pk).delete()
            plan.delete()
        create_plan_from_template(manager, template, contract)
    return ServicePlan.objects.filter(source=BENCH_SOURCE, is_template=False).count()
