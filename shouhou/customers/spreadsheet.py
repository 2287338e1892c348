"""The customers' and sites' spreadsheet columns (`shouhou import` / `shouhou export`; core.spreadsheet).

Export headers are the first accepted import headers, so an exported file imports again.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.accounts.choices import OrganisationKind
from shouhou.accounts.models import Organisation
from shouhou.core.services import visible
from shouhou.core.spreadsheet import (
    Column,
    RowError,
    Sheet,
    optional_text,
    parse_bool,
    parse_phone,
    register_sheet,
    related,
    text,
    yes_no,
)

from . import services
from .filters import ContactFilter, CustomerFilter, SiteFilter
from .models import Contact, Customer, ServiceZone, Site


def customer_by_code(value, cells, user):
    """A customer the acting user can see, named by its customer no. (empty: none)."""
    code = text(value)
    if not code:
        return None
    customer = visible(Customer, user).filter(code=code).first()
    if customer is None:
        raise RowError("customer", _("unknown customer no. %(code)s") % {"code": code})
    return customer


def dealer_by_name(value, cells, user):
    name = text(value)
    if not name:
        return None
    dealer = Organisation.objects.filter(kind=OrganisationKind.DEALER, name=name).first()
    if dealer is None:
        raise RowError("dealer", _("unknown dealer %(name)s") % {"name": name})
    return dealer


def zone_by_code_or_name(value, cells, user):
    name = text(value)
    if not name:
        return None
    zone = ServiceZone.objects.filter(code=name).first() or ServiceZone.objects.filter(name=name).first()
    if zone is None:
        raise RowError("zone", _("unknown service zone %(name)s") % {"name": name})
    return zone


CUSTOMERS = register_sheet(Sheet("customers", Customer, (
    Column("客户编号", lambda c: c.code, "code", ("customer no.", "code"), required=True),
    Column("客户名称", lambda c: c.name, "name", ("名称", "name"), required=True),
    Column("重点客户", lambda c: yes_no(c.is_key_customer), "is_key_customer", ("key customer",),
           parse_bool("is_key_customer")),
    Column("经销商", lambda c: related(c, "dealer", "name"), "dealer", ("dealer",), dealer_by_name),
    Column("电话", lambda c: c.phone, "phone", ("phone",), parse_phone("phone"), phone=True),
    Column("电子邮箱", lambda c: c.email, "email", ("邮箱", "e-mail", "email")),
    Column("地址", lambda c: c.address, "address", ("address",)),
    Column("备注", lambda c: c.notes, "notes", ("notes",)),
), select_related=("dealer",), create=services.create_customer,
    key=("code",), update=lambda user, customer, data: services.update_customer(user, customer, data, customer.version),
    filterset=CustomerFilter, label=gettext_lazy("customers")))

SITES = register_sheet(Sheet("sites", Site, (
    Column("客户编号", lambda s: s.customer.code, "customer", ("customer no.", "customer"), customer_by_code,
           required=True),
    Column("项目名称", lambda s: s.name, "name", ("名称", "site", "name"), required=True),
    Column("地址", lambda s: s.address, "address", ("address",)),
    # Where the site lies: a plan's zone rules place a site without a hand-set zone by these (issue 8).
    Column("省份", lambda s: s.province, "province", ("省", "province")),
    Column("城市", lambda s: s.city, "city", ("市", "city")),
    Column("区县", lambda s: s.district, "district", ("区", "县", "district")),
    Column("服务区域", lambda s: related(s, "zone", "code"), "zone", ("service zone", "zone"), zone_by_code_or_name),
    Column("时区", lambda s: s.time_zone, "time_zone", ("time zone",), optional_text),  # empty: Asia/Shanghai
), select_related=("customer", "zone"), create=services.create_site,
    key=("customer", "name"), update=lambda user, site, data: services.update_site(user, site, data, site.version),
    filterset=SiteFilter, label=gettext_lazy("sites")))


def site_of_customer(value, cells, user):
    """A contact's site, named by its name among the sites of the row's customer (empty: none)."""
    name = text(value)
    if not name:
        return None
    customer = customer_by_code(cells.get("customer"), cells, user)
    site = Site.objects.visible_to(user).filter(customer=customer, name=name).first() if customer else None
    if site is None:
        raise RowError("site", _("unknown site %(name)s") % {"name": name})
    return site


CONTACTS = register_sheet(Sheet("contacts", Contact, (
    Column("客户编号", lambda c: c.customer.code, "customer", ("customer no.", "customer"), customer_by_code,
           required=True),
    Column("姓名", lambda c: c.name, "name", ("联系人", "name"), required=True),
    Column("职务", lambda c: c.title, "title", ("job title", "title")),
    Column("电话", lambda c: c.phone, "phone", ("手机", "phone"), parse_phone("phone"), phone=True),
    Column("电子邮箱", lambda c: c.email, "email", ("邮箱", "e-mail", "email")),
    Column("项目名称", lambda c: related(c, "site", "name"), "site", ("项目", "site"), site_of_customer),
    Column("主要联系人", lambda c: yes_no(c.is_primary), "is_primary", ("primary contact", "primary"),
           parse_bool("is_primary")),
), select_related=("customer", "site"), create=services.create_contact,
    key=("customer", "name"),
    update=lambda user, contact, data: services.update_contact(user, contact, data, contact.version),
    filterset=ContactFilter, label=gettext_lazy("contacts")))
