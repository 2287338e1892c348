"""The only code that changes product models and assets (units).

Same rules as customers.services: the acting user comes first (``None`` = the CLI operator),
one transaction per call, ServiceError / ConflictError (409) on refusal.  Desk roles manage the
product catalogue; desk roles and dealer staff (for their own customers, P6.1) register units.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import audit
from shouhou.core.errors import ServiceError
from shouhou.core.versioning import save_versioned
from shouhou.customers.models import Customer, Site
from shouhou.customers.services import (
    may_manage_reference_data,
    may_register_sales,
    pick,
    require,
    require_visible,
)

from .models import Asset, ProductModel
from .signals import warranty_terms as warranty_terms_signal
from .warranty import FROM_ACCEPTANCE, warranty_period

PRODUCT_MODEL_FIELDS = ("code", "name", "category", "default_warranty_months")
ASSET_FIELDS = (
    "serial_no", "certificate_no", "product_model", "customer", "site", "location",
    "install_date", "acceptance_date", "notes",
)


@transaction.atomic
def create_product_model(user, data: dict) -> ProductModel:
    """Add a product model to the catalogue (desk roles only)."""
    require(may_manage_reference_data(user))
    product_model = audit.stamp(ProductModel(**pick(data, PRODUCT_MODEL_FIELDS)), user, data.get("reason"))
    product_model.full_clean()
    product_model.save()
    return product_model


@transaction.atomic
def update_product_model(user, product_model: ProductModel, data: dict, version: int | None) -> ProductModel:
    """Change a product model; its default warranty applies to units no contract covers."""
    require(may_manage_reference_data(user))
    audit.stamp(product_model, user, data.get("reason"))
    product_model = save_versioned(product_model, version, pick(data, PRODUCT_MODEL_FIELDS))
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
    require(may_register_sales(user))
    fields = _resolve_customer(user, pick(data, ASSET_FIELDS))
    asset = audit.stamp(Asset(**fields), user, data.get("reason"))
    asset.full_clean()
    with audit.one_row(asset, "+"):  # created with its derived warranty dates
        asset.save()
        refresh_asset_warranty(asset)
    return asset


@transaction.atomic
def update_asset(user, asset: Asset, data: dict, version: int | None) -> Asset:
    """Change a unit (409 when stale); a new acceptance date or site re-derives the warranty."""
    require(may_register_sales(user))
    require_visible(user, Asset, asset, "id")
    fields = _resolve_customer(user, pick(data, ASSET_FIELDS), asset)
    with audit.one_row(audit.stamp(asset, user, data.get("reason"))):  # the edit and the dates it derives
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
