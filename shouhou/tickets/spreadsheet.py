"""The service requests' export columns (`shouhou export tickets`; core.spreadsheet)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from shouhou.core.spreadsheet import Column, Sheet, moment, register_sheet, related, yes_no

from .filters import TicketFilter
from .models import Ticket

TICKETS = register_sheet(Sheet("tickets", Ticket, (
    Column("工单号", lambda t: t.number), Column("标题", lambda t: t.title),
    Column("状态", lambda t: t.get_status_display()), Column("故障等级", lambda t: t.get_severity_display()),
    Column("服务等级", lambda t: t.service_level),
    Column("客户", lambda t: related(t, "customer", "name")), Column("项目", lambda t: related(t, "site", "name")),
    Column("设备序列号", lambda t: related(t, "asset", "serial_no")),
    Column("工程师", lambda t: t.assignee.display_name if t.assignee_id else ""),
    Column("待核实", lambda t: yes_no(t.unverified)), Column("登记时间", lambda t: moment(t.created_at)),
    Column("解决时间", lambda t: moment(t.resolved_at)), Column("关闭时间", lambda t: moment(t.closed_at)),
), select_related=("customer", "site", "asset", "assignee"), filterset=TicketFilter,
    label=gettext_lazy("service requests")))
