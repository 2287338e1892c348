"""`shouhou export customers|sites|assets|contracts|tickets FILE.xlsx|FILE.csv [--as USERNAME]`.

Exports through the same scoping as every screen: with `--as`, exactly the records that user may
see (`Model.objects.visible_to(user)`); without it, as the system actor, everything.  Customers,
sites and assets are written with the headers `shouhou import` reads, so a file round-trips.
Phone numbers are written as the pages show them to that user (core.privacy.phone_for, the
`{% phone %}` tag): masked for whoever does not see them in full.  Every run is logged (ExportLog).
Times are shown in Asia/Shanghai (the project's TIME_ZONE).  CSV is UTF-8 with a BOM so that
Excel opens the Chinese text correctly.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import require
from shouhou.assets.models import Asset
from shouhou.contracts.models import Contract
from shouhou.core.errors import PermissionDeniedError
from shouhou.core.privacy import phone_for
from shouhou.core.services import log_export
from shouhou.core.spreadsheet import neutralise
from shouhou.customers.models import Customer, Site
from shouhou.tickets.models import Ticket

from .import_data import acting_user


def yes_no(value) -> str:
    return _("yes") if value else _("no")


def day(value) -> str:
    return value.isoformat() if value else ""


def moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def related(obj, *path):
    for name in path:
        obj = getattr(obj, name, None)
        if obj is None:
            return ""
    return str(obj)


class PhoneCell:
    """A column holding a customer's or reporter's phone number: the cell is the number as the
    exporting user sees it on the pages (`record` is what `{% phone value record %}` is given)."""

    def __init__(self, value, record=lambda obj: obj):
        self.value, self.record = value, record

    def __call__(self, obj, user) -> str:
        return phone_for(user, self.value(obj), self.record(obj))


def cell(getter, obj, user):
    return getter(obj, user) if isinstance(getter, PhoneCell) else getter(obj)


# kind -> (model, select_related, [(header, getter)]); headers of the first three match import_data.
EXPORTS = {
    "customers": (Customer, ("dealer",), [
        ("客户编号", lambda c: c.code), ("客户名称", lambda c: c.name),
        ("重点客户", lambda c: yes_no(c.is_key_customer)), ("经销商", lambda c: related(c, "dealer", "name")),
        ("电话", PhoneCell(lambda c: c.phone)), ("电子邮箱", lambda c: c.email), ("地址", lambda c: c.address),
        ("备注", lambda c: c.notes),
    ]),
    "sites": (Site, ("customer", "zone"), [
        ("客户编号", lambda s: s.customer.code), ("项目名称", lambda s: s.name), ("地址", lambda s: s.address),
        ("服务区域", lambda s: related(s, "zone", "code")), ("时区", lambda s: s.time_zone),
    ]),
    "assets": (Asset, ("product_model", "customer", "site"), [
        ("序列号", lambda a: a.serial_no), ("合格证号", lambda a: a.certificate_no),
        ("产品型号", lambda a: a.product_model.code), ("客户编号", lambda a: a.customer.code),
        ("项目名称", lambda a: related(a, "site", "name")), ("安装位置", lambda a: a.location),
        ("安装日期", lambda a: day(a.install_date)), ("验收日期", lambda a: day(a.acceptance_date)),
        ("保修开始", lambda a: day(a.warranty_start)), ("保修截止", lambda a: day(a.warranty_end)),
        ("备注", lambda a: a.notes),
    ]),
    "contracts": (Contract, ("customer",), [
        ("合同编号", lambda k: k.number), ("标题", lambda k: k.title), ("客户编号", lambda k: k.customer.code),
        ("客户名称", lambda k: k.customer.name), ("服务等级", lambda k: k.service_level),
        ("保修期（月）", lambda k: k.warranty_months), ("保修起算", lambda k: k.get_warranty_start_rule_display()),
        ("开始日期", lambda k: day(k.start_date)), ("结束日期", lambda k: day(k.end_date)),
    ]),
    "tickets": (Ticket, ("customer", "site", "asset", "assignee"), [
        ("工单号", lambda t: t.number), ("标题", lambda t: t.title), ("状态", lambda t: t.get_status_display()),
        ("故障等级", lambda t: t.get_severity_display()), ("服务等级", lambda t: t.service_level),
        ("客户", lambda t: related(t, "customer", "name")), ("项目", lambda t: related(t, "site", "name")),
        ("设备序列号", lambda t: related(t, "asset", "serial_no")),
        ("工程师", lambda t: t.assignee.display_name if t.assignee_id else ""),
        ("待核实", lambda t: yes_no(t.unverified)), ("登记时间", lambda t: moment(t.created_at)),
        ("解决时间", lambda t: moment(t.resolved_at)), ("关闭时间", lambda t: moment(t.closed_at)),
    ]),
}


def scoped_rows(kind: str, user):
    """The records of `kind` that `user` may see (all for the system actor), oldest id first.

    Exporting needs "data.export" (accounts.permissions); customer users export nothing here.
    """
    require(user, "data.export", message=_("You may not export data."))
    model, select, _columns = EXPORTS[kind]
    queryset = model.objects.visible_to(user)
    return queryset.select_related(*select).order_by("pk")


def write_file(path: Path, header: list[str], rows) -> int:
    """Write `rows` under `header`; every text cell is neutralised (no formula runs on opening)."""
    count = 0
    rows = ([neutralise(cell) for cell in row] for row in rows)
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)  # streams rows: exports of a million tickets stay small in memory
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count


class Command(BaseCommand):
    help = (
        "Export customers, sites, assets, contracts or tickets to .xlsx or .csv, scoped to --as USERNAME "
        "(default: everything, for an operator).  Customer, site and asset files use the headers "
        "`shouhou import` reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(EXPORTS))
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", help="Export only what this user may see.")

    def handle(self, kind, file, username=None, **options):
        path = Path(file)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError(_("Unsupported file type %(suffix)s: use .xlsx or .csv.") % {"suffix": path.suffix})
        with translation.override(settings.LANGUAGE_CODE):
            user = acting_user(username)
            _model, _select, columns = EXPORTS[kind]
            try:
                records = scoped_rows(kind, user)
            except PermissionDeniedError as refused:
                raise CommandError(str(refused.message)) from refused
            rows = ([cell(getter, obj, user) for _h, getter in columns] for obj in records.iterator(2000))
            count = write_file(path, [h for h, _g in columns], rows)
            log_export(user, model=_model, filters={"kind": kind, "as": username or None}, rows=count,
                       channel="cli", destination=path.name)  # PIPL: exports of personal data are logged
            self.stdout.write(_("Exported %(count)s row(s) to %(path)s.") % {"count": count, "path": path})
