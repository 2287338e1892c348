"""The assets' spreadsheet columns (`shouhou import` / `shouhou export`; core.spreadsheet).

Assets name their product model by code and their site by name (with the customer no. when
names repeat).  The warranty dates are derived: exported, and ignored when a file is imported.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.services import visible
from shouhou.core.spreadsheet import Column, RowError, Sheet, day, parse_date, register_sheet, related, text
from shouhou.customers.models import Site
from shouhou.customers.spreadsheet import customer_by_code

from . import services
from .filters import AssetFilter
from .models import Asset, ProductModel


def product_model_by_code(value, cells, user):
    code = text(value)
    model = ProductModel.objects.filter(code=code).first() if code else None
    if model is None:
        raise RowError("product_model", _("unknown product model %(code)s") % {"code": code})
    return model


def site_by_name(value, cells, user):
    name = text(value)
    if not name:
        return None
    sites = visible(Site, user).filter(name=name)
    customer = customer_by_code(cells.get("customer"), cells, user)
    if customer is not None:
        sites = sites.filter(customer=customer)
    found = list(sites[:2])
    if len(found) != 1:
        message = _("unknown site %(name)s") if not found else _("site %(name)s is ambiguous: add the customer no.")
        raise RowError("site", message % {"name": name})
    return found[0]


ASSETS = register_sheet(Sheet("assets", Asset, (
    Column("序列号", lambda a: a.serial_no, "serial_no", ("serial no.", "serial"), required=True),
    Column("合格证号", lambda a: a.certificate_no, "certificate_no", ("certificate no.",)),
    Column("产品型号", lambda a: a.product_model.code, "product_model", ("型号", "product model", "model no."),
           product_model_by_code, required=True),
    Column("客户编号", lambda a: a.customer.code, "customer", ("customer no.", "customer"), customer_by_code),
    Column("项目名称", lambda a: related(a, "site", "name"), "site", ("项目", "site"), site_by_name),
    Column("安装位置", lambda a: a.location, "location", ("location on site", "location")),
    Column("安装日期", lambda a: day(a.install_date), "install_date", ("install date",), parse_date("install_date")),
    Column("验收日期", lambda a: day(a.acceptance_date), "acceptance_date", ("acceptance date",),
           parse_date("acceptance_date")),
    Column("保修开始", lambda a: day(a.warranty_start), aliases=("warranty start",)),
    Column("保修截止", lambda a: day(a.warranty_end), aliases=("warranty end",)),
    Column("备注", lambda a: a.notes, "notes", ("notes",)),
), select_related=("product_model", "customer", "site"), create=services.create_asset,
    # An update that moves the install or acceptance date needs the import's reason (warranty-defining).
    key=("serial_no",), update=lambda user, asset, data: services.update_asset(user, asset, data, asset.version),
    filterset=AssetFilter, label=gettext_lazy("assets")))
