"""The only code that changes product models and assets (units).

Same rules as customers.services: the acting user comes first (the system actor for CLI runs),
one transaction per call, ServiceError / PermissionDeniedError (403) / ConflictError (409) on
refusal.  Rights come from accounts.permissions: "productmodel.change" (the desk), "asset.change"
(the desk; dealer staff for their own customers, P6.1) and "asset.change_warranty" — install and
acceptance dates define a warranty (P8.3, P13.1), so once a unit is registered only the roles that
own them change them, with a reason (issue 6: a dealer moved an acceptance date and silently
extended a warranty by 17 months).  The reason goes to `_change_reason` for the audit history.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import audit
from shouhou.core.errors import ServiceError
from shouhou.core.services import pick, require, require_reason, require_visible
from shouhou.core.versioning import save_versioned
from shouhou.customers.models import Customer, Site

from .models import Asset, ProductModel
from .signals import warranty_terms as warranty_terms_signal
from .warranty import FROM_ACCEPTANCE, warranty_period

PRODUCT_MODEL_FIELDS = ("code", "name", "category", "default_warranty_months")
# Fields that define a unit's warranty: changing them needs "asset.change_warranty" and a reason.
WARRANTY_FIELDS = ("install_date", "acceptance_date")
ASSET_FIELDS = (
    "serial_no", "certificate_no", "product_model", "customer", "site", "location",
    "install_date", "acceptance_date", "notes",
)


@transaction.atomic
def create_product_model(user, data: dict) -> ProductModel:
    """Add a product model to the catalogue (desk roles only)."""
    require(user, "productmodel.change")
    product_model = audit.stamp(ProductModel(**pick(data, PRODUCT_MODEL_FIELDS)), user, data.get("reason"))
    product_model.full_clean()
    product_model.save()
    return product_model


@transaction.atomic
def update_product_model(user, product_model: ProductModel, data: dict, version: int | None,
                         reason: str = "") -> ProductModel:
    """Change a product model; its default warranty applies to units no contract covers, so a new
    default needs a `reason` (the change reason of its history)."""
    require(user, "productmodel.change", product_model)
    fields = pick(data, PRODUCT_MODEL_FIELDS)
    reason = (reason or data.get("reason") or "").strip()
    if "default_warranty_months" in fields and fields["default_warranty_months"] != product_model.default_warranty_months:
        reason = require_reason(reason)
    audit.stamp(product_model, user, reason)
    product_model = save_versioned(product_model, version, fields)
    if "default_warranty_months" in data:
        why = _("Default warranty of product model %(model)s changed.") % {"model": product_model.code}
        for asset in product_model.asset_set.select_related("product_model"):
            refresh_asset_warranty(audit.stamp(asset, user, why))
    return product_model


def _resolve_customer(user, fields: dict, asset: Asset | None = None) -> dict:
    """A unit's customer is its site's customer; with no site it must be named (and visible)."""
    site = fields.get("site", asset.site if asset else None)
    require_visible(user, Site, fields.get("site"), "site")
    require_visible(user, Customer, fields.get("customer"), "customer")
    if site is not None:
        given = fields.get("customer")
        if given is not None and given.pk != site.customer_id:
            raise ServiceError("site_customer_mismatch", _("The site belongs to another customer."), "site")
        fields["customer"] = site.customer
    elif fields.get("customer") is None and asset is None:
        raise ServiceError("customer_required", _("Name the site or the customer of the unit."), "customer")
    return fields


@transaction.atomic
def create_asset(user, data: dict) -> Asset:
    """Register an installed unit; the customer follows from the site, warranty from the rules."""
    require(user, "asset.change")
    fields = _resolve_customer(user, pick(data, ASSET_FIELDS))
    require(user, "asset.change", fields.get("customer"))
    asset = audit.stamp(Asset(**fields), user, data.get("reason"))
    asset.full_clean()
    with audit.one_row(asset, "+"):  # created with its derived warranty dates
        asset.save()
        refresh_asset_warranty(asset)
    return asset


@transaction.atomic
def update_asset(user, asset: Asset, data: dict, version: int | None, reason: str = "") -> Asset:
    """Change a unit (409 when stale); a new acceptance date or site re-derives the warranty.

    A change of install or acceptance date needs "asset.change_warranty" on the unit and a reason
    (`reason_required`, field "reason"); the reason is the change reason in the audit history.
    """
    require_visible(user, Asset, asset, "id")
    require(user, "asset.change", asset)
    fields = _resolve_customer(user, pick(data, ASSET_FIELDS), asset)
    reason = (reason or data.get("reason") or "").strip()
    if any(name in fields and fields[name] != getattr(asset, name) for name in WARRANTY_FIELDS):
        require(user, "asset.change_warranty", asset)
        reason = require_reason(reason)
    with audit.one_row(audit.stamp(asset, user, reason)):  # the edit and the dates it derives
        asset = save_versioned(asset, version, fields)
        refresh_asset_warranty(asset)
    return asset


def warranty_terms(asset: Asset) -> tuple[int, str]:
    """(months, start rule) for `asset`: a covering contract's terms, else the product default."""
    for _receiver, terms in warranty_terms_signal.send(sender=Asset, asset=asset):
        if terms:
            return terms  # type: ignore[return-value]  # django-stubs types every receiver's response as str
    return asset.product_model.default_warranty_months, FROM_ACCEPTANCE


def refresh_asset_warranty(asset: Asset) -> Asset:
    """Derive warranty_start / warranty_end from acceptance and the governing terms.

    The dates are derived, never edited, so they are written without bumping `version`: a
    derivation must not make a person's concurrent edit of the unit stale.  A change of the dates
    is in the unit's audit trail, with the user and reason stamped on `asset` (core.audit.stamp).
    """
    months, rule = warranty_terms(asset)
    period = warranty_period(asset.acceptance_date, months, rule)
    start, end = period if period else (None, None)
    if (asset.warranty_start, asset.warranty_end) != (start, end):
        Asset.objects.filter(pk=asset.pk).update(warranty_start=start, warranty_end=end)
        asset.warranty_start, asset.warranty_end = start, end
        audit.record_change(asset, default_reason=_("Warranty dates derived again from the governing terms."))
    return asset
