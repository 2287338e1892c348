"""The charging app's spreadsheets (core.spreadsheet): the part catalogue (`shouhou import parts`)
and price list lines (exported by `shouhou export price_list_lines`; imported as a new version of
one price list from its page or the API, services.import_price_list)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from shouhou.core.spreadsheet import Column, RowError, Sheet, day, parse_decimal, register_sheet, text

from .choices import VatKind
from .models import Part, PriceListLine
from .services import create_part

# The words a price list commonly writes for a VAT kind (税目).
VAT_WORDS = {"货物": VatKind.GOODS, "配件": VatKind.GOODS, "材料": VatKind.GOODS, "修理修配": VatKind.REPAIR,
             "维修": VatKind.REPAIR, "安装": VatKind.INSTALLATION, "安装服务": VatKind.INSTALLATION,
             "信息技术服务": VatKind.IT_SERVICE, "现代服务": VatKind.IT_SERVICE, "小规模": VatKind.SMALL_SCALE}


def parse_vat_kind(value, cells, user):
    """A VAT kind by its code, a common word (货物, 修理修配, 安装服务 …) or its name in either
    language; empty: goods."""
    word = text(value).lower()
    if not word:
        return None
    if word in VAT_WORDS:
        return VAT_WORDS[word]
    for kind, label in VatKind.choices:
        if word in (kind, str(label).lower()):
            return kind
    from django.utils import translation

    for language in ("zh-hans", "en"):
        with translation.override(language):
            for kind, label in VatKind.choices:
                if word == str(label).lower():
                    return kind
    raise RowError("vat_kind", _("unknown VAT kind %(value)s") % {"value": text(value)})


PART_COLUMNS = (
    Column("备件编码", lambda p: p.code, "code", ("part no.", "code"), required=True),
    Column("名称", lambda p: p.name, "name", ("name",)),
    Column("单位", lambda p: p.unit, "unit", ("unit",)),
    Column("税目", lambda p: p.get_vat_kind_display(), "vat_kind", ("vat kind",), parse_vat_kind),
)

PARTS = register_sheet(Sheet("parts", Part, PART_COLUMNS, create=create_part))

PRICE_LIST_LINES = register_sheet(Sheet("price_list_lines", PriceListLine, (
    Column("备件编码", lambda line: line.part.code, "code", ("part no.", "code"), required=True),
    Column("名称", lambda line: line.part.name, "name", ("name",)),
    Column("单位", lambda line: line.part.unit, "unit", ("unit",)),
    Column("税目", lambda line: line.part.get_vat_kind_display(), "vat_kind", ("vat kind",), parse_vat_kind),
    Column("含税单价", lambda line: line.unit_price, "unit_price", ("unit price", "price"),
           parse_decimal("unit_price"), required=True),
    Column("成本价", lambda line: line.unit_cost, "unit_cost", ("unit cost", "cost"), parse_decimal("unit_cost")),
    Column("价目表", lambda line: line.version.price_list.code, aliases=("price list",)),
    Column("版本", lambda line: line.version.number, aliases=("version",)),
    Column("生效日期", lambda line: day(line.version.effective_from), aliases=("effective from",)),
), select_related=("part", "version__price_list")))
