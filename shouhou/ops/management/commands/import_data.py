"""`shouhou import customers|sites|assets FILE [--dry-run] [--as USERNAME]`.

Reads .xlsx (first sheet) or .csv (UTF-8 with or without BOM; GB18030/GBK as a fallback).  The
first row holds the column headers, in Chinese or English (see COLUMNS and docs/import.md).
Every row goes through the same service as the web form and the API, so the same validation
applies.  All rows are imported in one transaction: if any row is bad, nothing is imported, each
bad row is reported with its line number and reason, and the command exits with status 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from shouhou.accounts.choices import OrganisationKind, Role
from shouhou.accounts.models import Organisation, User
from shouhou.accounts.permissions import system_user
from shouhou.assets import services as asset_services
from shouhou.assets.models import Asset, ProductModel
from shouhou.core.errors import ServiceError
from shouhou.core.spreadsheet import restore
from shouhou.customers import services as customer_services
from shouhou.customers.models import Customer, ServiceZone, Site

# field -> accepted headers (case-insensitive); the first one is what `shouhou export` writes.
COLUMNS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "customers": [
        ("code", ("客户编号", "customer no.", "code")),
        ("name", ("客户名称", "名称", "name")),
        ("is_key_customer", ("重点客户", "key customer")),
        ("dealer", ("经销商", "dealer")),
        ("phone", ("电话", "phone")),
        ("email", ("电子邮箱", "邮箱", "e-mail", "email")),
        ("address", ("地址", "address")),
        ("notes", ("备注", "notes")),
    ],
    "sites": [
        ("customer", ("客户编号", "customer no.", "customer")),
        ("name", ("项目名称", "名称", "site", "name")),
        ("address", ("地址", "address")),
        ("zone", ("服务区域", "service zone", "zone")),
        ("time_zone", ("时区", "time zone")),
    ],
    "assets": [
        ("serial_no", ("序列号", "serial no.", "serial")),
        ("certificate_no", ("合格证号", "certificate no.")),
        ("product_model", ("产品型号", "型号", "product model", "model no.")),
        ("customer", ("客户编号", "customer no.", "customer")),
        ("site", ("项目名称", "项目", "site")),
        ("location", ("安装位置", "location on site", "location")),
        ("install_date", ("安装日期", "install date")),
        ("acceptance_date", ("验收日期", "acceptance date")),
        ("notes", ("备注", "notes")),
    ],
}
# Derived columns `shouhou export` writes; accepted and ignored so an exported file imports again.
DERIVED = {"assets": {"保修开始", "保修截止", "warranty start", "warranty end"}}
REQUIRED = {"customers": {"code", "name"}, "sites": {"customer", "name"}, "assets": {"serial_no", "product_model"}}
MODELS = {"customers": Customer, "sites": Site, "assets": Asset}
CREATE = {
    "customers": customer_services.create_customer,
    "sites": customer_services.create_site,
    "assets": asset_services.create_asset,
}
TRUE = {"是", "y", "yes", "true", "1", "√", "x"}
FALSE = {"否", "n", "no", "false", "0", ""}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class RowError(Exception):
    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


def read_rows(path: Path) -> list[list]:
    """All rows of the first sheet (.xlsx) or of the .csv, as lists of cell values."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    if path.suffix.lower() == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")  # Excel on Chinese Windows saves CSV as GBK
        return list(csv.reader(io.StringIO(text)))
    raise CommandError(_("Unsupported file type %(suffix)s: use .xlsx or .csv.") % {"suffix": path.suffix})


def header_map(kind: str, header: list) -> dict[int, str]:
    """Column index -> field name; unknown headers are an error (a typo would silently drop data)."""
    aliases = {alias.lower(): field for field, names in COLUMNS[kind] for alias in names}
    mapping, unknown = {}, []
    for index, cell in enumerate(header):
        name = str(cell or "").strip().rstrip("*").strip().lower()
        if not name or name in DERIVED.get(kind, ()):
            continue
        if name not in aliases:
            unknown.append(str(cell))
        else:
            mapping[index] = aliases[name]
    missing = REQUIRED[kind] - set(mapping.values())
    if unknown or missing:
        labels = [COLUMNS_LABEL(kind, field) for field in sorted(missing)]
        raise CommandError(
            _("Line 1 (headers): unknown columns %(unknown)s; missing columns %(missing)s.")
            % {"unknown": "、".join(unknown) or "—", "missing": "、".join(labels) or "—"}
        )
    return mapping


def COLUMNS_LABEL(kind: str, field: str) -> str:  # noqa: N802 - reads as a table lookup
    return dict(COLUMNS[kind])[field][0]


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores "1001" typed as a number as 1001.0
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    return str(restore(value)).strip()


class Converter:
    """Turns one row's cells into service input, resolving references the acting user can see."""

    def __init__(self, user):
        self.user = user

    def visible(self, model):
        return customer_services.visible(model, self.user)

    def convert(self, kind: str, cells: dict[str, object]) -> dict:
        data = {}
        for field, value in cells.items():
            handler = getattr(self, f"{kind}_{field}", None) or getattr(self, f"any_{field}", None)
            converted = handler(value, cells) if handler else text(value)
            if converted is not None:
                data[field] = converted
        return data

    def any_is_key_customer(self, value, cells):
        word = text(value).lower()
        if word in TRUE or word in FALSE:
            return word in TRUE
        raise RowError("is_key_customer", _("write 是 or 否, not %(value)s") % {"value": text(value)})

    def customers_dealer(self, value, cells):
        name = text(value)
        if not name:
            return None
        dealer = Organisation.objects.filter(kind=OrganisationKind.DEALER, name=name).first()
        if dealer is None:
            raise RowError("dealer", _("unknown dealer %(name)s") % {"name": name})
        return dealer

    def any_customer(self, value, cells):
        code = text(value)
        if not code:
            return None
        customer = self.visible(Customer).filter(code=code).first()
        if customer is None:
            raise RowError("customer", _("unknown customer no. %(code)s") % {"code": code})
        return customer

    def sites_zone(self, value, cells):
        name = text(value)
        if not name:
            return None
        zone = ServiceZone.objects.filter(code=name).first() or ServiceZone.objects.filter(name=name).first()
        if zone is None:
            raise RowError("zone", _("unknown service zone %(name)s") % {"name": name})
        return zone

    def sites_time_zone(self, value, cells):
        return text(value) or None  # empty: the model's default (Asia/Shanghai)

    def assets_product_model(self, value, cells):
        code = text(value)
        model = ProductModel.objects.filter(code=code).first() if code else None
        if model is None:
            raise RowError("product_model", _("unknown product model %(code)s") % {"code": code})
        return model

    def assets_site(self, value, cells):
        name = text(value)
        if not name:
            return None
        sites = self.visible(Site).filter(name=name)
        customer = self.any_customer(cells.get("customer"), cells)
        if customer is not None:
            sites = sites.filter(customer=customer)
        found = list(sites[:2])
        if len(found) != 1:
            message = _("unknown site %(name)s") if not found else _("site %(name)s is ambiguous: add the customer no.")
            raise RowError("site", message % {"name": name})
        return found[0]

    def any_install_date(self, value, cells, field="install_date"):
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text(value), fmt).date()  # noqa: DTZ007 - a calendar date
            except ValueError:
                continue
        raise RowError(field, _("not a date: %(value)s (write 2026-01-31)") % {"value": text(value)})

    def any_acceptance_date(self, value, cells):
        return self.any_install_date(value, cells, "acceptance_date")


class Command(BaseCommand):
    help = (
        "Import customers, sites or assets from .xlsx or .csv.  Headers (Chinese or English): "
        + " | ".join(
            f"{kind}: " + ", ".join(f"{names[0]}/{next(n for n in names if n.isascii())}" for _f, names in cols)
            for kind, cols in COLUMNS.items()
        )
        + ".  Sites name their customer by 客户编号; assets their product model by 产品型号 (code) and their "
        "site by 项目名称 (with 客户编号 when names repeat).  Bad rows are reported by line number; if any "
        "row is bad nothing is imported and the exit status is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(COLUMNS))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Validate every row, import nothing.")
        parser.add_argument("--as", dest="username", help="Act as this user (scoping and rights); default: the system actor.")

    def handle(self, kind, file, dry_run=False, username=None, **options):
        with translation.override(settings.LANGUAGE_CODE):
            return self.run(kind, Path(file), dry_run, username)

    def run(self, kind, path, dry_run, username):
        if not path.exists():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = acting_user(username)
        rows = read_rows(path)
        if not rows:
            raise CommandError(_("The file is empty."))
        mapping = header_map(kind, rows[0])
        converter = Converter(user)
        errors, created = [], 0
        with transaction.atomic():
            for line, row in enumerate(rows[1:], start=2):
                cells = {field: row[index] if index < len(row) else None for index, field in mapping.items()}
                if all(text(v) == "" for v in cells.values()):
                    continue
                try:
                    with transaction.atomic():
                        CREATE[kind](user, converter.convert(kind, cells))
                    created += 1
                except RowError as exc:
                    errors.append((line, exc.field, exc.message))
                except ServiceError as exc:
                    errors.append((line, exc.field, str(exc.message)))
                except ValidationError as exc:
                    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
                    errors.extend((line, field, " ".join(messages)) for field, messages in items)
            if errors or dry_run:
                transaction.set_rollback(True)
        for line, field, message in errors:
            self.stderr.write(_("Line %(line)s: %(field)s: %(message)s") % {
                "line": line, "field": field_label(kind, field), "message": message})
        if errors:
            raise CommandError(
                _("%(bad)s bad row(s); nothing was imported.") % {"bad": len({e[0] for e in errors})}, returncode=1
            )
        if dry_run:
            self.stdout.write(_("Dry run: %(count)s row(s) are valid; nothing was imported.") % {"count": created})
        else:
            self.stdout.write(_("Imported %(count)s row(s).") % {"count": created})


def acting_user(username):
    """The user whose rights and scope apply; the system actor (an operator's run) without --as."""
    if not username:
        return system_user()
    user = User.objects.filter(username=username, is_active=True).exclude(role=Role.SYSTEM).first()
    if user is None:
        raise CommandError(_("No active user %(name)s.") % {"name": username})
    return user


def field_label(kind: str, field: str | None) -> str:
    """A field's name as people know it: the model's (translated) verbose name."""
    if not field or field in ("__all__", "id"):
        return _("row")
    try:
        return str(MODELS[kind]._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a service may name an input that is not a model field
        return field
