"""Cells that a spreadsheet would run as a formula are written as text (CSV/formula injection).

Excel, LibreOffice and WPS treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after
trimming, one that starts with a tab or carriage return) as a formula: an exported ticket title
``=HYPERLINK("http://…","点此")`` would become a live link, and DDE payloads can run commands.
Every exported text cell goes through `neutralise`, which prefixes such a value with an
apostrophe — the spreadsheet's own "this is text" marker, shown by no spreadsheet.  Importing
takes the apostrophe off again (`restore`), so an exported file imports unchanged.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """`value` unchanged unless it is a string a spreadsheet would evaluate; then "'" + value."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def restore(value):
    """The inverse of `neutralise` for an imported cell."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value
