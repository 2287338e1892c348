"""The only code that changes contracts, and the warranty terms contracts give to their assets.

A contract covers sites (every unit on them) and individual assets.  A covered unit's warranty
counts from its acceptance by the contract's rule — the day after acceptance (P8.3) or acceptance
itself (P13.1, P14.1) — for the contract's months; units no contract covers fall back to their
product model's default months from acceptance (assets.services.warranty_terms).
Only the roles accounts.permissions gives "contract.change" write contracts (the desk); dealers
and customer users read the ones they can see.  A contract's level, warranty terms, dates and
coverage define what its customer is promised, so changing them needs a reason (issue 6), kept
as the change reason of the audit history.  Every change is one row of the contract's audit
trail (fields and coverage together, with the acting user and the reason); units whose warranty
dates it moves get a row each.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from shouhou.assets.models import Asset
from shouhou.assets.services import refresh_asset_warranty
from shouhou.core import audit
from shouhou.core.errors import ServiceError
from shouhou.core.services import pick, require, require_reason, require_visible
from shouhou.core.versioning import save_versioned
from shouhou.customers.models import Customer, Site

from .models import Contract

CONTRACT_FIELDS = (
    "number", "title", "customer", "service_level", "warranty_months", "warranty_start_rule",
    "warranty_terms", "start_date", "end_date",
)
# What defines the promise: changing any of these on an existing contract needs a reason.
WARRANTY_FIELDS = (
    "service_level", "warranty_months", "warranty_start_rule", "warranty_terms", "start_date", "end_date",
)


def covering_contract(asset: Asset) -> Contract | None:
    """The contract whose warranty terms govern `asset`.

    A contract naming the unit itself beats one covering its whole site; among equals the most
    recently started one wins (a renewal replaces the terms it renews).
    """
    direct = Contract.objects.filter(assets=asset).order_by("-start_date", "-pk").first()
    if direct or not asset.site_id:
        return direct
    return Contract.objects.filter(sites=asset.site_id).order_by("-start_date", "-pk").first()


def terms_for_asset(sender, asset: Asset, **kwargs) -> tuple[int, str] | None:
    """Receiver of assets.signals.warranty_terms (connected in ContractsConfig.ready)."""
    contract = covering_contract(asset)
    return (contract.warranty_months, contract.warranty_start_rule) if contract else None


def covered_assets(contract: Contract):
    """Every unit the contract covers, named directly or through a covered site."""
    return Asset.objects.filter(Q(contracts=contract) | Q(site__contracts=contract)).distinct()


def refresh_warranty(contract: Contract, also=(), user=None) -> int:
    """Re-derive the warranty dates of every unit `contract` covers (plus `also`, units it just
    stopped covering, which may fall back to another contract or the product default).
    A unit whose dates move gets a row in its audit trail naming the contract and `user`.
    Returns how many units were looked at."""
    assets = {a.pk: a for a in covered_assets(contract).select_related("product_model")}
    for asset in also:
        assets.setdefault(asset.pk, asset)
    why = _("Warranty terms of contract %(number)s applied.") % {"number": contract.number}
    for asset in assets.values():
        asset.__dict__.pop("_change_reason", None)
        refresh_asset_warranty(audit.stamp(asset, user, why))
    return len(assets)


def _check_coverage(user, customer: Customer, sites, assets) -> None:
    """Covered sites and units must be visible and belong to the contract's customer."""
    for site in sites:
        require_visible(user, Site, site, "sites")
        if site.customer_id != customer.pk:
            raise ServiceError("site_customer_mismatch", _("Site %(site)s belongs to another customer.") % {"site": site}, "sites")
    for asset in assets:
        require_visible(user, Asset, asset, "assets")
        if asset.customer_id != customer.pk:
            raise ServiceError("asset_customer_mismatch", _("Unit %(asset)s belongs to another customer.") % {"asset": asset}, "assets")


@transaction.atomic
def create_contract(user, data: dict) -> Contract:
    """Record a contract with its covered sites and units, then derive their warranties."""
    require(user, "contract.change")
    fields = pick(data, CONTRACT_FIELDS)
    require_visible(user, Customer, fields.get("customer"), "customer")
    contract = audit.stamp(Contract(**fields), user, data.get("reason"))
    contract.full_clean()
    sites, assets = list(data.get("sites") or ()), list(data.get("assets") or ())
    _check_coverage(user, contract.customer, sites, assets)
    with audit.one_row(contract, "+"):
        contract.save()
        contract.sites.set(sites)
        contract.assets.set(assets)
    refresh_warranty(contract, user=user)
    return contract


@transaction.atomic
def update_contract(user, contract: Contract, data: dict, version: int | None, reason: str = "") -> Contract:
    """Change a contract (409 when stale); re-derive the warranty of every unit it covered or covers.

    A change of level, warranty terms, dates or coverage needs a `reason` (`reason_required`).
    """
    require_visible(user, Contract, contract, "id")
    require(user, "contract.change", contract)
    fields = pick(data, CONTRACT_FIELDS)
    if "customer" in fields and fields["customer"].pk != contract.customer_id:
        raise ServiceError("contract_customer_fixed", _("A contract cannot move to another customer."), "customer")
    before = list(covered_assets(contract).select_related("product_model"))
    sites = list(data["sites"]) if "sites" in data else list(contract.sites.all())
    assets = list(data["assets"]) if "assets" in data else list(contract.assets.all())
    _check_coverage(user, contract.customer, sites, assets)
    reason = (reason or data.get("reason") or "").strip()
    coverage_moved = ({s.pk for s in sites} != set(contract.sites.values_list("pk", flat=True))
                      or {a.pk for a in assets} != set(contract.assets.values_list("pk", flat=True)))
    if coverage_moved or any(name in fields and fields[name] != getattr(contract, name) for name in WARRANTY_FIELDS):
        reason = require_reason(reason)
    with audit.one_row(audit.stamp(contract, user, reason)):
        contract = save_versioned(contract, version, fields)
        if "sites" in data:
            contract.sites.set(sites)
        if "assets" in data:
            contract.assets.set(assets)
    refresh_warranty(contract, also=before, user=user)
    return contract
