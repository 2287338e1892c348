"""The contracts' export columns (`shouhou export contracts`; core.spreadsheet)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from shouhou.core.spreadsheet import Column, Sheet, day, register_sheet

from .filters import ContractFilter
from .models import Contract

CONTRACTS = register_sheet(Sheet("contracts", Contract, (
    Column("合同编号", lambda k: k.number), Column("标题", lambda k: k.title),
    Column("客户编号", lambda k: k.customer.code), Column("客户名称", lambda k: k.customer.name),
    Column("服务等级", lambda k: k.service_level), Column("保修期（月）", lambda k: k.warranty_months),
    Column("保修起算", lambda k: k.get_warranty_start_rule_display()),
    Column("开始日期", lambda k: day(k.start_date)), Column("结束日期", lambda k: day(k.end_date)),
), select_related=("customer",), filterset=ContractFilter, label=gettext_lazy("contracts")))
